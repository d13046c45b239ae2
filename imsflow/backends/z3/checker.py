"""The Z3 back-end: k-induction for proofs, bounded model checking for violations and witnesses.

The Backend protocol (`check(ts, obligations) -> (outcomes, stats)`, backends/protocol.py) over
the same TransitionSystem as the explicit engine.  The phases, cheapest first, each on what is still open:

  1. plain k-induction (k <= 2) on every safety property;
  2. shallow BMC, depth by depth (shortest counterexamples and witnesses), for a slice of the
     time budget - an unrolling of an asynchronous system gets exponentially harder with
     depth, so deep questions are left to the next phases;
  3. simulation: a budgeted walk of the system proposes runs to the triggers, goals and bad
     states BMC has not reached; a run counts only once it replays step by step in the Z3
     encoding (bmc.replays), and the result says it was found this way;
  4. strengthening, one property at a time: exclusion facts mined from the simulated states
     that block the property's counterexamples to induction (induction.cti_strengthen_many),
     then Houdini over candidate lemmas and k-induction (k <= 4) for what is left;
  5. deep BMC, depth by depth, with what is left of the budget.

Per obligation (patterns/obligations.py):

  Never, MonitorOk without a trigger, NoDeadlock, AllHandled
      a bad state reached -> violated (with the run); proved -> holds, with method and k;
      otherwise inconclusive, saying how deep BMC searched.
  MonitorOk with `needs_trigger` (precedence, only-from)
      as above for the monitor's error; `holds` also needs a run that takes a *trigger*
      action - if induction proves no trigger is ever enabled, the verdict is vacuous, as the
      explicit engine says when its complete search never took a trigger.
  Reach
      a run to the goal (`ordered`: in the seed's step order) -> holds; the goal proved
      never enabled -> violated; otherwise inconclusive.
  Respond (liveness under weak fairness, per request: one monitor bit per key)
      a run ending (nothing enabled) with a request pending -> violated; a *fair lasso* - a
      run s0..sk with sk = sj, one request pending in every state of the cycle sj..sk, and
      every fairness class (an event of a process, or the receipt on one channel) taken on
      the cycle or disabled somewhere on it - -> violated, with the lasso; every run ending
      within the BMC bound (the reachable graph has no cycle, so no run is infinite) and none
      ending pending -> holds.  A system with cycles and no violation up to the bound stays
      inconclusive: a longer fair cycle is not excluded.

Where every run ends within the BMC bound, the search has seen every reachable state: that
is a proof too.  A failed induction is `inconclusive`, never `holds`.  Without a time budget
from the caller, the engine allots DEFAULT_TIMEOUT seconds to one system.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import z3

from ...patterns.obligations import AllHandled, MonitorOk, Never, NoDeadlock, Reach, Respond
from ...patterns.verdict import Verdict
from ...system.monitor import ERR
from ...system.trace import Trace
from ..protocol import Outcome
from .bmc import BudgetExceeded, PhaseOver, Unrolling, replays
from .encode import Encoding
from .induction import Inductor
from .lemmas import candidates, exclusions, ordered_run, sample_states

DEFAULT_DEPTH = 40
DEFAULT_TIMEOUT = 120.0  # seconds for one system when the caller gives no budget
SHALLOW_SHARE = 0.1  # of the budget, for the first depth-by-depth BMC pass
PLAIN_K = 2  # k-induction without mined lemmas: cheap, tried first
STRONG_K = 4  # after strengthening


@dataclass
class _Query:
    """One reachability question: a bad/goal state at depth d ('state'), or a step into depth d
    taking one of `aids` ('action').  `hit` is the first run found and `how` says how."""

    key: tuple
    kind: str  # "state" | "action"
    formula: object = None  # State -> formula, for "state"
    aids: frozenset = frozenset()  # for "action"
    min_depth: int = 0
    test: object = None  # explicit state tuple -> bool, for "state" (to pick simulated runs)
    lasso: object = None  # for "lasso": (Unrolling, depth) -> (formula, loop selectors)
    ordered: bool = False  # the run must follow the seed's step order (the ordered encoding)
    hit: object = None
    hit_depth: int | None = None
    how: str = ""  # "bmc" | "simulation"
    searched: int = -1  # every run of up to this many steps was searched, without a hit
    searched_by: object = None  # the Unrolling that searched it

    def at(self, unrolling: Unrolling, d: int):
        if self.kind == "state":
            return self.formula(unrolling.states[d])
        if self.kind == "lasso":
            formula, self._selectors = self.lasso(unrolling, d)
            return formula
        return unrolling.action_in(d - 1, self.aids)

    def found(self, model, trace: Trace) -> Trace:
        """The run a model describes, as this query reports it (a lasso gets its loop start)."""
        if self.kind != "lasso":
            return trace
        start = next(j for j, sel in enumerate(self._selectors) if z3.is_true(model.eval(sel, model_completion=True)))
        return Trace(trace.actions, loop_start=start, highlight=None,
                     note="the cycle repeats forever under weak fairness and the request stays unanswered")


@dataclass
class _Session:
    """Everything the engine learns about one system in one check() call."""

    ts: object
    deadline: float | None
    depth: int
    enc: Encoding = None
    bmc: Unrolling = None
    ind: Inductor = None
    proved: dict = field(default_factory=dict)  # good-key -> proof text
    budget_note: str = ""
    lemma_count: int | None = None
    samples: object = None
    notes: dict = field(default_factory=dict)  # good-key -> why a proof attempt failed
    restart_after: frozenset = frozenset()  # of the in-order reachability obligation, if any
    _ordered: tuple | None = None

    def __post_init__(self):
        self.enc = Encoding(self.ts)
        self.bmc = Unrolling(self.enc, deadline=self.deadline)
        self.ind = Inductor(self.enc, deadline=self.deadline)

    def ordered(self) -> tuple:
        """(Encoding with the step order, its Unrolling), built on first use."""
        if self._ordered is None:
            enc = Encoding(self.ts, ordered=True, restart_after=self.restart_after)
            self._ordered = (enc, Unrolling(enc, deadline=self.deadline))
        return self._ordered

    def left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.perf_counter()


class Z3Checker:
    """BMC to `depth` steps, k-induction for proofs; `timeout` bounds the whole check
    (DEFAULT_TIMEOUT when None; 0 or less: no bound).  `simulate=False` leaves witnesses and
    counterexamples to BMC alone (the differential tests check the encoding that way)."""

    name = "z3"

    def __init__(self, depth: int | None = None, timeout: float | None = None, *, strengthen: bool = True,
                 simulate: bool = True, sample_limit: int = 200_000, houdini_seconds: float | None = None):
        self.depth = DEFAULT_DEPTH if depth is None else depth
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self.strengthen = strengthen
        self.simulate = simulate
        self.sample_limit = sample_limit
        self.houdini_seconds = houdini_seconds

    def check(self, ts, obligations, *, label: str = ""):
        start = time.perf_counter()
        budget = self.timeout if self.timeout and 0 < self.timeout < float("inf") else None  # inf: --timeout none
        deadline = start + budget if budget else None
        obligations = list(obligations)
        restart = next((ob.restart_after for ob in obligations if isinstance(ob, Reach) and ob.ordered), frozenset())
        sess = _Session(ts, deadline, self.depth, restart_after=restart)
        plans = [self._plan(sess, ob) for ob in obligations]
        phases = {}
        try:
            t = time.perf_counter()
            self._prove(sess, [(plan, "bad") for plan in plans if "bad" in plan["goods"]], PLAIN_K, "k-induction")
            phases["induction"] = time.perf_counter() - t
            t = time.perf_counter()
            self._bmc(sess, plans, until=None if budget is None else start + SHALLOW_SHARE * budget)
            phases["bmc_shallow"] = time.perf_counter() - t
            if self.simulate:
                t = time.perf_counter()
                self._simulate(sess, plans)
                phases["simulation"] = time.perf_counter() - t
            t = time.perf_counter()
            self._strengthen(sess, plans)
            phases["strengthened_induction"] = time.perf_counter() - t
            t = time.perf_counter()
            self._bmc(sess, plans, until=None)
            phases["bmc_deep"] = time.perf_counter() - t
        except BudgetExceeded as exc:
            sess.budget_note = f"the time budget ran out ({exc})"
        outcomes = [self._verdict(sess, plan) for plan in plans]
        stats = {
            "states": 0, "transitions": 0, "seconds": round(time.perf_counter() - start, 3),
            "depth": max(sess.bmc.done, 0), "solver_checks": sess.bmc.checks,
            "phases": {k: round(v, 3) for k, v in phases.items()},
        }
        if sess.lemma_count is not None:
            stats["lemmas"] = sess.lemma_count
        if sess.samples is not None:
            stats["simulated_states"] = len(sess.samples.states)
        return outcomes, stats

    # ---- what each property asks ---------------------------------------------------------------
    def _plan(self, sess: _Session, ob) -> dict:
        enc, ts = sess.enc, sess.ts
        plan = {"ob": ob, "queries": {}, "goods": {}}
        pid = ob.property

        def safety(bad, test=None):
            plan["queries"]["bad"] = _Query((pid, "bad"), "state", bad, test=test)
            plan["goods"]["bad"] = lambda s: z3.Not(bad(s))

        match ob:
            case Never(predicate=pred):
                safety(lambda s, pred=pred: enc.pred(s, pred), pred.compile(ts))
            case MonitorOk(monitor=mk):
                slot = ts.mon_off + mk
                safety(lambda s, mk=mk: enc.monitor_error(s, mk), lambda st, slot=slot: st[slot] == ERR)
                if ob.needs_trigger:
                    self._reach(plan, "trigger", ts.monitors[mk].triggers, enc)
            case NoDeadlock():
                safety(enc.deadlock)
            case AllHandled():
                safety(enc.unhandled)
            case Reach(goal=goal) if goal is not None:
                aids = goal.among(range(len(ts.actions)))
                self._reach(plan, "goal", aids, enc)
                if ob.ordered:
                    plan["queries"]["ordered"] = _Query((pid, "ordered"), "action", aids=aids, min_depth=1,
                                                        ordered=True)
            case Reach(goal_state=pred):
                plan["queries"]["goal"] = _Query((pid, "goal"), "state", lambda s, p=pred: enc.pred(s, p),
                                                 test=pred.compile(ts))
                plan["goods"]["goal"] = lambda s, p=pred: z3.Not(enc.pred(s, p))
            case Respond(monitor=mk):
                bits = [lambda s, b=b: s["bit", mk, b] for b in range(enc.mon_bits[mk])]

                def stuck(s, bits=bits):
                    return z3.And(z3.Or([bit(s) for bit in bits]),
                                  z3.Or(z3.Not(enc.some_enabled(s)), enc.unhandled(s)))

                # No induction goal: `holds` needs every run to end within the bound anyway
                # (a proof that no run *ends* pending says nothing about cycles), and BMC to
                # that bound decides the terminal states too.
                plan["queries"]["bad"] = _Query((pid, "bad"), "state", stuck)
                plan["queries"]["lasso"] = _Query((pid, "lasso"), "lasso", min_depth=1,
                                                  lasso=_fair_lasso(enc, pid, bits, _fairness_classes(ts)))
            case _:
                plan["skip"] = f"the Z3 engine does not decide {type(ob).__name__} obligations"
        return plan

    @staticmethod
    def _reach(plan, role, aids, enc):
        """A query 'some action of aids is taken', and the invariant 'none is ever enabled'."""
        plan["queries"][role] = _Query((plan["ob"].property, role), "action", aids=frozenset(aids), min_depth=1)
        plan["goods"][role] = lambda s, aids=sorted(aids): z3.Not(z3.And(
            z3.Not(enc.unhandled(s)), enc.some_enabled(s, aids)))

    @staticmethod
    def _open(sess, plans) -> list:
        """(plan, role, query) for every question with neither a run nor a proof yet."""
        out = []
        for plan in plans:
            q = plan["queries"]
            pid = plan["ob"].property
            for role, query in q.items():
                if query.hit is not None or (pid, role) in sess.proved:
                    continue
                if role == "goal" and "ordered" in q and q["ordered"].hit is not None:
                    continue  # the in-order run answers the flow
                if role == "ordered" and (pid, "goal") in sess.proved:
                    continue  # no run reaches the goal at all
                out.append((plan, role, query))
        return out

    # ---- phases ----------------------------------------------------------------------------------
    def _prove(self, sess, items, k_max, method) -> None:
        """k-induction for (plan, role) items at once; the base case by BMC; each proof
        becomes a lemma for the next attempts."""
        goods = {(plan["ob"].property, role): plan["goods"][role] for plan, role in items
                 if (plan["ob"].property, role) not in sess.proved}
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

    def _bmc(self, sess, plans, *, until) -> None:
        """Depth by depth for every open question (the in-order ones on their own unrolling),
        until the depth bound, the end of every run, or `until` (then the next phase goes on)."""
        plain, ordered = [], []
        for _plan, _role, q in self._open(sess, plans):
            (ordered if q.ordered else plain).append(q)
        try:
            self._search(sess, sess.bmc, plain, until)
            if ordered:
                self._search(sess, sess.ordered()[1], ordered, until)
        except PhaseOver:
            pass

    def _search(self, sess, unrolling, queries, until) -> None:
        """Depth by depth, shallowest first: the first hit of each query is a shortest run."""
        open_q = [q for q in queries if q.hit is None]
        for q in open_q:
            q.searched_by = unrolling
        d = min([q.searched + 1 for q in open_q], default=0)
        while open_q and d <= sess.depth:
            unrolling.ensure(d)
            if d > 0 and unrolling.exhausted is None and \
                    unrolling.query(z3.BoolVal(True), d, model=False, until=until) is None:
                # No run has d steps: every reachable state was within depth d-1, all searched.
                unrolling.exhausted = d - 1
            if unrolling.exhausted is not None and d > unrolling.exhausted:
                for q in open_q:
                    q.searched = sess.depth  # nothing deeper exists
                break
            live = [q for q in open_q if d >= q.min_depth and q.searched < d]
            while live:
                formulas = [q.at(unrolling, d) for q in live]
                model = unrolling.query(z3.Or(formulas), d, until=until)
                if model is None:
                    break
                trace = unrolling.trace(model, d)
                found = [q for q, f in zip(live, formulas) if z3.is_true(model.eval(f, model_completion=True))]
                for q in found:
                    q.hit, q.hit_depth, q.how = q.found(model, trace), d, "bmc"
                live = [q for q in live if q.hit is None]
            for q in open_q:
                if q.hit is None:
                    q.searched = max(q.searched, d)
            unrolling.done = max(unrolling.done, d)
            open_q = [q for q in open_q if q.hit is None]
            d += 1

    def _simulate(self, sess, plans) -> None:
        """Runs proposed by a budgeted walk of the system, each replayed in the Z3 encoding."""
        todo = self._open(sess, plans)
        need_lemmas = self.strengthen and any(r != "ordered" for _, r, _ in todo)
        if not todo and not need_lemmas:
            return
        samples = self._samples(sess)
        ts = sess.ts
        for _plan, role, q in todo:
            if q.ordered:
                enc = sess.ordered()[0]
                path = ordered_run(ts, q.aids, step_keys=enc.step_keys, restart=enc.restart,
                                   seconds=_slice(sess, 3.0, 10))
                final = None
            elif q.kind == "action":
                enc, path, final = sess.enc, samples.path_taking(q.aids), None
            elif q.test is not None:
                enc, path, final = sess.enc, samples.path_where(q.test), q.formula
            else:
                continue
            if path is None:
                continue
            if q.kind == "action" and (not path or path[-1] not in q.aids):
                continue
            if not replays(enc, path, final):
                raise AssertionError(f"a simulated run for {q.key} does not replay in the Z3 encoding: "
                                     "the encoding and the transition system differ")
            q.hit = Trace(path, highlight=len(path) - 1 if path else None)
            q.hit_depth, q.how = len(path), "simulation"

    def _samples(self, sess):
        """The simulated states of this check, walked once (at most 10 s, a sixth of what is
        left) and shared by the simulated runs and the mined facts."""
        if sess.samples is None:
            sess.samples = sample_states(sess.ts, limit=self.sample_limit, seconds=_slice(sess, 10.0, 6))
        return sess.samples

    def _strengthen(self, sess, plans) -> None:
        """Proofs for what is open: plain k-induction with what is proved so far as lemmas,
        then with an inductive invariant mined from the samples (Houdini); bad states not
        reached, triggers or goals never enabled, in-order runs impossible."""
        todo = [(plan, role) for plan, role, _q in self._open(sess, plans)
                if role != "ordered" and role in plan["goods"]]
        if todo:
            self._prove(sess, todo, PLAIN_K, "k-induction")
            todo = [(p, r) for p, r in todo if (p["ob"].property, r) not in sess.proved]
        if todo and self.strengthen:
            self._samples(sess)
            # Property-directed first: a few facts blocking each property's own
            # counterexamples to induction are much cheaper to prove than all of them.  The
            # facts are the finest mined: value pairs no sample state has.
            pool = exclusions(sess.enc, sess.samples)
            init = sess.ts.initial_state()
            # One property at a time, the catalogue's kinds first: each proof adds the property
            # and the facts that proved it to the lemmas, so the next one starts from them.
            # Deadlock-freedom and every-message-handled need far stronger invariants and come
            # last.  Each attempt may take half of what is left: the first properties are the
            # ones the catalogue names, and a proof needs its time in one piece.
            todo.sort(key=lambda item: (_proof_order(item[0]["ob"]), item[1] != "bad"))
            for plan, role in todo:
                key = (plan["ob"].property, role)
                if key in sess.proved:
                    continue
                good = plan["goods"][role]
                if self._base_fails(sess, good, 0):
                    continue
                seconds = max(5.0, 0.5 * sess.left()) if sess.deadline is not None else None  # None: rounds end it
                # Monitors only observe: facts about another property's monitor cannot help.
                own = {mk for mk, mon in enumerate(sess.ts.monitors) if mon.property == plan["ob"].property}
                mine = [c for c in pool if c.monitors() <= own]
                proved, kept = sess.ind.cti_strengthen_many({key: good}, mine, init, seconds=seconds)
                if key not in proved:
                    sess.notes[key] = f"property-directed strengthening failed: {sess.ind.failed.get(key, '')}"
                    continue
                sess.proved[key] = (f"1-induction strengthened with {len(kept)} facts mined from simulated "
                                    "states, each proved with it")
                sess.ind.lemmas.append(good)
                if kept:
                    sess.ind.lemmas.append(lambda s, kept=kept: z3.And([c(s) for c in kept]))
            todo = [(p, r) for p, r in todo if (p["ob"].property, r) not in sess.proved]
        if todo and self.strengthen:
            seconds = self.houdini_seconds
            if seconds is None and sess.deadline is not None:
                seconds = max(15.0, sess.left() * 0.6)
            sess.lemma_count = sess.ind.strengthen(candidates(sess.enc, sess.samples), seconds=seconds)
            self._prove(sess, todo, STRONG_K, f"k-induction strengthened with {sess.lemma_count} proved lemmas")
        for plan in plans:
            q = plan["queries"]
            if "ordered" in q and q["ordered"].hit is None and q["goal"].hit is not None:
                self._prove_ordered_never(sess, plan)

    def _prove_ordered_never(self, sess, plan) -> None:
        """The goal is reachable but no in-order run was found: prove none exists."""
        enc = sess.ordered()[0]
        ind = Inductor(enc, deadline=sess.deadline)
        aids = sorted(plan["queries"]["ordered"].aids)

        def good(s):
            return z3.Not(z3.And(z3.Not(enc.unhandled(s)), enc.some_enabled(s, aids)))

        k = ind.step_case(good, STRONG_K, tag=f"{plan['ob'].property}.ord.")
        if k is None:
            return
        unrolling = sess.ordered()[1]
        for d in range(k):
            unrolling.ensure(d)
            if unrolling.query(z3.Not(good(unrolling.states[d])), d, model=False):
                return
        sess.proved[(plan["ob"].property, "ordered")] = f"k-induction, k={k}"

    # ---- verdicts ----------------------------------------------------------------------------------
    @staticmethod
    def _exhausted(sess, plan, role) -> str | None:
        """A proof by BMC of every run, if the query's unrolling saw every run end."""
        q = plan["queries"].get(role)
        unr = q.searched_by if q is not None else None
        if q is not None and q.hit is None and unr is not None and unr.exhausted is not None \
                and q.searched >= unr.exhausted:
            return f"bounded model checking of every run (no run is longer than {unr.exhausted} steps)"
        return None

    def _verdict(self, sess, plan) -> Outcome:
        ob = plan["ob"]
        pid = ob.property
        if "skip" in plan:
            return Outcome(pid, Verdict.INCONCLUSIVE, plan["skip"])
        q = plan["queries"]
        proved = sess.proved
        for role in q:
            if (pid, role) not in proved:
                how = self._exhausted(sess, plan, role)
                if how:
                    proved[(pid, role)] = how
        main = q.get("bad") or q.get("ordered") or q.get("goal")
        limit = _limit(main, sess)
        details = {"depth": main.searched}
        if isinstance(ob, Reach):
            return self._reach_verdict(sess, plan, limit, details)
        if isinstance(ob, Respond):
            return self._respond_verdict(sess, plan, limit, details)
        bad = q["bad"]
        if bad.hit is not None:
            return Outcome(pid, Verdict.VIOLATED, _violation_reason(ob, sess, bad), bad.hit,
                           dict(details, method=bad.how, at_depth=bad.hit_depth))
        if isinstance(ob, MonitorOk) and ob.needs_trigger:
            trig = q["trigger"]
            if (pid, "trigger") in proved:
                return Outcome(pid, Verdict.VACUOUS,
                               f"the triggering event never happens in any reachable run "
                               f"(proved by {proved[(pid, 'trigger')]})", None,
                               dict(details, method=proved[(pid, "trigger")]))
            if (pid, "bad") in proved and trig.hit is not None:
                return Outcome(pid, Verdict.HOLDS, f"proved by {proved[(pid, 'bad')]}; "
                               f"its trigger is taken in a run of {trig.hit_depth} steps ({_found(trig)})",
                               None, dict(details, method=proved[(pid, "bad")]))
            if (pid, "bad") in proved:
                return Outcome(pid, Verdict.INCONCLUSIVE,
                               f"never violated (proved by {proved[(pid, 'bad')]}), but no run taking its trigger "
                               f"was found and none was proved impossible; {_limit(trig, sess)}", None, details)
            return Outcome(pid, Verdict.INCONCLUSIVE, f"no violation found and no proof{_note(sess, pid)}; {limit}",
                           None, details)
        if (pid, "bad") in proved:
            return Outcome(pid, Verdict.HOLDS, f"proved by {proved[(pid, 'bad')]}", None,
                           dict(details, method=proved[(pid, "bad")]))
        return Outcome(pid, Verdict.INCONCLUSIVE, f"no violation found and no proof{_note(sess, pid)}; {limit}",
                       None, details)

    def _respond_verdict(self, sess, plan, limit, details) -> Outcome:
        pid, ob = plan["ob"].property, plan["ob"]
        q, proved = plan["queries"], sess.proved
        stuck, lasso = q["bad"], q["lasso"]
        if stuck.hit is not None:
            trace = Trace(stuck.hit.actions, highlight=stuck.hit.highlight,
                          note="the run ends here with the request still unanswered")
            return Outcome(pid, Verdict.VIOLATED, f"{ob.violation}: a run of {stuck.hit_depth} steps ends with a "
                           f"request pending (found by bounded model checking)", trace,
                           dict(details, method=stuck.how, at_depth=stuck.hit_depth))
        if lasso.hit is not None:
            return Outcome(pid, Verdict.VIOLATED, f"{ob.violation}: a fair lasso of {lasso.hit_depth} steps keeps "
                           f"a request pending for ever (found by bounded model checking)", lasso.hit,
                           dict(details, method=lasso.how, at_depth=lasso.hit_depth))
        every_run = self._exhausted(sess, plan, "lasso") if self._exhausted(sess, plan, "bad") else None
        if every_run:
            return Outcome(pid, Verdict.HOLDS, f"proved by {every_run}: every run is finite and none ends with a "
                           "request pending", None, dict(details, method=every_run))
        return Outcome(pid, Verdict.INCONCLUSIVE,
                       f"not every run ends within the {lasso.searched} steps searched, and no run up to there "
                       f"ends with a request pending or closes a fair cycle that keeps one pending; a longer "
                       f"run or cycle is not excluded (response properties are liveness: Z3 proves them only "
                       f"when every run is finite); {limit}", None, details)

    def _reach_verdict(self, sess, plan, limit, details) -> Outcome:
        pid = plan["ob"].property
        q = plan["queries"]
        proved = sess.proved
        if "ordered" in q:
            ordered = q["ordered"]
            if ordered.hit is not None:
                return Outcome(pid, Verdict.HOLDS, _found(ordered, in_order=True), ordered.hit,
                               dict(details, method=ordered.how))
        goal = q["goal"]
        if goal.hit is not None and "ordered" not in q:
            return Outcome(pid, Verdict.HOLDS, _found(goal), goal.hit, dict(details, method=goal.how))
        if (pid, "goal") in proved:
            return Outcome(pid, Verdict.VIOLATED,
                           f"the goal is unreachable: no run gets there (proved by {proved[(pid, 'goal')]})",
                           None, dict(details, method=proved[(pid, "goal")]))
        if goal.hit is not None and (pid, "ordered") in proved:
            return Outcome(pid, Verdict.VIOLATED,
                           "the flow completes only out of the seed's step order (a run shown)",
                           goal.hit, dict(details, method=proved[(pid, "ordered")]))
        if goal.hit is not None:
            return Outcome(pid, Verdict.INCONCLUSIVE,
                           f"the goal is reachable, but no in-order run was found and none was proved "
                           f"impossible; {_limit(q['ordered'], sess)}", goal.hit, details)
        return Outcome(pid, Verdict.INCONCLUSIVE,
                       f"goal not reached and not proved unreachable; {limit}", None, details)


def _fairness_classes(ts) -> list:
    """[aids] per weak-fairness class - an event of a process, or the receipt on one of its
    input channels - exactly as the explicit engine's liveness check groups actions."""
    classes: dict = {}
    for aid, a in enumerate(ts.actions):
        key = (a.proc, a.trigger) if a.channel is None else (a.proc, "recv", a.channel)
        classes.setdefault(key, []).append(aid)
    return [frozenset(aids) for _, aids in sorted(classes.items(), key=lambda kv: str(kv[0]))]


def _fair_lasso(enc, pid, bits, classes):
    """(Unrolling, d) -> (formula, selectors): the d-step run closes a loop back to some state j
    (selector j), one request bit stays set in every state of the loop, and every fairness
    class is taken on the loop or disabled in one of its states (weak fairness on a lasso, the
    condition liveness.py checks on strongly connected components)."""

    def build(unrolling, d):
        states = unrolling.states
        sel = [z3.Bool(f"{pid}.loop{d}.{j}") for j in range(d)]
        # Cheap first: most depths of a flow close no loop at all (F1-F5 have no cycle), and
        # then the fairness constraints need not be built.
        if unrolling.query(z3.Or([enc.same(states[j], states[d]) for j in range(d)]), d, model=False) is None:
            return z3.BoolVal(False), sel
        inside = []  # state i (< d) lies on the loop
        acc = z3.BoolVal(False)
        for j in range(d):
            acc = z3.Or(acc, sel[j])
            inside.append(acc)
        parts = [z3.PbEq([(s, 1) for s in sel], 1)]
        parts += [z3.Implies(sel[j], enc.same(states[j], states[d])) for j in range(d)]
        for aids in classes:
            parts.append(z3.Or([z3.And(inside[i], z3.Or(unrolling.action_in(i, aids),
                                                           z3.Not(enc.some_enabled(states[i], aids))))
                                for i in range(d)]))
        pending = z3.Or([z3.And([z3.Implies(inside[i], bit(states[i])) for i in range(d)]) for bit in bits])
        return z3.And(parts + [pending]), sel

    return build


def _note(sess, pid) -> str:
    note = sess.notes.get((pid, "bad"))
    return f" ({note})" if note else ""


def _found(q, in_order: bool = False) -> str:
    order = "in the seed's step order, " if in_order else ""
    if q.how == "simulation":
        return (f"{order}run of {q.hit_depth} steps found by simulation and replayed step by step "
                "in the Z3 encoding")
    return f"{order}run of {q.hit_depth} steps found by bounded model checking"


def _limit(q, sess) -> str:
    text = f"BMC searched every run of up to {q.searched} steps" if q.searched >= 0 else "no BMC depth fully searched"
    if sess.budget_note:
        text += f"; {sess.budget_note}"
    return text


def _proof_order(ob) -> int:
    """Strengthening order: invariants, then monitors without triggers, then the rest;
    deadlock-freedom and every-message-handled need far stronger invariants and come last."""
    if isinstance(ob, Never):
        return 0
    if isinstance(ob, MonitorOk):
        return 2 if ob.needs_trigger else 1
    return 9


def _violation_reason(ob, sess, query) -> str:
    base = ob.violation
    if query.how == "simulation":
        return (f"{base} (a run of {query.hit_depth} steps found by simulation and replayed in the Z3 encoding; "
                f"BMC found none of up to {query.searched} steps)")
    return f"{base} (found by bounded model checking at depth {query.hit_depth})"


def _slice(sess, most: float, share: int) -> float | None:
    """The seconds a simulation phase may take: at most `most`, a `share`-th of what is left;
    None (only its counts bound it) when the check has no time budget - so a check run with
    timeout=0 gives the same verdicts on a loaded machine as on an idle one."""
    if sess.deadline is None:
        return None
    return min(most, max(0.5, sess.left() / share))
