"""imsflow diff: two variant sets, two model directories, and the exit status."""

import json
import os
import shutil

import pytest

from imsflow.cli import main
from imsflow.errors import UsageError
from imsflow.workflow.diff import DiffRequest, Side, run_diff
from imsflow.workflow.text import render_diff


@pytest.fixture(scope="module")
def worse(gate_dir):
    """Candidate trust=any against baseline trust=client, with the rogue on both sides."""
    return run_diff(DiffRequest(candidate=Side(gate_dir, {"rogue": "yes", "trust": "any"}),
                                baseline=Side(gate_dir, {"rogue": "yes", "trust": "client"}),
                                executor="serial", progress=False))


def test_flipped_verdicts_carry_the_trace_of_the_failing_side(worse):
    flips = {(f["property"], f["flow"]): f for f in worse.flips}
    assert set(flips) == {("admit-only-the-client", "login"), ("admit-only-the-client", "reject"),
                          ("flow-reachable", "reject")}
    f = flips[("admit-only-the-client", "login")]
    assert (f["before"], f["after"], f["change"]) == ("holds", "violated", "worse")
    assert "SERVER: Hello from ROGUE -> serving" in f["candidate"]["listing"]
    assert f["candidate"]["replay"].startswith("imsflow check")
    assert int(worse.exit_code) == 1


def test_a_flow_that_can_no_longer_run_is_reported(worse):
    assert worse.unreachable == ["reject"]


def test_messages_and_states_newly_and_no_longer_reachable(worse):
    login = worse.reach["login"]
    assert login["messages"] == {"new": ["SERVER -> ROGUE: Welcome"], "gone": ["SERVER -> ROGUE: Reject"]}
    assert login["states"] == {"new": ["ROGUE: admitted"], "gone": ["ROGUE: refused"]}
    assert login["complete"]


def test_text_names_both_sides_and_the_worse_verdicts(worse):
    text = render_diff(worse)
    assert "baseline : trust=client" in text and "candidate: trust=any" in text and "on both  : rogue=yes" in text
    assert "WORSE   admit-only-the-client on login: holds -> violated" in text
    assert "flows that became unreachable: reject" in text
    assert "+ SERVER -> ROGUE: Welcome" in text and "- ROGUE: refused" in text


def test_cli_against_overrides_set_and_an_improvement_exits_0(gate_dir, capsys):
    code = main(["diff", "--model", gate_dir, "--set", "rogue=yes", "--set", "trust=client", "--against", "trust=any",
                 "--format", "json", "--executor", "serial"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["baseline"]["variant"] == {"rogue": "yes", "trust": "any"}
    assert doc["candidate"]["variant"] == {"rogue": "yes", "trust": "client"}
    assert {f["change"] for f in doc["flips"]} == {"better"} and doc["worse"] == 0
    assert doc["reachable_flows"] == ["reject"]
    # The baseline's trace is the one shown for a verdict that got better.
    f = next(f for f in doc["flips"] if f["property"] == "admit-only-the-client" and f["flow"] == "login")
    assert f["baseline"]["trace"] and not f["candidate"].get("trace")


def test_an_architects_copy_of_the_model_directory(gate_dir, tmp_path, capsys):
    copy = tmp_path / "gate-redesign"
    shutil.copytree(gate_dir, copy)
    init = copy / "model" / "__init__.py"
    # The redesign: the server trusts anyone, whatever the variant says.
    init.write_text(init.read_text().replace('return self.config.trust == "any"', "return True"))
    code = main(["diff", "--model", str(copy), "--against-model", gate_dir, "--set", "rogue=yes",
                 "--executor", "serial"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"baseline : {gate_dir} (gate)" in out
    assert "WORSE   admit-only-the-client on login: holds -> violated" in out


def test_nothing_to_compare_is_a_usage_error(gate_dir, capsys):
    assert main(["diff", "--model", gate_dir]) == 2
    assert "needs a baseline" in capsys.readouterr().err
    with pytest.raises(UsageError, match="the same model with the same variant set"):
        run_diff(DiffRequest(candidate=Side(gate_dir, {"trust": "any"}), baseline=Side(gate_dir, {"trust": "any"})))
    assert main(["diff", "--model", gate_dir, "--against", "trust=maybe"]) == 2
    assert "unknown value 'maybe'" in capsys.readouterr().err
    assert os.path.isdir(gate_dir)
