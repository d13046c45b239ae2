"""`imsflow diff --model models/annex_u --against-model .`: the seed's translator architecture
against TS 23.228 Annex U, joined by models/annex_u/correspondence.yaml."""

import json
import shutil

import pytest

from imsflow.cli import main
from imsflow.workflow.archdiff import NEW, NO_LONGER, ArchitectureDiff, render_architecture_diff

from annex_u_support import BUDGET

HEADLINES = [
    ("finding-fixed", "F2", "U2", "password-stays-with-owner"),
    ("finding-fixed", "F6", "U5", "ims-gets-no-webrtc-sdp"),
    ("gains-ims-signalling", "F5", "U4", None),
]


def _pair(diff, bf, cf):
    return next(p for p in diff.pairs if (p["baseline_flow"], p["candidate_flow"]) == (bf, cf))


def test_the_three_headline_changes_come_first_with_their_traces(architecture_diff):
    d = architecture_diff
    assert isinstance(d, ArchitectureDiff)
    assert [(h["kind"], h["baseline_flow"], h["candidate_flow"], h.get("property")) for h in d.headlines] == HEADLINES
    password, offer, signalling = d.headlines
    # the password exposure: the seed's counterexample, the WIC handing its password to the WST
    assert password["side"] == "baseline" and password["evidence"]["verdict"] == "violated"
    last = password["evidence"]["trace"][-1]
    assert (last["from"], last["to"], last["step"]) == ("WIC", "WST", "3") and "cred=password" in last["label"]
    # the WebRTC offer reaching the far end (reactive interworking in the seed)
    last = offer["evidence"]["trace"][-1]
    assert last["from"] == "REMOTE" and any("profile=webrtc" in e["label"] and e["to"] == "REMOTE"
                                            for e in offer["evidence"]["trace"])
    # F5 gains IMS signalling: 0 messages through I-CSCF/S-CSCF/HSS in the seed, a TNA registration now
    assert (signalling["before"], signalling["after"]) == (0, 8)
    assert "eP-CSCF -> I-CSCF: REGISTER" in signalling["messages"]
    assert signalling["evidence"]["verdict"] == "holds"
    assert any(e["to"] == "S-CSCF" for e in signalling["evidence"]["trace"])


def test_no_obligation_is_mislabelled_as_a_regression(architecture_diff):
    d = architecture_diff
    assert d.worse == [] and int(d.exit_code) == 0
    changes = {v["change"] for p in d.pairs for v in p["verdicts"]}
    assert changes <= {"unchanged", "finding-fixed", "better"}, changes
    # seed-only properties are gone as obligations, Annex U-only ones are new ones
    f1 = _pair(d, "F1", "U1")
    gone_f1 = [o["property"] for o in f1["obligations"][NO_LONGER]]
    # the seed's AKA-relay properties, and the seed's properties Annex U's catalogue has no
    # counterpart for yet: each is listed as no longer an obligation, never as a regression
    assert {"res-only-after-autn", "res-stays-with-the-client"} <= set(gone_f1), gone_f1
    assert not set(gone_f1) & {v["candidate_property"] for v in f1["verdicts"]}
    f6 = _pair(d, "F6", "U5")
    gone = {o["property"] for o in f6["obligations"][NO_LONGER]}
    assert {"mrf-final-before-200-forwarded", "mrf-only-on-mismatch", "iwf-resources-released"} <= gone
    assert [o["property"] for o in f6["obligations"][NEW]] == ["interworking-reserved-before-ims"]
    # a flow without counterpart takes all its obligations with it, its finding included
    f4 = _pair(d, "F4", None)
    assert f4["verdicts"] == [] and not f4["obligations"][NEW]
    assert ("password-stays-with-owner", "violated") in {(o["property"], o["verdict"]) for o in f4["obligations"][NO_LONGER]}


def test_properties_are_matched_through_the_correspondence(architecture_diff):
    f3 = _pair(architecture_diff, "F3", "U3")
    matched = {(v["property"], v["candidate_property"]) for v in f3["verdicts"]}
    assert ("tna-only-from-translator", "tna-only-for-validated-client") in matched
    assert ("token-verified-before-mapping", "token-verified-before-tna") in matched
    assert ("wst-200-register-after-ims-200", "epcscf-200-register-after-ims-200") in matched
    assert ("no-media-before-200ok", "no-media-before-200ok") in {
        (v["property"], v["candidate_property"]) for v in _pair(architecture_diff, "F7", "U6")["verdicts"]}


def test_messages_are_compared_after_renaming(architecture_diff):
    d = architecture_diff
    f1 = _pair(d, "F1", "U1")
    assert "WST -> P-CSCF: REGISTER (now inside eP-CSCF)" in f1["messages"]["internal"]
    assert "WIC -> UICC: AUTHENTICATE (now inside WIC)" in f1["messages"]["internal"]
    assert f1["messages"]["new"] == [] and f1["messages"]["gone"] == []
    f2 = _pair(d, "F2", "U2")
    assert f2["messages"]["new"] == ["eP-CSCF -> WIC: 401"]  # the WIC answers the digest challenge itself
    f6 = _pair(d, "F6", "U5")
    assert "S-CSCF -> eIMS-AGW: MRF_INIT" in f6["messages"]["gone"]  # no S-CSCF-invoked interworking
    for p in d.pairs:
        for m in (p.get("messages") or {}).get("gone", []) + (p.get("messages") or {}).get("new", []):
            assert not any(old in m.split(":")[0].split(" -> ") for old in ("WST", "P-CSCF", "CSS", "IWAIS", "MRF", "IWF")), m


def test_every_exploration_completed_within_the_budget(architecture_diff):
    assert all(p["complete"] for p in architecture_diff.pairs if "messages" in p)
    states = architecture_diff.stats["states"]
    assert len(states) == 15 and max(states.values()) < BUDGET
    assert states["candidate U1"] == 28 and states["candidate U5"] == 321  # pinned


def test_text_lists_the_headlines_first(architecture_diff):
    text = render_architecture_diff(architecture_diff)
    first = text.index("what changed that matters (3):")
    assert first < text.index("other verdict changes") if "other verdict changes" in text else True
    i1 = text.index("1. finding fixed: password-stays-with-owner on F2 -> U2: violated -> holds")
    i2 = text.index("2. finding fixed: ims-gets-no-webrtc-sdp on F6 -> U5: violated -> holds")
    i3 = text.index("3. F5 -> U4 gains IMS signalling")
    assert first < i1 < i2 < i3 < text.index("obligations per flow pair")
    assert "WST+P-CSCF -> eP-CSCF" in text and "F4 -> (none)" in text
    assert "F4 -> (none): no longer an obligation (18)" in text
    assert "baseline trace (violated):" in text and "--flow F2 --property password-stays-with-owner" in text


def test_cli_json_shape(capsys, annex_u, repo):
    code = main(["diff", "--model", annex_u, "--against-model", repo, "--format", "json", "--executor", "serial",
                 "--flow", "F2", "--flow", "U2", "--max-states", str(BUDGET)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(doc) == {"kind", "baseline", "candidate", "correspondence", "headlines", "pairs", "stats", "worse"}
    assert doc["kind"] == "architecture" and doc["worse"] == 0
    assert doc["correspondence"]["entities"]["WST"] == "eP-CSCF" and doc["correspondence"]["flows"]["F4"] is None
    assert [(p["baseline_flow"], p["candidate_flow"]) for p in doc["pairs"]] == [("F2", "U2")]
    (h,) = doc["headlines"]
    assert {"kind", "baseline_flow", "candidate_flow", "property", "before", "after", "side", "evidence"} <= set(h)
    assert h["evidence"]["trace"][-1]["label"].startswith("REGISTER(cred=password")
    pair = doc["pairs"][0]
    assert set(pair) == {"baseline_flow", "candidate_flow", "verdicts", "obligations", "messages", "signalling",
                         "complete"}
    assert pair["complete"] is True
    assert set(pair["obligations"]) == {NO_LONGER, NEW}
    assert {"property", "candidate_property", "before", "after", "change"} <= set(pair["verdicts"][0])


def test_the_other_direction_reports_new_findings_and_exits_1(capsys, annex_u, repo):
    code = main(["diff", "--model", repo, "--against-model", annex_u, "--executor", "serial",
                 "--flow", "F2", "--flow", "F5", "--max-states", str(BUDGET)])
    text = capsys.readouterr().out
    assert code == 1
    assert "1. NEW FINDING: password-stays-with-owner on U2 -> F2: holds -> violated" in text
    assert "2. U4 -> F5 loses IMS signalling" in text


def test_each_side_keeps_its_own_variants_and_a_new_finding_fails(capsys, annex_u, repo):
    """--set gives the candidate's variants, --against the baseline's.  With both nodes trusting
    any sender, the seed's WST still verifies the token before mapping it while the broken
    eP-CSCF asserts TNA without asking the WAF: a new finding, exit 1."""
    code = main(["diff", "--model", annex_u, "--against-model", repo, "--set", "tna_trust=any", "--set", "rogue=yes",
                 "--against", "tna_trust=any", "--against", "rogue=yes", "--flow", "F3", "--format", "json",
                 "--executor", "serial", "--max-states", str(BUDGET)])
    doc = json.loads(capsys.readouterr().out)
    assert doc["candidate"]["variant"]["tna_trust"] == "any" and doc["baseline"]["variant"]["tna_trust"] == "any"
    (pair,) = doc["pairs"]
    tna = next(v for v in pair["verdicts"] if v["property"] == "tna-only-from-translator")
    assert (tna["before"], tna["after"], tna["change"]) == ("violated", "violated", "unchanged")
    (h,) = doc["headlines"]
    assert (h["kind"], h["property"], h["candidate_property"]) == (
        "new-finding", "token-verified-before-mapping", "token-verified-before-tna")
    assert h["evidence"]["trace"][0]["from"] == "ROGUE"
    assert code == 1 and doc["worse"] == 1


@pytest.mark.parametrize("edit, message", [
    (("WST: eP-CSCF", "WST: eP-CSCFX"), "candidate entity 'eP-CSCFX' is not in the model"),
    (("F5: U4", "F5: U9"), "candidate flow 'U9' is not in the model"),
    (("entities:\n", "entities: [\n"), "not valid YAML"),
])
def test_a_bad_correspondence_is_a_usage_error_naming_the_file(tmp_path, capsys, annex_u, repo, edit, message):
    copy = tmp_path / "annex_u"
    shutil.copytree(annex_u, copy, ignore=shutil.ignore_patterns("diagrams", "generated"))
    corr = copy / "correspondence.yaml"
    corr.write_text(corr.read_text().replace(*edit, 1))
    code = main(["diff", "--model", str(copy), "--against-model", repo, "--executor", "serial"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "correspondence.yaml" in err and "Traceback" not in err


def test_property_filter_names_either_side(capsys, annex_u, repo):
    code = main(["diff", "--model", annex_u, "--against-model", repo, "--flow", "F3", "--property",
                 "tna-only-from-translator", "--format", "json", "--executor", "serial", "--max-states", str(BUDGET)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    (pair,) = doc["pairs"]
    assert [(v["property"], v["candidate_property"]) for v in pair["verdicts"]] == [
        ("tna-only-from-translator", "tna-only-for-validated-client")]
    assert main(["diff", "--model", annex_u, "--against-model", repo, "--property", "no-such-property"]) == 2
    assert "unknown property 'no-such-property'" in capsys.readouterr().err


def test_a_budget_cut_says_gone_means_not_reached(capsys, annex_u, repo):
    """With a state budget smaller than the seed's F6, the message comparison is marked partial."""
    main(["diff", "--model", annex_u, "--against-model", repo, "--flow", "F6", "--executor", "serial",
          "--max-states", "500"])
    out = capsys.readouterr().out
    assert "F6 -> U5:  IMS signalling" in out and "a search hit its budget" in out


def test_the_architecture_diff_decides_security_with_the_intruder_unless_told_not_to(capsys, annex_u, repo):
    """--no-intruder reaches both sides' runs (it was once dropped there), and the text says which."""
    argv = ["diff", "--model", annex_u, "--against-model", repo, "--flow", "F3", "--executor", "serial",
            "--max-states", str(BUDGET), "--property", "tna-only-from-translator"]
    for extra, line in (([], "intruder: security properties decided with each model's intruder on both sides"),
                        (["--no-intruder"], "WARNING: security properties were compared WITHOUT an intruder")):
        assert main(argv + extra) == 0
        assert line in capsys.readouterr().out
        main(argv + extra + ["--format", "json"])
        assert json.loads(capsys.readouterr().out)["stats"]["intruder"] is (not extra)
