#!/usr/bin/env python3
"""ctest clause_catalogue_up_to_date: regenerate the catalogue into a temporary directory and compare.

Usage: check_catalogue_fresh.py SPEC_DIR COMMITTED_DIR --generator scripts/gen_clauses.py

Fails (exit 1, with the start of a unified diff) when the committed clauses.tsv, blocks.tsv or clauses.json differ
from what the generator makes of SPEC_DIR, i.e. when the spec checkout or the generator moved on and nobody
regenerated. The generator also cross-checks keyword counts against SPEC_DIR/normative-blocks.tsv when present.
"""
import argparse
import difflib
import os
import subprocess
import sys
import tempfile

FILES = ("clauses.tsv", "blocks.tsv", "clauses.json")
MAX_DIFF_LINES = 40


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spec_dir")
    ap.add_argument("committed_dir")
    ap.add_argument("--generator", required=True)
    args = ap.parse_args()

    cmd = [sys.executable, args.generator, args.spec_dir]
    reference = os.path.join(args.spec_dir, "normative-blocks.tsv")
    with tempfile.TemporaryDirectory(prefix="vsim-clauses-") as tmp:
        extra = ["--check-against", reference] if os.path.exists(reference) else []
        run = subprocess.run(cmd + [tmp] + extra, capture_output=True, text=True)
        if run.returncode != 0:
            sys.stderr.write(run.stdout + run.stderr)
            print("clause_catalogue_up_to_date: the generator failed", file=sys.stderr)
            return 1
        stale = []
        for name in FILES:
            with open(os.path.join(tmp, name), encoding="utf-8") as f:
                fresh = f.read().splitlines(keepends=True)
            committed_path = os.path.join(args.committed_dir, name)
            committed = []
            if os.path.exists(committed_path):
                with open(committed_path, encoding="utf-8") as f:
                    committed = f.read().splitlines(keepends=True)
            if fresh != committed:
                stale.append(name)
                diff = list(difflib.unified_diff(committed, fresh, f"committed/{name}", f"regenerated/{name}"))
                sys.stderr.writelines(diff[:MAX_DIFF_LINES])
                if len(diff) > MAX_DIFF_LINES:
                    sys.stderr.write(f"... ({len(diff) - MAX_DIFF_LINES} more diff lines)\n")
    if stale:
        print(f"clause_catalogue_up_to_date: {', '.join(stale)} out of date; regenerate from the repository root with\n"
              f"  python3 scripts/gen_clauses.py <spec-dir> conformance/spec --check-against "
              f"<spec-dir>/normative-blocks.tsv\n"
              "then review which statement IDs and text hashes changed (see conformance/spec/README.md).",
              file=sys.stderr)
        return 1
    print(f"clause_catalogue_up_to_date: {', '.join(FILES)} match a fresh generation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
