"""The command line as users and CI meet it: formats, exit codes, replay, and bad input."""

import json
import os
import shutil


from imsflow.cli import main

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
TWO_PHASE = os.path.join(ROOT, "examples", "two_phase")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_json_follows_the_contract(capsys):
    code, out, _ = run(capsys, "check", "--model", TWO_PHASE, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["engine"] == "explicit"
    assert set(doc["stats"]) >= {"states", "transitions", "seconds"}
    r = doc["results"][0]
    assert set(r) >= {"property", "flow", "variant", "verdict", "expected", "reason", "trace", "stats"}
    assert {x["verdict"] for x in doc["results"]} == {"holds"}


def test_saved_trace_replays_and_a_tampered_one_fails_loudly(capsys, tmp_path):
    code, out, _ = run(capsys, "check", "--model", TWO_PHASE, "--property", "flow-reachable", "--out", str(tmp_path))
    assert code == 0
    doc = json.loads((tmp_path / "result.json").read_text())
    witness = doc["results"][0]
    assert witness["trace"] and witness["trace"][0]["from"] in ("RM1", "RM2", "RM3", "TM")
    trace_file = tmp_path / witness["trace_file"]
    code, out, _ = run(capsys, "trace", str(trace_file))
    assert code == 0 and "replayed" in out and "1." in out
    tampered = json.loads(trace_file.read_text())
    tampered["results"][0]["trace"][0]["event"] = "abort"
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(tampered))
    code, _, err = run(capsys, "trace", str(bad))
    assert code == 2 and "does not replay" in err


def test_unknown_flow_and_variant_are_usage_errors(capsys):
    code, _, err = run(capsys, "check", "--model", TWO_PHASE, "--flow", "F42")
    assert code == 2 and "unknown flow 'F42'" in err and "commit" in err
    code, _, err = run(capsys, "check", "--flow", "F1", "--set", "tna_trust=sometimes")
    assert code == 2 and "tna_trust" in err and "translator" in err


def _copy_model(tmp_path):
    dst = tmp_path / "model_copy"
    shutil.copytree(TWO_PHASE, dst)
    return dst


def test_property_naming_a_missing_state_names_file_line_and_item(capsys, tmp_path):
    # The line of the offending field (5: `never:`), not the property's first line.
    dst = _copy_model(tmp_path)
    (dst / "properties" / "typo.yaml").write_text(
        "- id: typo\n  kind: invariant\n  statement: x\n  clause: y\n  never: {entity: RM, state: comitted}\n")
    code, out, err = run(capsys, "check", "--model", str(dst))
    assert code == 2 and out == ""
    assert "typo.yaml:5" in err and "'typo'" in err and "comitted" in err and "committed" in err


def test_model_with_a_transition_to_an_unknown_state_is_exit_2(capsys, tmp_path):
    dst = _copy_model(tmp_path)
    init = dst / "model" / "__init__.py"
    init.write_text(init.read_text().replace('T("working", "aborted"', 'T("working", "abortd"'))
    code, out, err = run(capsys, "check", "--model", str(dst))
    assert code == 2 and out == ""
    assert "targets unknown state 'abortd'" in err and "__init__.py:" in err


def test_unexpected_violation_is_exit_1_and_inconclusive_is_exit_3(capsys, tmp_path):
    dst = _copy_model(tmp_path)
    (dst / "properties" / "wrong.yaml").write_text(
        "- id: nobody-commits\n  kind: invariant\n  statement: no RM commits\n  clause: test\n"
        "  never: {entity: RM, state: committed}\n")
    code, out, _ = run(capsys, "check", "--model", str(dst), "--property", "nobody-commits")
    assert code == 1 and "VIOL!" in out and "replay: imsflow check" in out
    code, out, _ = run(capsys, "check", "--model", TWO_PHASE, "--max-states", "20", "--no-por", "--no-symmetry")
    assert code == 3 and "inconclusive" in out


def test_list_commands(capsys):
    for what, expected in [("entities", "WST"), ("flows", "F9"), ("variants", "tna_trust"),
                           ("properties", "tna-only-from-translator")]:
        code, out, _ = run(capsys, "list", what)
        assert code == 0 and expected in out


def test_verbose_and_json_say_whether_the_c_expansion_is_in_use(capsys):
    from imsflow.system import fast

    code, out, _ = run(capsys, "check", "--model", TWO_PHASE, "-v")
    assert code == 0
    line = next(ln for ln in out.splitlines() if ln.startswith("state expansion: "))
    assert line.startswith("state expansion: C:" if fast.module() is not None else "state expansion: Python:")
    code, out, _ = run(capsys, "check", "--model", TWO_PHASE, "--format", "json")
    assert json.loads(out)["stats"]["expansion"] == line[len("state expansion: "):]


def test_a_setting_the_run_never_reads_is_said_to_change_nothing(capsys):
    """lifecycle=full is for the registration flows: on a session flow it changes nothing, and
    the user is told so rather than left to think F6 was checked with it."""
    assert main(["check", "--flow", "F6", "--set", "lifecycle=full", "--property", "deadlock-free"]) == 0
    err = capsys.readouterr().err
    assert "--set lifecycle=full changed nothing: no entity or property of F6 reads 'lifecycle'" in err
    assert main(["check", "--flow", "F1", "--set", "lifecycle=full", "--no-intruder", "--property",
                 "flow-reachable", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "changed nothing" not in err and "changed nothing" not in out
