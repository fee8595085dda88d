#include "sim.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>

#include "vsim/harness/platform_desc.h"

namespace vsim::pysim {

Mode parseMode(const std::string& s) {
  if (s == "functional") return Mode::Functional;
  if (s == "fast") return Mode::Fast;
  if (s == "timed") return Mode::Timed;
  throw ParamError("mode: '" + s + "' is not one of functional, fast, timed");
}

const char* modeName(Mode m) {
  switch (m) {
    case Mode::Functional: return "functional";
    case Mode::Fast: return "fast";
    case Mode::Timed: return "timed";
  }
  return "?";
}

/// drv::Hal on whichever CPU runs now (the functional CPU, or the SystemC CPU thread during exec()).
class FollowHal final : public drv::Hal {
 public:
  FollowHal(drv::PlatformDesc desc, GuestMemory& ram, uint64_t dmaBase, uint64_t dmaSize)
      : desc_(std::move(desc)), ram_(ram), alloc_(dmaBase, dmaSize) {}
  model::CpuPort* cpu = nullptr;

  uint64_t read(drv::Space s, uint64_t addr, unsigned width) override { return c().read(map(s), addr, width); }
  void write(drv::Space s, uint64_t addr, uint64_t value, unsigned width) override {
    c().write(map(s), addr, value, width);
  }
  GuestMemory& dmaMemory() override { return ram_; }
  GuestAllocator& dmaAllocator() override { return alloc_; }
  uint64_t lineLevels() override { return c().lineLevels(); }
  bool popMsi(uint32_t* data) override { return c().popMsi(data); }
  bool waitForInterrupt(uint64_t timeoutNs) override { return c().waitForInterrupt(timeoutNs); }
  uint64_t nowNs() override { return c().nowNs(); }
  const drv::PlatformDesc& platform() const override { return desc_; }

 private:
  model::CpuPort& c() {
    if (!cpu) throw std::logic_error("virtio_sim internal error: CPU access outside a simulation step");
    return *cpu;
  }
  static model::Space map(drv::Space s) {
    switch (s) {
      case drv::Space::Io: return model::Space::Io;
      case drv::Space::Config: return model::Space::Config;
      default: return model::Space::Memory;
    }
  }
  drv::PlatformDesc desc_;
  GuestMemory& ram_;
  GuestAllocator alloc_;
};

namespace {

std::string knownTypes() {
  std::string s;
  for (const auto& [t, i] : model::deviceTypes()) s += (s.empty() ? "" : ", ") + t;
  return s;
}

model::BoardConfig boardConfig(const SimConfig& cfg) {
  model::BoardConfig bc;
  for (const auto& [k, v] : cfg.layout) applyParam(model::layoutParameters(), bc.layout, k, v);
  if (std::string why = bc.layout.validate(); !why.empty()) throw ParamError("layout: " + why);
  if (bc.layout.ramSize < (4ull << 20)) throw ParamError("layout: ram_size must be at least 4 MiB");
  for (const auto& [k, v] : cfg.timing) {
    if (std::isnan(model::TimingParams{}.get(k))) throw ParamError("timing: unknown parameter '" + k + "'");
    if (!bc.timing.set(k, v))
      throw ParamError("timing: parameter '" + k + "': " + std::to_string(v) + " is not a finite value >= 0");
  }
  bc.tracePath = cfg.tracePath;
  bc.vcdPath = cfg.vcdPath;
  for (size_t i = 0; i < cfg.devices.size(); ++i) {
    const DeviceConfig& d = cfg.devices[i];
    const std::string where = "device " + std::to_string(i) + " (" + d.type + ")";
    auto it = model::deviceTypes().find(d.type);
    if (it == model::deviceTypes().end())
      throw ParamError(where + ": unknown device type '" + d.type + "' (known: " + knownTypes() + ")");
    model::DeviceSpec spec;
    spec.type = d.type;
    if (!model::parseTransport(d.transport, &spec.transport))
      throw ParamError(where + ": unknown transport '" + d.transport +
                       "' (known: pci-modern, pci-legacy, pci-transitional, mmio-v2, mmio-v1)");
    spec.name = d.name;
    spec.options = d.options;
    // The platform seed reaches every device type that has a "seed" option: device i gets seed + i.
    const auto& opts = it->second.options;
    const bool hasSeed = std::any_of(opts.begin(), opts.end(), [](const model::OptionInfo& o) { return o.name == "seed"; });
    if (hasSeed && !spec.options.count("seed")) spec.options["seed"] = std::to_string(cfg.seed + i);
    try {
      spec.core.personality = model::Personality::parse(d.personality);
    } catch (const std::invalid_argument& e) {
      throw ParamError(where + ": personality: " + e.what());
    }
    if (d.ringFeatures) spec.core.ringFeatures = *d.ringFeatures;
    spec.core.refuseInvalidFeatures = d.refuseInvalidFeatures;
    for (const auto& [k, v] : d.coreOptions) {
      try {
        applyParam(model::coreParameters(), spec.core, k, v);
      } catch (const ParamError& e) {
        throw ParamError(where + ": core option " + e.what());
      }
    }
    const bool pci = spec.transport == model::TransportKind::PciModern ||
                     spec.transport == model::TransportKind::PciLegacy ||
                     spec.transport == model::TransportKind::PciTransitional;
    for (const auto& [k, v] : d.transportOptions) {
      try {
        if (pci) applyParam(model::pciParameters(), spec.pci, k, v);
        else applyParam(model::mmioParameters(), spec.mmio, k, v);
      } catch (const ParamError& e) {
        throw ParamError(where + ": transport option " + e.what());
      }
    }
    bc.devices.push_back(std::move(spec));
  }
  return bc;
}

}  // namespace

Sim::Sim(const SimConfig& cfg) : cfg_(cfg), mode_(cfg.mode) {
  if (cfg.manual && mode_ != Mode::Functional)
    throw ParamError("manual=True is for the functional mode (the timed mode processes request by request itself)");
  model::BoardConfig bc = boardConfig(cfg);
  try {
    board_ = std::make_unique<model::Board>(bc);
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    if (m.find("not implemented") != std::string::npos) throw Unsupported(m);
    throw ParamError(m);
  }
  const auto& l = board_->platform().layout();
  dmaBase_ = l.ramBase + (1ull << 20);  // the first MiB stays free for hand-placed structures
  dmaSize_ = l.ramSize - (1ull << 20);
  hal_ = std::make_unique<FollowHal>(harness::toPlatformDesc(board_->map()), board_->ram(), dmaBase_, dmaSize_);
  if (mode_ == Mode::Functional) {
    fcpu_ = &board_->functionalCpu();
    if (cfg.manual) board_->setManualProcessing(true);
  } else {
    try {
      sc_ = std::make_unique<model::ScSimulation>(*board_, mode_ == Mode::Fast ? model::SimMode::Fast
                                                                               : model::SimMode::Timed);
    } catch (const std::logic_error& e) {
      throw SimError(std::string(e.what()) +
                     ". This process already elaborated a SystemC simulation; run each fast/timed simulation in a "
                     "fresh process: virtio_sim.isolated(fn, ...), a @virtio_sim.scenario, or `virtio-sim run`");
    }
  }
}

Sim::~Sim() { close(); }

void Sim::close() {
  if (closed_) return;
  closed_ = true;
  // Drivers first (their destructors touch nothing), then the SystemC shell, then the board (writes VCD/trace).
  owned_.clear();
  rngs_.clear();
  devices_.clear();
  transports_.clear();
  sc_.reset();
  hal_.reset();
  fcpu_ = nullptr;
  if (board_) board_->finish();
  board_.reset();
}

void Sim::check() const {
  if (closed_)
    throw ClosedError("this simulation is closed (close() or the end of its `with` block); build a new Simulation");
}

drv::Hal& Sim::hal() {
  check();
  return *hal_;
}

void Sim::exec(const std::function<void(model::CpuPort&)>& f) {
  check();
  if (inExec_) {  // nested: already on the CPU
    f(*hal_->cpu);
    return;
  }
  if (mode_ == Mode::Functional) {
    inExec_ = true;
    hal_->cpu = fcpu_;
    try {
      f(*fcpu_);
    } catch (...) {
      inExec_ = false;
      throw;
    }
    inExec_ = false;
    return;
  }
  std::exception_ptr err;
  inExec_ = true;
  try {
    sc_->run([&](model::CpuPort& cpu) {
      hal_->cpu = &cpu;
      try {
        f(cpu);
      } catch (...) {
        err = std::current_exception();  // never let an exception cross the SystemC thread
      }
      hal_->cpu = nullptr;
    });
  } catch (const std::exception& e) {
    inExec_ = false;
    throw SimError(std::string("SystemC: ") + e.what());
  }
  inExec_ = false;
  if (err) std::rethrow_exception(err);
  // ScSimulation::run returns when the workload does; in timed mode the device threads may still be working on
  // what it notified. Let them finish (bounded), so that every Python call returns with the platform settled, as
  // in the other modes.
  if (mode_ == Mode::Timed) scSettle([this] { return devicesBusy(); }, 1'000'000'000'000ull);  // at most 1 s
}

bool Sim::devicesBusy() {
  const uint64_t now = sc_->nowPs();
  for (size_t i = 0; i < board_->numDevices(); ++i) {
    model::DeviceCore& c = board_->core(i);
    if (board_->timer(i).busyUntilPs() > now) return true;
    if (!c.driverOk() || c.needsReset()) continue;  // nothing is processed in these states
    for (uint16_t q = 0; q < c.numQueues(); ++q)
      if (c.pending(q) && c.engine(q) && !c.engine(q)->broken()) return true;
  }
  return false;
}

uint64_t Sim::read(model::Space s, uint64_t addr, unsigned width) {
  if (width != 1 && width != 2 && width != 4 && width != 8) throw ParamError("width: must be 1, 2, 4 or 8 bytes");
  uint64_t v = 0;
  exec([&](model::CpuPort& c) { v = c.read(s, addr, width); });
  return v;
}

void Sim::write(model::Space s, uint64_t addr, uint64_t value, unsigned width) {
  if (width != 1 && width != 2 && width != 4 && width != 8) throw ParamError("width: must be 1, 2, 4 or 8 bytes");
  if (width < 8 && (value >> (8 * width)) != 0)
    throw ParamError("value 0x" + [&] {
      char b[32];
      std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(value));
      return std::string(b);
    }() + " does not fit in " + std::to_string(width) + " byte(s)");
  exec([&](model::CpuPort& c) { c.write(s, addr, value, width); });
}

uint64_t Sim::nowPs() {
  check();
  if (mode_ == Mode::Functional) return fcpu_->nowPs();
  return sc_->nowPs();
}

void Sim::pumpDevices() {
  // Host-side work that waits for simulated time (rate-limited entropy, scripted input, backends): every device
  // type's DeviceLogic::poll(), as the CPUs do while they wait for an interrupt.
  board_->pollDevices();
}

void Sim::run(uint64_t ns) {
  check();
  if (mode_ == Mode::Functional) {
    exec([&](model::CpuPort&) {
      fcpu_->advance(ns * 1000);
      pumpDevices();
    });
    return;
  }
  exec([&](model::CpuPort& c) {
    scWaitPs(ns * 1000);
    board_->clock().nowPs = c.nowPs();
    pumpDevices();
  });
}

bool Sim::waitForInterrupt(uint64_t timeoutNs) {
  bool got = false;
  exec([&](model::CpuPort& c) { got = c.waitForInterrupt(timeoutNs); });
  return got;
}

bool Sim::step() {
  check();
  if (mode_ != Mode::Functional || !cfg_.manual)
    throw SimError("step() needs manual processing: Simulation(mode='functional', manual=True); in the other modes "
                   "devices process on their own (use run(ns) to let time pass)");
  bool did = false;
  exec([&](model::CpuPort&) {
    for (size_t i = 0; i < board_->numDevices() && !did; ++i) {
      model::DeviceCore& core = board_->core(i);
      for (uint16_t q = 0; q < core.numQueues() && !did; ++q) {
        if (!core.pending(q)) continue;
        if (core.processOne(q)) {
          did = true;
          model::DeviceQueue* e = core.engine(q);
          if (!e || e->empty()) {
            core.processOne(q);  // the empty probe: flushes held completions and clears the pending mark
            core.signalUsed(q);
          }
        } else {
          core.signalUsed(q);  // drained (or broken): one notification decision for what was flushed
        }
      }
    }
  });
  return did;
}

size_t Sim::processAll() {
  size_t n = 0;
  while (step()) ++n;
  return n;
}

uint64_t Sim::interruptLines() {
  check();
  return board_->lineLevels();
}

std::vector<uint32_t> Sim::popMsi() {
  check();
  std::vector<uint32_t> out;
  uint32_t d = 0;
  while (board_->popMsi(&d)) out.push_back(d);
  return out;
}

std::vector<uint8_t> Sim::readMem(uint64_t gpa, uint64_t len) {
  check();
  if (len > (1ull << 30)) throw ParamError("length: at most 1 GiB per read");
  std::vector<uint8_t> out(len);
  if (!board_->ram().read(gpa, out.data(), len))
    throw ParamError("guest memory read [0x" + [&] {
      char b[64];
      std::snprintf(b, sizeof b, "%llx, +%llu", static_cast<unsigned long long>(gpa), static_cast<unsigned long long>(len));
      return std::string(b);
    }() + ") is outside guest RAM");
  return out;
}

void Sim::writeMem(uint64_t gpa, const std::vector<uint8_t>& data) {
  check();
  if (!board_->ram().write(gpa, data.data(), data.size()))
    throw ParamError("guest memory write of " + std::to_string(data.size()) + " bytes at 0x" + [&] {
      char b[32];
      std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(gpa));
      return std::string(b);
    }() + " is outside guest RAM");
}

uint64_t Sim::alloc(uint64_t len, uint64_t align) {
  check();
  if (align == 0 || (align & (align - 1))) throw ParamError("align: must be a power of two");
  if (len == 0) throw ParamError("length: must be > 0");
  const uint64_t a = hal_->dmaAllocator().alloc(len, align);
  if (a == GuestAllocator::kFail) throw SimError("guest DMA memory exhausted (" + std::to_string(len) + " bytes asked)");
  std::vector<uint8_t> zero(len, 0);
  board_->ram().write(a, zero.data(), len);
  return a;
}

const std::vector<drv::DiscoveredDevice>& Sim::discover(bool again) {
  check();
  if (!discovered_ || again) {
    exec([&](model::CpuPort&) { found_ = drv::discover(*hal_, driverLog_); });
    discovered_ = true;
  }
  return found_;
}

const drv::DiscoveredDevice& Sim::found(size_t i) {
  const auto& f = discover(false);
  if (i >= f.size())
    throw ParamError("discovered device " + std::to_string(i) + ": only " + std::to_string(f.size()) + " found");
  return f[i];
}

size_t Sim::foundIndexOf(size_t boardIndex) {
  check();
  if (boardIndex >= board_->numDevices())
    throw ParamError("device " + std::to_string(boardIndex) + ": the board has " +
                     std::to_string(board_->numDevices()) + " device(s)");
  const std::string& name = board_->deviceName(boardIndex);
  const auto& f = discover(false);
  auto& plat = board_->platform();
  for (const auto& a : plat.pciDevices()) {
    if (a.name != name) continue;
    for (size_t k = 0; k < f.size(); ++k)
      if (f[k].pci && f[k].pci->addr.dev == a.device && f[k].pci->addr.bus == 0) return k;
  }
  for (const auto& a : plat.mmioDevices()) {
    if (a.name != name) continue;
    for (size_t k = 0; k < f.size(); ++k)
      if (!f[k].pci && f[k].mmioBase == a.base) return k;
  }
  throw SimError("device " + std::to_string(boardIndex) + " ('" + name +
                 "') was not discovered by the driver stack (see the driver's violations)");
}

drv::Device* Sim::open(size_t foundIndex, const drv::DriverOptions& opts, bool rng) {
  const drv::DiscoveredDevice& d = found(foundIndex);
  drv::DriverOptions o = opts;
  if (rng) {
    if (d.type != drv::RngDriver::kDeviceType)
      throw ParamError(d.location + " is virtio device type " + std::to_string(d.type) + ", not an entropy device");
    o.numQueues = 1;
    o.deviceFeatures = 0;
  }
  std::unique_ptr<drv::Device> dev;
  exec([&](model::CpuPort&) { dev = drv::open(*hal_, d, o, driverLog_); });
  if (!dev)
    throw SimError("cannot drive " + d.location +
                   ": no usable transport structures (the driver's violations say why)");
  drv::Device* p = dev.get();
  if (rng) {
    rngs_.push_back(std::make_unique<drv::RngDriver>(std::move(dev)));
  } else {
    devices_.push_back(std::move(dev));
  }
  return p;
}

drv::RngDriver* Sim::rngOf(drv::Device* d) {
  check();
  for (auto& r : rngs_)
    if (&r->device() == d) return r.get();
  return nullptr;
}

drv::Transport* Sim::transport(size_t foundIndex, bool forceLegacy) {
  const drv::DiscoveredDevice& d = found(foundIndex);
  std::unique_ptr<drv::Transport> t;
  exec([&](model::CpuPort&) { t = drv::makeTransport(*hal_, d, forceLegacy, driverLog_); });
  if (!t) throw SimError("no transport for " + d.location + " (the driver's violations say why)");
  transports_.push_back(std::move(t));
  return transports_.back().get();
}

void Sim::injectReset(size_t dev) {
  if (dev >= board().numDevices()) throw ParamError("device " + std::to_string(dev) + ": no such device");
  exec([&](model::CpuPort&) { board_->core(dev).writeStatus(0); });
}

void Sim::injectConfigChange(size_t dev) {
  if (dev >= board().numDevices()) throw ParamError("device " + std::to_string(dev) + ": no such device");
  exec([&](model::CpuPort&) { board_->core(dev).configChanged(); });
}

void Sim::injectNeedsReset(size_t dev) {
  if (dev >= board().numDevices()) throw ParamError("device " + std::to_string(dev) + ": no such device");
  exec([&](model::CpuPort&) { board_->core(dev).setNeedsReset(); });
}

void Sim::injectDmaError(size_t dev, uint64_t gpa, uint64_t len, uint32_t count) {
  if (dev >= board().numDevices()) throw ParamError("device " + std::to_string(dev) + ": no such device");
  if (len == 0 || count == 0) throw ParamError("inject_dma_error: length and count must be > 0");
  if (gpa + (len - 1) < gpa) throw ParamError("inject_dma_error: the window wraps the address space");
  exec([&](model::CpuPort&) { board_->injectDmaFault(dev, gpa, len, count); });
}

void Sim::clearDmaErrors(size_t dev) {
  if (dev >= board().numDevices()) throw ParamError("device " + std::to_string(dev) + ": no such device");
  exec([&](model::CpuPort&) { board_->clearDmaFaults(dev); });
}

uint64_t Sim::unreachableAddress(uint64_t len) const {
  check();
  (void)len;
  // Above RAM, the BAR windows, ECAM, MMIO and MSI: the 64-bit window ends at 0x81_0000_0000 by default.
  const auto& l = board_->platform().layout();
  uint64_t top = std::max({l.ramBase + l.ramSize, l.pciMem64Base + l.pciMem64Size, l.pciMem32Base + l.pciMem32Size,
                           l.ecamBase + (uint64_t{l.ecamBuses} << 20), l.msiAddress + 0x100000,
                           l.mmioBase + uint64_t{l.mmioSlots} * l.mmioStride});
  return (top + (1ull << 30)) & ~((1ull << 30) - 1);
}

void Sim::flushTrace() {
  check();
  std::fflush(nullptr);  // the trace writer's stdio buffer (the board owns the FILE*)
}

}  // namespace vsim::pysim
