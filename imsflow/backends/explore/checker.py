"""The explicit-state back-end: one exploration, then a verdict for every property.

It reads only the TransitionSystem (with its monitors and invariants already composed) and
the property list; it never imports `transitions` or the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...patterns.bind import match_event
from ...patterns.verdict import Verdict
from ...system.predicates import Pred
from ...system.trace import Trace
from . import liveness
from .bfs import Exploration, Progress, explore, gc_paused
from .reduce import make_reducer
from .witness import ordered_witness


@dataclass
class Outcome:
    """An engine's verdict on one property, before expectations are applied."""

    property: str
    verdict: Verdict
    reason: str = ""
    trace: Trace | None = None
    details: dict = field(default_factory=dict)


class ExplicitChecker:
    """Exhaustive BFS; verdicts are `inconclusive` wherever a budget cut the search short."""

    name = "explicit"

    def __init__(self, max_states: int | None = None, timeout: float | None = None, progress: bool | None = None,
                 por: bool = True, symmetry: bool = True):
        self.max_states = max_states
        self.timeout = timeout
        self.progress = progress
        self.por = por  # partial-order reduction, where sound (reduce.py)
        self.symmetry = symmetry  # symmetry reduction over identical instances, where sound

    def check(self, ts, properties, *, goals: dict | None = None, label: str = "") -> tuple[list[Outcome], dict]:
        with gc_paused():
            return self._check(ts, properties, goals=goals, label=label)

    def _check(self, ts, properties, *, goals: dict | None = None, label: str = "") -> tuple[list[Outcome], dict]:
        progress = Progress(label or ts.model, self.progress)
        goals = goals or {}
        reducer = make_reducer(ts, properties, goals, por=self.por, symmetry=self.symmetry)
        live = any(p.kind == "response" for p in properties)
        exp = explore(ts, max_states=self.max_states, timeout=self.timeout, progress=progress, reducer=reducer,
                      keep_edges=live and reducer is None)
        if reducer is not None and reducer.por and exp.unhandled and any(p.kind != "handled" for p in properties):
            # POR keeps unhandled-message states reachable but not every order around them: search again.
            reducer = reducer.without_por()
            exp = explore(ts, max_states=self.max_states, timeout=self.timeout, progress=progress, reducer=reducer,
                          keep_edges=live and reducer is None)
        outcomes = [self._verdict(exp, prop, goals.get(prop.id)) for prop in properties]
        for prop, o in zip(properties, outcomes):
            assumed = assumptions(exp, prop, o)
            if assumed:
                o.details["assumptions"] = assumed
        stats = exp.stats
        stats["reduction"] = reducer.label if reducer is not None else "none"
        return outcomes, stats

    # ---- per kind -----------------------------------------------------------------------------
    def _verdict(self, exp: Exploration, prop, goal) -> Outcome:
        kind = prop.kind
        if kind == "invariant":
            return self._invariant(exp, prop)
        if kind in ("absence", "precedence", "only-from"):
            return self._monitored(exp, prop)
        if kind == "response":
            return self._response(exp, prop)
        if kind in ("reachability", "flow-reachable"):
            return self._reachability(exp, prop, goal)
        if kind == "deadlock":
            return self._deadlock(exp, prop)
        if kind == "handled":
            return self._handled(exp, prop)
        return Outcome(prop.id, Verdict.INCONCLUSIVE, f"the explicit engine does not check kind {kind!r}")

    def _incomplete(self, exp, prop) -> Outcome:
        return Outcome(
            prop.id, Verdict.INCONCLUSIVE,
            f"no violation within {len(exp.states):,} states (depth {exp.depth}); {exp.stop_reason}",
        )

    def _invariant(self, exp, prop) -> Outcome:
        sid = exp.invariant_failures.get(prop.id)
        if sid is not None:
            path = exp.path_to(sid)
            return Outcome(prop.id, Verdict.VIOLATED, "a reachable state satisfies the forbidden condition",
                           Trace(path, highlight=len(path) - 1 if path else None))
        if not exp.complete:
            return self._incomplete(exp, prop)
        return Outcome(prop.id, Verdict.HOLDS)

    def _monitor_index(self, exp, prop) -> int:
        for mk, mon in enumerate(exp.ts.monitors):
            if mon.property == prop.id:
                return mk
        return -1

    def _monitored(self, exp, prop) -> Outcome:
        mk = self._monitor_index(exp, prop)
        if mk < 0:
            return Outcome(prop.id, Verdict.INCONCLUSIVE, "the property was not compiled into this system")
        sid = exp.monitor_errors.get(mk)
        if sid is not None:
            path = exp.path_to(sid)
            return Outcome(prop.id, Verdict.VIOLATED, _violation_reason(prop),
                           Trace(path, highlight=len(path) - 1))
        if not exp.complete:
            return self._incomplete(exp, prop)
        mon = exp.ts.monitors[mk]
        if prop.kind != "absence" and not (mon.triggers & exp.taken):
            return self._vacuous(exp, prop)
        return Outcome(prop.id, Verdict.HOLDS)

    def _vacuous(self, exp, prop) -> Outcome:
        trace = None
        if exp.terminals:
            trace = Trace(exp.path_to(exp.terminals[0]), note="a complete run in which the trigger never happens")
        what = {"precedence": "'then' event", "response": "'trigger' event", "only-from": "'accept' event"}
        return Outcome(prop.id, Verdict.VACUOUS,
                       f"the {what.get(prop.kind, 'triggering event')} never happens in any reachable run", trace)

    def _response(self, exp, prop) -> Outcome:
        mk = self._monitor_index(exp, prop)
        if not exp.complete:
            return self._incomplete(exp, prop)
        mon = exp.ts.monitors[mk]
        if not (mon.triggers & exp.taken):
            return self._vacuous(exp, prop)
        lasso = liveness.find_violation(exp, mk)
        if lasso is not None:
            return Outcome(prop.id, Verdict.VIOLATED, lasso.note, lasso)
        return Outcome(prop.id, Verdict.HOLDS)

    def _reachability(self, exp, prop, goal) -> Outcome:
        ts = exp.ts
        spec = dict(prop.spec)
        if goal is not None:
            spec["goal"] = goal
        ordered = prop.kind == "flow-reachable"
        if "goal" in spec:
            goal_aids = {aid for aid in range(len(ts.actions)) if match_event(spec["goal"], ts, aid) is not None}
            hit = next((sid for sid in range(1, len(exp.states)) if exp.via[sid] in goal_aids), None)
            if hit is None and goal_aids & exp.taken:
                # The goal action was taken but only into an already-seen state: find one.
                hit = next(sid for sid, s in enumerate(exp.states)
                           if any(aid in goal_aids for aid, _ in ts.expand(s)[0]))
                path = exp.path_to(hit)
                aid = next(aid for aid, _ in ts.expand(exp.states[hit])[0] if aid in goal_aids)
                hit_path = path + [aid]
            else:
                hit_path = exp.path_to(hit) if hit is not None else None
        else:
            pred = spec["goal_state"]
            fn = pred.compile(ts) if isinstance(pred, Pred) else None
            from ...patterns.bind import build_pred

            fn = fn or build_pred(pred, ts, prop).compile(ts)
            hit = next((sid for sid, s in enumerate(exp.states) if fn(s)), None)
            hit_path = exp.path_to(hit) if hit is not None else None
            goal_aids = None
        if hit_path is None:
            if not exp.complete:
                return Outcome(prop.id, Verdict.INCONCLUSIVE,
                               f"goal not reached within {len(exp.states):,} states; {exp.stop_reason}")
            return Outcome(prop.id, Verdict.VIOLATED, "the goal is unreachable: no run gets there")
        if ordered and goal_aids is not None:
            witness, complete = ordered_witness(ts, goal_aids, max_states=self.max_states, timeout=self.timeout,
                                                restart_after=ts.extra.get("restart_after", ()))
            if witness is not None:
                return Outcome(prop.id, Verdict.HOLDS, "", witness)
            if not complete:
                return Outcome(prop.id, Verdict.INCONCLUSIVE,
                               "the goal is reachable, but the search for an in-order witness hit its budget",
                               Trace(hit_path))
            return Outcome(prop.id, Verdict.VIOLATED,
                           "the flow completes only out of the seed's step order (shortest run shown)",
                           Trace(hit_path, highlight=len(hit_path) - 1))
        return Outcome(prop.id, Verdict.HOLDS, "", Trace(hit_path, highlight=len(hit_path) - 1))

    def _deadlock(self, exp, prop) -> Outcome:
        if exp.deadlocks:
            sid = exp.deadlocks[0]
            path = exp.path_to(sid)
            stuck = _stuck_summary(exp.ts, exp.states[sid])
            return Outcome(prop.id, Verdict.VIOLATED, f"deadlock: nothing can move, yet {stuck}",
                           Trace(path, highlight=len(path) - 1 if path else None))
        if not exp.complete:
            return self._incomplete(exp, prop)
        return Outcome(prop.id, Verdict.HOLDS)

    def _handled(self, exp, prop) -> Outcome:
        if exp.unhandled:
            (p, c, m), sid = min(exp.unhandled.items(), key=lambda kv: kv[1])
            ts = exp.ts
            proc = ts.processes[p]
            state = proc.local_label(exp.states[sid][p])
            sender = ts.processes[ts.channels[c].sender].name
            path = exp.path_to(sid)
            return Outcome(
                prop.id, Verdict.VIOLATED,
                f"{proc.name} in state {state} has no transition for {ts.messages[m].label()} from {sender}",
                Trace(path, highlight=len(path) - 1 if path else None),
                {"unhandled": len(exp.unhandled)},
            )
        if not exp.complete:
            return self._incomplete(exp, prop)
        return Outcome(prop.id, Verdict.HOLDS)


FAIRNESS = ("under weak fairness: an internal event of a process, or the receipt of the message at the "
            "head of one input channel, that stays enabled is eventually taken")


def assumptions(exp: Exploration, prop, o: Outcome) -> list[str]:
    """What a verdict takes for granted, when it applies to this search: the output says so.

    A state with an unhandled message is an error state with no successor, so every other
    property is checked over the runs that do not run into one: a `holds` then says nothing
    about what would follow such a message.  A response property holds under weak fairness."""
    out = []
    if exp.unhandled and prop.kind != "handled" and o.verdict in (Verdict.HOLDS, Verdict.VACUOUS):
        n = len(exp.unhandled)
        out.append(f"{o.verdict.value} in every run in which every message is handled: a state with an "
                   f"unhandled message has no successor ({n} such message/state pair{'s' if n > 1 else ''} "
                   f"reached; see every-message-handled)")
    if prop.kind == "response" and o.verdict is Verdict.HOLDS:
        out.append(FAIRNESS)
    return out


def _violation_reason(prop) -> str:
    return {
        "absence": "the forbidden event happens",
        "precedence": "the 'then' event happens before its 'first' event",
        "only-from": "the message is accepted from a sender that is not allowed",
    }.get(prop.kind, "violated")


def _stuck_summary(ts, s) -> str:
    parts = []
    for c in ts.channels:
        q = s[ts.n + c.index]
        if q and c.kind == "fifo":
            parts.append(f"{c.name} holds {ts.messages[q[0]].label()}")
    for p, proc in enumerate(ts.processes):
        if s[p] not in proc.end_locals:
            parts.append(f"{proc.name} waits in {proc.local_label(s[p])}")
    return "; ".join(parts) or "not every process is in an end state"
