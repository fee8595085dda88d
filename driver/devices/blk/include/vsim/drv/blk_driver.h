// BlkDriver: the virtio block device (type 2). Reads the configuration (only the fields whose feature is offered,
// writeback only after FEATURES_OK), negotiates the block features it can use, and offers synchronous requests —
// read / write (split into multi-segment requests within seg_max, size_max and the ring), flush, get-id,
// get-lifetime, discard, write zeroes, secure erase — on any of its queues (multiqueue when offered). Every
// request is checked against the device's limits before it is submitted, so the driver never sends what a
// driver must not; device-normative rules it can observe are reported with their clause IDs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vsim/drv/blk_abi.h"
#include "vsim/drv/device.h"
#include "vsim/drv/discover.h"

namespace vsim::drv {

/// struct virtio_blk_config as read at initialisation (fields of features not offered stay 0).
struct BlkConfig {
  uint64_t capacity = 0;  ///< 512-byte sectors
  uint32_t sizeMax = 0, segMax = 0;
  uint16_t cylinders = 0;
  uint8_t heads = 0, sectors = 0;
  uint32_t blkSize = 0;
  uint8_t physicalBlockExp = 0, alignmentOffset = 0;
  uint16_t minIoSize = 0;
  uint32_t optIoSize = 0;
  uint8_t writeback = 0;
  uint16_t numQueues = 0;
  uint32_t maxDiscardSectors = 0, maxDiscardSeg = 0, discardSectorAlignment = 0;
  uint32_t maxWriteZeroesSectors = 0, maxWriteZeroesSeg = 0;
  uint8_t writeZeroesMayUnmap = 0;
  uint32_t maxSecureEraseSectors = 0, maxSecureEraseSeg = 0, secureEraseSectorAlignment = 0;
  // struct virtio_blk_zoned_characteristics (read when VIRTIO_BLK_F_ZONED is negotiated; else 0)
  uint32_t zoneSectors = 0, maxOpenZones = 0, maxActiveZones = 0, maxAppendSectors = 0, writeGranularity = 0;
  uint8_t zonedModel = 0;
};

/// One zone descriptor of a ZONE_REPORT.
struct BlkZoneInfo {
  uint64_t cap = 0, start = 0, wp = 0;
  uint8_t type = 0, state = 0;
};

/// Outcome of one driver call.
enum class BlkStatus : int8_t {
  Ok = 0,          ///< VIRTIO_BLK_S_OK
  IoErr = 1,       ///< VIRTIO_BLK_S_IOERR
  Unsupp = 2,      ///< VIRTIO_BLK_S_UNSUPP
  BadStatus = 3,   ///< the device wrote a status value that is not defined
  NoStatus = 4,    ///< the used length does not cover the status byte (modern interface)
  Rejected = -1,   ///< not submitted: it would break a driver rule (range, limits, feature not negotiated, RO)
  Timeout = -2,    ///< no answer in time (the buffer is reclaimed later)
  NotLive = -3,    ///< the device is not live (FAILED, NEEDS_RESET) or the queue is broken
  Busy = -4,       ///< an earlier request of this queue timed out and is still with the device
  ZoneInvalidCmd = 5,      ///< VIRTIO_BLK_S_ZONE_INVALID_CMD (ZONED negotiated)
  ZoneUnalignedWp = 6,     ///< VIRTIO_BLK_S_ZONE_UNALIGNED_WP
  ZoneOpenResource = 7,    ///< VIRTIO_BLK_S_ZONE_OPEN_RESOURCE
  ZoneActiveResource = 8,  ///< VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE
};
const char* blkStatusName(BlkStatus s);

/// One range of a DISCARD / WRITE_ZEROES / SECURE_ERASE request.
struct BlkRange {
  uint64_t sector = 0;
  uint32_t sectors = 0;
  bool unmap = false;  ///< WRITE_ZEROES only
};

struct BlkLifetime {
  uint16_t preEolInfo = 0, lifetimeA = 0, lifetimeB = 0;
};

struct BlkDriverOptions {
  /// Block feature bits the driver accepts when offered (default: everything it supports, ZONED included; DISCARD
  /// is dropped when the device is host-managed zoned).
  uint64_t features = (1ull << blk::kFSizeMax) | (1ull << blk::kFSegMax) | (1ull << blk::kFGeometry) |
                      (1ull << blk::kFRo) | (1ull << blk::kFBlkSize) | (1ull << blk::kFFlush) |
                      (1ull << blk::kFTopology) | (1ull << blk::kFConfigWce) | (1ull << blk::kFMq) |
                      (1ull << blk::kFDiscard) | (1ull << blk::kFWriteZeroes) | (1ull << blk::kFLifetime) |
                      (1ull << blk::kFSecureErase) | (1ull << blk::kFZoned);
  uint32_t segmentBytes = 4096;            ///< data is cut into DMA segments of this size (capped by size_max)
  uint32_t maxTransferBytes = 256 * 1024;  ///< bounce buffer per queue; larger I/O becomes several requests
  uint32_t maxQueues = 64;                 ///< at most this many request queues
  uint64_t timeoutNs = 1'000'000'000;      ///< per request, simulated time
  bool useIndirect = true;                 ///< multi-segment requests through indirect tables when negotiated
  bool writeReadOnly = false;              ///< test knob: submit writes to an RO device (to check it fails them)
};

class BlkDriver {
 public:
  static constexpr uint16_t kDeviceType = 2;

  /// Open a discovered block device. nullptr when it is not one, or it did not become live.
  static std::unique_ptr<BlkDriver> open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts, ViolationSink& sink,
                                         BlkDriverOptions bo = {});

  Device& device() { return *dev_; }
  bool ok() const { return ok_ && dev_ && dev_->live(); }
  const BlkConfig& config() const { return cfg_; }
  /// Read the configuration again (e.g. capacity after a configuration change). False when no snapshot was read.
  bool refreshConfig();
  uint64_t capacity() const { return cfg_.capacity; }
  bool has(unsigned blkFeature) const { return (dev_->features() >> blkFeature) & 1u; }
  bool readOnly() const { return has(blk::kFRo); }
  uint16_t numQueues() const { return static_cast<uint16_t>(slots_.size()); }
  /// Largest data size one request carries (bytes); larger I/O is split.
  uint32_t maxRequestBytes() const { return maxReq_; }

  /// queue < 0: round robin over the request queues.
  BlkStatus read(uint64_t sector, void* buf, size_t bytes, int queue = -1);
  BlkStatus write(uint64_t sector, const void* buf, size_t bytes, int queue = -1);
  /// Make completed writes durable: a FLUSH when negotiated; Ok without a request when writes are stable anyway
  /// (FLUSH offered, not negotiated); Unsupp when the device offers no FLUSH.
  BlkStatus flush(int queue = -1);
  BlkStatus getId(std::string* id, int queue = -1);
  BlkStatus getLifetime(BlkLifetime* out, int queue = -1);
  /// Ranges are split to the device's sector and segment limits (several requests when needed).
  BlkStatus discard(const std::vector<BlkRange>& ranges, int queue = -1);
  BlkStatus writeZeroes(const std::vector<BlkRange>& ranges, int queue = -1);
  BlkStatus secureErase(const std::vector<BlkRange>& ranges, int queue = -1);
  /// @name Zoned devices (VIRTIO_BLK_F_ZONED negotiated; Rejected otherwise or when a rule would be broken)
  /// @{
  bool zoned() const { return has(blk::kFZoned) && cfg_.zoneSectors != 0; }
  /// Up to maxZones descriptors from the zone holding `sector`.
  BlkStatus zoneReport(uint64_t sector, std::vector<BlkZoneInfo>* out, uint32_t maxZones = 64, int queue = -1);
  /// ZONE_OPEN / ZONE_CLOSE / ZONE_FINISH / ZONE_RESET of the zone starting at zoneStart.
  BlkStatus zoneOpen(uint64_t zoneStart, int queue = -1) { return zoneMgmt(blk::kTZoneOpen, zoneStart, queue); }
  BlkStatus zoneClose(uint64_t zoneStart, int queue = -1) { return zoneMgmt(blk::kTZoneClose, zoneStart, queue); }
  BlkStatus zoneFinish(uint64_t zoneStart, int queue = -1) { return zoneMgmt(blk::kTZoneFinish, zoneStart, queue); }
  BlkStatus zoneReset(uint64_t zoneStart, int queue = -1) { return zoneMgmt(blk::kTZoneReset, zoneStart, queue); }
  BlkStatus zoneResetAll(int queue = -1);
  /// ZONE_APPEND of `bytes` (whole write_granularity units, at most max_append_sectors) to the zone starting at
  /// zoneStart; *appendSector = where the device put it.
  BlkStatus zoneAppend(uint64_t zoneStart, const void* buf, size_t bytes, uint64_t* appendSector, int queue = -1);
  /// @}
  /// VIRTIO_BLK_F_CONFIG_WCE: switch the cache mode and read it back. False when not negotiated or not taken.
  bool setWriteback(bool on);
  /// The writeback field now (re-read).
  bool writebackEnabled();

  /// Raw access for tests and the conformance suite: offer any chain on queue q, kick, and wait for it.
  /// True when the device used it (usedLen set). Nothing is checked.
  bool submitRaw(uint16_t q, const Buf* bufs, size_t n, uint32_t* usedLen, uint64_t timeoutNs = 1'000'000'000);
  /// DMA memory for raw requests (kFail when exhausted).
  uint64_t allocDma(uint64_t bytes, uint64_t align = 64);

  struct Stats {
    uint64_t requests = 0, bytesRead = 0, bytesWritten = 0, flushes = 0, errors = 0;
  };
  const Stats& stats() const { return stats_; }

  BlkDriver(std::unique_ptr<Device> dev, const BlkConfig& cfg, BlkDriverOptions bo);

 private:
  struct Slot {
    uint64_t hdr = 0;     ///< 16-byte header
    uint64_t status = 0;  ///< 1-byte status (its own cache line)
    uint64_t data = 0;    ///< bounce buffer, maxTransferBytes
    uint64_t segs = 0;    ///< DISCARD / WRITE_ZEROES / SECURE_ERASE segment table
    uint32_t segCap = 0;  ///< segments the table holds
    uint64_t stage = 0;   ///< two-descriptor requests: header + readable data, or writable data + status, contiguous
    uint64_t za = 0;      ///< ZONE_APPEND: header + data (one readable descriptor)
    uint64_t zaTail = 0;  ///< ZONE_APPEND: append_sector + status (one writable descriptor)
    bool outstanding = false;
  };
  uint16_t pick(int queue);
  BlkStatus transact(uint16_t q, uint32_t type, uint64_t sector, uint64_t dataAddr, uint32_t dataBytes, bool dataWritable,
                     uint32_t* usedLen = nullptr);
  bool waitUsed(uint16_t q, uint64_t timeoutNs, uint32_t* len);
  /// Make `bufs` available on q as one request, notify, and wait for it to be used (Ok: *len is the used length;
  /// else Rejected / Timeout / NotLive).
  BlkStatus submitAndWait(uint16_t q, const Buf* bufs, size_t n, bool indirect, uint32_t* len);
  BlkStatus rw(bool isWrite, uint64_t sector, uint8_t* buf, size_t bytes, int queue);
  BlkStatus segments(uint32_t type, const std::vector<BlkRange>& ranges, int queue);
  BlkStatus zoneMgmt(uint32_t type, uint64_t zoneStart, int queue);
  BlkStatus statusOf(uint8_t st) const;
  void deviceViolation(const char* clause, const char* kind, std::string msg, std::vector<Evidence> ev);

  std::unique_ptr<Device> dev_;
  BlkConfig cfg_;
  BlkDriverOptions bo_;
  std::vector<Slot> slots_;
  uint32_t segBytes_ = 0, maxSegs_ = 0, maxReq_ = 0;
  /// Chains may only be two descriptors long (queue size 2): every request is one readable and one writable
  /// descriptor, staged through Slot::stage.
  bool twoDescriptors_ = false;
  uint16_t next_ = 0;
  bool ok_ = false;
  Stats stats_;
};

/// Read struct virtio_blk_config from a device whose features are negotiated (FEATURES_OK set, or legacy), touching
/// only fields whose feature is offered; check what the device must guarantee there. Used by BlkDriver::open().
bool readBlkConfig(Device& dev, BlkConfig* out);

}  // namespace vsim::drv
