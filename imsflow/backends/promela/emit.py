"""TransitionSystem -> Promela, for an independent verdict from SPIN.

The export is a transcription of the compiled tables, not of the model source, so SPIN checks
exactly the system the explicit explorer checks:

* one `active proctype` per fairness class of a process (one internal event, or the receipts
  on one input channel), so that SPIN's weak fairness, which is per Promela process, is
  imsflow's per-class weak fairness; a process's local-state index is a global `L_<proc>`
  that all of its proctypes read and write (globals also let invariants and claims read every
  process without remote references);
* one Promela channel per FIFO channel, same capacity, carrying message ids; a channel of kind
  "set" (persistent, read in place) is an `int` bitmask `S_<chan>` over the messages it can hold;
* every compiled action is ONE `d_step` option of its process's `do` loop: its guard is the
  local state, the message at the head (or in the set), room in every channel it sends to (a
  send to a full channel blocks the whole action, as in `TransitionSystem.apply`); its body
  consumes, moves, sends and updates the monitors.  Every process sits at its loop head
  between steps, so a SPIN state is exactly an imsflow state (plus `unh`, a function of it) and
  the interleavings are the same;
* an unhandled message (at a channel head, no action for it in the receiver's local state) is
  an error state that imsflow does not expand: each step sets `unh` when it creates one, and
  every guard requires `!unh`;
* properties become checks SPIN reports by name.  A failing `assert(cond || MARK_x)` prints
  `assertion violated ... MARK_x`, and the hidden, always-zero `MARK_x` says which property
  (or which trigger/goal) it was: monitors (absence, precedence, only-from) assert that they
  did not move to ERR; invariants assert after every step that can change one of their atoms;
  `every-message-handled` asserts `!unh`; `deadlock-free` is a `timeout` option asserting
  that the stuck state is a valid end state; a reachability goal or a monitor trigger is an
  assertion that fails when the goal/trigger action runs (SPIN "violates" it = it is
  reachable); a response property is one `ltl` formula per request - per monitor bit, i.e.
  per key - `[]<>((M_k & bit) == 0 || unh)`, each checked with weak fairness
  (`pan -a -f -N name`); the property is violated when one of them is.

Known limits (pinned by tests/promela): an invariant already false in the initial state is
not asserted (SPIN never evaluates a state no step leads to; run.py reports it from the
initial state directly); flow-reachable's "in the seed's step order" is not exported - SPIN
answers plain reachability of the goal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import UsageError
from ...patterns.obligations import AllHandled, MonitorOk, Never, NoDeadlock, Reach, Respond
from ...system.monitor import ARM, CHECK, CONSUME, DISARM, FAIL
from ...system.predicates import And, AtLeast, ChannelHolds, LocalIn, Not, Or

ACTION_TAG = "IMSFLOW_ACTION"


@dataclass
class PromelaModel:
    text: str
    markers: dict = field(default_factory=dict)  # marker -> (property id, role)
    claims: dict = field(default_factory=dict)  # ltl name -> property id
    checked: dict = field(default_factory=dict)  # property id -> its obligation, for what was exported
    initially_violated: list = field(default_factory=list)  # invariants false in the initial state
    notes: list = field(default_factory=list)
    processes: int = 0  # Promela processes (one per fairness class), for pan's -DNFAIR


def ident(name: str) -> str:
    """A Promela identifier for an entity/channel/property name ('P-CSCF' -> 'P_CSCF')."""
    out = re.sub(r"\W", "_", name)
    return out if not out[:1].isdigit() else "_" + out


class _Names:
    def __init__(self, ts):
        self.ts = ts
        self.local = [f"L_{ident(p.name)}" for p in ts.processes]
        self.chan = [(f"S_{ident(c.name)}" if c.kind == "set" else f"C_{ident(c.name)}") for c in ts.channels]
        self.mon = [f"M_{k}" for k in range(ts.k)]
        # Bit of each message inside each set channel's mask.
        self.set_bit: dict = {}
        for c in ts.channels:
            if c.kind != "set":
                continue
            carried = sorted({mid for a in ts.actions for ch, mid in a.sends if ch == c.index})
            if len(carried) > 30:
                raise UsageError(f"set channel {c.name} carries {len(carried)} messages; the Promela export "
                                 "represents a set channel as a 31-bit mask")
            for bit, mid in enumerate(carried):
                self.set_bit[(c.index, mid)] = bit


def emit(ts, obligations=(), *, title: str = "", reachable: bool = False) -> PromelaModel:
    """The Promela model of `ts` with a check for each of `obligations` (patterns/obligations.py).

    By default the tables are saturated first: every (local state, input) pair the compiler can
    see, so SPIN judges the compiled system independently of the explorer.  `reachable=True`
    exports the tables as a complete explicit search left them (the caller ran one): the pairs
    that search met, which is all SPIN can reach too; much smaller with several WICs, whose
    saturated tables are a product of per-WIC contexts.  A pair the search never met is
    treated as unhandled, which no reachable state can observe."""
    if not reachable:
        ts.saturate()
    for k, mon in enumerate(ts.monitors):
        width = len(mon.keys)
        if width > 30:
            raise UsageError(f"monitor of {mon.property!r} has {width} bits; the Promela export keeps a "
                             "monitor in a 31-bit int")
    names = _Names(ts)
    pm = PromelaModel(text="")
    obs = list(obligations)
    for ob in obs:
        pm.checked[ob.property] = ob

    def marker(pid: str, role: str) -> str:
        name = f"MARK_{ident(pid)}" + ("" if role == "violation" else f"_{role}")
        pm.markers[name] = (pid, role)
        return name

    # Per action: extra statements (asserts) appended after its update.
    after: list[list[str]] = [[] for _ in ts.actions]
    handled_mark = deadlock_mark = None
    responses = []
    for ob in obs:
        match ob:
            case MonitorOk(monitor=k):
                mark = marker(ob.property, "violation")
                for aid, ops in ts.monitors[k].ops.items():
                    if any(op in (CHECK, CONSUME, FAIL) for op, _ in ops):
                        after[aid].append(f"assert({names.mon[k]} != ERR || {mark})")
                if ob.needs_trigger:
                    _assert_triggers(ts, ob, marker(ob.property, "trigger"), after)
            case Respond(monitor=k):
                _assert_triggers(ts, ob, marker(ob.property, "trigger"), after)
                responses.append(ob)
            case Reach(goal=goal) if goal is not None:
                mark = marker(ob.property, "goal")
                for aid in range(len(ts.actions)):
                    if aid in goal:
                        after[aid].append(f"assert({mark})")
            case Reach(goal_state=pred):
                _assert_pred(ts, names, pred, marker(ob.property, "goal"), after, pm, negate=False)
            case Never(predicate=pred):
                _assert_pred(ts, names, pred, marker(ob.property, "violation"), after, pm, negate=False)
            case AllHandled() if handled_mark is None:
                handled_mark = marker(ob.property, "violation")
            case NoDeadlock() if deadlock_mark is None:
                deadlock_mark = marker(ob.property, "violation")

    out = []
    w = out.append
    w(f"/* imsflow export: {title or ts.model}")
    w(f"   {ts.config.describe() if hasattr(ts.config, 'describe') else ''}")
    w(f"   {len(ts.processes)} processes, {len(ts.channels)} channels, {len(ts.actions)} actions, "
      f"{len(ts.monitors)} monitors.  Every action is one d_step; see imsflow/backends/promela/emit.py. */")
    w("#define ERR (-1)")
    w("")
    for p, proc in enumerate(ts.processes):
        w(f"{_int_type(len(proc.locals))} {names.local[p]} = {proc.initial};  /* {proc.name}: "
          f"{len(proc.locals)} local states */")
    mtype = "byte" if len(ts.messages) <= 255 else "short"
    for c in ts.channels:
        if c.kind == "set":
            w(f"int {names.chan[c.index]} = 0;  /* set {c.name} */")
        else:
            if c.capacity < 1:
                raise UsageError(f"channel {c.name} has capacity {c.capacity}; the export needs at least 1")
            w(f"chan {names.chan[c.index]} = [{c.capacity}] of {{ {mtype} }};  /* {c.name} */")
    for k, mon in enumerate(ts.monitors):
        w(f"int {names.mon[k]} = 0;  /* monitor of {mon.property} */")
    w("bit unh = 0;  /* an unhandled message is at a channel head: an error state, not expanded */")
    for mark in pm.markers:
        w(f"hidden byte {mark};  /* always 0: names {pm.markers[mark][0]} in SPIN's report */")
    w("")
    w("/* message ids: " + ", ".join(f"{i}={m.label()}" for i, m in enumerate(ts.messages)) + " */")
    w("")

    unh_exprs = _UnhandledChecks(ts, names)
    # One proctype per fairness class, not per process: SPIN's weak fairness (`pan -f`) is
    # per Promela process, imsflow's per class (one event of one process, or the receipts on
    # one input channel: liveness.py).  With a proctype per class the two are the same notion.
    # Every proctype sits at its loop head between steps, so the states are still imsflow's.
    classes: dict = {}
    for a in ts.actions:
        classes.setdefault(fairness_class(a), []).append(a)
    if deadlock_mark and not any(cls[0] == 0 for cls in classes):
        classes[(0, "on_timeout")] = []  # a proctype for the deadlock check alone
    pm.processes = len(classes)
    first_of_p0 = min((cls for cls in classes if cls[0] == 0), default=None, key=repr)
    used: set = set()
    for cls in sorted(classes, key=repr):
        pname = _proctype_name(ts, cls)
        while pname in used:  # two classes whose names read the same once made identifiers
            pname += "_"
        used.add(pname)
        w(f"active proctype {pname}() {{  /* fairness class {_class_text(ts, cls)} */")
        w("end:")
        w("  do")
        for a in classes[cls]:
            guard, body = _step(ts, names, a)
            body += after[a.id]
            u = unh_exprs.after(a)
            if u != "false":
                body.append(f"unh = ({u})")
                if handled_mark:
                    body.append(f"assert(!unh || {handled_mark})")
            body.append(f'printf("{ACTION_TAG} {a.id}\\n")')
            w(f"  :: d_step {{ {guard} -> {'; '.join(body)} }}  /* {_comment(ts.action_text(a.id))} */")
        if cls == first_of_p0 and deadlock_mark:
            w(f"  :: atomic {{ timeout && !(unh || {_end_expr(ts, names)}) -> assert({deadlock_mark}) }}")
        w("  od")
        w("}")
        w("")
    for ob in responses:
        k = ob.monitor
        # One claim per request (per monitor bit: per key), not "eventually nothing pending"
        # over the whole bitset, which fails when requests of different keys overlap for ever.
        bits = sorted({bit for ops in ts.monitors[k].ops.values() for _, bit in ops})
        for bit in bits:
            name = f"R_{ident(ob.property)}" + (f"_{bit}" if len(bits) > 1 else "")
            pm.claims[name] = ob.property
            key = ts.monitors[k].keys[bit] if bit < len(ts.monitors[k].keys) else str(bit)
            w(f"ltl {name} {{ [] <> (({names.mon[k]} & {1 << bit}) == 0 || unh) }}  "
              f"/* {_comment(ob.property)}; key {_comment(key)} */")
    for pid, pred in ts.invariants:
        if pid in pm.checked and pred.compile(ts)(ts.initial_state()):
            pm.initially_violated.append(pid)
    pm.text = "\n".join(out) + "\n"
    return pm


def _assert_triggers(ts, ob, mark: str, after) -> None:
    """SPIN 'violates' the marker when a trigger action runs: the trigger is reachable."""
    for aid in sorted(ts.monitors[ob.monitor].triggers):
        after[aid].append(f"assert({mark})")


def fairness_class(a) -> tuple:
    """The weak-fairness class of an action, as the explicit engine has it (liveness._unit)."""
    return (a.proc, a.trigger) if a.channel is None else (a.proc, "recv", a.channel)


def _proctype_name(ts, cls) -> str:
    proc = ident(ts.processes[cls[0]].name)
    if cls[1] == "recv":
        return f"P_{proc}_from_{ident(ts.processes[ts.channels[cls[2]].sender].name)}"
    return f"P_{proc}_{ident(cls[1])}"


def _class_text(ts, cls) -> str:
    proc = ts.processes[cls[0]].name
    if cls[1] == "recv":
        return f"{proc} receives on {_comment(ts.channels[cls[2]].name)}"
    return f"{proc} event {_comment(cls[1])}"


def _int_type(n: int) -> str:
    return "byte" if n <= 255 else ("short" if n <= 32767 else "int")


def _comment(text: str) -> str:
    return text.replace("*/", "* /")[:160]


def _step(ts, names, a):
    """(guard, body statements) of action `a`."""
    guard = ["!unh", f"{names.local[a.proc]} == {a.source}"]
    body = []
    set_change = []  # terms that are true when a set-channel read actually changes the state
    if a.kind == "recv":
        c = ts.channels[a.channel]
        if c.kind == "set":
            guard.append(f"({names.chan[c.index]} & {1 << names.set_bit[(c.index, a.msg)]}) != 0")
        else:
            guard.append(f"{names.chan[c.index]}?[{a.msg}]")
            body.append(f"{names.chan[c.index]}?{a.msg}")
    if a.target != a.source:
        body.append(f"{names.local[a.proc]} = {a.target}")
    per_chan: dict = {}
    for c, mid in a.sends:
        per_chan.setdefault(c, []).append(mid)
    for c, mids in per_chan.items():
        ch = ts.channels[c]
        if ch.kind == "set":
            mask = 0
            for mid in mids:
                mask |= 1 << names.set_bit[(c, mid)]
            body.append(f"{names.chan[c]} = {names.chan[c]} | {mask}")
            set_change.append(f"({names.chan[c]} & {mask}) != {mask}")
        else:
            guard.append(f"len({names.chan[c]}) <= {ch.capacity - len(mids)}")
            body += [f"{names.chan[c]}!{mid}" for mid in mids]
    for k, mon in enumerate(ts.monitors):
        ops = mon.ops.get(a.id)
        if not ops:
            continue
        var = names.mon[k]
        for op, bit in ops:
            body.append(f"{var} = {_mon_expr(var, op, bit)}")
        nxt = var
        for op, bit in ops:
            nxt = _mon_expr(nxt, op, bit)
        set_change.append(f"{var} != {nxt}")
    if a.kind == "recv" and ts.channels[a.channel].kind == "set" and a.target == a.source \
            and not any(ts.channels[c].kind == "fifo" for c, _ in a.sends):
        # imsflow drops a set read that leaves the state as it was (TransitionSystem.expand);
        # so must SPIN, or a state with only such reads would not be terminal.
        guard.append("(" + (" || ".join(set_change) or "false") + ")")
    return " && ".join(guard), body


def _mon_expr(var: str, op: str, bit: int) -> str:
    mask = 1 << bit
    if op == ARM:
        return f"({var} | {mask})"  # ERR | mask == ERR: sticky for free
    if op == CHECK:
        return f"(({var} & {mask}) != 0 -> {var} : ERR)"
    if op == CONSUME:
        return f"({var} == ERR -> ERR : (({var} & {mask}) != 0 -> ({var} & ~{mask}) : ERR))"
    if op == DISARM:
        return f"({var} == ERR -> ERR : ({var} & ~{mask}))"
    return "ERR"


class _UnhandledChecks:
    """The condition, after action `a`, that some message now sits unhandled at a channel head.

    Before the step no head was unhandled (every guard has !unh); a step changes only its own
    process's local state and input heads, and the heads of channels it sends into.  So it is
    enough to test the acting process's FIFO inputs against its target local state (a head is
    one of the messages the channel can carry, so the test names the unhandled ones), and each
    FIFO it sends into, when the send made a new head, against the receiver's local state."""

    def __init__(self, ts, names):
        self.ts, self.names = ts, names
        carried: dict = {}
        for a in ts.actions:
            for c, mid in a.sends:
                carried.setdefault(c, set()).add(mid)
        self.carried = {c: sorted(v) for c, v in carried.items()}
        # (channel, message) -> local states of the receiver that handle it
        self.handlers: dict = {}
        for p in range(ts.n):
            for (li, c, mid), aid in ts.recv_table[p].items():
                if aid >= 0:
                    self.handlers.setdefault((c, mid), set()).add(li)

    def after(self, a) -> str:
        ts, names = self.ts, self.names
        terms = []
        for c in ts.in_channels[a.proc]:
            if c in ts.set_channels or c not in self.carried:
                continue
            if a.target == a.source and a.channel != c:
                continue  # same local state, same head: it was handled before the step
            carried = self.carried[c]
            ok = [mid for mid in carried if a.target in self.handlers.get((c, mid), ())]
            if len(ok) == len(carried):
                continue  # everything that can arrive here is handled in the target state
            bad = [mid for mid in carried if mid not in ok]
            terms.append("(" + " || ".join(f"{names.chan[c]}?[{mid}]" for mid in bad) + ")")
        sent: dict = {}
        for c, mid in a.sends:
            sent.setdefault(c, []).append(mid)
        for c, mids in sorted(sent.items()):
            if c in ts.set_channels:
                continue
            # Only a message sent into an empty channel becomes a new head; its receiver did
            # not move, so the question is whether its current local state handles that message.
            q = ts.channels[c].receiver
            locs = self.handlers.get((c, mids[0]), set())
            if len(locs) == len(ts.processes[q].locals):
                continue
            terms.append(f"(len({names.chan[c]}) == {len(mids)} && !{_in_expr(names.local[q], locs)})")
        return " || ".join(terms) or "false"


def _in_expr(var: str, values) -> str:
    """var is one of `values`, as ranges where they are consecutive (keeps the C small)."""
    values = sorted(values)
    if not values:
        return "false"
    parts, start, prev = [], values[0], values[0]
    for v in values[1:] + [None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        parts.append(f"{var} == {start}" if start == prev else f"({var} >= {start} && {var} <= {prev})")
        if v is not None:
            start = prev = v
    return "(" + " || ".join(parts) + ")"


def _end_expr(ts, names) -> str:
    terms = [f"len({names.chan[c.index]}) == 0" for c in ts.channels if c.kind == "fifo"]
    for p, proc in enumerate(ts.processes):
        if len(proc.end_locals) < len(proc.locals):
            terms.append(_in_expr(names.local[p], proc.end_locals))
    return "(" + (" && ".join(terms) or "true") + ")"


# ---- predicates ------------------------------------------------------------------------------

def pred_expr(ts, names, pred: Pred) -> str:
    if isinstance(pred, LocalIn):
        return _in_expr(names.local[pred.proc], pred.indices(ts))
    if isinstance(pred, ChannelHolds):
        c = ts.channels[pred.channel]
        mids = [i for i, m in enumerate(ts.messages) if m.name == pred.message]
        if c.kind == "set":
            mask = sum(1 << names.set_bit[(c.index, m)] for m in mids if (c.index, m) in names.set_bit)
            return f"(({names.chan[c.index]} & {mask}) != 0)"
        return "(" + (" || ".join(f"{names.chan[c.index]}??[{m}]" for m in mids) or "false") + ")"
    if isinstance(pred, And):
        return "(" + (" && ".join(pred_expr(ts, names, p) for p in pred.parts) or "true") + ")"
    if isinstance(pred, Or):
        return "(" + (" || ".join(pred_expr(ts, names, p) for p in pred.parts) or "false") + ")"
    if isinstance(pred, Not):
        return f"!{pred_expr(ts, names, pred.part)}"
    if isinstance(pred, AtLeast):
        terms = " + ".join(f"({pred_expr(ts, names, p)} -> 1 : 0)" for p in pred.parts) or "0"
        return f"(({terms}) >= {pred.count})"
    raise UsageError(f"the Promela export cannot translate predicate {pred!r}")


def pred_touches(ts, pred: Pred, a) -> bool:
    """Can action `a` change the truth of `pred`?  (Only actions that change an atom can.)"""
    if isinstance(pred, LocalIn):
        if a.proc != pred.proc:
            return False
        idx = pred.indices(ts)
        return (a.source in idx) != (a.target in idx)
    if isinstance(pred, ChannelHolds):
        if a.channel == pred.channel and ts.messages[a.msg].name == pred.message \
                and ts.channels[a.channel].kind == "fifo":
            return True
        return any(c == pred.channel and ts.messages[m].name == pred.message for c, m in a.sends)
    if isinstance(pred, (And, Or)):
        return any(pred_touches(ts, p, a) for p in pred.parts)
    if isinstance(pred, Not):
        return pred_touches(ts, pred.part, a)
    if isinstance(pred, AtLeast):
        return any(pred_touches(ts, p, a) for p in pred.parts)
    return True


def _assert_pred(ts, names, pred, mark, after, pm, *, negate: bool) -> None:
    expr = pred_expr(ts, names, pred)
    for a in ts.actions:
        if pred_touches(ts, pred, a):
            after[a.id].append(f"assert(!{expr} || {mark})")
