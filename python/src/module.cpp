// _virtio_sim: the pybind11 bindings. The Python package `virtio_sim` wraps these into the documented API; this
// module keeps to thin, checked handles over the C++ objects (see sim.h for the ownership and SystemC rules).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "sim.h"
#include "vsim/abi/features.h"
#include "vsim/abi/mmio.h"
#include "vsim/abi/pci.h"
#include "vsim/abi/status.h"
#include "vsim/clauses.h"
#include "vsim/conformance/runner.h"
#include "vsim/model/device_registry.h"
#include "vsim/model/personality.h"
#include "vsim/model/timing_params.h"

#if VSIM_PY_HAVE_BLK
#include "vsim/drv/blk_driver.h"
#endif
#if VSIM_PY_HAVE_NET
#include "vsim/drv/net_driver.h"
#endif
#if VSIM_PY_HAVE_CONSOLE
#include "vsim/drv/console_driver.h"
#endif
#if VSIM_PY_HAVE_INPUT
#include "vsim/drv/input_driver.h"
#endif

#include "vsim/model/blk_device.h"
#include "vsim/model/console_device.h"
#include "vsim/model/input_device.h"
#include "vsim/model/net_device.h"

#ifndef VSIM_SOURCE_DIR
#define VSIM_SOURCE_DIR ""
#endif

namespace py = pybind11;
using namespace pybind11::literals;

namespace vsim::pysim {
namespace {

using SimPtr = std::shared_ptr<Sim>;

// ---------------------------------------------------------------------------------------------------------------
// Handles: each keeps its simulation alive and checks that it is still open before touching anything.

struct DriverHandle {
  SimPtr sim;
  drv::Device* dev = nullptr;
  drv::RngDriver* rng = nullptr;  ///< set when opened as an entropy driver
  std::string typed;              ///< "rng", "blk", ...: the typed driver behind it ("" = generic)
  void* typedPtr = nullptr;
  drv::Device& d() const {
    sim->check();
    return *dev;
  }
  template <class T>
  T& as(const char* kind) const {
    sim->check();
    if (typed != kind) throw ParamError(std::string("this driver was not opened as the ") + kind + " driver");
    return *static_cast<T*>(typedPtr);
  }
};

/// The typed drivers compiled into this module.
std::vector<std::string> typedDrivers() {
  std::vector<std::string> v{"rng"};
#if VSIM_PY_HAVE_BLK
  v.push_back("blk");
#endif
#if VSIM_PY_HAVE_NET
  v.push_back("net");
#endif
#if VSIM_PY_HAVE_CONSOLE
  v.push_back("console");
#endif
#if VSIM_PY_HAVE_INPUT
  v.push_back("input");
#endif
  return v;
}

/// Open the typed driver `kind` on a discovered device. The typed drivers' open() gives nullptr when the device
/// does not come up; the generic driver (kind "") shows why.
DriverHandle openTyped(const SimPtr& s, size_t found, const drv::DriverOptions& o, const std::string& kind) {
  if (kind.empty()) return DriverHandle{s, s->open(found, o, false), nullptr, "", nullptr};
  if (kind == "rng") {
    drv::Device* d = s->open(found, o, true);
    drv::RngDriver* r = s->rngOf(d);
    return DriverHandle{s, d, r, "rng", r};
  }
  const drv::DiscoveredDevice& dd = s->found(found);
  auto fail = [&](const char* what) {
    return SimError(std::string("the ") + what + " driver could not bring " + dd.location +
                    " up; open it with typed=False to see the generic driver's state and failure, and look at "
                    "violations('all')");
  };
  (void)fail;
#if VSIM_PY_HAVE_BLK
  if (kind == "blk") {
    std::unique_ptr<drv::BlkDriver> p;
    s->exec([&](model::CpuPort&) { p = drv::BlkDriver::open(s->hal(), dd, o, s->driverLog()); });
    if (!p) throw fail("blk");
    auto* raw = s->keep(std::move(p));
    return DriverHandle{s, &raw->device(), nullptr, "blk", raw};
  }
#endif
#if VSIM_PY_HAVE_NET
  if (kind == "net") {
    std::unique_ptr<drv::NetDriver> p;
    s->exec([&](model::CpuPort&) { p = drv::NetDriver::open(s->hal(), dd, o, drv::NetDriverOptions{}, s->driverLog()); });
    if (!p) throw fail("net");
    auto* raw = s->keep(std::move(p));
    return DriverHandle{s, &raw->device(), nullptr, "net", raw};
  }
#endif
#if VSIM_PY_HAVE_CONSOLE
  if (kind == "console") {
    std::unique_ptr<drv::ConsoleDriver> p;
    s->exec([&](model::CpuPort&) { p = drv::ConsoleDriver::open(s->hal(), dd, o, s->driverLog()); });
    if (!p) throw fail("console");
    auto* raw = s->keep(std::move(p));
    return DriverHandle{s, &raw->device(), nullptr, "console", raw};
  }
#endif
#if VSIM_PY_HAVE_INPUT
  if (kind == "input") {
    std::unique_ptr<drv::InputDriver> p;
    s->exec([&](model::CpuPort&) { p = drv::InputDriver::open(s->hal(), dd, o, s->driverLog()); });
    if (!p) throw fail("input");
    auto* raw = s->keep(std::move(p));
    return DriverHandle{s, &raw->device(), nullptr, "input", raw};
  }
#endif
  throw Unsupported("the " + kind + " driver is not bound in this build");
}

struct QueueHandle {
  SimPtr sim;
  drv::Device* dev = nullptr;
  uint16_t q = 0;
  drv::DriverQueue& dq() const {
    sim->check();
    if (q >= dev->numQueues())
      throw SimError("queue " + std::to_string(q) + " no longer exists (the driver set up " +
                     std::to_string(dev->numQueues()) + " queue(s) at its last initialisation)");
    return dev->queue(q);
  }
};

struct TransportHandle {
  SimPtr sim;
  drv::Transport* t = nullptr;
  drv::Transport& tr() const {
    sim->check();
    return *t;
  }
};

struct SplitRingHandle {
  SimPtr sim;
  std::shared_ptr<drv::RawSplitRing> ring;
  drv::RawSplitRing& r() const {
    sim->check();
    return *ring;
  }
};

struct PackedRingHandle {
  SimPtr sim;
  std::shared_ptr<drv::RawPackedRing> ring;
  drv::RawPackedRing& r() const {
    sim->check();
    return *ring;
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Conversions

py::bytes toBytes(const std::vector<uint8_t>& v) {
  return py::bytes(reinterpret_cast<const char*>(v.data()), v.size());
}

std::vector<uint8_t> fromBytes(const py::bytes& b) {
  std::string s = b;
  return std::vector<uint8_t>(s.begin(), s.end());
}

std::vector<drv::Buf> toBufs(const std::vector<std::tuple<uint64_t, uint32_t, bool>>& bufs) {
  std::vector<drv::Buf> out;
  for (const auto& [a, l, w] : bufs) out.push_back(drv::Buf{a, l, w});
  return out;
}

model::Space parseSpace(const std::string& s) {
  if (s == "mem" || s == "memory") return model::Space::Memory;
  if (s == "io") return model::Space::Io;
  if (s == "config") return model::Space::Config;
  throw ParamError("space: '" + s + "' is not one of mem, io, config");
}

py::dict violationDict(const Violation& v) {
  py::dict ev;
  for (const auto& e : v.evidence) ev[py::str(e.name)] = e.value;
  return py::dict("clause"_a = v.clause, "kind"_a = v.kind, "message"_a = v.message,
                  "culprit"_a = v.culprit == Culprit::Driver ? "driver" : "device", "queue"_a = v.queue,
                  "device"_a = v.device, "evidence"_a = ev, "seq"_a = v.seq, "text"_a = toString(v));
}

py::list violationList(const ViolationLog& log) {
  py::list out;
  for (const auto& v : log.all()) out.append(violationDict(v));
  return out;
}

py::dict paramDict(const ParamInfo& p) {
  return py::dict("name"_a = p.name, "default"_a = p.defaultValue, "unit"_a = p.unit, "description"_a = p.description);
}

py::list paramList(const std::vector<ParamInfo>& v) {
  py::list out;
  for (const auto& p : v) out.append(paramDict(p));
  return out;
}

std::string fmtDouble(double d) {
  char b[64];
  std::snprintf(b, sizeof b, "%g", d);
  return b;
}

py::dict dmaDict(const model::DmaCounters& c) {
  py::dict tx, by;
  for (size_t k = 0; k < static_cast<size_t>(DmaKind::Count_); ++k) {
    const char* n = dmaKindName(static_cast<DmaKind>(k));
    tx[n] = c.transactions[k];
    by[n] = c.bytes[k];
  }
  return py::dict("transactions"_a = tx, "bytes"_a = by, "total_transactions"_a = c.totalTransactions(),
                  "total_bytes"_a = c.totalBytes());
}

drv::DriverOptions driverOptionsFrom(const std::map<std::string, std::string>& opts) {
  drv::DriverOptions o;
  for (const auto& [k, v] : opts) applyParam(drv::driverOptionTable(), o, k, v);
  return o;
}

py::dict foundDict(const drv::DiscoveredDevice& d, size_t index) {
  py::dict out("index"_a = index, "type"_a = d.type, "kind"_a = drv::discoveredKindName(d.kind),
               "location"_a = d.location, "is_pci"_a = d.isPci(), "mmio_base"_a = d.mmioBase,
               "mmio_line"_a = d.mmioLine, "mmio_version"_a = d.mmioVersion);
  py::list bars;
  if (d.pci) {
    out["bdf"] = d.pci->addr.str();
    out["device_id"] = d.pci->deviceId;
    out["revision"] = d.pci->revision;
    out["intx_line"] = d.pci->intxLine;
    for (int i = 0; i < 6; ++i) {
      const auto& b = d.pci->bars[i];
      bars.append(py::dict("index"_a = i, "present"_a = b.present, "io"_a = b.io, "is64"_a = b.is64,
                           "size"_a = b.size, "address"_a = b.address, "assigned"_a = b.assigned));
    }
    const auto& l = d.pci->layout;
    auto region = [](const drv::PciRegion& r) -> py::object {
      if (!r.valid) return py::none();
      return py::dict("space"_a = r.space == drv::Space::Io ? "io" : "mem", "base"_a = r.base, "length"_a = r.length,
                      "bar"_a = r.bar, "offset"_a = r.offset);
    };
    out["common_cfg"] = region(l.common);
    out["isr"] = region(l.isr);
    out["device_cfg"] = region(l.device);
    py::list notify;
    for (const auto& c : l.notifyCandidates)
      notify.append(py::dict("bar"_a = c.bar, "offset"_a = c.offset, "length"_a = c.length,
                             "multiplier"_a = c.notifyOffMultiplier,
                             "base"_a = (c.bar < 6 ? d.pci->bars[c.bar].address : 0) + c.offset));
    out["notify"] = notify;
  } else {
    out["bdf"] = py::none();
  }
  out["bars"] = bars;
  return out;
}

bool typeImplemented(const model::DeviceTypeInfo& t) {
  struct NullCtx final : model::BoardContext {
    std::map<std::string, std::shared_ptr<void>> m;
    std::shared_ptr<void> shared(const std::string& key, const std::function<std::shared_ptr<void>()>& make) override {
      auto it = m.find(key);
      return it != m.end() ? it->second : (m[key] = make());
    }
    uint64_t nowPs() const override { return 0; }
  } ctx;
  if (!t.make) return false;
  try {
    auto logic = t.make({}, "probe", ctx);
    return logic != nullptr;
  } catch (const std::invalid_argument& e) {
    return std::string(e.what()).find("not implemented") == std::string::npos;
  } catch (...) {
    return true;  // it exists, it just needs options
  }
}

SimConfig simConfigFrom(const py::list& devices, const std::map<std::string, double>& timing,
                        const std::map<std::string, std::string>& layout, uint64_t seed, const std::string& mode,
                        bool manual, const std::string& trace, const std::string& vcd) {
  SimConfig c;
  for (const auto& item : devices) {
    const py::dict d = item.cast<py::dict>();
    DeviceConfig dc;
    for (const auto& [k, v] : d) {
      const std::string key = k.cast<std::string>();
      if (key == "type") dc.type = v.cast<std::string>();
      else if (key == "transport") dc.transport = v.cast<std::string>();
      else if (key == "name") dc.name = v.is_none() ? "" : v.cast<std::string>();
      else if (key == "personality") dc.personality = v.cast<std::string>();
      else if (key == "options") dc.options = v.cast<std::map<std::string, std::string>>();
      else if (key == "transport_options") dc.transportOptions = v.cast<std::map<std::string, std::string>>();
      else if (key == "ring_features") {
        if (!v.is_none()) dc.ringFeatures = v.cast<uint64_t>();
      } else if (key == "refuse_invalid_features") dc.refuseInvalidFeatures = v.cast<bool>();
      else if (key == "core_options") dc.coreOptions = v.cast<std::map<std::string, std::string>>();
      else throw ParamError("device config: unknown key '" + key + "'");
    }
    c.devices.push_back(std::move(dc));
  }
  c.timing = timing;
  c.layout = layout;
  c.seed = seed;
  c.mode = parseMode(mode);
  c.manual = manual;
  c.tracePath = trace;
  c.vcdPath = vcd;
  return c;
}

#if VSIM_PY_HAVE_NET
drv::net::Mac macFrom(const py::bytes& b, const char* what) {
  const std::string s = b;
  if (s.size() != 6) throw ParamError(std::string(what) + ": a MAC address is 6 bytes, not " + std::to_string(s.size()));
  drv::net::Mac m{};
  std::copy(s.begin(), s.end(), m.begin());
  return m;
}
py::bytes macBytes(const drv::net::Mac& m) { return py::bytes(reinterpret_cast<const char*>(m.data()), m.size()); }
#endif

#if VSIM_PY_HAVE_BLK
std::vector<drv::BlkRange> blkRanges(const std::vector<std::tuple<uint64_t, uint32_t, bool>>& ranges) {
  std::vector<drv::BlkRange> out;
  for (const auto& [sector, sectors, unmap] : ranges) out.push_back(drv::BlkRange{sector, sectors, unmap});
  return out;
}
#endif

// ---------------------------------------------------------------------------------------------------------------
// Host side of the devices (backends): what the world outside the guest does and sees.

template <class T>
T& logicAs(Sim& s, size_t dev, const char* type, const char* what) {
  auto& b = s.board();
  if (dev >= b.numDevices()) throw ParamError("device " + std::to_string(dev) + ": no such device");
  auto* p = dynamic_cast<T*>(&b.logic(dev));
  if (!p)
    throw ParamError(std::string(what) + ": device " + std::to_string(dev) + " is a " + b.config().devices[dev].type +
                     " device, not " + type);
  return *p;
}

void bindHost(py::class_<Sim, std::shared_ptr<Sim>>& cls) {
  cls.def("host_set_link", [](Sim& s, size_t dev, bool up) {
     auto& n = logicAs<model::NetDevice>(s, dev, "net", "link state");
     s.exec([&](model::CpuPort&) { n.setLinkUp(up); });
   }, "device"_a, "up"_a)
      .def("host_link_up", [](Sim& s, size_t dev) { return logicAs<model::NetDevice>(s, dev, "net", "link state").linkUp(); },
           "device"_a)
      .def("host_net_inject", [](Sim& s, size_t dev, const py::bytes& frame) {
        auto& n = logicAs<model::NetDevice>(s, dev, "net", "inject a frame");
        auto v = fromBytes(frame);
        bool ok = false;
        s.exec([&](model::CpuPort&) { ok = n.inject(v); });
        return ok;
      }, "device"_a, "frame"_a)
      .def("host_net_sent", [](Sim& s, size_t dev) {
        auto& n = logicAs<model::NetDevice>(s, dev, "net", "frames sent");
        py::list out;
        model::NetFrame f;
        while (n.takeSent(&f)) out.append(toBytes(f.data));
        return out;
      }, "device"_a)
      .def("host_blk_store_errors", [](Sim& s, size_t dev, uint32_t reads, uint32_t writes) {
        auto& b = logicAs<model::BlkDevice>(s, dev, "blk", "backend errors");
        s.exec([&](model::CpuPort&) { b.injectStoreErrors(reads, writes); });
      }, "device"_a, "reads"_a, "writes"_a)
      .def("host_console_backend_errors", [](Sim& s, size_t dev, uint32_t port, uint32_t output, uint32_t input) {
        auto& c = logicAs<model::ConsoleDevice>(s, dev, "console", "backend errors");
        bool ok = false;
        s.exec([&](model::CpuPort&) { ok = c.injectBackendErrors(port, output, input); });
        if (!ok) throw ParamError("backend errors: console port " + std::to_string(port) + " is not present");
      }, "device"_a, "port"_a, "output"_a, "input"_a)
      .def("host_net_backend_errors", [](Sim& s, size_t dev, uint32_t tx, uint32_t rx) {
        auto& n = logicAs<model::NetDevice>(s, dev, "net", "backend errors");
        s.exec([&](model::CpuPort&) { n.injectBackendErrors(tx, rx); });
      }, "device"_a, "tx"_a, "rx"_a)
      .def("host_net_stats", [](Sim& s, size_t dev) {
        const model::NetStats& st = logicAs<model::NetDevice>(s, dev, "net", "net statistics").stats();
        return py::dict("tx_frames"_a = st.txFrames, "tx_bytes"_a = st.txBytes,
                        "tx_dropped_violation"_a = st.txDroppedViolation, "tx_dropped_link_down"_a = st.txDroppedLinkDown,
                        "tx_dropped_runt"_a = st.txDroppedRunt, "tx_dropped_too_long"_a = st.txDroppedTooLong,
                        "tx_dropped_backend"_a = st.txDroppedBackend, "rx_frames"_a = st.rxFrames,
                        "rx_bytes"_a = st.rxBytes, "rx_buffers_used"_a = st.rxBuffersUsed, "rx_merged"_a = st.rxMerged,
                        "rx_dropped_not_ready"_a = st.rxDroppedNotReady, "rx_dropped_link_down"_a = st.rxDroppedLinkDown,
                        "rx_dropped_filter"_a = st.rxDroppedFilter, "rx_dropped_mtu"_a = st.rxDroppedMtu,
                        "rx_dropped_too_big"_a = st.rxDroppedTooBig, "rx_dropped_offload"_a = st.rxDroppedOffload,
                        "rx_dropped_no_queue"_a = st.rxDroppedNoQueue, "rx_dropped_backlog_full"_a = st.rxDroppedBacklogFull,
                        "rx_dropped_backend"_a = st.rxDroppedBackend, "rx_backlogged"_a = st.rxBacklogged,
                        "rx_buffers_rejected"_a = st.rxBuffersRejected, "ctrl_ok"_a = st.ctrlOk, "ctrl_err"_a = st.ctrlErr,
                        "chains_on_unused_queue"_a = st.chainsOnUnusedQueue, "captured_dropped"_a = st.capturedDropped);
      }, "device"_a)
      .def("host_console_stats", [](Sim& s, size_t dev) {
        auto& c = logicAs<model::ConsoleDevice>(s, dev, "console", "console statistics");
        const model::ConsoleStats& st = c.stats();
        py::list ports;
        for (uint32_t p = 0; p < c.maxPorts(); ++p) {
          const model::ConsolePortStatus ps = c.portStatus(p);
          ports.append(py::dict("port"_a = p, "present"_a = ps.present, "ready"_a = ps.ready, "guest_open"_a = ps.guestOpen,
                                "host_open"_a = ps.hostOpen, "held_rx_buffers"_a = ps.heldBuffers,
                                "held_tx_buffers"_a = ps.heldTxBuffers, "unsent_bytes"_a = ps.unsentBytes));
        }
        return py::dict("tx_bytes"_a = st.txBytes, "rx_bytes"_a = st.rxBytes, "emerg_bytes"_a = st.emergBytes,
                        "control_in"_a = st.controlIn, "control_out"_a = st.controlOut,
                        "control_truncated"_a = st.controlTruncated, "dropped_tx_bytes"_a = st.droppedTxBytes,
                        "backend_output_errors"_a = st.backendOutputErrors,
                        "backend_input_errors"_a = st.backendInputErrors, "ports"_a = ports);
      }, "device"_a)
      .def("host_console_output", [](Sim& s, size_t dev, uint32_t port) {
        auto& c = logicAs<model::ConsoleDevice>(s, dev, "console", "console output");
        return py::bytes(c.takeOutput(port));
      }, "device"_a, "port"_a = 0)
      .def("host_console_input", [](Sim& s, size_t dev, const py::bytes& data, uint32_t port) {
        auto& c = logicAs<model::ConsoleDevice>(s, dev, "console", "console input");
        std::string v = data;
        size_t n = 0;
        s.exec([&](model::CpuPort&) { n = c.pushInput(port, v); });
        return n;
      }, "device"_a, "data"_a, "port"_a = 0)
      .def("host_input_event", [](Sim& s, size_t dev, uint16_t type, uint16_t code, int32_t value) {
        auto& in = logicAs<model::InputDevice>(s, dev, "input", "input events");
        s.exec([&](model::CpuPort&) { in.inject(vsim::input::Event{type, code, value}); });
      }, "device"_a, "type"_a, "code"_a, "value"_a);
}

// ---------------------------------------------------------------------------------------------------------------
// Conformance runs

py::dict resultDict(const conformance::TestResult& t) {
  py::list verdicts;
  for (const auto& v : t.verdicts)
    verdicts.append(py::dict("clause"_a = v.clause, "outcome"_a = conformance::outcomeName(v.outcome),
                             "evidence"_a = v.evidence));
  return py::dict("id"_a = t.id, "config"_a = t.config, "target"_a = conformance::directionName(t.target),
                  "kind"_a = t.kind, "outcome"_a = conformance::outcomeName(t.outcome),
                  "expected"_a = conformance::outcomeName(t.expected), "expectation_reason"_a = t.expectationReason,
                  "clauses"_a = t.clauses, "verdicts"_a = verdicts, "message"_a = t.message, "evidence"_a = t.evidence,
                  "duration_ms"_a = t.durationMs, "unexpected"_a = t.unexpected());
}

py::dict runConformance(const std::string& filter, const std::vector<std::string>& devices,
                        const std::vector<std::string>& transports, bool personalities, uint64_t seed,
                        std::optional<std::string> expectationsDir, std::optional<std::string> untestablePath,
                        std::optional<std::string> reportDir) {
  conformance::RunOptions ro;
  ro.seed = seed;
  ro.filter = filter;
  ro.configs = conformance::defaultConfigs(seed);
  if (personalities)
    for (const auto& c : conformance::personalityConfigs(seed)) ro.configs.push_back(c);
  for (const auto& t : transports) {
    model::TransportKind k;
    if (!model::parseTransport(t, &k)) throw ParamError("transports: unknown transport '" + t + "'");
  }
  std::vector<conformance::Config> keep;
  for (const auto& c : ro.configs) {
    const bool typeOk = devices.empty() || std::find(devices.begin(), devices.end(), c.deviceType) != devices.end();
    bool trOk = transports.empty();
    for (const auto& t : transports) {
      model::TransportKind k;
      model::parseTransport(t, &k);
      trOk = trOk || k == c.transport;
    }
    if (typeOk && trOk) keep.push_back(c);
  }
  ro.configs = keep;
  const std::string src = VSIM_SOURCE_DIR;
  ro.expectationsDir = expectationsDir ? *expectationsDir : (src.empty() ? "" : src + "/conformance/expectations");
  ro.untestablePath = untestablePath ? *untestablePath : (src.empty() ? "" : src + "/conformance/untestable.tsv");
  conformance::RunReport rep;
  try {
    rep = conformance::runSuite(ro);
  } catch (const std::invalid_argument& e) {
    throw ParamError(e.what());
  } catch (const std::exception& e) {
    throw SimError(std::string("conformance run: ") + e.what());
  }
  if (reportDir) {
    std::filesystem::create_directories(*reportDir);
    conformance::writeJson(rep, *reportDir + "/results.json");
    conformance::writeJUnit(rep, *reportDir + "/junit.xml");
  }
  py::list tests;
  for (const auto& t : rep.tests) tests.append(resultDict(t));
  py::list clauses;
  for (const auto& c : rep.clauses)
    clauses.append(py::dict("clause"_a = c.clause, "status"_a = c.status, "tests"_a = c.tests, "evidence"_a = c.evidence,
                            "area"_a = c.area, "target"_a = c.target, "strength"_a = c.strength,
                            "claimed_check"_a = c.claimedCheck, "killed"_a = c.killed));
  py::list coverage;
  for (const auto& a : rep.coverage)
    coverage.append(py::dict("area"_a = a.area, "direction"_a = a.direction, "must_total"_a = a.mustTotal,
                             "must_covered"_a = a.mustCovered, "must_passing"_a = a.mustPassing,
                             "untestable"_a = a.untestable));
  return py::dict("spec_version"_a = rep.specVersion, "spec_commit"_a = rep.specCommit, "seed"_a = rep.seed,
                  "configs"_a = rep.configs, "tests"_a = tests, "clauses"_a = clauses, "coverage"_a = coverage,
                  "claimed_checks"_a = rep.claimedChecks, "killed_checks"_a = rep.killedChecks,
                  "stale_expectations"_a = rep.staleExpectations, "unexpected"_a = rep.unexpected,
                  "wall_seconds"_a = rep.wallSeconds, "ok"_a = rep.ok());
}

}  // namespace
}  // namespace vsim::pysim

PYBIND11_MODULE(_virtio_sim, m) {
  using namespace vsim;
  using namespace vsim::pysim;
  m.doc() = "virtio-sim bindings (use the `virtio_sim` package, which wraps and documents these).";

  // --- exceptions --------------------------------------------------------------------------------------------
  static py::exception<SimError> simError(m, "SimulationError", PyExc_RuntimeError);
  static py::exception<ClosedError> closedError(m, "ClosedError", simError.ptr());
  static py::exception<ParamError> paramError(m, "ParameterError", PyExc_ValueError);
  simError.doc() = "Misuse of a simulation or a simulation-level failure.";
  closedError.doc() = "A simulation (or a handle of it) was used after close().";
  paramError.doc() = "A parameter name or value the model does not accept.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ClosedError& e) {
      closedError(e.what());
    } catch (const SimError& e) {
      simError(e.what());
    } catch (const ParamError& e) {
      paramError(e.what());
    } catch (const Unsupported& e) {
      PyErr_SetString(PyExc_NotImplementedError, e.what());
    }
  });

  // --- parameter tables --------------------------------------------------------------------------------------
  m.def(
      "timing_parameters",
      [] {
        py::list out;
        const model::TimingParams d;
        for (const auto& i : model::TimingParams::info())
          out.append(paramDict(ParamInfo{i.name, fmtDouble(d.*(i.field)), i.unit, i.description}));
        return out;
      },
      "Every timing parameter (TimingParams::info()): name, default, unit, description.");
  m.def("layout_parameters", [] { return paramList(model::layoutParameters().infos()); },
        "Platform layout parameters (model::layoutParameters()).");
  m.def("pci_parameters", [] { return paramList(model::pciParameters().infos()); },
        "virtio-pci transport parameters (model::pciParameters()).");
  m.def("mmio_parameters", [] { return paramList(model::mmioParameters().infos()); },
        "virtio-mmio transport parameters (model::mmioParameters()).");
  m.def("core_parameters", [] { return paramList(model::coreParameters().infos()); },
        "Device core options (model::coreParameters()): suspend, refuse_invalid_features, personality.");
  m.def("driver_options", [] { return paramList(drv::driverOptionTable().infos()); },
        "Options of our built-in driver (drv::driverOptionTable()).");
  m.def(
      "device_types",
      [] {
        py::list out;
        for (const auto& [name, t] : model::deviceTypes()) {
          py::list opts;
          for (const auto& o : t.options)
            opts.append(paramDict(ParamInfo{o.name, o.defaultValue, o.unit, o.description}));
          out.append(py::dict("type"_a = name, "description"_a = t.description, "options"_a = opts,
                              "implemented"_a = typeImplemented(t)));
        }
        return out;
      },
      "Every device type of the registry (deviceTypes()) with its option table and whether it can be built.");
  m.def("personalities", [] { return model::Personality::catalogue(); },
        "Every single device personality (Personality::catalogue()).");
  m.def(
      "parse_personality",
      [](const std::string& s) {
        try {
          return model::Personality::parse(s).name();
        } catch (const std::invalid_argument& e) {
          throw ParamError(std::string("personality: ") + e.what());
        }
      },
      "Canonical name of a personality spec ('a,b=N'); ParameterError when it is not valid.", "spec"_a);
  m.def("transports",
        [] {
          return std::vector<std::string>{"pci-modern", "pci-legacy", "pci-transitional", "mmio-v2", "mmio-v1"};
        },
        "Transport names.");
  m.def(
      "feature_bits",
      [] {
        namespace f = vsim::feat;
        return std::map<std::string, unsigned>{
            {"INDIRECT_DESC", f::kIndirectDesc}, {"EVENT_IDX", f::kEventIdx},       {"VERSION_1", f::kVersion1},
            {"ACCESS_PLATFORM", f::kAccessPlatform}, {"RING_PACKED", f::kRingPacked}, {"IN_ORDER", f::kInOrder},
            {"ORDER_PLATFORM", f::kOrderPlatform}, {"SR_IOV", f::kSrIov}, {"NOTIFICATION_DATA", f::kNotificationData},
            {"NOTIF_CONFIG_DATA", f::kNotifConfigData}, {"RING_RESET", f::kRingReset}, {"ADMIN_VQ", f::kAdminVq}};
      },
      "Reserved (transport/ring) feature bit numbers by name.");
  m.def(
      "status_bits",
      [] {
        namespace s = vsim::status;
        return std::map<std::string, unsigned>{{"ACKNOWLEDGE", s::kAcknowledge}, {"DRIVER", s::kDriver},
                                               {"DRIVER_OK", s::kDriverOk},       {"FEATURES_OK", s::kFeaturesOk},
                                               {"SUSPEND", s::kSuspend},         {"DEVICE_NEEDS_RESET", s::kDeviceNeedsReset},
                                               {"FAILED", s::kFailed}};
      },
      "Device status bits by name.");
  m.def(
      "ring_flags",
      [] {
        return std::map<std::string, unsigned>{
            {"DESC_F_NEXT", split::kDescFNext},          {"DESC_F_WRITE", split::kDescFWrite},
            {"DESC_F_INDIRECT", split::kDescFIndirect},  {"AVAIL_F_NO_INTERRUPT", split::kAvailFNoInterrupt},
            {"USED_F_NO_NOTIFY", split::kUsedFNoNotify}, {"PACKED_DESC_F_AVAIL", packed::kDescFAvail},
            {"PACKED_DESC_F_USED", packed::kDescFUsed},  {"EVENT_FLAGS_ENABLE", packed::kEventFlagsEnable},
            {"EVENT_FLAGS_DISABLE", packed::kEventFlagsDisable}, {"EVENT_FLAGS_DESC", packed::kEventFlagsDesc}};
      },
      "Ring flag values (split and packed) by name.");
  m.def(
      "register_offsets",
      [] {
        namespace c = vsim::pci::common;
        namespace l = vsim::pci::legacy;
        namespace mm = vsim::mmio;
        using Map = std::map<std::string, uint32_t>;
        return std::map<std::string, Map>{
            {"pci_common",
             Map{{"device_feature_select", c::kDeviceFeatureSelect}, {"device_feature", c::kDeviceFeature},
                 {"driver_feature_select", c::kDriverFeatureSelect}, {"driver_feature", c::kDriverFeature},
                 {"config_msix_vector", c::kConfigMsixVector}, {"num_queues", c::kNumQueues},
                 {"device_status", c::kDeviceStatus}, {"config_generation", c::kConfigGeneration},
                 {"queue_select", c::kQueueSelect}, {"queue_size", c::kQueueSize},
                 {"queue_msix_vector", c::kQueueMsixVector}, {"queue_enable", c::kQueueEnable},
                 {"queue_notify_off", c::kQueueNotifyOff}, {"queue_desc", c::kQueueDesc},
                 {"queue_driver", c::kQueueDriver}, {"queue_device", c::kQueueDevice},
                 {"queue_notif_config_data", c::kQueueNotifConfigData}, {"queue_reset", c::kQueueReset}}},
            {"pci_legacy",
             Map{{"host_features", l::kHostFeatures}, {"guest_features", l::kGuestFeatures}, {"queue_pfn", l::kQueuePfn},
                 {"queue_num", l::kQueueNum}, {"queue_sel", l::kQueueSel}, {"queue_notify", l::kQueueNotify},
                 {"status", l::kStatus}, {"isr", l::kIsr}, {"config_msix_vector", l::kConfigMsixVector},
                 {"queue_msix_vector", l::kQueueMsixVector}, {"device_config_no_msix", l::kDeviceConfigNoMsix},
                 {"device_config_msix", l::kDeviceConfigMsix}}},
            {"mmio",
             Map{{"magic_value", mm::kMagicValue}, {"version", mm::kVersion}, {"device_id", mm::kDeviceId},
                 {"vendor_id", mm::kVendorId}, {"device_features", mm::kDeviceFeatures},
                 {"device_features_sel", mm::kDeviceFeaturesSel}, {"driver_features", mm::kDriverFeatures},
                 {"driver_features_sel", mm::kDriverFeaturesSel}, {"guest_page_size", mm::kGuestPageSize},
                 {"queue_sel", mm::kQueueSel}, {"queue_num_max", mm::kQueueNumMax}, {"queue_num", mm::kQueueNum},
                 {"queue_align", mm::kQueueAlign}, {"queue_pfn", mm::kQueuePfn}, {"queue_ready", mm::kQueueReady},
                 {"queue_notify", mm::kQueueNotify}, {"interrupt_status", mm::kInterruptStatus},
                 {"interrupt_ack", mm::kInterruptAck}, {"status", mm::kStatus}, {"queue_desc_low", mm::kQueueDescLow},
                 {"queue_desc_high", mm::kQueueDescHigh}, {"queue_driver_low", mm::kQueueDriverLow},
                 {"queue_driver_high", mm::kQueueDriverHigh}, {"queue_device_low", mm::kQueueDeviceLow},
                 {"queue_device_high", mm::kQueueDeviceHigh}, {"queue_reset", mm::kQueueReset},
                 {"config_generation", mm::kConfigGeneration}, {"config", mm::kConfig}}}};
      },
      "Register offsets by transport (pci_common: the common configuration structure; pci_legacy: the legacy "
      "I/O BAR0 header; mmio: the virtio-mmio window).");
  m.def(
      "device_ids",
      [] {
        namespace d = vsim::devid;
        return std::map<std::string, unsigned>{{"net", d::kNet},       {"blk", d::kBlock},   {"console", d::kConsole},
                                               {"rng", d::kEntropy},   {"balloon", d::kBalloon}, {"scsi", d::kScsi},
                                               {"9p", d::k9p},         {"gpu", d::kGpu},     {"input", d::kInput},
                                               {"vsock", d::kVsock}};
      },
      "Virtio device IDs by short name.");

  // --- clause catalogue --------------------------------------------------------------------------------------
  m.def("is_valid_clause", [](const std::string& id) { return clauses::isValidId(id); }, "id"_a,
        "True if the ID names a statement of the clause catalogue.");
  m.def(
      "clause_info",
      [](const std::string& id) -> py::object {
        const clauses::Statement* s = clauses::find(id);
        if (!s) return py::none();
        return py::dict("id"_a = std::string(s->id), "block"_a = std::string(s->block),
                        "keyword"_a = std::string(s->keyword), "strength"_a = std::string(s->strength),
                        "target"_a = std::string(s->target), "section"_a = std::string(s->section),
                        "chapter"_a = std::string(s->chapter), "n"_a = s->n);
      },
      "id"_a, "The catalogue entry of a clause ID (no spec text), or None.");
  m.def(
      "clauses_in_block",
      [](const std::string& label) {
        std::vector<std::string> out;
        for (const auto* s : clauses::inBlock(label)) out.emplace_back(s->id);
        return out;
      },
      "label"_a, "The statement IDs of a normative block.");
  m.def("spec_version", [] { return std::string(clauses::specVersion()); });
  m.def("typed_drivers", &typedDrivers, "Device types whose typed driver (high-level operations) is bound.");

  m.def("run_conformance", &runConformance, "filter"_a = "*", "devices"_a = std::vector<std::string>{},
        "transports"_a = std::vector<std::string>{}, "personalities"_a = false, "seed"_a = 1,
        "expectations_dir"_a = py::none(), "untestable_path"_a = py::none(), "report_dir"_a = py::none(),
        "Run the clause-indexed conformance suite (runSuite) and return its report as a dict.");

  // --- the simulation ----------------------------------------------------------------------------------------
  py::class_<Sim, std::shared_ptr<Sim>> simClass(m, "Sim", "One simulated platform (use virtio_sim.Simulation).");
  bindHost(simClass);
  simClass
      .def(py::init([](const py::list& devices, const std::map<std::string, double>& timing,
                       const std::map<std::string, std::string>& layout, uint64_t seed, const std::string& mode,
                       bool manual, const std::string& trace, const std::string& vcd) {
             return std::make_shared<Sim>(simConfigFrom(devices, timing, layout, seed, mode, manual, trace, vcd));
           }),
           "devices"_a, "timing"_a, "layout"_a, "seed"_a, "mode"_a, "manual"_a, "trace_path"_a, "vcd_path"_a)
      .def("close", &Sim::close)
      .def_property_readonly("closed", &Sim::closed)
      .def_property_readonly("mode", [](const Sim& s) { return std::string(modeName(s.mode())); })
      .def_property_readonly("manual", [](const Sim& s) { return s.config().manual; })
      .def_property_readonly("seed", [](const Sim& s) { return s.config().seed; })
      .def_property_readonly("num_devices", [](Sim& s) { return s.board().numDevices(); })
      .def_property_readonly("dma_base", &Sim::dmaBase)
      .def_property_readonly("dma_size", &Sim::dmaSize)
      .def("timing", [](Sim& s) {
        py::dict out;
        const auto& p = s.board().timing().params();
        for (const auto& i : model::TimingParams::info()) out[i.name] = p.*(i.field);
        return out;
      })
      // CPU and time
      .def("read", [](Sim& s, uint64_t addr, unsigned width, const std::string& space) {
        return s.read(parseSpace(space), addr, width);
      }, "addr"_a, "width"_a, "space"_a = "mem")
      .def("write", [](Sim& s, uint64_t addr, uint64_t value, unsigned width, const std::string& space) {
        s.write(parseSpace(space), addr, value, width);
      }, "addr"_a, "value"_a, "width"_a, "space"_a = "mem")
      .def("now_ps", &Sim::nowPs)
      .def("run", &Sim::run, "ns"_a)
      .def("wait_for_interrupt", &Sim::waitForInterrupt, "timeout_ns"_a)
      .def("step", &Sim::step)
      .def("process_all", &Sim::processAll)
      .def("interrupt_lines", &Sim::interruptLines)
      .def("pop_msi", &Sim::popMsi)
      // memory
      .def("read_mem", [](Sim& s, uint64_t gpa, uint64_t len) { return toBytes(s.readMem(gpa, len)); }, "gpa"_a, "length"_a)
      .def("write_mem", [](Sim& s, uint64_t gpa, const py::bytes& b) { s.writeMem(gpa, fromBytes(b)); }, "gpa"_a, "data"_a)
      .def("alloc", &Sim::alloc, "length"_a, "align"_a = 16)
      .def("unreachable_address", &Sim::unreachableAddress, "length"_a = 4096)
      // driver stack
      .def("discover", [](Sim& s, bool again) {
        py::list out;
        const auto& f = s.discover(again);
        for (size_t i = 0; i < f.size(); ++i) out.append(foundDict(f[i], i));
        return out;
      }, "again"_a = false)
      .def("found_index_of", &Sim::foundIndexOf, "device"_a)
      .def("open", [](const SimPtr& s, size_t found, const std::map<std::string, std::string>& opts,
                      const std::string& kind) { return openTyped(s, found, driverOptionsFrom(opts), kind); },
           "found"_a, "options"_a, "kind"_a = "")
      .def("transport", [](const SimPtr& s, size_t found, bool forceLegacy) {
        return TransportHandle{s, s->transport(found, forceLegacy)};
      }, "found"_a, "force_legacy"_a = false)
      .def("split_ring", [](const SimPtr& s, uint32_t size, uint32_t legacyAlign) {
        if (size == 0 || size > 32768) throw ParamError("size: a split ring has 1..32768 entries");
        drv::RingAddrs a;
        a.size = size;
        if (legacyAlign) {
          if (legacyAlign & (legacyAlign - 1)) throw ParamError("legacy_align: must be a power of two");
          const auto l = drv::legacySplitLayout(size, legacyAlign);
          a.desc = s->alloc(l.totalBytes, legacyAlign);
          a.driver = a.desc + l.availOff;
          a.device = a.desc + l.usedOff;
        } else {
          a.desc = s->alloc(16ull * size, 16);
          a.driver = s->alloc(6 + 2ull * size, 2);
          a.device = s->alloc(6 + 8ull * size, 4);
        }
        return SplitRingHandle{s, std::make_shared<drv::RawSplitRing>(s->board().ram(), a)};
      }, "size"_a, "legacy_align"_a = 0)
      .def("packed_ring", [](const SimPtr& s, uint32_t size) {
        if (size == 0 || size > 32768) throw ParamError("size: a packed ring has 1..32768 entries");
        drv::RingAddrs a;
        a.size = size;
        a.desc = s->alloc(16ull * size, 16);
        a.driver = s->alloc(4, 4);
        a.device = s->alloc(4, 4);
        return PackedRingHandle{s, std::make_shared<drv::RawPackedRing>(s->board().ram(), a)};
      }, "size"_a)
      .def("split_ring_at", [](const SimPtr& s, uint32_t size, uint64_t desc, uint64_t driver, uint64_t device) {
        return SplitRingHandle{s, std::make_shared<drv::RawSplitRing>(s->board().ram(), drv::RingAddrs{size, desc, driver, device})};
      }, "size"_a, "desc"_a, "driver"_a, "device"_a)
      .def("packed_ring_at", [](const SimPtr& s, uint32_t size, uint64_t desc, uint64_t driver, uint64_t device) {
        return PackedRingHandle{s, std::make_shared<drv::RawPackedRing>(s->board().ram(), drv::RingAddrs{size, desc, driver, device})};
      }, "size"_a, "desc"_a, "driver"_a, "device"_a)
      // faults
      .def("inject_dma_error", &Sim::injectDmaError, "device"_a, "gpa"_a, "length"_a, "count"_a)
      .def("clear_dma_errors", &Sim::clearDmaErrors, "device"_a)
      .def("dma_errors", [](Sim& s, size_t dev) {
        auto& b = s.board();
        if (dev >= b.numDevices()) throw ParamError("device " + std::to_string(dev) + ": no such device");
        py::list armed, hits;
        for (const auto& w : b.deviceMemory(dev).dmaFaults())
          armed.append(py::dict("gpa"_a = w.gpa, "length"_a = w.len, "hits"_a = w.hits,
                                "remaining"_a = w.remaining == GuestMemory::kFaultUntilCleared ? py::object(py::none())
                                                                                               : py::object(py::int_(w.remaining))));
        for (const auto& h : b.dmaFaultLog(dev))
          hits.append(py::dict("gpa"_a = h.gpa, "length"_a = h.len, "write"_a = h.write, "kind"_a = dmaKindName(h.kind),
                               "window_gpa"_a = h.windowGpa, "window_length"_a = h.windowLen));
        return py::dict("armed"_a = armed, "failed"_a = b.deviceMemory(dev).dmaFaultHits(), "log"_a = hits);
      }, "device"_a)
      .def("inject_reset", &Sim::injectReset, "device"_a)
      .def("inject_config_change", &Sim::injectConfigChange, "device"_a)
      .def("inject_needs_reset", &Sim::injectNeedsReset, "device"_a)
      // observation
      .def("violations", [](Sim& s) { return violationList(s.board().violations()); })
      .def("driver_violations", [](Sim& s) {
        s.check();
        return violationList(s.driverLog());
      })
      .def("clear_violations", [](Sim& s) {
        s.board().violations().clear();
        s.driverLog().clear();
      })
      .def("device_info", [](Sim& s, size_t i) {
        auto& b = s.board();
        if (i >= b.numDevices()) throw ParamError("device " + std::to_string(i) + ": no such device");
        model::DeviceCore& c = b.core(i);
        return py::dict("index"_a = i, "name"_a = b.deviceName(i), "type"_a = b.config().devices[i].type,
                        "device_id"_a = c.logic().deviceId(), "transport"_a = model::transportName(b.deviceTransport(i)),
                        "status"_a = c.status(), "needs_reset"_a = c.needsReset(), "driver_ok"_a = c.driverOk(),
                        "legacy"_a = c.legacy(), "offered_features"_a = c.offeredFeatures(),
                        "driver_features"_a = c.driverFeatures(), "negotiated_features"_a = c.negotiated(),
                        "config_generation"_a = c.configGeneration(), "config_size"_a = c.configSize(),
                        "num_queues"_a = c.numQueues());
      }, "device"_a)
      .def("device_config", [](Sim& s, size_t i, uint32_t off, uint32_t len) {
        auto& b = s.board();
        if (i >= b.numDevices()) throw ParamError("device " + std::to_string(i) + ": no such device");
        model::DeviceCore& c = b.core(i);
        if (off > c.configSize() || len > c.configSize() - off)
          throw ParamError("device config [" + std::to_string(off) + ", +" + std::to_string(len) + ") is outside its " +
                           std::to_string(c.configSize()) + " bytes");
        std::vector<uint8_t> out(len);
        if (len) c.logic().readConfig(off, out.data(), len);  // the host's view: no side effects on the core
        return toBytes(out);
      }, "device"_a, "offset"_a, "length"_a)
      .def("queue_state", [](Sim& s, size_t i, uint16_t q) {
        auto& b = s.board();
        if (i >= b.numDevices()) throw ParamError("device " + std::to_string(i) + ": no such device");
        model::DeviceCore& c = b.core(i);
        if (q >= c.numQueues()) throw ParamError("queue " + std::to_string(q) + ": the device has " + std::to_string(c.numQueues()));
        const model::QueueState& st = c.queue(q);
        py::dict out("index"_a = q, "max_size"_a = st.maxSize, "size"_a = st.size, "desc"_a = st.desc,
                     "driver"_a = st.driver, "device"_a = st.device, "enabled"_a = st.enabled,
                     "pending"_a = c.pending(q));
        if (const model::DeviceQueue* e = c.engine(q)) {
          const auto& qs = e->stats();
          out["engine"] = py::dict("packed"_a = e->isPacked(), "broken"_a = e->broken(), "in_flight"_a = e->inFlight(),
                                   "configured"_a = e->configured(), "chains_popped"_a = qs.chainsPopped,
                                   "chains_used"_a = qs.chainsUsed, "descriptors_read"_a = qs.descriptorsRead,
                                   "notifications_sent"_a = qs.notificationsSent,
                                   "notifications_suppressed"_a = qs.notificationsSuppressed,
                                   "driver_notifications"_a = qs.driverNotifications, "violations"_a = qs.violations);
        } else {
          out["engine"] = py::none();
        }
        return out;
      }, "device"_a, "queue"_a)
      .def("stats", [](Sim& s, size_t i) {
        auto& b = s.board();
        if (i >= b.numDevices()) throw ParamError("device " + std::to_string(i) + ": no such device");
        const auto& cs = b.core(i).stats();
        model::DeviceTimer& t = b.timer(i);
        py::list queues;
        for (size_t q = 0; q < t.queues().size(); ++q) {
          const auto& qt = t.queues()[q];
          queues.append(py::dict("queue"_a = q, "dma"_a = dmaDict(qt.dma), "driver_notifications"_a = qt.driverNotifications,
                                 "used_interrupts"_a = qt.usedInterrupts, "requests"_a = qt.requests,
                                 "latency_min_ps"_a = qt.requests ? qt.latencyMinPs : 0,
                                 "latency_max_ps"_a = qt.latencyMaxPs,
                                 "latency_avg_ps"_a = qt.requests ? qt.latencySumPs / qt.requests : 0));
        }
        return py::dict("driver_notifications"_a = cs.driverNotifications, "used_notifications"_a = cs.usedNotifications,
                        "config_notifications"_a = cs.configNotifications, "chains_done"_a = cs.chainsDone,
                        "resets"_a = cs.resets, "suspends"_a = cs.suspends, "resumes"_a = cs.resumes, "config_interrupts"_a = t.configInterrupts(), "dma"_a = dmaDict(t.total()),
                        "queues"_a = queues);
      }, "device"_a)
      .def("flush_trace", &Sim::flushTrace);

  // --- our driver --------------------------------------------------------------------------------------------
  py::class_<DriverHandle>(m, "Driver", "Our generic virtio driver (drv::Device) on one device.")
      .def_property_readonly("state", [](const DriverHandle& h) { return std::string(drv::deviceStateName(h.d().state())); })
      .def_property_readonly("failure", [](const DriverHandle& h) { return h.d().failure(); })
      .def_property_readonly("live", [](const DriverHandle& h) { return h.d().live(); })
      .def_property_readonly("legacy", [](const DriverHandle& h) { return h.d().legacy(); })
      .def_property_readonly("device_type", [](const DriverHandle& h) { return h.d().deviceType(); })
      .def_property_readonly("features", [](const DriverHandle& h) { return h.d().features(); })
      .def_property_readonly("offered_features", [](const DriverHandle& h) { return h.d().offeredFeatures(); })
      .def_property_readonly("driver_status", [](const DriverHandle& h) { return h.d().driverStatus(); })
      .def_property_readonly("num_queues", [](const DriverHandle& h) { return h.d().numQueues(); })
      .def_property_readonly("location", [](const DriverHandle& h) { return h.d().transport().location(); })
      .def_property_readonly("transport_kind", [](const DriverHandle& h) {
        return std::string(drv::transportKindName(h.d().transport().kind()));
      })
      .def_property_readonly("config_changes", [](const DriverHandle& h) { return h.d().configChanges(); })
      .def_property_readonly("is_rng", [](const DriverHandle& h) { return h.rng != nullptr; })
      .def("init", [](DriverHandle& h) {
        bool ok = false;
        drv::Device& d = h.d();
        h.sim->exec([&](model::CpuPort&) { ok = d.init(); });
        return ok;
      })
      .def("recover", [](DriverHandle& h) {
        std::vector<std::pair<uint16_t, uint64_t>> dropped;
        bool ok = false;
        drv::Device& d = h.d();
        h.sim->exec([&](model::CpuPort&) {
          ok = d.recover([&](uint16_t q, uint64_t c) { dropped.emplace_back(q, c); });
        });
        return std::make_pair(ok, dropped);
      })
      .def("shutdown", [](DriverHandle& h) {
        drv::Device& d = h.d();
        h.sim->exec([&](model::CpuPort&) { d.shutdown(); });
      })
      .def("kick", [](DriverHandle& h, uint16_t q) {
        drv::Device& d = h.d();
        if (q >= d.numQueues()) throw ParamError("queue " + std::to_string(q) + ": the driver set up " + std::to_string(d.numQueues()));
        bool r = false;
        h.sim->exec([&](model::CpuPort&) { r = d.kick(q); });
        return r;
      }, "queue"_a)
      .def("poll", [](DriverHandle& h) {
        unsigned n = 0;
        drv::Device& d = h.d();
        h.sim->exec([&](model::CpuPort&) { n = d.poll(); });
        return n;
      })
      .def("check_status", [](DriverHandle& h) {
        bool r = false;
        drv::Device& d = h.d();
        h.sim->exec([&](model::CpuPort&) { r = d.checkStatus(); });
        return r;
      })
      .def("suspend", [](DriverHandle& h) {
        bool r = false;
        drv::Device& d = h.d();
        h.sim->exec([&](model::CpuPort&) { r = d.suspend(); });
        return r;
      })
      .def("resume", [](DriverHandle& h) {
        bool r = false;
        drv::Device& d = h.d();
        h.sim->exec([&](model::CpuPort&) { r = d.resume(); });
        return r;
      })
      .def("reset_queue", [](DriverHandle& h, uint16_t q) {
        bool r = false;
        drv::Device& d = h.d();
        if (q >= d.numQueues()) throw ParamError("queue " + std::to_string(q) + ": the driver set up " + std::to_string(d.numQueues()));
        h.sim->exec([&](model::CpuPort&) { r = d.resetQueue(q); });
        return r;
      }, "queue"_a)
      .def("read_config", [](DriverHandle& h, uint32_t off, uint32_t len) {
        std::vector<uint8_t> buf(len);
        bool ok = false;
        drv::Device& d = h.d();
        h.sim->exec([&](model::CpuPort&) { ok = d.readConfig(off, buf.data(), len); });
        if (!ok) throw SimError("no consistent configuration snapshot could be read (the driver's violations say why)");
        return toBytes(buf);
      }, "offset"_a, "length"_a)
      .def("write_config", [](DriverHandle& h, uint32_t off, const py::bytes& b) {
        auto v = fromBytes(b);
        drv::Device& d = h.d();
        h.sim->exec([&](model::CpuPort&) { d.writeConfig(off, v.data(), v.size()); });
      }, "offset"_a, "data"_a)
      .def("queue", [](const DriverHandle& h, uint16_t q) {
        drv::Device& d = h.d();
        if (q >= d.numQueues()) throw ParamError("queue " + std::to_string(q) + ": the driver set up " + std::to_string(d.numQueues()));
        return QueueHandle{h.sim, h.dev, q};
      }, "queue"_a)
      .def("rng_read", [](DriverHandle& h, size_t n, uint64_t timeoutNs) {
        h.sim->check();
        if (!h.rng) throw ParamError("rng_read: this driver was not opened as an entropy driver");
        std::vector<uint8_t> buf(n);
        size_t got = 0;
        h.sim->exec([&](model::CpuPort&) { got = h.rng->read(buf.data(), n, timeoutNs); });
        buf.resize(got);
        return toBytes(buf);
      }, "length"_a, "timeout_ns"_a)
      .def_property_readonly("rng_requests", [](const DriverHandle& h) {
        h.sim->check();
        return h.rng ? h.rng->requests() : 0;
      })
      .def_property_readonly("typed", [](const DriverHandle& h) { return h.typed; })
#if VSIM_PY_HAVE_BLK
      .def("blk_read", [](DriverHandle& h, uint64_t sector, size_t bytes, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        std::vector<uint8_t> buf(bytes);
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.read(sector, buf.data(), bytes, queue); });
        return py::make_tuple(std::string(drv::blkStatusName(st)), toBytes(buf));
      }, "sector"_a, "length"_a, "queue"_a = -1)
      .def("blk_write", [](DriverHandle& h, uint64_t sector, const py::bytes& data, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        auto v = fromBytes(data);
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.write(sector, v.data(), v.size(), queue); });
        return std::string(drv::blkStatusName(st));
      }, "sector"_a, "data"_a, "queue"_a = -1)
      .def("blk_flush", [](DriverHandle& h, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.flush(queue); });
        return std::string(drv::blkStatusName(st));
      }, "queue"_a = -1)
      .def("blk_get_id", [](DriverHandle& h, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        std::string id;
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.getId(&id, queue); });
        return py::make_tuple(std::string(drv::blkStatusName(st)), id);
      }, "queue"_a = -1)
      .def("blk_get_lifetime", [](DriverHandle& h, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        drv::BlkLifetime lt;
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.getLifetime(&lt, queue); });
        return py::make_tuple(std::string(drv::blkStatusName(st)),
                              py::dict("pre_eol_info"_a = lt.preEolInfo, "lifetime_a"_a = lt.lifetimeA,
                                       "lifetime_b"_a = lt.lifetimeB));
      }, "queue"_a = -1)
      .def("blk_discard", [](DriverHandle& h, const std::vector<std::tuple<uint64_t, uint32_t, bool>>& ranges, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        const auto r = blkRanges(ranges);
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.discard(r, queue); });
        return std::string(drv::blkStatusName(st));
      }, "ranges"_a, "queue"_a = -1)
      .def("blk_write_zeroes", [](DriverHandle& h, const std::vector<std::tuple<uint64_t, uint32_t, bool>>& ranges, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        const auto r = blkRanges(ranges);
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.writeZeroes(r, queue); });
        return std::string(drv::blkStatusName(st));
      }, "ranges"_a, "queue"_a = -1)
      .def("blk_secure_erase", [](DriverHandle& h, const std::vector<std::tuple<uint64_t, uint32_t, bool>>& ranges, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        const auto r = blkRanges(ranges);
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.secureErase(r, queue); });
        return std::string(drv::blkStatusName(st));
      }, "ranges"_a, "queue"_a = -1)
      .def("blk_zone_report", [](DriverHandle& h, uint64_t sector, uint32_t maxZones, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        std::vector<drv::BlkZoneInfo> z;
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.zoneReport(sector, &z, maxZones, queue); });
        py::list zones;
        for (const auto& x : z)
          zones.append(py::dict("cap"_a = x.cap, "start"_a = x.start, "wp"_a = x.wp, "type"_a = x.type, "state"_a = x.state));
        return py::make_tuple(std::string(drv::blkStatusName(st)), zones);
      }, "sector"_a = 0, "max_zones"_a = 64, "queue"_a = -1)
      .def("blk_zone_op", [](DriverHandle& h, const std::string& op, uint64_t zoneStart, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        if (op != "open" && op != "close" && op != "finish" && op != "reset" && op != "reset_all")
          throw ParamError("blk_zone_op: op is open, close, finish, reset or reset_all");
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) {
          if (op == "open") st = b.zoneOpen(zoneStart, queue);
          else if (op == "close") st = b.zoneClose(zoneStart, queue);
          else if (op == "finish") st = b.zoneFinish(zoneStart, queue);
          else if (op == "reset") st = b.zoneReset(zoneStart, queue);
          else st = b.zoneResetAll(queue);
        });
        return std::string(drv::blkStatusName(st));
      }, "op"_a, "zone_start"_a = 0, "queue"_a = -1)
      .def("blk_zone_append", [](DriverHandle& h, uint64_t zoneStart, const py::bytes& data, int queue) {
        auto& b = h.as<drv::BlkDriver>("blk");
        auto v = fromBytes(data);
        uint64_t at = 0;
        drv::BlkStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = b.zoneAppend(zoneStart, v.data(), v.size(), &at, queue); });
        return py::make_tuple(std::string(drv::blkStatusName(st)), at);
      }, "zone_start"_a, "data"_a, "queue"_a = -1)
      .def("blk_set_writeback", [](DriverHandle& h, bool on) {
        auto& b = h.as<drv::BlkDriver>("blk");
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = b.setWriteback(on); });
        return ok;
      }, "on"_a)
      .def("blk_writeback_enabled", [](DriverHandle& h) {
        auto& b = h.as<drv::BlkDriver>("blk");
        bool on = false;
        h.sim->exec([&](model::CpuPort&) { on = b.writebackEnabled(); });
        return on;
      })
      .def("blk_refresh_config", [](DriverHandle& h) {
        auto& b = h.as<drv::BlkDriver>("blk");
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = b.refreshConfig(); });
        return ok;
      })
      .def_property_readonly("blk_config", [](const DriverHandle& h) {
        const drv::BlkConfig& c = h.as<drv::BlkDriver>("blk").config();
        return py::dict("capacity"_a = c.capacity, "size_max"_a = c.sizeMax, "seg_max"_a = c.segMax,
                        "cylinders"_a = c.cylinders, "heads"_a = c.heads, "sectors"_a = c.sectors,
                        "blk_size"_a = c.blkSize, "physical_block_exp"_a = c.physicalBlockExp,
                        "alignment_offset"_a = c.alignmentOffset, "min_io_size"_a = c.minIoSize,
                        "opt_io_size"_a = c.optIoSize, "writeback"_a = c.writeback, "num_queues"_a = c.numQueues,
                        "max_discard_sectors"_a = c.maxDiscardSectors, "max_discard_seg"_a = c.maxDiscardSeg,
                        "discard_sector_alignment"_a = c.discardSectorAlignment,
                        "max_write_zeroes_sectors"_a = c.maxWriteZeroesSectors,
                        "max_write_zeroes_seg"_a = c.maxWriteZeroesSeg, "write_zeroes_may_unmap"_a = c.writeZeroesMayUnmap,
                        "max_secure_erase_sectors"_a = c.maxSecureEraseSectors,
                        "max_secure_erase_seg"_a = c.maxSecureEraseSeg,
                        "secure_erase_sector_alignment"_a = c.secureEraseSectorAlignment,
                        "zone_sectors"_a = c.zoneSectors, "max_open_zones"_a = c.maxOpenZones,
                        "max_active_zones"_a = c.maxActiveZones, "max_append_sectors"_a = c.maxAppendSectors,
                        "write_granularity"_a = c.writeGranularity, "zoned_model"_a = c.zonedModel);
      })
      .def_property_readonly("blk_num_queues", [](const DriverHandle& h) { return h.as<drv::BlkDriver>("blk").numQueues(); })
      .def_property_readonly("blk_max_request_bytes", [](const DriverHandle& h) {
        return h.as<drv::BlkDriver>("blk").maxRequestBytes();
      })
      .def_property_readonly("blk_stats", [](const DriverHandle& h) {
        const auto& st = h.as<drv::BlkDriver>("blk").stats();
        return py::dict("requests"_a = st.requests, "bytes_read"_a = st.bytesRead, "bytes_written"_a = st.bytesWritten,
                        "flushes"_a = st.flushes, "errors"_a = st.errors);
      })
      .def_property_readonly("blk_capacity", [](const DriverHandle& h) { return h.as<drv::BlkDriver>("blk").capacity(); })
      .def_property_readonly("blk_read_only", [](const DriverHandle& h) { return h.as<drv::BlkDriver>("blk").readOnly(); })
#endif
#if VSIM_PY_HAVE_NET
      .def("net_send", [](DriverHandle& h, const py::bytes& frame, uint64_t timeoutNs, uint16_t pair) {
        auto& n = h.as<drv::NetDriver>("net");
        auto v = fromBytes(frame);
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = n.send(v.data(), v.size(), {}, pair, timeoutNs); });
        return ok;
      }, "frame"_a, "timeout_ns"_a, "pair"_a = 0)
      .def("net_poll", [](DriverHandle& h) {
        auto& n = h.as<drv::NetDriver>("net");
        size_t waiting = 0;
        h.sim->exec([&](model::CpuPort&) { waiting = n.poll(); });
        return waiting;
      })
      .def("net_refresh_config", [](DriverHandle& h) {
        auto& n = h.as<drv::NetDriver>("net");
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = n.refreshConfig(); });
        return ok;
      })
      .def_property_readonly("net_config", [](const DriverHandle& h) {
        const drv::NetConfig& c = h.as<drv::NetDriver>("net").config();
        return py::dict("mac"_a = macBytes(c.mac), "status"_a = c.status, "max_virtqueue_pairs"_a = c.maxVirtqueuePairs,
                        "mtu"_a = c.mtu, "speed"_a = c.speed, "duplex"_a = c.duplex);
      })
      .def_property_readonly("net_queue_pairs", [](const DriverHandle& h) { return h.as<drv::NetDriver>("net").queuePairs(); })
      .def_property_readonly("net_active_pairs", [](const DriverHandle& h) { return h.as<drv::NetDriver>("net").activePairs(); })
      .def_property_readonly("net_max_frame", [](const DriverHandle& h) { return h.as<drv::NetDriver>("net").maxFrame(); })
      .def_property_readonly("net_mergeable", [](const DriverHandle& h) { return h.as<drv::NetDriver>("net").mergeable(); })
      .def_property_readonly("net_stats", [](const DriverHandle& h) {
        const auto& st = h.as<drv::NetDriver>("net").stats();
        return py::dict("frames_sent"_a = st.framesSent, "bytes_sent"_a = st.bytesSent,
                        "frames_received"_a = st.framesReceived, "bytes_received"_a = st.bytesReceived,
                        "merged_frames"_a = st.mergedFrames, "rx_dropped"_a = st.rxDropped,
                        "announces_answered"_a = st.announcesAnswered, "config_changes"_a = st.configChanges);
      })
#define VSIM_NET_CTRL(name, call, ...)                                  \
  .def(name, [](DriverHandle& h __VA_OPT__(,) __VA_ARGS__) {            \
    auto& n = h.as<drv::NetDriver>("net");                              \
    drv::CtrlStatus st{};                                               \
    h.sim->exec([&](model::CpuPort&) { st = call; });                   \
    return std::string(drv::ctrlStatusName(st));                        \
  })
      VSIM_NET_CTRL("net_set_rx_mode", n.setRxMode(command, on), uint8_t command, bool on)
      VSIM_NET_CTRL("net_set_all_multi", n.setAllMulti(on), bool on)
      VSIM_NET_CTRL("net_vlan_add", n.vlanAdd(vid), uint16_t vid)
      VSIM_NET_CTRL("net_vlan_del", n.vlanDel(vid), uint16_t vid)
      VSIM_NET_CTRL("net_announce_ack", n.announceAck())
      VSIM_NET_CTRL("net_set_queue_pairs", n.setQueuePairs(pairs), uint16_t pairs)
      VSIM_NET_CTRL("net_set_guest_offloads", n.setGuestOffloads(offloads), uint64_t offloads)
#undef VSIM_NET_CTRL
      .def("net_set_mac_address", [](DriverHandle& h, const py::bytes& mac) {
        auto& n = h.as<drv::NetDriver>("net");
        const drv::net::Mac address = macFrom(mac, "mac");
        drv::CtrlStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = n.setMacAddress(address); });
        return std::string(drv::ctrlStatusName(st));
      }, "mac"_a)
      .def("net_set_mac_table", [](DriverHandle& h, const std::vector<py::bytes>& unicast,
                                   const std::vector<py::bytes>& multicast) {
        auto& n = h.as<drv::NetDriver>("net");
        std::vector<drv::net::Mac> uni, multi;
        for (const auto& b : unicast) uni.push_back(macFrom(b, "unicast"));
        for (const auto& b : multicast) multi.push_back(macFrom(b, "multicast"));
        drv::CtrlStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = n.setMacTable(uni, multi); });
        return std::string(drv::ctrlStatusName(st));
      }, "unicast"_a, "multicast"_a)
      .def("net_raw_command", [](DriverHandle& h, uint8_t cls, uint8_t cmd, const std::vector<py::bytes>& parts) {
        auto& n = h.as<drv::NetDriver>("net");
        std::vector<std::vector<uint8_t>> data;
        for (const auto& b : parts) data.push_back(fromBytes(b));
        uint8_t ack = 0xff;
        drv::CtrlStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = n.rawCommand(cls, cmd, data, &ack); });
        return py::make_tuple(std::string(drv::ctrlStatusName(st)), ack);
      }, "cls"_a, "cmd"_a, "parts"_a)
      .def("net_receive", [](DriverHandle& h, uint64_t timeoutNs) -> py::object {
        auto& n = h.as<drv::NetDriver>("net");
        std::vector<uint8_t> f;
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = n.receive(&f, nullptr, timeoutNs); });
        if (!ok) return py::none();
        return toBytes(f);
      }, "timeout_ns"_a)
      .def("net_link_up", [](DriverHandle& h) {
        auto& n = h.as<drv::NetDriver>("net");
        bool up = false;
        h.sim->exec([&](model::CpuPort&) { up = n.linkUp(); });
        return up;
      })
      .def_property_readonly("net_mac", [](const DriverHandle& h) {
        const auto mac = h.as<drv::NetDriver>("net").mac();
        return py::bytes(reinterpret_cast<const char*>(mac.data()), mac.size());
      })
      .def("net_set_promisc", [](DriverHandle& h, bool on) {
        auto& n = h.as<drv::NetDriver>("net");
        drv::CtrlStatus st{};
        h.sim->exec([&](model::CpuPort&) { st = n.setPromisc(on); });
        return std::string(drv::ctrlStatusName(st));
      }, "on"_a)
#endif
#if VSIM_PY_HAVE_CONSOLE
      .def("console_write", [](DriverHandle& h, uint32_t port, const py::bytes& data, uint64_t timeoutNs) {
        auto& c = h.as<drv::ConsoleDriver>("console");
        auto v = fromBytes(data);
        size_t n = 0;
        h.sim->exec([&](model::CpuPort&) { n = c.write(port, v.data(), v.size(), timeoutNs); });
        return n;
      }, "port"_a, "data"_a, "timeout_ns"_a)
      .def("console_read", [](DriverHandle& h, uint32_t port, size_t max, uint64_t timeoutNs) {
        auto& c = h.as<drv::ConsoleDriver>("console");
        std::vector<uint8_t> buf(max);
        size_t n = 0;
        h.sim->exec([&](model::CpuPort&) { n = c.read(port, buf.data(), max, timeoutNs); });
        buf.resize(n);
        return toBytes(buf);
      }, "port"_a, "max"_a, "timeout_ns"_a)
      .def_property_readonly("console_ports", [](const DriverHandle& h) { return h.as<drv::ConsoleDriver>("console").ports(); })
      .def_property_readonly("console_multiport", [](const DriverHandle& h) {
        return h.as<drv::ConsoleDriver>("console").multiport();
      })
      .def_property_readonly("console_max_ports", [](const DriverHandle& h) {
        return h.as<drv::ConsoleDriver>("console").maxPorts();
      })
      .def("console_port", [](DriverHandle& h, uint32_t port) -> py::object {
        const drv::ConsolePortInfo* p = h.as<drv::ConsoleDriver>("console").port(port);
        if (!p) return py::none();
        return py::dict("id"_a = p->id, "ready"_a = p->ready, "console"_a = p->console, "host_open"_a = p->hostOpen,
                        "guest_open"_a = p->guestOpen, "name"_a = p->name, "cols"_a = p->cols, "rows"_a = p->rows);
      }, "port"_a)
      .def("console_service", [](DriverHandle& h) {
        auto& c = h.as<drv::ConsoleDriver>("console");
        unsigned n = 0;
        h.sim->exec([&](model::CpuPort&) { n = c.service(); });
        return n;
      })
      .def("console_wait_for_ports", [](DriverHandle& h, uint32_t n, uint64_t timeoutNs) {
        auto& c = h.as<drv::ConsoleDriver>("console");
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = c.waitForPorts(n, timeoutNs); });
        return ok;
      }, "count"_a, "timeout_ns"_a)
      .def("console_set_open", [](DriverHandle& h, uint32_t port, bool open) {
        auto& c = h.as<drv::ConsoleDriver>("console");
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = c.setOpen(port, open); });
        return ok;
      }, "port"_a, "open"_a)
      .def("console_size", [](DriverHandle& h) -> py::object {
        auto& c = h.as<drv::ConsoleDriver>("console");
        uint16_t cols = 0, rows = 0;
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = c.size(&cols, &rows); });
        if (!ok) return py::none();
        return py::make_tuple(cols, rows);
      })
      .def("console_emergency_write", [](DriverHandle& h, uint8_t ch) {
        auto& c = h.as<drv::ConsoleDriver>("console");
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = c.emergencyWrite(ch); });
        return ok;
      }, "char"_a)
      .def("console_pending", [](const DriverHandle& h, uint32_t port) {
        return h.as<drv::ConsoleDriver>("console").pending(port);
      }, "port"_a)
      .def("console_recover", [](DriverHandle& h) {
        auto& c = h.as<drv::ConsoleDriver>("console");
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = c.recover(); });
        return ok;
      })
#endif
#if VSIM_PY_HAVE_INPUT
      .def("input_read_events", [](DriverHandle& h, size_t max, uint64_t timeoutNs) {
        auto& in = h.as<drv::InputDriver>("input");
        std::vector<drv::input::Event> ev(max);
        size_t n = 0;
        h.sim->exec([&](model::CpuPort&) { n = in.readEvents(ev.data(), max, timeoutNs); });
        std::vector<std::tuple<uint16_t, uint16_t, int32_t>> out;
        for (size_t i = 0; i < n; ++i) out.emplace_back(ev[i].type, ev[i].code, ev[i].value);
        return out;
      }, "max"_a, "timeout_ns"_a)
      .def("input_send_status", [](DriverHandle& h, uint16_t type, uint16_t code, int32_t value, uint64_t timeoutNs) {
        auto& in = h.as<drv::InputDriver>("input");
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = in.sendStatus(drv::input::Event{type, code, value}, timeoutNs); });
        return ok;
      }, "type"_a, "code"_a, "value"_a, "timeout_ns"_a)
      .def_property_readonly("input_name", [](const DriverHandle& h) { return h.as<drv::InputDriver>("input").info().name; })
      .def_property_readonly("input_info", [](const DriverHandle& h) {
        const drv::InputInfo& i = h.as<drv::InputDriver>("input").info();
        py::dict ev, abs;
        for (const auto& [type, bits] : i.evBits)
          ev[py::int_(type)] = py::bytes(reinterpret_cast<const char*>(bits.data()), bits.size());
        for (const auto& [axis, a] : i.abs)
          abs[py::int_(axis)] = py::dict("min"_a = a.min, "max"_a = a.max, "fuzz"_a = a.fuzz, "flat"_a = a.flat,
                                         "res"_a = a.res);
        py::object devids = py::none();
        if (i.hasDevids)
          devids = py::dict("bustype"_a = i.devids.bustype, "vendor"_a = i.devids.vendor,
                            "product"_a = i.devids.product, "version"_a = i.devids.version);
        return py::dict("name"_a = i.name, "serial"_a = i.serial, "devids"_a = devids,
                        "props"_a = py::bytes(reinterpret_cast<const char*>(i.props.data()), i.props.size()),
                        "ev_bits"_a = ev, "abs"_a = abs);
      })
      .def("input_supports", [](const DriverHandle& h, uint16_t type, uint16_t code) {
        return h.as<drv::InputDriver>("input").info().supports(type, code);
      }, "type"_a, "code"_a)
      .def("input_query", [](DriverHandle& h, uint8_t select, uint8_t subsel) -> py::object {
        auto& in = h.as<drv::InputDriver>("input");
        drv::InputConfigAnswer a;
        bool ok = false;
        h.sim->exec([&](model::CpuPort&) { ok = in.query(select, subsel, &a); });
        if (!ok) return py::none();
        const size_t n = std::min<size_t>(a.size, a.data.size());
        return py::bytes(reinterpret_cast<const char*>(a.data.data()), n);
      }, "select"_a, "subsel"_a)
      .def_property_readonly("input_stats", [](const DriverHandle& h) {
        auto& in = h.as<drv::InputDriver>("input");
        return py::dict("events_received"_a = in.eventsReceived(), "short_events"_a = in.shortEvents(),
                        "status_sent"_a = in.statusSent());
      })
#endif
      ;

  py::class_<QueueHandle>(m, "DriverQueue", "One virtqueue of our driver (drv::DriverQueue).")
      .def("add", [](QueueHandle& h, const std::vector<std::tuple<uint64_t, uint32_t, bool>>& bufs, uint64_t cookie,
                     bool indirect) {
        auto b = toBufs(bufs);
        drv::DriverQueue& q = h.dq();
        int r = 0;
        h.sim->exec([&](model::CpuPort&) { r = q.add(b.data(), b.size(), cookie, indirect); });
        return r;
      }, "bufs"_a, "cookie"_a, "indirect"_a = false)
      .def("kick", [](QueueHandle& h) {
        bool r = false;
        h.dq();  // open, and the queue still exists
        drv::Device* d = h.dev;
        h.sim->exec([&](model::CpuPort&) { r = d->kick(h.q); });
        return r;
      })
      .def("get_used", [](QueueHandle& h) -> py::object {
        uint64_t c = 0;
        uint32_t l = 0;
        bool ok = false;
        drv::DriverQueue& q = h.dq();
        h.sim->exec([&](model::CpuPort&) { ok = q.getUsed(&c, &l); });
        if (!ok) return py::none();
        return py::make_tuple(c, l);
      })
      .def("has_used", [](QueueHandle& h) {
        bool r = false;
        drv::DriverQueue& q = h.dq();
        h.sim->exec([&](model::CpuPort&) { r = q.hasUsed(); });
        return r;
      })
      .def("disable_interrupts", [](QueueHandle& h) { h.dq().disableInterrupts(); })
      .def("enable_interrupts", [](QueueHandle& h) { return h.dq().enableInterrupts(); })
      .def_property_readonly("index", [](const QueueHandle& h) { return h.q; })
      .def_property_readonly("size", [](const QueueHandle& h) { return h.dq().size(); })
      .def_property_readonly("free_count", [](const QueueHandle& h) { return h.dq().freeCount(); })
      .def_property_readonly("in_flight", [](const QueueHandle& h) { return h.dq().inFlight(); })
      .def_property_readonly("broken", [](const QueueHandle& h) { return h.dq().broken(); })
      .def_property_readonly("packed", [](const QueueHandle& h) { return h.dq().isPacked(); })
      .def_property_readonly("notify_value", [](const QueueHandle& h) { return h.dq().notifyValue(); })
      .def_property_readonly("layout", [](const QueueHandle& h) {
        const auto& a = h.dq().layout();
        return py::dict("size"_a = a.size, "desc"_a = a.desc, "driver"_a = a.driver, "device"_a = a.device);
      });

  // --- raw transport -----------------------------------------------------------------------------------------
  py::class_<TransportHandle>(m, "Transport", "The register-level view of one device (drv::Transport), no policy.")
      .def_property_readonly("kind", [](const TransportHandle& h) { return std::string(drv::transportKindName(h.tr().kind())); })
      .def_property_readonly("legacy", [](const TransportHandle& h) { return h.tr().legacy(); })
      .def_property_readonly("device_type", [](const TransportHandle& h) { return h.tr().deviceType(); })
      .def_property_readonly("location", [](const TransportHandle& h) { return h.tr().location(); })
      .def_property_readonly("legacy_queue_align", [](const TransportHandle& h) { return h.tr().legacyQueueAlign(); })
      .def_property_readonly("queue_size_negotiable", [](const TransportHandle& h) { return h.tr().queueSizeNegotiable(); })
      .def_property_readonly("using_msix", [](const TransportHandle& h) { return h.tr().usingMsix(); })
      .def_property_readonly("has_config_generation", [](const TransportHandle& h) { return h.tr().hasConfigGeneration(); })
#define VSIM_TR_CALL(expr)                                    \
  do {                                                        \
    drv::Transport& t = h.tr();                               \
    h.sim->exec([&](model::CpuPort&) { expr; });              \
  } while (0)
      .def("status", [](TransportHandle& h) { uint8_t r = 0; VSIM_TR_CALL(r = t.status()); return r; })
      .def("set_status", [](TransportHandle& h, uint8_t v) { VSIM_TR_CALL(t.setStatus(v)); }, "status"_a)
      .def("reset", [](TransportHandle& h, uint64_t timeoutNs) { bool r = false; VSIM_TR_CALL(r = t.reset(timeoutNs)); return r; },
           "timeout_ns"_a = 100'000'000)
      .def("device_features", [](TransportHandle& h) { uint64_t r = 0; VSIM_TR_CALL(r = t.deviceFeatures()); return r; })
      .def("write_driver_features", [](TransportHandle& h, uint64_t f) { VSIM_TR_CALL(t.writeDriverFeatures(f)); }, "features"_a)
      .def("features_negotiated", [](TransportHandle& h, uint64_t f) { VSIM_TR_CALL(t.featuresNegotiated(f)); }, "features"_a)
      .def("num_queues", [](TransportHandle& h) { int r = 0; VSIM_TR_CALL(r = t.numQueues()); return r; })
      .def("queue_max_size", [](TransportHandle& h, uint16_t q) { uint32_t r = 0; VSIM_TR_CALL(r = t.queueMaxSize(q)); return r; }, "queue"_a)
      .def("setup_interrupts", [](TransportHandle& h, uint16_t nq, const std::string& mode) {
        drv::InterruptMode im = mode == "msix" ? drv::InterruptMode::Msix : mode == "intx" ? drv::InterruptMode::Intx : drv::InterruptMode::Auto;
        if (mode != "auto" && mode != "msix" && mode != "intx") throw ParamError("mode: '" + mode + "' is not one of auto, msix, intx");
        bool r = false;
        VSIM_TR_CALL(r = t.setupInterrupts(nq, im));
        return r;
      }, "num_queues"_a, "mode"_a = "auto")
      .def("setup_queue", [](TransportHandle& h, uint16_t q, uint32_t size, uint64_t desc, uint64_t driver, uint64_t device) {
        bool r = false;
        VSIM_TR_CALL(r = t.setupQueue(q, drv::RingAddrs{size, desc, driver, device}));
        return r;
      }, "queue"_a, "size"_a, "desc"_a, "driver"_a, "device"_a)
      .def("enable_queue", [](TransportHandle& h, uint16_t q) { bool r = false; VSIM_TR_CALL(r = t.enableQueue(q)); return r; }, "queue"_a)
      .def("reset_queue", [](TransportHandle& h, uint16_t q, uint64_t timeoutNs) {
        bool r = false;
        VSIM_TR_CALL(r = t.resetQueue(q, timeoutNs));
        return r;
      }, "queue"_a, "timeout_ns"_a = 100'000'000)
      .def("notify", [](TransportHandle& h, uint16_t q, std::optional<uint32_t> value) {
        VSIM_TR_CALL(t.notify(q, value ? *value : q));
      }, "queue"_a, "value"_a = py::none())
      .def("config_generation", [](TransportHandle& h) { uint32_t r = 0; VSIM_TR_CALL(r = t.configGeneration()); return r; })
      .def("config_read", [](TransportHandle& h, uint32_t off, unsigned width) {
        if (width != 1 && width != 2 && width != 4) throw ParamError("width: 1, 2 or 4 bytes");
        uint32_t r = 0;
        VSIM_TR_CALL(r = t.configRead(off, width));
        return r;
      }, "offset"_a, "width"_a)
      .def("config_write", [](TransportHandle& h, uint32_t off, uint32_t v, unsigned width) {
        if (width != 1 && width != 2 && width != 4) throw ParamError("width: 1, 2 or 4 bytes");
        VSIM_TR_CALL(t.configWrite(off, v, width));
      }, "offset"_a, "value"_a, "width"_a)
      .def("read_config", [](TransportHandle& h, uint32_t off, uint32_t len) -> py::object {
        std::vector<uint8_t> buf(len);
        bool ok = false;
        VSIM_TR_CALL(ok = t.readConfig(off, buf.data(), len));
        if (!ok) return py::none();
        return toBytes(buf);
      }, "offset"_a, "length"_a)
      .def("poll_interrupts", [](TransportHandle& h) {
        drv::InterruptEvents ev;
        VSIM_TR_CALL(t.pollInterrupts(ev));
        return py::dict("config"_a = ev.config, "all_queues"_a = ev.allQueues, "queues"_a = ev.queues);
      });
#undef VSIM_TR_CALL

  // --- raw rings ---------------------------------------------------------------------------------------------
  py::class_<SplitRingHandle>(m, "SplitRing", "Raw split ring (drv::RawSplitRing): any content, malformed included.")
      .def_property_readonly("size", [](const SplitRingHandle& h) { return h.r().addrs().size; })
      .def_property_readonly("desc", [](const SplitRingHandle& h) { return h.r().addrs().desc; })
      .def_property_readonly("driver", [](const SplitRingHandle& h) { return h.r().addrs().driver; })
      .def_property_readonly("device", [](const SplitRingHandle& h) { return h.r().addrs().device; })
      .def("write_desc", [](SplitRingHandle& h, uint32_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next) {
        return h.r().writeDesc(i, addr, len, flags, next);
      }, "index"_a, "addr"_a, "length"_a, "flags"_a = 0, "next"_a = 0)
      .def("read_desc", [](const SplitRingHandle& h, uint32_t i) {
        const auto d = h.r().readDesc(i);
        return py::make_tuple(d.addr, d.len, d.flags, d.next);
      }, "index"_a)
      .def("write_indirect_table", [](SplitRingHandle& h, uint64_t gpa,
                                      const std::vector<std::tuple<uint64_t, uint32_t, uint16_t, uint16_t>>& descs) {
        std::vector<split::Desc> v;
        for (const auto& [a, l, f, n] : descs) v.push_back(split::Desc{a, l, f, n});
        return h.r().writeIndirectTable(gpa, v);
      }, "gpa"_a, "descs"_a)
      .def("set_avail_flags", [](SplitRingHandle& h, uint16_t v) { return h.r().setAvailFlags(v); }, "flags"_a)
      .def("set_avail_idx", [](SplitRingHandle& h, uint16_t v) { return h.r().setAvailIdx(v); }, "idx"_a)
      .def("set_avail_ring", [](SplitRingHandle& h, uint32_t i, uint16_t head) { return h.r().setAvailRing(i, head); }, "slot"_a, "head"_a)
      .def("set_used_event", [](SplitRingHandle& h, uint16_t v) { return h.r().setUsedEvent(v); }, "value"_a)
      .def("avail_flags", [](const SplitRingHandle& h) { return h.r().readAvailFlags(); })
      .def("avail_idx", [](const SplitRingHandle& h) { return h.r().readAvailIdx(); })
      .def("avail_ring", [](const SplitRingHandle& h, uint32_t i) { return h.r().readAvailRing(i); }, "slot"_a)
      .def("used_event", [](const SplitRingHandle& h) { return h.r().readUsedEvent(); })
      .def("set_used_flags", [](SplitRingHandle& h, uint16_t v) { return h.r().setUsedFlags(v); }, "flags"_a)
      .def("set_used_idx", [](SplitRingHandle& h, uint16_t v) { return h.r().setUsedIdx(v); }, "idx"_a)
      .def("set_used_elem", [](SplitRingHandle& h, uint32_t i, uint32_t id, uint32_t len) { return h.r().setUsedElem(i, id, len); },
           "slot"_a, "id"_a, "length"_a)
      .def("set_avail_event", [](SplitRingHandle& h, uint16_t v) { return h.r().setAvailEvent(v); }, "value"_a)
      .def("used_flags", [](const SplitRingHandle& h) { return h.r().readUsedFlags(); })
      .def("used_idx", [](const SplitRingHandle& h) { return h.r().readUsedIdx(); })
      .def("used_elem", [](const SplitRingHandle& h, uint32_t i) {
        const auto e = h.r().readUsedElem(i);
        return py::make_tuple(e.id, e.len);
      }, "slot"_a)
      .def("avail_event", [](const SplitRingHandle& h) { return h.r().readAvailEvent(); })
      .def("add_chain", [](SplitRingHandle& h, const std::vector<std::tuple<uint64_t, uint32_t, bool>>& bufs, bool publish) {
        auto b = toBufs(bufs);
        return h.r().addChain(b, publish);
      }, "bufs"_a, "publish"_a = true)
      .def("add_indirect_chain", [](SplitRingHandle& h, uint64_t table, const std::vector<std::tuple<uint64_t, uint32_t, bool>>& bufs,
                                    bool publish) {
        auto b = toBufs(bufs);
        return h.r().addIndirectChain(table, b.data(), b.size(), publish);
      }, "table_gpa"_a, "bufs"_a, "publish"_a = true)
      .def("publish", [](SplitRingHandle& h) { return h.r().publish(); })
      .def("push_used", [](SplitRingHandle& h, uint32_t id, uint32_t len, bool publish) { return h.r().pushUsed(id, len, publish); },
           "id"_a, "length"_a, "publish"_a = true)
      .def("pop_used", [](SplitRingHandle& h) -> py::object {
        split::UsedElem e{};
        if (!h.r().popUsed(&e)) return py::none();
        return py::make_tuple(e.id, e.len);
      })
      .def_property("desc_cursor", [](const SplitRingHandle& h) { return h.r().descCursor(); },
                    [](SplitRingHandle& h, uint32_t v) { h.r().setDescCursor(v); })
      .def_property("avail_cursor", [](const SplitRingHandle& h) { return h.r().availCursor(); },
                    [](SplitRingHandle& h, uint16_t v) { h.r().setAvailCursor(v); })
      .def_property("used_cursor", [](const SplitRingHandle& h) { return h.r().usedCursor(); },
                    [](SplitRingHandle& h, uint16_t v) { h.r().setUsedCursor(v); })
      .def_property("consume_cursor", [](const SplitRingHandle& h) { return h.r().consumeCursor(); },
                    [](SplitRingHandle& h, uint16_t v) { h.r().setConsumeCursor(v); });

  py::class_<PackedRingHandle>(m, "PackedRing", "Raw packed ring (drv::RawPackedRing): any content, malformed included.")
      .def_property_readonly("size", [](const PackedRingHandle& h) { return h.r().addrs().size; })
      .def_property_readonly("desc", [](const PackedRingHandle& h) { return h.r().addrs().desc; })
      .def_property_readonly("driver", [](const PackedRingHandle& h) { return h.r().addrs().driver; })
      .def_property_readonly("device", [](const PackedRingHandle& h) { return h.r().addrs().device; })
      .def("write_desc", [](PackedRingHandle& h, uint32_t slot, uint64_t addr, uint32_t len, uint16_t id, uint16_t flags) {
        return h.r().writeDesc(slot, addr, len, id, flags);
      }, "slot"_a, "addr"_a, "length"_a, "id"_a, "flags"_a)
      .def("write_desc_flags", [](PackedRingHandle& h, uint32_t slot, uint16_t flags) { return h.r().writeDescFlags(slot, flags); },
           "slot"_a, "flags"_a)
      .def("read_desc", [](const PackedRingHandle& h, uint32_t slot) {
        const auto d = h.r().readDesc(slot);
        return py::make_tuple(d.addr, d.len, d.id, d.flags);
      }, "slot"_a)
      .def("set_driver_event", [](PackedRingHandle& h, uint16_t offWrap, uint16_t flags) { return h.r().setDriverEvent(offWrap, flags); },
           "off_wrap"_a, "flags"_a)
      .def("set_device_event", [](PackedRingHandle& h, uint16_t offWrap, uint16_t flags) { return h.r().setDeviceEvent(offWrap, flags); },
           "off_wrap"_a, "flags"_a)
      .def("driver_event", [](const PackedRingHandle& h) {
        const auto e = h.r().readDriverEvent();
        return py::make_tuple(e.offWrap, e.flags);
      })
      .def("device_event", [](const PackedRingHandle& h) {
        const auto e = h.r().readDeviceEvent();
        return py::make_tuple(e.offWrap, e.flags);
      })
      .def("add_chain", [](PackedRingHandle& h, const std::vector<std::tuple<uint64_t, uint32_t, bool>>& bufs, uint16_t id) {
        auto b = toBufs(bufs);
        return h.r().addChain(b, id);
      }, "bufs"_a, "id"_a)
      .def("add_indirect_chain", [](PackedRingHandle& h, uint64_t table, const std::vector<std::tuple<uint64_t, uint32_t, bool>>& bufs,
                                    uint16_t id) {
        auto b = toBufs(bufs);
        return h.r().addIndirectChain(table, b.data(), b.size(), id);
      }, "table_gpa"_a, "bufs"_a, "id"_a)
      .def("push_used", [](PackedRingHandle& h, uint16_t id, uint32_t len, uint32_t skip) { return h.r().pushUsed(id, len, skip); },
           "id"_a, "length"_a, "skip"_a = 1)
      .def_property_readonly("avail_cursor", [](const PackedRingHandle& h) { return py::make_tuple(h.r().availCursor(), h.r().availWrap()); })
      .def_property_readonly("used_cursor", [](const PackedRingHandle& h) { return py::make_tuple(h.r().usedCursor(), h.r().usedWrap()); })
      .def("set_avail_cursor", [](PackedRingHandle& h, uint32_t slot, bool wrap) { h.r().setAvailCursor(slot, wrap); }, "slot"_a, "wrap"_a)
      .def("set_used_cursor", [](PackedRingHandle& h, uint32_t slot, bool wrap) { h.r().setUsedCursor(slot, wrap); }, "slot"_a, "wrap"_a);
}
