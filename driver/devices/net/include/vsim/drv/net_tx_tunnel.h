// UDP tunnel segmentation requests (VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO / _CSUM, bits 67 / 68) as our driver sends
// them: VXLAN frames only; the driver fills the tunnel bit from the inner header, the two offsets, and the outer
// UDP checksum (the pseudo-header sum with UDP_TUNNEL_CSUM, else a zero one).
#pragma once
#include <cstdint>
#include <vector>

#include "vsim/drv/net_abi.h"

namespace vsim::drv::net {

/// Complete a tunnel request `h` (a tunnel bit asked for) for `frame` (edited in place: the outer checksum).
/// False when it cannot be sent: not negotiated, UDP_TUNNEL_CSUM without its feature, the deprecated GSO_UDP, or
/// a frame that is not VXLAN over IPv4 / IPv6 with an inner IPv4 / IPv6 header.
bool prepareTunnel(NetHdr& h, std::vector<uint8_t>& frame, bool hostTunnel, bool hostTunnelCsum);

}  // namespace vsim::drv::net
