"""--engine both / all: how several engines' verdicts are combined (backends/compare.py)."""

from __future__ import annotations

import json
import os

import pytest

from imsflow.backends.compare import combine
from imsflow.backends.explore.checker import Outcome
from imsflow.cli import main
from imsflow.patterns.verdict import Verdict, agreement_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TWO_PHASE = os.path.join(ROOT, "examples", "two_phase")
SOUNDNESS = os.path.join(ROOT, "tests", "reduce", "soundness")


class _NoTrace:
    """combine() only replays traces; these outcomes have none."""


def _o(verdict, reason=""):
    return Outcome("p", Verdict(verdict), reason)


def test_explicit_holds_z3_inconclusive_is_single_engine_not_agreement():
    out = combine(_NoTrace(), {"explicit": _o("holds"), "z3": _o("inconclusive", "no proof")})
    assert out.verdict is Verdict.HOLDS
    assert out.details["agreement"] == "single-engine"
    assert "decided by explicit only" in out.reason and "z3: inconclusive (no proof)" in out.reason


def test_two_alike_confirm_and_two_different_conflict():
    ok = combine(_NoTrace(), {"explicit": _o("holds"), "z3": _o("inconclusive"), "spin": _o("holds")})
    assert ok.verdict is Verdict.HOLDS and ok.details["agreement"] == "confirmed"
    assert "confirmed by explicit, spin" in ok.reason
    bad = combine(_NoTrace(), {"explicit": _o("holds"), "z3": _o("holds"), "spin": _o("violated")})
    assert bad.verdict is Verdict.INCONCLUSIVE and bad.details["agreement"] == "conflicting"
    assert "ENGINES DISAGREE" in bad.reason and "spin: violated" in bad.reason


def test_agreement_of_counts_only_deciding_engines():
    assert agreement_of({"explicit": "inconclusive", "z3": "inconclusive"}) == "undecided"
    assert agreement_of({"explicit": "vacuous", "z3": "vacuous", "spin": "inconclusive"}) == "confirmed"


def test_engine_all_on_two_phase_confirms_every_verdict(capsys):
    from imsflow.backends.promela.run import spin_available

    code = main(["check", "--model", TWO_PHASE, "--engine", "all", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["engine"] == "all"
    names = {"explicit", "z3"} | ({"spin"} if spin_available() else set())
    for r in doc["results"]:
        assert set(r["engines"]) == names
        assert r["agreement"] == ("confirmed" if spin_available() or r["engines"]["z3"] != "inconclusive"
                                  else "single-engine")


def test_engine_all_without_spin_says_so(capsys, monkeypatch):
    import imsflow.backends.promela.run as run

    monkeypatch.setattr(run, "spin_available", lambda: False)
    assert main(["check", "--model", TWO_PHASE, "--engine", "all", "--property", "tc-consistent"]) == 0
    text = capsys.readouterr().out
    assert "spin: not run: spin or gcc is not on PATH" in text
    assert "1 confirmed (1 by 2 engines)" in text


@pytest.mark.parametrize("model,flow,settings,pid,truth", [
    ("c0_deadlock", "D", [], "deadlock-free", "violated"),
    ("c1_set_reset", "R", [], "read-only-while-armed", "violated"),
    ("c1_set_reset", "R", ["--set", "witness=yes"], "read-only-while-armed", "violated"),
    ("c2_visible", "V", [], "not-both-midway", "violated"),
    ("c2_visible", "V", [], "a-steps-only-after-b", "violated"),
    ("c3_ignoring", "L", [], "no-failure", "violated"),
])
def test_soundness_models_are_confirmed_by_every_engine(capsys, model, flow, settings, pid, truth):
    from imsflow.backends.promela.run import spin_available

    main(["check", "--model", os.path.join(SOUNDNESS, model), "--flow", flow, *settings, "--property", pid,
          "--engine", "all", "--format", "json"])
    [r] = json.loads(capsys.readouterr().out)["results"]
    assert r["verdict"] == truth and r["agreement"] == "confirmed"
    assert set(r["engines"].values()) == {truth}
    assert len(r["engines"]) == (3 if spin_available() else 2)
