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
    def __init__(self, ts, perms: list, groups: list):
        self.ts = ts
        self.perms = perms  # non-identity elements of the group
        self.groups = groups  # [[instance names...], ...] for the notes
        n, m = ts.n, ts.m
        self._plan = []
        off = n + m
        carried: dict = {}  # channel -> messages it can hold
        for a in ts.actions:
            for c, mid in a.sends:
                carried.setdefault(c, set()).add(mid)
        for g in perms:
            inv_proc = [0] * n
            for p, q in enumerate(g.proc):
                inv_proc[q] = p
            # Only the slots a permutation changes are rewritten (most processes, channels and
            # monitors are fixed by it).
            procs = []
            for q in range(n):
                p = inv_proc[q]
                lm = g.local[p]
                if p != q or any(i != j for i, j in enumerate(lm)):
                    procs.append((q, p, lm))
            moved_msgs = {a: b for a, b in g.msg.items() if a != b}
            chans = []
            for c, d in enumerate(g.chan):
                renamed = moved_msgs.keys() & carried.get(c, set())
                if c != d or renamed:
                    chans.append((n + d, n + c, c in ts.set_channels, bool(renamed)))
            mons = []
            for k in range(ts.k):
                bm = g.bits[k]
                if any(a != b for a, b in bm.items()):
                    mons.append((off + k, bm))
            self._plan.append((g, inv_proc, procs, moved_msgs, chans, mons))
        moved = sorted({p for g in perms for p, q in enumerate(g.proc) if p != q})
        self._lead = moved  # compared first by canon()

    def image(self, s: tuple, plan) -> tuple:
        _, _, procs, moved_msgs, chans, mons = plan
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

    def canon(self, s: tuple) -> tuple:
        """The orbit's least member under the order (the permuted instances' local states, then
        the whole tuple).  Comparing the few permuted locals first rejects most images before
        building them."""
        best, best_lead = s, None
        lead = self._lead
        for plan in self._plan:
            g, inv_proc = plan[0], plan[1]
            local = g.local
            if best_lead is None:
                best_lead = [best[q] for q in lead]
            worse = False
            decided = False
            for i, q in enumerate(lead):
                p = inv_proc[q]
                v = local[p][s[p]]
                b = best_lead[i]
                if v != b:
                    worse = v > b
                    decided = True
                    break
            if worse:
                continue
            t = self.image(s, plan)
            if decided or t < best:
                best, best_lead = t, None
        return best


def instance_groups(ts) -> dict:
    """template -> its instances' process indices, in index order, for templates with several."""
    by_template: dict = {}
    for p, proc in enumerate(ts.processes):
        if proc.index is not None:
            by_template.setdefault(proc.template, []).append(p)
    return {t: sorted(ps, key=lambda p: ts.processes[p].index) for t, ps in by_template.items() if len(ps) > 1}


def detect_symmetry(ts, obligations):
    """(Symmetry, None) when the tables are invariant under permuting same-template instances,
    else (None, reason)."""
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
    perms = []
    named = []
    for count, templates in sorted(by_count.items()):
        elems = []
        for sigma in itertools.permutations(range(count)):
            if sigma == tuple(range(count)):
                continue
            proc = list(range(ts.n))
            for t in templates:
                ps = groups[t]
                for i, p in enumerate(ps):
                    proc[p] = ps[sigma[i]]
            g, why = _propagate(ts, proc, sigma, obligations)
            if g is None:
                return None, f"permuting {', '.join(ts.processes[p].name for p in groups[templates[0]])}: {why}"
            elems.append(g)
        perms.append(elems)
        named.append([ts.processes[p].name for t in templates for p in groups[t]])
    if len(perms) > 1:
        return None, "instances of templates with different counts: one group at a time is not implemented"
    return Symmetry(ts, perms[0], named), None


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
