"""Candidate invariants for strengthening k-induction, mined from sample states.

Candidates are relational facts about the compiled system that protocols usually keep:

  * while process p is in local state l, process q is in one of the local states seen with it;
  * while p is in l, FIFO channel c holds at most n messages, each one of those seen there;
  * while p is in l, a set channel's message m is always / never present;
  * while p is in l, monitor k has bit b set / clear and has not erred.

The samples come from a budgeted walk of TransitionSystem.expand (breadth-first, then random
walks that reach deeper).  They only *suggest* candidates: induction.Inductor.houdini keeps
just the subset that it proves initial and inductive, so a misleading sample costs strength,
never soundness.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import z3

from .encode import Encoding


@dataclass
class Samples:
    """Reachable states met by a budgeted walk of TransitionSystem.expand, each with the
    action that first led to it, so any sample is also a concrete run from the initial state.
    The runs are only *proposals*: the checker replays every one it uses through the Z3
    encoding before it reports it."""

    states: list = field(default_factory=list)  # index -> state tuple
    parent: list = field(default_factory=list)  # index -> index of the state it was reached from
    via: list = field(default_factory=list)  # index -> action id taken from the parent
    index: dict = field(default_factory=dict)  # state -> index
    first_take: dict = field(default_factory=dict)  # action id -> index of a state it was taken from
    bfs_count: int = 0  # states[:bfs_count] were found breadth-first (their runs are shortest)

    def add(self, state, parent: int, aid: int) -> int:
        i = self.index.get(state)
        if i is None:
            i = self.index[state] = len(self.states)
            self.states.append(state)
            self.parent.append(parent)
            self.via.append(aid)
        return i

    def path_to(self, i: int) -> list:
        path = []
        while i > 0:
            path.append(self.via[i])
            i = self.parent[i]
        path.reverse()
        return path

    def path_taking(self, aids) -> list | None:
        """The shortest known run whose last action is one of `aids`, or None."""
        best = None
        for aid in aids:
            i = self.first_take.get(aid)
            if i is not None:
                path = self.path_to(i) + [aid]
                if best is None or len(path) < len(best):
                    best = path
        return best

    def path_where(self, test) -> list | None:
        """The run to the first sample (breadth-first ones first) where `test(state)` holds."""
        for i, state in enumerate(self.states):
            if test(state):
                return self.path_to(i)
        return None


def sample_states(ts, *, limit: int = 20_000, walks: int = 200, seconds: float = 5.0, seed: int = 0) -> Samples:
    """Reachable states: a BFS prefix of about limit/2 states, then random walks."""
    start = time.perf_counter()
    out = Samples()
    out.add(ts.initial_state(), -1, -1)
    order = out.states
    first_take = out.first_take
    i = 0
    while i < len(order) and len(order) < limit // 2 and time.perf_counter() - start < seconds / 2:
        succ, unhandled = ts.expand(order[i])
        if not unhandled:
            for aid, t in succ:
                first_take.setdefault(aid, i)
                out.add(t, i, aid)
        i += 1
    out.bfs_count = len(order)
    rng = random.Random(seed)
    for _ in range(walks):
        if len(order) >= limit or time.perf_counter() - start > seconds:
            break
        at = 0
        for _ in range(400):
            succ, unhandled = ts.expand(order[at])
            if unhandled or not succ:
                break
            for aid, _t in succ:
                first_take.setdefault(aid, at)
            aid, t = rng.choice(succ)
            at = out.add(t, at, aid)
    return out


def ordered_run(ts, aids, *, step_keys: list, restart=frozenset(), walks: int = 300, seconds: float = 3.0,
                seed: int = 0) -> list | None:
    """A run that takes one of `aids` with the seed's step numbers never going backwards
    (after a step labelled in `restart` the order starts again): random walks that only take
    in-order actions; the shortest run found within the budget, or None."""
    start = time.perf_counter()
    rng = random.Random(seed)
    goal = frozenset(aids)
    best = None
    for _ in range(walks):
        if time.perf_counter() - start > seconds:
            break
        s, last, path = ts.initial_state(), -1, []
        for _ in range(400 if best is None else len(best) - 1):
            succ, unhandled = ts.expand(s)
            if unhandled:
                break
            succ = [(a, t) for a, t in succ if step_keys[a] is None or step_keys[a] >= last]
            hits = [a for a, _ in succ if a in goal]
            if hits:
                path.append(min(hits))
                if best is None or len(path) < len(best):
                    best = path
                break
            if not succ:
                break
            aid, s = rng.choice(succ)
            path.append(aid)
            k = step_keys[aid]
            last = -1 if ts.actions[aid].step in restart else (last if k is None else k)
    return best


class Candidate:
    """One candidate fact "while process p is in local state l, <fact>": a Z3 formula over a
    symbolic state (calling it) and the same test on an explicit state tuple (`holds`), so
    Houdini can read a counterexample-to-induction in Python instead of asking Z3 per fact."""

    __slots__ = ("p", "li", "what", "args")

    def __init__(self, p, li, what, *args):
        self.p, self.li, self.what, self.args = p, li, what, args

    def __call__(self, s, enc=None):
        return z3.Implies(s["loc", self.p] == self.li, self._fact(s))

    def _fact(self, s):
        a = self.args
        if self.what == "loc":
            q, seen = a
            return z3.Or([s["loc", q] == v for v in seen])
        if self.what == "len":
            c, n = a
            return z3.ULE(s["len", c], n)
        if self.what == "slot":
            c, j, msgs, empty = a
            return z3.Or([s["slot", c, j] == m for m in msgs] + [s["slot", c, j] == empty])
        if self.what == "has":
            c, m, want = a
            return s["has", c, m] == want
        if self.what == "noerr":
            return z3.Not(s["err", a[0]])
        k, b, want = a  # "bit"
        return s["bit", k, b] == want

    def holds(self, st, ts) -> bool:
        if st[self.p] != self.li:
            return True
        a = self.args
        if self.what == "loc":
            return st[a[0]] in a[1]
        if self.what == "len":
            return len(st[ts.n + a[0]]) <= a[1]
        if self.what == "slot":
            q = st[ts.n + a[0]]
            return len(q) <= a[1] or q[a[1]] in a[2]
        if self.what == "has":
            return (a[1] in st[ts.n + a[0]]) == a[2]
        v = st[ts.mon_off + a[0]]
        if self.what == "noerr":
            return v != -1
        return v != -1 and bool((v >> a[1]) & 1) == a[2] or (v == -1 and not a[2])


def candidates(enc: Encoding, states, *, max_candidates: int = 2000) -> list:
    """Candidate objects, each a fact true of every sample state.  Every (process, local
    state) pair contributes in turn, so a cap cuts the weakest facts of all pairs rather than
    every fact of the last processes."""
    ts = enc.ts
    n = ts.n
    states = states.states if isinstance(states, Samples) else states
    by_proc_local: dict = {}
    for s in states:
        for p in range(n):
            by_proc_local.setdefault((p, s[p]), []).append(s)
    per_pair = []
    for (p, li), group in sorted(by_proc_local.items()):
        out = []
        for q in range(n):
            if q == p:
                continue
            seen = tuple(sorted({g[q] for g in group}))
            if len(seen) == len(ts.processes[q].locals):
                continue
            out.append(Candidate(p, li, "loc", q, frozenset(seen)))
        for c in range(ts.m):
            slot = n + c
            if c in enc.fifo:
                cap = ts.channels[c].capacity
                longest = max(len(g[slot]) for g in group)
                if longest < cap:
                    out.append(Candidate(p, li, "len", c, longest))
                for j in range(min(longest, cap)):
                    msgs = tuple(sorted({g[slot][j] for g in group if len(g[slot]) > j}))
                    if len(msgs) < len(enc.chan_msgs[c]):
                        out.append(Candidate(p, li, "slot", c, j, frozenset(msgs), enc.empty))
            else:
                for m in enc.chan_msgs[c]:
                    present = {m in g[slot] for g in group}
                    if len(present) == 1:
                        out.append(Candidate(p, li, "has", c, m, present.pop()))
        for k in range(ts.k):
            slot = ts.mon_off + k
            values = {g[slot] for g in group}
            if -1 not in values:
                out.append(Candidate(p, li, "noerr", k))
                for b in range(enc.mon_bits[k]):
                    bits = {(v >> b) & 1 for v in values}
                    if len(bits) == 1:
                        out.append(Candidate(p, li, "bit", k, b, bits.pop() == 1))
        # Monitor facts first (they carry the precedence properties), then process relations,
        # then channel contents: the round-robin below keeps the first facts of every pair.
        order = {"noerr": 0, "bit": 0, "loc": 1, "has": 2, "len": 2, "slot": 3}
        out.sort(key=lambda c: order[c.what])
        per_pair.append(out)
    result = []
    i = 0
    while len(result) < max_candidates and any(i < len(o) for o in per_pair):
        result += [o[i] for o in per_pair if i < len(o)]
        i += 1
    return result[:max_candidates]
