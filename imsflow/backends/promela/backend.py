"""SPIN as a back-end: the Backend protocol over the Promela export (emit.py) and pan (run.py).

The same sealed system and the same obligations as the explicit and Z3 engines: the export
asserts each obligation, pan searches, and its answers come back as Outcomes with the run
SPIN found read back into a Trace (replayable through the TransitionSystem).
"""

from __future__ import annotations

from ...patterns.obligations import Reach
from ...patterns.verdict import Verdict
from ..protocol import Outcome
from .emit import emit
from .run import Spin, SpinError, spin_available, verdicts

__all__ = ["SpinChecker", "SpinError", "spin_available"]


class SpinChecker:
    """`por=False` compiles pan with -DNOREDUCE (SPIN's own partial-order reduction off), so
    its state count is the explicit explorer's unreduced one."""

    name = "spin"

    def __init__(self, *, por: bool = False, timeout: float | None = None, liveness: bool = True):
        self.por, self.timeout, self.liveness = por, timeout, liveness

    def check(self, ts, obligations, *, label: str = ""):
        obligations = list(obligations)
        pm = emit(ts, obligations, title=label)
        by_role = {role_of: name for name, role_of in pm.markers.items()}
        with Spin(pm, por=self.por) as spin:
            res = spin.check(liveness=self.liveness, timeout=self.timeout)
            answers = verdicts(pm, res)
            outcomes = []
            for ob in obligations:
                verdict = Verdict(answers.get(ob.property, "inconclusive"))
                outcomes.append(Outcome(ob.property, verdict, _reason(ob, verdict, res),
                                        self._trace(spin, res, pm, ob, verdict, by_role)))
        stats = {"states": res.states, "transitions": res.transitions, "seconds": round(res.total_seconds, 3),
                 "complete": res.complete}
        return outcomes, stats

    @staticmethod
    def _trace(spin, res, pm, ob, verdict, by_role):
        """The run SPIN reports: the counterexample, or a reachability goal's witness."""
        if verdict is Verdict.VIOLATED:
            claim = next((c for c, pid in pm.claims.items() if pid == ob.property), None)
            marker = claim or by_role.get((ob.property, "violation"))
        elif verdict is Verdict.HOLDS and isinstance(ob, Reach):
            marker = by_role.get((ob.property, "goal"))
        else:
            return None
        return spin.trace_for(res, marker) if marker else None


def _reason(ob, verdict: Verdict, res) -> str:
    if verdict is Verdict.VIOLATED:
        return f"{ob.violation} (found by SPIN)"
    if verdict is Verdict.INCONCLUSIVE:
        return "SPIN's search did not complete" if not res.complete else "SPIN does not decide this obligation"
    if verdict is Verdict.VACUOUS:
        return "SPIN never reached a trigger action"
    return ""
