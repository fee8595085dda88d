// Console backend faults (host-side hook): a failing backend never loses, reorders or corrupts bytes. A transmit
// buffer whose bytes the backend refused stays with the device (not used) and is retried, later buffers wait
// behind it, emergency characters wait in the device; a failed input read leaves the receive buffer held and the
// input in the backend. Each failure is counted; once the backend works again everything goes through in order.
#include "console_fixture.h"

namespace vsim::model::test {
namespace {

constexpr uint32_t kForever = ConsoleDevice::kBackendErrorsUntilCleared;

class ConsoleBackendFault : public ConsoleFixture {};

TEST_F(ConsoleBackendFault, RefusedOutputHoldsTheTransmitBuffersUntilTheBackendTakesThem) {
  make();
  bringUp(kEmergF);
  ASSERT_TRUE(dev->injectBackendErrors(0, kForever, 0));
  sendTx(1, "hello");
  sendTx(1, " world");
  dev->poll();
  EXPECT_EQ(usedIdx(1), 0);  // neither buffer is given back while the backend refuses
  EXPECT_EQ(dev->takeOutput(0), "");
  EXPECT_EQ(dev->portStatus(0).heldTxBuffers, 2u);
  EXPECT_GE(dev->stats().backendOutputErrors, 2u);
  ASSERT_TRUE(dev->injectBackendErrors(0, 0, 0));  // healthy again: everything goes out now, once, in order
  EXPECT_EQ(dev->takeOutput(0), "hello world");
  EXPECT_EQ(usedIdx(1), 2);
  Used u;
  ASSERT_TRUE(popUsed(1, &u));
  EXPECT_EQ(u.len, 0u);
  EXPECT_EQ(dev->portStatus(0).heldTxBuffers, 0u);
  EXPECT_EQ(dev->stats().txBytes, 11u);
  expectClean();  // nothing the driver did wrong
}

TEST_F(ConsoleBackendFault, EachFailureIsOneAttemptThenTheBufferGoesThrough) {
  make();
  bringUp(0);
  ASSERT_TRUE(dev->injectBackendErrors(0, 5, 0));
  sendTx(1, "abc");  // two attempts: on arrival and when the device runs after it
  EXPECT_EQ(dev->stats().backendOutputErrors, 2u);
  dev->poll();
  dev->poll();
  dev->poll();
  EXPECT_EQ(dev->stats().backendOutputErrors, 5u);
  EXPECT_EQ(usedIdx(1), 0);
  dev->poll();  // the sixth attempt succeeds
  EXPECT_EQ(usedIdx(1), 1);
  EXPECT_EQ(dev->takeOutput(0), "abc");
  EXPECT_EQ(dev->stats().backendOutputErrors, 5u);
  expectClean();
}

TEST_F(ConsoleBackendFault, ABufferOfSeveralChunksArrivesWholeOnce) {
  make();
  bringUp(0);
  std::string big(10000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(dev->injectBackendErrors(0, 3, 0));
  sendTx(1, big);
  dev->poll();
  dev->poll();
  EXPECT_EQ(dev->takeOutput(0), big);
  EXPECT_EQ(usedIdx(1), 1);
  EXPECT_EQ(dev->stats().txBytes, big.size());
}

TEST_F(ConsoleBackendFault, EmergencyCharactersWaitInTheDeviceAndGoFirst) {
  make();
  bringUp(kEmergF);
  ASSERT_TRUE(dev->injectBackendErrors(0, kForever, 0));
  sendTx(1, "data");
  const uint32_t e = 'E';
  ASSERT_TRUE(core->writeConfig(8, &e, 4));
  EXPECT_EQ(dev->emergencyOutput(), "E");
  EXPECT_EQ(dev->portStatus(0).unsentBytes, 1u);
  EXPECT_EQ(dev->takeOutput(0), "");
  ASSERT_TRUE(dev->injectBackendErrors(0, 0, 0));
  EXPECT_EQ(dev->takeOutput(0), "Edata");
  EXPECT_EQ(dev->portStatus(0).unsentBytes, 0u);
  expectClean();
}

TEST_F(ConsoleBackendFault, FailedInputReadsKeepTheBufferHeldAndTheInputInTheBackend) {
  make();
  bringUp(0);
  giveRx(0, 16);
  ASSERT_TRUE(dev->injectBackendErrors(0, 0, 2));
  EXPECT_EQ(dev->pushInput(0, "abc"), 3u);  // taken by the backend; its first read for the guest fails
  EXPECT_EQ(usedIdx(0), 0);
  EXPECT_EQ(dev->portStatus(0).heldBuffers, 1u);
  dev->poll();  // second failure
  EXPECT_EQ(usedIdx(0), 0);
  dev->poll();  // delivered
  EXPECT_EQ(received(0), "abc");
  EXPECT_EQ(dev->stats().backendInputErrors, 2u);
  EXPECT_EQ(dev->stats().rxBytes, 3u);
  expectClean();
}

TEST_F(ConsoleBackendFault, AResetGivesHeldBuffersBackToTheDriverTheFaultStays) {
  make();
  bringUp(0);
  ASSERT_TRUE(dev->injectBackendErrors(0, kForever, 0));
  sendTx(1, "before reset");
  EXPECT_EQ(dev->portStatus(0).heldTxBuffers, 1u);
  core->writeStatus(0);  // the driver resets: its buffers are its own again
  EXPECT_EQ(dev->portStatus(0).heldTxBuffers, 0u);
  const std::vector<uint8_t> zero(kBufBase - kBase, 0);  // the driver starts over with fresh rings
  mem.write(kBase, zero.data(), zero.size());
  for (auto& r : rings) {
    r.nextDesc = r.availIdx = r.usedSeen = 0;
    r.headAddr.clear();
  }
  bringUp(0);
  sendTx(1, "after");
  EXPECT_EQ(usedIdx(1), 0);  // the host-side fault outlived the driver's reset
  ASSERT_TRUE(dev->injectBackendErrors(0, 0, 0));
  EXPECT_EQ(dev->takeOutput(0), "after");  // what the driver took back before the reset is not sent
  EXPECT_EQ(usedIdx(1), 1);
}

TEST_F(ConsoleBackendFault, OnlyTheFailingPortWaits) {
  make(multiportParams(2));
  bringUp(kMultiF);
  giveControlBuffers(8);
  sendCtrl(0, console::kDeviceReady, 1);
  for (uint32_t p = 0; p < 2; ++p) sendCtrl(p, console::kPortReady, 1);
  for (uint32_t p = 0; p < 2; ++p) sendCtrl(p, console::kPortOpen, 1);
  control();
  ASSERT_TRUE(dev->injectBackendErrors(1, kForever, kForever));
  sendTx(static_cast<uint16_t>(console::txQueue(1)), "one");
  sendTx(static_cast<uint16_t>(console::txQueue(0)), "zero");
  EXPECT_EQ(dev->takeOutput(0), "zero");
  EXPECT_EQ(dev->takeOutput(1), "");
  EXPECT_EQ(dev->portStatus(1).heldTxBuffers, 1u);
  ASSERT_TRUE(dev->injectBackendErrors(1, 0, 0));
  EXPECT_EQ(dev->takeOutput(1), "one");
  expectClean();
}

TEST_F(ConsoleBackendFault, NoSuchPort) {
  make();
  EXPECT_FALSE(dev->injectBackendErrors(1, 1, 1));
  EXPECT_TRUE(dev->injectBackendErrors(0, 1, 1));
}

}  // namespace
}  // namespace vsim::model::test
