"""The registration lifecycle (issue 14, item 4; variant lifecycle=full): after registering, a
WIC may refresh, de-register and register again, and the network may de-register it.  The
lifecycle properties hold on the seed model, are not vacuous, and each fails on a model broken
the way an implementation could get it wrong - including the race the model had to settle (a
reg-event NOTIFY overtaking the 200 of a REGISTER the S-CSCF took before it de-registered)."""

from __future__ import annotations

import pytest

from imsflow.patterns.verdict import Verdict
from imsflow.pipeline import CheckRequest, check
from model.common import to_wic
from properties import breakage as b

LIFECYCLE = {"lifecycle": "full"}
PROPERTIES = {
    "F1": ["wst-deregistration-after-ims", "deregistration-answered", "network-deregistration-reaches-wic"],
    "F2": ["wst-deregistration-after-ims", "deregistration-answered", "network-deregistration-reaches-wic"],
    "F3": ["wst-deregistration-after-ims", "deregistration-answered", "network-deregistration-reaches-wic"],
    "F5": ["range-identity-released-on-deregistration", "deregistration-answered", "pool-identity-bound-once"],
}


def _run(flow, properties=None, wics=1, **kw):
    # Without the intruder: these properties are not security ones, and its world is 100x larger here.
    return check(CheckRequest(flows=[flow], properties=properties, settings=LIFECYCLE, wics=wics, progress=False,
                              intruder=False, **kw))


def _verdicts(run):
    return {r.property: r.verdict for r in run.results}


@pytest.mark.parametrize("flow", sorted(PROPERTIES))
def test_the_lifecycle_holds_on_the_seed_and_every_other_verdict_is_as_expected(flow):
    run = _run(flow)
    verdicts = _verdicts(run)
    for prop in PROPERTIES[flow]:
        assert verdicts[prop] is Verdict.HOLDS, (flow, prop, verdicts[prop])
    assert all(r.as_expected for r in run.results), [(r.property, r.verdict) for r in run.results if not r.as_expected]
    assert verdicts["deadlock-free"] is Verdict.HOLDS and verdicts["every-message-handled"] is Verdict.HOLDS


def test_the_seed_registers_once_unless_the_lifecycle_is_asked_for():
    run = check(CheckRequest(flows=["F1"], properties=PROPERTIES["F1"], progress=False, intruder=False))
    assert run.results == [] or all(r.verdict is not Verdict.VIOLATED for r in run.results)
    once, full = (check(CheckRequest(flows=["F1"], properties=["deadlock-free"], settings=s, progress=False,
                                     intruder=False)).stats["states"] for s in ({}, LIFECYCLE))
    assert full > 5 * once  # refresh, de-registration and the network's, and their crossings


def test_the_lifecycle_is_reported_as_not_defined_by_the_seed():
    entries = {(u["entity"], u["transition"]): u for u in _run("F1", ["deadlock-free"]).underspecified}
    refresh = entries[("WIC", "refresh -> registering")]
    assert refresh["standard"].startswith("TS 24.229 5.1.1.4") and refresh["where"].startswith("model/wic.py:")
    assert entries[("S-CSCF", "network_deregister -> idle")]["standard"].startswith("TS 24.229 5.4.1.5")
    assert any(e == "P-CSCF" and "NOTIFY from S-CSCF" in t for e, t in entries)


def test_a_wst_that_keeps_the_network_deregistration_to_itself_is_caught(monkeypatch):
    b.patch_method(monkeypatch, "WST", "deregistered_by_network",
                   lambda e: (e.reply("200(NOTIFY)", wic=e.context), setattr(e.v, "impu", 0)))
    assert _verdicts(_run("F1", ["network-deregistration-reaches-wic"]))["network-deregistration-reaches-wic"] \
        is Verdict.VIOLATED


def test_a_pcscf_that_drops_a_notify_which_overtook_a_200_leaves_the_wic_registered_and_is_caught(monkeypatch):
    """The race: the S-CSCF answers a REGISTER, then de-registers; its NOTIFY reaches the
    P-CSCF before the 200.  The model holds the NOTIFY until the 200 has gone on; dropping it
    instead leaves a WIC registered with an identity the network let go."""
    b.patch_method(monkeypatch, "P-CSCF", "deliver_pending_notify", lambda e: setattr(e.v, "notify", 0))
    result = next(r for r in _run("F3", ["network-deregistration-reaches-wic"]).results)
    assert result.verdict is Verdict.VIOLATED
    labels = [step["label"] for step in result.trace]
    assert any(lbl.startswith("NOTIFY") for lbl in labels) and any(lbl.startswith("200(REGISTER)") for lbl in labels)


def test_a_wst_that_confirms_a_deregistration_without_ims_is_caught(monkeypatch):
    b.patch_method(monkeypatch, "WST", "deregister_in_ims",
                   lambda e: to_wic(e, "200(de-REGISTER)", impu=e.v.impu))
    assert _verdicts(_run("F2", ["wst-deregistration-after-ims"]))["wst-deregistration-after-ims"] is Verdict.VIOLATED


def test_a_wst_that_forgets_to_free_the_range_identity_is_caught(monkeypatch):
    b.patch_method(monkeypatch, "WST", "release_range_identity", lambda e: e.deregistered())
    assert _verdicts(_run("F5", ["range-identity-released-on-deregistration"]))[
        "range-identity-released-on-deregistration"] is Verdict.VIOLATED


def test_a_deregistration_left_unanswered_is_caught(monkeypatch):
    b.patch_transitions(monkeypatch, "S-CSCF", b.receipt("HSS", "SAA", source="deregistering"),
                        do=lambda e: None)
    assert _verdicts(_run("F1", ["deregistration-answered"]))["deregistration-answered"] is Verdict.VIOLATED


def test_a_released_range_identity_can_be_bound_to_another_wic_but_never_to_two():
    run = _run("F5", ["pool-identity-bound-once", "range-identity-released-on-deregistration"], wics=2)
    assert all(r.verdict is Verdict.HOLDS for r in run.results), [(r.property, r.verdict) for r in run.results]
