#!/usr/bin/env python3
"""QEMU ground truth: boot QEMU 7.2's own virtio devices with our driver stack in the guest, fold the outcome into
the conformance suite's results format (schema "virtio-sim/conformance-results/1", backend "qemu-7.2").

One boot per transport flavour (all device types QEMU offers on it in the same boot):
  pci-modern, pci-legacy, pci-transitional-modern, pci-transitional-legacy   (q35, devices on pcie.0)
  mmio-v2, mmio-v1                                                           (microvm, virtio-mmio slots)
The guest runner (apps/guest-runner) prints VSIM-INFO / VSIM-RESULT / VSIM-DONE lines on the serial console; the
launcher adds host-side checks (the block write reached the image, console output reached the chardev files),
turns the device-normative violations our driver reported into per-clause verdicts and applies the expectations
(conformance/expectations-qemu/*.txt, same format as conformance/expectations/).

Usage:
  run_qemu.py --qemu-dir DIR [--boots pci-modern,mmio-v1,...] --out results.json [--html report.html]
  run_qemu.py --merge results-*.json --out results.json [--html report.html]   (one report for the whole matrix)
DIR holds vmlinuz and initramfs.cpio.gz (scripts/qemu/build-initramfs.sh). Exit status 0 when every outcome is the
expected one (and, with --merge over the full matrix, no expectation is stale); 1 otherwise; 2 on a usage or
setup error. Standard library only.
"""
import argparse
import fnmatch
import glob
import json
import os
import re
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import gen_claims  # noqa: E402  (the same claim scan the conformance suite is generated from)

SCHEMA = "virtio-sim/conformance-results/1"
BACKEND = "qemu-7.2"
TYPES = ["rng", "blk", "net", "console", "input"]
ALL_BOOTS = ["pci-modern", "pci-legacy", "pci-transitional-modern", "pci-transitional-legacy", "mmio-v2", "mmio-v1",
             "pci-modern-packed", "mmio-v2-packed"]

# Parameters of the guest and of the devices (name: value, unit, what)
GUEST_MEMORY_MB = 512            # MiB of guest RAM
BOOT_TIMEOUT_S = 120             # s: a boot that has not powered off by then is killed (outcome timeout)
BLK_SECTORS = 8192               # 512-byte sectors of the block image (4 MiB)
BLK_SERIAL = "vsim-blk-serial"   # GET_ID answer QEMU gives (virtio-blk serial=)
BLK_WRITE_SECTOR = 100           # where the runner writes its tagged pattern
NET_MAC = "52:54:00:12:34:56"
CON_PORT1_NAME = "org.vsim.port1"
CON_INPUT = "VSIM-HOST-INPUT"    # what port 1 receives from its chardev input file
INPUT_NAME = "QEMU Virtio Keyboard"
KERNEL_ARGS = "console=ttyS0 panic=-1 quiet loglevel=1 tsc_early_khz=2000000"


class Boot:
    """One QEMU boot: machine, virtio-pci properties or virtio-mmio version, runner settings, device types."""

    def __init__(self, name, machine, types, pci_props=None, mmio_legacy=None, runner_legacy=False, device_props="",
                 type_props=None):
        self.name, self.machine, self.types, self.device_props = name, machine, types, device_props
        self.type_props = type_props or {}  # extra properties per device type (variants of QEMU's defaults)
        self.pci_props, self.mmio_legacy, self.runner_legacy = pci_props, mmio_legacy, runner_legacy


# virtio-input is modern-only in QEMU (no legacy / transitional PCI device); virtio-mmio v1 offers it (see docs).
BOOTS = {
    "pci-modern": Boot("pci-modern", "q35", TYPES, pci_props="disable-legacy=on,disable-modern=off"),
    "pci-legacy": Boot("pci-legacy", "q35", TYPES[:4], pci_props="disable-legacy=off,disable-modern=on"),
    # variants: a multiqueue block device, a network device without mergeable receive buffers
    "pci-transitional-modern": Boot("pci-transitional-modern", "q35", TYPES[:4],
                                    pci_props="disable-legacy=off,disable-modern=off",
                                    type_props={"blk": "num-queues=4", "net": "mrg_rxbuf=off"}),
    # the legacy interface as legacy drivers met it: no EVENT_IDX, no indirect descriptors offered
    "pci-transitional-legacy": Boot("pci-transitional-legacy", "q35", TYPES[:4],
                                    pci_props="disable-legacy=off,disable-modern=off", runner_legacy=True,
                                    device_props="event_idx=off,indirect_desc=off"),
    "mmio-v2": Boot("mmio-v2", "microvm", TYPES, mmio_legacy=False, type_props={"blk": "num-queues=2"}),
    "mmio-v1": Boot("mmio-v1", "microvm", TYPES, mmio_legacy=True, type_props={"net": "mrg_rxbuf=off"}),
    # packed virtqueues (QEMU offers VIRTIO_F_RING_PACKED only when asked: packed=on); our driver prefers them
    "pci-modern-packed": Boot("pci-modern-packed", "q35", TYPES, pci_props="disable-legacy=on,disable-modern=off",
                              device_props="packed=on"),
    "mmio-v2-packed": Boot("mmio-v2-packed", "microvm", TYPES, mmio_legacy=False, device_props="packed=on"),
}

EXPECTED_KIND = {  # what discover() must call each device on that boot
    "pci-modern": "pci-modern", "pci-legacy": "pci-legacy", "pci-transitional-modern": "pci-transitional",
    "pci-transitional-legacy": "pci-transitional", "mmio-v2": "mmio-v2", "mmio-v1": "mmio-v1",
    "pci-modern-packed": "pci-modern", "mmio-v2-packed": "mmio-v2",
}


# ---------------------------------------------------------------------------------------------------------------
# Block image

def pattern_sector(s):
    b = bytearray((7 * s + j) & 0xFF for j in range(512))
    b[0:8] = struct.pack("<Q", s)
    b[8:16] = b"VSIMDISK"
    return bytes(b)


def make_image(path):
    with open(path, "wb") as f:
        for s in range(BLK_SECTORS):
            f.write(pattern_sector(s))


# ---------------------------------------------------------------------------------------------------------------
# QEMU command line

def device_args(boot, work):
    """-device/-drive/-netdev/-chardev arguments for every device type of the boot."""
    pci = boot.machine == "q35"
    props = ("," + boot.pci_props) if pci and boot.pci_props else ""
    a = []
    dev = ("," + boot.device_props) if boot.device_props else ""  # virtio device properties, any transport

    def extra(t):
        return ("," + boot.type_props[t]) if t in boot.type_props else ""

    for t in boot.types:
        if t == "rng":
            a += ["-device", (("virtio-rng-pci" + props) if pci else "virtio-rng-device") + dev + extra(t)]
        elif t == "blk":
            a += ["-drive", f"if=none,id=d0,format=raw,file={work}/disk.img",
                  "-device", ((f"virtio-blk-pci,drive=d0,serial={BLK_SERIAL}" + props) if pci
                              else f"virtio-blk-device,drive=d0,serial={BLK_SERIAL}") + dev + extra(t)]
        elif t == "net":
            # user-mode network, restricted: frames never leave QEMU (slirp answers ARP and ICMP for its gateway)
            a += ["-netdev", "user,id=n0,restrict=on",
                  "-device", ((f"virtio-net-pci,netdev=n0,mac={NET_MAC},romfile=" + props) if pci
                              else f"virtio-net-device,netdev=n0,mac={NET_MAC}") + dev + extra(t)]
        elif t == "console":
            a += ["-device", (("virtio-serial-pci,id=vser0,max_ports=4" + props) if pci
                              else "virtio-serial-device,id=vser0,max_ports=4") + dev + extra(t),
                  "-chardev", f"file,id=con0,path={work}/con0.out",
                  "-device", "virtconsole,bus=vser0.0,nr=0,chardev=con0",
                  # port 1: a socket the launcher connects to (it sends CON_INPUT and records what comes out)
                  "-chardev", f"socket,id=con1,path={work}/con1.sock,server=on,wait=off",
                  "-device", f"virtserialport,bus=vser0.0,nr=1,chardev=con1,name={CON_PORT1_NAME}"]
        elif t == "input":
            a += ["-device", ("virtio-keyboard-pci" if pci else "virtio-keyboard-device") + dev + extra(t)]
    return a


def qemu_command(boot, qemu_dir, work, monitor):
    env = {
        "VSIM_TRANSPORT": boot.name, "VSIM_LEGACY": "1" if boot.runner_legacy else "0",
        "VSIM_TYPES": ",".join(boot.types), "VSIM_BLK_SECTORS": str(BLK_SECTORS), "VSIM_BLK_SERIAL": BLK_SERIAL,
        "VSIM_BLK_WRITE_SECTOR": str(BLK_WRITE_SECTOR), "VSIM_CON_PORTS": "2", "VSIM_CON_NAME": CON_PORT1_NAME,
        "VSIM_CON_INPUT": CON_INPUT, "VSIM_INPUT_KEYS": "1" if "input" in boot.types else "0",
        "VSIM_INPUT_NAME": INPUT_NAME,
    }
    # the kernel strips the double quotes that protect spaces in a value
    append = KERNEL_ARGS + " " + " ".join(f'{k}="{v}"' if " " in v else f"{k}={v}" for k, v in env.items())
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", str(GUEST_MEMORY_MB), "-nodefaults",
           "-display", "none", "-serial", "stdio", "-no-reboot", "-kernel", f"{qemu_dir}/vmlinuz",
           "-initrd", f"{qemu_dir}/initramfs.cpio.gz", "-append", append, "-machine", boot.machine,
           "-monitor", f"unix:{monitor},server=on,wait=off"]
    if boot.mmio_legacy is not None:
        cmd += ["-global", f"virtio-mmio.force-legacy={'true' if boot.mmio_legacy else 'false'}"]
    return cmd + device_args(boot, work)


def send_monitor(path, line):
    """One HMP command on QEMU's monitor socket."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(path)
        time.sleep(0.05)
        s.sendall((line + "\n").encode())
        time.sleep(0.2)


def run_boot(boot, qemu_dir, keep_dir=None):
    """Boot once; returns (records, serial text, rc, wall seconds, timed_out, host-side checks per type)."""
    work = tempfile.mkdtemp(prefix=f"vsim-qemu-{boot.name}-")
    try:
        make_image(f"{work}/disk.img")
        monitor = f"{work}/monitor.sock"
        cmd = qemu_command(boot, qemu_dir, work, monitor)
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        serial, buf, timed_out = [], b"", False
        port1 = connect_port1(boot, work, p)
        port1_out = b""
        while True:
            left = BOOT_TIMEOUT_S - (time.monotonic() - t0)
            if left <= 0:
                p.kill()
                timed_out = True
                break
            r, _, _ = select.select([p.stdout] + ([port1] if port1 else []), [], [], min(left, 1.0))
            if port1 and port1 in r:
                try:
                    data = port1.recv(65536)
                except OSError:
                    data = b""
                if data:
                    port1_out += data
                else:
                    port1.close()
                    port1 = None
            if p.stdout not in r:
                if p.poll() is not None:
                    break
                continue
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode("utf-8", "replace").rstrip("\r")
                serial.append(text)
                if "VSIM-READY input" in text:
                    try:
                        send_monitor(monitor, "sendkey a")
                    except OSError as e:  # the runner's key check then fails and says why nothing arrived
                        serial.append(f"run_qemu: monitor: {e}")
        if buf:
            serial.append(buf.decode("utf-8", "replace"))
        rc = p.wait()
        wall = time.monotonic() - t0
        if port1:
            port1.close()
        with open(f"{work}/con1.out", "wb") as f:
            f.write(port1_out)
        host = host_checks(boot, work)
        if keep_dir:
            os.makedirs(keep_dir, exist_ok=True)
            for f in ("con0.out", "con1.out"):
                if os.path.exists(f"{work}/{f}"):
                    shutil.copy(f"{work}/{f}", f"{keep_dir}/{boot.name}-{f}")
        return serial, rc, wall, timed_out, host, cmd
    finally:
        shutil.rmtree(work, ignore_errors=True)


def connect_port1(boot, work, proc):
    """Connect to console port 1's chardev socket (QEMU creates it at start-up) and queue CON_INPUT on it."""
    if "console" not in boot.types:
        return None
    path = f"{work}/con1.sock"
    for _ in range(200):
        if proc.poll() is not None:
            return None
        if os.path.exists(path):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
            except OSError:
                s.close()
                time.sleep(0.02)
                continue
            s.sendall((CON_INPUT + "\n").encode())
            return s
        time.sleep(0.02)
    return None


def host_checks(boot, work):
    """What the host can verify after the boot: the image and the chardev output files."""
    out = {}
    if "blk" in boot.types:
        with open(f"{work}/disk.img", "rb") as f:
            f.seek(BLK_WRITE_SECTOR * 512)
            data = f.read(8 * 512)
        tag = f"VSIM-WRITE {boot.name} ".encode()
        ok = all(data[i * 512:i * 512 + len(tag)] == tag for i in range(8))
        untouched = True
        with open(f"{work}/disk.img", "rb") as f:
            for s in (0, 1, 16, BLK_SECTORS - 1):
                f.seek(s * 512)
                untouched &= f.read(512) == pattern_sector(s)
        out["blk"] = [("host_sees_write", ok, f"sectors {BLK_WRITE_SECTOR}..+7 in the image carry the runner's tag"),
                      ("host_image_intact", untouched, "sectors the runner only read are unchanged")]
    if "console" in boot.types:
        checks = []
        for port in (0, 1):
            path = f"{work}/con{port}.out"
            text = open(path, errors="replace").read() if os.path.exists(path) else ""
            want = f"VSIM-CONSOLE port{port} {boot.name}"
            checks.append((f"host_port{port}_output", want in text, f"chardev file holds {want!r}: {text[:80]!r}"))
        text0 = open(f"{work}/con0.out", errors="replace").read() if os.path.exists(f"{work}/con0.out") else ""
        want = f"VSIM-EMERG {boot.name}"
        checks.append(("host_emergency_write", want in text0, f"emergency write reached port 0's chardev: {want!r}"))
        out["console"] = checks
    return out


# ---------------------------------------------------------------------------------------------------------------
# Claims, expectations, results

def claimed_checks(type_name, transport):
    """Device-normative clauses our driver checks for this device type on this transport (core + its folder)."""
    out = []
    for cid, where in gen_claims.scan(ROOT, "driver").items():
        if not cid.startswith("devicenormative:"):
            continue
        m = re.match(r"driver/devices/([^/]+)/", where)
        if m and m.group(1) != type_name:
            continue
        if "Virtio Over PCI Bus" in cid and not transport.startswith("pci"):
            continue
        if "Virtio Over MMIO" in cid and not transport.startswith("mmio"):
            continue
        out.append(cid)
    return sorted(out)


def load_expectations(paths):
    """(glob, config_glob, outcome, reason, where) per line of `<test-glob>[@<config-glob>] <outcome> # reason`."""
    out = []
    for path in paths:
        for n, line in enumerate(open(path), 1):
            body, _, reason = line.partition("#")
            parts = body.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise SystemExit(f"{path}:{n}: expected '<test-glob>[@<config-glob>] <outcome> # reason'")
            pat, outcome = parts
            tglob, _, cglob = pat.partition("@")
            out.append({"glob": tglob, "config": cglob or "*", "outcome": outcome, "reason": reason.strip(),
                        "where": f"{os.path.relpath(path, ROOT)}:{n}", "used": False})
    return out


def expectation_for(exps, tid, config):
    for e in exps:
        if fnmatch.fnmatchcase(tid, e["glob"]) and fnmatch.fnmatchcase(config, e["config"]):
            e["used"] = True
            return e["outcome"], e["reason"]
    return "pass", ""


def parse_serial(lines):
    info, results, done = None, [], None
    for line in lines:
        for prefix in ("VSIM-INFO ", "VSIM-RESULT ", "VSIM-DONE "):
            i = line.find(prefix)
            if i < 0:
                continue
            try:
                obj = json.loads(line[i + len(prefix):])
            except json.JSONDecodeError:
                continue
            if prefix == "VSIM-INFO ":
                info = obj
            elif prefix == "VSIM-RESULT ":
                results.append(obj)
            else:
                done = obj
    return info, results, done


def printable(text):
    """Control characters the device sent (a stray NUL terminator) shown as escapes, never raw."""
    return "".join(c if c >= " " or c in "\t" else f"\\x{ord(c):02x}" for c in text)


def violation_text(v):
    ev = ", ".join(f"{k}={hex(x) if isinstance(x, int) and x > 9 else x}" for k, x in v.get("evidence", {}).items())
    return f"[{v['clause']}] {v['kind']}: {v['message']}" + (f" ({ev})" if ev else "")


def boot_tests(boot, serial, rc, wall, timed_out, host, exps):
    """Test records of one boot."""
    info, results, done = parse_serial(serial)
    config_of = lambda t: f"{t}/{boot.name}/{BACKEND}"  # noqa: E731
    tests = []

    def add(tid, config, kind, outcome, message, clauses=(), verdicts=(), evidence=(), ms=0.0):
        expected, reason = expectation_for(exps, tid, config)
        message, evidence = printable(message), [printable(e) for e in evidence]
        tests.append({"id": tid, "config": config, "target": "device", "kind": kind, "outcome": outcome,
                      "expected": expected, "expectation_reason": reason, "clauses": list(clauses),
                      "verdicts": list(verdicts), "message": message, "evidence": list(evidence),
                      "duration_ms": float(ms)})

    boot_ok = done is not None and not timed_out
    boot_msg = (f"boot {'timed out' if timed_out else 'ended'} after {wall:.1f} s, qemu rc {rc}"
                + ("" if done else ", no VSIM-DONE line"))
    add(f"virtio.device.{boot.name}.qemu_boot", f"platform/{boot.name}/{BACKEND}", "boot",
        "pass" if boot_ok else ("timeout" if timed_out else "crash"), boot_msg,
        evidence=[boot_msg] + ([] if boot_ok else serial[-30:]), ms=wall * 1000)
    discover_violations = (info or {}).get("discover_violations", [])
    by_type = {r["type"]: r for r in results}
    for t in boot.types:
        r = by_type.get(t)
        tid = f"virtio.device.{boot.name}.{t}.qemu_workload"
        clauses = claimed_checks(t, boot.name)
        if r is None:
            add(tid, config_of(t), "workload", "harness_error" if not boot_ok else "fail",
                f"no result for the {t} device (not found or the runner stopped)", clauses)
            continue
        checks = list(r["checks"]) + [{"name": n, "ok": ok, "detail": d} for n, ok, d in host.get(t, [])]
        checks.append({"name": "discovered_kind", "ok": r["kind"] == EXPECTED_KIND[boot.name],
                       "detail": f"discover() says {r['kind']}, the boot set up {EXPECTED_KIND[boot.name]}"})
        violations = discover_violations + r["violations"]
        # the workload judges every claimed clause nothing was reported for; a reported clause is judged by its own
        # qemu_check test below (which carries the expectation), so each clause has one verdict per configuration
        violated = {v["clause"] for v in violations}
        clauses = [c for c in clauses if c not in violated]
        verdicts = [{"clause": c, "outcome": "pass", "evidence": ""} for c in clauses]
        evidence = [f"{'ok ' if c['ok'] else 'FAILED '}{c['name']}" + (f": {c['detail']}" if c["detail"] else "")
                    for c in checks]
        evidence += [f"{k} = {v!r}" for k, v in r.get("facts", {}).items()]
        evidence += [f"features offered {r['offered']}, negotiated {r['negotiated']}, {r['location']} driven as "
                     f"{r['driven_as']}"]
        evidence += [violation_text(v) for v in violations]
        failed = sum(1 for c in checks if not c["ok"])
        message = (f"device live; {len(checks) - failed} of {len(checks)} I/O checks held; "
                   f"{len(violations)} device-normative violations reported" if r["live"]
                   else f"device did not come up: {r['failure']}")
        # the workload: the device came up; its verdicts are the clauses our driver judged while it ran
        add(tid, config_of(t), "workload", "pass" if r["live"] else "fail", message, clauses, verdicts, evidence,
            r.get("duration_ms", 0.0))
        # every functional check: its own test, so an expectation names exactly one behaviour
        for c in checks:
            add(f"virtio.device.{boot.name}.{t}.qemu_io.{c['name']}", config_of(t), "io",
                "pass" if c["ok"] else "fail", c["detail"] or c["name"], evidence=[c["detail"]] if c["detail"] else [])
        # every distinct check our driver reported: its own test, so an expectation names exactly one deviation
        seen = {}
        for v in violations:
            seen.setdefault(v["kind"], []).append(v)
        for kind, vs in sorted(seen.items()):
            add(f"virtio.device.{boot.name}.{t}.qemu_check.{kind}", config_of(t), "check", "fail",
                violation_text(vs[0]) + (f" (and {len(vs) - 1} more)" if len(vs) > 1 else ""),
                [vs[0]["clause"]], [{"clause": vs[0]["clause"], "outcome": "fail", "evidence": violation_text(vs[0])}],
                [violation_text(v) for v in vs[:10]])
    return tests


def clause_table(tests):
    """The report's clause list: every clause a test judged, with its section and area from the catalogue."""
    cat = {}
    with open(os.path.join(ROOT, "conformance", "spec", "clauses.tsv")) as f:
        for line in f:
            if line.startswith("#") or line.startswith("id\t"):
                continue
            p = line.rstrip("\n").split("\t")
            if len(p) >= 9:
                cat[p[0]] = {"section": p[4], "target": p[3], "strength": p[8]}
    rows = {}
    for t in tests:
        for v in t["verdicts"]:
            c = v["clause"]
            row = rows.setdefault(c, {"id": c, "section": cat.get(c, {}).get("section", ""),
                                      "target": cat.get(c, {}).get("target", "device"),
                                      "strength": cat.get(c, {}).get("strength", ""), "area": area_of(c),
                                      "status": "covered-pass", "tests": [], "evidence": "", "reason": "",
                                      "claimed_check": True, "killed": False})
            if t["id"] + "@" + t["config"] not in row["tests"]:
                row["tests"].append(t["id"] + "@" + t["config"])
            if v["outcome"] == "fail":
                status = "covered-expected-fail" if t["expected"] == "fail" else "covered-fail"
                if row["status"] != "covered-fail":
                    row["status"] = status
                    row["evidence"] = v.get("evidence", "")
    return sorted(rows.values(), key=lambda r: r["id"])


def area_of(clause):
    label = clause.split(":", 1)[1].rsplit("#", 1)[0]
    if label.startswith("Virtio Transport Options / Virtio Over PCI Bus"):
        return "PCI"
    if label.startswith("Virtio Transport Options / Virtio Over MMIO"):
        return "MMIO"
    if label.startswith("General Initialization And Device Operation"):
        return "General Initialization"
    if label.startswith("Reserved Feature Bits"):
        return "Reserved Feature Bits"
    for d in ("Network Device", "Block Device", "Console Device", "Entropy Device", "Input Device"):
        if label.startswith("Device Types / " + d):
            return d
    if "/ Packed Virtqueues" in label or "/ PAcked Virtqueues" in label:
        return "Packed Virtqueues"
    if "/ Virtqueues" in label or "/ Message Framing" in label:
        return "Split Virtqueues"
    return "Basic Facilities"


def spec_provenance():
    with open(os.path.join(ROOT, "conformance", "spec", "clauses.tsv")) as f:
        head = f.readline()
    ver = re.search(r"spec_version=([^;\s]+)", head)
    com = re.search(r"spec_commit=([^;\s]+)", head)
    return (ver.group(1) if ver else ""), (com.group(1) if com else "")


def git_sha():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def report(tests, boots_run, wall, stale):
    ver, com = spec_provenance()
    unexpected = sum(1 for t in tests if t["outcome"] != t["expected"]
                     and not (t["outcome"] in ("pass", "not_supported", "warning")
                              and t["expected"] in ("pass", "not_supported", "warning")))
    configs = []
    for t in tests:
        if t["config"] not in configs:
            configs.append(t["config"])
    cls = clause_table(tests)
    cov = {}
    for c in cls:
        a = cov.setdefault(c["area"], {"area": c["area"], "direction": "device", "must_total": 0, "must_covered": 0,
                                       "must_passing": 0, "untestable": 0})
        if c["strength"] == "MUST":
            a["must_total"] += 1
            a["must_covered"] += 1
            a["must_passing"] += c["status"] == "covered-pass"
    return {"schema": SCHEMA, "generator_version": "run_qemu.py 1", "git_sha": git_sha(), "spec_version": ver,
            "spec_commit": com, "seed": 0, "backend": BACKEND, "boots": boots_run, "configurations": configs,
            "wall_seconds": float(wall), "unexpected": unexpected, "stale_expectations": stale,
            "verdict": "pass" if unexpected == 0 and not stale else "fail", "tests": tests, "clauses": cls,
            "coverage": sorted(cov.values(), key=lambda a: a["area"]),
            "mutation": {"claimed_checks": 0, "killed": 0, "score": 1.0, "survivors": []}}


def render_html(results_path, html):
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "render_report.py"), results_path, html])
    if r.returncode != 0:
        print(f"run_qemu: render_report.py failed ({r.returncode})", file=sys.stderr)
    return r.returncode == 0


def summarize(tests):
    for t in tests:
        bad = t["outcome"] != t["expected"] and not (t["outcome"] == "pass" and t["expected"] == "pass")
        flag = "UNEXPECTED " if bad else ""
        exp = f" (expected {t['expected']})" if t["expected"] != "pass" else ""
        print(f"  {flag}{t['outcome']:<13} {t['id']}{exp}")
        if bad or t["outcome"] not in ("pass",):
            print(f"      {t['message'][:300]}")


def markdown_matrix(tests):
    """Boot x device type table: workload outcome, I/O checks held, device-normative verdicts (pass/fail)."""
    boots, types, cell = [], [], {}
    for t in tests:
        parts = t["id"].split(".")
        if len(parts) < 5 or parts[0] != "virtio" or parts[1] != "device":
            continue
        boot, typ, kind = parts[2], parts[3], parts[4]
        if boot not in boots:
            boots.append(boot)
        if typ not in types:
            types.append(typ)
        c = cell.setdefault((boot, typ), {"live": "-", "io": [0, 0], "pass": 0, "fail": 0, "xfail": 0})
        if kind == "qemu_workload":
            c["live"] = t["outcome"]
            c["pass"] += sum(1 for v in t["verdicts"] if v["outcome"] == "pass")
        elif kind == "qemu_io":
            c["io"][0] += t["outcome"] == "pass"
            c["io"][1] += 1
        elif kind == "qemu_check":
            c["xfail" if t["expected"] == "fail" else "fail"] += 1
    boots.sort(key=lambda b: ALL_BOOTS.index(b) if b in ALL_BOOTS else len(ALL_BOOTS))
    lines = ["| boot | " + " | ".join(types) + " |", "|---|" + "---|" * len(types)]
    for b in boots:
        row = []
        for ty in types:
            c = cell.get((b, ty))
            if not c:
                row.append("—")
                continue
            v = f"{c['pass']} pass"
            if c["xfail"]:
                v += f", {c['xfail']} xfail"
            if c["fail"]:
                v += f", **{c['fail']} FAIL**"
            row.append(f"{c['live']}; I/O {c['io'][0]}/{c['io'][1]}; clauses {v}")
        lines.append(f"| {b} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qemu-dir", help="directory with vmlinuz and initramfs.cpio.gz")
    ap.add_argument("--boots", default=",".join(ALL_BOOTS), help="comma-separated boots (default: all)")
    ap.add_argument("--merge", nargs="+", help="merge these results files instead of booting")
    ap.add_argument("--out", required=True, help="results.json to write")
    ap.add_argument("--html", help="also render the HTML report (scripts/render_report.py)")
    ap.add_argument("--expectations", nargs="*",
                    default=sorted(glob.glob(os.path.join(ROOT, "conformance", "expectations-qemu", "*.txt"))))
    ap.add_argument("--serial-dir", help="keep each boot's serial log and chardev output here")
    ap.add_argument("--markdown", help="also write the boot x device matrix as a Markdown table")
    a = ap.parse_args()
    exps = load_expectations(a.expectations)
    t0 = time.monotonic()
    tests, boots_run = [], []
    if a.merge:
        files = sorted({os.path.abspath(f) for m in a.merge for f in glob.glob(m)} - {os.path.abspath(a.out)})
        for f in files:
            if os.path.abspath(f) == os.path.abspath(a.out):
                continue
            d = json.load(open(f))
            boots_run += d.get("boots", [])
            for t in d["tests"]:
                t["expected"], t["expectation_reason"] = expectation_for(exps, t["id"], t["config"])
                tests.append(t)
        wall = sum(json.load(open(f)).get("wall_seconds", 0.0) for f in files)
    else:
        if not a.qemu_dir or not os.path.exists(os.path.join(a.qemu_dir, "initramfs.cpio.gz")):
            print("run_qemu: --qemu-dir must hold vmlinuz and initramfs.cpio.gz (build-initramfs.sh)", file=sys.stderr)
            return 2
        if not shutil.which("qemu-system-x86_64"):
            print("run_qemu: qemu-system-x86_64 is missing (scripts/setup.sh installs qemu-system-x86)", file=sys.stderr)
            return 2
        for name in a.boots.split(","):
            if name not in BOOTS:
                print(f"run_qemu: unknown boot {name!r} (known: {', '.join(ALL_BOOTS)})", file=sys.stderr)
                return 2
            boot = BOOTS[name]
            serial, rc, wall_b, timed_out, host, cmd = run_boot(boot, a.qemu_dir, a.serial_dir)
            if a.serial_dir:
                with open(os.path.join(a.serial_dir, f"{name}-serial.log"), "w") as f:
                    f.write(" ".join(cmd) + "\n" + "\n".join(serial) + "\n")
            print(f"run_qemu: {name}: {wall_b:.1f} s, qemu rc {rc}")
            tests += boot_tests(boot, serial, rc, wall_b, timed_out, host, exps)
            boots_run.append(name)
        wall = time.monotonic() - t0
    # stale expectations: only judged when the whole matrix is in this report
    full = set(ALL_BOOTS) <= set(boots_run)
    stale = [f"{e['where']}: {e['glob']}" for e in exps if not e["used"]] if full else []
    res = report(tests, boots_run, wall, stale)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    summarize(tests)
    for s in stale:
        print(f"  STALE expectation {s}")
    print(f"run_qemu: {len(tests)} tests, {res['unexpected']} unexpected, {len(stale)} stale -> {a.out}")
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(markdown_matrix(tests))
    if a.html:
        render_html(a.out, a.html)
    return 0 if res["verdict"] == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
