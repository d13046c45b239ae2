"""SPIN as an engine (`--engine all`): export the TransitionSystem (emit.py), run pan
(run.py), and read back one verdict per property.

SPIN's verdicts are only as strong as what the export checks, so two are weakened rather
than passed off as agreement:

* flow-reachable: SPIN checks that the goal is reachable, not that it is reachable in the
  seed's step order - a goal SPIN reaches is `inconclusive` here (it neither confirms nor
  contradicts an in-order witness); an unreachable goal is `violated`, as for imsflow;
* response: SPIN's claims treat a state with an unhandled message as answering every request
  (`|| unh`), imsflow as the end of a run.  Unless `every-message-handled` is checked in the
  same run and holds, a response verdict from SPIN is `inconclusive`.

Known limit: SPIN's counterexamples are not read back here (the explicit engine's trace is
reported); `imsflow export promela` + `spin -t` gives them, and tests/promela replays them.
A pan error, warning or truncation raises SpinError (run.py): never a verdict.
"""

from __future__ import annotations

import time

from ...patterns.verdict import Verdict
from ..explore.checker import Outcome
from .emit import emit
from .run import Spin, verdicts


class SpinChecker:
    name = "spin"

    def __init__(self, timeout: float | None = None):
        self.timeout = timeout

    def check(self, ts, properties, *, goals=None, label: str = ""):
        started = time.perf_counter()
        props = list(properties)
        pm = emit(ts, props, goals=goals or {})
        with Spin(pm) as spin:
            res = spin.check(timeout=self.timeout)
        found = verdicts(pm, res)
        handled = [p.id for p in props if p.kind == "handled"]
        handled_ok = bool(handled) and all(found.get(pid) == "holds" for pid in handled)
        outcomes = []
        for prop in props:
            value = found.get(prop.id, "inconclusive")
            reason = "SPIN (pan, exhaustive, no partial-order reduction)"
            if prop.kind == "flow-reachable" and value == "holds":
                value, reason = "inconclusive", "SPIN reaches the goal, but does not check the seed's step order"
            elif prop.kind == "response" and not handled_ok and value != "inconclusive":
                value = "inconclusive"
                reason = ("SPIN's claim counts an unhandled-message state as answering every request; "
                          "every-message-handled is not shown to hold in this run")
            elif value == "inconclusive":
                reason = "the export does not check this property"
            outcomes.append(Outcome(prop.id, Verdict(value), reason))
        stats = {"states": res.states, "transitions": res.transitions,
                 "seconds": round(time.perf_counter() - started, 3),
                 "spin_seconds": {k: round(v, 3) for k, v in res.seconds.items()}}
        return outcomes, stats
