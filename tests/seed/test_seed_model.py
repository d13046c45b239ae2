"""The seed model end to end: every flow runs in the seed's step order, the catalogue gets its
expected verdicts on the default variant, and each variant flips what it targets."""

import pytest

from imsflow.backends.explore.witness import step_key
from imsflow.loader import load
from imsflow.patterns.verdict import Verdict
from imsflow.pipeline import CheckRequest, check

FLOWS = ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"]


@pytest.fixture(scope="module")
def default_run():
    return check(CheckRequest(progress=False))


def _result(run, prop, flow):
    return next(r for r in run.results if r.property == prop and r.flow == flow)


@pytest.mark.parametrize("flow", FLOWS)
def test_each_flow_witness_follows_the_seed_step_order(default_run, flow):
    model = load(None).model
    r = _result(default_run, "flow-reachable", flow)
    assert r.verdict is Verdict.HOLDS, r.reason
    labels = [e["step"] for e in r.trace if e["step"]]
    declared = model.flows[flow].steps
    assert set(labels) <= set(declared), set(labels) - set(declared)
    required = set(declared) - set(model.flows[flow].optional_steps)
    assert required <= set(labels), required - set(labels)
    restart = set(model.flows[flow].restart_after)
    last = -1
    for label in labels:
        key = step_key(label)
        assert key >= last, f"{flow}: step {label} after {last}"
        last = -1 if label in restart else key


def test_default_variant_gives_exactly_the_expected_findings(default_run):
    assert default_run.exit_code == 0
    findings = sorted((r.property, r.flow) for r in default_run.results if r.verdict is Verdict.VIOLATED)
    assert findings == [
        ("ims-gets-no-webrtc-sdp", "F6"),
        ("password-stays-with-owner", "F2"),
        ("password-stays-with-owner", "F4"),
        ("res-stays-with-the-client", "F1"),
    ]
    assert not [r for r in default_run.results if r.verdict in (Verdict.VACUOUS, Verdict.INCONCLUSIVE)]


def test_named_properties_exist_and_apply():
    ids = {p.id for p in load(None).properties}
    for pid in ["no-media-before-200ok", "tna-only-from-translator", "password-stays-with-owner",
                "deadlock-free", "flow-reachable"]:
        assert pid in ids


def test_password_finding_shows_the_register_carrying_it(default_run):
    r = _result(default_run, "password-stays-with-owner", "F2")
    last = r.trace[-1]
    assert (last["from"], last["to"], last["message"], last["step"]) == ("WIC", "WST", "REGISTER", "3")
    assert "password" in last["label"]


def test_tna_trusting_any_sender_lets_the_rogue_register():
    run = check(CheckRequest(flows=["F3"], settings={"tna_trust": "any", "rogue": "yes"},
                             properties=["tna-only-from-translator"], progress=False))
    r = run.results[0]
    assert r.verdict is Verdict.VIOLATED and r.as_expected
    last = r.trace[-1]
    assert last["entity"] == "P-CSCF" and last["received"]["from"] == "ROGUE"
    assert last["received"]["message"].startswith("REGISTER") and "tna_asserted" in last["tags"]
    assert (last["to"], last["message"]) == ("I-CSCF", "REGISTER") and "tna=asserted" in last["label"]
    # and with the default trust the same rogue gets nowhere
    safe = check(CheckRequest(flows=["F3"], settings={"rogue": "yes"}, properties=["tna-only-from-translator"],
                              progress=False))
    assert safe.results[0].verdict is Verdict.HOLDS


def test_early_media_relaxes_no_media_before_200ok():
    run = check(CheckRequest(flows=["F8"], settings={"early_media": "yes"}, properties=["no-media-before-200ok"],
                             progress=False))
    r = run.results[0]
    assert r.verdict is Verdict.VIOLATED and r.as_expected and "early_media" in r.reason
    assert r.trace[-1]["entity"] == "AGW" and "gate_open" in r.trace[-1]["tags"]


def test_without_ringing_support_no_180_reaches_the_wic():
    run = check(CheckRequest(flows=["F6"], settings={"ringing": "no"}, progress=False,
                             properties=["ringing-not-delivered-when-unsupported", "flow-reachable"]))
    assert all(r.verdict is Verdict.HOLDS for r in run.results)
    ts = run.systems["F6"]
    assert any("ringing_suppressed" in a.tags for a in ts.actions)  # the 180 did arrive at the WST


@pytest.mark.parametrize("flow,prop", [("F6", "outbound-completes-without-offer-answer"),
                                       ("F7", "inbound-completes-without-offer-answer")])
def test_without_offer_answer_the_call_still_completes(flow, prop):
    run = check(CheckRequest(flows=[flow], settings={"offer_answer": "no"}, properties=[prop, "deadlock-free"],
                             progress=False))
    assert all(r.verdict is Verdict.HOLDS for r in run.results)
    assert any(t in a.tags for a in run.systems[flow].actions for t in ("ni_o", "ni_t"))


def test_without_trust_web_registration_cannot_complete():
    run = check(CheckRequest(flows=["F3"], settings={"tna_trust": "none"}, progress=False))
    assert run.exit_code == 0
    assert _result(run, "flow-reachable", "F3").verdict is Verdict.VIOLATED


def test_several_wics_register_and_keep_identities_apart():
    run = check(CheckRequest(flows=["F5"], wics=3, progress=False,
                             properties=["pool-identity-bound-once", "range-identity-registered-before-binding",
                                         "deadlock-free", "every-message-handled"]))
    assert all(r.verdict is Verdict.HOLDS for r in run.results), [(r.property, r.verdict) for r in run.results]
    assert run.stats["states"] > 0


