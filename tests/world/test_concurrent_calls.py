"""Concurrent calls: with several WICs every WIC places (F6, F8) or receives (F7, F9) a call,
and the calls overlap.  The whole space with two WICs is millions of states (F6: 9,814,351,
decided in 17 minutes), so the tests here drive two overlapping calls along the single-call
flow and explore what follows within a count budget, and check that a budget-limited run never
passes itself off as `holds`."""

from __future__ import annotations

import pytest

from imsflow.pipeline import CheckRequest, check
from imsflow.patterns.verdict import Verdict
from properties import breakage as b
from world.scripted import drive, settle, system

SESSION_FLOWS = ["F6", "F7", "F8", "F9"]
CALL_UP = {"F6": "in_call", "F8": "in_call", "F7": "answered", "F9": "answered"}


def _single_call(flow: str) -> list[tuple[str, str, str | None]]:
    """The seed's flow with one WIC, as (entity, trigger, sender) steps (the flow-reachable witness)."""
    run = check(CheckRequest(flows=[flow], properties=["flow-reachable"], progress=False, intruder=False))
    ts, trace = run.systems[flow], run.traces[("flow-reachable", flow)]
    return [(ts.processes[ts.actions[aid].proc].name, ts.actions[aid].trigger, ts.sender_of(aid))
            for aid in trace.actions]


def _as_wic(steps, k: int):
    own = {"WIC": f"WIC{k}", "UICC": f"UICC{k}"}
    return [(own.get(e, e), trigger, own.get(s, s) if s else s) for e, trigger, s in steps]


def _overlapping(steps, lead: int = 1):
    """WIC 1's call `lead` steps ahead, then both calls step by step in turn."""
    one, two = _as_wic(steps, 1), _as_wic(steps, 2)
    return one[:lead] + [x for pair in zip(one[lead:], two) for x in pair] + two[len(one) - lead:]


@pytest.mark.parametrize("flow", SESSION_FLOWS)
def test_two_calls_are_up_at_once_each_on_its_own_identity(flow):
    ts = system(flow, wics=2)
    state = ts.describe(drive(ts, _overlapping(_single_call(flow))))
    assert state["WIC1"] == f"{CALL_UP[flow]}{{token=none, impu=1, refreshed=no, left=no}}"
    assert state["WIC2"] == f"{CALL_UP[flow]}{{token=none, impu=2, refreshed=no, left=no}}"


@pytest.mark.parametrize("flow", SESSION_FLOWS)
def test_what_follows_two_overlapping_calls_never_gets_stuck(flow):
    """Hang-ups, crossings and the second call's remaining steps, explored from the state
    where both calls are up (a budget-limited search: what it finds is real)."""
    ts = system(flow, wics=2)
    out = settle(ts, drive(ts, _overlapping(_single_call(flow))), budget=4_000)
    assert out.states > 1_000
    assert not out.deadlocks, out.deadlocks[0]
    assert not out.unhandled, out.unhandled[:3]


def test_two_wics_place_two_calls_not_one():
    """Before: a session flow with two WICs explored the same states as with one."""
    one = check(CheckRequest(flows=["F6"], wics=1, properties=["deadlock-free"], progress=False, intruder=False))
    two = check(CheckRequest(flows=["F6"], wics=2, properties=["deadlock-free"], progress=False, intruder=False,
                             max_states=30_000))
    [cut] = two.results
    assert one.results[0].verdict is Verdict.HOLDS
    assert cut.verdict is Verdict.INCONCLUSIVE  # a cut search is never `holds`
    assert "state budget of 30,000 states reached" in cut.reason
    assert cut.lift == "imsflow check --flow F6 --property deadlock-free --wics 2 --no-intruder --max-states none"
    assert two.stats["states"] >= 30_000 > 5 * one.stats["states"]


def test_an_inbound_call_never_reaches_the_other_wic(monkeypatch):
    """Two far-end calls, one per identity: within the budget the routing holds, and a WST
    that delivers every inbound call on the first WebSocket is caught by the same search."""
    kept = check(CheckRequest(flows=["F7"], wics=2, properties=["inbound-invite-to-bound-wic"],
                              progress=False, max_states=30_000))
    assert kept.results[0].verdict is Verdict.INCONCLUSIVE  # no violation; the space is larger
    def first_websocket(wst):
        wst.send("WIC", "INVITE", index=1, wic=1, caller=wst.msg.caller, callee=wst.msg.callee,
                 profile="webrtc", codec="opus", addr="iwf")

    b.patch_method(monkeypatch, "WST", "invite_in", first_websocket)
    broken = check(CheckRequest(flows=["F7"], wics=2, properties=["inbound-invite-to-bound-wic"],
                                progress=False, max_states=30_000))
    [r] = broken.results
    assert r.verdict is Verdict.VIOLATED, r.reason
    assert any(e["to"].startswith("WIC") and e["message"].startswith("INVITE") for e in r.trace)
