"""Mutation operators: each derives mutants from an entity's `T(...)` table and from what the
compiled system shows each transition sending - never from a hand-written list.

A mutant is plain data (it crosses to worker processes): the operator, the entity, the index of
the transition in the entity's `transitions`, the transition's file:line (`T.where`), a
one-line description and the operator's parameters.  apply.py turns it into a changed model.

What a transition sends is not written in its `T(...)` (it is whatever its effect functions
call `send` with), so the send-based operators read it from the compiled systems of the
original model: every (receiver entity, message) a compiled action of the transition sends,
with the field values seen.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import asdict, dataclass, field

from ..authoring.entity import Recv

# Messages that give back a resource or end a session: "remove a release" drops them.
RELEASE = re.compile(r"(_RELEASE|^STR|^BYE|^CANCEL)$")


@dataclass(frozen=True)
class Mutant:
    id: str
    operator: str
    entity: str
    t_index: int
    where: str  # file:line of the T(...) the mutant changes
    description: str
    params: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(d: dict) -> "Mutant":
        return Mutant(**d)


@dataclass
class Sends:
    """What one transition was seen to send, over the compiled systems of the original."""

    slots: dict = field(default_factory=dict)  # (receiver entity, message) -> {field: [values seen]}
    pairs: dict = field(default_factory=dict)  # (slot, next slot) seen one after the other -> None

    def add(self, sent: list) -> None:
        seq = []
        for receiver, msg in sent:
            slot = (receiver, msg.name)
            fields = self.slots.setdefault(slot, {})
            for k, v in msg.fields:
                seen = fields.setdefault(k, [])
                if v not in seen:
                    seen.append(v)
            if slot not in seq:
                seq.append(slot)
        for a, b in zip(seq, seq[1:]):
            self.pairs[(a, b)] = None


def observed_sends(entity_classes, systems) -> dict:
    """(entity name, transition index) -> Sends, from every compiled action of `systems`.
    Actions name their transition by title and file:line; transitions written in one list
    comprehension share a line, so the title tells them apart."""
    index = {}
    for cls in entity_classes:
        for i, t in enumerate(cls.transitions):
            index.setdefault((cls.name, t.where, t.title()), []).append(i)
    out: dict = {}
    for ts in systems:
        template = {p.name: p.template for p in ts.processes}
        for a in ts.actions:
            ent = ts.processes[a.proc].template
            sent = [(template[r], m) for r, m in ts.sent(a.id)]
            for i in index.get((ent, a.where, a.transition), ()):
                out.setdefault((ent, i), Sends()).add(sent)
    return out


def _items(spec) -> list:
    if spec is None:
        return []
    return list(spec) if isinstance(spec, (list, tuple)) else [spec]


_LAMBDA = re.compile(r"lambda\s+\w+\s*:\s*(.+)", re.S)


def guard_text(g) -> str:
    """A guard as the modeller wrote it: its method name, or a lambda's body."""
    if isinstance(g, str):
        return g
    name = getattr(g, "__name__", "guard")
    if name != "<lambda>":
        return name
    try:
        src = inspect.getsource(g)
    except (OSError, TypeError):
        return "a condition"
    m = _LAMBDA.search(src)
    if not m:
        return "a condition"
    body, depth = " ".join(m.group(1).split()), 0
    for k, ch in enumerate(body):  # the lambda ends at the first comma or bracket outside brackets
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return body[:k].strip()
            depth -= 1
        elif ch == "," and depth == 0:
            return body[:k].strip()
    return body.strip()


def _slot_text(slot) -> str:
    return f"{slot[1]} to {slot[0]}"


class _Builder:
    def __init__(self, cls, i, t):
        self.cls, self.i, self.t = cls, i, t
        self.out: list[Mutant] = []

    def add(self, op: str, detail: str, description: str, **params) -> None:
        mid = f"{op}:{self.cls.name}:{self.i}" + (f":{detail}" if detail else "")
        self.out.append(Mutant(mid, op, self.cls.name, self.i, self.t.where,
                               f"{self.cls.name} '{self.t.title()}': {description}", params))


def drop_guard(b: _Builder, ctx) -> None:
    guards = _items(b.t.when)
    for k, g in enumerate(guards):
        b.add("drop-guard", str(k) if len(guards) > 1 else "", f"guard '{guard_text(g)}' dropped", guard=k)


def drop_send(b: _Builder, ctx) -> None:
    for slot in ctx.slots(b):
        if not RELEASE.search(slot[1]):
            b.add("drop-send", f"{slot[0]}:{slot[1]}", f"does not send {_slot_text(slot)}", to=slot[0], message=slot[1])


def redirect_send(b: _Builder, ctx) -> None:
    for slot in ctx.slots(b):
        for other in ctx.receivers(b.cls.name, slot[1]):
            if other != slot[0]:
                b.add("redirect-send", f"{slot[0]}:{slot[1]}>{other}", f"sends {slot[1]} to {other} instead of {slot[0]}",
                      to=slot[0], message=slot[1], new_to=other)


def change_field(b: _Builder, ctx) -> None:
    for slot, fields in ctx.slots(b).items():
        declared = ctx.vocabulary.types[slot[1]].fields
        for name, seen in fields.items():
            domain = list(declared.get(name, ()))
            if len(domain) < 2:
                continue
            unseen = [v for v in domain if v not in seen]
            value = unseen[0] if unseen else domain[(domain.index(seen[0]) + 1) % len(domain)]
            b.add("change-field", f"{slot[0]}:{slot[1]}:{name}={value}",
                  f"sends {slot[1]} to {slot[0]} with {name}={value} (was {'/'.join(map(str, seen))})",
                  to=slot[0], message=slot[1], field=name, value=value)


def skip_step(b: _Builder, ctx) -> None:
    t = b.t
    if t.dest is not None and any(s != t.dest for s in t.sources(b.cls.states)):
        b.add("skip-step", "stay", f"acts but stays in its state instead of going to {t.dest}", how="stay")
    if _items(t.do):
        b.add("skip-step", "no-effect", "moves on without its effect "
              f"({', '.join(x if isinstance(x, str) else getattr(x, '__name__', 'effect') for x in _items(t.do))})",
              how="no-effect")


def remove_release(b: _Builder, ctx) -> None:
    for slot in ctx.slots(b):
        if RELEASE.search(slot[1]):
            b.add("remove-release", f"{slot[0]}:{slot[1]}", f"does not release: no {_slot_text(slot)}",
                  to=slot[0], message=slot[1])


def swap_sends(b: _Builder, ctx) -> None:
    sends = ctx.sends.get((b.cls.name, b.i))
    for first, second in (sends.pairs if sends else ()):
        b.add("swap-sends", f"{first[0]}:{first[1]}<>{second[0]}:{second[1]}",
              f"sends {_slot_text(second)} before {_slot_text(first)}", first=list(first), second=list(second))


def accept_in_state(b: _Builder, ctx) -> None:
    """A receipt also taken in another state of the entity - one where the same message is
    handled by another transition (elsewhere it would only be an unhandled message).  One
    mutant per (message, state): from the first transition of the table that receives it
    and is not already taken there."""
    t = b.t
    if not isinstance(t.on, Recv):
        return
    states = b.cls.states
    for state in states:
        if state in t.sources(states):
            continue
        receiving = [o for o in b.cls.transitions if o.on == t.on]
        if not any(state in o.sources(states) for o in receiving):
            continue
        first = next(o for o in receiving if state not in o.sources(states))
        if first is t:
            b.add("accept-in-state", state, f"also taken in state {state}, before its own handler", state=state)


OPERATORS = {
    "drop-guard": drop_guard,
    "drop-send": drop_send,
    "redirect-send": redirect_send,
    "change-field": change_field,
    "skip-step": skip_step,
    "remove-release": remove_release,
    "swap-sends": swap_sends,
    "accept-in-state": accept_in_state,
}

OPERATOR_MEANING = {
    "drop-guard": "a transition without one of its guards (`when`)",
    "drop-send": "a transition that no longer sends one of its messages",
    "redirect-send": "a message sent to another entity that also receives it from the sender",
    "change-field": "a sent message with another value of one field's declared domain",
    "skip-step": "a transition that stays in its source state, or moves on without its effect",
    "remove-release": "a release (*_RELEASE, STR, BYE, CANCEL) that is no longer sent",
    "swap-sends": "two messages of one transition sent in the other order",
    "accept-in-state": "a receipt also taken, first, in another state that handles the same message",
}


class _Context:
    def __init__(self, entity_classes, vocabulary, sends):
        self.vocabulary, self.sends = vocabulary, sends
        self._receives: dict = {}
        for cls in entity_classes:
            for t in cls.transitions:
                if isinstance(t.on, Recv):
                    self._receives.setdefault((t.on.sender, t.on.message), []).append(cls.name)

    def slots(self, b: _Builder) -> dict:
        sends = self.sends.get((b.cls.name, b.i))
        return sends.slots if sends else {}

    def receivers(self, sender: str, message: str) -> list:
        return list(dict.fromkeys(self._receives.get((sender, message), ())))


def derive(entity_classes, vocabulary, sends: dict, operators=None) -> list[Mutant]:
    """Every mutant of the named operators (default: all), in model order; ids are unique."""
    ctx = _Context(entity_classes, vocabulary, sends)
    ops = [OPERATORS[name] for name in (operators or OPERATORS)]
    out: list[Mutant] = []
    for cls in entity_classes:
        for i, t in enumerate(cls.transitions):
            for op in ops:
                b = _Builder(cls, i, t)
                op(b, ctx)
                out += b.out
    return out
