"""Story: a driver that ignores DEVICE_NEEDS_RESET.

The device hits an internal error and sets DEVICE_NEEDS_RESET; it also sends a configuration change notification
so that the driver looks. This driver never reads the status outside initialisation: it keeps making buffers
available and notifying, as if nothing happened. Its requests silently stop completing; on real hardware that is
a hung I/O path with no error anywhere.

The device here uses the ``needs_reset_after=1`` personality (legal device behaviour: it enters
DEVICE_NEEDS_RESET after one completed request). The strict device reports the status-field clause the first time
the driver carries on, and serves nothing more. For contrast, our built-in driver notices, recovers and reads on.

    virtio-sim run python/examples/ignores_needs_reset.py
"""
import virtio_sim as vs

KEEPS_GOING = "drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4"


def ignore_needs_reset(mode: str = "functional", transport: str = "pci-modern") -> vs.Simulation:
    sim = vs.Simulation(vs.DeviceConfig("rng", transport=transport, personality="needs_reset_after=1"), mode=mode)
    t = sim.transport()
    assert t.reset()
    t.negotiate()
    ring = t.make_split_ring(0)
    assert t.enable_queue(0)
    t.add_status("DRIVER_OK")

    first = ring.add_chain([(sim.alloc(32), 32, True)])
    t.notify(0)
    vs.assert_used(ring, id=first, length=32)
    vs.assert_needs_reset(sim)  # after its first request, the device needs a reset
    assert sim.stats(0)["config_interrupts"] == 1  # ... and told the driver so
    vs.assert_no_violations(sim)  # so far the driver did nothing wrong

    second = ring.add_chain([(sim.alloc(32), 32, True)])  # the driver ignores it and carries on
    t.notify(0)

    vs.assert_clause(sim, KEEPS_GOING, kind="notify.after_needs_reset", only=True)
    vs.assert_not_used(ring, id=second)  # nothing is served any more
    return sim


@vs.scenario(modes=("functional", "fast", "timed"), expect=[KEEPS_GOING])
def ignores_needs_reset(mode: str = "functional") -> None:
    """The driver keeps notifying a device that set DEVICE_NEEDS_RESET."""
    ignore_needs_reset(mode, "pci-modern")


@vs.scenario(expect=[KEEPS_GOING])
def ignores_needs_reset_mmio() -> None:
    """Same on virtio-mmio version 2."""
    ignore_needs_reset("functional", "mmio-v2")


@vs.scenario
def builtin_driver_recovers() -> None:
    """Our driver under the same device: it sees DEVICE_NEEDS_RESET, resets, re-initialises and reads on,
    without breaking anything."""
    sim = vs.Simulation(vs.DeviceConfig("rng", personality="needs_reset_after=1"))
    rng = sim.open_rng()
    assert len(rng.read(16)) == 16
    vs.assert_needs_reset(sim)
    assert not rng.check_status() and rng.state == "needs-reset"
    rng.recover()
    assert rng.live and len(rng.read(16)) == 16
    vs.assert_no_violations(sim)
