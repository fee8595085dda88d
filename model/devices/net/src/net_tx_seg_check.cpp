// Segmentation request checks (HOST_ECN marker, GUEST_HDRLEN exact hdr_len); see net_tx_seg_check.h.
#include "vsim/model/net_tx_seg_check.h"

#include "net_clauses.h"

namespace vsim::model::net {

namespace {
uint16_t be16(const std::vector<uint8_t>& f, size_t at) { return static_cast<uint16_t>(f[at] << 8 | f[at + 1]); }
bool on(uint64_t f, unsigned bit) { return (f >> bit) & 1u; }
}  // namespace

std::optional<L4Layout> parseL4Layout(const std::vector<uint8_t>& f) {
  size_t l3 = kEthHdrBytes;
  if (f.size() < l3 + 4) return std::nullopt;
  uint16_t type = be16(f, 12);
  if (type == kEtherTypeVlan) {
    type = be16(f, 16);
    l3 += kVlanTagBytes;
  }
  L4Layout out;
  if (type == 0x0800 && f.size() >= l3 + 20 && (f[l3] >> 4) == 4) {
    const size_t ihl = size_t{f[l3] & 0x0fu} * 4;
    if (ihl < 20 || f.size() < l3 + ihl || (be16(f, l3 + 6) & 0x3fff) != 0) return std::nullopt;
    out.protocol = f[l3 + 9];
    out.l4Offset = l3 + ihl;
  } else if (type == 0x86dd && f.size() >= l3 + 40 && (f[l3] >> 4) == 6) {
    out.protocol = f[l3 + 6];
    out.l4Offset = l3 + 40;
  } else {
    return std::nullopt;
  }
  if (out.protocol == 6) {
    if (f.size() < out.l4Offset + 20) return std::nullopt;
    const size_t doff = size_t{f[out.l4Offset + 12]} / 16 * 4;
    if (doff < 20 || f.size() < out.l4Offset + doff) return std::nullopt;
    out.headersEnd = out.l4Offset + doff;
    out.tcpFlags = f[out.l4Offset + 13];
  } else if (out.protocol == 17) {
    if (f.size() < out.l4Offset + 8) return std::nullopt;
    out.headersEnd = out.l4Offset + 8;
  } else {
    return std::nullopt;
  }
  return out;
}

std::optional<TxFinding> checkTxSegmentation(const NetHdr& h, uint64_t negotiated, const std::vector<uint8_t>& frame) {
  const uint8_t base = hdr::gsoBase(h.gsoType);
  if (base == hdr::kGsoNone) return std::nullopt;
  const auto l = parseL4Layout(frame);
  if (!l) return std::nullopt;
  std::vector<Evidence> ev{{"gso_type", h.gsoType}, {"hdr_len", h.hdrLen}, {"headers_end", l->headersEnd}};
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#34: with GUEST_HDRLEN a segmentation request gives the exact header length (transport header included)
  if (on(negotiated, f::kGuestHdrlen) && h.hdrLen != l->headersEnd)
    return TxFinding{clause::kTxHdrLenExact, "net.tx_hdr_len_inexact",
                     "GUEST_HDRLEN negotiated but hdr_len is not the length of the packet's headers", std::move(ev)};
  const bool tcp = base == hdr::kGsoTcpv4 || base == hdr::kGsoTcpv6;
  // drivernormative:Device Types / Network Device / Device Operation / Packet Transmission#15: with HOST_ECN, TCP segmentation of a CWR-marked segment sets the ECN bit
  if (on(negotiated, f::kHostEcn) && tcp && l->protocol == 6 && (l->tcpFlags & kTcpFlagCwr) &&
      !(h.gsoType & hdr::kGsoEcn)) {
    ev.push_back({"tcp_flags", l->tcpFlags});
    return TxFinding{clause::kTxEcnBit, "net.tx_ecn_bit_missing",
                     "TCP segmentation of an ECN (CWR) marked segment without VIRTIO_NET_HDR_GSO_ECN", std::move(ev)};
  }
  return std::nullopt;
}

}  // namespace vsim::model::net
