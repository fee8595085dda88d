// L2Switch: an in-simulation Ethernet switch connecting any number of net devices (on any transports), shared by
// name on a board (BoardContext::shared("net.switch:<name>")). It learns source MAC addresses per port, sends a
// frame for a known unicast address to that port only and floods everything else (broadcast, multicast, unknown
// unicast) to every other port. Delivery is synchronous and in port attach order: same topology, same traffic,
// same results.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vsim/model/net_frame.h"

namespace vsim::model {

/// Something a switch delivers frames to (a NetDevice).
class NetPort {
 public:
  virtual ~NetPort() = default;
  /// A frame arrives from the link. Must not send frames back into the switch from inside this call.
  virtual void receiveFrame(const NetFrame& f) = 0;
};

class L2Switch {
 public:
  /// Addresses the forwarding table learns at most (later ones are flooded, not learned).
  static constexpr size_t kMaxLearned = 4096;

  explicit L2Switch(std::string name) : name_(std::move(name)) {}
  L2Switch(const L2Switch&) = delete;
  L2Switch& operator=(const L2Switch&) = delete;

  const std::string& name() const { return name_; }
  /// Connect a port; returns its id (ports are numbered in attach order).
  int attach(NetPort* port, std::string portName);
  /// Disconnect (its learned addresses are forgotten).
  void detach(int id);
  /// A frame sent by port `from`: learn its source, deliver it.
  void forward(int from, const NetFrame& f);
  /// Port a MAC address was learned on, or -1.
  int lookup(const net::Mac& m) const;
  size_t numPorts() const;
  const std::string& portName(int id) const { return ports_.at(static_cast<size_t>(id)).name; }

  struct Stats {
    uint64_t frames = 0;     ///< frames forwarded into the switch
    uint64_t unicast = 0;    ///< delivered to the one learned port
    uint64_t flooded = 0;    ///< flooded to all other ports
    uint64_t filtered = 0;   ///< learned on the sending port itself (not sent back), or too short
    uint64_t deliveries = 0; ///< frames handed to ports in total
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Port {
    NetPort* port = nullptr;  // null once detached
    std::string name;
  };
  std::string name_;
  std::vector<Port> ports_;
  std::map<net::Mac, int> table_;
  Stats stats_;
};

}  // namespace vsim::model
