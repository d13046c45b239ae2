"""What a verdict says about itself (issue 15, item 6): the assumptions it rests on, when
they apply, and a `replay:` line that reproduces the very run."""

from __future__ import annotations

import json
import os
import shlex

from imsflow.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PINGPONG = os.path.join(ROOT, "tests", "promela", "pingpong")
C1 = os.path.join(ROOT, "tests", "reduce", "soundness", "c1_set_reset")


def _json(capsys, argv):
    main(argv + ["--format", "json"])
    return json.loads(capsys.readouterr().out)


def _by_id(doc):
    return {r["property"]: r for r in doc["results"]}


def test_unhandled_messages_make_every_other_holds_say_what_it_assumes(capsys):
    doc = _by_id(_json(capsys, ["check", "--model", PINGPONG, "--flow", "P1", "--set", "late=yes", "--wics", "2"]))
    assert doc["every-message-handled"]["verdict"] == "violated"
    holds = [r for r in doc.values() if r["verdict"] == "holds"]
    assert holds
    for r in holds:
        assert any("every run in which every message is handled" in a for a in r["assumptions"]), r["property"]
    assert "assumptions" not in doc["every-message-handled"]


def test_no_unhandled_message_no_such_assumption_and_response_names_its_fairness(capsys):
    doc = _by_id(_json(capsys, ["check", "--model", PINGPONG, "--flow", "P1", "--wics", "2"]))
    assert all(not any("message is handled" in a for a in r.get("assumptions", [])) for r in doc.values())
    assert any("weak fairness" in a for a in doc["every-ping-answered"]["assumptions"])


def test_replay_line_carries_every_option_that_changes_the_run(capsys):
    argv = ["check", "--model", C1, "--flow", "R", "--property", "read-only-while-armed", "--no-por",
            "--no-symmetry", "--max-states", "3"]
    first = _by_id(_json(capsys, argv))["read-only-while-armed"]
    replay = shlex.split(first["replay"])
    assert replay[:2] == ["imsflow", "check"]
    for opt in ("--no-por", "--no-symmetry", "--max-states"):
        assert opt in replay
    again = _by_id(_json(capsys, replay[1:]))["read-only-while-armed"]
    assert (again["verdict"], again["reason"]) == (first["verdict"], first["reason"])
    assert first["verdict"] == "inconclusive"  # the budget of 3 states (the violation is 4 steps deep) is what the replay must keep


def test_inconclusive_names_the_command_that_lifts_its_limit_and_that_command_decides_it(capsys):
    argv = ["check", "--model", C1, "--flow", "R", "--property", "read-only-while-armed", "--max-states", "3"]
    cut = _by_id(_json(capsys, argv))["read-only-while-armed"]
    assert cut["verdict"] == "inconclusive"
    lift = shlex.split(cut["lift"])
    assert lift[lift.index("--max-states") + 1] == "none"
    decided = _by_id(_json(capsys, lift[1:]))["read-only-while-armed"]
    assert decided["verdict"] == "violated" and "lift" not in decided
    main(argv)
    assert "lift the limit: " + cut["lift"] in capsys.readouterr().out
