// Network, against QEMU's user-mode network (slirp: gateway 10.0.2.2, guest 10.0.2.15 by default): an ARP request
// for the gateway must be answered, and an ICMP echo with a 1400-byte payload must come back with the same payload.
// Also: link status, MAC_ADDR_SET (frames for the new address arrive), the receive-mode commands when negotiated.
// Settings: VSIM_NET_GATEWAY (default 10.0.2.2), VSIM_NET_ADDR (default 10.0.2.15).
#include <arpa/inet.h>

#include <cstring>

#include "vsim/drv/net_driver.h"
#include "workload.h"

namespace vsim::guest {

namespace {

using Frame = std::vector<uint8_t>;

uint32_t ipv4(const std::string& s) {
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1 ? a.s_addr : 0;  // network order
}

void put16(Frame& f, size_t at, uint16_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}
uint16_t get16(const Frame& f, size_t at) { return static_cast<uint16_t>((f[at] << 8) | f[at + 1]); }

uint16_t inetChecksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>((p[i] << 8) | p[i + 1]);
  if (n & 1) sum += static_cast<uint32_t>(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

Frame arpRequest(const drv::net::Mac& mac, uint32_t self, uint32_t target) {
  Frame f(42, 0);
  std::memset(f.data(), 0xff, 6);
  std::memcpy(f.data() + 6, mac.data(), 6);
  put16(f, 12, 0x0806);
  put16(f, 14, 1);       // Ethernet
  put16(f, 16, 0x0800);  // IPv4
  f[18] = 6;
  f[19] = 4;
  put16(f, 20, 1);  // request
  std::memcpy(f.data() + 22, mac.data(), 6);
  std::memcpy(f.data() + 28, &self, 4);
  std::memcpy(f.data() + 38, &target, 4);
  return f;
}

Frame icmpEcho(const drv::net::Mac& src, const drv::net::Mac& dst, uint32_t self, uint32_t target, size_t payload) {
  Frame f(14 + 20 + 8 + payload, 0);
  std::memcpy(f.data(), dst.data(), 6);
  std::memcpy(f.data() + 6, src.data(), 6);
  put16(f, 12, 0x0800);
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45;
  put16(f, 16, static_cast<uint16_t>(20 + 8 + payload));
  put16(f, 18, 0x5653);  // id
  ip[8] = 64;            // ttl
  ip[9] = 1;             // ICMP
  std::memcpy(ip + 12, &self, 4);
  std::memcpy(ip + 16, &target, 4);
  put16(f, 24, inetChecksum(ip, 20));
  uint8_t* icmp = ip + 20;
  icmp[0] = 8;           // echo request
  put16(f, 38, 0x7673);  // identifier
  put16(f, 40, 1);       // sequence
  for (size_t i = 0; i < payload; ++i) icmp[8 + i] = static_cast<uint8_t>(i * 31 + 7);
  put16(f, 36, inetChecksum(icmp, 8 + payload));
  return f;
}

/// Receive until pred accepts a frame or the time is up. Frames pred does not want are counted in *others.
template <class Pred>
bool receiveUntil(drv::NetDriver& nic, drv::Hal& hal, uint64_t timeoutNs, Frame* out, unsigned* others, Pred pred) {
  const uint64_t end = hal.nowNs() + timeoutNs;
  while (hal.nowNs() < end) {
    Frame f;
    if (!nic.receive(&f, nullptr, std::min<uint64_t>(end - hal.nowNs(), 100'000'000))) continue;
    if (pred(f)) {
      *out = std::move(f);
      return true;
    }
    ++*others;
  }
  return false;
}

}  // namespace

void netWorkload(WorkloadEnv& env, const drv::DiscoveredDevice& d, WorkloadRun& run) {
  auto nic = drv::NetDriver::open(env.hal, d, env.opts, drv::NetDriverOptions{}, env.sink);
  if (!nic) {
    run.check("open", false, "NetDriver::open returned nothing");
    return;
  }
  run.noteDevice(nic->device());
  run.check("open", nic->ok(), nic->device().failure());
  if (!nic->ok()) return;
  const drv::net::Mac mac = nic->mac();
  char macText[32];
  std::snprintf(macText, sizeof macText, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                mac[5]);
  run.fact("mac", macText);
  run.fact("mergeable", nic->mergeable() ? "yes" : "no");
  run.fact("rx_buffer_size", std::to_string(nic->rxBufferSize()));
  run.fact("queue_pairs", std::to_string(nic->queuePairs()));
  run.check("link_up", nic->linkUp());

  const uint32_t self = ipv4(envString("VSIM_NET_ADDR", "10.0.2.15"));
  const uint32_t gw = ipv4(envString("VSIM_NET_GATEWAY", "10.0.2.2"));
  unsigned others = 0;
  Frame reply;
  const bool sentArp = nic->send(arpRequest(mac, self, gw));
  const bool gotArp = sentArp && receiveUntil(*nic, env.hal, 3'000'000'000, &reply, &others, [&](const Frame& f) {
                        uint32_t sender = 0;
                        if (f.size() >= 42) std::memcpy(&sender, f.data() + 28, 4);
                        return f.size() >= 42 && get16(f, 12) == 0x0806 && get16(f, 20) == 2 && sender == gw &&
                               std::memcmp(f.data(), mac.data(), 6) == 0;
                      });
  run.check("arp_reply", gotArp,
            std::string(sentArp ? "sent" : "send failed") + ", reply " + (gotArp ? "" : "not ") + "seen, " +
                std::to_string(others) + " other frames");
  if (gotArp) {
    // many round trips: more frames than the rings hold, so both rings wrap and receive buffers are recycled
    const uint64_t rounds = envNumber("VSIM_NET_ROUNDS", 600);
    uint64_t answered = 0;
    for (uint64_t i = 0; i < rounds; ++i) {
      Frame r;
      unsigned ignored = 0;
      if (!nic->send(arpRequest(mac, self, gw))) break;
      if (receiveUntil(*nic, env.hal, 1'000'000'000, &r, &ignored,
                       [&](const Frame& f) { return f.size() >= 42 && get16(f, 12) == 0x0806 && get16(f, 20) == 2; }))
        ++answered;
    }
    run.check("arp_round_trips", answered == rounds,
              std::to_string(answered) + " of " + std::to_string(rounds) + " ARP requests answered");

    drv::net::Mac gwMac{};
    std::memcpy(gwMac.data(), reply.data() + 22, 6);
    const size_t payload = envNumber("VSIM_NET_PING_BYTES", 1400);
    const Frame echo = icmpEcho(mac, gwMac, self, gw, payload);
    const bool sentPing = nic->send(echo);
    others = 0;
    const bool gotPing = sentPing && receiveUntil(*nic, env.hal, 3'000'000'000, &reply, &others, [&](const Frame& f) {
                           return f.size() >= echo.size() && get16(f, 12) == 0x0800 && f[23] == 1 && f[34] == 0 &&
                                  std::memcmp(f.data() + 42, echo.data() + 42, payload) == 0;
                         });
    run.check("icmp_echo_reply", gotPing,
              std::string(sentPing ? "sent" : "send failed") + " " + std::to_string(echo.size()) + " bytes, reply " +
                  (gotPing ? "" : "not ") + "seen, " + std::to_string(others) + " other frames");
  }
  if (gotArp && nic->has(drv::net::f::kCtrlMacAddr)) {
    // MAC_ADDR_SET: the device must now deliver frames for the new address (its receive filter follows)
    const drv::net::Mac newMac{0x52, 0x54, 0x00, 0x76, 0x73, 0x6d};
    const drv::CtrlStatus st = nic->setMacAddress(newMac);
    unsigned ignored = 0;
    const bool sent = st == drv::CtrlStatus::Ok && nic->send(arpRequest(newMac, self, gw));
    const bool got = sent && receiveUntil(*nic, env.hal, 2'000'000'000, &reply, &ignored, [&](const Frame& f) {
                       return f.size() >= 42 && get16(f, 12) == 0x0806 && get16(f, 20) == 2 &&
                              std::memcmp(f.data(), newMac.data(), 6) == 0;
                     });
    run.check("ctrl_mac_addr_set", got,
              std::string("MAC_ADDR_SET ") + drv::ctrlStatusName(st) + ", ARP reply to the new " + "address " +
                  (got ? "seen" : "not seen"));
    nic->setMacAddress(mac);
  }
  if (nic->has(drv::net::f::kCtrlRx)) {
    const drv::CtrlStatus on = nic->setPromisc(true), off = nic->setPromisc(false);
    run.check("ctrl_rx_promisc", on == drv::CtrlStatus::Ok && off == drv::CtrlStatus::Ok,
              std::string(drv::ctrlStatusName(on)) + "/" + drv::ctrlStatusName(off));
  }
  const auto& st = nic->stats();
  run.fact("frames_sent", std::to_string(st.framesSent));
  run.fact("frames_received", std::to_string(st.framesReceived));
  run.fact("rx_dropped", std::to_string(st.rxDropped));
  nic->device().shutdown();
}

}  // namespace vsim::guest
