"""The TransitionSystem as Z3 terms: state variables, the initial state, the step relation.

Everything is generated from the compiled tables (processes, channels, actions, monitors,
invariant predicates); nothing here knows a model.  One symbolic state holds

    loc[p][j]      component j of process p's local state (see "Components" below)
    len[c]         the number of messages in FIFO channel c (0..capacity)
    slot[c][j]     the message id in position j of FIFO channel c, EMPTY past len[c]
    has[c][m]      Bool, message m is in "set" channel c (a persistent message set)
    err[k]         Bool, monitor k has seen a violation (sticky, like Monitor's ERR)
    bit[k][b]      Bool, bit b of monitor k (all False once err[k], as ERR has no bits)
    last           optional: 1 + the last seed step number taken (0: none yet, or the flow's
                   order restarted after a step of its `restart_after`), for in-order witnesses

The numbers are bit-vectors of one width wide enough for every domain (compared unsigned),
so the whole encoding is propositional and Z3's incremental SAT core decides it: on these
small finite domains that is many times faster than linear integer arithmetic.

Components.  A process with per-WIC contexts (the WST, the CSCFs, ... with several WICs) has
as its local state a product: one (control, values) per context and the shared values.  The
explicit engine numbers each product as one local index (the WST at 4 WICs: 7^4 = 2,401 of
them, and one compiled action per product it acts in).  Here each context and the shared part
is its own variable, numbering only its own values, and the compiled actions that do the
same thing to the same components - the copies of one context's action over every state of
the other contexts - are one *symbolic action* (a group), guarded by the set of product
states its members start from.  That set is written as a decision diagram over the
components (`loc_in`), so "context 2 is in state a" costs one comparison instead of 343.
F1 at 4 WICs: 50,240 compiled actions, a few hundred groups.  A process without contexts has
one component, its local index.  States the explicit engine interns and only those are
well-formed, so a symbolic state still means exactly one explicit state.

The step relation is exactly TransitionSystem.expand/apply: a process consumes the head of
one of its FIFO input channels (or reads a set channel without consuming, or takes an event),
moves to the action's target and appends its sends; a send that would overflow a FIFO blocks
the whole action; reading a set channel counts only when it changes the state; and a state
with an unhandled message at the head of a channel has no successor (the explicit explorer
stops there, as at an error).  Slots past the length are pinned to EMPTY, so two symbolic
states are equal exactly when the explicit states are, which the set-channel rule and the
simple-path constraint of k-induction rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import z3

from ...system.monitor import ARM, CHECK, CONSUME, DISARM
from ...system.predicates import And as PAnd
from ...system.predicates import AtLeast, ChannelHolds, LocalIn, Pred
from ...system.predicates import Not as PNot
from ...system.predicates import Or as POr
from ..explore.witness import step_key

TRUE, FALSE = -2, -1  # the leaves of the decision diagrams over a process's components


def fast_or(terms: list):
    """z3.Or of Bool terms without z3.py's per-argument sort checks (Houdini builds one big
    disjunction per round; the checks cost more than the solver)."""
    if not terms:
        return z3.BoolVal(False)
    ctx = terms[0].ctx
    args = (z3.Ast * len(terms))()
    for i, t in enumerate(terms):
        args[i] = t.as_ast()
    return z3.BoolRef(z3.Z3_mk_or(ctx.ref(), len(terms), args), ctx)


@dataclass
class State:
    """One symbolic state: a dict from variable key to Z3 term (see the module docstring)."""

    vars: dict
    tag: str = ""
    memo: dict = field(default_factory=dict)  # formulas already built over this state

    def __getitem__(self, key):
        return self.vars[key]

    def terms(self) -> list:
        return list(self.vars.values())


def local_components(proc) -> tuple[list, list]:
    """(codes, domains): codes[li] is the tuple of component values of local index li, and
    domains[j] the number of values component j takes.  Contexts first, then the shared part."""
    if not proc.contexts:
        return [(li,) for li in range(len(proc.locals))], [len(proc.locals)]
    n = proc.contexts
    interned: list = [{} for _ in range(n + 1)]
    codes = []
    for control, (shared, per) in proc.locals:
        parts = [(control[k], per[k]) for k in range(n)] + [shared]
        codes.append(tuple(interned[j].setdefault(v, len(interned[j])) for j, v in enumerate(parts)))
    return codes, [len(d) for d in interned]


@dataclass
class Group:
    """Compiled actions with one effect: same process, input, sends, monitor operations and
    step, and the same change to the same components; they differ only in the values of the
    components they leave alone.  `sources` maps each member's source local to its id."""

    id: int
    proc: int
    rep: int  # a member: the channel, message, sends, monitor ops and step are read from it
    changed: tuple  # ((component, from, to), ...)
    sources: dict = field(default_factory=dict)  # source local index -> action id


@dataclass
class Encoding:
    ts: object
    ordered: bool = False  # add `last` and the seed's step order (flow-reachable witnesses)
    restart_after: frozenset = frozenset()  # step labels after which the order starts again
    chan_msgs: dict = field(default_factory=dict)  # channel -> sorted message ids ever sent on it
    mon_bits: list = field(default_factory=list)  # monitor -> number of bits its ops use
    recv_locals: dict = field(default_factory=dict)  # (channel, msg) -> local indices handling it
    touching: dict = field(default_factory=dict)  # variable key -> group ids that may change it
    keys: list = field(default_factory=list)  # every variable key, in a fixed order

    def __post_init__(self):
        ts = self.ts
        ts.saturate()  # the encoding needs every (local state, input) pair's outcome
        self.fifo = [c.index for c in ts.channels if c.kind == "fifo"]
        self.sets = [c.index for c in ts.channels if c.kind != "fifo"]
        msgs: dict = {c.index: set() for c in ts.channels}
        for a in ts.actions:
            for c, m in a.sends:
                msgs[c].add(m)
        self.chan_msgs = {c: sorted(ms) for c, ms in msgs.items()}
        self.mon_bits = []
        for mon in ts.monitors:
            top = 0
            for ops in mon.ops.values():
                for _, b in ops:
                    top = max(top, b + 1)
            self.mon_bits.append(max(top, 1))
        for a in ts.actions:
            if a.kind == "recv":
                self.recv_locals.setdefault((a.channel, a.msg), set()).add(a.source)
        self.step_keys = [step_key(a.step) for a in ts.actions]
        self.restart = frozenset(self.restart_after)
        self.codes, self.domains, self.code_index, self.universe = [], [], [], []
        for proc in ts.processes:
            codes, domains = local_components(proc)
            self.codes.append(codes)
            self.domains.append(domains)
            self.code_index.append({code: li for li, code in enumerate(codes)})
            self.universe.append(frozenset(codes))
        self._set_nodes: dict = {}  # (process, local indices or None) -> diagram node id
        self._nodes: list = []  # node id -> (process, level, ((values, child), ...))
        self._node_ids: dict = {}
        self._build_groups()
        top = max([d for ds in self.domains for d in ds] + [c.capacity + 1 for c in ts.channels]
                  + [len(ts.messages) + 1] + [k + 2 for k in self.step_keys if k is not None])
        self.width = max(1, top.bit_length())
        self.empty = (1 << self.width) - 1  # above every message id
        self.act_width = max(1, (len(self.groups) + 1).bit_length())
        self._build_keys()

    # ---- grouping compiled actions into symbolic ones --------------------------------------------
    def _build_groups(self) -> None:
        ts = self.ts
        mon_ops: dict = {}
        for mk, mon in enumerate(ts.monitors):
            for aid, ops in mon.ops.items():
                mon_ops.setdefault(aid, []).append((mk, tuple(ops)))
        by_sig: dict = {}
        self.groups: list[Group] = []
        self.group_of: list[int] = []
        for a in ts.actions:
            src, tgt = self.codes[a.proc][a.source], self.codes[a.proc][a.target]
            changed = tuple((j, src[j], tgt[j]) for j in range(len(src)) if src[j] != tgt[j])
            sig = (a.proc, a.kind, a.trigger, a.channel, a.msg, a.sends, a.context, changed,
                   tuple(mon_ops.get(a.id, ())), self.step_keys[a.id], a.step in self.restart)
            g = by_sig.get(sig)
            if g is None:
                g = by_sig[sig] = Group(len(self.groups), a.proc, a.id, changed)
                self.groups.append(g)
            g.sources[a.source] = a.id
            self.group_of.append(g.id)

    # ---- variables ----------------------------------------------------------------------------
    def _build_keys(self) -> None:
        ts = self.ts
        keys = [("loc", p, j) for p in range(ts.n) for j in range(len(self.domains[p]))]
        for c in self.fifo:
            keys.append(("len", c))
            keys += [("slot", c, j) for j in range(ts.channels[c].capacity)]
        for c in self.sets:
            keys += [("has", c, m) for m in self.chan_msgs[c]]
        for k in range(ts.k):
            keys.append(("err", k))
            keys += [("bit", k, b) for b in range(self.mon_bits[k])]
        if self.ordered:
            keys.append(("last",))
        self.keys = keys
        touching: dict = {key: [] for key in keys}
        mon_of: dict = {}
        for mk, mon in enumerate(ts.monitors):
            for aid in mon.ops:
                mon_of.setdefault(aid, []).append(mk)
        for g in self.groups:
            a = ts.actions[g.rep]
            touched = {("loc", a.proc, j) for j, _, _ in g.changed}
            chans = [c for c, _ in a.sends]
            if a.kind == "recv" and ts.channels[a.channel].kind == "fifo":
                chans.append(a.channel)
            for c in chans:
                if ts.channels[c].kind == "fifo":
                    touched.add(("len", c))
                    touched.update(("slot", c, j) for j in range(ts.channels[c].capacity))
                else:
                    touched.update(("has", c, m) for cc, m in a.sends if cc == c)
            for mk in mon_of.get(a.id, ()):
                touched.add(("err", mk))
                touched.update(("bit", mk, b) for b in range(self.mon_bits[mk]))
            if self.ordered:
                touched.add(("last",))
            for key in touched:
                touching[key].append(g.id)
        self.touching = touching

    def state(self, tag: str) -> State:
        out = {}
        for key in self.keys:
            name = f"{'.'.join(map(str, key))}@{tag}"
            out[key] = z3.Bool(name) if key[0] in ("has", "err", "bit") else z3.BitVec(name, self.width)
        return State(out, tag)

    def num(self, v: int):
        return z3.BitVecVal(v, self.width)

    def act(self, name: str):
        """A fresh variable naming the symbolic action (group) a step takes."""
        return z3.BitVec(name, self.act_width)

    # ---- local states as formulas ----------------------------------------------------------------
    def loc_is(self, s: State, p: int, li: int):
        """Process p is in local state li."""
        return z3.And([s["loc", p, j] == v for j, v in enumerate(self.codes[p][li])])

    def loc_in(self, s: State, p: int, lis):
        """Process p is in one of the local states `lis` (on well-formed states)."""
        lis = frozenset(lis)
        key = (p, lis)
        node = self._set_nodes.get(key)
        if node is None:
            codes = frozenset(self.codes[p][li] for li in lis)
            node = self._set_nodes[key] = self._diagram(p, 0, codes, self.universe[p], {})
        return self._instantiate(s, p, node)

    def _valid(self, s: State, p: int):
        """p's components name a local state the system has (exact, unlike loc_in)."""
        key = (p, None)
        node = self._set_nodes.get(key)
        if node is None:
            node = self._set_nodes[key] = self._diagram(p, 0, self.universe[p], None, {})
        return self._instantiate(s, p, node)

    # Decision diagrams over a process's components, hash-consed: node ids index self._nodes,
    # each (level, ((values, child id), ...)); TRUE and FALSE are the two leaves.
    def _diagram(self, p: int, level: int, codes: frozenset, universe, memo: dict) -> int:
        """The node for "the code suffix from `level` on is in `codes`", where `universe`
        holds the suffixes a well-formed state can have (others are don't-cares), or None for
        the whole product of the domains."""
        if not codes:
            return FALSE
        if universe is None:
            full = 1
            for d in self.domains[p][level:]:
                full *= d
            if len(codes) == full:
                return TRUE
        elif codes == universe:
            return TRUE
        key = (level, codes, universe)
        hit = memo.get(key)
        if hit is not None:
            return hit
        split: dict = {}
        for code in codes:
            split.setdefault(code[0], set()).add(code[1:])
        rest: dict = {}
        if universe is not None:
            for code in universe:
                rest.setdefault(code[0], set()).add(code[1:])
        by_child: dict = {}
        for v, tails in sorted(split.items()):
            child = self._diagram(p, level + 1, frozenset(tails),
                                  None if universe is None else frozenset(rest[v]), memo)
            if child != FALSE:
                by_child.setdefault(child, []).append(v)
        shape = (p, level, tuple((tuple(vs), child) for child, vs in by_child.items()))
        node = self._node_ids.get(shape)
        if node is None:
            node = self._node_ids[shape] = len(self._nodes)
            self._nodes.append(shape)
        memo[key] = node
        return node

    def _instantiate(self, s: State, p: int, node: int):
        if node == TRUE or node == FALSE:
            return z3.BoolVal(node == TRUE)
        memo = s.memo.setdefault("diagrams", {})
        hit = memo.get(node)
        if hit is not None:
            return hit
        _, level, branches = self._nodes[node]
        var = s["loc", p, level]
        parts = []
        for values, child in branches:
            here = z3.Or([var == v for v in values]) if len(values) > 1 else var == values[0]
            parts.append(here if child == TRUE else z3.And(here, self._instantiate(s, p, child)))
        out = memo[node] = z3.Or(parts) if len(parts) > 1 else (parts[0] if parts else z3.BoolVal(False))
        return out

    # ---- initial state and well-formedness ------------------------------------------------------
    def init(self, s: State):
        ts = self.ts
        parts = []
        for p, proc in enumerate(ts.processes):
            parts.append(self.loc_is(s, p, proc.initial))
        for key, v in s.vars.items():
            kind = key[0]
            if kind == "loc":
                continue
            if kind == "len":
                parts.append(v == 0)
            elif kind == "slot":
                parts.append(v == self.empty)
            elif kind == "last":
                parts.append(v == 0)
            else:
                parts.append(z3.Not(v))
        return z3.And(parts)

    def well_formed(self, s: State):
        """What every explicit state satisfies; an induction step starts from such states."""
        ts = self.ts
        parts = []
        for p in range(ts.n):
            for j, d in enumerate(self.domains[p]):
                parts.append(z3.ULT(s["loc", p, j], d))
            if len(self.domains[p]) > 1:
                parts.append(self._valid(s, p))
        for c in self.fifo:
            cap = ts.channels[c].capacity
            n = s["len", c]
            parts.append(z3.ULE(n, cap))
            for j in range(cap):
                v = s["slot", c, j]
                parts.append(z3.If(z3.ULT(j, n), z3.Or([v == m for m in self.chan_msgs[c]] or [z3.BoolVal(False)]),
                                   v == self.empty))
        for k in range(ts.k):
            parts.append(z3.Implies(s["err", k], z3.Not(z3.Or([s["bit", k, b] for b in range(self.mon_bits[k])]))))
        if self.ordered:
            known = sorted({key for key in self.step_keys if key is not None})
            parts.append(z3.Or([s["last",] == v + 1 for v in [-1] + known]))
        return z3.And(parts)

    # ---- one symbolic action ---------------------------------------------------------------------
    def group(self, s: State, gid: int):
        """(source guard, effect guard, updates) of group `gid` in `s`: its members' source
        states, what its input, sends and step order need, and the new values of the variables
        it changes - TransitionSystem.enabled and apply, symbolically."""
        hit = s.memo.get(("group", gid))
        if hit is None:
            g = self.groups[gid]
            hit = s.memo[("group", gid)] = (self.loc_in(s, g.proc, g.sources),) + self._effect(s, g)
        return hit

    def action(self, s: State, aid: int):
        """(enabled, updates) of one compiled action: its group, from its own source state."""
        a = self.ts.actions[aid]
        _, effect, upd = self.group(s, self.group_of[aid])
        return z3.And(self.loc_is(s, a.proc, a.source), effect), upd

    def _effect(self, s: State, g: Group):
        ts = self.ts
        aid = g.rep
        a = ts.actions[aid]
        guard = []
        upd = {("loc", a.proc, j): self.num(to) for j, _, to in g.changed}
        queues = {}  # fifo channel -> (slots list, length term)

        def queue(c):
            if c not in queues:
                cap = ts.channels[c].capacity
                queues[c] = ([s["slot", c, j] for j in range(cap)], s["len", c])
            return queues[c]

        set_read = False
        if a.kind == "recv":
            c = a.channel
            if ts.channels[c].kind == "fifo":
                slots, n = queue(c)
                if a.msg not in self.chan_msgs[c] or not slots:
                    return z3.BoolVal(False), {}
                guard += [n != 0, slots[0] == a.msg]
                queues[c] = (slots[1:] + [self.num(self.empty)], n - 1)
            else:
                if a.msg not in self.chan_msgs[c]:
                    return z3.BoolVal(False), {}
                guard.append(s["has", c, a.msg])
                set_read = True
        for c, m in a.sends:
            if ts.channels[c].kind == "fifo":
                slots, n = queue(c)
                guard.append(z3.ULT(n, len(slots)))  # a full channel blocks the whole action
                slots = [z3.If(n == j, self.num(m), v) for j, v in enumerate(slots)]
                queues[c] = (slots, n + 1)
            else:
                upd["has", c, m] = z3.BoolVal(True)
        for c, (slots, n) in queues.items():
            upd["len", c] = n
            for j, v in enumerate(slots):
                upd["slot", c, j] = v
        for mk, mon in enumerate(ts.monitors):
            ops = mon.ops.get(aid)
            if not ops:
                continue
            err = s["err", mk]
            bits = [s["bit", mk, b] for b in range(self.mon_bits[mk])]
            for op, b in ops:
                if op == ARM:
                    bits[b] = z3.BoolVal(True)
                elif op in (CHECK, CONSUME):
                    err = z3.Or(err, z3.Not(bits[b]))
                    if op == CONSUME:
                        bits[b] = z3.BoolVal(False)
                elif op == DISARM:
                    bits[b] = z3.BoolVal(False)
                else:  # FAIL
                    err = z3.BoolVal(True)
            upd["err", mk] = err
            for b, v in enumerate(bits):
                upd["bit", mk, b] = z3.And(z3.Not(err), v)
        if self.ordered:
            key = self.step_keys[aid]
            if key is not None:
                guard.append(z3.ULE(s["last",], key + 1))
                upd["last",] = self.num(key + 1)
            if a.step is not None and a.step in self.restart:
                upd["last",] = self.num(0)  # "steps 1-11 are repeated": the order starts again
        if set_read:
            # expand() drops a set-channel read that leaves the state as it was.
            guard.append(z3.Or([upd[k] != s[k] for k in upd] or [z3.BoolVal(False)]))
        return z3.And(guard), upd

    # ---- the step relation -----------------------------------------------------------------------
    def step(self, s: State, t: State, act) -> object:
        """t is a successor of s by symbolic action `act` (a term naming the group id)."""
        parts = [z3.Not(self.unhandled(s)), z3.ULT(act, len(self.groups))]
        updates = []
        for g in self.groups:
            source, effect, upd = self.group(s, g.id)
            parts.append(z3.Implies(act == g.id, z3.And(source, effect)))
            updates.append(upd)
        for key in self.keys:
            value = s[key]
            for gid in self.touching[key]:
                if key in updates[gid]:
                    value = z3.If(act == gid, updates[gid][key], value)
            parts.append(t[key] == value)
        return z3.And(parts)

    def successor(self, s: State, aid: int) -> tuple:
        """(enabled, next-state dict) for one concrete action: for replaying a fixed trace."""
        guard, upd = self.action(s, aid)
        nxt = dict(s.vars)
        nxt.update(upd)
        return z3.And(z3.Not(self.unhandled(s)), guard), State(nxt, s.tag + "'")

    def takes(self, s: State, act, aids):
        """The step from `s` by symbolic action `act` is one of the compiled actions `aids`."""
        wanted: dict = {}
        for aid in aids:
            wanted.setdefault(self.group_of[aid], []).append(aid)
        parts = []
        for gid, members in sorted(wanted.items()):
            g = self.groups[gid]
            if len(members) == len(g.sources):
                parts.append(act == gid)
            else:
                sources = [self.ts.actions[aid].source for aid in members]
                parts.append(z3.And(act == gid, self.loc_in(s, g.proc, sources)))
        return z3.Or(parts) if parts else z3.BoolVal(False)

    def action_taken(self, model, s: State, act) -> int:
        """The compiled action a model's step from `s` takes (its group and p's local state)."""
        g = self.groups[model.eval(act, model_completion=True).as_long()]
        return g.sources[self.local_of(model, s, g.proc)]

    # ---- state predicates --------------------------------------------------------------------------
    def unhandled(self, s: State):
        """Some FIFO head has no action in its receiver's current local state."""
        if "unhandled" not in s.memo:
            s.memo["unhandled"] = self._unhandled(s)
        return s.memo["unhandled"]

    def _unhandled(self, s: State):
        ts = self.ts
        parts = []
        for c in self.fifo:
            if ts.channels[c].capacity == 0:
                continue
            p = ts.channels[c].receiver
            for m in self.chan_msgs[c]:
                handlers = self.recv_locals.get((c, m), ())
                parts.append(z3.And(s["len", c] != 0, s["slot", c, 0] == m, z3.Not(self.loc_in(s, p, handlers))))
        return z3.Or(parts) if parts else z3.BoolVal(False)

    def some_enabled(self, s: State, aids=None):
        """Some compiled action of `aids` (default: any) can fire in `s`."""
        if aids is None:
            parts = [z3.And(self.group(s, g.id)[:2]) for g in self.groups]
        else:
            wanted: dict = {}
            for aid in aids:
                wanted.setdefault(self.group_of[aid], []).append(self.ts.actions[aid].source)
            parts = []
            for gid, sources in sorted(wanted.items()):
                g = self.groups[gid]
                source = (self.group(s, gid)[0] if len(sources) == len(g.sources)
                          else self.loc_in(s, g.proc, sources))
                parts.append(z3.And(source, self.group(s, gid)[1]))
        return z3.Or(parts or [z3.BoolVal(False)])

    def is_end(self, s: State):
        ts = self.ts
        parts = [s["len", c] == 0 for c in self.fifo]
        for p, proc in enumerate(ts.processes):
            parts.append(self.loc_in(s, p, proc.end_locals))
        return z3.And(parts)

    def deadlock(self, s: State):
        """Nothing enabled, no unhandled message, and not a declared end state (bfs.explore)."""
        return z3.And(z3.Not(self.unhandled(s)), z3.Not(self.some_enabled(s)), z3.Not(self.is_end(s)))

    def monitor_error(self, s: State, mk: int):
        return s["err", mk]

    def pred(self, s: State, pred: Pred):
        """A predicates.Pred AST as a Z3 formula over `s`."""
        ts = self.ts
        if isinstance(pred, LocalIn):
            return self.loc_in(s, pred.proc, pred.indices(ts))
        if isinstance(pred, ChannelHolds):
            c = pred.channel
            msgs = [m for m in self.chan_msgs[c] if ts.messages[m].name == pred.message]
            if ts.channels[c].kind == "fifo":
                return z3.Or([
                    z3.And(z3.UGT(s["len", c], j), s["slot", c, j] == m)
                    for j in range(ts.channels[c].capacity) for m in msgs
                ] or [z3.BoolVal(False)])
            return z3.Or([s["has", c, m] for m in msgs] or [z3.BoolVal(False)])
        if isinstance(pred, PAnd):
            return z3.And([self.pred(s, p) for p in pred.parts] or [z3.BoolVal(True)])
        if isinstance(pred, POr):
            return z3.Or([self.pred(s, p) for p in pred.parts] or [z3.BoolVal(False)])
        if isinstance(pred, PNot):
            return z3.Not(self.pred(s, pred.part))
        if isinstance(pred, AtLeast):
            if pred.count <= 0:
                return z3.BoolVal(True)
            parts = [self.pred(s, p) for p in pred.parts]
            if len(parts) < pred.count:
                return z3.BoolVal(False)
            return z3.AtLeast(*parts, pred.count)
        raise TypeError(f"the Z3 encoding has no translation for predicate {type(pred).__name__}")

    def same(self, s: State, t: State):
        return z3.And([s[k] == t[k] for k in self.keys])

    # ---- between explicit and symbolic states -------------------------------------------------------
    def local_of(self, model, s: State, p: int) -> int:
        code = tuple(model.eval(s["loc", p, j], model_completion=True).as_long()
                     for j in range(len(self.domains[p])))
        li = self.code_index[p].get(code)
        if li is None:  # well_formed excludes it: a model that breaks it is an encoding bug
            raise AssertionError(f"{self.ts.processes[p].name}: component values {code} name no local state")
        return li

    def concrete(self, model, s: State) -> tuple:
        """The explicit state tuple (TransitionSystem's layout) that model gives `s`."""
        ts = self.ts

        def num(term):
            return model.eval(term, model_completion=True).as_long()

        def flag(term):
            return z3.is_true(model.eval(term, model_completion=True))

        out = [self.local_of(model, s, p) for p in range(ts.n)]
        for c in range(ts.m):
            if ts.channels[c].kind == "fifo":
                n = num(s["len", c])
                out.append(tuple(num(s["slot", c, j]) for j in range(n)))
            else:
                out.append(tuple(m for m in self.chan_msgs[c] if flag(s["has", c, m])))
        for k in range(ts.k):
            if flag(s["err", k]):
                out.append(-1)
            else:
                out.append(sum(1 << b for b in range(self.mon_bits[k]) if flag(s["bit", k, b])))
        return tuple(out)

    def assignment(self, s: State, st: tuple) -> list:
        """(variable, value) pairs that give the symbolic state `s` the explicit state `st`."""
        ts = self.ts
        out = []
        for p in range(ts.n):
            out += [(s["loc", p, j], v) for j, v in enumerate(self.codes[p][st[p]])]
        for c in range(ts.m):
            q = st[ts.n + c]
            if c in self.fifo:
                out.append((s["len", c], len(q)))
                out += [(s["slot", c, j], q[j] if j < len(q) else self.empty) for j in range(ts.channels[c].capacity)]
            else:
                out += [(s["has", c, m], m in q) for m in self.chan_msgs[c]]
        for k in range(ts.k):
            v = st[ts.mon_off + k]
            out.append((s["err", k], v == -1))
            out += [(s["bit", k, b], v != -1 and bool((v >> b) & 1)) for b in range(self.mon_bits[k])]
        return out
