// Wall time of a complete conformance run (every target in scope, every personality): the budget is
// under 60 s on these machines. Prints one JSON object; runs the suite `--repeat` times in this process and
// reports the best and the median, so a noisy neighbour shows up as spread rather than as a false regression.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "vsim/conformance/runner.h"

int main(int argc, char** argv) {
  CLI::App app{"Time a complete conformance run (JSON on stdout)"};
  int repeat = 3;
  uint64_t seed = 1;
  std::string expectations, untestable;
  app.add_option("--repeat", repeat, "complete runs to time")->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--seed", seed, "suite seed")->capture_default_str();
  app.add_option("--expectations", expectations, "expectations directory (as the CLI uses)");
  app.add_option("--untestable", untestable, "untestable.tsv (as the CLI uses)");
  CLI11_PARSE(app, argc, argv);

  using namespace vsim::conformance;
  RunOptions ro;
  ro.seed = seed;
  ro.configs = defaultConfigs(seed);
  for (const auto& c : personalityConfigs(seed)) ro.configs.push_back(c);
  ro.expectationsDir = expectations;
  ro.untestablePath = untestable;
  std::vector<double> secs;
  size_t tests = 0;
  bool ok = true;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    RunReport rep = runSuite(ro);
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    tests = rep.tests.size();
    ok = ok && rep.unexpected == 0;
  }
  std::vector<double> sorted = secs;
  std::sort(sorted.begin(), sorted.end());
  nlohmann::json j;
  j["benchmark"] = "conformance_full_run";
  j["configurations"] = ro.configs.size();
  j["test_results"] = tests;
  j["runs"] = secs;
  j["best_s"] = sorted.front();
  j["median_s"] = sorted[sorted.size() / 2];
  j["budget_s"] = 60.0;
  j["within_budget"] = sorted[sorted.size() / 2] < 60.0;
  j["all_results_as_expected"] = ok;
  std::printf("%s\n", j.dump().c_str());
  return 0;
}
