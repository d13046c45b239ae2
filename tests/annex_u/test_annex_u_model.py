"""The Annex U model end to end: it loads, every flow runs in its step order with every step
traced to a clause, the default check passes with every verdict as expected, and each broken
variant (an eP-CSCF that trusts any sender, one that does not interwork) is caught."""

import json

import pytest

from imsflow.backends.explore.witness import step_key
from imsflow.cli import main
from imsflow.loader import load
from imsflow.patterns.verdict import Verdict
from imsflow.pipeline import CheckRequest, check

from annex_u_support import BUDGET

FLOWS = ["U1", "U2", "U3", "U4", "U5", "U6"]
ENTITIES = ["WIC", "WWSF", "WAF", "eP-CSCF", "eIMS-AGW", "I-CSCF", "S-CSCF", "HSS", "PCRF", "REMOTE", "ROGUE"]


@pytest.fixture(scope="module")
def default_run(annex_u):
    return check(CheckRequest(model_dir=annex_u, progress=False, max_states=BUDGET))


def _verdicts(run):
    return {(r.property, r.flow): r for r in run.results}


def _check_json(capsys, annex_u, *args):
    code = main(["check", "--model", annex_u, "--format", "json", "--max-states", str(BUDGET), *args])
    return code, json.loads(capsys.readouterr().out)


def test_the_model_loads_with_its_entities_flows_and_variants(annex_u):
    loaded = load(annex_u)
    model = loaded.model
    assert [e.name for e in model.entities] == ENTITIES
    assert list(model.flows) == FLOWS
    assert {v: model.variants[v].values for v in model.variants} == {
        "tna_trust": ("validated", "none", "any"), "interworking": ("edge", "off"),
        "rogue": ("no", "yes"), "faults": ("none", "bad_token")}
    ids = {p.id for p in loaded.properties}
    # the seed's ids, where the role is the same
    assert {"no-media-before-200ok", "password-stays-with-owner", "deadlock-free", "flow-reachable",
            "ims-gets-no-webrtc-sdp", "scscf-200-only-after-authentication"} <= ids
    # and no translator is left
    assert not any(e.name in ("WST", "MRF", "IWF", "CSS", "IWAIS") for e in model.entities)


def test_every_step_of_every_flow_names_its_clause(annex_u):
    import sys

    model = load(annex_u).model
    package = model.entities[0].__module__.rsplit(".", 1)[0]  # the loaded model package
    clauses = sys.modules[f"{package}.flows"].STEP_CLAUSES
    for fid, flow in model.flows.items():
        assert set(flow.steps) == set(clauses[fid]), fid
        for label in flow.steps:
            text = clauses[fid][label]
            assert "TS 2" in text or "TS 3" in text, (fid, label, text)
            assert f"{label}: {text}" in flow.description


def test_every_transition_step_label_is_a_step_of_its_flow(annex_u):
    model = load(annex_u).model
    labelled = 0
    for cls in model.entities:
        for t in cls.transitions:
            if isinstance(t.step, dict):
                for fid, label in t.step.items():
                    assert fid in model.flows and label in model.flows[fid].steps, (cls.name, t.title(), fid, label)
                    labelled += 1
    assert labelled > 50


def test_default_check_exits_0_with_every_verdict_holding(capsys, annex_u):
    code, doc = _check_json(capsys, annex_u)
    assert code == 0
    verdicts = {(r["property"], r["flow"]): r["verdict"] for r in doc["results"]}
    assert len(verdicts) == 91
    assert set(verdicts.values()) == {"holds"}
    assert doc["stats"]["states"] == 3276  # pinned: the six flows with one WIC, security ones with the intruder (unreduced)


@pytest.mark.parametrize("flow", FLOWS)
def test_each_flow_is_reachable_in_its_step_order(default_run, annex_u, flow):
    model = load(annex_u).model
    r = _verdicts(default_run)[("flow-reachable", flow)]
    assert r.verdict is Verdict.HOLDS, r.reason
    labels = [e["step"] for e in r.trace if e["step"]]
    assert set(labels) == set(model.flows[flow].steps)
    keys = [step_key(label) for label in labels]
    assert keys == sorted(keys), labels


def test_key_security_properties_hold_on_the_standard(default_run):
    v = _verdicts(default_run)
    for flow in ("U1", "U2", "U3", "U4"):
        assert v[("password-stays-with-owner", flow)].verdict is Verdict.HOLDS
        assert v[("tna-only-for-validated-client", flow)].verdict is Verdict.HOLDS
    for flow in ("U3", "U4"):
        assert v[("token-verified-before-tna", flow)].verdict is Verdict.HOLDS
        assert v[("no-mar-on-tna-path", flow)].verdict is Verdict.HOLDS
    for flow in ("U5", "U6"):
        assert v[("ims-gets-no-webrtc-sdp", flow)].verdict is Verdict.HOLDS
        assert v[("no-media-before-200ok", flow)].verdict is Verdict.HOLDS


def test_the_rogue_is_refused_by_the_standard_eP_CSCF(capsys, annex_u):
    code, doc = _check_json(capsys, annex_u, "--set", "rogue=yes")
    assert code == 0 and {r["verdict"] for r in doc["results"]} == {"holds"}


def test_an_eP_CSCF_that_trusts_any_sender_registers_the_rogue(capsys, annex_u):
    code, doc = _check_json(capsys, annex_u, "--set", "tna_trust=any", "--set", "rogue=yes")
    assert code == 0  # the findings are the declared ones
    violated = {(r["property"], r["flow"]) for r in doc["results"] if r["verdict"] == "violated"}
    assert violated == {("tna-only-for-validated-client", f) for f in ("U1", "U2", "U3", "U4")} | {
        ("token-verified-before-tna", "U3"), ("token-verified-before-tna", "U4")}
    r = next(r for r in doc["results"] if (r["property"], r["flow"]) == ("tna-only-for-validated-client", "U3"))
    assert r["trace"][-1]["from"] == "eP-CSCF" and r["trace"][-1]["to"] == "ROGUE"
    assert r["trace"][-1]["message"].startswith("200(REGISTER)")
    assert any(e["from"] == "ROGUE" and e["message"].startswith("REGISTER") for e in r["trace"])


def test_the_broken_eP_CSCF_is_an_unexpected_finding_when_not_declared(tmp_path, capsys, annex_u):
    """The expectation is what makes `tna_trust=any` pass: without it the same run fails."""
    import shutil

    copy = tmp_path / "annex_u"
    shutil.copytree(annex_u, copy, ignore=shutil.ignore_patterns("diagrams", "generated"))
    sec = copy / "properties" / "security.yaml"
    text = sec.read_text()
    start = text.index("  expected:\n    - when: {tna_trust: any, rogue: \"yes\"}")
    end = text.index("- id: password-stays-with-owner")
    sec.write_text(text[:start] + "\n" + text[end:])
    code = main(["check", "--model", str(copy), "--flow", "U3", "--set", "tna_trust=any", "--set", "rogue=yes",
                 "--property", "tna-only-for-validated-client", "--max-states", str(BUDGET)])
    assert code == 1
    assert "UNEXPECTED" in capsys.readouterr().out


def test_an_eP_CSCF_that_does_not_interwork_leaks_webrtc_sdp_into_ims(capsys, annex_u):
    code, doc = _check_json(capsys, annex_u, "--set", "interworking=off")
    assert code == 0
    violated = {(r["property"], r["flow"]) for r in doc["results"] if r["verdict"] == "violated"}
    assert violated == {("ims-gets-no-webrtc-sdp", "U5"), ("ims-gets-no-webrtc-sdp", "U6"),
                        ("wic-gets-webrtc-sdp-only", "U5"), ("wic-gets-webrtc-sdp-only", "U6")}


def test_without_tna_web_registration_cannot_complete(capsys, annex_u):
    code, doc = _check_json(capsys, annex_u, "--set", "tna_trust=none")
    assert code == 0
    reach = {r["flow"]: r["verdict"] for r in doc["results"] if r["property"] == "flow-reachable"}
    assert reach == {"U1": "holds", "U2": "holds", "U3": "violated", "U4": "violated", "U5": "holds", "U6": "holds"}


def test_a_forged_token_is_refused(capsys, annex_u):
    code, doc = _check_json(capsys, annex_u, "--set", "faults=bad_token", "--flow", "U3", "--flow", "U4")
    assert code == 0
    refused = [r for r in doc["results"] if r["property"] == "bad-token-refused"]
    assert [r["verdict"] for r in refused] == ["holds", "holds"]


def test_two_wics_pinned_state_count(annex_u):
    run = check(CheckRequest(model_dir=annex_u, wics=2, progress=False, max_states=BUDGET))
    assert all(r.verdict is Verdict.HOLDS for r in run.results)
    assert run.stats["states"] == 24610  # unreduced (native search)
    pool = [r for r in run.results if r.property == "pool-identity-bound-once"]
    assert [r.verdict for r in pool] == [Verdict.HOLDS]
