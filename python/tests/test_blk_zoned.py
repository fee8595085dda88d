"""The block device's zoned personality from Python: its options, and the zone calls of the typed block driver."""
import pytest
import virtio_sim as vs
from conftest import require_device


@pytest.mark.parametrize("transport", ["pci-modern", "mmio-v2"])
def test_host_managed_zones_from_python(transport):
    require_device("blk")
    sim = vs.Simulation(vs.DeviceConfig("blk", transport=transport, size=1 << 20, zoned="host-managed", zone_sectors=256))
    drv = sim.open(0)
    assert drv.live, drv.failure
    cfg = drv.config
    assert cfg["zoned_model"] == 1 and cfg["zone_sectors"] == 256
    zones = drv.zone_report(0, 8)
    assert [z["start"] for z in zones] == [i * 256 for i in range(8)]
    assert zones[0]["type"] == 1 and zones[1]["type"] == 2  # conventional, then sequential write required
    assert drv.zone_append(256, b"\x42" * 4096) == 256
    assert drv.zone_append(256, b"\x43" * 4096) == 264
    assert drv.read_sectors(264, 1) == b"\x43" * 512
    assert drv.zone_op("finish", 256) == "ok"
    assert drv.zone_report(256, 1)[0]["state"] == 14  # full
    assert drv.zone_op("reset_all") == "ok"
    assert drv.zone_op("open", 257, check=False) == "rejected"  # not a zone start: never sent
    with pytest.raises(vs.ParameterError):
        drv.zone_op("sideways", 256)
    vs.assert_no_violations(sim)
