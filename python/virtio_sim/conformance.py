"""The clause-indexed conformance suite from Python (``vsim::conformance::runSuite``).

>>> rep = run_conformance(filter="virtio.driver.core.*", devices=["rng"], transports=["pci-modern"])
>>> rep.ok, rep.counts()
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from ._ext import ext


@dataclass(frozen=True)
class TestVerdict:
    """One test of the suite in one configuration."""

    id: str
    config: str
    target: str
    kind: str
    outcome: str
    expected: str
    clauses: List[str]
    verdicts: List[Dict[str, str]]
    message: str
    evidence: List[str]
    unexpected: bool


class ConformanceReport:
    """The report of a suite run: tests with outcomes and per-clause verdicts, clause coverage, mutation score."""

    def __init__(self, raw: Dict[str, Any]) -> None:
        self.raw = raw
        self.tests = [
            TestVerdict(t["id"], t["config"], t["target"], t["kind"], t["outcome"], t["expected"], list(t["clauses"]),
                        [dict(v) for v in t["verdicts"]], t["message"], list(t["evidence"]), bool(t["unexpected"]))
            for t in raw["tests"]
        ]

    @property
    def ok(self) -> bool:
        """True when every result was as expected and no expectation went stale."""
        return bool(self.raw["ok"])

    @property
    def unexpected(self) -> List[TestVerdict]:
        return [t for t in self.tests if t.unexpected]

    @property
    def clauses(self) -> List[Dict[str, Any]]:
        """Status of every statement in scope: covered-pass, covered-fail, uncovered, untestable, ..."""
        return list(self.raw["clauses"])

    def counts(self) -> Dict[str, int]:
        out: Dict[str, int] = {}
        for t in self.tests:
            out[t.outcome] = out.get(t.outcome, 0) + 1
        return out

    def test(self, test_id: str, config: Optional[str] = None) -> TestVerdict:
        for t in self.tests:
            if t.id == test_id and (config is None or t.config == config):
                return t
        raise KeyError(f"no result for {test_id}" + (f" @ {config}" if config else ""))

    def __repr__(self) -> str:
        return f"ConformanceReport(ok={self.ok}, {self.counts()}, {len(self.raw['configs'])} configs)"


def run_conformance(
    filter: str = "*",
    devices: Sequence[str] = (),
    transports: Sequence[str] = (),
    personalities: bool = False,
    seed: int = 1,
    expectations_dir: Optional[str] = None,
    untestable_path: Optional[str] = None,
    report_dir: Optional[str] = None,
) -> ConformanceReport:
    """Run the suite over the default configurations (narrowed by ``devices`` / ``transports``; ``personalities``
    adds the device-personality runs) and return the report; ``report_dir`` also writes results.json and
    junit.xml. Uses the functional board only, so it can run any number of times in one process."""
    raw = ext.run_conformance(filter, list(devices), list(transports), personalities, seed, expectations_dir,
                              untestable_path, report_dir)
    return ConformanceReport(raw)
