"""The four user stories (python/examples), each asserting the exact clause the strict device reports, across
transports, and in the SystemC modes (each SystemC run in a fresh child process)."""
import pytest
from conftest import ALL_TRANSPORTS, MODERN, require_device

INIT_ORDER = "drivernormative:General Initialization And Device Operation / Device Initialization#1"
DESC_TABLE = "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1"
KEEPS_GOING = "drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4"
READ_ONLY = ("drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / "
             "Common configuration structure layout#1")


def clauses(sim):
    return sorted(sim.clauses_reported())


# --- a driver that sets DRIVER_OK before FEATURES_OK ---------------------------------------------------------------

@pytest.mark.parametrize("transport", MODERN)
def test_driver_ok_before_features_ok(examples, transport):
    sim = examples.driver_ok_before_features_ok.skip_features_ok("functional", transport)
    assert clauses(sim) == [INIT_ORDER]
    assert examples.driver_ok_before_features_ok.INIT_ORDER == INIT_ORDER


@pytest.mark.parametrize("mode", ["fast", "timed"])
def test_driver_ok_before_features_ok_systemc(examples, mode):
    story = examples.driver_ok_before_features_ok.driver_ok_before_features_ok
    res = story.check(mode)
    assert res.clauses == [INIT_ORDER]


def test_legacy_recipe_is_fine_on_a_legacy_device(examples):
    examples.driver_ok_before_features_ok.legacy_recipe_is_fine_on_a_legacy_device()


# --- a driver that makes one buffer available twice ----------------------------------------------------------------

@pytest.mark.parametrize("transport", ALL_TRANSPORTS)
def test_buffer_available_twice(examples, transport):
    sim = examples.buffer_available_twice.available_twice("functional", transport)
    assert clauses(sim) == [DESC_TABLE]


@pytest.mark.parametrize("mode", ["fast", "timed"])
def test_buffer_available_twice_systemc(examples, mode):
    res = examples.buffer_available_twice.buffer_available_twice.check(mode)
    assert res.clauses == [DESC_TABLE]


# --- a driver that ignores DEVICE_NEEDS_RESET ----------------------------------------------------------------------

@pytest.mark.parametrize("transport", ALL_TRANSPORTS)
def test_ignores_needs_reset(examples, transport):
    sim = examples.ignores_needs_reset.ignore_needs_reset("functional", transport)
    assert clauses(sim) == [KEEPS_GOING]


@pytest.mark.parametrize("mode", ["fast", "timed"])
def test_ignores_needs_reset_systemc(examples, mode):
    res = examples.ignores_needs_reset.ignores_needs_reset.check(mode)
    assert res.clauses == [KEEPS_GOING]


def test_builtin_driver_recovers_from_needs_reset(examples):
    examples.ignores_needs_reset.builtin_driver_recovers()


# --- a legacy net driver whose transmit queue is set up wrong ------------------------------------------------------

@pytest.mark.parametrize("mode", ["functional", "fast", "timed"])
def test_legacy_net_tx_queue_set_up_wrong(examples, mode):
    require_device("net")
    story = examples.legacy_net_tx_queue.legacy_net_tx_queue_size_written
    if mode == "functional":
        sim = examples.legacy_net_tx_queue.misconfigured_tx(mode)
        assert clauses(sim) == [READ_ONLY]
        v = sim.violations()[0]
        assert v.kind == "legacy.write_read_only" and v.device == "net0"
    else:
        assert story.check(mode).clauses == [READ_ONLY]
