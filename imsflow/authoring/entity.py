"""Entities: finite-state machines authored with `transitions`.

An entity subclass declares its states, its finite local variables and a list of `T(...)`
transitions, each triggered either by the receipt of a message (`recv("WST", "401")`) or by an
internal/environment event (`event("dial")`).  Guards (`when`) and effects (`do`) are plain
functions of the entity, which inside them sees:

    e.v            the local variables (read and assign: e.v.token = "valid")
    e.msg          the message being received (fields as attributes: e.msg.impu)
    e.sender       the instance that sent it ("WIC2"), e.sender_index its index
    e.send(to, name, **fields) / e.reply(name, **fields)
    e.mark(tag)    an observable fact for properties ("tna_asserted")
    e.config       the flow and variant being checked (e.config.tna_trust)
    e.index        this instance's index when a template has several (WIC1..WICn)
    e.context      for an entity with per-WIC contexts: which context is acting (1..N)
    e.s            for such an entity: the variables its contexts share (a binding table)

Per-WIC contexts.  A translator, a proxy or a registrar keeps one context per subscriber or
dialog.  An entity that sets `contexts = "WIC"` is one process whose machine describes ONE
context: the compiler keeps a copy of the control state and `variables` per WIC, plus the
`shared` variables, and `route()` picks the context a received message belongs to (by default
the sending WIC's index, else the message's `wic` field).  Its state chart therefore reads as
the lifecycle of one subscriber, like the seed's flows, while the process still interleaves
all of them.

Every entity instance becomes a real `transitions.MarkupMachine` - that is what validates the
definition, fires guards and effects in `transitions`' own order (first passing transition
wins), and gives the plain dictionary export the diagrams are drawn from.  The compiler drives
these machines once per (local state, input) at compile time and tabulates the result; the
explorer never touches a live machine.  Guards must therefore be pure functions of e.v, e.msg
and e.config.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable, Iterable, Sequence

from transitions.extensions.markup import MarkupMachine

from ..errors import ModelError
from .messages import Msg

RECV_PREFIX = "recv:"
EVENT_PREFIX = "ev:"


@dataclass(frozen=True)
class Recv:
    """Trigger: the receipt of message `message` from an instance of entity `sender`."""

    sender: str
    message: str

    @property
    def trigger(self) -> str:
        return f"{RECV_PREFIX}{self.sender}:{self.message}"

    def describe(self) -> str:
        return f"{self.message} from {self.sender}"


@dataclass(frozen=True)
class Event:
    """Trigger: an internal or environment event (the user dials, a timer, an injected fault)."""

    name: str

    @property
    def trigger(self) -> str:
        return f"{EVENT_PREFIX}{self.name}"

    def describe(self) -> str:
        return self.name


def recv(sender: str, message: str) -> Recv:
    return Recv(sender, message)


def event(name: str) -> Event:
    return Event(name)


@dataclass
class T:
    """One transition as the modeller writes it.  `step` is the seed's step label, either one
    string for every flow or a dict flow-id -> label, because one behaviour is step "4-8" of F1
    and step "7-10" of F3.  `dest=None` keeps the state (an internal transition)."""

    source: str | Sequence[str]
    dest: str | None
    on: Recv | Event
    when: Callable | str | Sequence | None = None
    do: Callable | str | Sequence | None = None
    step: str | dict | None = None
    tags: tuple = ()
    name: str | None = None
    note: str | None = None
    where: str = field(default="?")
    # What a behaviour the seed does not define (no seed step in the flow) is modelled per:
    # a standard's clause, e.g. "RFC 3261 15.1.1".  Reported as an underspecification finding;
    # when absent, the entity's `standard` stands in (system/underspecified.py).
    per: str | None = None

    def __post_init__(self):
        if self.where == "?":
            frame = sys._getframe(2)
            self.where = f"{_short(frame.f_code.co_filename)}:{frame.f_lineno}"
        if isinstance(self.tags, str):
            self.tags = (self.tags,)
        self.tags = tuple(self.tags)

    def sources(self, all_states: Sequence[str]) -> list[str]:
        if self.source == "*":
            return list(all_states)
        if isinstance(self.source, str):
            return [self.source]
        return list(self.source)

    def step_for(self, flow: str | None, entity=None) -> str | None:
        """The seed step label in `flow`.  `step` may be a function of the entity (called
        after the transition fired, with e.msg still set) when the same behaviour is a
        different step depending on the message - e.g. the HSS answering the UAR of the
        first or of the second REGISTER."""
        step = self.step
        if callable(step):
            step = step(entity) if entity is not None else None
        if isinstance(step, dict):
            return step.get(flow) if flow else None
        return step

    def title(self) -> str:
        return self.name or f"{self.on.describe()} -> {self.dest or 'stay'}"


def _short(path: str) -> str:
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


class Entity:
    """Base class of every model entity.  Subclasses set the class attributes below."""

    name: str = ""  # the contract name: "WST", "P-CSCF", ...
    clause: str = ""  # the seed clause the entity's behaviour comes from
    states: Sequence[str] = ()
    initial: str = ""
    end_states: Iterable[str] = ()  # states where resting is not a deadlock
    variables: dict = {}  # name -> tuple of allowed values (first is the default)
    transitions: Sequence[T] = ()
    contexts: str | None = None  # "WIC": one context (state + variables) per WIC instance
    # The standard the entity's behaviour outside the seed follows by default (transitions with
    # no seed step and no `per` of their own), e.g. "RFC 3261" for a SIP node.
    standard: str = ""
    shared: dict = {}  # with contexts: variables shared by all contexts

    def __init__(self, config, index: int | None = None, count: int = 1):
        self.config = config
        self.index = index
        self.count = count
        self.instance = f"{self.name}{index}" if index is not None and count > 1 else self.name
        self.v = SimpleNamespace()
        self.s = SimpleNamespace()
        self.context: int | None = None
        self.msg: Msg | None = None
        self.sender: str | None = None
        self.sender_index: int | None = None
        self._out: list = []
        self._tags: list = []
        self._fired: list = []
        self._directory = None  # set by the compiler: template -> instance names
        self._validate_definition()
        self.machine = self._build_machine()

    # ---- what the modeller may override -------------------------------------------------
    def start(self) -> tuple[str, dict]:
        """Initial control state and variable values (of context `self.context` when the
        entity has contexts); a scenario may override this."""
        return self.initial, {k: dom[0] for k, dom in self.variables.items()}

    def start_shared(self) -> dict:
        """Initial values of the shared variables (entities with contexts)."""
        return {k: dom[0] for k, dom in self.shared.items()}

    def route(self) -> int | None:
        """The context a received message belongs to (entities with contexts): the sending
        WIC's own context, else the message's `wic` field; None leaves it unhandled."""
        if self.sender_index is not None and self.sender in self.instances_of(self.contexts):
            return self.sender_index
        wic = self.msg.get("wic") if self.msg is not None else None
        return wic if isinstance(wic, int) and wic > 0 else None

    # ---- the API used inside guards and effects -------------------------------------------
    def send(self, to: str, name: str, index: int | None = None, **fields) -> None:
        self._out.append((self._resolve(to, index), Msg.make(name, **fields)))

    def reply(self, name: str, **fields) -> None:
        if self.sender is None:
            raise ModelError(f"{self.instance}: reply({name!r}) outside a message receipt")
        self._out.append((self.sender, Msg.make(name, **fields)))

    def mark(self, tag: str) -> None:
        self._tags.append(tag)

    def instances_of(self, template: str) -> list[str]:
        return list(self._directory.get(template, ())) if self._directory else []

    # ---- internals --------------------------------------------------------------------------
    def _resolve(self, to: str, index: int | None) -> str:
        directory = self._directory or {}
        if to in directory:
            names = directory[to]
            if index is None:
                if len(names) == 1:
                    return names[0]
                raise ModelError(
                    f"{self.instance}: send to {to!r} is ambiguous with {len(names)} instances",
                    hint="pass index=<1..N> to send()",
                )
            if not 1 <= index <= len(names):
                raise ModelError(f"{self.instance}: send to {to} index {index} out of range 1..{len(names)}")
            return names[index - 1]
        if any(to in names for names in directory.values()):
            return to
        raise ModelError(
            f"{self.instance}: send to unknown entity {to!r}", known=sorted(directory)
        )

    def _validate_definition(self) -> None:
        cls = type(self)
        where = f"{_short(sys.modules[cls.__module__].__file__ or '?')}"
        if not self.name:
            raise ModelError(f"entity class {cls.__name__} has no name", where=where)
        states = list(self.states)
        if len(set(states)) != len(states):
            raise ModelError(f"{self.name}: a state is declared twice", where=where, known=states)
        if self.initial not in states:
            raise ModelError(f"{self.name}: initial state {self.initial!r} is not declared", where=where, known=states)
        for s in self.end_states:
            if s not in states:
                raise ModelError(f"{self.name}: end state {s!r} is not declared", where=where, known=states)
        for t in self.transitions:
            for s in t.sources(states):
                if s not in states:
                    raise ModelError(
                        f"{self.name}: transition '{t.title()}' has unknown source state {s!r}",
                        where=t.where, known=states,
                    )
            if t.dest is not None and t.dest not in states:
                raise ModelError(
                    f"{self.name}: transition '{t.title()}' targets unknown state {t.dest!r}",
                    where=t.where, known=states,
                )
            if not isinstance(t.on, (Recv, Event)):
                raise ModelError(
                    f"{self.name}: transition '{t.title()}' needs on=recv(...) or on=event(...)", where=t.where
                )

    def _callables(self, spec, t: T, what: str) -> list[Callable]:
        if spec is None:
            return []
        items = spec if isinstance(spec, (list, tuple)) else [spec]
        out = []
        for item in items:
            if isinstance(item, str):
                fn = getattr(type(self), item, None)
                if fn is None or not callable(fn):
                    raise ModelError(
                        f"{self.name}: transition '{t.title()}' names unknown {what} method {item!r}",
                        where=t.where,
                    )
                out.append(fn)
            elif callable(item):
                out.append(item)
            else:
                raise ModelError(f"{self.name}: {what} of '{t.title()}' is neither a callable nor a name", where=t.where)
        return out

    def _build_machine(self) -> MarkupMachine:
        self._guard_fns: dict[int, list[Callable]] = {}
        specs = []
        for i, t in enumerate(self.transitions):
            guards = self._callables(t.when, t, "guard")
            effects = self._callables(t.do, t, "effect")
            self._guard_fns[i] = guards
            specs.append(
                dict(
                    trigger=t.on.trigger,
                    source=t.sources(self.states),
                    dest=t.dest,
                    conditions=[_Guard(self, g, t) for g in guards],
                    after=[_Effect(self, e, t) for e in effects] + [_Fired(self, i)],
                )
            )
        return MarkupMachine(
            model=self,
            states=list(self.states),
            initial=self.initial,
            transitions=specs,
            send_event=True,
            auto_transitions=False,
            name=self.instance,
        )

    def __repr__(self) -> str:
        return f"<{self.instance}>"


class _Guard:
    """Adapts a modeller's guard `fn(entity) -> bool` to transitions' condition interface and
    keeps a readable name for the markup export (and so for the diagrams)."""

    def __init__(self, entity, fn, t):
        self.entity, self.fn, self.t = entity, fn, t
        self.__name__ = getattr(fn, "__name__", "guard")
        if self.__name__ == "<lambda>":
            self.__name__ = "guard"

    def __call__(self, event_data=None):
        return bool(self.fn(self.entity))


class _Effect(_Guard):
    def __call__(self, event_data=None):
        self.fn(self.entity)


class _Fired:
    """Records which transition fired: the compiler reads it to label the action."""

    __name__ = "fired"

    def __init__(self, entity, i):
        self.entity, self.i = entity, i

    def __call__(self, event_data=None):
        self.entity._fired.append(self.i)
