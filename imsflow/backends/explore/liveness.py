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

The counterexample is a lasso: the shortest path to the SCC, then a cycle inside it that lets
every continuously enabled process move at least once.
"""

from __future__ import annotations

from collections import deque

from ...system.trace import Trace


def find_violation(exp, mk: int) -> Trace | None:
    ts = exp.ts
    slot = ts.mon_off + mk
    states = exp.states
    pending = [sid for sid, s in enumerate(states) if s[slot] not in (0, -1)]
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
    for comp in _sccs(nodes, succ):
        comp_set = set(comp)
        edges = [(u, aid, v) for u in comp for aid, v in succ[u] if v in comp_set]
        if not edges:
            continue  # a single state without a self-loop
        # Fairness needs every successor of the component's states, pending or not.
        always = set.intersection(*({unit(aid) for aid, _ in _out(exp, u)} for u in comp))
        moved = {unit(aid) for _, aid, _ in edges}
        if always - moved:
            continue  # unfair: some process is always enabled and never moves here
        entry = min(comp)
        cycle = _fair_cycle(unit, entry, comp_set, succ, always)
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


def _fair_cycle(unit_of, entry, comp, succ, required_units) -> list[int]:
    """A cycle from `entry` back to itself in which every class of `required_units` is taken
    (`unit_of`: action id -> fairness class, see `_units`)."""
    cycle, here = [], entry
    for unit in sorted(required_units, key=repr):
        path = _path_within(here, lambda u, aid, v, w=unit: unit_of(aid) == w, comp, succ)
        if path:
            cycle += [aid for aid, _ in path]
            here = path[-1][1]
    back = _path_within(here, lambda u, aid, v: v == entry, comp, succ) if (here != entry or not cycle) else []
    cycle += [aid for aid, _ in back or []]
    return cycle
