// Parameter tables of the machine description (BoardConfig) that have no key=value syntax of their own: the
// platform layout (PlatformLayout), the virtio-pci transport (VirtioPciParams), the virtio-mmio transport
// (VirtioMmioParams) and the device core (CoreOptions). Names and units follow the structs' doc comments;
// defaults are read from the default-constructed structs, so they cannot drift. With TimingParams::info() and the device types' option tables
// these are every model parameter (what the CLI, reports and Python show).
#pragma once
#include <string>

#include "vsim/model/device_core.h"
#include "vsim/model/platform.h"
#include "vsim/model/virtio_mmio.h"
#include "vsim/model/virtio_pci.h"
#include "vsim/param_table.h"

namespace vsim::model {

/// "layout": where RAM, ECAM, the BAR windows, the virtio-mmio slots and the MSI address sit.
const ParamTable<PlatformLayout>& layoutParameters();
/// "pci": virtio-pci transport parameters of one device (capabilities, BARs, MSI-X, IDs).
const ParamTable<VirtioPciParams>& pciParameters();
/// "mmio": virtio-mmio transport parameters of one device.
const ParamTable<VirtioMmioParams>& mmioParameters();
/// "core": transport-independent device options of one device (DeviceSpec::core): VIRTIO_F_SUSPEND offer,
/// strict feature refusal, personality.
const ParamTable<CoreOptions>& coreParameters();

}  // namespace vsim::model
