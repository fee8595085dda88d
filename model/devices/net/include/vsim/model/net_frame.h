// NetFrame: one Ethernet frame as it travels between net devices, the switch and the host API, with the offload
// metadata its sender put in the virtio header (carried, not computed). Plus small frame helpers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "vsim/model/net_abi.h"

namespace vsim::model {

struct NetFrame {
  std::vector<uint8_t> data;  ///< the Ethernet frame, destination MAC first (no virtio header, no FCS)
  net::NetHdr hdr;            ///< offload fields as the sender claimed them (num_buffers is not carried)
};

namespace net {

/// Destination / source MAC of a frame of at least 14 bytes.
inline Mac dstMac(const std::vector<uint8_t>& f) { return macAt(f.data()); }
inline Mac srcMac(const std::vector<uint8_t>& f) { return macAt(f.data() + 6); }
/// True if the frame carries an 802.1Q tag; *vid is its VLAN id.
bool vlanTag(const std::vector<uint8_t>& f, uint16_t* vid);
/// Largest frame (no FCS) that an MTU allows: MTU + Ethernet header (+ a VLAN tag when the frame carries one).
uint32_t maxFrameFor(uint32_t mtu, const std::vector<uint8_t>& f);
/// Complete a partial checksum: ones' complement sum from csumStart to the end, stored at csumStart + csumOffset.
/// False (frame untouched) if the fields do not lie inside the frame.
bool completeChecksum(std::vector<uint8_t>& f, uint16_t csumStart, uint16_t csumOffset);
/// A hash of the frame's flow that is the same in both directions (IPv4/IPv6 addresses and TCP/UDP ports when
/// present, else the two MAC addresses): the key for automatic receive steering.
uint64_t symmetricFlowHash(const std::vector<uint8_t>& f);
/// "aa:bb:cc:dd:ee:ff" <-> Mac. parseMac is strict (six hex pairs, ':' or '-').
bool parseMac(const std::string& s, Mac* out);
std::string formatMac(const Mac& m);
/// The deterministic default address of a device instance: locally administered, unicast, from the name.
Mac defaultMacFor(const std::string& instanceName);

}  // namespace net
}  // namespace vsim::model
