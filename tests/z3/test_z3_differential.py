"""Differential testing: on random small systems the explicit engine and Z3 give the same
verdicts, and each engine's counterexample replays in the other.

The Z3 depth bound is set past the explicit search's depth, so BMC covers every reachable
state: Z3 must then find every violation and every reachable goal the explicit engine finds,
with a trace no longer than the explicit one (BMC's are shortest; the explicit engine's
partial-order reduction may lengthen its own).  Where Z3 cannot prove a property it may answer
`inconclusive`, never a different conclusive verdict.
"""

from __future__ import annotations

from hypothesis import given, note

from imsflow.backends.explore.bfs import explore
from imsflow.backends.explore.checker import ExplicitChecker
from imsflow.backends.z3.bmc import replays
from imsflow.backends.z3.checker import Z3Checker
from imsflow.backends.z3.encode import Encoding
from imsflow.patterns.bind import build_pred, match_event
from imsflow.patterns.lowering import lower
from imsflow.patterns.verdict import Verdict
from imsflow.system.monitor import ERR
from z3_randsys import build, descriptions, differential_settings

import z3

COUNTS = {"examples": 0, "results": 0, "z3_conclusive": 0, "violated": 0}


def ends_badly(ts, prop, actions):
    """(explicit test on the final state, Z3 formula on the final state) for what a
    counterexample or witness of `prop` must show."""
    enc = Encoding(ts)
    if prop.kind == "invariant":
        pred = dict(ts.invariants)[prop.id]
        return pred.compile(ts), lambda s: enc.pred(s, pred)
    if prop.kind in ("absence", "precedence", "only-from"):
        mk = next(i for i, m in enumerate(ts.monitors) if m.property == prop.id)
        return (lambda st: st[ts.mon_off + mk] == ERR), (lambda s: enc.monitor_error(s, mk))
    if prop.kind == "deadlock":
        def stuck(st):
            succ, unh = ts.expand(st)
            return not succ and not unh and not ts.is_end(st)
        return stuck, enc.deadlock
    if prop.kind == "handled":
        return (lambda st: bool(ts.expand(st)[1])), enc.unhandled
    if "goal_state" in prop.spec:
        pred = build_pred(prop.spec["goal_state"], ts, prop)
        return pred.compile(ts), lambda s: enc.pred(s, pred)
    goal = {a for a in range(len(ts.actions)) if match_event(prop.spec["goal"], ts, a) is not None}
    return (lambda st: bool(actions) and actions[-1] in goal), None


def replay_explicit(ts, actions):
    """Replay through expand(): every action enabled where it is taken; returns the end state."""
    s = ts.initial_state()
    for aid in actions:
        succ, unhandled = ts.expand(s)
        assert not unhandled, "a trace continues past an unhandled message"
        nxt = dict(succ).get(aid)
        assert nxt is not None, f"action {ts.action_text(aid)} is not enabled"
        s = nxt
    return s


@differential_settings()
@given(descriptions())
def _explicit_and_z3_agree(desc):
    """The property, run by the test below (which also checks what its examples exercised)."""
    ts, props = build(desc)
    obligations = lower(props, ts)
    explicit, _ = ExplicitChecker().check(ts, obligations)  # with its default reductions (POR, symmetry)
    depth = explore(ts).depth + 2  # BMC past every reachable state of the unreduced system
    z3_out, _ = Z3Checker(depth=depth, timeout=0, simulate=False).check(ts, obligations)  # the encoding alone
    COUNTS["examples"] += 1
    for prop, e, z in zip(props, explicit, z3_out):
        note(f"{prop.id} {prop.kind} {prop.spec}: explicit {e.verdict.value} ({e.reason}); "
             f"z3 {z.verdict.value} ({z.reason})")
        COUNTS["results"] += 1
        assert e.verdict is not Verdict.INCONCLUSIVE, "the explicit search of a tiny system is complete"
        if z.verdict is not Verdict.INCONCLUSIVE:
            COUNTS["z3_conclusive"] += 1
            assert z.verdict is e.verdict, f"{prop.id}: explicit {e.verdict.value}, z3 {z.verdict.value}"
        # With the bound past the search depth, BMC finds whatever exists.
        if e.verdict is Verdict.VIOLATED and e.trace is not None:
            COUNTS["violated"] += 1
            assert z.verdict is Verdict.VIOLATED
        if prop.kind == "reachability" and e.verdict is Verdict.HOLDS:
            assert z.verdict is Verdict.HOLDS
        for name, o in (("explicit", e), ("z3", z)):
            if o.trace is None or o.verdict is Verdict.VACUOUS:
                continue
            final_explicit, final_z3 = ends_badly(ts, prop, o.trace.actions)
            end = replay_explicit(ts, o.trace.actions)
            assert final_explicit(end), f"{name}'s trace for {prop.id} does not end where it should"
            assert replays(Encoding(ts), o.trace.actions, final_z3), \
                f"{name}'s trace for {prop.id} does not replay in the Z3 encoding"
        if e.verdict is Verdict.VIOLATED and z.verdict is Verdict.VIOLATED and prop.kind != "reachability":
            # BMC's is a shortest counterexample; partial-order reduction may lengthen the other.
            assert len(z.trace.actions) <= len(e.trace.actions)


def test_explicit_and_z3_agree_and_the_examples_exercise_both_verdicts():
    """One test owns the counts it checks: they are reset, filled by this test's own examples
    and read here, never left over from another test (or zero when that one was deselected)."""
    COUNTS.update(dict.fromkeys(COUNTS, 0))
    _explicit_and_z3_agree()
    assert COUNTS["examples"] > 0
    assert COUNTS["violated"] > 0 and COUNTS["z3_conclusive"] > COUNTS["results"] // 2, COUNTS
