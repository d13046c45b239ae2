"""lint on the seed and on copies of it with injected and corrected defects."""

import json

from imsflow.cli import main
from imsflow.editors.contribution import parse
from imsflow.editors.lint import lint



def fingerprints(text):
    return {f.fingerprint for f in lint(parse(text, "seed.txt"))}


def findings(text):
    return lint(parse(text, "seed.txt"))


def test_reader_finds_the_nine_flows_and_their_steps(seed_text):
    doc = parse(seed_text, "seed.txt")
    flows = doc.flows()
    assert [c.number for c in flows] == [
        "6.X.2.2.1", "6.X.2.2.2", "6.X.2.2.3", "6.X.2.2.4", "6.X.2.2.5",
        "6.X.2.3.1", "6.X.2.3.2", "6.X.2.3.3", "6.X.2.3.4",
    ]
    assert [s.label for s in doc.clause("6.X.2.2.1").steps] == ["1", "2", "3", "4-8", "9", "10", "11-14", "15"]
    # The OCR text of the picture in 6.X.2.2.4 ("1. SIP: Register ...") is not read as steps.
    assert [s.label for s in doc.clause("6.X.2.2.4").steps] == ["0", "1", "2-6", "7-10", "11", "12"]
    assert doc.clause("6.X.2.3.4").steps[-1].label == "21-24"


def test_seed_known_defects_are_found(seed_text):
    fps = fingerprints(seed_text)
    expected = {
        "L001-step-gap@6.X.2.2.2:13-14",
        "L001-step-gap@6.X.2.2.3:11-14",
        "L004-caption-number@6.X.2.2.5:Figure 6.X.2.2.1-1",
        "L005-figure-reference@6.X.2.3.4:Figure 6.X.2.3.2-1",
        "L006-caption-wording@6.X.2.3.4:direction:outbound",
        "L008-note-wrong-step@6.X.2.3.4:NOTE 1:step 3",
        "L009-spec-clause@6.X.2.3.4:23.228:2.7.4",
        "L010-entity-spelling@6.X.2.2.4:IM-Web Authentication & Identity Server",
        "L010-entity-spelling@6.X.2.2.1:Web Signalling translator",
        "L010-entity-spelling@6.X.2.2.4:Web Si",
        "L011-wrong-term@6.X.2.2.1:SRES",
        "L011-wrong-term@6.X.2.2.4:IPU",
    }
    assert expected <= fps, sorted(expected - fps)


def test_seed_findings_carry_the_right_lines(seed_text):
    by_fp = {f.fingerprint: f for f in findings(seed_text)}
    assert by_fp["L001-step-gap@6.X.2.2.2:13-14"].line == 81
    assert by_fp["L004-caption-number@6.X.2.2.5:Figure 6.X.2.2.1-1"].line == 179
    assert by_fp["L006-caption-wording@6.X.2.3.4:direction:outbound"].line == 320
    assert by_fp["L008-note-wrong-step@6.X.2.3.4:NOTE 1:step 3"].line == 331
    assert by_fp["L009-spec-clause@6.X.2.3.4:23.228:2.7.4"].line == 348
    # The correct NOTEs are quiet: 6.X.2.3.3 cites the IWF initialisation in step 2/3, which it is.
    assert not [f for f in findings(seed_text) if f.rule in ("L007", "L008") and f.clause == "6.X.2.3.3"]
    # NI-O in 23.228 5.6.4 is right.
    assert not [f for f in findings(seed_text) if f.rule == "L009" and "5.6.4" in f.message]


def test_fingerprints_do_not_depend_on_line_numbers(seed_text):
    shifted = "\n\n\n" + seed_text
    assert fingerprints(seed_text) == fingerprints(shifted)
    assert {f.line + 3 for f in findings(seed_text)} == {f.line for f in findings(shifted)}


def _replace(text, old, new, count=1):
    assert text.count(old) >= count, old
    return text.replace(old, new, count)


def test_injected_defects_are_found(seed_text):
    broken = seed_text
    # 1. remove step 10 of 6.X.2.2.1 (the label and its paragraph)
    broken = _replace(broken, "10.\nThe WIC requests authentication by the UICC", "The WIC requests authentication by the UICC")
    # 2. swap the figure number of 6.X.2.3.1's caption with 6.X.2.3.3's
    broken = _replace(broken, " Figure 6.X.2.3.1-1:  Outbound", " Figure 6.X.2.3.3-1:  Outbound")
    # 3. a NOTE pointing at a step the flow does not have
    broken = _replace(broken, "IWF initialization in step 2/3", "IWF initialization in step 25")
    before = fingerprints(seed_text)
    new = fingerprints(broken) - before
    # Removing step 10 merges its text into step 9 and leaves a gap 9 -> 11-14.
    assert "L001-step-gap@6.X.2.2.1:10" in new
    assert "L004-caption-number@6.X.2.3.1:Figure 6.X.2.3.3-1" in new
    assert "L007-note-missing-step@6.X.2.3.3:NOTE 1:step 25" in new
    lines = {f.fingerprint: f.line for f in findings(broken)}
    assert broken.splitlines()[lines["L004-caption-number@6.X.2.3.1:Figure 6.X.2.3.3-1"] - 1].strip().startswith(
        "Figure 6.X.2.3.3-1")


def test_corrected_paragraphs_are_quiet(seed_text):
    fixed = seed_text
    # renumber 6.X.2.2.2's last step (9-12 then 13)
    fixed = _replace(fixed, "15.\nAn authentication passed response (SIP 200 OK) is sent to the WIC by the Web Signalling "
                            "Translator.  The WIC is now registered and authenticated with the IMS network.\n6.X.2.2.3",
                     "13.\nAn authentication passed response (SIP 200 OK) is sent to the WIC by the Web Signalling "
                     "Translator.  The WIC is now registered and authenticated with the IMS network.\n6.X.2.2.3")
    fixed = _replace(fixed, "Figure 6.X.2.2.1-1:  Registration of WIC against", "Figure 6.X.2.2.5-1:  Registration of WIC against")
    fixed = _replace(fixed, "Figure 6.X.2.3.2-1 shows the signalling flows that support an inbound session establishment "
                            "to a WIC, with media interworking performed by a media interworking function outside",
                     "Figure 6.X.2.3.4-1 shows the signalling flows that support an inbound session establishment "
                     "to a WIC, with media interworking performed by a media interworking function outside")
    fixed = _replace(fixed, "Figure 6.X.2.3.4-1:  Outbound session", "Figure 6.X.2.3.4-1:  Inbound session")
    fixed = _replace(fixed, "IWF initialization in step 3 since", "IWF initialization in step 7-8 since")
    fixed = _replace(fixed, "23.228 section 2.7.4", "23.228 section 5.7.4")
    left = {f.fingerprint for f in findings(fixed) if f.clause in ("6.X.2.2.2", "6.X.2.2.5", "6.X.2.3.4")
            and f.rule != "L010"}
    assert left == set()
    # and the fixes do not disturb the other findings
    assert "L001-step-gap@6.X.2.2.3:11-14" in fingerprints(fixed)


def test_lint_cli_text_json_and_exit_codes(tmp_path, capsys, seed_path):
    SEED = seed_path
    assert main(["lint", SEED]) == 1
    out = capsys.readouterr().out
    assert f"{SEED}:81: error: 6.X.2.2.2: step numbering jumps from 9-12 to 15" in out
    assert "[L001-step-gap]" in out
    assert main(["lint", SEED, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    ids = {f["id"] for f in doc["findings"]}
    assert {"L001-step-gap", "L004-caption-number", "L009-spec-clause", "L010-entity-spelling"} <= ids
    assert all({"line", "fingerprint", "severity", "message"} <= set(f) for f in doc["findings"])
    assert len(doc["flows"]) == 9
    assert main(["lint", str(tmp_path / "missing.txt")]) == 2
    clean = tmp_path / "clean.txt"
    clean.write_text("6.X.9\nA clean flow\n1.\nThe WIC sends a SIP REGISTER to the P-CSCF.\n2.\nThe P-CSCF answers 200 OK.\n")
    assert main(["lint", str(clean)]) == 0
    assert "0 findings" in capsys.readouterr().out


def test_inline_step_labels_and_titles_on_the_heading_line():
    text = ("6.Y.1 Registration of WIC (outbound session)\n"
            "Figure 6.Y.1-1 shows the flow.\n"
            "Figure 6.Y.1-1: Outbound registration of WIC\n"
            "1. The WIC sends a SIP REGISTER to the Web Signalling Translator.\n"
            "2-4. Standard IMS registration signalling occurs, with a 401 sent back to the translator.\n"
            "6. The Web Signalling Translator sends 200 OK to the WIC.\n"
            "NOTE: The token check in step 9 is optional.\n")
    doc = parse(text, "inline.txt")
    assert doc.clauses[0].title == "Registration of WIC (outbound session)"
    assert [s.label for s in doc.clauses[0].steps] == ["1", "2-4", "6"]
    assert {f.fingerprint for f in lint(doc)} == {
        "L001-step-gap@6.Y.1:5", "L007-note-missing-step@6.Y.1:NOTE:step 9"}
