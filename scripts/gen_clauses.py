#!/usr/bin/env python3
"""Generate the clause catalogue (conformance/spec/) from a virtio spec LaTeX checkout.

Usage: gen_clauses.py SPEC_DIR OUT_DIR [--check-against SPEC_DIR/normative-blocks.tsv]

Walks the spec the way LaTeX does (main.tex and its \\input files, in order), replays the
sectioning counters, finds every normative block (\\drivernormative / \\devicenormative
macros, and plain headings titled "Driver/Device Requirements:" carrying such labels), and
splits each block into statements: one per RFC-2119 keyword occurrence, numbered in
document order from 1.  A statement ID is "<block label>#<n>".

No requirement text is written out: each statement carries only its keyword and a short hash
of its normalised sentence, so that a spec edit that changes a statement is detected.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

LEVELS = ["chapter", "section", "subsection", "subsubsection", "paragraph", "subparagraph"]
HEADING_RE = re.compile(r"\\(chapter|section|subsection|subsubsection|paragraph|subparagraph)\*?(\[[^\]]*\])?\{")
NORM_RE = re.compile(r"\\(driver|device)normative\{\\(chapter|section|subsection|subsubsection|paragraph|subparagraph)\}\{")
LABEL_RE = re.compile(r"\\label\{")
INPUT_RE = re.compile(r"\\input\{([^}]*)\}")
APPENDIX_RE = re.compile(r"\\appendix\b")
# Longest alternatives first so that "MUST NOT" is one statement, not "MUST" plus noise.
KEYWORD_RE = re.compile(r"(?<![A-Za-z_])(MUST\s+NOT|SHOULD\s+NOT|SHALL\s+NOT|NOT\s+RECOMMENDED|MUST|SHOULD|SHALL|MAY|REQUIRED|RECOMMENDED|OPTIONAL)(?![A-Za-z_])")
KEYWORD_COLUMNS = ["MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY", "REQUIRED", "SHALL", "RECOMMENDED", "OPTIONAL"]


def strip_comments(line):
    out = []
    i = 0
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            out.append(line[i:i + 2])
            i += 2
            continue
        if c == "%":
            break
        out.append(c)
        i += 1
    return "".join(out)


def read_balanced(text, pos):
    """text[pos-1] is '{'; return (content, index after the matching '}')."""
    depth = 1
    i = pos
    while i < len(text) and depth:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
        i += 1
    return text[pos:i - 1], i


def norm_ws(s):
    return re.sub(r"\s+", " ", s).strip()


class Source:
    """The spec flattened in LaTeX input order, with a map from offset back to file:line."""

    def __init__(self, spec_dir):
        self.spec_dir = spec_dir
        self.text_parts = []
        self.marks = []  # (offset, file, first_line)
        self.length = 0
        self._include("main.tex")
        self.text = "".join(self.text_parts)

    def _include(self, rel):
        path = os.path.join(self.spec_dir, rel if rel.endswith(".tex") else rel + ".tex")
        if not os.path.exists(path):
            return  # title pages, changelogs etc. are not part of the reference copy
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        relname = os.path.relpath(path, self.spec_dir)
        buf_start_line = 1
        buf = []
        for n, raw in enumerate(lines, start=1):
            line = strip_comments(raw)
            m = INPUT_RE.search(line)
            if m:
                buf.append(line[:m.start()])
                self._emit(relname, buf_start_line, buf)
                self._include(m.group(1))
                buf = [line[m.end():]]
                buf_start_line = n
                continue
            buf.append(line)
        self._emit(relname, buf_start_line, buf)

    def _emit(self, relname, first_line, buf):
        chunk = "\n".join(buf) + "\n"
        self.marks.append((self.length, relname, first_line))
        self.text_parts.append(chunk)
        self.length += len(chunk)

    def where(self, offset):
        lo, hi = 0, len(self.marks) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.marks[mid][0] <= offset:
                lo = mid
            else:
                hi = mid - 1
        start, f, line = self.marks[lo]
        return f, line + self.text[start:offset].count("\n")


def latex_to_plain(s):
    s = re.sub(r"\\(field|emph|textbf|texttt|code|ref|nameref)\{([^{}]*)\}", r"\2", s)
    s = re.sub(r"\\(begin|end)\{[^}]*\}", " ", s)
    s = re.sub(r"\\label\{[^}]*\}", " ", s)
    s = re.sub(r"\\[a-zA-Z]+\*?", " ", s)
    s = re.sub(r"[{}$~]", " ", s)
    s = s.replace("\\_", "_").replace("\\&", "&")
    return norm_ws(s)


SENTENCE_BREAK_RE = re.compile(r"(\.\s)|(\\item\b)|(\n\s*\n)|(\\(begin|end)\{[^}]*\})|(:\s*\n)")


def sentence_around(text, start, end):
    """The sentence holding text[start:end], bounded by '.', \\item, blank lines, environments."""
    lo = 0
    for m in SENTENCE_BREAK_RE.finditer(text, 0, start):
        lo = m.end()
    m = SENTENCE_BREAK_RE.search(text, end)
    hi = m.start() + 1 if m else len(text)
    return lo, hi


def collect_events(src):
    """Headings (with level, title, labels right after) and the \\appendix switch, in order."""
    text = src.text
    events = []
    for m in NORM_RE.finditer(text):
        title, after = read_balanced(text, m.end())
        while text[after].isspace():
            after += 1
        if text[after] != "{":
            f, line = src.where(m.start())
            sys.exit(f"gen_clauses: {f}:{line}: normative macro without a label argument")
        label, end = read_balanced(text, after + 1)
        events.append(dict(kind="norm", target=m.group(1), level=m.group(2), title=norm_ws(title),
                           label=norm_ws(f"{m.group(1)}normative:{label}"), start=m.start(), body=end))
    for m in HEADING_RE.finditer(text):
        # skip the "#1{" inside the \newcommand definitions of commands.tex (not in flattened text)
        title, end = read_balanced(text, m.end())
        labels = []
        j = end
        while True:
            lm = re.compile(r"\s*\\label\{").match(text, j)
            if not lm:
                break
            lab, j = read_balanced(text, lm.end())
            labels.append(norm_ws(lab))
        events.append(dict(kind="heading", level=m.group(1), title=norm_ws(title), labels=labels,
                           start=m.start(), body=end))
    for m in APPENDIX_RE.finditer(text):
        events.append(dict(kind="appendix", start=m.start()))
    events.sort(key=lambda e: e["start"])
    return events


def number_sections(events):
    counters = [0] * len(LEVELS)
    appendix = False
    chapter_title = ""
    for e in events:
        if e["kind"] == "appendix":
            appendix = True
            counters = [0] * len(LEVELS)
            continue
        lvl = LEVELS.index(e["level"])
        counters[lvl] += 1
        for k in range(lvl + 1, len(LEVELS)):
            counters[k] = 0
        if lvl == 0:
            chapter_title = e["title"]
        parts = [str(c) for c in counters[:lvl + 1]]
        if appendix:
            parts[0] = chr(ord("A") + counters[0] - 1)
        e["section"] = ".".join(parts)
        e["chapter"] = chapter_title
        e["appendix"] = appendix


def find_blocks(src, events):
    headings = [e for e in events if e["kind"] != "appendix"]
    blocks = []
    for i, e in enumerate(headings):
        if e["kind"] == "norm":
            label, alt = e["label"], []
            target = e["target"]
        else:
            norm_labels = [l for l in e["labels"] if re.match(r"(driver|device)normative:", l)]
            m = re.match(r"(Driver|Device) Requirements:", e["title"])
            if not norm_labels or not m:
                continue
            target = m.group(1).lower()
            own = [l for l in norm_labels if l.startswith(target + "normative:")]
            label = own[0] if own else norm_labels[0]
            alt = [l for l in norm_labels if l != label]
        lvl = LEVELS.index(e["level"])
        end = len(src.text)
        child = False
        # A block runs to the next heading of any level (a deeper child heading, such as a
        # "Legacy Interface" paragraph, starts its own text and is not part of the block).
        for f in headings[i + 1:]:
            end = f["start"]
            child = f["kind"] == "heading" and LEVELS.index(f["level"]) > lvl
            break
        body = src.text[e["body"]:end]
        f, line = src.where(e["start"])
        blocks.append(dict(id=label, target=target, section=e["section"], level=e["level"],
                           title=e["title"], chapter=e["chapter"], file=f, line=line,
                           alt_labels=alt, has_child_heading=child, body=body,
                           how="macro" if e["kind"] == "norm" else "plain-heading",
                           legacy="Legacy Interface" in e["title"] or "Legacy Interface" in label))
    return blocks


def split_statements(block):
    body = block["body"]
    stmts = []
    per_sentence = {}
    for n, m in enumerate(KEYWORD_RE.finditer(body), start=1):
        kw = norm_ws(m.group(1))
        lo, hi = sentence_around(body, m.start(), m.end())
        sentence = latex_to_plain(body[lo:hi])
        ordinal = per_sentence.get((lo, hi), 0)
        per_sentence[(lo, hi)] = ordinal + 1
        digest = hashlib.sha256(f"{sentence}|{ordinal}".encode()).hexdigest()[:12]
        strength = kw.replace(" NOT", "").replace("NOT ", "")
        strength = {"SHALL": "MUST", "REQUIRED": "MUST", "RECOMMENDED": "SHOULD", "OPTIONAL": "MAY"}.get(strength, strength)
        stmts.append(dict(id=f"{block['id']}#{n}", block=block["id"], n=n, keyword=kw, strength=strength,
                          negative=("NOT" in kw.split()), text_hash=digest, sentence=sentence))
    return stmts


def spec_identity(spec_dir):
    commit, version = "unknown", "unknown"
    try:
        commit = subprocess.check_output(["git", "-C", spec_dir, "rev-parse", "HEAD"], stderr=subprocess.DEVNULL,
                                         text=True).strip()
    except Exception:
        readme = os.path.join(spec_dir, "README.md")
        if os.path.exists(readme):
            txt = open(readme, encoding="utf-8").read()
            m = re.search(r"Commit:\s*`([0-9a-f]{40})`", txt)
            if m:
                commit = m.group(1)
    rev = os.path.join(spec_dir, "REVISION")
    if os.path.exists(rev):
        version = open(rev).read().strip()
    else:
        readme = os.path.join(spec_dir, "README.md")
        if os.path.exists(readme):
            m = re.search(r"`REVISION` file: `([^`]+)`", open(readme, encoding="utf-8").read())
            if m:
                version = m.group(1)
    return version, commit


def subarea(block):
    """Second component of the label: 'Virtqueues', 'Network Device', 'Virtio Over PCI Bus', ..."""
    parts = [p.strip() for p in block["id"].split(":", 1)[1].split("/")]
    return parts[1] if len(parts) > 1 else parts[0]


def check_against(blocks, stmts_by_block, tsv_path):
    """Cross-check block IDs, section numbers and keyword counts with the reference index."""
    import csv
    with open(tsv_path, encoding="utf-8") as f:
        ref = {r["id"]: r for r in csv.DictReader(f, delimiter="\t")}
    mine = {b["id"]: b for b in blocks}
    problems = []
    for k in ref.keys() - mine.keys():
        problems.append(f"missing block {k}")
    for k in mine.keys() - ref.keys():
        problems.append(f"extra block {k}")
    for k in ref.keys() & mine.keys():
        counts = {c: 0 for c in KEYWORD_COLUMNS}
        for s in stmts_by_block[k]:
            kw = {"SHALL NOT": "SHALL"}.get(s["keyword"], s["keyword"])  # the index has no SHALL_NOT column
            counts[kw] = counts.get(kw, 0) + 1
        for c in KEYWORD_COLUMNS:
            col = c.replace(" ", "_")
            if col in ref[k] and int(ref[k][col]) != counts.get(c, 0):
                problems.append(f"{k}: {c} count {counts.get(c, 0)} != reference {ref[k][col]}")
        if ref[k]["section"] != mine[k]["section"]:
            problems.append(f"{k}: section {mine[k]['section']} != reference {ref[k]['section']} (informational)")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("spec_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--check-against", help="normative-blocks.tsv to cross-check counts with")
    ap.add_argument("--show", metavar="REGEX",
                    help="developer aid: print the statements of matching blocks with their spec sentence "
                         "(to the terminal only; never commit the output) and write nothing")
    args = ap.parse_args()

    src = Source(args.spec_dir)
    events = collect_events(src)
    number_sections(events)
    blocks = find_blocks(src, events)
    stmts_by_block = {b["id"]: split_statements(b) for b in blocks}
    version, commit = spec_identity(args.spec_dir)

    if args.show:
        for b in blocks:
            if re.search(args.show, b["id"]):
                for st in stmts_by_block[b["id"]]:
                    print(f"{st['id']}\t[{st['keyword']}] {st['sentence']}")
        return

    if args.check_against:
        problems = check_against(blocks, stmts_by_block, args.check_against)
        hard = [p for p in problems if "informational" not in p]
        for p in problems:
            print("check:", p, file=sys.stderr)
        if hard:
            sys.exit(f"gen_clauses: {len(hard)} disagreement(s) with {args.check_against}")

    os.makedirs(args.out_dir, exist_ok=True)
    header = f"# virtio-sim clause catalogue; spec_version={version}; spec_commit={commit}; generator=scripts/gen_clauses.py v1\n"
    with open(os.path.join(args.out_dir, "blocks.tsv"), "w", encoding="utf-8") as f:
        f.write(header)
        f.write("id\ttarget\tsection\tlevel\ttitle\tchapter\tsubarea\tstatements\tlegacy\thow\talt_labels\tfile\tline\n")
        for b in blocks:
            f.write("\t".join([b["id"], b["target"], b["section"], b["level"], b["title"], b["chapter"], subarea(b),
                               str(len(stmts_by_block[b["id"]])), "yes" if b["legacy"] else "no", b["how"],
                               ";".join(b["alt_labels"]), b["file"], str(b["line"])]) + "\n")
    with open(os.path.join(args.out_dir, "clauses.tsv"), "w", encoding="utf-8") as f:
        f.write(header)
        f.write("id\tblock\tn\ttarget\tsection\tchapter\tsubarea\tkeyword\tstrength\ttext_hash\n")
        for b in blocks:
            for s in stmts_by_block[b["id"]]:
                f.write("\t".join([s["id"], b["id"], str(s["n"]), b["target"], b["section"], b["chapter"], subarea(b),
                                   s["keyword"], s["strength"], s["text_hash"]]) + "\n")
    doc = dict(schema="virtio-sim/clauses/1", spec_version=version, spec_commit=commit,
               generator="scripts/gen_clauses.py v1",
               blocks=[dict(id=b["id"], target=b["target"], section=b["section"], title=b["title"],
                            chapter=b["chapter"], subarea=subarea(b), legacy=b["legacy"], alt_labels=b["alt_labels"],
                            statements=[dict(n=s["n"], keyword=s["keyword"], strength=s["strength"],
                                             text_hash=s["text_hash"]) for s in stmts_by_block[b["id"]]])
                       for b in blocks])
    with open(os.path.join(args.out_dir, "clauses.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")
    nst = sum(len(v) for v in stmts_by_block.values())
    print(f"gen_clauses: {len(blocks)} blocks, {nst} statements, spec {version} @ {commit[:12]}")


if __name__ == "__main__":
    main()
