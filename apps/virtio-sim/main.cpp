// virtio-sim: command-line entry point.
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"virtio-sim: a strict virtio device model, driver stack and clause-indexed conformance suite"};
  app.require_subcommand(1);

  vsim::app::RingCheckOptions ring;
  vsim::app::ConformanceOptions co;
  co.expectationsDir = VSIM_SOURCE_DIR "/conformance/expectations";
  co.untestablePath = VSIM_SOURCE_DIR "/conformance/untestable.tsv";
  auto* conf = app.add_subcommand("conformance", "Run the clause-indexed conformance suite and write its reports");
  conf->add_option("--report-dir", co.reportDir, "where results.json and junit.xml go")->capture_default_str();
  conf->add_option("--filter", co.filter, "glob over test IDs (virtio.driver.*, *.vq.*, ...)")->capture_default_str();
  conf->add_option("--seed", co.seed, "seed for every random choice")->capture_default_str();
  conf->add_option("--device", co.deviceTypes, "device types to run (default: all)");
  conf->add_option("--transport", co.transports,
                   "transports to run: pci-modern, pci-legacy, pci-transitional, mmio-v2, mmio-v1 (default: all)");
  conf->add_option("--expectations", co.expectationsDir, "directory of expected-outcome files")->capture_default_str();
  conf->add_option("--untestable", co.untestablePath, "clauses that cannot be tested, with reasons");
  conf->add_flag("!--no-personalities", co.personalities, "skip the device-personality runs");

  auto* demo = app.add_subcommand("ring-demo", "Push requests through split and packed rings and show what was checked");
  demo->add_flag("--quick", ring.quick, "fewer requests per configuration");
  demo->add_flag("-v,--verbose", ring.verbose, "print every configuration and violation");

  CLI11_PARSE(app, argc, argv);
  if (conf->parsed()) return vsim::app::runConformance(co);
  if (demo->parsed()) return vsim::app::runRingCheck(ring);
  return 2;
}
