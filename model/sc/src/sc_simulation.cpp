// The SystemC modules behind ScSimulation. Thin: sockets, timing and wiring; all behaviour is in the board.
#include "vsim/model/sc_simulation.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <atomic>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace vsim::model {

using sc_core::sc_time;
using sc_core::SC_PS;
using sc_core::SC_ZERO_TIME;

const char* simModeName(SimMode m) { return m == SimMode::Fast ? "fast" : "timed"; }

namespace {

std::atomic<bool> gElaborated{false};

/// Which address space a CPU transaction targets (memory, port I/O, PCI configuration).
struct SpaceExt : tlm::tlm_extension<SpaceExt> {
  Space space = Space::Memory;
  tlm_extension_base* clone() const override { return new SpaceExt(*this); }
  void copy_from(const tlm_extension_base& o) override { space = static_cast<const SpaceExt&>(o).space; }
};

sc_time ps(uint64_t v) { return sc_time(static_cast<double>(v), SC_PS); }
uint64_t toPs(const sc_time& t) { return static_cast<uint64_t>(t.to_seconds() * 1e12 + 0.5); }

/// Guest RAM: a TLM target with DMI over the board's RAM.
struct Ram : sc_core::sc_module {
  tlm_utils::simple_target_socket<Ram> socket{"socket"};
  BoardBackend& board;
  Ram(sc_core::sc_module_name n, BoardBackend& b) : sc_module(n), board(b) {
    socket.register_b_transport(this, &Ram::bTransport);
    socket.register_get_direct_mem_ptr(this, &Ram::getDmi);
  }
  void bTransport(tlm::tlm_generic_payload& p, sc_time& delay) {
    auto& ram = board.ram();
    const uint64_t a = p.get_address();
    uint8_t* host = ram.translate(a, p.get_data_length());
    if (!host) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (p.is_read()) std::memcpy(p.get_data_ptr(), host, p.get_data_length());
    else std::memcpy(host, p.get_data_ptr(), p.get_data_length());
    delay += ps(board.timing().accessPs(AccessKind::Ram));
    p.set_dmi_allowed(true);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  bool getDmi(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
    auto& ram = board.ram();
    dmi.set_dmi_ptr(ram.data());
    dmi.set_start_address(ram.base());
    dmi.set_end_address(ram.base() + ram.size() - 1);
    dmi.allow_read_write();
    dmi.set_read_latency(ps(board.timing().accessPs(AccessKind::Ram)));
    dmi.set_write_latency(ps(board.timing().accessPs(AccessKind::Ram)));
    return true;
  }
};

/// Address decoder: guest RAM to the RAM target, everything else to the board's register files.
struct Router : sc_core::sc_module {
  tlm_utils::simple_target_socket<Router> cpuSide{"cpuSide"};
  tlm_utils::simple_initiator_socket<Router> ramSide{"ramSide"};
  BoardBackend& board;
  Router(sc_core::sc_module_name n, BoardBackend& b) : sc_module(n), board(b) {
    cpuSide.register_b_transport(this, &Router::bTransport);
    cpuSide.register_get_direct_mem_ptr(this, &Router::getDmi);
  }
  bool isRam(Space s, uint64_t a, uint64_t len) const {
    auto& ram = board.ram();
    return s == Space::Memory && a >= ram.base() && a - ram.base() < ram.size() && len <= ram.size() - (a - ram.base());
  }
  void bTransport(tlm::tlm_generic_payload& p, sc_time& delay) {
    SpaceExt* ext = nullptr;
    p.get_extension(ext);
    const Space s = ext ? ext->space : Space::Memory;
    if (isRam(s, p.get_address(), p.get_data_length())) {
      ramSide->b_transport(p, delay);
      return;
    }
    // Loosely timed: the access cost is added to delay; no wait() inside b_transport.
    delay += ps(board.timing().accessPs(board.accessKind(s, p.get_address(), p.is_write())));
    board.clock().nowPs = toPs(sc_core::sc_time_stamp() + delay);  // the access reaches the device now
    const bool ok = board.access(s, p.get_address(), p.get_data_ptr(), p.get_data_length(), p.is_write());
    p.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
  }
  bool getDmi(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) { return ramSide->get_direct_mem_ptr(p, dmi); }
};

}  // namespace

/// The CPU: runs the workload in an SC_THREAD and offers it the CpuPort.
struct Cpu : sc_core::sc_module, CpuPort {
  tlm_utils::simple_initiator_socket<Cpu> socket{"socket"};
  BoardBackend& board;
  SimMode mode;
  tlm_utils::tlm_quantumkeeper qk;
  sc_core::sc_event start, done, irq;
  const std::function<void(CpuPort&)>* workload = nullptr;
  bool finished = true;
  bool pendingStart = false;
  uint64_t waits = 0;
  tlm::tlm_generic_payload payload;
  SpaceExt ext;
  uint8_t buf[8] = {};

  SC_HAS_PROCESS(Cpu);
  Cpu(sc_core::sc_module_name n, BoardBackend& b, SimMode m) : sc_module(n), board(b), mode(m) {
    // Fast mode: a quantum far beyond any workload, so the CPU runs ahead without context switches. Timed mode:
    // zero quantum, the CPU synchronises after every access.
    tlm_utils::tlm_quantumkeeper::set_global_quantum(mode == SimMode::Fast ? sc_time(1, sc_core::SC_SEC) : SC_ZERO_TIME);
    qk.reset();
    payload.set_extension(&ext);
    SC_THREAD(thread);
  }
  ~Cpu() override { payload.clear_extension(&ext); }

  void thread() {
    for (;;) {
      while (!pendingStart) wait(start);
      pendingStart = false;
      (*workload)(*this);
      qk.sync();  // catch the kernel up with the CPU's local time
      finished = true;
      done.notify();
    }
  }

  uint64_t access(Space s, uint64_t addr, uint64_t value, unsigned len, bool write) {
    if (len == 0 || len > 8) return ~uint64_t{0};
    ext.space = s;
    std::memcpy(buf, &value, 8);
    payload.set_address(addr);
    payload.set_data_ptr(buf);
    payload.set_data_length(len);
    payload.set_streaming_width(len);
    payload.set_byte_enable_ptr(nullptr);
    payload.set_dmi_allowed(false);
    payload.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = qk.get_local_time();
    socket->b_transport(payload, delay);
    qk.set(delay);
    if (qk.need_sync()) {
      ++waits;
      qk.sync();
    }
    if (write) return 0;
    if (!payload.is_response_ok()) return ~uint64_t{0};
    uint64_t v = 0;
    std::memcpy(&v, buf, len);
    return v;
  }

  uint64_t read(Space s, uint64_t addr, unsigned len) override { return access(s, addr, 0, len, false); }
  void write(Space s, uint64_t addr, uint64_t value, unsigned len) override { access(s, addr, value, len, true); }
  GuestMemory& ram() override { return board.ram(); }
  uint64_t lineLevels() override { return board.lineLevels(); }
  bool popMsi(uint32_t* data) override { return board.popMsi(data); }
  uint64_t nowPs() override { return toPs(sc_core::sc_time_stamp() + qk.get_local_time()); }

  /// When the latest interrupt sent so far reaches the CPU.
  uint64_t irqArrivalPs() {
    uint64_t at = 0;
    for (size_t i = 0; i < board.numDevices(); ++i) at = std::max(at, board.timer(i).lastIrqAtPs());
    return at;
  }

  bool waitForInterrupt(uint64_t timeoutNs) override {
    if (!board.irqPending()) board.pollDevices();  // host-side input may produce the interrupt we wait for
    if (mode == SimMode::Fast) {
      // Devices already ran inside the notification; catch up with the time the interrupt reaches the CPU.
      const uint64_t now = nowPs();
      if (board.irqPending()) {
        qk.inc(ps(std::max(now, irqArrivalPs()) - now));
        return true;
      }
      qk.inc(ps(timeoutNs * 1000));
      return false;
    }
    qk.sync();
    const uint64_t deadline = nowPs() + timeoutNs * 1000;
    for (;;) {
      const uint64_t now = nowPs();
      if (board.irqPending()) {
        const uint64_t at = irqArrivalPs();
        if (at <= now) return true;
        ++waits;
        wait(ps(at - now));  // raised, but still on its way to the CPU
        continue;
      }
      if (now >= deadline) return false;
      ++waits;
      wait(ps(deadline - now), irq);
    }
  }
};

/// Timed mode: one thread per device processes request by request and waits each request's cost.
struct DeviceRunner : sc_core::sc_module {
  BoardBackend& board;
  size_t index;
  sc_core::sc_event work;
  SC_HAS_PROCESS(DeviceRunner);
  DeviceRunner(sc_core::sc_module_name n, BoardBackend& b, size_t i) : sc_module(n), board(b), index(i) {
    // The notification reaches the device at the board clock's time (the CPU's access time plus its latency).
    board.timer(index).onWork = [this] {
      const uint64_t now = toPs(sc_core::sc_time_stamp()), at = board.clock().nowPs;
      work.notify(at > now ? ps(at - now) : SC_ZERO_TIME);
    };
    SC_THREAD(thread);
  }
  void thread() {
    DeviceCore& core = board.core(index);
    DeviceTimer& timer = board.timer(index);
    for (;;) {
      wait(work);
      bool did;
      do {
        did = false;
        for (uint16_t q = 0; q < core.numQueues(); ++q) {
          // Same order as the fast mode's processAll(): drain the queue request by request, waiting each
          // request's cost, then one notification decision.
          if (!core.pending(q)) continue;  // like the fast mode: only queues the driver notified
          bool any = false;
          while (core.processOne(q)) {
            any = did = true;
            wait(ps(timer.takePendingCostPs()));
            const uint64_t now = toPs(sc_core::sc_time_stamp());
            timer.setStepEnd(now);
            timer.recordCompletion(q, now);
          }
          if (!any) continue;
          core.signalUsed(q);
          const uint64_t now = toPs(sc_core::sc_time_stamp());
          if (timer.busyUntilPs() > now) wait(ps(timer.busyUntilPs() - now));
          timer.setStepEnd(toPs(sc_core::sc_time_stamp()));
        }
      } while (did);
    }
  }
};

struct ScSimulation::Impl {
  bool started = false;
  BoardBackend& board;
  SimMode mode;
  Cpu cpu;
  Router router;
  Ram ram;
  std::vector<std::unique_ptr<DeviceRunner>> runners;
  Impl(BoardBackend& b, SimMode m) : board(b), mode(m), cpu("cpu", b, m), router("router", b), ram("ram", b) {
    cpu.socket.bind(router.cpuSide);
    router.ramSide.bind(ram.socket);
    if (mode == SimMode::Timed) {
      board.setManualProcessing(true);
      for (size_t i = 0; i < board.numDevices(); ++i) {
        board.timer(i).setTimedMode(true);
        runners.push_back(std::make_unique<DeviceRunner>(("dev" + std::to_string(i)).c_str(), b, i));
      }
    } else {
      board.setManualProcessing(false);
    }
    // The CPU's interrupt wait wakes when an interrupt reaches it.
    for (size_t i = 0; i < board.numDevices(); ++i)
      board.timer(i).onIrq = [this](uint64_t atPs) {
        const uint64_t now = toPs(sc_core::sc_time_stamp());
        cpu.irq.notify(atPs > now ? ps(atPs - now) : SC_ZERO_TIME);
      };
  }
};

ScSimulation::ScSimulation(BoardBackend& board, SimMode mode) {
  if (gElaborated.exchange(true))
    throw std::logic_error("SystemC elaborates once per process: create one ScSimulation per process");
  // Our run loop steps the kernel itself; an empty step is not worth a warning on stdout.
  sc_core::sc_report_handler::set_actions(sc_core::SC_ID_NO_SC_START_ACTIVITY_, sc_core::SC_DO_NOTHING);
  impl_ = std::make_unique<Impl>(board, mode);
}

ScSimulation::~ScSimulation() = default;

void ScSimulation::run(const std::function<void(CpuPort&)>& workload) {
  impl_->cpu.workload = &workload;
  impl_->cpu.finished = false;
  impl_->cpu.pendingStart = true;
  impl_->cpu.start.notify(SC_ZERO_TIME);
  if (!impl_->started) {
    impl_->started = true;
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // initialisation: every process runs to its first wait
  }
  while (!impl_->cpu.finished) {
    if (sc_core::sc_pending_activity_at_current_time()) sc_core::sc_start(sc_core::SC_ZERO_TIME);
    else if (sc_core::sc_pending_activity()) sc_core::sc_start(sc_core::sc_time_to_pending_activity());
    else break;
  }
  if (!impl_->cpu.finished) throw std::runtime_error("simulation stalled: the workload waits for an event that never comes");
}

uint64_t ScSimulation::nowPs() const { return toPs(sc_core::sc_time_stamp() + impl_->cpu.qk.get_local_time()); }
SimMode ScSimulation::mode() const { return impl_->mode; }
uint64_t ScSimulation::cpuWaits() const { return impl_->cpu.waits; }

}  // namespace vsim::model

// libsystemc.so defines main() and calls sc_main(); binaries and modules that supply their own main() still need
// the symbol. Weak, so that a program with a real sc_main wins.
__attribute__((weak, visibility("default"))) int sc_main(int, char*[]) { return 0; }
