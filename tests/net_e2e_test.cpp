// The network device end to end: our driver stack (discover, open, NetDriver) against NetDevice on every transport
// it has (PCI modern, legacy, transitional both ways, MMIO v2 and v1), on the functional board and on the SystemC
// platform in fast and timed mode; two devices on different transports exchanging frames through one L2 switch; a
// pcap file read back with tshark; the control queue; mergeable receive buffers. Every test ends with neither side
// having reported a violation. Each ctest runs one TEST in its own process (SystemC elaborates once per process).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "vsim/drv/discover.h"
#include "vsim/drv/net_driver.h"
#include "vsim/harness/cpu_hal.h"
#include "vsim/harness/platform_desc.h"
#include "vsim/model/board.h"
#include "vsim/model/net_device.h"
#include "vsim/model/net_frame.h"
#include "vsim/model/sc_simulation.h"

namespace vsim {
namespace {

using model::TransportKind;
using Mac = std::array<uint8_t, 6>;

enum class Mode { Functional, ScFast, ScTimed };
const char* const kModeNames[] = {"functional", "sc_fast", "sc_timed"};
void PrintTo(Mode m, std::ostream* os) { *os << kModeNames[static_cast<int>(m)]; }

struct Combo {
  TransportKind transport;
  bool forceLegacy;  ///< transitional device driven through its legacy interface
  drv::DiscoveredKind expectKind;
  const char* name;
};

const Combo kCombos[] = {
    {TransportKind::PciModern, false, drv::DiscoveredKind::PciModern, "pci_modern"},
    {TransportKind::PciLegacy, false, drv::DiscoveredKind::PciLegacy, "pci_legacy"},
    {TransportKind::PciTransitional, false, drv::DiscoveredKind::PciTransitional, "pci_transitional_as_modern"},
    {TransportKind::PciTransitional, true, drv::DiscoveredKind::PciTransitional, "pci_transitional_as_legacy"},
    {TransportKind::MmioV2, false, drv::DiscoveredKind::MmioV2, "mmio_v2"},
    {TransportKind::MmioV1, false, drv::DiscoveredKind::MmioV1, "mmio_v1"},
};

void runOn(model::Board& board, Mode mode, const std::function<void(model::CpuPort&)>& fn) {
  if (mode == Mode::Functional) {
    fn(board.functionalCpu());
    return;
  }
  model::ScSimulation sim(board, mode == Mode::ScFast ? model::SimMode::Fast : model::SimMode::Timed);
  sim.run(fn);
}

harness::CpuHal makeHal(model::Board& board, model::CpuPort& cpu) {
  return harness::CpuHal(cpu, harness::toPlatformDesc(board.map()), board.dmaBase() + (1 << 20), 48 << 20);
}

model::DeviceSpec netSpec(TransportKind t, model::DeviceOptions opts = {}) {
  model::DeviceSpec s;
  s.type = "net";
  s.transport = t;
  s.options = std::move(opts);
  return s;
}

model::NetDevice& netAt(model::Board& b, size_t i) { return dynamic_cast<model::NetDevice&>(b.logic(i)); }

/// An Ethernet frame dst, src, ethertype 0x88b5 (local experimental), then `payload` bytes from `seed`.
std::vector<uint8_t> frame(const Mac& dst, const Mac& src, size_t payload, uint8_t seed) {
  std::vector<uint8_t> f(14 + payload);
  std::copy(dst.begin(), dst.end(), f.begin());
  std::copy(src.begin(), src.end(), f.begin() + 6);
  f[12] = 0x88;
  f[13] = 0xb5;
  for (size_t i = 0; i < payload; ++i) f[14 + i] = static_cast<uint8_t>(seed + 3 * i);
  return f;
}

const Mac kHost{0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc};
const Mac kBcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr uint64_t kWaitNs = 100'000'000;

/// Let simulated time pass (timed mode: the device works in its own thread) until the device captured a frame the
/// guest sent.
bool waitSent(model::NetDevice& nd, drv::NetDriver& net, model::NetFrame* out) {
  for (int i = 0; i < 100000; ++i) {
    if (nd.takeSent(out)) return true;
    net.poll();
    net.device().hal().waitForInterrupt(1000);
  }
  return false;
}

void expectNoViolations(model::Board& board, const ViolationLog& driverSaw) {
  for (const auto& v : board.violations().all()) ADD_FAILURE() << "device saw: " << toString(v);
  for (const auto& v : driverSaw.all()) ADD_FAILURE() << "driver saw: " << toString(v);
}

// ---------------------------------------------------------------------------------------------------------------
// Every transport, every mode: bring-up, configuration, frames both ways between the host API and the driver.

struct Param {
  Combo combo;
  Mode mode;
};
void PrintTo(const Param& p, std::ostream* os) { *os << p.combo.name << "/" << kModeNames[static_cast<int>(p.mode)]; }

class NetEndToEnd : public ::testing::TestWithParam<Param> {};

TEST_P(NetEndToEnd, FramesBothWaysBetweenHostAndDriver) {
  const Param p = GetParam();
  model::BoardConfig cfg;
  cfg.devices.push_back(netSpec(p.combo.transport, {{"mac", "02:56:53:00:00:10"}}));
  if (const char* t = std::getenv("VSIM_TEST_TRACE")) cfg.tracePath = t;
  model::Board board(cfg);
  model::NetDevice& nd = netAt(board, 0);
  ViolationLog driverSaw;
  std::vector<std::vector<uint8_t>> toGuest, fromGuest, gotByGuest;
  runOn(board, p.mode, [&](model::CpuPort& cpu) {
    auto hal = makeHal(board, cpu);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].type, 1);
    EXPECT_EQ(found[0].kind, p.combo.expectKind) << drv::discoveredKindName(found[0].kind);
    drv::DriverOptions opts;
    opts.forceLegacy = p.combo.forceLegacy;
    auto net = drv::NetDriver::open(hal, found[0], opts, drv::NetDriverOptions{}, driverSaw);
    ASSERT_TRUE(net && net->ok());
    const bool legacy = p.combo.forceLegacy || p.combo.transport == TransportKind::PciLegacy ||
                        p.combo.transport == TransportKind::MmioV1;
    EXPECT_EQ(net->device().legacy(), legacy);
    EXPECT_EQ(net->hdrBytes(), 12u);  // VERSION_1, or MRG_RXBUF on a legacy interface
    EXPECT_EQ(model::net::formatMac(net->mac()), "02:56:53:00:00:10");
    EXPECT_TRUE(net->linkUp());
    EXPECT_EQ(net->config().mtu, 1500);
    EXPECT_EQ(net->config().speed, legacy ? drv::net::cfg::kSpeedUnknown : 10000u);  // SPEED_DUPLEX is bit 63
    // host -> guest
    for (uint8_t i = 0; i < 4; ++i) {
      toGuest.push_back(frame(i == 3 ? kBcast : net->mac(), kHost, 60 + 300 * i, i));
      ASSERT_TRUE(nd.inject(toGuest.back()));
    }
    for (size_t i = 0; i < toGuest.size(); ++i) {
      std::vector<uint8_t> f;
      ASSERT_TRUE(net->receive(&f, nullptr, kWaitNs)) << "frame " << i;
      gotByGuest.push_back(f);
    }
    // guest -> host
    for (uint8_t i = 0; i < 5; ++i) {
      fromGuest.push_back(frame(kHost, net->mac(), 46 + 290 * i, static_cast<uint8_t>(100 + i)));
      ASSERT_TRUE(net->send(fromGuest.back()));
    }
    for (const auto& f : fromGuest) {
      model::NetFrame got;
      ASSERT_TRUE(waitSent(nd, *net, &got));
      EXPECT_EQ(got.data, f);
    }
  });
  EXPECT_EQ(gotByGuest, toGuest);
  EXPECT_EQ(nd.stats().rxFrames, 4u);
  EXPECT_EQ(nd.stats().txFrames, 5u);
  expectNoViolations(board, driverSaw);
}

std::vector<Param> allParams() {
  std::vector<Param> v;
  for (Mode m : {Mode::Functional, Mode::ScFast, Mode::ScTimed})
    for (const auto& c : kCombos) v.push_back(Param{c, m});
  return v;
}

INSTANTIATE_TEST_SUITE_P(Transports, NetEndToEnd, ::testing::ValuesIn(allParams()),
                         [](const ::testing::TestParamInfo<Param>& i) {
                           return std::string(i.param.combo.name) + "_" + kModeNames[static_cast<int>(i.param.mode)];
                         });

// ---------------------------------------------------------------------------------------------------------------
// Two devices, two transports, one switch.

class NetSwitchEndToEnd : public ::testing::TestWithParam<Mode> {};

TEST_P(NetSwitchEndToEnd, PciModernAndMmioV2ExchangeFramesBothWays) {
  model::BoardConfig cfg;
  cfg.devices.push_back(netSpec(TransportKind::PciModern, {{"switch", "lan"}}));
  cfg.devices.push_back(netSpec(TransportKind::MmioV2, {{"switch", "lan"}}));
  model::Board board(cfg);
  ViolationLog driverSaw;
  runOn(board, GetParam(), [&](model::CpuPort& cpu) {
    auto hal = makeHal(board, cpu);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 2u);
    std::unique_ptr<drv::NetDriver> pci, mmio;
    for (const auto& d : found) {
      auto n = drv::NetDriver::open(hal, d, drv::DriverOptions{}, drv::NetDriverOptions{}, driverSaw);
      ASSERT_TRUE(n && n->ok());
      (d.kind == drv::DiscoveredKind::PciModern ? pci : mmio) = std::move(n);
    }
    ASSERT_TRUE(pci && mmio);
    EXPECT_NE(pci->mac(), mmio->mac());
    std::vector<uint8_t> got;
    // a broadcast first (the switch learns the sender), then unicast both ways, several rounds
    const auto hello = frame(kBcast, pci->mac(), 50, 1);
    ASSERT_TRUE(pci->send(hello));
    ASSERT_TRUE(mmio->receive(&got, nullptr, kWaitNs));
    EXPECT_EQ(got, hello);
    for (uint8_t round = 0; round < 6; ++round) {
      const auto a2b = frame(mmio->mac(), pci->mac(), 100 + 200 * round, round);
      ASSERT_TRUE(pci->send(a2b));
      ASSERT_TRUE(mmio->receive(&got, nullptr, kWaitNs)) << "round " << int(round);
      EXPECT_EQ(got, a2b);
      const auto b2a = frame(pci->mac(), mmio->mac(), 1400 - 150 * round, static_cast<uint8_t>(round + 50));
      ASSERT_TRUE(mmio->send(b2a));
      ASSERT_TRUE(pci->receive(&got, nullptr, kWaitNs)) << "round " << int(round);
      EXPECT_EQ(got, b2a);
    }
    EXPECT_FALSE(pci->receive(&got, nullptr, 0));  // nothing else arrived
    EXPECT_FALSE(mmio->receive(&got, nullptr, 0));
    EXPECT_EQ(pci->stats().framesReceived, 6u);
    EXPECT_EQ(mmio->stats().framesReceived, 7u);
  });
  model::L2Switch* sw = netAt(board, 0).attachedSwitch();
  ASSERT_NE(sw, nullptr);
  EXPECT_EQ(sw, netAt(board, 1).attachedSwitch());
  EXPECT_EQ(sw->lookup(netAt(board, 0).mac()), 0);
  EXPECT_EQ(sw->lookup(netAt(board, 1).mac()), 1);
  EXPECT_EQ(sw->stats().flooded, 2u);  // the broadcast, and the first frame to the MMIO device (not learned yet)
  EXPECT_EQ(sw->stats().unicast, 11u);
  expectNoViolations(board, driverSaw);
}

INSTANTIATE_TEST_SUITE_P(Modes, NetSwitchEndToEnd, ::testing::Values(Mode::Functional, Mode::ScFast, Mode::ScTimed),
                         [](const ::testing::TestParamInfo<Mode>& i) { return kModeNames[static_cast<int>(i.param)]; });

// ---------------------------------------------------------------------------------------------------------------
// pcap, read back with tshark.

std::string which(const char* prog) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"}) {
    const std::string p = std::string(dir) + prog;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return {};
}

TEST(NetPcap, TsharkSeesEveryFrameSentAndReceived) {
  const std::string tshark = which("tshark");
  if (tshark.empty()) GTEST_SKIP() << "tshark is not installed";
  const std::string path = ::testing::TempDir() + "vsim_net_e2e_" + std::to_string(::getpid()) + ".pcap";
  model::BoardConfig cfg;
  cfg.devices.push_back(netSpec(TransportKind::PciModern, {{"pcap", path}, {"mac", "02:56:53:00:00:20"}}));
  model::Board board(cfg);
  model::NetDevice& nd = netAt(board, 0);
  ViolationLog driverSaw;
  std::vector<std::vector<uint8_t>> expect;
  runOn(board, Mode::Functional, [&](model::CpuPort& cpu) {
    auto hal = makeHal(board, cpu);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 1u);
    auto net = drv::NetDriver::open(hal, found[0], drv::DriverOptions{}, drv::NetDriverOptions{}, driverSaw);
    ASSERT_TRUE(net && net->ok());
    std::vector<uint8_t> got;
    for (uint8_t i = 0; i < 3; ++i) {
      expect.push_back(frame(kHost, net->mac(), 46 + 500 * i, i));  // sent by the guest
      ASSERT_TRUE(net->send(expect.back()));
      expect.push_back(frame(net->mac(), kHost, 100 + 7 * i, i));  // received by the guest
      ASSERT_TRUE(nd.inject(expect.back()));
      ASSERT_TRUE(net->receive(&got, nullptr, kWaitNs));
    }
  });
  board.finish();
  FILE* pipe = ::popen((tshark + " -r " + path + " -T fields -e eth.src -e eth.dst -e frame.len 2>/dev/null").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  EXPECT_EQ(::pclose(pipe), 0) << out;
  std::istringstream lines(out);
  std::string line;
  size_t i = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ASSERT_LT(i, expect.size()) << "extra frame: " << line;
    const auto& f = expect[i];
    const std::string want = model::net::formatMac(model::net::srcMac(f)) + "\t" +
                             model::net::formatMac(model::net::dstMac(f)) + "\t" + std::to_string(f.size());
    EXPECT_EQ(line, want) << "frame " << i;
    ++i;
  }
  EXPECT_EQ(i, expect.size()) << out;
  expectNoViolations(board, driverSaw);
  std::remove(path.c_str());
}

// ---------------------------------------------------------------------------------------------------------------
// The control queue, round trip: each command's effect seen on the device and in the traffic.

class NetCtrlEndToEnd : public ::testing::TestWithParam<Mode> {};

TEST_P(NetCtrlEndToEnd, CommandsTakeEffect) {
  model::BoardConfig cfg;
  cfg.devices.push_back(netSpec(TransportKind::PciModern, {{"mq_pairs", "4"}}));
  model::Board board(cfg);
  model::NetDevice& nd = netAt(board, 0);
  ViolationLog driverSaw;
  runOn(board, GetParam(), [&](model::CpuPort& cpu) {
    auto hal = makeHal(board, cpu);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 1u);
    auto net = drv::NetDriver::open(hal, found[0], drv::DriverOptions{}, drv::NetDriverOptions{}, driverSaw);
    ASSERT_TRUE(net && net->ok());
    ASSERT_EQ(net->queuePairs(), 4);
    std::vector<uint8_t> got;
    const Mac other{0x02, 0x77, 0, 0, 0, 1};
    // promiscuous mode
    EXPECT_TRUE(nd.inject(frame(net->mac(), kHost, 64, 1)));
    EXPECT_FALSE(nd.inject(frame(other, kHost, 64, 2)));  // filtered
    EXPECT_EQ(net->setPromisc(true), drv::CtrlStatus::Ok);
    EXPECT_TRUE(nd.rxFilter().promisc);
    EXPECT_TRUE(nd.inject(frame(other, kHost, 64, 3)));
    EXPECT_EQ(net->setPromisc(false), drv::CtrlStatus::Ok);
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(net->receive(&got, nullptr, kWaitNs));
    // receive modes, MAC table, MAC address
    EXPECT_EQ(net->setAllMulti(false), drv::CtrlStatus::Ok);
    EXPECT_EQ(net->setRxMode(drv::net::ctrl::kRxNoBcast, true), drv::CtrlStatus::Ok);
    EXPECT_TRUE(nd.rxFilter().noBcast);
    EXPECT_FALSE(nd.inject(frame(kBcast, kHost, 64, 4)));
    const Mac mc{0x01, 0x00, 0x5e, 0, 0, 7};
    EXPECT_EQ(net->setMacTable({other}, {mc}), drv::CtrlStatus::Ok);
    EXPECT_EQ(nd.rxFilter().unicastTable().size(), 1u);
    EXPECT_TRUE(nd.inject(frame(other, kHost, 64, 5)));
    EXPECT_TRUE(nd.inject(frame(mc, kHost, 64, 6)));
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(net->receive(&got, nullptr, kWaitNs));
    const Mac fresh{0x02, 0x56, 0x53, 0x12, 0x34, 0x56};
    EXPECT_EQ(net->setMacAddress(fresh), drv::CtrlStatus::Ok);
    EXPECT_EQ(nd.mac(), fresh);
    EXPECT_EQ(net->mac(), fresh);
    // VLAN filter
    auto tagged = frame(fresh, kHost, 64, 8);
    tagged[12] = 0x81;
    tagged[13] = 0x00;
    tagged[14] = 0x00;  // TCI: priority 0, VLAN 5
    tagged[15] = 5;
    EXPECT_FALSE(nd.inject(tagged));
    EXPECT_EQ(net->vlanAdd(5), drv::CtrlStatus::Ok);
    EXPECT_TRUE(nd.inject(tagged));
    ASSERT_TRUE(net->receive(&got, nullptr, kWaitNs));
    EXPECT_EQ(got, tagged);
    EXPECT_EQ(net->vlanDel(5), drv::CtrlStatus::Ok);
    // receive offloads
    EXPECT_EQ(net->setGuestOffloads(0), drv::CtrlStatus::Ok);
    EXPECT_EQ(nd.guestOffloads(), 0u);
    // announce: config change -> gratuitous frame + ANNOUNCE_ACK
    ASSERT_TRUE(nd.announce());
    EXPECT_TRUE(nd.announcePending());
    net->poll();
    EXPECT_FALSE(nd.announcePending());
    EXPECT_EQ(net->stats().announcesAnswered, 1u);
    model::NetFrame rarp;
    ASSERT_TRUE(waitSent(nd, *net, &rarp));
    EXPECT_EQ(rarp.data[12], 0x80);
    EXPECT_EQ(rarp.data[13], 0x35);
    // queue pairs
    EXPECT_EQ(net->setQueuePairs(4), drv::CtrlStatus::Ok);
    EXPECT_EQ(nd.activePairs(), 4);
    for (uint16_t pair = 0; pair < 4; ++pair)
      ASSERT_TRUE(net->send(frame(kHost, fresh, 80, static_cast<uint8_t>(pair)), pair)) << pair;
    for (uint16_t pair = 0; pair < 4; ++pair) {
      model::NetFrame s;
      ASSERT_TRUE(waitSent(nd, *net, &s));
      EXPECT_EQ(s.data[14], pair);
    }
    uint16_t seenPair = 99;
    EXPECT_TRUE(nd.inject(frame(fresh, kHost, 80, 0)));  // the answer to pair 0's flow
    ASSERT_TRUE(net->receive(&got, nullptr, kWaitNs, &seenPair));
    EXPECT_LT(seenPair, 4);
    EXPECT_EQ(net->setQueuePairs(1), drv::CtrlStatus::Ok);
    EXPECT_EQ(nd.activePairs(), 1);
    // link status
    nd.setLinkUp(false);
    net->poll();
    EXPECT_FALSE(net->linkUp());
    nd.setLinkUp(true);
    EXPECT_TRUE(net->linkUp());
    EXPECT_GE(net->stats().configChanges, 2u);
  });
  expectNoViolations(board, driverSaw);
}

INSTANTIATE_TEST_SUITE_P(Modes, NetCtrlEndToEnd, ::testing::Values(Mode::Functional, Mode::ScTimed),
                         [](const ::testing::TestParamInfo<Mode>& i) { return kModeNames[static_cast<int>(i.param)]; });

// ---------------------------------------------------------------------------------------------------------------
// Receive buffers: mergeable (a frame larger than one buffer) and not (legacy header + data descriptors).

TEST(NetBuffers, MergeableFrameLargerThanOneBuffer) {
  model::BoardConfig cfg;
  cfg.devices.push_back(netSpec(TransportKind::PciModern, {{"mtu", "9000"}}));
  model::Board board(cfg);
  model::NetDevice& nd = netAt(board, 0);
  ViolationLog driverSaw;
  runOn(board, Mode::Functional, [&](model::CpuPort& cpu) {
    auto hal = makeHal(board, cpu);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 1u);
    drv::NetDriverOptions no;
    no.rxBufferSize = 256;
    auto net = drv::NetDriver::open(hal, found[0], drv::DriverOptions{}, no, driverSaw);
    ASSERT_TRUE(net && net->ok());
    ASSERT_TRUE(net->mergeable());
    for (size_t size : {60u, 244u, 245u, 1400u, 9014u}) {
      const auto f = frame(net->mac(), kHost, size - 14, static_cast<uint8_t>(size));
      ASSERT_TRUE(nd.inject(f)) << size;
      std::vector<uint8_t> got;
      ASSERT_TRUE(net->receive(&got, nullptr, kWaitNs)) << size;
      EXPECT_EQ(got, f) << size;
    }
    EXPECT_EQ(net->stats().mergedFrames, 3u);  // 245 + 12 > 256, 1400, 9014
  });
  EXPECT_EQ(nd.stats().rxMerged, 3u);
  EXPECT_EQ(nd.stats().rxBuffersUsed, 1u + 1 + 2 + 6 + 36);
  expectNoViolations(board, driverSaw);
}

TEST(NetBuffers, NonMergeableOnLegacyMmio) {
  model::BoardConfig cfg;
  cfg.devices.push_back(netSpec(TransportKind::MmioV1, {{"mrg_rxbuf", "off"}}));
  model::Board board(cfg);
  model::NetDevice& nd = netAt(board, 0);
  ViolationLog driverSaw;
  runOn(board, Mode::Functional, [&](model::CpuPort& cpu) {
    auto hal = makeHal(board, cpu);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 1u);
    auto net = drv::NetDriver::open(hal, found[0], drv::DriverOptions{}, drv::NetDriverOptions{}, driverSaw);
    ASSERT_TRUE(net && net->ok());
    EXPECT_FALSE(net->mergeable());
    EXPECT_EQ(net->hdrBytes(), 10u);  // legacy header without num_buffers
    for (size_t size : {60u, 1514u}) {
      const auto f = frame(net->mac(), kHost, size - 14, 9);
      ASSERT_TRUE(nd.inject(f));
      std::vector<uint8_t> got;
      ASSERT_TRUE(net->receive(&got, nullptr, kWaitNs));
      EXPECT_EQ(got, f);
      ASSERT_TRUE(net->send(f));
      model::NetFrame s;
      ASSERT_TRUE(waitSent(nd, *net, &s));
      EXPECT_EQ(s.data, f);
    }
  });
  expectNoViolations(board, driverSaw);
}

// Ring variants: split and packed, with VIRTIO_F_IN_ORDER (the device holds receive buffers and must still use
// them in order) and without EVENT_IDX; merged packets over small buffers both ways through a switch.
class NetRingsEndToEnd : public ::testing::TestWithParam<int> {};

TEST_P(NetRingsEndToEnd, InOrderMergedTraffic) {
  const bool packed = GetParam() & 1, eventIdx = GetParam() & 2;
  model::BoardConfig cfg;
  cfg.devices.push_back(netSpec(TransportKind::PciModern, {{"switch", "lan"}}));
  cfg.devices.push_back(netSpec(TransportKind::MmioV2, {{"switch", "lan"}}));
  model::Board board(cfg);
  ViolationLog driverSaw;
  runOn(board, Mode::Functional, [&](model::CpuPort& cpu) {
    auto hal = makeHal(board, cpu);
    auto found = drv::discover(hal, driverSaw);
    ASSERT_EQ(found.size(), 2u);
    drv::DriverOptions o;
    o.ringPacked = packed;
    o.eventIdx = eventIdx;
    o.inOrder = true;
    o.maxQueueSize = 64;
    drv::NetDriverOptions no;
    no.rxBufferSize = 128;
    auto a = drv::NetDriver::open(hal, found[0], o, no, driverSaw);
    auto b = drv::NetDriver::open(hal, found[1], o, no, driverSaw);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->device().queue(0).isPacked(), packed);
    std::vector<uint8_t> got;
    for (int i = 0; i < 120; ++i) {  // wraps every ring several times
      const auto f = frame(i % 5 ? b->mac() : kBcast, a->mac(), 46 + (i * 37) % 1400, static_cast<uint8_t>(i));
      ASSERT_TRUE(a->send(f));
      ASSERT_TRUE(b->receive(&got, nullptr, kWaitNs)) << i;
      ASSERT_EQ(got, f) << i;
      const auto r = frame(a->mac(), b->mac(), 1400 - (i * 53) % 1300, static_cast<uint8_t>(i + 1));
      ASSERT_TRUE(b->send(r));
      ASSERT_TRUE(a->receive(&got, nullptr, kWaitNs)) << i;
      ASSERT_EQ(got, r) << i;
    }
    EXPECT_GT(a->stats().mergedFrames, 50u);
  });
  expectNoViolations(board, driverSaw);
}

INSTANTIATE_TEST_SUITE_P(Rings, NetRingsEndToEnd, ::testing::Values(0, 1, 2, 3),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return std::string(i.param & 1 ? "packed" : "split") + (i.param & 2 ? "_event_idx" : "");
                         });

// Same options, same traffic: the same capture, byte for byte (time stamps included).
TEST(NetDeterminism, TwoRunsWriteTheSameCapture) {
  std::vector<uint8_t> files[2];
  for (int run = 0; run < 2; ++run) {
    const std::string path =
        ::testing::TempDir() + "vsim_net_det_" + std::to_string(::getpid()) + "_" + std::to_string(run) + ".pcap";
    {
      model::BoardConfig cfg;
      cfg.devices.push_back(netSpec(TransportKind::PciModern, {{"switch", "lan"}, {"pcap", path}}));
      cfg.devices.push_back(netSpec(TransportKind::MmioV1, {{"switch", "lan"}, {"pcap", path}}));
      model::Board board(cfg);
      ViolationLog driverSaw;
      runOn(board, Mode::Functional, [&](model::CpuPort& cpu) {
        auto hal = makeHal(board, cpu);
        auto found = drv::discover(hal, driverSaw);
        ASSERT_EQ(found.size(), 2u);
        auto a = drv::NetDriver::open(hal, found[0], drv::DriverOptions{}, drv::NetDriverOptions{}, driverSaw);
        auto b = drv::NetDriver::open(hal, found[1], drv::DriverOptions{}, drv::NetDriverOptions{}, driverSaw);
        ASSERT_TRUE(a && b);
        std::vector<uint8_t> got;
        for (uint8_t i = 0; i < 10; ++i) {
          ASSERT_TRUE(a->send(frame(i % 3 ? b->mac() : kBcast, a->mac(), 60 + 97 * i, i)));
          ASSERT_TRUE(b->receive(&got, nullptr, kWaitNs));
          ASSERT_TRUE(b->send(frame(a->mac(), b->mac(), 1000 - 61 * i, i)));
          ASSERT_TRUE(a->receive(&got, nullptr, kWaitNs));
        }
      });
      expectNoViolations(board, driverSaw);
    }
    std::ifstream in(path, std::ios::binary);
    files[run].assign(std::istreambuf_iterator<char>(in), {});
    std::remove(path.c_str());
  }
  EXPECT_GT(files[0].size(), 24u + 40 * 16);  // 40 records: each frame sent by one device, received by the other
  EXPECT_EQ(files[0], files[1]);
}

}  // namespace
}  // namespace vsim
