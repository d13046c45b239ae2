"""What a configuration can reach: every message some run sends and every entity state some run
enters, read off one exhaustive exploration of the system without property monitors.

The diff compares two of these summaries ("the password now reaches the WST").  A summary of a
search cut short by a budget says so (`complete: false`): then "no longer reachable" is only
"not reached within the budget", and the diff says that too.
"""

from __future__ import annotations

from ..backends.explore.bfs import explore
from ..system.ts import TransitionSystem


def summarise(ts: TransitionSystem, *, max_states: int | None = None, timeout: float | None = None) -> dict:
    exp = explore(ts, max_states=max_states, timeout=timeout)
    states = set()
    for p, proc in enumerate(ts.processes):
        for local in {s[p] for s in exp.states}:
            states.add(f"{proc.name}: {proc.control(local)}")
    messages = set()
    for aid in exp.taken:  # an action taken once delivered every message it sends
        for c, m in ts.actions[aid].sends:
            ch = ts.channels[c]
            messages.add(f"{ts.processes[ch.sender].name} -> {ts.processes[ch.receiver].name}: "
                         f"{ts.messages[m].label()}")
    return {
        "messages": sorted(messages),
        "states": sorted(states),
        "complete": exp.complete,
        "stop_reason": exp.stop_reason,
        "explored": len(exp.states),
    }
