#include "vsim/harness/ring_vectors.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "vsim/abi/features.h"
#include "vsim/abi/notification.h"
#include "vsim/abi/ring_packed.h"
#include "vsim/abi/ring_split.h"
#include "vsim/guest_memory.h"
#include "vsim/model/device_queue.h"

namespace vsim::harness {

namespace {

using json = nlohmann::json;

// The fixed guest memory map every vector runs in (names usable in address expressions).
constexpr uint64_t kBase = 0x100000, kSize = 0x100000;
struct Named {
  const char* name;
  uint64_t addr;
};
constexpr Named kNames[] = {{"desc", kBase},           {"driver", kBase + 0x80000}, {"device", kBase + 0x90000},
                            {"buf", kBase + 0xA0000},  {"table", kBase + 0xB0000},  {"memend", kBase + kSize},
                            {"membase", kBase},        {"zero", 0}};

[[noreturn]] void bad(const std::string& where, const std::string& why) {
  throw std::runtime_error(where + ": " + why);
}

uint64_t parseAddr(const json& j, const std::string& where) {
  if (j.is_number_unsigned()) return j.get<uint64_t>();
  if (!j.is_string()) bad(where, "address must be a number or a string like \"buf+0x40\"");
  std::string s = j.get<std::string>();
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  size_t op = s.find_first_of("+-");
  std::string base = s.substr(0, op);
  uint64_t v = 0;
  bool found = false;
  for (const auto& n : kNames)
    if (base == n.name) {
      v = n.addr;
      found = true;
    }
  if (!found) {
    try {
      v = std::stoull(base, nullptr, 0);
    } catch (...) {
      bad(where, "unknown address name '" + base + "'");
    }
  }
  if (op != std::string::npos) {
    uint64_t off;
    try {
      off = std::stoull(s.substr(op + 1), nullptr, 0);
    } catch (...) {
      bad(where, "bad offset in '" + s + "'");
    }
    v = s[op] == '+' ? v + off : v - off;
  }
  return v;
}

uint16_t parseFlags(const json& j, const std::string& where) {
  if (j.is_number_unsigned()) return j.get<uint16_t>();
  if (!j.is_array()) bad(where, "flags must be a number or a list of names");
  uint16_t f = 0;
  for (const auto& n : j) {
    const std::string s = n.get<std::string>();
    if (s == "NEXT") f |= 1;
    else if (s == "WRITE") f |= 2;
    else if (s == "INDIRECT") f |= 4;
    else if (s == "AVAIL") f |= packed::kDescFAvail;
    else if (s == "USED") f |= packed::kDescFUsed;
    else bad(where, "unknown descriptor flag '" + s + "'");
  }
  return f;
}

uint64_t parseFeatures(const json& j, const std::string& where) {
  uint64_t f = 0;
  for (const auto& n : j) {
    const std::string s = n.get<std::string>();
    if (s == "INDIRECT_DESC") f |= feat::bit(feat::kIndirectDesc);
    else if (s == "EVENT_IDX") f |= feat::bit(feat::kEventIdx);
    else if (s == "IN_ORDER") f |= feat::bit(feat::kInOrder);
    else if (s == "NOTIFICATION_DATA") f |= feat::bit(feat::kNotificationData);
    else bad(where, "unknown feature '" + s + "'");
  }
  return f;
}

RingVector::Desc parseDesc(const json& j, const std::string& where, bool isPacked) {
  RingVector::Desc d{};
  d.slot = j.value("i", 0u);
  d.addr = parseAddr(j.value("addr", json("buf")), where);
  d.len = j.value("len", 16u);
  d.flags = parseFlags(j.value("flags", json::array()), where);
  d.nextOrId = static_cast<uint16_t>(isPacked ? j.value("id", 0u) : j.value("next", 0u));
  d.setAvail = isPacked && j.value("avail", true);
  return d;
}

RingVector parseVector(const json& j, const std::string& file) {
  RingVector v;
  v.file = file;
  v.tcId = j.at("tcId").get<int>();
  const std::string where = file + " tcId " + std::to_string(v.tcId);
  v.name = j.at("name").get<std::string>();
  v.ring = j.at("ring").get<std::string>();
  if (v.ring != "split" && v.ring != "packed") bad(where, "ring must be split or packed");
  v.expected = j.at("result").get<std::string>();
  if (v.expected != "reject" && v.expected != "accept" && v.expected != "acceptable")
    bad(where, "result must be reject, accept or acceptable");
  v.clause = j.value("clause", "");
  if (v.expected == "reject" && v.clause.empty()) bad(where, "a reject vector names the clause it expects");
  v.kind = j.value("kind", "");
  v.comment = j.value("comment", "");
  v.flags = j.value("flags", std::vector<std::string>{});
  v.size = j.value("size", 8u);
  v.features = parseFeatures(j.value("features", json::array()), where);
  v.maxChain = j.value("max_chain", 0u);
  const bool isPacked = v.ring == "packed";
  for (const auto& d : j.value("descs", json::array())) v.descs.push_back(parseDesc(d, where, isPacked));
  for (const auto& t : j.value("tables", json::array())) {
    RingVector::Table tab;
    tab.addr = parseAddr(t.at("at"), where);
    for (const auto& d : t.at("descs")) {
      tab.descs.push_back(parseDesc(d, where, isPacked));
      tab.descs.back().setAvail = false;  // indirect entries carry no AVAIL/USED bits
    }
    v.tables.push_back(std::move(tab));
  }
  v.avail = j.value("avail", std::vector<uint16_t>{});
  v.availIdx = j.value("avail_idx", -1);
  v.availFlags = j.value("avail_flags", -1);
  v.pops = j.value("pops", 8u);
  v.completeAndNotify = j.value("complete_and_notify", false);
  v.notificationData = j.value("notification_data", int64_t{-1});
  if (j.contains("layout")) {
    const auto& l = j["layout"];
    if (l.contains("desc")) v.layout.desc = static_cast<int64_t>(parseAddr(l["desc"], where));
    if (l.contains("driver")) v.layout.driver = static_cast<int64_t>(parseAddr(l["driver"], where));
    if (l.contains("device")) v.layout.device = static_cast<int64_t>(parseAddr(l["device"], where));
  }
  return v;
}

}  // namespace

std::string defaultVectorsDir() {
  if (const char* e = std::getenv("VSIM_VECTORS_DIR")) return e;
  return VSIM_SOURCE_DIR "/conformance/vectors";
}

std::vector<RingVector> loadRingVectors(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".json" && e.path().filename().string().rfind("ring", 0) == 0) files.push_back(e.path());
  if (ec) throw std::runtime_error(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<RingVector> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    json doc;
    try {
      doc = json::parse(in);
    } catch (const json::exception& e) {
      throw std::runtime_error(f.string() + ": not valid JSON: " + e.what());
    }
    try {
      for (const auto& v : doc.at("vectors")) out.push_back(parseVector(v, f.filename().string()));
    } catch (const json::exception& e) {
      throw std::runtime_error(f.string() + ": " + e.what());
    }
  }
  return out;
}

RingVectorResult runRingVector(const RingVector& v) {
  RingVectorResult r;
  r.tcId = v.tcId;
  r.name = v.name;
  r.ring = v.ring;
  r.expected = v.expected;
  r.expectedClause = v.clause;
  r.flags = v.flags;

  OwnedGuestMemory mem(kSize, kBase);
  ViolationLog log;
  const bool isPacked = v.ring == "packed";
  auto q = model::makeDeviceQueue(isPacked, mem, log);
  if (v.maxChain) q->setLimits(model::QueueLimits{v.maxChain});
  model::QueueLayout layout{v.size, kNames[0].addr, kNames[1].addr, kNames[2].addr};
  if (v.layout.desc >= 0) layout.desc = static_cast<uint64_t>(v.layout.desc);
  if (v.layout.driver >= 0) layout.driver = static_cast<uint64_t>(v.layout.driver);
  if (v.layout.device >= 0) layout.device = static_cast<uint64_t>(v.layout.device);
  uint64_t features = v.features | feat::bit(feat::kVersion1) | (isPacked ? feat::bit(feat::kRingPacked) : 0);
  bool configured = q->configure(layout, features, 0);

  auto writeDesc = [&](uint64_t table, const RingVector::Desc& d) {
    if (isPacked) {
      uint16_t flags = d.flags;
      if (d.setAvail && !(flags & (packed::kDescFAvail | packed::kDescFUsed))) flags |= packed::kDescFAvail;
      mem.store(table + 16ull * d.slot, packed::Desc{d.addr, d.len, d.nextOrId, flags});
    } else {
      mem.store(table + 16ull * d.slot, split::Desc{d.addr, d.len, d.flags, d.nextOrId});
    }
  };
  if (configured) {
    for (const auto& t : v.tables)
      for (const auto& d : t.descs) writeDesc(t.addr, d);
    // packed heads become available last, as a correct driver would publish them: write in reverse slot order
    std::vector<RingVector::Desc> ds = v.descs;
    if (isPacked) std::stable_sort(ds.begin(), ds.end(), [](auto& a, auto& b) { return a.slot > b.slot; });
    for (const auto& d : ds) writeDesc(layout.desc, d);
    if (!isPacked) {
      for (size_t k = 0; k < v.avail.size(); ++k)
        mem.store(layout.driver + split::availRingOff(static_cast<uint32_t>(k % v.size)), v.avail[k]);
      if (v.availFlags >= 0) mem.store(layout.driver, static_cast<uint16_t>(v.availFlags));
      mem.storeRelease16(layout.driver + 2,
                         static_cast<uint16_t>(v.availIdx >= 0 ? v.availIdx : static_cast<int>(v.avail.size())),
                         DmaKind::Other);
    }
    if (v.notificationData >= 0) q->onNotification(true, static_cast<uint32_t>(v.notificationData));
    std::vector<model::Chain> held;
    for (uint32_t k = 0; k < v.pops; ++k) {
      model::Chain c;
      if (q->pop(c) != model::PopStatus::Ok) break;
      held.push_back(std::move(c));
    }
    if (v.completeAndNotify) {
      for (auto& c : held) q->push(c, 0);
      q->shouldNotify();
    }
  }
  if (!log.empty()) r.reported = toString(log.all().front());
  const bool rejected = !log.empty();
  if (v.expected == "reject") {
    r.passed = rejected && log.all().front().clause == v.clause && (v.kind.empty() || log.all().front().kind == v.kind);
    if (!rejected) r.detail = "expected a violation of " + v.clause + ", the device reported nothing";
    else if (!r.passed) r.detail = "expected " + v.clause + (v.kind.empty() ? "" : " (" + v.kind + ")");
  } else if (v.expected == "accept") {
    r.passed = !rejected && configured;
    if (!r.passed) r.detail = "expected acceptance";
  } else {
    r.passed = true;
  }
  return r;
}

}  // namespace vsim::harness
