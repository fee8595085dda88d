#!/usr/bin/python3
"""Render the conformance suite's results.json as one self-contained HTML report.

Usage:
  render_report.py RESULTS_JSON OUT_HTML [--catalogue conformance/spec/clauses.tsv] [--template FILE]

RESULTS_JSON is what `virtio-sim conformance --report-dir DIR` writes to DIR/results.json (schema
"virtio-sim/conformance-results/1"). The page has no external resources: CSS and the small filter script are inline,
so it works opened straight from disk. The template is conformance/report/report.html.j2 (Jinja2).

The catalogue (default: conformance/spec/clauses.tsv next to this script, when it exists) adds the keyword as
written (MUST NOT, SHOULD NOT, ...) to each clause and is checked against the results' spec version.

Exit status: 0 on success, 2 on a missing or malformed input (with a message on stderr), 1 when the output cannot
be written.
"""
import argparse
import csv
import datetime
import hashlib
import json
import os
import re
import sys
from collections import Counter, OrderedDict

SCHEMA = "virtio-sim/conformance-results/1"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_TEMPLATE = os.path.join(ROOT, "conformance", "report", "report.html.j2")
DEFAULT_CATALOGUE = os.path.join(ROOT, "conformance", "spec", "clauses.tsv")

# Outcomes that count as conforming (design notes §5): a mismatch between two of them is not unexpected.
CONFORMING = {"pass", "not_supported", "warning"}
OUTCOME_ORDER = ["pass", "warning", "not_supported", "fail", "harness_error", "timeout", "crash"]
# Outcomes that mean the test did not judge its clauses; they win over per-clause verdicts in a matrix cell.
NOT_JUDGED = {"harness_error", "timeout", "crash", "not_supported"}
STATUS_ORDER = ["covered-fail", "covered-expected-fail", "covered-pass", "untestable", "uncovered"]

# Matrix cell verdicts, worst first wins when several tests cover a clause in one configuration.
CELL = {
    # key: (severity, short text, long text)
    "fail": (8, "FAIL", "fail (unexpected)"),
    "crash": (7, "crash", "crash"),
    "timeout": (6, "timeout", "timeout"),
    "harness_error": (5, "error", "harness error"),
    "xfail": (4, "xfail", "fail (expected)"),
    "warning": (3, "warn", "warning (SHOULD violated)"),
    "pass": (2, "pass", "pass"),
    "not_supported": (1, "n/s", "not supported"),
}


class ReportError(Exception):
    """A problem with the input; exit status 2."""


# ---------------------------------------------------------------------------------------------------------------
# Input


def load_results(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ReportError(f"cannot read results file {path}: {e.strerror or e}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ReportError(f"{path}: not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}") from None
    validate(data, path)
    return data


def _need(obj, key, kind, where):
    if not isinstance(obj, dict) or key not in obj:
        raise ReportError(f"{where}: missing field '{key}'")
    v = obj[key]
    if kind is float:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool)
    elif kind is int:
        ok = isinstance(v, int) and not isinstance(v, bool)
    else:
        ok = isinstance(v, kind)
    if not ok:
        name = {list: "a list", dict: "an object", str: "a string", int: "an integer", float: "a number",
                bool: "a boolean"}[kind]
        raise ReportError(f"{where}: field '{key}' must be {name}, got {type(v).__name__}")
    return v


def validate(d, path):
    """Checks the fields the report reads; raises ReportError naming the first bad one."""
    if not isinstance(d, dict):
        raise ReportError(f"{path}: top level must be a JSON object, got {type(d).__name__}")
    schema = d.get("schema")
    if schema != SCHEMA:
        raise ReportError(f"{path}: schema is {schema!r}, expected {SCHEMA!r} (is this a virtio-sim results.json?)")
    for k in ("generator_version", "git_sha", "spec_version", "spec_commit", "backend", "verdict"):
        _need(d, k, str, path)
    _need(d, "seed", int, path)
    _need(d, "wall_seconds", float, path)
    _need(d, "unexpected", int, path)
    for i, c in enumerate(_need(d, "configurations", list, path)):
        if not isinstance(c, str):
            raise ReportError(f"{path}: configurations[{i}] must be a string")
    for i, s in enumerate(_need(d, "stale_expectations", list, path)):
        if not isinstance(s, str):
            raise ReportError(f"{path}: stale_expectations[{i}] must be a string")
    for i, t in enumerate(_need(d, "tests", list, path)):
        w = f"{path}: tests[{i}]"
        for k in ("id", "config", "target", "kind", "outcome", "expected", "message"):
            _need(t, k, str, w)
        _need(t, "duration_ms", float, w)
        for k in ("clauses", "evidence"):
            if not all(isinstance(x, str) for x in _need(t, k, list, w)):
                raise ReportError(f"{w}: every entry of '{k}' must be a string")
        for j, v in enumerate(t.get("verdicts", [])):
            for k in ("clause", "outcome"):
                _need(v, k, str, f"{w}.verdicts[{j}]")
    for i, c in enumerate(_need(d, "clauses", list, path)):
        w = f"{path}: clauses[{i}]"
        for k in ("id", "section", "target", "strength", "area", "status"):
            _need(c, k, str, w)
        _need(c, "tests", list, w)
    for i, a in enumerate(_need(d, "coverage", list, path)):
        w = f"{path}: coverage[{i}]"
        _need(a, "area", str, w)
        _need(a, "direction", str, w)
        for k in ("must_total", "must_covered", "must_passing", "untestable"):
            _need(a, k, int, w)
    m = _need(d, "mutation", dict, path)
    _need(m, "claimed_checks", int, f"{path}: mutation")
    _need(m, "killed", int, f"{path}: mutation")
    _need(m, "score", float, f"{path}: mutation")
    _need(m, "survivors", list, f"{path}: mutation")


def load_catalogue(path):
    """Returns ({clause id: row}, {provenance key: value}) from clauses.tsv."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise ReportError(f"cannot read catalogue {path}: {e.strerror or e}") from None
    prov = {}
    body = []
    for line in lines:
        if line.startswith("#"):
            for part in line.lstrip("# ").split(";"):
                if "=" in part:
                    k, v = part.strip().split("=", 1)
                    prov[k.strip()] = v.strip()
        elif line.strip():
            body.append(line)
    rows = list(csv.DictReader(body, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or "id" not in rows[0] or "keyword" not in rows[0]:
        raise ReportError(f"{path}: not a clause catalogue (expected a TSV with 'id' and 'keyword' columns)")
    return {r["id"]: r for r in rows}, prov


# ---------------------------------------------------------------------------------------------------------------
# Helpers


class Anchors:
    """Unique, valid HTML ids: a readable slug plus a short hash of the key."""

    def __init__(self):
        self.by_id = {}

    def make(self, prefix, key, readable=None):
        slug = re.sub(r"[^A-Za-z0-9]+", "-", readable if readable is not None else key).strip("-").lower()[:48]
        h = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        anchor = f"{prefix}-{slug}-{h}" if slug else f"{prefix}-{h}"
        other = self.by_id.get(anchor)
        if other is not None and other != (prefix, key):
            n = 2
            while f"{anchor}-{n}" in self.by_id:
                n += 1
            anchor = f"{anchor}-{n}"
        self.by_id[anchor] = (prefix, key)
        return anchor


def section_key(section):
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in section.split("."))


def split_clause(cid):
    """'drivernormative:Reserved Feature Bits#3' -> ('driver', ['Reserved Feature Bits'], 3)."""
    prefix, _, rest = cid.partition(":")
    label, _, n = rest.rpartition("#")
    if not label:
        label, n = rest, ""
    target = prefix[: -len("normative")] if prefix.endswith("normative") else prefix
    parts = [p.strip() for p in label.split(" / ")]
    return target, parts, int(n) if n.isdigit() else 0


def is_unexpected(outcome, expected):
    return outcome != expected and not (outcome in CONFORMING and expected in CONFORMING)


def cell_key(test_outcome, clause_outcome, expected):
    """The matrix cell verdict of one test for one clause."""
    o = test_outcome if test_outcome in NOT_JUDGED else clause_outcome
    if o == "fail":
        return "xfail" if expected != "pass" else "fail"
    return o if o in CELL else "harness_error"


def short_sha(s, n=12):
    return s[:n] if re.fullmatch(r"[0-9a-fA-F]{13,}", s or "") else s


def pct(a, b):
    return 100.0 * a / b if b else 0.0


# ---------------------------------------------------------------------------------------------------------------
# The view the template renders


def build_view(d, results_path, catalogue=None, catalogue_path=None, catalogue_prov=None):
    anchors = Anchors()
    configs = list(d["configurations"])
    for t in d["tests"]:  # a results file from a filtered run still names every configuration it ran
        if t["config"] not in configs:
            configs.append(t["config"])
    # Matrix columns are targets (device type / transport); the personalities of one target fold into its column.
    columns = list(OrderedDict((column_of(c), None) for c in configs))
    personalities = list(OrderedDict((c.split("/")[2], None) for c in configs if c.count("/") >= 2))
    warnings = []
    if catalogue_prov and catalogue_prov.get("spec_version") not in (None, d["spec_version"]):
        warnings.append(f"The catalogue {catalogue_path} is for {catalogue_prov.get('spec_version')}, "
                        f"the results for {d['spec_version']}: keywords may not match.")

    # Clauses first: their anchors are link targets everywhere else.
    clause_by_id = OrderedDict()
    for c in d["clauses"]:
        target, parts, n = split_clause(c["id"])
        cat = (catalogue or {}).get(c["id"])
        clause_by_id[c["id"]] = {
            "id": c["id"],
            "anchor": anchors.make("c", c["id"], f"{c['section']}-{n}-{target}"),
            "section": c["section"],
            "target": c["target"] or target,
            "strength": c["strength"],
            "keyword": cat["keyword"] if cat else c["strength"],
            "area": c["area"],
            "status": c["status"],
            "reason": c.get("reason", ""),
            "evidence": c.get("evidence", ""),
            "claimed_check": bool(c.get("claimed_check")),
            "killed": bool(c.get("killed")),
            "parts": parts,
            "n": n,
            "cells": {},
            "tests": [],
        }
    if catalogue is not None:
        missing = [cid for cid in clause_by_id if cid not in catalogue]
        if missing:
            warnings.append(f"{len(missing)} clause(s) of the results are not in the catalogue {catalogue_path}, "
                            f"e.g. {missing[0]}.")

    # Tests, grouped by ID (one group per test, one row per configuration it ran in).
    groups = OrderedDict()
    results = []
    outcome_counts = Counter()
    for t in d["tests"]:
        key = f"{t['id']}@{t['config']}"
        g = groups.get(t["id"])
        if g is None:
            g = groups[t["id"]] = {
                "id": t["id"],
                "anchor": anchors.make("t", t["id"], t["id"].removeprefix("virtio.")),
                "target": t["target"],
                "kind": t["kind"],
                "clauses": [],
                "clause_ids": set(),
                "results": [],
            }
        for cid in t["clauses"]:
            if cid not in g["clause_ids"]:
                g["clause_ids"].add(cid)
                cl = clause_by_id.get(cid)
                g["clauses"].append({"id": cid, "anchor": cl["anchor"] if cl else None,
                                     "section": cl["section"] if cl else "",
                                     "short": short_label(cid), "status": cl["status"] if cl else "out-of-scope"})
        verdicts = {}
        for v in t.get("verdicts", []):
            verdicts.setdefault(v["clause"], []).append(v)
        unexpected = is_unexpected(t["outcome"], t["expected"])
        outcome_counts[t["outcome"]] += 1
        nonpass = [v for v in t.get("verdicts", []) if v["outcome"] != "pass"]
        r = {
            "id": t["id"],
            "config": t["config"],
            "anchor": anchors.make("r", key, f"{t['id'].removeprefix('virtio.')}-{t['config']}"),
            "group_anchor": g["anchor"],
            "outcome": t["outcome"],
            "expected": t["expected"],
            "expectation_reason": t.get("expectation_reason", ""),
            "unexpected": unexpected,
            "message": t["message"],
            "evidence": [evidence_item(e, clause_by_id) for e in t["evidence"]],
            "duration_ms": t["duration_ms"],
            "n_verdicts": len(t.get("verdicts", [])),
            "verdict_counts": sorted(Counter(v["outcome"] for v in t.get("verdicts", [])).items(),
                                     key=lambda kv: outcome_rank(kv[0])),
            "nonpass_verdicts": [{"clause": v["clause"], "outcome": v["outcome"], "evidence": v.get("evidence", ""),
                                  "anchor": clause_by_id[v["clause"]]["anchor"] if v["clause"] in clause_by_id
                                  else None, "short": short_label(v["clause"])} for v in nonpass],
        }
        g["results"].append(r)
        results.append(r)
        # Matrix cells: every clause the test cites, in the test's configuration.
        for cid in t["clauses"]:
            cl = clause_by_id.get(cid)
            if cl is None:
                continue
            vs = verdicts.get(cid)
            if vs:
                ck = max((cell_key(t["outcome"], v["outcome"], t["expected"]) for v in vs), key=lambda k: CELL[k][0])
            else:
                ck = cell_key(t["outcome"], t["outcome"], t["expected"])
            cell = cl["cells"].setdefault(column_of(t["config"]), {"key": None, "hits": []})
            cell["hits"].append({"key": ck, "test": t["id"], "config": t["config"], "anchor": r["anchor"],
                                 "unexpected": unexpected})
            if cell["key"] is None or CELL[ck][0] > CELL[cell["key"]][0]:
                cell["key"] = ck
                cell["anchor"] = r["anchor"]
            if t["id"] not in [x["id"] for x in cl["tests"]]:
                cl["tests"].append({"id": t["id"], "anchor": g["anchor"], "short": short_test(t["id"])})

    for cl in clause_by_id.values():
        row = []
        for col in columns:
            cell = cl["cells"].get(col)
            if cell is None:
                row.append(None)
                continue
            key = cell["key"]
            worst = [h for h in cell["hits"] if h["key"] != "pass"] or cell["hits"]
            title = "\n".join(f"{h['test']} @ {h['config']}: {CELL[h['key']][2]}"
                              + (" — UNEXPECTED" if h["unexpected"] else "") for h in worst[:8])
            if len(cell["hits"]) > len(worst[:8]):
                title += f"\n(+{len(cell['hits']) - len(worst[:8])} more results)"
            cfg = col
            row.append({"key": key, "text": CELL[key][1], "anchor": cell["anchor"], "count": len(cell["hits"]),
                        "unexpected": any(h["unexpected"] for h in cell["hits"]),
                        "title": f"{cfg}\n{title}"})
        cl["row"] = row

    # Areas, in spec order.
    by_area = OrderedDict()
    for cl in clause_by_id.values():
        by_area.setdefault(cl["area"], []).append(cl)
    areas = []
    for name, cls in by_area.items():
        cls.sort(key=lambda c: (section_key(c["section"]), c["target"], c["parts"], c["n"]))
        common = common_prefix([c["parts"] for c in cls])
        prev_block = None
        for c in cls:
            rel = c["parts"][len(common):]
            c["label"] = " / ".join(rel)
            block = (c["section"], tuple(c["parts"]), c["target"])
            c["block_start"] = block != prev_block
            prev_block = block
        status_counts = Counter(c["status"] for c in cls)
        must = [c for c in cls if c["strength"] == "MUST"]
        covered = sum(1 for c in cls if c["status"].startswith("covered"))
        areas.append({
            "name": name,
            "anchor": anchors.make("area", name),
            "table_anchor": anchors.make("matrix", name),
            "prefix": " / ".join(common),
            "clauses": cls,
            "first_section": cls[0]["section"],
            "n": len(cls),
            "covered": covered,
            "status_counts": [(s, status_counts[s]) for s in STATUS_ORDER if status_counts[s]],
            "must_total": len(must),
            "must_covered": sum(1 for c in must if c["status"].startswith("covered")),
            "open": covered > 0 or any(c["status"] in ("covered-fail", "covered-expected-fail") for c in cls),
        })
    areas.sort(key=lambda a: section_key(a["first_section"]))
    area_anchor = {a["name"]: a["anchor"] for a in areas}

    # Coverage per area x direction, as in the JSON (in spec order), with bar segments.
    cov = []
    order = {a["name"]: i for i, a in enumerate(areas)}
    tot = Counter()
    for a in sorted(d["coverage"], key=lambda a: (order.get(a["area"], len(order)), a["area"], a["direction"])):
        t, c, p, u = a["must_total"], a["must_covered"], a["must_passing"], a["untestable"]
        for k, v in (("t", t), ("c", c), ("p", p), ("u", u)):
            tot[k] += v
        cov.append(coverage_row(a["area"], a["direction"], t, c, p, u, area_anchor.get(a["area"])))
    cov_total = coverage_row("All areas", "both", tot["t"], tot["c"], tot["p"], tot["u"], None)

    # Mutation score.
    m = d["mutation"]
    survivors = OrderedDict((a["name"], []) for a in areas)
    other = []
    for sid in m["survivors"]:
        cl = clause_by_id.get(sid)
        if cl is None:
            other.append({"id": sid, "anchor": None, "section": "", "label": short_label(sid), "keyword": "",
                          "strength": "", "target": ""})
            continue
        survivors[cl["area"]].append({"id": sid, "anchor": cl["anchor"], "section": cl["section"],
                                      "label": f"{cl['label']} #{cl['n']}", "keyword": cl["keyword"],
                                      "strength": cl["strength"], "target": cl["target"]})
    survivor_groups = [{"area": k, "clauses": sorted(v, key=lambda x: (section_key(x["section"]), x["label"]))}
                       for k, v in survivors.items() if v]
    if other:
        survivor_groups.append({"area": "Out of scope", "clauses": other})

    # Uncovered and untestable clauses, grouped by reason, then area.
    uncovered = OrderedDict()
    untestable = []
    for a in areas:
        for c in a["clauses"]:
            if c["status"] == "uncovered":
                uncovered.setdefault(c["reason"] or "no reason given", OrderedDict()).setdefault(a["name"], []).append(c)
            elif c["status"] == "untestable":
                untestable.append(c)
    uncovered_groups = []
    for reason, per_area in sorted(uncovered.items(), key=lambda kv: -sum(len(v) for v in kv[1].values())):
        items = [c for v in per_area.values() for c in v]
        uncovered_groups.append({
            "reason": reason,
            "anchor": anchors.make("uncov", reason),
            "n": len(items),
            "n_must": sum(1 for c in items if c["strength"] == "MUST"),
            "areas": [{"name": k, "clauses": v} for k, v in per_area.items()],
        })

    unexpected = [r for r in results if r["unexpected"]]
    clause_status = Counter(c["status"] for c in clause_by_id.values())
    try:
        finished = datetime.datetime.fromtimestamp(os.path.getmtime(results_path), datetime.timezone.utc)
        finished = finished.strftime("%Y-%m-%d %H:%M UTC")
    except OSError:
        finished = ""
    return {
        "title": f"virtio-sim conformance — {d['spec_version']} — {d['verdict'].upper()}",
        "meta": {
            "spec_version": d["spec_version"],
            "spec_commit": d["spec_commit"],
            "spec_commit_short": short_sha(d["spec_commit"]),
            "tool_version": d["generator_version"],
            "git_sha": d["git_sha"],
            "seed": d["seed"],
            "backend": d["backend"],
            "wall_seconds": d["wall_seconds"],
            "finished": finished,
            "schema": d["schema"],
            "results_path": results_path,
            "catalogue": catalogue_path or "",
        },
        "verdict": d["verdict"],
        "configs": [config_view(c) for c in configs],
        "columns": [config_view(c) for c in columns],
        "personalities": personalities,
        "n_tests": len(d["tests"]),
        "n_test_ids": len(groups),
        "outcome_counts": sorted(outcome_counts.items(), key=lambda kv: outcome_rank(kv[0])),
        "unexpected": unexpected,
        "unexpected_count": d["unexpected"],
        "stale": d["stale_expectations"],
        "warnings": warnings,
        "clause_total": len(clause_by_id),
        "clause_status": [(s, clause_status[s]) for s in STATUS_ORDER if clause_status[s]],
        "coverage": cov,
        "coverage_total": cov_total,
        "mutation": {"claimed": m["claimed_checks"], "killed": m["killed"], "score": m["score"],
                     "score_pct": 100.0 * m["score"], "n_survivors": len(m["survivors"]),
                     "survivor_groups": survivor_groups},
        "areas": areas,
        "tests": list(groups.values()),
        "uncovered_groups": uncovered_groups,
        "untestable": untestable,
        "cell_legend": [(k, v[1], v[2]) for k, v in sorted(CELL.items(), key=lambda kv: -kv[1][0])],
        "status_names": STATUS_ORDER,
        "strengths": sorted({c["strength"] for c in clause_by_id.values()},
                            key=lambda s: ["MUST", "SHOULD", "MAY"].index(s) if s in ("MUST", "SHOULD", "MAY") else 9),
    }


EVIDENCE_RE = re.compile(r"^\[((?:driver|device)normative:[^\]]*#\d+)\]\s*(.*)$", re.S)


def evidence_item(text, clause_by_id):
    """'[clause id] what happened' -> the clause (linked when in scope) and the text."""
    m = EVIDENCE_RE.match(text)
    if not m:
        return {"clause": None, "anchor": None, "short": "", "text": text}
    cl = clause_by_id.get(m.group(1))
    return {"clause": m.group(1), "anchor": cl["anchor"] if cl else None, "short": short_label(m.group(1)),
            "text": m.group(2)}


def outcome_rank(o):
    return OUTCOME_ORDER.index(o) if o in OUTCOME_ORDER else len(OUTCOME_ORDER)


def common_prefix(lists):
    """Longest shared leading components, always leaving at least one component of each label."""
    if not lists:
        return []
    limit = min(len(p) for p in lists) - 1
    out = []
    for i in range(max(limit, 0)):
        v = lists[0][i]
        if all(p[i] == v for p in lists):
            out.append(v)
        else:
            break
    return out


def short_label(cid):
    target, parts, n = split_clause(cid)
    return f"{target}: {' / '.join(parts[-2:]) if len(parts) > 1 else parts[0]} #{n}"


def short_test(tid):
    parts = tid.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else tid


def column_of(config):
    """The matrix column of a configuration "type/transport/personality": "type/transport"."""
    parts = config.split("/")
    return "/".join(parts[:2]) if len(parts) >= 3 else config


def config_view(name):
    parts = name.split("/")
    return {"name": name, "parts": parts}


def coverage_row(area, direction, total, covered, passing, untestable, anchor):
    failing = max(covered - passing, 0)
    rest = max(total - covered - untestable, 0)
    return {
        "area": area, "direction": direction, "anchor": anchor,
        "must_total": total, "must_covered": covered, "must_passing": passing, "untestable": untestable,
        "covered_pct": pct(covered, total), "passing_pct": pct(passing, total),
        "bar": [("pass", pct(passing, total), f"{passing} passing"),
                ("fail", pct(failing, total), f"{failing} covered, not passing"),
                ("untestable", pct(untestable, total), f"{untestable} untestable"),
                ("uncovered", pct(rest, total), f"{rest} uncovered")] if total else [],
    }


# ---------------------------------------------------------------------------------------------------------------


def wbr(text):
    """Escapes text and lets the browser break it after '.' and '/' (long dotted IDs in narrow columns)."""
    from markupsafe import Markup, escape
    return Markup("<wbr>").join(escape(p) for p in re.split(r"(?<=[./])", str(text)))


def render(view, template_path):
    try:
        import jinja2
    except ImportError:
        raise ReportError("Jinja2 is missing: apt-get install python3-jinja2 (and run with /usr/bin/python3)") from None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.dirname(os.path.abspath(template_path))),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: f"{v:.0f}%"
    env.filters["wbr"] = wbr
    try:
        template = env.get_template(os.path.basename(template_path))
    except jinja2.TemplateNotFound:
        raise ReportError(f"template not found: {template_path}") from None
    return template.render(**view)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Render virtio-sim conformance results.json as a self-contained HTML "
                                             "report.")
    ap.add_argument("results", metavar="RESULTS_JSON")
    ap.add_argument("out", metavar="OUT_HTML")
    ap.add_argument("--catalogue", help="clauses.tsv for keywords (default: conformance/spec/clauses.tsv when "
                                        "present; 'none' to skip)")
    ap.add_argument("--template", default=DEFAULT_TEMPLATE, help="Jinja2 template (default: %(default)s)")
    args = ap.parse_args(argv)
    prog = os.path.basename(sys.argv[0]) if argv is None else "render_report.py"
    try:
        data = load_results(args.results)
        catalogue = prov = None
        cat_path = args.catalogue
        if cat_path is None and os.path.exists(DEFAULT_CATALOGUE):
            cat_path = DEFAULT_CATALOGUE
        if cat_path and cat_path != "none":
            catalogue, prov = load_catalogue(cat_path)
        else:
            cat_path = None
        view = build_view(data, args.results, catalogue, cat_path, prov)
        html = render(view, args.template)
    except ReportError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2
    try:
        out_dir = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(out_dir, exist_ok=True)
        tmp = args.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(html)
        os.replace(tmp, args.out)
    except OSError as e:
        print(f"{prog}: error: cannot write {args.out}: {e.strerror or e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
