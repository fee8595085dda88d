// InputDriver: configuration queries, a populated eventq, statusq messages.
#include "vsim/drv/input_driver.h"

#include <algorithm>
#include <cstring>

namespace vsim::drv {

namespace {
constexpr const char* kSizeZeroClause = "devicenormative:Device Types / Input Device / Device Initialization#1";
constexpr uint64_t kWaitSliceNs = 1'000'000;

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}
bool hasBit(const std::vector<uint8_t>& map, unsigned bit) {
  return bit / 8 < map.size() && ((map[bit / 8] >> (bit % 8)) & 1u);
}
}  // namespace

bool InputInfo::supports(uint16_t type, uint16_t code) const {
  auto it = type <= 0xff ? evBits.find(static_cast<uint8_t>(type)) : evBits.end();
  return it != evBits.end() && hasBit(it->second, code);
}

std::unique_ptr<InputDriver> InputDriver::open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts,
                                               ViolationSink& sink, InputDriverOptions io) {
  if (d.type != kDeviceType) return nullptr;
  std::unique_ptr<InputDriver> in(new InputDriver(hal, io));
  InputDriver* raw = in.get();
  opts.numQueues = 2;       // eventq, statusq
  opts.deviceFeatures = 0;  // the input device defines no feature bits
  opts.initialize = true;
  auto user = std::move(opts.setup);
  opts.setup = [raw, user](Device& dev) { return raw->setup(dev) && (!user || user(dev)); };
  auto dev = drv::open(hal, d, std::move(opts), sink);
  if (!dev || !dev->live()) return nullptr;
  in->dev_ = std::move(dev);
  return in;
}

// ---------------------------------------------------------------------------------------------------------------
// Bring-up (the device-specific step of the initialisation, before DRIVER_OK; again after a recover())

bool InputDriver::setup(Device& dev) {
  ready_ = false;
  if (dev.numQueues() < 2) return false;
  // The input chapter's initialisation: query the device first, then populate the eventq.
  if (!readInfo(dev)) return false;
  if (io_.probeUnsupported) probeUnsupported(dev);
  DriverQueue& eq = dev.queue(input::kEventQ);
  DriverQueue& sq = dev.queue(input::kStatusQ);
  GuestAllocator& alloc = hal_.dmaAllocator();
  if (!eventDma_) {  // allocated once; a recover() reuses it
    eventSlots_ = io_.eventBuffers ? std::min(io_.eventBuffers, eq.size()) : eq.size();
    statusSlots_ = std::max(1u, std::min(io_.statusBuffers, sq.size()));
    eventDma_ = alloc.alloc(uint64_t{eventSlots_} * input::kEventBytes, 8);
    statusDma_ = alloc.alloc(uint64_t{statusSlots_} * input::kEventBytes, 8);
    if (eventDma_ == GuestAllocator::kFail || statusDma_ == GuestAllocator::kFail || eventSlots_ == 0) {
      eventDma_ = statusDma_ = 0;
      return false;
    }
  }
  statusBusy_.assign(statusSlots_, false);
  for (uint32_t s = 0; s < eventSlots_; ++s)
    if (!postEvent(dev, s)) return false;
  ready_ = true;
  return true;  // the buffers are announced when DRIVER_OK is set
}

bool InputDriver::queryOn(Device& dev, uint8_t select, uint8_t subsel, InputConfigAnswer* out) {
  *out = InputConfigAnswer{};
  // drivernormative:Device Types / Input Device / Device Initialization#1: both selectors for every query
  dev.writeConfig(input::cfg::kSelectOff, &select, 1);
  dev.writeConfig(input::cfg::kSubselOff, &subsel, 1);
  // drivernormative:Device Types / Input Device / Device Initialization#2: select and subsel are all we write
  // drivernormative:Device Types / Input Device / Device Initialization#3: size first, then only that much
  if (!dev.readConfig(input::cfg::kSizeOff, &out->size, 1)) return false;
  const uint32_t n = std::min<uint32_t>(out->size, input::cfg::kUnionBytes);
  return n == 0 || dev.readConfig(input::cfg::kUnionOff, out->data.data(), n);
}

bool InputDriver::query(uint8_t select, uint8_t subsel, InputConfigAnswer* out) {
  return dev_ && queryOn(*dev_, select, subsel, out);
}

bool InputDriver::readInfo(Device& dev) {
  InputInfo info;
  InputConfigAnswer a;
  auto text = [&](const InputConfigAnswer& x) {
    return std::string(reinterpret_cast<const char*>(x.data.data()), std::min<size_t>(x.size, x.data.size()));
  };
  auto bytes = [&](const InputConfigAnswer& x) {
    return std::vector<uint8_t>(x.data.begin(), x.data.begin() + std::min<size_t>(x.size, x.data.size()));
  };
  if (!queryOn(dev, input::cfg::kIdName, 0, &a)) return false;
  info.name = text(a);
  if (!queryOn(dev, input::cfg::kIdSerial, 0, &a)) return false;
  info.serial = text(a);
  if (!queryOn(dev, input::cfg::kIdDevids, 0, &a)) return false;
  if (a.size >= 8) {
    info.hasDevids = true;
    info.devids = InputDevIds{le16(&a.data[0]), le16(&a.data[2]), le16(&a.data[4]), le16(&a.data[6])};
  }
  if (!queryOn(dev, input::cfg::kPropBits, 0, &a)) return false;
  info.props = bytes(a);
  for (unsigned t = 0; t <= input::ev::kMax; ++t) {
    if (!queryOn(dev, input::cfg::kEvBits, static_cast<uint8_t>(t), &a)) return false;
    if (a.size) info.evBits[static_cast<uint8_t>(t)] = bytes(a);  // size 0: type not supported
  }
  auto abs = info.evBits.find(static_cast<uint8_t>(input::ev::kAbs));
  if (io_.readAbsInfo && abs != info.evBits.end()) {
    for (unsigned axis = 0; axis <= input::kAbsMax; ++axis) {
      if (!hasBit(abs->second, axis)) continue;
      if (!queryOn(dev, input::cfg::kAbsInfo, static_cast<uint8_t>(axis), &a)) return false;
      if (a.size >= 20)
        info.abs[static_cast<uint8_t>(axis)] = InputAbsInfo{le32(&a.data[0]), le32(&a.data[4]), le32(&a.data[8]),
                                                            le32(&a.data[12]), le32(&a.data[16])};
    }
  }
  info_ = std::move(info);
  return true;
}

void InputDriver::probeUnsupported(Device& dev) {
  // Combinations no input device can support: nothing to select, an undefined selector, a subsel where it must
  // be 0, an event type above EV_MAX, an axis above ABS_MAX.
  static const std::pair<uint8_t, uint8_t> kProbes[] = {
      {input::cfg::kUnset, 0}, {0x7f, 0}, {input::cfg::kIdName, 1}, {input::cfg::kEvBits, 0xff},
      {input::cfg::kAbsInfo, 0xff}};
  for (auto [sel, sub] : kProbes) {
    InputConfigAnswer a;
    if (!queryOn(dev, sel, sub, &a) || a.size == 0) continue;
    // devicenormative:Device Types / Input Device / Device Initialization#1: size 0 for what is not supported
    Violation v;
    v.clause = kSizeZeroClause;
    v.kind = "input.unsupported_query_size";
    v.message = dev.transport().location() + ": non-zero size for a select/subsel combination no device supports";
    v.culprit = Culprit::Device;
    v.evidence = {{"select", sel}, {"subsel", sub}, {"size", a.size}};
    dev.sink().report(std::move(v));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// eventq

bool InputDriver::postEvent(Device& dev, uint32_t slot) {
  // drivernormative:Device Types / Input Device / Device Operation#2: device-writable only
  // drivernormative:Device Types / Input Device / Device Operation#3: room for one whole event
  const Buf b{eventDma_ + uint64_t{slot} * input::kEventBytes, input::kEventBytes, true};
  return dev.queue(input::kEventQ).add(&b, 1, slot) >= 0;
}

size_t InputDriver::drain(input::Event* out, size_t max) {
  DriverQueue& q = dev_->queue(input::kEventQ);
  size_t n = 0;
  bool posted = false;
  while (n < max) {
    uint64_t cookie = 0;
    uint32_t len = 0;
    if (!q.getUsed(&cookie, &len)) break;  // acquire inside: the event bytes are visible before we read them
    if (cookie >= eventSlots_) continue;   // not ours (cannot happen: the queue checks ids)
    const uint32_t slot = static_cast<uint32_t>(cookie);
    if (len >= input::kEventBytes) {
      // drivernormative:Device Types / Input Device / Device Operation#5: every event is handed on as it came;
      // the caller ignores what it does not recognise (InputInfo::supports tells what the device announced)
      uint8_t b[input::kEventBytes];
      if (hal_.dmaMemory().read(eventDma_ + uint64_t{slot} * input::kEventBytes, b, sizeof b, DmaKind::Other)) {
        out[n++] = input::decode(b);
        ++events_;
      }
    } else {
      ++short_;  // a buffer given back without a whole event (e.g. not used): nothing to deliver
    }
    // drivernormative:Device Types / Input Device / Device Operation#1: the buffer goes straight back
    posted |= postEvent(*dev_, slot);
  }
  if (posted) dev_->kick(input::kEventQ);
  return n;
}

size_t InputDriver::readEvents(input::Event* out, size_t max, uint64_t timeoutNs) {
  if (!ok() || max == 0) return 0;
  size_t n = drain(out, max);
  if (n || timeoutNs == 0) return n;
  Deadline dl(hal_, timeoutNs);
  while (n == 0 && dev_->live()) {
    if (dl.expired()) {
      dev_->checkStatus();  // a device that stopped may have set DEVICE_NEEDS_RESET
      return drain(out, max);
    }
    if (hal_.waitForInterrupt(std::min(dl.remainingNs(), kWaitSliceNs))) dev_->poll();
    n = drain(out, max);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// statusq

void InputDriver::reclaimStatus() {
  DriverQueue& q = dev_->queue(input::kStatusQ);
  uint64_t cookie = 0;
  while (q.getUsed(&cookie, nullptr))
    if (cookie < statusBusy_.size()) statusBusy_[cookie] = false;
}

bool InputDriver::sendStatus(const input::Event& e, uint64_t timeoutNs) {
  if (!ok()) return false;
  Deadline dl(hal_, timeoutNs);
  auto wait = [&] {
    if (hal_.waitForInterrupt(std::min(dl.remainingNs(), kWaitSliceNs))) dev_->poll();
    reclaimStatus();
  };
  reclaimStatus();
  auto free = std::find(statusBusy_.begin(), statusBusy_.end(), false);
  while (free == statusBusy_.end()) {
    if (!dev_->live() || dl.expired()) return false;
    wait();
    free = std::find(statusBusy_.begin(), statusBusy_.end(), false);
  }
  const uint32_t slot = static_cast<uint32_t>(free - statusBusy_.begin());
  const uint64_t addr = statusDma_ + uint64_t{slot} * input::kEventBytes;
  uint8_t b[input::kEventBytes];
  input::encode(e, b);
  if (!hal_.dmaMemory().write(addr, b, sizeof b, DmaKind::Other)) return false;
  // drivernormative:Device Types / Input Device / Device Operation#4: one whole event for the device to read
  const Buf buf{addr, input::kEventBytes, false};
  if (dev_->queue(input::kStatusQ).add(&buf, 1, slot) < 0) return false;
  statusBusy_[slot] = true;
  ++statusSent_;
  dev_->kick(input::kStatusQ);
  while (statusBusy_[slot]) {
    if (!dev_->live()) return false;
    if (dl.expired()) {
      dev_->checkStatus();
      reclaimStatus();
      return !statusBusy_[slot];
    }
    wait();
  }
  return true;
}

}  // namespace vsim::drv
