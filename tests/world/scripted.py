"""Drive the seed model along a written scenario, then look at what can still happen.

A scenario is a text file: one action a line, `ENTITY trigger [from SENDER]` (an event, or the
receipt of the message at the head of the channel from SENDER), `#` starts a comment.  Matching
is on entity, trigger and sender only - not on message fields - so a scenario taken from a
counterexample keeps replaying when messages gain fields.  `settle` then explores, within a
count budget, everything reachable from where the scenario ends: a model defect found with
`faults=all` over millions of states is pinned here in a few hundred."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from imsflow.compiler.compile import compile_model
from imsflow.loader import load

SCENARIOS = Path(__file__).parent / "scenarios"


def system(flow: str, settings: dict | None = None, wics: int = 1):
    model = load(None).model
    return compile_model(model, model.config(flow, settings or {}, wics), eager=False)


def read(name: str) -> list[tuple[str, str, str | None]]:
    steps = []
    for line in (SCENARIOS / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        sender = words[3] if len(words) == 4 and words[2] == "from" else None
        steps.append((words[0], words[1], sender))
    return steps


class ScenarioError(AssertionError):
    pass


def drive(ts, steps) -> tuple:
    """The state after performing `steps` from the initial state (each must be enabled)."""
    s = ts.initial_state()
    for k, (entity, trigger, sender) in enumerate(steps, 1):
        succ, _ = ts.expand(s)
        found = [nxt for aid, nxt in succ
                 if ts.processes[ts.actions[aid].proc].name == entity and ts.actions[aid].trigger == trigger
                 and ts.sender_of(aid) == sender]
        if not found:
            enabled = "; ".join(ts.action_text(aid) for aid, _ in succ)
            raise ScenarioError(f"step {k} ({entity} {trigger} from {sender}) is not enabled; enabled: {enabled}")
        s = found[0]
    return s


@dataclass
class Settled:
    states: int = 0
    deadlocks: list = field(default_factory=list)  # described states where nothing can move
    unhandled: list = field(default_factory=list)  # (entity, message) nobody can receive
    ends: list = field(default_factory=list)  # valid resting states reached
    cut: bool = False  # the budget ran out before everything was seen
    seen: list = field(default_factory=list)  # every state explored (with keep=True)


def settle(ts, start: tuple, budget: int = 20_000, keep: bool = False) -> Settled:
    """Explore from `start` (breadth first, at most `budget` states; `keep` them all)."""
    out = Settled()
    seen = {start}
    todo = deque([start])
    while todo:
        s = todo.popleft()
        out.states += 1
        if keep:
            out.seen.append(s)
        succ, unhandled = ts.expand(s)
        for p, c, mid in unhandled:
            out.unhandled.append((ts.processes[p].name, ts.messages[mid].label()))
        if not succ:
            (out.ends if ts.is_end(s) else out.deadlocks).append(ts.describe(s))
        for _, nxt in succ:
            if nxt not in seen:
                if len(seen) >= budget:
                    out.cut = True
                    continue
                seen.add(nxt)
                todo.append(nxt)
    return out
