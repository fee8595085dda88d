// Available-buffer notification payload when VIRTIO_F_NOTIFICATION_DATA is negotiated (32-bit, little-endian).
#pragma once
#include <cstdint>

namespace vsim {

struct NotificationData {
  uint16_t vqIndex = 0;
  uint16_t nextOff = 0;   ///< split: avail idx low 15 bits; packed: offset of the next descriptor to be made available
  bool nextWrap = false;  ///< split: bit 15 of avail idx; packed: the driver's wrap counter there

  static NotificationData decode(uint32_t v) {
    return NotificationData{static_cast<uint16_t>(v & 0xffff), static_cast<uint16_t>((v >> 16) & 0x7fff),
                            ((v >> 31) & 1) != 0};
  }
  uint32_t encode() const {
    return uint32_t{vqIndex} | (uint32_t{static_cast<uint16_t>(nextOff & 0x7fff)} << 16) |
           (uint32_t{nextWrap} << 31);
  }
  /// Split rings: the full 16-bit avail idx the notification claims.
  uint16_t splitIdx() const { return static_cast<uint16_t>(nextOff | (nextWrap ? 0x8000 : 0)); }
};

}  // namespace vsim
