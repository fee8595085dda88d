// IPsec SA objects, driver direction: one faulty driver per IPsec check of the strict net device. Each brings the
// device up with our NetDriver (VIRTIO_NET_F_IPSEC negotiated), does everything correct with our IpsecClient or raw
// commands, and sends exactly one administration command that breaks one driver-normative statement. The device
// must report that clause and nothing else.
#include "net_ipsec.h"

namespace vsim::conformance {

using namespace netsuite;

namespace {
using Fault = std::function<void(ff::AdminChannel&, sa::IpsecClient&)>;

TestInfo mutant(std::string id, std::string clause, std::string desc, bool enable, Fault fault) {
  NetMutant m{.id = "virtio.driver.core.net.ipsec." + std::move(id), .clause = clause, .description = std::move(desc),
              .deviceOptions = kIpsecOptions, .driverOptions = withIpsec};
  m.body = [enable, fault](NetRig& r) {
    if (!ipsecNegotiated(r.ctx, *r.net)) return false;
    ff::AdminChannel ch = adminChannel(r.host);
    sa::IpsecClient c(ch);
    if (enable && !c.enable()) return r.ctx.harnessError("IPsec capabilities could not be set"), false;
    fault(ch, c);
    return true;
  };
  return makeNetMutant(std::move(m));
}

void create(ff::AdminChannel& ch, uint16_t type, uint32_t id, const std::vector<uint8_t>& body) {
  ch(ff::kCmdObjCreate, objCommand(type, id, body));
}

}  // namespace

void registerNetIpsecMutants(std::vector<TestInfo>& out) {
  out.push_back(mutant("cap_get_without_list", "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#1", "DEVICE_CAP_GET of IPSEC_RESOURCE_CAP without CAP_ID_LIST_QUERY",
                       false, [](ff::AdminChannel& ch, sa::IpsecClient&) {
                         ch(ff::kCmdDeviceCapGet, capCommand(sa::kResourceCap));
                       }));
  out.push_back(mutant("cap_set_without_get", "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#2",
                       "CAP_ID_LIST_QUERY, then DRIVER_CAP_SET of IPSEC_RESOURCE_CAP (limits 1 / 1) without getting it",
                       false, [](ff::AdminChannel& ch, sa::IpsecClient&) {
                         ch(ff::kCmdCapIdListQuery, {});
                         ch(ff::kCmdDriverCapSet, capCommand(sa::kResourceCap, {1, 0, 0, 0, 1, 0, 0, 0}));
                       }));
  out.push_back(mutant("sa_before_capabilities", "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#3",
                       "list, get both capabilities, set only IPSEC_RESOURCE_CAP, then an outbound SA CREATE", false,
                       [](ff::AdminChannel& ch, sa::IpsecClient&) {
                         ch(ff::kCmdCapIdListQuery, {});
                         auto res = ch(ff::kCmdDeviceCapGet, capCommand(sa::kResourceCap));
                         ch(ff::kCmdDeviceCapGet, capCommand(sa::kSaCap));
                         ch(ff::kCmdDriverCapSet, capCommand(sa::kResourceCap, res.result));
                         sa::SaParams p;
                         p.spi = 5;
                         create(ch, sa::kObjOutbSa, 0, sa::IpsecClient::saData(0, p, false));
                       }));
  out.push_back(mutant("outbound_tunnel_unset", "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#4",
                       "a tunnel-mode outbound SA whose tunnel parameters are left zero (otherwise as our client sets it)",
                       true, [](ff::AdminChannel& ch, sa::IpsecClient& c) {
                         auto p = goodSa(c, 6);
                         p.tunnelType = 0;
                         p.tunnelSrc = p.tunnelDst = 0;
                         create(ch, sa::kObjOutbSa, 0, sa::IpsecClient::saData(0, p, false));
                       }));
  out.push_back(mutant("inbound_spi_unset", "drivernormative:Device Types / Network Device / Device Operation / IPsec Operation#5", "an inbound SA with spi 0 (otherwise as our client sets it)",
                       true, [](ff::AdminChannel& ch, sa::IpsecClient& c) {
                         create(ch, sa::kObjInbSa, 0, sa::IpsecClient::saData(0, goodSa(c, 0), true));
                       }));
}

}  // namespace vsim::conformance
