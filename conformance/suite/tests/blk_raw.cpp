// Hand-built block requests (see blk_raw.h).
#include "blk_raw.h"

#include <cstring>

#include "vsim/model/blk_device.h"

namespace vsim::conformance::blkcon {

drv::Buf BlkRaw::buffer(uint32_t bytes, bool writable, uint8_t fill) {
  const uint64_t at = blk_.allocDma(bytes ? bytes : 1, 64);
  if (!writable && at != GuestAllocator::kFail) {
    std::vector<uint8_t> v(bytes, fill);
    memory().write(at, v.data(), v.size());
  }
  return drv::Buf{at, bytes, writable};
}

drv::Buf BlkRaw::segments(const std::vector<BlkSegment>& segs) {
  std::vector<uint8_t> raw(segs.size() * drv::blk::kSegmentBytes);
  for (size_t i = 0; i < segs.size(); ++i) {
    uint8_t* p = raw.data() + i * drv::blk::kSegmentBytes;
    std::memcpy(p, &segs[i].sector, 8);  // le64 sector, le32 num_sectors, le32 flags (little-endian guest)
    std::memcpy(p + 8, &segs[i].sectors, 4);
    std::memcpy(p + 12, &segs[i].flags, 4);
  }
  const uint64_t at = blk_.allocDma(raw.size() ? raw.size() : 16, 16);
  if (at != GuestAllocator::kFail) memory().write(at, raw.data(), raw.size());
  return drv::Buf{at, static_cast<uint32_t>(raw.size()), false};
}

drv::Buf BlkRaw::header(uint32_t type, uint64_t sector) {
  uint8_t h[drv::blk::kHeaderBytes] = {};
  std::memcpy(h, &type, 4);  // le32 type, le32 reserved, le64 sector
  std::memcpy(h + 8, &sector, 8);
  const uint64_t at = blk_.allocDma(sizeof h, 16);
  if (at != GuestAllocator::kFail) memory().write(at, h, sizeof h);
  return drv::Buf{at, sizeof h, false};
}

BlkRawResult BlkRaw::chain(const std::vector<drv::Buf>& bufs, uint64_t statusAddr, uint16_t q) {
  BlkRawResult r;
  if (statusAddr) memory().store(statusAddr, uint8_t{0xff});
  r.used = blk_.submitRaw(q, bufs.data(), bufs.size(), &r.len);
  if (r.used && statusAddr) memory().load(statusAddr, &r.status);
  return r;
}

BlkRawResult BlkRaw::request(uint32_t type, uint64_t sector, const std::vector<drv::Buf>& data, bool withStatus,
                             uint16_t q) {
  std::vector<drv::Buf> bufs{header(type, sector)};
  bufs.insert(bufs.end(), data.begin(), data.end());
  uint64_t statusAddr = 0;
  if (withStatus) {
    const drv::Buf st = buffer(1, true);
    statusAddr = st.addr;
    bufs.push_back(st);
  }
  return chain(bufs, statusAddr, q);
}

std::unique_ptr<drv::BlkDriver> openBlk(TestContext& ctx, drv::Hal& hal, ViolationSink& sink,
                                        const drv::DiscoveredDevice& d, drv::BlkDriverOptions bo, drv::DriverOptions o) {
  auto blk = drv::BlkDriver::open(hal, d, o, sink, bo);
  if (!blk || !blk->ok()) {
    ctx.harnessError("the block device did not come up with our driver");
    return nullptr;
  }
  return blk;
}

model::BlkDevice* hostBlk(TestContext& ctx) {
  auto* b = dynamic_cast<model::BlkDevice*>(&ctx.board().logic(0));
  if (!b) ctx.harnessError("the board's device is not a block device");
  return b;
}

}  // namespace vsim::conformance::blkcon
