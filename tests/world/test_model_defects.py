"""Defects of the model itself that `--set faults=all --max-states 10000000` revealed (issue 14,
item 7), each pinned by the scenario of its counterexample and a small exploration from where
it ends.  Each test failed before its fix."""

import pytest

from imsflow.patterns.verdict import Verdict
from imsflow.pipeline import CheckRequest, check

from .scripted import drive, read, settle, system

FAULTS_ALL = {"faults": "all"}


def _settles_cleanly(flow, scenario, settings=FAULTS_ALL, wics=1):
    ts = system(flow, settings, wics)
    return _clean(settle(ts, drive(ts, read(scenario))))


def _clean(end):
    """Everything reachable from where a scenario ends comes to rest, handled and within budget."""
    assert not end.cut, f"budget too small: {end.states} states"
    assert not end.unhandled, end.unhandled
    assert not end.deadlocks, end.deadlocks[0]
    assert end.ends, "nothing comes to rest"
    return end


@pytest.mark.parametrize("flow, scenario", [
    ("F6", "f6_crossing_byes_after_expiry.txt"),
    ("F8", "f8_ws_drop_after_iwf_final.txt"),
])
def test_a_bye_answered_after_the_registration_expired_still_reaches_the_wst(flow, scenario):
    # The far end's 200(BYE) arrives at an S-CSCF whose registration has just expired.
    end = _settles_cleanly(flow, scenario)
    assert all(e["WST"].startswith("1:closed") for e in end.ends), {e["WST"] for e in end.ends}


@pytest.mark.parametrize("flow, scenario", [
    ("F7", "f7_cancel_crossing_answer_then_ws_drop.txt"),
    ("F9", "f9_cancel_crossing_answer_then_ws_drop.txt"),
])
def test_no_bye_towards_ims_for_a_leg_that_ended_with_487(flow, scenario):
    end = _settles_cleanly(flow, scenario)
    assert all(e["WST"].startswith("1:closed") and "iwf=no" in e["WST"] for e in end.ends)
    assert all("1:idle" in e["IWF"] for e in end.ends)


def test_a_disconnected_wic_keeps_no_range_identity():
    # WIC 1's WebSocket drops, its identity is released and bound to WIC 2: WIC 1 must not still
    # hold it (it did: `imsflow check --flow F5 --wics 2 --set faults=ws_drop`).
    run = check(CheckRequest(flows=["F5"], wics=2, settings={"faults": "ws_drop"},
                             properties=["pool-identity-bound-once"], progress=False))
    assert [r.verdict for r in run.results] == [Verdict.HOLDS], run.results[0].reason
    ts = system("F5", {"faults": "ws_drop"}, wics=2)
    state = ts.describe(drive(ts, read("f5_two_wics_one_drops.txt")))
    assert state["WIC1"].startswith("disconnected") and "impu=0" in state["WIC1"], state["WIC1"]
    assert "impu=5" in state["WIC2"]


def test_a_range_identity_bound_after_the_websocket_dropped_is_released():
    ts = system("F5", {"faults": "ws_drop"})
    end = settle(ts, drive(ts, read("f5_ws_drop_while_verifying.txt")))
    assert end.ends and not end.deadlocks and not end.cut
    assert {e["IWAIS"].split("shared")[1] for e in end.ends} == {"{pool=('free', 'free')}"}


def test_a_deregistered_scscf_keeps_the_cancel_of_an_invite_it_refused():
    end = _settles_cleanly("F8", "f8_cancel_after_expiry.txt")
    assert all(e["REMOTE"].startswith("1:idle") for e in end.ends)


def test_the_far_ends_bye_is_answered_when_the_websocket_drops_while_it_is_relayed():
    # The far end's BYE is on its way to the WIC when the WIC's WebSocket drops: the WST answered
    # the WebSocket's close with a BYE of its own, so the far end's BYE never got its 200
    # (`imsflow check --flow F6 --set faults=ws_drop --property remote-bye-answered`).
    ts = system("F6", {"faults": "ws_drop"})
    start = drive(ts, read("f6_far_end_bye_while_ws_drops.txt"))
    state = ts.describe(start)
    assert state["WST"].startswith("1:closed"), state["WST"]
    assert [m.split("(wic")[0] for m in state["channels"]["WST->P-CSCF"]] == ["200(BYE)"], state["channels"]
    _clean(settle(ts, start))
    run = check(CheckRequest(flows=["F6"], settings={"faults": "ws_drop"}, properties=["remote-bye-answered"],
                             progress=False))
    assert [r.verdict for r in run.results] == [Verdict.HOLDS], run.results[0].reason
