"""Locate and import the compiled extension ``_virtio_sim``.

The extension is built by the project's CMake into ``<build>/python``. It is found, in order: on ``sys.path``
(``PYTHONPATH=<build>/python:<repo>/python``, what the README and ctest set), in ``$VSIM_BUILD_DIR/python``, then
in ``<repo>/build/python`` (the tree ``scripts/setup.sh`` builds). A module that is found but does not load is an
ImportError saying so, never a silent fall-back to another build.
"""
from __future__ import annotations

import importlib
import os
import sys

# SystemC prints a banner at its first elaboration unless told not to.
os.environ.setdefault("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1")


def _load():
    try:
        return importlib.import_module("_virtio_sim")
    except ModuleNotFoundError as first:
        here = os.path.dirname(os.path.abspath(__file__))
        repo = os.path.dirname(os.path.dirname(here))
        candidates = []
        if os.environ.get("VSIM_BUILD_DIR"):
            candidates.append(os.path.join(os.environ["VSIM_BUILD_DIR"], "python"))
        candidates.append(os.path.join(repo, "build", "python"))
        for c in candidates:
            if os.path.isdir(c) and any(n.startswith("_virtio_sim.") for n in os.listdir(c)):
                sys.path.insert(0, c)
                try:
                    return importlib.import_module("_virtio_sim")
                except ImportError:
                    sys.path.remove(c)
                    raise
        raise ImportError(
            "virtio_sim: the compiled extension _virtio_sim was not found "
            f"({first}). Build it (scripts/setup.sh, or `ninja -C build _virtio_sim`) and put the build's "
            "python/ folder on PYTHONPATH, e.g. PYTHONPATH=build/python:python, or set VSIM_BUILD_DIR."
        ) from first
    except ImportError as broken:
        # Found but it does not load (an incomplete build, a missing symbol): say so rather than fall back to
        # another, possibly stale, build.
        raise ImportError(f"virtio_sim: the compiled extension was found but does not load: {broken}. Rebuild it "
                          "(`ninja -C <build> _virtio_sim`).") from broken


ext = _load()
