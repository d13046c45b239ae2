"""Response properties ("A leads to B") under weak fairness, on a complete exploration.

A response monitor is *pending* while some A waits for its B.  The property fails when

* a terminal state (nothing enabled) is pending - the run stops with the request unanswered; or
* a pending strongly connected component is *fair*: every action class that is enabled in all
  its states is also taken inside it.  An action class is one internal event of one process
  (the user hanging up, a timer) or the receipt on one channel (the message at its head) -
  weak fairness per class, as TLA+'s WF per action, so a server that could answer but keeps
  "thinking" is not a counterexample.  For weak fairness it is enough to test each maximal SCC
  of the pending subgraph: a cycle through every edge of a fair SCC is a fair run that stays
  pending forever, and an SCC that fails the test contains no fair cycle at all.

Each request is checked on its own: the monitor keeps one bit per key, and the pending
subgraph above is that of one bit (`find_violation`).

The counterexample is a lasso: the shortest path to the SCC, then a cycle inside it that is
fair by construction - every class enabled in every state the cycle visits is taken on it
(`_fair_cycle`).
"""

from __future__ import annotations

from collections import deque

from ...system.trace import Trace


def find_violation(exp, mk: int) -> Trace | None:
    """A fair run in which one request stays unanswered for ever, or None.

    The property is checked per request: a response monitor keeps one bit per key (per WIC,
    per per-WIC context, per call - whatever the property's `key` names), and request b is
    unanswered for ever exactly when bit b stays set from some point on (a repeated request
    while b is pending is the same request: ARM is idempotent).  So each bit has its own
    pending subgraph; "eventually nothing is pending at all" would wrongly fail a system in
    which requests of different keys overlap for ever while each is answered."""
    ts = exp.ts
    slot = ts.mon_off + mk
    if exp.native is not None:
        seen = exp.native.pending(mk, 0)
    else:
        seen = 0
        for s in exp.states:
            v = s[slot]
            if v > 0:
                seen |= v
    if not seen:
        return None
    keys = ts.monitors[mk].keys
    for bit in range(seen.bit_length()):
        if seen >> bit & 1:
            lasso = _violation_for_bit(exp, slot, 1 << bit)
            if lasso is not None:
                label = keys[bit] if bit < len(keys) else str(bit)
                if label != "*":
                    lasso.note += f" (the request for key {label})"
                return lasso
    return None


def _violation_for_bit(exp, slot: int, mask: int) -> Trace | None:
    if exp.native is not None:
        pending = exp.native.pending(slot - exp.ts.mon_off, mask)
    else:
        pending = [sid for sid, s in enumerate(exp.states) if s[slot] > 0 and s[slot] & mask]
    if not pending:
        return None
    pend_set = set(pending)
    for sid in exp.terminals:
        if sid in pend_set:
            path = exp.path_to(sid)
            return Trace(path, highlight=len(path) - 1 if path else None,
                         note="the run ends here with the request still unanswered")
    # A pending run that never ends must go round a cycle, and a cycle lies inside one strongly
    # connected component of the whole graph: only pending states of the graph's cyclic core
    # can be on one.  The core is computed once per exploration and shared by every response
    # property; in a flow's graph it is a small part (the retries, re-registrations and the
    # like), so the per-property work below is small too.
    core = cyclic_core(exp)
    nodes = [sid for sid in pending if sid in core]
    if not nodes:
        return None
    node_set = set(nodes)
    succ = {sid: [(aid, j) for aid, j in _out(exp, sid) if j in node_set] for sid in nodes}
    unit = _units(exp)
    enabled = {}  # state -> fairness classes enabled there (every successor, pending or not)
    for comp in _sccs(nodes, succ):
        comp_set = set(comp)
        edges = [(u, aid, v) for u in comp for aid, v in succ[u] if v in comp_set]
        if not edges:
            continue  # a single state without a self-loop
        for u in comp:
            enabled[u] = _enabled(exp, u, unit)
        always = set.intersection(*(enabled[u] for u in comp))
        moved = {unit(aid) for _, aid, _ in edges}
        if always - moved:
            continue  # unfair: some class is always enabled and never taken here
        entry = min(comp)
        cycle = _fair_cycle(unit, entry, comp_set, succ, enabled)
        prefix = exp.path_to(entry)
        return Trace(prefix + cycle, loop_start=len(prefix),
                     note="the cycle repeats forever under weak fairness and the request stays unanswered")
    return None


def _out(exp, sid: int) -> list:
    """[(action id, successor id)] of an explored state (kept edges, or expanded again)."""
    if exp.edges is not None and sid < len(exp.edges):
        return exp.edges[sid]
    index = exp.index
    return [(aid, index[t]) for aid, t in exp.ts.expand(exp.states[sid])[0] if t in index]


def _enabled(exp, sid: int, unit) -> set:
    """The fairness classes enabled in an explored state.  After a partial-order reduced search
    (`exp.full_enabledness`) the state's own edges may be an ample set, which leaves out the
    classes it postpones: those are read from its full expansion (reduce.py, C4)."""
    if getattr(exp, "full_enabledness", False):
        return {unit(aid) for aid, _ in exp.ts.expand(exp.states[sid])[0]}
    return {unit(aid) for aid, _ in _out(exp, sid)}


def cyclic_core(exp) -> set:
    """The states that lie on some cycle of the explored graph (members of a strongly connected
    component with an edge inside it), computed once per exploration.

    States no cycle can pass through are first peeled off Kahn-style (no predecessor left);
    Tarjan then runs on what remains, which in a flow's graph is usually a small part of it."""
    if exp.cyclic_core is not None:
        return exp.cyclic_core
    if not exp.back_edges and exp.edges is not None:
        exp.cyclic_core = set()  # no edge goes back: acyclic (see Exploration.back_edges)
        return exp.cyclic_core
    count = len(exp.states)
    if exp.native is not None and exp.edges is not None and len(exp.edges) == count:
        exp.cyclic_core = set(exp.native.cyclic_core())
        return exp.cyclic_core
    if exp.edges is not None and len(exp.edges) == count:
        out = [[j for _, j in o] for o in exp.edges]
    else:
        out = [[j for _, j in _out(exp, v)] for v in range(count)]
    indeg = [0] * count
    for targets in out:
        for j in targets:
            indeg[j] += 1
    # Peel off, repeatedly, the states nothing left leads into: no cycle passes through them.
    stack = [v for v in range(count) if indeg[v] == 0]
    removed = bytearray(count)
    while stack:
        v = stack.pop()
        removed[v] = 1
        for j in out[v]:
            indeg[j] -= 1
            if indeg[j] == 0:
                stack.append(j)
    rest = [v for v in range(count) if not removed[v]]
    succ = {v: [(None, j) for j in out[v] if not removed[j]] for v in rest}
    core = set()
    for comp in _sccs(rest, succ):
        if len(comp) > 1 or any(j == comp[0] for _, j in succ[comp[0]]):
            core.update(comp)
    exp.cyclic_core = core
    return core


def _units(exp):
    """aid -> fairness class, from a table built once per exploration (it grows with the actions)."""
    ts, table = exp.ts, exp.fairness_units
    for aid in range(len(table), len(ts.actions)):
        table.append(_unit(ts, aid))
    return table.__getitem__


def _unit(ts, aid):
    """The fairness class of an action: (process, event) or (process, input channel)."""
    a = ts.actions[aid]
    return (a.proc, a.trigger) if a.channel is None else (a.proc, "recv", a.channel)


def _sccs(nodes, succ):
    """Tarjan's algorithm, iterative (the pending subgraph can be deep)."""
    index_of, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in nodes:
        if root in index_of:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index_of[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            recurse = False
            edges = succ[v]
            while i < len(edges):
                w = edges[i][1]
                i += 1
                if w not in index_of:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index_of[w])
            if recurse:
                continue
            if low[v] == index_of[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    return out


def _path_within(start, goal_test, comp, succ):
    """Shortest path (list of (aid, state)) inside `comp` from start to a state passing goal_test
    on the edge taken: goal_test(u, aid, v)."""
    prev = {start: None}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for aid, v in succ[u]:
            if v not in comp:
                continue
            if goal_test(u, aid, v):
                path = [(aid, v)]
                while u != start:
                    pu, pa = prev[u]
                    path.append((pa, u))
                    u = pu
                path.reverse()
                return path
            if v not in prev:
                prev[v] = (u, aid)
                queue.append(v)
    return None


def _fair_cycle(unit_of, entry, comp, succ, enabled: dict) -> list[int]:
    """A cycle from `entry` back to itself, inside the fair component `comp`, that is fair by
    construction: every fairness class enabled in *every state the cycle visits* is taken on
    it (`unit_of`: action id -> class; `enabled`: state -> classes enabled there).

    Forcing only the classes enabled in every state of the component is not enough: the cycle
    printed visits some of its states, and a class enabled in all of those may never be taken
    - a run imsflow's own fairness excludes.  So the cycle grows until it is fair: for each
    class continuously enabled along it and not taken, a detour through an edge of that class
    if the component has one, else through a state of the component where it is disabled
    (one exists: the component is fair, so a class it never takes is not always enabled).
    Each detour either takes the class or makes it not continuously enabled, and a class
    dealt with stays dealt with (detours only add states and edges), so this ends."""
    cycle: list = []  # [(aid, state after)]
    here = entry
    while True:
        visited = [entry] + [v for _, v in cycle]
        along = set.intersection(*(enabled[v] for v in visited))
        taken = {unit_of(aid) for aid, _ in cycle}
        missing = sorted(along - taken, key=repr)
        if not missing and cycle and here == entry:
            return [aid for aid, _ in cycle]
        if missing:
            want = missing[0]
            path = _path_within(here, lambda u, aid, v, w=want: unit_of(aid) == w, comp, succ)
            if path is None:
                path = _path_within(here, lambda u, aid, v, w=want: w not in enabled[v], comp, succ)
            if path is None:  # cannot happen in a fair component; fail loudly rather than print an unfair run
                raise AssertionError(f"no fair cycle through {entry}: class {want} is stuck enabled")
        else:
            path = _path_within(here, lambda u, aid, v: v == entry, comp, succ)
        cycle += path
        here = path[-1][1]
