"""Bounded model checking: the step relation unrolled from the initial state, one step at a time.

One incremental solver holds init(s0) and step(s_i, s_i+1, act_i) for every unrolled step;
each question ("can a bad state be at depth i?", "can action a be taken as step i?") is
asked under push/pop.  Asking depth by depth, shallowest first, gives a shortest
counterexample, as the explicit engine's BFS does.  The answer is decoded as the list of
compiled action ids the solver chose (each step's symbolic action, and its member that starts
from that step's state), so traces replay through TransitionSystem.apply unchanged.
"""

from __future__ import annotations

import time

import z3

from ...system.trace import Trace
from .encode import Encoding


class BudgetExceeded(Exception):
    """The solver returned unknown (its time budget ran out): the question is undecided."""


class PhaseOver(Exception):
    """A phase's own time slice ran out (the whole budget has not): the next phase goes on."""


class Unrolling:
    def __init__(self, enc: Encoding, *, deadline: float | None = None):
        self.enc = enc
        self.deadline = deadline
        self.solver = z3.SolverFor("QF_BV")
        s0 = enc.state("0")
        self.states = [s0]
        self.acts = []
        self.enables = []
        self.solver.add(enc.init(s0))
        self.checks = 0
        self.exhausted: int | None = None  # every run ends within this many steps (all searched)
        self.done = -1  # the deepest depth a search has finished

    @property
    def depth(self) -> int:
        return len(self.acts)

    def extend(self) -> None:
        i = len(self.acts)
        t = self.enc.state(str(i + 1))
        act = self.enc.act(f"act@{i}")
        # Each step is switched on by a literal, so a question about depth d assumes only the
        # first d steps: a state at depth d need not have a successor (a deadlock has none).
        on = z3.Bool(f"step@{i}")
        self.solver.add(z3.Implies(on, self.enc.step(self.states[-1], t, act)))
        self.states.append(t)
        self.acts.append(act)
        self.enables.append(on)

    def ensure(self, depth: int) -> None:
        while self.depth < depth:
            self.extend()

    def _set_budget(self, until: float | None) -> bool:
        """Set the solver's timeout; True when the phase's slice `until` is the nearer end."""
        now = time.perf_counter()
        if self.deadline is not None and self.deadline <= now:
            raise BudgetExceeded("time budget used up")
        if until is not None and until <= now:
            raise PhaseOver()
        ends = [t for t in (self.deadline, until) if t is not None]
        if ends:
            self.solver.set("timeout", max(1, int((min(ends) - now) * 1000)))
        else:
            self.solver.set("timeout", 4294967295)
        return until is not None and (self.deadline is None or until < self.deadline)

    def query(self, formula, depth: int | None = None, *, model: bool = True, until: float | None = None):
        """A model of a run of `depth` steps (default: all unrolled) after which `formula`
        holds (or just True when `model` is False: extracting a model is the costly part),
        or None.  Past `until` it raises PhaseOver, past the deadline BudgetExceeded."""
        depth = self.depth if depth is None else depth
        phase_ends_first = self._set_budget(until)
        self.checks += 1
        self.solver.push()
        try:
            self.solver.add(formula)
            r = self.solver.check(*self.enables[:depth])
            if r == z3.sat:
                return self.solver.model() if model else True
            if r == z3.unknown:
                if phase_ends_first:
                    raise PhaseOver()
                raise BudgetExceeded(self.solver.reason_unknown())
            return None
        finally:
            self.solver.pop()

    def trace(self, model, depth: int) -> Trace:
        """The first `depth` steps of the run a model describes, as compiled action ids (what
        Trace, the JSON entries and replay read): each step's group, and the member that starts
        from the state the model has there."""
        actions = [self.enc.action_taken(model, self.states[i], self.acts[i]) for i in range(depth)]
        return Trace(actions, highlight=len(actions) - 1 if actions else None)

    def action_in(self, i: int, aids) -> object:
        """Step i (from depth i to i+1) takes one of the compiled actions `aids`."""
        return self.enc.takes(self.states[i], self.acts[i], aids)


def replays(enc: Encoding, actions: list[int], final=None) -> bool:
    """Is `actions` a run of the encoded system from its initial state (and does `final`, a
    function State -> formula, hold at its end)?  Cross-checks an explicit trace in Z3."""
    solver = z3.SolverFor("QF_BV")
    s = enc.state("r0")
    solver.add(enc.init(s))
    for aid in actions:
        enabled, s = enc.successor(s, aid)
        solver.add(enabled)
    if final is not None:
        solver.add(final(s))
    return solver.check() == z3.sat
