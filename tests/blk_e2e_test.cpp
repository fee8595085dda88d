// The block device end to end: our driver stack (discover, open, BlkDriver) against BlkDevice backed by an image
// file, on every transport it has (PCI modern, PCI legacy, PCI transitional driven either way, MMIO v2, MMIO v1),
// on the functional board and on the SystemC platform in fast and timed mode. Checks: round trips, a seeded random
// workload verified byte for byte against a reference copy of the image, writeback (data reaches the file only on
// FLUSH), hostile requests (the image is untouched and the status is IOERR / UNSUPP), and that neither side
// reported a violation where none was provoked. Each ctest runs one TEST in its own process.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>

#include "vsim/drv/blk_driver.h"
#include "vsim/drv/discover.h"
#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"
#include "vsim/model/blk_device.h"
#include "vsim/model/board.h"
#include "vsim/model/sc_simulation.h"

namespace vsim {
namespace {

using model::TransportKind;
enum class Mode { Functional, ScFast, ScTimed };
const char* const kModeNames[] = {"functional", "sc_fast", "sc_timed"};

struct Combo {
  TransportKind transport;
  bool forceLegacy;
  drv::DiscoveredKind expectKind;
  const char* name;
};

const Combo kCombos[] = {
    {TransportKind::PciModern, false, drv::DiscoveredKind::PciModern, "pci_modern"},
    {TransportKind::PciLegacy, false, drv::DiscoveredKind::PciLegacy, "pci_legacy"},
    {TransportKind::PciTransitional, false, drv::DiscoveredKind::PciTransitional, "pci_transitional_as_modern"},
    {TransportKind::PciTransitional, true, drv::DiscoveredKind::PciTransitional, "pci_transitional_as_legacy"},
    {TransportKind::MmioV2, false, drv::DiscoveredKind::MmioV2, "mmio_v2"},
    {TransportKind::MmioV1, false, drv::DiscoveredKind::MmioV1, "mmio_v1"},
};

struct Param {
  Combo combo;
  Mode mode;
};
void PrintTo(const Param& p, std::ostream* os) { *os << p.combo.name << "/" << kModeNames[static_cast<int>(p.mode)]; }
std::string paramName(const ::testing::TestParamInfo<Param>& i) {
  return std::string(i.param.combo.name) + "_" + kModeNames[static_cast<int>(i.param.mode)];
}

/// splitmix64: the workload's seeded generator (same seed, same requests on every platform).
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return next() % n; }
};

std::vector<uint8_t> pattern(uint64_t seed, size_t n) {
  Rng r{seed};
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t x = r.next();
    std::memcpy(v.data() + i, &x, std::min<size_t>(8, n - i));
  }
  return v;
}

/// A fresh image file in the test temp dir holding `content`; removed when the object goes.
struct TempImage {
  std::string path;
  ~TempImage() { std::remove(path.c_str()); }
};

std::string makeImage(const std::string& name, const std::vector<uint8_t>& content) {
  // the pid keeps concurrent runs (two build trees, ctest -j) from sharing a file
  const std::string path = ::testing::TempDir() + "vsim_blk_" + name + "_" + std::to_string(::getpid()) + ".img";
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(content.data()), static_cast<std::streamsize>(content.size()));
  return path;
}

std::vector<uint8_t> fileBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void runOn(model::Board& board, Mode mode, const std::function<void(model::CpuPort&)>& fn) {
  if (mode == Mode::Functional) {
    fn(board.functionalCpu());
    return;
  }
  model::ScSimulation sim(board, mode == Mode::ScFast ? model::SimMode::Fast : model::SimMode::Timed);
  sim.run(fn);
}

model::BoardConfig boardWith(const Combo& c, model::DeviceOptions opts) {
  model::BoardConfig cfg;
  model::DeviceSpec spec;
  spec.type = "blk";
  spec.transport = c.transport;
  spec.options = std::move(opts);
  cfg.devices.push_back(spec);
  if (const char* t = std::getenv("VSIM_TEST_TRACE")) cfg.tracePath = t;
  return cfg;
}

bool expectLegacy(const Combo& c) {
  return c.forceLegacy || c.transport == TransportKind::PciLegacy || c.transport == TransportKind::MmioV1;
}

/// Discover the one device on the CPU's platform and open it with BlkDriver.
std::unique_ptr<drv::BlkDriver> openBlk(harness::CpuHal& hal, const Combo& c, ViolationSink& sink,
                                        drv::BlkDriverOptions bo = {}) {
  auto found = drv::discover(hal, sink);
  EXPECT_EQ(found.size(), 1u);
  if (found.size() != 1) return nullptr;
  EXPECT_EQ(found[0].type, 2);
  EXPECT_EQ(found[0].kind, c.expectKind) << drv::discoveredKindName(found[0].kind);
  drv::DriverOptions opts;
  opts.forceLegacy = c.forceLegacy;
  auto d = drv::BlkDriver::open(hal, found[0], opts, sink, bo);
  EXPECT_TRUE(d && d->ok());
  if (d) {
    EXPECT_EQ(d->device().legacy(), expectLegacy(c));
  }
  return d;
}

void expectNoViolations(model::Board& board, const ViolationLog& driverSaw) {
  for (const auto& v : board.violations().all()) ADD_FAILURE() << "device saw: " << toString(v);
  for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
}

constexpr uint64_t kDmaBase = 1 << 20, kDmaSize = 32 << 20;

// ---------------------------------------------------------------------------------------------------------------
// Round trip on every transport and mode

class BlkEndToEnd : public ::testing::TestWithParam<Param> {};

TEST_P(BlkEndToEnd, RoundTrip) {
  const Param p = GetParam();
  const std::string name = paramName({p, 0});
  const auto initial = pattern(99, 2 << 20);
  const TempImage image{makeImage(name, initial)};
  const std::string& path = image.path;
  model::Board board(boardWith(p.combo, {{"image", path}, {"serial", "e2e-disk"}}));
  auto& dev = dynamic_cast<model::BlkDevice&>(board.logic(0));
  std::vector<uint8_t> expect = initial;
  const auto a = pattern(1, 300 * 1024);  // more than one request (256 KiB bounce buffer)
  ViolationLog driverSaw;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), kDmaBase, kDmaSize);
    auto blk = openBlk(hal, p.combo, driverSaw);
    ASSERT_TRUE(blk);
    EXPECT_EQ(blk->capacity(), (2u << 20) / 512);
    EXPECT_EQ(blk->config().blkSize, 512u);
    EXPECT_EQ(blk->config().segMax, 254u);
    std::string id;
    EXPECT_EQ(blk->getId(&id), drv::BlkStatus::Ok);
    EXPECT_EQ(id, "e2e-disk");
    EXPECT_EQ(blk->write(100, a.data(), a.size()), drv::BlkStatus::Ok);
    std::copy(a.begin(), a.end(), expect.begin() + 100 * 512);
    std::vector<uint8_t> got(a.size());
    EXPECT_EQ(blk->read(100, got.data(), got.size()), drv::BlkStatus::Ok);
    EXPECT_EQ(got, a);
    EXPECT_EQ(blk->flush(), drv::BlkStatus::Ok);
    EXPECT_EQ(blk->writeZeroes({{10, 8, false}, {40, 4, true}}), drv::BlkStatus::Ok);
    std::fill_n(expect.begin() + 10 * 512, 8 * 512, 0);
    std::fill_n(expect.begin() + 40 * 512, 4 * 512, 0);
    EXPECT_EQ(blk->discard({{2000, 16, false}}), drv::BlkStatus::Ok);  // unmap on: reads back zeroes
    std::fill_n(expect.begin() + 2000 * 512, 16 * 512, 0);
    EXPECT_EQ(blk->secureErase({{3000, 2, false}}), drv::BlkStatus::Ok);
    std::fill_n(expect.begin() + 3000 * 512, 2 * 512, 0);
    std::vector<uint8_t> z(8 * 512, 0xee);
    EXPECT_EQ(blk->read(10, z.data(), z.size()), drv::BlkStatus::Ok);
    EXPECT_EQ(z, std::vector<uint8_t>(z.size(), 0));
    EXPECT_GT(blk->stats().requests, 5u);
  });
  EXPECT_EQ(dev.dirtyBytes(), 0u);
  EXPECT_EQ(fileBytes(path), expect);
  expectNoViolations(board, driverSaw);
}

std::vector<Param> allParams() {
  std::vector<Param> v;
  for (Mode m : {Mode::Functional, Mode::ScFast, Mode::ScTimed})
    for (const auto& c : kCombos) v.push_back(Param{c, m});
  return v;
}
INSTANTIATE_TEST_SUITE_P(Transports, BlkEndToEnd, ::testing::ValuesIn(allParams()), paramName);

// ---------------------------------------------------------------------------------------------------------------
// Seeded random workload, verified byte for byte

struct WorkloadResult {
  std::vector<uint8_t> file;
  std::vector<uint8_t> reference;
  uint64_t endPs = 0;
  std::vector<uint64_t> chainsPerQueue;  ///< chains the device took from each queue
  uint16_t driverQueues = 0;
};

WorkloadResult runWorkload(const Combo& c, Mode mode, const std::string& name, model::DeviceOptions extra,
                           uint64_t seed, int ops) {
  const size_t bytes = 4 << 20;
  const auto initial = pattern(seed ^ 0x1111, bytes);
  const TempImage image{makeImage(name, initial)};
  const std::string& path = image.path;
  extra["image"] = path;
  WorkloadResult out;
  out.reference = initial;
  auto& ref = out.reference;
  model::Board board(boardWith(c, extra));
  ViolationLog driverSaw;
  runOn(board, mode, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), kDmaBase, kDmaSize);
    auto blk = openBlk(hal, c, driverSaw);
    ASSERT_TRUE(blk);
    out.driverQueues = blk->numQueues();
    const uint64_t cap = blk->capacity();
    Rng r{seed};
    std::vector<uint8_t> buf;
    for (int i = 0; i < ops; ++i) {
      const uint64_t what = r.below(100);
      const uint32_t n = 1 + static_cast<uint32_t>(r.below(what < 5 ? 1024 : 128));  // sectors; now and then a big one
      const uint64_t sector = r.below(cap - n + 1);
      const int q = static_cast<int>(r.below(8)) - 1;  // -1 = round robin
      if (what < 55) {
        buf = pattern(r.next(), n * 512ull);
        ASSERT_EQ(blk->write(sector, buf.data(), buf.size(), q), drv::BlkStatus::Ok) << "op " << i;
        std::copy(buf.begin(), buf.end(), ref.begin() + sector * 512);
      } else if (what < 85) {
        buf.assign(n * 512ull, 0);
        ASSERT_EQ(blk->read(sector, buf.data(), buf.size(), q), drv::BlkStatus::Ok) << "op " << i;
        ASSERT_TRUE(std::equal(buf.begin(), buf.end(), ref.begin() + sector * 512)) << "op " << i;
      } else if (what < 93) {
        ASSERT_EQ(blk->flush(q), drv::BlkStatus::Ok) << "op " << i;
      } else if (what < 97) {
        ASSERT_EQ(blk->writeZeroes({{sector, n, (what & 1) != 0}}, q), drv::BlkStatus::Ok) << "op " << i;
        std::fill_n(ref.begin() + sector * 512, n * 512ull, 0);
      } else {
        ASSERT_EQ(blk->discard({{sector, n, false}}, q), drv::BlkStatus::Ok) << "op " << i;
        std::fill_n(ref.begin() + sector * 512, n * 512ull, 0);  // this device deallocates: zeroes
      }
    }
    ASSERT_EQ(blk->flush(), drv::BlkStatus::Ok);
  });
  out.endPs = board.clock().nowPs;
  for (uint16_t q = 0; q < board.core(0).numQueues(); ++q)
    out.chainsPerQueue.push_back(board.core(0).engine(q) ? board.core(0).engine(q)->stats().chainsPopped : 0);
  out.file = fileBytes(path);  // before the board goes: everything reached the file by the last FLUSH
  expectNoViolations(board, driverSaw);
  return out;
}

class BlkWorkload : public ::testing::TestWithParam<Param> {};

TEST_P(BlkWorkload, RandomIoMatchesReference) {
  const Param p = GetParam();
  const auto res = runWorkload(p.combo, p.mode, "wl_" + paramName({p, 0}), {{"num_queues", "4"}, {"seg_max", "16"}},
                               0xb10c + static_cast<int>(p.combo.transport), p.mode == Mode::Functional ? 400 : 150);
  ASSERT_EQ(res.file.size(), res.reference.size());
  EXPECT_TRUE(res.file == res.reference) << "image differs from the reference";
  EXPECT_EQ(res.driverQueues, 4);  // VIRTIO_BLK_F_MQ negotiated on every transport
  ASSERT_EQ(res.chainsPerQueue.size(), 4u);
  for (uint64_t n : res.chainsPerQueue) EXPECT_GT(n, 10u);
}

std::vector<Param> workloadParams() {
  std::vector<Param> v;
  for (const auto& c : kCombos) v.push_back(Param{c, Mode::Functional});
  v.push_back(Param{kCombos[0], Mode::ScFast});
  v.push_back(Param{kCombos[5], Mode::ScFast});
  v.push_back(Param{kCombos[0], Mode::ScTimed});
  v.push_back(Param{kCombos[4], Mode::ScTimed});
  return v;
}
INSTANTIATE_TEST_SUITE_P(Transports, BlkWorkload, ::testing::ValuesIn(workloadParams()), paramName);

TEST(BlkWorkloadDeterminism, SameOptionsSameResults) {
  const auto a = runWorkload(kCombos[0], Mode::Functional, "det_a", {{"writeback", "true"}}, 77, 200);
  const auto b = runWorkload(kCombos[0], Mode::Functional, "det_b", {{"writeback", "true"}}, 77, 200);
  EXPECT_TRUE(a.file == a.reference);
  EXPECT_TRUE(a.file == b.file);
  EXPECT_EQ(a.endPs, b.endPs);
}

// ---------------------------------------------------------------------------------------------------------------
// Writeback: the file only changes on FLUSH

class BlkWriteback : public ::testing::TestWithParam<Param> {};

TEST_P(BlkWriteback, DataReachesTheFileOnlyOnFlush) {
  const Param p = GetParam();
  const auto initial = pattern(5, 1 << 20);
  const TempImage image{makeImage("wb_" + paramName({p, 0}), initial)};
  const std::string& path = image.path;
  model::Board board(boardWith(p.combo, {{"image", path}, {"writeback", "true"}}));
  auto& dev = dynamic_cast<model::BlkDevice&>(board.logic(0));
  std::vector<std::pair<uint64_t, model::BlkStoreCause>> stored;
  dev.setStoreObserver([&](uint64_t off, uint64_t, model::BlkStoreCause c) { stored.emplace_back(off, c); });
  const auto data = pattern(6, 64 * 1024);
  ViolationLog driverSaw;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), kDmaBase, kDmaSize);
    auto blk = openBlk(hal, p.combo, driverSaw);
    ASSERT_TRUE(blk);
    EXPECT_TRUE(blk->writebackEnabled());
    ASSERT_EQ(blk->write(64, data.data(), data.size()), drv::BlkStatus::Ok);
    // Completed, readable by the driver, but not in the file.
    EXPECT_EQ(dev.dirtyBytes(), data.size());
    EXPECT_TRUE(stored.empty());
    auto file = fileBytes(path);
    EXPECT_TRUE(std::equal(file.begin() + 64 * 512, file.begin() + 64 * 512 + data.size(), initial.begin() + 64 * 512));
    std::vector<uint8_t> got(data.size());
    EXPECT_EQ(blk->read(64, got.data(), got.size()), drv::BlkStatus::Ok);
    EXPECT_EQ(got, data);
    ASSERT_EQ(blk->flush(), drv::BlkStatus::Ok);
    EXPECT_EQ(dev.dirtyBytes(), 0u);
    ASSERT_FALSE(stored.empty());
    EXPECT_EQ(stored.front().second, model::BlkStoreCause::WriteBack);
    file = fileBytes(path);
    EXPECT_TRUE(std::equal(file.begin() + 64 * 512, file.begin() + 64 * 512 + data.size(), data.begin()));
    // Switch to writethrough (CONFIG_WCE): a write is in the file when it completes.
    ASSERT_TRUE(blk->setWriteback(false));
    stored.clear();
    ASSERT_EQ(blk->write(0, data.data(), 4096), drv::BlkStatus::Ok);
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].second, model::BlkStoreCause::WriteThrough);
    file = fileBytes(path);
    EXPECT_TRUE(std::equal(file.begin(), file.begin() + 4096, data.begin()));
  });
  EXPECT_EQ(dev.flushCount(), 1u);
  expectNoViolations(board, driverSaw);
}

std::vector<Param> writebackParams() {
  std::vector<Param> v;
  for (const auto& c : kCombos) v.push_back(Param{c, Mode::Functional});
  v.push_back(Param{kCombos[0], Mode::ScFast});
  v.push_back(Param{kCombos[5], Mode::ScTimed});
  return v;
}
INSTANTIATE_TEST_SUITE_P(Transports, BlkWriteback, ::testing::ValuesIn(writebackParams()), paramName);

// ---------------------------------------------------------------------------------------------------------------
// Hostile requests through the raw ring API: the image stays as it was, the status says why

class BlkHostile : public ::testing::TestWithParam<Param> {};

TEST_P(BlkHostile, MalformedRequestsLeaveTheImageUntouched) {
  const Param p = GetParam();
  const auto initial = pattern(7, 1 << 20);
  const TempImage image{makeImage("hostile_" + paramName({p, 0}), initial)};
  const std::string& path = image.path;
  model::Board board(boardWith(p.combo, {{"image", path}}));
  ViolationLog driverSaw;
  struct Case {
    const char* what;
    uint8_t expect;     ///< status byte, or 0xff = none written
    const char* clause; ///< the driver violation the device must report (nullptr = none)
  };
  struct Outcome {
    Case c;
    bool unchanged;                    ///< the image file is byte for byte what it was
    std::vector<std::string> clauses;  ///< what the device reported for this request
  };
  std::vector<Outcome> results;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), kDmaBase, kDmaSize);
    auto blk = openBlk(hal, p.combo, driverSaw);
    ASSERT_TRUE(blk);
    GuestMemory& mem = hal.dmaMemory();
    const uint64_t hdr = blk->allocDma(64), data = blk->allocDma(8192, 4096), st = blk->allocDma(64);
    ASSERT_NE(hdr, GuestAllocator::kFail);
    const auto payload = pattern(8, 8192);
    mem.write(data, payload.data(), payload.size());
    auto header = [&](uint32_t type, uint64_t sector) {
      mem.store(hdr, type);
      mem.store(hdr + 4, uint32_t{0});
      mem.store(hdr + 8, sector);
    };
    auto run = [&](Case c, std::vector<drv::Buf> bufs, uint64_t statusAt) {
      mem.store(statusAt, uint8_t{0xff});
      const size_t reportsBefore = board.violations().size();
      uint32_t len = 0;
      EXPECT_TRUE(blk->submitRaw(0, bufs.data(), bufs.size(), &len)) << c.what;
      uint8_t s = 0;
      mem.load(statusAt, &s);
      EXPECT_EQ(s, c.expect) << c.what;
      Outcome o{c, fileBytes(path) == initial, {}};
      for (size_t i = reportsBefore; i < board.violations().size(); ++i) o.clauses.push_back(board.violations().all()[i].clause);
      results.push_back(std::move(o));
    };
    const uint64_t cap = blk->capacity();
    header(drv::blk::kTIn, 0);
    run({"header of 8 bytes", 1, "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1"},
        {{hdr, 8, false}, {data, 512, true}, {st, 1, true}}, st);
    header(drv::blk::kTOut, cap - 1);
    run({"write across the end", 1, "drivernormative:Device Types / Block Device / Device Operation#2"},
        {{hdr, 16, false}, {data, 1024, false}, {st, 1, true}}, st);
    header(drv::blk::kTOut, ~uint64_t{0});
    run({"sector wraps", 1, "drivernormative:Device Types / Block Device / Device Operation#2"},
        {{hdr, 16, false}, {data, 512, false}, {st, 1, true}}, st);
    header(drv::blk::kTOut, 4);
    run({"data not a multiple of 512", 1, "drivernormative:Device Types / Block Device / Device Operation#6"},
        {{hdr, 16, false}, {data, 700, false}, {st, 1, true}}, st);
    header(drv::blk::kTOut, 4);
    run({"status byte inside the data", 0xff, nullptr}, {{hdr, 16, false}, {data, 512, false}, {data + 100, 1, true}},
        data + 100);
    header(drv::blk::kTIn, 4);
    run({"read data over the header", 1, nullptr}, {{hdr, 16, false}, {hdr, 512, true}, {st, 1, true}}, st);
    header(drv::blk::kTOut, 4);
    run({"no status byte", 0xff, "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1"},
        {{hdr, 16, false}, {data, 512, false}}, st);
    header(drv::blk::kTOut, 4);
    run({"write data device-writable", 1, "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1"},
        {{hdr, 16, false}, {data, 512, true}, {st, 1, true}}, st);
    header(77, 4);
    run({"unknown type", 2, nullptr}, {{hdr, 16, false}, {data, 512, false}, {st, 1, true}}, st);
    header(drv::blk::kTDiscard, 0);
    mem.store(data, uint64_t{8});
    mem.store(data + 8, uint32_t{8});
    mem.store(data + 12, uint32_t{drv::blk::kSegFlagUnmap});
    run({"discard with unmap", 2, "drivernormative:Device Types / Block Device / Device Operation#14"},
        {{hdr, 16, false}, {data, 16, false}, {st, 1, true}}, st);
    mem.store(data + 12, uint32_t{0x8});
    header(drv::blk::kTWriteZeroes, 0);
    run({"write zeroes with an unknown flag", 2, nullptr}, {{hdr, 16, false}, {data, 16, false}, {st, 1, true}}, st);
    // Last, a valid request whose header is split over two descriptors (no layout may be assumed): it is executed.
    header(drv::blk::kTOut, 8);
    run({"header split 8 + 8", 0, nullptr}, {{hdr, 8, false}, {hdr + 8, 8, false}, {data + 0x1000, 512, false}, {st, 1, true}},
        st);
    const auto file = fileBytes(path);
    EXPECT_TRUE(std::equal(file.begin() + 8 * 512, file.begin() + 9 * 512, payload.begin() + 0x1000));
    // The device is still fine afterwards.
    std::vector<uint8_t> got(4096);
    EXPECT_EQ(blk->read(16, got.data(), got.size()), drv::BlkStatus::Ok);
    EXPECT_TRUE(std::equal(got.begin(), got.end(), initial.begin() + 16 * 512));
  });
  ASSERT_EQ(results.size(), 12u);
  for (const auto& o : results) {
    if (o.c.expect == 0) {  // the one valid request: sector 8 now holds the payload's first sector
      EXPECT_FALSE(o.unchanged) << o.c.what;
      EXPECT_TRUE(o.clauses.empty()) << o.c.what;
      continue;
    }
    EXPECT_TRUE(o.unchanged) << o.c.what;
    if (o.c.clause) {
      EXPECT_EQ(o.clauses, std::vector<std::string>{o.c.clause}) << o.c.what;
    } else {
      EXPECT_TRUE(o.clauses.empty()) << o.c.what;
    }
  }
  for (const auto& v : board.violations().all()) EXPECT_EQ(v.kind.rfind("blk.", 0), 0u) << toString(v);
  EXPECT_FALSE(board.core(0).needsReset());
  for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
}

std::vector<Param> hostileParams() {
  std::vector<Param> v;
  for (const auto& c : kCombos) v.push_back(Param{c, Mode::Functional});
  v.push_back(Param{kCombos[0], Mode::ScTimed});
  return v;
}
INSTANTIATE_TEST_SUITE_P(Transports, BlkHostile, ::testing::ValuesIn(hostileParams()), paramName);

// ---------------------------------------------------------------------------------------------------------------
// Read-only images, capacity changes, lifetime

TEST(BlkReadOnly, WritesFailAndTheFileStays) {
  const auto initial = pattern(9, 256 * 1024);
  const TempImage image{makeImage("ro", initial)};
  const std::string& path = image.path;
  model::Board board(boardWith(kCombos[0], {{"image", path}, {"read_only", "true"}}));
  ViolationLog driverSaw;
  runOn(board, Mode::Functional, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), kDmaBase, kDmaSize);
    drv::BlkDriverOptions bo;
    bo.writeReadOnly = true;  // submit anyway: the device must fail them
    auto blk = openBlk(hal, kCombos[0], driverSaw, bo);
    ASSERT_TRUE(blk);
    EXPECT_TRUE(blk->readOnly());
    const auto d = pattern(10, 4096);
    EXPECT_EQ(blk->write(0, d.data(), d.size()), drv::BlkStatus::IoErr);
    EXPECT_EQ(blk->writeZeroes({{0, 8, false}}), drv::BlkStatus::IoErr);
    std::vector<uint8_t> got(4096);
    EXPECT_EQ(blk->read(0, got.data(), got.size()), drv::BlkStatus::Ok);
    EXPECT_TRUE(std::equal(got.begin(), got.end(), initial.begin()));
  });
  EXPECT_EQ(fileBytes(path), initial);
  expectNoViolations(board, driverSaw);
}

TEST(BlkCapacity, ResizeIsSeenThroughAConfigurationChange) {
  model::Board board(boardWith(kCombos[4], {{"size", "1048576"}}));
  auto& dev = dynamic_cast<model::BlkDevice&>(board.logic(0));
  ViolationLog driverSaw;
  runOn(board, Mode::Functional, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), kDmaBase, kDmaSize);
    auto blk = openBlk(hal, kCombos[4], driverSaw);
    ASSERT_TRUE(blk);
    EXPECT_EQ(blk->capacity(), 2048u);
    const uint64_t changes = blk->device().configChanges();
    ASSERT_TRUE(dev.resize(4 << 20));
    blk->device().poll();
    EXPECT_EQ(blk->device().configChanges(), changes + 1);
    ASSERT_TRUE(blk->refreshConfig());
    EXPECT_EQ(blk->capacity(), 8192u);
    const auto d = pattern(11, 4096);
    EXPECT_EQ(blk->write(8000, d.data(), d.size()), drv::BlkStatus::Ok);
  });
  expectNoViolations(board, driverSaw);
}

TEST(BlkLifetime, ReportedValues) {
  model::Board board(
      boardWith(kCombos[0], {{"lifetime", "true"}, {"pre_eol_info", "2"}, {"lifetime_a", "4"}, {"lifetime_b", "7"}}));
  ViolationLog driverSaw;
  runOn(board, Mode::Functional, [&](model::CpuPort& cpu) {
    harness::CpuHal hal(cpu, harness::toPlatformDesc(board.map()), kDmaBase, kDmaSize);
    auto blk = openBlk(hal, kCombos[0], driverSaw);
    ASSERT_TRUE(blk);
    drv::BlkLifetime lt;
    ASSERT_EQ(blk->getLifetime(&lt), drv::BlkStatus::Ok);
    EXPECT_EQ(lt.preEolInfo, 2);
    EXPECT_EQ(lt.lifetimeA, 4);
    EXPECT_EQ(lt.lifetimeB, 7);
  });
  expectNoViolations(board, driverSaw);
}

}  // namespace
}  // namespace vsim
