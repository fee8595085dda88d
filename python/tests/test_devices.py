"""High-level operations of the typed drivers per device type, with the devices' backends (image files, the L2
switch, the console capture, input scripts). Each test is skipped with its reason while the device type or its
typed driver is missing from the build."""
import os

import pytest
import virtio_sim as vs
from conftest import require_device


def require_typed(type_name):
    require_device(type_name)
    if type_name not in vs.typed_drivers():
        pytest.skip(f"the {type_name} driver is not bound in this build")


@pytest.mark.parametrize("transport", ["pci-modern", "pci-legacy", "mmio-v2", "mmio-v1"])
def test_blk_sector_io(transport):
    require_typed("blk")
    sim = vs.Simulation(vs.DeviceConfig("blk", transport=transport, size=1 << 20))
    blk = sim.open(0)
    assert blk.bound and blk.capacity == (1 << 20) // 512 and not blk.read_only
    data = os.urandom(4 * 512)
    assert blk.write_sectors(10, data) == "ok"
    assert blk.read_sectors(10, 4) == data
    assert blk.flush() == "ok"
    vs.assert_no_violations(sim)


def test_blk_image_file_backend(tmp_path):
    require_typed("blk")
    image = tmp_path / "disk.img"
    image.write_bytes(b"\xAA" * 512 + bytes(512 * 63))
    sim = vs.Simulation(vs.DeviceConfig("blk", image=str(image), writeback=False))
    blk = sim.open(0)
    assert blk.capacity == 64 and blk.read_sectors(0, 1) == b"\xAA" * 512
    blk.write_sectors(1, b"\x55" * 512)
    blk.flush()
    sim.close()
    assert image.read_bytes()[512:1024] == b"\x55" * 512


def test_blk_read_only_device_refuses_writes():
    require_typed("blk")
    sim = vs.Simulation(vs.DeviceConfig("blk", size=1 << 16, read_only=True))
    blk = sim.open(0)
    assert blk.read_only
    assert blk.write_sectors(0, bytes(512), check=False) != "ok"
    with pytest.raises(vs.SimulationError, match="write of 1 sector"):
        blk.write_sectors(0, bytes(512))


def test_net_two_devices_on_one_switch():
    require_typed("net")
    sim = vs.Simulation(vs.DeviceConfig("net", transport="pci-modern", switch="lan"),
                        vs.DeviceConfig("net", transport="mmio-v2", switch="lan"))
    a, b = sim.open(0), sim.open(1)
    assert a.link_up() and b.link_up() and a.mac != b.mac
    frame = b.mac + a.mac + b"\x88\xb5" + bytes(range(50))
    assert a.send(frame)
    assert b.receive(1_000_000) == frame
    assert a.receive(0) is None  # nothing comes back
    assert sim.stats(0)["queues"][1]["requests"] == 1  # one transmit request on device 0
    vs.assert_no_violations(sim)


def test_console_write_reaches_the_device():
    require_typed("console")
    sim = vs.Simulation(vs.DeviceConfig("console", transport="mmio-v2"))
    con = sim.open(0)
    assert 0 in con.ports
    assert con.write(b"hello, world\n") == 13
    assert sim.stats()["chains_done"] >= 1
    vs.assert_no_violations(sim)


def test_input_scripted_events_arrive_when_time_passes():
    require_typed("input")
    sim = vs.Simulation(vs.DeviceConfig("input", kind="keyboard", script="1ms 1 30 1; 1ms syn; 2ms 1 30 0; 2ms syn"))
    kbd = sim.open(0)
    assert kbd.name.startswith("virtio-sim")
    assert sim.now_ns < 1_000_000 and kbd.events(8, 0) == []  # nothing is due yet
    sim.run(1_500_000 - sim.now_ns)
    assert kbd.events(8, 0) == [(1, 30, 1), (0, 0, 0)]  # the key went down at 1 ms
    sim.run(1_000_000)
    assert kbd.events(8, 0) == [(1, 30, 0), (0, 0, 0)]  # and up at 2 ms
    vs.assert_no_violations(sim)


def test_blk_backend_error_completes_with_ioerr():
    require_typed("blk")
    sim = vs.Simulation(vs.DeviceConfig("blk", size=1 << 16))
    blk = sim.open(0)
    sim.inject_backend_error(reads=1, writes=1)
    assert blk.write_sectors(0, bytes(512), check=False) == "ioerr"
    with pytest.raises(vs.SimulationError, match="status 'ioerr'"):
        blk.read_sectors(0, 1)
    assert blk.write_sectors(0, bytes(512)) == "ok" and blk.read_sectors(0, 1) == bytes(512)  # only once each
    vs.assert_no_violations(sim)


def test_net_link_down_and_host_frames():
    require_typed("net")
    sim = vs.Simulation(vs.DeviceConfig("net", transport="mmio-v2"))
    nic, host = sim.open(0), sim.host(0)
    frame = nic.mac + bytes.fromhex("020000000099") + b"\x08\x00" + bytes(46)
    assert host.send_frame(frame) and nic.receive(1_000_000) == frame
    sim.inject_link_down()
    assert not host.link_up and not nic.link_up()
    assert not host.send_frame(frame)  # dropped while the link is down
    sim.inject_link_up()
    out = bytes(6) + nic.mac + b"\x08\x00" + bytes(50)
    assert nic.send(out) and host.frames_sent() == [out]
    vs.assert_no_violations(sim)


def test_console_host_side_input_and_output():
    require_typed("console")
    sim = vs.Simulation(vs.DeviceConfig("console"))
    con, host = sim.open(0), sim.host(0)
    con.write(b"$ ")
    assert host.console_output() == b"$ "
    assert host.console_input(b"ls\n") == 3
    assert con.read(16, timeout_ns=1_000_000) == b"ls\n"
    vs.assert_no_violations(sim)


def test_input_host_key_press():
    require_typed("input")
    sim = vs.Simulation(vs.DeviceConfig("input", transport="mmio-v1"))
    kbd = sim.open(0)
    sim.host(0).key(28, True)
    assert kbd.events(8, 0) == [(1, 28, 1), (0, 0, 0)]
    vs.assert_no_violations(sim)
