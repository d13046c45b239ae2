"""Properties lowered, once, into typed obligations over one compiled system.

A property file speaks of kinds (`precedence`, `response`, ...) and event patterns; a back-end
should not.  `lowering.lower(properties, ts, flow=...)` turns each property that applies into one frozen
obligation object that says *what must be decided* in the compiled system's own terms - a
monitor slot, a state predicate, a set of actions - and nothing about how the property was
written.  Every back-end (explicit, Z3, Promela/SPIN) branches once on the obligation's type:

    Never(predicate)                      no reachable state satisfies `predicate`
    MonitorOk(monitor, needs_trigger)     the monitor never reaches ERR; with `needs_trigger`
                                          the verdict is vacuous when no trigger action is
                                          ever taken (precedence, only-from)
    Respond(monitor, fairness)            every request the monitor arms is eventually disarmed,
                                          on every fair run (liveness)
    Reach(goal | goal_state, ordered,     some run takes a goal action / reaches a goal state;
          restart_after)                  `ordered`: in the seed's step order (flow-reachable)
    NoDeadlock()                          no reachable state has pending work and no move
    AllHandled()                          no message arrives that its receiver cannot take

Each carries the property id it answers, the wording a verdict uses (`violation`, `trigger`)
and its `Budget` (the limits of the request that asked for it).  The kind strings live in
this package only; back-ends and renderers read obligations.  This module holds the types
alone (it imports neither the property files' format nor the binder), so every back-end and
renderer may import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from typing import Callable

from ..system.predicates import Pred


@dataclass(frozen=True)
class Budget:
    """The limits a back-end works within for one obligation (None: the engine's default)."""

    max_states: int | None = None
    timeout: float | None = None
    depth: int | None = None


@dataclass(frozen=True)
class Obligation:
    property: str
    budget: Budget = field(default_factory=Budget, compare=False)

    #: How a violation is worded in a verdict's reason.
    violation = "violated"

    @property
    def observes_monitor(self) -> int | None:
        """The monitor slot the obligation reads, if any."""
        return None


@dataclass(frozen=True)
class Never(Obligation):
    """An invariant: no reachable state satisfies `predicate`."""

    predicate: Pred | None = None
    violation = "a reachable state satisfies the forbidden condition"


@dataclass(frozen=True)
class MonitorOk(Obligation):
    """The safety monitor `monitor` (index into ts.monitors) never reaches ERR."""

    monitor: int = -1
    needs_trigger: bool = False
    trigger: str = "triggering event"  # what "vacuous" says never happens
    violation_text: str = "violated"

    @property
    def violation(self) -> str:  # type: ignore[override]
        return self.violation_text

    @property
    def observes_monitor(self) -> int | None:
        return self.monitor


@dataclass(frozen=True)
class Respond(Obligation):
    """Every request armed on monitor `monitor` is eventually answered, under `fairness`."""

    monitor: int = -1
    fairness: str = "weak"  # weak fairness per (process, event or input channel)
    trigger: str = "'trigger' event"
    violation = "a request is never answered on a fair run"

    @property
    def observes_monitor(self) -> int | None:
        return self.monitor


class GoalActions:
    """The actions that reach a goal, decided per action id as the tables grow (a set whose
    members are computed on demand; `in` is all a back-end uses)."""

    def __init__(self, test: Callable[[int], bool], label: str):
        self._test, self.label = test, label
        self._memo: dict = {}

    def __contains__(self, aid: int) -> bool:
        hit = self._memo.get(aid)
        if hit is None:
            hit = self._memo[aid] = bool(self._test(aid))
        return hit

    def among(self, aids) -> frozenset:
        return frozenset(a for a in aids if a in self)

    def __repr__(self) -> str:
        return f"GoalActions({self.label})"


@dataclass(frozen=True)
class Reach(Obligation):
    """Some run takes an action of `goal` (or reaches a state of `goal_state`)."""

    goal: GoalActions | None = field(default=None, compare=False)
    goal_state: Pred | None = None
    ordered: bool = False  # in the seed's step order
    restart_after: frozenset = frozenset()  # steps after which the order may start again
    violation = "the goal is unreachable: no run gets there"


@dataclass(frozen=True)
class NoDeadlock(Obligation):
    violation = "deadlock: nothing can move and not every process is in an end state"


@dataclass(frozen=True)
class AllHandled(Obligation):
    violation = "a message arrives that its receiver has no transition for"
