"""State-space reductions for the explicit explorer: partial-order reduction and symmetry.

Both are optional (`imsflow check --no-por --no-symmetry`) and on by default where sound.
`make_reducer(ts, obligations)` says which apply and why not; `explore(ts,
reducer=...)` then expands each state through `Reducer.expand` and files it under
`Reducer.key` (its orbit's representative).  The explorer keeps the *concrete* state it
first met for each key, so parent links stay real runs and counterexamples need no
translation back.

Partial-order reduction (ample sets, Clarke-Grumberg-Peled C0-C3).  In this system two
actions of different processes can only interact through a monitor: channels are
point-to-point, only the receiver consumes and only the sender appends, and a receive from a
non-empty FIFO commutes with a send into it.  So the ample set of a state is all the enabled
actions of ONE process p, taken only when

  C1  nothing the other processes do can give p a new action before p moves: each FIFO input
      of p is non-empty (its head is then fixed until p reads it) or its sender cannot send on
      it before p moves (read from the complete tables: the sender's reachable sends, without
      reading p's empty channel to it, which only p can fill); a "set" input likewise gets
      nothing new; and every action p's tables offer in this local state is enabled (none waits
      for room) - for a set input, the action for *every* message the set holds, enabled now
      or not: a read in place that changes nothing while a monitor bit is armed is no
      successor, but another process's reset turns it into a violating one (`_offers_only`;
      tests/reduce/soundness/c1_set_reset);
  C2  every one of those actions is invisible: no monitor operation, no monitor trigger, no
      reachability goal, and no change to an atom of an invariant or goal predicate;
  C3  (BFS cycle proviso) none of their successors has been seen before - otherwise the state
      is expanded in full, so every cycle of the reduced graph has a fully expanded state.

This preserves deadlocks, invariant and monitor violations, triggers and goals.  It does not
preserve *which* orders lead into an unhandled-message state (which the explorer does not
expand), so when the reduced search meets one, the checker searches again without POR.

Response properties under weak fairness (liveness.py: one class per internal event of a
process, one per input channel of a process).  C0-C3 alone do not preserve them: they keep
a stuttering-equivalent run for every run, not a *fair* one, and the fair-cycle search asks
for a fair one.  tests/reduce/test_por_fairness.py has the model: a receiver V that drains a
FIFO of capacity 2 from R, where R's answer (the response, visible) sends on that FIFO too.
The full graph has a fair cycle that never answers - R sends twice, the FIFO is full and the
answer blocked, V drains - but the reduced graph always lets V drain first (V's receipt is
invisible, independent and ample), so the answer is enabled in every state of the reduced
cycle, the cycle is unfair there, and the violation is lost.  With a response obligation the
reducer therefore adds

  C4  (fairness) an ample receipt from a FIFO whose sender could still send on it before p
      moves is not taken.  A receipt makes room; moved ahead of the sender's sends it can
      keep a blocked send of the sender enabled where the real run had it blocked.  When the
      sender cannot send on the channel before p moves (`_may_arrive`, from the complete
      tables), the room is of no use to any of its actions meanwhile;
  C5  no set channel has a read in place with a monitor operation: whether such a read is a
      successor depends on the monitor's value, which other processes' visible steps change,
      and moving p's invisible steps past those changes its enabledness (POR is off then);

and liveness.py reads which classes are enabled in a state from its *full* expansion (an
ample state's own edges would hide the classes it postpones), while the cycles are those of
the reduced graph.  Why this keeps the verdict (the argument tests/reduce/test_por_fairness.py
exercises):

* holds in the reduced graph => holds: a fair pending cycle of the reduced graph is a cycle
  of the full one (its states and edges are real), fair with the full enabledness; a
  terminal state is terminal in both (C0).
* a fair pending run s of the full graph => a fair pending run of the reduced graph.  Build
  it as in the C0-C3 proof: at an ample state of p take p's next action in the rest of s.
  There is one: if p never moved again, its ample actions (C1: enabled and unchanged until p
  moves) would stay enabled for ever and never be taken, and s would not be fair.  At a fully
  expanded state take the next action of s; every cycle of the reduced graph has one (C3, the
  BFS proviso: ample edges only lead to new states), so no action of s is postponed for ever.
  The reduced run therefore performs exactly s's actions, each process's in s's order, and
  the visible ones (every monitor step) in s's order, so the request stays pending.  It is
  fair: a class of process r always enabled in its tail and never taken is one r takes no
  more in s either; r's local states follow the same sequence in both runs, the channel the
  class reads is eventually the same constant in both (nobody else consumes it), and the
  room in r's output FIFOs, while r is in one local state, is never less in s than in the
  reduced run unless a receipt from that FIFO was moved ahead of r's entering that state -
  which C4 forbids whenever r could send on it from there.  So the class is always enabled
  in s's tail too and s would not be fair.  Its tail lies in one pending SCC of the reduced
  graph, and that SCC passes liveness.py's test.

Symmetry stays off with a response property: fairness is per class of one process's actions
and the quotient forgets which process is which (a class enabled in every representative can
be a different process's class in each concrete state), and a request's monitor bit is
renamed along the quotient's edges.

Symmetry.  Instances of one template (WIC1..WICn, RM1..RM3) are interchangeable when the
compiled tables say so: for every permutation of the indices, `detect_symmetry` builds by
propagation from the initial state a map of processes, channels, local states (including
those of other processes that remember indices, such as TM's `prepared` bitset or the WST's
per-WIC contexts), messages, actions and monitor bits, and accepts it only if it is a
bijection that preserves every table entry, end state, monitor operation, trigger, goal and
invariant.  Otherwise symmetry is off and `Reducer.notes` says why.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ...patterns.obligations import Reach, Respond
from ...system.predicates import And, AtLeast, ChannelHolds, LocalIn, Not, Or

MAX_SYMMETRY_ACTIONS = 400_000  # beyond this, detecting symmetry costs more than it saves
# POR alone is tried on the first PILOT_STATES states of a search; it is kept only if at least
# one expansion in POR_PAYS_AT was ample there.  A reduced search steps in Python (the C step
# cannot pick ample sets), about twice as slow a state, so a POR that prunes nearly nothing is a
# slowdown: the seed's response-property worlds, where almost every step is seen by some
# monitor, have 35 ample expansions in 6,192 (0.6 %); its intruder worlds 16-46 %.
PILOT_STATES = 1024
POR_PAYS_AT = 16
# With instances to permute, the unreduced pilot is longer: a search that completes within
# this many states (about 0.15 s with the C step) is done before detecting symmetry, completing
# the tables and canonicalising would have paid for themselves (two-phase commit at 3-5 RMs).
SYMMETRY_PILOT_STATES = 10_000


@dataclass
class Reducer:
    ts: object
    por: bool = False
    symmetry: "Symmetry | None" = None
    notes: list = field(default_factory=list)
    visible: object = None  # callable aid -> bool
    fair: bool = False  # a response property is checked: C4 too (module docstring)
    full_expansions: int = 0
    ample_expansions: int = 0

    @property
    def key(self):
        return self.symmetry.canon if self.symmetry is not None else None

    @property
    def label(self) -> str:
        parts = (["por"] if self.por else []) + (["symmetry"] if self.symmetry is not None else [])
        return "+".join(parts) or "none"

    def without_por(self) -> "Reducer | None":
        if self.symmetry is None:
            return None
        return Reducer(self.ts, False, self.symmetry, self.notes + ["POR off: the reduced search met an "
                                                                  "unhandled message"])

    def por_pays(self) -> bool:
        """After a pilot search: did the ample sets prune often enough to pay for the slower
        step (PILOT_STATES)?"""
        tried = self.ample_expansions + self.full_expansions
        return self.ample_expansions * POR_PAYS_AT >= tried

    @property
    def por_under_fairness(self) -> bool:
        """The reduced graph's own edges hide classes enabled in an ample state: the liveness
        check must read enabledness from full expansions (liveness.py)."""
        return self.por and self.fair

    def expand(self, s: tuple, index: dict):
        succ, unh = self.ts.expand(s)
        if unh or not self.por or len(succ) < 2:
            return succ, unh
        ample = self._ample(s, succ, index)
        if ample is None:
            self.full_expansions += 1
            return succ, unh
        self.ample_expansions += 1
        return ample, unh

    def _ample(self, s, succ, index):
        ts = self.ts
        by_proc: dict = {}
        for aid, t in succ:
            by_proc.setdefault(ts._proc[aid], []).append((aid, t))
        if len(by_proc) < 2:
            return None
        n = ts.n
        canon = self.key
        visible = self.visible
        for p, mine in sorted(by_proc.items(), key=lambda kv: len(kv[1])):
            if any(visible(aid) for aid, _ in mine):
                continue
            if not self._offers_only(s, p, {aid for aid, _ in mine}):
                continue
            if self.fair and not self._room_neutral(s, p, mine):
                continue
            ok = True
            for _, t in mine:
                if (t if canon is None else canon(t)) in index:
                    ok = False
                    break
            if ok:
                return mine
        return None

    def _offers_only(self, s, p, mine: set) -> bool:
        """C1 for process p: every action p's tables offer in this state is in `mine` (enabled
        now) and nothing the others do can give p a new one before p moves.

        p's local state is fixed while p does not move, so its offer is: its events; the
        action for the head of each non-empty FIFO (fixed until p reads it); and, for each
        set input, the action for *every* message in the set - enabled now or not.  A set read
        that changes nothing now (the explorer drops it as a self-loop) is not a successor,
        but if it has a monitor operation another process can make it one: a CHECK on an armed
        bit is a no-op until someone DISARMs (a precedence `reset`), an ARM on a set bit until
        someone clears it.  Such a read must keep p's moves out of an ample set (or the
        violating read is pruned).  Only a read with no monitor operation that is a no-op now
        stays one for as long as p does not move (its target is its source, its sends go to
        sets that already hold them and sets never shrink), and only those are left out.
        A table action that is not enabled now waits for room in a channel someone else is
        emptying: it is offered and not in `mine`, so p is not taken either.  A new message
        (a new head of an empty FIFO, a new member of a set) is excluded by `_may_arrive`."""
        ts = self.ts
        n = ts.n
        local = s[p]
        offered = set(ts.events_of(p, local))
        for c in ts.in_channels[p]:
            q = s[n + c]
            if c in ts.set_channels:
                for mid in q:
                    aid = ts.recv_action(p, local, c, mid)
                    if aid >= 0 and (aid in mine or ts._mon[aid] or ts.apply(s, aid) != s):
                        offered.add(aid)
            elif q:
                offered.add(ts.recv_action(p, local, c, q[0]))  # handled, else s is unhandled
                continue
            if self._may_arrive(s, p, c):
                return False
        return offered == mine

    def _room_neutral(self, s, p, mine) -> bool:
        """C4: no action of `mine` consumes from a FIFO whose sender could still send on it
        before p moves (the room it makes could keep a send enabled that the run it stands for
        had blocked; module docstring)."""
        ts = self.ts
        for aid, _ in mine:
            c = ts.actions[aid].channel
            if c is not None and c not in ts.set_channels and self._may_arrive(s, p, c):
                return False
        return True

    def _may_arrive(self, s, p, c) -> bool:
        """Can a new message reach p on channel c while p does not move?  Its sender q would
        have to send on c; q cannot read from p's empty FIFO to q meanwhile (only p fills it)."""
        ts = self.ts
        q = ts.channels[c].sender
        back = ts.channel_index.get((p, q))
        blocked = back if back is not None and back not in ts.set_channels and not s[ts.n + back] else None
        return c in self._sends_from(q, s[q], blocked)

    def _sends_from(self, q, local, blocked) -> frozenset:
        key = (q, local, blocked)
        hit = self._reach.get(key)
        if hit is None:
            ts = self.ts
            seen, stack, chans = {local}, [local], set()
            while stack:
                li = stack.pop()
                for aid in self._out[q].get(li, ()):
                    a = ts.actions[aid]
                    if blocked is not None and a.channel == blocked:
                        continue
                    chans.update(c for c, _ in a.sends)
                    if a.target not in seen:
                        seen.add(a.target)
                        stack.append(a.target)
            hit = self._reach[key] = frozenset(chans)
        return hit

    def prepare_por(self) -> None:
        """Complete the tables (a process's future sends are read from them) and index them."""
        ts = self.ts
        ts.saturate()
        self._reach: dict = {}
        self._out = [dict() for _ in range(ts.n)]
        for a in ts.actions:
            self._out[a.proc].setdefault(a.source, []).append(a.id)


def make_reducer(ts, obligations, *, por: bool = True, symmetry: bool = True,
                 notes: list | None = None) -> Reducer | None:
    """The reductions that are sound for deciding `obligations` on `ts`, or None.  Why a
    reduction asked for is off is appended to `notes` (and kept in `Reducer.notes`)."""
    obs = list(obligations)
    notes = [] if notes is None else notes
    live = any(isinstance(ob, Respond) for ob in obs)
    if live and symmetry:
        symmetry = False
        if instance_groups(ts):
            notes.append("symmetry off: a response property is checked under weak fairness, per class of one "
                         "process's actions, and the quotient forgets which process is which")
    if live and por:
        why = _fairness_obstacle(ts)
        if why:
            por = False
            notes.append(f"POR off: a response property is checked under weak fairness and {why}")
    sym = None
    if symmetry:
        sym, why = detect_symmetry(ts, obs)
        if sym is None and why:
            notes.append(f"symmetry off: {why}")
    if not por and sym is None:
        return None
    red = Reducer(ts, por=por, symmetry=sym, notes=notes, fair=live)
    if por:
        red.visible = _Visibility(ts, obs)
        red.prepare_por()
    return red


def plan_search(ts, obligations, *, por: bool, symmetry: bool, max_states, timeout, progress, keep_edges,
                max_bytes=None):
    """(reducer or None, exploration or None, notes): the reductions `imsflow check` uses on
    `ts` - those make_reducer finds sound, where pilot searches say they pay.  An exploration
    is returned when a pilot already is the whole search.

    1. Unreduced, with the C step, PILOT_STATES states (SYMMETRY_PILOT_STATES when there are
       instances to permute): a search that completes within it needs no reduction.  Without
       symmetry, POR is dropped there if it could prune at too few states (por_could_pay: no
       tables need completing to say so).
    2. POR alone (no symmetry): a reduced pilot of PILOT_STATES; POR is kept if one expansion
       in POR_PAYS_AT was ample (Reducer.por_pays).
    Every decision is in `notes`.  Dropping a reduction never changes a verdict."""
    from .bfs import explore

    notes: list = []
    groups = bool(symmetry and instance_groups(ts))
    size = SYMMETRY_PILOT_STATES if groups else PILOT_STATES
    if (por or groups) and (max_states is None or max_states > size):
        pilot = explore(ts, max_states=size, timeout=timeout, progress=progress, keep_edges=keep_edges,
                        max_bytes=max_bytes)
        if pilot.complete or "state budget" not in (pilot.stop_reason or ""):
            if pilot.complete:
                notes.append(f"reductions not tried: the whole search took {len(pilot.states):,} states, within "
                             f"the unreduced pilot's {size:,}")
            return None, pilot, notes
        if por and not groups:
            why = por_could_pay(ts, obligations, pilot.states)
            if why:
                por = False
                notes.append(f"POR off: {why}")
    reducer = make_reducer(ts, obligations, por=por, symmetry=symmetry, notes=notes)
    if reducer is not None and reducer.por and reducer.symmetry is None \
            and (max_states is None or max_states > PILOT_STATES):
        exp = explore(ts, max_states=PILOT_STATES, timeout=timeout, progress=progress, reducer=reducer,
                      keep_edges=keep_edges, max_bytes=max_bytes)
        if exp.complete or "state budget" not in (exp.stop_reason or ""):
            return reducer, exp, notes
        if not reducer.por_pays():
            notes.append(f"POR off: it pruned at {reducer.ample_expansions} of the first "
                         f"{reducer.ample_expansions + reducer.full_expansions} expansions, too few to pay for its "
                         f"slower step")
            return None, None, notes
    return reducer, None, notes


def por_could_pay(ts, obligations, states) -> str | None:
    """Why POR cannot pay on `ts`, judged on `states` (the first ones an unreduced search
    met), or None.  An ample set needs a process whose enabled steps are all invisible (C2)
    beside another process that can move; if not one state in POR_PAYS_AT has one, POR would
    prune at fewer states than that, and it costs complete tables and a Python step."""
    visible = _Visibility(ts, list(obligations))
    proc = ts._proc
    could = tried = 0
    for s in states:
        succ, unh = ts.expand(s)
        if unh or len(succ) < 2:
            continue
        seen: dict = {}
        for aid, _ in succ:
            p = proc[aid]
            seen[p] = seen.get(p, True) and not visible(aid)
        if len(seen) < 2:
            continue
        tried += 1
        could += any(seen.values())
    if could * POR_PAYS_AT >= tried:
        return None
    return (f"it could prune at {could} of the first {tried} states with two processes able to move (elsewhere "
            f"some monitor sees a step of every process), too few to pay for its slower step")


def _fairness_obstacle(ts) -> str | None:
    """Why POR cannot keep a weak-fairness response verdict on `ts` (C5), or None."""
    ts.saturate()
    for a in ts.actions:
        if a.channel in ts.set_channels and a.source == a.target and ts._mon[a.id]:
            return (f"{ts.action_text(a.id)} reads a set channel in place with a monitor operation (whether it "
                    f"is a step depends on the monitor's value)")
    return None


class _Visibility:
    """Which actions the properties observe (C2), decided once per action as it appears."""

    def __init__(self, ts, obligations):
        self.ts = ts
        self.cache: dict = {}
        self.goals = []  # GoalActions of the reachability obligations
        self.preds = [pred for _, pred in ts.invariants]
        for ob in obligations:
            if not isinstance(ob, Reach):
                continue
            if ob.goal is not None:
                self.goals.append(ob.goal)
            else:
                self.preds.append(ob.goal_state)
        self.indices: dict = {}

    def __call__(self, aid: int) -> bool:
        hit = self.cache.get(aid)
        if hit is None:
            hit = self.cache[aid] = self._decide(aid)
        return hit

    def _decide(self, aid: int) -> bool:
        ts = self.ts
        if ts._mon[aid]:
            return True
        if any(aid in mon.triggers for mon in ts.monitors):
            return True
        if any(aid in goal for goal in self.goals):
            return True
        a = ts.actions[aid]
        return any(self._touches(pred, a) for pred in self.preds)

    def _touches(self, pred, a) -> bool:
        if isinstance(pred, LocalIn):
            if a.proc != pred.proc:
                return False
            proc = self.ts.processes[a.proc]
            return pred.holds_for(proc, a.source) != pred.holds_for(proc, a.target)
        if isinstance(pred, ChannelHolds):
            ts = self.ts
            if a.channel == pred.channel and ts.messages[a.msg].name == pred.message:
                return True
            return any(c == pred.channel and ts.messages[m].name == pred.message for c, m in a.sends)
        if isinstance(pred, (And, Or, AtLeast)):
            return any(self._touches(p, a) for p in pred.parts)
        if isinstance(pred, Not):
            return self._touches(pred.part, a)
        return True


# ---- symmetry ------------------------------------------------------------------------------

@dataclass
class _Perm:
    """One symmetry: where each process, channel, local state, message and monitor bit goes."""

    proc: list  # p -> p'
    local: list  # p -> list local -> local of proc[p]
    chan: list  # c -> c'
    msg: dict  # mid -> mid
    bits: list  # monitor k -> dict bit -> bit
    action: dict  # aid -> aid


class Symmetry:
    """The group of symmetries over one set of interchangeable instance slots (slot i: the
    i-th instance of each template in the group, WIC i with UICC i), and the canonical form.

    Only the adjacent transpositions are built from the tables (`detect_symmetry`); any other
    element is their composition, made the first time it is needed and kept.  A state's key
    is computed without going through the group (n! images at n instances - 5,039 at seven):

    1. each slot gets a signature, its instances' local states and the contents of their
       channels, read through a symmetry that takes the slot to slot 0 (so that the slots are
       compared in one numbering), and the slots are sorted by it;
    2. slots with equal signatures are split into classes of slots that a transposition
       exchanges without changing the state (whatever else remembers them, such as TM's
       `prepared` bitset, must agree too); within a class the order does not matter, and
       the classes are ordered by size;
    3. what is still undecided - classes of equal size in one tie - is tried in every order
       when there are at most CANON_CANDIDATES orders, and the least image is the key;
       beyond that, from the first order, adjacent exchanges are made while they give a
       smaller image (a local minimum).

    Every key is an image of its state under a symmetry, so states with one key are symmetric
    and the reduction is sound whatever the key; steps 1-3 make it the same key for every
    state of an orbit whenever the signatures are invariant and the ties small (the two-phase
    commit stores exactly its orbits, as with the full group: 80 states of 288 at 3 RMs).
    """

    def __init__(self, ts, gens: list, slots: list, groups: list):
        self.ts = ts
        self.count = len(slots)
        self.slots = slots  # slot -> its processes
        self.gens = gens  # gens[j]: the symmetry exchanging slots j and j+1
        self.groups = groups  # [[instance names...]] for the notes
        self._carried: dict = {}  # channel -> messages it can hold
        for a in ts.actions:
            for c, mid in a.sends:
                self._carried.setdefault(c, set()).add(mid)
        ident = tuple(range(self.count))
        self._elem: dict = {ident: None}  # sigma -> _Perm (None: the identity)
        self._plans: dict = {}  # sigma -> image plan
        self.images = 0  # images computed, for the benchmarks
        n = ts.n
        slot_of = {}
        for i, ps in enumerate(slots):
            for p in ps:
                slot_of[p] = i
        # The signature plan per slot: (process, local map to slot 0) and (channel, its slot-0
        # counterpart, set?, message map) for every channel an instance of the slot is on.
        self._sig = []
        for i, ps in enumerate(slots):
            ref = self.element(self._swap(0, i)) if i else None
            locals_ = [(p, ref.local[p] if ref else None) for p in ps]
            chans = []
            for c in ts.channels:
                if slot_of.get(c.sender) == i or slot_of.get(c.receiver) == i:
                    d = ref.chan[c.index] if ref else c.index
                    chans.append((d, n + c.index, c.index in ts.set_channels, ref.msg if ref else None))
            chans.sort()
            self._sig.append((locals_, chans))

    # ---- the group --------------------------------------------------------------------------
    def _swap(self, i: int, j: int) -> tuple:
        sigma = list(range(self.count))
        sigma[i], sigma[j] = j, i
        return tuple(sigma)

    def element(self, sigma: tuple):
        """The symmetry moving slot i to slot sigma[i] (None for the identity)."""
        try:
            return self._elem[sigma]
        except KeyError:
            pass
        j = next(k for k in range(self.count - 1) if sigma[k] > sigma[k + 1])
        rest = list(sigma)
        rest[j], rest[j + 1] = rest[j + 1], rest[j]
        # sigma = rest o (j j+1): exchange slots j and j+1 first, then apply rest.
        g = _compose(self.gens[j], self.element(tuple(rest)))
        self._elem[sigma] = g
        return g

    def _plan(self, sigma: tuple):
        plan = self._plans.get(sigma)
        if plan is None:
            plan = self._plans[sigma] = self._make_plan(self.element(sigma))
        return plan

    def _make_plan(self, g):
        ts = self.ts
        n = ts.n
        inv_proc = [0] * n
        for p, q in enumerate(g.proc):
            inv_proc[q] = p
        # Only the slots a permutation changes are rewritten.
        procs = []
        for q in range(n):
            p = inv_proc[q]
            lm = g.local[p]
            if p != q or any(i != j for i, j in enumerate(lm)):
                procs.append((q, p, lm))
        moved_msgs = {a: b for a, b in g.msg.items() if a != b}
        chans = []
        for c, d in enumerate(g.chan):
            renamed = moved_msgs.keys() & self._carried.get(c, set())
            if c != d or renamed:
                chans.append((n + d, n + c, c in ts.set_channels, bool(renamed)))
        mons = []
        for k in range(ts.k):
            bm = g.bits[k]
            if any(a != b for a, b in bm.items()):
                mons.append((ts.mon_off + k, bm))
        return procs, moved_msgs, chans, mons

    def image(self, s: tuple, plan) -> tuple:
        self.images += 1
        procs, moved_msgs, chans, mons = plan
        out = list(s)
        for q, p, lm in procs:
            out[q] = lm[s[p]]
        for dst, src, is_set, renamed in chans:
            qq = s[src]
            if qq and renamed:
                qq = tuple(moved_msgs.get(x, x) for x in qq)
                if is_set:
                    qq = tuple(sorted(qq))
            out[dst] = qq
        for slot, bm in mons:
            v = s[slot]
            if v > 0:
                w = 0
                for b, b2 in bm.items():
                    if v >> b & 1:
                        w |= 1 << b2
                v = w
            out[slot] = v
        return tuple(out)

    # ---- the key ------------------------------------------------------------------------------
    def signature(self, s: tuple, i: int) -> tuple:
        locals_, chans = self._sig[i]
        own = tuple(s[p] if lm is None else lm[s[p]] for p, lm in locals_)
        held = []
        for d, slot, is_set, mm in chans:
            q = s[slot]
            if q and mm:
                q = tuple(mm.get(x, x) for x in q)
                if is_set:
                    q = tuple(sorted(q))
            held.append(q)
        return own, tuple(held)

    def canon(self, s: tuple) -> tuple:
        count = self.count
        sigs = [self.signature(s, i) for i in range(count)]
        order = sorted(range(count), key=sigs.__getitem__)
        blocks = [[order[0]]]
        for i in order[1:]:
            if sigs[i] == sigs[blocks[-1][0]]:
                blocks[-1].append(i)
            else:
                blocks.append([i])
        # Per tie: its classes of interchangeable slots, by size; runs of equal size are open.
        choices = []  # per block: list of alternative slot sequences
        total = 1
        for b in blocks:
            if len(b) == 1:
                choices.append([b])
                continue
            classes = sorted(self._classes(s, b), key=lambda c: (len(c), c))
            runs, k = [], 0
            while k < len(classes):
                m = k
                while m < len(classes) and len(classes[m]) == len(classes[k]):
                    m += 1
                runs.append(classes[k:m])
                k = m
            alts = [[]]
            for run in runs:
                total *= _factorial(len(run))
                if total > CANON_CANDIDATES:
                    break
                alts = [a + [x for c in perm for x in c] for a in alts for perm in itertools.permutations(run)]
            if total > CANON_CANDIDATES:
                choices.append(None)
                break
            choices.append(alts)
        if total <= CANON_CANDIDATES:
            best = None
            for combo in itertools.product(*choices):
                t = self._apply_order(s, [x for seq in combo for x in seq])
                if best is None or t < best:
                    best = t
            return best
        return self._descend(s, [x for b in blocks for x in b], blocks)

    def _apply_order(self, s, seq):
        """The image of s that puts slot seq[k] at slot k."""
        sigma = [0] * self.count
        for pos, i in enumerate(seq):
            sigma[i] = pos
        sigma = tuple(sigma)
        if sigma in self._elem and self._elem[sigma] is None:
            return s
        return self.image(s, self._plan(sigma))

    def _descend(self, s, seq, blocks):
        """From the sorted order, exchange neighbours within a tie while the image gets smaller."""
        best = self._apply_order(s, seq)
        spans = []
        pos = 0
        for b in blocks:
            spans.append((pos, pos + len(b)))
            pos += len(b)
        improved = True
        rounds = 0
        while improved and rounds < self.count * self.count:
            improved = False
            rounds += 1
            for lo, hi in spans:
                for k in range(lo, hi - 1):
                    trial = seq[:k] + [seq[k + 1], seq[k]] + seq[k + 2:]
                    t = self._apply_order(s, trial)
                    if t < best:
                        best, seq, improved = t, trial, True
        return best

    def _classes(self, s, block) -> list:
        """The classes of slots of `block` that transpositions exchange leaving s unchanged."""
        parent = {i: i for i in block}

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for x, i in enumerate(block):
            for j in block[x + 1:]:
                ri, rj = find(i), find(j)
                if ri == rj:
                    continue
                if self.image(s, self._plan(self._swap(i, j))) == s:
                    parent[rj] = ri
        out: dict = {}
        for i in block:
            out.setdefault(find(i), []).append(i)
        return [sorted(c) for c in out.values()]


CANON_CANDIDATES = 24  # orders of a state's ties tried for its key; beyond, a local minimum


def _factorial(k: int) -> int:
    out = 1
    for i in range(2, k + 1):
        out *= i
    return out


def _compose(g, h):
    """The symmetry `g` then `h` (None: the identity)."""
    if h is None or g is None:
        return g if h is None else h
    proc = [h.proc[q] for q in g.proc]
    local = [[h.local[g.proc[p]][x] for x in g.local[p]] for p in range(len(g.proc))]
    chan = [h.chan[d] for d in g.chan]
    msg = {}
    for m in set(g.msg) | set(h.msg):
        gm = g.msg.get(m, m)
        msg[m] = h.msg.get(gm, gm)
    bits = []
    for bg, bh in zip(g.bits, h.bits):
        bm = {}
        for b in set(bg) | set(bh):
            gb = bg.get(b, b)
            bm[b] = bh.get(gb, gb)
        bits.append(bm)
    return _Perm(proc, local, chan, msg, bits, {})


def instance_groups(ts) -> dict:
    """template -> its instances' process indices, in index order, for templates with several."""
    by_template: dict = {}
    for p, proc in enumerate(ts.processes):
        if proc.index is not None:
            by_template.setdefault(proc.template, []).append(p)
    return {t: sorted(ps, key=lambda p: ts.processes[p].index) for t, ps in by_template.items() if len(ps) > 1}


def detect_symmetry(ts, obligations):
    """(Symmetry, None) when the tables are invariant under permuting same-template instances,
    else (None, reason).  The permutations are generated by the exchanges of neighbouring
    instances, so only those are checked against the tables (n - 1 of them, not n! - 1): a
    composition of symmetries is one."""
    groups = instance_groups(ts)
    if not groups:
        return None, None
    ts.saturate()
    if len(ts.actions) > MAX_SYMMETRY_ACTIONS:
        return None, f"{len(ts.actions):,} compiled actions: too many to check the tables for symmetry"
    # Templates with the same number of instances move together (WIC i with UICC i).
    by_count: dict = {}
    for t, ps in groups.items():
        by_count.setdefault(len(ps), []).append(t)
    if len(by_count) > 1:
        return None, "instances of templates with different counts: one group at a time is not implemented"
    (count, templates), = by_count.items()
    gens = []
    for j in range(count - 1):
        sigma = list(range(count))
        sigma[j], sigma[j + 1] = j + 1, j
        proc = list(range(ts.n))
        for t in templates:
            ps = groups[t]
            for i, p in enumerate(ps):
                proc[p] = ps[sigma[i]]
        g, why = _propagate(ts, proc, tuple(sigma), obligations)
        if g is None:
            return None, f"permuting {', '.join(ts.processes[p].name for p in groups[templates[0]])}: {why}"
        gens.append(g)
    slots = [[groups[t][i] for t in templates] for i in range(count)]
    named = [[ts.processes[p].name for t in templates for p in groups[t]]]
    return Symmetry(ts, gens, slots, named), None


def _propagate(ts, proc, sigma, obligations):
    """The symmetry that maps process p to proc[p], or (None, why)."""
    n = ts.n
    chan_of = {(c.sender, c.receiver): c.index for c in ts.channels}
    chan = []
    for c in ts.channels:
        d = chan_of.get((proc[c.sender], proc[c.receiver]))
        if d is None or ts.channels[d].capacity != c.capacity or ts.channels[d].kind != c.kind:
            return None, f"channel {c.name} has no counterpart"
        chan.append(d)
    ctx = {k + 1: sigma[k] + 1 for k in range(len(sigma))}
    local = [dict() for _ in range(n)]
    msg: dict = {}
    bits = [dict() for _ in range(ts.k)]
    action: dict = {}
    # Actions per (process, local): events keyed by (trigger, context); receipts by (chan, msg).
    events = [dict() for _ in range(n)]
    recvs = [dict() for _ in range(n)]
    for p in range(n):
        for li, aids in ts.event_table[p].items():
            events[p][li] = {(ts.actions[a].trigger, ts.actions[a].context): a for a in aids}
        for (li, c, mid), aid in ts.recv_table[p].items():
            if aid >= 0:
                recvs[p].setdefault(li, {})[(c, mid)] = aid

    def bind(table, key, value):
        have = table.get(key)
        if have is None:
            table[key] = value
            return True
        return have == value

    work = []
    for p, pr in enumerate(ts.processes):
        local[p][pr.initial] = ts.processes[proc[p]].initial
        work.append((p, pr.initial))
    deferred = []
    while work or deferred:
        if not work:
            progress = False
            retry, deferred, again = deferred, [], set()
            for item in retry:
                p, li, key = item
                if key[1] in msg:
                    again.add((p, li))
                    progress = True
                else:
                    deferred.append(item)
            work.extend(again)
            if not progress:
                return None, "a message is received that no mapped action sends"
            continue
        p, li = work.pop()
        q, lj = proc[p], local[p][li]
        mine_ev, theirs_ev = events[p].get(li, {}), events[q].get(lj, {})
        mine_rv, theirs_rv = recvs[p].get(li, {}), recvs[q].get(lj, {})
        if len(mine_ev) != len(theirs_ev) or len(mine_rv) != len(theirs_rv):
            return None, f"{ts.processes[p].local_label(li)} of {ts.processes[p].name} has no counterpart"
        pairs = []
        for (trig, k), aid in mine_ev.items():
            other = theirs_ev.get((trig, ctx.get(k, k) if k else k))
            if other is None:
                return None, f"{ts.action_text(aid)} has no counterpart"
            pairs.append((aid, other))
        for (c, mid), aid in mine_rv.items():
            if mid not in msg:
                deferred.append((p, li, (c, mid)))
                continue
            other = theirs_rv.get((chan[c], msg[mid]))
            if other is None:
                return None, f"{ts.action_text(aid)} has no counterpart"
            pairs.append((aid, other))
        for aid, other in pairs:
            if aid in action:
                continue
            action[aid] = other
            a, b = ts.actions[aid], ts.actions[other]
            new_target = a.target not in local[p]
            if not bind(local[p], a.target, b.target):
                return None, f"{ts.action_text(aid)} leads to a different state than its image"
            if new_target:
                work.append((p, a.target))
            sa: dict = {}
            for c, mid in a.sends:
                sa.setdefault(chan[c], []).append(mid)
            sb: dict = {}
            for c, mid in b.sends:
                sb.setdefault(c, []).append(mid)
            if set(sa) != set(sb) or any(len(sa[c]) != len(sb[c]) for c in sa):
                return None, f"{ts.action_text(aid)} sends differently from its image"
            for c in sa:
                for m1, m2 in zip(sa[c], sb[c]):
                    if ts.messages[m1].name != ts.messages[m2].name or not bind(msg, m1, m2):
                        return None, f"message {ts.messages[m1].label()} maps inconsistently"
            for k, mon in enumerate(ts.monitors):
                oa, ob = mon.ops.get(aid, ()), mon.ops.get(other, ())
                if len(oa) != len(ob):
                    return None, f"monitor of {mon.property} sees {ts.action_text(aid)} and its image differently"
                for (op1, b1), (op2, b2) in zip(oa, ob):
                    if op1 != op2 or not bind(bits[k], b1, b2):
                        return None, f"monitor of {mon.property} is not symmetric"
                if (aid in mon.triggers) != (other in mon.triggers):
                    return None, f"the triggers of {mon.property} are not symmetric"
    for p, pr in enumerate(ts.processes):
        lm = local[p]
        target = ts.processes[proc[p]]
        if len(lm) != len(pr.locals) or len(set(lm.values())) != len(lm):
            return None, f"the local states of {pr.name} do not map one to one"
        if {lm[x] for x in pr.end_locals} != set(target.end_locals):
            return None, f"the end states of {pr.name} are not symmetric"
    if len(set(action.values())) != len(action) or len(action) != len(ts.actions):
        return None, "the actions do not map one to one"
    g = _Perm(proc, [[local[p][i] for i in range(len(ts.processes[p].locals))] for p in range(n)],
              chan, msg, bits, action)
    for pid, pred in ts.invariants:
        if not _pred_symmetric(ts, pred, g):
            return None, f"invariant {pid} is not symmetric"
    for ob in obligations:
        if not isinstance(ob, Reach):
            continue
        if ob.goal is not None:
            hits = ob.goal.among(range(len(ts.actions)))
            if {action[a] for a in hits} != hits:
                return None, f"the goal of {ob.property} is not symmetric"
        elif not _pred_symmetric(ts, ob.goal_state, g):
            return None, f"the goal state of {ob.property} is not symmetric"
    return g, None


def _pred_form(ts, pred, g=None):
    """A hashable normal form of a predicate, after mapping it through `g` (None: as is)."""
    if isinstance(pred, LocalIn):
        idx = pred.indices(ts)
        if g is None:
            return ("L", pred.proc, frozenset(idx))
        return ("L", g.proc[pred.proc], frozenset(g.local[pred.proc][i] for i in idx))
    if isinstance(pred, ChannelHolds):
        return ("C", pred.channel if g is None else g.chan[pred.channel], pred.message)
    if isinstance(pred, (And, Or)):
        return (type(pred).__name__, frozenset(_pred_form(ts, p, g) for p in pred.parts))
    if isinstance(pred, AtLeast):
        from collections import Counter

        return ("K", pred.count, frozenset(Counter(_pred_form(ts, p, g) for p in pred.parts).items()))
    if isinstance(pred, Not):
        return ("N", _pred_form(ts, pred.part, g))
    return ("?", id(pred))


def _pred_symmetric(ts, pred, g) -> bool:
    return _pred_form(ts, pred) == _pred_form(ts, pred, g)
