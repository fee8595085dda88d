"""Fault injection: DMA errors (on a buffer the device is given, and mid-flight), a reset with requests in flight, a
configuration change, a suppressed interrupt.

    virtio-sim run python/examples/faults.py
"""
import virtio_sim as vs

OUTSIDE_MEMORY = "drivernormative:Reserved Feature Bits#5"


def hand_made(sim: vs.Simulation, features=None):
    """A correct hand-made initialisation up to DRIVER_OK with one split queue; returns (transport, ring)."""
    t = sim.transport()
    assert t.reset()
    t.negotiate(features)
    ring = t.make_split_ring(0)
    assert t.enable_queue(0)
    t.add_status("DRIVER_OK")
    return t, ring


@vs.scenario(modes=("functional", "timed"), expect=[OUTSIDE_MEMORY])
def dma_error(mode: str = "functional") -> None:
    """The device's DMA to a buffer it was just given fails: it cannot tell that from a buffer outside guest
    memory, so it reports the buffer, stops the queue and asks for a reset."""
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-modern"), mode=mode)
    t, ring = hand_made(sim)
    buf = sim.alloc(64)
    sim.inject_dma_error(buf, 64)  # the device's next access to the buffer fails
    head = ring.add_chain([(buf, 64, True)])
    t.notify(0)
    v = vs.assert_clause(sim, OUTSIDE_MEMORY, kind="split.buffer_outside_memory", only=True)
    assert v.queue == 0 and v.evidence["addr"] == buf
    vs.assert_needs_reset(sim)
    vs.assert_not_used(ring, id=head)
    assert sim.queue_state(0, 0)["engine"]["broken"]
    errors = sim.dma_errors()
    assert errors["failed"] == 1 and errors["armed"] == []  # used up
    assert errors["log"][0]["window_gpa"] == buf


@vs.scenario(modes=("functional", "timed"))
def dma_error_mid_flight(mode: str = "functional") -> None:
    """The device has filled the buffer but cannot publish the used index: it completes nothing and asks for a
    reset (DEVICE_NEEDS_RESET with a configuration change notification). Nobody broke a rule; our driver sees the
    device needs a reset, recovers, and reads again."""
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-modern"), mode=mode)
    rng = sim.open_rng(ring_packed=False)
    used_ring = rng.queue(0).layout["device"]
    sim.inject_dma_error(used_ring + 2, 2)  # the used ring's idx field
    assert rng.read(64, timeout_ns=2_000_000) == b""
    vs.assert_needs_reset(sim)
    assert not rng.check_status() and rng.state == "needs-reset"
    (failed,) = sim.dma_errors()["log"]
    assert failed["write"] and failed["kind"] == "ring_index_write"
    assert sim.violations("all") == []
    rng.recover()
    assert len(rng.read(64)) == 64
    vs.assert_no_violations(sim)


@vs.scenario
def reset_mid_flight() -> None:
    """Three requests made available, the device has handled one, and the driver resets: the other two are handed
    back to the driver, the device forgets them, and the queue works again after re-initialisation."""
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-modern"), manual=True)
    drv = sim.open(0)
    q = drv.queue(0)
    for cookie in range(3):
        q.add([(sim.alloc(64), 64, True)], cookie=cookie)
    q.kick()
    assert sim.step()  # the device handles exactly one request
    vs.assert_used(q, cookie=0, length=64)
    assert q.in_flight == 2 and sim.queue_state(0, 0)["pending"]

    dropped = drv.recover()  # reset with two requests in flight, then initialise again
    assert sorted(c for _, c in dropped) == [1, 2]
    assert sim.queue_state(0, 0)["engine"]["in_flight"] == 0
    q.add([(sim.alloc(64), 64, True)], cookie=7)
    q.kick()
    assert sim.process_all() == 1
    vs.assert_used(q, cookie=7, length=64)
    vs.assert_no_violations(sim)


@vs.scenario
def config_change() -> None:
    """The device changes its configuration: new generation, one notification, our driver handles it."""
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="mmio-v2"))
    rng = sim.open_rng()
    gen = sim.device()["config_generation"]
    sim.inject_config_change()
    assert sim.device()["config_generation"] == (gen + 1) % 256
    assert rng.poll() >= 1 and rng.config_changes == 1
    assert sim.stats()["config_interrupts"] == 1
    vs.assert_no_violations(sim)


@vs.scenario
def suppressed_interrupt() -> None:
    """With VIRTQ_AVAIL_F_NO_INTERRUPT set the device completes the request without notifying; without it, it
    notifies."""
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-modern"))
    t, ring = hand_made(sim)
    ring.set_avail_flags(vs.RING["AVAIL_F_NO_INTERRUPT"])
    before = sim.stats()
    head = ring.add_chain([(sim.alloc(32), 32, True)])
    t.notify(0)
    vs.assert_used(ring, id=head, length=32)
    vs.assert_no_notification(sim, queue=0, since=before)

    ring.set_avail_flags(0)
    before = sim.stats()
    head = ring.add_chain([(sim.alloc(32), 32, True)])
    t.notify(0)
    vs.assert_used(ring, id=head, length=32)
    vs.assert_notification(sim, queue=0, since=before)
    vs.assert_no_violations(sim)
