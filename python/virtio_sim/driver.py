"""Drive a device: our built-in driver (generic and per device type) and the raw transport.

``Driver`` is our generic virtio driver (``drv::Device``): the initialisation sequence in the spec's order, queues,
kicks, interrupt handling, DEVICE_NEEDS_RESET detection and recovery. Device types add their high-level operations
in subclasses, each running our C++ driver for that type: ``RngDriver`` (read), ``BlkDriver`` (sector I/O, flush,
get-id, lifetime, discard, write zeroes, secure erase, writeback), ``NetDriver`` (send, receive, link state, every
control-queue command), ``ConsoleDriver`` (port I/O, multiport handshake, emergency write, recovery) and
``InputDriver`` (events, status events, configuration queries). ``Simulation.open(device, typed=False)`` gives the
class with only the generic driver behind it (``bound`` is False and the typed operations raise
NotImplementedError saying so); the generic operations work on every type.

``Transport`` is the register level under it with no policy at all: status writes, feature words, queue setup,
notifications, configuration accesses, in whatever order a scenario wants, right or wrong.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Tuple, Type, Union

from ._ext import ext

if TYPE_CHECKING:  # pragma: no cover
    from .simulation import Simulation

SimulationError = ext.SimulationError
ParameterError = ext.ParameterError

#: One buffer element: (guest address, length, device-writable).
BufSpec = Tuple[int, int, bool]

_ADD_NO_SPACE, _ADD_INVALID, _ADD_BROKEN = -1, -2, -3


def _bufs(bufs: Iterable[Sequence[Any]]) -> List[BufSpec]:
    out: List[BufSpec] = []
    for b in bufs:
        if len(b) == 2:
            out.append((int(b[0]), int(b[1]), False))
        elif len(b) == 3:
            out.append((int(b[0]), int(b[1]), bool(b[2])))
        else:
            raise ParameterError(f"buffer {b!r}: expected (addr, length) or (addr, length, writable)")
    return out


class DriverQueue:
    """One virtqueue of our driver: make buffers available, notify, reclaim used buffers."""

    def __init__(self, driver: "Driver", handle: Any) -> None:
        self._driver = driver
        self._h = handle

    def add(self, bufs: Iterable[Sequence[Any]], cookie: int = 0, indirect: bool = False) -> int:
        """Make one buffer available: ``bufs`` are (addr, length[, writable]) with the device-readable ones first.
        Returns the head descriptor (split) or buffer id (packed). Raises SimulationError when the queue is full or
        broken, ParameterError when the request itself is invalid."""
        r = int(self._h.add(_bufs(bufs), cookie, indirect))
        if r == _ADD_NO_SPACE:
            raise SimulationError(f"queue {self.index}: no free descriptors (reclaim used buffers first)")
        if r == _ADD_INVALID:
            raise ParameterError(
                f"queue {self.index}: invalid buffer (empty, writable before readable, too long, or INDIRECT "
                "without VIRTIO_F_INDIRECT_DESC)"
            )
        if r == _ADD_BROKEN:
            raise SimulationError(
                f"queue {self.index} is broken: the device broke a rule our driver checks "
                "(Simulation.violations('driver')), or the queue is not set up"
            )
        return r

    def kick(self) -> bool:
        """Notify the device if it wants a notification (never before DRIVER_OK). True when one was sent."""
        return bool(self._h.kick())

    def get_used(self) -> Optional[Tuple[int, int]]:
        """Reclaim one used buffer: (cookie, bytes written), or None."""
        r = self._h.get_used()
        return None if r is None else (int(r[0]), int(r[1]))

    def has_used(self) -> bool:
        """True when a used buffer is waiting (nothing is consumed)."""
        return bool(self._h.has_used())

    def disable_interrupts(self) -> None:
        """Ask the device not to send used buffer notifications (best effort)."""
        self._h.disable_interrupts()

    def enable_interrupts(self) -> bool:
        """Ask for used buffer notifications again; True when used buffers are already pending."""
        return bool(self._h.enable_interrupts())

    @property
    def index(self) -> int:
        return int(self._h.index)

    @property
    def size(self) -> int:
        return int(self._h.size)

    @property
    def free_count(self) -> int:
        return int(self._h.free_count)

    @property
    def in_flight(self) -> int:
        return int(self._h.in_flight)

    @property
    def broken(self) -> bool:
        return bool(self._h.broken)

    @property
    def packed(self) -> bool:
        return bool(self._h.packed)

    @property
    def layout(self) -> Dict[str, int]:
        """Where the rings are: size, desc, driver, device."""
        return dict(self._h.layout)

    def ring(self) -> Any:
        """A raw view (SplitRing / PackedRing) of this queue's own rings, to inspect or corrupt them by hand."""
        lay = self.layout
        sim = self._driver.sim._h
        if self.packed:
            return sim.packed_ring_at(lay["size"], lay["desc"], lay["driver"], lay["device"])
        return sim.split_ring_at(lay["size"], lay["desc"], lay["driver"], lay["device"])

    def __repr__(self) -> str:
        return f"DriverQueue({self.index}, size={self.size}, in_flight={self.in_flight}, broken={self.broken})"


class Driver:
    """Our generic virtio driver on one device (any type)."""

    #: Device type name this class drives (None: any).
    device_type_name: Optional[str] = None

    def __init__(self, sim: "Simulation", handle: Any, device: int) -> None:
        self.sim = sim
        self._h = handle
        self.device = device

    # state
    @property
    def state(self) -> str:
        """"uninitialized", "live", "failed", "needs-reset" or "suspended"."""
        return str(self._h.state)

    @property
    def live(self) -> bool:
        return bool(self._h.live)

    @property
    def failure(self) -> str:
        """Why initialisation failed (empty when it did not)."""
        return str(self._h.failure)

    @property
    def legacy(self) -> bool:
        return bool(self._h.legacy)

    @property
    def features(self) -> int:
        """The negotiated feature bits."""
        return int(self._h.features)

    @property
    def offered_features(self) -> int:
        return int(self._h.offered_features)

    @property
    def status(self) -> int:
        """The status byte as the driver last wrote it."""
        return int(self._h.driver_status)

    @property
    def num_queues(self) -> int:
        return int(self._h.num_queues)

    @property
    def device_type(self) -> int:
        """The virtio device ID (DEVICE_ID["rng"] == 4, ...)."""
        return int(self._h.device_type)

    @property
    def location(self) -> str:
        return str(self._h.location)

    @property
    def transport_kind(self) -> str:
        return str(self._h.transport_kind)

    @property
    def config_changes(self) -> int:
        """Configuration change notifications handled."""
        return int(self._h.config_changes)

    # operations
    def init(self) -> bool:
        """Run the initialisation sequence (again). True when the device is live."""
        return bool(self._h.init())

    def recover(self) -> List[Tuple[int, int]]:
        """Reset and re-initialise (after DEVICE_NEEDS_RESET or a failure). Returns the (queue, cookie) of every
        buffer that was still outstanding and is dropped. Raises SimulationError when the device does not come
        back."""
        ok, dropped = self._h.recover()
        if not ok:
            raise SimulationError(f"recover(): the device did not come back ({self.failure or self.state})")
        return [(int(q), int(c)) for q, c in dropped]

    def shutdown(self) -> None:
        """Reset the device; the driver is uninitialised afterwards."""
        self._h.shutdown()

    def kick(self, queue: int = 0) -> bool:
        """Notify the device about ``queue`` if it wants a notification; True when one was sent."""
        return bool(self._h.kick(queue))

    def poll(self) -> int:
        """Handle pending interrupts (configuration changes, used buffers); returns how many events."""
        return int(self._h.poll())

    def check_status(self) -> bool:
        """Read the device status; False once the device needs a reset (found even without a notification)."""
        return bool(self._h.check_status())

    def reset_queue(self, queue: int) -> bool:
        """VIRTIO_F_RING_RESET: reset one queue and set it up again."""
        return bool(self._h.reset_queue(queue))

    def suspend(self) -> bool:
        """VIRTIO_F_SUSPEND: set SUSPEND and wait until the status shows the device suspended (state
        ``suspended``: nothing is submitted, notified or written to the configuration meanwhile). False when the
        feature was not negotiated, the device is not live, it set DEVICE_NEEDS_RESET or did not suspend in time."""
        return bool(self._h.suspend())

    def resume(self) -> bool:
        """VIRTIO_F_SUSPEND: set DRIVER_OK again and wait until the status shows the device running (state
        ``live``). False when the device was not suspended, set DEVICE_NEEDS_RESET or did not resume in time."""
        return bool(self._h.resume())

    def read_config(self, offset: int, length: int) -> bytes:
        """Device-specific configuration as one consistent snapshot (generation loop)."""
        return bytes(self._h.read_config(offset, length))

    def write_config(self, offset: int, data: bytes) -> None:
        """Write device-specific configuration bytes (natural-width accesses)."""
        self._h.write_config(offset, bytes(data))

    def queue(self, index: int = 0) -> DriverQueue:
        """One of the queues the driver set up."""
        return DriverQueue(self, self._h.queue(index))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location}, state={self.state!r})"


class RngDriver(Driver):
    """The entropy device (virtio id 4): one request queue of device-writable buffers."""

    device_type_name = "rng"

    def read(self, length: int, timeout_ns: int = 1_000_000_000) -> bytes:
        """Up to ``length`` random bytes within ``timeout_ns`` of simulated time (fewer on a time-out or when the
        device stops)."""
        return bytes(self._h.rng_read(length, timeout_ns))

    @property
    def requests(self) -> int:
        return int(self._h.rng_requests)


def _unbound(driver: str, op: str) -> NotImplementedError:
    return NotImplementedError(
        f"{driver}.{op}: this {driver[:-6].lower()} device was opened with typed=False, so only the generic driver "
        "runs behind it (or this build of the module has no C++ driver for the type: see typed_drivers()). Open it "
        "with Simulation.open(device) for the typed operations, or use the generic ones (queue(), kick(), "
        "read_config()) and Simulation.transport() to build requests by hand."
    )


class _Typed(Driver):
    @property
    def bound(self) -> bool:
        """True when the typed C++ driver runs behind this object (its high-level operations work)."""
        return str(self._h.typed) == self.device_type_name

    def _need(self, op: str) -> Any:
        if not self.bound:
            raise _unbound(type(self).__name__, op)
        return self._h


class BlkDriver(_Typed):
    """Block device (virtio id 2): synchronous sector I/O through our block driver."""

    device_type_name = "blk"
    SECTOR = 512

    @staticmethod
    def _check(what: str, status: str, check: bool) -> str:
        if check and status != "ok":
            raise SimulationError(f"{what}: the request ended with status {status!r}")
        return status

    def read_sectors(self, sector: int, count: int, check: bool = True, queue: int = -1) -> bytes:
        """``count`` sectors from ``sector``. Raises SimulationError unless the device answered OK (``check=False``
        returns whatever was read; see ``last_status``). ``queue``: a request queue, -1 = round robin."""
        status, data = self._need("read_sectors").blk_read(sector, count * self.SECTOR, queue)
        self.last_status = self._check(f"read of {count} sector(s) at {sector}", status, check)
        return bytes(data)

    def write_sectors(self, sector: int, data: bytes, check: bool = True, queue: int = -1) -> str:
        """Write whole sectors at ``sector``; returns the status ("ok", "ioerr", "unsupp", "rejected", ...)."""
        if len(data) % self.SECTOR:
            raise ParameterError(f"write_sectors: {len(data)} bytes is not a whole number of 512-byte sectors")
        status = self._need("write_sectors").blk_write(sector, bytes(data), queue)
        self.last_status = self._check(f"write of {len(data) // self.SECTOR} sector(s) at {sector}", status, check)
        return self.last_status

    def flush(self, check: bool = True, queue: int = -1) -> str:
        """Make completed writes durable (FLUSH when negotiated); returns the status."""
        self.last_status = self._check("flush", self._need("flush").blk_flush(queue), check)
        return self.last_status

    def get_id(self, queue: int = -1) -> str:
        """The device ID string (GET_ID)."""
        status, ident = self._need("get_id").blk_get_id(queue)
        self._check("get-id", status, True)
        return str(ident)

    def get_lifetime(self, queue: int = -1) -> Dict[str, int]:
        """GET_LIFETIME (VIRTIO_BLK_F_LIFETIME): pre_eol_info, lifetime_a, lifetime_b."""
        status, lifetime = self._need("get_lifetime").blk_get_lifetime(queue)
        self._check("get-lifetime", status, True)
        return dict(lifetime)

    @staticmethod
    def _ranges(ranges: Iterable[Sequence[Any]]) -> List[Tuple[int, int, bool]]:
        out: List[Tuple[int, int, bool]] = []
        for r in ranges:
            if len(r) not in (2, 3):
                raise ParameterError(f"range {r!r}: expected (sector, sectors) or (sector, sectors, unmap)")
            out.append((int(r[0]), int(r[1]), bool(r[2]) if len(r) == 3 else False))
        return out

    def discard(self, ranges: Iterable[Sequence[Any]], check: bool = True, queue: int = -1) -> str:
        """DISCARD (sector, sectors) ranges, split to the device's limits; returns the status."""
        status = self._need("discard").blk_discard(self._ranges(ranges), queue)
        self.last_status = self._check("discard", status, check)
        return self.last_status

    def write_zeroes(self, ranges: Iterable[Sequence[Any]], check: bool = True, queue: int = -1) -> str:
        """WRITE_ZEROES (sector, sectors[, unmap]) ranges; returns the status."""
        status = self._need("write_zeroes").blk_write_zeroes(self._ranges(ranges), queue)
        self.last_status = self._check("write-zeroes", status, check)
        return self.last_status

    def secure_erase(self, ranges: Iterable[Sequence[Any]], check: bool = True, queue: int = -1) -> str:
        """SECURE_ERASE (sector, sectors) ranges; returns the status."""
        status = self._need("secure_erase").blk_secure_erase(self._ranges(ranges), queue)
        self.last_status = self._check("secure-erase", status, check)
        return self.last_status

    def zone_report(self, sector: int = 0, max_zones: int = 64, check: bool = True, queue: int = -1) -> List[Dict[str, int]]:
        """ZONE_REPORT from the zone holding `sector` (zoned disks): a list of {cap, start, wp, type, state}."""
        status, zones = self._need("zone_report").blk_zone_report(sector, max_zones, queue)
        self.last_status = self._check("zone-report", status, check)
        return list(zones)

    def zone_op(self, op: str, zone_start: int = 0, check: bool = True, queue: int = -1) -> str:
        """Zone management: op is open, close, finish, reset (zone_start = the zone's first sector) or reset_all."""
        status = self._need("zone_op").blk_zone_op(op, zone_start, queue)
        self.last_status = self._check("zone-" + op, status, check)
        return self.last_status

    def zone_append(self, zone_start: int, data: bytes, check: bool = True, queue: int = -1) -> int:
        """ZONE_APPEND to the zone starting at zone_start; returns the sector the device wrote the data to."""
        status, at = self._need("zone_append").blk_zone_append(zone_start, data, queue)
        self.last_status = self._check("zone-append", status, check)
        return int(at)

    def set_writeback(self, on: bool) -> bool:
        """VIRTIO_BLK_F_CONFIG_WCE: switch the cache mode (writeback / writethrough); False when not negotiated or
        the device did not take it."""
        return bool(self._need("set_writeback").blk_set_writeback(on))

    @property
    def writeback(self) -> bool:
        """The writeback field as the device shows it now."""
        return bool(self._need("writeback").blk_writeback_enabled())

    def refresh_config(self) -> Dict[str, int]:
        """Read the configuration again (e.g. after a configuration change) and return it."""
        if not self._need("refresh_config").blk_refresh_config():
            raise SimulationError("refresh_config: no consistent configuration snapshot could be read")
        return self.config

    @property
    def config(self) -> Dict[str, int]:
        """virtio_blk_config as the driver read it (fields of features not offered are 0)."""
        return dict(self._need("config").blk_config)

    @property
    def request_queues(self) -> int:
        """Request queues in use (multiqueue when offered)."""
        return int(self._need("request_queues").blk_num_queues)

    @property
    def max_request_bytes(self) -> int:
        """Largest data size one request carries; larger I/O is split."""
        return int(self._need("max_request_bytes").blk_max_request_bytes)

    @property
    def stats(self) -> Dict[str, int]:
        """requests, bytes_read, bytes_written, flushes, errors."""
        return dict(self._need("stats").blk_stats)

    @property
    def capacity(self) -> int:
        """Capacity in 512-byte sectors."""
        return int(self._need("capacity").blk_capacity)

    @property
    def read_only(self) -> bool:
        return bool(self._need("read_only").blk_read_only)


class NetDriver(_Typed):
    """Network device (virtio id 1): frames in and out through our net driver."""

    device_type_name = "net"

    def send(self, frame: bytes, timeout_ns: int = 1_000_000_000, pair: int = 0) -> bool:
        """Send one Ethernet frame (no FCS) on queue pair ``pair``; False when the driver refused it or no slot
        freed up in time."""
        return bool(self._need("send").net_send(bytes(frame), timeout_ns, pair))

    def receive(self, timeout_ns: int = 1_000_000_000) -> Optional[bytes]:
        """The next received frame, or None after ``timeout_ns`` of simulated time."""
        r = self._need("receive").net_receive(timeout_ns)
        return None if r is None else bytes(r)

    def link_up(self) -> bool:
        """The link state from the configuration (up when VIRTIO_NET_F_STATUS is not negotiated)."""
        return bool(self._need("link_up").net_link_up())

    @property
    def mac(self) -> bytes:
        return bytes(self._need("mac").net_mac)

    def set_promisc(self, on: bool) -> str:
        """Control queue: promiscuous mode; the command's status ("ok", "err", "not_negotiated", ...)."""
        return str(self._need("set_promisc").net_set_promisc(on))

    # Control-queue commands below return the command's status like set_promisc.
    def set_all_multi(self, on: bool) -> str:
        """Control queue: receive every multicast frame."""
        return str(self._need("set_all_multi").net_set_all_multi(on))

    def set_rx_mode(self, command: int, on: bool) -> str:
        """VIRTIO_NET_CTRL_RX command number (0 PROMISC, 1 ALLMULTI, 2 ALLUNI, 3 NOMULTI, 4 NOUNI, 5 NOBCAST)."""
        return str(self._need("set_rx_mode").net_set_rx_mode(command, on))

    def set_mac_table(self, unicast: Sequence[bytes], multicast: Sequence[bytes]) -> str:
        """Control queue: MAC_TABLE_SET with these unicast and multicast addresses (6 bytes each)."""
        return str(self._need("set_mac_table").net_set_mac_table([bytes(m) for m in unicast],
                                                                 [bytes(m) for m in multicast]))

    def set_mac_address(self, mac: bytes) -> str:
        """Control queue: MAC_ADDR_SET (the device's configuration shows the new address)."""
        return str(self._need("set_mac_address").net_set_mac_address(bytes(mac)))

    def vlan_add(self, vid: int) -> str:
        """Control queue: accept VLAN ``vid``."""
        return str(self._need("vlan_add").net_vlan_add(vid))

    def vlan_del(self, vid: int) -> str:
        """Control queue: stop accepting VLAN ``vid``."""
        return str(self._need("vlan_del").net_vlan_del(vid))

    def announce_ack(self) -> str:
        """Control queue: ANNOUNCE_ACK (our driver sends it by itself after a gratuitous announcement)."""
        return str(self._need("announce_ack").net_announce_ack())

    def set_queue_pairs(self, pairs: int) -> str:
        """VQ_PAIRS_SET (multiqueue)."""
        return str(self._need("set_queue_pairs").net_set_queue_pairs(pairs))

    def set_guest_offloads(self, offloads: int) -> str:
        """Control queue: GUEST_OFFLOADS_SET with this feature-bit mask."""
        return str(self._need("set_guest_offloads").net_set_guest_offloads(offloads))

    def raw_command(self, cls: int, cmd: int, parts: Sequence[bytes] = ()) -> Tuple[str, int]:
        """Any control command without the driver's feature checks: (status, ack byte)."""
        status, ack = self._need("raw_command").net_raw_command(cls, cmd, [bytes(p) for p in parts])
        return str(status), int(ack)

    def poll(self) -> int:
        """Take interrupts and used buffers, refill receive buffers; the frames waiting in receive(). (The generic
        driver's poll() when opened with typed=False.)"""
        if not self.bound:
            return super().poll()
        return int(self._h.net_poll())

    def refresh_config(self) -> Dict[str, Any]:
        """Read the configuration again and return it."""
        if not self._need("refresh_config").net_refresh_config():
            raise SimulationError("refresh_config: no consistent configuration snapshot could be read")
        return self.config

    @property
    def config(self) -> Dict[str, Any]:
        """mac, status, max_virtqueue_pairs, mtu, speed, duplex as last read."""
        return dict(self._need("config").net_config)

    @property
    def queue_pairs(self) -> int:
        """Queue pairs set up."""
        return int(self._need("queue_pairs").net_queue_pairs)

    @property
    def active_pairs(self) -> int:
        """Queue pairs in use (VQ_PAIRS_SET)."""
        return int(self._need("active_pairs").net_active_pairs)

    @property
    def max_frame(self) -> int:
        """Longest frame send() takes."""
        return int(self._need("max_frame").net_max_frame)

    @property
    def mergeable(self) -> bool:
        """VIRTIO_NET_F_MRG_RXBUF negotiated."""
        return bool(self._need("mergeable").net_mergeable)

    @property
    def stats(self) -> Dict[str, int]:
        """The driver's counters: frames/bytes sent and received, merged frames, rx_dropped, announces, config
        changes."""
        return dict(self._need("stats").net_stats)


class ConsoleDriver(_Typed):
    """Console device (virtio id 3): port I/O through our console driver."""

    device_type_name = "console"

    def write(self, data: bytes, port: int = 0, timeout_ns: int = 1_000_000_000) -> int:
        """Bytes written to ``port`` (the device's backend takes them)."""
        return int(self._need("write").console_write(port, bytes(data), timeout_ns))

    def read(self, length: int, port: int = 0, timeout_ns: int = 1_000_000_000) -> bytes:
        """Up to ``length`` bytes the device sent on ``port``, waiting up to ``timeout_ns``."""
        return bytes(self._need("read").console_read(port, length, timeout_ns))

    @property
    def ports(self) -> List[int]:
        """Ready ports, ascending."""
        return list(self._need("ports").console_ports)

    @property
    def multiport(self) -> bool:
        """VIRTIO_CONSOLE_F_MULTIPORT negotiated."""
        return bool(self._need("multiport").console_multiport)

    @property
    def max_ports(self) -> int:
        """max_nr_ports (1 without multiport)."""
        return int(self._need("max_ports").console_max_ports)

    def port(self, port: int) -> Optional[Dict[str, Any]]:
        """What the driver knows about a port (ready, console, host_open, guest_open, name, cols, rows), or None."""
        r = self._need("port").console_port(port)
        return None if r is None else dict(r)

    def service(self) -> int:
        """Process what the device sent (interrupts, control messages, received data) without waiting."""
        return int(self._need("service").console_service())

    def wait_for_ports(self, count: int, timeout_ns: int = 1_000_000_000) -> bool:
        """Multiport: wait until ``count`` ports are ready."""
        return bool(self._need("wait_for_ports").console_wait_for_ports(count, timeout_ns))

    def set_open(self, port: int, open: bool) -> bool:
        """Multiport: PORT_OPEN for a ready port."""
        return bool(self._need("set_open").console_set_open(port, open))

    def size(self) -> Optional[Tuple[int, int]]:
        """(cols, rows) of port 0 from the configuration (VIRTIO_CONSOLE_F_SIZE), or None."""
        r = self._need("size").console_size()
        return None if r is None else (int(r[0]), int(r[1]))

    def emergency_write(self, char: Union[int, bytes, str]) -> bool:
        """Write one character to emerg_wr (VIRTIO_CONSOLE_F_EMERG_WRITE); False when not offered."""
        if isinstance(char, (bytes, str)):
            if len(char) != 1:
                raise ParameterError(f"emergency_write: one character, not {char!r}")
            char = ord(char)
        return bool(self._need("emergency_write").console_emergency_write(int(char)))

    def pending(self, port: int = 0) -> int:
        """Received bytes waiting to be read."""
        return int(self._need("pending").console_pending(port))

    def recover(self) -> List[Tuple[int, int]]:
        """Reset and initialise again, then redo the handshake; received bytes not read yet are kept. (The generic
        driver's recover() when opened with typed=False.) Returns [] (the console driver reposts its buffers)."""
        if not self.bound:
            return super().recover()
        if not self._h.console_recover():
            raise SimulationError(f"recover(): the console did not come back ({self.failure or self.state})")
        return []


class InputDriver(_Typed):
    """Input device (virtio id 18): events in, LED / status events out, through our input driver."""

    device_type_name = "input"

    def events(self, max_events: int = 64, timeout_ns: int = 1_000_000_000) -> List[Tuple[int, int, int]]:
        """Events received: (type, code, value) tuples, waiting up to ``timeout_ns`` for the first."""
        return [tuple(e) for e in self._need("events").input_read_events(max_events, timeout_ns)]  # type: ignore[misc]

    def send_status(self, type: int, code: int, value: int, timeout_ns: int = 1_000_000_000) -> bool:
        """A status event to the device (e.g. an LED)."""
        return bool(self._need("send_status").input_send_status(type, code, value, timeout_ns))

    def set_led(self, code: int, on: bool) -> bool:
        """Switch an LED (EV_LED status event)."""
        return self.send_status(0x11, code, 1 if on else 0)  # EV_LED

    @property
    def name(self) -> str:
        return str(self._need("name").input_name)

    @property
    def info(self) -> Dict[str, Any]:
        """What the device said about itself at bring-up: name, serial, devids, props, ev_bits, abs."""
        return dict(self._need("info").input_info)

    def supports(self, type: int, code: int) -> bool:
        """True when the device advertises event ``type`` / ``code``."""
        return bool(self._need("supports").input_supports(type, code))

    def query(self, select: int, subsel: int) -> Optional[bytes]:
        """One configuration query (select, subsel): the answer's bytes (``size`` of them), or None."""
        r = self._need("query").input_query(select, subsel)
        return None if r is None else bytes(r)

    @property
    def stats(self) -> Dict[str, int]:
        """events_received, short_events, status_sent."""
        return dict(self._need("stats").input_stats)


_DRIVERS: Dict[str, Type[Driver]] = {
    c.device_type_name: c for c in (RngDriver, BlkDriver, NetDriver, ConsoleDriver, InputDriver) if c.device_type_name
}


def driver_class_for(type_name: str) -> Type[Driver]:
    """The driver class for a device type (the generic Driver for types without one)."""
    return _DRIVERS.get(type_name, Driver)


class Transport:
    """Register-level access to one device through our transport layer (PCI modern / legacy, MMIO v2 / v1),
    with no initialisation policy: every call is one step a driver might take, in any order."""

    def __init__(self, sim: "Simulation", handle: Any, device: int) -> None:
        self.sim = sim
        self._h = handle
        self.device = device
        #: The status byte as this transport last wrote it (what add_status() builds on).
        self.driver_status = 0

    @property
    def kind(self) -> str:
        """"pci-modern", "pci-legacy", "mmio-modern" or "mmio-legacy"."""
        return str(self._h.kind)

    @property
    def legacy(self) -> bool:
        return bool(self._h.legacy)

    @property
    def location(self) -> str:
        return str(self._h.location)

    @property
    def device_type(self) -> int:
        return int(self._h.device_type)

    @property
    def legacy_queue_align(self) -> int:
        """Non-zero on legacy transports: queues use the contiguous legacy layout with this alignment."""
        return int(self._h.legacy_queue_align)

    @property
    def queue_size_negotiable(self) -> bool:
        return bool(self._h.queue_size_negotiable)

    def status(self) -> int:
        """Read the device status register."""
        return int(self._h.status())

    def set_status(self, *bits: Union[int, str]) -> None:
        """Write the whole status byte, given as names ("ACKNOWLEDGE", "DRIVER", ...) and/or values."""
        from .simulation import status_value

        self.driver_status = status_value(*bits)
        self._h.set_status(self.driver_status)

    def add_status(self, *bits: Union[int, str]) -> None:
        """Write the status byte this transport wrote last plus ``bits``."""
        from .simulation import status_value

        self.set_status(self.driver_status, status_value(*bits))

    def reset(self, timeout_ns: int = 100_000_000) -> bool:
        """Write 0 to the status and wait until it reads back 0."""
        self.driver_status = 0
        return bool(self._h.reset(timeout_ns))

    def negotiate(self, features: Optional[int] = None) -> int:
        """The first steps of a correct initialisation: ACKNOWLEDGE, DRIVER, write ``features`` (default:
        VERSION_1 on a modern interface, nothing on a legacy one), then on a modern interface FEATURES_OK and the
        status re-read. Returns the features; SimulationError when the device refuses them."""
        from .simulation import STATUS, feature_mask

        if features is None:
            features = 0 if self.legacy else feature_mask("VERSION_1")
        self.add_status("ACKNOWLEDGE")
        self.add_status("DRIVER")
        self.device_features()
        self.write_driver_features(features)
        if not self.legacy:
            self.add_status("FEATURES_OK")
            if not self.status() & STATUS["FEATURES_OK"]:
                raise SimulationError(f"the device refused the features {features:#x} (FEATURES_OK stayed clear)")
        self.features_negotiated(features)
        return features

    def device_features(self) -> int:
        """The features the device offers (64 bits; 32 on a legacy interface)."""
        return int(self._h.device_features())

    def write_driver_features(self, features: int) -> None:
        """Write the features the driver accepts."""
        self._h.write_driver_features(features)

    def features_negotiated(self, features: int) -> None:
        """Tell the transport layer the final feature set (what the driver would do after FEATURES_OK)."""
        self._h.features_negotiated(features)

    def num_queues(self) -> int:
        """num_queues (PCI modern), or -1 where the transport has no such register."""
        return int(self._h.num_queues())

    def queue_max_size(self, queue: int) -> int:
        """Select ``queue`` and read its maximum size (0: the queue does not exist)."""
        return int(self._h.queue_max_size(queue))

    def setup_interrupts(self, num_queues: int, mode: str = "auto") -> bool:
        """MSI-X / INTx setup for ``num_queues`` queues ("auto", "msix" or "intx"; PCI only)."""
        return bool(self._h.setup_interrupts(num_queues, mode))

    def setup_queue(self, queue: int, ring: Any = None, *, size: int = 0, desc: int = 0, driver: int = 0,
                    device: int = 0) -> bool:
        """Program size and ring addresses of a queue (from a SplitRing / PackedRing, or given one by one)."""
        if ring is not None:
            size, desc, driver, device = ring.size, ring.desc, ring.driver, ring.device
        return bool(self._h.setup_queue(queue, size, desc, driver, device))

    def enable_queue(self, queue: int) -> bool:
        """Enable a queue (queue_enable / QueueReady; QUEUE_PFN on a legacy interface)."""
        return bool(self._h.enable_queue(queue))

    def reset_queue(self, queue: int, timeout_ns: int = 100_000_000) -> bool:
        """VIRTIO_F_RING_RESET: reset one queue and wait until the device confirms."""
        return bool(self._h.reset_queue(queue, timeout_ns))

    def notify(self, queue: int, value: Optional[int] = None) -> None:
        """An available buffer notification for ``queue`` carrying ``value`` (default: the queue index)."""
        self._h.notify(queue, value)

    def config_generation(self) -> int:
        """The configuration generation counter (0 where the transport has none)."""
        return int(self._h.config_generation())

    def config_read(self, offset: int, width: int) -> int:
        """One device-configuration access of ``width`` bytes (1, 2 or 4), no generation loop."""
        return int(self._h.config_read(offset, width))

    def config_write(self, offset: int, value: int, width: int) -> None:
        """One device-configuration write of ``width`` bytes."""
        self._h.config_write(offset, value, width)

    def read_config(self, offset: int, length: int) -> Optional[bytes]:
        """A consistent snapshot of the device configuration (None if none could be read)."""
        r = self._h.read_config(offset, length)
        return None if r is None else bytes(r)

    def poll_interrupts(self) -> Dict[str, Any]:
        """Consume and acknowledge pending interrupt causes: {"config", "all_queues", "queues"}."""
        return dict(self._h.poll_interrupts())

    def make_split_ring(self, queue: int, size: Optional[int] = None) -> Any:
        """A zeroed split ring laid out as this transport needs it (legacy: the contiguous layout; size: the
        device's size when it cannot be negotiated) and programmed with setup_queue(). Enable it yourself."""
        dev_max = self.queue_max_size(queue)
        if dev_max == 0:
            raise SimulationError(f"queue {queue} does not exist (its maximum size reads 0)")
        if not self.queue_size_negotiable:
            size = dev_max
        elif size is None:
            size = 1 << (min(dev_max, 256).bit_length() - 1)  # split rings: a power of two
        ring = self.sim.split_ring(size, self.legacy_queue_align)
        if not self.setup_queue(queue, ring):
            raise SimulationError(f"queue {queue}: the transport refused the ring")
        return ring

    def __repr__(self) -> str:
        return f"Transport({self.kind}, {self.location})"
