"""Scenarios: fresh simulations per run, in a child process when needed, and their verdicts.

SystemC elaborates once per process. ``isolated(fn, ...)`` runs ``fn`` in a fresh forked process and hands back its
return value (or re-raises its exception, with the child's traceback attached), so every SystemC simulation gets a
kernel of its own. A process that dies (a crash in native code) is reported as a SimulationError, never a crash of
the caller.

``@scenario`` marks a function as a user story: ``virtio-sim run FILE.py`` (or ``python -m virtio_sim run``) finds
every scenario of a file, runs each in its own process, once per mode it lists, and prints the verdicts: pass/fail,
and which clauses each run reported. Calling the decorated function directly runs it in the current process.
"""
from __future__ import annotations

import importlib.util
import inspect
import multiprocessing
import os
import pickle
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import params as _params
from . import simulation as _simulation
from ._ext import ext

SimulationError = ext.SimulationError
ParameterError = ext.ParameterError

MODES = ("functional", "fast", "timed")


class ScenarioError(Exception):
    """An exception from a scenario's process that could not be sent back as itself."""


class Skip(Exception):
    """Raise inside a scenario to skip it with a reason (e.g. a device type that is not implemented yet)."""


def _child(conn: Any, fn: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
    rec: List[_simulation.Simulation] = []
    _simulation._recorders.append(rec)  # what the child builds is closed before it exits (trace files, VCD)
    try:
        result = fn(*args, **kwargs)
        try:
            conn.send(("ok", result, ""))
        except Exception as e:  # the result cannot be pickled
            conn.send(("exc", ScenarioError(f"the scenario's result cannot be sent back: {e}"), ""))
    except BaseException as e:  # noqa: BLE001 - everything goes back to the parent
        tb = traceback.format_exc()
        try:
            pickle.loads(pickle.dumps(e))
            conn.send(("exc", e, tb))
        except Exception:
            conn.send(("exc", ScenarioError(f"{type(e).__name__}: {e}"), tb))
    finally:
        for s in rec:
            try:
                s.close()
            except Exception:  # noqa: BLE001
                pass
        conn.close()


def isolated(fn: Callable[..., Any], *args: Any, timeout: Optional[float] = None, **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` in a fresh child process (fork) and return its result (which must be picklable).
    An exception in the child is raised here again (AssertionError stays AssertionError), with the child's
    traceback as a note. ``timeout`` (seconds of wall time) ends a child that hangs. Use it for every fast/timed
    simulation: each gets its own SystemC kernel."""
    if sys.platform == "win32":  # pragma: no cover
        raise SimulationError("isolated() needs fork (Linux)")
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(send, fn, args, kwargs), daemon=True)
    p.start()
    send.close()
    try:
        if not recv.poll(timeout):
            p.kill()
            p.join()
            raise SimulationError(f"the scenario's process did not finish within {timeout} s (killed)")
        try:
            status, value, tb = recv.recv()
        except EOFError:
            p.join()
            code = p.exitcode
            how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
            raise SimulationError(f"the scenario's process ended without a result ({how})") from None
    finally:
        recv.close()
    p.join()
    if status == "ok":
        return value
    if tb and hasattr(value, "add_note"):
        value.add_note("in the scenario's process:\n" + tb.rstrip())
    raise value


@dataclass
class ScenarioResult:
    """What one run of a scenario produced (plain data, picklable)."""

    name: str
    mode: str
    outcome: str  # pass | fail | error | skip
    message: str = ""
    traceback: str = ""
    duration_s: float = 0.0
    violations: List[Dict[str, Any]] = field(default_factory=list)
    expected_clauses: List[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.outcome in ("pass", "skip")

    @property
    def clauses(self) -> List[str]:
        """Clause IDs the device model reported, in first-report order."""
        seen: List[str] = []
        for v in self.violations:
            if v["culprit"] == "driver" and v["clause"] not in seen:
                seen.append(v["clause"])
        return seen

    @property
    def device_clauses(self) -> List[str]:
        """Clause IDs our driver stack saw the device break."""
        seen: List[str] = []
        for v in self.violations:
            if v["culprit"] == "device" and v["clause"] not in seen:
                seen.append(v["clause"])
        return seen

    def raise_if_failed(self) -> "ScenarioResult":
        if self.outcome in ("fail", "error"):
            raise AssertionError(f"scenario {self.name}[{self.mode}] {self.outcome}: {self.message}\n{self.traceback}")
        return self


class Scenario:
    """A user story: a function that builds its simulation(s), drives them and asserts. See ``scenario``."""

    def __init__(self, fn: Callable[..., Any], name: str, modes: Sequence[str], expect: Sequence[str],
                 requires: Sequence[str], description: str) -> None:
        for m in modes:
            if m not in MODES:
                raise ParameterError(_params._unknown("mode", m, list(MODES)))
        for c in expect:
            if not ext.is_valid_clause(c):
                raise ParameterError(f"scenario {name}: expected clause {c!r} is not in the catalogue")
        self.fn = fn
        self.name = name
        self.modes = tuple(modes)
        self.expect = tuple(expect)
        self.requires = tuple(requires)
        self.description = description
        self._takes_mode = "mode" in inspect.signature(fn).parameters
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        self.__module__ = fn.__module__
        self.__wrapped__ = fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the story in this process (plain call)."""
        return self.fn(*args, **kwargs)

    def missing_devices(self) -> List[str]:
        """Device types this scenario needs that the model cannot build yet."""
        return [t for t in self.requires if not _params.device_implemented(t)]

    def _body(self, mode: str) -> ScenarioResult:
        """Run once (in whatever process we are in) and turn the outcome into a ScenarioResult."""
        rec: List[_simulation.Simulation] = []
        _simulation._recorders.append(rec)
        start = time.monotonic()
        res = ScenarioResult(self.name, mode, "pass", expected_clauses=list(self.expect))
        try:
            missing = self.missing_devices()
            if missing:
                raise Skip(f"device type(s) not implemented yet: {', '.join(missing)}")
            if self._takes_mode:
                self.fn(mode=mode)
            else:
                self.fn()
        except Skip as e:
            res.outcome, res.message = "skip", str(e)
        except AssertionError as e:
            res.outcome, res.message, res.traceback = "fail", str(e) or "assertion failed", traceback.format_exc()
        except Exception as e:  # noqa: BLE001
            res.outcome, res.message = "error", f"{type(e).__name__}: {e}"
            res.traceback = traceback.format_exc()
        finally:
            _simulation._recorders.remove(rec)
            for s in rec:
                try:
                    res.violations.extend(s.summary()["violations"])
                    s.close()
                except Exception:  # noqa: BLE001 - a broken simulation must not hide the verdict
                    pass
            res.duration_s = time.monotonic() - start
        return res

    def run(self, mode: Optional[str] = None, *, isolate: bool = True, timeout: Optional[float] = 600) -> ScenarioResult:
        """Run once in ``mode`` (default: the first of its modes), in a fresh process unless ``isolate=False``
        (which only works for the functional mode, or once per process for the others)."""
        mode = mode or self.modes[0]
        if mode not in MODES:
            raise ParameterError(_params._unknown("mode", mode, list(MODES)))
        if not isolate:
            return self._body(mode)
        try:
            return isolated(self._body, mode, timeout=timeout)
        except SimulationError as e:  # the child died or hung
            return ScenarioResult(self.name, mode, "error", str(e), expected_clauses=list(self.expect))

    def check(self, mode: Optional[str] = None, *, isolate: bool = True) -> ScenarioResult:
        """run(), and raise AssertionError when the run failed (for pytest)."""
        return self.run(mode, isolate=isolate).raise_if_failed()


_REGISTRY: List[Scenario] = []


def scenario(
    fn: Optional[Callable[..., Any]] = None,
    *,
    name: Optional[str] = None,
    modes: Sequence[str] = ("functional",),
    expect: Sequence[str] = (),
    requires: Sequence[str] = (),
) -> Any:
    """Mark a function as a scenario (user story).

    ``modes``: the platform modes to run it in (a function with a ``mode`` parameter receives it; build the
    Simulation with ``mode=mode``). ``expect``: the clause IDs the story is about (documentation, printed with the
    verdict; the body asserts them with ``assert_clause``). ``requires``: device types it needs; the run is skipped
    with a reason while one is not implemented. The docstring is the story's description.
    """

    def wrap(f: Callable[..., Any]) -> Scenario:
        s = Scenario(f, name or f.__name__, modes, expect, requires, inspect.getdoc(f) or "")
        _REGISTRY.append(s)
        return s

    return wrap(fn) if fn is not None else wrap


def registered() -> List[Scenario]:
    """Every scenario defined so far in this process."""
    return list(_REGISTRY)


def load_file(path: str) -> List[Scenario]:
    """Import a scenario file and return the scenarios it defines, in definition order."""
    if not os.path.isfile(path):
        raise ParameterError(f"scenario file {path!r} does not exist")
    before = len(_REGISTRY)
    mod_name = "virtio_sim_scenario_" + os.path.splitext(os.path.basename(path))[0].replace("-", "_")
    spec = importlib.util.spec_from_file_location(mod_name, path)
    if spec is None or spec.loader is None:
        raise ParameterError(f"cannot import {path!r} as Python")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.pop(0)
    return _REGISTRY[before:]


def run_file(path: str, modes: Optional[Sequence[str]] = None, name_filter: Optional[str] = None,
             isolate: bool = True) -> List[ScenarioResult]:
    """Run every scenario of a file (each mode it lists, or only ``modes``), each in its own process."""
    import fnmatch

    scenarios = load_file(path)
    if not scenarios:
        raise ParameterError(f"{path}: no scenarios (decorate story functions with @virtio_sim.scenario)")
    results = []
    for s in scenarios:
        if name_filter and not fnmatch.fnmatch(s.name, name_filter) and name_filter not in s.name:
            continue
        for m in s.modes:
            if modes and m not in modes:
                continue
            results.append(s.run(m, isolate=isolate))
    return results


def format_results(results: Sequence[ScenarioResult], verbose: bool = False) -> str:
    """The verdicts as text: one block per run, then a summary line."""
    lines: List[str] = []
    for r in results:
        lines.append(f"  {r.outcome.upper():<5} {r.name}[{r.mode}]  ({r.duration_s:.2f} s)")
        if r.outcome != "pass" and r.message:
            for ln in r.message.splitlines()[: (None if verbose else 6)]:
                lines.append(f"        {ln}")
        counts: Dict[Tuple[str, str], int] = {}
        for v in r.violations:
            key = (v["culprit"], v["clause"])
            counts[key] = counts.get(key, 0) + 1
        for (culprit, clause), n in counts.items():
            who = "driver broke" if culprit == "driver" else "device broke"
            mark = "  (expected)" if clause in r.expected_clauses else ""
            lines.append(f"        {who}: {clause} x{n}{mark}")
        for c in r.expected_clauses:
            if c not in r.clauses and c not in r.device_clauses:
                lines.append(f"        expected but not reported: {c}")
        if verbose and r.traceback:
            lines.extend("        " + ln for ln in r.traceback.rstrip().splitlines())
    by: Dict[str, int] = {}
    for r in results:
        by[r.outcome] = by.get(r.outcome, 0) + 1
    ok = all(r.passed for r in results)
    summary = ", ".join(f"{n} {o}" for o, n in sorted(by.items()))
    lines.append("")
    lines.append(f"Verdict: {'PASS' if ok else 'FAIL'} ({len(results)} run(s): {summary})")
    return "\n".join(lines)
