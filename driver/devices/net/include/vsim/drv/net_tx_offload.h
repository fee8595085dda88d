// What a segmentation request (gso_type not NONE) must tell the device about its packet, filled in by the driver
// from the frame itself: the ECN marker (VIRTIO_NET_F_HOST_ECN) and the exact header length (VIRTIO_NET_F_GUEST_HDRLEN).
#pragma once
#include <cstddef>
#include <cstdint>

#include "vsim/drv/net_abi.h"

namespace vsim::drv::net {

/// Length of Ethernet (one optional VLAN tag) + IPv4 / IPv6 (no extension headers) + TCP / UDP headers, and the
/// TCP flags byte (0 for UDP); 0 when the frame is not of that shape.
size_t transportHeadersEnd(const uint8_t* frame, size_t len, uint8_t* tcpFlags);

/// Complete a segmentation request's header for `frame`: with `hostEcn`, a CWR-marked TCP segment gets
/// VIRTIO_NET_HDR_GSO_ECN; with `guestHdrlen`, hdr_len becomes the exact header length. Plain packets untouched.
void prepareSegmentation(NetHdr& h, const uint8_t* frame, size_t len, bool hostEcn, bool guestHdrlen);

}  // namespace vsim::drv::net
