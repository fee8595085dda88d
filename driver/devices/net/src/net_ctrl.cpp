// NetDriver control queue: one command at a time (class + command | data | ack), the feature rules each command
// needs, and the announce handshake.
#include <algorithm>

#include "vsim/drv/net_clauses.h"
#include "vsim/drv/net_driver.h"

namespace vsim::drv {

using namespace net;

namespace {
std::vector<uint8_t> le(uint64_t v, size_t n) {
  std::vector<uint8_t> b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  return b;
}
}  // namespace

CtrlStatus NetDriver::command(uint8_t cls, uint8_t cmd, const std::vector<std::vector<uint8_t>>& parts, uint8_t* ack,
                              std::vector<uint8_t>* result, uint32_t resultBytes, bool resultOnErr) {
  if (ok()) dev_->poll();  // a device that asked for a reset meanwhile gets no more notifications
  if (!ok() || ctrlQ_ < 0) return CtrlStatus::Failed;
  DriverQueue& q = dev_->queue(static_cast<uint16_t>(ctrlQ_));
  if (ctrlOutstanding_) {
    if (!q.getUsed(nullptr, nullptr)) return CtrlStatus::Timeout;  // the previous command is still out
    ctrlOutstanding_ = false;
  }
  // Layout in the control buffer: class + command at 0, the ack at 8, the data parts from 16; a command with a
  // result has its ack and the result right after it in the last kResultRoom bytes.
  constexpr uint64_t kDataOff = 16, kResultRoom = 1024;
  const uint64_t ackAt = resultBytes ? ctrlBuf_ + kCtrlBytes - kResultRoom : ctrlBuf_ + 8;
  size_t total = 0;
  for (const auto& p : parts) total += p.size();
  if (kDataOff + total > kCtrlBytes - kResultRoom || resultBytes >= kResultRoom) return CtrlStatus::Failed;
  GuestMemory& m = hal_.dmaMemory();
  const uint8_t head[2] = {cls, cmd};
  const uint8_t poison = 0xff;
  m.write(ctrlBuf_, head, 2);
  m.write(ackAt, &poison, 1);
  if (resultBytes) {
    // what the device did not write reads back as this pattern
    const std::vector<uint8_t> fill(resultBytes, kResultPoison);
    m.write(ackAt + 1, fill.data(), fill.size());
  }
  // Every command: a 2-byte class + command descriptor, each data part in its own descriptor (MAC_TABLE_SET: two),
  // then a 1-byte writable ack — the framing a legacy device without ANY_LAYOUT needs, valid everywhere.
  std::vector<Buf> bufs{Buf{ctrlBuf_, 2, false}};
  uint64_t at = ctrlBuf_ + kDataOff;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    m.write(at, p.data(), p.size());
    bufs.push_back(Buf{at, static_cast<uint32_t>(p.size()), false});
    at += p.size();
  }
  // the ack (and the result after it) in one device-writable descriptor
  const Buf ackBuf{ackAt, 1 + resultBytes, true};
  bufs.push_back(ackBuf);
  if (bufs.size() > q.size()) {
    // drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors#3: no chain longer than the queue, indirect or not
    // A modern device takes any layout: class, command and data in one readable descriptor, then the ack. The
    // legacy framing needs its descriptors: such a command cannot be sent on this queue.
    if (dev_->legacy() || q.size() < 2 || 2 + total > kCtrlBytes / 2 - kResultRoom) return CtrlStatus::Failed;
    const uint64_t packed = ctrlBuf_ + kCtrlBytes / 2;
    m.write(packed, head, 2);
    uint64_t w = packed + 2;
    for (const auto& p : parts) {
      m.write(w, p.data(), p.size());
      w += p.size();
    }
    bufs = {Buf{packed, static_cast<uint32_t>(2 + total), false}, ackBuf};
  }
  if (q.add(bufs.data(), bufs.size(), 0) < 0) return CtrlStatus::Failed;
  ctrlOutstanding_ = true;
  inCommand_ = true;
  dev_->kick(static_cast<uint16_t>(ctrlQ_));
  Deadline dl(hal_, o_.ctrlTimeoutNs);
  CtrlStatus st = CtrlStatus::Timeout;
  for (;;) {
    if (q.getUsed(nullptr, nullptr)) {
      ctrlOutstanding_ = false;
      uint8_t a = poison;
      m.read(ackAt, &a, 1);
      if (ack) *ack = a;
      st = a == ctrl::kOk ? CtrlStatus::Ok : CtrlStatus::Err;
      if (result && (st == CtrlStatus::Ok || resultOnErr)) {
        result->resize(resultBytes);
        m.read(ackAt + 1, result->data(), resultBytes);
      }
      break;
    }
    if (!ok()) {
      st = CtrlStatus::Failed;
      break;
    }
    if (dl.expired()) break;
    if (hal_.waitForInterrupt(std::min<uint64_t>(dl.remainingNs(), 1'000'000))) dev_->poll();
  }
  inCommand_ = false;
  return st;
}

bool NetDriver::commandFits(size_t dataParts) const {
  if (!dev_ || ctrlQ_ < 0) return false;
  const uint32_t size = dev_->queue(static_cast<size_t>(ctrlQ_)).size();
  return dataParts + 2 <= size || (!dev_->legacy() && size >= 2);
}

CtrlStatus NetDriver::rawCommand(uint8_t cls, uint8_t cmd, const std::vector<std::vector<uint8_t>>& dataParts,
                                 uint8_t* ack) {
  return command(cls, cmd, dataParts, ack);
}

CtrlStatus NetDriver::rawCommand(uint8_t cls, uint8_t cmd, const std::vector<std::vector<uint8_t>>& dataParts,
                                 uint8_t* ack, std::vector<uint8_t>* result, uint32_t resultBytes) {
  return command(cls, cmd, dataParts, ack, result, resultBytes, /*resultOnErr=*/true);
}

CtrlStatus NetDriver::setRxMode(uint8_t rxCommand, bool on) {
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#1: PROMISC / ALLMULTI only with CTRL_RX
  if (rxCommand <= ctrl::kRxAllMulti && !has(f::kCtrlRx)) return CtrlStatus::NotNegotiated;
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Packet Receive Filtering#2: the others only with CTRL_RX_EXTRA
  if (rxCommand > ctrl::kRxAllMulti && !has(f::kCtrlRxExtra)) return CtrlStatus::NotNegotiated;
  if (rxCommand > ctrl::kRxNoBcast) return CtrlStatus::Failed;
  return command(ctrl::kClassRx, rxCommand, {{static_cast<uint8_t>(on ? 1 : 0)}}, nullptr);
}

CtrlStatus NetDriver::setMacTable(const std::vector<Mac>& unicast, const std::vector<Mac>& multicast) {
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#1: MAC class only with CTRL_RX
  if (!has(f::kCtrlRx)) return CtrlStatus::NotNegotiated;
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3: count + unicast addresses, count + multicast addresses
  std::vector<uint8_t> t[2];
  const std::vector<Mac>* lists[2] = {&unicast, &multicast};
  for (int i = 0; i < 2; ++i) {
    t[i] = le(lists[i]->size(), 4);
    for (const Mac& mac : *lists[i]) {
      if (isMulticast(mac) != (i == 1)) return CtrlStatus::Failed;
      t[i].insert(t[i].end(), mac.begin(), mac.end());
    }
  }
  return command(ctrl::kClassMac, ctrl::kMacTableSet, {t[0], t[1]}, nullptr);
}

CtrlStatus NetDriver::setMacAddress(const Mac& mac) {
  if (!has(f::kCtrlRx) || !has(f::kCtrlMacAddr)) return CtrlStatus::NotNegotiated;
  if (isMulticast(mac)) return CtrlStatus::Failed;
  const CtrlStatus st = command(ctrl::kClassMac, ctrl::kMacAddrSet, {std::vector<uint8_t>(mac.begin(), mac.end())}, nullptr);
  if (st != CtrlStatus::Ok) return st;
  mac_ = mac;
  if (has(f::kMac)) {
    Mac shown{};
    dev_->readConfig(cfg::kMac, shown.data(), 6);
    cfg_.mac = shown;
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Setting MAC Address Filtering#3: config mac updated before the command is used
    if (shown != mac)
      report(clause::kNetMacAddrSet, "net.mac_addr_set_not_in_config",
             "MAC_ADDR_SET acknowledged but config mac still shows another address", {}, ctrlQ_);
  }
  return st;
}

CtrlStatus NetDriver::vlanAdd(uint16_t vid) {
  if (!has(f::kCtrlVlan)) return CtrlStatus::NotNegotiated;
  if (vid > 4095) return CtrlStatus::Failed;
  return command(ctrl::kClassVlan, ctrl::kVlanAdd, {le(vid, 2)}, nullptr);
}

CtrlStatus NetDriver::vlanDel(uint16_t vid) {
  if (!has(f::kCtrlVlan)) return CtrlStatus::NotNegotiated;
  if (vid > 4095) return CtrlStatus::Failed;
  return command(ctrl::kClassVlan, ctrl::kVlanDel, {le(vid, 2)}, nullptr);
}

CtrlStatus NetDriver::announceAck() {
  if (!has(f::kGuestAnnounce)) return CtrlStatus::NotNegotiated;
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#2: the ack goes through the control queue
  const CtrlStatus st = command(ctrl::kClassAnnounce, ctrl::kAnnounceAck, {}, nullptr);
  if (st != CtrlStatus::Ok) return st;
  uint16_t s = 0;
  if (has(f::kStatus) && dev_->readConfig(cfg::kStatus, &s)) {
    cfg_.status = s;
    // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#1: ANNOUNCE cleared before the ack buffer is used
    if (s & cfg::kSAnnounce)
      report(clause::kNetAnnounceClear, "net.announce_not_cleared", "VIRTIO_NET_S_ANNOUNCE still set after ANNOUNCE_ACK",
             {{"status", s}}, ctrlQ_);
  }
  return st;
}

CtrlStatus NetDriver::setQueuePairs(uint16_t pairs) {
  if (!has(f::kMq)) return CtrlStatus::NotNegotiated;
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#3: no VQ_PAIRS_SET while an RSS context is configured
  if (!rssCtx_.empty()) return CtrlStatus::Failed;
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#2: 1..max_virtqueue_pairs
  if (pairs < 1 || pairs > pairs_) return CtrlStatus::Failed;
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1: every queue was set up (and filled) at initialisation
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#4: no transmit beyond the new count once the command is out
  activePairs_ = std::min(activePairs_, pairs);
  const CtrlStatus st = command(ctrl::kClassMq, ctrl::kMqVqPairsSet, {le(pairs, 2)}, nullptr);
  if (st == CtrlStatus::Ok) activePairs_ = pairs;
  return st;
}

CtrlStatus NetDriver::setGuestOffloads(uint64_t offloads) {
  if (!has(f::kCtrlGuestOffloads)) return CtrlStatus::NotNegotiated;
  const uint64_t negotiated =
      dev_->features() & (f::bit(f::kGuestCsum) | f::bit(f::kGuestTso4) | f::bit(f::kGuestTso6) |
                          f::bit(f::kGuestEcn) | f::bit(f::kGuestUfo) | f::bit(f::kGuestUso4) | f::bit(f::kGuestUso6));
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Offloads State Configuration / Setting Offloads State#1: only negotiated offloads
  if (offloads & ~negotiated) return CtrlStatus::Failed;
  const CtrlStatus st = command(ctrl::kClassGuestOffloads, ctrl::kGuestOffloadsSet, {le(offloads, 8)}, nullptr);
  if (st == CtrlStatus::Ok) offloads_ = offloads;
  return st;
}

CtrlStatus NetDriver::setCoalescing(bool transmit, uint32_t maxPackets, uint32_t maxUsecs) {
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#2: TX_SET / RX_SET only with NOTF_COAL
  if (!has(f::kNotfCoal)) return CtrlStatus::NotNegotiated;
  std::vector<uint8_t> d = le(maxPackets, 4), usecs = le(maxUsecs, 4);
  d.insert(d.end(), usecs.begin(), usecs.end());
  return command(ctrl::kClassNotfCoal, transmit ? ctrl::kNotfCoalTxSet : ctrl::kNotfCoalRxSet, {d}, nullptr);
}

CtrlStatus NetDriver::setQueueCoalescing(uint16_t vq, uint32_t maxPackets, uint32_t maxUsecs) {
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#3: VQ_SET / VQ_GET only with VQ_NOTF_COAL
  if (!has(f::kVqNotfCoal)) return CtrlStatus::NotNegotiated;
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#1: only an enabled transmit or receive queue (every data queue is set up)
  if (vq >= 2u * pairs_) return CtrlStatus::Failed;
  std::vector<uint8_t> d = le(vq, 4), c = le(maxPackets, 4), usecs = le(maxUsecs, 4);
  d.insert(d.end(), c.begin(), c.end());
  d.insert(d.end(), usecs.begin(), usecs.end());
  return command(ctrl::kClassNotfCoal, ctrl::kNotfCoalVqSet, {d}, nullptr);
}

CtrlStatus NetDriver::queueCoalescing(uint16_t vq, uint32_t* maxPackets, uint32_t* maxUsecs) {
  if (!has(f::kVqNotfCoal)) return CtrlStatus::NotNegotiated;
  if (vq >= 2u * pairs_) return CtrlStatus::Failed;
  std::vector<uint8_t> r;
  const CtrlStatus st = command(ctrl::kClassNotfCoal, ctrl::kNotfCoalVqGet, {le(vq, 4)}, nullptr, &r, 8);
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#4: values of a VIRTIO_NET_ERR answer are not used
  if (st != CtrlStatus::Ok) return st;
  auto get32 = [&r](size_t at) {
    return uint32_t{r[at]} | uint32_t{r[at + 1]} << 8 | uint32_t{r[at + 2]} << 16 | uint32_t{r[at + 3]} << 24;
  };
  if (maxPackets) *maxPackets = get32(0);
  if (maxUsecs) *maxUsecs = get32(4);
  return st;
}

void NetDriver::onConfigChange() {
  configPending_ = false;
  ++stats_.configChanges;
  refreshConfig();
  // drivernormative:Device Types / Network Device / Device configuration layout#12: speed and duplex re-read after a change (refreshConfig)
  if (o_.autoAnnounce && has(f::kGuestAnnounce) && has(f::kStatus) && (cfg_.status & cfg::kSAnnounce)) answerAnnounce();
}

void NetDriver::answerAnnounce() {
  // drivernormative:Device Types / Network Device / Device Operation / Control Virtqueue / Gratuitous Packet Sending#1: tell the peers where we are (a RARP broadcast from our address)
  std::vector<uint8_t> f(60, 0);
  std::fill(f.begin(), f.begin() + 6, 0xff);
  std::copy(mac_.begin(), mac_.end(), f.begin() + 6);
  f[12] = 0x80;
  f[13] = 0x35;  // RARP
  const uint8_t rarp[8] = {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x03};  // Ethernet, IPv4, reverse request
  std::copy(rarp, rarp + 8, f.begin() + 14);
  std::copy(mac_.begin(), mac_.end(), f.begin() + 22);
  std::copy(mac_.begin(), mac_.end(), f.begin() + 32);
  send(f.data(), f.size());
  if (announceAck() == CtrlStatus::Ok) ++stats_.announcesAnswered;
}

}  // namespace vsim::drv
