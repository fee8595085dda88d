// NetDriver: the virtio network device (type 1). Receive queues are kept full of DMA buffers (one descriptor each,
// or header + data descriptors on a legacy interface without mergeable buffers); frames spread over several
// buffers (VIRTIO_NET_F_MRG_RXBUF, num_buffers) are put back together. send() copies a frame into a transmit slot;
// receive() returns the next frame, waiting (interrupts, or polling the used rings) up to a simulated-time limit.
// The control queue carries receive modes, the MAC table and address, VLAN filters, announce acks, queue pairs and
// receive offloads — each only when its feature was negotiated (else CtrlStatus::NotNegotiated, nothing sent).
//
// Device-normative rules the driver can observe (received headers against the negotiated features, num_buffers,
// buffer filling, MTU, configuration values, the effect of MAC_ADDR_SET and ANNOUNCE_ACK) are reported to the
// ViolationSink with Culprit::Device and their clause IDs; the offending frame is dropped.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <vector>

#include "vsim/drv/device.h"
#include "vsim/drv/discover.h"
#include "vsim/drv/net_abi.h"

namespace vsim::drv {

struct NetDriverOptions {
  /// Net feature bits the driver accepts when offered (the GSO features are not in the default set).
  uint64_t features = net::f::bit(net::f::kCsum) | net::f::bit(net::f::kGuestCsum) | net::f::bit(net::f::kMtu) |
                      net::f::bit(net::f::kMac) | net::f::bit(net::f::kMrgRxbuf) | net::f::bit(net::f::kStatus) |
                      net::f::bit(net::f::kCtrlVq) | net::f::bit(net::f::kCtrlRx) | net::f::bit(net::f::kCtrlVlan) |
                      net::f::bit(net::f::kCtrlRxExtra) | net::f::bit(net::f::kGuestAnnounce) |
                      net::f::bit(net::f::kMq) | net::f::bit(net::f::kCtrlMacAddr) |
                      net::f::bit(net::f::kCtrlGuestOffloads) | net::f::bit(net::f::kSpeedDuplex) |
                      net::f::bit(net::f::kNotfCoal) | net::f::bit(net::f::kVqNotfCoal) |
                      net::f::bit(net::f::kGuestHdrlen);  // we always know the exact header length
  /// Net feature bits 64..127 accepted when offered (bit 0 = 64): the UDP tunnel GSO features (65..68) are not
  /// in the default set.
  uint64_t featuresHigh = 0;
  /// Bytes per receive buffer; 0 = 2048 with mergeable buffers, else header + MTU + Ethernet + VLAN (>= 1526).
  uint32_t rxBufferSize = 0;
  /// Receive buffers per receive queue; 0 = as many as the queue holds.
  uint32_t rxBuffers = 0;
  /// Transmit slots per transmit queue; 0 = min(64, what the queue holds). A slot holds the header and the longest
  /// frame allowed: MTU + 18 with VIRTIO_NET_F_MTU (else 1518), 65550 with a HOST_ segmentation feature.
  uint32_t txSlots = 0;
  /// Time a control command may take (simulated ns).
  uint64_t ctrlTimeoutNs = 1'000'000'000;
  /// Answer VIRTIO_NET_S_ANNOUNCE with a gratuitous (RARP) broadcast and ANNOUNCE_ACK from poll().
  bool autoAnnounce = true;
  /// Address used when VIRTIO_NET_F_MAC is not negotiated (locally administered).
  net::Mac fallbackMac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
};

enum class CtrlStatus : uint8_t {
  Ok,             ///< VIRTIO_NET_OK
  Err,            ///< VIRTIO_NET_ERR
  NotNegotiated,  ///< the feature the command needs was not negotiated: nothing was sent
  Timeout,        ///< the device did not use the buffer in time
  Failed,         ///< the driver is not live, or the queue refused the buffer
};
const char* ctrlStatusName(CtrlStatus s);

/// What the configuration space said at the last read.
struct NetConfig {
  net::Mac mac{};
  uint16_t status = 0;
  uint16_t maxVirtqueuePairs = 1;
  uint16_t mtu = 0;
  uint32_t speed = net::cfg::kSpeedUnknown;  ///< values the spec does not define read as unknown
  uint8_t duplex = net::cfg::kDuplexUnknown;
  uint8_t rssMaxKeySize = 0;                  ///< with VIRTIO_NET_F_RSS offered
  uint16_t rssMaxIndirectionTableLength = 0;  ///< with VIRTIO_NET_F_RSS offered
  uint32_t supportedHashTypes = 0;            ///< with VIRTIO_NET_F_RSS offered
  uint32_t supportedTunnelTypes = 0;          ///< with VIRTIO_NET_F_HASH_TUNNEL offered
};

/// Receive-side scaling parameters (VIRTIO_NET_F_RSS), in queue pairs (pair k = receiveq k+1).
struct RssSettings {
  uint32_t hashTypes = 0;            ///< VIRTIO_NET_HASH_TYPE_* bits
  std::vector<uint16_t> table;       ///< indirection table: pair per entry (a power of two entries)
  uint16_t unclassifiedPair = 0;     ///< where packets without a hash go
  uint16_t maxTxPairs = 1;           ///< transmit queues the driver may use
  std::vector<uint8_t> key;          ///< Toeplitz key (up to rss_max_key_size)
};

/// One statistics request entry: a virtqueue and the types wanted for it.
struct StatsRequest {
  uint16_t vq = 0;
  uint64_t types = 0;
};

class NetDriver {
 public:
  static constexpr uint16_t kDeviceType = 1;

  /// Open a discovered network device (all its queues) and bring it up with receive buffers posted. nullptr when
  /// it is not a network device or did not initialise.
  static std::unique_ptr<NetDriver> open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts,
                                         const NetDriverOptions& netOpts, ViolationSink& sink);
  ~NetDriver();
  NetDriver(const NetDriver&) = delete;
  NetDriver& operator=(const NetDriver&) = delete;

  Device& device() { return *dev_; }
  bool ok() const { return dev_ && dev_->live(); }
  bool has(unsigned bit) const { return dev_ && ((dev_->features() >> bit) & 1u); }

  /// @name Configuration
  /// @{
  /// The address the driver uses: config `mac` with VIRTIO_NET_F_MAC, else the fallback (or MAC_ADDR_SET's).
  net::Mac mac() const { return mac_; }
  const NetConfig& config() const { return cfg_; }
  /// Read the configuration again (speed / duplex / status may change).
  bool refreshConfig();
  /// Link state: bit 0 of status with VIRTIO_NET_F_STATUS, else up.
  bool linkUp();
  uint32_t hdrBytes() const { return hdrBytes_; }
  bool mergeable() const { return has(net::f::kMrgRxbuf); }
  /// Queue pairs set up / in use (VQ_PAIRS_SET).
  uint16_t queuePairs() const { return pairs_; }
  uint16_t activePairs() const { return activePairs_; }
  uint32_t rxBufferSize() const { return rxBufSize_; }
  /// Longest frame send() takes.
  uint32_t maxFrame() const { return maxFrame_; }
  /// Index of the control queue (-1 without VIRTIO_NET_F_CTRL_VQ).
  int controlQueue() const { return ctrlQ_; }
  /// A command with `dataParts` parts of command-specific data can be framed on the control queue (a legacy
  /// interface needs a descriptor per part plus two; a modern one packs any command into two).
  bool commandFits(size_t dataParts) const;
  /// @}

  /// @name Data path
  /// @{
  /// Send one frame (Ethernet header first, no FCS) on queue pair `pair`. hdr: offload request (refused, false, if
  /// it needs a feature that was not negotiated). Waits up to timeoutNs for a free slot.
  bool send(const void* frame, size_t len, const net::NetHdr& hdr = {}, uint16_t pair = 0,
            uint64_t timeoutNs = 1'000'000'000);
  bool send(const std::vector<uint8_t>& frame, uint16_t pair = 0) { return send(frame.data(), frame.size(), {}, pair); }
  /// The next received frame (any pair), waiting up to timeoutNs of simulated time (0 = just look).
  bool receive(std::vector<uint8_t>* frame, net::NetHdr* hdr = nullptr, uint64_t timeoutNs = 0, uint16_t* pair = nullptr);
  /// Acknowledge interrupts, take used buffers, refill; returns the frames waiting in receive().
  size_t poll();
  /// @}

  /// @name Control queue
  /// @{
  CtrlStatus setRxMode(uint8_t rxCommand, bool on);  ///< ctrl::kRxPromisc ... kRxNoBcast
  CtrlStatus setPromisc(bool on) { return setRxMode(net::ctrl::kRxPromisc, on); }
  CtrlStatus setAllMulti(bool on) { return setRxMode(net::ctrl::kRxAllMulti, on); }
  CtrlStatus setMacTable(const std::vector<net::Mac>& unicast, const std::vector<net::Mac>& multicast);
  CtrlStatus setMacAddress(const net::Mac& m);
  CtrlStatus vlanAdd(uint16_t vid);
  CtrlStatus vlanDel(uint16_t vid);
  CtrlStatus announceAck();
  CtrlStatus setQueuePairs(uint16_t pairs);
  CtrlStatus setGuestOffloads(uint64_t offloads);
  /// Notification coalescing (VIRTIO_NET_F_NOTF_COAL) of every transmit (or every receive) queue.
  CtrlStatus setCoalescing(bool transmit, uint32_t maxPackets, uint32_t maxUsecs);
  /// Per-queue coalescing (VIRTIO_NET_F_VQ_NOTF_COAL) of data queue `vq` (receiveq k = 2k, transmitq k = 2k+1).
  CtrlStatus setQueueCoalescing(uint16_t vq, uint32_t maxPackets, uint32_t maxUsecs);
  /// Read it back; the outputs are written only when the device answers VIRTIO_NET_OK.
  CtrlStatus queueCoalescing(uint16_t vq, uint32_t* maxPackets, uint32_t* maxUsecs);
  /// Receive-side scaling (VIRTIO_NET_F_RSS): MQ_RSS_CONFIG; the transmit pairs in use become maxTxPairs.
  CtrlStatus setRss(const RssSettings& s);
  /// RSS contexts (VIRTIO_NET_F_RSS_CONTEXT, feature 64; net_rss_ctx.cpp): max_rss_contexts (CAP_GET) ...
  CtrlStatus rssContextCapability(uint16_t* maxContexts);
  /// ... add (`add`) or modify context `id` (1..max_rss_contexts) with `s`, and delete it. While any context is
  /// configured, setQueuePairs() is refused (Failed) without sending anything.
  CtrlStatus rssContextSet(uint16_t id, const RssSettings& s, bool add);
  CtrlStatus rssContextDelete(uint16_t id);
  size_t rssContextCount() const { return rssCtx_.size(); }
  /// Inner header hash (VIRTIO_NET_F_HASH_TUNNEL): HASH_TUNNEL_SET; 0 turns it off.
  CtrlStatus setHashTunnel(uint32_t enabledTypes);
  /// Device statistics (VIRTIO_NET_F_DEVICE_STATS): the supported types (STATS_QUERY) ...
  CtrlStatus statsQuery(uint64_t* supported);
  /// ... and STATS_GET for `req` (only queried types valid for each queue); `reply` gets the result bytes.
  CtrlStatus statsGet(const std::vector<StatsRequest>& req, std::vector<uint8_t>* reply);
  /// Any command, without the feature checks (conformance work: a driver that breaks the rules on purpose).
  CtrlStatus rawCommand(uint8_t cls, uint8_t cmd, const std::vector<std::vector<uint8_t>>& dataParts,
                        uint8_t* ack = nullptr);
  /// Same with `resultBytes` of command-specific-result after the ack, read back whatever the ack (bytes the
  /// device did not write read kResultPoison).
  CtrlStatus rawCommand(uint8_t cls, uint8_t cmd, const std::vector<std::vector<uint8_t>>& dataParts, uint8_t* ack,
                        std::vector<uint8_t>* result, uint32_t resultBytes);
  static constexpr uint8_t kResultPoison = 0xee;
  /// @}

  struct Stats {
    uint64_t framesSent = 0, bytesSent = 0, framesReceived = 0, bytesReceived = 0;
    uint64_t mergedFrames = 0;     ///< frames that came in more than one buffer
    uint64_t rxDropped = 0;        ///< frames dropped because the device broke a rule
    uint64_t announcesAnswered = 0;
    uint64_t configChanges = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct RxQueue {
    uint64_t base = 0;  // buffer i at base + i * size
    uint32_t count = 0;
    std::vector<uint8_t> frame;  // being put back together
    net::NetHdr hdr;
    uint16_t remaining = 0;      // buffers still expected for `frame`
  };
  struct TxQueue {
    uint64_t base = 0;
    uint32_t count = 0;
    std::vector<uint32_t> free;
  };
  struct Received {
    std::vector<uint8_t> data;
    net::NetHdr hdr;
    uint16_t pair;
  };

  NetDriver(Hal& hal, const NetDriverOptions& o, ViolationSink& sink);
  bool setup(Device& d);
  bool readConfigChecked(Device& d);
  bool readRssConfig(Device& d, NetConfig& c);  // net_rss_stats.cpp
  bool postRx(uint16_t pair, uint32_t index, Device* d = nullptr);
  void harvest();
  void takeRx(uint16_t pair);
  void finishFrame(uint16_t pair);
  bool checkRxHeader(const net::NetHdr& h, uint16_t pair);
  void reclaimTx(uint16_t pair);
  void onConfigChange();
  void answerAnnounce();
  /// One command; `result` (resultBytes long) receives the command-specific-result after the ack when given.
  CtrlStatus command(uint8_t cls, uint8_t cmd, const std::vector<std::vector<uint8_t>>& parts, uint8_t* ack,
                     std::vector<uint8_t>* result = nullptr, uint32_t resultBytes = 0, bool resultOnErr = false);
  void report(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev, int queue = -1);
  bool offload(unsigned bit) const { return has(bit) && ((offloads_ >> bit) & 1u); }

  Hal& hal_;
  NetDriverOptions o_;
  ViolationSink& sink_;
  std::unique_ptr<Device> dev_;
  NetConfig cfg_;
  net::Mac mac_{};
  uint32_t hdrBytes_ = net::kHdrBytes;
  uint16_t pairs_ = 1, activePairs_ = 1;
  int ctrlQ_ = -1;
  uint32_t rxBufSize_ = 0;
  uint32_t maxFrame_ = 1518;
  uint32_t txSlotBytes_ = 0;
  uint64_t offloads_ = 0;  // receive offloads in force
  uint64_t statsTypes_ = 0;  // STATS_QUERY's answer (0 = not queried)
  uint16_t rssCtxMax_ = 0;          // CAP_GET's answer (0 = not asked)
  std::set<uint16_t> rssCtx_;       // RSS contexts the device accepted
  /// virtio_net_rss_config bytes of `s`, or empty when `s` breaks a rule we check before sending (RSS#2..#5).
  std::vector<uint8_t> rssConfigBytes(const RssSettings& s) const;
  std::vector<RxQueue> rx_;
  std::vector<TxQueue> tx_;
  uint64_t ctrlBuf_ = 0;
  bool ctrlOutstanding_ = false;
  bool configPending_ = false;
  bool inCommand_ = false;
  std::deque<Received> pending_;
  Stats stats_;
  static constexpr uint32_t kCtrlBytes = 8192;
};

}  // namespace vsim::drv
