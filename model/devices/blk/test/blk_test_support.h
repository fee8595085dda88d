// Test support for the block device unit tests: a BlkDevice on a DeviceCore over plain guest memory, brought up
// by hand (no driver/ code), and split rings written descriptor by descriptor.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/blk_device.h"
#include "vsim/model/device_core.h"

namespace vsim::model::blktest {

constexpr uint64_t kBase = 0x10000, kMemSize = 0x200000;
constexpr uint16_t kQSize = 64;
constexpr uint64_t kHdr = 0x30000, kStatus = 0x30100, kSegs = 0x30200, kData = 0x40000;
constexpr uint64_t ringDesc(uint16_t q) { return kBase + q * 0x3000ull; }
constexpr uint64_t ringDriver(uint16_t q) { return ringDesc(q) + 0x1000; }
constexpr uint64_t ringDevice(uint16_t q) { return ringDesc(q) + 0x2000; }
constexpr uint64_t bit(unsigned b) { return uint64_t{1} << b; }

/// One buffer of a request as the driver would describe it.
struct Part {
  uint64_t addr;
  uint32_t len;
  bool writable;
};

/// What came back: whether the chain was used, its used length, and the status byte (0xff = untouched).
struct Result {
  bool used = false;
  uint32_t len = 0;
  uint8_t status = 0xff;
};

struct Segment {
  uint64_t sector;
  uint32_t num;
  uint32_t flags;
};

/// Deterministic bytes for data patterns.
inline std::vector<uint8_t> pattern(uint32_t seed, size_t n) {
  std::vector<uint8_t> v(n);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& b : v) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    b = static_cast<uint8_t>(x);
  }
  return v;
}

struct IrqLog final : IrqSink {
  std::vector<std::pair<IrqKind, uint16_t>> seen;
  void raise(IrqKind k, uint16_t q) override { seen.emplace_back(k, q); }
  size_t configs() const {
    size_t n = 0;
    for (const auto& s : seen) n += s.first == IrqKind::Config;
    return n;
  }
};

class BlkFixture : public ::testing::Test {
 protected:
  OwnedGuestMemory mem{kMemSize, kBase};
  ViolationLog log;
  IrqLog irqs;
  std::unique_ptr<BlkDevice> dev;
  std::unique_ptr<DeviceCore> core;
  std::vector<uint16_t> avail, usedSeen;

  /// Build the device (memory backing of `size` bytes unless p says otherwise) and its core.
  void make(BlkParams p = {}) {
    if (p.image.empty() && p.size == BlkParams{}.size) p.size = 1 << 20;
    core.reset();
    dev = std::make_unique<BlkDevice>(p);
    core = std::make_unique<DeviceCore>(*dev, mem, log);
    core->setIrqSink(&irqs);
    avail.assign(dev->numQueues(), 0);
    usedSeen.assign(dev->numQueues(), 0);
  }
  uint64_t allFeatures() const { return dev->deviceFeatures() | bit(feat::kVersion1); }
  /// Negotiate `features` (modern: through FEATURES_OK and its re-read) without enabling queues.
  void negotiate(uint64_t features, bool legacy = false) {
    core->setLegacy(legacy);
    core->writeStatus(status::kAcknowledge);
    core->writeStatus(status::kAcknowledge | status::kDriver);
    core->writeDriverFeatures(0, static_cast<uint32_t>(features));
    if (!legacy) {
      core->writeDriverFeatures(1, static_cast<uint32_t>(features >> 32));
      core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
      ASSERT_TRUE(core->readStatus() & status::kFeaturesOk);
    }
  }
  /// Negotiate, enable every queue (split, kQSize) and set DRIVER_OK.
  void bringUp(uint64_t features, bool legacy = false) {
    negotiate(features, legacy);
    for (uint16_t q = 0; q < core->numQueues(); ++q) {
      auto& s = core->queue(q);
      s.size = kQSize;
      s.desc = ringDesc(q);
      s.driver = ringDriver(q);
      s.device = ringDevice(q);
      ASSERT_TRUE(core->enableQueue(q));
    }
    uint8_t st = status::kAcknowledge | status::kDriver | status::kDriverOk;
    if (!legacy) st |= status::kFeaturesOk;
    core->writeStatus(st);
  }
  void bringUp() { bringUp(allFeatures()); }

  /// Offer one chain (descriptors 0..n-1 of the queue's table), notify, and collect the result.
  Result submit(const std::vector<Part>& parts, uint16_t q = 0) {
    uint64_t statusAddr = 0;
    for (const auto& p : parts)
      if (p.writable && p.len) statusAddr = p.addr + p.len - 1;
    if (statusAddr) mem.store(statusAddr, uint8_t{0xff});  // before the descriptors (it may lie in the table)
    const uint64_t desc = ringDesc(q);
    for (size_t i = 0; i < parts.size(); ++i) {
      uint16_t flags = parts[i].writable ? split::kDescFWrite : 0;
      if (i + 1 < parts.size()) flags |= split::kDescFNext;
      mem.store(desc + 16 * i, split::Desc{parts[i].addr, parts[i].len, flags, static_cast<uint16_t>(i + 1)});
    }
    mem.store(ringDriver(q) + split::availRingOff(avail[q] % kQSize), uint16_t{0});
    ++avail[q];
    mem.storeRelease16(ringDriver(q) + split::availIdxOff(), avail[q], DmaKind::Other);
    core->notify(q, false, 0);
    Result r;
    uint16_t idx = 0;
    mem.load(ringDevice(q) + split::usedIdxOff(), &idx);
    if (idx != usedSeen[q]) {
      split::UsedElem e{};
      mem.load(ringDevice(q) + split::usedRingOff(usedSeen[q] % kQSize), &e);
      r.used = true;
      r.len = e.len;
      usedSeen[q] = idx;
    }
    if (statusAddr) mem.load(statusAddr, &r.status);
    return r;
  }
  void header(uint32_t type, uint64_t sector, uint32_t reserved = 0) {
    mem.store(kHdr, type);
    mem.store(kHdr + 4, reserved);
    mem.store(kHdr + 8, sector);
  }
  /// header + data parts + a 1-byte status.
  Result request(uint32_t type, uint64_t sector, std::vector<Part> data, uint16_t q = 0) {
    header(type, sector);
    std::vector<Part> parts{{kHdr, 16, false}};
    parts.insert(parts.end(), data.begin(), data.end());
    parts.push_back({kStatus, 1, true});
    return submit(parts, q);
  }
  Result write(uint64_t sector, const std::vector<uint8_t>& bytes, uint16_t q = 0) {
    mem.write(kData, bytes.data(), bytes.size());
    return request(blk::kTOut, sector, {{kData, static_cast<uint32_t>(bytes.size()), false}}, q);
  }
  Result read(uint64_t sector, size_t n, std::vector<uint8_t>* out, uint16_t q = 0) {
    Result r = request(blk::kTIn, sector, {{kData, static_cast<uint32_t>(n), true}}, q);
    out->resize(n);
    mem.read(kData, out->data(), n);
    return r;
  }
  Result flush() { return request(blk::kTFlush, 0, {}); }
  Result segments(uint32_t type, const std::vector<Segment>& segs) {
    for (size_t i = 0; i < segs.size(); ++i) {
      mem.store(kSegs + 16 * i, segs[i].sector);
      mem.store(kSegs + 16 * i + 8, segs[i].num);
      mem.store(kSegs + 16 * i + 12, segs[i].flags);
    }
    return request(type, 0, {{kSegs, static_cast<uint32_t>(16 * segs.size()), false}});
  }
  std::vector<uint8_t> image(uint64_t off, uint64_t len) {
    std::vector<uint8_t> v(len);
    EXPECT_TRUE(dev->readImage(off, v.data(), len));
    return v;
  }
  template <class T>
  T config(uint32_t off) {
    T v{};
    EXPECT_TRUE(core->readConfig(off, &v, sizeof v));
    return v;
  }
  /// Every violation reported so far has this clause and kind (and there is at least one).
  void expectOnly(const std::string& clause, const std::string& kind) {
    ASSERT_FALSE(log.empty()) << "no violation reported";
    for (const auto& v : log.all()) {
      EXPECT_EQ(v.clause, clause) << toString(v);
      EXPECT_EQ(v.kind, kind) << toString(v);
    }
  }
  void expectClean() {
    for (const auto& v : log.all()) ADD_FAILURE() << toString(v);
  }
};

}  // namespace vsim::model::blktest
