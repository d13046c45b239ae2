"""Witnesses that follow the seed's step order.

A flow's witness is the shortest run that reaches the flow's goal while the seed step labels
of its actions never go backwards (4-8 may not come after 9).  Actions without a label are
free.  If the goal is reachable but only out of order, that is itself a finding.
"""

from __future__ import annotations

import array
import re
import time

from ...system.trace import Trace

_LEAD = re.compile(r"\s*(\d+)")


def step_key(label: str | None):
    """The number a step label starts with ('4-8' -> 4, '15' -> 15), or None."""
    if not label:
        return None
    m = _LEAD.match(label)
    return int(m.group(1)) if m else None


def ordered_witness(ts, goal_aids, *, max_states=None, timeout=None, restart_after=()):
    """(Trace or None, complete?) - the shortest in-order run that takes a goal action.
    After an action labelled with one of `restart_after` the order may start again (a flow
    whose steps "are repeated" for each identity)."""
    start = time.perf_counter()
    restart = set(restart_after)
    keys_cache: list = []
    init = (ts.initial_state(), -1)
    nodes = [init]
    seen = {init: 0}
    parent, via = [-1], [-1]
    i = 0
    while i < len(nodes):
        s, last = nodes[i]
        succ, unhandled = ts.expand(s)
        keys = _keys(ts, keys_cache)
        if not unhandled:
            for aid, t in succ:
                k = keys[aid]
                if k is not None and k < last:
                    continue
                if aid in goal_aids:
                    path = [aid]
                    j = i
                    while j > 0:
                        path.append(via[j])
                        j = parent[j]
                    path.reverse()
                    return Trace(path, highlight=len(path) - 1), True
                node = (t, -1 if ts.actions[aid].step in restart else (last if k is None else k))
                if node not in seen:
                    seen[node] = len(nodes)
                    nodes.append(node)
                    parent.append(i)
                    via.append(aid)
        i += 1
        if max_states is not None and len(nodes) >= max_states:
            return None, False
        if timeout is not None and (i & 1023) == 0 and time.perf_counter() - start > timeout:
            return None, False
    return None, True


def ordered_witness_over(exp, goal_aids, *, max_states=None, restart_after=()):
    """`ordered_witness` over the graph a complete native search already holds (its kept
    edges), natively, instead of expanding every state again - the same run, since the edges
    are the successors in expansion order.  None when `exp` cannot answer it (a Python or
    reduced search, no edges, or cut short): the caller then runs `ordered_witness`."""
    search = exp.native
    if search is None or not exp.complete or exp.edges is None:
        return None
    ts = exp.ts
    n = len(ts.actions)
    keys = array.array("i", (NO_KEY if k is None else k for k in _keys(ts, [])))
    restart = set(restart_after)
    restarts = bytes(ts.actions[a].step in restart for a in range(n))
    goal = bytearray(n)
    for aid in goal_aids:
        if aid < n:
            goal[aid] = 1
    path, complete = search.ordered(keys.tobytes(), restarts, bytes(goal), -1 if max_states is None else max_states)
    if path is None:
        return None, complete
    return Trace(path, highlight=len(path) - 1), True


NO_KEY = -(2**31)  # the native search's "no step key" (INT32_MIN)


def _keys(ts, cache: list) -> list:
    """Step keys per action id; actions are compiled on demand, so extend as they appear."""
    while len(cache) < len(ts.actions):
        cache.append(step_key(ts.actions[len(cache)].step))
    return cache
