#include "vsim/conformance/ratchet.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vsim::conformance {

namespace {
std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(line);
  while (std::getline(in, part, '\t')) out.push_back(part);
  return out;
}

int parseCount(const std::string& s, const std::string& where) {
  size_t used = 0;
  int v = -1;
  try {
    v = std::stoi(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s.size() || v < 0) throw std::runtime_error(where + ": '" + s + "' is not a count");
  return v;
}
}  // namespace

Ratchet Ratchet::load(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot read the coverage ratchet " + path);
  Ratchet r;
  std::string line;
  for (int n = 1; std::getline(f, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(n);
    auto cols = splitTabs(line);
    if (cols.size() != 3) throw std::runtime_error(where + ": expected '<area><TAB><direction><TAB><count>'");
    const int v = parseCount(cols[2], where);
    if (cols[0] == "mutation" && cols[1] == "killed") {
      r.killedChecks = v;
      continue;
    }
    if (cols[1] != "driver" && cols[1] != "device")
      throw std::runtime_error(where + ": direction '" + cols[1] + "' is not driver or device");
    if (!r.mustCovered.emplace(std::make_pair(cols[0], cols[1]), v).second)
      throw std::runtime_error(where + ": " + cols[0] + "/" + cols[1] + " is listed twice");
  }
  return r;
}

Ratchet Ratchet::of(const RunReport& rep) {
  Ratchet r;
  for (const auto& a : rep.coverage)
    if (a.mustTotal) r.mustCovered[{a.area, a.direction}] = a.mustCovered;
  r.killedChecks = rep.killedChecks;
  return r;
}

void Ratchet::save(const std::string& path) const {
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write the coverage ratchet " + path);
  f << "# Coverage floor of the conformance suite (count of covered normative statements of strength MUST per area\n"
       "# and direction, and of claimed checks proven by a mutant). A complete `virtio-sim conformance` run fails\n"
       "# when a value drops below its floor; `virtio-sim conformance --update-ratchet` rewrites this file.\n";
  for (const auto& [k, v] : mustCovered) f << k.first << '\t' << k.second << '\t' << v << '\n';
  f << "mutation\tkilled\t" << killedChecks << '\n';
}

RatchetCheck compare(const Ratchet& floor, const RunReport& r) {
  RatchetCheck c;
  const Ratchet now = Ratchet::of(r);
  for (const auto& [k, min] : floor.mustCovered) {
    auto it = now.mustCovered.find(k);
    const int got = it == now.mustCovered.end() ? 0 : it->second;
    const std::string name = k.first + "/" + k.second;
    if (got < min)
      c.drops.push_back(name + ": " + std::to_string(got) + " MUST statements covered < floor " + std::to_string(min));
    else if (got > min)
      c.rises.push_back(name + ": " + std::to_string(got) + " covered > floor " + std::to_string(min));
  }
  for (const auto& [k, got] : now.mustCovered)
    if (!floor.mustCovered.count(k) && got > 0)
      c.rises.push_back(k.first + "/" + k.second + ": " + std::to_string(got) + " covered (no floor yet)");
  if (now.killedChecks < floor.killedChecks)
    c.drops.push_back("mutation score: " + std::to_string(now.killedChecks) + " checks proven < floor " +
                      std::to_string(floor.killedChecks));
  else if (now.killedChecks > floor.killedChecks)
    c.rises.push_back("mutation score: " + std::to_string(now.killedChecks) + " proven > floor " +
                      std::to_string(floor.killedChecks));
  return c;
}

}  // namespace vsim::conformance
