"""Every device type through its typed driver, with its backend: a block device on an image file, two network
devices on one L2 switch, a console, a keyboard playing a script. Each scenario is skipped with a reason while
its device type (or typed driver) is missing from the build.

    virtio-sim run python/examples/devices.py
"""
import os
import tempfile

import virtio_sim as vs


def _bound(type_name: str) -> None:
    if type_name not in vs.typed_drivers():
        raise vs.Skip(f"the {type_name} driver is not bound in this build")


@vs.scenario(requires=["blk"])
def block_device_on_an_image_file() -> None:
    """Write and read sectors of a raw image file through our block driver, then find the data in the file."""
    _bound("blk")
    with tempfile.TemporaryDirectory() as d:
        image = os.path.join(d, "disk.img")
        with open(image, "wb") as f:
            f.write(bytes(64 * 512))
        with vs.Simulation(vs.DeviceConfig("blk", transport="mmio-v2", image=image, writeback=False)) as sim:
            blk = sim.open()
            assert blk.capacity == 64
            blk.write_sectors(8, b"virtio!\n" * 64)
            assert blk.read_sectors(8, 1) == b"virtio!\n" * 64
            vs.assert_no_violations(sim)
        with open(image, "rb") as f:
            assert f.read()[8 * 512:9 * 512] == b"virtio!\n" * 64


@vs.scenario(modes=("functional", "timed"), requires=["net"])
def two_nics_on_a_switch(mode: str = "functional") -> None:
    """Two network devices on the same L2 switch: a frame sent by one arrives at the other."""
    _bound("net")
    sim = vs.Simulation(vs.DeviceConfig("net", switch="lan"), vs.DeviceConfig("net", transport="mmio-v2", switch="lan"),
                        mode=mode)
    a, b = sim.open(0), sim.open(1)
    frame = b.mac + a.mac + b"\x88\xb5" + b"hello over the switch".ljust(46, b".")
    assert a.send(frame)
    assert b.receive(1_000_000) == frame
    vs.assert_no_violations(sim)


@vs.scenario(requires=["console"])
def console_output() -> None:
    """Our console driver writes to port 0; the device takes every byte."""
    _bound("console")
    sim = vs.Simulation(vs.DeviceConfig("console", transport="pci-modern"))
    con = sim.open()
    assert con.write(b"login: ") == 7
    vs.assert_no_violations(sim)


@vs.scenario(requires=["input"])
def keyboard_script() -> None:
    """A keyboard plays a scripted key press at 1 ms; the driver reads it once simulated time got there."""
    _bound("input")
    sim = vs.Simulation(vs.DeviceConfig("input", kind="keyboard", script="1ms 1 30 1; 1ms syn"))
    kbd = sim.open()
    sim.run(2_000_000)
    assert kbd.events(8, 0) == [(1, 30, 1), (0, 0, 0)]
    vs.assert_no_violations(sim)
