#include "vsim/model/pci_endpoint.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "vsim/abi/pci.h"

namespace vsim::model {

namespace {

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

bool isPow2(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

uint64_t loadLe(const void* p, unsigned len) {
  uint64_t v = 0;
  std::memcpy(&v, p, len);  // little-endian host (GuestMemory asserts it)
  return v;
}
void storeLe(void* p, uint64_t v, unsigned len) { std::memcpy(p, &v, len); }

constexpr uint16_t kCmdWritableLo = pci::kCmdIo | pci::kCmdMemory | pci::kCmdBusMaster | (1u << 6);  // + parity resp
constexpr uint16_t kCmdWritableHi = (1u << 0) | (pci::kCmdIntxDisable >> 8);                         // SERR#, INTx dis
constexpr uint16_t kCfgCacheLineSize = 0x0c;
constexpr uint16_t kCfgHeaderEnd = 0x40;
constexpr uint16_t kCfgCapEnd = 0x100;

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// BarRegionMap

void BarRegionMap::add(uint64_t base, uint64_t size, BusTarget* target, std::string name) {
  regions_.push_back(Region{base, size, target, std::move(name)});
}

const BarRegionMap::Region* BarRegionMap::find(uint64_t off, unsigned len) const {
  for (const auto& r : regions_)
    if (off >= r.base && len <= r.size && off - r.base <= r.size - len) return &r;
  return nullptr;
}

bool BarRegionMap::read(uint64_t off, void* data, unsigned len) {
  const Region* r = find(off, len);
  if (!r || !r->target) return false;
  if (fence_ && *fence_) {
    std::memset(data, 0, len);
    return true;
  }
  return r->target->read(off - r->base, data, len);
}

bool BarRegionMap::write(uint64_t off, const void* data, unsigned len) {
  const Region* r = find(off, len);
  if (!r || !r->target) return false;
  if (fence_ && *fence_) return true;
  return r->target->write(off - r->base, data, len);
}

std::string BarRegionMap::regName(uint64_t off) const {
  const Region* r = find(off, 1);
  if (!r) return {};
  std::string n = r->target ? r->target->regName(off - r->base) : std::string();
  if (!n.empty()) return n;
  return off == r->base ? r->name : r->name + "+" + hex(off - r->base);
}

// ---------------------------------------------------------------------------------------------------------------
// MSI-X table and PBA targets

class PciEndpoint::MsixTable final : public BusTarget {
 public:
  explicit MsixTable(PciEndpoint& f) : f_(f) {}
  bool read(uint64_t off, void* data, unsigned len) override { return f_.msixTableRead(off, data, len); }
  bool write(uint64_t off, const void* data, unsigned len) override { return f_.msixTableWrite(off, data, len); }
  std::string regName(uint64_t off) const override {
    static const char* const kField[] = {"addr_lo", "addr_hi", "data", "ctrl"};
    if (off >= f_.msixTableBytes()) return {};
    return "msix.table[" + std::to_string(off / 16) + "]." + kField[(off % 16) / 4];
  }

 private:
  PciEndpoint& f_;
};

class PciEndpoint::MsixPba final : public BusTarget {
 public:
  explicit MsixPba(PciEndpoint& f) : f_(f) {}
  bool read(uint64_t off, void* data, unsigned len) override { return f_.msixPbaRead(off, data, len); }
  // The PBA is read-only: writes are accepted and ignored.
  bool write(uint64_t off, const void*, unsigned len) override {
    return (len == 4 || len == 8) && off % len == 0 && off + len <= f_.msixPbaBytes();
  }
  std::string regName(uint64_t off) const override {
    return off < f_.msixPbaBytes() ? "msix.pba[" + std::to_string(off / 8) + "]" : std::string();
  }

 private:
  PciEndpoint& f_;
};

// ---------------------------------------------------------------------------------------------------------------
// Construction

PciEndpoint::PciEndpoint(const PciIdentity& id) : id_(id) {
  cfgPut16(pci::kCfgVendorId, id.vendorId);
  cfgPut16(pci::kCfgDeviceId, id.deviceId);
  cfg_[pci::kCfgRevision] = id.revision;
  cfg_[pci::kCfgClassProg] = static_cast<uint8_t>(id.classCode);
  cfg_[pci::kCfgClassDevice] = static_cast<uint8_t>(id.classCode >> 8);
  cfg_[pci::kCfgClassDevice + 1] = static_cast<uint8_t>(id.classCode >> 16);
  cfg_[pci::kCfgHeaderType] = 0;  // type 0, single function
  cfgPut16(pci::kCfgSubsysVendorId, id.subsystemVendorId);
  cfgPut16(pci::kCfgSubsysId, id.subsystemId);
  cfg_[pci::kCfgInterruptPin] = id.interruptPin;
  wmask_[pci::kCfgCommand] = static_cast<uint8_t>(kCmdWritableLo);
  wmask_[pci::kCfgCommand + 1] = static_cast<uint8_t>(kCmdWritableHi);
  wmask_[kCfgCacheLineSize] = 0xff;
  wmask_[pci::kCfgInterruptLine] = 0xff;
}

PciEndpoint::~PciEndpoint() = default;

void PciEndpoint::cfgPut16(uint16_t off, uint16_t v) { storeLe(&cfg_[off], v, 2); }
void PciEndpoint::cfgPut32(uint16_t off, uint32_t v) { storeLe(&cfg_[off], v, 4); }
uint16_t PciEndpoint::cfgGet16(uint16_t off) const { return static_cast<uint16_t>(loadLe(&cfg_[off], 2)); }
uint32_t PciEndpoint::cfgGet32(uint16_t off) const { return static_cast<uint32_t>(loadLe(&cfg_[off], 4)); }

void PciEndpoint::defineBar(unsigned i, const BarInfo& info, BusTarget* target) {
  if (i >= kNumBars || (info.is64 && i + 1 >= kNumBars) || !isPow2(info.size) ||
      info.size < (info.io ? 4u : 16u) || (info.io && info.is64))
    throw std::invalid_argument("PciEndpoint::defineBar: invalid BAR " + std::to_string(i));
  bars_[i] = Bar{info, target, false, 0};
  bars_[i].info.present = true;
  if (info.is64) bars_[i + 1] = Bar{BarInfo{}, nullptr, true, 0};
  syncBarBytes(i);
  if (info.is64) syncBarBytes(i + 1);
}

uint16_t PciEndpoint::addCapability(uint8_t capId, uint8_t len) {
  const uint16_t off = nextCap_;
  if (len < 2 || off + len > kCfgCapEnd) throw std::invalid_argument("PciEndpoint::addCapability: no room");
  if (caps_.empty())
    cfg_[pci::kCfgCapPtr] = static_cast<uint8_t>(off);
  else
    cfg_[caps_.back().off + 1] = static_cast<uint8_t>(off);
  cfg_[off] = capId;
  cfg_[off + 1] = 0;  // end of list until another capability follows
  caps_.push_back(Capability{off, len, capId});
  nextCap_ = static_cast<uint16_t>((off + len + 3u) & ~3u);
  cfgPut16(pci::kCfgStatus, static_cast<uint16_t>(status() | pci::kStatusCapList));
  return off;
}

const PciEndpoint::Capability* PciEndpoint::capabilityAt(uint16_t off) const {
  for (const auto& c : caps_)
    if (off >= c.off && off < c.off + c.len) return &c;
  return nullptr;
}

uint16_t PciEndpoint::addMsixCapability(uint16_t vectors, uint8_t tableBar, uint32_t tableOff, uint8_t pbaBar,
                                        uint32_t pbaOff) {
  if (vectors == 0 || vectors > pci::kMsixMaxVectors || msixCap_ || tableOff % 8 || pbaOff % 8)
    throw std::invalid_argument("PciEndpoint::addMsixCapability: invalid parameters");
  const uint16_t c = addCapability(pci::kCapIdMsix, pci::kMsixCapSize);
  msixCap_ = c;
  cfgPut16(c + pci::kMsixCapControl, static_cast<uint16_t>(vectors - 1));  // Table Size is N-1, read-only
  cfgPut32(c + pci::kMsixCapTable, tableOff | (tableBar & pci::kMsixBirMask));
  cfgPut32(c + pci::kMsixCapPba, pbaOff | (pbaBar & pci::kMsixBirMask));
  wmask_[c + pci::kMsixCapControl + 1] = static_cast<uint8_t>((pci::kMsixCtrlEnable | pci::kMsixCtrlMaskAll) >> 8);
  msixTable_.assign(4u * vectors, 0);
  for (uint16_t v = 0; v < vectors; ++v) msixTable_[4u * v + 3] = pci::kMsixVectorMasked;  // masked after reset
  msixPba_.assign((vectors + 63u) / 64u, 0);
  msixTableTarget_ = std::make_unique<MsixTable>(*this);
  msixPbaTarget_ = std::make_unique<MsixPba>(*this);
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration space

uint32_t PciEndpoint::cfgRead(uint16_t off, unsigned len) {
  if (len != 1 && len != 2 && len != 4) return 0xffffffffu;
  if (off % len != 0 || off + len > pci::kConfigSpaceSize) return len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
  beforeCfgRead(off, len);
  return static_cast<uint32_t>(loadLe(&cfg_[off], len));
}

void PciEndpoint::cfgWrite(uint16_t off, uint32_t value, unsigned len) {
  if ((len != 1 && len != 2 && len != 4) || off % len != 0 || off + len > pci::kConfigSpaceSize) return;
  if (cfgWriteHook(off, value, len)) return;
  const uint16_t oldCmd = command();
  const bool oldEnable = msixEnabled(), oldMask = msixFunctionMasked();

  if (off >= pci::kCfgBar0 && off < pci::kCfgBar0 + 4 * kNumBars) {
    // BAR registers: merge the written bytes into the dword, then apply the sizing rules.
    const unsigned i = (off - pci::kCfgBar0) / 4;
    const uint16_t base = static_cast<uint16_t>(pci::kCfgBar0 + 4 * i);
    uint8_t dw[4];
    std::memcpy(dw, &cfg_[base], 4);
    for (unsigned k = 0; k < len; ++k) dw[off - base + k] = static_cast<uint8_t>(value >> (8 * k));
    barWrite(i, static_cast<uint32_t>(loadLe(dw, 4)));
    return;
  }
  for (unsigned k = 0; k < len; ++k) {
    const uint16_t b = static_cast<uint16_t>(off + k);
    const uint8_t v = static_cast<uint8_t>(value >> (8 * k));
    cfg_[b] = static_cast<uint8_t>((cfg_[b] & ~wmask_[b]) | (v & wmask_[b]));
  }

  const uint16_t newCmd = command();
  const bool newEnable = msixEnabled(), newMask = msixFunctionMasked();
  if (newCmd != oldCmd) {
    updateLine();
    if ((newCmd & pci::kCmdBusMaster) && !(oldCmd & pci::kCmdBusMaster)) msixService();
    onCommandChanged(oldCmd, newCmd);
  }
  if (newEnable != oldEnable || newMask != oldMask) {
    updateLine();  // enabling MSI-X takes INTx away, disabling gives it back
    msixService();
    onMsixControlChanged(newEnable, newMask);
  }
}

uint32_t PciEndpoint::barRegValue(unsigned i) const {
  const Bar& b = bars_[i];
  if (b.upperHalf) return b.reg;
  if (!b.info.present) return 0;
  if (b.info.io) return b.reg | pci::kBarIo;
  return b.reg | (b.info.is64 ? pci::kBarMem64 : 0u) | (b.info.prefetchable ? pci::kBarPrefetch : 0u);
}

void PciEndpoint::barWrite(unsigned i, uint32_t v) {
  Bar& b = bars_[i];
  if (b.upperHalf) {
    const uint64_t size = bars_[i - 1].info.size;
    b.reg = v & static_cast<uint32_t>(~(size - 1) >> 32);
  } else if (!b.info.present) {
    return;  // unimplemented BAR: hardwired to 0 (sizing reads back 0 = not present)
  } else if (b.info.io) {
    b.reg = v & static_cast<uint32_t>(~(b.info.size - 1)) & ~3u;
  } else {
    b.reg = v & static_cast<uint32_t>(~(b.info.size - 1)) & ~0xfu;
  }
  syncBarBytes(i);
}

void PciEndpoint::syncBarBytes(unsigned i) { cfgPut32(static_cast<uint16_t>(pci::kCfgBar0 + 4 * i), barRegValue(i)); }

BarInfo PciEndpoint::barInfo(unsigned i) const {
  if (i >= kNumBars || bars_[i].upperHalf) return BarInfo{};
  return bars_[i].info;
}

BusTarget* PciEndpoint::barTarget(unsigned i) {
  if (i >= kNumBars || bars_[i].upperHalf || !bars_[i].info.present) return nullptr;
  return bars_[i].target;
}

uint64_t PciEndpoint::barAddress(unsigned i) const {
  if (i >= kNumBars || bars_[i].upperHalf || !bars_[i].info.present) return 0;
  uint64_t a = bars_[i].reg;
  if (bars_[i].info.is64) a |= uint64_t{bars_[i + 1].reg} << 32;
  return a;
}

std::string PciEndpoint::capName(uint16_t capOff) const {
  if (capOff == msixCap_ && msixCap_) return "msix_cap";
  return "cap@" + hex(capOff);
}

std::string PciEndpoint::cfgRegName(uint16_t off) const {
  struct Named {
    uint16_t off, len;
    const char* name;
  };
  static const Named kHeader[] = {
      {0x00, 2, "vendor_id"}, {0x02, 2, "device_id"}, {0x04, 2, "command"}, {0x06, 2, "status"},
      {0x08, 1, "revision"}, {0x09, 3, "class_code"}, {0x0c, 1, "cache_line_size"}, {0x0d, 1, "latency_timer"},
      {0x0e, 1, "header_type"}, {0x0f, 1, "bist"}, {0x28, 4, "cardbus_cis"}, {0x2c, 2, "subsystem_vendor_id"},
      {0x2e, 2, "subsystem_id"}, {0x30, 4, "rom_base"}, {0x34, 1, "cap_ptr"}, {0x3c, 1, "interrupt_line"},
      {0x3d, 1, "interrupt_pin"}, {0x3e, 1, "min_gnt"}, {0x3f, 1, "max_lat"}};
  if (off >= pci::kCfgBar0 && off < pci::kCfgBar0 + 4 * kNumBars)
    return "cfg.bar" + std::to_string((off - pci::kCfgBar0) / 4);
  for (const auto& n : kHeader)
    if (off >= n.off && off < n.off + n.len) return std::string("cfg.") + n.name;
  if (off < kCfgHeaderEnd) return "cfg.reserved+" + hex(off);
  if (const Capability* c = capabilityAt(off))
    return "cfg." + capName(c->off) + (off == c->off ? std::string() : "+" + hex(off - c->off));
  return "cfg+" + hex(off);
}

std::string PciEndpoint::barRegName(unsigned bar, uint64_t off) const {
  if (bar >= kNumBars || bars_[bar].upperHalf || !bars_[bar].info.present || !bars_[bar].target) return {};
  return bars_[bar].target->regName(off);
}

void PciEndpoint::functionReset() {
  cfgPut16(pci::kCfgCommand, 0);
  for (unsigned i = 0; i < kNumBars; ++i) {
    bars_[i].reg = 0;
    syncBarBytes(i);
  }
  cfg_[kCfgCacheLineSize] = 0;
  cfg_[pci::kCfgInterruptLine] = 0;
  if (msixCap_) {
    cfgPut16(msixCap_ + pci::kMsixCapControl, static_cast<uint16_t>(msixTableSize() - 1));
    for (size_t k = 0; k < msixTable_.size(); ++k) msixTable_[k] = (k % 4 == 3) ? pci::kMsixVectorMasked : 0;
    std::fill(msixPba_.begin(), msixPba_.end(), 0);
  }
  updateLine();
  onFunctionReset();
}

// ---------------------------------------------------------------------------------------------------------------
// INTx

void PciEndpoint::connectInterrupts(InterruptFabric* fabric, unsigned intxLine) {
  if (fabric_ && lineLevel_) fabric_->setLine(intxLine_, false);
  fabric_ = fabric;
  intxLine_ = intxLine;
  if (fabric_ && lineLevel_) fabric_->setLine(intxLine_, true);
}

void PciEndpoint::setIntxPending(bool pending) {
  intxPending_ = pending;
  uint16_t st = status();
  st = pending ? static_cast<uint16_t>(st | pci::kStatusIntx) : static_cast<uint16_t>(st & ~pci::kStatusIntx);
  cfgPut16(pci::kCfgStatus, st);
  updateLine();
}

void PciEndpoint::updateLine() {
  const bool level =
      intxPending_ && id_.interruptPin != 0 && !(command() & pci::kCmdIntxDisable) && !msixEnabled();
  if (level == lineLevel_) return;
  lineLevel_ = level;
  if (level) ++stats_.intxAssertions;
  if (fabric_) fabric_->setLine(intxLine_, level);
}

// ---------------------------------------------------------------------------------------------------------------
// MSI-X

bool PciEndpoint::msixEnabled() const {
  return msixCap_ && (cfgGet16(msixCap_ + pci::kMsixCapControl) & pci::kMsixCtrlEnable);
}

bool PciEndpoint::msixFunctionMasked() const {
  return msixCap_ && (cfgGet16(msixCap_ + pci::kMsixCapControl) & pci::kMsixCtrlMaskAll);
}

bool PciEndpoint::msixVectorMasked(uint16_t v) const {
  return v < msixTableSize() && (msixTable_[4u * v + 3] & pci::kMsixVectorMasked);
}

bool PciEndpoint::msixPending(uint16_t v) const {
  return v < msixTableSize() && ((msixPba_[v / 64] >> (v % 64)) & 1u);
}

bool PciEndpoint::msixDeliverable(uint16_t v) const {
  return msixEnabled() && !msixFunctionMasked() && !msixVectorMasked(v) && busMaster();
}

void PciEndpoint::msixSend(uint16_t v) {
  const uint64_t addr = msixTable_[4u * v] | (uint64_t{msixTable_[4u * v + 1]} << 32);
  const uint32_t data = msixTable_[4u * v + 2];
  if (!fabric_) {
    ++stats_.msiNoFabric;
    return;
  }
  ++stats_.msiSent;
  fabric_->msi(addr, data);
}

bool PciEndpoint::msixSignal(uint16_t v) {
  if (!msixEnabled() || v >= msixTableSize()) return false;
  if (msixDeliverable(v)) {
    msixSend(v);
  } else {
    // Masked (per vector or function-wide) or bus mastering off: remember it; sent once deliverable.
    msixPba_[v / 64] |= uint64_t{1} << (v % 64);
    ++stats_.msiPended;
  }
  return true;
}

void PciEndpoint::msixService() {
  for (uint16_t v = 0; v < msixTableSize(); ++v) {
    if (msixPending(v) && msixDeliverable(v)) {
      msixPba_[v / 64] &= ~(uint64_t{1} << (v % 64));
      msixSend(v);
    }
  }
}

BusTarget* PciEndpoint::msixTableTarget() { return msixTableTarget_.get(); }
BusTarget* PciEndpoint::msixPbaTarget() { return msixPbaTarget_.get(); }

bool PciEndpoint::msixTableRead(uint64_t off, void* data, unsigned len) {
  if ((len != 4 && len != 8) || off % len != 0 || off + len > msixTableBytes()) return false;
  uint64_t v = msixTable_[off / 4];
  if (len == 8) v |= uint64_t{msixTable_[off / 4 + 1]} << 32;
  storeLe(data, v, len);
  return true;
}

bool PciEndpoint::msixTableWrite(uint64_t off, const void* data, unsigned len) {
  if ((len != 4 && len != 8) || off % len != 0 || off + len > msixTableBytes()) return false;
  const uint64_t v = loadLe(data, len);
  bool unmasked = false;
  for (unsigned k = 0; k < len / 4; ++k) {
    const size_t idx = off / 4 + k;
    const uint32_t w = static_cast<uint32_t>(v >> (32 * k));
    switch (idx % 4) {
      case 0: msixTable_[idx] = w & ~3u; break;  // message address is dword aligned
      case 1:
      case 2: msixTable_[idx] = w; break;
      default: {
        const bool was = msixTable_[idx] & pci::kMsixVectorMasked;
        msixTable_[idx] = w & pci::kMsixVectorMasked;  // other vector control bits are reserved
        unmasked |= was && !(w & pci::kMsixVectorMasked);
      }
    }
  }
  if (unmasked) msixService();
  return true;
}

bool PciEndpoint::msixPbaRead(uint64_t off, void* data, unsigned len) {
  if ((len != 4 && len != 8) || off % len != 0 || off + len > msixPbaBytes()) return false;
  uint64_t q = msixPba_[off / 8];
  if (len == 4) q = (off % 8) ? (q >> 32) : (q & 0xffffffffu);
  storeLe(data, q, len);
  return true;
}

}  // namespace vsim::model
