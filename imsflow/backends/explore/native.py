"""The breadth-first search run natively (system/_search.c), read back as an Exploration.

bfs.py's `_explore` is the reference implementation: the native search numbers states, links
parents and keeps edges exactly as it does, and tests compare the two state by state.  What
differs is the storage: a state is a packed byte string in one arena (a varint per component)
instead of a tuple of tuples, so a state costs tens of bytes instead of a kilobyte, and nothing
of the inner loop - successors, the seen set, monitors, deadlocks, the cyclic core - runs in
Python.  Python only answers the table entries the compiler builds on demand (the callbacks
below) and reads the findings.

The checkers keep reading `exp.states[i]`, `exp.index`, `exp.parent`, `exp.via` and
`exp.edges[i]`: the classes here give those views over the native store, decoding a state
only when it is asked for.
"""

from __future__ import annotations

import array
import os

from ...system import fast
from ...system.monitor import ARM, CHECK, CONSUME, DISARM, FAIL

OP_CODES = {ARM: 0, CHECK: 1, CONSUME: 2, DISARM: 3, FAIL: 4}


class NativeUnavailable(Exception):
    """This system cannot be searched natively (no compiler, or a value too wide for the packed
    form); the Python search is used instead and the reason is kept."""


def available() -> bool:
    mod = fast.module()
    return mod is not None and hasattr(mod, "Search") and not os.environ.get("IMSFLOW_NO_NATIVE_SEARCH")


class _Host:
    """The callbacks the native search asks when a table entry is not built yet."""

    def __init__(self, ts):
        self.ts = ts
        self.n, self.mon_off = ts.n, ts.mon_off

    def events(self, p: int, local: int) -> tuple:
        return self.ts.events_of(p, local)

    def recv(self, p: int, local: int, c: int, mid: int) -> int:
        return self.ts.recv_action(p, local, c, mid)

    def spec(self, aid: int) -> tuple:
        proc, target, consumed, sends, steps = self.ts._spec[aid]
        n, mon_off = self.n, self.mon_off
        return (
            proc, target, consumed - n if consumed >= 0 else -1,
            tuple((slot - n, mid, cap) for slot, mid, cap in sends),
            tuple((slot - mon_off, tuple((OP_CODES[op], bit or 0) for op, bit in memo.ops)) for slot, memo in steps),
        )

    def is_end(self, p: int, local: int) -> bool:
        return local in self.ts.processes[p].end_locals


class NativeStates:
    """exp.states: state i decoded on demand."""

    __slots__ = ("search",)

    def __init__(self, search):
        self.search = search

    def __len__(self):
        return len(self.search)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.search.state(j) for j in range(*i.indices(len(self.search)))]
        return self.search.state(i)

    def __iter__(self):
        state = self.search.state
        return (state(i) for i in range(len(self.search)))


class NativeIndex:
    """exp.index: state -> number, looked up in the native seen set."""

    __slots__ = ("search",)

    def __init__(self, search):
        self.search = search

    def get(self, state, default=None):
        i = self.search.find(state)
        return default if i < 0 else i

    def __contains__(self, state):
        return self.search.find(state) >= 0

    def __getitem__(self, state):
        i = self.search.find(state)
        if i < 0:
            raise KeyError(state)
        return i

    def __len__(self):
        return len(self.search)


class NativeEdges:
    """exp.edges: per expanded state, [(action id, successor id)] in bfs.py's order."""

    __slots__ = ("starts", "aids", "dsts")

    def __init__(self, starts: bytes, aids: bytes, dsts: bytes):
        self.starts = array.array("q", starts)
        self.aids = array.array("i", aids)
        self.dsts = array.array("i", dsts)

    def __len__(self):
        return len(self.starts) - 1

    def __getitem__(self, sid):
        if sid < 0 or sid >= len(self.starts) - 1:
            raise IndexError(sid)
        a, b = self.starts[sid], self.starts[sid + 1]
        return list(zip(self.aids[a:b], self.dsts[a:b]))

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def default_threads() -> int:
    """Threads of one search: IMSFLOW_THREADS, or every core this process may use (cores.py).  The
    matrix and imsflow mutate, which run several searches at once, give each pool worker its share
    of the cores (IMSFLOW_CORES), so workers x threads stays within the cores."""
    value = os.environ.get("IMSFLOW_THREADS", "")
    if value.isdigit() and int(value) >= 1:
        return int(value)
    from ...cores import usable  # affinity, cgroup quota and a pool worker's share (IMSFLOW_CORES)

    return max(usable().count, 1)


def search(ts, *, max_states=None, timeout=None, max_bytes=None, progress=None, keep_edges=False, threads=None):
    """Run the native search of `ts`; returns (search object, findings dict, parent, via, edges).
    Raises NativeUnavailable when the packed form cannot hold this system's values."""
    mod = fast.module()
    caps = tuple(c.capacity if c.kind != "set" else 0 for c in ts.channels)
    set_flags = bytes(c.kind == "set" for c in ts.channels)
    receiver = tuple(c.receiver for c in ts.channels)
    invariants = [(tuple(sorted(pred.slots(ts))), pred.compile(ts)) for _, pred in ts.invariants]
    host = _Host(ts)
    try:
        s = mod.Search(ts.n, caps, set_flags, receiver, ts.k, host.events, host.recv, host.spec, host.is_end,
                       invariants)
        s.run(ts.initial_state(), -1 if max_states is None else max_states, -1.0 if timeout is None else timeout,
              -1 if max_bytes is None else max_bytes, keep_edges, progress.tick if progress is not None else None,
              default_threads() if threads is None else threads)
    except (OverflowError, ValueError) as exc:
        raise NativeUnavailable(str(exc)) from exc
    parent, via = (array.array("i", b) for b in s.links())
    raw = s.edges()
    edges = NativeEdges(*raw) if raw is not None else None
    return s, s.findings(), parent, via, edges
