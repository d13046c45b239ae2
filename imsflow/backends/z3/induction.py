"""Unbounded proofs of state invariants: k-induction, strengthened with proven lemmas and
with an inductive invariant found Houdini-style.

k-induction proves `good` on every reachable state when
  * base:  no state within depth k-1 of the initial state violates it (BMC answers that), and
  * step:  no path of k+1 well-formed states linked by the step relation, whose first k states
           are good and pairwise distinct, ends in a bad state.
Distinct states (a simple path) make it complete for a finite system at a large enough k, but
small k rarely suffices on protocols: an arbitrary well-formed state may hold messages no run
would put in flight.  Two strengthenings cut those states away, both sound because they are
themselves proved to hold on every reachable state:

  * lemmas - invariants proved earlier in the same run (e.g. "no unhandled message"); and
  * an inductive invariant: candidate facts ("while process p is in local state l, process q
    is in one of these states / channel c is empty / holds only these messages") mined from
    states the caller samples, then pruned Houdini-style until their conjunction holds
    initially and is preserved by every step.  How the candidates were chosen does not matter
    for soundness: only the survivors are used, and they are proved.

A proof reports its method and bound; a step case that still fails at the largest k is not a
counterexample (its first state may be unreachable), so the property stays `inconclusive`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import z3

from .bmc import BudgetExceeded
from .encode import Encoding, State, fast_or


@dataclass
class Proof:
    method: str
    k: int

    def text(self) -> str:
        return f"{self.method} (k={self.k})"


class Inductor:
    """k-induction over one encoding, with a list of proven lemmas (functions State -> formula)."""

    def __init__(self, enc: Encoding, *, deadline: float | None = None):
        self.enc = enc
        self.deadline = deadline
        self.lemmas: list = []  # functions State -> formula, each proved invariant
        self.strengthened = False
        self.why_not = ""  # why the last cti_strengthen found no proof
        self.failed: dict = {}  # key -> why cti_strengthen_many proved no such property

    def _solver(self) -> z3.Solver:
        s = z3.SolverFor("QF_BV")
        if self.deadline is not None:
            left = self.deadline - time.perf_counter()
            if left <= 0:
                raise BudgetExceeded("time budget used up")
            s.set("timeout", max(1, int(left * 1000)))
        return s

    def _constrain(self, solver, s: State) -> None:
        solver.add(self.enc.well_formed(s))
        for lemma in self.lemmas:
            solver.add(lemma(s))

    def step_cases(self, goods: dict, k_max: int, tag: str = "k") -> dict:
        """For each key of `goods` (functions State -> formula), the least k <= k_max whose
        induction step holds; keys without one are left out.  One path of k+1 states serves
        every property: each is asked under push/pop.  (The caller must have the base case:
        no violation within depth k-1.)"""
        enc = self.enc
        solver = self._solver()
        path = [enc.state(f"{tag}0")]
        self._constrain(solver, path[0])
        remaining = dict(goods)
        proved: dict = {}
        for k in range(1, k_max + 1):
            if not remaining:
                break
            prev = path[-1]
            nxt = enc.state(f"{tag}{k}")
            self._constrain(solver, nxt)
            solver.add(enc.step(prev, nxt, enc.act(f"act.{tag}{k}")))
            for earlier in path[:-1]:  # a simple path: no state twice
                solver.add(z3.Not(enc.same(earlier, prev)))
            path.append(nxt)
            for key, good in list(remaining.items()):
                solver.push()
                solver.add([good(t) for t in path[:-1]])
                solver.add(z3.Not(good(nxt)))
                r = solver.check()
                solver.pop()
                if r == z3.unsat:
                    proved[key] = k
                    del remaining[key]
                elif r == z3.unknown:
                    raise BudgetExceeded(solver.reason_unknown())
        return proved

    def step_case(self, good, k_max: int, tag: str = "k") -> int | None:
        return self.step_cases({0: good}, k_max, tag).get(0)

    # ---- Houdini -------------------------------------------------------------------------------
    def houdini(self, candidates: list, *, seconds: float | None = 30.0) -> list:
        """The largest subset of `candidates` (functions State -> formula, each true in the
        initial state - lemmas.candidates mines them from samples that include it) whose
        conjunction is preserved by every step from states satisfying the lemmas.  Each round
        drops the candidates a counterexample-to-induction breaks.  Past `seconds` it gives up
        and returns nothing (no lemma is better than an unproved one); `seconds=None`: no time
        bound (each round drops a candidate, so at most len(candidates) rounds)."""
        enc = self.enc
        alive = list(candidates)
        stop = None if seconds is None else time.perf_counter() + seconds
        s, t = enc.state("hs"), enc.state("ht")
        solver = self._solver()
        self._constrain(solver, s)
        solver.add(enc.well_formed(t))
        solver.add(enc.step(s, t, enc.act("act.h")))
        # Each candidate's formulas are built once: a literal switches its assumption on s.
        lits = [z3.Bool(f"houdini.{i}") for i in range(len(alive))]
        after = [cand(t) for cand in alive]
        broken_after = [z3.Not(f) for f in after]  # built once: each round only picks from them
        for lit, cand in zip(lits, alive):
            solver.add(z3.Implies(lit, cand(s)))
        live = list(range(len(alive)))
        while live:
            if stop is not None and time.perf_counter() > stop:
                return []
            solver.push()
            solver.add(fast_or([broken_after[i] for i in live]))
            r = solver.check(*[lits[i] for i in live])
            if r == z3.unknown:
                solver.pop()
                raise BudgetExceeded(solver.reason_unknown())
            if r == z3.unsat:
                solver.pop()
                return [alive[i] for i in live]
            m = solver.model()
            if all(hasattr(alive[i], "holds") for i in live):
                # Read the counterexample's post-state once and test the facts in Python.
                state = enc.concrete(m, t)
                broken = {i for i in live if not alive[i].holds(state, enc.ts)}
            else:
                broken = set()
            if not broken:  # (the Python test and the formula must agree; if not, ask Z3)
                broken = {i for i in live if z3.is_false(m.eval(after[i], model_completion=True))}
            solver.pop()
            live = [i for i in live if i not in broken]
        return []

    def cti_strengthen(self, good, pool: list, init: tuple, *, seconds: float | None = 60.0, per_cti: int = 40,
                       max_rounds: int | None = None):
        """`cti_strengthen_many` for one property: the proved set of facts (a list, possibly
        empty) when good and the set are inductive together, else None (`why_not` says why)."""
        proved, kept = self.cti_strengthen_many({0: good}, pool, init, seconds=seconds, per_cti=per_cti,
                                                max_rounds=max_rounds)
        if 0 not in proved:
            self.why_not = self.failed.get(0, self.why_not)
            return None
        return kept

    def cti_strengthen_many(self, goods: dict, pool: list, init: tuple, *, seconds: float | None = 60.0,
                            per_cti: int = 40, max_rounds: int | None = None) -> tuple:
        """Property-directed strengthening of several properties at once: (keys of `goods`
        proved, the facts of `pool` that prove them).  The facts (lemmas.Exclusion or
        Candidate, true on every sample) are the ones that block counterexamples to induction,
        kept while they can themselves be supported; the properties share them (the facts
        about the pool, the channels and the contexts that one precedence needs, the next
        needs too).  `self.failed` says, per key not proved, why.

        Each round asks for a step from a state satisfying the live goods, the set and the
        lemmas to one that breaks a live good or a fact of the set.  Up to `per_cti` pool facts
        false in the step's first state are added: they exclude it, whether it broke a goal or
        a fact (a fact true on every reachable state but not yet inductive is supported, not
        lost).  With no such fact left the first state may be reachable: the broken facts are
        dropped, and a broken good has no proof this way and leaves the live set.  When no step
        breaks anything, the live goods and the set are inductive together.
        Sound whatever the pool: the final check is Z3's, and every fact holds in `init`.
        Budgets: `seconds` of wall-clock time and/or `max_rounds` rounds (a count, the same on
        every machine: what the tests use); None is no bound of that kind."""
        enc = self.enc
        stop = None if seconds is None else time.perf_counter() + seconds
        pool = [c for c in pool if c.holds(init, enc.ts)]
        self.failed = {}
        self.why_not = ""
        rounds = 0
        s, t = enc.state("cs"), enc.state("ct")
        solver = self._solver()
        self._constrain(solver, s)
        self._constrain(solver, t)
        solver.add(enc.step(s, t, enc.act("act.c")))
        live = list(goods)
        goal_lit, goal_after = {}, {}
        for n, key in enumerate(live):
            goal_lit[key] = z3.Bool(f"cti.goal.{n}")
            solver.add(z3.Implies(goal_lit[key], goods[key](s)))
            goal_after[key] = goods[key](t)
        lit_of: dict = {}  # pool index -> (literal, Not(fact(t)))
        chosen: list = []
        chosen_set: set = set()
        dropped: set = set()
        while live:
            if stop is not None and time.perf_counter() > stop:
                for key in live:
                    self.failed[key] = f"its time slice ({seconds:.0f} s) ran out after {rounds} rounds"
                return set(), []
            if max_rounds is not None and rounds >= max_rounds:
                for key in live:
                    self.failed[key] = f"its round budget ({max_rounds} rounds) ran out"
                return set(), []
            rounds += 1
            for i in chosen:
                if i not in lit_of:
                    lit = z3.Bool(f"cti.{i}")
                    solver.add(z3.Implies(lit, pool[i](s)))
                    lit_of[i] = (lit, z3.Not(pool[i](t)))
            solver.push()
            solver.add(fast_or([z3.Not(goal_after[k]) for k in live] + [lit_of[i][1] for i in chosen]))
            r = solver.check(*([goal_lit[k] for k in live] + [lit_of[i][0] for i in chosen]))
            if r == z3.unknown:
                solver.pop()
                raise BudgetExceeded(solver.reason_unknown())
            if r == z3.unsat:
                solver.pop()
                return set(live), [pool[i] for i in chosen]
            m = solver.model()
            pre, post = enc.concrete(m, s), enc.concrete(m, t)
            broken_goals = [k for k in live if z3.is_false(m.eval(goal_after[k], model_completion=True))]
            solver.pop()
            broken = [i for i in chosen if not pool[i].holds(post, enc.ts)]
            if not broken and not broken_goals:  # (the Python test disagreed with the formula)
                for key in live:
                    self.failed[key] = "a mined fact's two readings disagreed"
                return set(), []
            block = [i for i, c in enumerate(pool) if i not in dropped and i not in chosen_set
                     and not c.holds(pre, enc.ts)]
            # Facts about what the step changes first: they say why this step cannot happen
            # here, where a fact about an unrelated corner of the first state only excludes
            # this one state and the solver finds its neighbour next round.
            block.sort(key=lambda i: not getattr(pool[i], "moved", lambda a, b: False)(pre, post))
            block = block[:per_cti]
            if block:
                chosen += block
                chosen_set.update(block)
                continue
            for key in broken_goals:
                self.failed[key] = (f"after {rounds} rounds, no mined fact excludes a counterexample to "
                                    f"induction ({len(chosen)} facts kept, {len(dropped)} dropped)")
            live = [k for k in live if k not in broken_goals]
            dropped.update(broken)
            chosen = [i for i in chosen if i not in dropped]
            chosen_set.difference_update(broken)
        return set(), []

    def strengthen(self, candidates: list, *, seconds: float = 30.0) -> int:
        """Prove what can be proved of `candidates` and keep it as one lemma; returns how many."""
        kept = self.houdini(candidates, seconds=seconds)
        if kept:
            self.lemmas.append(lambda s, kept=kept: z3.And([c(s) for c in kept]))
        self.strengthened = True
        return len(kept)
