"""Reachable labelled transition graphs, compared across two compiled systems.

Two systems compiled from different entity tables number their local states and messages
differently, so a state is compared by what it holds: every process's (control, variables),
every channel's messages by channel name, every monitor's value.  An edge is labelled with what
a property can observe of a step: the process, its input, what it sends (to whom), the tags it
marks and its seed step label; an unhandled message at a channel head is an edge of its own.
Equal edge sets mean equal behaviour for every property the pipeline can check, whatever
obligation it lowers to: that is the mechanical equivalence `imsflow mutate` reports.

Only the three-method core of a TransitionSystem is used (initial_state, expand, and the
tables that name processes, channels, messages and actions).  The mutant's states are
translated into the original's numbering (its local-state and message numbers), and states and
labels are interned as integers, so a comparison costs little more than the search itself.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..system.trace import Trace


class Budget(Exception):
    """The search met the state budget."""


def _label(ts, aid: int) -> tuple:
    a = ts.actions[aid]
    received = (ts.sender_of(aid), ts.messages[a.msg]) if a.msg is not None else None
    return (ts.processes[a.proc].name, a.kind, a.trigger, received,
            tuple(sorted(ts.sent(aid), key=repr)), tuple(sorted(a.tags)), a.step)


def _unhandled(ts, p: int, c: int, mid: int) -> tuple:
    return ("unhandled", ts.processes[p].name, ts.channels[c].name, ts.messages[mid])


@dataclass
class Graph:
    """The reachable part of the original system, in its own numbering."""

    ids: dict = field(default_factory=dict)  # state -> number
    labels: dict = field(default_factory=dict)  # label -> number
    edges: set = field(default_factory=set)  # (state number, label number, state number or -1)
    locals: list = field(default_factory=list)  # per process: {local value: local number}
    messages: dict = field(default_factory=dict)  # Msg -> message number
    channels: dict = field(default_factory=dict)  # channel name -> index
    processes: tuple = ()
    controls: set = field(default_factory=set)  # (entity, control state) reached
    heads: set = field(default_factory=set)  # (entity, control state, sender entity, message) at hand

    @property
    def states(self) -> int:
        return len(self.ids)


def explore(ts, max_states: int) -> Graph:
    """Every reachable state and edge of `ts` (breadth-first); Budget past `max_states`."""
    g = Graph(processes=tuple(p.name for p in ts.processes))
    labels: dict = {}

    def label(aid):
        k = labels.get(aid)
        if k is None:
            k = labels[aid] = g.labels.setdefault(_label(ts, aid), len(g.labels))
        return k

    s0 = ts.initial_state()
    g.ids[s0] = 0
    queue = deque([s0])
    while queue:
        s = queue.popleft()
        k = g.ids[s]
        _situations(ts, s, g)
        succ, unhandled = ts.expand(s)
        for aid, nxt in succ:
            j = g.ids.get(nxt)
            if j is None:
                if len(g.ids) >= max_states:
                    raise Budget(f"more than {max_states:,} states")
                j = g.ids[nxt] = len(g.ids)
                queue.append(nxt)
            g.edges.add((k, label(aid), j))
        for p, c, mid in unhandled:
            g.edges.add((k, g.labels.setdefault(_unhandled(ts, p, c, mid), len(g.labels)), -1))
    g.locals = [{value: i for i, value in enumerate(p.locals)} for p in ts.processes]
    g.messages = {msg: i for i, msg in enumerate(ts.messages)}
    g.channels = {c.name: c.index for c in ts.channels}
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


class _Translation:
    """A mutant's states and labels in the original's numbers (None: the original has none)."""

    def __init__(self, ts, g: Graph):
        self.ts, self.g = ts, g
        self.n, self.m = ts.n, ts.m
        self.width = len(g.channels)
        self.channel = [g.channels.get(c.name) for c in ts.channels]
        self.local = [dict() for _ in range(ts.n)]
        self.message: dict = {}
        self.labels: dict = {}

    def _local(self, p: int, li: int):
        table = self.local[p]
        if li not in table:
            table[li] = self.g.locals[p].get(self.ts.processes[p].locals[li])
        return table[li]

    def _message(self, mid: int):
        if mid not in self.message:
            self.message[mid] = self.g.messages.get(self.ts.messages[mid])
        return self.message[mid]

    def state(self, s: tuple):
        """The original's number of state `s`, or None."""
        n = self.n
        procs = [self._local(p, s[p]) for p in range(n)]
        if None in procs:
            return None
        chans = [()] * self.width
        for c in range(self.m):
            q = s[n + c]
            if q:
                oc = self.channel[c]
                tq = tuple(self._message(mid) for mid in q)
                if oc is None or None in tq:
                    return None
                chans[oc] = tq
        return self.g.ids.get(tuple(procs) + tuple(chans) + s[n + self.m:])

    def label(self, aid: int):
        if aid not in self.labels:
            self.labels[aid] = self.g.labels.get(_label(self.ts, aid))
        return self.labels[aid]


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
    if tuple(p.name for p in ts.processes) != original.processes:
        return Difference(False, 0, None, "the mutant composes other processes")
    tr = _Translation(ts, original)
    s0 = ts.initial_state()
    seen = {s0: (None, None, tr.state(s0))}  # state -> (parent, action, the original's number)
    queue = deque([s0])
    found = set()
    while queue:
        s = queue.popleft()
        k = seen[s][2]
        succ, unhandled = ts.expand(s)
        for aid, nxt in succ:
            known = seen.get(nxt)
            j = known[2] if known is not None else tr.state(nxt)
            edge = (k, tr.label(aid), j)
            if None in edge or edge not in original.edges:
                path = _path(seen, s)
                return Difference(False, len(seen), Trace(path + [aid], highlight=len(path)),
                                  "first step the original model does not take")
            found.add(edge)
            if known is None:
                if len(seen) >= max_states:
                    raise Budget(f"more than {max_states:,} states")
                seen[nxt] = (s, aid, j)
                queue.append(nxt)
        for p, c, mid in unhandled:
            edge = (k, original.labels.get(_unhandled(ts, p, c, mid)), -1)
            if edge not in original.edges:
                path = _path(seen, s)
                return Difference(False, len(seen), Trace(path, highlight=len(path) - 1 if path else None),
                                  f"then {ts.messages[mid].label()} is unhandled by {ts.processes[p].name}, "
                                  "which the original handles")
            found.add(edge)
    if len(found) != len(original.edges):
        return Difference(False, len(seen), None,
                          f"the mutant lacks {len(original.edges) - len(found)} of the original's "
                          f"{len(original.edges)} reachable steps")
    return Difference(True, len(seen))


def _path(seen: dict, s) -> list:
    out = []
    while seen[s][0] is not None:
        s, aid, _ = seen[s]
        out.append(aid)
    out.reverse()
    return out
