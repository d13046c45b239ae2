"""The Z3 engine on small models with known answers, its known limits, and `--engine both`."""

from __future__ import annotations

import json
import os

import z3

from imsflow.authoring import Composition, Entity, MessageType, Model, T, Vocabulary, event, recv
from imsflow.backends.compare import BothChecker
from imsflow.backends.explore.checker import ExplicitChecker
from imsflow.backends.protocol import Outcome
from imsflow.backends.z3.checker import Z3Checker
from imsflow.cli import main
from imsflow.compiler import compile_model
from imsflow.patterns.lowering import lower
from imsflow.patterns.bind import bind
from imsflow.patterns.spec import Property
from imsflow.patterns.verdict import Verdict
from imsflow.system.trace import Trace

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TWO_PHASE = os.path.join(REPO, "examples", "two_phase")


class Counter(Entity):
    """Counts to 7 and sends Done to the Sink at 5; a run ends at 7."""

    name = "C"
    states = ["counting", "done"]
    initial = "counting"
    end_states = ["done"]
    variables = {"n": tuple(range(8))}

    def below(self):
        return self.v.n < 7

    def inc(self):
        self.v.n += 1
        if self.v.n == 5:
            self.send("S", "Done")

    transitions = [
        T("counting", None, on=event("inc"), when="below", do="inc", name="inc"),
        T("counting", "done", on=event("stop"), when=lambda e: e.v.n == 7, name="stop"),
    ]


class Sink(Entity):
    name = "S"
    states = ["waiting", "got"]
    initial = "waiting"
    end_states = ["waiting", "got"]
    transitions = [T("waiting", "got", on=recv("C", "Done"))]


COUNTER = Model(
    name="counter", entities=[Counter, Sink],
    vocabulary=Vocabulary([MessageType("Done", "test", "the counter reached 5")]),
    compose=lambda config: Composition(entities=[Counter(config), Sink(config)], capacity=1),
)


def prop(pid, kind, **spec):
    return Property(id=pid, statement=pid, kind=kind, clause="test", spec=spec)


def counter_system(props):
    return compile_model(COUNTER, COUNTER.config(None, {}, 1), props, bind=bind)


def test_bmc_finds_a_shortest_counterexample_that_replays():
    props = [prop("never-six", "invariant", never={"entity": "C", "var": "n", "is": 6})]
    ts = counter_system(props)
    [o], stats = Z3Checker(depth=10, timeout=0).check(ts, lower(props, ts))
    assert o.verdict is Verdict.VIOLATED
    assert len(o.trace.actions) == 6  # six increments
    final = o.trace.states(ts)[-1]
    assert ts.processes[0].local_label(final[0]) == "counting{n=6}"


def test_a_bound_too_small_is_inconclusive_never_holds():
    props = [prop("never-six", "invariant", never={"entity": "C", "var": "n", "is": 6})]
    ts = counter_system(props)
    [o], _ = Z3Checker(depth=3, timeout=0, simulate=False).check(ts, lower(props, ts))
    assert o.verdict is Verdict.INCONCLUSIVE
    assert "up to 3 steps" in o.reason


def test_every_run_ending_within_the_bound_is_a_proof():
    # Not k-inductive (an arbitrary state may hold Done early), but every run stops within 9
    # steps, so BMC to the end of every run is a proof.
    props = [prop("got-only-after-five", "invariant",
                  never={"all": [{"entity": "S", "state": "got"}, {"entity": "C", "var": "n", "in": [0, 1, 2, 3, 4]}]})]
    ts = counter_system(props)
    [o], _ = Z3Checker(depth=20, timeout=0).check(ts, lower(props, ts))
    ex, _ = ExplicitChecker().check(ts, lower(props, ts))
    assert ex[0].verdict is Verdict.HOLDS
    assert o.verdict is Verdict.HOLDS and ("every run" in o.reason or "induction" in o.reason)


def test_reachability_witness_and_vacuous_precedence():
    props = [
        prop("sink-gets-done", "reachability", goal={"entity": "S", "receives": "Done"}),
        prop("never-triggered", "precedence", first={"entity": "C", "event": "inc"},
             then={"entity": "S", "event": "nothing"}),
        prop("done-after-inc", "precedence", first={"entity": "C", "event": "inc"},
             then={"entity": "S", "receives": "Done"}),
    ]
    ts = counter_system(props)
    z, _ = Z3Checker(depth=20, timeout=0).check(ts, lower(props, ts))
    ex, _ = ExplicitChecker().check(ts, lower(props, ts))
    assert [o.verdict for o in z] == [o.verdict for o in ex] == [Verdict.HOLDS, Verdict.VACUOUS, Verdict.HOLDS]
    assert len(z[0].trace.actions) == 6  # five increments, then the Sink's receipt
    z[0].trace.states(ts)


def test_a_response_is_inconclusive_when_runs_outlast_the_bound():
    props = [prop("done-answered", "response", trigger={"entity": "C", "event": "inc"},
                  response={"entity": "C", "event": "stop"})]
    ts = counter_system(props)
    [o], _ = Z3Checker(depth=5, timeout=0).check(ts, lower(props, ts))
    assert o.verdict is Verdict.INCONCLUSIVE
    assert "not every run ends within the 5 steps" in o.reason and "liveness" in o.reason


def test_a_response_holds_when_every_run_ends_answered():
    """Every increment is followed by the stop at 7, and every run ends within 8 steps."""
    props = [prop("done-answered", "response", trigger={"entity": "C", "event": "inc"},
                  response={"entity": "C", "event": "stop"})]
    ts = counter_system(props)
    [o], _ = Z3Checker(depth=20, timeout=0).check(ts, lower(props, ts))
    [e], _ = ExplicitChecker().check(ts, lower(props, ts))
    assert o.verdict is e.verdict is Verdict.HOLDS, o.reason
    assert "every run is finite" in o.reason


def test_a_response_is_violated_by_a_run_that_ends_pending():
    """The increments after the fifth are never followed by a Done: the run ends with them pending."""
    props = [prop("inc-then-done", "response", trigger={"entity": "C", "event": "inc"},
                  response={"entity": "S", "receives": "Done"})]
    ts = counter_system(props)
    [o], _ = Z3Checker(depth=20, timeout=0).check(ts, lower(props, ts))
    assert o.verdict is Verdict.VIOLATED, o.reason
    assert "ends with a request pending" in o.reason
    # a run ends only when nothing is enabled: seven increments, the stop and the Sink's receipt
    assert len(o.trace.actions) == 9
    o.trace.states(ts)  # the run replays


def test_two_phase_agrees_with_the_explicit_engine():
    from imsflow.loader import load
    from imsflow.pipeline import compile_for, selected_properties

    loaded = load(TWO_PHASE)
    config = loaded.model.config("commit", {}, 1)
    props = selected_properties(loaded, config, None)
    ts = compile_for(loaded, config, props)
    obligations = lower(props, ts, flow=loaded.model.flows["commit"])
    z, _ = Z3Checker(timeout=0).check(ts, obligations)
    ex, _ = ExplicitChecker().check(ts, obligations)
    for a, b in zip(ex, z):
        assert b.verdict in (a.verdict, Verdict.INCONCLUSIVE), (a.property, a.verdict, b.verdict, b.reason)
    decided = {o.property: o.verdict for o in z}
    assert decided["deadlock-free"] is Verdict.HOLDS
    assert decided["rm-commits-only-on-commit"] is Verdict.HOLDS
    assert decided["flow-reachable"] is Verdict.HOLDS


def test_both_reports_a_disagreement_with_both_results():
    ts = counter_system([])
    e = Outcome("p", Verdict.HOLDS, "")
    z = Outcome("p", Verdict.VIOLATED, "a reachable state satisfies the forbidden condition", Trace([0]))
    out = BothChecker.combine(ts, e, z)
    assert out.details["engines"] == {"explicit": "holds", "z3": "violated"}
    assert out.verdict is Verdict.INCONCLUSIVE
    assert "ENGINES DISAGREE" in out.reason and "explicit: holds" in out.reason and "z3: violated" in out.reason


def test_both_takes_the_conclusive_verdict_over_an_inconclusive_one():
    ts = counter_system([])
    e = Outcome("p", Verdict.HOLDS, "")
    z = Outcome("p", Verdict.INCONCLUSIVE, "no violation up to depth 3, no proof")
    out = BothChecker.combine(ts, e, z)
    assert out.verdict is Verdict.HOLDS
    assert out.details["engines"] == {"explicit": "holds", "z3": "inconclusive"}


def test_disagreement_fails_the_run():
    from imsflow.patterns.verdict import ExitCode, Result
    from imsflow.pipeline import Run

    def run_with(engines):
        r = Result(property="p", flow=None, variant={}, verdict=Verdict.HOLDS, engines=engines)
        return Run(loaded=None, request=None, results=[r], stats={}, warnings=[]).exit_code

    assert run_with({"explicit": "holds", "z3": "violated"}) is ExitCode.UNEXPECTED
    assert run_with({"explicit": "holds", "z3": "inconclusive"}) is ExitCode.OK


def test_cli_z3_trace_is_written_and_replays(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["check", "--model", TWO_PHASE, "--engine", "z3", "--timeout", "none", "--property", "flow-reachable",
                 "--out", str(out), "--format", "json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    [result] = doc["results"]
    assert result["verdict"] == "holds" and result["trace"]
    trace_file = out / "traces" / "flow-reachable__commit.json"
    assert main(["trace", str(trace_file)]) == 0
    assert "replayed" in capsys.readouterr().out


def test_cli_both_on_two_phase_shows_each_engine(capsys):
    code = main(["check", "--model", TWO_PHASE, "--engine", "both", "--timeout", "none", "--format", "json",
                 "--property", "deadlock-free", "--property", "rm-commits-only-on-commit"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    for r in doc["results"]:
        assert r["engines"] == {"explicit": "holds", "z3": "holds"}


def test_a_run_beyond_the_bmc_bound_is_found_by_simulation_and_replayed():
    # BMC to depth 2 cannot reach the Sink's receipt (6 steps); the simulated run can, and it
    # counts only because it replays in the Z3 encoding - the reason says how it was found.
    props = [prop("sink-gets-done", "reachability", goal={"entity": "S", "receives": "Done"}),
             prop("never-six", "invariant", never={"entity": "C", "var": "n", "is": 6})]
    ts = counter_system(props)
    reach, bad = Z3Checker(depth=2, timeout=0).check(ts, lower(props, ts))[0]
    assert reach.verdict is Verdict.HOLDS and "simulation" in reach.reason
    assert ts.actions[reach.trace.actions[-1]].trigger == "Done"
    reach.trace.states(ts)
    assert bad.verdict is Verdict.VIOLATED and "simulation" in bad.reason
    assert ts.processes[0].local_label(bad.trace.states(ts)[-1][0]) == "counting{n=6}"
    # Without simulation the bound is the bound: nothing is claimed.
    reach, bad = Z3Checker(depth=2, timeout=0, simulate=False).check(ts, lower(props, ts))[0]
    assert reach.verdict is bad.verdict is Verdict.INCONCLUSIVE


def test_houdini_reads_candidates_in_python_as_z3_does():
    # Candidate.holds (Houdini's fast path) and the candidate's formula agree on every
    # reachable state of TwoPhase and on states the samples did not see.
    from imsflow.backends.z3.encode import Encoding
    from imsflow.backends.z3.lemmas import candidates, sample_states
    from imsflow.loader import load
    from imsflow.pipeline import compile_for, selected_properties

    loaded = load(TWO_PHASE)
    config = loaded.model.config("commit", {}, 1)
    ts = compile_for(loaded, config, selected_properties(loaded, config, None))
    enc = Encoding(ts)
    samples = sample_states(ts, limit=400)
    cands = candidates(enc, samples.states[:40])  # mined from a few states, read on all
    assert cands
    s = enc.state("x")
    checked = falsified = 0
    for st in samples.states[::7]:
        solver = z3.Solver()
        solver.add(z3.And([v == (z3.BoolVal(bool(val)) if z3.is_bool(v) else enc.num(val))
                           for v, val in _assignment(enc, s, st)]))
        assert solver.check() == z3.sat
        model = solver.model()
        for c in cands:
            expect = z3.is_true(model.eval(c(s), model_completion=True))
            assert c.holds(st, ts) is expect, (c.what, c.args, st)
            checked += 1
            falsified += not expect
    assert checked and falsified  # both answers were exercised


def _assignment(enc, s, st):
    """(variable, value) pairs giving the symbolic state `s` the explicit state `st`."""
    return enc.assignment(s, st)


def test_property_directed_strengthening_proves_what_plain_induction_cannot():
    # "S got Done only once C counted to 5" is not k-inductive for small k (an arbitrary state
    # may hold Done in the channel early); the facts blocking its counterexamples make it so.
    from imsflow.backends.z3.encode import Encoding
    from imsflow.backends.z3.induction import Inductor
    from imsflow.backends.z3.lemmas import candidates, sample_states

    props = [prop("got-only-after-five", "invariant",
                  never={"all": [{"entity": "S", "state": "got"}, {"entity": "C", "var": "n", "in": [0, 1, 2, 3, 4]}]})]
    ts = counter_system(props)
    enc = Encoding(ts)
    pred = dict(ts.invariants)["got-only-after-five"]

    def good(s):
        return z3.Not(enc.pred(s, pred))

    ind = Inductor(enc)
    assert ind.step_case(good, 2) is None
    pool = candidates(enc, sample_states(ts))
    kept = ind.cti_strengthen(good, pool, ts.initial_state(), seconds=None, max_rounds=200)
    assert kept is not None and 0 < len(kept) < len(pool)
    # The proof is Z3's: good and the kept facts together are preserved by every step.
    s, t = enc.state("a"), enc.state("b")
    solver = z3.Solver()
    inv = lambda x: z3.And([good(x)] + [c(x) for c in kept])  # noqa: E731
    solver.add(enc.well_formed(s), enc.well_formed(t), inv(s), enc.step(s, t, enc.act("x")), z3.Not(inv(t)))
    assert solver.check() == z3.unsat
