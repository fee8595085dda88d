// Platform throughput and footprint. One configuration per process (SystemC elaborates once per process), printed
// as one JSON object. scripts/bench.sh runs the set; the targets: fast mode >= 3 M requests/s and timed mode
// >= 1 M requests/s for single-descriptor requests, and a platform with one device of each transport kind under
// 64 MiB resident beyond guest RAM.
//
//   vsim_platform_bench --mode fast|timed|functional --transport pci-modern|... --requests N --batch B [--packed]
//   vsim_platform_bench --footprint
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>

#include "vsim/drv/discover.h"
#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"
#include "vsim/model/board.h"
#include "vsim/model/sc_simulation.h"

namespace {

using namespace vsim;

double rssMiB() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

/// Drive `requests` single-descriptor requests through device 0..n-1 of the board, `batch` per notification.
uint64_t workload(model::Board& board, model::CpuPort& cpu, uint64_t requests, uint32_t batch, bool packed,
                  std::string* error) {
  harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), 1 << 20, 32 << 20);
  ViolationLog log;
  auto found = drv::discover(hal, log);
  drv::DriverOptions o;
  o.ringPacked = packed;
  uint64_t done = 0;
  for (auto& d : found) {
    auto dev = drv::open(hal, d, o, log);
    if (!dev || !dev->live()) {
      *error = "device did not come up: " + d.location;
      return done;
    }
    auto& q = dev->queue(0);
    std::vector<uint64_t> bufs(batch);
    for (auto& b : bufs) b = hal.dmaAllocator().alloc(64, 64);
    const uint64_t target = requests / found.size();
    uint64_t mine = 0;
    while (mine < target) {
      uint32_t n = 0;
      for (; n < batch && mine + n < target; ++n) {
        drv::Buf b{bufs[n], 64, true};
        if (q.add(&b, 1, n) < 0) break;
      }
      dev->kick(0);
      uint32_t got = 0;
      while (got < n) {
        if (!cpu.waitForInterrupt(1'000'000'000)) {
          *error = "no interrupt";
          return done + mine;
        }
        dev->poll();
        while (q.getUsed(nullptr, nullptr)) ++got;
      }
      mine += n;
    }
    done += mine;
  }
  if (!log.empty()) *error = "driver saw: " + toString(log.all().front());
  return done;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"virtio-sim platform benchmark (one configuration per process, JSON on stdout)"};
  std::string mode = "fast", transport = "mmio-v2";
  uint64_t requests = 200000;
  uint32_t batch = 32;
  bool packed = false, footprint = false;
  app.add_option("--mode", mode, "fast | timed | functional")->check(CLI::IsMember({"fast", "timed", "functional"}));
  app.add_option("--transport", transport, "pci-modern | pci-legacy | pci-transitional | mmio-v2 | mmio-v1");
  app.add_option("--requests", requests, "requests to run");
  app.add_option("--batch", batch, "requests per notification")->check(CLI::Range(1u, 256u));
  app.add_flag("--packed", packed, "packed ring (default split)");
  app.add_flag("--footprint", footprint, "one device of each transport kind; report resident memory beyond guest RAM");
  CLI11_PARSE(app, argc, argv);

  const double rss0 = rssMiB();
  model::BoardConfig cfg;
  if (footprint) {
    for (auto t : {model::TransportKind::PciModern, model::TransportKind::PciLegacy,
                   model::TransportKind::PciTransitional, model::TransportKind::MmioV2, model::TransportKind::MmioV1}) {
      model::DeviceSpec s;
      s.transport = t;
      cfg.devices.push_back(s);
    }
    requests = 5000;
  } else {
    model::DeviceSpec s;
    if (!model::parseTransport(transport, &s.transport)) {
      std::cerr << "unknown transport '" << transport << "'\n";
      return 2;
    }
    cfg.devices.push_back(s);
  }
  model::Board board(cfg);
  std::string error;
  uint64_t done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t simPs = 0;
  if (mode == "functional") {
    done = workload(board, board.functionalCpu(), requests, batch, packed, &error);
    simPs = board.functionalCpu().nowPs();
  } else {
    model::ScSimulation sim(board, mode == "fast" ? model::SimMode::Fast : model::SimMode::Timed);
    sim.run([&](model::CpuPort& cpu) { done = workload(board, cpu, requests, batch, packed, &error); });
    simPs = sim.nowPs();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rss1 = rssMiB();
  nlohmann::json j;
  j["benchmark"] = footprint ? "platform_footprint" : "platform_requests";
  j["mode"] = mode;
  j["transport"] = footprint ? "all" : transport;
  j["ring"] = packed ? "packed" : "split";
  j["batch"] = batch;
  j["requests"] = done;
  j["wall_seconds"] = secs;
  j["requests_per_second"] = secs > 0 ? static_cast<double>(done) / secs : 0.0;
  j["simulated_ns"] = simPs / 1000;
  j["simulated_ns_per_request"] = done ? static_cast<double>(simPs) / 1000.0 / static_cast<double>(done) : 0.0;
  j["rss_mib_before"] = rss0;
  j["rss_mib_after"] = rss1;
  j["guest_ram_mib"] = static_cast<double>(cfg.layout.ramSize) / (1 << 20);
  j["rss_beyond_guest_ram_mib"] = rss1 - rss0 - static_cast<double>(cfg.layout.ramSize) / (1 << 20);
  j["violations"] = board.violations().size();
  if (!error.empty()) j["error"] = error;
  std::cout << j.dump() << "\n";
  return error.empty() && board.violations().empty() ? 0 : 1;
}
