// The fake platform for the driver-side tests (see fake_hal.h).
#include "fake_hal.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace vsim::drv::fake {

namespace {
uint64_t widthMask(unsigned w) { return w >= 8 ? ~uint64_t{0} : ((uint64_t{1} << (8 * w)) - 1); }
void putLe(std::vector<uint8_t>& b, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// FakeVirtioCore
// ---------------------------------------------------------------------------------------------------------------

FakeVirtioCore::FakeVirtioCore(uint16_t type, unsigned numQueues, uint32_t maxQueueSize)
    : deviceType(type), queues(numQueues) {
  for (unsigned i = 0; i < numQueues; ++i) {
    queues[i].maxSize = maxQueueSize;
    queues[i].size = maxQueueSize;
    queues[i].notifyOff = static_cast<uint16_t>(i);
    queues[i].notifConfigData = static_cast<uint16_t>(0x100 + i);
  }
}

uint8_t FakeVirtioCore::readStatus() {
  if (pendingReads_ != 0) {
    if (pendingReads_ > 0) --pendingReads_;
    return 0x01;  // still resetting
  }
  return status;
}

void FakeVirtioCore::writeStatus(uint8_t v) {
  if (v == 0) {
    reset();
    return;
  }
  if ((v & status::kFeaturesOk) && !(status & status::kFeaturesOk) && refuseFeaturesOk)
    v = static_cast<uint8_t>(v & ~status::kFeaturesOk);
  if (honourSuspend && (v & status::kSuspend) && !(status & status::kSuspend) && (status & status::kDriverOk))
    v = static_cast<uint8_t>((v | status::kSuspend) & ~status::kDriverOk);  // suspended at once
  else if (honourSuspend && (status & status::kSuspend) && (v & status::kDriverOk))
    v = static_cast<uint8_t>(v & ~status::kSuspend);  // resumed at once
  status = static_cast<uint8_t>((status & status::kDeviceNeedsReset) | v);
}

void FakeVirtioCore::reset() {
  pendingReads_ = resetPendingReads;
  status = 0;
  driverFeatures = 0;
  dfSel = drfSel = 0;
  if (!keepVectorsOnReset) configVector = pci::kNoVector;
  for (FakeQueue& q : queues) {
    q.size = q.maxSize;
    if (!keepQueueEnableOnReset) q.enabled = 0;
    q.reset = 0;
    q.desc = q.driver = q.device = 0;
    q.pfn = 0;
    q.align = 0;
    if (!keepVectorsOnReset) q.vector = pci::kNoVector;
  }
  queueSel = 0;
  legacyLayout = false;
  rings_.clear();
}

void FakeVirtioCore::resetQueue(uint16_t q) {
  if (q >= queues.size()) return;
  queues[q].enabled = 0;
  queues[q].reset = 0;  // completes at once
  rings_.erase(q);
}

void FakeVirtioCore::notify(uint16_t q, uint32_t value) {
  notifies.emplace_back(q, value);
  if (onNotify) {
    onNotify(*this, q, value);
    return;
  }
  if (deviceType == 4) serveRng(q);
}

uint8_t FakeVirtioCore::readGeneration() {
  if (generationBumpReads > 0) {
    --generationBumpReads;
    ++generation;
  }
  return generation;
}

uint32_t FakeVirtioCore::readConfig(uint32_t off, unsigned w) {
  if (changeConfigWithoutGeneration && off == 0) {
    if (configReadOnce_ && !config.empty()) ++config[0];  // changed, generation untouched
    configReadOnce_ = true;
  }
  uint32_t v = 0;
  for (unsigned i = 0; i < w; ++i)
    if (off + i < config.size()) v |= uint32_t{config[off + i]} << (8 * i);
  return v;
}

void FakeVirtioCore::writeConfig(uint32_t off, uint32_t v, unsigned w) {
  for (unsigned i = 0; i < w; ++i)
    if (off + i < config.size()) config[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

RingAddrs FakeVirtioCore::ringAddrs(uint16_t q) const {
  const FakeQueue& fq = queues[q];
  if (legacyLayout) {
    const uint32_t size = fq.size ? fq.size : fq.maxSize;
    const uint32_t align = fq.align ? fq.align : 4096;
    const uint64_t page = guestPageSize ? guestPageSize : 4096;
    const uint64_t base = uint64_t{fq.pfn} * page;
    const LegacySplitLayout l = legacySplitLayout(size, align);
    return RingAddrs{size, base, base + l.availOff, base + l.usedOff};
  }
  return RingAddrs{fq.size, fq.desc, fq.driver, fq.device};
}

void FakeVirtioCore::configChange(bool needsReset, bool notifyDriver) {
  ++generation;
  if (needsReset) status = static_cast<uint8_t>(status | status::kDeviceNeedsReset);
  if (notifyDriver && raise) raise(true, 0);
}

bool FakeVirtioCore::writeVector(uint16_t* reg, uint16_t v, uint16_t tableSize) {
  if (refuseVectors || (v != pci::kNoVector && v >= tableSize)) {
    *reg = pci::kNoVector;
    return false;
  }
  *reg = v;
  return true;
}

uint16_t FakeVirtioCore::readVector(uint16_t reg) const {
  return vectorReadback >= 0 ? static_cast<uint16_t>(vectorReadback) : reg;
}

void FakeVirtioCore::serveRng(uint16_t q) {
  if (!mem || q >= queues.size() || !(status & status::kDriverOk)) return;
  const RingAddrs a = ringAddrs(q);
  const bool packed = feat::has(driverFeatures, feat::kRingPacked);
  RingState& rs = rings_[q];
  if (rs.addrs.desc != a.desc || rs.addrs.size != a.size || rs.packed != packed || (!rs.split && !rs.packedDev)) {
    rs = RingState{};
    rs.addrs = a;
    rs.packed = packed;
    if (packed)
      rs.packedDev = std::make_unique<test::FakePackedDevice>(*mem, a);
    else
      rs.split = std::make_unique<test::FakeSplitDevice>(*mem, a);
  }
  bool any = false;
  test::FakeChain c;
  static uint8_t counter = 0;
  while (packed ? rs.packedDev->pop(&c) : rs.split->pop(&c)) {
    const uint64_t budget = std::min<uint64_t>(c.writable, rngFillLen);
    uint64_t written = 0;
    for (const Buf& s : c.segs) {
      if (!s.writable || written >= budget) continue;
      const uint64_t n = std::min<uint64_t>(s.len, budget - written);
      std::vector<uint8_t> bytes(n);
      for (auto& b : bytes) b = counter++;
      mem->write(s.addr, bytes.data(), n);
      written += n;
    }
    if (packed)
      rs.packedDev->complete(c, static_cast<uint32_t>(written));
    else
      rs.split->complete(c.id, static_cast<uint32_t>(written));
    any = true;
  }
  if (!packed && feat::has(driverFeatures, feat::kEventIdx)) rs.split->ring.setAvailEvent(rs.split->lastAvail);
  if (any && raise && !rngNoInterrupt) raise(false, q);
}

// ---------------------------------------------------------------------------------------------------------------
// FakePciFunction
// ---------------------------------------------------------------------------------------------------------------

FakePciFunction::FakePciFunction() { cfg[pci::kCfgInterruptPin] = 1; }

void FakePciFunction::setIds(uint16_t vendor, uint16_t device, uint8_t revision, uint16_t subVendor, uint16_t subId) {
  std::memcpy(cfg + pci::kCfgVendorId, &vendor, 2);
  std::memcpy(cfg + pci::kCfgDeviceId, &device, 2);
  cfg[pci::kCfgRevision] = revision;
  std::memcpy(cfg + pci::kCfgSubsysVendorId, &subVendor, 2);
  std::memcpy(cfg + pci::kCfgSubsysId, &subId, 2);
}

void FakePciFunction::setMultiFunction(bool on) {
  cfg[pci::kCfgHeaderType] = static_cast<uint8_t>(on ? (cfg[pci::kCfgHeaderType] | 0x80) : (cfg[pci::kCfgHeaderType] & 0x7f));
}

void FakePciFunction::defineBar(int i, BarDef d) {
  bars[i] = d;
  uint32_t flags = d.io ? 1u : ((d.is64 ? 4u : 0u) | (d.prefetch ? 8u : 0u));
  std::memcpy(cfg + pci::kCfgBar0 + 4 * i, &flags, 4);
  if (d.is64 && i < 5) {
    bars[i + 1] = BarDef{};
    std::memset(cfg + pci::kCfgBar0 + 4 * (i + 1), 0, 4);
  }
}

uint64_t FakePciFunction::barAddress(int i) const {
  uint32_t lo = 0;
  std::memcpy(&lo, cfg + pci::kCfgBar0 + 4 * i, 4);
  if (bars[i].io) return lo & ~3u;
  uint64_t a = lo & ~0xfu;
  if (bars[i].is64 && i < 5) {
    uint32_t hi = 0;
    std::memcpy(&hi, cfg + pci::kCfgBar0 + 4 * (i + 1), 4);
    a |= uint64_t{hi} << 32;
  }
  return a;
}

bool FakePciFunction::barDecodes(int i, Space s) const {
  if (bars[i].size == 0) return false;
  const uint16_t cmd = static_cast<uint16_t>(cfg[pci::kCfgCommand] | (cfg[pci::kCfgCommand + 1] << 8));
  if (bars[i].io) return s == Space::Io && (cmd & pci::kCmdIo);
  return s == Space::Memory && (cmd & pci::kCmdMemory);
}

bool FakePciFunction::msixEnabled() const { return msixCapAt && (cfg[msixCapAt + 3] & 0x80); }

bool FakePciFunction::sendMsix(uint16_t v) {
  if (!msixEnabled() || v >= msixTableSize_) return false;
  if (cfg[msixCapAt + 3] & 0x40) return false;  // function masked
  if (msixTable[4u * v + 3] & 1u) return false;  // entry masked
  if (!(cfg[pci::kCfgCommand] & pci::kCmdBusMaster)) return false;
  const uint64_t addr = msixTable[4u * v] | (uint64_t{msixTable[4u * v + 1]} << 32);
  hal->msi(addr, msixTable[4u * v + 2]);
  return true;
}

uint32_t FakePciFunction::cfgRead(uint16_t off, unsigned w) {
  uint32_t v = 0;
  for (unsigned i = 0; i < w && off + i < sizeof cfg; ++i) {
    uint8_t b = cfg[off + i];
    if (off + i == pci::kCfgStatus && !msixEnabled() && (intxPending() || intxStatusBroken)) b |= pci::kStatusIntx;
    v |= uint32_t{b} << (8 * i);
  }
  return v;
}

void FakePciFunction::cfgWrite(uint16_t off, uint32_t v, unsigned w) {
  if (off >= pci::kCfgBar0 && off < pci::kCfgBar0 + 24) {
    if (w != 4 || off % 4) return;
    const int i = (off - pci::kCfgBar0) / 4;
    uint32_t stored = 0;
    if (bars[i].size) {
      const uint32_t flags = bars[i].io ? 1u : ((bars[i].is64 ? 4u : 0u) | (bars[i].prefetch ? 8u : 0u));
      const uint32_t mask = static_cast<uint32_t>(~(bars[i].size - 1)) & (bars[i].io ? ~3u : ~0xfu);
      stored = (v & mask) | flags;
    } else if (i > 0 && bars[i - 1].is64) {
      stored = v & static_cast<uint32_t>(~((bars[i - 1].size - 1) >> 32));
    }
    std::memcpy(cfg + off, &stored, 4);
    return;
  }
  for (unsigned k = 0; k < w; ++k) {
    const unsigned o = off + k;
    const uint8_t b = static_cast<uint8_t>(v >> (8 * k));
    if (o == pci::kCfgCommand)
      cfg[o] = b & 0x07;
    else if (o == pci::kCfgCommand + 1u)
      cfg[o] = b & 0x04;
    else if (o == pci::kCfgInterruptLine)
      cfg[o] = b;
    else if (msixCapAt && o == msixCapAt + 3u)
      cfg[o] = static_cast<uint8_t>((cfg[o] & 0x3f) | (b & 0xc0));
    // everything else is read-only here
  }
}

uint64_t FakePciFunction::barRead(int bar, uint64_t off, unsigned w) {
  if (bar == msixBar && off >= msixTableOff && off < msixTableOff + uint64_t{msixTableSize_} * 16 && w == 4)
    return msixTable[(off - msixTableOff) / 4];
  if (bar == msixBar && off >= msixPbaOff && off < msixPbaOff + 8) return 0;
  return widthMask(w);
}

void FakePciFunction::barWrite(int bar, uint64_t off, uint64_t v, unsigned w) {
  if (bar == msixBar && off >= msixTableOff && off < msixTableOff + uint64_t{msixTableSize_} * 16 && w == 4)
    msixTable[(off - msixTableOff) / 4] = static_cast<uint32_t>(v);
}

uint8_t FakePciFunction::addCap(std::vector<uint8_t> bytes) {
  const uint8_t pos = nextCap_;
  if (bytes.size() < 2) bytes.resize(2);
  bytes[1] = 0;
  std::memcpy(cfg + pos, bytes.data(), bytes.size());
  if (lastCap_)
    cfg[lastCap_ + 1] = pos;
  else
    cfg[pci::kCfgCapPtr] = pos;
  lastCap_ = pos;
  cfg[pci::kCfgStatus] |= pci::kStatusCapList;
  nextCap_ = static_cast<uint8_t>((pos + bytes.size() + 3) & ~size_t{3});
  return pos;
}

uint8_t FakePciFunction::addVirtioCap(uint8_t cfgType, uint8_t bar, uint32_t offset, uint32_t length, uint8_t capLen,
                                      std::vector<uint8_t> extra) {
  std::vector<uint8_t> b{pci::kCapIdVendor, 0, 0, cfgType, bar, 0, 0, 0};
  putLe(b, offset, 4);
  putLe(b, length, 4);
  b.insert(b.end(), extra.begin(), extra.end());
  b[2] = capLen ? capLen : static_cast<uint8_t>(b.size());
  return addCap(std::move(b));
}

uint8_t FakePciFunction::addNotifyCap(uint8_t bar, uint32_t offset, uint32_t length, uint32_t multiplier,
                                      uint8_t capLen) {
  std::vector<uint8_t> extra;
  putLe(extra, multiplier, 4);
  return addVirtioCap(pci::kCapNotifyCfg, bar, offset, length, capLen, extra);
}

uint8_t FakePciFunction::addMsixCap(uint16_t tableSize, uint8_t bar, uint32_t tableOff, uint8_t pbaBar,
                                    uint32_t pbaOff) {
  std::vector<uint8_t> b{pci::kCapIdMsix, 0};
  putLe(b, static_cast<uint16_t>(tableSize - 1), 2);
  putLe(b, tableOff | bar, 4);
  putLe(b, pbaOff | pbaBar, 4);
  msixCapAt = addCap(std::move(b));
  msixTableSize_ = tableSize;
  msixBar = bar;
  msixTableOff = tableOff;
  msixPbaOff = pbaOff;
  msixTable.assign(size_t{tableSize} * 4, 0);
  for (uint16_t v = 0; v < tableSize; ++v) msixTable[4u * v + 3] = 1;  // masked
  return msixCapAt;
}

// ---------------------------------------------------------------------------------------------------------------
// FakeVirtioPci
// ---------------------------------------------------------------------------------------------------------------

FakeVirtioPci::FakeVirtioPci(uint16_t type, unsigned numQueues, Layout l) : core(type, numQueues), layout(l) {
  if (layout.legacy)
    setIds(pci::kVendorRedHatQumranet, pci::transitionalDeviceId(type), 0, pci::kVendorRedHatQumranet, type);
  else
    setIds(pci::kVendorRedHatQumranet, static_cast<uint16_t>(pci::kModernDeviceIdBase + type), 1,
           pci::kVendorRedHatQumranet, static_cast<uint16_t>(0x40 + type));
  if (layout.legacy) defineBar(0, BarDef{0x40, true, false, false});
  if (layout.msixVectors) defineBar(1, BarDef{0x1000, false, false, false});
  if (layout.modern) defineBar(4, BarDef{kBar4Size, false, true, true});
  if (layout.modern && layout.standardCaps) addStandardCaps();
  if (layout.msixVectors) addMsixCap(layout.msixVectors, 1, 0, 1, 0x800);
  if (!layout.modern) core.deviceFeatures = 0;  // a legacy-only device has no VERSION_1
  core.raise = [this](bool config, uint16_t q) { interrupt(config, q); };
}

void FakeVirtioPci::addStandardCaps() {
  addVirtioCap(pci::kCapCommonCfg, 4, kCommonOff, 0x40);
  addNotifyCap(4, kNotifyOff, kNotifyLen, layout.notifyMultiplier);
  addVirtioCap(pci::kCapIsrCfg, 4, kIsrOff, 4);
  addVirtioCap(pci::kCapDeviceCfg, 4, kDeviceOff, 0x100);
  addVirtioCap(pci::kCapPciCfg, 0, 0, 0, 0, {0, 0, 0, 0});
}

FakeQueue* FakeVirtioPci::sel() { return core.queueSel < core.queues.size() ? &core.queues[core.queueSel] : nullptr; }

void FakeVirtioPci::interrupt(bool config, uint16_t q) {
  if (msixEnabled()) {
    const uint16_t v = config ? core.configVector : (q < core.queues.size() ? core.queues[q].vector : pci::kNoVector);
    if (v != pci::kNoVector) sendMsix(v);
    return;
  }
  isr = static_cast<uint8_t>(isr | (config ? pci::kIsrConfig : pci::kIsrQueue));
  hal->setLine(intxLine, true);
}

uint64_t FakeVirtioPci::commonRead(uint32_t off, unsigned w) {
  using namespace pci::common;
  FakeQueue* q = sel();
  switch (off) {
    case kDeviceFeatureSelect: return core.dfSel;
    case kDeviceFeature: return core.dfSel < 2 ? static_cast<uint32_t>(core.deviceFeatures >> (32 * core.dfSel)) : 0;
    case kDriverFeatureSelect: return core.drfSel;
    case kDriverFeature:
      if (core.driverFeatureReadsZero) return 0;
      return core.drfSel < 2 ? static_cast<uint32_t>(core.driverFeatures >> (32 * core.drfSel)) : 0;
    case kConfigMsixVector: return core.readVector(core.configVector);
    case kNumQueues: return core.queues.size();
    case kDeviceStatus: return core.readStatus();
    case kConfigGeneration: return core.readGeneration();
    case kQueueSelect: return core.queueSel;
    case kQueueSize: return q ? q->size : 0;
    case kQueueMsixVector: return q ? core.readVector(q->vector) : pci::kNoVector;
    case kQueueEnable: return q ? q->enabled : 0;
    case kQueueNotifyOff: return q ? q->notifyOff : 0;
    case kQueueDesc: return q ? static_cast<uint32_t>(q->desc) : 0;
    case kQueueDesc + 4: return q ? static_cast<uint32_t>(q->desc >> 32) : 0;
    case kQueueDriver: return q ? static_cast<uint32_t>(q->driver) : 0;
    case kQueueDriver + 4: return q ? static_cast<uint32_t>(q->driver >> 32) : 0;
    case kQueueDevice: return q ? static_cast<uint32_t>(q->device) : 0;
    case kQueueDevice + 4: return q ? static_cast<uint32_t>(q->device >> 32) : 0;
    case kQueueNotifConfigData: return q ? q->notifConfigData : 0;
    case kQueueReset: return q ? q->reset : 0;
    default: (void)w; return 0;
  }
}

void FakeVirtioPci::commonWrite(uint32_t off, uint64_t v64, unsigned w) {
  using namespace pci::common;
  (void)w;
  FakeQueue* q = sel();
  const uint32_t v = static_cast<uint32_t>(v64);
  auto setLo = [](uint64_t& r, uint32_t x) { r = (r & ~uint64_t{0xffffffff}) | x; };
  auto setHi = [](uint64_t& r, uint32_t x) { r = (r & 0xffffffffull) | (uint64_t{x} << 32); };
  switch (off) {
    case kDeviceFeatureSelect: core.dfSel = v; break;
    case kDriverFeatureSelect: core.drfSel = v; break;
    case kDriverFeature:
      if (core.drfSel == 0) setLo(core.driverFeatures, v);
      if (core.drfSel == 1) setHi(core.driverFeatures, v);
      break;
    case kConfigMsixVector: core.writeVector(&core.configVector, static_cast<uint16_t>(v), msixTableSize_); break;
    case kDeviceStatus:
      core.writeStatus(static_cast<uint8_t>(v));
      if (v == 0) {
        isr = 0;
        hal->setLine(intxLine, false);
      }
      break;
    case kQueueSelect: core.queueSel = static_cast<uint16_t>(v); break;
    case kQueueSize: if (q) q->size = v; break;
    case kQueueMsixVector: if (q) core.writeVector(&q->vector, static_cast<uint16_t>(v), msixTableSize_); break;
    case kQueueEnable: if (q) q->enabled = v; break;
    case kQueueDesc: if (q) setLo(q->desc, v); break;
    case kQueueDesc + 4: if (q) setHi(q->desc, v); break;
    case kQueueDriver: if (q) setLo(q->driver, v); break;
    case kQueueDriver + 4: if (q) setHi(q->driver, v); break;
    case kQueueDevice: if (q) setLo(q->device, v); break;
    case kQueueDevice + 4: if (q) setHi(q->device, v); break;
    case kQueueReset:
      if (q && v == 1) core.resetQueue(core.queueSel);
      break;
    default: break;
  }
}

uint64_t FakeVirtioPci::legacyRead(uint32_t off, unsigned w) {
  using namespace pci::legacy;
  FakeQueue* q = sel();
  const uint32_t cfgBase = msixEnabled() ? kDeviceConfigMsix : kDeviceConfigNoMsix;
  if (off >= cfgBase) return core.readConfig(off - cfgBase, w);
  switch (off) {
    case kHostFeatures: return static_cast<uint32_t>(core.deviceFeatures);
    case kGuestFeatures: return static_cast<uint32_t>(core.driverFeatures);
    case kQueuePfn: return q ? q->pfn : 0;
    case kQueueNum: return q ? q->maxSize : 0;
    case kQueueSel: return core.queueSel;
    case kStatus: return core.readStatus();
    case kIsr: {
      const uint8_t v = isr;
      isr = 0;
      hal->setLine(intxLine, false);
      return v;
    }
    case kConfigMsixVector: return core.readVector(core.configVector);
    case kQueueMsixVector: return q ? core.readVector(q->vector) : pci::kNoVector;
    default: return 0;
  }
}

void FakeVirtioPci::legacyWrite(uint32_t off, uint64_t v64, unsigned w) {
  using namespace pci::legacy;
  FakeQueue* q = sel();
  const uint32_t v = static_cast<uint32_t>(v64);
  const uint32_t cfgBase = msixEnabled() ? kDeviceConfigMsix : kDeviceConfigNoMsix;
  if (off >= cfgBase) {
    core.writeConfig(off - cfgBase, v, w);
    return;
  }
  switch (off) {
    case kGuestFeatures: core.driverFeatures = v; break;
    case kQueuePfn:
      if (q) {
        q->pfn = v;
        q->size = q->maxSize;
        q->align = kQueueAlign;
        core.legacyLayout = true;
      }
      break;
    case kQueueSel: core.queueSel = static_cast<uint16_t>(v); break;
    case kQueueNotify:
      core.mem = &hal->mem;
      core.notify(static_cast<uint16_t>(v), v);
      break;
    case kStatus:
      core.writeStatus(static_cast<uint8_t>(v));
      if (v == 0) {
        isr = 0;
        hal->setLine(intxLine, false);
      }
      break;
    case kConfigMsixVector: core.writeVector(&core.configVector, static_cast<uint16_t>(v), msixTableSize_); break;
    case kQueueMsixVector: if (q) core.writeVector(&q->vector, static_cast<uint16_t>(v), msixTableSize_); break;
    default: break;
  }
}

uint64_t FakeVirtioPci::barRead(int bar, uint64_t off, unsigned w) {
  if (bar == 4) {
    if (off >= kCommonOff && off < kCommonOff + 0x40) return commonRead(static_cast<uint32_t>(off - kCommonOff), w);
    if (off == kIsrOff) {
      const uint8_t v = isr;
      isr = 0;  // read clears and de-asserts
      hal->setLine(intxLine, false);
      return v;
    }
    if (off >= kDeviceOff && off < kDeviceOff + 0x100) return core.readConfig(static_cast<uint32_t>(off - kDeviceOff), w);
    return 0;
  }
  if (bar == 0 && layout.legacy) return legacyRead(static_cast<uint32_t>(off), w);
  return FakePciFunction::barRead(bar, off, w);
}

void FakeVirtioPci::barWrite(int bar, uint64_t off, uint64_t v, unsigned w) {
  if (bar == 4) {
    if (off >= kCommonOff && off < kCommonOff + 0x40) {
      commonWrite(static_cast<uint32_t>(off - kCommonOff), v, w);
    } else if (off >= kDeviceOff && off < kDeviceOff + 0x100) {
      core.writeConfig(static_cast<uint32_t>(off - kDeviceOff), static_cast<uint32_t>(v), w);
    } else if (off >= kNotifyOff && off < kNotifyOff + kNotifyLen) {
      const uint64_t rel = off - kNotifyOff;
      notifyWrites.emplace_back(rel, w);
      uint16_t q = static_cast<uint16_t>(v & 0xffff);
      if (layout.notifyMultiplier) {
        for (size_t i = 0; i < core.queues.size(); ++i)
          if (uint64_t{core.queues[i].notifyOff} * layout.notifyMultiplier == rel) q = static_cast<uint16_t>(i);
      }
      core.mem = &hal->mem;
      core.notify(q, static_cast<uint32_t>(v));
    }
    return;
  }
  if (bar == 0 && layout.legacy) {
    legacyWrite(static_cast<uint32_t>(off), v, w);
    return;
  }
  FakePciFunction::barWrite(bar, off, v, w);
}

// ---------------------------------------------------------------------------------------------------------------
// FakeVirtioMmio
// ---------------------------------------------------------------------------------------------------------------

FakeVirtioMmio::FakeVirtioMmio(uint16_t type, unsigned numQueues, uint32_t v) : core(type, numQueues), version(v) {
  core.deviceFeatures = version == 2 ? feat::bit(feat::kVersion1) : 0;
  for (FakeQueue& q : core.queues) q.size = 0;
  core.raise = [this](bool config, uint16_t) {
    interruptStatus |= config ? mmio::kIntConfigChange : mmio::kIntUsedBuffer;
    hal->setLine(line, true);
  };
}

uint32_t FakeVirtioMmio::read(uint32_t off, unsigned w) {
  FakeQueue* q = core.queueSel < core.queues.size() ? &core.queues[core.queueSel] : nullptr;
  if (off >= mmio::kConfig) return core.readConfig(off - mmio::kConfig, w);
  switch (off) {
    case mmio::kMagicValue: return magic;
    case mmio::kVersion: return version;
    case mmio::kDeviceId: return core.deviceType;
    case mmio::kVendorId: return vendorId;
    case mmio::kDeviceFeatures:
      return core.dfSel < 2 ? static_cast<uint32_t>(core.deviceFeatures >> (32 * core.dfSel)) : 0;
    case mmio::kQueueNumMax: return q ? q->maxSize : 0;
    case mmio::kQueueReady: return q ? q->enabled : 0;
    case mmio::kQueuePfn: return q ? q->pfn : 0;
    case mmio::kInterruptStatus: return interruptStatus | extraStatusBits;
    case mmio::kStatus: return core.readStatus();
    case mmio::kQueueReset: return q ? q->reset : 0;
    case mmio::kConfigGeneration: return version == 2 ? core.readGeneration() : 0;
    default: return 0;
  }
}

void FakeVirtioMmio::write(uint32_t off, uint32_t v, unsigned w) {
  FakeQueue* q = core.queueSel < core.queues.size() ? &core.queues[core.queueSel] : nullptr;
  if (off >= mmio::kConfig) {
    core.writeConfig(off - mmio::kConfig, v, w);
    return;
  }
  auto setLo = [](uint64_t& r, uint32_t x) { r = (r & ~uint64_t{0xffffffff}) | x; };
  auto setHi = [](uint64_t& r, uint32_t x) { r = (r & 0xffffffffull) | (uint64_t{x} << 32); };
  switch (off) {
    case mmio::kDeviceFeaturesSel: core.dfSel = v; break;
    case mmio::kDriverFeaturesSel: core.drfSel = v; break;
    case mmio::kDriverFeatures:
      if (core.drfSel == 0) setLo(core.driverFeatures, v);
      if (core.drfSel == 1) setHi(core.driverFeatures, v);
      break;
    case mmio::kGuestPageSize: core.guestPageSize = v; break;
    case mmio::kQueueSel: core.queueSel = static_cast<uint16_t>(v); break;
    case mmio::kQueueNum: if (q) q->size = v; break;
    case mmio::kQueueAlign: if (q) q->align = v; break;
    case mmio::kQueuePfn:
      if (q) {
        q->pfn = v;
        core.legacyLayout = true;
      }
      break;
    case mmio::kQueueReady: if (q) q->enabled = v; break;
    case mmio::kQueueNotify: {
      const bool nd = feat::has(core.driverFeatures, feat::kNotificationData);
      core.notify(static_cast<uint16_t>(nd ? (v & 0xffff) : v), v);
      break;
    }
    case mmio::kInterruptAck:
      acks.push_back(v);
      interruptStatus &= ~v;
      if (interruptStatus == 0) hal->setLine(line, false);
      break;
    case mmio::kStatus:
      core.writeStatus(static_cast<uint8_t>(v));
      if (v == 0) {
        interruptStatus = 0;
        hal->setLine(line, false);
        if (version == 1) core.legacyLayout = true;
        for (FakeQueue& fq : core.queues) fq.size = 0;
      }
      break;
    case mmio::kQueueDescLow: if (q) setLo(q->desc, v); break;
    case mmio::kQueueDescHigh: if (q) setHi(q->desc, v); break;
    case mmio::kQueueDriverLow: if (q) setLo(q->driver, v); break;
    case mmio::kQueueDriverHigh: if (q) setHi(q->driver, v); break;
    case mmio::kQueueDeviceLow: if (q) setLo(q->device, v); break;
    case mmio::kQueueDeviceHigh: if (q) setHi(q->device, v); break;
    case mmio::kQueueReset:
      if (q && v == 1) core.resetQueue(core.queueSel);
      break;
    default: break;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// FakeHal
// ---------------------------------------------------------------------------------------------------------------

FakeHal::FakeHal(uint64_t ramSize) : mem(ramSize, kRamBase), alloc(kRamBase, ramSize) {
  desc.ecamBase = kEcamBase;
  desc.ecamBuses = 1;
  desc.pciMem32Base = kMem32Base;
  desc.pciMem32Size = 0x10000000;
  desc.pciMem64Base = kMem64Base;
  desc.pciMem64Size = uint64_t{1} << 32;
  desc.pciIoBase = kIoBase;
  desc.pciIoSize = 0x10000;
  desc.pciIntxLineBase = 32;
  desc.msiAddress = kMsiAddress;
  desc.ramBase = kRamBase;
  desc.ramSize = ramSize;
}

FakePciFunction* FakeHal::pciAt(uint64_t ecamOff, uint16_t* off) {
  if ((ecamOff >> 20) != 0) return nullptr;  // bus 0 only
  const uint8_t dev = static_cast<uint8_t>((ecamOff >> 15) & 31), fn = static_cast<uint8_t>((ecamOff >> 12) & 7);
  *off = static_cast<uint16_t>(ecamOff & 0xfff);
  for (PciSlot& s : pci_)
    if (s.dev == dev && s.fn == fn) return s.f.get();
  return nullptr;
}

uint64_t FakeHal::read(Space space, uint64_t addr, unsigned width) {
  uint64_t v = widthMask(width);
  bool hit = false;
  if (space == Space::Config ||
      (space == Space::Memory && addr >= desc.ecamBase && addr < desc.ecamBase + (uint64_t{desc.ecamBuses} << 20))) {
    uint16_t off = 0;
    FakePciFunction* f = pciAt(space == Space::Config ? addr : addr - desc.ecamBase, &off);
    if (f) v = f->cfgRead(off, width);
    hit = true;
  }
  for (PciSlot& s : pci_) {
    if (hit) break;
    for (int i = 0; i < 6 && !hit; ++i) {
      if (!s.f->barDecodes(i, space)) continue;
      const uint64_t b = s.f->barAddress(i);
      if (addr >= b && addr - b < s.f->bars[i].size) {
        v = s.f->barRead(i, addr - b, width);
        hit = true;
      }
    }
  }
  if (!hit && space == Space::Memory) {
    for (MmioSlot& m : mmio_) {
      if (m.m && addr >= m.base && addr - m.base < mmio::kWindowSize) {
        v = m.m->read(static_cast<uint32_t>(addr - m.base), width);
        break;
      }
    }
  }
  v &= widthMask(width);
  if (logging) log.push_back(Access{space, addr, v, width, false});
  return v;
}

void FakeHal::write(Space space, uint64_t addr, uint64_t value, unsigned width) {
  value &= widthMask(width);
  if (logging) log.push_back(Access{space, addr, value, width, true});
  if (space == Space::Config ||
      (space == Space::Memory && addr >= desc.ecamBase && addr < desc.ecamBase + (uint64_t{desc.ecamBuses} << 20))) {
    uint16_t off = 0;
    if (FakePciFunction* f = pciAt(space == Space::Config ? addr : addr - desc.ecamBase, &off))
      f->cfgWrite(off, static_cast<uint32_t>(value), width);
    return;
  }
  for (PciSlot& s : pci_) {
    for (int i = 0; i < 6; ++i) {
      if (!s.f->barDecodes(i, space)) continue;
      const uint64_t b = s.f->barAddress(i);
      if (addr >= b && addr - b < s.f->bars[i].size) {
        s.f->barWrite(i, addr - b, value, width);
        return;
      }
    }
  }
  if (space == Space::Memory) {
    for (MmioSlot& m : mmio_) {
      if (m.m && addr >= m.base && addr - m.base < mmio::kWindowSize) {
        m.m->write(static_cast<uint32_t>(addr - m.base), static_cast<uint32_t>(value), width);
        return;
      }
    }
  }
}

bool FakeHal::popMsi(uint32_t* data) {
  if (msis.empty()) return false;
  *data = msis.front();
  msis.pop_front();
  return true;
}

bool FakeHal::waitForInterrupt(uint64_t timeoutNs) {
  if (levels != 0 || !msis.empty()) return true;
  if (timed) now += timeoutNs;
  return false;
}

FakePciFunction& FakeHal::addPci(std::unique_ptr<FakePciFunction> f, uint8_t dev, uint8_t fn) {
  f->hal = this;
  f->intxLine = desc.pciIntxLineBase + dev;
  if (auto* v = dynamic_cast<FakeVirtioPci*>(f.get())) v->core.mem = &mem;
  pci_.push_back(PciSlot{dev, fn, std::move(f)});
  return *pci_.back().f;
}

FakeVirtioMmio& FakeHal::addMmio(std::unique_ptr<FakeVirtioMmio> m) {
  const uint64_t base = kMmioBase + 0x1000 * mmio_.size();
  const unsigned line = 10 + static_cast<unsigned>(mmio_.size());
  m->hal = this;
  m->line = line;
  m->core.mem = &mem;
  desc.mmio.push_back(PlatformDesc::MmioSlot{base, mmio::kWindowSize, line});
  mmio_.push_back(MmioSlot{base, std::move(m)});
  return *mmio_.back().m;
}

void FakeHal::addEmptyMmioSlot() {
  const uint64_t base = kMmioBase + 0x1000 * mmio_.size();
  desc.mmio.push_back(PlatformDesc::MmioSlot{base, mmio::kWindowSize, 10 + static_cast<unsigned>(mmio_.size())});
  mmio_.push_back(MmioSlot{base, nullptr});
}

void FakeHal::setLine(unsigned line, bool level) {
  if (line >= 64) return;
  if (level)
    levels |= uint64_t{1} << line;
  else
    levels &= ~(uint64_t{1} << line);
}

void FakeHal::msi(uint64_t addr, uint32_t data) {
  msiLog.emplace_back(addr, data);
  if (addr == desc.msiAddress) msis.push_back(data);
}

std::vector<Access> FakeHal::accesses(Space s, uint64_t lo, uint64_t hi, bool writesOnly) const {
  std::vector<Access> out;
  for (const Access& a : log)
    if (a.space == s && a.addr >= lo && a.addr < hi && (!writesOnly || a.write)) out.push_back(a);
  return out;
}

namespace {
std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}
std::vector<std::string> trace(const FakeHal& h, Space s, uint64_t base, uint64_t len,
                               const std::function<std::string(uint32_t)>& name, const std::vector<std::string>& reads) {
  std::vector<std::string> out;
  for (const Access& a : h.log) {
    if (a.space != s || a.addr < base || a.addr - base >= len) continue;
    const std::string n = name(static_cast<uint32_t>(a.addr - base));
    if (a.write)
      out.push_back("W " + n + "=" + hex(a.value));
    else if (std::find(reads.begin(), reads.end(), n) != reads.end())
      out.push_back("R " + n);
  }
  return out;
}
}  // namespace

std::vector<std::string> commonTrace(const FakeHal& h, FakePciFunction& f, const std::vector<std::string>& reads) {
  auto name = [](uint32_t off) -> std::string {
    using namespace pci::common;
    switch (off) {
      case kDeviceFeatureSelect: return "device_feature_select";
      case kDeviceFeature: return "device_feature";
      case kDriverFeatureSelect: return "driver_feature_select";
      case kDriverFeature: return "driver_feature";
      case kConfigMsixVector: return "config_msix_vector";
      case kNumQueues: return "num_queues";
      case kDeviceStatus: return "device_status";
      case kConfigGeneration: return "config_generation";
      case kQueueSelect: return "queue_select";
      case kQueueSize: return "queue_size";
      case kQueueMsixVector: return "queue_msix_vector";
      case kQueueEnable: return "queue_enable";
      case kQueueNotifyOff: return "queue_notify_off";
      case kQueueDesc: return "queue_desc_lo";
      case kQueueDesc + 4: return "queue_desc_hi";
      case kQueueDriver: return "queue_driver_lo";
      case kQueueDriver + 4: return "queue_driver_hi";
      case kQueueDevice: return "queue_device_lo";
      case kQueueDevice + 4: return "queue_device_hi";
      case kQueueNotifConfigData: return "queue_notif_config_data";
      case kQueueReset: return "queue_reset";
      default: return "common+" + hex(off);
    }
  };
  return trace(h, Space::Memory, f.barAddress(4) + FakeVirtioPci::kCommonOff, 0x40, name, reads);
}

std::vector<std::string> mmioTrace(const FakeHal& h, uint64_t base, const std::vector<std::string>& reads) {
  auto name = [](uint32_t off) -> std::string {
    switch (off) {
      case mmio::kMagicValue: return "MagicValue";
      case mmio::kVersion: return "Version";
      case mmio::kDeviceId: return "DeviceID";
      case mmio::kVendorId: return "VendorID";
      case mmio::kDeviceFeatures: return "DeviceFeatures";
      case mmio::kDeviceFeaturesSel: return "DeviceFeaturesSel";
      case mmio::kDriverFeatures: return "DriverFeatures";
      case mmio::kDriverFeaturesSel: return "DriverFeaturesSel";
      case mmio::kGuestPageSize: return "GuestPageSize";
      case mmio::kQueueSel: return "QueueSel";
      case mmio::kQueueNumMax: return "QueueNumMax";
      case mmio::kQueueNum: return "QueueNum";
      case mmio::kQueueAlign: return "QueueAlign";
      case mmio::kQueuePfn: return "QueuePFN";
      case mmio::kQueueReady: return "QueueReady";
      case mmio::kQueueNotify: return "QueueNotify";
      case mmio::kInterruptStatus: return "InterruptStatus";
      case mmio::kInterruptAck: return "InterruptACK";
      case mmio::kStatus: return "Status";
      case mmio::kQueueDescLow: return "QueueDescLow";
      case mmio::kQueueDescHigh: return "QueueDescHigh";
      case mmio::kQueueDriverLow: return "QueueDriverLow";
      case mmio::kQueueDriverHigh: return "QueueDriverHigh";
      case mmio::kQueueDeviceLow: return "QueueDeviceLow";
      case mmio::kQueueDeviceHigh: return "QueueDeviceHigh";
      case mmio::kQueueReset: return "QueueReset";
      case mmio::kConfigGeneration: return "ConfigGeneration";
      default: return off >= mmio::kConfig ? "Config+" + hex(off - mmio::kConfig) : "mmio+" + hex(off);
    }
  };
  return trace(h, Space::Memory, base, mmio::kWindowSize, name, reads);
}

std::vector<std::string> legacyTrace(const FakeHal& h, FakePciFunction& f, const std::vector<std::string>& reads) {
  auto name = [](uint32_t off) -> std::string {
    using namespace pci::legacy;
    switch (off) {
      case kHostFeatures: return "host_features";
      case kGuestFeatures: return "guest_features";
      case kQueuePfn: return "queue_pfn";
      case kQueueNum: return "queue_num";
      case kQueueSel: return "queue_sel";
      case kQueueNotify: return "queue_notify";
      case kStatus: return "status";
      case kIsr: return "isr";
      case kConfigMsixVector: return "config_msix_vector|config";
      case kQueueMsixVector: return "queue_msix_vector|config";
      default: return "io+" + hex(off);
    }
  };
  return trace(h, Space::Io, f.barAddress(0), 0x40, name, reads);
}

}  // namespace vsim::drv::fake
