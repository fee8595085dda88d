// A hostile driver against the console device: random buffers in both directions on every queue, random control
// messages, random host-side events. The device must never write outside the writable buffers it was given, never
// report more bytes than a buffer can hold, and give the same results for the same seed.
#include <random>

#include "console_fixture.h"

namespace vsim::model::test {
namespace {

using namespace console;

constexpr size_t kWatched = 256 * 1024;

class ConsoleHostile : public ConsoleFixture {
 protected:
  struct Outcome {
    std::vector<std::string> kinds;  ///< violations, in order
    std::vector<uint32_t> usedLens;  ///< every used length seen, in order
    ConsoleStats stats;
  };

  Outcome run(uint32_t seed, int steps) {
    ConsoleParams p = multiportParams(3, 4);
    p.ports[0].console = true;
    p.ports[1].name = "one";
    make(p);
    bringUp(kMultiF | kSizeF | kEmergF);
    // A proper handshake first (the control messages it causes wait for control receive buffers), so the
    // random part reaches live ports too.
    sendCtrl(0, kDeviceReady, 1);
    for (uint32_t port = 0; port < 3; ++port) sendCtrl(port, kPortReady, 1);
    for (uint32_t port = 0; port < 3; ++port) sendCtrl(port, kPortOpen, 1);
    for (Used u; popUsed(kControlTx, &u);) {
    }
    std::mt19937 rng(seed);
    auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
    std::vector<std::pair<uint64_t, uint64_t>> writable;  // every writable range offered so far
    std::map<std::pair<uint16_t, uint16_t>, std::pair<unsigned, uint32_t>> chains;  // (q, head) -> (descs, writable)
    std::vector<unsigned> inFlight(rings.size(), 0);
    std::vector<uint8_t> before(kWatched), after(kWatched);  // every buffer lies in here
    Outcome out;

    auto reclaim = [&](uint16_t q) {
      Used u;
      while (popUsed(q, &u)) {
        auto it = chains.find({q, static_cast<uint16_t>(u.id)});
        EXPECT_NE(it, chains.end()) << "used id " << u.id << " was never offered on queue " << q;
        if (it == chains.end()) continue;
        EXPECT_LE(u.len, it->second.second) << "queue " << q;
        inFlight[q] -= it->second.first;
        out.usedLens.push_back(u.len);
        chains.erase(it);
      }
    };

    for (int step = 0; step < steps; ++step) {
      mem.read(kBufBase, before.data(), before.size());
      const uint32_t action = pick(10);
      if (action < 7) {
        const uint16_t q = static_cast<uint16_t>(pick(static_cast<uint32_t>(rings.size())));
        reclaim(q);
        const unsigned n = 1 + pick(3);
        if (inFlight[q] + n > kQSize) continue;
        std::vector<Seg> segs;
        bool seenWritable = false;
        uint32_t w = 0;
        for (unsigned i = 0; i < n; ++i) {
          const uint32_t len = pick(3) == 0 ? 8 : pick(64);
          bool wr = pick(2) == 0;
          if (seenWritable) wr = true;  // well-formed at the ring level: readable elements first
          seenWritable |= wr;
          const uint64_t a = alloc(len + 1);
          if (!wr) {
            for (uint32_t k = 0; k < len; ++k) {
              // control-looking bytes: small ids, events and values
              const uint8_t b = static_cast<uint8_t>(k % 8 == 0 ? pick(6) : k % 8 == 4 ? pick(10) : k % 8 == 6 ? pick(3) : 0);
              mem.store(a + k, b);
            }
          } else {
            writable.emplace_back(a, len);
            w += len;
          }
          segs.push_back(Seg{a, len, wr});
        }
        const uint16_t head = offer(q, segs);
        chains[{q, head}] = {n, w};
        inFlight[q] += n;
        mem.read(kBufBase, before.data(), before.size());  // our own writes are not the device's
        kick(q);
      } else if (action == 7) {
        dev->pushInput(pick(4), std::string(pick(300), static_cast<char>('a' + pick(26))));
      } else if (action == 8) {
        dev->setHostConnected(pick(3), pick(2) == 0);
      } else {
        switch (pick(4)) {
          case 0: dev->resize(pick(4), static_cast<uint16_t>(pick(300)), static_cast<uint16_t>(pick(100))); break;
          case 1: dev->addPort(pick(6), ConsolePortParams{}); break;
          case 2: dev->removePort(pick(4)); break;
          default: {
            const uint32_t v = pick(256);
            core->writeConfig(pick(12), &v, pick(2) ? 4 : 1);
          }
        }
      }
      mem.read(kBufBase, after.data(), after.size());
      for (size_t i = 0; i < after.size(); ++i) {
        if (after[i] == before[i]) continue;
        const uint64_t gpa = kBufBase + i;
        bool ok = false;
        for (const auto& [a, l] : writable) ok |= gpa >= a && gpa < a + l;
        if (!ok) {
          ADD_FAILURE() << "step " << step << ": the device wrote 0x" << std::hex << gpa
                        << " outside every writable buffer";
          return out;
        }
      }
    }
    EXPECT_LT(bufNext, kBufBase + kWatched);
    for (uint16_t q = 0; q < rings.size(); ++q) reclaim(q);
    for (const auto& v : log.all()) out.kinds.push_back(v.kind);
    out.stats = dev->stats();
    return out;
  }
};

TEST_F(ConsoleHostile, NothingOutsideWritableBuffersAndDeterministic) {
  const Outcome a = run(1234, 400);
  EXPECT_FALSE(a.kinds.empty());  // a hostile driver is noticed
  EXPECT_GT(a.usedLens.size(), 100u);
  EXPECT_GT(a.stats.controlIn, 0u);
  EXPECT_GT(a.stats.txBytes, 0u);
  EXPECT_GT(a.stats.rxBytes, 0u);
  EXPECT_GT(a.stats.controlOut, 0u);
  EXPECT_FALSE(core->needsReset());
  log.clear();
  bufNext = kBufBase;
  const Outcome b = run(1234, 400);
  EXPECT_EQ(a.kinds, b.kinds);
  EXPECT_EQ(a.usedLens, b.usedLens);
  EXPECT_EQ(a.stats.rxBytes, b.stats.rxBytes);
  EXPECT_EQ(a.stats.txBytes, b.stats.txBytes);
  EXPECT_EQ(a.stats.controlOut, b.stats.controlOut);
}

TEST_F(ConsoleHostile, ManySeeds) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    log.clear();
    bufNext = kBufBase;
    mem.write(kBufBase, std::vector<uint8_t>(kWatched, 0).data(), kWatched);
    run(seed, 250);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace vsim::model::test
