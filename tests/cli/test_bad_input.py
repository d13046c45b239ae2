"""The bad-input battery: every malformed or edge-case input a user can hand any command, one
case each.  Every one must be exit 2 (CI reads 1 as "unexpected violation"), print no traceback,
name the file (with its line where there is one) or the option at fault, and leave no output
that looks complete.

Each case is (id, argv, what the message must name); argv may use {d} (this module's scratch
directory, with the files `_inputs` writes) and {seed}/{trace} (the seed's flow file, a saved
trace of a finding).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from imsflow.cli import main

REPO = Path(__file__).resolve().parents[2]
TWO_PHASE = REPO / "examples" / "two_phase"
SEED_F1 = (REPO / "flows" / "F1.yaml").read_text()
MODEL_INIT = (TWO_PHASE / "model" / "__init__.py").read_text()
CATALOGUE = (TWO_PHASE / "properties" / "two_phase.yaml").read_text()
BINARY = bytes(range(256)) * 4
LATIN1 = "title: Enregistrement \xe9t\xe9\nsteps: []\n".encode("latin-1")


def _model(root: Path, name: str, init: str = MODEL_INIT, props: dict | None = None) -> None:
    (root / name / "model").mkdir(parents=True)
    (root / name / "model" / "__init__.py").write_text(init)
    if props is not None:
        (root / name / "properties").mkdir()
        for fname, body in props.items():
            path = root / name / "properties" / fname
            path.write_bytes(body) if isinstance(body, bytes) else path.write_text(body)


def _flow(**replace) -> str:
    text = SEED_F1
    for old, new in replace.items():
        old = old.replace("_", " ") if old.startswith("_") else old
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _write_inputs(d: Path) -> None:
    (d / "a_file").write_text("not a directory\n")
    (d / "a_dir").mkdir()
    (d / "binary.bin").write_bytes(BINARY)
    (d / "latin1.yaml").write_bytes(LATIN1)
    (d / "empty.txt").write_text("")
    (d / "unrelated.txt").write_text("import os\nprint('hello')\n")
    (d / "big.yaml").write_text(SEED_F1 + "#" * 200_000 + "\n")
    # flow files
    flows = {
        "syntax.yaml": "title: x\nsteps: [\n",
        "list.yaml": "- step: 1\n",
        "dup.yaml": _flow(**{"title: Registration": "title: One\ntitle: Registration"}),
        "dupstep.yaml": _flow(**{"    from: CSS\n": "    from: CSS\n    from: WIC\n"}),
        "unknown_key.yaml": _flow(**{"clause: 6.X.2.2.1": "clause: 6.X.2.2.1\nstepz: []"}),
        "bad_label.yaml": _flow(**{"- step: 2\n": "- step: two\n"}),
        "backwards.yaml": _flow(**{"- step: 3\n": "- step: 1-0\n"}),
        "bad_entity.yaml": _flow(**{"    to: CSS\n": "    to: CSSS\n"}),
        "bad_message.yaml": _flow(**{"message: HTTPS_GET": "message: HTTPS_GOT"}),
        "bad_flow.yaml": _flow(**{"flow: F1": "flow: F99"}),
        "bad_complete.yaml": _flow(**{"complete: true": "complete: sometimes"}),
        "bad_wics.yaml": _flow(**{"steps:\n": "preconditions: {wics: 0}\nsteps:\n"}),
        "bad_setting.yaml": _flow(**{"steps:\n": "preconditions: {settings: {tna_trust: maybe}}\nsteps:\n"}),
        "no_steps.yaml": "title: Nothing\nsteps: []\n",
        "alias_bomb.yaml": "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\ntitle: t\nsteps: [*b]\n",
        "deep.yaml": "title: t\nsteps: " + "[" * 3000 + "]" * 3000 + "\n",
        "settings_int_key.yaml": _flow(**{"steps:\n": "preconditions: {settings: {1: 2}}\nsteps:\n"}),
    }
    for name, text in flows.items():
        (d / name).write_text(text)
    # models
    _model(d, "no_props")
    _model(d, "empty_props", props={})
    _model(d, "blank_props", props={"p.yaml": ""})
    _model(d, "import_error", init="import no_such_module_anywhere\n" + MODEL_INIT, props={"p.yaml": CATALOGUE})
    _model(d, "syntax_error", init=MODEL_INIT + "\ndef broken(:\n", props={"p.yaml": CATALOGUE})
    _model(d, "no_model", init="X = 1\n", props={"p.yaml": CATALOGUE})
    _model(d, "dup_props", props={"p.yaml": CATALOGUE.replace("kind:", "kind: invariant\n  kind:", 1)})
    _model(d, "latin1_props", props={"p.yaml": LATIN1})
    _model(d, "binary_props", props={"p.yaml": BINARY})
    _model(d, "bad_yaml_props", props={"p.yaml": CATALOGUE + "\n- id: [unclosed\n"})
    (d / "no_model_here").mkdir()
    # traces: a saved finding of the seed, then damaged copies
    assert main(["check", "--flow", "F2", "--property", "password-stays-with-owner", "--out", str(d / "run")]) == 0
    good = json.loads((d / "run" / "traces" / "password-stays-with-owner__F2.json").read_text())
    (d / "trace.json").write_text(json.dumps(good))

    def damaged(name, change):
        doc = json.loads(json.dumps(good))
        change(doc)
        (d / name).write_text(json.dumps(doc))

    damaged("t_tampered.json", lambda doc: doc["results"][0].update(verdict="holds"))
    damaged("t_bad_verdict.json", lambda doc: doc["results"][0].update(verdict="fine"))
    damaged("t_truncated.json", lambda doc: doc["results"][0].update(
        trace=[e for e in doc["results"][0]["trace"] if e["action"] <= 3]))
    damaged("t_string_action.json", lambda doc: doc["results"][0]["trace"][2].update(action="3"))
    damaged("t_no_entity.json", lambda doc: doc["results"][0]["trace"][0].pop("entity"))
    damaged("t_entry_list.json", lambda doc: doc["results"][0]["trace"].__setitem__(0, [1, 2]))
    damaged("t_wics.json", lambda doc: doc.update(wics="two"))
    damaged("t_no_trace.json", lambda doc: doc["results"][0].update(trace=[]))
    damaged("t_unknown_property.json", lambda doc: doc["results"][0].update(property="no-such-property"))
    damaged("t_unknown_event.json", lambda doc: doc["results"][0]["trace"][0].update(event="teleport"))
    damaged("t_results_dict.json", lambda doc: doc.update(results={"a": 1}))
    (d / "t_not_json.json").write_text('{"results": [\n')
    (d / "t_deep.json").write_text('{"results": ' + "[" * 20000 + "]" * 20000 + "}")
    (d / "t_list.json").write_text("[1, 2, 3]\n")
    (d / "t_no_results.json").write_text('{"model": "x"}\n')


CASES = [
    # check: numbers and budgets
    ("check-max-states-negative", ["check", "--max-states", "-1"], "--max-states"),
    ("check-max-states-zero", ["check", "--max-states", "0"], "--max-states"),
    ("check-max-states-word", ["check", "--max-states", "lots"], "--max-states"),
    ("check-max-states-float", ["check", "--max-states", "1.5"], "--max-states"),
    ("check-timeout-zero", ["check", "--timeout", "0"], "--timeout"),
    ("check-timeout-negative", ["check", "--timeout", "-5"], "--timeout"),
    ("check-timeout-nan", ["check", "--timeout", "nan"], "--timeout"),
    ("check-timeout-inf", ["check", "--timeout", "inf"], "--timeout"),
    ("check-depth-negative", ["check", "--engine", "z3", "--depth", "-4"], "--depth"),
    ("check-depth-zero", ["check", "--engine", "z3", "--depth", "0"], "--depth"),
    ("check-wics-zero", ["check", "--wics", "0"], "--wics"),
    ("check-wics-negative", ["check", "--wics", "-2"], "--wics"),
    ("check-wics-too-many", ["check", "--wics", "99"], "--wics"),
    ("check-format-unknown", ["check", "--format", "xml"], "--format"),
    ("check-engine-unknown", ["check", "--engine", "nusmv"], "--engine"),
    ("check-option-unknown", ["check", "--maxstates", "5"], "--maxstates"),
    # check: selections
    ("check-flow-unknown", ["check", "--flow", "F99"], "F99"),
    ("check-property-unknown", ["check", "--property", "no-such-property"], "no-such-property"),
    ("check-selection-empty", ["check", "--flow", "F1", "--property", "tna-only-from-translator"], "checks nothing"),
    ("check-set-no-equals", ["check", "--set", "rogue"], "--set"),
    ("check-set-unknown-variant", ["check", "--set", "nosuch=1"], "nosuch"),
    ("check-set-unknown-value", ["check", "--set", "tna_trust=bogus"], "bogus"),
    ("check-set-overridden-by-flow", ["check", "--flow", "F8", "--set", "iwf=internal"], "F8 fixes iwf=external"),
    ("check-set-twice-differently", ["check", "--set", "rogue=yes", "--set", "rogue=no"], "two values"),
    ("check-model-empty-name", ["check", "--model", ""], "--model"),
    # check: output locations
    ("check-out-is-a-file", ["check", "--flow", "F1", "--out", "{d}/a_file"], "--out"),
    ("check-out-under-a-file", ["check", "--flow", "F1", "--out", "{d}/a_file/sub"], "--out"),
    ("check-out-unwritable", ["check", "--flow", "F1", "--out", "/proc/imsflow-out"], "--out"),
    # a refused command removes the output directory it created (the listing check below)
    ("check-out-new-and-flow-unknown", ["check", "--flow", "F99", "--out", "{d}/fresh/out"], "F99"),
    ("matrix-out-new-and-flow-unknown", ["matrix", "--flow", "F99", "--out", "{d}/fresh/out"], "F99"),
    ("report-out-new-and-flow-unknown", ["report", "--flow", "F99", "--out", "{d}/fresh/out"], "F99"),
    ("conform-out-new-and-file-missing", ["conform", "{d}/nothing.yaml", "--out", "{d}/fresh/out"], "nothing.yaml"),
    ("lint-extract-new-and-file-empty", ["lint", "{d}/empty.txt", "--extract", "{d}/fresh/out"], "empty.txt"),
    # check: model directories
    ("model-missing", ["check", "--model", "{d}/does_not_exist"], "does_not_exist"),
    ("model-is-a-file", ["check", "--model", "{d}/a_file"], "a_file"),
    ("model-dir-without-model", ["check", "--model", "{d}/no_model_here"], "no_model_here"),
    ("model-without-catalogue", ["check", "--model", "{d}/no_props"], "--builtin-properties-only"),
    ("model-empty-catalogue-dir", ["check", "--model", "{d}/empty_props"], "defines no property"),
    ("model-blank-catalogue-file", ["check", "--model", "{d}/blank_props"], "defines no property"),
    ("model-import-error", ["check", "--model", "{d}/import_error"], "__init__.py:1"),
    ("model-syntax-error", ["check", "--model", "{d}/syntax_error"], "__init__.py:"),
    ("model-defines-no-MODEL", ["check", "--model", "{d}/no_model"], "MODEL"),
    ("catalogue-duplicate-key", ["check", "--model", "{d}/dup_props"], "p.yaml:"),
    ("catalogue-not-utf8", ["check", "--model", "{d}/latin1_props"], "p.yaml"),
    ("catalogue-binary", ["check", "--model", "{d}/binary_props"], "p.yaml"),
    ("catalogue-bad-yaml", ["check", "--model", "{d}/bad_yaml_props"], "p.yaml:"),
    ("list-model-missing", ["list", "flows", "--model", "{d}/does_not_exist"], "does_not_exist"),
    ("list-what-unknown", ["list", "everything"], "everything"),
    # matrix and report
    ("matrix-max-states-zero", ["matrix", "--max-states", "0"], "--max-states"),
    ("matrix-max-states-negative", ["matrix", "--max-states", "-1"], "--max-states"),
    ("matrix-timeout-negative", ["matrix", "--timeout", "-1"], "--timeout"),
    ("matrix-workers-zero", ["matrix", "--workers", "0"], "--workers"),
    ("matrix-wics-zero", ["matrix", "--wics", "0"], "--wics"),
    ("matrix-vary-unknown", ["matrix", "--vary", "nosuch"], "nosuch"),
    ("matrix-executor-unknown", ["matrix", "--executor", "ray"], "--executor"),
    ("matrix-selection-empty", ["matrix", "--vary", "rogue", "--flow", "F1", "--property", "tna-only-from-translator",
                                "--executor", "serial"], "checks nothing"),
    ("matrix-set-overridden-by-flow", ["matrix", "--flow", "F8", "--set", "iwf=internal"], "F8 fixes iwf=external"),
    ("matrix-out-is-a-file", ["matrix", "--flow", "F1", "--out", "{d}/a_file"], "--out"),
    ("matrix-out-unwritable", ["matrix", "--flow", "F1", "--out", "/proc/imsflow-out"], "--out"),
    ("report-out-is-a-file", ["report", "--flow", "F1", "--out", "{d}/a_file"], "--out"),
    ("report-out-unwritable", ["report", "--flow", "F1", "--out", "/proc/imsflow-out"], "--out"),
    ("report-max-states-zero", ["report", "--max-states", "0"], "--max-states"),
    # diff
    ("diff-no-baseline", ["diff"], "--against"),
    ("diff-against-no-equals", ["diff", "--against", "rogue"], "--against"),
    ("diff-against-unknown-variant", ["diff", "--against", "nosuch=1", "--executor", "serial"], "nosuch"),
    ("diff-against-model-missing", ["diff", "--against-model", "{d}/does_not_exist"], "does_not_exist"),
    ("diff-max-states-zero", ["diff", "--against", "rogue=yes", "--max-states", "0"], "--max-states"),
    ("diff-workers-negative", ["diff", "--against", "rogue=yes", "--workers", "-3"], "--workers"),
    ("diff-set-overridden-by-flow", ["diff", "--flow", "F8", "--set", "iwf=internal", "--against", "rogue=yes"],
     "F8 fixes iwf=external"),
    ("diff-against-overridden-by-flow", ["diff", "--flow", "F8", "--against", "iwf=internal"], "F8 fixes iwf=external"),
    # export
    ("export-out-is-a-dir", ["export", "promela", "--flow", "F1", "--out", "{d}/a_dir"], "--out"),
    ("export-out-unwritable", ["export", "promela", "--flow", "F1", "--out", "/proc/imsflow/f1.pml"], "--out"),
    ("export-flow-unknown", ["export", "promela", "--flow", "F99"], "F99"),
    ("export-wics-zero", ["export", "promela", "--wics", "0"], "--wics"),
    ("export-set-overridden-by-flow", ["export", "promela", "--flow", "F8", "--set", "iwf=internal"], "F8 fixes"),
    ("export-format-unknown", ["export", "nusmv"], "nusmv"),
    # conform: the file itself
    ("conform-file-missing", ["conform", "{d}/nothing.yaml"], "nothing.yaml"),
    ("conform-seed-flow-unknown", ["conform", "F33"], "known: F1, F2"),
    ("conform-file-is-a-dir", ["conform", "{d}/a_dir"], "a_dir"),
    ("conform-file-binary", ["conform", "{d}/binary.bin"], "binary.bin"),
    ("conform-file-not-utf8", ["conform", "{d}/latin1.yaml"], "latin1.yaml:1"),
    ("conform-file-empty", ["conform", "{d}/empty.txt"], "empty.txt"),
    ("conform-file-too-big", ["conform", "{d}/big.yaml"], "limit"),
    ("conform-yaml-syntax", ["conform", "{d}/syntax.yaml"], "syntax.yaml:"),
    ("conform-yaml-list", ["conform", "{d}/list.yaml"], "list.yaml:1"),
    ("conform-duplicate-key", ["conform", "{d}/dup.yaml"], "dup.yaml:"),
    ("conform-duplicate-step-key", ["conform", "{d}/dupstep.yaml"], "dupstep.yaml:"),
    ("conform-alias-bomb", ["conform", "{d}/alias_bomb.yaml"], "alias_bomb.yaml:"),
    ("conform-unknown-key", ["conform", "{d}/unknown_key.yaml"], "unknown_key.yaml:"),
    ("conform-bad-label", ["conform", "{d}/bad_label.yaml"], "bad_label.yaml:"),
    ("conform-range-backwards", ["conform", "{d}/backwards.yaml"], "backwards.yaml:"),
    ("conform-unknown-entity", ["conform", "{d}/bad_entity.yaml"], "bad_entity.yaml:"),
    ("conform-unknown-message", ["conform", "{d}/bad_message.yaml"], "bad_message.yaml:"),
    ("conform-unknown-flow", ["conform", "{d}/bad_flow.yaml"], "bad_flow.yaml:"),
    ("conform-complete-not-bool", ["conform", "{d}/bad_complete.yaml"], "bad_complete.yaml:"),
    ("conform-wics-zero", ["conform", "{d}/bad_wics.yaml"], "bad_wics.yaml:"),
    ("conform-setting-unknown", ["conform", "{d}/bad_setting.yaml"], "bad_setting.yaml:"),
    ("conform-no-steps", ["conform", "{d}/no_steps.yaml"], "no_steps.yaml:"),
    ("conform-nested-too-deeply", ["conform", "{d}/deep.yaml"], "deep.yaml"),
    ("conform-setting-name-a-number", ["conform", "{d}/settings_int_key.yaml"], "settings_int_key.yaml:"),
    # conform: options
    ("conform-max-states-zero", ["conform", "{seed}", "--max-states", "0"], "--max-states"),
    ("conform-max-states-negative", ["conform", "{seed}", "--max-states", "-9"], "--max-states"),
    ("conform-set-unknown", ["conform", "{seed}", "--set", "nosuch=1"], "nosuch"),
    ("conform-out-is-a-file", ["conform", "{seed}", "--out", "{d}/a_file"], "--out"),
    ("conform-out-unwritable", ["conform", "{seed}", "--out", "/proc/imsflow-out"], "--out"),
    ("conform-model-missing", ["conform", "{seed}", "--model", "{d}/does_not_exist"], "does_not_exist"),
    # import, mutate, media
    ("import-capture-missing", ["import", "pcap", "{d}/nothing.pcapng", "--mapping", "{d}/nothing.yaml"], "nothing"),
    ("import-kind-unknown", ["import", "har", "{d}/nothing.har"], "har"),
    ("mutate-operator-unknown", ["mutate", "--operator", "flip-everything"], "flip-everything"),
    ("mutate-flow-unknown", ["mutate", "--flow", "F99"], "F99"),
    ("mutate-config-not-pair", ["mutate", "--config", "faults"], "--config"),
    ("mutate-config-variant-unknown", ["mutate", "--config", "colour=red"], "colour"),
    ("mutate-config-value-unknown", ["mutate", "--config", "faults=sometimes"], "sometimes"),
    ("mutate-config-wics-bad", ["mutate", "--config", "wics=0"], "wics"),
    ("media-flow-unknown", ["media", "--flow", "F99"], "F99"),
    # lint
    ("lint-file-missing", ["lint", "{d}/nothing.txt"], "nothing.txt"),
    ("lint-file-binary", ["lint", "{d}/binary.bin"], "binary.bin"),
    ("lint-file-not-utf8", ["lint", "{d}/latin1.yaml"], "latin1.yaml"),
    ("lint-file-empty", ["lint", "{d}/empty.txt"], "empty.txt"),
    ("lint-file-unrelated", ["lint", "{d}/unrelated.txt"], "unrelated.txt"),
    ("lint-file-too-big", ["lint", "{d}/big.yaml"], "limit"),
    ("lint-extract-is-a-file", ["lint", "{contribution}", "--extract", "{d}/a_file"], "--extract"),
    ("lint-extract-unwritable", ["lint", "{contribution}", "--extract", "/proc/imsflow-out"], "--extract"),
    # trace
    ("trace-file-missing", ["trace", "{d}/nothing.json"], "nothing.json"),
    ("trace-file-binary", ["trace", "{d}/binary.bin"], "binary.bin"),
    ("trace-file-not-utf8", ["trace", "{d}/latin1.yaml"], "latin1.yaml"),
    ("trace-file-too-big", ["trace", "{d}/big.yaml"], "limit"),
    ("trace-not-json", ["trace", "{d}/t_not_json.json"], "t_not_json.json:"),
    ("trace-nested-too-deeply", ["trace", "{d}/t_deep.json"], "t_deep.json"),
    ("trace-json-list", ["trace", "{d}/t_list.json"], "t_list.json"),
    ("trace-no-results", ["trace", "{d}/t_no_results.json"], "t_no_results.json"),
    ("trace-results-not-a-list", ["trace", "{d}/t_results_dict.json"], "t_results_dict.json"),
    ("trace-tampered-verdict", ["trace", "{d}/t_tampered.json"], "violates it"),
    ("trace-violation-cut-off", ["trace", "{d}/t_truncated.json"], "never violates it"),
    ("trace-unknown-verdict", ["trace", "{d}/t_bad_verdict.json"], "t_bad_verdict.json"),
    ("trace-string-action-id", ["trace", "{d}/t_string_action.json"], "t_string_action.json"),
    ("trace-entry-without-entity", ["trace", "{d}/t_no_entity.json"], "t_no_entity.json"),
    ("trace-entry-not-an-object", ["trace", "{d}/t_entry_list.json"], "t_entry_list.json"),
    ("trace-wics-not-a-number", ["trace", "{d}/t_wics.json"], "t_wics.json"),
    ("trace-holds-no-trace", ["trace", "{d}/t_no_trace.json"], "t_no_trace.json"),
    ("trace-unknown-property", ["trace", "{d}/t_unknown_property.json"], "no-such-property"),
    ("trace-does-not-replay", ["trace", "{d}/t_unknown_event.json"], "does not replay"),
    ("trace-model-missing", ["trace", "{trace}", "--model", "{d}/does_not_exist"], "does_not_exist"),
    # diagrams
    ("diagrams-out-is-a-file", ["diagrams", "--out", "{d}/a_file"], "--out"),
    # the command line itself
    ("no-command", [], "COMMAND"),
    ("command-unknown", ["verify"], "verify"),
]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad_input")
    _write_inputs(d)
    return d


@pytest.mark.parametrize("argv,names", [pytest.param(a, n, id=i) for i, a, n in CASES])
def test_bad_input_is_exit_2_with_a_message_naming_it(argv, names, scratch, capsys, monkeypatch):
    monkeypatch.setenv("IMSFLOW_MAX_INPUT_BYTES", "100000")  # big.yaml is over it, the seed's files are under
    subs = {"d": str(scratch), "seed": str(REPO / "flows" / "F1.yaml"),
            "trace": str(scratch / "trace.json"),
            "contribution": str(REPO / "tests" / "editors" / "data" / "seed_contribution.txt")}
    before = _listing(scratch)
    code = main([a.format(**subs) for a in argv])
    out, err = capsys.readouterr()
    assert code == 2, f"exit {code}\n{out[-2000:]}\n{err[-2000:]}"
    assert "Traceback" not in out + err
    message = err if argv else out + err  # bare `imsflow` prints its help
    assert names.format(**subs) in message, message[-2000:]
    assert _listing(scratch) == before, "a refused command left files behind"


def _listing(d: Path) -> set:
    return {str(p.relative_to(d)) for p in d.rglob("*")}


def test_the_battery_covers_every_command():
    import argparse

    from imsflow.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    covered = {argv[0] for _, argv, _ in CASES if argv}
    assert set(sub.choices) - covered == set(), set(sub.choices) - covered
    assert len(sub.choices) >= 12


def test_builtin_properties_only_checks_a_model_without_a_catalogue(scratch, capsys):
    code = main(["check", "--model", str(scratch / "no_props"), "--builtin-properties-only", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {r["property"] for r in doc["results"]} <= {"deadlock-free", "every-message-handled", "flow-reachable"}
    assert doc["results"]
    assert os.environ.get("IMSFLOW_BUILTIN_PROPERTIES_ONLY") is None  # scoped to the command


def test_a_write_that_fails_midway_leaves_no_partial_file(tmp_path, monkeypatch):
    from imsflow.commands import _common
    from imsflow.errors import UsageError

    target = tmp_path / "result.json"

    class Full(Exception):
        pass

    real_open = open

    def failing_open(path, mode="r", *a, **k):
        fh = real_open(path, mode, *a, **k)
        if "w" in mode:
            def write(_text):
                raise OSError(28, "No space left on device")
            fh.write = write
        return fh

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(UsageError) as err:
        _common.write_atomically(str(target), "{}")
    monkeypatch.undo()
    assert "No space left" in str(err.value) and str(target) in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_a_flow_file_that_stops_short_of_the_flow_end_diverges_when_it_must_be_complete(tmp_path, capsys):
    steps = SEED_F1.split("  - step: 9\n")[0]  # the seed's F1 without its last steps
    assert "complete: true" in steps
    short = tmp_path / "short.yaml"
    short.write_text(steps)
    assert main(["conform", str(short)]) == 1
    assert "reaches the end of model flow F1" in capsys.readouterr().out
    short.write_text(steps.replace("complete: true", "complete: false"))
    assert main(["conform", str(short)]) == 0
    assert main(["conform", str(short), "--to-end"]) == 1
    capsys.readouterr()


def test_a_repeated_flow_or_property_is_checked_once(capsys):
    assert main(["check", "--flow", "F1", "--flow", "F1", "--property", "deadlock-free", "--property", "deadlock-free",
                 "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == 1


@pytest.mark.parametrize("argv", [["check", "--flow", "F1", "--max-states", "none"],
                                  ["matrix", "--flow", "F1", "--vary", "rogue", "--max-states", "none",
                                   "--executor", "serial", "--no-progress"],
                                  ["conform", str(REPO / "flows" / "F1.yaml"), "--max-states", "none"]])
def test_none_is_no_budget_in_every_command(argv, capsys):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "inconclusive" not in out.split("\n")[0]
