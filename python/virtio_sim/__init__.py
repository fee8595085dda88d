"""virtio-sim from Python: build a platform, make a driver do something (right or wrong), and assert what the
device did and which clauses of the virtio 1.4 specification were broken.

Quick tour::

    import virtio_sim as vs

    sim = vs.Simulation(vs.DeviceConfig("rng", transport="mmio-v2"), seed=7)
    rng = sim.open_rng()                 # our built-in driver: discovery, init sequence, one queue
    assert len(rng.read(64)) == 64
    vs.assert_no_violations(sim)

    t = sim.transport()                  # raw register access, no policy
    t.reset()
    t.set_status("ACKNOWLEDGE")
    t.set_status("ACKNOWLEDGE", "DRIVER")
    t.set_status("ACKNOWLEDGE", "DRIVER", "DRIVER_OK")   # skipped FEATURES_OK
    vs.assert_clause(sim, "drivernormative:General Initialization And Device Operation / Device Initialization#1")

Parameters (timing, layout, device options, transport parameters, personalities, driver options) come from the
C++ tables: see ``virtio_sim.params`` or ``python -m virtio_sim params``. Fast and timed (SystemC) simulations run
once per process: use ``isolated(...)`` or ``@scenario``.
"""
from __future__ import annotations

from . import params
from ._ext import ext as _ext
from .asserts import (
    assert_clause,
    assert_needs_reset,
    assert_no_notification,
    assert_no_violations,
    assert_not_used,
    assert_notification,
    assert_status,
    assert_used,
)
from .conformance import ConformanceReport, run_conformance
from .driver import (
    BlkDriver,
    ConsoleDriver,
    Driver,
    DriverQueue,
    InputDriver,
    NetDriver,
    RngDriver,
    Transport,
)
from .params import device_implemented, device_types, personalities, timing_parameters, transports
from .runner import Scenario, ScenarioError, ScenarioResult, Skip, isolated, run_file, scenario
from .simulation import (
    DEVICE_ID,
    FEATURE,
    REGS,
    RING,
    STATUS,
    UNTIL_CLEARED,
    ClauseVerdict,
    DeviceConfig,
    Found,
    Host,
    Simulation,
    Violation,
    feature_mask,
    status_names,
    status_value,
    typed_drivers,
)

SimulationError = _ext.SimulationError
ClosedError = _ext.ClosedError
ParameterError = _ext.ParameterError
SplitRing = _ext.SplitRing
PackedRing = _ext.PackedRing

__version__ = "0.1.0"


def spec_version() -> str:
    """The virtio specification version the clause catalogue was generated from."""
    return str(_ext.spec_version())


def is_valid_clause(clause: str) -> bool:
    """True when ``clause`` is a statement ID of the catalogue."""
    return bool(_ext.is_valid_clause(clause))


def clause_info(clause: str) -> dict:
    """Catalogue data of a clause ID (block, keyword, strength, target, section); ParameterError if unknown."""
    info = _ext.clause_info(clause)
    if info is None:
        raise ParameterError(f"{clause!r} is not a clause ID of the catalogue ({spec_version()})")
    return dict(info)


__all__ = [
    "Simulation", "DeviceConfig", "Driver", "RngDriver", "BlkDriver", "NetDriver", "ConsoleDriver", "InputDriver",
    "DriverQueue", "Transport", "SplitRing", "PackedRing", "Violation", "ClauseVerdict", "Found", "Host",
    "STATUS", "FEATURE", "RING", "REGS", "DEVICE_ID", "UNTIL_CLEARED", "status_value", "status_names", "feature_mask",
    "assert_clause", "assert_no_violations", "assert_status", "assert_needs_reset", "assert_used", "assert_not_used",
    "assert_notification", "assert_no_notification",
    "typed_drivers", "scenario", "Scenario", "ScenarioResult", "ScenarioError", "Skip", "isolated", "run_file",
    "run_conformance", "ConformanceReport",
    "params", "device_types", "device_implemented", "timing_parameters", "personalities", "transports",
    "SimulationError", "ClosedError", "ParameterError", "spec_version", "is_valid_clause", "clause_info",
]
