"""The TransitionSystem: the one compiled form every back-end reads.

A global state is a flat tuple:

    (local_0, ..., local_{n-1},  chan_0, ..., chan_{m-1},  mon_0, ..., mon_{k-1})

where `local_i` indexes process i's table of local states (control state + variable values),
`chan_j` is a tuple of message ids (a bounded FIFO; or, for a channel of kind "set", the sorted
tuple of the distinct messages it holds, read without being consumed - the message set of a
TLA+ spec such as TwoPhase), and `mon_k` is the bitset state of property monitor k (ERR = -1
once the monitor has seen a violation; sticky).

Every step is one compiled Action: a process consumes the head of one of its input channels
(or takes an internal event), moves to its target local state and appends its sends.  A send
to a full channel blocks the whole action, as in Promela.  A message at the head of a channel
that the receiver has no action for is *unhandled* - an error state, like P's unhandled events.

Tables are filled on demand.  The compiler hands the system one explicit `OnDemandTables`
object (`on_demand`) that evaluates an entity for a (local state, input) pair the first time
the explorer meets it, so a search only pays for what is reachable (with several WICs the
over-approximating closure is a product of per-WIC contexts).  `saturate()` completes the
tables for back-ends that need all of them (Z3, Promela) and *seals* the system: the
on-demand object is dropped, and `actions`, `recv_table` and `event_table` are final.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress
from typing import Protocol

from ..authoring.messages import Msg
from . import fast
from .monitor import ERR, Monitor

UNKNOWN = -2  # table entry not evaluated yet
NONE = -1  # evaluated: no transition (for a receipt: the message is unhandled)


@dataclass
class Process:
    name: str  # instance name: "WST", "WIC2"
    template: str  # entity name: "WIC"
    index: int | None
    states: tuple  # declared control states
    var_names: tuple
    locals: list  # local index -> (control state, values tuple); grows as states are found
    initial: int
    end_locals: set
    clause: str = ""
    end_states: frozenset = frozenset()
    # An entity with per-WIC contexts: its local state is
    # ((control_1, ..., control_N), (shared values, (values_1, ..., values_N))).
    contexts: int = 0
    shared_names: tuple = ()

    def views(self, i: int) -> list:
        """[(context or None, control, {variable: value})] - one view per context."""
        control, values = self.locals[i]
        if not self.contexts:
            return [(None, control, dict(zip(self.var_names, values)))]
        shared, per = values
        common = dict(zip(self.shared_names, shared))
        return [
            (k + 1, control[k], {**common, **dict(zip(self.var_names, per[k]))}) for k in range(self.contexts)
        ]

    def local_label(self, i: int) -> str:
        control, values = self.locals[i]
        if not self.contexts:
            return _label(control, self.var_names, values)
        shared, per = values
        parts = [f"{k + 1}:" + _label(control[k], self.var_names, per[k]) for k in range(self.contexts)]
        if self.shared_names:
            parts.append(_label("shared", self.shared_names, shared))
        return " | ".join(parts)

    def control(self, i: int, context: int | None = None) -> str:
        control = self.locals[i][0]
        if not self.contexts:
            return control
        if context:
            return control[context - 1]
        return "|".join(control)

    def in_end_state(self, local: tuple) -> bool:
        control = local[0]
        if self.contexts:
            return all(c in self.end_states for c in control)
        return control in self.end_states


def _label(control, names, values) -> str:
    if not values:
        return control
    inner = ", ".join(f"{k}={v}" for k, v in zip(names, values))
    return f"{control}{{{inner}}}"


@dataclass(frozen=True)
class Channel:
    index: int
    sender: int
    receiver: int
    capacity: int
    name: str  # "WIC->WST"
    kind: str = "fifo"  # "fifo": receipt consumes the head; "set": persistent, read in place


@dataclass(frozen=True)
class Action:
    """One compiled step of one process."""

    id: int
    proc: int
    kind: str  # "recv" or "event"
    trigger: str  # message name or event name
    channel: int | None  # input channel for "recv"
    msg: int | None  # message id consumed for "recv"
    source: int  # local index before
    target: int  # local index after
    sends: tuple  # ((channel, message id), ...)
    transition: str  # the modeller's transition title
    step: str | None  # the seed's step label in this configuration's flow
    tags: frozenset = frozenset()
    where: str = ""
    note: str | None = None
    context: int | None = None  # which per-WIC context acted (entities with contexts)
    per: str | None = None  # the standard a step the seed does not define is modelled per


class OnDemandTables(Protocol):
    """What builds a system's table entries when a search first needs them."""

    def resolve_events(self, ts: "TransitionSystem", p: int, local: int) -> tuple:
        """Action ids of process p's internal events in local state `local` (added to ts)."""

    def resolve_recv(self, ts: "TransitionSystem", p: int, local: int, c: int, mid: int) -> int:
        """The action id of p in `local` receiving message `mid` on channel c, or NONE."""

    def saturate(self, ts: "TransitionSystem") -> None:
        """Evaluate every (local state, possible input) pair."""


class _MonitorMemo(dict):
    """monitor value -> value after one action's operations (Monitor.step), computed once."""

    __slots__ = ("ops",)

    def __init__(self, ops):
        super().__init__()
        self.ops = ops

    def __missing__(self, value):
        after = self[value] = Monitor.step(value, self.ops)
        return after


@dataclass
class TransitionSystem:
    model: str
    config: object  # authoring.Config
    processes: list
    channels: tuple
    messages: list = field(default_factory=list)  # message id -> Msg
    actions: list = field(default_factory=list)
    monitors: tuple = ()
    invariants: tuple = ()  # ((property id, Pred), ...)
    warnings: list = field(default_factory=list)
    # The authoring entity of each process, for the renderers and editors that read what an
    # entity declares (state charts, conform's names); no back-end reads them.
    definitions: tuple = ()
    # Builds table entries the first time a search needs them (compiler._Resolver); dropped
    # when `saturate()` completes the tables and seals the system.
    on_demand: "OnDemandTables | None" = None

    def __post_init__(self):
        self.n = len(self.processes)
        self.m = len(self.channels)
        self.k = len(self.monitors)
        self.mon_off = self.n + self.m
        self.in_channels = tuple(
            tuple(c.index for c in self.channels if c.receiver == p) for p in range(self.n)
        )
        self.set_channels = frozenset(c.index for c in self.channels if c.kind == "set")
        self._receiver = tuple(c.receiver for c in self.channels)
        self._channel_ids = tuple(range(self.m))
        self.recv_table: list = [dict() for _ in range(self.n)]  # (local, chan, msg) -> aid | NONE
        self.event_table: list = [dict() for _ in range(self.n)]  # local -> (aids...)
        self._event_gets = tuple(t.get for t in self.event_table)
        self.process_index = {p.name: i for i, p in enumerate(self.processes)}
        self.channel_index = {(c.sender, c.receiver): c.index for c in self.channels}
        self.message_index = {msg: i for i, msg in enumerate(self.messages)}
        # Flat per-action arrays: the explorer's inner loop (and reduce.py) read these, not the
        # dataclasses.  `_mon`: ((monitor slot, ops), ...).
        self._proc, self._mon = [], []
        # Per action, everything `apply` needs in one tuple: (process, target local, slot of the
        # consumed FIFO or -1, sends, monitor steps).  A monitor step is (slot, memo) where the
        # memo maps a monitor value to the value after this action's operations, filled on
        # first use (monitor values are small bitsets, so it stays small).
        self._spec: list = []
        self.can_err: list = []  # per action: ((slot, monitor index), ...) that may turn ERR
        self.saturated = False
        for a in list(self.actions):
            self._index_action(a)
        # The C expansion over these same (live) tables, when it could be built (fast.py).
        ext = fast.module()
        ctx = ext.Context(
            self.n, self.m, self.event_table, self.recv_table, self._receiver,
            bytes(c in self.set_channels for c in range(self.m)), self._spec,
        ) if ext is not None else None
        self._fast_expand = ctx.expand if ctx is not None else None
        self._fast_step = ctx.step if ctx is not None else None  # the explorer's (bfs.py)

    # ---- building (called by the on-demand tables) ------------------------------------------
    def intern_message(self, msg: Msg) -> int:
        mid = self.message_index.get(msg)
        if mid is None:
            mid = len(self.messages)
            self.messages.append(msg)
            self.message_index[msg] = mid
        return mid

    def add_action(self, action: Action, binder=None) -> int:
        """Append a compiled action; `binder.ops_for(ts, aid)` gives its monitor operations."""
        assert action.id == len(self.actions)
        self.actions.append(action)
        if binder is not None:
            for mk, ops in binder.ops_for(self, action.id):
                self.monitors[mk].ops[action.id] = ops
        self._index_action(action)
        return action.id

    def unreached_states(self) -> list[str]:
        """Declared control states no compiled local state uses (after a search or saturate)."""
        out = []
        for proc in self.processes:
            reached = {control for i in range(len(proc.locals)) for _, control, _ in proc.views(i)}
            out += [f"{proc.name}.{st}" for st in proc.states if st not in reached]
        return out

    def _index_action(self, a: Action) -> None:
        n = self.n
        self._proc.append(a.proc)
        fifo_in = a.channel is not None and a.channel not in self.set_channels
        consume = n + a.channel if fifo_in else -1
        sends = tuple(
            (n + c, mid, -1 if c in self.set_channels else self.channels[c].capacity) for c, mid in a.sends
        )
        mon, err = (), ()
        for mk, monitor in enumerate(self.monitors):
            ops = monitor.ops.get(a.id)
            if ops:
                mon += ((self.mon_off + mk, ops),)
                if any(op in ("check", "consume", "fail") for op, _ in ops):
                    err += ((self.mon_off + mk, mk),)
        self._mon.append(mon)
        self.can_err.append(err)
        steps = tuple((slot, _MonitorMemo(ops)) for slot, ops in mon)
        self._spec.append((a.proc, a.target, consume, sends, steps))

    def saturate(self) -> "TransitionSystem":
        """Evaluate every (local state, possible input) pair: complete, final tables."""
        if not self.saturated and self.on_demand is not None:
            self.on_demand.saturate(self)
        self.saturated = True
        self.on_demand = None  # sealed: every entry is in the tables
        return self

    @property
    def sealed(self) -> bool:
        return self.saturated

    # ---- the three-method core (Stateright's vocabulary) -----------------------------------
    def initial_state(self) -> tuple:
        return (
            tuple(p.initial for p in self.processes)
            + tuple(() for _ in self.channels)
            + tuple(0 for _ in self.monitors)
        )

    def events_of(self, p: int, local: int) -> tuple:
        events = self.event_table[p].get(local)
        if events is None:
            events = self.on_demand.resolve_events(self, p, local) if self.on_demand else ()
            self.event_table[p][local] = events
        return events

    def recv_action(self, p: int, local: int, c: int, mid: int) -> int:
        """Action id for process p in `local` receiving message `mid` on channel c, or NONE."""
        key = (local, c, mid)
        aid = self.recv_table[p].get(key, UNKNOWN)
        if aid == UNKNOWN:
            aid = self.on_demand.resolve_recv(self, p, local, c, mid) if self.on_demand else NONE
            self.recv_table[p][key] = aid
        return aid

    def expand(self, s: tuple):
        """All enabled successors of `s` as [(action id, next state)], and the unhandled
        messages [(process, channel, message id)] at the head of a channel.

        The C expansion (fast.py) answers whenever every table entry the state needs exists;
        otherwise `expand_py` does, building the missing entries."""
        if self._fast_expand is not None:
            out = self._fast_expand(s)
            if out is not None:
                return out
        return self.expand_py(s)

    def expand_py(self, s: tuple):
        """`expand` in Python: the reference the C version is tested against.

        Events are looked up per process; receipts only for the channels that hold something
        (with a dozen processes and sixty channels most are empty, and skipping them - with
        `compress`, in C - is most of the explorer's speed)."""
        succ = []
        unhandled = []
        n = self.n
        apply = self.apply
        p = -1
        for local, get in zip(s, self._event_gets):
            p += 1
            events = get(local)
            if events is None:
                events = self.events_of(p, local)
            for aid in events:
                nxt = apply(s, aid)
                if nxt is not None:
                    succ.append((aid, nxt))
        chans = s[n:n + self.m]
        receiver = self._receiver
        set_channels = self.set_channels
        recv_table = self.recv_table
        for c in compress(self._channel_ids, chans):
            q = chans[c]
            p = receiver[c]
            local = s[p]
            table = recv_table[p]
            if c in set_channels:
                # A persistent set: any message in it may be read; none has to be.
                for mid in q:
                    aid = table.get((local, c, mid), UNKNOWN)
                    if aid == UNKNOWN:
                        aid = self.recv_action(p, local, c, mid)
                    if aid >= 0:
                        nxt = apply(s, aid)
                        if nxt is not None and nxt != s:
                            succ.append((aid, nxt))
                continue
            aid = table.get((local, c, q[0]), UNKNOWN)
            if aid == UNKNOWN:
                aid = self.recv_action(p, local, c, q[0])
            if aid < 0:
                unhandled.append((p, c, q[0]))
            else:
                nxt = apply(s, aid)
                if nxt is not None:
                    succ.append((aid, nxt))
        return succ, unhandled

    def apply(self, s: tuple, aid: int):
        """The state after action `aid`, or None when a send would overflow a channel."""
        proc, target, c, sends, steps = self._spec[aid]
        nxt = list(s)
        nxt[proc] = target
        if c >= 0:
            nxt[c] = nxt[c][1:]
        for slot, mid, cap in sends:
            q = nxt[slot]
            if cap < 0:  # set channel: idempotent insert, kept sorted
                if mid not in q:
                    nxt[slot] = tuple(sorted(q + (mid,)))
                continue
            if len(q) >= cap:
                return None
            nxt[slot] = q + (mid,)
        for slot, memo in steps:
            nxt[slot] = memo[nxt[slot]]
        return tuple(nxt)

    def enabled(self, s: tuple, aid: int) -> bool:
        """Is action `aid` enabled in `s` (right local state, message at the head, room to send)?"""
        a = self.actions[aid]
        if s[a.proc] != a.source:
            return False
        if a.kind == "recv":
            q = s[self.n + a.channel]
            if a.channel in self.set_channels:
                if a.msg not in q:
                    return False
            elif not q or q[0] != a.msg:
                return False
        return self.apply(s, aid) is not None

    # ---- reading a state ------------------------------------------------------------------
    def is_end(self, s: tuple) -> bool:
        """A valid resting state: every FIFO empty and every process in a declared end state."""
        n = self.n
        for c in range(self.m):
            if s[n + c] and c not in self.set_channels:
                return False
        return all(s[p] in self.processes[p].end_locals for p in range(n))

    def monitor_state(self, s: tuple, k: int) -> int:
        return s[self.mon_off + k]

    def describe(self, s: tuple) -> dict:
        """A readable form of a global state (for traces and the report)."""
        out = {p.name: p.local_label(s[i]) for i, p in enumerate(self.processes)}
        chans = {}
        for c in self.channels:
            q = s[self.n + c.index]
            if q:
                chans[c.name] = [self.messages[mid].label() for mid in q]
        out["channels"] = chans
        if self.monitors:
            out["monitors"] = {
                mon.property: ("violated" if s[self.mon_off + i] == ERR else s[self.mon_off + i])
                for i, mon in enumerate(self.monitors)
                if s[self.mon_off + i] != 0
            }
        return out

    def action_text(self, aid: int) -> str:
        """'WST: REGISTER from WIC -> registering; sends REGISTER to P-CSCF'."""
        a = self.actions[aid]
        proc = self.processes[a.proc]
        if a.kind == "recv":
            ch = self.channels[a.channel]
            what = f"{self.messages[a.msg].label()} from {self.processes[ch.sender].name}"
        else:
            what = f"event {a.trigger}"
        who = f"{proc.name}[{a.context}]" if a.context else proc.name
        text = f"{who}: {what} -> {proc.control(a.target, a.context)}"
        if a.sends:
            text += "; sends " + ", ".join(
                f"{self.messages[m].label()} to {self.processes[self.channels[c].receiver].name}"
                for c, m in a.sends
            )
        return text

    def sender_of(self, aid: int) -> str | None:
        a = self.actions[aid]
        if a.channel is None:
            return None
        return self.processes[self.channels[a.channel].sender].name

    def received(self, aid: int) -> Msg | None:
        a = self.actions[aid]
        return self.messages[a.msg] if a.msg is not None else None

    def sent(self, aid: int) -> list[tuple[str, Msg]]:
        a = self.actions[aid]
        return [(self.processes[self.channels[c].receiver].name, self.messages[m]) for c, m in a.sends]

    def processes_named(self, name: str) -> list[int]:
        """Process indices of an instance name ("WIC2") or of every instance of a template."""
        return [i for i, p in enumerate(self.processes) if p.name == name or p.template == name]

    def summary(self) -> dict:
        return {
            "processes": self.n,
            "channels": self.m,
            "messages": len(self.messages),
            "actions": len(self.actions),
            "local_states": sum(len(p.locals) for p in self.processes),
            "monitors": self.k,
            "saturated": self.saturated,
        }
