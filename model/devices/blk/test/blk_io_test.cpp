// BlkDevice requests through hand-built split rings: data paths, any descriptor layout, the writeback cache,
// flush, get-id, lifetime, discard / write zeroes / secure erase, read-only, legacy, multiqueue, file images.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "blk_test_support.h"

namespace vsim::model::blktest {
namespace {

using namespace blk;

class BlkIo : public BlkFixture {};

// covers: devicenormative:Device Types / Block Device / Device Operation#13
TEST_F(BlkIo, WriteThenReadWritethrough) {
  make();
  bringUp();
  const auto data = pattern(1, 4096);
  Result w = write(8, data);
  EXPECT_TRUE(w.used);
  EXPECT_EQ(w.status, kSOk);
  EXPECT_EQ(w.len, 1u);
  // writethrough: in the store at completion
  EXPECT_EQ(image(8 * 512, 4096), data);
  EXPECT_EQ(dev->dirtyBytes(), 0u);
  std::vector<uint8_t> got;
  Result r = read(8, 4096, &got);
  EXPECT_EQ(r.status, kSOk);
  EXPECT_EQ(r.len, 4097u);
  EXPECT_EQ(got, data);
  EXPECT_EQ(dev->stats().bytesRead, 4096u);
  EXPECT_EQ(dev->stats().bytesWritten, 4096u);
  expectClean();
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Message Framing#1
TEST_F(BlkIo, AnyDescriptorLayout) {
  make();
  bringUp();
  const auto data = pattern(2, 3 * 512);
  // Header split 5 + 11 bytes, the second piece sharing its descriptor with the first 700 data bytes; the rest of
  // the data in two more pieces elsewhere.
  mem.store(kData, kTOut);
  mem.store(kData + 4, uint32_t{0});
  mem.store(kData + 8, uint64_t{3});
  mem.write(kData + 16, data.data(), 700);
  mem.write(kData + 0x1000, data.data() + 700, 300);
  mem.write(kData + 0x2000, data.data() + 1000, 536);
  Result w = submit({{kData, 5, false}, {kData + 5, 11 + 700, false}, {kData + 0x1000, 300, false},
                     {kData + 0x2000, 536, false}, {kStatus, 1, true}});
  EXPECT_EQ(w.status, kSOk);
  EXPECT_EQ(image(3 * 512, data.size()), data);
  // A read whose data and status share one writable descriptor, data split across two.
  header(kTIn, 3);
  Result r = submit({{kHdr, 16, false}, {kData + 0x8000, 1000, true}, {kData + 0x9000, 536 + 1, true}});
  EXPECT_EQ(r.used, true);
  uint8_t st = 0xff;
  mem.load(kData + 0x9000 + 536, &st);
  EXPECT_EQ(st, kSOk);
  std::vector<uint8_t> got(data.size());
  mem.read(kData + 0x8000, got.data(), 1000);
  mem.read(kData + 0x9000, got.data() + 1000, 536);
  EXPECT_EQ(got, data);
  EXPECT_EQ(r.len, 1537u);
  expectClean();
}

// covers: devicenormative:Device Types / Block Device / Device Operation#13
TEST_F(BlkIo, WritebackCacheHoldsDataUntilFlush) {
  BlkParams p;
  p.writeback = true;
  make(p);
  std::vector<std::pair<uint64_t, BlkStoreCause>> events;
  dev->setStoreObserver([&](uint64_t off, uint64_t, BlkStoreCause c) { events.emplace_back(off, c); });
  bringUp();
  ASSERT_TRUE(dev->caching());
  const auto before = image(0, 8192);
  const auto data = pattern(3, 8192);
  EXPECT_EQ(write(0, data).status, kSOk);
  EXPECT_EQ(image(0, 8192), before);  // not in the store yet
  EXPECT_EQ(dev->dirtyBytes(), 8192u);
  EXPECT_TRUE(events.empty());
  std::vector<uint8_t> got;
  EXPECT_EQ(read(0, 8192, &got).status, kSOk);
  EXPECT_EQ(got, data);  // but the driver reads its own writes
  Result f = flush();
  EXPECT_EQ(f.status, kSOk);
  EXPECT_EQ(f.len, 1u);
  EXPECT_EQ(image(0, 8192), data);
  EXPECT_EQ(dev->dirtyBytes(), 0u);
  EXPECT_EQ(dev->flushCount(), 1u);
  ASSERT_EQ(events.size(), 1u);  // one coalesced run
  EXPECT_EQ(events[0].second, BlkStoreCause::WriteBack);
  expectClean();
}

TEST_F(BlkIo, SwitchingToWritethroughKeepsDirtyDataVolatile) {
  make();
  bringUp();
  const uint8_t one = 1, zero = 0;
  core->writeConfig(cfg::kWriteback, &one, 1);
  const auto a = pattern(4, 1024), b = pattern(5, 512);
  write(0, a);
  EXPECT_EQ(dev->dirtyBytes(), 1024u);
  core->writeConfig(cfg::kWriteback, &zero, 1);
  EXPECT_EQ(dev->dirtyBytes(), 1024u);  // still volatile (the driver must flush)
  write(1, b);                          // writethrough replaces the dirty copy of sector 1
  EXPECT_EQ(dev->dirtyBytes(), 512u);
  EXPECT_EQ(image(512, 512), b);
  EXPECT_EQ(flush().status, kSOk);
  std::vector<uint8_t> want(a.begin(), a.begin() + 512);
  want.insert(want.end(), b.begin(), b.end());
  EXPECT_EQ(image(0, 1024), want);
  expectClean();
}

TEST_F(BlkIo, CacheLimitWritesBack) {
  BlkParams p;
  p.writeback = true;
  p.cacheLimit = 4096;
  make(p);
  bringUp();
  write(0, pattern(6, 4096));
  EXPECT_EQ(dev->dirtyBytes(), 4096u);
  write(8, pattern(7, 512));
  EXPECT_EQ(dev->dirtyBytes(), 0u);
  EXPECT_EQ(image(0, 4096), pattern(6, 4096));
}

TEST_F(BlkIo, ResetAndDestructionWriteBack) {
  BlkParams p;
  p.writeback = true;
  make(p);
  bringUp();
  write(0, pattern(8, 512));
  core->writeStatus(0);
  EXPECT_EQ(dev->dirtyBytes(), 0u);
  EXPECT_EQ(image(0, 512), pattern(8, 512));
  bringUp();
  write(1, pattern(9, 512));
  dev->dropCache();  // simulated power loss
  EXPECT_EQ(image(512, 512), std::vector<uint8_t>(512, 0));
}

TEST_F(BlkIo, GetIdPadsWithNul) {
  BlkParams p;
  p.serial = "disk-7";
  make(p);
  bringUp();
  Result r = request(kTGetId, 0, {{kData, 20, true}});
  EXPECT_EQ(r.status, kSOk);
  EXPECT_EQ(r.len, 21u);
  char id[20];
  mem.read(kData, id, 20);
  EXPECT_EQ(std::string(id, 6), "disk-7");
  for (int i = 6; i < 20; ++i) EXPECT_EQ(id[i], 0);
  p.serial = "01234567890123456789";  // exactly 20: no terminator
  make(p);
  bringUp();
  EXPECT_EQ(request(kTGetId, 0, {{kData, 20, true}}).status, kSOk);
  mem.read(kData, id, 20);
  EXPECT_EQ(std::string(id, 20), p.serial);
  expectClean();
}

TEST_F(BlkIo, GetLifetime) {
  BlkParams p;
  p.lifetime = true;
  p.preEolInfo = 2;
  p.lifetimeA = 3;
  p.lifetimeB = 11;
  make(p);
  bringUp();
  Result r = request(kTGetLifetime, 0, {{kData, 6, true}});
  EXPECT_EQ(r.status, kSOk);
  uint16_t v[3];
  mem.read(kData, v, 6);
  EXPECT_EQ(v[0], 2);
  EXPECT_EQ(v[1], 3);
  EXPECT_EQ(v[2], 11);
  EXPECT_EQ(request(kTGetLifetime, 0, {{kData, 4, true}}).status, kSIoErr);
  expectClean();
}

// covers: devicenormative:Device Types / Block Device / Device Operation#7
TEST_F(BlkIo, DiscardWithUnmapZeroesWithoutKeeps) {
  make();
  bringUp();
  write(0, pattern(10, 4096));
  EXPECT_EQ(segments(kTDiscard, {{2, 2, 0}}).status, kSOk);
  auto img = image(0, 4096);
  auto want = pattern(10, 4096);
  std::fill(want.begin() + 1024, want.begin() + 2048, 0);
  EXPECT_EQ(img, want);
  BlkParams p;
  p.unmap = false;
  make(p);
  bringUp();
  write(0, pattern(10, 4096));
  EXPECT_EQ(segments(kTDiscard, {{2, 2, 0}}).status, kSOk);
  EXPECT_EQ(image(0, 4096), pattern(10, 4096));
  expectClean();
}

// covers: devicenormative:Device Types / Block Device / Device Operation#9
TEST_F(BlkIo, WriteZeroesReadsBackZeroes) {
  BlkParams p;
  p.writeback = true;
  make(p);
  bringUp();
  write(0, pattern(11, 8192));  // dirty in the cache
  EXPECT_EQ(segments(kTWriteZeroes, {{1, 2, 0}, {10, 3, kSegFlagUnmap}}).status, kSOk);
  std::vector<uint8_t> got;
  read(0, 8192, &got);
  auto want = pattern(11, 8192);
  std::fill(want.begin() + 512, want.begin() + 1536, 0);
  std::fill(want.begin() + 5120, want.begin() + 6656, 0);
  EXPECT_EQ(got, want);
  EXPECT_EQ(flush().status, kSOk);
  EXPECT_EQ(image(0, 8192), want);
  expectClean();
}

TEST_F(BlkIo, SecureEraseOverwrites) {
  make();
  bringUp();
  write(4, pattern(12, 2048));
  EXPECT_EQ(segments(kTSecureErase, {{5, 2, 0}}).status, kSOk);
  auto want = pattern(12, 2048);
  std::fill(want.begin() + 512, want.begin() + 1536, 0);
  EXPECT_EQ(image(4 * 512, 2048), want);
  expectClean();
}

// covers: devicenormative:Device Types / Block Device / Device Operation#5
TEST_F(BlkIo, UnknownSegmentFlagIsUnsupportedAndChangesNothing) {
  make();
  bringUp();
  write(0, pattern(13, 2048));
  for (uint32_t type : {kTDiscard, kTWriteZeroes, kTSecureErase}) {
    EXPECT_EQ(segments(type, {{0, 1, 0}, {2, 1, 4}}).status, kSUnsupp) << type;
    EXPECT_EQ(image(0, 2048), pattern(13, 2048)) << type;
  }
  expectClean();  // a flag the device does not know is not a driver violation
}

TEST_F(BlkIo, SegmentLongerThanLimitFails) {
  BlkParams p;
  p.maxWriteZeroesSectors = 4;
  make(p);
  bringUp();
  write(0, pattern(14, 4096));
  EXPECT_EQ(segments(kTWriteZeroes, {{0, 1, 0}, {1, 5, 0}}).status, kSIoErr);
  EXPECT_EQ(image(0, 4096), pattern(14, 4096));  // the first (valid) segment was not executed either
}

// covers: devicenormative:Device Types / Block Device / Device Operation#18
TEST_F(BlkIo, ZoneAndUnknownTypesAreUnsupported) {
  make();
  bringUp();
  for (uint32_t t : {kTZoneAppend, kTZoneReport, kTZoneOpen, kTZoneClose, kTZoneFinish, kTZoneReset, kTZoneResetAll,
                     kTScsiCmd, kTFlushOut, 99u, kTOut | kTBarrier}) {
    Result r = request(t, 0, {{kData, 512, true}});
    EXPECT_EQ(r.status, kSUnsupp) << t;
    EXPECT_EQ(r.len, 513u) << t;
  }
  expectClean();
}

// covers: devicenormative:Device Types / Block Device / Device Operation#3
// covers: devicenormative:Device Types / Block Device / Device Operation#4
TEST_F(BlkIo, ReadOnlyRefusesWrites) {
  const std::string path = ::testing::TempDir() + "/blk_ro_" + std::to_string(::getpid()) + ".img";
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove{path};
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    const auto d = pattern(15, 65536);
    f.write(reinterpret_cast<const char*>(d.data()), d.size());
  }
  ::chmod(path.c_str(), 0444);
  BlkParams p;
  p.image = path;
  p.readOnly = true;
  make(p);
  bringUp();
  EXPECT_EQ(write(0, pattern(16, 512)).status, kSIoErr);
  EXPECT_EQ(segments(kTWriteZeroes, {{0, 1, 0}}).status, kSIoErr);
  EXPECT_EQ(segments(kTDiscard, {{0, 1, 0}}).status, kSIoErr);
  EXPECT_EQ(segments(kTSecureErase, {{0, 1, 0}}).status, kSIoErr);
  EXPECT_EQ(image(0, 65536), pattern(15, 65536));
  std::vector<uint8_t> got;
  EXPECT_EQ(read(0, 512, &got).status, kSOk);
  EXPECT_EQ(got, std::vector<uint8_t>(pattern(15, 512)));
  EXPECT_EQ(flush().status, kSOk);
  expectClean();
  ::chmod(path.c_str(), 0644);
}

TEST_F(BlkIo, FileImageStaysItsSize) {
  const std::string path = ::testing::TempDir() + "/blk_rw_" + std::to_string(::getpid()) + ".img";
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove{path};
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    std::vector<char> z(64 * 512 + 100, 0);  // a trailing partial sector is not part of the capacity
    f.write(z.data(), z.size());
  }
  BlkParams p;
  p.image = path;
  make(p);
  EXPECT_EQ(dev->capacitySectors(), 64u);
  bringUp();
  EXPECT_EQ(write(63, pattern(17, 512)).status, kSOk);
  log.clear();
  EXPECT_EQ(write(63, pattern(18, 1024)).status, kSIoErr);  // would cross the end
  EXPECT_EQ(segments(kTWriteZeroes, {{64, 1, kSegFlagUnmap}}).status, kSIoErr);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 64 * 512 + 100);
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> file(64 * 512);
  f.read(reinterpret_cast<char*>(file.data()), file.size());
  EXPECT_EQ(std::vector<uint8_t>(file.begin() + 63 * 512, file.end()), pattern(17, 512));
  EXPECT_EQ(segments(kTWriteZeroes, {{63, 1, kSegFlagUnmap}}).status, kSOk);  // punches a hole or writes zeroes
  EXPECT_EQ(image(63 * 512, 512), std::vector<uint8_t>(512, 0));
}

TEST_F(BlkIo, WritebackReachesTheFileOnlyOnFlush) {
  const std::string path = ::testing::TempDir() + "/blk_wb_" + std::to_string(::getpid()) + ".img";
  struct Remove {
    std::string p;
    ~Remove() { std::remove(p.c_str()); }
  } remove{path};
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    std::vector<char> z(128 * 512, 0);
    f.write(z.data(), z.size());
  }
  BlkParams p;
  p.image = path;
  p.writeback = true;
  p.sync = true;
  make(p);
  bringUp();
  auto fileBytes = [&] {
    std::ifstream f(path, std::ios::binary);
    std::vector<uint8_t> v(4096);
    f.seekg(10 * 512);
    f.read(reinterpret_cast<char*>(v.data()), v.size());
    return v;
  };
  const auto data = pattern(19, 4096);
  EXPECT_EQ(write(10, data).status, kSOk);
  EXPECT_EQ(fileBytes(), std::vector<uint8_t>(4096, 0));
  EXPECT_EQ(flush().status, kSOk);
  EXPECT_EQ(fileBytes(), data);
  expectClean();
}

TEST_F(BlkIo, LegacyFlushOutIsFlush) {
  make();
  bringUp(bit(kFFlush), /*legacy=*/true);
  EXPECT_EQ(request(kTFlushOut, 0, {}).status, kSOk);
  EXPECT_EQ(dev->flushCount(), 1u);
  expectClean();
}

TEST_F(BlkIo, MultiqueueServesEveryQueue) {
  BlkParams p;
  p.numQueues = 4;
  make(p);
  bringUp();
  for (uint16_t q = 0; q < 4; ++q) EXPECT_EQ(write(q * 8, pattern(20 + q, 4096), q).status, kSOk);
  for (uint16_t q = 0; q < 4; ++q) {
    std::vector<uint8_t> got;
    EXPECT_EQ(read(q * 8, 4096, &got, static_cast<uint16_t>(3 - q)).status, kSOk);
    EXPECT_EQ(got, pattern(20 + q, 4096));
  }
  expectClean();
}

TEST_F(BlkIo, SizeMaxLimitsSegments) {
  BlkParams p;
  p.sizeMax = 1024;
  make(p);
  bringUp();
  EXPECT_EQ(request(kTIn, 0, {{kData, 1024, true}, {kData + 1024, 1024, true}}).status, kSOk);
  EXPECT_EQ(request(kTIn, 0, {{kData, 2048, true}}).status, kSIoErr);
  expectClean();
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1
TEST_F(BlkIo, OverlappingBuffersAreRefusedAndNothingIsWritten) {
  make();
  bringUp();
  write(0, pattern(21, 1024));
  // Read data overlapping the header: refused; the header bytes are untouched; used length 0.
  header(kTIn, 0);
  Result r = submit({{kHdr, 16, false}, {kHdr + 8, 512, true}, {kStatus, 1, true}});
  EXPECT_EQ(r.status, kSIoErr);
  EXPECT_EQ(r.len, 0u);
  uint64_t sector = 1;
  mem.load(kHdr + 8, &sector);
  EXPECT_EQ(sector, 0u);
  // Write whose status byte lies inside its data: nothing at all is written (not even the status).
  const auto data = pattern(22, 512);
  mem.write(kData, data.data(), 512);
  header(kTOut, 0);
  r = submit({{kHdr, 16, false}, {kData, 512, false}, {kData + 100, 1, true}});
  EXPECT_TRUE(r.used);
  EXPECT_EQ(r.len, 0u);
  uint8_t b = 0;
  mem.load(kData + 100, &b);
  EXPECT_EQ(b, 0xff);  // submit() pre-set it; the device left it
  EXPECT_EQ(image(0, 1024), pattern(21, 1024));
  // Read data over the queue's own descriptor table: refused.
  header(kTIn, 0);
  r = submit({{kHdr, 16, false}, {ringDesc(0), 512, true}, {kStatus, 1, true}});
  EXPECT_EQ(r.status, kSIoErr);
  // Two writable buffers over each other.
  r = submit({{kHdr, 16, false}, {kData, 512, true}, {kData + 256, 512, true}, {kStatus, 1, true}});
  EXPECT_EQ(r.status, kSIoErr);
  EXPECT_EQ(dev->stats().ioerr, 4u);
  expectClean();  // overlapping buffers break no driver statement of their own: refused, not reported
}

// covers: devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2
TEST_F(BlkIo, ErrorZeroFillsTheDataArea) {
  make();
  bringUp();
  std::vector<uint8_t> junk(512, 0xab);
  mem.write(kData, junk.data(), 512);
  log.clear();
  Result r = request(kTIn, 1u << 30, {{kData, 512, true}});  // past the capacity
  EXPECT_EQ(r.status, kSIoErr);
  EXPECT_EQ(r.len, 513u);
  std::vector<uint8_t> got(512);
  mem.read(kData, got.data(), 512);
  EXPECT_EQ(got, std::vector<uint8_t>(512, 0));
}

TEST_F(BlkIo, InjectedStoreErrorsGiveIoErr) {
  BlkParams p;
  p.writeback = true;
  make(p);
  bringUp();
  const auto d = pattern(24, 1024);
  EXPECT_EQ(write(0, d).status, kSOk);  // cached
  dev->injectStoreErrors(1, 1);
  std::vector<uint8_t> got;
  Result r = read(0, 1024, &got);
  EXPECT_EQ(r.status, kSIoErr);
  EXPECT_EQ(got, std::vector<uint8_t>(1024, 0));  // zero-filled, not stale
  EXPECT_EQ(flush().status, kSIoErr);             // the write-back fails: the data stays dirty
  EXPECT_EQ(dev->dirtyBytes(), 1024u);
  EXPECT_EQ(flush().status, kSOk);
  EXPECT_EQ(image(0, 1024), d);
  EXPECT_EQ(read(0, 1024, &got).status, kSOk);
  EXPECT_EQ(got, d);
  EXPECT_FALSE(dev->lastError().empty());
  expectClean();
}

/// Random chains of every shape: whatever a request does, if it is not answered OK the store is unchanged, nothing
/// outside guest memory or the store is touched, and every chain comes back.
TEST_F(BlkIo, HostileRequestsNeverCorruptTheStore) {
  BlkParams p;
  p.size = 64 * 1024;
  p.segMax = 8;
  make(p);
  bringUp();
  write(0, pattern(23, 64 * 1024));
  uint32_t x = 12345;
  auto rnd = [&](uint32_t n) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return n ? x % n : 0;
  };
  const uint32_t types[] = {kTIn, kTOut, kTFlush, kTGetId, kTGetLifetime, kTDiscard, kTWriteZeroes, kTSecureErase, 7, kTZoneOpen};
  unsigned used = 0, ok = 0, failed = 0;
  for (int iter = 0; iter < 2000; ++iter) {
    const auto before = image(0, 64 * 1024);
    header(types[rnd(10)], rnd(4) == 0 ? rnd(1u << 31) : rnd(140));
    for (uint64_t i = 0; i < 4; ++i)  // segments: mostly in range, sometimes not
      mem.store(kSegs + 16 * i, Segment{rnd(150), rnd(20), rnd(8) == 0 ? rnd(4) : 0});
    std::vector<Part> parts;
    const int n = 1 + static_cast<int>(rnd(6));
    for (int k = 0; k < n; ++k) {
      const uint64_t bases[] = {kHdr, kSegs, kData, kData + rnd(4096), kStatus, ringDesc(0)};
      const uint32_t lens[] = {16, 1, 512, 1024, 20, 6, 64, 7, rnd(3000)};
      parts.push_back({bases[rnd(6)], lens[rnd(9)], rnd(3) == 0});
    }
    std::stable_partition(parts.begin(), parts.end(), [](const Part& q) { return !q.writable; });
    Result r = submit(parts);
    used += r.used;
    (r.status == kSOk ? ok : failed) += 1;
    if (r.status != kSOk) {
      const auto after = image(0, 64 * 1024);
      ASSERT_EQ(after == before, true) << "iteration " << iter;
    }
  }
  EXPECT_EQ(used, 2000u);
  EXPECT_GT(ok, 50u);  // the mix holds valid requests too
  EXPECT_GT(failed, 500u);
  EXPECT_FALSE(core->needsReset());
  for (const auto& v : log.all())
    if (v.kind.rfind("blk.", 0) != 0) ADD_FAILURE() << toString(v);  // only block-level reports, no ring breakage
}

}  // namespace
}  // namespace vsim::model::blktest
