// IPsec SA objects (VIRTIO_NET_F_IPSEC, device option ipsec), device direction: capability list / get, the four
// object commands for outbound and inbound SAs, Q_INVALID_OPCODE without the feature, EEXIST, the SA limits and
// supported algorithms, re-creation after destroy, and reset destroying every SA. Driver direction: our
// IpsecClient discovers and sets both capabilities and creates both SA kinds; the strict device reports nothing.
#include "net_ipsec.h"

namespace vsim::conformance {

using namespace netsuite;

namespace {

void add(std::vector<TestInfo>& out, NetCase c) {
  if (c.deviceOptions.empty()) c.deviceOptions = kIpsecOptions;
  if (!c.driverOptions) c.driverOptions = withIpsec;
  out.push_back(makeNetCase(std::move(c)));
}

/// Our client with both capabilities set; nullptr when not negotiated / refused.
std::unique_ptr<sa::IpsecClient> client(NetRig& r) {
  if (!ipsecNegotiated(r.ctx, *r.net)) return nullptr;
  auto c = std::make_unique<sa::IpsecClient>(adminChannel(r.host));
  if (!c->enable()) {
    r.ctx.harnessError("IPsec capabilities could not be set (status " + std::to_string(c->lastStatus()) + ")");
    return nullptr;
  }
  return c;
}

uint32_t spiOf(const std::vector<uint8_t>& d) {
  return d.size() < 12 ? 0 : uint32_t{d[8]} | uint32_t{d[9]} << 8 | uint32_t{d[10]} << 16 | uint32_t{d[11]} << 24;
}

void deviceTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.device.core.net.ipsec.capabilities",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#1"},
               .description = "CAP_ID_LIST_QUERY lists IPSEC_RESOURCE_CAP and IPSEC_SA_CAP; DEVICE_CAP_GET answers both "
                              "(8-byte limits, at least one mode)",
               .body =
                   [](NetRig& r) {
                     if (!ipsecNegotiated(r.ctx, *r.net)) return;
                     auto ch = adminChannel(r.host);
                     auto list = ch(ff::kCmdCapIdListQuery, {});
                     r.ctx.check(list.status == ff::kStatusOk, "CAP_ID_LIST_QUERY failed");
                     for (uint16_t id : {sa::kResourceCap, sa::kSaCap})
                       r.ctx.check(list.result.size() > id / 8u && (list.result[id / 8] >> (id % 8) & 1),
                                   "capability " + std::to_string(id) + " not in supported_caps");
                     auto res = ch(ff::kCmdDeviceCapGet, capCommand(sa::kResourceCap));
                     r.ctx.check(res.status == ff::kStatusOk && res.result.size() >= 8, "resource capability not readable");
                     auto modes = ch(ff::kCmdDeviceCapGet, capCommand(sa::kSaCap));
                     r.ctx.check(modes.status == ff::kStatusOk && modes.result.size() >= 8 + 44 && modes.result[0] >= 1,
                                 "SA capability lists no mode");
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ipsec.object_commands",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#2", "devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#8"},
               .description = "for an outbound and an inbound SA: CREATE, QUERY, MODIFY (new spi), QUERY, DESTROY, "
                              "QUERY fails, CREATE of the same id succeeds again",
               .body =
                   [](NetRig& r) {
                     auto c = client(r);
                     if (!c) return;
                     for (bool in : {false, true}) {
                       const std::string k = in ? "inbound " : "outbound ";
                       r.ctx.check(c->create(1, goodSa(*c, 0x100), in) == ff::kStatusOk, k + "CREATE refused");
                       r.ctx.check(spiOf(c->query(1, in)) == 0x100, k + "QUERY does not return the spi set");
                       r.ctx.check(c->modify(1, goodSa(*c, 0x200), in) == ff::kStatusOk, k + "MODIFY refused");
                       r.ctx.check(spiOf(c->query(1, in)) == 0x200, k + "QUERY does not see the MODIFY");
                       r.ctx.check(c->destroy(1, in) == ff::kStatusOk, k + "DESTROY refused");
                       c->query(1, in);
                       r.ctx.check(c->lastStatus() != ff::kStatusOk, k + "QUERY after DESTROY succeeded");
                       r.ctx.check(c->create(1, goodSa(*c, 0x300), in) == ff::kStatusOk,
                                   k + "CREATE of a destroyed id refused");
                     }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ipsec.not_negotiated",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#3"},
               .description = "VIRTIO_NET_F_IPSEC not negotiated: CREATE / MODIFY / QUERY / DESTROY of both SA types "
                              "answer Q_INVALID_OPCODE",
               .driverOptions = [](drv::NetDriverOptions&) {},
               .body =
                   [](NetRig& r) {
                     auto ch = adminChannel(r.host);
                     for (uint16_t t : {sa::kObjOutbSa, sa::kObjInbSa})
                       for (uint16_t op : {ff::kCmdObjCreate, ff::kCmdObjModify, ff::kCmdObjQuery, ff::kCmdObjDestroy}) {
                         auto d = objCommand(t, 0);
                         if (op == ff::kCmdObjCreate || op == ff::kCmdObjModify) d.resize(d.size() + sa::kSaBytes, 0);
                         auto a = ch(op, d);
                         r.ctx.check(a.status != ff::kStatusOk && a.qualifier == 2 /* Q_INVALID_OPCODE */,
                                     "opcode " + std::to_string(op) + " type " + std::to_string(t) +
                                         ": qualifier " + std::to_string(a.qualifier));
                       }
                   },
           });
  add(out, NetCase{
               .id = "virtio.device.core.net.ipsec.create_existing",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#4"},
               .description = "a second CREATE of an existing outbound / inbound SA id answers EEXIST",
               .body =
                   [](NetRig& r) {
                     auto c = client(r);
                     if (!c) return;
                     for (bool in : {false, true}) {
                       if (c->create(2, goodSa(*c, 0x10), in) != ff::kStatusOk)
                         return r.ctx.check(false, "first CREATE refused");
                       r.ctx.check(c->create(2, goodSa(*c, 0x11), in) == kEexist,
                                   std::string(in ? "inbound" : "outbound") + " CREATE of an existing id: status " +
                                       std::to_string(c->lastStatus()));
                     }
                   },
           });
  for (bool in : {false, true})
    add(out, NetCase{
                 .id = std::string("virtio.device.core.net.ipsec.") + (in ? "inbound" : "outbound") + "_create_limits",
                 .clauses = {in ? "devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#6"
                                    : "devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#5"},
                 .description = "CREATE fails for id == the SA limit, for a cipher and an authentication algorithm "
                                "outside IPSEC_SA_CAP and for a mode the device does not offer; the last id below the limit works",
                 .body =
                     [in](NetRig& r) {
                       auto c = client(r);
                       if (!c) return;
                       const uint32_t lim = in ? c->inbLimit() : c->outbLimit();
                       r.ctx.check(c->create(lim, goodSa(*c, 1), in) != ff::kStatusOk, "id == limit accepted");
                       auto p = goodSa(*c, 2);
                       p.cipherAlgo = 63;
                       r.ctx.check(c->create(0, p, in) != ff::kStatusOk, "unsupported cipher algorithm accepted");
                       p = goodSa(*c, 3);
                       p.authAlgo = 63;
                       r.ctx.check(c->create(0, p, in) != ff::kStatusOk, "unsupported auth algorithm accepted");
                       p = goodSa(*c, 4);
                       p.mode = 9;
                       r.ctx.check(c->create(0, p, in) != ff::kStatusOk, "unsupported mode accepted");
                       r.ctx.check(c->create(lim - 1, goodSa(*c, 5), in) == ff::kStatusOk, "id limit-1 refused");
                     },
             });
  add(out, NetCase{
               .id = "virtio.device.core.net.ipsec.reset_destroys",
               .clauses = {"devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#10"},
               .description = "two SAs created; after a device reset (driver re-initialised) QUERY of both fails and "
                              "CREATE of the same ids succeeds",
               .body =
                   [](NetRig& r) {
                     {
                       auto c = client(r);
                       if (!c) return;
                       if (c->create(1, goodSa(*c, 7), false) != ff::kStatusOk || c->create(1, goodSa(*c, 8), true) != ff::kStatusOk)
                         return r.ctx.check(false, "CREATE refused");
                     }
                     drv::NetDriverOptions o;
                     withIpsec(o);
                     r.net.reset();
                     r.net = openNet(r.ctx, r.hal, r.sink, o);  // initialisation starts with a device reset
                     if (!r.net) return;
                     auto c = client(r);
                     if (!c) return;
                     for (bool in : {false, true}) {
                       c->query(1, in);
                       r.ctx.check(c->lastStatus() != ff::kStatusOk, "an SA survived the reset");
                       r.ctx.check(c->create(1, goodSa(*c, 9), in) == ff::kStatusOk, "CREATE after reset refused");
                     }
                   },
           });
}

void driverTests(std::vector<TestInfo>& out) {
  add(out, NetCase{
               .id = "virtio.driver.core.net.builtin.ipsec",
               .target = Direction::Driver,
               .clauses = {"drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#1", "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#2", "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#3", "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#4", "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#5"},
               .description = "our IPsec client lists, gets and sets both capabilities, then creates a tunnel and a "
                              "transport outbound SA and an inbound SA; the strict device reports nothing",
               .body =
                   [](NetRig& r) {
                     auto c = client(r);
                     if (!c) return;
                     auto p = goodSa(*c, 0x21);
                     r.ctx.check(c->create(0, p, false) == ff::kStatusOk, "tunnel outbound SA refused");
                     p.mode = sa::kModeTransport;
                     p.spi = 0x22;
                     r.ctx.check(c->create(1, p, false) == ff::kStatusOk, "transport outbound SA refused");
                     r.ctx.check(c->create(0, goodSa(*c, 0x23), true) == ff::kStatusOk, "inbound SA refused");
                   },
           });
}

}  // namespace

void registerNetIpsecTests(std::vector<TestInfo>& out) {
  deviceTests(out);
  driverTests(out);
}

}  // namespace vsim::conformance
