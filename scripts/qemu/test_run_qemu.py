#!/usr/bin/env python3
"""Self-test of run_qemu.py without QEMU: synthetic serial output in, test records and verdicts out. Shows that a
violation or a failed check the expectations do not name makes the run fail, that an expectation turns it into an
expected fail, and that a boot which never finished is a crash, not a pass. Run: python3 -m unittest (ctest:
qemu_launcher_selftest)."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_qemu  # noqa: E402

USED_RING_2 = "devicenormative:Basic Facilities of a Virtio Device / Virtqueues / The Virtqueue Used Ring#2"


def result_line(typ, checks=(("open", True, ""),), violations=(), kind="pci-modern", live=True):
    obj = {"transport": "pci-modern", "type": typ, "type_id": 4, "kind": kind, "driven_as": "modern",
           "location": "pci 00:01.0", "live": live, "failure": "" if live else "no",
           "offered": "0x100000000", "negotiated": "0x100000000", "facts": {"queue_sizes": "8"},
           "checks": [{"name": n, "ok": ok, "detail": d} for n, ok, d in checks],
           "violations": list(violations), "duration_ms": 1.0}
    return "VSIM-RESULT " + json.dumps(obj)


INFO = 'VSIM-INFO {"transport":"pci-modern","devices":[],"discover_violations":[],"notes":[]}'
DONE = 'VSIM-DONE {"results":1}'
BOOT = run_qemu.Boot("pci-modern", "q35", ["rng"], pci_props="disable-legacy=on")


def run(serial, exps=(), done=True, timed_out=False):
    lines = [INFO] + serial + ([DONE] if done else [])
    return {t["id"]: t for t in run_qemu.boot_tests(BOOT, lines, 0, 3.0, timed_out, {}, list(exps))}


def unexpected(t):
    return t["outcome"] != t["expected"] and not (t["outcome"] == "pass" and t["expected"] == "pass")


class LauncherSelfTest(unittest.TestCase):
    def test_clean_run_passes_and_judges_clauses(self):
        tests = run([result_line("rng")])
        w = tests["virtio.device.pci-modern.rng.qemu_workload"]
        self.assertEqual(w["outcome"], "pass")
        self.assertTrue(w["verdicts"])
        self.assertTrue(all(v["outcome"] == "pass" for v in w["verdicts"]))
        self.assertFalse(any("Virtio Over MMIO" in c for c in w["clauses"]))  # PCI boot: no MMIO clauses
        self.assertFalse(any(unexpected(t) for t in tests.values()))

    def test_unlisted_violation_fails(self):
        v = {"clause": USED_RING_2, "kind": "split.used_len_too_large", "message": "m", "queue": 0,
             "evidence": {"len": 8, "writable": 0}}
        tests = run([result_line("rng", violations=[v])])
        chk = tests["virtio.device.pci-modern.rng.qemu_check.split.used_len_too_large"]
        self.assertEqual(chk["outcome"], "fail")
        self.assertTrue(unexpected(chk))
        self.assertEqual(chk["verdicts"][0]["clause"], USED_RING_2)
        # the workload does not double-judge the clause the check test carries
        self.assertNotIn(USED_RING_2, tests["virtio.device.pci-modern.rng.qemu_workload"]["clauses"])

    def test_expectation_turns_it_into_expected_fail(self):
        v = {"clause": USED_RING_2, "kind": "split.used_len_too_large", "message": "m", "queue": 0, "evidence": {}}
        exps = [{"glob": "virtio.device.*.rng.qemu_check.*.used_len_too_large", "config": "*", "outcome": "fail",
                 "reason": "r", "where": "x:1", "used": False}]
        tests = run([result_line("rng", violations=[v])], exps)
        chk = tests["virtio.device.pci-modern.rng.qemu_check.split.used_len_too_large"]
        self.assertEqual(chk["expected"], "fail")
        self.assertFalse(unexpected(chk))
        self.assertTrue(exps[0]["used"])

    def test_failed_check_fails(self):
        tests = run([result_line("rng", checks=[("open", True, ""), ("read_complete", False, "got 0")])])
        t = tests["virtio.device.pci-modern.rng.qemu_io.read_complete"]
        self.assertEqual(t["outcome"], "fail")
        self.assertTrue(unexpected(t))

    def test_wrong_transport_kind_fails(self):
        tests = run([result_line("rng", kind="pci-legacy")])
        self.assertTrue(unexpected(tests["virtio.device.pci-modern.rng.qemu_io.discovered_kind"]))

    def test_missing_device_and_unfinished_boot(self):
        tests = run([], done=False)
        self.assertEqual(tests["virtio.device.pci-modern.qemu_boot"]["outcome"], "crash")
        self.assertTrue(unexpected(tests["virtio.device.pci-modern.rng.qemu_workload"]))
        tests = run([], done=False, timed_out=True)
        self.assertEqual(tests["virtio.device.pci-modern.qemu_boot"]["outcome"], "timeout")

    def test_device_that_did_not_come_up_fails(self):
        tests = run([result_line("rng", checks=[("open", False, "FAILED")], live=False)])
        self.assertEqual(tests["virtio.device.pci-modern.rng.qemu_workload"]["outcome"], "fail")

    def test_nul_bytes_from_the_device_are_escaped(self):
        tests = run([result_line("rng", checks=[("open", True, ""), ("name", False, "'a\u0000'")])])
        self.assertIn("\\x00", tests["virtio.device.pci-modern.rng.qemu_io.name"]["message"])

    def test_block_pattern_matches_the_runner(self):
        s = run_qemu.pattern_sector(5)
        self.assertEqual(len(s), 512)
        self.assertEqual(s[:8], (5).to_bytes(8, "little"))
        self.assertEqual(s[8:16], b"VSIMDISK")
        self.assertEqual(s[16], (7 * 5 + 16) & 0xFF)

    def test_expectations_file_parses(self):
        exps = run_qemu.load_expectations(
            [os.path.join(run_qemu.ROOT, "conformance", "expectations-qemu", "qemu-7.2.txt")])
        self.assertTrue(exps)
        self.assertTrue(all(e["outcome"] in ("pass", "fail", "not_supported", "warning", "harness_error",
                                             "timeout", "crash") for e in exps))


if __name__ == "__main__":
    unittest.main()
