// What the network device's suite files share: test frames (Ethernet, TCP/IPv4 with checksums), the model's host
// side, and a rig that opens our NetDriver on the configuration's board.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "test_helpers.h"
#include "vsim/drv/net_driver.h"
#include "vsim/model/net_device.h"

namespace vsim::conformance::netsuite {

using Mac = drv::net::Mac;
inline constexpr Mac kHostMac{0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc};   ///< the peer on the link
inline constexpr Mac kOtherMac{0x02, 0x77, 0x00, 0x00, 0x00, 0x01};  ///< an address nobody on the guest uses
inline constexpr Mac kBroadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
inline constexpr Mac kMulticast{0x01, 0x00, 0x5e, 0x00, 0x00, 0x07};
inline constexpr uint64_t kWaitNs = 50'000'000;  ///< simulated time a frame may take to arrive

// ---- frames ---------------------------------------------------------------------------------------------------

/// dst, src, ethertype 0x88b5 (local experimental), then `payload` bytes counting up from `seed`.
std::vector<uint8_t> etherFrame(const Mac& dst, const Mac& src, size_t payload, uint8_t seed);

/// What the TCP checksum field of tcpFrame() holds.
enum class L4Csum : uint8_t {
  Full,     ///< the complete, valid checksum
  Partial,  ///< the pseudo-header sum, as a sender asking for checksum offload (NEEDS_CSUM) leaves it
  Bad,      ///< a wrong value
};
/// TCP over IPv4 (20-byte headers, IPv4 header checksum valid), `payload` bytes from `seed`; `flow` varies the
/// ports (a different flow for steering). Checksum offload positions: kTcpCsumStart / kTcpCsumOffset.
std::vector<uint8_t> tcpFrame(const Mac& dst, const Mac& src, size_t payload, uint8_t seed, L4Csum csum,
                              uint16_t flow = 0);
inline constexpr uint16_t kTcpCsumStart = 14 + 20;  ///< where the TCP header starts
inline constexpr uint16_t kTcpCsumOffset = 16;      ///< checksum field inside the TCP header
bool ipv4HeaderChecksumOk(const std::vector<uint8_t>& f);
bool tcpChecksumOk(const std::vector<uint8_t>& f);
/// The TCP checksum field holds the pseudo-header sum (what a partially checksummed packet carries).
bool tcpChecksumIsPseudoHeaderSum(const std::vector<uint8_t>& f);
/// What a receiver of a partially checksummed frame does: the ones' complement sum from csumStart to the end,
/// complemented, stored at csumStart + csumOffset.
std::vector<uint8_t> completeChecksum(std::vector<uint8_t> f, uint16_t csumStart, uint16_t csumOffset);
/// The frame with an 802.1Q tag (VLAN `vid`) after the source address.
std::vector<uint8_t> vlanTagged(const std::vector<uint8_t>& f, uint16_t vid);

drv::net::NetHdr toDriverHdr(const model::net::NetHdr& h);
model::net::NetHdr toModelHdr(const drv::net::NetHdr& h);

// ---- the board and our driver -----------------------------------------------------------------------------------

/// The configuration's network device, host side (inject frames, take what the guest sent, link, announce).
model::NetDevice& hostNet(TestContext& ctx);

/// Everything a network test body works with.
struct NetRig {
  TestContext& ctx;
  drv::Hal& hal;
  ViolationSink& sink;
  model::NetDevice& host;
  std::unique_ptr<drv::NetDriver> net;

  /// Drop what the driver already received and what the host has not taken yet.
  void drain();
  /// Receive one frame (and its header) within kWaitNs.
  bool receive(std::vector<uint8_t>* frame, drv::net::NetHdr* hdr = nullptr, uint16_t* pair = nullptr);
  /// Nothing more arrives at the driver (it looks once, after the device had its chance).
  bool receivesNothing();
  /// The next frame the guest sent, as the host sees it.
  bool takeSent(model::NetFrame* out);
  /// Make one transmit buffer available on transmitq(pair) made of `bytes` (header + frame) as the caller built
  /// them, outside the driver's own slots, and notify: what a driver that builds its own headers does.
  bool rawTransmit(const std::vector<uint8_t>& bytes, uint16_t pair = 0);
  /// Header bytes as the negotiated header size lays them out.
  std::vector<uint8_t> headerBytes(const model::net::NetHdr& h) const;
};

/// Discover the configuration's device and open NetDriver on it; nullptr (harness error recorded) when it does not
/// come up.
std::unique_ptr<drv::NetDriver> openNet(TestContext& ctx, drv::Hal& hal, ViolationSink& sink,
                                        const drv::NetDriverOptions& options, drv::DriverOptions driverOptions = {});

/// One network test: device options, our driver's options, the body, and which of its clauses the driver's own
/// checks judge.
struct NetCase {
  std::string id{};
  Direction target = Direction::Device;
  std::vector<std::string> clauses{};         ///< first = primary
  std::vector<std::string> judgedByDriver{};  ///< of those, the ones NetDriver checks (verdict from its reports)
  std::string description{};
  std::vector<model::TransportKind> transports{};  ///< empty = every configuration
  model::DeviceOptions deviceOptions{};            ///< net options for the board (mq_pairs, gso, ...)
  std::function<void(drv::NetDriverOptions&)> driverOptions{};
  bool hostile = false;  ///< the body breaks a driver rule on purpose: what the device reports is not judged
  std::function<void(NetRig&)> body{};
};
TestInfo makeNetCase(NetCase c);

/// A faulty network driver (driver direction, negative): the board gets `deviceOptions`, our NetDriver brings the
/// device up with `driverOptions`, then `body` breaks one statement on the live device (false: not done, the body
/// recorded not-supported or a harness error); or `rawBody` breaks it during initialisation, on a device nobody
/// initialised yet. The strict device must report `clause` and nothing else.
struct NetMutant {
  std::string id{}, clause{}, description{};
  std::vector<TK> transports{};  ///< empty = every configuration
  model::DeviceOptions deviceOptions{};
  std::function<void(drv::NetDriverOptions&)> driverOptions{};
  std::function<bool(NetRig&)> body{};
  std::function<bool(TestContext&, drv::Hal&, ViolationSink&)> rawBody{};
};
TestInfo makeNetMutant(NetMutant m);

uint64_t bit(unsigned n);

}  // namespace vsim::conformance::netsuite
