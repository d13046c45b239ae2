"""The TransitionSystem as Z3 terms: state variables, the initial state, the step relation.

Everything is generated from the compiled tables (processes, channels, actions, monitors,
invariant predicates); nothing here knows a model.  One symbolic state holds

    loc[p]         process p's local index (control state + variables, as compiled)
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


@dataclass
class Encoding:
    ts: object
    ordered: bool = False  # add `last` and the seed's step order (flow-reachable witnesses)
    chan_msgs: dict = field(default_factory=dict)  # channel -> sorted message ids ever sent on it
    mon_bits: list = field(default_factory=list)  # monitor -> number of bits its ops use
    recv_locals: dict = field(default_factory=dict)  # (channel, msg) -> local indices handling it
    touching: dict = field(default_factory=dict)  # variable key -> action ids that may change it
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
        self.restart = frozenset(ts.extra.get("restart_after", ()))
        top = max([len(p.locals) for p in ts.processes] + [c.capacity + 1 for c in ts.channels]
                  + [len(ts.messages) + 1] + [k + 2 for k in self.step_keys if k is not None])
        self.width = max(1, top.bit_length())
        self.empty = (1 << self.width) - 1  # above every message id
        self.act_width = max(1, (len(ts.actions) + 1).bit_length())
        self._build_keys()

    # ---- variables ----------------------------------------------------------------------------
    def _build_keys(self) -> None:
        ts = self.ts
        keys = [("loc", p) for p in range(ts.n)]
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
        for a in ts.actions:
            touched = {("loc", a.proc)}
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
                touching[key].append(a.id)
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
        """A fresh variable naming the action a step takes."""
        return z3.BitVec(name, self.act_width)

    # ---- initial state and well-formedness ------------------------------------------------------
    def init(self, s: State):
        ts = self.ts
        parts = []
        for key, v in s.vars.items():
            kind = key[0]
            if kind == "loc":
                parts.append(v == ts.processes[key[1]].initial)
            elif kind == "len":
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
        for p, proc in enumerate(ts.processes):
            parts.append(z3.ULT(s["loc", p], len(proc.locals)))
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

    # ---- one action ------------------------------------------------------------------------------
    def action(self, s: State, aid: int):
        """(enabled, updates): when action `aid` can fire in `s`, and the new values of the
        variables it changes - TransitionSystem.enabled and apply, symbolically."""
        hit = s.memo.get(("action", aid))
        if hit is None:
            hit = s.memo[("action", aid)] = self._action(s, aid)
        return hit

    def _action(self, s: State, aid: int):
        ts = self.ts
        a = ts.actions[aid]
        guard = [s["loc", a.proc] == a.source]
        upd = {("loc", a.proc): self.num(a.target)}
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
        """t is a successor of s by action `act` (an Int term naming the action id)."""
        ts = self.ts
        parts = [z3.Not(self.unhandled(s)), z3.ULT(act, len(ts.actions))]
        updates = []
        for aid in range(len(ts.actions)):
            guard, upd = self.action(s, aid)
            parts.append(z3.Implies(act == aid, guard))
            updates.append(upd)
        for key in self.keys:
            value = s[key]
            for aid in self.touching[key]:
                if key in updates[aid]:
                    value = z3.If(act == aid, updates[aid][key], value)
            parts.append(t[key] == value)
        return z3.And(parts)

    def successor(self, s: State, aid: int) -> tuple:
        """(enabled, next-state dict) for one concrete action: for replaying a fixed trace."""
        guard, upd = self.action(s, aid)
        nxt = dict(s.vars)
        nxt.update(upd)
        return z3.And(z3.Not(self.unhandled(s)), guard), State(nxt, s.tag + "'")

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
                ok = z3.Or([s["loc", p] == li for li in sorted(handlers)]) if handlers else z3.BoolVal(False)
                parts.append(z3.And(s["len", c] != 0, s["slot", c, 0] == m, z3.Not(ok)))
        return z3.Or(parts) if parts else z3.BoolVal(False)

    def some_enabled(self, s: State, aids=None):
        aids = range(len(self.ts.actions)) if aids is None else aids
        return z3.Or([self.action(s, aid)[0] for aid in aids] or [z3.BoolVal(False)])

    def is_end(self, s: State):
        ts = self.ts
        parts = [s["len", c] == 0 for c in self.fifo]
        for p, proc in enumerate(ts.processes):
            parts.append(z3.Or([s["loc", p] == li for li in sorted(proc.end_locals)] or [z3.BoolVal(False)]))
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
            return z3.Or([s["loc", pred.proc] == li for li in sorted(pred.indices(ts))] or [z3.BoolVal(False)])
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

    # ---- reading a model back ------------------------------------------------------------------------
    def concrete(self, model, s: State) -> tuple:
        """The explicit state tuple (TransitionSystem's layout) that model gives `s`."""
        ts = self.ts

        def num(term):
            return model.eval(term, model_completion=True).as_long()

        def flag(term):
            return z3.is_true(model.eval(term, model_completion=True))

        out = [num(s["loc", p]) for p in range(ts.n)]
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
