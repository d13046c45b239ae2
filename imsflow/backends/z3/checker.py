"""The Z3 back-end: bounded model checking for violations and witnesses, k-induction for proofs.

Same interface as the explicit engine (`check(ts, properties, goals=...) -> (outcomes, stats)`)
over the same TransitionSystem.  Per property kind:

  invariant, absence, deadlock, handled
      a bad state found within the depth bound -> violated (shortest trace);
      proved by k-induction (plain, then strengthened) -> holds, with the method and k;
      otherwise inconclusive ("no violation up to depth K").
  precedence, only-from
      as above for the monitor's error; and a *trigger* action must be taken within the bound
      for `holds` - if induction proves no trigger is ever enabled, the verdict is vacuous,
      exactly as the explicit engine says when its complete search never took a trigger.
  reachability, flow-reachable
      a witness within the bound -> holds (flow-reachable: in the seed's step order);
      the goal proved never enabled -> violated; otherwise inconclusive.
  response (liveness under fairness)
      not encoded: always inconclusive, with that reason.

Known limits: a proof needs an inductive strengthening that the mined lemmas may not give;
then the verdict is `inconclusive`, never `holds`.  Response properties are not decided.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import z3

from ...patterns.bind import match_event
from ...patterns.verdict import Verdict
from ..explore.checker import Outcome
from .bmc import BudgetExceeded, Unrolling
from .encode import Encoding
from .induction import Inductor
from .lemmas import candidates, sample_states

DEFAULT_DEPTH = 40
PLAIN_K = 2  # k-induction without mined lemmas: cheap, tried first
STRONG_K = 4  # after strengthening


@dataclass
class _Query:
    """One BMC question: a bad/goal state at depth d ('state'), or a step into depth d taking
    one of `aids` ('action').  `hit` is the first trace found."""

    key: tuple
    kind: str  # "state" | "action"
    formula: object = None  # State -> formula, for "state"
    aids: frozenset = frozenset()  # for "action"
    min_depth: int = 0
    hit: object = None
    hit_depth: int | None = None
    searched_by: object = None  # the Unrolling that searched it

    def at(self, unrolling: Unrolling, d: int):
        if self.kind == "state":
            return self.formula(unrolling.states[d])
        return unrolling.action_in(d - 1, self.aids)


@dataclass
class _Session:
    """Everything the engine learns about one system in one check() call."""

    ts: object
    deadline: float | None
    depth: int
    enc: Encoding = None
    bmc: Unrolling = None
    ind: Inductor = None
    proved: dict = field(default_factory=dict)  # good-key -> Proof text
    budget_note: str = ""
    lemma_count: int | None = None
    bmc_done: int = -1  # deepest depth fully searched

    def __post_init__(self):
        self.enc = Encoding(self.ts)
        self.bmc = Unrolling(self.enc, deadline=self.deadline)
        self.ind = Inductor(self.enc, deadline=self.deadline)


class Z3Checker:
    """BMC to `depth` steps, k-induction for proofs; `timeout` bounds the whole check."""

    name = "z3"

    def __init__(self, depth: int | None = None, timeout: float | None = None, *, strengthen: bool = True,
                 sample_limit: int = 20_000, houdini_seconds: float = 15.0):
        self.depth = DEFAULT_DEPTH if depth is None else depth
        self.timeout = timeout
        self.strengthen = strengthen
        self.sample_limit = sample_limit
        self.houdini_seconds = houdini_seconds

    def check(self, ts, properties, *, goals: dict | None = None, label: str = ""):
        start = time.perf_counter()
        deadline = start + self.timeout if self.timeout else None
        sess = _Session(ts, deadline, self.depth)
        goals = goals or {}
        plans = [self._plan(sess, prop, goals.get(prop.id)) for prop in properties]
        try:
            self._prove_first(sess, plans)
            self._bmc(sess, plans)
            self._prove_rest(sess, plans)
        except BudgetExceeded as exc:
            sess.budget_note = f"the time budget ran out ({exc})"
        outcomes = [self._verdict(sess, plan) for plan in plans]
        stats = {
            "states": 0, "transitions": 0, "seconds": round(time.perf_counter() - start, 3),
            "depth": max(sess.bmc_done, 0), "solver_checks": sess.bmc.checks,
        }
        if sess.lemma_count is not None:
            stats["lemmas"] = sess.lemma_count
        return outcomes, stats

    # ---- what each property asks ---------------------------------------------------------------
    def _plan(self, sess: _Session, prop, goal) -> dict:
        enc, ts = sess.enc, sess.ts
        plan = {"prop": prop, "queries": {}, "goods": {}}
        kind = prop.kind

        def safety(bad):
            plan["queries"]["bad"] = _Query((prop.id, "bad"), "state", bad)
            plan["goods"]["bad"] = lambda s: z3.Not(bad(s))

        if kind == "invariant":
            pred = dict(ts.invariants).get(prop.id)
            if pred is None:
                plan["skip"] = "the property was not compiled into this system"
            else:
                safety(lambda s, pred=pred: enc.pred(s, pred))
        elif kind in ("absence", "precedence", "only-from"):
            mk = next((i for i, m in enumerate(ts.monitors) if m.property == prop.id), None)
            if mk is None:
                plan["skip"] = "the property was not compiled into this system"
            else:
                safety(lambda s, mk=mk: enc.monitor_error(s, mk))
                if kind != "absence":
                    self._reach(plan, "trigger", ts.monitors[mk].triggers, enc)
        elif kind == "deadlock":
            safety(enc.deadlock)
        elif kind == "handled":
            safety(enc.unhandled)
        elif kind in ("reachability", "flow-reachable"):
            spec = dict(prop.spec)
            if goal is not None:
                spec["goal"] = goal
            if "goal" in spec:
                aids = frozenset(a for a in range(len(ts.actions)) if match_event(spec["goal"], ts, a) is not None)
                self._reach(plan, "goal", aids, enc)
                if kind == "flow-reachable":
                    plan["ordered_aids"] = aids
            else:
                from ...patterns.bind import build_pred

                pred = build_pred(spec["goal_state"], ts, prop)
                plan["queries"]["goal"] = _Query((prop.id, "goal"), "state", lambda s, p=pred: enc.pred(s, p))
                plan["goods"]["goal"] = lambda s, p=pred: z3.Not(enc.pred(s, p))
        elif kind == "response":
            plan["skip"] = "the Z3 engine does not decide response (liveness under fairness) properties"
        else:
            plan["skip"] = f"the Z3 engine does not check kind {kind!r}"
        return plan

    @staticmethod
    def _reach(plan, role, aids, enc):
        """A query 'some action of aids is taken', and the invariant 'none is ever enabled'."""
        plan["queries"][role] = _Query((plan["prop"].id, role), "action", aids=frozenset(aids), min_depth=1)
        plan["goods"][role] = lambda s, aids=sorted(aids): z3.Not(z3.And(
            z3.Not(enc.unhandled(s)), enc.some_enabled(s, aids)))

    # ---- phases ----------------------------------------------------------------------------------
    def _prove_first(self, sess, plans) -> None:
        """Plain k-induction on every safety property before any deep unrolling: a property
        proved here needs BMC only to depth k-1 (the base case)."""
        self._prove(sess, [(plan, "bad") for plan in plans if "bad" in plan["goods"]], PLAIN_K, "k-induction")

    def _prove(self, sess, items, k_max, method) -> None:
        """k-induction for (plan, role) items at once; the base case by BMC; each proof
        becomes a lemma for the next attempts."""
        goods = {(plan["prop"].id, role): plan["goods"][role] for plan, role in items
                 if (plan["prop"].id, role) not in sess.proved}
        if not goods:
            return
        ks = sess.ind.step_cases(goods, k_max, tag=f"{len(sess.ind.lemmas)}.")
        for key, k in sorted(ks.items(), key=lambda kv: kv[1]):
            good = goods[key]
            if any(self._base_fails(sess, good, d) for d in range(k)):
                continue  # a real violation within the base: BMC reports it
            sess.proved[key] = f"{method}, k={k}"
            sess.ind.lemmas.append(good)  # proved on every reachable state: a sound lemma

    @staticmethod
    def _base_fails(sess, good, d) -> bool:
        sess.bmc.ensure(d)
        return sess.bmc.query(z3.Not(good(sess.bmc.states[d])), d, model=False) is not None

    def _bmc(self, sess, plans) -> None:
        queries = []
        for plan in plans:
            for role, q in plan["queries"].items():
                if (plan["prop"].id, role) in sess.proved and role == "bad":
                    continue  # proved: no counterexample to look for
                if role == "goal" and "ordered_aids" in plan:
                    continue  # flow-reachable: searched in step order below
                queries.append(q)
        ordered = [plan for plan in plans if "ordered_aids" in plan]
        self._search(sess, sess.bmc, queries, record=True)
        for plan in ordered:
            enc = Encoding(sess.ts, ordered=True)
            unrolling = Unrolling(enc, deadline=sess.deadline)
            q = _Query((plan["prop"].id, "ordered"), "action", aids=plan["ordered_aids"], min_depth=1)
            plan["queries"]["ordered"] = q
            self._search(sess, unrolling, [q], record=False)
            sess.bmc.checks += unrolling.checks
            if q.hit is None:
                # Out of order, or not at all? Look for the goal without the order too.
                gq = plan["queries"]["goal"]
                self._search(sess, sess.bmc, [gq], record=False)
            plan["ordered_enc"] = enc

    def _search(self, sess, unrolling, queries, *, record: bool) -> None:
        """Depth by depth, shallowest first: the first hit of each query is a shortest run."""
        open_q = [q for q in queries if q.hit is None]
        for q in open_q:
            q.searched_by = unrolling
        for d in range(sess.depth + 1):
            if not open_q:
                break
            unrolling.ensure(d)
            if d > 0 and unrolling.query(z3.BoolVal(True), d, model=False) is None:
                # No run has d steps: every reachable state was within depth d-1, all searched.
                unrolling.exhausted = d - 1
                break
            live = [q for q in open_q if d >= q.min_depth]
            while live:
                formulas = [q.at(unrolling, d) for q in live]
                model = unrolling.query(z3.Or(formulas), d)
                if model is None:
                    break
                trace = unrolling.trace(model, d)
                found = [q for q, f in zip(live, formulas) if z3.is_true(model.eval(f, model_completion=True))]
                for q in found:
                    q.hit, q.hit_depth = trace, d
                live = [q for q in live if q.hit is None]
            open_q = [q for q in open_q if q.hit is None]
            if record:
                sess.bmc_done = d

    def _prove_rest(self, sess, plans) -> None:
        """Strengthened k-induction for what BMC left open: violations not found, triggers or
        goals not reached (to prove they never happen)."""
        for plan in plans:
            # Where every run ends within the bound, BMC has seen every reachable state: what
            # it did not find does not exist.
            for role, q in plan["queries"].items():
                unr = q.searched_by
                if q.hit is None and unr is not None and unr.exhausted is not None:
                    sess.proved.setdefault((plan["prop"].id, role), "bounded model checking of every run "
                                           f"(no run is longer than {unr.exhausted} steps)")
        todo = []
        for plan in plans:
            q = plan["queries"]
            if "bad" in q and q["bad"].hit is None and (plan["prop"].id, "bad") not in sess.proved:
                todo.append((plan, "bad"))
            for role in ("trigger", "goal"):
                if role in q and q[role].hit is None and (role != "goal" or "ordered_aids" not in plan
                                                          or q["ordered"].hit is None):
                    todo.append((plan, role))
        if not todo:
            return
        # Plain first (cheap, with what is proved so far as lemmas), then strengthened.
        self._prove(sess, todo, PLAIN_K, "k-induction")
        todo = [(p, r) for p, r in todo if (p["prop"].id, r) not in sess.proved]
        if todo and self.strengthen:
            budget = None if sess.deadline is None else max(0.5, (sess.deadline - time.perf_counter()) / 4)
            states = sample_states(sess.ts, limit=self.sample_limit, seconds=min(budget or 5.0, 5.0))
            sess.lemma_count = sess.ind.strengthen(candidates(sess.enc, states), seconds=self.houdini_seconds)
            self._prove(sess, todo, STRONG_K, f"k-induction strengthened with {sess.lemma_count} proved lemmas")
        for plan in plans:
            if "ordered_aids" in plan and plan["queries"]["ordered"].hit is None \
                    and plan["queries"]["goal"].hit is not None:
                self._prove_ordered_never(sess, plan)

    def _prove_ordered_never(self, sess, plan) -> None:
        """The goal is reachable but no in-order run was found: prove none exists."""
        enc = plan["ordered_enc"]
        ind = Inductor(enc, deadline=sess.deadline)
        aids = sorted(plan["ordered_aids"])

        def good(s):
            return z3.Not(z3.And(z3.Not(enc.unhandled(s)), enc.some_enabled(s, aids)))

        k = ind.step_case(good, STRONG_K, tag=f"{plan['prop'].id}.ord.")
        if k is None:
            return
        unrolling = Unrolling(enc, deadline=sess.deadline)
        for d in range(k):
            unrolling.ensure(d)
            if unrolling.query(z3.Not(good(unrolling.states[d])), d, model=False):
                return
        sess.proved[(plan["prop"].id, "ordered")] = f"k-induction, k={k}"

    # ---- verdicts ----------------------------------------------------------------------------------
    def _verdict(self, sess, plan) -> Outcome:
        prop = plan["prop"]
        pid, kind = prop.id, prop.kind
        if "skip" in plan:
            return Outcome(pid, Verdict.INCONCLUSIVE, plan["skip"])
        q = plan["queries"]
        proved = sess.proved
        bound = sess.bmc_done
        limit = f"searched to depth {bound}" if bound >= 0 else "no depth fully searched"
        if sess.budget_note:
            limit += f"; {sess.budget_note}"
        details = {"depth": bound}
        if kind in ("reachability", "flow-reachable"):
            return self._reach_verdict(sess, plan, limit, details)
        bad = q["bad"]
        if bad.hit is not None:
            return Outcome(pid, Verdict.VIOLATED, _violation_reason(kind, sess, bad), bad.hit,
                           dict(details, method="bmc", at_depth=bad.hit_depth))
        if kind in ("precedence", "only-from"):
            trig = q["trigger"]
            if (pid, "trigger") in proved:
                return Outcome(pid, Verdict.VACUOUS,
                               f"the triggering event never happens in any reachable run "
                               f"(proved by {proved[(pid, 'trigger')]})", None,
                               dict(details, method=proved[(pid, "trigger")]))
            if (pid, "bad") in proved and trig.hit is not None:
                return Outcome(pid, Verdict.HOLDS, f"proved by {proved[(pid, 'bad')]}", None,
                               dict(details, method=proved[(pid, "bad")]))
            if (pid, "bad") in proved:
                return Outcome(pid, Verdict.INCONCLUSIVE,
                               f"never violated (proved by {proved[(pid, 'bad')]}), but its trigger was not "
                               f"reached and not proved unreachable; {limit}", None, details)
            return Outcome(pid, Verdict.INCONCLUSIVE, f"no violation up to depth {bound}, no proof; {limit}",
                           None, details)
        if (pid, "bad") in proved:
            return Outcome(pid, Verdict.HOLDS, f"proved by {proved[(pid, 'bad')]}", None,
                           dict(details, method=proved[(pid, "bad")]))
        return Outcome(pid, Verdict.INCONCLUSIVE, f"no violation up to depth {bound}, no proof; {limit}",
                       None, details)

    def _reach_verdict(self, sess, plan, limit, details) -> Outcome:
        pid = plan["prop"].id
        q = plan["queries"]
        proved = sess.proved
        if "ordered_aids" in plan:
            ordered = q["ordered"]
            if ordered.hit is not None:
                return Outcome(pid, Verdict.HOLDS, "", ordered.hit, dict(details, method="bmc"))
        goal = q["goal"]
        if goal.hit is not None and "ordered_aids" not in plan:
            return Outcome(pid, Verdict.HOLDS, "", goal.hit, dict(details, method="bmc"))
        if (pid, "goal") in proved:
            return Outcome(pid, Verdict.VIOLATED,
                           f"the goal is unreachable: no run gets there (proved by {proved[(pid, 'goal')]})",
                           None, dict(details, method=proved[(pid, "goal")]))
        if goal.hit is not None and (pid, "ordered") in proved:
            return Outcome(pid, Verdict.VIOLATED,
                           "the flow completes only out of the seed's step order (shortest run shown)",
                           goal.hit, dict(details, method=proved[(pid, "ordered")]))
        if goal.hit is not None:
            return Outcome(pid, Verdict.INCONCLUSIVE,
                           f"the goal is reachable, but no in-order witness was found up to depth {sess.depth} "
                           f"and none was proved impossible; {limit}", goal.hit, details)
        return Outcome(pid, Verdict.INCONCLUSIVE,
                       f"goal not reached up to depth {sess.depth} and not proved unreachable; {limit}", None, details)


def _violation_reason(kind, sess, query) -> str:
    base = {
        "invariant": "a reachable state satisfies the forbidden condition",
        "absence": "the forbidden event happens",
        "precedence": "the 'then' event happens before its 'first' event",
        "only-from": "the message is accepted from a sender that is not allowed",
        "deadlock": "deadlock: nothing can move and not every process is in an end state",
        "handled": "a message arrives that its receiver has no transition for",
    }.get(kind, "violated")
    return f"{base} (found by bounded model checking at depth {query.hit_depth})"
