"""The intruder (issue 14, item 1): declared per reference point in model/trust.py, present
whenever `imsflow check` decides a security property, and able to break a P-CSCF that trusts
every node in the default run."""

import dataclasses
import json
import sys

import pytest

from imsflow.cli import main
from imsflow.loader import load
from imsflow.pipeline import CheckRequest, check

from properties import breakage as b  # tests/properties (tests/ is on sys.path)
from .scripted import settle, system


def _module(name):
    """A module of the seed model as the loader imported it (under its own package name)."""
    return sys.modules[b.entity("ROGUE").__module__.rsplit(".", 1)[0] + "." + name]


def _unexpected(run):
    return sorted((r.property, r.flow) for r in run.results if not r.as_expected)


def test_a_pcscf_that_trusts_every_node_fails_the_default_check(monkeypatch):
    seed = check(CheckRequest(flows=["F3"], progress=False))
    assert _unexpected(seed) == [] and seed.intruder["on"]
    b.patch_method(monkeypatch, "P-CSCF", "trusts_sender", lambda self: True)
    broken = check(CheckRequest(flows=["F3"], progress=False))
    assert ("tna-only-from-translator", "F3") in _unexpected(broken)
    (r,) = [r for r in broken.results if r.property == "tna-only-from-translator"]
    assert r.variant["rogue"] == "yes" and "--set rogue=yes" in r.replay
    assert any(e["entity"] == "ROGUE" for e in r.trace), "the counterexample shows the intruder's REGISTER"


def test_without_the_intruder_the_broken_pcscf_passes_and_the_run_says_so(monkeypatch):
    b.patch_method(monkeypatch, "P-CSCF", "trusts_sender", lambda self: True)
    run = check(CheckRequest(flows=["F3"], intruder=False, progress=False))
    assert _unexpected(run) == []
    assert "WITHOUT the intruder (--no-intruder)" in run.intruder["warning"]
    assert run.intruder["warning"] in run.warnings
    assert all("--no-intruder" in r.replay for r in run.results)


def test_only_security_properties_get_the_intruders_world():
    run = check(CheckRequest(flows=["F6"], progress=False))
    marked = {p.id for p in load(None).properties if p.intruder}
    for r in run.results:
        assert (r.variant["rogue"] == "yes") == (r.property in marked), r.property
        ts = run.system_for(r.property, r.flow)
        assert bool(ts.processes_named("ROGUE")) and (r.variant["rogue"] == "yes") == (ts is not run.systems["F6"])


def test_rogue_set_on_the_command_line_is_one_world():
    run = check(CheckRequest(flows=["F3"], settings={"rogue": "yes"}, progress=False))
    assert run.intruder["on"] and not run.intruder["warning"]
    assert len({r.variant["rogue"] for r in run.results}) == 1


def test_rogue_no_does_not_take_the_intruder_away_from_security_properties():
    """A matrix column or a --set with rogue=no (the variant's default) keeps the intruder for the
    properties that need it: only --no-intruder turns it off."""
    run = check(CheckRequest(flows=["F3"], settings={"rogue": "no"}, progress=False))
    assert run.intruder["on"] and not run.intruder["warning"]
    assert {r.variant["rogue"] for r in run.results if r.intruder} == {"yes"}


def test_the_trust_boundary_moves_in_one_place(monkeypatch):
    """Declaring the P-CSCF's Gm trusted takes the intruder's REGISTER and INVITE away from it:
    the broken P-CSCF then passes - the verdict depends on the declared boundary and on
    nothing else."""
    trust = _module("trust")
    b.patch_method(monkeypatch, "P-CSCF", "trusts_sender", lambda self: True)
    assert ("tna-only-from-translator", "F3") in _unexpected(check(CheckRequest(flows=["F3"], progress=False)))
    gm_trusted = tuple(dataclasses.replace(rp, trusted=True) if rp.receiver == "P-CSCF" else rp
                       for rp in trust.REFERENCE_POINTS)
    monkeypatch.setattr(trust, "REFERENCE_POINTS", gm_trusted)
    rogue = b.entity("ROGUE")
    monkeypatch.setattr(rogue, "transitions", [t for t in rogue.transitions
                                               if "(Gm (into the P-CSCF)" not in (t.note or "")])
    assert all(rp.receiver != "P-CSCF" for rp, _ in trust.attacks())
    assert _unexpected(check(CheckRequest(flows=["F3"], progress=False))) == []


def test_every_attack_of_an_untrusted_point_is_one_transition_of_the_intruder():
    trust = _module("trust")
    rogue = b.entity("ROGUE")
    injections = [t for t in rogue.transitions if t.on.__class__.__name__ == "Event"]
    assert len(injections) == len(trust.attacks()) >= 7
    names = {a.name for _, a in trust.attacks()}
    assert {"REGISTER claiming TNA", "REGISTER with a replayed RES", "INVITE with a spoofed caller",
            "REGISTER with a forged token", "WebSocket from an unauthorised origin"} <= names


@pytest.mark.parametrize("flow", ["F1", "F3", "F5"])
def test_the_intruder_sends_at_most_its_budget_and_uses_all_of_it(flow):
    trust = _module("trust")
    ts = system(flow, {"rogue": "yes"})
    out = settle(ts, ts.initial_state(), budget=50_000, keep=True)
    assert not out.cut
    (p,) = ts.processes_named("ROGUE")
    sent = {ts.processes[p].views(s[p])[0][2]["sent"] for s in out.seen}
    assert sent == set(range(trust.INJECTIONS + 1))


def test_cli_summary_says_the_security_verdicts_had_an_intruder(capsys):
    def run(*argv):
        code = main(["check", "--flow", "F3", *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = run()
    assert code == 0, err
    assert "security properties decided with the intruder (rogue=yes)" in out
    code, out, err = run("--no-intruder")
    assert code == 0 and "WITHOUT the intruder" in out and "warning" in err
    code, out, err = run("--format", "json")
    doc = json.loads(out)
    assert doc["intruder"]["on"] and "tna-only-from-translator" in doc["intruder"]["properties"]
    assert any(r.get("intruder") for r in doc["results"])
