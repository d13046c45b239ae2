"""Verdicts and results: data, with their own wording; display lives in render/."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Verdict(str, Enum):
    HOLDS = "holds"
    VIOLATED = "violated"
    VACUOUS = "vacuous"
    INCONCLUSIVE = "inconclusive"

    @property
    def wording(self) -> str:
        return {
            "holds": "holds on every reachable state",
            "violated": "is violated; see the trace",
            "vacuous": "holds only vacuously: its triggering event never happens",
            "inconclusive": "could not be decided",
        }[self.value]

    @property
    def symbol(self) -> str:
        return {"holds": "ok", "violated": "VIOL", "vacuous": "vac", "inconclusive": "??"}[self.value]


class ExitCode(int, Enum):
    """imsflow's exit statuses (CONTRACTS.md)."""

    OK = 0  # every verdict as expected
    UNEXPECTED = 1  # a property violated that is not an expected finding, or a finding gone
    USAGE = 2  # bad input or usage
    INCONCLUSIVE = 3  # some verdict could not be decided


def agreement_of(engines: dict) -> str:
    """How several engines' verdicts on one property relate (backends/compare.py):
    confirmed (>= 2 decided, all alike), single-engine (one decided), conflicting, undecided.
    Engines skipped altogether are simply not in `engines`."""
    decided = [v for v in engines.values() if v != "inconclusive"]
    if len(set(decided)) > 1:
        return "conflicting"
    if len(decided) >= 2:
        return "confirmed"
    return "single-engine" if decided else "undecided"


@dataclass
class Result:
    property: str
    flow: str | None
    variant: dict
    verdict: Verdict
    expected: str = "holds"
    reason: str = ""
    trace: list = field(default_factory=list)  # JSON trace entries (see system/trace.py)
    stats: dict = field(default_factory=dict)
    engines: dict | None = None
    wics: int = 1
    statement: str = ""
    kind: str = ""
    clause: str = ""
    replay: str = ""  # the command that replays this result
    assumptions: list = field(default_factory=list)  # what the verdict takes for granted, when it applies
    intruder: bool = False  # a security property: decided with the model's intruder unless turned off
    lift: str = ""  # inconclusive: the command that lifts the limit the search hit

    @property
    def as_expected(self) -> bool:
        if self.verdict in (Verdict.INCONCLUSIVE,):
            return True  # judged separately (exit 3)
        return self.verdict.value == self.expected

    @property
    def is_finding(self) -> bool:
        return self.verdict in (Verdict.VIOLATED, Verdict.VACUOUS)

    def to_json(self) -> dict:
        out = {
            "property": self.property,
            "flow": self.flow,
            "variant": self.variant,
            "wics": self.wics,
            "verdict": self.verdict.value,
            "expected": self.expected,
            "reason": self.reason,
            "trace": self.trace,
            "stats": self.stats,
        }
        if self.engines is not None:
            out["engines"] = self.engines
            out["agreement"] = agreement_of(self.engines)
        if self.replay:
            out["replay"] = self.replay
        if self.lift:
            out["lift"] = self.lift
        if self.assumptions:
            out["assumptions"] = self.assumptions
        if self.intruder:
            out["intruder"] = True
        return out
