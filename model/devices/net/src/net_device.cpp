// NetDevice: queues, configuration space, feature rules, reset, binding and the host API. The transmit, receive and
// control paths live in net_tx.cpp, net_rx.cpp and net_ctrl.cpp.
#include "vsim/model/net_device.h"

#include <algorithm>
#include <cstring>

#include "net_clauses.h"
#include "vsim/abi/features.h"
#include "vsim/model/device_core.h"

namespace vsim::model {

using namespace net;

NetDevice::NetDevice(const NetParams& p) : NetDevice(p, Backends{}) {}

NetDevice::NetDevice(const NetParams& p, Backends b) : p_(p), b_(std::move(b)) {
  offered_ = p_.offeredFeatures();
  linkUp_ = p_.linkUp;
  speed_ = p_.speed;
  duplex_ = p_.duplex;
  mac_ = p_.mac;
  held_.resize(numQueues());
  backlog_.resize(numQueues());
  coal_.resize(numQueues());
  qstats_.resize(numQueues());
  filter_.reset();
  if (b_.sw) port_ = b_.sw->attach(this, b_.portName);
  initFlowFilter();  // net_flow_filter_dev.cpp
  initIpsec();       // net_ipsec_dev.cpp
}

NetDevice::~NetDevice() {
  if (b_.sw && port_ >= 0) b_.sw->detach(port_);
}

uint16_t NetDevice::numQueues() const {
  return static_cast<uint16_t>(2u * p_.mqPairs + (p_.ctrlVq ? 1u : 0u));
}

uint16_t NetDevice::queueMaxSize(uint16_t) const { return p_.queueSize; }

uint32_t NetDevice::configSize() const { return p_.hashTunnel ? cfg::kSizeWithTunnel : cfg::kSize; }

bool NetDevice::has(unsigned bit) const { return core_ && core_->has(bit); }

bool NetDevice::live() const { return core_ && core_->driverOk() && !core_->needsReset(); }

uint32_t NetDevice::hdrBytes() const {
  // The 12-byte header with VERSION_1 or MRG_RXBUF; a legacy driver without MRG_RXBUF uses the 10-byte form.
  if (has(f::kGuestUdpTunnelGso) || has(f::kHostUdpTunnelGso)) return kTunnelHdrBytes;  // with the tunnel offsets
  return (has(feat::kVersion1) || has(f::kMrgRxbuf)) ? kHdrBytes : kLegacyHdrBytes;
}

void NetDevice::violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev,
                        int queue) {
  if (!core_) return;
  if (queue >= 0) ev.insert(ev.begin(), Evidence{"queue", static_cast<uint64_t>(queue)});
  core_->violate(clause, kind, std::move(message), std::move(ev));
}

void NetDevice::configChanged() {
  if (core_) core_->configChanged();
}

NetDevice::QueueRole NetDevice::role(uint16_t q) const {
  if (has(f::kCtrlVq) && q == ctrlQueue()) return QueueRole::Ctrl;
  if (q < 2u * p_.mqPairs) return (q & 1) ? QueueRole::Tx : QueueRole::Rx;
  return QueueRole::Unused;
}

uint16_t NetDevice::ctrlQueue() const {
  // The control queue follows the last queue pair in use: N = max_virtqueue_pairs with MQ or RSS, else 1.
  return (has(f::kMq) || has(f::kRss)) ? static_cast<uint16_t>(2u * p_.mqPairs) : uint16_t{2};
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration space

void NetDevice::readConfig(uint32_t off, void* dst, uint32_t len) {
  uint8_t c[cfg::kSizeWithTunnel] = {};
  std::memcpy(c + cfg::kMac, mac_.data(), 6);
  const uint16_t status = static_cast<uint16_t>((linkUp_ ? cfg::kSLinkUp : 0) | (announce_ ? cfg::kSAnnounce : 0));
  std::memcpy(c + cfg::kStatus, &status, 2);
  // devicenormative:Device Types / Network Device / Device configuration layout#1: max_virtqueue_pairs in 1..0x8000 (the option range)
  std::memcpy(c + cfg::kMaxVirtqueuePairs, &p_.mqPairs, 2);
  // devicenormative:Device Types / Network Device / Device configuration layout#2: mtu in 68..65535 (the option range)
  // devicenormative:Device Types / Network Device / Device configuration layout#4: and it never changes
  std::memcpy(c + cfg::kMtu, &p_.mtu, 2);
  // devicenormative:Device Types / Network Device / Device configuration layout#10: speed in Mbit/s or unknown
  std::memcpy(c + cfg::kSpeed, &speed_, 4);
  // devicenormative:Device Types / Network Device / Device configuration layout#11: duplex 0x00 / 0x01 / 0xff
  c[cfg::kDuplex] = duplex_;
  if (p_.rss) {
    // devicenormative:Device Types / Network Device / Device configuration layout#7: rss_max_key_size at least 40 (option floor)
    c[cfg::kRssMaxKeySize] = p_.rssMaxKeySize;
    // devicenormative:Device Types / Network Device / Device configuration layout#8: rss_max_indirection_table_length at least 128 (option floor)
    std::memcpy(c + cfg::kRssMaxIndirectionTableLength, &p_.rssMaxIndirectionTable, 2);
    std::memcpy(c + cfg::kSupportedHashTypes, &p_.rssHashTypes, 4);
  }
  if (p_.hashTunnel) std::memcpy(c + cfg::kSupportedTunnelTypes, &p_.tunnelTypes, 4);
  std::memcpy(dst, c + off, len);  // the core bounds-checked [off, off+len)
}

bool NetDevice::writeConfig(uint32_t off, const void* src, uint32_t len) {
  if (!core_) return false;
  // Legacy drivers may write mac (the legacy interface made it writable); nothing else is writable.
  if (core_->legacy() && off + len <= 6) {
    std::memcpy(mac_.data() + off, src, len);
    filter_.setDefaultMac(mac_);
    return true;
  }
  uint64_t value = 0;
  std::memcpy(&value, src, std::min<uint32_t>(8, len));
  // drivernormative:Device Types / Network Device / Device configuration layout#1: the driver writes no configuration field
  violate(clause::kConfigReadOnly, "net.config_write", "driver wrote the read-only device configuration",
          {{"offset", off}, {"len", len}, {"value", value}, {"legacy", core_->legacy()}}, -1);
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// Features

namespace {
struct Dep {
  unsigned feature;
  uint64_t needsAny;  // at least one of these
};
constexpr uint64_t B(unsigned n) { return uint64_t{1} << n; }
// The "Feature bit requirements" of the network device (only what fits in 64 bits).
constexpr Dep kDeps[] = {
    {f::kGuestTso4, B(f::kGuestCsum)},
    {f::kGuestTso6, B(f::kGuestCsum)},
    {f::kGuestEcn, B(f::kGuestTso4) | B(f::kGuestTso6)},
    {f::kGuestUfo, B(f::kGuestCsum)},
    {f::kGuestUso4, B(f::kGuestCsum)},
    {f::kGuestUso6, B(f::kGuestCsum)},
    {f::kHostTso4, B(f::kCsum)},
    {f::kHostTso6, B(f::kCsum)},
    {f::kHostEcn, B(f::kHostTso4) | B(f::kHostTso6)},
    {f::kHostUfo, B(f::kCsum)},
    {f::kHostUso, B(f::kCsum)},
    {f::kCtrlRx, B(f::kCtrlVq)},
    {f::kCtrlVlan, B(f::kCtrlVq)},
    {f::kGuestAnnounce, B(f::kCtrlVq)},
    {f::kMq, B(f::kCtrlVq)},
    {f::kCtrlMacAddr, B(f::kCtrlVq)},
    {f::kNotfCoal, B(f::kCtrlVq)},
    {f::kRscExt, B(f::kHostTso4) | B(f::kHostTso6)},
    {f::kRss, B(f::kCtrlVq)},
    {f::kVqNotfCoal, B(f::kCtrlVq)},
    {f::kDeviceStats, B(f::kCtrlVq)},
    {f::kHashTunnel, B(f::kCtrlVq)},
    {f::kHashTunnel, B(f::kRss) | B(f::kHashReport)},
};
/// The first accepted feature whose requirement is not accepted, or -1.
int brokenDependency(uint64_t acc) {
  for (const auto& d : kDeps)
    if (((acc >> d.feature) & 1u) && (acc & d.needsAny) == 0) return static_cast<int>(d.feature);
  return -1;
}
}  // namespace

std::string NetDevice::checkFeatures(uint64_t accepted) const {
  // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2: no feature without the features it requires
  return brokenDependency(accepted) >= 0 ? std::string(clause::kFeatureDeps) : std::string();
}

// ---------------------------------------------------------------------------------------------------------------
// Life cycle

void NetDevice::onDriverOk(DeviceCore& core) {
  bind(core);
  if (core.legacy()) {
    // A legacy driver never sets FEATURES_OK, so the dependency rule is checked here (nothing can be refused).
    const int bad = brokenDependency(core.negotiated());
    // drivernormative:Basic Facilities of a Virtio Device / Feature Bits#2: no feature without the features it requires
    if (bad >= 0)
      violate(clause::kFeatureDeps, "net.feature_dependency", "legacy driver accepted a feature without its requirement",
              {{"accepted", core.negotiated()}, {"feature", static_cast<uint64_t>(bad)}}, -1);
  }
  // Every negotiated receive offload starts enabled.
  constexpr uint64_t kOffloads = B(f::kGuestCsum) | B(f::kGuestTso4) | B(f::kGuestTso6) | B(f::kGuestEcn) |
                                 B(f::kGuestUfo) | B(f::kGuestUso4) | B(f::kGuestUso6);
  guestOffloads_ = core.negotiated() & kOffloads;
  filter_.setVlanFiltering(has(f::kCtrlVlan));
  if (has(f::kMac) && !filter_.defaultMac()) filter_.setDefaultMac(mac_);
}

void NetDevice::onReset() {
  for (auto& h : held_) h.clear();
  for (auto& b : backlog_) b.clear();
  backlogTotal_ = 0;
  flows_.clear();
  if (ff_) ff_->reset();
  if (ipsec_) ipsec_->reset();
  filter_.reset();
  filter_.setDefaultMac(std::nullopt);
  mac_ = p_.mac;  // a MAC_ADDR_SET / legacy write lasts until reset
  announce_ = false;
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Automatic receive steering in multiqueue mode#1: after reset only receiveq1
  activePairs_ = 1;
  pairsSet_ = false;
  guestOffloads_ = 0;
  reportedRxBuffer_ = false;
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#9: every coalescing parameter 0 after reset
  txCoal_ = rxCoal_ = Coalescing{};
  std::fill(coal_.begin(), coal_.end(), Coalescing{});
  rss_.reset();
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / RSS Context#2: a reset forgets every RSS context
  rssCtx_.clear();
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Inner Header Hash#3: no inner header hash after reset
  enabledTunnels_ = 0;
  statsQueried_ = false;
  resetCounters();
}

void NetDevice::onQueueReset(uint16_t q) {
  if (q >= held_.size()) return;
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#5: a transmit queue re-enabled gets the TX_SET values (else 0)
  // devicenormative:Device Types / Network Device / Device Operation / Control Virtqueue / Notifications Coalescing#6: a receive queue the RX_SET values (else 0)
  if (role(q) == QueueRole::Tx) coal_[q] = txCoal_;
  else if (role(q) == QueueRole::Rx) coal_[q] = rxCoal_;
  held_[q].clear();
  backlogTotal_ -= backlog_[q].size();
  backlog_[q].clear();
}

// ---------------------------------------------------------------------------------------------------------------
// Host API

bool NetDevice::takeSent(NetFrame* out) {
  if (captured_.empty()) return false;
  *out = std::move(captured_.front());
  captured_.pop_front();
  return true;
}

void NetDevice::setLinkUp(bool up) {
  if (up == linkUp_) return;
  linkUp_ = up;
  configChanged();
}

bool NetDevice::announce() {
  if (!live() || !has(f::kGuestAnnounce)) return false;
  announce_ = true;
  configChanged();
  return true;
}

bool NetDevice::setSpeedDuplex(uint32_t speed, uint8_t duplex) {
  // devicenormative:Device Types / Network Device / Device configuration layout#10: speed 0..0x7fffffff or unknown
  // devicenormative:Device Types / Network Device / Device configuration layout#11: duplex 0x00, 0x01 or unknown
  if ((speed > 0x7fffffffu && speed != cfg::kSpeedUnknown) ||
      (duplex != cfg::kDuplexFull && duplex != cfg::kDuplexHalf && duplex != cfg::kDuplexUnknown))
    return false;
  // devicenormative:Device Types / Network Device / Device configuration layout#12: not while the link is up
  if (linkUp_ && has(f::kStatus) && has(f::kSpeedDuplex) && live()) return false;
  if (speed == speed_ && duplex == duplex_) return true;
  speed_ = speed;
  duplex_ = duplex;
  configChanged();
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatch

ChainResult NetDevice::handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) {
  bind(core);
  written = 0;
  inHandle_ = true;
  ChainResult r = ChainResult::Done;
  switch (role(q)) {
    case QueueRole::Rx: r = handleRx(core, q, c); break;
    case QueueRole::Tx: {
      const NetStats before = stats_;
      r = handleTx(core, q, c);
      countTx(q, before);
      break;
    }
    case QueueRole::Ctrl: r = handleCtrl(core, q, c, written); break;
    case QueueRole::Unused: ++stats_.chainsOnUnusedQueue; break;  // returned untouched
  }
  inHandle_ = false;
  return r;
}

}  // namespace vsim::model
