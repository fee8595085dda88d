// NetParams: everything that configures one net device (the "net" type's options, typed). See net_type.cpp for the
// option table (name, default, unit, description) and the README for what each one switches.
#pragma once
#include <cstdint>
#include <string>

#include "vsim/model/net_abi.h"

namespace vsim::model {

struct NetParams {
  net::Mac mac{0x02, 0x56, 0x53, 0, 0, 1};  ///< config `mac` (the factory derives it from the instance name)
  std::string switchName;                   ///< L2 switch to attach to; empty = none
  std::string pcapPath;                     ///< pcap file; empty = none

  bool macFeature = true;          ///< VIRTIO_NET_F_MAC
  bool statusFeature = true;       ///< VIRTIO_NET_F_STATUS
  bool linkUp = true;              ///< link state at start
  bool mtuFeature = true;          ///< VIRTIO_NET_F_MTU
  uint16_t mtu = 1500;             ///< 68..65535
  bool speedDuplexFeature = true;  ///< VIRTIO_NET_F_SPEED_DUPLEX
  uint32_t speed = 10000;          ///< Mbit/s, 0..0x7fffffff or 0xffffffff (unknown)
  uint8_t duplex = net::cfg::kDuplexFull;
  bool mrgRxbuf = true;            ///< VIRTIO_NET_F_MRG_RXBUF
  bool csum = true;                ///< VIRTIO_NET_F_CSUM + VIRTIO_NET_F_GUEST_CSUM
  bool gso = false;                ///< HOST_/GUEST_ TSO4, TSO6, ECN, UFO, USO (needs csum)
  bool rscExt = false;             ///< VIRTIO_NET_F_RSC_EXT (coalescing counts in received TCP GSO headers; needs gso)
  bool guestHdrlen = false;        ///< VIRTIO_NET_F_GUEST_HDRLEN (segmentation requests give the exact hdr_len)
  bool ctrlVq = true;              ///< VIRTIO_NET_F_CTRL_VQ; the features below are offered only with it
  bool ctrlRx = true;              ///< VIRTIO_NET_F_CTRL_RX + VIRTIO_NET_F_CTRL_RX_EXTRA
  bool ctrlVlan = true;            ///< VIRTIO_NET_F_CTRL_VLAN
  bool ctrlMacAddr = true;         ///< VIRTIO_NET_F_CTRL_MAC_ADDR
  bool guestAnnounce = true;       ///< VIRTIO_NET_F_GUEST_ANNOUNCE
  bool ctrlGuestOffloads = true;   ///< VIRTIO_NET_F_CTRL_GUEST_OFFLOADS
  bool notfCoal = false;           ///< VIRTIO_NET_F_NOTF_COAL (TX_SET / RX_SET)
  bool vqNotfCoal = false;         ///< VIRTIO_NET_F_VQ_NOTF_COAL (VQ_SET / VQ_GET)
  bool rss = false;                ///< VIRTIO_NET_F_RSS (Toeplitz steering over an indirection table; needs ctrl_vq)
  uint8_t rssMaxKeySize = 40;      ///< rss_max_key_size (40..255)
  uint16_t rssMaxIndirectionTable = 128;  ///< rss_max_indirection_table_length (128..32768)
  uint32_t rssHashTypes = 0x3f;    ///< supported_hash_types (IPv4 / TCPv4 / UDPv4 / IPv6 / TCPv6 / UDPv6)
  /// Device fault for driver tests (makes the device break Processing of Incoming Packets on purpose): how tunnel
  /// GSO packets handed to the driver are spoiled. 0 = none, 1 = both tunnel bits set, 2 = NEEDS_CSUM cleared.
  uint8_t rxTunnelFault = 0;
  bool udpTunnelGso = false;       ///< HOST_ / GUEST_UDP_TUNNEL_GSO and _CSUM (bits 65..68; needs gso)
  uint16_t rssContexts = 0;        ///< max_rss_contexts: RSS contexts beyond the default one (0 = no RSS_CONTEXT)
  bool hashTunnel = false;         ///< VIRTIO_NET_F_HASH_TUNNEL (inner header hash for RSS; needs rss)
  uint32_t tunnelTypes = net::rss::kTunnelsModelled;  ///< supported_tunnel_types (VXLAN, IPIP or both)
  bool deviceStats = false;        ///< VIRTIO_NET_F_DEVICE_STATS (STATS_QUERY / STATS_GET; needs ctrl_vq)
  bool flowFilter = false;         ///< flow filter capabilities + resource objects (admin commands; no feature bit)
  uint32_t ffRules = 64;           ///< flow filter rules_limit / rules_per_group_limit (groups 8, classifiers 16)
  bool ipsec = false;              ///< VIRTIO_NET_F_IPSEC (70): IPsec capabilities + SA objects (admin commands)
  uint32_t ipsecSas = 16;          ///< IPsec inb_sa_limit and outb_sa_limit
  uint16_t mqPairs = 1;            ///< max_virtqueue_pairs; > 1 offers VIRTIO_NET_F_MQ (needs ctrl_vq)
  uint16_t queueSize = 256;        ///< largest queue size offered
  uint32_t rxBacklog = 64;         ///< frames kept while the driver has no receive buffer posted
  uint32_t captureFrames = 1024;   ///< frames the guest sent that the host API keeps (oldest dropped)

  /// Device limit: longest queue pair count accepted as an option.
  static constexpr uint16_t kMaxPairs = 1024;
  /// Device limit: longest frame (without virtio header) the device transmits or receives.
  static constexpr uint32_t kMaxFrameBytes = 65536 + 64;

  /// The device-type feature bits these parameters offer.
  uint64_t offeredFeatures() const;
};

}  // namespace vsim::model
