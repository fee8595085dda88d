// NetDevice: the virtio network device (device ID 1).
//
// Queues: receiveq1, transmitq1, ... receiveqN, transmitqN (N = mq_pairs) and the control queue (index 2 without
// VIRTIO_NET_F_MQ negotiated, else 2N). Receive buffers are held (ChainResult::Deferred) until a frame arrives and
// then completed with DeviceCore::complete() — one buffer per frame, or several with VIRTIO_NET_F_MRG_RXBUF.
// Transmitted frames are checked (header fields against the negotiated features, MTU, queue pairs), recorded
// (pcap, host capture) and handed to the L2 switch; offload metadata travels with the frame so the receiver sees
// what the sender claimed (checksums are completed only for a receiver that cannot take them partial).
//
// Driver violations are reported through DeviceCore::violate with their clause IDs (README: check table) and the
// offending frame or command is dropped / answered VIRTIO_NET_ERR; nothing outside the chain is touched.
//
// Host side: inject() frames towards the guest, takeSent() frames the guest sent, link state, announce requests,
// speed/duplex, statistics. The device learns its DeviceCore when the core is built (attach()).
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vsim/model/device_logic.h"
#include "vsim/model/device_queue.h"
#include "vsim/model/l2_switch.h"
#include "vsim/model/net_flow_filter.h"
#include "vsim/model/net_ipsec.h"
#include "vsim/model/net_params.h"
#include "vsim/model/net_rss.h"
#include "vsim/model/net_rx_filter.h"
#include "vsim/model/pcap_writer.h"
#include "vsim/violation.h"

namespace vsim::model {

struct NetStats {
  uint64_t txFrames = 0, txBytes = 0;
  uint64_t txDroppedViolation = 0;  ///< a driver violation in the header / queue / size
  uint64_t txDroppedLinkDown = 0;
  uint64_t txDroppedRunt = 0;       ///< shorter than an Ethernet header
  uint64_t txDroppedTooLong = 0;    ///< over NetParams::kMaxFrameBytes
  uint64_t rxFrames = 0, rxBytes = 0, rxBuffersUsed = 0;
  uint64_t rxMerged = 0;            ///< frames spread over more than one buffer
  uint64_t rxDroppedNotReady = 0;   ///< driver not live
  uint64_t rxDroppedLinkDown = 0;
  uint64_t rxDroppedFilter = 0;     ///< receive modes, MAC table, VLAN table
  uint64_t rxDroppedMtu = 0;        ///< longer than the negotiated MTU allows
  uint64_t rxDroppedTooBig = 0;     ///< does not fit the (single, non-mergeable) buffer
  uint64_t rxDroppedOffload = 0;    ///< GSO metadata the receiver did not negotiate
  uint64_t rxDroppedNoQueue = 0;    ///< every eligible receive queue is being reset
  uint64_t rxDroppedBacklogFull = 0;
  uint64_t rxBacklogged = 0;        ///< frames that had to wait for receive buffers
  uint64_t rxBuffersRejected = 0;   ///< buffers returned unused (too small to hold a header)
  uint64_t ctrlOk = 0, ctrlErr = 0;
  uint64_t chainsOnUnusedQueue = 0;
  uint64_t capturedDropped = 0;     ///< host capture full: oldest frame dropped
  uint64_t txDroppedBackend = 0;    ///< sent by the guest, lost by a failing backend (injected)
  uint64_t rxDroppedBackend = 0;    ///< arriving for the guest, lost by a failing backend (injected)
};

class NetDevice final : public DeviceLogic, public NetPort {
 public:
  /// Where frames go and what time it is; all optional.
  struct Backends {
    std::shared_ptr<L2Switch> sw;
    std::shared_ptr<PcapWriter> pcap;
    std::function<uint64_t()> nowPs;  ///< simulated time for pcap time stamps
    std::string portName = "net";     ///< name on the switch
  };

  enum class QueueRole : uint8_t { Rx, Tx, Ctrl, Unused };

  explicit NetDevice(const NetParams& p);
  NetDevice(const NetParams& p, Backends b);
  ~NetDevice() override;
  NetDevice(const NetDevice&) = delete;
  NetDevice& operator=(const NetDevice&) = delete;

  // DeviceLogic
  void attach(DeviceCore& core) override { bind(core); }
  uint16_t deviceId() const override { return 1; }
  std::string name() const override { return "net"; }
  uint64_t deviceFeatures() const override { return offered_; }
  uint16_t numQueues() const override;
  uint16_t queueMaxSize(uint16_t q) const override;
  uint32_t configSize() const override;
  void readConfig(uint32_t off, void* dst, uint32_t len) override;
  bool writeConfig(uint32_t off, const void* src, uint32_t len) override;
  std::string checkFeatures(uint64_t accepted) const override;
  uint64_t deviceFeaturesHigh() const override;                                    // net_rx_tunnel.cpp
  std::string checkFeaturesHigh(uint64_t accepted, uint64_t acceptedHigh) const override;  // net_rx_tunnel.cpp
  ChainResult handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) override;
  void onDriverOk(DeviceCore& core) override;
  void onReset() override;
  void onQueueReset(uint16_t q) override;

  // NetPort: a frame from the switch.
  void receiveFrame(const NetFrame& f) override;

  /// @name Host side
  /// @{
  /// The core this device belongs to (done by attach(), again at DRIVER_OK and on every chain).
  void bind(DeviceCore& core) { core_ = &core; }
  /// A frame towards the guest as if it came from the link (hdr: offload metadata). True if it was written into
  /// receive buffers or queued until some are posted; false if dropped (see stats()).
  bool inject(const std::vector<uint8_t>& frame, const net::NetHdr& hdr = {});
  /// The oldest frame the guest sent that the host has not taken yet.
  bool takeSent(NetFrame* out);
  size_t sentPending() const { return captured_.size(); }
  void setLinkUp(bool up);
  bool linkUp() const { return linkUp_; }
  /// Ask the driver to announce itself (VIRTIO_NET_S_ANNOUNCE). False if GUEST_ANNOUNCE is not negotiated.
  bool announce();
  bool announcePending() const { return announce_; }
  /// Change speed / duplex (refused while the link is up and STATUS + SPEED_DUPLEX are negotiated).
  bool setSpeedDuplex(uint32_t speed, uint8_t duplex);
  /// `mac` as the configuration space shows it now.
  net::Mac mac() const { return mac_; }
  uint16_t activePairs() const { return activePairs_; }
  uint64_t guestOffloads() const { return guestOffloads_; }
  const RxFilter& rxFilter() const { return filter_; }
  const NetStats& stats() const { return stats_; }
  const NetParams& params() const { return p_; }
  L2Switch* attachedSwitch() const { return b_.sw.get(); }
  int switchPort() const { return port_; }
  QueueRole role(uint16_t q) const;
  /// Index of the control queue under the negotiated features (2, or 2N with MQ).
  uint16_t ctrlQueue() const;
  /// Receive buffers held for queue q.
  size_t heldBuffers(uint16_t q) const { return q < held_.size() ? held_[q].size() : 0; }
  size_t backlog(uint16_t q) const { return q < backlog_.size() ? backlog_[q].size() : 0; }
  /// Notification coalescing parameters of queue q (all 0 until the driver sets them).
  struct Coalescing {
    uint32_t maxPackets = 0;
    uint32_t maxUsecs = 0;
    bool operator==(const Coalescing&) const = default;
  };
  Coalescing coalescing(uint16_t q) const { return q < coal_.size() ? coal_[q] : Coalescing{}; }
  /// The RSS configuration in force (MQ_RSS_CONFIG accepted since reset), if any.
  const std::optional<net::RssConfig>& rssConfig() const { return rss_; }
  /// RSS contexts the driver configured (VIRTNET_RSS_CTX_CTRL, net_ctrl_rss_ctx.cpp), by rss_ctx_id.
  const std::map<uint16_t, net::RssConfig>& rssContexts() const { return rssCtx_; }
  /// enabled_tunnel_types in force (HASH_TUNNEL_SET; 0 after reset).
  uint32_t enabledTunnelTypes() const { return enabledTunnels_; }
  /// Device statistics (VIRTIO_NET_F_DEVICE_STATS) of data queue q: packets, bytes, drops, malformed drops.
  struct QueueCounters {
    uint64_t packets = 0, bytes = 0, drops = 0, dropsMalformed = 0;
  };
  QueueCounters queueCounters(uint16_t q) const { return q < qstats_.size() ? qstats_[q] : QueueCounters{}; }
  /// Test hook: start every statistics counter (per queue and control queue) at `v` (to see them wrap).
  void presetStatsCounters(uint64_t v);
  /// One self-group administration command (flow filter capabilities and resource objects; net_flow_filter_dev.cpp).
  /// The admin virtqueue is not modelled: this is where its commands would land. Without the flow_filter
  /// parameter no capability is listed and every resource command is refused (EINVAL, Q_INVALID_OPCODE).
  net::ff::FlowFilter::Answer adminCommand(uint16_t opcode, const std::vector<uint8_t>& data);
  const net::ff::FlowFilter* flowFilter() const { return ff_.get(); }
  const net::ipsec::IpsecSa* ipsec() const { return ipsec_.get(); }
  /// @}

  /// @name Backend faults (host side)
  /// A failing backend loses frames the way a network does, never silently: the next `tx` frames the guest sends
  /// pass every device check and are completed (the buffer is used: the device is done with it) but reach no
  /// capture, pcap or switch; the next `rx` frames arriving for the guest are lost before the device sees them
  /// (inject() returns false). Both are counted (NetStats::txDroppedBackend / rxDroppedBackend).
  /// @{
  static constexpr uint32_t kBackendErrorsUntilCleared = UINT32_MAX;  ///< fail every frame until cleared with 0
  void injectBackendErrors(uint32_t tx, uint32_t rx) {
    txBackendErrors_ = tx;
    rxBackendErrors_ = rx;
  }
  /// @}

 private:
  struct Held {
    Chain chain;
    DeviceQueue* engine = nullptr;
    uint64_t serial = 0;  // engine's chainsPopped when it was taken: stale-chain guard
  };
  enum class Put : uint8_t { Done, Dropped, NoRoom };

  bool has(unsigned bit) const;
  /// One injected backend failure is used up (kBackendErrorsUntilCleared never is); false when none is due.
  static bool takeBackendFailure(uint32_t& left) {
    if (left == 0) return false;
    if (left != kBackendErrorsUntilCleared) --left;
    return true;
  }
  bool live() const;
  uint32_t hdrBytes() const;
  uint64_t now() const { return b_.nowPs ? b_.nowPs() : 0; }
  void configChanged();
  void violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev, int queue);

  // net_tx.cpp
  ChainResult handleTx(DeviceCore& core, uint16_t q, const Chain& c);
  bool txQueueAllowed(uint16_t q);
  // net_rx.cpp
  ChainResult handleRx(DeviceCore& core, uint16_t q, const Chain& c);
  bool deliver(const NetFrame& f);
  /// A UDP tunnel segmentation request for a driver with GUEST_UDP_TUNNEL_GSO (net_rx_tunnel.cpp).
  bool adaptTunnelForGuest(const NetFrame& in, NetFrame* out);
  bool adaptForGuest(const NetFrame& in, NetFrame* out);
  int pickRxQueue(const NetFrame& f);
  Put put(uint16_t q, const NetFrame& f, bool allowPull, bool signal);
  bool validHeld(uint16_t q, const Held& h) const;
  void dropStale(uint16_t q);
  bool pull(uint16_t q);
  void drainBacklog(uint16_t q, bool allowPull, bool signal);
  // net_ctrl.cpp
  ChainResult handleCtrl(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written);
  uint8_t runCtrl(uint8_t cls, uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q);
  uint8_t ctrlRx(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q);
  uint8_t ctrlMac(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q);
  uint8_t ctrlMq(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q);
  uint8_t ctrlOffloads(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q);
  uint8_t ctrlCoalescing(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q);
  uint8_t malformed(uint8_t cls, uint8_t cmd, size_t len, uint16_t q);
  // net_ctrl_rss.cpp
  uint8_t ctrlRssConfig(const std::vector<uint8_t>& data, uint16_t q);
  int rssPickQueue(const NetFrame& f);
  // net_flow_filter_dev.cpp: true when a flow filter rule decided (q: the queue, or -1 to drop)
  bool flowSteer(const NetFrame& f, int* q);
  void initFlowFilter();
  void initIpsec();                                                                 // net_ipsec_dev.cpp
  net::ff::FlowFilter::Answer ipsecCommand(uint16_t opcode, const std::vector<uint8_t>& data);  // net_ipsec_dev.cpp
  uint8_t ctrlHashTunnel(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q);
  uint8_t ctrlRssCtx(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q);  // net_ctrl_rss_ctx.cpp
  // net_stats.cpp
  uint8_t ctrlStats(uint8_t cmd, const std::vector<uint8_t>& data, uint16_t q);
  void countTx(uint16_t q, const NetStats& before);
  void countRx(uint16_t q, uint64_t bytes);
  void resetCounters();

  NetParams p_;
  Backends b_;
  uint64_t offered_ = 0;
  int port_ = -1;
  DeviceCore* core_ = nullptr;

  // per-driver state (reset by onReset)
  net::Mac mac_{};
  bool announce_ = false;
  uint16_t activePairs_ = 1;
  bool pairsSet_ = false;
  uint64_t guestOffloads_ = 0;
  bool reportedRxBuffer_ = false;
  RxFilter filter_;
  std::vector<std::deque<Held>> held_;
  std::vector<std::deque<NetFrame>> backlog_;
  size_t backlogTotal_ = 0;
  std::unordered_map<uint64_t, uint16_t> flows_;  // symmetric flow hash -> queue pair it was sent on
  Coalescing txCoal_, rxCoal_;                     // TX_SET / RX_SET values (what a re-enabled queue gets)
  std::vector<Coalescing> coal_;                   // per queue (VQ_SET / VQ_GET)
  uint32_t ctrlWritable_ = 0;                      // writable bytes of the command being handled (ack + result)
  std::vector<uint8_t> ctrlResult_;                // command-specific-result to write after the ack
  std::optional<net::RssConfig> rss_;              // MQ_RSS_CONFIG in force
  std::map<uint16_t, net::RssConfig> rssCtx_;      // RSS contexts by id (cleared by onReset)
  uint32_t enabledTunnels_ = 0;                    // HASH_TUNNEL_SET's enabled_tunnel_types
  bool statsQueried_ = false;                      // STATS_QUERY answered since reset
  std::vector<QueueCounters> qstats_;              // per data queue (device statistics)
  uint64_t cvqCommands_ = 0, cvqOk_ = 0;           // control queue statistics

  // host state (kept across resets)
  bool linkUp_ = true;
  uint32_t speed_ = 0;
  uint8_t duplex_ = 0;
  std::deque<NetFrame> captured_;
  NetStats stats_;

  uint32_t txBackendErrors_ = 0, rxBackendErrors_ = 0;  // injected backend failures still to come
  uint64_t completions_ = 0;  // buffers given back (to know whether a used buffer notification is due)
  bool inHandle_ = false;     // re-entrancy guards
  bool pulling_ = false;
  std::vector<uint8_t> scratch_;
  std::unique_ptr<net::ff::FlowFilter> ff_;  // flow filter (flow_filter parameter); objects reset by onReset
  std::unique_ptr<net::ipsec::IpsecSa> ipsec_;  // IPsec SA objects (ipsec parameter); reset by onReset
};

}  // namespace vsim::model
