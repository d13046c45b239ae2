"""Several engines on the same TransitionSystem, verdicts compared: `--engine both` (explicit
and Z3) and `--engine all` (explicit, Z3 and SPIN).

Each result carries `engines = {name: verdict, ...}` and an `agreement`:

* `confirmed`     - at least two engines decided (holds / violated / vacuous) and all that
                    decided agree;
* `single-engine` - exactly one engine decided; the others said `inconclusive` (or were
                    skipped).  "explicit holds, Z3 inconclusive" is this, not an agreement;
* `conflicting`   - two engines decided differently: a bug in one of them.  The run fails
                    (exit 1), the reported verdict is `inconclusive` and the reason quotes
                    every engine;
* `undecided`     - no engine decided.

The reported verdict is the deciding engines' common one, with the trace of the first of
them (in the order explicit, z3, spin) that has one; every trace is cross-checked - it must
replay through the TransitionSystem.
"""

from __future__ import annotations

from ..errors import TraceError
from ..patterns.verdict import Verdict, agreement_of
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


def combine(ts, outcomes: dict) -> Outcome:
    """One Outcome from {engine name: Outcome} for the same property (see the module doc)."""
    first = next(iter(outcomes.values()))
    engines = {name: o.verdict.value for name, o in outcomes.items()}
    details = {"engines": engines, "agreement": agreement_of(engines)}
    details.update({name: o.details for name, o in outcomes.items()})
    for name, o in outcomes.items():
        if o.trace is not None and o.trace.actions:
            try:
                o.trace.states(ts)
            except TraceError as exc:
                raise TraceError(f"{o.property}: the {name} engine's trace does not replay: {exc.message}") from None
    assumed = [a for o in outcomes.values() for a in o.details.get("assumptions", ())]
    if assumed:
        details["assumptions"] = list(dict.fromkeys(assumed))
    decided = {name: o for name, o in outcomes.items() if o.verdict is not UNDECIDED}
    others = [_describe(name, o) for name, o in outcomes.items() if name not in decided]
    if len({o.verdict for o in decided.values()}) > 1:
        reason = "ENGINES DISAGREE - " + "; ".join(_describe(name, o) for name, o in outcomes.items())
        trace = next((o.trace for o in decided.values() if o.trace is not None and o.trace.actions), None)
        return Outcome(first.property, Verdict.INCONCLUSIVE, reason, trace, details)
    if not decided:
        reason = "; ".join(_describe(name, o) for name, o in outcomes.items())
        return Outcome(first.property, Verdict.INCONCLUSIVE, reason, first.trace, details)
    lead_name, lead = next(iter(decided.items()))
    trace = next((o.trace for o in decided.values() if o.trace is not None and o.trace.actions), lead.trace)
    parts = [lead.reason] if lead.reason else []
    if len(decided) > 1:
        parts.append("confirmed by " + ", ".join(decided))
    else:
        parts.append(f"decided by {lead_name} only")
    parts += others
    return Outcome(first.property, lead.verdict, "; ".join(parts), trace, details)


class MultiChecker:
    """Runs each engine in turn on the same system (in the order given) and combines."""

    def __init__(self, engines: dict, skipped: dict | None = None):
        self.engines = engines  # name -> checker
        self.skipped = skipped or {}  # name -> why it did not run (e.g. SPIN not installed)
        self.name = "+".join(engines)

    def check(self, ts, obligations, *, label: str = ""):
        obligations = list(obligations)
        runs = {name: eng.check(ts, obligations, label=label) for name, eng in self.engines.items()}
        by_engine = {name: {o.property: o for o in out} for name, (out, _) in runs.items()}
        first = next(iter(runs))
        outcomes = [combine(ts, {name: by_engine[name][o.property] for name in runs}) for o in runs[first][0]]
        stats = dict(runs[first][1])
        stats["seconds"] = round(sum(s.get("seconds", 0.0) for _, s in runs.values()), 3)
        stats["engines"] = {name: s for name, (_, s) in runs.items()}
        for name, why in self.skipped.items():
            stats["engines"][name] = {"skipped": why}
        return outcomes, stats


class BothChecker(MultiChecker):
    """`--engine both`: the explicit engine, then Z3."""

    name = "both"

    def __init__(self, explicit, z3):
        super().__init__({"explicit": explicit, "z3": z3})
        self.name = "both"

    @staticmethod
    def combine(ts, e: Outcome, z: Outcome) -> Outcome:
        return combine(ts, {"explicit": e, "z3": z})
