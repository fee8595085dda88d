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


# --- every high-level operation of the typed drivers ----------------------------------------------------------------

def test_blk_discard_write_zeroes_secure_erase_and_lifetime():
    require_typed("blk")
    sim = vs.Simulation(vs.DeviceConfig("blk", size=1 << 20, discard=True, write_zeroes=True, secure_erase=True,
                                        lifetime=True, pre_eol_info=2, lifetime_a=3, lifetime_b=4, serial="disk-7"))
    blk = sim.open(0)
    cfg = blk.config
    assert cfg["capacity"] == blk.capacity == (1 << 20) // 512 and cfg["max_discard_seg"] >= 1
    assert blk.get_id() == "disk-7"
    assert blk.get_lifetime() == {"pre_eol_info": 2, "lifetime_a": 3, "lifetime_b": 4}
    blk.write_sectors(0, b"\x5a" * 2048)
    assert blk.write_zeroes([(1, 2)]) == "ok"
    assert blk.read_sectors(0, 4) == b"\x5a" * 512 + bytes(1024) + b"\x5a" * 512
    assert blk.discard([(0, 1)]) == "ok" and blk.secure_erase([(3, 1)]) == "ok"
    st = blk.stats
    assert st["requests"] >= 6 and st["bytes_written"] == 2048 and st["errors"] == 0
    with pytest.raises(vs.ParameterError, match="expected \\(sector, sectors\\)"):
        blk.discard([(1,)])
    vs.assert_no_violations(sim)


def test_blk_features_not_offered_are_refused_by_our_driver():
    require_typed("blk")
    sim = vs.Simulation(vs.DeviceConfig("blk", size=1 << 16, discard=False))
    blk = sim.open(0)
    assert blk.discard([(0, 1)], check=False) == "rejected"  # DISCARD not offered: not even submitted
    assert blk.stats["requests"] == 0
    with pytest.raises(vs.SimulationError, match="get-lifetime"):
        blk.get_lifetime()
    vs.assert_no_violations(sim)


def test_blk_writeback_switch_and_multiqueue():
    require_typed("blk")
    sim = vs.Simulation(vs.DeviceConfig("blk", size=1 << 16, flush=True, config_wce=True, writeback=True,
                                        num_queues=2))
    blk = sim.open(0)
    assert blk.request_queues == 2 and blk.max_request_bytes >= 512
    assert blk.writeback
    assert blk.set_writeback(False) and not blk.writeback
    assert blk.write_sectors(2, b"\x01" * 512, queue=1) == "ok"
    assert blk.read_sectors(2, 1, queue=0) == b"\x01" * 512
    assert blk.flush(queue=1) == "ok"
    assert blk.refresh_config()["num_queues"] == 2
    vs.assert_no_violations(sim)


def test_net_control_queue_commands_and_config():
    require_typed("net")
    sim = vs.Simulation(vs.DeviceConfig("net", mq_pairs=2))
    nic = sim.open(0)
    cfg = nic.config
    assert cfg["mac"] == nic.mac and cfg["max_virtqueue_pairs"] == 2 and cfg["mtu"] == 1500
    assert nic.queue_pairs == 2 and nic.active_pairs == 1 and nic.max_frame >= 1514
    assert nic.set_promisc(True) == "ok" and nic.set_all_multi(True) == "ok"
    assert nic.set_rx_mode(5, True) == "ok"  # NOBCAST
    assert nic.vlan_add(7) == "ok" and nic.vlan_del(7) == "ok"
    assert nic.set_mac_table([bytes.fromhex("020000000042")], [bytes.fromhex("01005e000001")]) == "ok"
    new_mac = bytes.fromhex("02000000abcd")
    assert nic.set_mac_address(new_mac) == "ok" and nic.refresh_config()["mac"] == new_mac
    assert nic.set_queue_pairs(2) == "ok" and nic.active_pairs == 2
    assert nic.raw_command(0xEE, 0) == ("err", 1)  # an unknown class: VIRTIO_NET_ERR from the device
    host = sim.host(0)
    assert nic.send(bytes(6) + new_mac + b"\x08\x00" + bytes(46), pair=1)
    assert len(host.frames_sent()) == 1
    assert host.stats()["ctrl_ok"] >= 8 and nic.stats["frames_sent"] == 1
    with pytest.raises(vs.ParameterError, match="a MAC address is 6 bytes"):
        nic.set_mac_address(b"\x02")
    vs.assert_no_violations(sim)


def test_net_poll_counts_frames_waiting():
    require_typed("net")
    sim = vs.Simulation(vs.DeviceConfig("net"))
    nic, host = sim.open(0), sim.host(0)
    frame = nic.mac + bytes.fromhex("020000000099") + b"\x08\x00" + bytes(46)
    assert host.send_frame(frame) and host.send_frame(frame)
    assert nic.poll() == 2
    assert nic.receive(0) == frame and nic.receive(0) == frame and nic.receive(0) is None
    vs.assert_no_violations(sim)


def test_console_multiport_ports_sizes_emergency_and_recovery():
    require_typed("console")
    # "name" is also DeviceConfig's instance-name keyword: the console's option goes through options=
    sim = vs.Simulation(vs.DeviceConfig("console", ports=2, cols=100, rows=40, options={"name": "org.one,org.two"}))
    con, host = sim.open(0), sim.host(0)
    assert con.multiport and con.max_ports == 2
    assert con.wait_for_ports(2) and con.ports == [0, 1]
    p1 = con.port(1)
    assert p1["ready"] and p1["name"] == "org.two" and p1["host_open"] and con.port(5) is None
    assert con.size() == (100, 40)
    assert con.emergency_write("!") and host.console_output(0) == b"!"
    assert con.set_open(1, False) and not con.port(1)["guest_open"]
    assert host.console_input(b"hi", port=0) == 2
    con.service()
    assert con.pending(0) == 2 and con.read(8) == b"hi"
    sim.inject_needs_reset()
    assert not con.check_status()
    assert con.recover() == [] and con.wait_for_ports(2) and con.write(b"back") == 4
    assert host.console_output(0) == b"back"
    vs.assert_no_violations(sim)


def test_input_info_queries_and_statistics():
    require_typed("input")
    sim = vs.Simulation(vs.DeviceConfig("input", kind="tablet", abs_max_x=1000))
    tab = sim.open(0)
    info = tab.info
    assert info["name"] == tab.name and info["devids"]["vendor"] == 0x1af4
    assert 0 in info["abs"] and info["abs"][0]["max"] == 1000
    assert tab.supports(3, 0) and not tab.supports(0x11, 0)  # EV_ABS ABS_X, no LEDs on a tablet
    assert tab.query(1, 0) == info["name"].encode()  # ID_NAME
    sim.host(0).input_event(3, 0, 500)
    sim.host(0).input_event(0, 0, 0)
    assert tab.events(8, 0) == [(3, 0, 500), (0, 0, 0)]
    assert tab.stats["events_received"] == 2
    vs.assert_no_violations(sim)
