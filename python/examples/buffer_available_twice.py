"""Story: a driver that makes one buffer available twice.

An entropy driver with a short time-out: when a request does not come back quickly (the device is rate limited,
so it holds the request until it has budget), the driver "retries" by putting the same descriptor chain in the
available ring again, although the device still owns it. Two owners of one buffer is the kind of bug that
corrupts memory on real hardware only once in a while; the strict device reports it the first time, with the
chain's head and the ring positions as evidence, and stops the queue (DEVICE_NEEDS_RESET).

    virtio-sim run python/examples/buffer_available_twice.py
"""
import virtio_sim as vs

# The spec has no sentence of its own for a chain made available twice; the nearest statement it necessarily breaks
# (descriptor table ownership) is cited, as model/README.md documents for split.head_in_flight.
DESC_TABLE = "drivernormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Descriptor Table#1"


def available_twice(mode: str = "functional", transport: str = "pci-modern") -> vs.Simulation:
    # 1 byte per simulated second, 1 byte of burst: the first request gets its byte, the next one is held.
    sim = vs.Simulation(vs.DeviceConfig("rng", transport=transport, rate_limit=1, rate_burst=1), mode=mode)
    t = sim.transport()
    assert t.reset()
    t.negotiate()
    ring = t.make_split_ring(0)
    assert t.enable_queue(0)
    t.add_status("DRIVER_OK")

    first, second = sim.alloc(16), sim.alloc(16)
    head0 = ring.add_chain([(first, 16, True)])
    t.notify(0)
    vs.assert_used(ring, id=head0, length=1)  # the budget allowed one byte

    head1 = ring.add_chain([(second, 16, True)])
    t.notify(0)
    vs.assert_not_used(ring, id=head1)  # held by the device: it owns the buffer now
    assert sim.queue_state(0, 0)["engine"]["in_flight"] == 1

    # The driver's "retry": the same head once more in the available ring.
    slot = ring.avail_cursor
    ring.set_avail_ring(slot % ring.size, head1)
    ring.set_avail_idx(slot + 1)
    t.notify(0)

    v = vs.assert_clause(sim, DESC_TABLE, kind="split.head_in_flight", only=True)
    assert v.evidence["head"] == head1, v
    vs.assert_needs_reset(sim)
    return sim


@vs.scenario(modes=("functional", "fast", "timed"), expect=[DESC_TABLE])
def buffer_available_twice(mode: str = "functional") -> None:
    """The same split-ring chain is made available again while the rate-limited device still holds it."""
    available_twice(mode, "pci-modern")


@vs.scenario(expect=[DESC_TABLE])
def buffer_available_twice_mmio_legacy() -> None:
    """The same bug through a virtio-mmio version 1 (legacy) driver: same clause."""
    available_twice("functional", "mmio-v1")
