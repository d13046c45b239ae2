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
    def houdini(self, candidates: list, *, seconds: float = 30.0) -> list:
        """The largest subset of `candidates` (functions State -> formula, each true in the
        initial state - lemmas.candidates mines them from samples that include it) whose
        conjunction is preserved by every step from states satisfying the lemmas.  Each round
        drops the candidates a counterexample-to-induction breaks.  Past `seconds` it gives up
        and returns nothing (no lemma is better than an unproved one)."""
        enc = self.enc
        alive = list(candidates)
        stop = time.perf_counter() + seconds
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
            if time.perf_counter() > stop:
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

    def cti_strengthen(self, good, pool: list, init: tuple, *, seconds: float = 60.0, per_cti: int = 40):
        """Property-directed strengthening: the facts of `pool` (lemmas.Candidate, true on
        every sample) that block the counterexamples to induction of `good`, kept only while
        they are themselves preserved (Houdini on a small, growing set).  Returns the proved
        set (a list, possibly empty) when good ∧ set is inductive, else None.

        Each round asks for a step from a state satisfying good, the set and the lemmas to one
        that breaks good or a fact of the set.  A fact broken after the step is dropped for
        good; if good breaks, up to `per_cti` pool facts false in the step's first state are
        added (they exclude it).  With no such fact left, the CTI cannot be blocked: None.
        Sound whatever the pool: the final check is Z3's, and every fact holds in `init`."""
        enc = self.enc
        stop = time.perf_counter() + seconds
        pool = [c for c in pool if c.holds(init, enc.ts)]
        self.why_not = ""
        rounds = 0
        s, t = enc.state("cs"), enc.state("ct")
        solver = self._solver()
        self._constrain(solver, s)
        self._constrain(solver, t)
        solver.add(enc.step(s, t, enc.act("act.c")))
        solver.add(good(s))
        bad_after = z3.Not(good(t))
        lit_of: dict = {}  # pool index -> (literal, Not(fact(t)))
        chosen: list = []
        dropped: set = set()
        while True:
            if time.perf_counter() > stop:
                self.why_not = f"its time slice ({seconds:.0f} s) ran out after {rounds} rounds"
                return None
            rounds += 1
            for i in chosen:
                if i not in lit_of:
                    lit = z3.Bool(f"cti.{i}")
                    solver.add(z3.Implies(lit, pool[i](s)))
                    lit_of[i] = (lit, z3.Not(pool[i](t)))
            solver.push()
            solver.add(fast_or([bad_after] + [lit_of[i][1] for i in chosen]))
            r = solver.check(*[lit_of[i][0] for i in chosen])
            if r == z3.unknown:
                solver.pop()
                raise BudgetExceeded(solver.reason_unknown())
            if r == z3.unsat:
                solver.pop()
                return [pool[i] for i in chosen]
            m = solver.model()
            pre, post = enc.concrete(m, s), enc.concrete(m, t)
            broken_goal = z3.is_false(m.eval(good(t), model_completion=True))
            solver.pop()
            broken = [i for i in chosen if not pool[i].holds(post, enc.ts)]
            if broken:
                dropped.update(broken)
                chosen = [i for i in chosen if i not in dropped]
                continue
            if not broken_goal:  # (the Python test disagreed with the formula: stop here)
                self.why_not = "a mined fact's two readings disagreed"
                return None
            block = [i for i, c in enumerate(pool) if i not in dropped and i not in chosen
                     and not c.holds(pre, enc.ts)][:per_cti]
            if not block:
                self.why_not = (f"after {rounds} rounds, no mined fact excludes a counterexample to "
                                f"induction ({len(chosen)} facts kept, {len(dropped)} dropped)")
                return None
            chosen += block

    def strengthen(self, candidates: list, *, seconds: float = 30.0) -> int:
        """Prove what can be proved of `candidates` and keep it as one lemma; returns how many."""
        kept = self.houdini(candidates, seconds=seconds)
        if kept:
            self.lemmas.append(lambda s, kept=kept: z3.And([c(s) for c in kept]))
        self.strengthened = True
        return len(kept)
