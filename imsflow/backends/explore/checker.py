"""The explicit-state back-end: one exploration, then a verdict for every obligation.

It reads only the TransitionSystem (with its monitors and invariants already composed) and
the obligations lowered from the properties (patterns/obligations.py); it never imports
`transitions`, the model or the binder.
"""

from __future__ import annotations

from ...patterns.obligations import AllHandled, MonitorOk, Never, NoDeadlock, Reach, Respond
from ...patterns.verdict import Verdict
from ...system.trace import Trace
from ..protocol import Outcome
from . import liveness
from .bfs import Exploration, Progress, explore, gc_paused
from .native import available as native_available
from .reduce import make_reducer, plan_search
from .witness import ordered_witness, ordered_witness_over


# A state cap of the unreduced native search tried first, beside the check's own budgets (None:
# those budgets alone - above all the memory budget - decide when a reduced search is tried).
NATIVE_FIRST_STATES = None


def _smaller(a: int | None, b: int | None) -> int | None:
    return a if b is None else b if a is None else min(a, b)


class ExplicitChecker:
    """Exhaustive BFS; verdicts are `inconclusive` wherever a budget cut the search short."""

    name = "explicit"

    def __init__(self, max_states: int | None = None, timeout: float | None = None, progress: bool | None = None,
                 por: bool = True, symmetry: bool = True, max_bytes: int | None = None, native_first: bool = False,
                 pilot: bool = False):
        self.max_states = max_states
        self.timeout = timeout
        self.progress = progress
        self.por = por  # partial-order reduction, where sound (reduce.py)
        self.symmetry = symmetry  # symmetry reduction over identical instances, where sound
        self.max_bytes = max_bytes  # memory budget of the native store (budget.py)
        # Try the unreduced native search before a reduction: the reductions run in Python, about
        # twenty times slower a state and four times larger than the native search, so they pay
        # only for a space the native search cannot hold within the memory budget (F6 faults=all
        # with the intruder: 9.5 M states natively in 23 s, against 323 s and 4.7 GB reduced).  The command line turns this on; the
        # reduction tests leave it off to exercise the reductions themselves.
        self.native_first = native_first
        # Where a reduction is prepared: only where pilot searches say it pays (reduce.plan_search),
        # what `imsflow check` does (backends.engine_named); without, every sound one is used.
        self.por_pilot = pilot

    def check(self, ts, obligations, *, label: str = "") -> tuple[list[Outcome], dict]:
        with gc_paused():
            return self._check(ts, list(obligations), label=label)

    def _check(self, ts, obligations, *, label: str = "") -> tuple[list[Outcome], dict]:
        progress = Progress(label or ts.model, self.progress)
        live = any(isinstance(ob, Respond) for ob in obligations)
        # Edges serve the liveness check and, kept by a native search, the in-order witness
        # (witness.ordered_witness_over); a reduced search's edges are not the whole graph.
        keep = live or any(isinstance(ob, Reach) and ob.ordered for ob in obligations)
        exp = reducer = None
        notes: list = []
        if self.native_first and native_available():
            # Before the reductions are even prepared (POR saturates the tables): a space the
            # native search holds needs none.
            first = explore(ts, max_states=_smaller(self.max_states, NATIVE_FIRST_STATES), timeout=self.timeout,
                            progress=progress, keep_edges=keep, max_bytes=self.max_bytes)
            if first.complete or "time budget" in (first.stop_reason or ""):
                exp = first  # complete (or out of time): a reduction could not do better
            # else too large for a state or memory budget: a reduced search may fit where it did not,
            # in the memory this one gives back first (the Python search's budget is counted from the
            # process's size when it starts).
            del first
        if exp is None:
            if self.por_pilot:  # the reductions that are sound and pay (reduce.plan_search)
                reducer, exp, notes = plan_search(ts, obligations, por=self.por, symmetry=self.symmetry,
                                                  max_states=self.max_states, timeout=self.timeout,
                                                  progress=progress, keep_edges=live, max_bytes=self.max_bytes)
            else:
                reducer = make_reducer(ts, obligations, por=self.por, symmetry=self.symmetry, notes=notes)
        if exp is None:
            exp = explore(ts, max_states=self.max_states, timeout=self.timeout, progress=progress, reducer=reducer,
                          keep_edges=keep if reducer is None else live, max_bytes=self.max_bytes)
        if reducer is not None and reducer.por and exp.unhandled \
                and any(not isinstance(ob, AllHandled) for ob in obligations):
            # POR keeps unhandled-message states reachable but not every order around them: search again.
            reducer = reducer.without_por()
            exp = explore(ts, max_states=self.max_states, timeout=self.timeout, progress=progress, reducer=reducer,
                          keep_edges=live, max_bytes=self.max_bytes)
        # Fairness is read from full expansions after a reduced search (reduce.py, C4).
        exp.full_enabledness = reducer is not None and reducer.por_under_fairness
        outcomes = [self._verdict(exp, ob) for ob in obligations]
        for ob, o in zip(obligations, outcomes):
            assumed = assumptions(exp, ob, o)
            if assumed:
                o.details["assumptions"] = assumed
        stats = exp.stats
        stats["reduction"] = reducer.label if reducer is not None else "none"
        if reducer is not None:
            notes = reducer.notes + [n for n in notes if n not in reducer.notes]
        if notes:
            stats["reduction_notes"] = list(notes)
        return outcomes, stats

    # ---- per obligation -------------------------------------------------------------------------
    def _verdict(self, exp: Exploration, ob) -> Outcome:
        match ob:
            case Never():
                return self._never(exp, ob)
            case MonitorOk():
                return self._monitored(exp, ob)
            case Respond():
                return self._response(exp, ob)
            case Reach():
                return self._reachability(exp, ob)
            case NoDeadlock():
                return self._deadlock(exp, ob)
            case AllHandled():
                return self._handled(exp, ob)
        return Outcome(ob.property, Verdict.INCONCLUSIVE,
                       f"the explicit engine does not decide {type(ob).__name__} obligations")

    def _incomplete(self, exp, ob) -> Outcome:
        return Outcome(
            ob.property, Verdict.INCONCLUSIVE,
            f"no violation within {len(exp.states):,} states (depth {exp.depth}); {exp.stop_reason}",
        )

    def _never(self, exp, ob) -> Outcome:
        sid = exp.invariant_failures.get(ob.property)
        if sid is not None:
            path = exp.path_to(sid)
            return Outcome(ob.property, Verdict.VIOLATED, ob.violation,
                           Trace(path, highlight=len(path) - 1 if path else None))
        if not exp.complete:
            return self._incomplete(exp, ob)
        return Outcome(ob.property, Verdict.HOLDS)

    def _monitored(self, exp, ob) -> Outcome:
        sid = exp.monitor_errors.get(ob.monitor)
        if sid is not None:
            path = exp.path_to(sid)
            return Outcome(ob.property, Verdict.VIOLATED, ob.violation, Trace(path, highlight=len(path) - 1))
        if not exp.complete:
            return self._incomplete(exp, ob)
        if ob.needs_trigger and not (exp.ts.monitors[ob.monitor].triggers & exp.taken):
            return self._vacuous(exp, ob)
        return Outcome(ob.property, Verdict.HOLDS)

    def _vacuous(self, exp, ob) -> Outcome:
        trace = None
        if exp.terminals:
            trace = Trace(exp.path_to(exp.terminals[0]), note="a complete run in which the trigger never happens")
        return Outcome(ob.property, Verdict.VACUOUS, f"the {ob.trigger} never happens in any reachable run", trace)

    def _response(self, exp, ob) -> Outcome:
        if not exp.complete:
            return self._incomplete(exp, ob)
        if not (exp.ts.monitors[ob.monitor].triggers & exp.taken):
            return self._vacuous(exp, ob)
        lasso = liveness.find_violation(exp, ob.monitor)
        if lasso is not None:
            return Outcome(ob.property, Verdict.VIOLATED, lasso.note, lasso)
        return Outcome(ob.property, Verdict.HOLDS)

    def _reachability(self, exp, ob) -> Outcome:
        ts = exp.ts
        pid = ob.property
        if ob.goal is not None:
            goal = ob.goal
            hit = next((sid for sid in range(1, len(exp.states)) if exp.via[sid] in goal), None)
            if hit is None and goal.among(exp.taken):
                # The goal action was taken but only into an already-seen state: find one.
                hit = next(sid for sid, s in enumerate(exp.states)
                           if any(aid in goal for aid, _ in ts.expand(s)[0]))
                path = exp.path_to(hit)
                aid = next(aid for aid, _ in ts.expand(exp.states[hit])[0] if aid in goal)
                hit_path = path + [aid]
            else:
                hit_path = exp.path_to(hit) if hit is not None else None
        else:
            fn = ob.goal_state.compile(ts)
            hit = next((sid for sid, s in enumerate(exp.states) if fn(s)), None)
            hit_path = exp.path_to(hit) if hit is not None else None
        if hit_path is None:
            if not exp.complete:
                return Outcome(pid, Verdict.INCONCLUSIVE,
                               f"goal not reached within {len(exp.states):,} states; {exp.stop_reason}")
            return Outcome(pid, Verdict.VIOLATED, ob.violation)
        if ob.ordered and ob.goal is not None:
            goal_aids = ob.goal.among(range(len(ts.actions)))
            # Over the graph the native search holds, when it can; else by searching again.
            found = ordered_witness_over(exp, goal_aids, max_states=self.max_states, restart_after=ob.restart_after)
            witness, complete = found if found is not None else ordered_witness(
                ts, goal_aids, max_states=self.max_states, timeout=self.timeout, restart_after=ob.restart_after)
            if witness is not None:
                return Outcome(pid, Verdict.HOLDS, "", witness)
            if not complete:
                return Outcome(pid, Verdict.INCONCLUSIVE,
                               "the goal is reachable, but the search for an in-order witness hit its budget",
                               Trace(hit_path))
            return Outcome(pid, Verdict.VIOLATED,
                           "the flow completes only out of the seed's step order (shortest run shown)",
                           Trace(hit_path, highlight=len(hit_path) - 1))
        return Outcome(pid, Verdict.HOLDS, "", Trace(hit_path, highlight=len(hit_path) - 1))

    def _deadlock(self, exp, ob) -> Outcome:
        if exp.deadlocks:
            sid = exp.deadlocks[0]
            path = exp.path_to(sid)
            stuck = _stuck_summary(exp.ts, exp.states[sid])
            return Outcome(ob.property, Verdict.VIOLATED, f"deadlock: nothing can move, yet {stuck}",
                           Trace(path, highlight=len(path) - 1 if path else None))
        if not exp.complete:
            return self._incomplete(exp, ob)
        return Outcome(ob.property, Verdict.HOLDS)

    def _handled(self, exp, ob) -> Outcome:
        if exp.unhandled:
            (p, c, m), sid = min(exp.unhandled.items(), key=lambda kv: kv[1])
            ts = exp.ts
            proc = ts.processes[p]
            state = proc.local_label(exp.states[sid][p])
            sender = ts.processes[ts.channels[c].sender].name
            path = exp.path_to(sid)
            return Outcome(
                ob.property, Verdict.VIOLATED,
                f"{proc.name} in state {state} has no transition for {ts.messages[m].label()} from {sender}",
                Trace(path, highlight=len(path) - 1 if path else None),
                {"unhandled": len(exp.unhandled)},
            )
        if not exp.complete:
            return self._incomplete(exp, ob)
        return Outcome(ob.property, Verdict.HOLDS)


FAIRNESS = ("under weak fairness: an internal event of a process, or the receipt of the message at the "
            "head of one input channel, that stays enabled is eventually taken")


def assumptions(exp: Exploration, ob, o: Outcome) -> list[str]:
    """What a verdict takes for granted, when it applies to this search: the output says so.

    A state with an unhandled message is an error state with no successor, so every other
    obligation is decided over the runs that do not run into one: a `holds` then says nothing
    about what would follow such a message.  A response obligation holds under weak fairness."""
    out = []
    if exp.unhandled and not isinstance(ob, AllHandled) and o.verdict in (Verdict.HOLDS, Verdict.VACUOUS):
        n = len(exp.unhandled)
        out.append(f"{o.verdict.value} in every run in which every message is handled: a state with an "
                   f"unhandled message has no successor ({n} such message/state pair{'s' if n > 1 else ''} "
                   f"reached; see every-message-handled)")
    if isinstance(ob, Respond) and o.verdict is Verdict.HOLDS:
        out.append(FAIRNESS)
    return out


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
