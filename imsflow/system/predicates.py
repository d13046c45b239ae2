"""State predicates (for invariants and goals), as a small AST every back-end can read.

Atoms speak of compiled things only - a process's local-state indices, a channel's message
ids - so the Z3 encoding and the Promela export translate them without knowing the model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from operator import itemgetter


class Pred(ABC):
    @abstractmethod
    def compile(self, ts):
        """A fast Python function state -> bool for the explicit explorer."""

    @abstractmethod
    def slots(self, ts) -> frozenset:
        """The state-tuple slots the predicate reads."""

    def compile_memo(self, ts):
        """`compile`, remembered per value of the slots it reads: an invariant is tested on
        every new state, but usually reads one or two processes whose local states repeat."""
        test = self.compile(ts)
        read = sorted(self.slots(ts))
        if not read:
            value = test(ts.initial_state())
            return lambda s: value
        key_of = itemgetter(*read)
        memo = {}

        def cached(s):
            key = key_of(s)
            hit = memo.get(key)
            if hit is None:
                hit = memo[key] = test(s)
            return hit

        return cached

    def text(self) -> str:
        return repr(self)


@dataclass(frozen=True)
class LocalIn(Pred):
    """Process `proc` is in one of `states` (None: any) with variable `var` in `values`.
    Stated over control states and values, not local indices, because local states are
    discovered on demand; `indices(ts)` gives the index set once the tables are complete."""

    proc: int
    states: frozenset | None = None
    var: str | None = None
    values: frozenset | None = None
    label: str = ""
    index: int | None = None  # an element of a tuple-valued variable (a binding table)

    def holds_for(self, proc, local_index: int) -> bool:
        """True when some view (the process, or one of its per-WIC contexts) satisfies both the
        state and the variable condition."""
        for _, control, vals in proc.views(local_index):
            if self.states is not None and control not in self.states:
                continue
            if self.var is not None:
                v = vals[self.var]
                if self.index is not None:
                    v = v[self.index]
                if v not in self.values and str(v) not in {str(x) for x in self.values}:
                    continue
            return True
        return False

    def slots(self, ts) -> frozenset:
        return frozenset({self.proc})

    def indices(self, ts) -> frozenset:
        proc = ts.processes[self.proc]
        return frozenset(i for i in range(len(proc.locals)) if self.holds_for(proc, i))

    def compile(self, ts):
        p, proc, cache = self.proc, ts.processes[self.proc], {}

        def test(s):
            li = s[p]
            hit = cache.get(li)
            if hit is None:
                hit = cache[li] = self.holds_for(proc, li)
            return hit

        return test

    def text(self):
        return self.label or f"p{self.proc} in {sorted(self.states or [])}"


@dataclass(frozen=True)
class ChannelHolds(Pred):
    """Channel `channel` holds a message named `message` (any field values)."""

    channel: int
    message: str
    label: str = ""

    def slots(self, ts) -> frozenset:
        return frozenset({ts.n + self.channel})

    def compile(self, ts):
        slot, name, messages = ts.n + self.channel, self.message, ts.messages
        return lambda s: any(messages[m].name == name for m in s[slot])

    def text(self):
        return self.label or f"channel {self.channel} holds {self.message}"


@dataclass(frozen=True)
class And(Pred):
    parts: tuple

    def slots(self, ts) -> frozenset:
        return frozenset().union(*(p.slots(ts) for p in self.parts))

    def compile(self, ts):
        fs = [p.compile(ts) for p in self.parts]
        return lambda s: all(f(s) for f in fs)

    def text(self):
        return "(" + " and ".join(p.text() for p in self.parts) + ")"


@dataclass(frozen=True)
class Or(Pred):
    parts: tuple

    def slots(self, ts) -> frozenset:
        return frozenset().union(*(p.slots(ts) for p in self.parts))

    def compile(self, ts):
        fs = [p.compile(ts) for p in self.parts]
        return lambda s: any(f(s) for f in fs)

    def text(self):
        return "(" + " or ".join(p.text() for p in self.parts) + ")"


@dataclass(frozen=True)
class Not(Pred):
    part: Pred

    def slots(self, ts) -> frozenset:
        return self.part.slots(ts)

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

    def slots(self, ts) -> frozenset:
        return frozenset().union(*(p.slots(ts) for p in self.parts))

    def compile(self, ts):
        fs = [p.compile(ts) for p in self.parts]
        k = self.count
        return lambda s: sum(1 for f in fs if f(s)) >= k

    def text(self):
        return f"at least {self.count} of [" + ", ".join(p.text() for p in self.parts) + "]"


TRUE = And(())
FALSE = Or(())
