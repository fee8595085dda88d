// DMA faults on a device's DMA path: the access fails as if the memory were not there, the device enters
// DEVICE_NEEDS_RESET (never a crash, never a silent completion), each failure is logged and traced, other devices
// and the CPU's view of RAM are unaffected, and the device works again after a reset once the window is used up.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "board_fixture.h"

namespace vsim::model::test {
namespace {

constexpr const char* kOutsideMemory = "drivernormative:Reserved Feature Bits#5";

TEST_F(BoardFixture, NoFaultArmedRequestsComplete) {
  build(1);
  request(0);
  EXPECT_EQ(usedIdx(0), 1);
  EXPECT_FALSE(board->core(0).needsReset());
  EXPECT_EQ(board->deviceMemory(0).dmaFaultHits(), 0u);
  EXPECT_TRUE(board->violations().empty());
}

TEST_F(BoardFixture, FaultOnABufferIsReportedAndTheDeviceNeedsAReset) {
  build(1);
  const uint64_t buf = queues[0].buffers;  // the first request's buffer
  ASSERT_TRUE(board->injectDmaFault(0, buf + 8, 4, 1));
  request(0);
  EXPECT_EQ(usedIdx(0), 0);  // never completed
  EXPECT_TRUE(board->core(0).needsReset());
  // The device cannot tell an injected fault from an address outside memory: it reports the buffer it cannot reach.
  ASSERT_FALSE(board->violations().empty());
  EXPECT_EQ(board->violations().all()[0].clause, kOutsideMemory);
  EXPECT_EQ(board->violations().all()[0].kind, "split.buffer_outside_memory");
  ASSERT_EQ(board->dmaFaultLog(0).size(), 1u);
  EXPECT_EQ(board->dmaFaultLog(0)[0].windowGpa, buf + 8);
  EXPECT_TRUE(board->deviceMemory(0).dmaFaults().empty());  // count used up
}

TEST_F(BoardFixture, FaultOnTheUsedRingAfterTheBufferWasFilledNeedsAReset) {
  build(1);
  ASSERT_TRUE(board->injectDmaFault(0, queues[0].used + split::usedRingOff(0), 8, 1));
  const uint64_t buf = request(0);
  DeviceCore& c = board->core(0);
  EXPECT_TRUE(c.needsReset());
  EXPECT_TRUE(board->violations().empty());  // nothing the driver did wrong
  ASSERT_EQ(board->dmaFaultLog(0).size(), 1u);
  EXPECT_TRUE(board->dmaFaultLog(0)[0].write);
  EXPECT_EQ(board->dmaFaultLog(0)[0].kind, DmaKind::UsedWrite);
  uint8_t b[64] = {};
  EXPECT_TRUE(board->ram().read(buf, b, 64));  // the CPU's view of the same RAM is not affected
}

TEST_F(BoardFixture, FaultOnTheAvailIndexNeedsAResetInsteadOfLosingTheNotification) {
  build(1);
  ASSERT_TRUE(board->injectDmaFault(0, queues[0].avail + split::availIdxOff(), 2, 1));
  request(0);
  EXPECT_TRUE(board->core(0).needsReset());
  EXPECT_EQ(usedIdx(0), 0);
}

TEST_F(BoardFixture, OnlyTheFaultedDeviceIsAffected) {
  build(2);
  // Device 0's window covers device 1's buffer: device 1 does its DMA on its own path.
  ASSERT_TRUE(board->injectDmaFault(0, queues[1].buffers, 0x1000, GuestMemory::kFaultUntilCleared));
  request(1);
  EXPECT_EQ(usedIdx(1), 1);
  EXPECT_FALSE(board->core(1).needsReset());
  EXPECT_FALSE(board->core(0).needsReset());
  EXPECT_TRUE(board->dmaFaultLog(0).empty());
  EXPECT_TRUE(board->dmaFaultLog(1).empty());
}

TEST_F(BoardFixture, AfterAResetTheDeviceWorksAgainOnceTheWindowIsUsedUp) {
  build(1);
  ASSERT_TRUE(board->injectDmaFault(0, queues[0].buffers, 0x1000, 1));
  request(0);
  ASSERT_TRUE(board->core(0).needsReset());
  bringUp(0);  // reset and initialise again
  EXPECT_FALSE(board->core(0).needsReset());
  request(0);
  EXPECT_EQ(usedIdx(0), 1);
  EXPECT_EQ(board->dmaFaultLog(0).size(), 1u);
}

TEST_F(BoardFixture, UntilClearedKeepsFailingUntilCleared) {
  build(1);
  ASSERT_TRUE(board->injectDmaFault(0, queues[0].buffers, 0x1000, GuestMemory::kFaultUntilCleared));
  for (int round = 0; round < 3; ++round) {
    request(0);
    EXPECT_TRUE(board->core(0).needsReset()) << round;
    bringUp(0);
  }
  EXPECT_EQ(board->dmaFaultLog(0).size(), 3u);
  board->clearDmaFaults(0);
  request(0);
  EXPECT_EQ(usedIdx(0), 1);
  EXPECT_FALSE(board->core(0).needsReset());
}

TEST_F(BoardFixture, BadWindowsAreRefused) {
  build(1);
  EXPECT_FALSE(board->injectDmaFault(0, 0x1000, 0, 1));
  EXPECT_FALSE(board->injectDmaFault(0, 0x1000, 16, 0));
  EXPECT_FALSE(board->injectDmaFault(0, UINT64_MAX, 2, 1));
  EXPECT_THROW(board->injectDmaFault(1, 0x1000, 16, 1), std::out_of_range);
}

TEST_F(BoardFixture, EveryFailureIsTraced) {
  const std::string path = "/tmp/vsim_board_dma_fault_" + std::to_string(::getpid()) + ".jsonl";
  build(1, path);
  ASSERT_TRUE(board->injectDmaFault(0, queues[0].buffers, 64, 1));
  request(0);
  board->finish();
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::remove(path.c_str());
  EXPECT_NE(ss.str().find("\"ev\":\"dma_fault\""), std::string::npos) << ss.str().substr(0, 400);
}

}  // namespace
}  // namespace vsim::model::test
