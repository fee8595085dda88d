// Net backend faults (host-side hook): the backend loses the next N frames in either direction the way a network
// does, never silently. Transmit: the buffer is still used (the device is done with it), the frame reaches no
// capture or switch, and it is counted. Receive: inject() says the frame was dropped, no receive buffer is used,
// and it is counted. Frames after the failures flow again, unchanged.
#include "net_fixture.h"
#include "vsim/model/l2_switch.h"

namespace vsim::model::test {
namespace {

using namespace net;

class NetBackendFault : public NetTest {
 protected:
  std::vector<uint8_t> f = frame(kPeer, NetParams{}.mac, 100);  ///< from the guest to a peer
  std::vector<uint8_t> in;                                         ///< from a peer to the guest
  void SetUp() override {
    make();
    bringUp(offeredNet());
    in = frame(dev->mac(), kPeer, 100);
  }
};

TEST_F(NetBackendFault, NextTransmitsAreLostCountedAndStillUsed) {
  dev->injectBackendErrors(2, 0);
  for (uint8_t i = 0; i < 3; ++i) send(1, frame(kPeer, NetParams{}.mac, 60, i));
  uint32_t len = 99;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(popUsed(1, nullptr, &len)) << i;  // every transmit buffer comes back
    EXPECT_EQ(len, 0u);
  }
  NetFrame got;
  ASSERT_TRUE(dev->takeSent(&got));
  EXPECT_EQ(got.data, frame(kPeer, NetParams{}.mac, 60, 2));  // only the third made it, intact
  EXPECT_FALSE(dev->takeSent(&got));
  EXPECT_EQ(dev->stats().txDroppedBackend, 2u);
  EXPECT_EQ(dev->stats().txFrames, 1u);
  expectClean();  // a backend failure is nothing the driver did wrong
}

TEST_F(NetBackendFault, NextReceivesAreLostBeforeTheDeviceSeesThem) {
  const uint64_t buf = postRx(0, 2048);
  dev->injectBackendErrors(0, 1);
  EXPECT_FALSE(dev->inject(in));
  EXPECT_FALSE(popUsed(0, nullptr, nullptr));  // the posted buffer is untouched
  EXPECT_EQ(dev->heldBuffers(0), 1u);
  EXPECT_EQ(dev->stats().rxDroppedBackend, 1u);
  EXPECT_EQ(dev->stats().rxDroppedFilter, 0u);  // lost by the backend, not filtered by the device
  EXPECT_TRUE(dev->inject(in));  // the failure is used up
  uint32_t len = 0;
  ASSERT_TRUE(popUsed(0, nullptr, &len));
  EXPECT_EQ(len, hdrLen() + in.size());
  EXPECT_EQ(readMem(buf + hdrLen(), in.size()), in);
  EXPECT_EQ(dev->stats().rxFrames, 1u);
  expectClean();
}

TEST_F(NetBackendFault, UntilClearedFailsEveryFrameThenClearingRestoresTraffic) {
  dev->injectBackendErrors(NetDevice::kBackendErrorsUntilCleared, NetDevice::kBackendErrorsUntilCleared);
  postRx(0, 2048);
  for (int i = 0; i < 5; ++i) {
    send(1, f);
    EXPECT_FALSE(dev->inject(in));
  }
  EXPECT_EQ(dev->stats().txDroppedBackend, 5u);
  EXPECT_EQ(dev->stats().rxDroppedBackend, 5u);
  EXPECT_EQ(dev->sentPending(), 0u);
  dev->injectBackendErrors(0, 0);
  send(1, f);
  EXPECT_TRUE(dev->inject(in));
  EXPECT_EQ(dev->sentPending(), 1u);
  EXPECT_EQ(dev->stats().rxFrames, 1u);
}

TEST_F(NetBackendFault, ALostFrameNeverReachesTheSwitch) {
  auto sw = std::make_shared<L2Switch>("lan");
  struct Sink final : NetPort {
    std::vector<NetFrame> got;
    void receiveFrame(const NetFrame& fr) override { got.push_back(fr); }
  } peer;
  sw->attach(&peer, "peer");
  NetDevice::Backends b;
  b.sw = sw;
  make(NetParams{}, b);
  bringUp(offeredNet());
  dev->injectBackendErrors(1, 0);
  send(1, f);
  EXPECT_TRUE(peer.got.empty());
  send(1, f);
  ASSERT_EQ(peer.got.size(), 1u);
  EXPECT_EQ(peer.got[0].data, f);
}

TEST_F(NetBackendFault, DriverViolationsAreStillReportedFirst) {
  dev->injectBackendErrors(1, 0);
  // A frame shorter than the header is the driver's fault: reported, and the backend failure stays due.
  const uint64_t a = alloc(4);
  addChain(1, {{a, 4, false}});
  kick(1);
  EXPECT_EQ(dev->stats().txDroppedBackend, 0u);
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#1",
             "net.tx_header_short");
  send(1, f);
  EXPECT_EQ(dev->stats().txDroppedBackend, 1u);
}

}  // namespace
}  // namespace vsim::model::test
