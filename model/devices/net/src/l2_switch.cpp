// L2Switch: MAC learning, unicast forwarding, flooding, in attach order.
#include "vsim/model/l2_switch.h"

namespace vsim::model {

int L2Switch::attach(NetPort* port, std::string portName) {
  ports_.push_back(Port{port, std::move(portName)});
  return static_cast<int>(ports_.size() - 1);
}

void L2Switch::detach(int id) {
  if (id < 0 || static_cast<size_t>(id) >= ports_.size()) return;
  ports_[static_cast<size_t>(id)].port = nullptr;
  for (auto it = table_.begin(); it != table_.end();) it = it->second == id ? table_.erase(it) : std::next(it);
}

int L2Switch::lookup(const net::Mac& m) const {
  auto it = table_.find(m);
  return it == table_.end() ? -1 : it->second;
}

size_t L2Switch::numPorts() const {
  size_t n = 0;
  for (const auto& p : ports_) n += p.port != nullptr;
  return n;
}

void L2Switch::forward(int from, const NetFrame& f) {
  ++stats_.frames;
  if (f.data.size() < net::kEthHdrBytes) {
    ++stats_.filtered;
    return;
  }
  const net::Mac src = net::srcMac(f.data), dst = net::dstMac(f.data);
  if (!net::isMulticast(src)) {
    auto it = table_.find(src);
    if (it != table_.end()) it->second = from;  // the station moved
    else if (table_.size() < kMaxLearned) table_.emplace(src, from);
  }
  if (!net::isMulticast(dst)) {
    const int to = lookup(dst);
    if (to == from) {
      ++stats_.filtered;
      return;
    }
    if (to >= 0 && ports_[static_cast<size_t>(to)].port) {
      ++stats_.unicast;
      ++stats_.deliveries;
      ports_[static_cast<size_t>(to)].port->receiveFrame(f);
      return;
    }
  }
  ++stats_.flooded;
  for (size_t i = 0; i < ports_.size(); ++i) {
    if (static_cast<int>(i) == from || !ports_[i].port) continue;
    ++stats_.deliveries;
    ports_[i].port->receiveFrame(f);
  }
}

}  // namespace vsim::model
