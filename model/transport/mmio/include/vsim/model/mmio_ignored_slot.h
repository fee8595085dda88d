// MmioIgnoredSlot: a virtio-mmio register window whose probe tells a driver to leave it alone: a MagicValue that is
// not "virt", a Version the spec does not define, or DeviceID 0 (a placeholder slot). It answers the probe
// registers and checks that the driver, having read what it needed, touches nothing else there.
#pragma once
#include <cstdint>
#include <string>

#include "vsim/model/bus_target.h"
#include "vsim/violation.h"

namespace vsim::model {

enum class MmioIgnoredKind : uint8_t {
  BadMagic,     ///< MagicValue is not 0x74726976: not a virtio-mmio device
  BadVersion,   ///< a valid magic, but a Version neither 1 nor 2
  Placeholder,  ///< a valid magic and version 2, DeviceID 0
};
const char* mmioIgnoredKindName(MmioIgnoredKind k);  ///< "bad_magic", "bad_version", "placeholder"

struct MmioIgnoredSlotParams {
  /// kind (default Placeholder): what the probe registers show.
  MmioIgnoredKind kind = MmioIgnoredKind::Placeholder;
  /// bad_magic (default 0x74726975): MagicValue of a BadMagic slot; anything but 0x74726976. Unit: none.
  uint32_t badMagic = 0x74726975;
  /// bad_version (default 3): Version of a BadVersion slot; anything but 1 and 2. Unit: none.
  uint32_t badVersion = 3;
  /// device_id (default 4, entropy): DeviceID a BadMagic / BadVersion slot shows to a driver that reads on anyway.
  uint32_t deviceId = 4;
};

class MmioIgnoredSlot final : public BusTarget {
 public:
  static constexpr uint64_t kWindowSize = 0x200;

  /// Violations go to sink, tagged with `name`. Throws std::invalid_argument for a magic / version that is valid.
  MmioIgnoredSlot(ViolationSink& sink, const MmioIgnoredSlotParams& params = {}, std::string name = "mmio-ignored");

  /// The probe registers read their values; anything else reads 0 and writes are ignored (never a decode error:
  /// a real slot would decode them, and the driver must not get there).
  bool read(uint64_t off, void* data, unsigned len) override;
  bool write(uint64_t off, const void* data, unsigned len) override;
  std::string regName(uint64_t off) const override;

  const MmioIgnoredSlotParams& params() const { return p_; }
  uint64_t accesses() const { return accesses_; }

 private:
  bool allowed(uint64_t off, bool write) const;
  void check(uint64_t off, unsigned len, bool write);

  ViolationSink& sink_;
  MmioIgnoredSlotParams p_;
  std::string name_;
  uint64_t accesses_ = 0;
  bool reported_ = false;
};

}  // namespace vsim::model
