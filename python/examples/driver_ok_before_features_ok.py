"""Story: a driver that sets DRIVER_OK before FEATURES_OK.

A bring-up driver for a new OS was written from the legacy (0.9.5) recipe: acknowledge, driver, write the feature
word, then go. On a modern device that skips FEATURES_OK, the step in which the device accepts (or refuses) the
feature subset, so the device never agreed to anything the driver goes on to use.

The strict device reports the initialisation-order clause and nothing else. Run it:

    virtio-sim run python/examples/driver_ok_before_features_ok.py
"""
import virtio_sim as vs

INIT_ORDER = "drivernormative:General Initialization And Device Operation / Device Initialization#1"


def skip_features_ok(mode: str = "functional", transport: str = "pci-modern") -> vs.Simulation:
    sim = vs.Simulation(vs.DeviceConfig("rng", transport=transport), mode=mode)
    t = sim.transport()
    assert t.reset()
    t.set_status("ACKNOWLEDGE")
    t.set_status("ACKNOWLEDGE", "DRIVER")
    t.write_driver_features(t.device_features() & vs.feature_mask("VERSION_1"))
    t.set_status("ACKNOWLEDGE", "DRIVER", "DRIVER_OK")  # FEATURES_OK never written

    violation = vs.assert_clause(sim, INIT_ORDER, kind="status.driver_ok_before_features_ok", only=True)
    assert violation.evidence["status"] == vs.status_value("ACKNOWLEDGE", "DRIVER", "DRIVER_OK")
    vs.assert_status(sim, has=["DRIVER_OK"], lacks=["FEATURES_OK"])
    return sim


@vs.scenario(modes=("functional", "fast", "timed"), expect=[INIT_ORDER])
def driver_ok_before_features_ok(mode: str = "functional") -> None:
    """DRIVER_OK right after DRIVER on a modern virtio-pci device: the device reports the init order clause."""
    skip_features_ok(mode, "pci-modern")


@vs.scenario(expect=[INIT_ORDER])
def driver_ok_before_features_ok_mmio() -> None:
    """The same driver on virtio-mmio version 2: same clause, whatever the transport."""
    skip_features_ok("functional", "mmio-v2")


@vs.scenario
def legacy_recipe_is_fine_on_a_legacy_device() -> None:
    """The legacy interface has no FEATURES_OK: the same recipe on a legacy device is correct and reports nothing."""
    sim = vs.Simulation(vs.DeviceConfig("rng", transport="pci-legacy"))
    t = sim.transport()
    assert t.reset()
    t.set_status("ACKNOWLEDGE")
    t.set_status("ACKNOWLEDGE", "DRIVER")
    t.write_driver_features(0)
    t.set_status("ACKNOWLEDGE", "DRIVER", "DRIVER_OK")
    vs.assert_no_violations(sim)
    vs.assert_status(sim, has=["DRIVER_OK"])
