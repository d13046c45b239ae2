"""The nine seed flows, written as the seed writes them (flows/F1.yaml ... F9.yaml), conform to
the seed model; deliberately broken copies diverge at the right step, refused by the right entity."""

import os

import pytest

from imsflow.editors.conform import conform
from imsflow.editors.flowfile import load_flow
from imsflow.editors.report import listing, svg
from imsflow.loader import load

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FLOWS = os.path.join(REPO, "flows")


@pytest.fixture(scope="module")
def seed():
    return load()


@pytest.mark.parametrize("fid", [f"F{i}" for i in range(1, 10)])
def test_seed_flow_conforms(seed, fid):
    flow = load_flow(os.path.join(FLOWS, f"{fid}.yaml"))
    assert flow.flow == fid
    out = conform(flow, seed)
    assert out.verdict == "conforms", listing(out)
    assert out.matched == len(flow.steps)
    # the file's numbering is the seed's: the same labels, in the same order, as the model's flow
    labels = []
    for s in flow.steps:
        if not labels or labels[-1] != s.label:
            labels.append(s.label)
    assert tuple(labels) == seed.model.flows[fid].steps
    # every written arrow is drawn, carrying the editor's number
    drawn = {lab for lab in out.labels if lab}
    assert {s.label for s in flow.steps if s.message} <= drawn


def test_200_to_the_wic_before_the_ims_200_is_refused_by_the_translator(seed):
    out = conform(load_flow(os.path.join(HERE, "broken", "F1_early_200.yaml")), seed)
    assert out.verdict == "diverges" and out.exit_code == 1
    r = out.refusal
    assert (r.step.label, r.step.sender, r.step.receiver, r.step.message) == ("11", "WST", "WIC", "200(REGISTER)")
    assert r.entity.startswith("WST") and r.role == "sender"
    assert "challenged" in r.state
    # what it does instead: forward the challenge response into IMS
    assert any("sends REGISTER" in x and "to P-CSCF" in x and "[enabled]" in x for x in r.instead)
    assert out.matched == 13  # steps 1 to 10 were performed
    assert "refused by WST" in svg(out)


def test_a_401_on_the_token_path_is_refused_by_the_s_cscf(seed):
    out = conform(load_flow(os.path.join(HERE, "broken", "F3_token_401.yaml")), seed)
    assert out.verdict == "diverges"
    r = out.refusal
    assert (r.step.label, r.step.message) == ("7-10", "401")
    assert r.entity.startswith("S-CSCF") and r.role == "sender"
    # trusted node authentication: the S-CSCF saves the registration (SAR) instead of challenging
    assert any("200(REGISTER)" in x and "[enabled]" in x for x in r.instead)
    text = listing(out)
    assert "F3_token_401.yaml:" in text and "diverges at step 7-10. S-CSCF -> I-CSCF: 401" in text


def test_the_same_flow_under_another_variant(capsys):
    from imsflow.cli import main

    # without trust in the translator the P-CSCF passes on a digest challenge instead of the 200
    assert main(["conform", os.path.join(FLOWS, "F3.yaml"), "--set", "tna_trust=none"]) == 1
    out = capsys.readouterr().out
    assert "diverges at step 7-10. P-CSCF -> WST: 200(REGISTER)" in out
    assert "sends 401" in out and "[enabled]" in out
