#!/usr/bin/env python3
"""Find every clause ID cited in the repository and check that the clause catalogue holds it.

Usage:
  check_clause_ids.py [--root DIR] [--catalogue clauses.tsv] [PATH ...]   check; exit 1 on an unknown ID
  check_clause_ids.py --list [...]                                         every cited ID with its locations
  check_clause_ids.py --json [...]                                         the same as one JSON document

A citation is "drivernormative:<label>#<n>" or "devicenormative:<label>#<n>". Labels may hold spaces, slashes,
parentheses, colons, '>' and so on; a label ends right before the '#<digits>' and cannot cross a double quote, a '#'
or a line end. Block labels cited without "#<n>" are not checked.

Scanned: files tracked by git plus untracked, not ignored ones (every file under the root when it is not a git
checkout), skipping hidden directories and build trees (any directory holding a CMakeCache.txt):
  - C/C++ sources and headers, Python, CMakeLists.txt and *.cmake, Markdown, anywhere;
  - JSON, TSV, YAML and TXT data under conformance/, except the generated catalogue itself.
PATH arguments restrict the scan to those files or directories (same file-type rules).

A line holding the marker "clause-id-check: ignore" is skipped (for tests that cite unknown IDs on purpose).

Exit status: 0 when every cited ID exists, 1 when one does not (unless --exit-zero), 2 on usage errors.
"""
import argparse
import csv
import difflib
import json
import os
import re
import signal
import subprocess
import sys

ID_RE = re.compile(r"(drivernormative|devicenormative):[^\"#\n]+#\d+")
IGNORE_MARKER = "clause-id-check: ignore"
CODE_EXT = {".h", ".hh", ".hpp", ".hxx", ".inl", ".ipp", ".tpp", ".c", ".cc", ".cpp", ".cxx", ".py", ".cmake", ".md"}
CODE_NAMES = {"CMakeLists.txt"}
DATA_EXT = {".json", ".tsv", ".yaml", ".yml", ".txt"}
DATA_DIR = "conformance"
CATALOGUE_DIR = "conformance/spec"
GENERATED = {f"{CATALOGUE_DIR}/{name}" for name in ("clauses.tsv", "blocks.tsv", "clauses.json")}
MAX_BYTES = 8 << 20


def default_root():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Catalogue:
    def __init__(self, clauses_tsv):
        self.path = clauses_tsv
        with open(clauses_tsv, encoding="utf-8") as f:
            header = f.readline()
            self.meta = dict(re.findall(r"(\w+)=([^;\n]*)", header))
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        self.ids = {r["id"]: r for r in rows}
        self.blocks = {}
        for r in rows:
            self.blocks.setdefault(r["block"], []).append(r["id"])
        self.alt = {}  # alternative label -> the block's primary label (blocks.tsv alt_labels)
        blocks_tsv = os.path.join(os.path.dirname(clauses_tsv), "blocks.tsv")
        if os.path.exists(blocks_tsv):
            with open(blocks_tsv, encoding="utf-8") as f:
                f.readline()
                for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                    self.blocks.setdefault(r["id"], [])
                    for alt in filter(None, (r.get("alt_labels") or "").split(";")):
                        self.alt[alt] = r["id"]
        self._lower = {label.lower(): label for label in self.blocks}

    def suggest(self, cited):
        """The closest valid ID to an unknown one, with a short reason, or (None, reason)."""
        label, _, n = cited.rpartition("#")
        if label in self.blocks:
            count = len(self.blocks[label])
            if not count:
                return None, "that block has no statements"
            return f"{label}#{min(int(n), count) if int(n) >= 1 else 1}", f"the block has statements #1..#{count}"
        why = "closest label"
        if label in self.alt:
            label, why = self.alt[label], "alternative label of this block"
        elif label.lower() in self._lower:
            label, why = self._lower[label.lower()], "letter case differs"
        elif label.strip() in self.blocks:
            label, why = label.strip(), "extra white space"
        else:
            label, why = self._closest_label(label)
            if label is None:
                return None, why
        count = len(self.blocks[label])
        if not count:
            return None, f"{why} {label} has no statements"
        return f"{label}#{n if 1 <= int(n) <= count else 1}", why

    def _closest_label(self, label):
        """Best guess for a mistyped or abbreviated label ("...", a dropped component)."""
        prefix = label.split(":", 1)[0] + ":"
        pool = [b for b in self.blocks if b.startswith(prefix)] or list(self.blocks)
        if "..." in label or "\u2026" in label:
            pieces = [p.strip() for p in re.split(r"\.\.\.|\u2026", label)]
            pattern = re.compile("^" + ".*".join(re.escape(p) for p in pieces) + "$")
            matches = [b for b in pool if pattern.match(b)]
            if matches:
                why = "abbreviated label" if len(matches) == 1 else f"abbreviated label, 1 of {len(matches)} matches"
                return difflib.get_close_matches(label, matches, n=1, cutoff=0.0)[0], why
        # Prefer labels whose last component matches, then plain string similarity.
        last = label.rsplit("/", 1)[-1].strip().lower()
        same_leaf = [b for b in pool if b.rsplit("/", 1)[-1].strip().lower() == last]
        close = difflib.get_close_matches(label, same_leaf or pool, n=1, cutoff=0.0)
        if not close:
            return None, "no similar label"
        return close[0], "closest label"


def git_files(root):
    """Tracked plus untracked-not-ignored files, or None when root is not the top of a git checkout."""
    try:
        top = subprocess.run(["git", "-C", root, "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                             check=True).stdout.strip()
        if os.path.realpath(top) != os.path.realpath(root):
            return None
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted({p for p in out.decode("utf-8", "surrogateescape").split("\0") if p})


def walk_files(root, start):
    for dirpath, dirnames, filenames in os.walk(start):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not os.path.exists(os.path.join(dirpath, d, "CMakeCache.txt")))
        for name in sorted(filenames):
            yield os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/")


def wanted(rel):
    """Whether a repository-relative path is a file type we scan."""
    if rel in GENERATED:
        return False
    name = rel.rsplit("/", 1)[-1]
    ext = os.path.splitext(name)[1].lower()
    if name in CODE_NAMES or ext in CODE_EXT:
        return True
    return ext in DATA_EXT and rel.startswith(DATA_DIR + "/")


class Skipper:
    """Hidden directories and build trees (a directory with CMakeCache.txt), with a per-directory cache."""

    def __init__(self, root):
        self.root = root
        self.cache = {}

    def skip(self, rel):
        parts = rel.split("/")[:-1]
        for i, part in enumerate(parts):
            if part.startswith("."):
                return True
            d = "/".join(parts[:i + 1])
            if d not in self.cache:
                self.cache[d] = os.path.exists(os.path.join(self.root, d, "CMakeCache.txt"))
            if self.cache[d]:
                return True
        return False


def candidate_files(root, paths):
    listed = git_files(root)
    if listed is None:
        listed = list(walk_files(root, root))
    skipper = Skipper(root)
    files = [p for p in listed if wanted(p) and not skipper.skip(p) and os.path.isfile(os.path.join(root, p))]
    if paths:
        rels = [os.path.relpath(os.path.abspath(p), root).replace(os.sep, "/") for p in paths]
        files = [f for f in files if any(r == "." or f == r or f.startswith(r.rstrip("/") + "/") for r in rels)]
    return files


def scan(root, files):
    """{id: [(file, line), ...]} in first-seen order."""
    cited = {}
    for rel in files:
        path = os.path.join(root, rel)
        if os.path.getsize(path) > MAX_BYTES:
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for lineno, line in enumerate(f, start=1):
                if IGNORE_MARKER in line or "normative:" not in line:
                    continue
                for m in ID_RE.finditer(line):
                    cited.setdefault(m.group(0), []).append((rel, lineno))
    return cited


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="restrict the scan to these files or directories")
    ap.add_argument("--root", default=default_root(), help="repository root (default: this script's ../)")
    ap.add_argument("--catalogue", help="clauses.tsv (default: ROOT/conformance/spec/clauses.tsv)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="print every cited ID with its locations")
    mode.add_argument("--json", action="store_true", help="print citations, unknown IDs and a summary as JSON")
    ap.add_argument("--exit-zero", action="store_true", help="exit 0 even when unknown IDs are cited")
    args = ap.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head

    root = os.path.abspath(args.root)
    catalogue_path = args.catalogue or os.path.join(root, CATALOGUE_DIR, "clauses.tsv")
    if not os.path.exists(catalogue_path):
        print(f"check_clause_ids: no catalogue at {catalogue_path}", file=sys.stderr)
        return 2
    cat = Catalogue(catalogue_path)
    files = candidate_files(root, args.paths)
    cited = scan(root, files)
    unknown = {i: locs for i, locs in cited.items() if i not in cat.ids}
    suggestions = {i: cat.suggest(i) for i in unknown}

    if args.json:
        doc = dict(
            schema="virtio-sim/clause-citations/1",
            spec_version=cat.meta.get("spec_version", ""), spec_commit=cat.meta.get("spec_commit", ""),
            files_scanned=len(files),
            summary=dict(statements_total=len(cat.ids), cited_ids=len(cited), cited_valid=len(cited) - len(unknown),
                         unknown=len(unknown),
                         blocks_cited=len({i.rpartition("#")[0] for i in cited if i in cat.ids})),
            citations=[dict(id=i, valid=i not in unknown, locations=[dict(file=f, line=n) for f, n in locs],
                            **({"suggestion": suggestions[i][0], "reason": suggestions[i][1]} if i in unknown else {}))
                       for i, locs in sorted(cited.items())])
        json.dump(doc, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif args.list:
        for i, locs in sorted(cited.items()):
            flag = "UNKNOWN" if i in unknown else "ok"
            print(f"{i}\t{flag}\t" + " ".join(f"{f}:{n}" for f, n in locs))
    if unknown and not args.json:
        for i, locs in sorted(unknown.items(), key=lambda kv: kv[1][0]):
            best, why = suggestions[i]
            hint = f"; did you mean '{best}' ({why})?" if best else f" ({why})"
            for f, n in locs:
                print(f"{f}:{n}: unknown clause ID '{i}'{hint}", file=sys.stderr)
        print(f"check_clause_ids: {len(unknown)} unknown clause ID(s) cited; the catalogue is {catalogue_path}",
              file=sys.stderr)
    elif not args.list and not args.json:
        print(f"check_clause_ids: {len(cited)} distinct clause ID(s) cited in {len(files)} files, all in the "
              f"catalogue ({cat.meta.get('spec_version', '?')})")
    return 1 if unknown and not args.exit_zero else 0


if __name__ == "__main__":
    sys.exit(main())
