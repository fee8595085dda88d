// NetDevice's side of the flow filter: building it from the parameters, the administration command entry and the
// receive steering hook (called by pickRxQueue before RSS / automatic steering).
#include "vsim/model/device_core.h"
#include "vsim/model/net_device.h"

namespace vsim::model {

void NetDevice::initFlowFilter() {
  if (!p_.flowFilter) return;
  ff_ = std::make_unique<net::ff::FlowFilter>(net::ff::FlowFilter::withDefaults(
      8, 16, p_.ffRules, [this](const char* clause, std::string m) { violate(clause, "flow-filter", std::move(m), {}, -1); }));
  ff_->setRxQueueValid([this](uint16_t vq) { return vq < 2u * p_.mqPairs && role(vq) == QueueRole::Rx; });
}

net::ff::FlowFilter::Answer NetDevice::adminCommand(uint16_t opcode, const std::vector<uint8_t>& data) {
  if (ipsec_) return ipsecCommand(opcode, data);  // IPsec on: net_ipsec_dev.cpp (passes the rest on)
  if (ff_) return ff_->command(opcode, data);
  net::ff::FlowFilter::Answer a;
  if (opcode == net::ff::kCmdCapIdListQuery) return a;  // no capability supported
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#3: flow filter off: Q_INVALID_OPCODE
  a.status = net::ff::kEinval;
  a.qualifier = net::ff::kQInvalidOpcode;
  return a;
}

bool NetDevice::flowSteer(const NetFrame& f, int* q) {
  if (!ff_) return false;
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#19: MAC/VLAN/RX filtering (deliver) first, then the rules, then RSS / automatic steering
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#21: a frame the receive filter dropped never gets here
  const auto v = ff_->classify(f.data);
  if (v.kind == net::ff::FlowFilter::Verdict::Kind::NoMatch) return false;
  *q = -1;
  if (v.kind == net::ff::FlowFilter::Verdict::Kind::Queue) {
    const uint16_t vq = v.vq;
    // devicenormative:Device Types / Network Device / Device Operation / Flow filter#10: a receive queue being reset (or no receive queue at all) drops the packet
    const bool ready = vq < core_->numQueues() && role(vq) == QueueRole::Rx && core_->queue(vq).enabled && core_->engine(vq);
    if (ready) *q = vq;
  }
  // devicenormative:Device Types / Network Device / Device Operation / Flow filter#20: a dropped packet goes no further (no RSS)
  return true;
}

}  // namespace vsim::model
