// Plumbing shared by the PCI / MMIO transport tests (transport_*.cpp): a device the suite drives register by
// register, the correct steps tests are built from, and the three kinds of tests they register.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "test_helpers.h"
#include "vsim/drv/driver_queue.h"
#include "vsim/drv/pci.h"

namespace vsim::conformance::layout {

using drv::Space;

inline const std::vector<TK> kPciModernish = {TK::PciModern, TK::PciTransitional};
inline const std::vector<TK> kPciAll = {TK::PciModern, TK::PciTransitional, TK::PciLegacy};
inline const std::vector<TK> kMmioBoth = {TK::MmioV2, TK::MmioV1};
inline const std::vector<TK> kModernAll = {TK::PciModern, TK::PciTransitional, TK::MmioV2};

/// The configuration's device, discovered, its transport built (no initialisation) and reset.
struct Raw {
  TestContext& ctx;
  drv::Hal& hal;
  ViolationSink& sink;
  drv::DiscoveredDevice dev;
  std::unique_ptr<drv::Transport> t;
  std::unique_ptr<drv::DriverQueue> queue;  ///< queue 0 once setupQueue0() ran
  uint64_t common = 0;                      ///< PCI modern: bus address of the common configuration
  uint64_t mmio = 0;                        ///< MMIO: base of the register window
  bool skipped = false;

  uint64_t rd(uint64_t addr, unsigned width, Space s = Space::Memory) { return hal.read(s, addr, width); }
  void wr(uint64_t addr, uint64_t value, unsigned width, Space s = Space::Memory) { hal.write(s, addr, value, width); }
  /// PCI modern common configuration field.
  uint64_t cc(uint32_t field, unsigned width) { return rd(common + field, width); }
  void setCc(uint32_t field, uint64_t value, unsigned width) { wr(common + field, value, width); }
  /// MMIO register (32 bits).
  uint32_t reg(uint32_t off) { return static_cast<uint32_t>(rd(mmio + off, 4)); }
  void setReg(uint32_t off, uint32_t value) { wr(mmio + off, value, 4); }
  drv::PciConfigSpace cfg() const { return dev.pci->config(hal); }
  bool legacy() const { return isLegacy(ctx.config()); }
  void notSupported(const std::string& why) {
    skipped = true;
    ctx.notSupported(why);
  }
  bool harness(const std::string& why) {
    ctx.harnessError(why);
    return false;
  }
};

/// ACKNOWLEDGE, DRIVER, accept the minimal features plus `extra` (not supported when not offered), FEATURES_OK and
/// its re-read on a modern interface.
bool negotiate(Raw& r, uint64_t extra = 0);
/// Queue 0: a split ring of at most 8 entries, programmed through the transport (and enabled).
bool setupQueue0(Raw& r, bool enable = true);
/// Set DRIVER_OK on top of what negotiate() set.
void driverOk(Raw& r);
/// Make one device-writable buffer of `len` bytes available on queue 0 (no notification).
bool postBuffer(Raw& r, uint32_t len = 64);
/// Arm DMA faults on every byte of queue 0's rings (split) for device 0: any device access to them is logged.
bool watchQueue0(Raw& r);
/// Accesses the device made to a watched range since watchQueue0().
size_t watchedHits(Raw& r);
/// Bytes of device-specific configuration the device has (what the harness knows about the board).
uint32_t configSize(Raw& r);

/// One test built on a Raw device.
struct RawTest {
  std::string id{};
  std::vector<std::string> clauses{};
  std::vector<TK> transports{};
  std::vector<std::string> deviceTypes{};
  std::string description{};
  std::function<void(model::DeviceSpec&)> prepare{};  ///< device parameters, before the board is built
  std::function<void(Raw&)> body{};
  /// Extra targets on the board once it is built (kept alive while the test runs).
  std::function<std::shared_ptr<void>(TestContext&)> attach{};
  /// The body starts from nothing: no discovery, no transport, no reset (it finds what it needs itself).
  bool unprobed = false;
};

/// Device under test: the suite acts as a driver; fails on anything our transport layer reported about the device.
TestInfo deviceTest(RawTest t);
/// Driver-normative check fired by a faulty driver (primary clause = clauses[0]): the device must report exactly it.
TestInfo mutantTest(RawTest t);

/// The built-in driver under test on a device with some unusual (legal) trait: `body` runs our whole driver stack;
/// the device must report nothing, and nothing but `allowedDriverReports` may be reported by our driver.
struct DriverTest {
  std::string id{};
  std::vector<std::string> clauses{};
  std::vector<TK> transports{};
  std::vector<std::string> deviceTypes{};
  std::string description{};
  std::function<void(model::DeviceSpec&)> prepare{};
  /// Extra targets on the board once it is built (kept alive while the test runs).
  std::function<std::shared_ptr<void>(TestContext&)> attach{};
  std::function<void(TestContext&, drv::Hal&, ViolationSink&)> body{};
  std::vector<std::string> allowedDriverReports{};  ///< device-normative clauses our driver may report here
};
TestInfo driverTest(DriverTest t);

/// The built-in driver's bring-up plus real I/O for the configuration's device type (rng: an entropy read).
void builtinWorkload(TestContext& ctx, drv::Hal& hal, ViolationSink& sink, const drv::DiscoveredDevice& d);

void registerPciDeviceTests(std::vector<TestInfo>& out);    // transport_pci_device_tests.cpp
void registerMmioDeviceTests(std::vector<TestInfo>& out);   // transport_mmio_device_tests.cpp
void registerTransportDriverTests(std::vector<TestInfo>& out);  // transport_driver_tests.cpp
void registerTransportCapMutants(std::vector<TestInfo>& out);   // transport_cap_mutants.cpp

}  // namespace vsim::conformance::layout
