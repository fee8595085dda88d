#include "vsim/model/input_device.h"

#include "vsim/model/device_core.h"

namespace vsim::model {

namespace {
constexpr const char* kKeepPopulated = "drivernormative:Device Types / Input Device / Device Operation#1";
constexpr const char* kEventWritable = "drivernormative:Device Types / Input Device / Device Operation#2";
constexpr const char* kEventSize = "drivernormative:Device Types / Input Device / Device Operation#3";
constexpr const char* kStatusSize = "drivernormative:Device Types / Input Device / Device Operation#4";
}  // namespace

InputDevice::InputDevice(const InputParams& p, std::function<uint64_t()> nowPs)
    : p_(p), nowPs_(std::move(nowPs)), config_(makeInputIdentity(p)), events_(p.eventBuffer) {
  config_.reset();
  if (!p_.script.empty()) loadScript(p_.script);
}

void InputDevice::report(const char* clause, const char* kind, std::string message, std::vector<Evidence> ev) {
  if (core_) core_->violate(clause, kind, std::move(message), std::move(ev), false);
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration

void InputDevice::readConfig(uint32_t off, void* dst, uint32_t len) {
  config_.read(off, dst, len, [this](const char* c, const char* k, std::string m, std::vector<Evidence> e) {
    report(c, k, std::move(m), std::move(e));
  });
}

bool InputDevice::writeConfig(uint32_t off, const void* src, uint32_t len) {
  config_.write(off, src, len, [this](const char* c, const char* k, std::string m, std::vector<Evidence> e) {
    report(c, k, std::move(m), std::move(e));
  });
  return true;  // handled: a write beyond select/subsel was reported above with the input chapter's clause
}

// ---------------------------------------------------------------------------------------------------------------
// Queues

ChainResult InputDevice::handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) {
  core_ = &core;
  written = 0;
  handling_ = true;
  takeScripted(now());
  ChainResult r = ChainResult::Done;
  if (q == input::kEventQ) {
    r = handleEvent(core, c, written);
  } else if (q == input::kStatusQ) {
    r = handleStatus(core, c);
    if (deliver()) core.signalUsed(input::kEventQ);  // scripted events that fell due meanwhile
  }
  handling_ = false;
  return r;
}

ChainResult InputDevice::handleEvent(DeviceCore& core, const Chain& c, uint32_t& written) {
  forgetStale();
  bool reject = false;
  if (c.readableBytes > 0) {
    // drivernormative:Device Types / Input Device / Device Operation#2: eventq buffers are device-writable only;
    // the buffer is returned unused.
    reject = true;
    report(kEventWritable, "input.eventq_buffer_readable", "eventq buffer has device-readable parts",
           {{"queue", input::kEventQ}, {"id", c.id}, {"readable", c.readableBytes}, {"writable", c.writableBytes}});
  } else if (c.writableBytes < input::kEventBytes) {
    // drivernormative:Device Types / Input Device / Device Operation#3: an eventq buffer holds at least one
    // event; a shorter one is returned unused.
    reject = true;
    report(kEventSize, "input.eventq_buffer_short", "eventq buffer is shorter than one event",
           {{"queue", input::kEventQ},
            {"id", c.id},
            {"writable", c.writableBytes},
            {"event_bytes", input::kEventBytes}});
  }
  if (reject) {
    ++stats_.buffersRejected;
    if (bufs_.empty()) return ChainResult::Done;  // 0 bytes
    bufs_.push_back(HeldBuf{c, true});  // behind the held ones: buffers are used in the order they came
    return ChainResult::Deferred;
  }
  starvedReported_ = false;  // the driver is refilling the eventq
  if (bufs_.empty() && !events_.empty()) {
    uint8_t b[input::kEventBytes];
    input::encode(events_.front(), b);
    written = static_cast<uint32_t>(core.engine(input::kEventQ)->writeToChain(c, 0, b, sizeof b));
    events_.pop();
    ++stats_.eventsDelivered;
    return ChainResult::Done;
  }
  bufs_.push_back(HeldBuf{c, false});
  ++usable_;
  heldOn_ = core.engine(input::kEventQ);
  deliver();  // only when scripted events fell due while older buffers were held
  return ChainResult::Deferred;
}

ChainResult InputDevice::handleStatus(DeviceCore& core, const Chain& c) {
  if (c.readableBytes < input::kEventBytes) {
    // drivernormative:Device Types / Input Device / Device Operation#4: a statusq buffer carries at least one
    // event for the device to read (a device-writable-only buffer carries none); returned unused.
    ++stats_.buffersRejected;
    const bool writableOnly = c.readableBytes == 0 && c.writableBytes > 0;
    report(kStatusSize, writableOnly ? "input.statusq_buffer_writable" : "input.statusq_buffer_short",
           writableOnly ? "statusq buffer is device-writable only (nothing for the device to read)"
                        : "statusq buffer is shorter than one event",
           {{"queue", input::kStatusQ}, {"id", c.id}, {"readable", c.readableBytes}, {"writable", c.writableBytes},
            {"event_bytes", input::kEventBytes}});
    return ChainResult::Done;
  }
  uint8_t b[input::kEventBytes] = {};
  core.engine(input::kStatusQ)->readFromChain(c, 0, b, sizeof b);
  const input::Event e = input::decode(b);
  status_.push_back(InputStatusRecord{now(), e});
  ++stats_.statusReceived;
  if (e.type == input::ev::kLed && e.code < 64) {
    const uint64_t bit = uint64_t{1} << e.code;
    leds_ = e.value ? (leds_ | bit) : (leds_ & ~bit);
  }
  return ChainResult::Done;  // nothing written back
}

void InputDevice::onDriverOk(DeviceCore& core) {
  core_ = &core;
  takeScripted(now());
}

void InputDevice::onReset() {
  // Per-driver state only: the held buffers and the query registers. Events not yet delivered, the script, the
  // status log and the LED state are the host's and stay.
  config_.reset();
  bufs_.clear();
  usable_ = 0;
  heldOn_ = nullptr;
  starvedReported_ = false;
}

void InputDevice::onQueueReset(uint16_t q) {
  if (q != input::kEventQ) return;
  bufs_.clear();
  usable_ = 0;
  heldOn_ = nullptr;
}

void InputDevice::forgetStale() {
  if (bufs_.empty() || !core_ || core_->engine(input::kEventQ) == heldOn_) return;
  // The eventq was disabled and set up again (a legacy-style queue disable): its old chains are never completed
  // into the new ring.
  bufs_.clear();
  usable_ = 0;
  heldOn_ = nullptr;
}

// ---------------------------------------------------------------------------------------------------------------
// Delivery

bool InputDevice::usable() const {
  return core_ && core_->driverOk() && !core_->needsReset() && core_->engine(input::kEventQ) &&
         core_->engine(input::kEventQ)->configured();
}

bool InputDevice::deliver() {
  if (!usable()) return false;
  forgetStale();
  DeviceQueue& q = *core_->engine(input::kEventQ);
  bool any = false;
  while (!bufs_.empty()) {
    HeldBuf& h = bufs_.front();
    uint64_t n = 0;
    if (!h.reject) {
      if (events_.empty()) break;
      uint8_t b[input::kEventBytes];
      input::encode(events_.front(), b);
      n = q.writeToChain(h.chain, 0, b, sizeof b);
      events_.pop();
      --usable_;
      ++stats_.eventsDelivered;
    }
    core_->complete(input::kEventQ, h.chain, static_cast<uint32_t>(n), /*signal=*/false);
    bufs_.pop_front();
    any = true;
  }
  return any;
}

void InputDevice::pullBuffers() {
  if (handling_ || !usable()) return;
  while (core_->processOne(input::kEventQ)) {
  }
}

void InputDevice::enqueue(const input::Event& e) {
  ++stats_.eventsInjected;
  const bool hadBuffers = usable_ > 0;
  if (events_.inject(e, usable_) != InputEventQueue::Commit::Dropped) return;
  // drivernormative:Device Types / Input Device / Device Operation#1: the driver keeps the eventq populated; an
  // update dropped while the driver held none there is reported (once until it offers a buffer again).
  if (!hadBuffers && core_ && core_->driverOk() && !core_->needsReset() && !starvedReported_) {
    starvedReported_ = true;
    report(kKeepPopulated, "input.eventq_starved", "an input update was dropped: the eventq had no buffers",
           {{"queue", input::kEventQ}, {"waiting_events", events_.ready()}, {"event_buffer", p_.eventBuffer},
            {"updates_dropped", events_.updatesDropped()}});
  }
}

void InputDevice::takeScripted(uint64_t nowPs) {
  if (script_.nextAtPs() > nowPs) return;
  std::vector<input::Event> due;
  script_.takeDue(nowPs, due);
  for (const auto& e : due) enqueue(e);
}

void InputDevice::inject(const input::Event& e) {
  const bool ends = e.type == input::ev::kSyn && e.code == input::code::kSynReport;
  if (ends) pullBuffers();  // count what the driver made available before deciding on room
  enqueue(e);
  if (!ends || handling_ || !usable()) return;
  pullBuffers();
  deliver();
  core_->signalUsed(input::kEventQ);
}

void InputDevice::injectUpdate(const std::vector<input::Event>& events) {
  for (const auto& e : events) inject(e);
  syn();
}

void InputDevice::moveRel(int32_t dx, int32_t dy) {
  std::vector<input::Event> u;
  if (dx) u.push_back({input::ev::kRel, input::code::kRelX, dx});
  if (dy) u.push_back({input::ev::kRel, input::code::kRelY, dy});
  if (!u.empty()) injectUpdate(u);
}

void InputDevice::moveAbs(int32_t x, int32_t y) {
  injectUpdate({{input::ev::kAbs, input::code::kAbsX, x}, {input::ev::kAbs, input::code::kAbsY, y}});
}

void InputDevice::schedule(uint64_t atPs, const input::Event& e) { script_.add(TimedInputEvent{atPs, e}); }

void InputDevice::schedule(const std::vector<TimedInputEvent>& script) {
  for (const auto& t : script) script_.add(t);
}

void InputDevice::loadScript(const std::string& text, uint64_t basePs) {
  for (auto t : parseInputScript(text)) {
    t.atPs += basePs;
    script_.add(t);
  }
}

void InputDevice::pumpAt(uint64_t nowPs) {
  takeScripted(nowPs);
  if (handling_ || !usable()) return;
  pullBuffers();
  deliver();
  core_->signalUsed(input::kEventQ);
}

InputDevice::Stats InputDevice::stats() const {
  Stats s = stats_;
  s.updatesDropped = events_.updatesDropped();
  s.eventsDropped = events_.eventsDropped();
  return s;
}

}  // namespace vsim::model
