// Board test helpers: a board of entropy devices brought up by hand through each DeviceCore (no driver/ code), with
// one split queue per device in guest RAM that the test fills like a driver would.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "vsim/abi/features.h"
#include "vsim/abi/ring_split.h"
#include "vsim/abi/status.h"
#include "vsim/model/board.h"

namespace vsim::model::test {

constexpr uint16_t kQueueSize = 16;

/// One hand-driven split queue of one device: where its parts sit and what the "driver" has published.
struct HandQueue {
  uint64_t desc = 0, avail = 0, used = 0, buffers = 0;
  uint16_t availIdx = 0;
};

class BoardFixture : public ::testing::Test {
 protected:
  std::unique_ptr<Board> board;
  std::vector<HandQueue> queues;

  /// n rng devices on virtio-mmio v2, each initialised up to DRIVER_OK with queue 0 at a fixed place in RAM.
  void build(size_t n, const std::string& tracePath = "") {
    BoardConfig cfg;
    cfg.tracePath = tracePath;
    for (size_t i = 0; i < n; ++i) {
      DeviceSpec s;
      s.type = "rng";
      s.transport = TransportKind::MmioV2;
      cfg.devices.push_back(s);
    }
    board = std::make_unique<Board>(cfg);
    queues.assign(n, HandQueue{});
    for (size_t i = 0; i < n; ++i) bringUp(i);
  }

  void bringUp(size_t i) {
    HandQueue& h = queues[i];
    const uint64_t base = board->ram().base() + 0x10000 * (i + 1);
    h = HandQueue{base, base + 0x1000, base + 0x2000, base + 0x4000, 0};
    const std::vector<uint8_t> zero(0x4000, 0);
    board->ram().write(base, zero.data(), zero.size());
    DeviceCore& c = board->core(i);
    c.writeStatus(0);
    c.writeStatus(status::kAcknowledge);
    c.writeStatus(status::kAcknowledge | status::kDriver);
    c.writeDriverFeatures(0, 0);
    c.writeDriverFeatures(1, 1u << (feat::kVersion1 - 32));
    const uint8_t st = status::kAcknowledge | status::kDriver | status::kFeaturesOk;
    c.writeStatus(st);
    ASSERT_TRUE(c.readStatus() & status::kFeaturesOk);
    QueueState& q = c.queue(0);
    q.size = kQueueSize;
    q.desc = h.desc;
    q.driver = h.avail;
    q.device = h.used;
    ASSERT_TRUE(c.enableQueue(0));
    c.writeStatus(st | status::kDriverOk);
  }

  /// Make one device-writable buffer of len bytes available on device i's queue (descriptor = slot) and notify.
  uint64_t request(size_t i, uint32_t len = 64) {
    HandQueue& h = queues[i];
    const uint16_t d = h.availIdx % kQueueSize;
    const uint64_t buf = h.buffers + 0x100ull * d;
    board->ram().store(h.desc + 16ull * d, split::Desc{buf, len, split::kDescFWrite, 0});
    board->ram().store(h.avail + split::availRingOff(d), d);
    ++h.availIdx;
    board->ram().storeRelease16(h.avail + split::availIdxOff(), h.availIdx, DmaKind::Other);
    board->core(i).notify(0, false, 0);
    return buf;
  }

  uint16_t usedIdx(size_t i) {
    uint16_t v = 0;
    board->ram().load(queues[i].used + split::usedIdxOff(), &v);
    return v;
  }
};

}  // namespace vsim::model::test
