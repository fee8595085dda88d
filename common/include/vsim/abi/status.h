// Device status bits and device IDs (virtio 1.4, "Device Status Field" and "Device Types").
#pragma once
#include <cstdint>

namespace vsim::status {
constexpr uint8_t kAcknowledge = 1;
constexpr uint8_t kDriver = 2;
constexpr uint8_t kDriverOk = 4;
constexpr uint8_t kFeaturesOk = 8;
constexpr uint8_t kSuspend = 16;
constexpr uint8_t kDeviceNeedsReset = 64;
constexpr uint8_t kFailed = 128;
}  // namespace vsim::status

namespace vsim::devid {
constexpr uint16_t kNet = 1;
constexpr uint16_t kBlock = 2;
constexpr uint16_t kConsole = 3;
constexpr uint16_t kEntropy = 4;
constexpr uint16_t kBalloon = 5;
constexpr uint16_t kScsi = 8;
constexpr uint16_t k9p = 9;
constexpr uint16_t kGpu = 16;
constexpr uint16_t kInput = 18;
constexpr uint16_t kVsock = 19;
}  // namespace vsim::devid
