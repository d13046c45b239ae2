"""What a model directory exports: its entities, vocabulary, flows (scenarios) and variants.

A model package (`model/__init__.py`) defines `MODEL = Model(...)`.  `Model.compose(config)`
returns the entity instances for one flow and variant; the compiler turns them into a
TransitionSystem.  Nothing here knows about search or solvers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..errors import UsageError
from .entity import Entity
from .messages import Vocabulary


@dataclass(frozen=True)
class Variant:
    """A configuration switch an architect toggles; the first value is the default."""

    name: str
    values: tuple
    meaning: str = ""

    @property
    def default(self):
        return self.values[0]


@dataclass(frozen=True)
class Flow:
    """A scenario: the configuration a flow needs and how to recognise that it completed.

    `fixes` pins variant values the flow decides (e.g. iwf=external for F8); `goal` is an event
    pattern (same form as in properties/) whose occurrence means the flow ran to its end;
    `steps` lists the seed's step labels in the seed's order, for witnesses and diagrams."""

    id: str
    title: str
    clause: str
    goal: dict
    steps: tuple = ()
    fixes: dict = field(default_factory=dict)
    optional_steps: tuple = ()
    restart_after: tuple = ()  # labels after which the steps may start again ("repeated per identity")
    description: str = ""


@dataclass(frozen=True)
class Config:
    """One thing to check: a flow (or None), every variant's value, and the number of WICs."""

    flow: str | None
    variant: tuple  # sorted (name, value) pairs, hashable
    wics: int = 1

    def __getattr__(self, name):
        for k, v in self.variant:
            if k == name:
                return v
        raise AttributeError(f"configuration has no variant {name!r}")

    def get(self, name, default=None):
        for k, v in self.variant:
            if k == name:
                return v
        return default

    @property
    def settings(self) -> dict:
        return dict(self.variant)

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.variant]
        return f"flow={self.flow} wics={self.wics} " + " ".join(parts)


@dataclass
class Composition:
    """The entity instances of one configuration, and the capacity of their channels.
    Channels are bounded FIFOs unless `channel_kinds` makes one a persistent "set"."""

    entities: list[Entity]
    capacity: int = 2
    capacities: dict = field(default_factory=dict)  # (sender, receiver) -> capacity
    channel_kinds: dict = field(default_factory=dict)  # (sender, receiver) -> "fifo" | "set"
    links: set | None = None  # allowed (sender, receiver) instance pairs; None: all that can receive


@dataclass
class Model:
    name: str
    entities: Sequence[type[Entity]]
    vocabulary: Vocabulary
    compose: Callable[[Config], Composition]
    flows: dict = field(default_factory=dict)  # id -> Flow
    variants: dict = field(default_factory=dict)  # name -> Variant
    description: str = ""
    max_wics: int = 4
    tags: dict = field(default_factory=dict)  # tag -> meaning, for tags entities mark() at run time
    # message name -> the standard's clause a step the seed does not define follows when it
    # receives (or, for an event, sends) that message; see system/underspecified.py.
    standards: dict = field(default_factory=dict)
    # The variant settings that put the model's intruder into the world (e.g. {"rogue": "yes"}):
    # properties marked `intruder: true` are decided with them (pipeline.worlds()).
    intruder: dict = field(default_factory=dict)
    directory: str = ""  # where it was loaded from; set by the loader

    def config(self, flow: str | None = None, settings: dict | None = None, wics: int = 1) -> Config:
        """Validate a flow id and variant settings, and fill in defaults and what the flow fixes."""
        settings = dict(settings or {})
        if flow is not None and flow not in self.flows:
            raise UsageError(f"unknown flow {flow!r}", known=list(self.flows))
        for name, value in settings.items():
            if name not in self.variants:
                raise UsageError(f"unknown variant {name!r}", known=list(self.variants))
            if value not in self.variants[name].values:
                raise UsageError(
                    f"variant {name}: unknown value {value!r}", known=list(self.variants[name].values)
                )
        if not 1 <= wics <= self.max_wics:
            raise UsageError(f"--wics {wics} is outside 1..{self.max_wics} for model {self.name}")
        values = {name: v.default for name, v in self.variants.items()}
        values.update(settings)
        if flow is not None:
            values.update(self.flows[flow].fixes)
        return Config(flow=flow, variant=tuple(sorted(values.items())), wics=wics)
