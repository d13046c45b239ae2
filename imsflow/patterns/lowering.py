"""Lowering: properties (patterns/spec.py) -> typed obligations (patterns/obligations.py).

The one place where a property's kind is read.  `lower` runs once per compiled system, after
the binder has composed the properties' monitors and invariant predicates into it, and hands
every back-end the same frozen obligations.
"""

from __future__ import annotations

from .bind import build_pred, match_event
from .obligations import AllHandled, Budget, GoalActions, MonitorOk, Never, NoDeadlock, Obligation, Reach, Respond
from .spec import FLOW_REACHABLE, Property

# The kinds of properties/*.yaml, grouped by the obligation each lowers to.
_MONITORED_SAFETY = ("absence", "precedence", "only-from")
_NEEDS_TRIGGER = ("precedence", "only-from")


def _goal(ts, pattern: dict, label: str) -> GoalActions:
    return GoalActions(lambda aid: match_event(pattern, ts, aid) is not None, label)


_VIOLATION = {
    "absence": "the forbidden event happens",
    "precedence": "the 'then' event happens before its 'first' event",
    "only-from": "the message is accepted from a sender that is not allowed",
}
_TRIGGER = {"precedence": "'then' event", "only-from": "'accept' event"}


def lower(properties, ts, *, flow=None, budget: Budget | None = None) -> list[Obligation]:
    """One obligation per property, over `ts` (already compiled with these properties'
    monitors and invariants).  `flow` (authoring.Flow) supplies flow-reachable's goal and
    its restart steps; without a flow that property has nothing to reach and is left out."""
    budget = budget or Budget()
    monitors = {mon.property: k for k, mon in enumerate(ts.monitors)}
    invariants = dict(ts.invariants)
    out = []
    for prop in properties:
        ob = _lower_one(prop, ts, flow, budget, monitors, invariants)
        if ob is not None:
            out.append(ob)
    return out


def _lower_one(prop: Property, ts, flow, budget, monitors, invariants) -> Obligation | None:
    kind, pid = prop.kind, prop.id
    if kind == "invariant":
        return Never(pid, budget, predicate=invariants[pid])
    if kind in _MONITORED_SAFETY:
        return MonitorOk(pid, budget, monitor=monitors[pid], needs_trigger=kind in _NEEDS_TRIGGER,
                         trigger=_TRIGGER.get(kind, "triggering event"), violation_text=_VIOLATION[kind])
    if kind == "response":
        return Respond(pid, budget, monitor=monitors[pid])
    if kind == "deadlock":
        return NoDeadlock(pid, budget)
    if kind == "handled":
        return AllHandled(pid, budget)
    if kind == FLOW_REACHABLE:
        if flow is None:
            return None
        return Reach(pid, budget, goal=_goal(ts, flow.goal, f"end of flow {flow.id}"), ordered=True,
                     restart_after=frozenset(flow.restart_after))
    if kind == "reachability":
        spec = prop.spec
        if "goal" in spec:
            return Reach(pid, budget, goal=_goal(ts, spec["goal"], pid))
        return Reach(pid, budget, goal_state=build_pred(spec["goal_state"], ts, prop))
    raise AssertionError(f"property {pid!r}: kind {kind!r} has no obligation")  # spec.KINDS is closed


def needs_flow(prop: Property) -> bool:
    """Is the property about a flow (so it has nothing to check on a model without flows)?"""
    return prop.kind == FLOW_REACHABLE
