"""Standard procedures beside the seed's (issue 14, item 5):
- `digest=client` is F2 as RFC 3261 22.4 and TS 24.229 5.1.1.2 do it - the WIC answers the digest
  challenge itself - against the seed's 6.X.2.2.2 step 3, where the WIC hands its cleartext
  password to the WST;
- `aka=tls` is F1 as IMS AKA over TLS does it (TS 33.203 Annex X; RFC 4169) - the WIC answers
  with an AKAv2 response bound to its own keys and channel - against the seed's 6.X.2.2.1 steps
  10-11, where the RES goes to the WST, which forms the IMS REGISTER with it;
- `tna_check=network` is trusted node authentication as TS 33.203 Annex U does it - the I-CSCF
  verifies the registering node - against the seed's 6.1.3, where the P-CSCF's word is all."""

from __future__ import annotations

import pytest

from imsflow.cli import main
from imsflow.patterns.verdict import Verdict
from imsflow.pipeline import CheckRequest, check
from properties import breakage as b


def _run(settings, properties=None, flows=("F2",), **kw):
    return check(CheckRequest(flows=list(flows), properties=properties, settings=settings, progress=False, **kw))


def _verdicts(run):
    return {r.property: r.verdict for r in run.results}


def test_the_standard_digest_keeps_the_password_with_the_wic_and_completes_the_flow():
    run = _run({"digest": "client"})
    verdicts = _verdicts(run)
    assert verdicts["password-stays-with-owner"] is Verdict.HOLDS
    assert verdicts["flow-reachable"] is Verdict.HOLDS and verdicts["scscf-200-only-after-authentication"] is Verdict.HOLDS
    assert all(r.as_expected for r in run.results), [(r.property, r.verdict) for r in run.results if not r.as_expected]


def test_the_seed_digest_is_still_the_expected_finding():
    (r,) = _run({}, ["password-stays-with-owner"]).results
    assert r.verdict is Verdict.VIOLATED and r.as_expected


def test_a_wic_that_puts_its_password_in_the_answer_is_caught(monkeypatch):
    b.patch_method(monkeypatch, "WIC", "answer_digest",
                   lambda e: e._register(impu=e.v.impu, cred="password", response="none"))
    (r,) = _run({"digest": "client"}, ["password-stays-with-owner"]).results
    assert r.verdict is Verdict.VIOLATED and not r.as_expected


# ---- tna_check: who verifies the trusted node -----------------------------------------------

NO_INTRUDER_REGISTRATION = ["no-registration-for-intruder"]
TRUST_ANY = {"tna_trust": "any"}


def test_with_the_p_cscf_alone_a_p_cscf_that_trusts_everyone_registers_the_intruder():
    for flow in ("F1", "F3"):
        (r,) = _run({**TRUST_ANY, "tna_check": "pcscf"}, NO_INTRUDER_REGISTRATION, flows=[flow]).results
        assert r.verdict is Verdict.VIOLATED and r.as_expected, flow
        # The counterexample shows the attack: a TNA assertion goes on, and the 200 reaches the intruder.
        assert any(e["to"] == "I-CSCF" and "tna=asserted" in e["label"] for e in r.trace), flow
        last = r.trace[-1]
        assert last["entity"] == "ROGUE" and last["event"] == "200(REGISTER)" and last["violation"], last


def test_the_network_check_refuses_the_untrusted_node_and_the_wst_still_registers():
    run = _run({**TRUST_ANY, "tna_check": "network"}, flows=["F3"])
    verdicts = _verdicts(run)
    assert verdicts["no-registration-for-intruder"] is Verdict.HOLDS
    # TNA through the translator is untouched: F3 still completes without a challenge.
    assert verdicts["flow-reachable"] is Verdict.HOLDS and verdicts["no-mar-on-tna-path"] is Verdict.HOLDS
    # The P-CSCF still asserts for anyone: its own property stays the seed's finding.
    assert verdicts["tna-only-from-translator"] is Verdict.VIOLATED
    assert all(r.as_expected for r in run.results), [(r.property, r.verdict) for r in run.results if not r.as_expected]


def test_an_i_cscf_that_skips_the_node_check_is_caught(monkeypatch):
    b.patch_method(monkeypatch, "I-CSCF", "tna_from_untrusted_node", lambda e: False)
    (r,) = _run({**TRUST_ANY, "tna_check": "network"}, NO_INTRUDER_REGISTRATION, flows=["F3"]).results
    assert r.verdict is Verdict.VIOLATED and not r.as_expected


def test_a_p_cscf_that_hides_the_hop_cannot_smuggle_the_intruder_past_the_network_check(monkeypatch):
    # The P-CSCF passes on a REGISTER without the node it came from: the I-CSCF treats an unknown
    # node as untrusted, so the intruder is still refused - and the WST's own TNA is refused too.
    def forward_without_node(e):
        e.v.peer = e.sender
        tna = "asserted" if e.msg.tna == "claimed" and e.trusts_sender() else "no"
        e.send("I-CSCF", "REGISTER", wic=e.context, impu=e.msg.impu, cred=e.msg.cred, token=e.msg.token, tna=tna,
               response=e.msg.response)

    b.patch_method(monkeypatch, "P-CSCF", "forward_register", forward_without_node)
    verdicts = _verdicts(_run({**TRUST_ANY, "tna_check": "network"}, flows=["F3"]))
    assert verdicts["no-registration-for-intruder"] is Verdict.HOLDS
    assert verdicts["flow-reachable"] is Verdict.VIOLATED


def test_the_default_p_cscf_needs_no_network_check():
    (r,) = _run({"tna_check": "pcscf"}, NO_INTRUDER_REGISTRATION, flows=["F3"]).results
    assert r.verdict is Verdict.HOLDS


# ---- aka: the RES relayed through the WST, or AKAv2 over the WIC's own TLS --------------------

def test_aka_over_tls_keeps_the_res_with_the_client_and_still_registers():
    run = _run({"aka": "tls"}, flows=["F1"])
    verdicts = _verdicts(run)
    assert verdicts["res-stays-with-the-client"] is Verdict.HOLDS
    for prop in ("flow-reachable", "scscf-200-only-after-authentication", "challenge-answered-once",
                 "res-only-after-autn", "keys-stay-in-the-core"):
        assert verdicts[prop] is Verdict.HOLDS, prop
    assert all(r.as_expected for r in run.results), [(r.property, r.verdict) for r in run.results if not r.as_expected]


def test_the_seed_relays_the_res_through_the_translator():
    (r,) = _run({}, ["res-stays-with-the-client"], flows=["F1"]).results
    assert r.verdict is Verdict.VIOLATED and r.as_expected
    assert r.trace[-1]["entity"] == "WST" and "cred=res" in r.trace[-1]["label"], r.trace[-1]


def test_a_wic_that_still_hands_over_the_raw_res_is_caught(monkeypatch):
    b.patch_method(monkeypatch, "WIC", "answer_challenge",
                   lambda e: e._register(impu=e.v.impu, cred="res", response=e.msg.response))
    (r,) = _run({"aka": "tls"}, ["res-stays-with-the-client"], flows=["F1"]).results
    assert r.verdict is Verdict.VIOLATED and not r.as_expected


def test_an_scscf_that_does_not_know_akav2_leaves_the_wic_unregistered(monkeypatch):
    b.patch_method(monkeypatch, "S-CSCF", "response_matches",
                   lambda e: (e.v.av, e.msg.cred) in (("aka", "res"), ("digest", "digest"))
                   and e.msg.impu == e.v.impu and e.msg.response == "matches")
    (r,) = _run({"aka": "tls"}, ["flow-reachable"], flows=["F1"]).results
    assert r.verdict is Verdict.VIOLATED


# ---- each standard choice beside the seed's, as an editor sees it in imsflow diff ------------

DIFFS = [
    # (flow, candidate --set, baseline --against, property, what the diff must show)
    ("F2", ["digest=client"], "digest=translator", "password-stays-with-owner",
     ["- WIC -> WST: REGISTER(cred=password", "+ WST -> WIC: 401(auth=digest"]),
    ("F3", ["tna_trust=any", "tna_check=network"], "tna_check=pcscf", "no-registration-for-intruder",
     ["sends 200(REGISTER)(impu=1, wic=1) to ROGUE"]),  # the baseline's attack, drawn for the editor
    ("F1", ["aka=tls"], "aka=relayed", "res-stays-with-the-client", ["cred=akav2"]),
]


@pytest.mark.parametrize("flow, sets, against, prop, shown", DIFFS, ids=[d[1][-1] for d in DIFFS])
def test_diff_shows_the_standard_choice_against_the_seeds(capsys, flow, sets, against, prop, shown):
    args = ["diff", "--flow", flow, *[a for v in sets for a in ("--set", v)], "--against", against,
            "--property", prop, "--executor", "serial"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"better  {prop} on {flow}: violated -> holds" in out
    for text in shown:
        assert text in out, text
