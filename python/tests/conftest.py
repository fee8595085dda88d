"""Shared fixtures for the scenario tests.

The extension module comes from the build (PYTHONPATH=<build>/python:python, as ctest and the README set it); the
package falls back to <repo>/build/python or $VSIM_BUILD_DIR on its own.
"""
import importlib.util
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.dirname(HERE)
EXAMPLES = os.path.join(PYDIR, "examples")
if PYDIR not in sys.path:
    sys.path.insert(0, PYDIR)

import virtio_sim as vs  # noqa: E402

MODERN = ["pci-modern", "pci-transitional", "mmio-v2"]
ALL_TRANSPORTS = ["pci-modern", "pci-legacy", "pci-transitional", "mmio-v2", "mmio-v1"]


def load_example(name):
    """Import python/examples/<name>.py as a module (its scenarios register as usual)."""
    path = os.path.join(EXAMPLES, name + ".py")
    spec = importlib.util.spec_from_file_location("example_" + name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def require_device(type_name):
    """Skip (with the reason) while the model cannot build this device type; the guard lifts itself when the
    device lands."""
    if not vs.device_implemented(type_name):
        pytest.skip(f"device type '{type_name}' is not implemented in the model yet")


@pytest.fixture(scope="session")
def examples():
    class _Examples:
        def __getattr__(self, name):
            mod = load_example(name)
            setattr(self, name, mod)
            return mod

    return _Examples()
