"""SPIN as a back-end (`--engine spin`, and the third engine of `--engine all`): the Backend
protocol over the Promela export (emit.py) and pan (run.py).

The same sealed system and the same obligations as the explicit and Z3 engines: the export
asserts each obligation, pan searches, and its answers come back as Outcomes, with the run
SPIN found read back into a Trace that replays through the TransitionSystem.

SPIN's verdicts are only as strong as what the export checks, so two are weakened rather than
passed off as agreement:

* an ordered Reach (flow-reachable): SPIN checks that the goal is reachable, not that it is
  reachable in the seed's step order - a goal SPIN reaches is `inconclusive` here (it neither
  confirms nor contradicts an in-order witness); an unreachable goal is `violated`;
* Respond: SPIN's claims treat a state with an unhandled message as answering every request
  (`|| unh`), imsflow as the end of a run.  Unless an AllHandled obligation is decided in the
  same run and holds, a response verdict from SPIN is `inconclusive`.

A pan error, warning or truncation raises SpinError (run.py): never a verdict.
"""

from __future__ import annotations

import time

from ...patterns.obligations import AllHandled, Reach, Respond
from ...patterns.verdict import Verdict
from ..protocol import Outcome
from .emit import emit
from .run import Spin, SpinError, spin_available, verdicts

__all__ = ["SpinChecker", "SpinError", "spin_available"]

EXHAUSTIVE = "SPIN (pan, exhaustive, no partial-order reduction)"


class SpinChecker:
    """`por=False` compiles pan with -DNOREDUCE (SPIN's own partial-order reduction off), so
    its state count is the explicit explorer's unreduced one."""

    name = "spin"

    def __init__(self, *, por: bool = False, timeout: float | None = None, liveness: bool = True,
                 traces: bool = True):
        self.por, self.timeout, self.liveness, self.traces = por, timeout, liveness, traces

    def check(self, ts, obligations, *, label: str = ""):
        started = time.perf_counter()
        obligations = list(obligations)
        pm = emit(ts, obligations, title=label)
        by_role = {role_of: name for name, role_of in pm.markers.items()}
        with Spin(pm, por=self.por) as spin:
            res = spin.check(liveness=self.liveness, timeout=self.timeout)
            found = verdicts(pm, res)
            handled_ok = any(isinstance(ob, AllHandled) for ob in obligations) and all(
                found.get(ob.property) == "holds" for ob in obligations if isinstance(ob, AllHandled))
            outcomes = []
            for ob in obligations:
                verdict, reason = self._read(ob, Verdict(found.get(ob.property, "inconclusive")), handled_ok)
                trace = self._trace(spin, res, pm, ob, verdict, by_role) if self.traces else None
                outcomes.append(Outcome(ob.property, verdict, reason, trace))
        stats = {"states": res.states, "transitions": res.transitions,
                 "seconds": round(time.perf_counter() - started, 3),
                 "spin_seconds": {k: round(v, 3) for k, v in res.seconds.items()}}
        return outcomes, stats

    @staticmethod
    def _read(ob, verdict: Verdict, handled_ok: bool) -> tuple[Verdict, str]:
        if isinstance(ob, Reach) and ob.ordered and verdict is Verdict.HOLDS:
            return Verdict.INCONCLUSIVE, "SPIN reaches the goal, but does not check the seed's step order"
        if isinstance(ob, Respond) and not handled_ok and verdict is not Verdict.INCONCLUSIVE:
            return Verdict.INCONCLUSIVE, ("SPIN's claim counts an unhandled-message state as answering every "
                                          "request; every-message-handled is not shown to hold in this run")
        if verdict is Verdict.INCONCLUSIVE:
            return verdict, "the export does not check this obligation"
        if verdict is Verdict.VIOLATED:
            return verdict, f"{ob.violation} ({EXHAUSTIVE})"
        return verdict, EXHAUSTIVE

    @staticmethod
    def _trace(spin, res, pm, ob, verdict, by_role):
        """The run SPIN reports: the counterexample, or a reachability goal's witness."""
        if verdict is Verdict.VIOLATED:
            claim = next((c for c in sorted(res.violated) if pm.claims.get(c) == ob.property), None)
            marker = claim or by_role.get((ob.property, "violation"))
        elif isinstance(ob, Reach) and (ob.property, "goal") in {pm.markers[m] for m in res.violated if m in pm.markers}:
            marker = by_role.get((ob.property, "goal"))
        else:
            return None
        return spin.trace_for(res, marker) if marker else None
