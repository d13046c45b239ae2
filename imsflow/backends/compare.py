"""`--engine both`: the explicit engine and Z3 on the same TransitionSystem, verdicts compared.

Each result carries `engines = {"explicit": verdict, "z3": verdict}`.  Two conclusive verdicts
that differ are a disagreement - a bug in one engine or the other - and make the run fail
(exit 1); the reported verdict is then `inconclusive` and the reason quotes both results.  An
`inconclusive` from one engine is not a disagreement (it claims nothing): the other engine's
conclusive verdict stands, and the reason says which engine decided.  Every counterexample is
cross-checked: the one reported must replay through the TransitionSystem.
"""

from __future__ import annotations

from ..errors import TraceError
from ..patterns.verdict import Verdict
from .protocol import Outcome

UNDECIDED = Verdict.INCONCLUSIVE


def disagree(a: Verdict, b: Verdict) -> bool:
    return a is not UNDECIDED and b is not UNDECIDED and a is not b


def _describe(name: str, o: Outcome) -> str:
    text = f"{name}: {o.verdict.value}"
    if o.reason:
        text += f" ({o.reason})"
    if o.trace is not None and o.trace.actions:
        text += f" [trace of {len(o.trace.actions)} steps]"
    return text


class BothChecker:
    name = "both"

    def __init__(self, explicit, z3):
        self.explicit = explicit
        self.z3 = z3

    def check(self, ts, obligations, *, label: str = ""):
        obligations = list(obligations)
        ex_out, ex_stats = self.explicit.check(ts, obligations, label=label)
        z_out, z_stats = self.z3.check(ts, obligations, label=label)
        by_id = {o.property: o for o in z_out}
        outcomes = [self.combine(ts, e, by_id[e.property]) for e in ex_out]
        stats = dict(ex_stats)
        stats["seconds"] = round(ex_stats.get("seconds", 0.0) + z_stats.get("seconds", 0.0), 3)
        stats["engines"] = {"explicit": ex_stats, "z3": z_stats}
        return outcomes, stats

    @staticmethod
    def combine(ts, e: Outcome, z: Outcome) -> Outcome:
        engines = {"explicit": e.verdict.value, "z3": z.verdict.value}
        details = {"engines": engines, "explicit": e.details, "z3": z.details}
        for name, o in (("explicit", e), ("z3", z)):
            if o.trace is not None and o.trace.actions:
                try:
                    o.trace.states(ts)
                except TraceError as exc:
                    raise TraceError(f"{o.property}: the {name} engine's trace does not replay: {exc.message}") from None
        if disagree(e.verdict, z.verdict):
            reason = ("ENGINES DISAGREE - " + _describe("explicit", e) + "; " + _describe("z3", z))
            trace = e.trace if e.trace is not None and e.trace.actions else z.trace
            return Outcome(e.property, Verdict.INCONCLUSIVE, reason, trace, details)
        if e.verdict is UNDECIDED and z.verdict is not UNDECIDED:
            reason = f"decided by z3: {z.reason}" if z.reason else "decided by z3"
            reason += f"; explicit: inconclusive ({e.reason})"
            return Outcome(e.property, z.verdict, reason, z.trace, details)
        if z.verdict is UNDECIDED and e.verdict is not UNDECIDED:
            reason = e.reason + ("; " if e.reason else "") + f"z3: inconclusive ({z.reason})"
            return Outcome(e.property, e.verdict, reason, e.trace, details)
        reason = e.reason
        if z.reason and e.verdict is UNDECIDED:
            reason = f"explicit: {e.reason}; z3: {z.reason}"
        elif z.reason and e.verdict is Verdict.HOLDS:
            reason = f"z3: {z.reason}"
        return Outcome(e.property, e.verdict, reason, e.trace, details)
