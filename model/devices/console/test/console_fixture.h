// Test fixture for the console device: a DeviceCore over guest memory and hand-built split rings, one per queue
// (size 16, fixed addresses), with helpers to offer buffers, notify, read the used rings and speak the control
// protocol as a driver would. No driver/ code.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/console_abi.h"
#include "vsim/model/console_capture.h"
#include "vsim/model/console_device.h"
#include "vsim/model/device_core.h"

namespace vsim::model::test {

constexpr uint64_t kBase = 0x100000, kSize = 0x200000;
constexpr uint16_t kQSize = 16;
constexpr uint64_t kBufBase = kBase + 0x100000;  // rings live below, buffers above

struct Seg {
  uint64_t addr;
  uint32_t len;
  bool writable;
};

struct CtrlMsg {
  uint32_t id = 0;
  uint16_t event = 0, value = 0;
  std::string payload;
  uint32_t usedLen = 0;
};

struct Used {
  uint32_t id = 0, len = 0;
  uint64_t addr = 0;  ///< first buffer of the chain
};

class ConsoleFixture : public ::testing::Test {
 protected:
  OwnedGuestMemory mem{kSize, kBase};
  ViolationLog log;
  std::unique_ptr<ConsoleDevice> dev;
  std::unique_ptr<DeviceCore> core;
  struct Ring {
    uint64_t desc = 0, avail = 0, used = 0;
    uint16_t nextDesc = 0, availIdx = 0, usedSeen = 0;
    std::map<uint16_t, uint64_t> headAddr;  // head descriptor -> its first buffer
  };
  std::vector<Ring> rings;
  uint64_t bufNext = kBufBase;

  static ConsoleParams multiportParams(uint32_t ports, uint32_t maxPorts = 0) {
    ConsoleParams p;
    p.multiport = true;
    p.maxPorts = maxPorts ? maxPorts : ports;
    p.ports.assign(ports, ConsolePortParams{});
    return p;
  }

  void make(const ConsoleParams& p = {}) {
    core.reset();
    dev = std::make_unique<ConsoleDevice>(p);
    core = std::make_unique<DeviceCore>(*dev, mem, log);
    const std::vector<uint8_t> zero(kBufBase - kBase, 0);
    mem.write(kBase, zero.data(), zero.size());  // fresh rings
    rings.assign(dev->numQueues(), Ring{});
    for (uint16_t q = 0; q < rings.size(); ++q) {
      rings[q].desc = kBase + 0x1000ull * q;
      rings[q].avail = rings[q].desc + 0x400;
      rings[q].used = rings[q].desc + 0x800;
    }
  }

  /// Device features accepted + VERSION_1; queues 0..n-1 enabled (n = 0: all); DRIVER_OK.
  void bringUp(uint64_t deviceFeatures, unsigned enableQueues = 0, bool legacy = false) {
    core->setLegacy(legacy);
    core->writeStatus(status::kAcknowledge);
    core->writeStatus(status::kAcknowledge | status::kDriver);
    const uint64_t f = deviceFeatures | (legacy ? 0 : feat::bit(feat::kVersion1));
    core->writeDriverFeatures(0, static_cast<uint32_t>(f));
    core->writeDriverFeatures(1, static_cast<uint32_t>(f >> 32));
    uint8_t st = status::kAcknowledge | status::kDriver;
    if (!legacy) {
      st |= status::kFeaturesOk;
      core->writeStatus(st);
      ASSERT_TRUE(core->readStatus() & status::kFeaturesOk);
    }
    const unsigned n = enableQueues ? enableQueues : static_cast<unsigned>(rings.size());
    for (uint16_t q = 0; q < n; ++q) {
      auto& qs = core->queue(q);
      qs.size = kQSize;
      qs.desc = rings[q].desc;
      qs.driver = rings[q].avail;
      qs.device = rings[q].used;
      ASSERT_TRUE(core->enableQueue(q));
    }
    core->writeStatus(st | status::kDriverOk);
  }

  uint64_t alloc(uint32_t n) {
    const uint64_t a = bufNext;
    bufNext += (n + 63) / 64 * 64;
    return a;
  }

  /// Publish a chain on q (no notification).
  uint16_t offer(uint16_t q, const std::vector<Seg>& segs) {
    Ring& r = rings[q];
    const uint16_t head = r.nextDesc;
    for (size_t i = 0; i < segs.size(); ++i) {
      const uint16_t d = r.nextDesc;
      r.nextDesc = static_cast<uint16_t>((r.nextDesc + 1) % kQSize);
      uint16_t flags = segs[i].writable ? split::kDescFWrite : 0;
      if (i + 1 < segs.size()) flags |= split::kDescFNext;
      mem.store(r.desc + 16ull * d, split::Desc{segs[i].addr, segs[i].len, flags, r.nextDesc});
    }
    r.headAddr[head] = segs.empty() ? 0 : segs[0].addr;
    mem.store(r.avail + split::availRingOff(r.availIdx % kQSize), head);
    ++r.availIdx;
    mem.storeRelease16(r.avail + 2, r.availIdx, DmaKind::Other);
    return head;
  }
  void kick(uint16_t q) { core->notify(q, false, 0); }

  /// A device-writable buffer of len bytes on q, notified.
  uint64_t giveRx(uint16_t q, uint32_t len = 64) {
    const uint64_t a = alloc(len);
    offer(q, {{a, len, true}});
    kick(q);
    return a;
  }
  /// A device-readable buffer holding bytes on q, notified.
  void sendTx(uint16_t q, const std::string& bytes) {
    const uint64_t a = alloc(static_cast<uint32_t>(bytes.size()));
    mem.write(a, bytes.data(), bytes.size());
    offer(q, {{a, static_cast<uint32_t>(bytes.size()), false}});
    kick(q);
  }
  void sendCtrl(uint32_t id, uint16_t event, uint16_t value) {
    uint8_t m[8];
    for (int i = 0; i < 4; ++i) m[i] = static_cast<uint8_t>(id >> (8 * i));
    m[4] = static_cast<uint8_t>(event), m[5] = static_cast<uint8_t>(event >> 8);
    m[6] = static_cast<uint8_t>(value), m[7] = static_cast<uint8_t>(value >> 8);
    sendTx(console::kControlTx, std::string(reinterpret_cast<char*>(m), 8));
  }

  /// Next used element of q, if any.
  bool popUsed(uint16_t q, Used* u) {
    Ring& r = rings[q];
    uint16_t idx = 0;
    mem.loadAcquire16(r.used + 2, &idx, DmaKind::Other);
    if (idx == r.usedSeen) return false;
    split::UsedElem e{};
    mem.load(r.used + split::usedRingOff(r.usedSeen % kQSize), &e);
    ++r.usedSeen;
    u->id = e.id;
    u->len = e.len;
    u->addr = r.headAddr.count(static_cast<uint16_t>(e.id)) ? r.headAddr[static_cast<uint16_t>(e.id)] : 0;
    return true;
  }
  /// Everything received on a data receive queue so far (concatenated used buffers).
  std::string received(uint16_t q) {
    std::string out;
    Used u;
    while (popUsed(q, &u)) {
      std::string s(u.len, '\0');
      mem.read(u.addr, s.data(), u.len);
      out += s;
    }
    return out;
  }
  /// Control messages the device delivered so far.
  std::vector<CtrlMsg> control() {
    std::vector<CtrlMsg> out;
    Used u;
    while (popUsed(console::kControlRx, &u)) {
      std::string s(u.len, '\0');
      mem.read(u.addr, s.data(), u.len);
      CtrlMsg m;
      m.usedLen = u.len;
      if (u.len >= 8) {
        const auto* b = reinterpret_cast<const uint8_t*>(s.data());
        m.id = b[0] | b[1] << 8 | b[2] << 16 | static_cast<uint32_t>(b[3]) << 24;
        m.event = static_cast<uint16_t>(b[4] | b[5] << 8);
        m.value = static_cast<uint16_t>(b[6] | b[7] << 8);
        m.payload = s.substr(8);
      }
      out.push_back(m);
    }
    return out;
  }
  void giveControlBuffers(unsigned n, uint32_t len = 128) {
    for (unsigned i = 0; i < n; ++i) giveRx(console::kControlRx, len);
  }
  uint16_t usedIdx(uint16_t q) {
    uint16_t idx = 0;
    mem.load(rings[q].used + 2, &idx);
    return idx;
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

constexpr uint64_t kSizeF = feat::bit(console::kFSize);
constexpr uint64_t kMultiF = feat::bit(console::kFMultiport);
constexpr uint64_t kEmergF = feat::bit(console::kFEmergWrite);

}  // namespace vsim::model::test
