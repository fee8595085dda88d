// MmioIgnoredSlot: probe values a driver must refuse, and the check that it then leaves the window alone.
#include "vsim/model/mmio_ignored_slot.h"

#include <cstring>
#include <stdexcept>

#include "vsim/abi/mmio.h"

namespace vsim::model {

namespace {
constexpr const char* kIgnoreBadMagic = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6";
constexpr const char* kIgnoreBadVersion = "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8";
constexpr const char* kPlaceholderUntouched =
    "drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#4";
}  // namespace

const char* mmioIgnoredKindName(MmioIgnoredKind k) {
  switch (k) {
    case MmioIgnoredKind::BadMagic: return "bad_magic";
    case MmioIgnoredKind::BadVersion: return "bad_version";
    default: return "placeholder";
  }
}

MmioIgnoredSlot::MmioIgnoredSlot(ViolationSink& sink, const MmioIgnoredSlotParams& params, std::string name)
    : sink_(sink), p_(params), name_(std::move(name)) {
  if (p_.kind == MmioIgnoredKind::BadMagic && p_.badMagic == mmio::kMagic)
    throw std::invalid_argument("MmioIgnoredSlot: bad_magic must not be the virtio-mmio magic value");
  if (p_.kind == MmioIgnoredKind::BadVersion &&
      (p_.badVersion == mmio::kVersionLegacy || p_.badVersion == mmio::kVersionModern))
    throw std::invalid_argument("MmioIgnoredSlot: bad_version must be neither 1 nor 2");
}

bool MmioIgnoredSlot::allowed(uint64_t off, bool write) const {
  if (write) return false;
  const uint64_t word = off & ~uint64_t{3};
  // Reading and checking MagicValue and Version is how every probe starts; only a placeholder's DeviceID is
  // part of its probe as well.
  if (word == mmio::kMagicValue || word == mmio::kVersion) return true;
  return p_.kind == MmioIgnoredKind::Placeholder && word == mmio::kDeviceId;
}

void MmioIgnoredSlot::check(uint64_t off, unsigned len, bool write) {
  ++accesses_;
  if (allowed(off, write) || reported_) return;
  reported_ = true;  // one report per slot: the first access past the probe says it all
  Violation v;
  v.culprit = Culprit::Driver;
  v.device = name_;
  v.evidence = {{"offset", off}, {"len", len}, {"write", write}};
  switch (p_.kind) {
    case MmioIgnoredKind::BadMagic:
      // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#6: a slot with a wrong MagicValue is ignored.
      v.clause = kIgnoreBadMagic;
      v.kind = "mmio.bad_magic_not_ignored";
      v.message = "driver went on accessing a slot whose MagicValue is not \"virt\"";
      v.evidence.push_back({"magic", p_.badMagic});
      break;
    case MmioIgnoredKind::BadVersion:
      // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO Device Register Layout#8: a slot with an unknown Version is ignored.
      v.clause = kIgnoreBadVersion;
      v.kind = "mmio.bad_version_not_ignored";
      v.message = "driver went on accessing a slot whose Version it cannot know";
      v.evidence.push_back({"version", p_.badVersion});
      break;
    case MmioIgnoredKind::Placeholder:
      // drivernormative:Virtio Transport Options / Virtio Over MMIO / MMIO-specific Initialization And Device Operation / Device Initialization#4: after DeviceID 0 no other register is accessed.
      v.clause = kPlaceholderUntouched;
      v.kind = "mmio.placeholder_touched";
      v.message = "driver accessed a register of a placeholder slot (DeviceID 0) other than the probe registers";
      break;
  }
  sink_.report(std::move(v));
}

bool MmioIgnoredSlot::read(uint64_t off, void* data, unsigned len) {
  if (len == 0 || len > 8 || off >= kWindowSize || len > kWindowSize - off) return false;
  check(off, len, false);
  uint32_t regs[4] = {p_.kind == MmioIgnoredKind::BadMagic ? p_.badMagic : mmio::kMagic,
                      p_.kind == MmioIgnoredKind::BadVersion ? p_.badVersion : mmio::kVersionModern,
                      p_.kind == MmioIgnoredKind::Placeholder ? 0u : p_.deviceId, 0};
  uint8_t bytes[kWindowSize] = {};
  std::memcpy(bytes, regs, sizeof regs);
  std::memcpy(data, bytes + off, len);
  return true;
}

bool MmioIgnoredSlot::write(uint64_t off, const void*, unsigned len) {
  if (len == 0 || len > 8 || off >= kWindowSize || len > kWindowSize - off) return false;
  check(off, len, true);
  return true;
}

std::string MmioIgnoredSlot::regName(uint64_t off) const {
  switch (off) {
    case mmio::kMagicValue: return "MagicValue";
    case mmio::kVersion: return "Version";
    case mmio::kDeviceId: return "DeviceID";
    default: return {};
  }
}

}  // namespace vsim::model
