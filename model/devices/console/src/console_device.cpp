// ConsoleDevice: construction, features, queues, configuration space, chain dispatch, reset.
#include "vsim/model/console_device.h"

#include <cstring>
#include <stdexcept>

#include "console_clauses.h"
#include "vsim/abi/features.h"
#include "vsim/model/console_abi.h"
#include "vsim/model/device_core.h"

namespace vsim::model {

namespace {
void putLe(uint8_t* p, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
}  // namespace

ConsoleDevice::ConsoleDevice(const ConsoleParams& p) : p_(p), cols_(p.cols), rows_(p.rows) {
  if (p_.ports.empty()) throw std::invalid_argument("console: at least one port (port 0) is needed");
  if (!p_.multiport && p_.ports.size() > 1)
    throw std::invalid_argument("console: " + std::to_string(p_.ports.size()) + " ports need multiport");
  if (!p_.multiport) p_.maxPorts = 1;
  if (p_.maxPorts == 0 || p_.maxPorts > 511)
    throw std::invalid_argument("console: max_nr_ports " + std::to_string(p_.maxPorts) + " is outside 1..511");
  if (p_.ports.size() > p_.maxPorts)
    throw std::invalid_argument("console: " + std::to_string(p_.ports.size()) + " ports exceed max_nr_ports " +
                                std::to_string(p_.maxPorts));
  if (p_.queueSize == 0) throw std::invalid_argument("console: queue size 0");
  ports_.resize(p_.maxPorts);
  for (size_t i = 0; i < p_.ports.size(); ++i) {
    Port& pt = ports_[i];
    pt.params = p_.ports[i];
    try {
      pt.backend = makeConsoleBackend(pt.params.backend);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("console port " + std::to_string(i) + ": " + e.what());
    }
    pt.present = true;
  }
  held_.resize(numQueues());
}

ConsoleDevice::~ConsoleDevice() = default;

uint64_t ConsoleDevice::deviceFeatures() const {
  uint64_t f = 0;
  if (p_.size) f |= feat::bit(console::kFSize);
  if (p_.multiport) f |= feat::bit(console::kFMultiport);
  if (p_.emergWrite) f |= feat::bit(console::kFEmergWrite);
  return f;
}

uint16_t ConsoleDevice::numQueues() const {
  // Port 0's pair always; the control pair and the other ports' pairs only with MULTIPORT.
  return static_cast<uint16_t>(p_.multiport ? console::queuesFor(p_.maxPorts) : 2u);
}

uint32_t ConsoleDevice::configSize() const { return console::kCfgSize; }

bool ConsoleDevice::multiportNegotiated() const { return core_ && core_->has(console::kFMultiport); }

bool ConsoleDevice::driverLive() const { return core_ && core_->driverOk() && !core_->needsReset(); }

void ConsoleDevice::violate(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev) {
  if (core_) core_->violate(clause, kind, std::move(message), std::move(ev));  // no core: nobody to tell
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration space

void ConsoleDevice::readConfig(uint32_t off, void* dst, uint32_t len) {
  struct Field {
    uint32_t off, len;
    unsigned feature;
    const char* name;
  };
  static const Field kFields[] = {
      {console::kCfgCols, 4, console::kFSize, "cols/rows"},
      {console::kCfgMaxNrPorts, 4, console::kFMultiport, "max_nr_ports"},
      {console::kCfgEmergWr, 4, console::kFEmergWrite, "emerg_wr"},
  };
  const uint64_t offered = deviceFeatures();
  for (unsigned i = 0; i < 3; ++i) {
    const Field& f = kFields[i];
    if (off >= f.off + f.len || off + len <= f.off || feat::has(offered, f.feature)) continue;
    if (configReadWarned_ & (1u << i)) continue;  // once per field until the next reset
    configReadWarned_ |= static_cast<uint8_t>(1u << i);
    // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3: optional fields only when their feature is offered
    violate(console::clause::kConfigOptional, "console.config_field_not_offered",
            std::string("configuration field ") + f.name + " read although its feature is not offered",
            {{"offset", off}, {"len", len}, {"feature_bit", f.feature}});
  }
  uint8_t img[console::kCfgSize] = {};
  if (feat::has(offered, console::kFSize)) {
    putLe(img + console::kCfgCols, cols_, 2);
    putLe(img + console::kCfgRows, rows_, 2);
  }
  if (feat::has(offered, console::kFMultiport)) putLe(img + console::kCfgMaxNrPorts, p_.maxPorts, 4);
  std::memcpy(dst, img + off, len);  // the core bounds-checked [off, off+len)
}

bool ConsoleDevice::writeConfig(uint32_t off, const void* src, uint32_t len) {
  const bool touchesEmerg = off < console::kCfgEmergWr + 4 && off + len > console::kCfgEmergWr;
  if (!touchesEmerg) return false;  // cols, rows and max_nr_ports are read-only: the write is ignored
  if (!p_.emergWrite) {
    // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3: emerg_wr only exists with EMERG_WRITE offered
    violate(console::clause::kConfigOptional, "console.emerg_write_not_offered",
            "emerg_wr written although VIRTIO_CONSOLE_F_EMERG_WRITE is not offered", {{"offset", off}, {"len", len}});
    return true;
  }
  // devicenormative:Device Types / Console Device / Device Initialization#1: accepted in any state of the device (no status check here)
  if (off > console::kCfgEmergWr) return true;  // only the upper bytes of emerg_wr: no character
  // devicenormative:Device Types / Console Device / Device Initialization#2: the low byte goes to port 0's output
  const uint8_t ch = static_cast<const uint8_t*>(src)[console::kCfgEmergWr - off];
  emerg_.push_back(static_cast<char>(ch));
  ++stats_.emergBytes;
  emitEmergency(ch);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Chains

ChainResult ConsoleDevice::handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) {
  core_ = &core;
  written = 0;  // receive buffers are completed later; nothing else is ever written
  ChainResult r = ChainResult::Done;
  const bool mp = multiportNegotiated();
  if (q == console::kControlRx && mp) {
    r = handleRx(q, c);
  } else if (q == console::kControlTx && mp) {
    r = handleControlTx(c);
  } else if (q < 2 || (mp && q < numQueues())) {
    r = console::isRxQueue(q) ? handleRx(q, c) : handleTx(q, c);
  }
  // else: a queue that only exists with MULTIPORT, used without it: returned untouched.
  service();
  return r;
}

void ConsoleDevice::onDriverOk(DeviceCore& core) {
  core_ = &core;
  service();
}

void ConsoleDevice::onReset() {
  for (auto& h : held_) h.clear();  // the driver's buffers are gone with the reset
  controlOut_.clear();
  deviceReady_ = false;
  reportedEarlyUse_ = false;
  configReadWarned_ = 0;
  for (Port& pt : ports_) {
    pt.announced = pt.ready = pt.failed = false;
    pt.guestOpen = pt.hostOpen = false;
    pt.consoleOpenDue = false;
    pt.reportedNotOpened = pt.reportedNotReady = pt.reportedUnknown = false;
  }
}

void ConsoleDevice::onQueueReset(uint16_t q) {
  if (q < held_.size()) held_[q].clear();
}

}  // namespace vsim::model

namespace vsim::model {

bool ConsoleDevice::configWritableAnytime(uint32_t off, uint32_t len) const {
  // devicenormative:Device Types / Console Device / Device Initialization#1: an emergency write is accepted even
  // before the driver has configured the device.
  return p_.emergWrite && off >= console::kCfgEmergWr && off + len <= console::kCfgEmergWr + 4;
}

}  // namespace vsim::model
