"""Build a platform, drive it, observe it: ``Simulation`` and ``DeviceConfig``.

A Simulation is one machine: guest RAM, a PCI host bridge (ECAM) and virtio-mmio slots, the devices of its
``DeviceConfig`` list on their transports, and a CPU. Three modes, same functional results:

* ``"functional"`` (default): plain C++, no SystemC. Build as many as you like in one process.
* ``"fast"`` / ``"timed"``: the SystemC/TLM platform (temporally decoupled, or synchronised at every access with a
  thread per device). SystemC elaborates once per process, so build these inside ``virtio_sim.isolated(...)`` or a
  ``@virtio_sim.scenario`` (each run gets a fresh process); a second one in the same process raises
  ``SimulationError`` saying so.

Everything the simulation owns is released by ``close()`` (or at the end of a ``with`` block); using the
simulation or any handle of it afterwards raises ``ClosedError``.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Set, Tuple, Union

from . import params as _params
from ._ext import ext
from .driver import Driver, RngDriver, Transport, driver_class_for


def typed_drivers() -> List[str]:
    """Device types whose typed C++ driver is bound in this build (their high-level operations work)."""
    return list(ext.typed_drivers())

SimulationError = ext.SimulationError
ClosedError = ext.ClosedError
ParameterError = ext.ParameterError
SplitRing = ext.SplitRing
PackedRing = ext.PackedRing

#: Device status bits by name (ACKNOWLEDGE, DRIVER, DRIVER_OK, FEATURES_OK, SUSPEND, DEVICE_NEEDS_RESET, FAILED).
STATUS: Dict[str, int] = dict(ext.status_bits())
#: Reserved feature bit numbers by name (VERSION_1, RING_PACKED, EVENT_IDX, ...).
FEATURE: Dict[str, int] = dict(ext.feature_bits())
#: Ring flag values by name (DESC_F_NEXT, DESC_F_WRITE, DESC_F_INDIRECT, AVAIL_F_NO_INTERRUPT, ...).
RING: Dict[str, int] = dict(ext.ring_flags())
#: Register offsets by transport: REGS["pci_common"], REGS["pci_legacy"] (I/O BAR0), REGS["mmio"].
REGS: Dict[str, Dict[str, int]] = {k: dict(v) for k, v in ext.register_offsets().items()}
#: Virtio device IDs by short name.
DEVICE_ID: Dict[str, int] = dict(ext.device_ids())

DeviceRef = Union[int, str]

#: A fault count meaning "every time, until cleared" (``inject_dma_error``, ``inject_backend_error``).
UNTIL_CLEARED = -1
_FOREVER_U32 = 0xFFFFFFFF  # the C++ side's kFaultUntilCleared / kBackendErrorsUntilCleared

#: Backend faults per device type: the counts ``inject_backend_error`` takes, and what it does with none given.
_BACKEND_FAULTS: Dict[str, Tuple[Tuple[str, ...], Dict[str, int]]] = {
    "blk": (("reads", "writes"), {"writes": 1}),
    "console": (("output", "input"), {"output": 1}),
    "net": (("tx", "rx"), {"tx": 1}),
}


def _fault_count(what: str, value: Any, minimum: int = 0) -> int:
    """A fault count for the C++ side: ``UNTIL_CLEARED`` or an int in minimum..2**32-2."""
    if value == UNTIL_CLEARED and not isinstance(value, bool):
        return _FOREVER_U32
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value < _FOREVER_U32:
        raise ParameterError(f"{what}: {value!r} is not a count >= {minimum} (or UNTIL_CLEARED)")
    return value

_recorders: List[List["Simulation"]] = []  # scenario runs record the simulations they build (see runner.py)


def status_value(*bits: Union[int, str]) -> int:
    """OR of status bits given by name (``"DRIVER_OK"``) or value."""
    v = 0
    for b in bits:
        if isinstance(b, str):
            if b not in STATUS:
                raise ParameterError(_params._unknown("status bit", b, list(STATUS)))
            v |= STATUS[b]
        else:
            v |= int(b)
    return v


def status_names(value: int) -> List[str]:
    """The names of the status bits set in ``value``."""
    return [n for n, b in sorted(STATUS.items(), key=lambda kv: kv[1]) if value & b]


def feature_mask(*names: Union[int, str]) -> int:
    """A feature mask from reserved feature names (``"VERSION_1"``) and/or bit numbers."""
    v = 0
    for n in names:
        if isinstance(n, str):
            if n not in FEATURE:
                raise ParameterError(_params._unknown("feature", n, list(FEATURE)))
            v |= 1 << FEATURE[n]
        else:
            v |= 1 << int(n)
    return v


class DeviceConfig:
    """One device of a platform: its type, transport, options, personality and transport parameters.

    ``options`` (or extra keyword arguments) are the type's options, see ``params.device_type(type).options``;
    ``transport_options`` are ``params.pci_parameters()`` or ``params.mmio_parameters()`` depending on the transport;
    ``core_options`` are ``params.core_parameters()`` (e.g. ``{"suspend": False}`` to withhold VIRTIO_F_SUSPEND);
    ``personality`` is ``"default"`` or a comma-separated list from ``params.personalities()``. Every name and value
    is checked now (ParameterError with the close matches) and again by the C++ side.

    >>> DeviceConfig("rng", transport="mmio-v2", seed=7, personality="batch_used=2")
    """

    def __init__(
        self,
        type: str = "rng",
        transport: str = "pci-modern",
        *,
        name: Optional[str] = None,
        personality: str = "default",
        options: Optional[Mapping[str, Any]] = None,
        transport_options: Optional[Mapping[str, Any]] = None,
        ring_features: Optional[int] = None,
        refuse_invalid_features: bool = True,
        core_options: Optional[Mapping[str, Any]] = None,
        **more_options: Any,
    ) -> None:
        t = _params.device_type(type)
        if transport not in _params.transports():
            raise ParameterError(_params._unknown("transport", transport, _params.transports()))
        opts = dict(options or {})
        opts.update(more_options)
        _params.check_names(f"option of device type '{type}'", opts, t.options)
        self.type = type
        self.transport = transport
        self.name = name
        self.personality = _params.parse_personality(personality)
        self.options = {k: _params.option_text("option", k, v) for k, v in opts.items()}
        tparams = _params.pci_parameters() if _params.is_pci(transport) else _params.mmio_parameters()
        tops = dict(transport_options or {})
        _params.check_names(f"{'pci' if _params.is_pci(transport) else 'mmio'} transport parameter", tops, tparams)
        self.transport_options = {k: _params.option_text("transport option", k, v) for k, v in tops.items()}
        self.ring_features = ring_features
        self.refuse_invalid_features = bool(refuse_invalid_features)
        cops = dict(core_options or {})
        _params.check_names("core option", cops, _params.core_parameters())
        self.core_options = {k: _params.option_text("core option", k, v) for k, v in cops.items()}

    def _as_dict(self) -> Dict[str, Any]:
        return {
            "type": self.type,
            "transport": self.transport,
            "name": self.name,
            "personality": self.personality,
            "options": self.options,
            "transport_options": self.transport_options,
            "ring_features": self.ring_features,
            "refuse_invalid_features": self.refuse_invalid_features,
            "core_options": self.core_options,
        }

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.options.items())
        pers = "" if self.personality == "default" else f", personality={self.personality!r}"
        return f"DeviceConfig({self.type!r}, transport={self.transport!r}{extra}{pers})"


@dataclass(frozen=True)
class Violation:
    """A broken normative statement as reported by one side: the clause ID, the check's kind, a message, who broke
    it (``culprit``: "driver" when the device model saw it, "device" when our driver saw it), the queue, the device
    instance and the evidence values."""

    clause: str
    kind: str
    message: str
    culprit: str
    queue: int
    device: str
    evidence: Dict[str, int]
    seq: int
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ClauseVerdict:
    """The verdict on one clause in a run: ``fail`` with the first evidence when it was reported."""

    clause: str
    outcome: str
    count: int
    kinds: Tuple[str, ...]
    evidence: str


@dataclass(frozen=True)
class Found:
    """A device our driver stack discovered (PCI enumeration or a virtio-mmio probe)."""

    index: int
    type: int
    kind: str
    location: str
    is_pci: bool
    info: Dict[str, Any] = field(repr=False)

    @property
    def bdf(self) -> Optional[str]:
        return self.info.get("bdf")

    @property
    def mmio_base(self) -> int:
        return int(self.info.get("mmio_base", 0))

    def bar(self, i: int) -> Dict[str, Any]:
        """BAR i as the driver assigned it: present, io, is64, size, address."""
        return dict(self.info["bars"][i])


class Memory:
    """Guest RAM as the CPU sees it (direct, no bus cost). Addresses are guest-physical."""

    def __init__(self, sim: "Simulation") -> None:
        self._sim = sim

    def read(self, gpa: int, length: int) -> bytes:
        return bytes(self._sim._h.read_mem(gpa, length))

    def write(self, gpa: int, data: bytes) -> None:
        self._sim._h.write_mem(gpa, bytes(data))

    def _read_int(self, gpa: int, n: int) -> int:
        return int.from_bytes(self.read(gpa, n), "little")

    def _write_int(self, gpa: int, v: int, n: int) -> None:
        if v < 0 or v >> (8 * n):
            raise ParameterError(f"value {v:#x} does not fit in {n} byte(s)")
        self.write(gpa, v.to_bytes(n, "little"))

    def read_u8(self, gpa: int) -> int:
        return self._read_int(gpa, 1)

    def read_u16(self, gpa: int) -> int:
        return self._read_int(gpa, 2)

    def read_u32(self, gpa: int) -> int:
        return self._read_int(gpa, 4)

    def read_u64(self, gpa: int) -> int:
        return self._read_int(gpa, 8)

    def write_u8(self, gpa: int, v: int) -> None:
        self._write_int(gpa, v, 1)

    def write_u16(self, gpa: int, v: int) -> None:
        self._write_int(gpa, v, 2)

    def write_u32(self, gpa: int, v: int) -> None:
        self._write_int(gpa, v, 4)

    def write_u64(self, gpa: int, v: int) -> None:
        self._write_int(gpa, v, 8)

    def alloc(self, length: int, align: int = 16) -> int:
        """Zeroed guest memory from the allocator our drivers use too (so nothing overlaps)."""
        return int(self._sim._h.alloc(length, align))


class Simulation:
    """One simulated platform. See the module documentation for the modes.

    ``devices``: DeviceConfig objects (or type names). ``timing``: {name: value} from
    ``params.timing_parameters()``. ``layout``: {name: value} from ``params.layout_parameters()``. ``seed``: device
    i of a type with a ``seed`` option gets ``seed + i`` unless its options say otherwise. ``manual`` (functional
    mode only): devices process a notified queue only when ``step()`` / ``process_all()`` says so, which lets a
    scenario act between a notification and its processing (reset mid-flight, ...). ``trace``: True to record the
    JSON-lines transaction trace to a temporary file (or a path); ``vcd``: a path for the waveform.
    """

    def __init__(
        self,
        *devices: Union[DeviceConfig, str],
        timing: Optional[Mapping[str, float]] = None,
        layout: Optional[Mapping[str, Any]] = None,
        seed: int = 1,
        mode: str = "functional",
        manual: bool = False,
        trace: Union[bool, str] = False,
        vcd: Optional[str] = None,
    ) -> None:
        if mode not in ("functional", "fast", "timed"):
            raise ParameterError(_params._unknown("mode", mode, ["functional", "fast", "timed"]))
        if len(devices) == 1 and isinstance(devices[0], (list, tuple)):
            devices = tuple(devices[0])
        cfgs = [d if isinstance(d, DeviceConfig) else DeviceConfig(d) for d in devices]
        timing = dict(timing or {})
        _params.check_names("timing parameter", timing, _params.timing_parameters())
        for k, v in timing.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ParameterError(f"timing parameter {k!r}: {v!r} is not a number")
        lay = dict(layout or {})
        _params.check_names("layout parameter", lay, _params.layout_parameters())
        self._own_trace = False
        trace_path = ""
        if trace is True:
            fd, trace_path = tempfile.mkstemp(prefix="virtio-sim-trace-", suffix=".jsonl")
            os.close(fd)
            self._own_trace = True
        elif isinstance(trace, str):
            trace_path = trace
        self._trace_path = trace_path
        self._configs = cfgs
        self._h: Any = None
        self._summary: Optional[Dict[str, Any]] = None
        self._h = ext.Sim(
            [c._as_dict() for c in cfgs],
            {k: float(v) for k, v in timing.items()},
            {k: _params.option_text("layout parameter", k, v) for k, v in lay.items()},
            int(seed),
            mode,
            bool(manual),
            trace_path,
            vcd or "",
        )
        self.memory = Memory(self)
        if _recorders:
            _recorders[-1].append(self)

    # --- life cycle ----------------------------------------------------------------------------------------------
    def close(self) -> None:
        """Release the platform (writes the VCD, flushes the trace). Idempotent."""
        if self._h is None or self._h.closed:
            return
        self._summary = self.summary()
        self._h.close()
        if self._own_trace and self._trace_path and os.path.exists(self._trace_path):
            self._trace_lines = self._read_trace_file()
            os.unlink(self._trace_path)

    @property
    def closed(self) -> bool:
        return self._h is None or bool(self._h.closed)

    def __enter__(self) -> "Simulation":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if self._h is not None and not self._h.closed and self._own_trace and os.path.exists(self._trace_path):
                os.unlink(self._trace_path)
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"t={self.now_ns} ns"
        return f"Simulation({', '.join(repr(c) for c in self._configs)}, mode={self.mode!r}, {state})"

    # --- what it is ----------------------------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return str(self._h.mode)

    @property
    def seed(self) -> int:
        return int(self._h.seed)

    @property
    def manual(self) -> bool:
        return bool(self._h.manual)

    @property
    def dma_base(self) -> int:
        """Start of the guest RAM our drivers and ``alloc()`` take memory from (RAM's first MiB is left free)."""
        return int(self._h.dma_base)

    @property
    def dma_size(self) -> int:
        return int(self._h.dma_size)

    @property
    def configs(self) -> List[DeviceConfig]:
        return list(self._configs)

    @property
    def num_devices(self) -> int:
        return int(self._h.num_devices)

    def timing(self) -> Dict[str, float]:
        """The timing parameters in effect (defaults plus what was set)."""
        return dict(self._h.timing())

    def device_index(self, device: DeviceRef) -> int:
        """Board index of a device given by index or instance name ("rng0")."""
        if isinstance(device, int):
            if not 0 <= device < self.num_devices:
                raise ParameterError(f"device {device}: the platform has {self.num_devices} device(s)")
            return device
        names = [self._h.device_info(i)["name"] for i in range(self.num_devices)]
        if device not in names:
            raise ParameterError(_params._unknown("device", device, names))
        return names.index(device)

    def device(self, device: DeviceRef = 0) -> Dict[str, Any]:
        """The device as the model sees it now: name, type, transport, status (+ needs_reset, driver_ok), legacy,
        offered / driver / negotiated features, config generation and size, number of queues."""
        d = dict(self._h.device_info(self.device_index(device)))
        d["status_names"] = status_names(d["status"])
        return d

    def status(self, device: DeviceRef = 0) -> int:
        """The device status byte as the device holds it."""
        return int(self._h.device_info(self.device_index(device))["status"])

    def queue_state(self, device: DeviceRef = 0, queue: int = 0) -> Dict[str, Any]:
        """Device-side state of a virtqueue: sizes, ring addresses, enabled, pending work, and (once enabled) its
        engine: packed, broken, in_flight and counters."""
        return dict(self._h.queue_state(self.device_index(device), queue))

    def device_config(self, device: DeviceRef = 0, offset: int = 0, length: Optional[int] = None) -> bytes:
        """The device-specific configuration space as the device holds it (host view, no side effects)."""
        i = self.device_index(device)
        if length is None:
            length = int(self._h.device_info(i)["config_size"]) - offset
        return bytes(self._h.device_config(i, offset, length))

    def stats(self, device: DeviceRef = 0) -> Dict[str, Any]:
        """Per-device statistics: notifications both ways, chains done, resets, interrupts, DMA transactions and
        bytes by kind, and per queue: DMA, requests, used interrupts, latency (ps)."""
        return dict(self._h.stats(self.device_index(device)))

    # --- time and the CPU ----------------------------------------------------------------------------------------
    @property
    def now_ps(self) -> int:
        return int(self._h.now_ps())

    @property
    def now_ns(self) -> int:
        return self.now_ps // 1000

    def run(self, ns: int) -> None:
        """Let ``ns`` of simulated time pass (device threads run in timed mode; rate-limited work is released)."""
        if ns < 0:
            raise ParameterError("run(ns): ns must be >= 0")
        self._h.run(int(ns))

    def wait_for_interrupt(self, timeout_ns: int) -> bool:
        """Let time pass until an interrupt reaches the CPU (True) or the time-out (False)."""
        return bool(self._h.wait_for_interrupt(int(timeout_ns)))

    def step(self) -> bool:
        """Manual processing: the device handles one chain of the first queue with pending work. False when idle."""
        return bool(self._h.step())

    def process_all(self) -> int:
        """Manual processing: step() until nothing is pending; returns the number of chains handled."""
        return int(self._h.process_all())

    def read(self, addr: int, width: int = 4, space: str = "mem") -> int:
        """A CPU register read (space "mem", "io" or "config"); costs its latency like any access."""
        return int(self._h.read(addr, width, space))

    def write(self, addr: int, value: int, width: int = 4, space: str = "mem") -> None:
        """A CPU register write."""
        self._h.write(addr, value, width, space)

    def interrupt_lines(self) -> int:
        """Interrupt lines asserted now (bit i = line i)."""
        return int(self._h.interrupt_lines())

    def pop_msi(self) -> List[int]:
        """MSI/MSI-X data words that arrived (taking them: a driver polling later will not see them)."""
        return list(self._h.pop_msi())

    # --- guest memory and rings ----------------------------------------------------------------------------------
    def alloc(self, length: int, align: int = 16) -> int:
        """Zeroed guest memory from the DMA allocator (shared with our drivers)."""
        return self.memory.alloc(length, align)

    def split_ring(self, size: int, legacy_align: int = 0) -> "ext.SplitRing":
        """A zeroed split ring of ``size`` entries (modern layout, or the legacy contiguous layout with
        ``legacy_align``, e.g. 4096), to fill by hand, malformed included."""
        return self._h.split_ring(size, legacy_align)

    def packed_ring(self, size: int) -> "ext.PackedRing":
        """A zeroed packed ring of ``size`` descriptors with its two event suppression structures."""
        return self._h.packed_ring(size)

    def unreachable_address(self, length: int = 4096) -> int:
        """A guest-physical address that nothing decodes (above RAM and every window): a raw tool to hand a device
        an address outside guest memory. To make a device's DMA fail on real buffers use ``inject_dma_error``."""
        return int(self._h.unreachable_address(length))

    # --- our driver stack ----------------------------------------------------------------------------------------
    def discover(self, again: bool = False) -> List[Found]:
        """Enumerate PCI and probe the virtio-mmio slots (once; ``again=True`` re-enumerates)."""
        out = []
        for d in self._h.discover(again):
            out.append(Found(d["index"], d["type"], d["kind"], d["location"], d["is_pci"], dict(d)))
        return out

    def found(self, device: DeviceRef = 0) -> Found:
        """The discovery record of a board device."""
        k = int(self._h.found_index_of(self.device_index(device)))
        return self.discover()[k]

    def open(self, device: DeviceRef = 0, typed: bool = True, **options: Any) -> Driver:
        """Our built-in driver on a device (discovery, transport, initialisation sequence). The type-specific class
        is returned when there is one (RngDriver, BlkDriver, NetDriver, ConsoleDriver, InputDriver), running the
        typed C++ driver when it is bound (``typed_drivers()``); ``typed=False`` runs only the generic driver
        (its state and ``failure`` say why a device did not come up). ``options``: ``params.driver_options()``
        (e.g. ``ring_packed=False``, ``force_legacy=True``, ``initialize=False``)."""
        _params.check_names("driver option", options, _params.driver_options())
        idx = self.device_index(device)
        k = int(self._h.found_index_of(idx))
        type_name = self._configs[idx].type
        cls = driver_class_for(type_name)
        text = {n: _params.option_text("driver option", n, v) for n, v in options.items()}
        kind = type_name if (type_name == "rng" or (typed and type_name in ext.typed_drivers())) else ""
        h = self._h.open(k, text, kind)
        return cls(self, h, idx)

    def open_rng(self, device: DeviceRef = 0, **options: Any) -> RngDriver:
        """Our entropy driver on an rng device."""
        drv = self.open(device, **options)
        if not isinstance(drv, RngDriver):
            raise ParameterError(f"device {device!r} is a {self._configs[self.device_index(device)].type} device")
        return drv

    def transport(self, device: DeviceRef = 0, force_legacy: bool = False) -> Transport:
        """Register-level access to a device through our transport layer, without any initialisation: build a
        driver by hand, in the right order or not."""
        idx = self.device_index(device)
        k = int(self._h.found_index_of(idx))
        return Transport(self, self._h.transport(k, force_legacy), idx)

    # --- faults --------------------------------------------------------------------------------------------------
    def inject_reset(self, device: DeviceRef = 0) -> None:
        """Host-side reset of the device core while it may be working (the status becomes 0, queues and
        in-flight requests are forgotten). The transport's own registers are not touched."""
        self._h.inject_reset(self.device_index(device))

    def inject_config_change(self, device: DeviceRef = 0) -> None:
        """The device changes its configuration: new generation and, after DRIVER_OK, a configuration change
        notification."""
        self._h.inject_config_change(self.device_index(device))

    def inject_needs_reset(self, device: DeviceRef = 0) -> None:
        """The device enters DEVICE_NEEDS_RESET (and notifies the driver after DRIVER_OK)."""
        self._h.inject_needs_reset(self.device_index(device))

    def inject_dma_error(self, gpa: int, length: int = 1, *, device: DeviceRef = 0,
                         count: int = 1) -> None:
        """Make the device's DMA fail: its next ``count`` accesses (``UNTIL_CLEARED``: all of them until
        ``clear_dma_errors``) that touch guest memory [gpa, gpa+length) fail as if the memory were not there. The
        CPU's (our driver's) view of the memory is not affected. What the device does then is what the spec asks
        of a device in an error state: it sets DEVICE_NEEDS_RESET (with a configuration change notification after
        DRIVER_OK) and completes nothing more. A failure that hits the device's check of a buffer it was just
        given is also reported as that buffer being outside guest memory (``drivernormative:Reserved Feature
        Bits#5``): the device cannot tell the two apart. ``dma_errors()`` shows what failed."""
        if isinstance(gpa, bool) or not isinstance(gpa, int) or gpa < 0:
            raise ParameterError(f"inject_dma_error: gpa {gpa!r} is not an address")
        if isinstance(length, bool) or not isinstance(length, int) or length <= 0:
            raise ParameterError(f"inject_dma_error: length {length!r} must be > 0")
        self._h.inject_dma_error(self.device_index(device), gpa, length, _fault_count("inject_dma_error: count",
                                                                                      count, minimum=1))

    def clear_dma_errors(self, device: DeviceRef = 0) -> None:
        """Disarm every DMA error window of the device (what already failed stays failed)."""
        self._h.clear_dma_errors(self.device_index(device))

    def dma_errors(self, device: DeviceRef = 0) -> Dict[str, Any]:
        """The device's DMA error windows: "armed" (gpa, length, hits, remaining: None = until cleared), "failed"
        (accesses failed so far) and "log" (each failed access: gpa, length, write, kind, window_gpa,
        window_length)."""
        return dict(self._h.dma_errors(self.device_index(device)))

    def inject_link_down(self, device: DeviceRef = 0) -> None:
        """Take a net device's link down (the device updates its status and tells a driver that negotiated
        VIRTIO_NET_F_STATUS with a configuration change)."""
        self._h.host_set_link(self.device_index(device), False)

    def inject_link_up(self, device: DeviceRef = 0) -> None:
        """Bring a net device's link back up."""
        self._h.host_set_link(self.device_index(device), True)

    def inject_backend_error(self, device: DeviceRef = 0, *, port: int = 0, **counts: int) -> None:
        """Make a device's host-side backend fail; each count is a number of failures (``UNTIL_CLEARED``: all until
        ``clear_backend_errors``); with none given, one failure of the first kind below.

        * blk ``writes=`` / ``reads=``: the backing store fails the next writes / reads like a medium error; the
          requests complete with VIRTIO_BLK_S_IOERR (the driver's call returns "ioerr").
        * console ``output=`` / ``input=`` (on ``port``): the port's backend refuses guest output / fails to hand
          over host input. Nothing is lost or reordered: the transmit buffer stays with the device until the
          backend takes its bytes (the driver's write() waits, or returns 0 at its time-out), the receive buffer
          stays empty until the input can be read; both are retried whenever the device runs.
        * net ``tx=`` / ``rx=``: the backend loses the next frames the guest sends (the buffer is still used, the
          frame never reaches the wire) / the next frames arriving for the guest (``Host.send_frame`` returns
          False); counted in ``Host.stats()`` as tx_dropped_backend / rx_dropped_backend.
        """
        idx = self.device_index(device)
        type_name = self._configs[idx].type
        if type_name not in _BACKEND_FAULTS:
            raise ParameterError(f"inject_backend_error: device {device!r} is a {type_name} device; backend faults "
                                 f"exist for {', '.join(_BACKEND_FAULTS)}")
        names, default = _BACKEND_FAULTS[type_name]
        for name in counts:
            if name not in names:
                raise ParameterError(_params._unknown(f"{type_name} backend fault", name, list(names)))
        if port != 0 and type_name != "console":
            raise ParameterError(f"inject_backend_error: port= is for console devices, not {type_name}")
        given = {n: _fault_count(f"inject_backend_error: {n}", v) for n, v in (counts or default).items()}
        a, b = (given.get(n, 0) for n in names)
        if type_name == "blk":
            self._h.host_blk_store_errors(idx, a, b)  # reads, writes
        elif type_name == "console":
            self._h.host_console_backend_errors(idx, port, a, b)
        else:
            self._h.host_net_backend_errors(idx, a, b)

    def clear_backend_errors(self, device: DeviceRef = 0, *, port: int = 0) -> None:
        """The backend works again (console: what waited goes out now)."""
        idx = self.device_index(device)
        type_name = self._configs[idx].type
        if type_name not in _BACKEND_FAULTS:
            raise ParameterError(f"clear_backend_errors: device {device!r} is a {type_name} device")
        if type_name == "blk":
            self._h.host_blk_store_errors(idx, 0, 0)
        elif type_name == "console":
            self._h.host_console_backend_errors(idx, port, 0, 0)
        else:
            self._h.host_net_backend_errors(idx, 0, 0)

    def host(self, device: DeviceRef = 0) -> "Host":
        """The world outside the guest, for one device: frames on the wire, console input and output, input
        events."""
        return Host(self, self.device_index(device))

    # --- observation ---------------------------------------------------------------------------------------------
    def violations(self, side: str = "device") -> List[Violation]:
        """Violations in report order. ``side``: "device" (what the strict device model saw the driver break),
        "driver" (what our driver stack saw the device break) or "all"."""
        if side not in ("device", "driver", "all"):
            raise ParameterError(_params._unknown("side", side, ["device", "driver", "all"]))
        rows: List[Dict[str, Any]] = []
        if side in ("device", "all"):
            rows += list(self._h.violations())
        if side in ("driver", "all"):
            rows += list(self._h.driver_violations())
        return [Violation(**{**r, "evidence": dict(r["evidence"])}) for r in rows]

    def clauses_reported(self, side: str = "device") -> Set[str]:
        """The set of clause IDs reported so far."""
        return {v.clause for v in self.violations(side)}

    def clear_violations(self) -> None:
        """Forget the violations reported so far (both sides), e.g. after a deliberate setup step."""
        self._h.clear_violations()

    def verdicts(self, side: str = "all") -> List[ClauseVerdict]:
        """One verdict per clause reported in this run: outcome "fail", how often, by which checks, and the first
        evidence. A clause that was never reported passed."""
        by: Dict[str, List[Violation]] = {}
        for v in self.violations(side):
            by.setdefault(v.clause, []).append(v)
        return [
            ClauseVerdict(c, "fail", len(vs), tuple(sorted({v.kind for v in vs})), vs[0].text) for c, vs in by.items()
        ]

    @property
    def verdict(self) -> str:
        """"pass" when neither side reported anything, else "fail"."""
        return "pass" if not self.violations("all") else "fail"

    def trace(self) -> List[Dict[str, Any]]:
        """The transaction trace so far (``trace=True`` or a path): one dict per event with "t" (ps), "ev" (reg,
        dma, driver_notify, used_irq, config_irq, status, violation, ...), "dev" and the event's fields."""
        if not self._trace_path:
            raise SimulationError("this simulation records no trace: build it with Simulation(..., trace=True)")
        if self.closed:
            return list(getattr(self, "_trace_lines", None) or self._read_trace_file())
        self._h.flush_trace()
        return self._read_trace_file()

    def _read_trace_file(self) -> List[Dict[str, Any]]:
        if not os.path.exists(self._trace_path):
            return []
        with open(self._trace_path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def summary(self) -> Dict[str, Any]:
        """What a scenario run reports about this simulation (plain data)."""
        if self.closed and self._summary is not None:
            return self._summary
        return {
            "mode": self.mode,
            "devices": [repr(c) for c in self._configs],
            "now_ns": self.now_ns,
            "violations": [v.__dict__ for v in self.violations("all")],
        }

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        for i in range(self.num_devices):
            yield self.device(i)


class Host:
    """The host side of one device (its backend), as the world outside the guest sees and drives it."""

    def __init__(self, sim: Simulation, device: int) -> None:
        self._sim = sim
        self.device = device

    # net
    def send_frame(self, frame: bytes) -> bool:
        """A frame arrives on a net device's link, towards the guest (False when dropped: link down, filtered, lost
        by a failing backend — see ``stats()``)."""
        return bool(self._sim._h.host_net_inject(self.device, bytes(frame)))

    def frames_sent(self) -> List[bytes]:
        """The frames the guest sent through a net device since the last call (taken)."""
        return [bytes(f) for f in self._sim._h.host_net_sent(self.device)]

    @property
    def link_up(self) -> bool:
        return bool(self._sim._h.host_link_up(self.device))

    def stats(self) -> Dict[str, Any]:
        """The device model's own counters (net: frames and every drop reason; console: bytes, control messages,
        backend errors and per port the buffers held)."""
        type_name = self._sim._configs[self.device].type
        if type_name == "net":
            return dict(self._sim._h.host_net_stats(self.device))
        if type_name == "console":
            return dict(self._sim._h.host_console_stats(self.device))
        raise ParameterError(f"Host.stats: device {self.device} is a {type_name} device (net and console have "
                             "host-side statistics; every device has Simulation.stats())")

    # console
    def console_output(self, port: int = 0) -> bytes:
        """What the guest wrote to a console port (capture backend) since the last call (taken)."""
        return bytes(self._sim._h.host_console_output(self.device, port))

    def console_input(self, data: bytes, port: int = 0) -> int:
        """Type into a console port (capture backend); returns the bytes accepted."""
        return int(self._sim._h.host_console_input(self.device, bytes(data), port))

    # input
    def input_event(self, type: int, code: int, value: int) -> None:
        """Stage one input event; an EV_SYN / SYN_REPORT (0, 0, 0) completes the update and delivers it."""
        self._sim._h.host_input_event(self.device, type, code, value)

    def key(self, code: int, down: bool) -> None:
        """A key press or release as one update (EV_KEY, then SYN_REPORT)."""
        self.input_event(1, code, 1 if down else 0)
        self.input_event(0, 0, 0)
