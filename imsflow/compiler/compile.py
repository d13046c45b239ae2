"""Entities + channels -> one TransitionSystem.

The compiler drives each entity's `transitions` machine once for every (local state, input)
pair that can ever arise, and tabulates the outcome.  "Can ever arise" is a fixpoint: an
entity's inputs are its own events plus every message some other entity's table can send it,
and its local states are those its inputs lead to.  The result over-approximates what the
composition reaches (the explorer decides the rest) and is exact as a table: the explorer,
the Z3 encoding and the Promela export all read these tables and nothing else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from transitions import MachineError

from ..authoring.entity import Entity, Event, Recv
from ..authoring.messages import Msg
from ..authoring.model import Config, Model
from ..errors import ImsflowError, ModelError
from ..system.ts import Action, Channel, Process, TransitionSystem
from .checks import static_checks

MAX_LOCAL_STATES = 200_000


@dataclass
class _Outcome:
    t_index: int
    target: tuple  # (control, values)
    sends: list  # [(receiver instance, Msg)]
    tags: tuple


def compile_model(model: Model, config: Config, properties=(), *, bind=None) -> TransitionSystem:
    """Compile one configuration of `model`; `bind(ts, properties)` turns the properties into
    monitors and invariant predicates (patterns.bind), composed into the returned system."""
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
    by_name = {e.instance: e for e in entities}
    _check_triggers(model, entities, directory)

    closure = _Closure(model, config, entities, by_name)
    closure.run()

    # Channels, in a deterministic order: by sender, then receiver, as the processes are listed.
    order = {name: i for i, name in enumerate(names)}
    pairs = sorted(closure.pairs, key=lambda pr: (order[pr[0]], order[pr[1]]))
    channels = []
    for i, (snd, rcv) in enumerate(pairs):
        cap = composition.capacities.get((snd, rcv), composition.capacity)
        kind = composition.channel_kinds.get((snd, rcv), "fifo")
        channels.append(Channel(i, order[snd], order[rcv], cap, f"{snd}->{rcv}", kind))
    chan_of = {pr: i for i, pr in enumerate(pairs)}
    messages = list(closure.messages)
    msg_id = {m: i for i, m in enumerate(messages)}

    processes = []
    for p, e in enumerate(entities):
        locs = closure.locals[p]
        ends = set(e.end_states)
        processes.append(
            Process(
                name=e.instance, template=e.name, index=e.index, states=tuple(e.states),
                var_names=tuple(e.variables), locals=tuple(locs), initial=0,
                end_locals=frozenset(i for i, (c, _) in enumerate(locs) if c in ends),
                clause=e.clause,
            )
        )

    actions: list[Action] = []
    recv_table: list[dict] = [dict() for _ in entities]
    event_table: list[dict] = [dict() for _ in entities]
    for p, e in enumerate(entities):
        local_index = closure.local_index[p]
        for (li, key), out in closure.outcomes[p].items():
            if out is None:
                continue
            t = e.transitions[out.t_index]
            sends = tuple((chan_of[(e.instance, rcv)], msg_id[m]) for rcv, m in out.sends)
            aid = len(actions)
            if key[0] == "recv":
                _, sender, msg = key
                ch = chan_of[(sender, e.instance)]
                trigger, channel, mid = msg.name, ch, msg_id[msg]
                recv_table[p][(li, ch, mid)] = aid
            else:
                trigger, channel, mid = key[1], None, None
                event_table[p].setdefault(li, ())
                event_table[p][li] = event_table[p][li] + (aid,)
            actions.append(
                Action(
                    id=aid, proc=p, kind=key[0], trigger=trigger, channel=channel, msg=mid,
                    source=li, target=local_index[out.target], sends=sends,
                    transition=t.title(), step=t.step_for(config.flow),
                    tags=frozenset(t.tags) | frozenset(out.tags), where=t.where, note=t.note,
                )
            )

    ts = TransitionSystem(
        model=model.name, config=config, processes=tuple(processes), channels=tuple(channels),
        messages=tuple(messages), actions=tuple(actions), recv_table=tuple(recv_table),
        event_table=tuple(event_table), warnings=tuple(closure.warnings),
        extra={"entities": entities, "closure_inputs": closure.input_counts()},
    )
    ts = dataclasses.replace(ts, warnings=ts.warnings + tuple(static_checks(ts, entities)))
    if bind is not None and properties:
        monitors, invariants = bind(ts, properties)
        ts = dataclasses.replace(ts, monitors=tuple(monitors), invariants=tuple(invariants))
    return ts


def _check_triggers(model: Model, entities: list[Entity], directory: dict) -> None:
    """Every recv(...) names a known entity and a declared message."""
    for e in entities:
        for t in e.transitions:
            if isinstance(t.on, Recv):
                if t.on.sender not in directory and t.on.sender not in {c.name for c in model.entities}:
                    raise ModelError(
                        f"{e.name}: transition '{t.title()}' receives from unknown entity {t.on.sender!r}",
                        where=t.where, known=sorted({c.name for c in model.entities}),
                    )
                if t.on.message not in model.vocabulary:
                    raise ModelError(
                        f"{e.name}: transition '{t.title()}' receives unknown message {t.on.message!r}",
                        where=t.where, known=model.vocabulary.names(),
                    )


class _Closure:
    """The fixpoint over local states and possible inputs (see the module docstring)."""

    def __init__(self, model: Model, config: Config, entities: list[Entity], by_name: dict):
        self.model, self.config, self.entities, self.by_name = model, config, entities, by_name
        self.proc_of = {e.instance: p for p, e in enumerate(entities)}
        self.locals: list[list] = []
        self.local_index: list[dict] = []
        self.inputs: list[list] = []  # per process: ("event", name) / ("recv", sender, Msg)
        self.input_set: list[set] = []
        self.outcomes: list[dict] = []  # per process: (local idx, input) -> _Outcome | None
        self.pairs: dict = {}  # (sender, receiver) -> None, insertion ordered
        self.messages: dict = {}  # Msg -> None
        self.warnings: list[str] = []
        self._overlaps: set = set()
        for e in entities:
            control, values = e.start()
            local = (control, self._values(e, values, f"{e.instance}.start()"))
            if control not in e.states:
                raise ModelError(f"{e.instance}: start() names unknown state {control!r}", known=list(e.states))
            self.locals.append([local])
            self.local_index.append({local: 0})
            events = []
            for t in e.transitions:
                if isinstance(t.on, Event) and ("event", t.on.name) not in events:
                    events.append(("event", t.on.name))
            self.inputs.append(events)
            self.input_set.append(set(events))
            self.outcomes.append({})

    def input_counts(self) -> dict:
        return {e.instance: len(self.inputs[p]) for p, e in enumerate(self.entities)}

    def _values(self, e: Entity, values: dict, where: str) -> tuple:
        out = []
        for name, domain in e.variables.items():
            if name not in values:
                raise ModelError(f"{e.instance}: variable {name!r} has no value", where=where)
            v = values[name]
            if v not in domain:
                raise ModelError(
                    f"{e.instance}: variable {name} = {v!r} is outside its declared domain",
                    where=where, known=list(domain),
                )
            out.append(v)
        extra = set(values) - set(e.variables)
        if extra:
            raise ModelError(
                f"{e.instance}: undeclared variable(s) {sorted(extra)}", where=where, known=list(e.variables)
            )
        return tuple(out)

    def run(self) -> None:
        changed = True
        while changed:
            changed = False
            for p, e in enumerate(self.entities):
                li = 0
                while li < len(self.locals[p]):
                    local = self.locals[p][li]
                    for inp in list(self.inputs[p]):
                        key = (li, inp)
                        if key in self.outcomes[p]:
                            continue
                        changed = True
                        out = self._evaluate(p, e, local, inp)
                        self.outcomes[p][key] = out
                        if out is not None:
                            self._record(p, e, out)
                    li += 1

    def _record(self, p: int, e: Entity, out: _Outcome) -> None:
        if out.target not in self.local_index[p]:
            if len(self.locals[p]) >= MAX_LOCAL_STATES:
                raise ModelError(
                    f"{e.instance}: more than {MAX_LOCAL_STATES} local states",
                    hint="a variable domain is probably larger than the behaviour needs",
                )
            self.local_index[p][out.target] = len(self.locals[p])
            self.locals[p].append(out.target)
        for rcv, msg in out.sends:
            self.pairs.setdefault((e.instance, rcv), None)
            self.messages.setdefault(msg, None)
            q = self.proc_of[rcv]
            inp = ("recv", e.instance, msg)
            if inp not in self.input_set[q]:
                self.input_set[q].add(inp)
                self.inputs[q].append(inp)

    def _evaluate(self, p: int, e: Entity, local: tuple, inp: tuple) -> _Outcome | None:
        control, values = local
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
        self._prepare(e, control, values, sender, msg)
        passing = [c for c in candidates if all(self._guard(e, g) for g in c.conditions)]
        if not passing:
            return None
        if len(passing) > 1:
            self._warn_overlap(e, control, trigger, passing)
        self._prepare(e, control, values, sender, msg)
        first = _t_index(passing[0])
        t = e.transitions[first]
        try:
            fired = e.trigger(trigger)
        except MachineError as exc:  # pragma: no cover - candidates were checked above
            raise ModelError(f"{e.instance}: {exc}", where=t.where) from exc
        except ImsflowError:
            raise
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
        new_values = {name: getattr(e.v, name, None) for name in e.variables}
        extra = set(vars(e.v)) - set(e.variables)
        if extra:
            raise ModelError(
                f"{e.instance}: transition '{t.title()}' sets undeclared variable(s) {sorted(extra)}",
                where=t.where, known=list(e.variables),
            )
        target = (e.state, self._values(e, new_values, t.where))
        for rcv, m in e._out:
            try:
                self.model.vocabulary.check(m, t.where)
            except ModelError as exc:
                raise ModelError(f"{e.instance}: transition '{t.title()}' sends: {exc.message}",
                                 where=t.where, known=exc.known) from None
            if rcv == e.instance:
                raise ModelError(f"{e.instance}: transition '{t.title()}' sends {m.name} to itself", where=t.where)
        return _Outcome(t_index, target, list(e._out), tuple(e._tags))

    def _prepare(self, e: Entity, control: str, values: tuple, sender, msg) -> None:
        e.machine.set_state(control, model=e)
        e.v.__dict__.clear()
        for name, v in zip(e.variables, values):
            setattr(e.v, name, v)
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
