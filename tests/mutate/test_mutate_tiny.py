"""imsflow mutate on a model whose mutants are known by heart (tests/mutate/tiny/).

Every mutant of every operator is listed with its expected class: the catalogue of the tiny
model (an absence, a reachability and the built-ins) notices most, misses the log record of an
opened session (survivors), cannot see the order of two sends of one atomic step
(equivalent), and no run reaches the crash path (unreached: `faults=no` is the default).
"""

import os

import pytest

from imsflow.mutate.apply import Probe, transform
from imsflow.mutate.operators import OPERATORS, Mutant
from imsflow.mutate.run import Configuration, MutateRequest, each_variant, run_mutant_job, run_mutation

TINY = os.path.join(os.path.dirname(__file__), "tiny")

EXPECTED = {
    "drop-guard": {"drop-guard:SERVER:0": "killed", "drop-guard:SERVER:1": "equivalent",
                   "drop-guard:SERVER:3": "killed"},
    "drop-send": {"drop-send:CLIENT:0:SERVER:REQ": "killed", "drop-send:CLIENT:1:SERVER:REQ": "killed",
                  "drop-send:SERVER:0:CLIENT:OK": "killed", "drop-send:SERVER:0:LOGGER:LOG": "survived",
                  "drop-send:SERVER:1:CLIENT:NO": "killed", "drop-send:SERVER:2:LOGGER:LOG": "killed"},
    "redirect-send": {"redirect-send:SERVER:0:LOGGER:LOG>CLIENT": "survived",
                      "redirect-send:SERVER:2:LOGGER:LOG>CLIENT": "killed"},
    "change-field": {"change-field:CLIENT:0:SERVER:REQ:kind=bad": "killed",
                     "change-field:CLIENT:1:SERVER:REQ:kind=good": "survived",
                     "change-field:SERVER:0:CLIENT:OK:kind=bad": "killed",
                     "change-field:SERVER:0:LOGGER:LOG:what=close": "survived",
                     "change-field:SERVER:2:LOGGER:LOG:what=open": "killed"},
    "skip-step": {**{f"skip-step:CLIENT:{i}:{how}": "killed" for i in (0, 1, 2) for how in ("stay", "no-effect")},
                  "skip-step:CLIENT:3:stay": "killed",
                  "skip-step:SERVER:0:stay": "killed", "skip-step:SERVER:0:no-effect": "killed",
                  "skip-step:SERVER:1:no-effect": "killed",
                  "skip-step:SERVER:2:stay": "killed", "skip-step:SERVER:2:no-effect": "killed",
                  "skip-step:SERVER:3:stay": "unreached", "skip-step:SERVER:3:no-effect": "unreached",
                  "skip-step:LOGGER:0:no-effect": "killed"},
    "remove-release": {"remove-release:CLIENT:2:SERVER:BYE": "killed"},
    "swap-sends": {"swap-sends:SERVER:0:CLIENT:OK<>LOGGER:LOG": "equivalent"},
    "accept-in-state": {"accept-in-state:CLIENT:3:done": "unreached", "accept-in-state:CLIENT:5:waiting": "killed"},
}


@pytest.fixture(scope="module")
def tiny():
    run = run_mutation(MutateRequest(model_dir=TINY, executor="serial"))
    return run, {m.id: (m, o) for m, o in zip(run.mutants, run.outcomes)}


def test_every_operator_produces_exactly_the_expected_mutants(tiny):
    run, by_id = tiny
    assert set(EXPECTED) == set(OPERATORS)
    for op, expected in EXPECTED.items():
        got = {m.id: o["status"] for m, o in zip(run.mutants, run.outcomes) if m.operator == op}
        assert got == expected, op
    assert len(run.mutants) == sum(len(e) for e in EXPECTED.values()) == 35


def test_mutants_name_the_file_and_line_of_the_transition_they_change(tiny):
    _, by_id = tiny
    m, _ = by_id["drop-guard:SERVER:0"]
    path, line = m.where.rsplit(":", 1)
    assert path.endswith(os.path.join("tiny", "model", "__init__.py"))
    with open(os.path.join(TINY, "model", "__init__.py")) as fh:
        assert 'when=lambda e: e.msg.kind == "good"' in fh.read().splitlines()[int(line) - 1]
    assert m.description == "SERVER 'REQ from CLIENT -> busy': guard 'e.msg.kind == \"good\"' dropped"


def test_a_mutant_that_breaks_a_property_is_killed_with_its_trace(tiny):
    _, by_id = tiny
    _, o = by_id["drop-guard:SERVER:0"]
    kill = next(k for k in o["kills"] if k["property"] == "no-ok-for-a-bad-request")
    assert (kill["original"], kill["mutant"]) == ("holds", "violated")
    assert "sends OK(kind=bad) to CLIENT" in kill["trace"].splitlines()[-1]
    assert "event ask_bad" in kill["trace"]


def test_a_survivor_carries_the_shortest_run_to_its_change(tiny):
    _, by_id = tiny
    _, o = by_id["drop-send:SERVER:0:LOGGER:LOG"]
    f = o["flows"]["session"]
    assert f["status"] == "changed" and f["steps"] == 2
    rows = f["trace"].splitlines()
    assert rows[-1].startswith(">>") and "SERVER: REQ(kind=good) from CLIENT -> busy; sends OK(kind=good) to CLIENT" in rows[-1]
    assert "LOG" not in rows[-1]


def test_equivalent_mutants_are_recognised_with_the_reason(tiny):
    run, by_id = tiny
    for mid in ("swap-sends:SERVER:0:CLIENT:OK<>LOGGER:LOG", "drop-guard:SERVER:1"):
        _, o = by_id[mid]
        assert o["status"] == "equivalent"
        assert "reachable labelled transition graph is identical" in o["reason"]
    assert run.score == pytest.approx(26 / (35 - 2))


def test_unreached_mutants_are_reported_as_such_not_as_equivalent(tiny):
    _, by_id = tiny
    # never a candidate: no NO arrives while the CLIENT is done (pre-filter on the original's graph)
    assert by_id["accept-in-state:CLIENT:3:done"][1]["flows"] == {}
    # a candidate (SERVER busy, the crash event at hand) whose guard never lets it fire
    _, o = by_id["skip-step:SERVER:3:stay"]
    assert o["status"] == "unreached" and o["flows"]["session"]["status"] == "unexercised"


def test_with_faults_the_crash_path_is_exercised():
    run = run_mutation(MutateRequest(model_dir=TINY, settings={"faults": "yes"}, executor="serial",
                                     operators=["skip-step", "accept-in-state"]))
    status = {m.id: o["status"] for m, o in zip(run.mutants, run.outcomes)}
    assert status["skip-step:SERVER:3:stay"] != "unreached"
    assert status["accept-in-state:CLIENT:3:done"] == "survived"  # refused is an end state too


def test_a_second_configuration_reaches_what_the_default_world_never_exercises():
    run = run_mutation(MutateRequest(model_dir=TINY, executor="serial", operators=["skip-step"],
                                     configs=[Configuration(), Configuration.of({"faults": "yes"})]))
    assert [u.key for u in run.units] == ["session [defaults]", "session [faults=yes]"]
    status = {m.id: o["status"] for m, o in zip(run.mutants, run.outcomes)}
    assert status["skip-step:SERVER:3:stay"] != "unreached"  # only the faults=yes unit exercises it
    assert status["skip-step:CLIENT:0:stay"] == "killed"


def test_a_configuration_identical_to_another_is_checked_once():
    run = run_mutation(MutateRequest(model_dir=TINY, executor="serial", operators=["drop-send"],
                                     configs=[Configuration(), Configuration.of({"faults": "no"})]))
    assert [u.key for u in run.units] == ["session [defaults]"]
    assert run.shared == [("session [faults=no]", "session [defaults]")]


def test_each_variant_adds_one_configuration_per_non_default_value():
    from imsflow.loader import load

    assert each_variant(load(TINY), {}) == [Configuration(), Configuration.of({"faults": "yes"})]
    assert each_variant(load(TINY), {"faults": "yes"}) == [Configuration()]


def test_a_mutant_that_does_not_compile_is_invalid_and_the_run_goes_on():
    bad = Mutant("redirect-send:SERVER:0:CLIENT:OK>LOGGER", "redirect-send", "SERVER", 0, "x:1", "OK to LOGGER",
                 {"to": "CLIENT", "message": "OK", "new_to": "LOGGER"})
    unit = {"key": "session", "flow": "session", "settings": {}, "wics": 1}
    out = run_mutant_job({"model_dir": TINY, "max_states": 1000, "mutant": bad.to_json(), "units": [unit],
                          "original": {"session": {}}})
    assert out["status"] == "invalid"
    assert "has no transition receiving it" in out["reason"]


def test_the_transform_leaves_the_original_model_untouched():
    from imsflow.loader import load
    from imsflow.pipeline import CheckRequest, check

    loaded = load(TINY)
    before = [t.when for t in loaded.model.entities[1].transitions]
    m = Mutant("drop-guard:SERVER:0", "drop-guard", "SERVER", 0, "x:1", "", {"guard": 0})
    run = check(CheckRequest(model_dir=TINY, transform=transform(m, Probe())))
    assert {r.property: r.verdict.value for r in run.results}["no-ok-for-a-bad-request"] == "violated"
    assert [t.when for t in loaded.model.entities[1].transitions] == before
    assert {r.verdict.value for r in check(CheckRequest(model_dir=TINY)).results} == {"holds"}


def test_the_process_pool_gives_the_serial_result():
    serial = run_mutation(MutateRequest(model_dir=TINY, executor="serial", operators=["drop-send", "swap-sends"]))
    pooled = run_mutation(MutateRequest(model_dir=TINY, jobs=2, operators=["drop-send", "swap-sends"]))
    assert [o["status"] for o in serial.outcomes] == [o["status"] for o in pooled.outcomes]
    assert [m.id for m in serial.mutants] == [m.id for m in pooled.mutants]


def test_a_unit_whose_whole_search_never_exercised_the_change_is_not_compared(monkeypatch):
    """The check's searches were complete and unreduced and the probe never fired: the mutant's
    reachable system is the original's, so no graph comparison runs; a mutant whose check did
    exercise the change (a survivor) is still compared."""
    from imsflow.mutate import graph

    compared = []
    real = graph.compare
    monkeypatch.setattr(graph, "compare", lambda *a, **k: compared.append(1) or real(*a, **k))
    run = run_mutation(MutateRequest(model_dir=TINY, executor="serial",
                                     mutants=["skip-step:SERVER:3:stay", "drop-send:SERVER:0:LOGGER:LOG"]))
    status = {m.id: o for m, o in zip(run.mutants, run.outcomes)}
    unexercised = status["skip-step:SERVER:3:stay"]
    assert unexercised["status"] == "unreached" and unexercised["flows"]["session"]["status"] == "unexercised"
    assert "whole" not in unexercised["flows"]["session"] and "exercised" not in unexercised["flows"]["session"]
    assert status["drop-send:SERVER:0:LOGGER:LOG"]["status"] == "survived"
    assert len(compared) == 1  # the survivor's only
