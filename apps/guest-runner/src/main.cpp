// vsim-guest-runner: runs our driver stack on the virtio devices of the Linux guest it boots in (as /init's child,
// with no kernel virtio driver loaded) and prints the outcome on the console, one JSON object per line:
//   VSIM-INFO {...}     platform: DMA memory, HAL notes, devices discovered
//   VSIM-RESULT {...}   one per device: functional checks, device-normative violations our driver saw
//   VSIM-DONE {...}     last line; the host launcher (scripts/qemu/run_qemu.py) folds these into results.json
// Settings (KEY=value on the kernel command line):
//   VSIM_TRANSPORT   name of the combination, e.g. pci-modern, pci-transitional-legacy, mmio-v2 (default "unknown")
//   VSIM_LEGACY      1 = drive transitional PCI devices through their legacy interface (default 0)
//   VSIM_TYPES       comma-separated device types to drive (rng,blk,net,console,input; default all found)
//   VSIM_HUGEPAGES   2 MiB hugepages for DMA memory (default 8)
//   VSIM_MMIO        "base:count:size" window of virtio-mmio slots to probe besides ACPI's (default none)
//   VSIM_MAX_QUEUE_SIZE  largest queue size the driver takes (default 1024)
//   plus the workloads' own settings (see their files).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

#include "json_line.h"
#include "vsim/drv/linux_guest_hal.h"
#include "workload.h"

namespace vsim::guest {

std::string envString(const char* key, const std::string& fallback) {
  const char* v = std::getenv(key);
  return v && *v ? std::string(v) : fallback;
}

uint64_t envNumber(const char* key, uint64_t fallback) {
  const char* v = std::getenv(key);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 0);
  return end && *end == 0 ? n : fallback;
}

void emit(const char* prefix, const std::string& text) {
  std::string line = std::string(prefix) + " " + text + "\n";
  // one write per line: the serial console never interleaves half lines of ours
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

std::string describeBytes(const std::string& s) {
  char tail[32] = "";
  if (!s.empty()) std::snprintf(tail, sizeof tail, ", last 0x%02x", static_cast<unsigned char>(s.back()));
  return "'" + s + "' (" + std::to_string(s.size()) + " bytes" + tail + ")";
}

void WorkloadRun::noteDevice(drv::Device& d) {
  live = d.live();
  failure = d.failure();
  offered = d.offeredFeatures();
  negotiated = d.features();
  std::string sizes;
  for (size_t q = 0; q < d.numQueues(); ++q) sizes += (q ? "," : "") + std::to_string(d.queue(q).size());
  fact("queue_sizes", sizes);  // what the driver set up: min(device maximum, VSIM_MAX_QUEUE_SIZE)
}

namespace {

const char* typeName(uint16_t t) {
  switch (t) {
    case 1:
      return "net";
    case 2:
      return "blk";
    case 3:
      return "console";
    case 4:
      return "rng";
    case 18:
      return "input";
    default:
      return nullptr;
  }
}

WorkloadFn workloadFor(uint16_t t) {
  switch (t) {
    case 1:
      return netWorkload;
    case 2:
      return blkWorkload;
    case 3:
      return consoleWorkload;
    case 4:
      return rngWorkload;
    case 18:
      return inputWorkload;
    default:
      return nullptr;
  }
}

std::string violationJson(const Violation& v) {
  JsonObject ev;
  for (const auto& e : v.evidence) ev.field(e.name, e.value);
  return JsonObject()
      .field("clause", v.clause)
      .field("kind", v.kind)
      .field("message", v.message)
      .field("queue", static_cast<int64_t>(v.queue))
      .raw("evidence", ev.str())
      .str();
}

std::string violationsJson(const ViolationLog& log) {
  JsonArray a;
  for (const auto& v : log.all()) a.add(violationJson(v));
  return a.str();
}

drv::LinuxGuestHalOptions halOptions() {
  drv::LinuxGuestHalOptions o;
  o.hugePages = static_cast<unsigned>(envNumber("VSIM_HUGEPAGES", 8));
  const std::string mmio = envString("VSIM_MMIO");
  if (!mmio.empty()) {
    unsigned long long base = 0, size = 0x200;
    unsigned count = 0;
    if (std::sscanf(mmio.c_str(), "%llx:%u:%llx", &base, &count, &size) >= 2) {
      o.mmioWindowBase = base;
      o.mmioSlotCount = count;
      o.mmioSlotSize = size;
    }
  }
  return o;
}

int run() {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string transport = envString("VSIM_TRANSPORT", "unknown");
  const bool legacy = envNumber("VSIM_LEGACY", 0) != 0;
  std::set<std::string> wanted;
  {
    std::stringstream ss(envString("VSIM_TYPES"));
    for (std::string t; std::getline(ss, t, ',');)
      if (!t.empty()) wanted.insert(t);
  }

  drv::LinuxGuestHal hal(halOptions());
  ViolationLog discoverLog;
  drv::PciScanOptions pciOpts;
  pciOpts.viaConfigSpace = true;    // sysfs config files, no ECAM window
  pciOpts.assignResources = false;  // the firmware placed the BARs and the kernel's resource files describe them
  std::vector<drv::DiscoveredDevice> found;
  if (hal.ready()) found = drv::discover(hal, discoverLog, pciOpts);

  JsonArray notes, devs;
  for (const auto& n : hal.notes()) notes.add(jsonString(n));
  for (const auto& d : found)
    devs.add(JsonObject()
                 .field("type_id", unsigned{d.type})
                 .field("kind", drv::discoveredKindName(d.kind))
                 .field("location", d.location)
                 .str());
  emit("VSIM-INFO", JsonObject()
                        .field("transport", transport)
                        .field("dma_base", hex64(hal.dmaBase()))
                        .field("dma_bytes", hal.dmaBytes())
                        .field("hugepages", unsigned{hal.hugePagesObtained()})
                        .field("pci_buses", unsigned{hal.platform().ecamBuses})
                        .field("mmio_slots", static_cast<uint64_t>(hal.platform().mmio.size()))
                        .raw("notes", notes.str())
                        .raw("devices", devs.str())
                        .raw("discover_violations", violationsJson(discoverLog))
                        .str());

  unsigned results = 0, failedChecks = 0, violations = static_cast<unsigned>(discoverLog.size());
  for (const auto& d : found) {
    const char* name = typeName(d.type);
    WorkloadFn fn = workloadFor(d.type);
    if (!name || !fn || (!wanted.empty() && !wanted.count(name))) continue;
    ViolationLog log;
    WorkloadEnv env{hal, log, drv::DriverOptions{}, transport};
    env.opts.interrupts = drv::InterruptMode::Intx;  // no MSI-X: nothing in user space receives the messages
    env.opts.forceLegacy = legacy;
    // take whatever queue size the device offers up to this (QEMU's virtio-mmio offers 1024 on every queue)
    env.opts.maxQueueSize = static_cast<uint32_t>(envNumber("VSIM_MAX_QUEUE_SIZE", 1024));
    WorkloadRun run;
    const auto s = std::chrono::steady_clock::now();
    fn(env, d, run);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count();
    JsonArray checks, facts;
    for (const auto& c : run.checks) {
      checks.add(JsonObject().field("name", c.name).field("ok", c.ok).field("detail", c.detail).str());
      failedChecks += !c.ok;
    }
    JsonObject f;
    for (const auto& [k, v] : run.facts) f.field(k, v);
    violations += static_cast<unsigned>(log.size());
    emit("VSIM-RESULT", JsonObject()
                            .field("transport", transport)
                            .field("type", name)
                            .field("type_id", unsigned{d.type})
                            .field("kind", drv::discoveredKindName(d.kind))
                            .field("driven_as", (legacy && d.kind == drv::DiscoveredKind::PciTransitional) ||
                                                        d.kind == drv::DiscoveredKind::PciLegacy ||
                                                        d.kind == drv::DiscoveredKind::MmioV1
                                                    ? "legacy"
                                                    : "modern")
                            .field("location", d.location)
                            .field("live", run.live)
                            .field("failure", run.failure)
                            .field("offered", hex64(run.offered))
                            .field("negotiated", hex64(run.negotiated))
                            .raw("facts", f.str())
                            .raw("checks", checks.str())
                            .raw("violations", violationsJson(log))
                            .field("duration_ms", ms)
                            .str());
    ++results;
  }
  const double total = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  emit("VSIM-DONE", JsonObject()
                        .field("results", results)
                        .field("failed_checks", failedChecks)
                        .field("violations", violations)
                        .field("failed_accesses", hal.failedAccesses())
                        .field("duration_ms", total)
                        .str());
  return failedChecks == 0 && hal.ready() ? 0 : 1;
}

}  // namespace
}  // namespace vsim::guest

int main() { return vsim::guest::run(); }
