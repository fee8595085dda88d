// BlkDriver on the fake platform, against a small fake block device whose misbehaviour the tests choose: the
// configuration it reads (and what it leaves alone), the request shapes it sends, status and used-length
// handling, limits and splitting, time-outs, multiqueue, and one test per device violation it detects.
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "fake_hal.h"
#include "vsim/abi/mmio.h"
#include "vsim/drv/blk_driver.h"

namespace vsim::drv {
namespace {

using fake::FakeHal;
using fake::FakeVirtioCore;
using fake::FakeVirtioMmio;
using fake::FakeVirtioPci;
constexpr uint64_t bit(unsigned b) { return uint64_t{1} << b; }

/// One request as the fake device saw it.
struct Seen {
  uint32_t type = 0;
  uint64_t sector = 0;
  std::vector<Buf> segs;
  std::vector<uint8_t> readable;  ///< every device-readable byte, header included
  uint64_t writable = 0;
  uint16_t queue = 0;
};

/// A fake block device: a memory disk behind split rings, with knobs for misbehaviour.
struct FakeBlk {
  std::vector<uint8_t> disk = std::vector<uint8_t>(1 << 20, 0);
  std::vector<Seen> seen;
  std::map<uint16_t, std::unique_ptr<test::FakeSplitDevice>> rings;
  int statusOverride = -1;      ///< >= 0: this status byte for every request
  bool zeroUsedLen = false;     ///< report used length 0
  bool silent = false;          ///< never answer
  uint16_t lifetime[3] = {1, 1, 1};
  const char* serial = "fake-blk";

  void serve(FakeVirtioCore& c, uint16_t q) {
    if (silent || !c.mem) return;
    GuestMemory& mem = *c.mem;
    const RingAddrs a = c.ringAddrs(q);
    auto& r = rings[q];
    if (!r || r->ring.addrs().desc != a.desc) r = std::make_unique<test::FakeSplitDevice>(mem, a);
    test::FakeChain ch;
    while (r->pop(&ch)) {
      Seen s;
      s.queue = q;
      s.segs = ch.segs;
      s.writable = ch.writable;
      for (const Buf& b : ch.segs) {
        if (b.writable) continue;
        const size_t at = s.readable.size();
        s.readable.resize(at + b.len);
        mem.read(b.addr, s.readable.data() + at, b.len);
      }
      if (s.readable.size() >= 16) {
        std::memcpy(&s.type, s.readable.data(), 4);
        std::memcpy(&s.sector, s.readable.data() + 8, 8);
      }
      std::vector<uint8_t> out(s.writable ? s.writable - 1 : 0, 0);
      uint8_t status = blk::kSOk;
      const uint64_t off = s.sector * 512;
      switch (s.type) {
        case blk::kTIn:
          if (off + out.size() <= disk.size()) std::memcpy(out.data(), disk.data() + off, out.size());
          else status = blk::kSIoErr;
          break;
        case blk::kTOut:
          if (off + s.readable.size() - 16 <= disk.size())
            std::memcpy(disk.data() + off, s.readable.data() + 16, s.readable.size() - 16);
          else status = blk::kSIoErr;
          break;
        case blk::kTGetId: std::strncpy(reinterpret_cast<char*>(out.data()), serial, out.size()); break;
        case blk::kTGetLifetime:
          if (out.size() >= 6) std::memcpy(out.data(), lifetime, 6);
          break;
        default: break;
      }
      if (statusOverride >= 0) status = static_cast<uint8_t>(statusOverride);
      out.push_back(status);
      uint64_t done = 0;  // scatter into the writable segments
      for (const Buf& b : ch.segs) {
        if (!b.writable) continue;
        const uint64_t n = std::min<uint64_t>(b.len, out.size() - done);
        mem.write(b.addr, out.data() + done, n);
        done += n;
      }
      seen.push_back(std::move(s));
      r->complete(ch.id, zeroUsedLen ? 0 : static_cast<uint32_t>(out.size()));
    }
    if (c.raise) c.raise(false, q);
  }
};

/// Little-endian config image helpers.
struct Cfg {
  std::vector<uint8_t> b = std::vector<uint8_t>(96, 0);
  template <class T>
  Cfg& set(uint32_t off, T v) {
    std::memcpy(b.data() + off, &v, sizeof v);
    return *this;
  }
};

enum class Kind { PciModern, MmioV2, MmioV1 };

struct Rig {
  FakeHal h;
  FakeVirtioCore* core = nullptr;
  uint64_t mmioBase = 0;
  FakeBlk blk;
  ViolationLog log;
  DiscoveredDevice d;
  Rig(Kind k, uint64_t blkFeatures, Cfg cfg, unsigned queues = 1) {
    if (k == Kind::PciModern) {
      core = &h.addPciT(std::make_unique<FakeVirtioPci>(2, queues), 3).core;
    } else {
      auto& m = h.addMmio(std::make_unique<FakeVirtioMmio>(2, queues, k == Kind::MmioV1 ? 1 : 2));
      core = &m.core;
      mmioBase = FakeHal::kMmioBase;
    }
    core->deviceFeatures = (k == Kind::MmioV1 ? 0 : feat::bit(feat::kVersion1)) | blkFeatures;
    core->config = cfg.b;
    core->onNotify = [this](FakeVirtioCore& c, uint16_t q, uint32_t) { blk.serve(c, q); };
    auto all = discover(h, log);
    EXPECT_EQ(all.size(), 1u);
    if (!all.empty()) d = all[0];
  }
  std::unique_ptr<BlkDriver> open(BlkDriverOptions bo = {}) {
    DriverOptions o;
    o.ringPacked = false;
    return BlkDriver::open(h, d, o, log, bo);
  }
  /// MMIO only: was any configuration byte in [lo, hi) read?
  bool configRead(uint32_t lo, uint32_t hi) const {
    return !h.accesses(Space::Memory, mmioBase + mmio::kConfig + lo, mmioBase + mmio::kConfig + hi).empty();
  }
};

Cfg standardConfig() {
  Cfg c;
  c.set<uint64_t>(blk::cfg::kCapacity, 2048)
      .set<uint32_t>(blk::cfg::kSegMax, 8)
      .set<uint32_t>(blk::cfg::kBlkSize, 4096)
      .set<uint16_t>(blk::cfg::kNumQueues, 3)
      .set<uint32_t>(blk::cfg::kMaxDiscardSectors, 16)
      .set<uint32_t>(blk::cfg::kMaxDiscardSeg, 2)
      .set<uint32_t>(blk::cfg::kMaxWriteZeroesSectors, 64)
      .set<uint32_t>(blk::cfg::kMaxWriteZeroesSeg, 4)
      .set<uint8_t>(blk::cfg::kWriteZeroesMayUnmap, 1);
  return c;
}

constexpr uint64_t kStd = bit(blk::kFSegMax) | bit(blk::kFBlkSize) | bit(blk::kFFlush) | bit(blk::kFConfigWce) |
                          bit(blk::kFDiscard) | bit(blk::kFWriteZeroes);

// covers: drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3
// covers: drivernormative:Device Types / Block Device / Device Initialization#4
TEST(BlkDriver, ReadsOnlyOfferedFieldsAndWritebackAfterFeaturesOk) {
  Rig r(Kind::MmioV2, kStd, standardConfig());
  auto b = r.open();
  ASSERT_TRUE(b);
  const BlkConfig& c = b->config();
  EXPECT_EQ(c.capacity, 2048u);
  EXPECT_EQ(c.segMax, 8u);
  EXPECT_EQ(c.blkSize, 4096u);
  EXPECT_EQ(c.maxDiscardSeg, 2u);
  EXPECT_EQ(c.numQueues, 0u);  // MQ not offered: never read
  EXPECT_FALSE(r.configRead(blk::cfg::kSizeMax, blk::cfg::kSizeMax + 4));
  EXPECT_FALSE(r.configRead(blk::cfg::kGeometry, blk::cfg::kGeometry + 4));
  EXPECT_FALSE(r.configRead(blk::cfg::kTopology, blk::cfg::kTopology + 8));
  EXPECT_FALSE(r.configRead(blk::cfg::kNumQueues, blk::cfg::kNumQueues + 2));
  EXPECT_FALSE(r.configRead(blk::cfg::kMaxSecureEraseSectors, 96));
  // The writeback read comes after the status write that set FEATURES_OK.
  size_t featuresOkAt = SIZE_MAX, writebackAt = SIZE_MAX;
  for (size_t i = 0; i < r.h.log.size(); ++i) {
    const fake::Access& a = r.h.log[i];
    if (a.write && a.addr == r.mmioBase + mmio::kStatus && (a.value & status::kFeaturesOk) && featuresOkAt == SIZE_MAX)
      featuresOkAt = i;
    if (!a.write && a.addr == r.mmioBase + mmio::kConfig + blk::cfg::kWriteback && writebackAt == SIZE_MAX) writebackAt = i;
  }
  ASSERT_NE(writebackAt, SIZE_MAX);
  EXPECT_LT(featuresOkAt, writebackAt);
  EXPECT_TRUE(r.log.empty());
}

// covers: drivernormative:Device Types / Block Device / Device Operation#4
// covers: drivernormative:Device Types / Block Device / Device Operation#5
// covers: drivernormative:Device Types / Block Device / Device Operation#6
// covers: drivernormative:Device Types / Block Device / Device Operation#8
TEST(BlkDriver, RequestShapes) {
  Rig r(Kind::PciModern, kStd, standardConfig());
  BlkDriverOptions bo;
  bo.useIndirect = false;
  auto b = r.open(bo);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->maxRequestBytes(), 8u * 4096);  // seg_max 8 x 4 KiB segments
  std::vector<uint8_t> data(20 * 1024);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
  ASSERT_EQ(b->write(16, data.data(), data.size()), BlkStatus::Ok);
  ASSERT_EQ(r.blk.seen.size(), 1u);
  const Seen& w = r.blk.seen[0];
  EXPECT_EQ(w.type, blk::kTOut);
  EXPECT_EQ(w.sector, 16u);
  ASSERT_EQ(w.segs.size(), 7u);  // header, five data segments, status
  EXPECT_EQ(w.segs[0].len, 16u);
  EXPECT_FALSE(w.segs[0].writable);
  EXPECT_EQ(w.segs[6].len, 1u);
  EXPECT_TRUE(w.segs[6].writable);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), r.blk.disk.begin() + 16 * 512));
  ASSERT_EQ(b->flush(), BlkStatus::Ok);
  EXPECT_EQ(r.blk.seen[1].type, blk::kTFlush);
  EXPECT_EQ(r.blk.seen[1].sector, 0u);
  EXPECT_EQ(r.blk.seen[1].readable.size(), 16u);
  EXPECT_EQ(r.blk.seen[1].writable, 1u);
  std::string id;
  ASSERT_EQ(b->getId(&id), BlkStatus::Ok);
  EXPECT_EQ(id, "fake-blk");
  EXPECT_EQ(r.blk.seen[2].writable, 21u);
  // A big read is split at maxRequestBytes.
  std::vector<uint8_t> got(100 * 1024);
  ASSERT_EQ(b->read(0, got.data(), got.size()), BlkStatus::Ok);
  EXPECT_EQ(r.blk.seen.size(), 3u + 4u);
  EXPECT_TRUE(r.log.empty());
}

TEST(BlkDriver, SegmentLimitsHonouredWhenOfferedButNotAccepted) {
  Cfg cfg = standardConfig();
  cfg.set<uint32_t>(blk::cfg::kSizeMax, 1024);
  Rig r(Kind::MmioV2, kStd | bit(blk::kFSizeMax), cfg);
  BlkDriverOptions bo;
  bo.features = 0;  // SEG_MAX and SIZE_MAX offered, not accepted
  bo.useIndirect = false;
  auto b = r.open(bo);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->maxRequestBytes(), 8u * 1024);  // seg_max 8 x size_max 1 KiB
  std::vector<uint8_t> data(16 * 1024, 0x3c);
  ASSERT_EQ(b->write(0, data.data(), data.size()), BlkStatus::Ok);
  ASSERT_EQ(r.blk.seen.size(), 2u);
  for (const Seen& s : r.blk.seen) {
    EXPECT_LE(s.segs.size(), 8u + 2u);
    for (size_t i = 1; i + 1 < s.segs.size(); ++i) EXPECT_LE(s.segs[i].len, 1024u);
  }
  EXPECT_TRUE(r.log.empty());
}

// covers: drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#3
TEST(BlkDriver, QueueOfTwoCarriesEveryRequestInTwoDescriptors) {
  for (Kind k : {Kind::PciModern, Kind::MmioV2}) {
    Rig r(k, kStd | feat::bit(feat::kIndirectDesc), standardConfig());
    r.core->queues[0].maxSize = r.core->queues[0].size = 2;
    auto b = r.open();
    ASSERT_TRUE(b);
    EXPECT_GE(b->maxRequestBytes(), 64u * 1024);  // one staged data descriptor, not seg_max segments
    std::vector<uint8_t> data(40 * 1024), got(data.size());
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 13 + 5);
    ASSERT_EQ(b->write(8, data.data(), data.size()), BlkStatus::Ok);
    ASSERT_EQ(b->read(8, got.data(), got.size()), BlkStatus::Ok);
    EXPECT_EQ(got, data);
    std::string id;
    ASSERT_EQ(b->getId(&id), BlkStatus::Ok);
    EXPECT_EQ(id, "fake-blk");
    ASSERT_EQ(b->flush(), BlkStatus::Ok);
    ASSERT_EQ(b->writeZeroes({{0, 4, false}, {100, 4, false}}), BlkStatus::Ok);
    ASSERT_EQ(r.blk.seen.size(), 5u);
    for (const Seen& s : r.blk.seen) {
      ASSERT_LE(s.segs.size(), 2u);  // never a chain longer than the queue
      EXPECT_FALSE(s.segs.front().writable);
      EXPECT_TRUE(s.segs.back().writable);
    }
    EXPECT_EQ(r.blk.seen[0].readable.size(), 16u + data.size());  // header and data in one descriptor
    EXPECT_EQ(r.blk.seen[1].writable, data.size() + 1);            // data and status in one descriptor
    EXPECT_EQ(r.blk.seen[4].readable.size(), 16u + 2 * 16);        // header and both segments
    EXPECT_TRUE(r.log.empty());
  }
}

// covers: drivernormative:Device Types / Block Device / Device Operation#2
// covers: drivernormative:Device Types / Block Device / Device Operation#14
TEST(BlkDriver, RefusesWhatADriverMustNotSend) {
  Rig r(Kind::MmioV2, kStd, standardConfig());
  auto b = r.open();
  ASSERT_TRUE(b);
  std::vector<uint8_t> d(1024);
  EXPECT_EQ(b->write(2047, d.data(), 1024), BlkStatus::Rejected);   // past capacity
  EXPECT_EQ(b->read(~uint64_t{0}, d.data(), 512), BlkStatus::Rejected);
  EXPECT_EQ(b->read(0, d.data(), 100), BlkStatus::Rejected);       // not whole sectors
  EXPECT_EQ(b->discard({{0, 8, true}}), BlkStatus::Rejected);      // unmap on a discard
  EXPECT_EQ(b->secureErase({{0, 8, false}}), BlkStatus::Rejected); // not negotiated
  EXPECT_EQ(b->getLifetime(nullptr), BlkStatus::Rejected);
  EXPECT_TRUE(r.blk.seen.empty());
}

// covers: drivernormative:Device Types / Block Device / Device Operation#7
// covers: drivernormative:Device Types / Block Device / Device Operation#9
// covers: drivernormative:Device Types / Block Device / Device Operation#11
TEST(BlkDriver, SegmentRequestsRespectTheLimits) {
  Rig r(Kind::MmioV2, kStd, standardConfig());
  auto b = r.open();
  ASSERT_TRUE(b);
  // 40 sectors with max_discard_sectors 16 -> 3 segments; max_discard_seg 2 -> 2 requests.
  ASSERT_EQ(b->discard({{100, 40, false}}), BlkStatus::Ok);
  ASSERT_EQ(r.blk.seen.size(), 2u);
  EXPECT_EQ(r.blk.seen[0].readable.size(), 16u + 32u);
  EXPECT_EQ(r.blk.seen[1].readable.size(), 16u + 16u);
  uint64_t s = 0;
  uint32_t n = 0, f = 0;
  std::memcpy(&s, r.blk.seen[1].readable.data() + 16, 8);
  std::memcpy(&n, r.blk.seen[1].readable.data() + 24, 4);
  std::memcpy(&f, r.blk.seen[1].readable.data() + 28, 4);
  EXPECT_EQ(s, 132u);
  EXPECT_EQ(n, 8u);
  EXPECT_EQ(f, 0u);
  ASSERT_EQ(b->writeZeroes({{0, 4, true}, {10, 4, false}}), BlkStatus::Ok);
  std::memcpy(&f, r.blk.seen[2].readable.data() + 28, 4);
  EXPECT_EQ(f, blk::kSegFlagUnmap);
  EXPECT_EQ(r.blk.seen[2].writable, 1u);
}

TEST(BlkDriver, StatusAndUsedLength) {
  Rig r(Kind::PciModern, kStd, standardConfig());
  auto b = r.open();
  ASSERT_TRUE(b);
  std::vector<uint8_t> d(512);
  r.blk.statusOverride = blk::kSIoErr;
  EXPECT_EQ(b->read(0, d.data(), 512), BlkStatus::IoErr);
  r.blk.statusOverride = blk::kSUnsupp;
  EXPECT_EQ(b->flush(), BlkStatus::Unsupp);
  r.blk.statusOverride = 9;
  EXPECT_EQ(b->flush(), BlkStatus::BadStatus);
  r.blk.statusOverride = -1;
  r.blk.zeroUsedLen = true;  // the status byte is beyond the used length: not trusted
  EXPECT_EQ(b->read(0, d.data(), 512), BlkStatus::NoStatus);
  EXPECT_EQ(b->stats().errors, 4u);
}

TEST(BlkDriver, LegacyIgnoresTheUsedLength) {
  Rig r(Kind::MmioV1, kStd, standardConfig());
  auto b = r.open();
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->device().legacy());
  r.blk.zeroUsedLen = true;
  std::vector<uint8_t> d(512);
  EXPECT_EQ(b->read(0, d.data(), 512), BlkStatus::Ok);
}

TEST(BlkDriver, TimeoutThenBusyUntilReclaimed) {
  Rig r(Kind::MmioV2, kStd, standardConfig());
  BlkDriverOptions bo;
  bo.timeoutNs = 1000;
  auto b = r.open(bo);
  ASSERT_TRUE(b);
  r.blk.silent = true;
  std::vector<uint8_t> d(512);
  EXPECT_EQ(b->read(0, d.data(), 512), BlkStatus::Timeout);
  EXPECT_EQ(b->read(0, d.data(), 512), BlkStatus::Busy);
  r.blk.silent = false;
  r.blk.serve(*r.core, 0);  // the device finally answers the old request
  EXPECT_EQ(b->read(0, d.data(), 512), BlkStatus::Ok);
}

TEST(BlkDriver, MultiqueueRoundRobin) {
  Rig r(Kind::PciModern, kStd | bit(blk::kFMq), standardConfig(), 3);
  auto b = r.open();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->numQueues(), 3);
  std::vector<uint8_t> d(512);
  for (int i = 0; i < 6; ++i) ASSERT_EQ(b->read(0, d.data(), 512), BlkStatus::Ok);
  ASSERT_EQ(b->write(0, d.data(), 512, 2), BlkStatus::Ok);
  std::vector<int> perQueue(3, 0);
  for (const auto& s : r.blk.seen) ++perQueue[s.queue];
  EXPECT_EQ(perQueue, (std::vector<int>{2, 2, 3}));
}

TEST(BlkDriver, WithoutMqOnlyTheFirstQueue) {
  Rig r(Kind::MmioV2, kStd, standardConfig(), 3);
  auto b = r.open();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->numQueues(), 1);
  EXPECT_EQ(b->device().numQueues(), 1u);
}

// ---------------------------------------------------------------------------------------------------------------
// Device violations the driver reports

void expectOnly(const ViolationLog& log, const std::string& clause, const std::string& kind) {
  ASSERT_FALSE(log.empty());
  for (const auto& v : log.all()) {
    EXPECT_EQ(v.clause, clause) << toString(v);
    EXPECT_EQ(v.kind, kind) << toString(v);
    EXPECT_EQ(v.culprit, Culprit::Device);
  }
}

// covers: devicenormative:Device Types / Block Device / Device Initialization#2
TEST(BlkDriverChecks, ConfigWceWithoutFlush) {
  Rig r(Kind::MmioV2, kStd & ~bit(blk::kFFlush), standardConfig());
  ASSERT_TRUE(r.open());
  expectOnly(r.log, "devicenormative:Device Types / Block Device / Device Initialization#2", "blk.config_wce_without_flush");
}

// covers: devicenormative:Device Types / Block Device / Device Initialization#3
TEST(BlkDriverChecks, WritebackNotZeroWithoutFlush) {
  Rig r(Kind::MmioV2, kStd, standardConfig().set<uint8_t>(blk::cfg::kWriteback, 1));
  BlkDriverOptions bo;
  bo.features &= ~bit(blk::kFFlush);
  ASSERT_TRUE(r.open(bo));
  expectOnly(r.log, "devicenormative:Device Types / Block Device / Device Initialization#3", "blk.writeback_not_zero");
}

// covers: devicenormative:Device Types / Block Device / Device Initialization#4
TEST(BlkDriverChecks, PaddingNotZero) {
  Rig r(Kind::MmioV2, kStd | bit(blk::kFSecureErase),
        standardConfig().set<uint8_t>(blk::cfg::kUnused0, 5).set<uint8_t>(blk::cfg::kUnused1 + 2, 1));
  ASSERT_TRUE(r.open());
  expectOnly(r.log, "devicenormative:Device Types / Block Device / Device Initialization#4", "blk.padding_not_zero");
  EXPECT_EQ(r.log.size(), 2u);
}

// covers: devicenormative:Device Types / Block Device / Device Initialization#6
TEST(BlkDriverChecks, ZonedOverLegacy) {
  Rig r(Kind::MmioV1, kStd | bit(blk::kFZoned), standardConfig());
  auto b = r.open();
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->has(blk::kFZoned));
  expectOnly(r.log, "devicenormative:Device Types / Block Device / Device Initialization#6", "blk.legacy_zoned");
}

// covers: devicenormative:Device Types / Block Device / Device Operation#3
TEST(BlkDriverChecks, ReadOnlyDeviceAcceptsAWrite) {
  Rig r(Kind::MmioV2, kStd | bit(blk::kFRo), standardConfig());
  BlkDriverOptions bo;
  bo.writeReadOnly = true;
  auto b = r.open(bo);
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->readOnly());
  std::vector<uint8_t> d(512, 1);
  EXPECT_EQ(b->write(0, d.data(), 512), BlkStatus::Ok);  // the fake wrongly takes it
  expectOnly(r.log, "devicenormative:Device Types / Block Device / Device Operation#3", "blk.read_only_write_ok");
}

TEST(BlkDriver, WritesToAReadOnlyDeviceAreNotSentByDefault) {
  Rig r(Kind::MmioV2, kStd | bit(blk::kFRo), standardConfig());
  auto b = r.open();
  ASSERT_TRUE(b);
  std::vector<uint8_t> d(512, 1);
  EXPECT_EQ(b->write(0, d.data(), 512), BlkStatus::Rejected);
  EXPECT_EQ(b->writeZeroes({{0, 1, false}}), BlkStatus::Rejected);
  EXPECT_TRUE(r.blk.seen.empty());
}

// covers: devicenormative:Device Types / Block Device / Device Operation#17
TEST(BlkDriverChecks, LifetimeReservedValue) {
  Rig r(Kind::MmioV2, kStd | bit(blk::kFLifetime), standardConfig());
  r.blk.lifetime[1] = 12;
  auto b = r.open();
  ASSERT_TRUE(b);
  BlkLifetime lt;
  EXPECT_EQ(b->getLifetime(&lt), BlkStatus::Ok);
  EXPECT_EQ(lt.lifetimeA, 12);
  expectOnly(r.log, "devicenormative:Device Types / Block Device / Device Operation#17", "blk.lifetime_reserved_value");
}

}  // namespace
}  // namespace vsim::drv
