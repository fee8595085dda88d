"""`virtio-sim run SCENARIO.py` and `python -m virtio_sim`: every documented example runs and passes, verdicts are
printed with the clauses, failures and usage errors give the right exit codes."""
import os
import subprocess
import sys

import _virtio_sim
import pytest
from conftest import EXAMPLES, PYDIR

EXAMPLE_FILES = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".py"))
VIRTIO_SIM = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(_virtio_sim.__file__))), "apps", "virtio-sim")


def env():
    e = dict(os.environ)
    mod_dir = os.path.dirname(os.path.abspath(_virtio_sim.__file__))
    e["PYTHONPATH"] = os.pathsep.join([mod_dir, PYDIR])
    return e


def run_module(*args):
    return subprocess.run([sys.executable, "-m", "virtio_sim", *args], capture_output=True, text=True, env=env(),
                          timeout=600)


@pytest.mark.parametrize("example", EXAMPLE_FILES)
def test_every_example_passes(example):
    r = run_module("run", os.path.join(EXAMPLES, example))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Verdict: PASS" in r.stdout
    assert "FAIL" not in r.stdout.replace("Verdict: PASS", "")


def test_verdicts_name_the_clauses():
    r = run_module("run", os.path.join(EXAMPLES, "ignores_needs_reset.py"), "--mode", "timed")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ignores_needs_reset[timed]" in r.stdout
    assert "driver broke: drivernormative:Basic Facilities of a Virtio Device / Device Status Field#4 x1  (expected)" \
        in r.stdout


def test_a_failing_scenario_fails_the_run(tmp_path):
    f = tmp_path / "broken.py"
    f.write_text(
        "import virtio_sim as vs\n"
        "@vs.scenario(modes=('functional', 'timed'))\n"
        "def expects_too_much(mode='functional'):\n"
        "    sim = vs.Simulation('rng', mode=mode)\n"
        "    vs.assert_needs_reset(sim)\n"
        "@vs.scenario\n"
        "def fine():\n"
        "    vs.Simulation('rng').open_rng().read(4)\n")
    r = run_module("run", str(f))
    assert r.returncode == 1
    assert "FAIL  expects_too_much[functional]" in r.stdout and "FAIL  expects_too_much[timed]" in r.stdout
    assert "PASS  fine[functional]" in r.stdout and "expected DEVICE_NEEDS_RESET set" in r.stdout
    assert "Verdict: FAIL" in r.stdout


def test_usage_errors(tmp_path):
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    r = run_module("run", str(empty))
    assert r.returncode == 2 and "no scenarios" in r.stderr
    r = run_module("run", str(tmp_path / "missing.py"))
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_params_and_list_commands():
    r = run_module("params")
    assert r.returncode == 0 and "mmio_read_ns" in r.stdout and "device 'rng'" in r.stdout
    r = run_module("list", os.path.join(EXAMPLES, "faults.py"))
    assert r.returncode == 0 and "dma_error  modes=functional,timed" in r.stdout


@pytest.mark.skipif(not os.access(VIRTIO_SIM, os.X_OK), reason="the virtio-sim command is not built next to the module")
def test_virtio_sim_run_command():
    e = dict(os.environ)
    e.pop("PYTHONPATH", None)  # the command sets it up itself
    r = subprocess.run([VIRTIO_SIM, "run", os.path.join(EXAMPLES, "legacy_net_tx_queue.py"), "--mode", "functional"],
                       capture_output=True, text=True, env=e, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "legacy_net_tx_queue_size_written[functional]" in r.stdout and "Verdict: PASS" in r.stdout
