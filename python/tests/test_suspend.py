"""VIRTIO_F_SUSPEND from Python: the core option that offers it, our driver's suspend() / resume(), the device
quiet while suspended, and the clause the device reports when a driver notifies a suspended device."""
import pytest
import virtio_sim as vs
from virtio_sim import params

SUSPEND_BIT = 1 << 43
NOTIFIED_WHILE_SUSPENDED = "drivernormative:General Initialization And Device Operation / Device Suspend#4"


def test_core_parameter_suspend_is_visible_and_offers_bit_43():
    table = {p.name: p for p in params.core_parameters()}
    assert table["suspend"].default == "true" and table["suspend"].unit == "bool" and table["suspend"].description
    on = vs.Simulation(vs.DeviceConfig("rng"))
    off = vs.Simulation(vs.DeviceConfig("rng", core_options={"suspend": False}))
    assert on.device()["offered_features"] & SUSPEND_BIT
    assert not off.device()["offered_features"] & SUSPEND_BIT
    with pytest.raises(vs.ParameterError):
        vs.DeviceConfig("rng", core_options={"suspendd": True})


@pytest.mark.parametrize("transport", ["pci-modern", "mmio-v2"])
def test_driver_suspends_and_resumes(transport):
    sim = vs.Simulation(vs.DeviceConfig("rng", transport=transport))
    drv = sim.open(0)
    assert drv.features & SUSPEND_BIT
    assert len(drv.read(64, timeout_ns=2_000_000)) == 64
    assert drv.suspend()
    assert drv.state == "suspended"
    status = sim.status()
    assert status & vs.status_value("SUSPEND") and not status & vs.status_value("DRIVER_OK")
    done = sim.stats()["chains_done"]
    assert sim.stats()["suspends"] == 1
    assert drv.read(64, timeout_ns=1_000_000) == b""  # nothing is submitted while suspended
    assert sim.stats()["chains_done"] == done
    assert drv.resume() and drv.live
    assert len(drv.read(64, timeout_ns=2_000_000)) == 64
    vs.assert_no_violations(sim)


def test_suspend_refused_without_the_feature():
    sim = vs.Simulation(vs.DeviceConfig("rng", core_options={"suspend": "off"}))
    drv = sim.open(0)
    assert not drv.suspend()
    assert drv.live and not sim.status() & vs.status_value("SUSPEND")


def test_hand_made_driver_notifying_a_suspended_device_is_reported_with_its_clause():
    sim = vs.Simulation(vs.DeviceConfig("rng"))
    t = sim.transport()
    assert t.reset()
    t.negotiate(vs.feature_mask("VERSION_1") | SUSPEND_BIT)
    t.make_split_ring(0)
    assert t.enable_queue(0)
    t.add_status("DRIVER_OK")
    t.add_status("SUSPEND")
    assert t.status() & vs.status_value("SUSPEND")  # confirmed (Device Suspend#2 is kept)
    t.notify(0)  # the fault
    assert sim.clauses_reported() == {NOTIFIED_WHILE_SUSPENDED}
    assert sim.queue_state(0, 0)["engine"]["chains_popped"] == 0  # the device did not look at the queue


def _suspend_cycle_timed():
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="mmio-v2"), mode="timed")
    drv = sim.open(0)
    first = len(drv.read(32, timeout_ns=50_000_000))
    ok = drv.suspend() and drv.read(32, timeout_ns=1_000_000) == b"" and drv.resume()
    second = len(drv.read(32, timeout_ns=50_000_000))
    return first, ok, second, [v.clause for v in sim.violations("all")]


def test_suspend_cycle_in_the_timed_systemc_mode():
    # the device threads process request by request: nothing is taken while suspended, all works after the resume
    assert vs.isolated(_suspend_cycle_timed) == (32, True, 32, [])
