#!/usr/bin/env python3
"""ctest clause_id_checker_selftest: the clause-ID checker fails on an unknown ID, naming it, and passes otherwise.

Usage: check_clause_ids_selftest.py scripts/check_clause_ids.py conformance/spec/clauses.tsv

Builds a throw-away tree in a temporary directory and runs the checker on it with --root/--catalogue. The unknown
ID is assembled at run time so that this file itself does not cite it (the repository-wide check scans it too).
"""
import json
import os
import subprocess
import sys
import tempfile


def first_ids(catalogue, count):
    with open(catalogue, encoding="utf-8") as f:
        rows = [line.split("\t") for line in f if not line.startswith("#")][1:]
    return [r[0] for r in rows[:count]]


def run(checker, root, catalogue, *extra):
    return subprocess.run([sys.executable, checker, "--root", root, "--catalogue", catalogue, *extra],
                          capture_output=True, text=True)


def expect(cond, what, proc=None):
    if not cond:
        detail = f"\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}" if proc else ""
        sys.exit(f"clause_id_checker_selftest: FAILED: {what}{detail}")


def main():
    checker, catalogue = sys.argv[1], os.path.abspath(sys.argv[2])
    valid, other_valid = first_ids(catalogue, 2)
    label, _, _ = valid.rpartition("#")
    # A real label with a statement number far past its end, and a label with a stray letter.
    invalid = label + "#" + str(9000 + 1)
    mangled = label.replace("normative:", "normative:X", 1) + "#1"

    with tempfile.TemporaryDirectory(prefix="vsim-clause-ids-") as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(src)
        good = os.path.join(src, "good.cpp")
        bad = os.path.join(src, "bad.cpp")
        with open(good, "w", encoding="utf-8") as f:
            f.write(f'// {valid}: paraphrase here\nconst char* k = "{other_valid}";\n')

        p = run(checker, tmp, catalogue)
        expect(p.returncode == 0, "valid IDs only must pass", p)

        with open(bad, "w", encoding="utf-8") as f:
            f.write(f"int x;\n# {valid}\n// {invalid}\nconst char* y = \"{mangled}\";\n")
        p = run(checker, tmp, catalogue)
        expect(p.returncode == 1, "an unknown ID must fail with exit status 1", p)
        expect(f"src/bad.cpp:3: unknown clause ID '{invalid}'" in p.stderr, "the unknown ID and file:line named", p)
        expect(f"src/bad.cpp:4: unknown clause ID '{mangled}'" in p.stderr, "the second unknown ID named", p)
        expect(f"did you mean '{label}#" in p.stderr, "a did-you-mean with the closest valid ID", p)
        expect(f"unknown clause ID '{valid}'" not in p.stderr, "a valid ID is not reported", p)

        p = run(checker, tmp, catalogue, "--json")
        expect(p.returncode == 1, "--json keeps the failing exit status", p)
        doc = json.loads(p.stdout)
        by_id = {c["id"]: c for c in doc["citations"]}
        expect(by_id[valid]["valid"] and not by_id[invalid]["valid"], "--json marks valid and unknown IDs", p)
        expect({(loc["file"], loc["line"]) for loc in by_id[valid]["locations"]}
               == {("src/good.cpp", 1), ("src/bad.cpp", 2)}, "--json lists every location", p)
        expect(doc["summary"]["unknown"] == 2, "--json summary counts unknown IDs", p)

        p = run(checker, tmp, catalogue, "--list", "--exit-zero")
        expect(p.returncode == 0, "--exit-zero", p)
        expect(f"{valid}\tok\tsrc/bad.cpp:2 src/good.cpp:1" in p.stdout, "--list prints ID, status, locations", p)

        os.remove(bad)
        p = run(checker, tmp, catalogue)
        expect(p.returncode == 0, "passes again once the unknown IDs are gone", p)

        # Files outside the scanned types and the generated catalogue are ignored.
        os.makedirs(os.path.join(tmp, "conformance", "spec"))
        for name in ("notes.bin", os.path.join("conformance", "spec", "clauses.tsv")):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(invalid + "\n")
        p = run(checker, tmp, catalogue)
        expect(p.returncode == 0, "non-source files and the generated catalogue are not scanned", p)
    print("clause_id_checker_selftest: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
