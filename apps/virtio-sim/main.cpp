// virtio-sim: command-line entry point.
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"virtio-sim: a strict virtio device model, driver stack and clause-indexed conformance suite"};
  app.require_subcommand(1);

  vsim::app::RingCheckOptions ring;
  auto* conf = app.add_subcommand("conformance", "Run the conformance checks and print a readable report");
  conf->add_flag("--quick", ring.quick, "fewer requests per configuration");
  conf->add_option("--seed", ring.seed, "seed for every random choice")->capture_default_str();
  conf->add_flag("-v,--verbose", ring.verbose, "print every configuration and violation");

  auto* demo = app.add_subcommand("ring-demo", "Push requests through split and packed rings and show what was checked");
  demo->add_flag("--quick", ring.quick, "fewer requests per configuration");
  demo->add_flag("-v,--verbose", ring.verbose, "print every configuration and violation");

  CLI11_PARSE(app, argc, argv);
  if (conf->parsed() || demo->parsed()) return vsim::app::runRingCheck(ring);
  return 2;
}
