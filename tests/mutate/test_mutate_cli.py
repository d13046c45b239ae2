"""imsflow mutate on the command line: text, JSON, --out, exit codes, help."""

import json
import os

from imsflow.cli import main

TINY = os.path.join(os.path.dirname(__file__), "tiny")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_gives_the_score_the_tables_and_the_survivors(capsys):
    code, out, _ = run(capsys, "mutate", "--model", TINY, "--jobs", "1")
    assert code == 0
    assert "35 mutants" in out and "26 killed, 4 survived, 2 equivalent, 3 unreached, 0 invalid, 0 inconclusive" in out
    assert "score: 26 killed / (35 - 2 equivalent - 0 invalid) = 78.8 %" in out
    assert "surviving mutants (4), by entity:" in out
    assert "drop-send:SERVER:0:LOGGER:LOG" in out and "shortest run to the change (session, 2 steps" in out
    assert f"re-run: imsflow mutate --model {TINY} --mutant drop-send:SERVER:0:LOGGER:LOG" in out
    assert "unreached mutants: no run exercises the change - a gap in the world model" in out
    assert "equivalent mutants (excluded from the score) (2):" in out
    for op in ("drop-guard", "drop-send", "redirect-send", "change-field", "skip-step", "remove-release",
               "swap-sends", "accept-in-state"):
        assert f"\n{op} " in out


def test_json_shape_and_out_file(capsys, tmp_path):
    code, out, _ = run(capsys, "mutate", "--model", TINY, "--jobs", "1", "--format", "json", "--out", str(tmp_path))
    assert code == 0
    doc = json.loads(out)
    assert json.loads((tmp_path / "mutate.json").read_text())["summary"] == doc["summary"]
    assert set(doc) >= {"model", "flows", "variant", "wics", "operators", "definition", "summary", "per_operator",
                        "per_property", "never_broken", "original", "mutants", "warnings"}
    s = doc["summary"]
    assert (s["mutants"], s["killed"], s["survived"], s["equivalent"], s["unreached"], s["invalid"]) == (35, 26, 4, 2, 3, 0)
    assert s["score"] == round(26 / 33, 4) and s["seconds"] > 0
    assert doc["per_property"]["no-ok-for-a-bad-request"] == 2
    assert doc["never_broken"] == []
    assert doc["original"] == {"session": {p: "holds" for p in doc["per_property"]}}
    for m in doc["mutants"]:
        assert set(m) >= {"id", "operator", "entity", "t_index", "where", "description", "params", "status", "reason"}
        if m["status"] == "survived":
            assert m["trace"]["listing"] and m["trace"]["entries"][-1]["violation"] is True
        if m["status"] == "killed":
            assert m["killed_by"] and all(k["original"] != k["mutant"] for k in m["kills"])
    assert sum(c["mutants"] for c in doc["per_operator"].values()) == 35


def test_one_mutant_is_rerun_by_its_id(capsys):
    code, out, _ = run(capsys, "mutate", "--model", TINY, "--jobs", "1", "--format", "json",
                       "--mutant", "drop-guard:SERVER:0")
    doc = json.loads(out)
    assert code == 0 and [m["id"] for m in doc["mutants"]] == ["drop-guard:SERVER:0"]
    assert doc["mutants"][0]["killed_by"] == ["no-ok-for-a-bad-request"]
    # one chosen mutant breaking one property says nothing about the others: none is "never broken"
    assert doc["chosen_mutants"] == ["drop-guard:SERVER:0"] and doc["never_broken"] == []
    code, out, _ = run(capsys, "mutate", "--model", TINY, "--jobs", "1", "--mutant", "drop-guard:SERVER:0")
    assert code == 0 and "cannot fail in this model" not in out


def test_bad_operator_is_exit_2_with_the_list_of_operators(capsys):
    code, out, err = run(capsys, "mutate", "--model", TINY, "--operator", "drop-gaurd")
    assert code == 2 and out == ""
    assert "--operator 'drop-gaurd': unknown mutation operator" in err
    assert "drop-guard, drop-send, redirect-send, change-field, skip-step, remove-release, swap-sends, accept-in-state" in err


def test_other_bad_input_is_exit_2(capsys):
    assert run(capsys, "mutate", "--model", TINY, "--flow", "F42")[0] == 2
    assert run(capsys, "mutate", "--model", TINY, "--set", "faults=maybe")[0] == 2
    assert run(capsys, "mutate", "--model", TINY, "--max-states", "0")[0] == 2
    assert run(capsys, "mutate", "--model", TINY, "--mutant", "no-such-mutant")[0] == 2


def test_a_budget_too_small_is_exit_3_and_says_how_to_lift_it(capsys):
    code, out, _ = run(capsys, "mutate", "--model", TINY, "--jobs", "1", "--max-states", "4", "--operator", "drop-send")
    assert code == 3
    assert "inconclusive" in out and "raise --max-states" in out
    assert "0 killed" in out  # an inconclusive verdict never kills


def test_help_documents_the_operators_and_exit_codes(capsys):
    code, out, _ = run(capsys, "mutate", "--help")
    assert code == 0
    assert "accept-in-state" in out and "3 some mutants" in out and "--operator NAME" in out


def test_the_html_report_gets_a_mutation_section(capsys, tmp_path):
    assert run(capsys, "mutate", "--model", TINY, "--jobs", "1", "--out", str(tmp_path))[0] == 0
    code, out, _ = run(capsys, "report", "--model", TINY, "--executor", "serial", "--out", str(tmp_path),
                       "--mutation", str(tmp_path / "mutate.json"))
    assert code == 0
    page = (tmp_path / "report.html").read_text()
    section = page[page.index('<section id="sec-mutation">'):page.index("</main>")]
    assert "Specification strength: imsflow mutate" in section and "Score 78.8 %" in section
    assert "Surviving mutants" in section and "drop-send:SERVER:0:LOGGER:LOG" in section and "<pre>" in section
    assert "Unreached mutants" in section and "accept-in-state:CLIENT:3:done" in section
    assert '<a href="#sec-mutation">Mutation</a></nav>' in page
    assert "<script" not in section


def test_report_with_a_file_that_is_not_a_mutation_run_is_exit_2(capsys, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"results": []}')
    code, _, err = run(capsys, "report", "--model", TINY, "--out", str(tmp_path), "--mutation", str(bad))
    assert code == 2 and "not an 'imsflow mutate --format json' document" in err
    code, _, err = run(capsys, "report", "--model", TINY, "--out", str(tmp_path), "--mutation", str(tmp_path / "none"))
    assert code == 2 and "--mutation" in err
