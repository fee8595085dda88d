#include "vsim/model/board.h"

#include "vsim/model/rng_type.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace vsim::model {

const char* transportName(TransportKind t) {
  switch (t) {
    case TransportKind::PciModern: return "pci-modern";
    case TransportKind::PciLegacy: return "pci-legacy";
    case TransportKind::PciTransitional: return "pci-transitional";
    case TransportKind::MmioV2: return "mmio-v2";
    case TransportKind::MmioV1: return "mmio-v1";
  }
  return "?";
}

bool parseTransport(const std::string& s, TransportKind* out) {
  static const std::pair<const char*, TransportKind> kNames[] = {
      {"pci-modern", TransportKind::PciModern}, {"pci", TransportKind::PciModern},
      {"pci-legacy", TransportKind::PciLegacy}, {"pci-transitional", TransportKind::PciTransitional},
      {"mmio-v2", TransportKind::MmioV2},       {"mmio", TransportKind::MmioV2},
      {"mmio-v1", TransportKind::MmioV1},
  };
  for (const auto& [n, t] : kNames)
    if (s == n) {
      *out = t;
      return true;
    }
  return false;
}

/// One device on the board: its logic, core, transport, timer and its own (observed) view of guest memory.
struct Board::Device final : ViolationSink {
  Board& board;
  DeviceSpec spec;
  std::string name;
  GuestMemory view;  // the device's DMA path: the same RAM, seen through the device's timer
  std::unique_ptr<DeviceLogic> logic;
  std::unique_ptr<DeviceCore> core;
  std::unique_ptr<DeviceTimer> timer;
  std::unique_ptr<VirtioPciDevice> pci;
  std::unique_ptr<VirtioMmioDevice> mmio;
  int irqWave = -1;
  std::vector<int> queueWaves;
  std::vector<DmaFaultHit> faultLog;

  Device(Board& b, DeviceSpec s, std::string n) : board(b), spec(std::move(s)), name(std::move(n)) {}
  void report(Violation v) override {
    v.device = name;
    board.log_.report(std::move(v));
  }
};

Board::Board(const BoardConfig& cfg) : cfg_(cfg), timing_(cfg.timing), platform_(cfg.layout) {
  if (!cfg_.tracePath.empty() && !trace_.open(cfg_.tracePath)) throw std::invalid_argument(trace_.error());
  platform_.bus().setObserver(this);
  for (unsigned l = 0; l < 64 && !cfg_.vcdPath.empty(); ++l) lineSignals_.push_back(-1);
  for (size_t i = 0; i < cfg_.devices.size(); ++i) buildDevice(cfg_.devices[i], i);
  log_.onReport = [this](const Violation& v) { trace_.violation(clock_.nowPs, v.device, v); };
}

Board::~Board() { finish(); }

DeviceLogic& Board::logic(size_t i) { return *devices_.at(i)->logic; }

int Board::find(const std::string& name) const {
  for (size_t i = 0; i < devices_.size(); ++i)
    if (devices_[i]->name == name) return static_cast<int>(i);
  return -1;
}

std::shared_ptr<void> Board::shared(const std::string& key, const std::function<std::shared_ptr<void>()>& make) {
  auto it = shared_.find(key);
  if (it != shared_.end()) return it->second;
  return shared_[key] = make();
}

const std::string& Board::deviceName(size_t i) const { return devices_.at(i)->name; }
TransportKind Board::deviceTransport(size_t i) const { return devices_.at(i)->spec.transport; }
DeviceCore& Board::core(size_t i) { return *devices_.at(i)->core; }
DeviceTimer& Board::timer(size_t i) { return *devices_.at(i)->timer; }

void Board::setManualProcessing(bool manual) {
  for (auto& d : devices_) d->core->setManualProcessing(manual);
}

void Board::pollDevices() {
  for (auto& d : devices_)
    if (!d->core->suspended()) d->logic->poll(*d->core);  // a suspended device does no work (VIRTIO_F_SUSPEND)
}

void Board::setIrqCallback(std::function<void()> cb) {
  irqCb_ = std::move(cb);
  platform_.intc().setCallback([this] {
    if (irqCb_) irqCb_();
  });
}

void Board::buildDevice(const DeviceSpec& spec, size_t index) {
  std::string name = spec.name.empty() ? spec.type + std::to_string(index) : spec.name;
  auto d = std::make_unique<Device>(*this, spec, name);
  if (spec.type == "rng") {
    d->logic = std::make_unique<RngDevice>(rngParamsFrom(spec.options, name, spec.rng),
                                           [this] { return clock_.nowPs; });  // simulated time for rate_limit
  } else if (auto it = deviceTypes().find(spec.type); it != deviceTypes().end()) {
    d->logic = it->second.make(spec.options, name, *this);
  } else {
    std::string known;
    for (const auto& [t, info] : deviceTypes()) known += (known.empty() ? "" : ", ") + t;
    throw std::invalid_argument("device '" + name + "': unknown device type '" + spec.type + "' (known: " + known + ")");
  }
  auto& ram = platform_.ram();
  d->view.addRegion(ram.base(), ram.size(), ram.data());
  d->core = std::make_unique<DeviceCore>(*d->logic, d->view, *d, spec.core);
  d->timer = std::make_unique<DeviceTimer>(name, timing_, clock_, d->logic->numQueues());
  d->view.setObserver(d->timer.get());
  Device* const faulting = d.get();
  d->view.setDmaFaultHandler([this, faulting](const DmaFaultHit& h) { onDmaFault(*faulting, h); });
  d->core->setObserver(d->timer.get());
  Device* dp = d.get();
  d->timer->onDmaEvent = [this, dp](DmaKind k, uint64_t gpa, uint64_t len, bool write, int q) {
    trace_.dma(clock_.nowPs, dp->name, q, k, gpa, len, write);
  };
  d->timer->onEvent = [this, dp](const char* what, int q, uint64_t value) {
    trace_.event(clock_.nowPs, dp->name, what, q, value);
    if (!cfg_.vcdPath.empty()) {
      if (std::string(what) == "used_irq" || std::string(what) == "config_irq") {
        vcd_.change(value, dp->irqWave, 1);
        vcd_.change(value + 1000, dp->irqWave, 0);  // a 1 ns pulse per interrupt
      }
      for (uint16_t k = 0; k < dp->queueWaves.size(); ++k)
        if (auto* e = dp->core->engine(k)) vcd_.change(clock_.nowPs, dp->queueWaves[k], e->inFlight());
    }
  };
  if (!cfg_.vcdPath.empty()) {
    d->irqWave = vcd_.addWire(name, "irq");
    for (uint16_t q = 0; q < d->logic->numQueues(); ++q)
      d->queueWaves.push_back(vcd_.addInteger(name, "vq" + std::to_string(q) + "_in_flight", 16));
  }
  switch (spec.transport) {
    case TransportKind::PciModern:
    case TransportKind::PciLegacy:
    case TransportKind::PciTransitional: {
      VirtioPciParams p = spec.pci;
      p.personality = spec.transport == TransportKind::PciModern   ? PciPersonality::Modern
                      : spec.transport == TransportKind::PciLegacy ? PciPersonality::Legacy
                                                                   : PciPersonality::Transitional;
      d->pci = std::make_unique<VirtioPciDevice>(*d->core, p);
      const int dev = platform_.freePciDevice();
      if (dev < 0 || !platform_.attachPci(static_cast<unsigned>(dev), *d->pci, name))
        throw std::invalid_argument("device '" + name + "': no free PCI device number");
      break;
    }
    case TransportKind::MmioV2:
    case TransportKind::MmioV1: {
      const int slot = platform_.freeMmioSlot();
      if (slot < 0) throw std::invalid_argument("device '" + name + "': no free virtio-mmio slot");
      VirtioMmioParams p = spec.mmio;
      p.version = spec.transport == TransportKind::MmioV1 ? 1 : 2;
      p.interruptLine = platform_.mmioSlotLine(static_cast<unsigned>(slot));
      d->mmio = std::make_unique<VirtioMmioDevice>(*d->core, &platform_.fabric(), p);
      if (platform_.attachMmio(*d->mmio, name, slot) < 0)
        throw std::invalid_argument("device '" + name + "': virtio-mmio slot " + std::to_string(slot) + " is taken");
      break;
    }
  }
  devices_.push_back(std::move(d));
}

bool Board::injectDmaFault(size_t i, uint64_t gpa, uint64_t len, uint32_t count) {
  return devices_.at(i)->view.addDmaFault(gpa, len, count);
}

void Board::clearDmaFaults(size_t i) { devices_.at(i)->view.clearDmaFaults(); }

const GuestMemory& Board::deviceMemory(size_t i) const { return devices_.at(i)->view; }

const std::vector<DmaFaultHit>& Board::dmaFaultLog(size_t i) const { return devices_.at(i)->faultLog; }

void Board::onDmaFault(Device& d, const DmaFaultHit& hit) {
  if (d.faultLog.size() < kMaxDmaFaultLog) d.faultLog.push_back(hit);
  trace_.event(clock_.nowPs, d.name, "dma_fault", -1, hit.gpa);
  // devicenormative:Basic Facilities of a Virtio Device / Device Status Field#2: a device whose DMA failed cannot finish what it was doing; it is in an error state only a reset clears
  d.core->setNeedsReset();
}

bool Board::access(Space space, uint64_t addr, void* data, unsigned len, bool write) {
  uint64_t v = 0;
  if (write) {
    std::memcpy(&v, data, std::min(len, 8u));
    return platform_.write(space, addr, v, len);
  }
  const bool ok = platform_.bus().tryRead(space, addr, len, &v);
  std::memcpy(data, &v, std::min(len, 8u));
  return ok;
}

AccessKind Board::accessKind(Space space, uint64_t addr, bool write) {
  const auto& l = platform_.layout();
  switch (space) {
    case Space::Config: return AccessKind::Config;
    case Space::Io: return write ? AccessKind::PioWrite : AccessKind::PioRead;
    case Space::Memory: break;
  }
  if (addr >= l.ecamBase && addr - l.ecamBase < uint64_t{l.ecamBuses} << 20) return AccessKind::Config;
  const bool inPci = (addr >= l.pciMem32Base && addr - l.pciMem32Base < l.pciMem32Size) ||
                     (addr >= l.pciMem64Base && addr - l.pciMem64Base < l.pciMem64Size);
  if (inPci) return write ? AccessKind::PciBarWrite : AccessKind::PciBarRead;
  if (addr >= l.ramBase && addr - l.ramBase < l.ramSize) return AccessKind::Ram;
  return write ? AccessKind::MmioWrite : AccessKind::MmioRead;
}

void Board::onAccess(Space space, uint64_t addr, unsigned len, uint64_t value, bool write,
                     const std::string& targetName, const std::string& regName) {
  if (trace_.isOpen()) trace_.reg(clock_.nowPs, targetName, spaceName(space), addr, len, write, value, regName);
  if (!cfg_.vcdPath.empty()) sampleWaves();
}

void Board::sampleWaves() {
  const uint64_t lv = platform_.intc().levels();
  if (lv == lastLevels_) return;
  for (unsigned l = 0; l < 64; ++l) {
    if (((lv ^ lastLevels_) >> l) & 1) {
      if (lineSignals_[l] < 0) lineSignals_[l] = vcd_.addWire("intc", "line" + std::to_string(l));
      vcd_.change(clock_.nowPs, lineSignals_[l], (lv >> l) & 1);
    }
  }
  lastLevels_ = lv;
}

// ---------------------------------------------------------------------------------------------------------------
// FunctionalCpu

bool FunctionalCpu::isRam(Space space, uint64_t a, unsigned len) {
  auto& r = b_.ram();
  return space == Space::Memory && a >= r.base() && a - r.base() < r.size() && len <= r.size() - (a - r.base());
}

uint64_t FunctionalCpu::read(Space space, uint64_t addr, unsigned len) {
  uint64_t v = 0;
  if (isRam(space, addr, len)) {
    b_.ram().read(addr, &v, len);
    return v;
  }
  nowPs_ += b_.timing().accessPs(b_.accessKind(space, addr, false));
  b_.clock().nowPs = nowPs_;  // the access reaches the device when its latency has passed
  if (!b_.access(space, addr, &v, len, false)) return len >= 8 ? ~uint64_t{0} : ((uint64_t{1} << (8 * len)) - 1);
  return v;
}

void FunctionalCpu::write(Space space, uint64_t addr, uint64_t value, unsigned len) {
  if (isRam(space, addr, len)) {
    b_.ram().write(addr, &value, len);
    return;
  }
  nowPs_ += b_.timing().accessPs(b_.accessKind(space, addr, true));
  b_.clock().nowPs = nowPs_;  // the access reaches the device when its latency has passed
  b_.access(space, addr, &value, len, true);
}

bool FunctionalCpu::waitForInterrupt(uint64_t timeoutNs) {
  if (!b_.irqPending()) b_.pollDevices();  // host-side input may produce the interrupt we wait for
  if (b_.irqPending()) {
    for (size_t i = 0; i < b_.numDevices(); ++i) nowPs_ = std::max(nowPs_, b_.timer(i).lastIrqAtPs());
    return true;
  }
  nowPs_ += timeoutNs * 1000;
  return false;
}

void FunctionalCpu::advance(uint64_t ps) {
  nowPs_ += ps;
  b_.clock().nowPs = nowPs_;
}

FunctionalCpu& Board::functionalCpu() {
  if (!fcpu_) fcpu_ = std::make_unique<FunctionalCpu>(*this);
  return *fcpu_;
}

void Board::finish() {
  if (finished_) return;
  finished_ = true;
  if (!cfg_.vcdPath.empty()) vcd_.write(cfg_.vcdPath);
  trace_.close();
}

}  // namespace vsim::model
