// BlkDevice: the virtio block device (device ID 2) as a DeviceLogic. Backing store: a raw image file or memory.
// Requests: read, write, flush, get-id, get-lifetime, discard, write-zeroes (with unmap), secure-erase; a
// device-side writeback cache that only reaches the store on FLUSH (or the host, the size limit, a reset) while
// writeback is on, and every write stored before completion in writethrough mode.
//
// Strict: every request is validated completely before anything is executed, so a rejected request changes
// neither the store nor the cache; a writable buffer that overlaps another buffer of the request or a ring is never
// written. Driver-normative rules it can observe are reported through DeviceCore::violate with their clause IDs
// (table in model/devices/blk/README.md).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "vsim/model/blk_abi.h"
#include "vsim/model/blk_backend.h"
#include "vsim/model/blk_cache.h"
#include "vsim/model/blk_params.h"
#include "vsim/model/blk_zone_table.h"
#include "vsim/model/device_logic.h"
#include "vsim/violation.h"

namespace vsim::model {

class DeviceCore;
class DeviceQueue;

struct BlkStats {
  uint64_t requests = 0;
  uint64_t reads = 0, writes = 0, flushes = 0, getIds = 0, getLifetimes = 0;
  uint64_t discards = 0, writeZeroes = 0, secureErases = 0, otherTypes = 0;
  uint64_t zoneReports = 0, zoneMgmt = 0, zoneAppends = 0;  ///< zone requests (ZONED negotiated)
  uint64_t ok = 0, ioerr = 0, unsupp = 0;
  uint64_t zoneErrors = 0;        ///< completed with one of the four zoned status values
  uint64_t noStatus = 0;          ///< chains returned without a status byte (nowhere to write one)
  uint64_t bytesRead = 0;         ///< data bytes delivered to the driver by IN requests
  uint64_t bytesWritten = 0;      ///< data bytes accepted from the driver by OUT requests
  uint64_t storeWrites = 0;       ///< writes that reached the backing store (any cause)
  uint64_t storeWriteBytes = 0;
  uint64_t writeBacks = 0;        ///< cache write-backs that had dirty data
};

/// Why bytes reached the backing store.
enum class BlkStoreCause : uint8_t {
  WriteThrough,  ///< an OUT request in writethrough mode
  WriteBack,     ///< dirty cache data written back (FLUSH, size limit, host flush, reset, destruction)
  Zeroes,        ///< WRITE_ZEROES / SECURE_ERASE wrote zeroes
  Deallocate,    ///< DISCARD / WRITE_ZEROES with unmap gave the range back
  Host,          ///< the host-side writeImage()
};
const char* blkStoreCauseName(BlkStoreCause c);

class BlkDevice final : public DeviceLogic {
 public:
  /// Opens the backing store. Throws std::invalid_argument naming the option on a bad parameter set or an image
  /// that cannot be opened. `where` names the instance in messages ("device 'blk0'").
  explicit BlkDevice(const BlkParams& p, const std::string& where = "device 'blk'");
  /// Writes dirty cache data back (a clean shutdown; use dropCache() first to simulate a power loss).
  ~BlkDevice() override;

  // --- DeviceLogic ---
  /// The core that drives this device (DeviceCore's constructor calls it): configuration-space checks report
  /// through it and resize() notifies through it.
  void attach(DeviceCore& core) override { core_ = &core; }
  uint16_t deviceId() const override { return 2; }
  std::string name() const override { return "blk"; }
  uint64_t deviceFeatures() const override;
  uint16_t numQueues() const override { return p_.numQueues; }
  uint16_t queueMaxSize(uint16_t) const override { return p_.queueSize; }
  uint32_t configSize() const override { return blk::cfg::kSize; }
  void readConfig(uint32_t off, void* dst, uint32_t len) override;
  /// capacity (le64 at 0) is the one field wider than 32 bits.
  bool wideConfigField(uint32_t off, uint32_t& start, uint32_t& size) const override {
    if (off >= blk::cfg::kCapacity + 8) return false;
    start = blk::cfg::kCapacity, size = 8;
    return true;
  }
  bool writeConfig(uint32_t off, const void* src, uint32_t len) override;
  std::string checkFeatures(uint64_t accepted) const override;
  ChainResult handle(DeviceCore& core, uint16_t q, const Chain& c, uint32_t& written) override;
  void onDriverOk(DeviceCore& core) override;
  void onReset() override;

  // --- host side ---
  const BlkParams& params() const { return p_; }
  uint64_t capacitySectors() const { return capacity_; }
  /// The backing store's bytes (what is "in the file"), bypassing the cache.
  bool readImage(uint64_t off, void* dst, uint64_t len) { return store_->read(off, dst, len); }
  /// Write the backing store directly (dirty cache sectors in the range are forgotten).
  bool writeImage(uint64_t off, const void* src, uint64_t len);
  /// What a driver read would return (cache overlaid on the store); off and len in whole sectors.
  bool readVisible(uint64_t off, void* dst, uint64_t len);
  uint64_t dirtyBytes() const { return cache_.dirtyBytes(); }
  /// FLUSH requests completed successfully.
  uint64_t flushCount() const { return flushes_; }
  /// The writeback field as the driver sees it (1 = writeback).
  uint8_t writebackField() const { return writeback_; }
  /// Whether OUT requests are cached now (writeback and a feature that lets the driver flush, not read-only).
  bool caching() const;
  /// Write every dirty sector back now (as a FLUSH would). False on a store error.
  bool flushCache();
  /// Forget dirty data without writing it (a simulated power loss).
  void dropCache() { cache_.clear(); }
  /// Change the capacity (bytes, a multiple of 512) and send a configuration change notification. False for a
  /// read-only store or a bad size.
  bool resize(uint64_t bytes);
  /// Called for every write that reaches the backing store.
  void setStoreObserver(std::function<void(uint64_t off, uint64_t len, BlkStoreCause cause)> fn) { onStore_ = std::move(fn); }
  /// Fault injection: the next `reads` reads and `writes` writes of the backing store fail like a medium error
  /// (the requests behind them complete with IOERR; a failed write-back keeps the data dirty).
  void injectStoreErrors(uint32_t reads, uint32_t writes) {
    failReads_ = reads;
    failWrites_ = writes;
  }
  const BlkStats& stats() const { return stats_; }
  /// Why the last request that did not end in OK failed (one line; empty when none did).
  const std::string& lastError() const { return lastError_; }
  std::string storeDescription() const { return store_->describe(); }
  /// @name Zoned personality (`zoned` option)
  /// @{
  bool zoned() const { return p_.isZoned(); }
  /// Zone semantics are in force: the device is zoned and the driver negotiated VIRTIO_BLK_F_ZONED.
  bool zonedActive() const { return zoned() && has(blk::kFZoned); }
  const BlkZoneTable& zones() const { return zones_; }
  /// A zone fails (read-only or offline) or is repaired (empty), as a worn medium would do it.
  void setZoneCondition(size_t zone, BlkZoneState s) { zones_.setCondition(zone, s); }
  /// @}

 private:
  struct Req;
  bool has(unsigned bit) const;
  bool offered(unsigned bit) const { return (features_ >> bit) & 1u; }
  void fillConfig(uint8_t* out) const;
  void checkConfigAccess(uint32_t off, uint32_t len, bool write);
  void report(Req& r, const char* clause, const char* kind, std::string msg, std::vector<Evidence> ev);
  uint8_t reject(Req& r, uint8_t status, std::string why);
  uint8_t execute(Req& r);
  uint8_t doRead(Req& r);
  uint8_t doWrite(Req& r);
  uint8_t doFlush(Req& r);
  uint8_t doGetId(Req& r);
  uint8_t doGetLifetime(Req& r);
  uint8_t doSegments(Req& r);
  // Zoned (blk_zoned.cpp).
  uint8_t executeZoned(Req& r, bool& handled);
  uint8_t doZoneReport(Req& r);
  uint8_t doZoneMgmt(Req& r);
  uint8_t doZoneAppend(Req& r);
  uint8_t zoneStatus(BlkZoneResult z);
  /// Zone checks of an IN / OUT / append range (0 = fine); `write` runs the write-pointer checks too.
  uint8_t zonedRangeCheck(Req& r, uint64_t sector, uint64_t sectors, bool write, size_t* zone);
  /// Zone checks of DISCARD / WRITE_ZEROES / SECURE_ERASE segments (0 = fine), and the zone resets of SECURE_ERASE.
  uint8_t zonedSegmentsCheck(Req& r, uint64_t sector, uint64_t sectors);
  void zonedAfterErase(uint64_t sector, uint64_t sectors);
  /// Unwritten data of sequential zones in [sector, sector + n) of buf is replaced by the fill pattern (zeroes).
  void maskUnwritten(uint64_t sector, uint8_t* buf, uint64_t n) const;
  void fillZonedConfig(uint8_t* c) const;
  std::string checkZonedFeatures(uint64_t accepted) const;
  bool dataLimitsOk(Req& r, bool writableData);
  /// Data of an OUT / append (readable bytes from `from`) into the cache or the store at `sector`.
  uint8_t writeFromChain(Req& r, uint64_t from, uint64_t sector, uint64_t len);
  bool inCapacity(uint64_t sector, uint64_t nSectors) const {
    return sector <= capacity_ && nSectors <= capacity_ - sector;
  }
  void classifyOverlaps(Req& r);
  void finish(Req& r, uint8_t status, uint32_t& written);
  bool storeRead(uint64_t off, void* dst, uint64_t len);
  bool injectedWriteError();
  bool storeWrite(uint64_t off, const void* src, uint64_t len, BlkStoreCause cause);
  bool storeZero(uint64_t off, uint64_t len, bool deallocate);
  bool writeBackCache();
  void noteStore(uint64_t off, uint64_t len, BlkStoreCause cause);

  BlkParams p_;
  std::string where_;
  std::unique_ptr<BlkBackend> store_;
  BlkWriteCache cache_;
  uint64_t features_ = 0;
  uint64_t capacity_ = 0;  // sectors
  mutable uint8_t writeback_ = 0;  // checkFeatures() (const in DeviceLogic) settles it when FEATURES_OK is set
  DeviceCore* core_ = nullptr;
  uint64_t flushes_ = 0;
  uint64_t reportedFields_ = 0;      // configuration fields already reported as not offered (one report per reset)
  bool reportedEarlyWriteback_ = false;
  BlkZoneTable zones_;
  bool modelRead_ = false;  // zoned.model read since the last reset
  BlkStats stats_;
  std::string lastError_;
  uint32_t failReads_ = 0, failWrites_ = 0;
  std::function<void(uint64_t, uint64_t, BlkStoreCause)> onStore_;
};

}  // namespace vsim::model
