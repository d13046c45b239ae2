"""The engine on systems whose answers are known."""

import os


from imsflow.backends.explore.bfs import explore
from imsflow.backends.explore.checker import ExplicitChecker
from imsflow.compiler import compile_model
from imsflow.patterns.bind import bind
from imsflow.patterns.lowering import lower
from imsflow.patterns.spec import BUILTINS, Property
from imsflow.patterns.verdict import Verdict

import engine_toys as toys

HERE = os.path.dirname(__file__)
EXAMPLES = os.path.join(HERE, "..", "..", "examples")


def _check(m, props, config=None, **kw):
    config = config or m.config()
    ts = compile_model(m, config, props, bind=bind, eager=False)
    outcomes, stats = ExplicitChecker(progress=False, por=False, symmetry=False, **kw).check(ts, lower(props, ts))
    return {o.property: o for o in outcomes}, stats, ts


def _builtin(pid):
    return next(p for p in BUILTINS if p.id == pid)


def test_two_phase_commit_with_three_rms_has_tlcs_288_states():
    from imsflow.loader import load

    loaded = load(os.path.join(EXAMPLES, "two_phase"))
    ts = compile_model(loaded.model, loaded.model.config("commit"))
    exp = explore(ts)
    assert len(exp.states) == 288
    assert exp.complete and not exp.deadlocks and not exp.unhandled


def test_two_phase_lazy_and_saturated_tables_reach_the_same_states():
    from imsflow.loader import load

    loaded = load(os.path.join(EXAMPLES, "two_phase"))
    lazy = compile_model(loaded.model, loaded.model.config("commit"), eager=False)
    eager = compile_model(loaded.model, loaded.model.config("commit"), eager=True)
    # local-state and message numbering differ with the order of discovery: compare readably
    def readable(ts):
        return {repr(sorted(ts.describe(s).items())) for s in explore(ts).states}

    assert readable(lazy) == readable(eager)
    assert len(lazy.actions) < len(eager.actions)  # the lazy one never compiled unreachable pairs


def test_alternating_bit_protocol_state_count_and_verdicts():
    from imsflow.pipeline import CheckRequest, check

    run = check(CheckRequest(model_dir=os.path.join(EXAMPLES, "abp"), progress=False, por=False, symmetry=False))
    verdicts = {r.property: r.verdict for r in run.results}
    assert verdicts["in-order-delivery"] is Verdict.HOLDS
    assert verdicts["delivery-reachable"] is Verdict.HOLDS
    assert run.stats["states"] == 2716
    broken = check(CheckRequest(model_dir=os.path.join(EXAMPLES, "abp"), settings={"bit": "ignored"},
                                progress=False, por=False, symmetry=False))
    r = next(r for r in broken.results if r.property == "in-order-delivery")
    assert r.verdict is Verdict.VIOLATED and r.as_expected
    assert r.trace[-1]["entity"] == "RECEIVER"


def test_deadlock_is_found_with_the_waiting_processes_named():
    m = toys.model([toys.WaitsForB, toys.WaitsForA])
    out, stats, _ = _check(m, [_builtin("deadlock-free")])
    o = out["deadlock-free"]
    assert o.verdict is Verdict.VIOLATED
    assert "A waits in waiting" in o.reason and "B waits in waiting" in o.reason
    assert stats["states"] == 1


def test_unhandled_message_is_an_error_state():
    m = toys.model([toys.Pinger, toys.DeafPonger])
    out, _, ts = _check(m, [_builtin("every-message-handled")])
    o = out["every-message-handled"]
    assert o.verdict is Verdict.VIOLATED
    assert "B in state idle has no transition for PING from A" in o.reason
    assert [ts.actions[a].trigger for a in o.trace.actions] == ["go"]


def _response():
    return Property(id="req-answered", kind="response", statement="every REQ is answered", clause="toy",
                    spec={"trigger": {"entity": "SERVER", "receives": "REQ"},
                          "response": {"entity": "CLIENT", "receives": "RSP"}})


def test_response_fails_when_the_run_stops_unanswered():
    m = toys.model([toys.Client, toys.SilentServer])
    out, _, _ = _check(m, [_response()])
    assert out["req-answered"].verdict is Verdict.VIOLATED
    assert out["req-answered"].trace.loop_start is None


def test_response_holds_under_weak_fairness_despite_an_optional_loop():
    m = toys.model([toys.Client, toys.LoopingServer])
    out, _, _ = _check(m, [_response()])
    assert out["req-answered"].verdict is Verdict.HOLDS


def test_response_counterexample_is_a_lasso():
    m = toys.model([toys.Client, toys.StubbornServer])
    out, _, ts = _check(m, [_response()])
    o = out["req-answered"]
    assert o.verdict is Verdict.VIOLATED
    assert o.trace.loop_start is not None
    cycle = o.trace.actions[o.trace.loop_start:]
    assert {ts.actions[a].trigger for a in cycle} == {"spin"}
    # the loop really closes: replaying it returns to the state where it began
    states = o.trace.states(ts)
    assert states[o.trace.loop_start] == states[-1]


def test_a_property_whose_trigger_never_happens_is_vacuous_not_holds():
    m = toys.model([toys.Client, toys.SilentServer])
    prop = Property(id="rsp-after-req", kind="precedence", statement="RSP only after REQ", clause="toy",
                    spec={"first": {"entity": "SERVER", "receives": "REQ"},
                          "then": {"entity": "CLIENT", "receives": "RSP"}})
    out, _, _ = _check(m, [prop])
    assert out["rsp-after-req"].verdict is Verdict.VACUOUS


def test_a_search_cut_short_is_inconclusive_never_holds():
    from imsflow.loader import load

    loaded = load(os.path.join(EXAMPLES, "two_phase"))
    props = [p for p in loaded.properties if p.kind in ("invariant", "deadlock", "precedence")]
    out, stats, _ = _check(loaded.model, props, loaded.model.config("commit"), max_states=50)
    assert stats["states"] < 288
    for o in out.values():
        assert o.verdict is Verdict.INCONCLUSIVE, o
        assert "state budget" in o.reason


def test_invariant_violation_gives_a_shortest_trace():
    from imsflow.loader import load

    loaded = load(os.path.join(EXAMPLES, "two_phase"))
    bad = Property(id="never-commit", kind="invariant", statement="no RM ever commits", clause="toy",
                   spec={"never": {"entity": "RM", "state": "committed"}})
    out, _, ts = _check(loaded.model, [bad], loaded.model.config("commit"))
    o = out["never-commit"]
    assert o.verdict is Verdict.VIOLATED
    # 3 prepares, TM reads 3 Prepared, commits, one RM reads Commit: 8 steps, and no fewer
    assert len(o.trace.actions) == 8
