"""The assertion helpers every scenario uses, so that they all read the same way.

Eight verbs, no more:

* ``assert_clause(sim, clause, ...)``        the device model reported this exact clause ID
* ``assert_no_violations(sim)``              nothing was reported (by either side)
* ``assert_status(sim, device, has=, lacks=, equals=)``   the device status, by bit names
* ``assert_needs_reset(sim, device)``        the device set DEVICE_NEEDS_RESET
* ``assert_used(ring_or_queue, id=, length=, cookie=)``   a used buffer came back (as expected)
* ``assert_not_used(ring, id=)``             no used buffer (or not this one) came back
* ``assert_notification(sim, device, queue=, since=)``    the device sent a used-buffer notification
* ``assert_no_notification(sim, device, queue=, since=)`` it sent none

Each raises AssertionError with what was seen instead, and returns what it found (a Violation, a used element,
...) so that a scenario can look further.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from ._ext import ext
from .simulation import STATUS, Simulation, Violation, status_names, status_value

ParameterError = ext.ParameterError
DeviceRef = Union[int, str]


def _seen(sim: Simulation, side: str = "all") -> str:
    vs = sim.violations(side)
    if not vs:
        return "nothing was reported"
    shown = "\n  ".join(v.text for v in vs[:8])
    more = f"\n  ... and {len(vs) - 8} more" if len(vs) > 8 else ""
    return f"reported ({len(vs)}):\n  {shown}{more}"


def assert_clause(
    sim: Simulation,
    clause: str,
    *,
    kind: Optional[str] = None,
    device: Optional[DeviceRef] = None,
    queue: Optional[int] = None,
    count: Optional[int] = None,
    only: bool = False,
    side: str = "device",
) -> Violation:
    """Assert that ``clause`` (a full catalogue ID, e.g.
    ``"drivernormative:General Initialization And Device Operation / Device Initialization#1"``) was reported, and
    return the first matching violation. ``kind`` / ``device`` / ``queue`` narrow the match; ``count`` demands an
    exact number of reports; ``only`` demands that nothing else was reported. ``side="driver"`` looks at what our
    driver saw the device do instead. A clause ID the catalogue does not hold is a ParameterError (a typo would
    otherwise make a scenario vacuous)."""
    if not ext.is_valid_clause(clause):
        raise ParameterError(f"assert_clause: {clause!r} is not a clause ID of the catalogue ({ext.spec_version()})")
    dev_name = None if device is None else sim.device(device)["name"]
    all_v = sim.violations(side)
    hits = [
        v
        for v in all_v
        if v.clause == clause
        and (kind is None or v.kind == kind)
        and (dev_name is None or v.device == dev_name)
        and (queue is None or v.queue == queue)
    ]
    what = clause + (f" ({kind})" if kind else "")
    if not hits:
        raise AssertionError(f"expected {what} to be reported; {_seen(sim, side)}")
    if count is not None and len(hits) != count:
        raise AssertionError(f"expected {what} {count} time(s), it was reported {len(hits)} time(s); {_seen(sim, side)}")
    if only:
        others = [v for v in all_v if v.clause != clause]
        if others:
            raise AssertionError(f"expected only {what}, but also: " + "; ".join(v.text for v in others[:5]))
    return hits[0]


def assert_no_violations(sim: Simulation, side: str = "all") -> None:
    """Assert that nothing was reported (``side``: "device", "driver" or "all")."""
    vs = sim.violations(side)
    if vs:
        raise AssertionError(f"expected no violations; {_seen(sim, side)}")


def assert_status(
    sim: Simulation,
    device: DeviceRef = 0,
    *,
    has: Iterable[str] = (),
    lacks: Iterable[str] = (),
    equals: Optional[Union[int, Iterable[str]]] = None,
) -> int:
    """Assert on the device status byte as the device holds it: bits it ``has``, bits it ``lacks`` (names from
    ``STATUS``), or the exact value (``equals``: an int or names). Returns the status."""
    st = sim.status(device)
    shown = f"status {st:#04x} [{' | '.join(status_names(st)) or '0'}]"
    for b in has:
        if not st & status_value(b):
            raise AssertionError(f"expected {b} set, {shown}")
    for b in lacks:
        if st & status_value(b):
            raise AssertionError(f"expected {b} clear, {shown}")
    if equals is not None:
        want = equals if isinstance(equals, int) else status_value(*equals)
        if st != want:
            raise AssertionError(f"expected status {want:#04x} [{' | '.join(status_names(want)) or '0'}], {shown}")
    return st


def assert_needs_reset(sim: Simulation, device: DeviceRef = 0) -> int:
    """Assert that the device set DEVICE_NEEDS_RESET."""
    return assert_status(sim, device, has=("DEVICE_NEEDS_RESET",))


def _used_entries(ring: Any) -> List[Tuple[int, int]]:
    if isinstance(ring, ext.SplitRing):
        n = ring.used_idx()
        return [ring.used_elem(i % ring.size) for i in range(max(0, n - ring.size), n)]
    if isinstance(ring, ext.PackedRing):
        out = []
        for slot in range(ring.size):
            addr, length, bid, flags = ring.read_desc(slot)
            avail = bool(flags & ext.ring_flags()["PACKED_DESC_F_AVAIL"])
            used = bool(flags & ext.ring_flags()["PACKED_DESC_F_USED"])
            if flags and avail == used:  # the used pattern for either wrap counter value
                out.append((bid, length))
        return out
    raise ParameterError(f"expected a SplitRing, PackedRing or DriverQueue, got {type(ring).__name__}")


def assert_used(
    target: Any, *, id: Optional[int] = None, length: Optional[int] = None, cookie: Optional[int] = None
) -> Tuple[int, int]:
    """Assert that a used buffer came back, and return it.

    On a raw ring (SplitRing / PackedRing): looks at the used ring (nothing is consumed); ``id`` is the head / buffer
    id, ``length`` the bytes the device reports written. Returns (id, length). On one of our driver's queues
    (DriverQueue): reclaims the next used buffer and checks its ``cookie`` and ``length``. Returns (cookie, length).
    """
    from .driver import DriverQueue

    if isinstance(target, DriverQueue):
        got = target.get_used()
        if got is None:
            raise AssertionError(f"expected a used buffer on queue {target.index}, none came back "
                                 f"({target.in_flight} in flight, broken={target.broken})")
        if cookie is not None and got[0] != cookie:
            raise AssertionError(f"expected the used buffer with cookie {cookie}, got cookie {got[0]}")
        if length is not None and got[1] != length:
            raise AssertionError(f"expected {length} bytes written, the device reported {got[1]}")
        return got
    entries = _used_entries(target)
    if not entries:
        raise AssertionError("expected a used buffer, the used ring is empty")
    match = [e for e in entries if (id is None or e[0] == id) and (length is None or e[1] == length)]
    if not match:
        raise AssertionError(f"expected a used buffer with id={id} length={length}; used ring holds {entries}")
    return match[-1]


def assert_not_used(target: Any, *, id: Optional[int] = None) -> None:
    """Assert that no used buffer came back (or, with ``id``, not that one)."""
    from .driver import DriverQueue

    if isinstance(target, DriverQueue):
        if target.has_used():
            raise AssertionError(f"expected no used buffer on queue {target.index}, one is pending")
        return
    entries = _used_entries(target)
    bad = [e for e in entries if id is None or e[0] == id]
    if bad:
        raise AssertionError(f"expected no used buffer{'' if id is None else f' with id {id}'}; used ring holds {entries}")


def _irq_count(stats: Dict[str, Any], queue: Optional[int]) -> int:
    if queue is None:
        return sum(int(q["used_interrupts"]) for q in stats["queues"])
    return int(stats["queues"][queue]["used_interrupts"])


def assert_notification(
    sim: Simulation, device: DeviceRef = 0, queue: Optional[int] = None, since: Optional[Dict[str, Any]] = None
) -> int:
    """Assert that the device sent at least one used buffer notification (on ``queue``, or any), counting from the
    ``since`` snapshot (``sim.stats(device)``) when given. Returns how many."""
    n = _irq_count(sim.stats(device), queue) - (_irq_count(since, queue) if since else 0)
    if n <= 0:
        where = "any queue" if queue is None else f"queue {queue}"
        raise AssertionError(f"expected a used buffer notification on {where}, the device sent none")
    return n


def assert_no_notification(
    sim: Simulation, device: DeviceRef = 0, queue: Optional[int] = None, since: Optional[Dict[str, Any]] = None
) -> None:
    """Assert that the device sent no used buffer notification (on ``queue``, or any) since the ``since``
    snapshot (``sim.stats(device)``), or at all."""
    n = _irq_count(sim.stats(device), queue) - (_irq_count(since, queue) if since else 0)
    if n > 0:
        where = "any queue" if queue is None else f"queue {queue}"
        raise AssertionError(f"expected no used buffer notification on {where}, the device sent {n}")


__all__ = [
    "assert_clause",
    "assert_no_violations",
    "assert_status",
    "assert_needs_reset",
    "assert_used",
    "assert_not_used",
    "assert_notification",
    "assert_no_notification",
    "STATUS",
]
