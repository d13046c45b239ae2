"""Entities + channels -> one TransitionSystem.

The compiler drives each entity's `transitions` machine once for every (local state, input)
pair that can ever arise, and tabulates the outcome.  "Can ever arise" is a fixpoint: an
entity's inputs are its own events plus every message some other entity's table can send it,
and its local states are those its inputs lead to.  The result over-approximates what the
composition reaches (the explorer decides the rest) and is exact as a table: the explorer,
the Z3 encoding and the Promela export all read these tables and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from transitions import MachineError

from ..authoring.entity import Entity, Event, Recv
from ..authoring.model import Config, Model
from ..errors import ImsflowError, ModelError
from ..system.ts import NONE, Action, Channel, Process, TransitionSystem

MAX_LOCAL_STATES = 200_000


@dataclass
class _Outcome:
    t_index: int
    target: tuple  # (control, values)
    sends: list  # [(receiver instance, Msg)]
    tags: tuple
    context: int | None = None
    step: str | None = None


def compile_model(model: Model, config: Config, properties=(), *, bind=None, eager: bool = True) -> TransitionSystem:
    """Compile one configuration of `model` into a TransitionSystem.

    `bind(ts, properties)` (patterns.bind) turns the properties into monitors and invariant
    predicates composed into the system.  With `eager` the tables are completed now (what the
    Z3 and Promela back-ends need); otherwise they fill in as the explorer reaches states."""
    composition = model.compose(config)
    entities = composition.entities
    directory: dict[str, list[str]] = {}
    for e in entities:
        directory.setdefault(e.name, []).append(e.instance)
    names = [e.instance for e in entities]
    if len(set(names)) != len(names):
        raise ModelError("two entity instances share a name", known=names)
    for e in entities:
        e._directory = directory
    _check_triggers(model, entities, directory)
    resolver = _Resolver(model, config, entities)
    processes = resolver.processes()
    channels = _channels(composition, entities)

    def build(monitors=(), invariants=()):
        return TransitionSystem(
            model=model.name, config=config, processes=processes, channels=tuple(channels),
            monitors=tuple(monitors), invariants=tuple(invariants), on_demand=resolver,
            definitions=tuple(entities),
        )

    ts = build()
    if bind is not None and properties:
        binder, invariants = bind(ts, properties)
        resolver.binder = binder
        ts = build(binder.monitors, invariants)
    ts.warnings = resolver.warnings  # shared list: grows as entities are evaluated
    if eager:
        ts.saturate()
    return ts


def _channels(composition, entities: list[Entity]) -> list[Channel]:
    """One channel per ordered pair (x, y) where y has a transition receiving from x's entity
    (restricted to `composition.links` when the model declares them), in process order."""
    links = composition.links
    out = []
    for y, ey in enumerate(entities):
        senders = {t.on.sender for t in ey.transitions if isinstance(t.on, Recv)}
        for x, ex in enumerate(entities):
            if x == y or ex.name not in senders:
                continue
            if links is not None and (ex.instance, ey.instance) not in links:
                continue
            out.append((x, y))
    out.sort()
    channels = []
    for i, (x, y) in enumerate(out):
        pair = (entities[x].instance, entities[y].instance)
        cap = composition.capacities.get(pair, composition.capacity)
        kind = composition.channel_kinds.get(pair, "fifo")
        channels.append(Channel(i, x, y, cap, f"{pair[0]}->{pair[1]}", kind))
    return channels


def _check_triggers(model: Model, entities: list[Entity], directory: dict) -> None:
    """Every recv(...) names a known entity and a declared message."""
    known = {c.name for c in model.entities}
    for e in entities:
        for t in e.transitions:
            if isinstance(t.on, Recv):
                if t.on.sender not in directory and t.on.sender not in known:
                    raise ModelError(
                        f"{e.name}: transition '{t.title()}' receives from unknown entity {t.on.sender!r}",
                        where=t.where, known=sorted(known),
                    )
                if t.on.message not in model.vocabulary:
                    raise ModelError(
                        f"{e.name}: transition '{t.title()}' receives unknown message {t.on.message!r}",
                        where=t.where, known=model.vocabulary.names(),
                    )


class _Resolver:
    """Evaluates entities on demand for the TransitionSystem, and saturates its tables."""

    def __init__(self, model: Model, config: Config, entities: list[Entity]):
        self.model, self.config, self.entities = model, config, entities
        self.by_name = {e.instance: e for e in entities}
        self.binder = None
        self.warnings: list[str] = []
        self._overlaps: set = set()
        self.local_index: list[dict] = []
        self.events: list[list[str]] = []
        self.sent_on: dict = {}  # channel -> {message id: None}, for saturation
        self._initial: list = []
        self.ncontexts: list[int] = []
        directory = {}
        for e in entities:
            directory.setdefault(e.name, []).append(e.instance)
        for e in entities:
            n = len(directory.get(e.contexts, ())) if e.contexts else 0
            if e.contexts and n == 0:
                raise ModelError(f"{e.name}: contexts = {e.contexts!r}, but there is no such entity instance")
            self.ncontexts.append(n)
            self._initial.append(self._start(e, n))
            names = []
            for t in e.transitions:
                if isinstance(t.on, Event) and t.on.name not in names:
                    names.append(t.on.name)
            self.events.append(names)

    def _start(self, e: Entity, n: int) -> tuple:
        if not n:
            control, values = e.start()
            self._check_state(e, control)
            return (control, self._values(e, e.variables, values, f"{e.instance}.start()"))
        controls, per = [], []
        for k in range(1, n + 1):
            e.context = k
            control, values = e.start()
            self._check_state(e, control)
            controls.append(control)
            per.append(self._values(e, e.variables, values, f"{e.instance}.start() for context {k}"))
        e.context = None
        shared = self._values(e, e.shared, e.start_shared(), f"{e.instance}.start_shared()")
        return (tuple(controls), (shared, tuple(per)))

    @staticmethod
    def _check_state(e: Entity, control: str) -> None:
        if control not in e.states:
            raise ModelError(f"{e.instance}: start() names unknown state {control!r}", known=list(e.states))

    def processes(self) -> list[Process]:
        out = []
        for p, e in enumerate(self.entities):
            local = self._initial[p]
            self.local_index.append({local: 0})
            proc = Process(
                name=e.instance, template=e.name, index=e.index, states=tuple(e.states),
                var_names=tuple(e.variables), locals=[local], initial=0, end_locals=set(),
                clause=e.clause, end_states=frozenset(e.end_states),
                contexts=self.ncontexts[p], shared_names=tuple(e.shared),
            )
            if proc.in_end_state(local):
                proc.end_locals.add(0)
            out.append(proc)
        return out

    # ---- on demand -----------------------------------------------------------------------
    def resolve_events(self, ts, p: int, li: int) -> tuple:
        e = self.entities[p]
        local = ts.processes[p].locals[li]
        aids = []
        for k in range(1, self.ncontexts[p] + 1) if self.ncontexts[p] else [None]:
            for name in self.events[p]:
                out = self._evaluate(p, e, local, ("event", name), k)
                if out is not None:
                    aids.append(self._make_action(ts, p, li, "event", name, None, None, out))
        return tuple(aids)

    def resolve_recv(self, ts, p: int, li: int, c: int, mid: int) -> int:
        e = self.entities[p]
        local = ts.processes[p].locals[li]
        sender = ts.processes[ts.channels[c].sender].name
        msg = ts.messages[mid]
        k = None
        if self.ncontexts[p]:
            self._prepare(e, "", (), sender, msg)
            k = e.route()
            if k is None or not 1 <= k <= self.ncontexts[p]:
                return NONE
        out = self._evaluate(p, e, local, ("recv", sender, msg), k)
        if out is None:
            return NONE
        return self._make_action(ts, p, li, "recv", msg.name, c, mid, out)

    def _intern_local(self, ts, p: int, local: tuple) -> int:
        index = self.local_index[p]
        li = index.get(local)
        if li is None:
            proc = ts.processes[p]
            if len(proc.locals) >= MAX_LOCAL_STATES:
                raise ModelError(
                    f"{proc.name}: more than {MAX_LOCAL_STATES} local states",
                    hint="a variable domain is probably larger than the behaviour needs",
                )
            li = index[local] = len(proc.locals)
            proc.locals.append(local)
            if proc.in_end_state(local):
                proc.end_locals.add(li)
        return li

    def _make_action(self, ts, p, li, kind, trigger, channel, mid, out: _Outcome) -> int:
        e = self.entities[p]
        t = e.transitions[out.t_index]
        sends = []
        for rcv, msg in out.sends:
            q = ts.process_index[rcv]
            c = ts.channel_index.get((p, q))
            receiver = self.entities[q]
            if c is None or f"recv:{e.name}:{msg.name}" not in receiver.machine.events:
                raise ModelError(
                    f"{e.instance} sends {msg.name} to {rcv}, which has no transition receiving it",
                    where=t.where,
                    hint=f"add T(..., on=recv({e.name!r}, {msg.name!r})) to {receiver.name}, or stop sending it",
                )
            m = ts.intern_message(msg)
            sends.append((c, m))
            self.sent_on.setdefault(c, {})[m] = None
        action = Action(
            id=len(ts.actions), proc=p, kind=kind, trigger=trigger, channel=channel, msg=mid,
            source=li, target=self._intern_local(ts, p, out.target), sends=tuple(sends),
            transition=t.title(), step=out.step,
            tags=frozenset(t.tags) | frozenset(out.tags), where=t.where, note=t.note,
            context=out.context, per=t.per,
        )
        return ts.add_action(action, self.binder)

    def saturate(self, ts) -> None:
        """Evaluate every process on every local state x every input it could ever get."""
        changed = True
        while changed:
            changed = False
            for p in range(ts.n):
                li = 0
                while li < len(ts.processes[p].locals):
                    if li not in ts.event_table[p]:
                        ts.events_of(p, li)
                        changed = True
                    for c in ts.in_channels[p]:
                        for mid in list(self.sent_on.get(c, ())):
                            if (li, c, mid) not in ts.recv_table[p]:
                                ts.recv_action(p, li, c, mid)
                                changed = True
                    li += 1

    # ---- evaluating one entity ---------------------------------------------------------------
    def _values(self, e: Entity, declared: dict, values: dict, where: str) -> tuple:
        out = []
        for name, domain in declared.items():
            if name not in values:
                raise ModelError(f"{e.instance}: variable {name!r} has no value", where=where)
            v = values[name]
            if v not in domain:
                raise ModelError(
                    f"{e.instance}: variable {name} = {v!r} is outside its declared domain",
                    where=where, known=list(domain),
                )
            out.append(v)
        extra = set(values) - set(declared)
        if extra:
            raise ModelError(
                f"{e.instance}: undeclared variable(s) {sorted(extra)}", where=where, known=list(declared)
            )
        return tuple(out)

    def _evaluate(self, p: int, e: Entity, local: tuple, inp: tuple, k: int | None = None) -> _Outcome | None:
        """Drive e's transitions machine from `local` (in context k) on input `inp`; None if
        nothing fires."""
        if k is None:
            control, values, shared = local[0], local[1], None
        else:
            control, (shared, per) = local[0][k - 1], local[1]
            values = per[k - 1]
        if inp[0] == "event":
            trigger = f"ev:{inp[1]}"
            sender, msg = None, None
        else:
            _, sender, msg = inp
            trigger = f"recv:{self.by_name[sender].name}:{msg.name}"
        if trigger not in e.machine.events:
            return None
        candidates = e.machine.get_transitions(trigger, control)
        if not candidates:
            return None
        self._prepare(e, control, values, sender, msg, k, shared)
        passing = [c for c in candidates if all(self._guard(e, g) for g in c.conditions)]
        if not passing:
            return None
        if len(passing) > 1:
            self._warn_overlap(e, control, trigger, passing)
        self._prepare(e, control, values, sender, msg, k, shared)
        t = e.transitions[_t_index(passing[0])]
        try:
            fired = e.trigger(trigger)
        except ImsflowError:
            raise
        except MachineError as exc:  # pragma: no cover - candidates were checked above
            raise ModelError(f"{e.instance}: {exc}", where=t.where) from exc
        except Exception as exc:
            raise ModelError(
                f"{e.instance}: transition '{t.title()}' raised {type(exc).__name__}: {exc} "
                f"(in state {control!r}, input {_input_text(inp)})",
                where=t.where,
            ) from exc
        if not fired or not e._fired:
            raise ModelError(
                f"{e.instance}: transition '{t.title()}' did not fire on a second evaluation; "
                f"guards must be pure functions of e.v, e.msg and e.config",
                where=t.where,
            )
        t_index = e._fired[-1]
        t = e.transitions[t_index]
        extra = set(vars(e.v)) - set(e.variables)
        if extra:
            raise ModelError(
                f"{e.instance}: transition '{t.title()}' sets undeclared variable(s) {sorted(extra)}",
                where=t.where, known=list(e.variables),
            )
        new_values = self._values(e, e.variables, dict(vars(e.v)), t.where)
        if k is None:
            target = (e.state, new_values)
        else:
            extra = set(vars(e.s)) - set(e.shared)
            if extra:
                raise ModelError(f"{e.instance}: transition '{t.title()}' sets undeclared shared variable(s) "
                                 f"{sorted(extra)}", where=t.where, known=list(e.shared))
            new_shared = self._values(e, e.shared, dict(vars(e.s)), t.where)
            controls = local[0][: k - 1] + (e.state,) + local[0][k:]
            per = local[1][1]
            target = (controls, (new_shared, per[: k - 1] + (new_values,) + per[k:]))
        for rcv, m in e._out:
            try:
                self.model.vocabulary.check(m, t.where)
            except ModelError as exc:
                raise ModelError(f"{e.instance}: transition '{t.title()}' sends: {exc.message}",
                                 where=t.where, known=exc.known) from None
            if rcv == e.instance:
                raise ModelError(f"{e.instance}: transition '{t.title()}' sends {m.name} to itself", where=t.where)
        undeclared = [tag for tag in e._tags if tag not in self.model.tags and tag not in t.tags]
        if undeclared and self.model.tags:
            raise ModelError(f"{e.instance}: transition '{t.title()}' marks undeclared tag(s) {undeclared}",
                             where=t.where, hint="declare them in the model's tags")
        return _Outcome(t_index, target, list(e._out), tuple(e._tags), k, t.step_for(self.config.flow, e))

    def _prepare(self, e: Entity, control: str, values: tuple, sender, msg, k=None, shared=None) -> None:
        if control:
            e.machine.set_state(control, model=e)
        e.v.__dict__.clear()
        for name, v in zip(e.variables, values):
            setattr(e.v, name, v)
        e.s.__dict__.clear()
        for name, v in zip(e.shared, shared or ()):
            setattr(e.s, name, v)
        e.context = k
        e.msg = msg
        e.sender = sender
        e.sender_index = self.by_name[sender].index if sender else None
        e._out = []
        e._tags = []
        e._fired = []

    def _guard(self, e: Entity, guard) -> bool:
        # `guard` is transitions' Condition around our _Guard; call ours directly, since
        # Condition.check wants a live EventData.
        try:
            return bool(guard.func(None)) == guard.target
        except ImsflowError:
            raise
        except Exception as exc:
            t = getattr(guard.func, "t", None)
            raise ModelError(
                f"{e.instance}: a guard raised {type(exc).__name__}: {exc}", where=getattr(t, "where", None)
            ) from exc

    def _warn_overlap(self, e: Entity, control: str, trigger: str, passing) -> None:
        ids = tuple(_t_index(c) for c in passing)
        key = (e.name, control, trigger, ids)
        if key in self._overlaps:
            return
        self._overlaps.add(key)
        titles = "; ".join(f"'{e.transitions[i].title()}' ({e.transitions[i].where})" for i in ids)
        self.warnings.append(
            f"{e.name}: overlapping guards on {trigger} in state {control!r}: {titles}; the first one wins"
        )


def _t_index(transition) -> int:
    for cb in transition.after:
        i = getattr(cb, "i", None)
        if i is not None:
            return i
    raise ModelError("internal: a transition without its index marker")  # pragma: no cover


def _input_text(inp) -> str:
    if inp[0] == "event":
        return f"event {inp[1]}"
    return f"{inp[2].label()} from {inp[1]}"
