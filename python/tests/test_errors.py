"""Python errors are Python exceptions with useful messages: bad parameter names and values, misuse of a finished
simulation, SystemC's once-per-process rule, failed assertions, crashed child processes."""
import os

import pytest
import virtio_sim as vs


# --- bad parameter names -------------------------------------------------------------------------------------------

def test_unknown_timing_parameter_names_the_close_match():
    with pytest.raises(vs.ParameterError, match=r"unknown timing parameter 'mmio_rad_ns' \(did you mean 'mmio_read_ns'"):
        vs.Simulation("rng", timing={"mmio_rad_ns": 100})


def test_unknown_device_type_lists_the_known_ones():
    with pytest.raises(vs.ParameterError, match=r"unknown device type 'rgn' \(did you mean 'rng'.*known: .*blk"):
        vs.DeviceConfig("rgn")


def test_unknown_device_option():
    with pytest.raises(vs.ParameterError, match=r"unknown option of device type 'rng' 'sed' \(did you mean 'seed'"):
        vs.DeviceConfig("rng", sed=3)


def test_unknown_transport_and_transport_parameter():
    with pytest.raises(vs.ParameterError, match="unknown transport 'pci-modren'"):
        vs.DeviceConfig("rng", transport="pci-modren")
    with pytest.raises(vs.ParameterError, match="unknown pci transport parameter 'msi_x'.*did you mean 'msix'"):
        vs.DeviceConfig("rng", transport_options={"msi_x": False})
    with pytest.raises(vs.ParameterError, match="unknown mmio transport parameter 'msix'"):
        vs.DeviceConfig("rng", transport="mmio-v2", transport_options={"msix": False})


def test_unknown_driver_option_and_layout_parameter():
    sim = vs.Simulation("rng")
    with pytest.raises(vs.ParameterError, match="unknown driver option 'packed'.*did you mean 'ring_packed'"):
        sim.open(0, packed=True)
    with pytest.raises(vs.ParameterError, match="unknown layout parameter 'ram'"):
        vs.Simulation("rng", layout={"ram": 1 << 26})


def test_unknown_mode_status_bit_and_feature():
    with pytest.raises(vs.ParameterError, match="unknown mode 'slow'"):
        vs.Simulation("rng", mode="slow")
    with pytest.raises(vs.ParameterError, match="unknown status bit 'DRIVEROK'.*did you mean 'DRIVER_OK'"):
        vs.status_value("DRIVEROK")
    with pytest.raises(vs.ParameterError, match="unknown feature 'PACKED'"):
        vs.feature_mask("PACKED")


# --- bad values ----------------------------------------------------------------------------------------------------

def test_bad_device_option_value_comes_from_the_model():
    with pytest.raises(vs.ParameterError, match="device 'rng0': option 'queue_size'"):
        vs.Simulation(vs.DeviceConfig("rng", queue_size=0))
    with pytest.raises(vs.ParameterError, match="option 'seed'"):
        vs.Simulation(vs.DeviceConfig("rng", seed="lots"))


def test_bad_timing_value():
    with pytest.raises(vs.ParameterError, match="'service_ns'.*not a finite value"):
        vs.Simulation("rng", timing={"service_ns": -1})
    with pytest.raises(vs.ParameterError, match="not a number"):
        vs.Simulation("rng", timing={"service_ns": "fast"})


def test_bad_personality():
    with pytest.raises(vs.ParameterError, match="personality"):
        vs.DeviceConfig("rng", personality="batch_used=banana")
    with pytest.raises(vs.ParameterError, match="personality"):
        vs.DeviceConfig("rng", personality="grumpy")


def test_bad_transport_parameter_value():
    with pytest.raises(vs.ParameterError, match="pci parameter 'msix_vectors'.*outside 0..2048"):
        vs.Simulation(vs.DeviceConfig("rng", transport_options={"msix_vectors": 5000}))
    with pytest.raises(vs.ParameterError, match="is not a boolean"):
        vs.Simulation(vs.DeviceConfig("rng", transport_options={"msix": "maybe"}))


def test_bad_values_for_raw_access():
    sim = vs.Simulation("rng")
    with pytest.raises(vs.ParameterError, match="width: must be 1, 2, 4 or 8"):
        sim.read(0xD0000000, 3)
    with pytest.raises(vs.ParameterError, match="does not fit in 1 byte"):
        sim.write(0xD0000000, 0x1FF, 1)
    with pytest.raises(vs.ParameterError, match="outside guest RAM"):
        sim.memory.read(sim.unreachable_address(), 4)
    with pytest.raises(vs.ParameterError, match="space: 'port'"):
        sim.read(0x1000, 4, space="port")
    with pytest.raises(vs.ParameterError, match="device 3: the platform has 1"):
        sim.device(3)
    with pytest.raises(vs.ParameterError, match="unknown device 'net0'"):
        sim.stats("net0")
    with pytest.raises(vs.ParameterError, match="a split ring has 1..32768"):
        sim.split_ring(0)


def test_invalid_buffer_and_full_queue_are_reported_clearly():
    sim = vs.Simulation("rng")
    q = sim.open(0).queue(0)
    with pytest.raises(vs.ParameterError, match="writable before readable"):
        q.add([(sim.alloc(8), 8, True), (sim.alloc(8), 8, False)])
    with pytest.raises(vs.ParameterError, match="expected \\(addr, length\\)"):
        q.add([(1,)])


def test_device_type_that_cannot_be_built_on_a_transport():
    with pytest.raises(vs.ParameterError, match="no transitional PCI device id"):
        vs.Simulation(vs.DeviceConfig("input", transport="pci-legacy"))


# --- misuse of a finished simulation -------------------------------------------------------------------------------

def test_closed_simulation_and_its_handles_raise_closed_error():
    with vs.Simulation("rng") as sim:
        rng = sim.open_rng()
        q = rng.queue(0)
        t = sim.transport()
        ring = sim.split_ring(8)
        rng.read(8)
    assert sim.closed
    for call in (lambda: sim.run(10), lambda: sim.stats(), lambda: sim.violations(), lambda: rng.read(8),
                 lambda: q.kick(), lambda: t.status(), lambda: ring.used_idx(), lambda: sim.memory.read(0, 4),
                 lambda: sim.open_rng()):
        with pytest.raises(vs.ClosedError, match="this simulation is closed"):
            call()
    assert issubclass(vs.ClosedError, vs.SimulationError) and issubclass(vs.SimulationError, RuntimeError)
    assert issubclass(vs.ParameterError, ValueError)
    sim.close()  # idempotent


def test_step_needs_manual_mode():
    sim = vs.Simulation("rng")
    with pytest.raises(vs.SimulationError, match=r"step\(\) needs manual processing"):
        sim.step()
    with pytest.raises(vs.ParameterError, match="manual=True is for the functional mode"):
        vs.Simulation("rng", mode="timed", manual=True)


def _two_systemc_simulations():
    first = vs.Simulation("rng", mode="fast")
    first.open_rng().read(8)
    first.close()
    try:
        vs.Simulation("rng", mode="timed")
    except vs.SimulationError as e:
        return str(e)
    return "no error"


def test_second_systemc_simulation_in_one_process_is_a_clear_error():
    msg = vs.isolated(_two_systemc_simulations)
    assert "SystemC elaborates once per process" in msg and "virtio_sim.isolated" in msg
    # ... and functional simulations still work in that situation:
    assert vs.isolated(lambda: (_two_systemc_simulations(), vs.Simulation("rng").open_rng().live)[1])


# --- assertions and child processes --------------------------------------------------------------------------------

def test_assert_clause_rejects_ids_outside_the_catalogue():
    sim = vs.Simulation("rng")
    with pytest.raises(vs.ParameterError, match="not a clause ID of the catalogue"):
        vs.assert_clause(sim, "drivernormative:Device Initialisation#1")  # clause-id-check: ignore


def test_failed_assertions_say_what_was_seen():
    sim = vs.Simulation("rng")
    t = sim.transport()
    t.reset()
    t.set_status("ACKNOWLEDGE", "DRIVER")
    t.set_status("ACKNOWLEDGE")
    with pytest.raises(AssertionError, match=r"expected drivernormative:.*Device Initialization#7 to be reported; "  # clause-id-check: ignore
                                             r"reported \(1\):\n  \[.*Device Status Field#2\]"):
        vs.assert_clause(sim, "drivernormative:General Initialization And Device Operation / Device Initialization#7")
    with pytest.raises(AssertionError, match="expected no violations"):
        vs.assert_no_violations(sim)
    with pytest.raises(AssertionError, match=r"expected DEVICE_NEEDS_RESET set, status 0x03 \[ACKNOWLEDGE \| DRIVER\]"):
        vs.assert_needs_reset(sim)
    ring = sim.split_ring(4)
    with pytest.raises(AssertionError, match="the used ring is empty"):
        vs.assert_used(ring)
    with pytest.raises(AssertionError, match="expected a used buffer notification"):
        vs.assert_notification(sim)


def _fails():
    sim = vs.Simulation("rng", mode="timed")
    vs.assert_needs_reset(sim)


def test_isolated_reraises_the_childs_assertion_with_its_traceback():
    with pytest.raises(AssertionError, match="expected DEVICE_NEEDS_RESET set") as info:
        vs.isolated(_fails)
    assert any("in the scenario's process" in n for n in getattr(info.value, "__notes__", []))


def test_a_crashing_child_is_an_error_not_a_crash():
    with pytest.raises(vs.SimulationError, match="ended without a result \\(signal SIGKILL\\)"):
        vs.isolated(lambda: os.kill(os.getpid(), 9))
    with pytest.raises(vs.SimulationError, match="did not finish within"):
        vs.isolated(lambda: __import__("time").sleep(30), timeout=0.5)


def test_scenario_results_and_skips():
    @vs.scenario(name="needs_a_toaster", requires=["rng"], expect=[
        "drivernormative:General Initialization And Device Operation / Device Initialization#1"])
    def story(mode="functional"):
        sim = vs.Simulation("rng", mode=mode)
        t = sim.transport()
        t.reset()
        t.set_status("ACKNOWLEDGE", "DRIVER", "DRIVER_OK")

    res = story.run("timed")
    assert res.outcome == "pass" and res.clauses == [
        "drivernormative:General Initialization And Device Operation / Device Initialization#1"]

    @vs.scenario
    def skipped():
        raise vs.Skip("not today")

    assert skipped.run(isolate=False).outcome == "skip"
    with pytest.raises(vs.ParameterError, match="not in the catalogue"):
        vs.scenario(expect=["drivernormative:Nothing#1"])(lambda: None)  # clause-id-check: ignore
