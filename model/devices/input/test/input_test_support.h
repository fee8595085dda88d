// Test fixture for the input device: a DeviceCore over an InputDevice, with hand-built split rings for eventq
// and statusq (no driver/ code), a controllable clock and helpers for configuration queries.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/device_core.h"
#include "vsim/model/input_device.h"

namespace vsim::model::test {

constexpr uint64_t kBase = 0x10000, kSize = 1u << 20;

struct Seg {
  uint32_t len;
  bool writable;
};

struct Used {
  uint32_t id, len;
};

class InputFixture : public ::testing::Test {
 protected:
  static constexpr uint16_t kQSize = 16;
  OwnedGuestMemory mem{kSize, kBase};
  ViolationLog log;
  uint64_t nowPs = 0;
  std::unique_ptr<InputDevice> dev;
  std::unique_ptr<DeviceCore> core;
  struct Ring {
    uint64_t desc = 0, driver = 0, device = 0;
    uint16_t availIdx = 0, nextDesc = 0, usedSeen = 0;
  } rings[2];
  uint64_t nextBuf = kBase + 0x40000;

  void TearDown() override {
    core.reset();
    dev.reset();
  }

  void make(const InputParams& p = {}) {
    core.reset();
    dev = std::make_unique<InputDevice>(p, [this] { return nowPs; });
    core = std::make_unique<DeviceCore>(*dev, mem, log);
  }

  /// ACKNOWLEDGE, DRIVER, VERSION_1, FEATURES_OK (re-read): configuration may now be written.
  void negotiate(uint64_t extra = 0) {
    if (!core) make();
    const uint64_t f = extra | feat::bit(feat::kVersion1);
    core->writeStatus(status::kAcknowledge);
    core->writeStatus(status::kAcknowledge | status::kDriver);
    core->writeDriverFeatures(0, static_cast<uint32_t>(f));
    core->writeDriverFeatures(1, static_cast<uint32_t>(f >> 32));
    core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
    ASSERT_TRUE(core->readStatus() & status::kFeaturesOk);
  }

  void setupQueues() {
    for (uint16_t q = 0; q < 2; ++q) {
      Ring& r = rings[q];
      r = Ring{};
      r.desc = kBase + 0x1000 + 0x2000ull * q;
      r.driver = r.desc + 0x400;
      r.device = r.desc + 0x800;
      const std::vector<uint8_t> zeros(0x2000, 0);
      mem.write(r.desc, zeros.data(), zeros.size());  // fresh rings, as a driver would zero them
      auto& s = core->queue(q);
      s.size = kQSize;
      s.desc = r.desc;
      s.driver = r.driver;
      s.device = r.device;
      ASSERT_TRUE(core->enableQueue(q));
    }
  }

  void driverOk() {
    core->writeStatus(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
  }

  void bringUp(const InputParams& p = {}, uint64_t extraFeatures = 0) {
    make(p);
    negotiate(extraFeatures);
    setupQueues();
    driverOk();
  }

  /// Make one chain available on queue q (buffers allocated here); returns the buffer addresses.
  std::vector<uint64_t> offer(uint16_t q, const std::vector<Seg>& segs, bool notify = true) {
    Ring& r = rings[q];
    std::vector<uint64_t> addrs;
    const uint16_t head = r.nextDesc;
    for (size_t i = 0; i < segs.size(); ++i) {
      const uint64_t a = nextBuf;
      nextBuf += (segs[i].len + 15) & ~15u;
      addrs.push_back(a);
      const uint16_t idx = static_cast<uint16_t>((head + i) % kQSize);
      uint16_t flags = segs[i].writable ? split::kDescFWrite : 0;
      if (i + 1 < segs.size()) flags |= split::kDescFNext;
      mem.store(r.desc + 16ull * idx, split::Desc{a, segs[i].len, flags, static_cast<uint16_t>((idx + 1) % kQSize)});
    }
    r.nextDesc = static_cast<uint16_t>((head + segs.size()) % kQSize);
    mem.store(r.driver + split::availRingOff(r.availIdx % kQSize), head);
    ++r.availIdx;
    mem.storeRelease16(r.driver + split::availIdxOff(), r.availIdx, DmaKind::Other);
    if (notify) core->notify(q, false, 0);
    return addrs;
  }
  /// One device-writable 8-byte eventq buffer; returns its address.
  uint64_t offerEventBuf(bool notify = true) { return offer(input::kEventQ, {{8, true}}, notify)[0]; }

  /// New used entries of queue q since the last call.
  std::vector<Used> used(uint16_t q) {
    Ring& r = rings[q];
    uint16_t idx = 0;
    mem.loadAcquire16(r.device + split::usedIdxOff(), &idx, DmaKind::Other);
    std::vector<Used> out;
    while (r.usedSeen != idx) {
      split::UsedElem e{};
      mem.load(r.device + split::usedRingOff(r.usedSeen % kQSize), &e);
      out.push_back(Used{e.id, e.len});
      ++r.usedSeen;
    }
    return out;
  }

  input::Event eventAt(uint64_t addr) {
    uint8_t b[8] = {};
    mem.read(addr, b, 8);
    return input::decode(b);
  }

  void cfgWrite8(uint32_t off, uint8_t v) { ASSERT_TRUE(core->writeConfig(off, &v, 1)); }
  uint8_t cfgRead8(uint32_t off) {
    uint8_t v = 0;
    EXPECT_TRUE(core->readConfig(off, &v, 1));
    return v;
  }
  /// A well-formed query: select, subsel, size, then the union bytes the size names.
  std::vector<uint8_t> query(uint8_t select, uint8_t subsel) {
    cfgWrite8(input::cfg::kSelectOff, select);
    cfgWrite8(input::cfg::kSubselOff, subsel);
    const uint8_t size = cfgRead8(input::cfg::kSizeOff);
    std::vector<uint8_t> u(size);
    if (size) {
      EXPECT_TRUE(core->readConfig(input::cfg::kUnionOff, u.data(), size));
    }
    return u;
  }
  std::string queryString(uint8_t select) {
    auto u = query(select, 0);
    return std::string(u.begin(), u.end());
  }

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

}  // namespace vsim::model::test
