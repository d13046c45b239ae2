"""Exhaustive breadth-first exploration of a TransitionSystem.

One pass visits every reachable state once, keeps a parent link per state (so every
counterexample is a shortest one), and records what the property checkers need: the first
state where each invariant fails and each monitor errs, deadlocks, unhandled messages, the
actions ever taken (for vacuity) and the terminal states.  A budget (states or seconds) ends
the search early and the Exploration says so: checkers must then answer `inconclusive`
wherever the unexplored part could change their verdict.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import time
from dataclasses import dataclass, field

from ...system import fast
from ...system.monitor import ERR
from ...system.ts import TransitionSystem
from . import budget
from . import native as _native


@dataclass
class Exploration:
    ts: TransitionSystem
    states: list
    index: dict
    parent: list
    via: list
    transitions: int = 0
    depth: int = 0
    seconds: float = 0.0
    complete: bool = True
    stop_reason: str | None = None
    deadlocks: list = field(default_factory=list)  # state ids
    terminals: list = field(default_factory=list)  # state ids with no successor (end or not)
    unhandled: dict = field(default_factory=dict)  # (proc, chan, msg) -> first state id
    invariant_failures: dict = field(default_factory=dict)  # property id -> state id
    monitor_errors: dict = field(default_factory=dict)  # monitor index -> state id
    taken: set = field(default_factory=set)  # action ids taken at least once
    edges: list | None = None  # per state: [(action id, successor id)], kept for liveness checks
    # Edges into a state numbered no higher than their source.  Every cycle has one (ids cannot
    # rise all the way round), so with none the graph is acyclic and no response property can
    # fail by a cycle: the liveness check then skips its cycle search.
    back_edges: int = 0
    cyclic_core: set | None = field(default=None, repr=False)  # liveness.cyclic_core, once computed
    fairness_units: list = field(default_factory=list, repr=False)  # aid -> fairness class (liveness)
    # The native search's store (native.py) when the search ran natively: states, seen set and
    # edges live there, and the liveness check reads pending states and the cyclic core from it.
    native: object = field(default=None, repr=False)
    engine: str = "python"  # which search ran: "native" or "python"
    engine_note: str = ""  # why the Python search ran, when it did
    bytes: int = 0  # memory the native store holds (0: not measured)

    @property
    def stats(self) -> dict:
        rate = len(self.states) / self.seconds if self.seconds > 0 else 0.0
        out = {
            "states": len(self.states),
            "transitions": self.transitions,
            "depth": self.depth,
            "seconds": round(self.seconds, 3),
            "states_per_second": round(rate),
            "search": self.engine,
            "complete": self.complete,
        }
        if self.bytes:
            out["bytes_per_state"] = round(self.bytes / max(len(self.states), 1))
        return out

    def path_to(self, sid: int) -> list[int]:
        """Action ids from the initial state to state `sid` (a shortest path)."""
        return run_to(self.parent, self.via, sid)

    def depth_of(self, sid: int) -> int:
        d = 0
        while sid > 0:
            sid = self.parent[sid]
            d += 1
        return d


def run_to(parent: list, via: list, sid: int) -> list[int]:
    """The action ids from state 0 to state `sid`, following parent links (state i was first
    reached from parent[i] by action via[i])."""
    actions = []
    while sid > 0:
        actions.append(via[sid])
        sid = parent[sid]
    actions.reverse()
    return actions


@contextlib.contextmanager
def gc_paused():
    """The cyclic garbage collector off for a search.  A search allocates millions of tuples
    and keeps most of them, so the collector's full passes over everything kept come ever
    more often and slower (a third of a 100k-state search); states and tables hold no
    reference cycles for it to find."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Progress:
    """A one-line progress report on stderr for runs longer than a second (terminal only)."""

    def __init__(self, label: str, enabled: bool | None = None):
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = time.perf_counter()
        self.last = self.start
        self.shown = False

    def tick(self, states: int, depth: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self.start < 1.0 or now - self.last < 0.25:
            return
        self.last = now
        rate = states / (now - self.start)
        sys.stderr.write(f"\r  {self.label}: {states:,} states, depth {depth}, {rate:,.0f} states/s ")
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 79 + "\r")
            sys.stderr.flush()


def explore(
    ts: TransitionSystem,
    *,
    max_states: int | None = None,
    timeout: float | None = None,
    progress: Progress | None = None,
    reducer=None,
    keep_edges: bool = False,
    max_bytes: int | None = None,
    native: bool | None = None,
    threads: int | None = None,
) -> Exploration:
    """Breadth-first search of every state reachable from ts.initial_state().

    With a `reducer` (reduce.py) each state is expanded through `reducer.expand` (partial-order
    reduction) and filed under `reducer.key` (symmetry: its orbit's representative); `states`
    keeps the concrete state first met for each key, so parent links remain real runs.
    `keep_edges` records every transition (for the liveness check, which would otherwise
    expand each pending state again per response property).

    Without a reducer the search runs natively (native.py, over packed states) when the C
    extension is there; `native=False` forces this module's Python search, the reference the
    native one is tested against.  `max_bytes` bounds the native store's memory; `threads`
    (default: native.default_threads) expand states in parallel, with the same result."""
    with gc_paused():
        why = "python search requested"
        if native is not False and reducer is None and _native.available():
            try:
                return _explore_native(ts, max_states, timeout, max_bytes, progress, keep_edges, threads)
            except _native.NativeUnavailable as exc:
                why = f"python search: {exc}"
        elif reducer is not None:
            why = f"python search: the {reducer.label} reduction runs in Python"
        elif native is not False:
            why = f"python search: {fast.status()}"
        exp = _explore(ts, max_states, timeout, progress, reducer, keep_edges, max_bytes)
        exp.engine = "python"
        exp.engine_note = why
        return exp


def _explore_native(ts, max_states, timeout, max_bytes, progress, keep_edges, threads) -> Exploration:
    search, found, parent, via, edges = _native.search(
        ts, max_states=max_states, timeout=timeout, max_bytes=max_bytes, progress=progress, keep_edges=keep_edges,
        threads=threads)
    if progress is not None:
        progress.done()
    exp = Exploration(ts=ts, states=_native.NativeStates(search), index=_native.NativeIndex(search),
                      parent=parent, via=via, native=search, engine="native", bytes=found["bytes"])
    exp.edges = edges
    exp.transitions = found["transitions"]
    exp.back_edges = found["back_edges"]
    exp.depth = found["depth"]
    exp.seconds = found["seconds"]
    exp.deadlocks = found["deadlocks"]
    exp.terminals = found["terminals"]
    exp.unhandled = {(p, c, mid): sid for p, c, mid, sid in found["unhandled"]}
    pids = [pid for pid, _ in ts.invariants]
    exp.invariant_failures = {pids[k]: sid for k, sid in found["invariant_failures"]}
    exp.monitor_errors = dict(found["monitor_errors"])
    exp.taken = set(found["taken"])
    if not found["complete"]:
        exp.complete = False
        count = len(search)
        kind = found["stop_kind"]
        if kind == 1:
            exp.stop_reason = f"state budget of {max_states:,} states reached"
        elif kind == 2:
            exp.stop_reason = f"time budget of {timeout:g} s reached after {count:,} states"
        else:
            exp.stop_reason = f"memory budget of {max_bytes / 2**30:.1f} GiB reached after {count:,} states"
    return exp


def _explore(ts, max_states, timeout, progress, reducer, keep_edges, max_bytes=None) -> Exploration:
    start = time.perf_counter()
    # The Python search's memory is what the process gained since it began (the tuples it keeps).
    rss_limit = budget.rss_bytes() + max_bytes if max_bytes is not None else None
    init = ts.initial_state()
    canon = reducer.key if reducer is not None else None
    states = [init]
    index = {init if canon is None else canon(init): 0}
    parent = [-1]
    via = [-1]
    exp = Exploration(ts=ts, states=states, index=index, parent=parent, via=via)
    edges = exp.edges = [] if keep_edges else None
    invariants = [(pid, pred.compile_memo(ts)) for pid, pred in ts.invariants]
    inv_failures = exp.invariant_failures
    mon_errors = exp.monitor_errors
    for pid, holds_bad in invariants:
        if holds_bad(init):
            inv_failures.setdefault(pid, 0)
    # Only actions with a CHECK/CONSUME/FAIL operation can put a monitor in error; the list
    # grows as the system compiles actions on demand.
    can_err = ts.can_err
    expand = ts.expand if reducer is None else (lambda s: reducer.expand(s, index))
    is_end = ts.is_end
    taken = exp.taken
    deadlocks, terminals, unhandled = exp.deadlocks, exp.terminals, exp.unhandled
    index_get = index.get

    def step_py(s, i, index, taken, keep):
        """One expansion, sorted out against the states seen so far (what the C `step` of
        system/_expand.c does): (successors, [(aid, j)] seen, [(aid, t, key)] new, back,
        unhandled).  The new successors carry their key, so a reducer's canonical form is
        computed once per successor."""
        succ, unh = expand(s)
        if unh:
            return len(succ), [], [], 0, unh
        seen, new, back = [], [], 0
        for aid, t in succ:
            taken.add(aid)
            key = t if canon is None else canon(t)
            j = index_get(key)
            if j is None:
                new.append((aid, t, key))
                continue
            if j <= i:
                back += 1
            if keep:
                seen.append((aid, j))
        return len(succ), seen, new, back, unh

    fast_step = ts._fast_step if reducer is None else None
    keep = edges is not None
    transitions = 0
    back_edges = 0
    level_end = 1  # BFS level bookkeeping for the depth statistic
    depth = 0
    i = 0
    budget_hit = None
    while i < len(states):
        if i == level_end:
            depth += 1
            level_end = len(states)
        s = states[i]
        done = fast_step(s, i, index, taken, keep) if fast_step is not None else None
        if done is None:  # no C step, or a table entry it needs is not built yet
            done = step_py(s, i, index, taken, keep)
        count, out, new, back, unh = done
        if keep:
            edges.append(out)
        if unh:
            for key in unh:
                unhandled.setdefault(key, i)
            i += 1
            continue  # an unhandled message is an error state: not expanded further
        if not count:
            terminals.append(i)
            if not is_end(s):
                deadlocks.append(i)
        transitions += count
        back_edges += back
        for entry in new:  # (aid, t) from the C step, (aid, t, key) from step_py
            aid, t = entry[0], entry[1]
            key = t if canon is None else entry[2]  # with a reducer the step is always step_py
            seen = index_get(key)
            if seen is not None:  # two actions of this expansion reach the same new state
                if keep:
                    out.append((aid, seen))
                continue
            j = len(states)
            if keep:
                out.append((aid, j))
            index[key] = j
            states.append(t)
            parent.append(i)
            via.append(aid)
            for slot, mk in can_err[aid]:
                if t[slot] == ERR and s[slot] != ERR and mk not in mon_errors:
                    mon_errors[mk] = j
            for pid, holds_bad in invariants:
                if pid not in inv_failures and holds_bad(t):
                    inv_failures[pid] = j
        i += 1
        if (i & 1023) == 0:
            if progress is not None:
                progress.tick(len(states), depth)
            if timeout is not None and time.perf_counter() - start > timeout:
                budget_hit = f"time budget of {timeout:g} s reached after {len(states):,} states"
                break
            if rss_limit is not None and (i & 16383) == 0 and budget.rss_bytes() > rss_limit:
                budget_hit = f"memory budget of {max_bytes / 2**30:.1f} GiB reached after {len(states):,} states"
                break
        if max_states is not None and len(states) >= max_states and i < len(states):
            budget_hit = f"state budget of {max_states:,} states reached"
            break
    if progress is not None:
        progress.done()
    exp.transitions = transitions
    exp.back_edges = back_edges
    exp.depth = depth
    exp.seconds = time.perf_counter() - start
    if budget_hit:
        exp.complete = False
        exp.stop_reason = budget_hit
    return exp
