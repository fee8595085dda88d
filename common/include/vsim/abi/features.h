// Reserved (transport/ring) feature bit numbers from the virtio 1.4 spec, chapter "Reserved Feature Bits".
#pragma once
#include <cstdint>

namespace vsim::feat {

constexpr unsigned kNotifyOnEmpty = 24;     ///< VIRTIO_F_NOTIFY_ON_EMPTY (legacy interface only)
constexpr unsigned kAnyLayout = 27;         ///< VIRTIO_F_ANY_LAYOUT (legacy interface only)
constexpr unsigned kIndirectDesc = 28;      ///< VIRTIO_F_INDIRECT_DESC
constexpr unsigned kEventIdx = 29;          ///< VIRTIO_F_EVENT_IDX
constexpr unsigned kVersion1 = 32;          ///< VIRTIO_F_VERSION_1
constexpr unsigned kAccessPlatform = 33;    ///< VIRTIO_F_ACCESS_PLATFORM
constexpr unsigned kRingPacked = 34;        ///< VIRTIO_F_RING_PACKED
constexpr unsigned kInOrder = 35;           ///< VIRTIO_F_IN_ORDER
constexpr unsigned kOrderPlatform = 36;     ///< VIRTIO_F_ORDER_PLATFORM
constexpr unsigned kSrIov = 37;             ///< VIRTIO_F_SR_IOV
constexpr unsigned kNotificationData = 38;  ///< VIRTIO_F_NOTIFICATION_DATA
constexpr unsigned kNotifConfigData = 39;   ///< VIRTIO_F_NOTIF_CONFIG_DATA
constexpr unsigned kRingReset = 40;         ///< VIRTIO_F_RING_RESET
constexpr unsigned kAdminVq = 41;           ///< VIRTIO_F_ADMIN_VQ
constexpr unsigned kSuspend = 43;           ///< VIRTIO_F_SUSPEND (the SUSPEND device status bit)

constexpr uint64_t bit(unsigned n) { return uint64_t{1} << n; }
constexpr bool has(uint64_t features, unsigned n) { return (features >> n) & 1u; }

/// Feature bits that change how a virtqueue is laid out or processed.
struct RingFeatures {
  bool indirect = false;
  bool eventIdx = false;
  bool inOrder = false;
  bool notificationData = false;
  bool ringReset = false;

  static RingFeatures from(uint64_t f) {
    RingFeatures r;
    r.indirect = has(f, kIndirectDesc);
    r.eventIdx = has(f, kEventIdx);
    r.inOrder = has(f, kInOrder);
    r.notificationData = has(f, kNotificationData);
    r.ringReset = has(f, kRingReset);
    return r;
  }
  uint64_t bits() const {
    return (indirect ? bit(kIndirectDesc) : 0) | (eventIdx ? bit(kEventIdx) : 0) | (inOrder ? bit(kInOrder) : 0) |
           (notificationData ? bit(kNotificationData) : 0) | (ringReset ? bit(kRingReset) : 0);
  }
};

}  // namespace vsim::feat
