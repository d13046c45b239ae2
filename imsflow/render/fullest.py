"""The run a flow figure shows: the flow's witness, made to take its optional steps too.

The `flow-reachable` witness is the *shortest* in-order run to the flow's goal, so it skips
what the seed marks optional (the 180 Ringing of steps 11-14).  A figure of the flow should
show those steps, marked optional, as the TS figure does.  This search asks the model for an
in-order run to the same goal that also takes every optional step (and every step the
witness takes); it is a breadth-first search over (state, last step number, steps taken), so
what it returns is still a run of the model, replayable like any trace.  When no such run
exists within the budget, the figure uses the witness as it is.
"""

from __future__ import annotations

from ..backends.explore.witness import step_key
from ..system.trace import Trace

BUDGET = 400_000  # search nodes; beyond it the plain witness is drawn


def fullest_run(ts, witness: Trace, goal, optional_steps, *, restart_after=(),
                budget: int = BUDGET) -> Trace | None:
    """A Trace to `goal` in step order that takes every step label of `witness` plus every
    optional step, or None.  After a step in `restart_after` the order may start again, as
    in the witness search (a flow repeated per identity)."""
    restart = set(restart_after)
    want = []
    for aid in witness.actions:
        label = ts.actions[aid].step
        if label and label not in want:
            want.append(label)
    extra = [s for s in optional_steps if s not in want]
    if not extra:
        return None
    want += extra
    bit = {label: 1 << i for i, label in enumerate(want)}
    full = (1 << len(want)) - 1
    keys: dict = {}

    def key_of(aid):
        k = keys.get(aid)
        if k is None:
            k = keys[aid] = (step_key(ts.actions[aid].step), bit.get(ts.actions[aid].step, 0))
        return k

    def is_goal(aid):  # `goal` is a Reach obligation's GoalActions
        return aid in goal

    init = (ts.initial_state(), -1, 0)
    nodes = [init]
    seen = {init: 0}
    parent, via = [-1], [-1]
    i = 0
    while i < len(nodes):
        s, last, mask = nodes[i]
        succ, unhandled = ts.expand(s)
        if not unhandled:
            for aid, t in succ:
                k, b = key_of(aid)
                if k is not None and k < last:
                    continue
                m = mask | b
                if is_goal(aid) and m == full:
                    path = [aid]
                    j = i
                    while j > 0:
                        path.append(via[j])
                        j = parent[j]
                    path.reverse()
                    return Trace(path, highlight=len(path) - 1)
                node = (t, -1 if ts.actions[aid].step in restart else (last if k is None else k), m)
                if node not in seen:
                    seen[node] = len(nodes)
                    nodes.append(node)
                    parent.append(i)
                    via.append(aid)
                    if len(nodes) >= budget:
                        return None
        i += 1
    return None
