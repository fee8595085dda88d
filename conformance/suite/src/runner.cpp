#include "vsim/conformance/runner.h"

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "vsim/clauses.h"
#include "vsim/conformance/claims.h"

#ifndef VSIM_VERSION
#define VSIM_VERSION "0.0.0"
#endif

namespace vsim::conformance {

const char* gitSha();  // generated at build time (cmake/git_sha.cmake)

std::string areaOf(const std::string& clause) {
  const auto colon = clause.find(':');
  if (colon == std::string::npos) return {};
  const std::string label = clause.substr(colon + 1, clause.rfind('#') - colon - 1);
  auto starts = [&](const char* p) { return label.rfind(p, 0) == 0; };
  auto has = [&](const char* p) { return label.find(p) != std::string::npos; };
  if (starts("Basic Facilities of a Virtio Device")) {
    if (has("Administration") || has("Device groups") || has("Device parts") || has("Shared Memory")) return {};
    if (has("/ Packed Virtqueues") || has("/ PAcked Virtqueues")) return "Packed Virtqueues";
    if (has("/ Virtqueues") || has("/ Message Framing")) return "Split Virtqueues";
    return "Basic Facilities";
  }
  if (starts("General Initialization And Device Operation")) return "General Initialization";
  if (starts("Reserved Feature Bits")) return "Reserved Feature Bits";
  if (starts("Virtio Transport Options / Virtio Over PCI Bus")) return "PCI";
  if (starts("Virtio Transport Options / Virtio Over MMIO")) return "MMIO";
  for (const char* d : {"Network Device", "Block Device", "Console Device", "Entropy Device", "Input Device"})
    if (starts((std::string("Device Types / ") + d).c_str())) return d;
  return {};
}

std::vector<Config> defaultConfigs(uint64_t seed) {
  using T = model::TransportKind;
  std::vector<Config> out;
  const std::map<std::string, std::vector<T>> kTypes = {
      {"rng", {T::PciModern, T::PciLegacy, T::PciTransitional, T::MmioV2, T::MmioV1}},
      {"blk", {T::PciModern, T::PciLegacy, T::PciTransitional, T::MmioV2, T::MmioV1}},
      // the block device's zoned personality (host-aware; VIRTIO_BLK_F_ZONED has no legacy interface)
      {"blk-zoned", {T::PciModern, T::MmioV2}},
      {"net", {T::PciModern, T::PciLegacy, T::PciTransitional, T::MmioV2, T::MmioV1}},
      {"console", {T::PciModern, T::PciLegacy, T::PciTransitional, T::MmioV2, T::MmioV1}},
      // virtio-input has no legacy interface and no transitional PCI device id
      {"input", {T::PciModern, T::MmioV2}},
  };
  for (const auto& [type, ts] : kTypes)
    for (T t : ts) out.push_back(Config{type, t, "default", seed});
  return out;
}

std::vector<Config> personalityConfigs(uint64_t seed) {
  std::vector<Config> out;
  for (const auto& p : model::Personality::catalogue())
    for (Config c : defaultConfigs(seed)) {
      c.personality = p;
      out.push_back(c);
    }
  return out;
}

namespace {

std::map<std::string, std::string> loadUntestable(const std::string& path) {
  std::map<std::string, std::string> m;
  if (path.empty()) return m;
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    if (tab == std::string::npos || tab + 1 >= line.size())
      throw std::runtime_error(path + ":" + std::to_string(n) + ": expected '<clause id><TAB><reason>'");
    const std::string id = line.substr(0, tab);
    if (!clauses::find(id)) throw std::runtime_error(path + ":" + std::to_string(n) + ": unknown clause " + id);
    m[id] = line.substr(tab + 1);
  }
  return m;
}

}  // namespace

RunReport runSuite(const RunOptions& opts) {
  const auto t0 = std::chrono::steady_clock::now();
  RunReport rep;
  rep.specVersion = std::string(clauses::specVersion());
  rep.specCommit = std::string(clauses::specCommit());
  rep.toolVersion = VSIM_VERSION;
  rep.gitSha = gitSha();
  rep.seed = opts.seed;
  Expectations exp = opts.expectationsDir.empty() ? Expectations{} : Expectations::load(opts.expectationsDir);
  const auto untestable = loadUntestable(opts.untestablePath);
  const auto uncoveredWhy = loadUntestable(opts.uncoveredReasonsPath);

  // Which (test, config) pairs run.
  std::vector<std::pair<const TestInfo*, const Config*>> plan;
  for (const auto& c : opts.configs) {
    rep.configs.push_back(c.name());
    for (const auto& t : allTests())
      if (globMatch(opts.filter, t.id) && t.appliesTo(c)) plan.emplace_back(&t, &c);
  }
  size_t done = 0;
  for (const auto& [t, c] : plan) {
    TestResult r;
    r.id = t->id;
    r.config = c->name();
    r.target = t->target;
    r.kind = t->kind;
    r.clauses = t->clauses;
    const auto s0 = std::chrono::steady_clock::now();
    try {
      TestContext ctx(*t, *c, r);
      t->run(ctx);
      if (!ctx.failed())
        for (const auto& v : ctx.deviceSaw().all()) r.evidence.push_back(toString(v));
      for (const auto& v : ctx.driverSaw().all()) r.evidence.push_back(toString(v));
    } catch (const std::exception& e) {
      r.outcome = Outcome::HarnessError;
      r.message = std::string("exception: ") + e.what();
    }
    r.durationMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count();
    r.expected = exp.expected(r.id, r.config, &r.expectationReason);
    if (r.unexpected()) ++rep.unexpected;
    rep.tests.push_back(std::move(r));
    ++done;
    if (opts.onResult) opts.onResult(done, plan.size(), rep.tests.back());
  }
  rep.staleExpectations = exp.unused();

  // Clause matrix.
  std::set<std::string> claimedDeviceChecks, claimedAny;
  for (const auto& cl : claims()) {
    claimedAny.insert(std::string(cl.clause));
    if (cl.side == "device" && cl.kind == "check") claimedDeviceChecks.insert(std::string(cl.clause));
  }
  std::map<std::string, ClauseStatus> byId;
  for (const auto& st : clauses::statements()) {
    const std::string id(st.id);
    const std::string area = areaOf(id);
    if (area.empty()) continue;
    ClauseStatus cs;
    cs.clause = id;
    cs.section = std::string(st.section);
    cs.target = std::string(st.target);
    cs.strength = std::string(st.strength);
    cs.area = area;
    cs.claimedCheck = claimedDeviceChecks.count(id) > 0;
    byId.emplace(id, std::move(cs));
  }
  for (const auto& r : rep.tests) {
    if (r.outcome == Outcome::HarnessError || r.outcome == Outcome::NotSupported) continue;
    for (size_t k = 0; k < r.clauses.size(); ++k) {
      auto it = byId.find(r.clauses[k]);
      if (it == byId.end()) continue;
      auto& cs = it->second;
      cs.tests.push_back(r.id + "@" + r.config);
      Outcome o = r.outcome;
      for (const auto& v : r.verdicts)
        if (v.clause == cs.clause) {
          o = v.outcome;
          if (o == Outcome::Fail && cs.evidence.empty()) cs.evidence = v.evidence;
        }
      if (o == Outcome::Fail && cs.evidence.empty()) cs.evidence = r.message;
      const bool expectedFail = r.expected != Outcome::Pass;
      if (o == Outcome::Fail) cs.status = expectedFail ? "covered-expected-fail" : "covered-fail";
      else if (cs.status.empty()) cs.status = "covered-pass";
      // a negative test whose primary clause this is, passing, proves the check fires: the mutant is killed
      if (k == 0 && r.kind == "negative" && r.outcome == Outcome::Pass) cs.killed = true;
    }
  }
  for (auto& [id, cs] : byId) {
    if (cs.claimedCheck && !cs.killed && cs.status == "covered-pass") {
      cs.status = "uncovered";
      cs.reason = "claimed check without a mutant that fires it";
    }
    if (cs.status.empty()) {
      if (auto u = untestable.find(id); u != untestable.end()) {
        cs.status = "untestable";
        cs.reason = u->second;
      } else {
        cs.status = "uncovered";
        if (auto w = uncoveredWhy.find(id); w != uncoveredWhy.end()) cs.reason = w->second;
        if (cs.reason.empty()) cs.reason = claimedAny.count(id) ? "claimed in the code, no test yet" : "no test yet";
      }
    } else if (uncoveredWhy.count(id) && cs.status.rfind("covered", 0) == 0 && opts.filter == "*") {
      // the reason list says uncovered, the run covered it: the list is out of date
      rep.staleExpectations.push_back(opts.uncoveredReasonsPath + ": " + id + " is covered now; remove its line");
    } else if (untestable.count(id) && cs.status.rfind("covered", 0) == 0 && opts.filter == "*") {
      rep.staleExpectations.push_back(opts.untestablePath + ": " + id + " is covered now; remove its line");
    }
    if (cs.claimedCheck) {
      ++rep.claimedChecks;
      if (cs.killed) ++rep.killedChecks;
      else rep.survivors.push_back(id);
    }
  }
  std::map<std::pair<std::string, std::string>, AreaCoverage> cov;
  for (const auto& [id, cs] : byId) {
    auto& a = cov[{cs.area, cs.target}];
    a.area = cs.area;
    a.direction = cs.target;
    if (cs.strength != "MUST") continue;
    ++a.mustTotal;
    if (cs.status == "untestable") ++a.untestable;
    if (cs.status.rfind("covered", 0) == 0) ++a.mustCovered;
    if (cs.status == "covered-pass") ++a.mustPassing;
  }
  for (auto& [k, a] : cov) rep.coverage.push_back(a);
  for (auto& [id, cs] : byId) rep.clauses.push_back(std::move(cs));
  rep.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

void writeJson(const RunReport& r, const std::string& path) {
  using nlohmann::json;
  json j;
  j["schema"] = "virtio-sim/conformance-results/1";
  j["generator_version"] = r.toolVersion;
  j["git_sha"] = r.gitSha;
  j["spec_version"] = r.specVersion;
  j["spec_commit"] = r.specCommit;
  j["seed"] = r.seed;
  j["backend"] = "tlm";
  j["configurations"] = r.configs;
  j["wall_seconds"] = r.wallSeconds;
  j["unexpected"] = r.unexpected;
  j["stale_expectations"] = r.staleExpectations;
  j["verdict"] = r.ok() ? "pass" : "fail";
  json tests = json::array();
  for (const auto& t : r.tests) {
    json v = json::array();
    for (const auto& c : t.verdicts) v.push_back({{"clause", c.clause}, {"outcome", outcomeName(c.outcome)}, {"evidence", c.evidence}});
    tests.push_back({{"id", t.id},
                     {"config", t.config},
                     {"target", directionName(t.target)},
                     {"kind", t.kind},
                     {"outcome", outcomeName(t.outcome)},
                     {"expected", outcomeName(t.expected)},
                     {"expectation_reason", t.expectationReason},
                     {"clauses", t.clauses},
                     {"verdicts", v},
                     {"message", t.message},
                     {"evidence", t.evidence},
                     {"duration_ms", t.durationMs}});
  }
  j["tests"] = tests;
  json cls = json::array();
  for (const auto& c : r.clauses)
    cls.push_back({{"id", c.clause}, {"section", c.section}, {"target", c.target}, {"strength", c.strength},
                   {"area", c.area}, {"status", c.status}, {"tests", c.tests}, {"evidence", c.evidence},
                   {"reason", c.reason}, {"claimed_check", c.claimedCheck}, {"killed", c.killed}});
  j["clauses"] = cls;
  json cov = json::array();
  for (const auto& a : r.coverage)
    cov.push_back({{"area", a.area}, {"direction", a.direction}, {"must_total", a.mustTotal}, {"must_covered", a.mustCovered},
                   {"must_passing", a.mustPassing}, {"untestable", a.untestable}});
  j["coverage"] = cov;
  j["mutation"] = {{"claimed_checks", r.claimedChecks},
                   {"killed", r.killedChecks},
                   {"score", r.claimedChecks ? static_cast<double>(r.killedChecks) / r.claimedChecks : 1.0},
                   {"survivors", r.survivors}};
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << j.dump(1) << "\n";
}

namespace {
std::string xmlEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') o += ' ';
        else o += c;
    }
  }
  return o;
}
}  // namespace

void writeJUnit(const RunReport& r, const std::string& path) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  int failures = 0, skipped = 0;
  for (const auto& t : r.tests) {
    failures += t.unexpected();
    skipped += t.outcome == Outcome::NotSupported;
  }
  f << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  f << "<testsuites name=\"virtio-sim conformance\" tests=\"" << r.tests.size() << "\" failures=\"" << failures
    << "\" skipped=\"" << skipped << "\">\n";
  f << " <testsuite name=\"virtio-sim\" tests=\"" << r.tests.size() << "\" failures=\"" << failures << "\" skipped=\""
    << skipped << "\">\n";
  for (const auto& t : r.tests) {
    const auto dot = t.id.rfind('.');
    f << "  <testcase classname=\"" << xmlEscape(t.id.substr(0, dot)) << "\" name=\""
      << xmlEscape(t.id.substr(dot + 1) + "@" + t.config) << "\" time=\"" << t.durationMs / 1000.0 << "\">\n";
    f << "   <properties>\n";
    for (const auto& c : t.clauses) f << "    <property name=\"clause\" value=\"" << xmlEscape(c) << "\"/>\n";
    f << "    <property name=\"config\" value=\"" << xmlEscape(t.config) << "\"/>\n";
    f << "    <property name=\"outcome\" value=\"" << outcomeName(t.outcome) << "\"/>\n";
    f << "    <property name=\"expected\" value=\"" << outcomeName(t.expected) << "\"/>\n";
    f << "   </properties>\n";
    if (t.unexpected())
      f << "   <failure message=\"" << xmlEscape(t.message) << "\">" << xmlEscape(outcomeName(t.outcome)) << "</failure>\n";
    else if (t.outcome == Outcome::NotSupported)
      f << "   <skipped message=\"" << xmlEscape(t.message) << "\"/>\n";
    f << "  </testcase>\n";
  }
  f << " </testsuite>\n</testsuites>\n";
}

}  // namespace vsim::conformance
