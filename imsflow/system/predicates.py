"""State predicates (for invariants and goals), as a small AST every back-end can read.

Atoms speak of compiled things only - a process's local-state indices, a channel's message
ids - so the Z3 encoding and the Promela export translate them without knowing the model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class Pred(ABC):
    @abstractmethod
    def compile(self, ts):
        """A fast Python function state -> bool for the explicit explorer."""

    def text(self) -> str:
        return repr(self)


@dataclass(frozen=True)
class LocalIn(Pred):
    proc: int
    locals: frozenset
    label: str = ""

    def compile(self, ts):
        p, allowed = self.proc, self.locals
        return lambda s: s[p] in allowed

    def text(self):
        return self.label or f"p{self.proc} in {sorted(self.locals)}"


@dataclass(frozen=True)
class ChannelHolds(Pred):
    channel: int
    msgs: frozenset
    label: str = ""

    def compile(self, ts):
        slot, msgs = ts.n + self.channel, self.msgs
        return lambda s: any(m in msgs for m in s[slot])

    def text(self):
        return self.label or f"channel {self.channel} holds {sorted(self.msgs)}"


@dataclass(frozen=True)
class And(Pred):
    parts: tuple

    def compile(self, ts):
        fs = [p.compile(ts) for p in self.parts]
        return lambda s: all(f(s) for f in fs)

    def text(self):
        return "(" + " and ".join(p.text() for p in self.parts) + ")"


@dataclass(frozen=True)
class Or(Pred):
    parts: tuple

    def compile(self, ts):
        fs = [p.compile(ts) for p in self.parts]
        return lambda s: any(f(s) for f in fs)

    def text(self):
        return "(" + " or ".join(p.text() for p in self.parts) + ")"


@dataclass(frozen=True)
class Not(Pred):
    part: Pred

    def compile(self, ts):
        f = self.part.compile(ts)
        return lambda s: not f(s)

    def text(self):
        return f"not {self.part.text()}"


@dataclass(frozen=True)
class AtLeast(Pred):
    """At least `count` of `parts` hold (e.g. one identity bound to two WICs)."""

    count: int
    parts: tuple

    def compile(self, ts):
        fs = [p.compile(ts) for p in self.parts]
        k = self.count
        return lambda s: sum(1 for f in fs if f(s)) >= k

    def text(self):
        return f"at least {self.count} of [" + ", ".join(p.text() for p in self.parts) + "]"


TRUE = And(())
FALSE = Or(())
