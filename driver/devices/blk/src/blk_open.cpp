// BlkDriver: opening the device, reading and checking its configuration, the cache mode, DMA slots and limits.
#include <algorithm>

#include "blk_clauses.h"
#include "vsim/abi/features.h"
#include "vsim/drv/blk_driver.h"

namespace vsim::drv {

const char* blkStatusName(BlkStatus s) {
  switch (s) {
    case BlkStatus::Ok: return "ok";
    case BlkStatus::IoErr: return "ioerr";
    case BlkStatus::Unsupp: return "unsupp";
    case BlkStatus::BadStatus: return "bad-status";
    case BlkStatus::NoStatus: return "no-status";
    case BlkStatus::Rejected: return "rejected";
    case BlkStatus::Timeout: return "timeout";
    case BlkStatus::NotLive: return "not-live";
    case BlkStatus::Busy: return "busy";
    case BlkStatus::ZoneInvalidCmd: return "zone-invalid-cmd";
    case BlkStatus::ZoneUnalignedWp: return "zone-unaligned-wp";
    case BlkStatus::ZoneOpenResource: return "zone-open-resource";
    case BlkStatus::ZoneActiveResource: return "zone-active-resource";
  }
  return "?";
}

namespace {

void report(Device& dev, const char* clause, const char* kind, std::string msg, std::vector<Evidence> ev) {
  Violation v;
  v.clause = clause;
  v.kind = kind;
  v.message = dev.transport().location() + ": " + std::move(msg);
  v.culprit = Culprit::Device;
  v.evidence = std::move(ev);
  dev.sink().report(std::move(v));
}

}  // namespace

bool readBlkConfig(Device& dev, BlkConfig* out) {
  using namespace blk;
  const uint64_t offer = dev.offeredFeatures();
  auto offered = [&](unsigned b) { return ((offer >> b) & 1u) != 0; };
  auto negotiated = [&](unsigned b) { return ((dev.features() >> b) & 1u) != 0; };
  BlkConfig c;
  bool ok = dev.readConfig(cfg::kCapacity, &c.capacity);
  // drivernormative:Basic Facilities of a Virtio Device / Device Configuration Space#3: each optional field is read only when its feature is offered.
  if (offered(kFSizeMax)) ok &= dev.readConfig(cfg::kSizeMax, &c.sizeMax);
  if (offered(kFSegMax)) ok &= dev.readConfig(cfg::kSegMax, &c.segMax);
  if (offered(kFGeometry)) {
    ok &= dev.readConfig(cfg::kGeometry, &c.cylinders);
    ok &= dev.readConfig(cfg::kGeometry + 2, &c.heads);
    ok &= dev.readConfig(cfg::kGeometry + 3, &c.sectors);
  }
  if (offered(kFBlkSize)) ok &= dev.readConfig(cfg::kBlkSize, &c.blkSize);
  if (offered(kFTopology)) {
    ok &= dev.readConfig(cfg::kTopology, &c.physicalBlockExp);
    ok &= dev.readConfig(cfg::kTopology + 1, &c.alignmentOffset);
    ok &= dev.readConfig(cfg::kTopology + 2, &c.minIoSize);
    ok &= dev.readConfig(cfg::kTopology + 4, &c.optIoSize);
  }
  // drivernormative:Device Types / Block Device / Device Initialization#4: writeback is read here, after FEATURES_OK (readBlkConfig runs in the device-specific setup step).
  if (offered(kFConfigWce)) ok &= dev.readConfig(cfg::kWriteback, &c.writeback);
  if (offered(kFMq)) ok &= dev.readConfig(cfg::kNumQueues, &c.numQueues);
  if (offered(kFDiscard)) {
    ok &= dev.readConfig(cfg::kMaxDiscardSectors, &c.maxDiscardSectors);
    ok &= dev.readConfig(cfg::kMaxDiscardSeg, &c.maxDiscardSeg);
    ok &= dev.readConfig(cfg::kDiscardSectorAlignment, &c.discardSectorAlignment);
  }
  if (offered(kFWriteZeroes)) {
    ok &= dev.readConfig(cfg::kMaxWriteZeroesSectors, &c.maxWriteZeroesSectors);
    ok &= dev.readConfig(cfg::kMaxWriteZeroesSeg, &c.maxWriteZeroesSeg);
    ok &= dev.readConfig(cfg::kWriteZeroesMayUnmap, &c.writeZeroesMayUnmap);
  }
  if (offered(kFSecureErase)) {
    ok &= dev.readConfig(cfg::kMaxSecureEraseSectors, &c.maxSecureEraseSectors);
    ok &= dev.readConfig(cfg::kMaxSecureEraseSeg, &c.maxSecureEraseSeg);
    ok &= dev.readConfig(cfg::kSecureEraseSectorAlignment, &c.secureEraseSectorAlignment);
  }
  if (offered(kFZoned) && negotiated(kFZoned)) {
    ok &= dev.readConfig(cfg::kZoneSectors, &c.zoneSectors);
    ok &= dev.readConfig(cfg::kMaxOpenZones, &c.maxOpenZones);
    ok &= dev.readConfig(cfg::kMaxActiveZones, &c.maxActiveZones);
    ok &= dev.readConfig(cfg::kMaxAppendSectors, &c.maxAppendSectors);
    ok &= dev.readConfig(cfg::kWriteGranularity, &c.writeGranularity);
    ok &= dev.readConfig(cfg::kZonedModel, &c.zonedModel);
    uint8_t u2[3] = {};
    ok &= dev.readConfig(cfg::kUnused2, u2, 3);
    // devicenormative:Device Types / Block Device / Device Initialization#18: unused2 reads 0.
    if (ok && (u2[0] | u2[1] | u2[2]))
      report(dev, blk::clause::kUnused2Zero, "blk.padding_not_zero", "zoned.unused2 is not 0",
             {{"unused2", uint64_t{u2[0]} | uint64_t{u2[1]} << 8 | uint64_t{u2[2]} << 16}});
    // devicenormative:Device Types / Block Device / Device Initialization#9: model is one of NONE, HM, HA.
    if (ok && c.zonedModel > kZHa)
      report(dev, blk::clause::kZonedModelValue, "blk.zoned_model_invalid", "zoned.model is not a defined zoned model",
             {{"model", c.zonedModel}});
    // devicenormative:Device Types / Block Device / Device Initialization#15: max_append_sectors within seg_max * size_max.
    if (ok && c.segMax && c.sizeMax && uint64_t{c.maxAppendSectors} * kSector > uint64_t{c.segMax} * c.sizeMax)
      report(dev, blk::clause::kAppendWithinSeg, "blk.max_append_too_large", "max_append_sectors exceeds seg_max * size_max",
             {{"max_append_sectors", c.maxAppendSectors}, {"seg_max", c.segMax}, {"size_max", c.sizeMax}});
    if (c.zonedModel == kZNone) c.zoneSectors = 0;  // drive-managed: an ordinary disk
  }
  if (!ok) return false;

  // Padding is only looked at where the structure certainly extends over it (a field after it is offered).
  if (offered(kFMq) || offered(kFDiscard) || offered(kFWriteZeroes) || offered(kFSecureErase)) {
    uint8_t u0 = 0;
    ok &= dev.readConfig(cfg::kUnused0, &u0);
    // devicenormative:Device Types / Block Device / Device Initialization#4: unused0 reads 0.
    if (ok && u0) report(dev, blk::clause::kPaddingZero, "blk.padding_not_zero", "unused0 is not 0", {{"unused0", u0}});
  }
  if (offered(kFSecureErase)) {
    uint8_t u1[3] = {};
    ok &= dev.readConfig(cfg::kUnused1, u1, 3);
    // devicenormative:Device Types / Block Device / Device Initialization#4: unused1 reads 0.
    if (ok && (u1[0] | u1[1] | u1[2]))
      report(dev, blk::clause::kPaddingZero, "blk.padding_not_zero", "unused1 is not 0",
             {{"unused1", uint64_t{u1[0]} | uint64_t{u1[1]} << 8 | uint64_t{u1[2]} << 16}});
  }
  // devicenormative:Device Types / Block Device / Device Initialization#2: CONFIG_WCE comes with FLUSH.
  if (offered(kFConfigWce) && !offered(kFFlush))
    report(dev, blk::clause::kWceNeedsFlush, "blk.config_wce_without_flush", "VIRTIO_BLK_F_CONFIG_WCE offered without VIRTIO_BLK_F_FLUSH",
           {{"offered", offer}});
  // devicenormative:Device Types / Block Device / Device Initialization#3: CONFIG_WCE negotiated without FLUSH starts in writethrough.
  if (!dev.legacy() && negotiated(kFConfigWce) && !negotiated(kFFlush) && c.writeback != 0)
    report(dev, blk::clause::kWritebackZero, "blk.writeback_not_zero", "writeback is not 0 with CONFIG_WCE but no FLUSH negotiated",
           {{"writeback", c.writeback}});
  // devicenormative:Device Types / Block Device / Device Initialization#6: no ZONED over a legacy interface.
  if (dev.legacy() && offered(kFZoned))
    report(dev, blk::clause::kLegacyNoZoned, "blk.legacy_zoned", "VIRTIO_BLK_F_ZONED offered over the legacy interface", {{"offered", offer}});
  *out = c;
  return ok;
}

std::unique_ptr<BlkDriver> BlkDriver::open(Hal& hal, const DiscoveredDevice& d, DriverOptions opts, ViolationSink& sink,
                                           BlkDriverOptions bo) {
  if (d.type != kDeviceType) return nullptr;
  // drivernormative:Device Types / Block Device / Device Initialization#5: ZONED is accepted only because this driver handles all three zoned models (host-managed, host-aware, none).
  // drivernormative:Device Types / Block Device / Device Initialization#8: it can drive a host-managed device, so FEATURES_OK is set with ZONED accepted.
  opts.chooseFeatures = [](Device& dev, uint64_t offered, uint64_t accepted) -> uint64_t {
    if (dev.legacy()) return accepted & ~(1ull << blk::kFZoned);  // ZONED needs FEATURES_OK: never on legacy
    if (!((accepted >> blk::kFZoned) & 1u)) return accepted;
    uint8_t model = 0xff;  // the zoned model decides what else may be accepted
    if (!dev.readConfig(blk::cfg::kZonedModel, &model)) return accepted & ~(1ull << blk::kFZoned);
    // drivernormative:Device Types / Block Device / Device Initialization#6: no DISCARD from a host-managed device.
    if (model == blk::kZHm) accepted &= ~(1ull << blk::kFDiscard);
    (void)offered;
    return accepted;
  };
  // drivernormative:Device Types / Block Device / Device Operation#3: RO is accepted whenever offered (it is in the default set).
  opts.deviceFeatures = bo.features;
  opts.numQueues = (bo.features >> blk::kFMq) & 1u ? -1 : 1;  // every queue the device has, or requestq1 only
  opts.initialize = true;
  auto cfg = std::make_shared<BlkConfig>();
  auto userSetup = opts.setup;
  opts.setup = [cfg, userSetup](Device& dev) {
    if (!readBlkConfig(dev, cfg.get())) return false;
    return userSetup ? userSetup(dev) : true;
  };
  auto dev = drv::open(hal, d, opts, sink);
  if (dev && dev->live() && !((dev->features() >> blk::kFMq) & 1u) && dev->numQueues() > 1) {
    // Several queues but no MQ: only requestq1 may be used. The queue count is fixed before the features are
    // known, so start again (reset and a full initialisation) with one queue.
    dev->shutdown();
    opts.numQueues = 1;
    dev = drv::open(hal, d, opts, sink);
  }
  if (!dev || !dev->live()) return nullptr;
  auto r = std::make_unique<BlkDriver>(std::move(dev), *cfg, bo);
  if (!r->ok()) return nullptr;
  return r;
}

BlkDriver::BlkDriver(std::unique_ptr<Device> dev, const BlkConfig& cfg, BlkDriverOptions bo)
    : dev_(std::move(dev)), cfg_(cfg), bo_(bo) {
  if (!dev_ || dev_->numQueues() == 0) return;
  size_t nq = dev_->numQueues();
  if (!has(blk::kFMq)) nq = 1;
  else if (cfg_.numQueues) nq = std::min<size_t>(nq, cfg_.numQueues);
  nq = std::max<size_t>(1, std::min<size_t>(nq, bo_.maxQueues));
  // Request shape: header + data segments + status within the ring (or one indirect table), seg_max, size_max.
  uint32_t ring = UINT32_MAX;
  bool indirect = bo_.useIndirect;
  for (size_t q = 0; q < nq; ++q) {
    DriverQueue& dq = dev_->queue(q);
    ring = std::min(ring, dq.size());
    indirect = indirect && feat::has(dq.features(), feat::kIndirectDesc) && dq.options().maxIndirectLen >= 3;
  }
  // A chain is never longer than the queue size, indirect or not (Indirect Descriptors#3 of both ring layouts).
  if (indirect) ring = std::min(ring, dev_->queue(0).options().maxIndirectLen);
  if (ring < 2) return;  // a request needs a readable and a writable descriptor at least
  // With room for two descriptors only, the header travels with readable data and writable data with the status
  // byte (a device may not assume any particular descriptor layout).
  twoDescriptors_ = ring == 2;
  maxSegs_ = twoDescriptors_ ? 1 : ring - 2;
  // seg_max and size_max are honoured whenever the device advertises them, negotiated or not: they describe the
  // device, and a driver that did not take the feature has no reason to exceed them.
  const uint64_t offer = dev_->offeredFeatures();
  const bool segMaxKnown = ((offer >> blk::kFSegMax) & 1u) && cfg_.segMax;
  const bool sizeMaxKnown = ((offer >> blk::kFSizeMax) & 1u) && cfg_.sizeMax;
  if (segMaxKnown) maxSegs_ = std::min(maxSegs_, cfg_.segMax);
  segBytes_ = std::max<uint32_t>(1, bo_.segmentBytes);
  if (sizeMaxKnown) segBytes_ = std::min(segBytes_, cfg_.sizeMax);
  if (twoDescriptors_) {  // the one data descriptor also holds the header (or the status byte)
    const uint32_t sizeMax = sizeMaxKnown ? cfg_.sizeMax : UINT32_MAX;
    segBytes_ = sizeMax > blk::kHeaderBytes ? std::min<uint32_t>(bo_.maxTransferBytes, sizeMax - blk::kHeaderBytes) : 0;
  }
  const uint64_t req = std::min<uint64_t>(bo_.maxTransferBytes, uint64_t{maxSegs_} * segBytes_);
  maxReq_ = static_cast<uint32_t>(req / blk::kSector * blk::kSector);
  if (maxReq_ == 0) return;
  GuestAllocator& a = dev_->hal().dmaAllocator();
  slots_.resize(nq);
  for (Slot& s : slots_) {
    s.hdr = a.alloc(blk::kHeaderBytes, 16);
    s.status = a.alloc(64, 64);
    s.data = a.alloc(std::max<uint32_t>(maxReq_, 64), 4096);
    s.segCap = 256;
    s.segs = a.alloc(uint64_t{s.segCap} * blk::kSegmentBytes, 16);
    if (twoDescriptors_)
      s.stage = a.alloc(blk::kHeaderBytes + std::max<uint64_t>(maxReq_, uint64_t{s.segCap} * blk::kSegmentBytes) + 1, 64);
    if (zoned()) {
      s.za = a.alloc(blk::kHeaderBytes + maxReq_, 64);
      s.zaTail = a.alloc(64, 64);
      if (s.za == GuestAllocator::kFail || s.zaTail == GuestAllocator::kFail) return;
    }
    if (s.hdr == GuestAllocator::kFail || s.status == GuestAllocator::kFail || s.data == GuestAllocator::kFail ||
        s.segs == GuestAllocator::kFail || s.stage == GuestAllocator::kFail)
      return;
  }
  ok_ = true;
}

bool BlkDriver::refreshConfig() { return readBlkConfig(*dev_, &cfg_); }

bool BlkDriver::setWriteback(bool on) {
  // drivernormative:Device Types / Block Device / Device Operation#12: the mode is switched only with CONFIG_WCE negotiated, by writing 0 or 1.
  if (!ok() || !has(blk::kFConfigWce)) return false;
  const uint8_t v = on ? 1 : 0;
  dev_->writeConfig(blk::cfg::kWriteback, &v, 1);
  return writebackEnabled() == on;
}

bool BlkDriver::writebackEnabled() {
  if (has(blk::kFConfigWce) || ((dev_->offeredFeatures() >> blk::kFConfigWce) & 1u))
    dev_->readConfig(blk::cfg::kWriteback, &cfg_.writeback);
  return cfg_.writeback != 0;
}

void BlkDriver::deviceViolation(const char* clause, const char* kind, std::string msg, std::vector<Evidence> ev) {
  report(*dev_, clause, kind, std::move(msg), std::move(ev));
}

}  // namespace vsim::drv
