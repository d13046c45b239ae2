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
    """One candidate fact "while component j of process p has value v, <fact>" (p None: the
    fact always): a Z3 formula over a symbolic state (calling it) and the same test on an
    explicit state tuple (`holds`), so Houdini can read a counterexample-to-induction in Python
    instead of asking Z3 per fact.  Components are encode.local_components: a process's local
    index, or for one with per-WIC contexts each context and the shared part apart, so a fact
    can say "while the WST's context 2 is registered, IWAIS's context 2 is bound"."""

    __slots__ = ("codes", "p", "j", "v", "what", "args")

    def __init__(self, codes, p, j, v, what, *args):
        self.codes, self.p, self.j, self.v, self.what, self.args = codes, p, j, v, what, args

    def __call__(self, s, enc=None):
        if self.p is None:
            return self._fact(s)
        return z3.Implies(s["loc", self.p, self.j] == self.v, self._fact(s))

    def _fact(self, s):
        a = self.args
        if self.what == "loc":
            q, jq, seen = a
            var = s["loc", q, jq]
            return z3.Or([var == v for v in sorted(seen)])
        if self.what == "len":
            c, n = a
            return z3.ULE(s["len", c], n)
        if self.what == "slot":
            c, j, msgs, empty = a
            return z3.Or([s["slot", c, j] == m for m in sorted(msgs)] + [s["slot", c, j] == empty])
        if self.what == "has":
            c, m, want = a
            return s["has", c, m] == want
        if self.what == "noerr":
            return z3.Not(s["err", a[0]])
        k, b, want = a  # "bit"
        return s["bit", k, b] == want

    def holds(self, st, ts) -> bool:
        if self.p is not None and self.codes[self.p][st[self.p]][self.j] != self.v:
            return True
        a = self.args
        if self.what == "loc":
            return self.codes[a[0]][st[a[0]]][a[1]] in a[2]
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


# Monitor facts first (they carry the precedence properties), then process relations, then
# channel contents: the round-robin in `candidates` keeps the first facts of every antecedent.
_ORDER = {"noerr": 0, "bit": 0, "loc": 1, "has": 2, "len": 2, "slot": 3}


def _columns(enc: Encoding, states: list) -> list:
    """(what, args, values, domain size) per state feature: each component of each process,
    each FIFO's length and slots, each set-channel message, each monitor's error and bits."""
    ts = enc.ts
    cols = []
    for q in range(ts.n):
        codes = enc.codes[q]
        for jq, d in enumerate(enc.domains[q]):
            cols.append(("loc", (q, jq), [codes[st[q]][jq] for st in states], d))
    for c in range(ts.m):
        slot = ts.n + c
        if c in enc.fifo:
            cap = ts.channels[c].capacity
            cols.append(("len", (c,), [len(st[slot]) for st in states], cap + 1))
            for j in range(cap):
                cols.append(("slot", (c, j), [st[slot][j] if len(st[slot]) > j else None for st in states],
                             len(enc.chan_msgs[c])))
        else:
            for m in enc.chan_msgs[c]:
                cols.append(("has", (c, m), [m in st[slot] for st in states], 2))
    for k in range(ts.k):
        values = [st[ts.mon_off + k] for st in states]
        cols.append(("mon", (k,), values, None))
    return cols


def _facts(enc: Encoding, what, args, seen: set, domain) -> list:
    """Candidate facts (what, args) true of the values `seen` of one column."""
    if what == "loc":
        return [] if len(seen) >= domain else [("loc", args + (frozenset(seen),))]
    if what == "len":
        longest = max(seen)
        return [] if longest >= domain - 1 else [("len", (args[0], longest))]
    if what == "slot":
        msgs = frozenset(v for v in seen if v is not None)
        if not msgs or len(msgs) >= domain:
            return []
        return [("slot", (args[0], args[1], msgs, enc.empty))]
    if what == "has":
        return [("has", args + (seen.pop(),))] if len(seen) == 1 else []
    k = args[0]  # "mon"
    if -1 in seen:
        return []
    out = [("noerr", (k,))]
    for b in range(enc.mon_bits[k]):
        bits = {(v >> b) & 1 for v in seen}
        if len(bits) == 1:
            out.append(("bit", (k, b, bits.pop() == 1)))
    return out


def candidates(enc: Encoding, states, *, max_candidates: int = 2000) -> list:
    """Candidate objects, each a fact true of every sample state: facts true of all of them,
    then facts under each antecedent (a component's value).  Every antecedent contributes in
    turn, so a cap cuts the weakest facts of all of them rather than every fact of the last
    processes.  Mined column by column (zip and set run in C): the pairs of values two
    features take together say every fact of one under each value of the other."""
    states = states.states if isinstance(states, Samples) else states
    if not states:
        return []
    cols = _columns(enc, states)
    codes = enc.codes
    result = []
    # Always true on the samples: no antecedent.
    varying = []
    for what, args, values, domain in cols:
        seen = set(values)
        result += [Candidate(codes, None, 0, 0, w, *a) for w, a in _facts(enc, what, args, set(seen), domain)]
        if len(seen) > 1:
            varying.append((what, args, values, domain))
    per_antecedent = []
    for what, args, values, domain in varying:
        if what != "loc":
            continue
        p, j = args
        by_value: dict = {}
        for other in varying:
            if other[1] == args and other[0] == "loc":
                continue
            ow, oargs, ovalues, odomain = other
            pairs: dict = {}
            for v, w in set(zip(values, ovalues)):
                pairs.setdefault(v, set()).add(w)
            for v, seen in pairs.items():
                for fw, fa in _facts(enc, ow, oargs, seen, odomain):
                    by_value.setdefault(v, []).append(Candidate(codes, p, j, v, fw, *fa))
        for v in sorted(by_value):
            out = by_value[v]
            out.sort(key=lambda c: _ORDER[c.what])
            per_antecedent.append(out)
    result.sort(key=lambda c: _ORDER[c.what])
    i = 0
    while len(result) < max_candidates and any(i < len(o) for o in per_antecedent):
        result += [o[i] for o in per_antecedent if i < len(o)]
        i += 1
    return result[:max_candidates]
