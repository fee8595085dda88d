"""``python -m virtio_sim`` (and ``virtio-sim run``): run scenario files and print their verdicts.

    python -m virtio_sim run SCENARIO.py [--mode MODE ...] [-k NAME] [--in-process] [-v]
    python -m virtio_sim params           every model parameter with its default, unit and description
    python -m virtio_sim list SCENARIO.py the scenarios of a file and their modes

Exit status of ``run``: 0 when every run passed (or was skipped), 1 when one failed, 2 on usage errors.
"""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from . import params
from . import runner as scenario
from ._ext import ext


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="virtio-sim", description="virtio-sim Python scenarios")
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="run the scenarios of a file and print their verdicts")
    run.add_argument("file")
    run.add_argument("--mode", action="append", choices=scenario.MODES, help="only these modes (repeatable)")
    run.add_argument("-k", dest="name", help="only scenarios whose name matches (glob or substring)")
    run.add_argument("--in-process", action="store_true",
                     help="do not fork per run (functional mode only: SystemC elaborates once per process)")
    run.add_argument("-v", "--verbose", action="store_true", help="full messages and tracebacks")
    lst = sub.add_parser("list", help="list the scenarios of a file")
    lst.add_argument("file")
    sub.add_parser("params", help="print every model parameter")
    args = ap.parse_args(argv)

    if args.cmd == "params":
        print(params.describe())
        return 0
    try:
        if args.cmd == "list":
            for s in scenario.load_file(args.file):
                print(f"{s.name}  modes={','.join(s.modes)}  {s.description.splitlines()[0] if s.description else ''}")
            return 0
        print(f"virtio-sim run {args.file} (clause catalogue {ext.spec_version()})")
        results = scenario.run_file(args.file, args.mode, args.name, isolate=not args.in_process)
    except ext.ParameterError as e:
        print(f"virtio-sim run: {e}", file=sys.stderr)
        return 2
    if not results:
        print("virtio-sim run: no scenario matched", file=sys.stderr)
        return 2
    print(scenario.format_results(results, verbose=args.verbose))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
