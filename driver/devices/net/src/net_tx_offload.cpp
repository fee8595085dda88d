// Segmentation request headers: see net_tx_offload.h.
#include "vsim/drv/net_tx_offload.h"

namespace vsim::drv::net {

namespace {
uint16_t be16(const uint8_t* f, size_t at) { return static_cast<uint16_t>(f[at] << 8 | f[at + 1]); }
constexpr uint8_t kTcpCwr = 0x80;  // TCP flag Congestion Window Reduced: the ECN marker of a sender
}  // namespace

size_t transportHeadersEnd(const uint8_t* f, size_t len, uint8_t* tcpFlags) {
  *tcpFlags = 0;
  size_t l3 = kEthHdrBytes;
  if (len < l3 + 4) return 0;
  uint16_t type = be16(f, 12);
  if (type == 0x8100) {
    type = be16(f, 16);
    l3 += 4;
  }
  size_t l4 = 0;
  uint8_t proto = 0;
  if (type == 0x0800 && len >= l3 + 20 && (f[l3] >> 4) == 4) {
    const size_t ihl = size_t{f[l3] & 0x0fu} * 4;
    if (ihl < 20 || len < l3 + ihl || (be16(f, l3 + 6) & 0x3fff) != 0) return 0;
    proto = f[l3 + 9];
    l4 = l3 + ihl;
  } else if (type == 0x86dd && len >= l3 + 40 && (f[l3] >> 4) == 6) {
    proto = f[l3 + 6];
    l4 = l3 + 40;
  } else {
    return 0;
  }
  if (proto == 6 && len >= l4 + 20) {
    const size_t doff = size_t{f[l4 + 12]} / 16 * 4;
    if (doff < 20 || len < l4 + doff) return 0;
    *tcpFlags = f[l4 + 13];
    return l4 + doff;
  }
  if (proto == 17 && len >= l4 + 8) return l4 + 8;
  return 0;
}

void prepareSegmentation(NetHdr& h, const uint8_t* frame, size_t len, bool hostEcn, bool guestHdrlen) {
  const uint8_t base = hdr::gsoBase(h.gsoType);
  if (base == hdr::kGsoNone) return;
  uint8_t tcpFlags = 0;
  const size_t end = transportHeadersEnd(frame, len, &tcpFlags);
  if (end == 0) return;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#15: with HOST_ECN, a CWR-marked TCP segment to segment carries VIRTIO_NET_HDR_GSO_ECN
  if (hostEcn && (base == hdr::kGsoTcpv4 || base == hdr::kGsoTcpv6) && (tcpFlags & kTcpCwr)) h.gsoType |= hdr::kGsoEcn;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#34: with GUEST_HDRLEN, hdr_len is exactly the headers' length (transport header included)
  if (guestHdrlen) h.hdrLen = static_cast<uint16_t>(end);
}

}  // namespace vsim::drv::net
