"""Host-side backend failures and what the driver sees: a console whose output backend refuses bytes for a while
(nothing is lost: the driver's write waits and the bytes arrive once, in order), and a network backend that loses
frames (the driver's send completes, the frame never reaches the wire, the device counts it).

    virtio-sim run python/examples/backend_faults.py
"""
import virtio_sim as vs


def _bound(type_name: str) -> None:
    if type_name not in vs.typed_drivers():
        raise vs.Skip(f"the {type_name} driver is not bound in this build")


@vs.scenario(modes=("functional", "timed"), requires=["console"])
def console_output_backend_fails(mode: str = "functional") -> None:
    """The console's output backend refuses everything: the device keeps the driver's transmit buffer instead of
    dropping its bytes, so our driver's write() times out with 0 bytes taken. Once the backend works again the
    bytes come out exactly once, and the driver carries on."""
    _bound("console")
    sim = vs.Simulation(vs.DeviceConfig("console", transport="mmio-v2"), mode=mode)
    con, host = sim.open(), sim.host()
    sim.inject_backend_error(output=vs.UNTIL_CLEARED)
    assert con.write(b"boot: ok\n", timeout_ns=2_000_000) == 0
    assert host.console_output() == b""
    assert host.stats()["ports"][0]["held_tx_buffers"] == 1
    sim.clear_backend_errors()
    assert host.console_output() == b"boot: ok\n"
    assert con.write(b"login: ") == 7 and host.console_output() == b"login: "
    vs.assert_no_violations(sim)


@vs.scenario(requires=["net"])
def network_backend_loses_a_frame() -> None:
    """The backend loses the next frame the guest sends: the transmit buffer is used as usual (the device is done
    with it), the peer never sees the frame, the device counts it; the next frame goes through."""
    _bound("net")
    sim = vs.Simulation(vs.DeviceConfig("net", switch="lan"), vs.DeviceConfig("net", transport="mmio-v2", switch="lan"))
    a, b = sim.open(0), sim.open(1)
    frame = b.mac + a.mac + b"\x88\xb5" + b"ping".ljust(46, b".")
    sim.inject_backend_error(0, tx=1)
    assert a.send(frame) and b.receive(1_000_000) is None
    assert sim.host(0).stats()["tx_dropped_backend"] == 1
    assert a.send(frame) and b.receive(1_000_000) == frame
    vs.assert_no_violations(sim)
