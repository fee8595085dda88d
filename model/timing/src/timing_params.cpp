#include "vsim/model/timing_params.h"

#include <cmath>

namespace vsim::model {

const std::vector<TimingParams::Info>& TimingParams::info() {
  static const std::vector<Info> kInfo = {
      {"mmio_read_ns", "ns", "CPU read of a memory-mapped device register", &TimingParams::mmioReadNs},
      {"mmio_write_ns", "ns", "CPU write of a memory-mapped device register (posted)", &TimingParams::mmioWriteNs},
      {"pio_ns", "ns", "CPU port I/O access (legacy virtio-pci I/O BAR)", &TimingParams::pioNs},
      {"config_ns", "ns", "CPU PCI configuration space access (ECAM)", &TimingParams::configNs},
      {"pcie_read_round_trip_ns", "ns", "extra round trip of a non-posted read across PCIe (PCI BAR reads)",
       &TimingParams::pcieReadRoundTripNs},
      {"dma_bytes_per_ns", "B/ns", "device DMA bandwidth (8 = 8 GB/s)", &TimingParams::dmaBytesPerNs},
      {"dma_transaction_ns", "ns", "fixed cost of one device DMA transaction", &TimingParams::dmaTransactionNs},
      {"irq_latency_ns", "ns", "from the device raising an interrupt to the CPU seeing it", &TimingParams::irqLatencyNs},
      {"service_ns", "ns", "device service time per request, besides DMA", &TimingParams::serviceNs},
      {"ram_access_ns", "ns", "CPU access to guest RAM (driver ring writes)", &TimingParams::ramAccessNs},
  };
  return kInfo;
}

bool TimingParams::set(const std::string& name, double value) {
  if (!std::isfinite(value) || value < 0) return false;
  for (const auto& i : info())
    if (name == i.name) {
      if (i.field == &TimingParams::dmaBytesPerNs && value == 0) return false;  // bandwidth must be positive
      this->*i.field = value;
      return true;
    }
  return false;
}

double TimingParams::get(const std::string& name) const {
  for (const auto& i : info())
    if (name == i.name) return this->*i.field;
  return std::nan("");
}

uint64_t TimingModel::accessPs(AccessKind k) const {
  switch (k) {
    case AccessKind::MmioRead: return ps(p_.mmioReadNs);
    case AccessKind::MmioWrite: return ps(p_.mmioWriteNs);
    case AccessKind::PciBarRead: return ps(p_.mmioReadNs + p_.pcieReadRoundTripNs);
    case AccessKind::PciBarWrite: return ps(p_.mmioWriteNs);
    case AccessKind::PioRead:
    case AccessKind::PioWrite: return ps(p_.pioNs);
    case AccessKind::Config: return ps(p_.configNs);
    case AccessKind::Ram: return ps(p_.ramAccessNs);
  }
  return 0;
}

uint64_t TimingModel::dmaPs(uint64_t transactions, uint64_t bytes) const {
  return transactions * ps(p_.dmaTransactionNs) + static_cast<uint64_t>(static_cast<double>(bytes) * 1000.0 / p_.dmaBytesPerNs + 0.5);
}

}  // namespace vsim::model
