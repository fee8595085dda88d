"""Fault injection end to end, asserting what the driver sees: DMA errors on every device type and every ring part
(the device asks for a reset, never crashes, never completes silently), their counts, and the backend errors of
blk, console and net (nothing lost or reordered on a console; frames lost the way a network loses them, counted)."""
import pytest
import virtio_sim as vs
from conftest import require_device

OUTSIDE_MEMORY = "drivernormative:Reserved Feature Bits#5"


def require_typed(type_name):
    require_device(type_name)
    if type_name not in vs.typed_drivers():
        pytest.skip(f"the {type_name} driver is not bound in this build")


def hand_made(sim, features=None):
    t = sim.transport()
    assert t.reset()
    t.negotiate(features)
    ring = t.make_split_ring(0)
    assert t.enable_queue(0)
    t.add_status("DRIVER_OK")
    return t, ring


#: Per device type: the queue one high-level operation uses, the operation, and whether it worked.
OPERATIONS = {
    "rng": (0, lambda d: d.read(64, timeout_ns=2_000_000), lambda r: len(r) == 64),
    "blk": (0, lambda d: d.write_sectors(0, bytes(512), check=False), lambda r: r == "ok"),
    "net": (1, lambda d: d.send(b"\xff" * 6 + bytes(6) + b"\x08\x00" + bytes(46), timeout_ns=2_000_000),
            lambda r: r is True),
    "console": (1, lambda d: d.write(b"x", timeout_ns=2_000_000), lambda r: r == 1),
    "input": (1, lambda d: d.send_status(0x11, 0, 1, timeout_ns=2_000_000), lambda r: r is True),
}


def ring_part(layout, part, packed):
    """(address, bytes) of one part of a queue's rings."""
    n = layout["size"]
    if part == "desc":
        return layout["desc"], 16 * n
    if packed:
        return layout[part], 4  # event suppression structure
    return layout[part], (6 + 2 * n) if part == "driver" else (6 + 8 * n)


# Split rings: every part is touched by every operation. Packed rings: the descriptor ring (the event suppression
# structures are only read or written when notifications are suppressed).
RING_PARTS = [("split", p) for p in ("desc", "driver", "device")] + [("packed", "desc")]


@pytest.mark.parametrize("ring,part", RING_PARTS)
@pytest.mark.parametrize("type_name", sorted(OPERATIONS))
def test_dma_error_on_a_ring_puts_every_device_type_into_needs_reset(type_name, ring, part):
    if type_name != "rng":
        require_typed(type_name)
    sim = vs.Simulation(vs.DeviceConfig(type_name, transport="pci-modern"))
    drv = sim.open(0, ring_packed=(ring == "packed"))
    queue, operation, worked = OPERATIONS[type_name]
    gpa, length = ring_part(drv.queue(queue).layout, part, ring == "packed")
    sim.inject_dma_error(gpa, length, count=vs.UNTIL_CLEARED)
    operation(drv)
    vs.assert_needs_reset(sim)  # the device's error state, with a configuration change notification
    assert not drv.check_status() and drv.state == "needs-reset"  # our driver saw it
    errors = sim.dma_errors()
    assert errors["failed"] >= 1 and all(e["window_gpa"] == gpa for e in errors["log"])
    assert sim.clauses_reported() <= {OUTSIDE_MEMORY}  # nothing else is blamed on the driver
    assert sim.memory.read(gpa, 4) is not None  # the CPU's view of the same memory is not affected
    sim.clear_dma_errors()
    assert sim.dma_errors()["armed"] == []
    if type_name in ("rng", "console"):  # drivers whose recovery brings their own state back as well
        drv.recover()
        assert worked(operation(drv))


def test_dma_error_counts_and_until_cleared():
    sim = vs.Simulation("rng")
    buf = sim.alloc(32)
    sim.inject_dma_error(buf, 32, count=2)
    for attempt in range(3):
        t, ring = hand_made(sim)
        head = ring.add_chain([(buf, 32, True)])
        t.notify(0)
        if attempt < 2:
            vs.assert_needs_reset(sim)
            vs.assert_not_used(ring, id=head)
        else:
            vs.assert_used(ring, id=head, length=32)  # the two failures are used up
    assert sim.dma_errors()["failed"] == 2 and sim.dma_errors()["armed"] == []
    sim.clear_violations()

    sim.inject_dma_error(buf + 16, 1, count=vs.UNTIL_CLEARED)
    for _ in range(3):
        t, ring = hand_made(sim)
        ring.add_chain([(buf, 32, True)])
        t.notify(0)
        vs.assert_needs_reset(sim)
    (armed,) = sim.dma_errors()["armed"]
    assert armed["remaining"] is None and armed["hits"] == 3
    sim.clear_dma_errors()
    t, ring = hand_made(sim)
    head = ring.add_chain([(buf, 32, True)])
    t.notify(0)
    vs.assert_used(ring, id=head, length=32)


def test_dma_errors_only_hit_the_device_they_were_injected_into():
    sim = vs.Simulation("rng", "rng")
    a, b = sim.open_rng(0), sim.open_rng(1)
    sim.inject_dma_error(sim.dma_base, sim.dma_size, device=1, count=vs.UNTIL_CLEARED)
    assert len(a.read(64)) == 64
    assert sim.dma_errors(0)["failed"] == 0
    assert b.read(64, timeout_ns=1_000_000) == b""
    vs.assert_needs_reset(sim, device=1)
    assert sim.dma_errors(1)["failed"] >= 1


def test_dma_errors_are_traced():
    sim = vs.Simulation("rng", trace=True)
    rng = sim.open_rng(ring_packed=False)
    sim.inject_dma_error(rng.queue(0).layout["device"], 4)
    rng.read(8, timeout_ns=1_000_000)
    faults = [e for e in sim.trace() if e["ev"] == "dma_fault"]
    assert len(faults) == 1 and faults[0]["dev"] == "rng0"


# --- backend errors ------------------------------------------------------------------------------------------------

def test_blk_backend_errors_fail_requests_with_ioerr_until_cleared():
    require_typed("blk")
    sim = vs.Simulation(vs.DeviceConfig("blk", size=1 << 16))
    blk = sim.open(0)
    sim.inject_backend_error(writes=vs.UNTIL_CLEARED)
    for sector in range(3):
        assert blk.write_sectors(sector, bytes(512), check=False) == "ioerr"
    assert blk.read_sectors(0, 1) == bytes(512)  # reads were not asked to fail
    sim.clear_backend_errors()
    assert blk.write_sectors(0, b"\x11" * 512) == "ok" and blk.read_sectors(0, 1) == b"\x11" * 512
    vs.assert_no_violations(sim)


def test_console_output_errors_keep_the_bytes_until_the_backend_takes_them():
    require_typed("console")
    sim = vs.Simulation(vs.DeviceConfig("console"))
    con, host = sim.open(0), sim.host(0)
    sim.inject_backend_error(output=vs.UNTIL_CLEARED)
    assert con.write(b"hello", timeout_ns=2_000_000) == 0  # the device still holds the buffer at the time-out
    assert host.console_output() == b""
    st = host.stats()
    assert st["ports"][0]["held_tx_buffers"] == 1 and st["backend_output_errors"] >= 2
    sim.clear_backend_errors()
    assert host.console_output() == b"hello"  # once, intact
    assert con.write(b" world") == 6
    assert host.console_output() == b" world"
    vs.assert_no_violations(sim)


def test_console_output_errors_are_retried_while_the_driver_waits():
    require_typed("console")
    clean = vs.Simulation(vs.DeviceConfig("console"))
    t0 = clean.now_ns
    clean.open(0).write(b"abc")
    baseline = clean.now_ns - t0
    sim = vs.Simulation(vs.DeviceConfig("console"))
    t0 = sim.now_ns
    con = sim.open(0)
    sim.inject_backend_error(output=3)
    assert con.write(b"abc") == 3  # taken after three refusals
    assert sim.host(0).console_output() == b"abc"
    assert sim.host(0).stats()["backend_output_errors"] == 3
    assert sim.now_ns - t0 > baseline  # the driver waited for it
    vs.assert_no_violations(sim)


def test_console_input_errors_delay_the_input_never_lose_it():
    require_typed("console")
    sim = vs.Simulation(vs.DeviceConfig("console"))
    con, host = sim.open(0), sim.host(0)
    sim.inject_backend_error(input=2)
    assert host.console_input(b"ls\n") == 3
    assert con.read(16, timeout_ns=10_000_000) == b"ls\n"
    assert host.stats()["backend_input_errors"] == 2
    vs.assert_no_violations(sim)


def test_console_backend_errors_per_port():
    require_typed("console")
    sim = vs.Simulation(vs.DeviceConfig("console", ports=2))
    con, host = sim.open(0), sim.host(0)
    assert con.wait_for_ports(2) and con.ports == [0, 1]
    sim.inject_backend_error(port=1, output=vs.UNTIL_CLEARED)
    assert con.write(b"zero", port=0) == 4
    assert con.write(b"one", port=1, timeout_ns=1_000_000) == 0
    assert host.console_output(0) == b"zero" and host.console_output(1) == b""
    sim.clear_backend_errors(port=1)
    assert host.console_output(1) == b"one"
    vs.assert_no_violations(sim)


def test_net_backend_loses_frames_in_both_directions_and_counts_them():
    require_typed("net")
    sim = vs.Simulation(vs.DeviceConfig("net", switch="lan"), vs.DeviceConfig("net", transport="mmio-v2", switch="lan"))
    a, b = sim.open(0), sim.open(1)

    def frame(n):
        return b.mac + a.mac + b"\x88\xb5" + bytes([n]) * 46

    sim.inject_backend_error(0, tx=1)
    assert a.send(frame(1))  # the device took the buffer (it is used) ...
    assert b.receive(1_000_000) is None  # ... but the frame never reached the wire
    assert a.send(frame(2)) and b.receive(1_000_000) == frame(2)
    assert sim.host(0).stats()["tx_dropped_backend"] == 1
    sim.inject_backend_error(1, rx=1)
    assert a.send(frame(3)) and b.receive(1_000_000) is None
    assert a.send(frame(4)) and b.receive(1_000_000) == frame(4)
    assert sim.host(1).stats()["rx_dropped_backend"] == 1
    assert a.stats["frames_sent"] == 4 and b.stats["frames_received"] == 2
    vs.assert_no_violations(sim)


def test_net_frames_from_the_host_are_refused_while_the_backend_fails():
    require_typed("net")
    sim = vs.Simulation(vs.DeviceConfig("net"))
    nic, host = sim.open(0), sim.host(0)
    frame = nic.mac + bytes.fromhex("020000000099") + b"\x08\x00" + bytes(46)
    sim.inject_backend_error(rx=vs.UNTIL_CLEARED)
    assert not any(host.send_frame(frame) for _ in range(3))
    assert nic.receive(0) is None
    sim.clear_backend_errors()
    assert host.send_frame(frame) and nic.receive(1_000_000) == frame
    assert host.stats()["rx_dropped_backend"] == 3


def test_fault_parameters_are_checked():
    require_device("console")
    require_device("net")
    sim = vs.Simulation(vs.DeviceConfig("console"), "net")
    with pytest.raises(vs.ParameterError, match="unknown console backend fault 'outptu'.*did you mean 'output'"):
        sim.inject_backend_error(outptu=1)
    with pytest.raises(vs.ParameterError, match="is not a count >= 0"):
        sim.inject_backend_error(output=-5)
    with pytest.raises(vs.ParameterError, match="console port 3 is not present"):
        sim.inject_backend_error(port=3)
    with pytest.raises(vs.ParameterError, match="port= is for console devices"):
        sim.inject_backend_error(1, port=1)
    with pytest.raises(vs.ParameterError, match="count: 0 is not a count >= 1"):
        sim.inject_dma_error(sim.dma_base, 16, count=0)
    with pytest.raises(vs.ParameterError, match="length 0 must be > 0"):
        sim.inject_dma_error(sim.dma_base, 0)
    with pytest.raises(vs.ParameterError, match="wraps the address space"):
        sim.inject_dma_error(2**64 - 1, 16)
    with pytest.raises(vs.ParameterError, match="unknown device 'disk0'"):
        sim.inject_dma_error(sim.dma_base, device="disk0")
    sim.close()
    with pytest.raises(vs.ClosedError):
        sim.inject_dma_error(0x100000, 16)
    with pytest.raises(vs.ClosedError):
        sim.inject_backend_error()


# --- the documented stories (python/examples/backend_faults.py) ----------------------------------------------------

def test_console_output_backend_fails_story(examples):
    require_typed("console")
    examples.backend_faults.console_output_backend_fails()


def test_console_output_backend_fails_story_in_timed_mode(examples):
    require_typed("console")
    res = examples.backend_faults.console_output_backend_fails.check("timed")
    assert res.outcome == "pass", res


def test_network_backend_loses_a_frame_story(examples):
    require_typed("net")
    examples.backend_faults.network_backend_loses_a_frame()
