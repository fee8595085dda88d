// Frames, the host side of the network device and the NetDriver rig shared by the network suite files.
#include "net_support.h"

#include <algorithm>

#include "vsim/drv/discover.h"

namespace vsim::conformance::netsuite {

uint64_t bit(unsigned n) { return uint64_t{1} << n; }

// ---- frames ---------------------------------------------------------------------------------------------------

namespace {

constexpr size_t kIpAt = 14, kTcpAt = 14 + 20;
constexpr uint8_t kIpSrc[4] = {10, 0, 0, 1}, kIpDst[4] = {10, 0, 0, 2};

void put16(std::vector<uint8_t>& f, size_t at, uint16_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}
uint16_t get16(const std::vector<uint8_t>& f, size_t at) { return static_cast<uint16_t>(f[at] << 8 | f[at + 1]); }

/// Ones' complement sum of big-endian 16-bit words (an odd last byte is padded with zero), not folded.
uint32_t sum16(const uint8_t* p, size_t n, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t{p[i]} << 8 | p[i + 1];
  if (n & 1) sum += uint32_t{p[n - 1]} << 8;
  return sum;
}
uint16_t fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}
/// Sum of the TCP pseudo header (addresses, protocol, TCP length) of a tcpFrame().
uint32_t pseudoHeaderSum(const std::vector<uint8_t>& f) {
  const size_t tcpLen = f.size() - kTcpAt;
  uint32_t s = sum16(f.data() + kIpAt + 12, 8);  // source and destination addresses
  return s + 6 + static_cast<uint32_t>(tcpLen);
}
bool isTcpFrame(const std::vector<uint8_t>& f) {
  return f.size() >= kTcpAt + 20 && get16(f, 12) == 0x0800 && f[kIpAt] == 0x45 && f[kIpAt + 9] == 6;
}

}  // namespace

std::vector<uint8_t> etherFrame(const Mac& dst, const Mac& src, size_t payload, uint8_t seed) {
  std::vector<uint8_t> f(14 + payload);
  std::copy(dst.begin(), dst.end(), f.begin());
  std::copy(src.begin(), src.end(), f.begin() + 6);
  put16(f, 12, 0x88b5);
  for (size_t i = 0; i < payload; ++i) f[14 + i] = static_cast<uint8_t>(seed + 3 * i);
  return f;
}

std::vector<uint8_t> tcpFrame(const Mac& dst, const Mac& src, size_t payload, uint8_t seed, L4Csum csum,
                              uint16_t flow) {
  std::vector<uint8_t> f(kTcpAt + 20 + payload, 0);
  std::copy(dst.begin(), dst.end(), f.begin());
  std::copy(src.begin(), src.end(), f.begin() + 6);
  put16(f, 12, 0x0800);
  // IPv4 header: version 4, 5 words, total length, id, don't fragment, TTL 64, TCP
  f[kIpAt] = 0x45;
  put16(f, kIpAt + 2, static_cast<uint16_t>(20 + 20 + payload));
  put16(f, kIpAt + 4, seed);
  put16(f, kIpAt + 6, 0x4000);
  f[kIpAt + 8] = 64;
  f[kIpAt + 9] = 6;
  std::copy(kIpSrc, kIpSrc + 4, f.begin() + kIpAt + 12);
  std::copy(kIpDst, kIpDst + 4, f.begin() + kIpAt + 16);
  put16(f, kIpAt + 10, static_cast<uint16_t>(~fold(sum16(f.data() + kIpAt, 20))));
  // TCP header: ports, sequence number, 5 words, ACK + PSH, window
  put16(f, kTcpAt, static_cast<uint16_t>(40000 + flow));
  put16(f, kTcpAt + 2, 80);
  put16(f, kTcpAt + 4, static_cast<uint16_t>(seed * 977));
  f[kTcpAt + 12] = 0x50;
  f[kTcpAt + 13] = 0x18;
  put16(f, kTcpAt + 14, 0xffff);
  for (size_t i = 0; i < payload; ++i) f[kTcpAt + 20 + i] = static_cast<uint8_t>(seed + 7 * i);
  const uint16_t full = static_cast<uint16_t>(~fold(sum16(f.data() + kTcpAt, f.size() - kTcpAt, pseudoHeaderSum(f))));
  switch (csum) {
    case L4Csum::Full: put16(f, kTcpAt + 16, full); break;
    case L4Csum::Partial: put16(f, kTcpAt + 16, fold(pseudoHeaderSum(f))); break;
    case L4Csum::Bad: put16(f, kTcpAt + 16, static_cast<uint16_t>(full ^ 0x1234)); break;
  }
  return f;
}

bool ipv4HeaderChecksumOk(const std::vector<uint8_t>& f) {
  return isTcpFrame(f) && fold(sum16(f.data() + kIpAt, 20)) == 0xffff;
}

bool tcpChecksumOk(const std::vector<uint8_t>& f) {
  return isTcpFrame(f) && fold(sum16(f.data() + kTcpAt, f.size() - kTcpAt, pseudoHeaderSum(f))) == 0xffff;
}

bool tcpChecksumIsPseudoHeaderSum(const std::vector<uint8_t>& f) {
  return isTcpFrame(f) && get16(f, kTcpAt + 16) == fold(pseudoHeaderSum(f));
}

std::vector<uint8_t> completeChecksum(std::vector<uint8_t> f, uint16_t csumStart, uint16_t csumOffset) {
  const size_t at = size_t{csumStart} + csumOffset;
  if (csumStart >= f.size() || at + 2 > f.size()) return f;
  put16(f, at, static_cast<uint16_t>(~fold(sum16(f.data() + csumStart, f.size() - csumStart))));
  return f;
}

std::vector<uint8_t> vlanTagged(const std::vector<uint8_t>& f, uint16_t vid) {
  std::vector<uint8_t> t(f.size() + 4);
  std::copy(f.begin(), f.begin() + 12, t.begin());
  t[12] = 0x81;
  t[13] = 0x00;
  t[14] = static_cast<uint8_t>(vid >> 8 & 0x0f);
  t[15] = static_cast<uint8_t>(vid);
  std::copy(f.begin() + 12, f.end(), t.begin() + 16);
  return t;
}

drv::net::NetHdr toDriverHdr(const model::net::NetHdr& h) {
  return drv::net::NetHdr{h.flags,      h.gsoType,    h.hdrLen,        h.gsoSize,
                          h.csumStart,  h.csumOffset, h.numBuffers,    h.outerThOffset,
                          h.innerNhOffset};
}
model::net::NetHdr toModelHdr(const drv::net::NetHdr& h) {
  model::net::NetHdr m;
  m.flags = h.flags;
  m.gsoType = h.gsoType;
  m.hdrLen = h.hdrLen;
  m.gsoSize = h.gsoSize;
  m.csumStart = h.csumStart;
  m.csumOffset = h.csumOffset;
  m.numBuffers = h.numBuffers;
  m.outerThOffset = h.outerThOffset;
  m.innerNhOffset = h.innerNhOffset;
  return m;
}

// ---- the board and our driver -----------------------------------------------------------------------------------

model::NetDevice& hostNet(TestContext& ctx) { return dynamic_cast<model::NetDevice&>(ctx.board().logic(0)); }

void NetRig::drain() {
  while (net->receive(nullptr, nullptr, 0)) {
  }
  model::NetFrame sent;
  while (host.takeSent(&sent)) {
  }
}

bool NetRig::receive(std::vector<uint8_t>* frame, drv::net::NetHdr* hdr, uint16_t* pair) {
  return net->receive(frame, hdr, kWaitNs, pair);
}

bool NetRig::receivesNothing() {
  net->poll();
  return !net->receive(nullptr, nullptr, 1'000'000);
}

bool NetRig::takeSent(model::NetFrame* out) {
  for (int i = 0; i < 1000; ++i) {
    if (host.takeSent(out)) return true;
    net->poll();
    hal.waitForInterrupt(10'000);
  }
  return false;
}

std::vector<uint8_t> NetRig::headerBytes(const model::net::NetHdr& h) const {
  std::vector<uint8_t> b(net->hdrBytes());
  model::net::encodeHdr(h, b.data(), net->hdrBytes());
  return b;
}

bool NetRig::rawTransmit(const std::vector<uint8_t>& bytes, uint16_t pair) {
  static uint64_t nextCookie = uint64_t{1} << 40;  // far above the driver's own slot numbers
  const uint64_t at = hal.dmaAllocator().alloc(std::max<size_t>(bytes.size(), 1), 64);
  if (at == GuestAllocator::kFail || !hal.dmaMemory().write(at, bytes.data(), bytes.size())) return false;
  drv::Device& d = net->device();
  const uint16_t q = static_cast<uint16_t>(2 * pair + 1);
  drv::Buf b[2];
  size_t n = 1;
  const uint32_t h = net->hdrBytes();
  if (d.legacy() && bytes.size() > h) {
    // a legacy device without ANY_LAYOUT expects the header in its own descriptor
    b[0] = drv::Buf{at, h, false};
    b[1] = drv::Buf{at + h, static_cast<uint32_t>(bytes.size() - h), false};
    n = 2;
  } else {
    b[0] = drv::Buf{at, static_cast<uint32_t>(bytes.size()), false};
  }
  if (d.queue(q).add(b, n, nextCookie++) < 0) return false;
  d.kick(q);
  return true;
}

std::unique_ptr<drv::NetDriver> openNet(TestContext& ctx, drv::Hal& hal, ViolationSink& sink,
                                        const drv::NetDriverOptions& options, drv::DriverOptions driverOptions) {
  auto found = drv::discover(hal, sink);
  if (found.size() != 1) {
    ctx.harnessError("expected exactly one device, discovered " + std::to_string(found.size()));
    return nullptr;
  }
  auto net = drv::NetDriver::open(hal, found[0], std::move(driverOptions), options, sink);
  if (!net || !net->ok()) {
    ctx.harnessError("the network device did not come up");
    return nullptr;
  }
  return net;
}

TestInfo makeNetCase(NetCase c) {
  TestInfo t;
  t.id = c.id;
  t.target = c.target;
  t.clauses = c.clauses;
  t.kind = "positive";
  t.deviceTypes = {"net"};
  t.transports = c.transports;
  t.description = c.description;
  t.run = [c](TestContext& ctx) {
    for (const auto& [k, v] : c.deviceOptions) ctx.spec().options[k] = v;
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      drv::NetDriverOptions o;
      if (c.driverOptions) c.driverOptions(o);
      auto net = openNet(ctx, hal, sink, o);
      if (!net) return;
      NetRig rig{ctx, hal, sink, hostNet(ctx), std::move(net)};
      c.body(rig);
    });
    if (ctx.failed()) return;
    ctx.judgeClauses(c.judgedByDriver, ctx.driverSaw());
    for (const auto& v : ctx.driverSaw().all()) ctx.check(false, "driver saw: " + toString(v));
    if (!c.hostile)
      for (const auto& v : ctx.deviceSaw().all()) ctx.check(false, "device saw: " + toString(v));
  };
  return t;
}

TestInfo makeNetMutant(NetMutant m) {
  TestInfo t;
  t.id = m.id;
  t.target = Direction::Driver;
  t.kind = "negative";
  t.clauses = {m.clause};
  t.deviceTypes = {"net"};
  t.transports = m.transports;
  t.description = m.description;
  t.run = [m](TestContext& ctx) {
    for (const auto& [k, v] : m.deviceOptions) ctx.spec().options[k] = v;
    bool done = false;
    ctx.withDriver([&](drv::Hal& hal, ViolationSink& sink) {
      if (m.rawBody) {
        done = m.rawBody(ctx, hal, sink);
        return;
      }
      drv::NetDriverOptions o;
      if (m.driverOptions) m.driverOptions(o);
      auto net = openNet(ctx, hal, sink, o);
      if (!net) return;
      NetRig rig{ctx, hal, sink, hostNet(ctx), std::move(net)};
      done = m.body(rig);
    });
    if (done && !ctx.failed()) ctx.expectOnlyClause(m.clause);
  };
  return t;
}

}  // namespace vsim::conformance::netsuite
