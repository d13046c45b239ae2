"""Reachable labelled transition graphs, compared across two compiled systems.

Two systems compiled from different entity tables number their local states and messages
differently, so a state is compared by what it holds: every process's (control, variables),
every channel's messages by channel name, every monitor's value.  An edge is labelled with what
a property can observe of a step: the process, its input, what it sends (to whom), the tags it
marks and its seed step label; an unhandled message at a channel head is an edge of its own.
Equal edge sets mean equal behaviour for every property the pipeline can check, whatever
obligation it lowers to: that is the mechanical equivalence `imsflow mutate` reports.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..system.trace import Trace


class Budget(Exception):
    """The search met the state budget."""


@dataclass
class Graph:
    """The reachable part of one system: edges, and where each (entity, control state) sees
    which input - what tells whether a mutated transition can ever be evaluated."""

    edges: set = field(default_factory=set)
    states: int = 0
    controls: set = field(default_factory=set)  # (entity, control state)
    heads: set = field(default_factory=set)  # (entity, control state, sender entity, message name)


class _Keys:
    def __init__(self, ts):
        self.ts = ts
        self.n, self.m = ts.n, ts.m
        self.names = [c.name for c in ts.channels]
        self.labels: dict = {}
        self.cache: dict = {}

    def state(self, s: tuple):
        key = self.cache.get(s)
        if key is None:
            ts, n = self.ts, self.n
            locals_ = tuple(ts.processes[p].locals[s[p]] for p in range(n))
            chans = tuple((self.names[c], tuple(ts.messages[mid] for mid in s[n + c]))
                          for c in range(self.m) if s[n + c])
            key = self.cache[s] = (locals_, chans, s[n + self.m:])
        return key

    def label(self, aid: int):
        lab = self.labels.get(aid)
        if lab is None:
            ts = self.ts
            a = ts.actions[aid]
            received = (ts.sender_of(aid), ts.messages[a.msg]) if a.msg is not None else None
            lab = self.labels[aid] = (ts.processes[a.proc].name, a.kind, a.trigger, received,
                                      tuple(sorted(ts.sent(aid), key=repr)), tuple(sorted(a.tags)), a.step)
        return lab

    def unhandled(self, p: int, c: int, mid: int):
        return ("unhandled", self.ts.processes[p].name, self.names[c], self.ts.messages[mid])


def explore(ts, max_states: int) -> Graph:
    """Every reachable state and edge of `ts` (breadth-first); Budget past `max_states`."""
    keys = _Keys(ts)
    g = Graph()
    s0 = ts.initial_state()
    seen = {s0}
    queue = deque([s0])
    while queue:
        s = queue.popleft()
        k = keys.state(s)
        _situations(ts, s, g)
        succ, unhandled = ts.expand(s)
        for aid, nxt in succ:
            g.edges.add((k, keys.label(aid), keys.state(nxt)))
            if nxt not in seen:
                if len(seen) >= max_states:
                    raise Budget(f"more than {max_states:,} states")
                seen.add(nxt)
                queue.append(nxt)
        for p, c, mid in unhandled:
            g.edges.add((k, keys.unhandled(p, c, mid), None))
    g.states = len(seen)
    return g


def _situations(ts, s, g: Graph) -> None:
    n = ts.n
    for p, proc in enumerate(ts.processes):
        for _, control, _ in proc.views(s[p]):
            g.controls.add((proc.template, control))
    for c, ch in enumerate(ts.channels):
        q = s[n + c]
        if q:
            proc = ts.processes[ch.receiver]
            sender = ts.processes[ch.sender].template
            for mid in (q if c in ts.set_channels else q[:1]):
                name = ts.messages[mid].name
                for _, control, _ in proc.views(s[ch.receiver]):
                    g.heads.add((proc.template, control, sender, name))


@dataclass
class Difference:
    """How a mutant's reachable graph compares with the original's."""

    same: bool
    states: int = 0
    trace: Trace | None = None  # shortest run to the first step the original does not have
    note: str = ""


def compare(ts, original: Graph, max_states: int) -> Difference:
    """Search the mutant `ts` breadth-first, stopping at the first edge the original lacks: the
    run to it is a shortest one.  Same when no such edge exists and no original edge is lost."""
    keys = _Keys(ts)
    s0 = ts.initial_state()
    parent = {s0: None}
    queue = deque([s0])
    found = set()
    while queue:
        s = queue.popleft()
        k = keys.state(s)
        succ, unhandled = ts.expand(s)
        for aid, nxt in succ:
            edge = (k, keys.label(aid), keys.state(nxt))
            if edge not in original.edges:
                return Difference(False, len(parent), Trace(_path(parent, s) + [aid], highlight=len(_path(parent, s))),
                                  "first step the original model does not take")
            found.add(edge)
            if nxt not in parent:
                if len(parent) >= max_states:
                    raise Budget(f"more than {max_states:,} states")
                parent[nxt] = (s, aid)
                queue.append(nxt)
        for p, c, mid in unhandled:
            if (k, keys.unhandled(p, c, mid), None) not in original.edges:
                path = _path(parent, s)
                return Difference(False, len(parent), Trace(path, highlight=len(path) - 1 if path else None),
                                  f"then {ts.messages[mid].label()} is unhandled by {ts.processes[p].name}, "
                                  "which the original handles")
            found.add((k, keys.unhandled(p, c, mid), None))
    if len(found) != len(original.edges):
        return Difference(False, len(parent), None,
                          f"the mutant lacks {len(original.edges) - len(found)} of the original's "
                          f"{len(original.edges)} reachable steps")
    return Difference(True, len(parent))


def _path(parent: dict, s) -> list:
    out = []
    while parent[s] is not None:
        s, aid = parent[s]
        out.append(aid)
    out.reverse()
    return out
