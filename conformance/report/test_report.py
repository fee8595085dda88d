#!/usr/bin/python3
"""ctest `conformance_html_report`: run the real suite, render the HTML report, and check it.

Usage: test_report.py VIRTIO_SIM SOURCE_DIR

1. Runs `VIRTIO_SIM conformance --report-dir TMP/run` (the full suite; a few seconds). Its verdict does not matter
   here, only that it wrote results.json.
2. Renders TMP/run/report.html with scripts/render_report.py and checks it with html.parser: it parses with
   balanced tags, has no external resources, unique ids, every href="#..." resolves, one matrix table per area with
   one row per clause (every clause of the JSON, with its status), one cell per configuration whose verdict matches
   the tests list, coverage numbers equal to the JSON, every test result, survivor and uncovered clause listed.
3. Does the same for a synthetic variant of the same results (an expected failure, an unexpected failure, a harness
   error, a stale expectation) and checks the failing verdict and the alerts.
4. Checks the error path: missing / malformed / wrong-schema input exits 2 with a message and no traceback.

Plain Python, no pytest. Exit status 0 on success, 1 on failure (the temporary directory is kept and named).
"""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NOT_JUDGED = {"harness_error", "timeout", "crash", "not_supported"}
SEVERITY = ["not_supported", "pass", "warning", "xfail", "harness_error", "timeout", "crash", "fail"]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        if len(failures) <= 40:
            print(f"FAIL: {what}", file=sys.stderr)
    return cond


# ---------------------------------------------------------------------------------------------------------------
# A small DOM built with html.parser, strict about tag balance.


class Node:
    __slots__ = ("tag", "attrs", "children", "parent", "text_parts")

    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text_parts = [], []

    def text(self):
        out = list(self.text_parts)
        for c in self.children:
            out.append(c.text())
        return "".join(out)

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        for n in self.iter():
            if tag and n.tag != tag:
                continue
            if cls and cls not in n.attrs.get("class", "").split():
                continue
            if any(n.attrs.get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            yield n

    def find(self, *a, **k):
        return next(self.find_all(*a, **k), None)


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root
        self.errors = []
        self.doctype = None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.cur.tag != tag:
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> closes <{self.cur.tag}>")
            n = self.cur
            while n is not None and n.tag != tag:
                n = n.parent
            if n is None:
                return
            self.cur = n
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.text_parts.append(data)


def parse(path):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    p = Dom()
    p.feed(src)
    p.close()
    return p, src


# ---------------------------------------------------------------------------------------------------------------


def column_of(config):
    """Matrix column of a configuration: "type/transport" (personalities fold into it)."""
    parts = config.split("/")
    return "/".join(parts[:2]) if len(parts) >= 3 else config


def columns_of(data):
    cols = []
    for c in list(data["configurations"]) + [t["config"] for t in data["tests"]]:
        if column_of(c) not in cols:
            cols.append(column_of(c))
    return cols


def expected_cells(data):
    """{(clause, column): verdict} from the tests list, as the brief defines it (worst over the column's
    configurations)."""
    cells = {}
    for t in data["tests"]:
        per_clause = {}
        for v in t.get("verdicts", []):
            per_clause.setdefault(v["clause"], []).append(v["outcome"])
        for c in t["clauses"]:
            outs = [t["outcome"]] if t["outcome"] in NOT_JUDGED else per_clause.get(c, [t["outcome"]])
            for o in outs:
                if o == "fail":
                    o = "xfail" if t["expected"] != "pass" else "fail"
                col = column_of(t["config"])
                old = cells.get((c, col))
                if old is None or SEVERITY.index(o) > SEVERITY.index(old):
                    cells[(c, col)] = o
    return cells


def check_report(html_path, data, label):
    n_fail = len(failures)
    p, src = parse(html_path)
    root = p.root
    check(not p.errors, f"{label}: tags balance ({p.errors[:3]})")
    check(p.cur is root, f"{label}: every element is closed (still open: <{p.cur.tag}>)")
    check(p.doctype and p.doctype.lower() == "doctype html", f"{label}: has <!DOCTYPE html>")
    check(root.find("title") is not None and root.find("style") is not None, f"{label}: has a title and inline CSS")

    # Self-contained.
    for n in root.iter():
        if n.tag == "link":
            check(False, f"{label}: no <link> elements (found {n.attrs})")
        if n.tag in ("script", "img", "iframe", "embed", "source", "audio", "video") and n.attrs.get("src"):
            check(n.attrs["src"].startswith("data:"), f"{label}: external resource {n.tag} src={n.attrs['src']}")
        href = n.attrs.get("href")
        if href is not None:
            check(href.startswith("#"), f"{label}: only in-page links (found href={href!r})")
    check("@import" not in src and "url(http" not in src, f"{label}: no @import or remote url() in CSS")

    # Ids unique; links resolve.
    ids = {}
    for n in root.iter():
        i = n.attrs.get("id")
        if i is not None:
            check(i not in ids, f"{label}: id {i!r} is unique")
            check(i and not any(ch.isspace() for ch in i), f"{label}: id {i!r} is a valid id")
            ids[i] = n
    hrefs = [n.attrs["href"] for n in root.iter() if n.attrs.get("href", "").startswith("#")]
    check(len(hrefs) > 100, f"{label}: plenty of in-page links ({len(hrefs)})")
    bad = sorted({h for h in hrefs if h[1:] not in ids})
    check(not bad, f"{label}: every href='#...' resolves ({len(bad)} do not, e.g. {bad[:3]})")

    # Header.
    v = root.find(id="verdict")
    check(v is not None and v.attrs.get("data-verdict") == data["verdict"], f"{label}: verdict {data['verdict']}")
    check(v is not None and data["verdict"].upper() in v.text(), f"{label}: verdict shown")
    uc = root.find(id="unexpected-count")
    check(uc is not None and uc.text().strip() == str(data["unexpected"]), f"{label}: unexpected count")
    sc = root.find(id="stale-count")
    check(sc is not None and sc.text().strip() == str(len(data["stale_expectations"])), f"{label}: stale count")
    counts = {}
    for t in data["tests"]:
        counts[t["outcome"]] = counts.get(t["outcome"], 0) + 1
    oc = root.find(id="outcome-counts")
    shown = {n.attrs["data-outcome"]: n.text().split()[0] for n in oc.find_all(tag="span")} if oc else {}
    check(shown == {k: str(n) for k, n in counts.items()}, f"{label}: outcome counts {shown} == {counts}")
    for key in ("spec_version", "spec_commit", "git_sha", "generator_version"):
        check(data[key][:12] in src, f"{label}: header shows {key}")
    for c in data["configurations"]:
        check(c in src, f"{label}: configuration {c} shown")
    if data["stale_expectations"]:
        st = root.find(id="stale")
        check(st is not None and all(s in st.text() for s in data["stale_expectations"]), f"{label}: stale listed")

    # Coverage table.
    rows = list(root.find_all(tag="tr", cls="cov"))
    check(len(rows) == len(data["coverage"]), f"{label}: {len(rows)} coverage rows == {len(data['coverage'])}")
    for a in data["coverage"]:
        r = root.find(tag="tr", cls="cov", data_area=a["area"], data_direction=a["direction"])
        if not check(r is not None, f"{label}: coverage row {a['area']}/{a['direction']}"):
            continue
        got = {k: r.find(cls=f"k-{k}").text().strip() for k in ("covered", "total", "passing", "untestable")}
        want = {"covered": str(a["must_covered"]), "total": str(a["must_total"]), "passing": str(a["must_passing"]),
                "untestable": str(a["untestable"])}
        check(got == want, f"{label}: coverage {a['area']}/{a['direction']}: {got} == {want}")

    # Matrix: one table per area, one row per clause, one cell per configuration.
    configs = columns_of(data)
    cells = expected_cells(data)
    clauses_of = {(t["id"], t["config"]): set(t["clauses"]) for t in data["tests"]}
    result_rows = {(n.attrs.get("data-test"), n.attrs.get("data-config")): n
                   for n in root.find_all(tag="tr", cls="result")}
    areas = {}
    for c in data["clauses"]:
        areas.setdefault(c["area"], []).append(c)
    tables = list(root.find_all(tag="table", cls="matrix"))
    check(len(tables) == len(areas), f"{label}: {len(tables)} matrix tables == {len(areas)} areas")
    seen = set()
    n_cells = 0
    for area, cls in areas.items():
        t = root.find(tag="table", cls="matrix", data_area=area)
        if not check(t is not None, f"{label}: matrix table for {area}"):
            continue
        heads = [th.attrs.get("title") for th in t.find_all(tag="th", cls="cfg")]
        check(heads == configs, f"{label}: {area}: one column per target (type/transport), in order")
        trs = list(t.find_all(tag="tr", cls="clause"))
        check(len(trs) == len(cls) > 0, f"{label}: {area}: {len(trs)} rows == {len(cls)} clauses")
        by_id = {c["id"]: c for c in cls}
        for tr in trs:
            cid = tr.attrs.get("data-clause")
            if not check(cid in by_id, f"{label}: {area}: row {cid} belongs here"):
                continue
            seen.add(cid)
            c = by_id[cid]
            check(tr.attrs.get("data-status") == c["status"], f"{label}: {cid}: status {c['status']}")
            check(c["section"] in tr.find(tag="td", cls="sec").text(), f"{label}: {cid}: section shown")
            check(c["strength"] == tr.attrs.get("data-strength"), f"{label}: {cid}: strength")
            tds = list(tr.find_all(tag="td", cls="v"))
            if not check(len(tds) == len(configs), f"{label}: {cid}: {len(tds)} cells == {len(configs)} configs"):
                continue
            for cfg, td in zip(configs, tds):
                n_cells += 1
                want = cells.get((cid, cfg), "none")
                got = td.attrs.get("data-verdict")
                check(got == want, f"{label}: cell {cid} @ {cfg}: {got} == {want}")
                a = td.find(tag="a")
                if want == "none":
                    check(a is None, f"{label}: empty cell {cid} @ {cfg} has no link")
                    continue
                if not check(a is not None, f"{label}: cell {cid} @ {cfg} links to a test"):
                    continue
                target = ids.get(a.attrs["href"][1:])
                tcfg = target.attrs.get("data-config", "") if target is not None else ""
                check(target is not None and column_of(tcfg) == cfg
                      and cid in clauses_of.get((target.attrs.get("data-test"), tcfg), ()),
                      f"{label}: cell {cid} @ {cfg} links to a result of that target citing the clause")
            for link in tr.find(tag="td", cls="tests").find_all(tag="a"):
                g = ids.get(link.attrs["href"][1:])
                check(g is not None and g.attrs.get("id", "").startswith("t-"), f"{label}: {cid}: test link")
    missing = [c["id"] for c in data["clauses"] if c["id"] not in seen]
    check(not missing, f"{label}: every clause of the JSON has a matrix row ({len(missing)} missing: {missing[:2]})")
    check(n_cells == len(data["clauses"]) * len(configs), f"{label}: {n_cells} cells")

    # Tests section.
    check(len(result_rows) == len(data["tests"]), f"{label}: {len(result_rows)} result rows == {len(data['tests'])}")
    for t in data["tests"]:
        r = result_rows.get((t["id"], t["config"]))
        if not check(r is not None, f"{label}: result row {t['id']} @ {t['config']}"):
            continue
        check(r.attrs.get("data-outcome") == t["outcome"] and r.attrs.get("data-expected") == t["expected"],
              f"{label}: {t['id']} @ {t['config']}: outcome/expected")
        if t["message"]:
            check(t["message"] in r.text(), f"{label}: {t['id']} @ {t['config']}: message shown")
    links_by_title = {}
    for a in root.find_all(tag="a"):
        links_by_title.setdefault(a.attrs.get("title"), []).append(a)
    for t in data["tests"]:  # clause links of each test go back to the clause rows
        for c in t["clauses"]:
            if c in seen:
                check(any(ids.get(a.attrs["href"][1:]) is not None
                          and ids[a.attrs["href"][1:]].attrs.get("data-clause") == c
                          for a in links_by_title.get(c, ())), f"{label}: {c} linked")
            break  # the first clause of each test is enough (the builtin workloads cite 50+)

    # Mutation survivors, uncovered and untestable clauses.
    surv = {n.attrs["data-survivor"] for n in root.find_all(tag="li") if "data-survivor" in n.attrs}
    check(surv == set(data["mutation"]["survivors"]), f"{label}: every survivor listed ({len(surv)})")
    unc = {n.attrs["data-uncovered"] for n in root.find_all(tag="li") if "data-uncovered" in n.attrs}
    want = {c["id"] for c in data["clauses"] if c["status"] == "uncovered"}
    check(unc == want, f"{label}: every uncovered clause listed ({len(unc)} == {len(want)})")
    unt = {n.attrs["data-untestable"] for n in root.find_all(tag="tr") if "data-untestable" in n.attrs}
    check(unt == {c["id"] for c in data["clauses"] if c["status"] == "untestable"}, f"{label}: untestable listed")
    for c in data["clauses"]:
        if c["status"] in ("uncovered", "untestable") and c.get("reason"):
            check(c["reason"] in src, f"{label}: reason shown for {c['id']}")
            break
    print(f"{label}: {len(data['clauses'])} clauses in {len(areas)} areas, {n_cells} cells, {len(hrefs)} links, "
          f"{len(ids)} ids — {'ok' if len(failures) == n_fail else 'FAILED'}")
    return root, ids


def synthetic(data):
    """The real results with an expected failure, an unexpected failure, a harness error and a stale line."""
    d = copy.deepcopy(data)
    with_verdicts = next(t for t in d["tests"] if t.get("verdicts"))
    v = with_verdicts["verdicts"][0]
    v["outcome"], v["evidence"] = "fail", "synthetic: expected failure"
    with_verdicts.update(outcome="fail", expected="fail", expectation_reason="Issue 1: synthetic",
                         message="synthetic expected failure")
    others = [t for t in d["tests"] if not t.get("verdicts") and t["clauses"]]
    unexpected, broken = others[0], others[-1]
    unexpected.update(outcome="fail", message="synthetic unexpected <failure> & escaping",
                      evidence=unexpected["evidence"] + ["[" + unexpected["clauses"][0] + "] synthetic violation"])
    broken.update(outcome="harness_error", message="exception: synthetic")
    for cl in d["clauses"]:
        if cl["id"] == v["clause"]:
            cl["status"] = "covered-expected-fail"
        if cl["id"] == unexpected["clauses"][0]:
            cl["status"], cl["evidence"] = "covered-fail", "synthetic violation"
    d["stale_expectations"] = ["tlm.txt:3: virtio.synthetic.* fail"]
    d["unexpected"] = sum(1 for t in d["tests"] if t["outcome"] != t["expected"]
                          and not ({t["outcome"], t["expected"]} <= {"pass", "warning", "not_supported"}))
    d["verdict"] = "fail"
    return d, unexpected, (v["clause"], column_of(with_verdicts["config"]))


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    vsim, src_dir = sys.argv[1], sys.argv[2]
    render = os.path.join(src_dir, "scripts", "render_report.py")
    py = sys.executable or "/usr/bin/python3"
    if not os.access(vsim, os.X_OK):
        print(f"FAIL: {vsim} is not an executable (build the virtio-sim target first)", file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="vsim-report-test-")
    try:
        # 1. The real suite.
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        rd = os.path.join(tmp, "run")
        r = run([vsim, "conformance", "--report-dir", rd], env=env, timeout=240)
        results = os.path.join(rd, "results.json")
        if not check(r.returncode in (0, 1) and os.path.exists(results),
                     f"virtio-sim conformance wrote results.json (exit {r.returncode}): {r.stderr[-500:]}"):
            raise SystemExit
        with open(results, encoding="utf-8") as f:
            data = json.load(f)

        # 2. Render and check.
        out = os.path.join(rd, "report.html")
        r = run([py, render, results, out])
        if not check(r.returncode == 0 and os.path.exists(out), f"render_report.py succeeded: {r.stderr}"):
            raise SystemExit
        check_report(out, data, "real run")

        # 3. Synthetic failures.
        sd, unexpected, xfail_cell = synthetic(data)
        sj = os.path.join(tmp, "synthetic.json")
        with open(sj, "w", encoding="utf-8") as f:
            json.dump(sd, f)
        so = os.path.join(tmp, "synthetic.html")
        r = run([py, render, sj, so])
        if check(r.returncode == 0, f"render_report.py on the synthetic results: {r.stderr}"):
            root, ids = check_report(so, sd, "synthetic")
            alert = root.find(id="unexpected")
            check(alert is not None and unexpected["id"] in alert.text(), "synthetic: unexpected result listed")
            check(alert is not None and "synthetic unexpected <failure> & escaping" in alert.text(),
                  "synthetic: message escaped and shown")
            cells = expected_cells(sd)
            check(cells.get(xfail_cell) == "xfail", "synthetic: expected failure gives an xfail cell")
            check(cells.get((unexpected["clauses"][0], column_of(unexpected["config"]))) == "fail",
                  "synthetic: unexpected failure gives a FAIL cell")

        # 4. Errors: exit 2 with a message, no traceback.
        bad_json = os.path.join(tmp, "bad.json")
        with open(results, encoding="utf-8") as f:
            text = f.read()
        cases = {"missing file": (os.path.join(tmp, "nope.json"), "cannot read"),
                 "malformed JSON": (bad_json, "not valid JSON")}
        with open(bad_json, "w", encoding="utf-8") as f:
            f.write(text[: len(text) // 2])
        wrong = dict(data, schema="something/else/1")
        for name, obj, needle in (("wrong schema", wrong, "schema"),
                                  ("missing field", {k: v for k, v in data.items() if k != "tests"}, "'tests'"),
                                  ("bad field type", dict(data, tests={}), "must be a list")):
            pth = os.path.join(tmp, name.replace(" ", "_") + ".json")
            with open(pth, "w", encoding="utf-8") as f:
                json.dump(obj, f)
            cases[name] = (pth, needle)
        for name, (pth, needle) in cases.items():
            r = run([py, render, pth, os.path.join(tmp, "err.html")])
            check(r.returncode == 2, f"{name}: exit 2 (got {r.returncode})")
            check(needle in r.stderr and "Traceback" not in r.stderr, f"{name}: clear message ({r.stderr.strip()!r})")
        check(not os.path.exists(os.path.join(tmp, "err.html")), "no output written on an input error")
    except SystemExit:
        pass
    except subprocess.TimeoutExpired as e:
        check(False, f"timed out: {e}")
    if failures:
        print(f"{len(failures)} check(s) failed; files kept in {tmp}", file=sys.stderr)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print("conformance_html_report: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
