"""User stories across devices, transports and modes: the built-in driver, hand-made drivers doing one thing wrong
(each asserting the exact clause), fault injection, observation (state, statistics, trace, verdicts) and the
conformance suite."""
import pytest
import virtio_sim as vs
from conftest import ALL_TRANSPORTS, MODERN, require_device


def hand_made(sim, device=0, features=None, queue=0):
    t = sim.transport(device)
    assert t.reset()
    t.negotiate(features)
    ring = t.make_split_ring(queue)
    assert t.enable_queue(queue)
    t.add_status("DRIVER_OK")
    return t, ring


def splitmix_bytes(seed, n):
    out = bytearray()
    s = seed
    mask = (1 << 64) - 1
    while len(out) < n:
        s = (s + 0x9E3779B97F4A7C15) & mask
        z = s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        out += z.to_bytes(8, "little")
    return bytes(out[:n])


# --- the built-in driver -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("transport", ALL_TRANSPORTS)
def test_builtin_rng_driver_reads_seeded_bytes(transport):
    sim = vs.Simulation(vs.DeviceConfig("rng", transport=transport, seed=1234))
    rng = sim.open_rng()
    assert rng.live and rng.legacy == (transport in ("pci-legacy", "mmio-v1"))
    assert rng.read(3 * 4096) == splitmix_bytes(1234, 3 * 4096)
    assert rng.requests >= 3
    vs.assert_no_violations(sim)


def test_transitional_device_through_its_legacy_interface():
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-transitional"))
    rng = sim.open_rng(force_legacy=True)
    assert rng.legacy and rng.transport_kind == "pci-legacy"
    assert len(rng.read(100)) == 100
    assert sim.device()["legacy"]
    vs.assert_no_violations(sim)


def _read_in(mode):
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-modern"), seed=99, mode=mode)
    data = sim.open_rng().read(1000)
    return data, sim.verdict, sim.now_ns


@pytest.mark.parametrize("mode", ["fast", "timed"])
def test_same_bytes_and_verdict_in_every_mode(mode):
    functional = _read_in("functional")
    got = vs.isolated(_read_in, mode)
    assert got[0] == functional[0] and got[1] == functional[1] == "pass"
    assert got[2] > 0


@pytest.mark.parametrize("personality", vs.personalities())
def test_builtin_driver_is_clean_under_every_personality(personality):
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-modern", personality=personality))
    rng = sim.open_rng()
    got = b""
    for _ in range(4):
        if not rng.check_status():
            rng.recover()  # needs_reset_after=N: the driver must cope
        got += rng.read(300)
    assert len(got) == 1200
    vs.assert_no_violations(sim)


@pytest.mark.parametrize("ring", ["split", "packed"])
def test_driver_options_choose_the_ring_format(ring):
    sim = vs.Simulation("rng")
    rng = sim.open_rng(ring_packed=(ring == "packed"), event_idx=False)
    assert rng.queue(0).packed == (ring == "packed")
    assert bool(rng.features >> vs.FEATURE["RING_PACKED"] & 1) == (ring == "packed")
    assert not rng.features >> vs.FEATURE["EVENT_IDX"] & 1
    assert len(rng.read(64)) == 64
    assert sim.queue_state(0, 0)["engine"]["packed"] == (ring == "packed")
    vs.assert_no_violations(sim)


# --- hand-made drivers that break one rule -------------------------------------------------------------------------

def test_notification_before_driver_ok():
    sim = vs.Simulation("rng")
    t = sim.transport()
    t.reset()
    t.negotiate()
    ring = t.make_split_ring(0)
    t.enable_queue(0)
    ring.add_chain([(sim.alloc(16), 16, True)])
    t.notify(0)  # DRIVER_OK not set yet
    vs.assert_clause(sim, "drivernormative:General Initialization And Device Operation / Device Initialization#7",
                     kind="notify.before_driver_ok", only=True)
    vs.assert_not_used(ring)
    t.add_status("DRIVER_OK")  # the work was kept and is done now
    vs.assert_used(ring, length=16)


@pytest.mark.parametrize("transport", MODERN)
def test_feature_not_offered(transport):
    sim = vs.Simulation(vs.DeviceConfig("rng", transport=transport))
    t = sim.transport()
    t.reset()
    t.set_status("ACKNOWLEDGE")
    t.set_status("ACKNOWLEDGE", "DRIVER")
    offered = t.device_features()
    extra = next(b for b in range(64) if not offered >> b & 1)
    t.write_driver_features(vs.feature_mask("VERSION_1") | (1 << extra))
    t.set_status("ACKNOWLEDGE", "DRIVER", "FEATURES_OK")
    vs.assert_clause(sim, "drivernormative:Basic Facilities of a Virtio Device / Feature Bits#1",
                     kind="features.not_offered", only=True)
    vs.assert_status(sim, lacks=["FEATURES_OK"])  # the strict device refuses the subset


def test_status_bit_cleared_without_reset():
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="mmio-v1"))
    t = sim.transport()
    t.reset()
    t.set_status("ACKNOWLEDGE", "DRIVER")
    t.set_status("ACKNOWLEDGE")
    v = vs.assert_clause(sim, "drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2", only=True)
    assert v.evidence["cleared"] == vs.STATUS["DRIVER"]


def test_indirect_descriptor_without_the_feature():
    sim = vs.Simulation("rng")
    t, ring = hand_made(sim)  # VERSION_1 only: no VIRTIO_F_INDIRECT_DESC
    table = sim.alloc(16, 16)
    ring.add_indirect_chain(table, [(sim.alloc(32), 32, True)])
    t.notify(0)
    vs.assert_clause(
        sim, "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table / "
             "Indirect Descriptors#1", kind="split.indirect_not_negotiated", only=True)
    vs.assert_needs_reset(sim)


def test_readable_after_writable_in_one_chain():
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="mmio-v2"))
    t, ring = hand_made(sim)
    ring.add_chain([(sim.alloc(16), 16, True), (sim.alloc(16), 16, False)])
    t.notify(0)
    vs.assert_clause(sim, "drivernormative:Basic Facilities of a Virtio Device / Message Framing#1",
                     kind="split.readable_after_writable", only=True)


def test_packed_ring_by_hand():
    sim = vs.Simulation("rng")
    t = sim.transport()
    t.reset()
    t.negotiate(vs.feature_mask("VERSION_1", "RING_PACKED"))
    ring = sim.packed_ring(16)
    assert t.setup_queue(0, ring) and t.enable_queue(0)
    t.add_status("DRIVER_OK")
    ring.add_chain([(sim.alloc(48), 48, True)], 5)
    t.notify(0)
    assert vs.assert_used(ring, id=5, length=48) == (5, 48)
    assert sim.queue_state(0, 0)["engine"]["packed"]
    vs.assert_no_violations(sim)


# --- faults --------------------------------------------------------------------------------------------------------

def test_dma_error(examples):
    examples.faults.dma_error()


def test_dma_error_mid_flight(examples):
    examples.faults.dma_error_mid_flight()


@pytest.mark.parametrize("story", ["dma_error", "dma_error_mid_flight"])
def test_dma_errors_in_timed_mode(examples, story):
    res = getattr(examples.faults, story).check("timed")
    assert res.outcome == "pass", res


def test_dma_error_through_our_driver_queue():
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="mmio-v2"))
    drv = sim.open(0, ring_packed=True)
    q = drv.queue(0)
    buf = sim.alloc(32)
    sim.inject_dma_error(buf, 32)
    q.add([(buf, 32, True)], cookie=1)
    q.kick()
    vs.assert_clause(sim, "drivernormative:Reserved Feature Bits#5", kind="packed.buffer_outside_memory")
    vs.assert_needs_reset(sim)


def test_a_buffer_outside_guest_memory_by_hand():
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="mmio-v2"))
    t, ring = hand_made(sim)
    ring.add_chain([(sim.unreachable_address(), 32, True)])  # the raw tool: an address nothing decodes
    t.notify(0)
    vs.assert_clause(sim, "drivernormative:Reserved Feature Bits#5", kind="split.buffer_outside_memory", only=True)
    assert sim.dma_errors()["failed"] == 0  # not an injected fault


def test_reset_mid_flight(examples):
    examples.faults.reset_mid_flight()


def test_host_side_reset_mid_flight():
    sim = vs.Simulation("rng", manual=True)
    t, ring = hand_made(sim)
    head = ring.add_chain([(sim.alloc(16), 16, True)])
    t.notify(0)
    assert sim.queue_state(0, 0)["pending"]
    sim.inject_reset()
    vs.assert_status(sim, equals=0)
    assert not sim.queue_state(0, 0)["enabled"] and not sim.step()
    vs.assert_not_used(ring, id=head)
    assert sim.stats()["resets"] >= 2


@pytest.mark.parametrize("transport", ["pci-modern", "mmio-v2"])
def test_config_change(examples, transport):
    sim = vs.Simulation(vs.DeviceConfig("rng", transport=transport))
    rng = sim.open_rng()
    sim.inject_config_change()
    assert rng.poll() >= 1 and rng.config_changes == 1
    vs.assert_no_violations(sim)


def test_injected_needs_reset_is_seen_by_our_driver():
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-legacy"))
    rng = sim.open_rng()
    sim.inject_needs_reset()
    vs.assert_needs_reset(sim)
    assert not rng.check_status() and rng.state == "needs-reset"
    rng.recover()
    vs.assert_status(sim, has=["DRIVER_OK"], lacks=["DEVICE_NEEDS_RESET"])
    vs.assert_no_violations(sim)


def test_suppressed_interrupt(examples):
    examples.faults.suppressed_interrupt()


def test_faults_for_the_wrong_device_type_are_clear_errors():
    sim = vs.Simulation("rng")
    with pytest.raises(vs.ParameterError, match="link state: device 0 is a rng device, not net"):
        sim.inject_link_down()
    with pytest.raises(vs.ParameterError, match="rng device; backend faults exist for blk, console, net"):
        sim.inject_backend_error()


# --- time ----------------------------------------------------------------------------------------------------------

def _time_passes(mode):
    sim = vs.Simulation("rng", mode=mode)
    t0 = sim.now_ns
    sim.run(12_345)
    t1 = sim.now_ns
    got = sim.wait_for_interrupt(1000)  # nothing pending: the time-out passes
    return t1 - t0, got, sim.now_ns - t1


@pytest.mark.parametrize("mode", ["functional", "fast", "timed"])
def test_run_lets_simulated_time_pass(mode):
    ran, got, waited = _time_passes(mode) if mode == "functional" else vs.isolated(_time_passes, mode)
    assert ran == 12_345 and not got and waited >= 1000


def test_rate_limited_requests_complete_when_time_passes():
    sim = vs.Simulation(vs.DeviceConfig("rng", rate_limit=1_000_000, rate_burst=10), manual=False)
    t, ring = hand_made(sim)
    a = ring.add_chain([(sim.alloc(10), 10, True)])
    b = ring.add_chain([(sim.alloc(10), 10, True)])
    t.notify(0)
    vs.assert_used(ring, id=a, length=10)
    vs.assert_not_used(ring, id=b)
    sim.run(20_000)  # 1 byte per microsecond
    vs.assert_used(ring, id=b, length=10)
    vs.assert_no_violations(sim)


# --- other device types (the generic driver; typed operations are bound when their drivers land) --------------------

@pytest.mark.parametrize("type_name", ["blk", "net", "console", "input"])
@pytest.mark.parametrize("transport", ["pci-modern", "mmio-v2"])
def test_generic_driver_initialises_every_device_type(type_name, transport):
    require_device(type_name)
    sim = vs.Simulation(vs.DeviceConfig(type_name, transport=transport))
    drv = sim.open(0)
    assert drv.live, drv.failure
    assert drv.device_type == vs.DEVICE_ID[type_name]
    assert sim.device()["num_queues"] == drv.num_queues >= 1
    vs.assert_status(sim, has=["DRIVER_OK"])
    vs.assert_no_violations(sim)


def test_blk_write_then_read_by_hand():
    require_device("blk")
    sim = vs.Simulation(vs.DeviceConfig("blk", transport="pci-modern", size=1 << 20))
    drv = sim.open(0)
    q = drv.queue(0)
    hdr, data, status = sim.alloc(16), sim.alloc(512, 512), sim.alloc(1)
    payload = bytes(range(256)) * 2
    # virtio-blk request: header {type, reserved, sector}, data, one status byte (0 = OK)
    sim.memory.write(hdr, (1).to_bytes(4, "little") + bytes(4) + (3).to_bytes(8, "little"))  # OUT, sector 3
    sim.memory.write(data, payload)
    q.add([(hdr, 16, False), (data, 512, False), (status, 1, True)], cookie=1)
    q.kick()
    vs.assert_used(q, cookie=1)
    assert sim.memory.read_u8(status) == 0
    sim.memory.write(data, bytes(512))
    sim.memory.write(hdr, (0).to_bytes(4, "little") + bytes(4) + (3).to_bytes(8, "little"))  # IN, sector 3
    q.add([(hdr, 16, False), (data, 512, True), (status, 1, True)], cookie=2)
    q.kick()
    vs.assert_used(q, cookie=2, length=513)
    assert sim.memory.read(data, 512) == payload and sim.memory.read_u8(status) == 0
    vs.assert_no_violations(sim)


def test_typed_operations_without_a_bound_driver_raise_not_implemented():
    for type_name, call in [("blk", lambda d: d.read_sectors(0, 1)), ("net", lambda d: d.send(b"x" * 60)),
                            ("console", lambda d: d.write(b"hi")), ("input", lambda d: d.events())]:
        if not vs.device_implemented(type_name):
            continue
        sim = vs.Simulation(vs.DeviceConfig(type_name))
        drv = sim.open(0, typed=False)  # the generic driver under the typed class
        assert not drv.bound and drv.live
        with pytest.raises(NotImplementedError, match="opened with typed=False"):
            call(drv)
        assert drv.poll() >= 0  # the generic operations still work


# --- observation ---------------------------------------------------------------------------------------------------

def test_statistics_state_and_trace():
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-modern"), trace=True)
    rng = sim.open_rng(ring_packed=False)
    rng.read(4096 * 2)
    st = sim.stats()
    assert st["chains_done"] == 2 and st["queues"][0]["requests"] == 2
    assert st["dma"]["bytes"]["buffer_write"] == 8192
    assert st["queues"][0]["latency_max_ps"] >= st["queues"][0]["latency_min_ps"] > 0
    info = sim.device()
    assert info["driver_ok"] and info["negotiated_features"] == rng.features
    assert "DRIVER_OK" in info["status_names"]
    qs = sim.queue_state(0, 0)
    assert qs["enabled"] and qs["size"] == rng.queue(0).size and qs["engine"]["chains_used"] == 2
    events = sim.trace()
    kinds = {e["ev"] for e in events}
    assert {"reg", "dma", "driver_notify", "status"} <= kinds
    assert all(events[i]["t"] <= events[i + 1]["t"] for i in range(len(events) - 1) if events[i]["ev"] == "reg"
               and events[i + 1]["ev"] == "reg")
    sim.close()
    assert len(sim.trace()) >= len(events)  # still readable after close


def test_verdicts_and_violation_records():
    sim = vs.Simulation("rng")
    t = sim.transport()
    t.reset()
    t.set_status("ACKNOWLEDGE", "DRIVER")
    t.set_status("ACKNOWLEDGE")
    t.set_status("ACKNOWLEDGE", "DRIVER")
    t.set_status("ACKNOWLEDGE")
    assert sim.verdict == "fail"
    (verdict,) = sim.verdicts()
    assert verdict.clause == "drivernormative:Basic Facilities of a Virtio Device / Device Status Field#2"
    assert verdict.outcome == "fail" and verdict.count == 2 and verdict.kinds == ("status.bit_cleared",)
    v = sim.violations()[0]
    assert v.culprit == "driver" and v.device == "rng0" and v.queue == -1 and str(v) == v.text
    assert vs.clause_info(v.clause)["target"] == "driver"


def test_conformance_suite_from_python():
    rep = vs.run_conformance(filter="virtio.driver.core.*", devices=["rng"], transports=["pci-modern", "mmio-v2"])
    assert rep.tests and rep.ok, rep.unexpected
    t = rep.test("virtio.driver.core.status.driver_ok_before_features_ok", "rng/pci-modern/default")
    assert t.outcome == "pass" and t.clauses[0].endswith("Device Initialization#1")
    assert sum(rep.counts().values()) == len(rep.tests)


def test_several_devices_on_one_platform():
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-modern"), vs.DeviceConfig("rng", transport="mmio-v1"),
                        vs.DeviceConfig("rng", transport="pci-legacy", name="slow", rate_limit=100), seed=5)
    assert [d["name"] for d in sim] == ["rng0", "rng1", "slow"]
    a, b = sim.open_rng(0), sim.open_rng("rng1")
    assert a.read(32) == splitmix_bytes(5, 32) and b.read(32) == splitmix_bytes(6, 32)
    assert sim.found("slow").kind == "pci-legacy"
    vs.assert_no_violations(sim)
