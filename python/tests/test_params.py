"""Every model parameter is visible from Python with its name, default, unit and description, from the C++ tables
(one source of truth), and settable by name."""
import pytest

import virtio_sim as vs
from virtio_sim import params


def test_timing_parameters_come_from_the_cpp_table_and_apply():
    table = params.timing_parameters()
    names = [p.name for p in table]
    assert "mmio_read_ns" in names and "dma_bytes_per_ns" in names
    assert all(p.unit and p.description and p.default for p in table)
    sim = vs.Simulation("rng", timing={"mmio_read_ns": 77, "dma_bytes_per_ns": 2.5})
    eff = sim.timing()
    assert sorted(eff) == sorted(names)  # the effective values cover the same table
    assert eff["mmio_read_ns"] == 77 and eff["dma_bytes_per_ns"] == 2.5
    defaults = {p.name: float(p.default) for p in table}
    assert all(eff[n] == defaults[n] for n in names if n not in ("mmio_read_ns", "dma_bytes_per_ns"))


def test_timing_changes_simulated_time():
    def one_read(ns):
        sim = vs.Simulation(vs.DeviceConfig("rng", transport="mmio-v2"), timing={"mmio_read_ns": ns})
        base = sim.found().mmio_base
        t0 = sim.now_ns
        sim.read(base, 4)
        return sim.now_ns - t0

    assert one_read(150) == 150 and one_read(1000) == 1000


def test_device_types_and_their_options_come_from_the_registry():
    types = vs.device_types()
    assert {"rng", "blk", "net", "console", "input"} <= set(types)
    rng = types["rng"]
    assert rng.implemented and rng.option("seed").default and rng.option("rate_limit").unit == "bytes/s"
    for t in types.values():
        assert t.description
        for o in t.options:
            assert o.name and o.description, (t.type, o)


def test_every_option_of_every_implemented_type_is_accepted_at_its_default():
    for t in vs.device_types().values():
        if not t.implemented:
            continue
        for o in t.options:
            if not o.default or o.default.startswith("<") or " " in o.default or o.unit == "path":
                continue  # placeholders ("<instance name>") and files
            vs.DeviceConfig(t.type, **{o.name: o.default})


def test_personalities_and_transports():
    cat = vs.personalities()
    assert "out_of_order" in cat and any(p.startswith("batch_used=") for p in cat)
    assert params.parse_personality("spurious_irq,batch_used=2") in ("batch_used=2,spurious_irq", "spurious_irq,batch_used=2")
    assert vs.transports() == ["pci-modern", "pci-legacy", "pci-transitional", "mmio-v2", "mmio-v1"]
    cfg = vs.DeviceConfig("rng", personality="queue_max=16")
    sim = vs.Simulation(cfg)
    assert sim.queue_state(0, 0)["max_size"] == 16


def test_transport_layout_and_driver_tables():
    pci = {p.name: p for p in params.pci_parameters()}
    assert pci["msix"].default == "true" and pci["notify_off_multiplier"].unit == "bytes"
    mmio = {p.name: p for p in params.mmio_parameters()}
    assert mmio["vendor_id"].default == "0x4d495356"
    layout = {p.name: p for p in params.layout_parameters()}
    assert layout["ram_size"].default == str(64 << 20)
    drv = {p.name: p for p in params.driver_options()}
    assert drv["ring_packed"].default == "true" and drv["interrupts"].default == "auto"
    # the transport parameters apply
    sim = vs.Simulation(vs.DeviceConfig("rng", transport_options={"msix": False}),
                        vs.DeviceConfig("rng", transport="mmio-v2", transport_options={"vendor_id": 0x1234}),
                        layout={"ram_size": 32 << 20})
    assert sim.open_rng(0).live and not sim.found(0).bar(1)["present"]  # no MSI-X BAR
    assert sim.read(sim.found(1).mmio_base + vs.REGS["mmio"]["vendor_id"], 4) == 0x1234
    assert sim.dma_base + sim.dma_size == 32 << 20


def test_seed_reaches_devices_with_a_seed_option():
    a = vs.Simulation("rng", "rng", seed=10)
    b = vs.Simulation(vs.DeviceConfig("rng", seed=10), vs.DeviceConfig("rng", seed=11))
    assert a.open_rng(0).read(16) == b.open_rng(0).read(16)
    assert a.open_rng(1).read(16) == b.open_rng(1).read(16)


def test_constants_come_from_the_cpp_headers():
    assert vs.STATUS["DRIVER_OK"] == 4 and vs.STATUS["DEVICE_NEEDS_RESET"] == 64
    assert vs.FEATURE["VERSION_1"] == 32 and vs.FEATURE["RING_PACKED"] == 34
    assert vs.RING["DESC_F_WRITE"] == 2 and vs.DEVICE_ID["rng"] == 4
    assert vs.REGS["pci_legacy"]["queue_notify"] == 0x10 and vs.REGS["mmio"]["status"] == 0x70
    assert vs.status_names(vs.status_value("ACKNOWLEDGE", "DRIVER")) == ["ACKNOWLEDGE", "DRIVER"]


def test_describe_lists_every_table():
    text = params.describe()
    for name in ("mmio_read_ns", "ram_size", "notify_off_multiplier", "legacy_page_size", "ring_packed", "out_of_order"):
        assert name in text
    for t in vs.device_types():
        assert f"device '{t}'" in text


def test_clause_catalogue_access():
    cid = "drivernormative:General Initialization And Device Operation / Device Initialization#1"
    assert vs.is_valid_clause(cid) and not vs.is_valid_clause(cid + "0")
    info = vs.clause_info(cid)
    assert info["target"] == "driver" and info["strength"] in ("MUST", "SHOULD", "MAY")
    assert vs.spec_version().startswith("virtio")


def test_pci_capability_shape_parameters_are_settable():
    pci = {p.name: p for p in params.pci_parameters()}
    for name in ("cap_len_padding", "structure_length_padding", "decoy_caps", "vendor_data_id", "vendor_data_len",
                 "sriov_total_vfs"):
        assert name in pci and pci[name].description
    assert pci["cap_len_padding"].unit == "bytes" and pci["decoy_caps"].default == "false"
    # legal-but-unusual capability lists: our driver skips the decoys and the vendor data capability
    sim = vs.Simulation(vs.DeviceConfig("rng", transport_options={"decoy_caps": True, "cap_len_padding": 4,
                                                                  "vendor_data_id": 0x1234}))
    rng = sim.open_rng(0)
    assert rng.live and len(rng.read(8)) == 8
    with pytest.raises(vs.ParameterError, match="vendor_data_id.*0x1af4"):
        vs.Simulation(vs.DeviceConfig("rng", transport_options={"vendor_data_id": 0x1af4}))
    with pytest.raises(vs.ParameterError, match="cap_len_padding.*outside 0..16"):
        vs.Simulation(vs.DeviceConfig("rng", transport_options={"cap_len_padding": 17}))
