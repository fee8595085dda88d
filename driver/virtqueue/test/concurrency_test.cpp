// Driver and fake device on two threads: exercises the publish/consume ordering for real (run under TSan or on
// a weakly ordered host to make it bite). Every buffer must come back once, with the length the device wrote.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <type_traits>

#include "fake_device.h"
#include "vsim/abi/features.h"
#include "vsim/drv/packed_queue.h"
#include "vsim/drv/split_queue.h"

namespace vsim::drv::test {
namespace {

template <class Device>
void runLoop(DriverQueue& q, Env& env, Device& dev, bool useInterrupts) {
  constexpr uint64_t kBuffers = 50000;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> deviceErrors{0};
  std::thread device([&] {
    FakeChain c;
    while (!stop.load(std::memory_order_relaxed)) {
      if (!dev.pop(&c)) {
        std::this_thread::yield();
        continue;
      }
      if (c.segs.size() != 2 || c.segs[0].writable || !c.segs[1].writable) deviceErrors.fetch_add(1);
      if constexpr (std::is_same_v<Device, FakeSplitDevice>)
        dev.complete(c.id, c.segs[1].len);
      else
        dev.complete(c, c.segs[1].len);
    }
  });
  if (!useInterrupts) q.disableInterrupts();
  uint64_t sent = 0, got = 0;
  const uint64_t rbuf = env.bufAlloc.alloc(64, 8), wbuf = env.bufAlloc.alloc(4096, 8);
  while (got < kBuffers) {
    while (sent < kBuffers) {
      const uint32_t wlen = 1 + static_cast<uint32_t>(sent % 4000);
      Buf b[2] = {Buf{rbuf, 64, false}, Buf{wbuf, wlen, true}};
      if (q.add(b, 2, sent) < 0) break;
      ++sent;
    }
    q.kick();
    uint64_t cookie;
    uint32_t len;
    const uint64_t before = got;
    while (q.getUsed(&cookie, &len)) {
      ASSERT_EQ(cookie, got) << "in-order fake device returns buffers in order";
      ASSERT_EQ(len, 1 + static_cast<uint32_t>(cookie % 4000));
      ++got;
    }
    if (useInterrupts) q.enableInterrupts();
    if (got == before) std::this_thread::yield();  // the box is shared: do not starve the device thread
    ASSERT_FALSE(q.broken()) << (env.log.empty() ? "" : toString(env.log.all()[0]));
  }
  stop = true;
  device.join();
  EXPECT_EQ(deviceErrors.load(), 0u);
  EXPECT_TRUE(env.log.empty());
  EXPECT_EQ(q.inFlight(), 0u);
  EXPECT_EQ(q.freeCount(), q.size());
}

TEST(Concurrency, SplitDriverAndDeviceThreads) {
  for (uint64_t f : {uint64_t{0}, feat::bit(feat::kEventIdx), feat::bit(feat::kInOrder)}) {
    Env env;
    SplitDriverQueue q(env.log);
    ASSERT_TRUE(q.configure(64, f, env.mem, env.ringAlloc, 0));
    FakeSplitDevice dev(env.mem, q.layout());
    runLoop(q, env, dev, f != 0);
  }
}

TEST(Concurrency, PackedDriverAndDeviceThreads) {
  for (uint64_t f : {uint64_t{0}, feat::bit(feat::kEventIdx), feat::bit(feat::kInOrder)}) {
    Env env;
    PackedDriverQueue q(env.log);
    ASSERT_TRUE(q.configure(50, f | feat::bit(feat::kRingPacked), env.mem, env.ringAlloc, 0));
    FakePackedDevice dev(env.mem, q.layout());
    runLoop(q, env, dev, f != 0);
  }
}

}  // namespace
}  // namespace vsim::drv::test
