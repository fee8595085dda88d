"""Quick start: build a platform, use the built-in driver, look at everything the model records.

* parameters by name (timing, device options, personality, seed), all checked against the C++ tables;
* our entropy driver reading bytes (deterministic: the seed decides them);
* statistics, device and queue state, the transaction trace, and the run's verdicts.

    virtio-sim run python/examples/quickstart.py
    python3 -m virtio_sim params        # every parameter with its default, unit and description
"""
import virtio_sim as vs


@vs.scenario(modes=("functional", "fast", "timed"))
def entropy_with_the_builtin_driver(mode: str = "functional") -> None:
    """Our driver reads 8 KiB of entropy over virtio-mmio under a batching device; nothing is reported."""
    sim = vs.Simulation(
        vs.DeviceConfig("rng", transport="mmio-v2", personality="batch_used=4", max_bytes_per_request=512),
        timing={"irq_latency_ns": 250, "service_ns": 500},
        seed=42,
        mode=mode,
        trace=True,
    )
    rng = sim.open_rng(ring_packed=False)  # driver options are parameters too
    data = rng.read(8192)
    assert len(data) == 8192

    # The same seed gives the same bytes, in every mode.
    again = vs.Simulation(vs.DeviceConfig("rng", transport="pci-modern"), seed=42)
    assert again.open_rng().read(64) == data[:64]
    again.close()

    stats = sim.stats()
    assert stats["chains_done"] == 16  # 8192 bytes, at most 512 per request
    assert stats["queues"][0]["requests"] == 16 and stats["dma"]["total_bytes"] > 8192
    state = sim.queue_state(0, 0)
    assert state["enabled"] and not state["engine"]["packed"] and state["engine"]["in_flight"] == 0
    vs.assert_status(sim, has=["ACKNOWLEDGE", "DRIVER", "FEATURES_OK", "DRIVER_OK"], lacks=["DEVICE_NEEDS_RESET"])

    events = sim.trace()
    assert any(e["ev"] == "driver_notify" for e in events)
    assert any(e["ev"] == "reg" and e.get("reg") for e in events)
    assert sim.now_ns > 0 and sim.verdict == "pass" and sim.verdicts() == []
    vs.assert_no_violations(sim)
