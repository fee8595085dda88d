// NetDevice's side of IPsec: building the SA object store from the parameters and routing the administration
// commands that name an IPsec capability or SA object type to it (the rest go on to the flow filter).
#include "vsim/model/device_core.h"
#include "vsim/model/net_abi.h"
#include "vsim/model/net_device.h"

namespace vsim::model {

void NetDevice::initIpsec() {
  if (!p_.ipsec) return;
  ipsec_ = std::make_unique<net::ipsec::IpsecSa>(net::ipsec::IpsecSa::withDefaults(
      p_.ipsecSas, [this](const char* clause, std::string m) { violate(clause, "ipsec", std::move(m), {}, -1); }));
}

net::ff::FlowFilter::Answer NetDevice::ipsecCommand(uint16_t opcode, const std::vector<uint8_t>& data) {
  namespace ff = net::ff;
  const bool on = has(net::f::kIpsec);
  if (!net::ipsec::IpsecSa::owns(opcode, data)) {
    ff::FlowFilter::Answer a;
    if (ff_) a = ff_->command(opcode, data);
    else if (opcode != ff::kCmdCapIdListQuery) return {ff::kEinval, ff::kQInvalidOpcode, {}};
    if (opcode == ff::kCmdCapIdListQuery && on && a.status == ff::kOk) ipsec_->listQueried(&a.result);
    return a;
  }
  // devicenormative:Device Types / Network Device / Device Operation / IPsec Operation#3: VIRTIO_NET_F_IPSEC not negotiated: Q_INVALID_OPCODE
  if (!on) return {ff::kEinval, ff::kQInvalidOpcode, {}};
  return ipsec_->command(opcode, data);
}

}  // namespace vsim::model
