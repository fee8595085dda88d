// Net device receive path: one buffer or merged buffers, num_buffers, backlog, header adaptation, filtering,
// queue reset; the negative tests for the receive-buffer checks.
#include "net_fixture.h"

namespace vsim::model::test {
namespace {

using namespace net;

class NetRx : public NetTest {
 protected:
  const Mac me = NetParams{}.mac;
  void up(uint64_t bits, const NetParams& p = NetParams{}) {
    make(p);
    bringUp(bits);
  }
  /// The frame bytes (after the header) of a buffer used with `len` bytes.
  std::vector<uint8_t> payloadOf(uint64_t a, uint32_t len) { return readMem(a + hdrLen(), len - hdrLen()); }
};

// covers: devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#1
// covers: devicenormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#2
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#1
TEST_F(NetRx, FrameIntoOneBuffer) {
  up(offeredNet() & ~bit(f::kMrgRxbuf));
  const uint64_t a = postRx(0, 1600);
  EXPECT_EQ(dev->heldBuffers(0), 1u);
  const auto fr = frame(me, kPeer, 200);
  ASSERT_TRUE(dev->inject(fr));
  uint32_t id = 0, len = 0;
  ASSERT_TRUE(popUsed(0, &id, &len));
  EXPECT_EQ(len, 12u + fr.size());
  EXPECT_EQ(readHdr(a).numBuffers, 1);
  EXPECT_EQ(readHdr(a).flags, 0);
  EXPECT_EQ(payloadOf(a, len), fr);
  EXPECT_EQ(irqs.count(IrqKind::Queue), 1u);
  expectClean();
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#2
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#3
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#4
TEST_F(NetRx, MergeableFrameSpreadsOverBuffers) {
  up(offeredNet());
  uint64_t a[4];
  for (auto& x : a) x = postRx(0, 512);
  const auto fr = frame(me, kPeer, 1186);  // 1200 bytes + 12 header = 1212: three buffers
  ASSERT_TRUE(dev->inject(fr));
  uint32_t len[3];
  for (auto& l : len) ASSERT_TRUE(popUsed(0, nullptr, &l));
  EXPECT_FALSE(popUsed(0, nullptr, nullptr));
  EXPECT_EQ(len[0], 512u);  // all but the last filled completely
  EXPECT_EQ(len[1], 512u);
  EXPECT_EQ(len[2], 1212u - 1024u);
  EXPECT_EQ(readHdr(a[0]).numBuffers, 3);
  std::vector<uint8_t> got = readMem(a[0] + 12, 500);
  for (int i = 1; i < 3; ++i) {
    auto part = readMem(a[i], len[i]);
    got.insert(got.end(), part.begin(), part.end());
  }
  EXPECT_EQ(got, fr);
  EXPECT_EQ(dev->heldBuffers(0), 1u);
  EXPECT_EQ(irqs.count(IrqKind::Queue), 1u);  // one notification for the whole packet
  EXPECT_EQ(dev->stats().rxMerged, 1u);
  expectClean();
}

TEST_F(NetRx, FramesWaitForBuffers) {
  up(offeredNet());
  const auto fr = frame(me, kPeer, 64);
  ASSERT_TRUE(dev->inject(fr));
  EXPECT_EQ(dev->backlog(0), 1u);
  const uint64_t a = postRx(0, 2048);
  uint32_t len = 0;
  ASSERT_TRUE(popUsed(0, nullptr, &len));
  EXPECT_EQ(payloadOf(a, len), fr);
  EXPECT_EQ(dev->backlog(0), 0u);
  EXPECT_EQ(dev->stats().rxBacklogged, 1u);
  expectClean();
}

TEST_F(NetRx, BuffersMadeAvailableWithoutNotificationAreFetched) {
  up(offeredNet());
  const uint64_t a = postRx(0, 2048, /*kickIt=*/false);
  const auto fr = frame(me, kPeer, 64);
  ASSERT_TRUE(dev->inject(fr));
  uint32_t len = 0;
  ASSERT_TRUE(popUsed(0, nullptr, &len));
  EXPECT_EQ(payloadOf(a, len), fr);
}

TEST_F(NetRx, BacklogIsBounded) {
  NetParams p;
  p.rxBacklog = 2;
  up(offeredNet(), p);
  for (int i = 0; i < 3; ++i) dev->inject(frame(me, kPeer, 64));
  EXPECT_EQ(dev->backlog(0), 2u);
  EXPECT_EQ(dev->stats().rxDroppedBacklogFull, 1u);
}

TEST_F(NetRx, NonMergeableFrameTooBigForTheBufferIsDropped) {
  up(offeredNet() & ~bit(f::kMrgRxbuf) & ~bit(f::kMtu));
  postRx(0, 100);
  EXPECT_FALSE(dev->inject(frame(me, kPeer, 200)));
  EXPECT_EQ(dev->stats().rxDroppedTooBig, 1u);
  EXPECT_EQ(dev->heldBuffers(0), 1u);  // kept for a frame that fits
  EXPECT_TRUE(dev->inject(frame(me, kPeer, 60)));
  EXPECT_TRUE(popUsed(0, nullptr, nullptr));
  expectClean();
}

TEST_F(NetRx, LegacyHeaderHasNoNumBuffers) {
  make();
  bringUp(bit(f::kMac), /*legacy=*/true);
  const uint64_t a = postRx(0, 1600);
  const auto fr = frame(me, kPeer, 100);
  ASSERT_TRUE(dev->inject(fr));
  uint32_t len = 0;
  ASSERT_TRUE(popUsed(0, nullptr, &len));
  EXPECT_EQ(len, 10u + fr.size());
  EXPECT_EQ(readMem(a + 10, fr.size()), fr);
  expectClean();
}

TEST_F(NetRx, HeaderInItsOwnDescriptor) {
  up(offeredNet() & ~bit(f::kMrgRxbuf));
  const uint64_t h = alloc(12), d = alloc(1600);
  addChain(0, {{h, 12, true}, {d, 1600, true}});
  kick(0);
  const auto fr = frame(me, kPeer, 300);
  ASSERT_TRUE(dev->inject(fr));
  EXPECT_EQ(readHdr(h).numBuffers, 1);
  EXPECT_EQ(readMem(d, fr.size()), fr);
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#17
TEST_F(NetRx, PartialChecksumPassedWithGuestCsum) {
  up(offeredNet());
  const uint64_t a = postRx(0, 2048);
  NetHdr h;
  h.flags = hdr::kFNeedsCsum;
  h.csumStart = 34;
  h.csumOffset = 6;
  const auto fr = frame(me, kPeer, 100);
  ASSERT_TRUE(dev->inject(fr, h));
  const NetHdr got = readHdr(a);
  EXPECT_EQ(got.flags, hdr::kFNeedsCsum);
  EXPECT_EQ(got.csumStart, 34);
  EXPECT_EQ(got.csumOffset, 6);
  EXPECT_EQ(readMem(a + 12, fr.size()), fr);
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#5
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#6
TEST_F(NetRx, ChecksumCompletedWithoutGuestCsum) {
  up(offeredNet() & ~bit(f::kCsum) & ~bit(f::kGuestCsum));
  const uint64_t a = postRx(0, 2048);
  NetHdr h;
  h.flags = hdr::kFNeedsCsum;
  h.csumStart = 14;
  h.csumOffset = 4;
  auto fr = frame(me, kPeer, 20);
  fr[18] = fr[19] = 0;
  ASSERT_TRUE(dev->inject(fr, h));
  EXPECT_EQ(readHdr(a).flags, 0);  // flags zero without GUEST_CSUM
  auto got = readMem(a + 12, fr.size());
  uint32_t sum = 0;
  for (size_t i = 14; i < got.size(); i += 2) sum += (got[i] << 8) | got[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);  // the completed checksum verifies
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#7
// covers: devicenormative:Device Types / Network Device / Device Operation / Processing of Incoming Packets#26
TEST_F(NetRx, GsoFrameDroppedForAReceiverWithoutGuestTso) {
  up(offeredNet());
  postRx(0, 2048);
  NetHdr h;
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = hdr::kGsoTcpv4;
  h.gsoSize = 1448;
  EXPECT_FALSE(dev->inject(frame(me, kPeer, 100), h));
  EXPECT_EQ(dev->stats().rxDroppedOffload, 1u);
}

TEST_F(NetRx, GsoFramePassedWithGuestTso) {
  NetParams p;
  p.gso = true;
  up(offeredNet() | 0, p);
  ASSERT_TRUE(feat::has(negotiated, f::kGuestTso4));
  for (int i = 0; i < 4; ++i) postRx(0, 2048);
  NetHdr h;
  h.flags = hdr::kFNeedsCsum;
  h.gsoType = hdr::kGsoTcpv4;
  h.gsoSize = 1448;
  h.csumStart = 34;
  h.csumOffset = 16;
  ASSERT_TRUE(dev->inject(frame(me, kPeer, 5000), h));
  uint32_t len = 0;
  ASSERT_TRUE(popUsed(0, nullptr, &len));
  EXPECT_EQ(dev->stats().rxFrames, 1u);
}

// covers: devicenormative:Device Types / Network Device / Device configuration layout#5
TEST_F(NetRx, OversizedFrameDroppedUnderMtu) {
  up(offeredNet());
  postRx(0, 4096);
  EXPECT_FALSE(dev->inject(frame(me, kPeer, 1501)));
  EXPECT_EQ(dev->stats().rxDroppedMtu, 1u);
}

TEST_F(NetRx, UnicastForAnotherAddressIsFiltered) {
  up(offeredNet());
  postRx(0, 2048);
  EXPECT_FALSE(dev->inject(frame(kPeer, kPeer, 64)));
  EXPECT_EQ(dev->stats().rxDroppedFilter, 1u);
  EXPECT_TRUE(dev->inject(frame(kBcast, kPeer, 64)));
}

TEST_F(NetRx, WithoutMacFeatureEveryUnicastPasses) {
  up(offeredNet() & ~bit(f::kMac));
  postRx(0, 2048);
  EXPECT_TRUE(dev->inject(frame(kPeer, kPeer, 64)));
}

TEST_F(NetRx, LinkDownAndNotReadyDrop) {
  make();
  EXPECT_FALSE(dev->inject(frame(me, kPeer, 64)));
  EXPECT_EQ(dev->stats().rxDroppedNotReady, 1u);
  bringUp(offeredNet());
  dev->setLinkUp(false);
  EXPECT_FALSE(dev->inject(frame(me, kPeer, 64)));
  EXPECT_EQ(dev->stats().rxDroppedLinkDown, 1u);
}

TEST_F(NetRx, DeviceResetForgetsHeldBuffers) {
  up(offeredNet());
  postRx(0, 2048);
  ASSERT_EQ(dev->heldBuffers(0), 1u);
  core->writeStatus(0);
  EXPECT_EQ(dev->heldBuffers(0), 0u);
  EXPECT_FALSE(dev->inject(frame(me, kPeer, 64)));  // not live any more
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#4
TEST_F(NetRx, QueueResetForgetsHeldBuffersAndNothingIsDelivered) {
  up(offeredNet());
  postRx(0, 2048);
  core->resetQueue(0);
  EXPECT_EQ(dev->heldBuffers(0), 0u);
  EXPECT_FALSE(dev->inject(frame(me, kPeer, 64)));  // every receive queue is being reset: dropped
  EXPECT_EQ(dev->stats().rxDroppedNoQueue, 1u);
}

// covers: devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2
TEST_F(NetRx, MultiqueueSteersAFlowBackToItsPair) {
  NetParams p;
  p.mqPairs = 4;
  up(offeredNet(), p);
  for (uint16_t pair = 0; pair < 4; ++pair) postRx(static_cast<uint16_t>(2 * pair), 2048);
  ASSERT_EQ(command(ctrl::kClassMq, ctrl::kMqVqPairsSet, {4, 0}), ctrl::kOk);
  // the guest sends a flow on transmitq3; the answer (addresses swapped) comes back on receiveq3
  send(5, frame(kPeer, me, 64));
  ASSERT_TRUE(dev->inject(frame(me, kPeer, 64)));
  EXPECT_TRUE(popUsed(4, nullptr, nullptr));
  expectClean();
}

// covers: drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#3
TEST_F(NetRx, MergeableBufferSmallerThanTheHeader) {
  up(offeredNet());
  postRx(0, 8);
  postRx(0, 8);
  const uint64_t big = postRx(0, 2048);
  EXPECT_FALSE(popUsed(0, nullptr, nullptr));  // held, in order
  const auto fr = frame(me, kPeer, 100);
  ASSERT_TRUE(dev->inject(fr));
  uint32_t len = 99;
  ASSERT_TRUE(popUsed(0, nullptr, &len));  // the first tiny one: given back empty (it cannot hold the header)
  EXPECT_EQ(len, 0u);
  ASSERT_TRUE(popUsed(0, nullptr, &len));
  EXPECT_EQ(len, 0u);
  ASSERT_TRUE(popUsed(0, nullptr, &len));
  EXPECT_EQ(readMem(big + 12, fr.size()), fr);
  EXPECT_EQ(log.size(), 1u);  // reported once
  expectOnly("drivernormative:Device Types / Network Device / Device Operation / Setting Up Receive Buffers#3",
             "net.rx_buffer_too_small");
}

// covers: drivernormative:Device Types / Network Device / Device configuration layout#8
TEST_F(NetRx, BufferCannotHoldAnMtuPacket) {
  up(offeredNet() & ~bit(f::kMrgRxbuf));
  postRx(0, 1000);
  postRx(0, 1000);
  EXPECT_EQ(log.size(), 1u);  // reported once
  expectOnly("drivernormative:Device Types / Network Device / Device configuration layout#8",
             "net.rx_buffer_below_mtu");
}

}  // namespace
}  // namespace vsim::model::test
