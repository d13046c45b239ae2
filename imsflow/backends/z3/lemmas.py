"""Candidate invariants for strengthening k-induction, mined from sample states.

Facts are about *features* of a state: each component of each process (its local index, or
with per-WIC contexts each context and the shared part, see encode.local_components), each
FIFO's length and slots, each set-channel message, each monitor.  Two kinds:

  * Candidate (for Houdini): while component c has value v, component d is in one of the
    values seen with it / FIFO c holds at most n messages, each one of those seen there / a
    set channel's message m is always or never present / monitor k has bit b set or clear and
    has not erred;
  * Exclusion (for property-directed strengthening, the finest): a value a feature never
    takes, or a pair of values two features never take together.

The samples come from a budgeted walk of TransitionSystem.expand (breadth-first, then random
walks that reach deeper).  They only *suggest* facts: induction.Inductor keeps just the ones
it proves initial and inductive, so a misleading sample costs strength, never soundness.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from operator import itemgetter

import z3

from ..explore.bfs import run_to
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
    complete: bool = False  # the BFS saw every reachable state

    def add(self, state, parent: int, aid: int) -> int:
        i = self.index.get(state)
        if i is None:
            i = self.index[state] = len(self.states)
            self.states.append(state)
            self.parent.append(parent)
            self.via.append(aid)
        return i

    def path_to(self, i: int) -> list:
        return run_to(self.parent, self.via, i)

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


def sample_states(ts, *, limit: int = 20_000, walks: int = 200, seconds: float | None = 5.0, seed: int = 0) -> Samples:
    """Reachable states: a BFS prefix of up to 3/4 of `limit` states, then random walks that
    reach deeper.  When the BFS runs out of states first, the samples are every reachable
    state (`complete`), and every fact mined from them is an invariant.  `seconds=None`: the
    counts (`limit`, `walks`) are the only budget, so the samples do not depend on the clock."""
    if seconds is None:
        seconds = float("inf")
    start = time.perf_counter()
    out = Samples()
    out.add(ts.initial_state(), -1, -1)
    order = out.states
    first_take = out.first_take
    i = 0
    while i < len(order) and len(order) < limit - limit // 4 and time.perf_counter() - start < seconds / 2:
        succ, unhandled = ts.expand(order[i])
        if not unhandled:
            for aid, t in succ:
                first_take.setdefault(aid, i)
                out.add(t, i, aid)
        i += 1
    out.bfs_count = len(order)
    out.complete = i == len(order)
    if out.complete:
        return out
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


def ordered_run(ts, aids, *, step_keys: list, restart=frozenset(), walks: int = 300, seconds: float | None = 3.0,
                seed: int = 0) -> list | None:
    """A run that takes one of `aids` with the seed's step numbers never going backwards
    (after a step labelled in `restart` the order starts again): random walks that only take
    in-order actions; the shortest run found within the budget, or None."""
    if seconds is None:  # the walk count is the only budget
        seconds = float("inf")
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
    each FIFO's length and slots, each set-channel message, each monitor's error and bits.
    A feature with one value over all states gets the one-element list [value] (the callers
    only pair up features that vary)."""
    ts = enc.ts
    cols = []

    def column(what, args, values, size):
        first = values[0]
        cols.append((what, args, values if values.count(first) != len(values) else [first], size))

    for q in range(ts.n):
        codes = enc.codes[q]
        locs = list(map(itemgetter(q), states))
        for jq, d in enumerate(enc.domains[q]):
            column("loc", (q, jq), [codes[li][jq] for li in locs] if d > 1 else [0], d)
    for c in range(ts.m):
        queues = list(map(itemgetter(ts.n + c), states))
        same = queues.count(queues[0]) == len(queues)
        if same:
            queues = queues[:1]
        if c in enc.fifo:
            cap = ts.channels[c].capacity
            column("len", (c,), list(map(len, queues)), cap + 1)
            for j in range(cap):
                column("slot", (c, j), [q[j] if len(q) > j else None for q in queues], len(enc.chan_msgs[c]))
        else:
            for m in enc.chan_msgs[c]:
                column("has", (c, m), [m in q for q in queues], 2)
    for k in range(ts.k):
        column("mon", (k,), list(map(itemgetter(ts.mon_off + k), states)), None)
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


# ---- exclusions: value pairs never seen together ----------------------------------------------


def _feature_value(enc: Encoding, st, feature):
    """The value an explicit state gives one feature (a column of `_columns`)."""
    what, args = feature
    ts = enc.ts
    if what == "loc":
        return enc.codes[args[0]][st[args[0]]][args[1]]
    if what == "len":
        return len(st[ts.n + args[0]])
    if what == "slot":
        q = st[ts.n + args[0]]
        return q[args[1]] if len(q) > args[1] else None
    if what == "has":
        return args[1] in st[ts.n + args[0]]
    return st[ts.mon_off + args[0]]  # "mon"


def _feature_is(enc: Encoding, s, feature, value):
    """The same as a formula: the feature has `value` in symbolic state `s`."""
    what, args = feature
    if what == "loc":
        return s["loc", args[0], args[1]] == value
    if what == "len":
        return s["len", args[0]] == value
    if what == "slot":
        return s["slot", args[0], args[1]] == (enc.empty if value is None else value)
    if what == "has":
        return s["has", args[0], args[1]] == value
    k = args[0]
    if value == -1:
        return s["err", k]
    return z3.And([z3.Not(s["err", k])] + [s["bit", k, b] == bool((value >> b) & 1) for b in range(enc.mon_bits[k])])


class Exclusion:
    """A fact "not (f1 = v1 and f2 = v2)" (or "f1 != v1" alone): a value, or a pair of values of
    two features, that no sample state has.  The finest facts mined, so a strengthening keeps
    exactly the ones a proof needs; "while the pool binds identity 5 to WIC 3, no 200 with
    identity 5 is on its way to WIC 4" is one of them."""

    __slots__ = ("enc", "lits", "what", "args")

    def __init__(self, enc, lits):
        self.enc, self.lits = enc, tuple(lits)
        self.what, self.args = "excl", self.lits

    def __call__(self, s, enc=None):
        return z3.Not(z3.And([_feature_is(self.enc, s, f, v) for f, v in self.lits]))

    def holds(self, st, ts) -> bool:
        return not all(_feature_value(self.enc, st, f) == v for f, v in self.lits)

    def monitors(self) -> set:
        """The monitors this fact is about (facts about another property's monitor cannot help
        a proof: monitors only observe)."""
        return {f[1][0] for f, _ in self.lits if f[0] == "mon"}

    def moved(self, pre, post) -> bool:
        """Does a step from `pre` to `post` change one of the features this fact is about?"""
        return any(_feature_value(self.enc, pre, f) != _feature_value(self.enc, post, f) for f, _ in self.lits)


def _domain(enc: Encoding, what, args, size):
    if what in ("loc", "len"):
        return range(size)
    if what == "slot":
        return list(enc.chan_msgs[args[0]]) + [None]
    if what == "has":
        return (False, True)
    return (-1,)  # "mon": only "never erred" is worth a fact of its own


def _bitsets(values: list) -> dict:
    """value -> an int with a non-zero byte i exactly where values[i] is that value (one byte
    per state rather than one bit: built by bytes.translate, in C; `a & b` is non-zero just
    when two values occur in one state)."""
    index: dict = {}
    for v in set(values):
        index[v] = len(index)
    if len(index) > 255:
        rows: dict = {}
        for i, v in enumerate(values):
            rows.setdefault(v, bytearray(len(values)))[i] = 1
        return {v: int.from_bytes(row, "little") for v, row in rows.items()}
    coded = bytes(map(index.__getitem__, values))
    out = {}
    for v, k in index.items():
        table = bytes(1 if x == k else 0 for x in range(256))
        out[v] = int.from_bytes(coded.translate(table), "little")
    return out


def exclusions(enc: Encoding, states, *, max_facts: int = 200_000) -> list:
    """Exclusion facts true of every sample: each value a feature never takes, then each pair
    of values two varying features never take together.  With every reachable state sampled
    each one is an invariant (the proof still checks it); pairs are found with one bitset per
    (feature, value), an AND per pair of values."""
    states = states.states if isinstance(states, Samples) else states
    if not states:
        return []
    out = []
    varying = []
    for what, args, values, size in _columns(enc, states):
        feature = (what, args)
        seen = set(values)
        out += [Exclusion(enc, [(feature, v)]) for v in _domain(enc, what, args, size) if v not in seen]
        if len(seen) > 1:
            varying.append((feature, sorted(_bitsets(values).items(), key=lambda kv: repr(kv[0]))))
    # Pairs with a monitor first (they carry the precedence properties), then the rest.
    varying.sort(key=lambda fv: fv[0][0] != "mon")
    for i, (fa, va) in enumerate(varying):
        for fb, vb in varying[i + 1:]:
            for x, bx in va:
                for y, by in vb:
                    if not bx & by:
                        out.append(Exclusion(enc, [(fa, x), (fb, y)]))
            if len(out) >= max_facts:
                return out[:max_facts]
    return out
