// virtio-sim: command-line entry point.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "commands.h"

namespace {

/// `virtio-sim run SCENARIO.py [...]`: exec the Python interpreter that has pytest (VSIM_PYTHON overrides it) on
/// the scenario runner, with the built module (<build>/python, next to <build>/apps) and the package (python/) on
/// PYTHONPATH. The runner prints the verdicts; its exit code is ours.
int runPythonScenario(const std::string& file, const std::vector<std::string>& extra) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::string path = (ec ? std::string() : (exe.parent_path().parent_path() / "python").string() + ":") +
                     VSIM_SOURCE_DIR "/python";
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += std::string(":") + old;
  setenv("PYTHONPATH", path.c_str(), 1);
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  const char* env = std::getenv("VSIM_PYTHON");
  const std::string py = env && *env ? env : "/usr/bin/python3";
  std::vector<std::string> args{py, "-m", "virtio_sim", "run", file};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(py.c_str(), argv.data());
  std::fprintf(stderr, "virtio-sim run: cannot start %s: %s\n", py.c_str(), std::strerror(errno));
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"virtio-sim: a strict virtio device model, driver stack and clause-indexed conformance suite"};
  app.require_subcommand(1);

  vsim::app::RingCheckOptions ring;
  vsim::app::ConformanceOptions co;
  co.expectationsDir = VSIM_SOURCE_DIR "/conformance/expectations";
  co.untestablePath = VSIM_SOURCE_DIR "/conformance/untestable.tsv";
  co.uncoveredReasonsPath = VSIM_SOURCE_DIR "/conformance/uncovered.tsv";
  co.ratchetPath = VSIM_SOURCE_DIR "/conformance/coverage-ratchet.tsv";
  auto* conf = app.add_subcommand("conformance", "Run the clause-indexed conformance suite and write its reports");
  conf->add_option("--report-dir", co.reportDir, "where results.json and junit.xml go")->capture_default_str();
  conf->add_option("--filter", co.filter, "glob over test IDs (virtio.driver.*, *.vq.*, ...)")->capture_default_str();
  conf->add_option("--seed", co.seed, "seed for every random choice")->capture_default_str();
  conf->add_option("--device", co.deviceTypes, "device types to run (default: all)");
  conf->add_option("--transport", co.transports,
                   "transports to run: pci-modern, pci-legacy, pci-transitional, mmio-v2, mmio-v1 (default: all)");
  conf->add_option("--expectations", co.expectationsDir, "directory of expected-outcome files")->capture_default_str();
  conf->add_option("--untestable", co.untestablePath, "clauses that cannot be tested, with reasons");
  conf->add_option("--uncovered-reasons", co.uncoveredReasonsPath, "clauses not covered yet, with reasons");
  conf->add_flag("!--no-personalities", co.personalities, "skip the device-personality runs");
  conf->add_option("--ratchet", co.ratchetPath, "coverage floor file (checked on complete runs; '' = off)")
      ->capture_default_str();
  conf->add_flag("--update-ratchet", co.updateRatchet, "raise the coverage floor file to this complete run's values");

  auto* platformDemo = app.add_subcommand("demo", "One platform with all five device types doing real I/O");
  auto* demo = app.add_subcommand("ring-demo", "Push requests through split and packed rings and show what was checked");
  demo->add_flag("--quick", ring.quick, "fewer requests per configuration");
  demo->add_flag("-v,--verbose", ring.verbose, "print every configuration and violation");

  std::string scenarioFile;
  auto* run = app.add_subcommand("run", "Run a Python scenario file (see python/examples) and print its verdicts");
  run->add_option("scenario", scenarioFile, "scenario file (.py); further options (--mode MODE, -k NAME, -v) go to "
                                            "the runner")->required();
  run->allow_extras();

  CLI11_PARSE(app, argc, argv);
  if (run->parsed()) return runPythonScenario(scenarioFile, run->remaining());
  if (conf->parsed()) return vsim::app::runConformance(co);
  if (platformDemo->parsed()) return vsim::app::runDemo();
  if (demo->parsed()) return vsim::app::runRingCheck(ring);
  return 2;
}
