// BlkDevice: construction (store, offered features), negotiation hooks, reset, and the host-side API.
#include "vsim/model/blk_device.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "blk_clauses.h"
#include "vsim/abi/status.h"
#include "vsim/model/device_core.h"

namespace vsim::model {

const char* blkStoreCauseName(BlkStoreCause c) {
  switch (c) {
    case BlkStoreCause::WriteThrough: return "write-through";
    case BlkStoreCause::WriteBack: return "write-back";
    case BlkStoreCause::Zeroes: return "zeroes";
    case BlkStoreCause::Deallocate: return "deallocate";
    case BlkStoreCause::Host: return "host";
  }
  return "?";
}

BlkDevice::BlkDevice(const BlkParams& p, const std::string& where) : p_(p), where_(where) {
  validateBlkParams(p_, where_);
  if (p_.image.empty()) {
    store_ = makeMemoryBackend(p_.size, p_.readOnly);
  } else {
    std::string err;
    store_ = openFileBackend(p_.image, p_.readOnly, &err);
    if (!store_) throw std::invalid_argument(where_ + ": option 'image': " + err);
  }
  capacity_ = store_->size() / blk::kSector;
  using namespace blk;
  auto bit = [](unsigned b) { return uint64_t{1} << b; };
  if (p_.sizeMax) features_ |= bit(kFSizeMax);
  if (p_.segMax) features_ |= bit(kFSegMax);
  if (p_.geometry) features_ |= bit(kFGeometry);
  if (p_.readOnly) features_ |= bit(kFRo);
  if (p_.blkSize) features_ |= bit(kFBlkSize);
  // devicenormative:Device Types / Block Device / Device Initialization#1: FLUSH is offered unless the user turns it off.
  if (p_.flush) features_ |= bit(kFFlush);
  if (p_.topology) features_ |= bit(kFTopology);
  // devicenormative:Device Types / Block Device / Device Initialization#2: CONFIG_WCE only with FLUSH (validateBlkParams).
  if (p_.configWce && p_.flush) features_ |= bit(kFConfigWce);
  if (p_.numQueues > 1) features_ |= bit(kFMq);
  if (p_.discard) features_ |= bit(kFDiscard);
  if (p_.writeZeroes) features_ |= bit(kFWriteZeroes);
  // devicenormative:Device Types / Block Device / Device Operation#16: LIFETIME only when asked for (a simulated worn medium); a plain file or memory has no such metrics.
  if (p_.lifetime) features_ |= bit(kFLifetime);
  if (p_.secureErase) features_ |= bit(kFSecureErase);
  // devicenormative:Device Types / Block Device / Device Initialization#5: ZONED is offered only by the zoned personality (the `zoned` option); a plain disk never offers it.
  if (p_.isZoned()) {
    features_ |= bit(kFZoned);
    BlkZoneLayout l;
    l.capacity = capacity_;
    l.zoneSectors = p_.zoneSectors;
    l.conventional = p_.conventionalZones;
    l.hostManaged = p_.zoned == "host-managed";
    l.maxOpen = p_.maxOpenZones;
    l.maxActive = p_.maxActiveZones;
    zones_ = BlkZoneTable(l);
  }
  writeback_ = p_.writeback ? 1 : 0;
}

uint64_t BlkDevice::deviceFeatures() const {
  // devicenormative:Device Types / Block Device / Device Initialization#6: never offered over a legacy interface.
  if (core_ && core_->legacy()) return features_ & ~(uint64_t{1} << blk::kFZoned);
  return features_;
}

BlkDevice::~BlkDevice() { writeBackCache(); }

bool BlkDevice::has(unsigned bit) const { return core_ && core_->has(bit); }

std::string BlkDevice::checkFeatures(uint64_t accepted) const {
  // This hook runs when the driver sets FEATURES_OK: the moment the cache mode must be settled, since the driver
  // may read writeback from now on. Without FLUSH the driver cannot make writes stable, so the device runs
  // writethrough (each write is stable when it completes).
  // devicenormative:Device Types / Block Device / Device Initialization#3: CONFIG_WCE without FLUSH starts with writeback 0.
  if (!((accepted >> blk::kFFlush) & 1u)) writeback_ = 0;
  return checkZonedFeatures(accepted);  // the other block features have no dependencies among themselves
}

void BlkDevice::onDriverOk(DeviceCore& core) {
  core_ = &core;
  if (core.legacy() && !core.has(blk::kFConfigWce)) {
    // A legacy driver has no FEATURES_OK: the cache mode may change at DRIVER_OK when it did not take CONFIG_WCE
    // (the legacy rules allow exactly this moment); without FLUSH, writethrough.
    writeback_ = core.has(blk::kFFlush) && p_.writeback ? 1 : 0;
  }
  if (offered(blk::kFRo) && !core.has(blk::kFRo)) {
    // drivernormative:Device Types / Block Device / Device Operation#3: a driver should accept RO when it is offered (writes fail anyway).
    core.violate(blk::clause::kAcceptRo, "blk.ro_not_accepted", "VIRTIO_BLK_F_RO offered but not accepted",
                 {{"negotiated", core.negotiated()}});
  }
}

void BlkDevice::onReset() {
  writeBackCache();  // the medium keeps what was written; only the driver-visible state goes back to defaults
  writeback_ = p_.writeback ? 1 : 0;
  reportedFields_ = 0;
  reportedEarlyWriteback_ = false;
  modelRead_ = false;  // the zone states themselves are the medium's: they survive a reset
}

bool BlkDevice::caching() const {
  if (p_.readOnly || !writeback_) return false;
  // devicenormative:Device Types / Block Device / Device Operation#13: with neither FLUSH nor CONFIG_WCE negotiated every write is stable at completion.
  return has(blk::kFFlush) || has(blk::kFConfigWce);
}

// ---------------------------------------------------------------------------------------------------------------
// Store access

void BlkDevice::noteStore(uint64_t off, uint64_t len, BlkStoreCause cause) {
  ++stats_.storeWrites;
  stats_.storeWriteBytes += len;
  if (onStore_) onStore_(off, len, cause);
}

bool BlkDevice::storeRead(uint64_t off, void* dst, uint64_t len) {
  if (failReads_) {
    --failReads_;
    return false;
  }
  return store_->read(off, dst, len);
}

bool BlkDevice::injectedWriteError() {
  if (!failWrites_) return false;
  --failWrites_;
  return true;
}

bool BlkDevice::storeWrite(uint64_t off, const void* src, uint64_t len, BlkStoreCause cause) {
  if (injectedWriteError() || !store_->write(off, src, len)) return false;
  noteStore(off, len, cause);
  return true;
}

bool BlkDevice::storeZero(uint64_t off, uint64_t len, bool deallocate) {
  if (injectedWriteError()) return false;
  cache_.drop(off / blk::kSector, len / blk::kSector);
  if (deallocate) {
    if (!store_->deallocate(off, len)) return false;
    noteStore(off, len, BlkStoreCause::Deallocate);
    return true;
  }
  static const std::vector<uint8_t> zeros(64 * 1024, 0);
  for (uint64_t done = 0; done < len;) {
    const uint64_t n = std::min<uint64_t>(zeros.size(), len - done);
    if (!store_->write(off + done, zeros.data(), n)) return false;
    done += n;
  }
  noteStore(off, len, BlkStoreCause::Zeroes);
  return true;
}

bool BlkDevice::writeBackCache() {
  if (cache_.empty()) return true;
  if (injectedWriteError()) return false;  // everything stays dirty
  ++stats_.writeBacks;
  const bool ok = cache_.writeBack(*store_, [this](uint64_t off, uint64_t len) { noteStore(off, len, BlkStoreCause::WriteBack); });
  return ok && (!p_.sync || store_->sync());
}

// ---------------------------------------------------------------------------------------------------------------
// Host side

bool BlkDevice::writeImage(uint64_t off, const void* src, uint64_t len) {
  if (!store_->write(off, src, len)) return false;
  const uint64_t first = off / blk::kSector, last = (off + len + blk::kSector - 1) / blk::kSector;
  cache_.drop(first, last - first);
  noteStore(off, len, BlkStoreCause::Host);
  return true;
}

bool BlkDevice::readVisible(uint64_t off, void* dst, uint64_t len) {
  if (off % blk::kSector || len % blk::kSector || !store_->read(off, dst, len)) return false;
  cache_.overlay(off / blk::kSector, static_cast<uint8_t*>(dst), len / blk::kSector);
  return true;
}

bool BlkDevice::flushCache() { return writeBackCache(); }

bool BlkDevice::resize(uint64_t bytes) {
  if (bytes % blk::kSector || p_.readOnly || p_.isZoned() || !store_->resize(bytes)) return false;
  capacity_ = bytes / blk::kSector;
  cache_.dropFrom(capacity_);
  // devicenormative:Device Types / Block Device / Device Operation#2: a capacity change comes with a configuration change notification.
  if (core_) core_->configChanged();
  return true;
}

}  // namespace vsim::model
