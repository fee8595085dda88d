"""Story: a legacy net driver whose transmit queue is set up wrong.

A legacy (0.9.5) net driver, ported from virtio-mmio version 1 where QueueNum is writable, wants a small transmit
queue: it selects queue 1 and writes 64 to the legacy Queue Size register, then lays out a 64-entry ring and hands
its page number over. On the legacy PCI interface that register is read-only: the device keeps its own size (256)
and looks for the available ring where a 256-entry ring would have it. The driver's packets are never seen; the
driver waits for a transmit completion that never comes.

The strict device reports the write to the read-only register (with the offset and value as evidence) when it
happens, long before anyone would have traced the hang to the queue size.

Needs the net device; the scenario is skipped with a reason while the model cannot build it.

    virtio-sim run python/examples/legacy_net_tx_queue.py
"""
import virtio_sim as vs

# Legacy header registers have no clause of their own; the model cites the modern common-configuration rule for
# read-only fields as the nearest (model/transport/pci/README.md, legacy.write_read_only).
READ_ONLY = ("drivernormative:Virtio Transport Options / Virtio Over PCI Bus / PCI Device Layout / "
             "Common configuration structure layout#1")
RX, TX = 0, 1


def misconfigured_tx(mode: str = "functional") -> vs.Simulation:
    sim = vs.Simulation(vs.DeviceConfig("net", transport="pci-legacy"), mode=mode)
    io = sim.found().bar(0)["address"]  # the legacy I/O BAR0 as our PCI enumeration assigned it
    reg = vs.REGS["pci_legacy"]
    t = sim.transport()
    assert t.legacy and t.reset()
    t.negotiate(0)  # ACKNOWLEDGE, DRIVER, no features (the legacy interface has no FEATURES_OK)

    # The receive queue is set up correctly: the device's size, the legacy contiguous layout.
    t.make_split_ring(RX)
    assert t.enable_queue(RX)

    # The transmit queue the wrong way: Queue Size written, a 64-entry ring, its page number handed over.
    device_size = t.queue_max_size(TX)
    sim.write(io + reg["queue_sel"], TX, 2, space="io")
    sim.write(io + reg["queue_num"], 64, 2, space="io")
    tx = sim.split_ring(64, legacy_align=4096)
    sim.write(io + reg["queue_pfn"], tx.desc >> 12, 4, space="io")
    t.add_status("DRIVER_OK")

    # One frame: the 10-byte legacy header (no offloads) and a 60-byte broadcast frame.
    frame = sim.alloc(70)
    sim.memory.write(frame, bytes(10) + b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + bytes(46))
    head = tx.add_chain([(frame, 70, False)])
    sim.write(io + reg["queue_notify"], TX, 2, space="io")
    sim.run(100_000)  # the driver waits 100 us for the completion

    v = vs.assert_clause(sim, READ_ONLY, kind="legacy.write_read_only", only=True)
    assert v.evidence["offset"] == reg["queue_num"] and v.evidence["value"] == 64, v
    assert sim.queue_state(0, TX)["size"] == device_size  # the device kept its size ...
    vs.assert_not_used(tx, id=head)  # ... and never saw the frame
    assert sim.stats(0)["queues"][TX]["requests"] == 0
    return sim


@vs.scenario(modes=("functional", "fast", "timed"), expect=[READ_ONLY], requires=["net"])
def legacy_net_tx_queue_size_written(mode: str = "functional") -> None:
    """A legacy net driver writes the read-only legacy Queue Size register for its transmit queue."""
    misconfigured_tx(mode)
