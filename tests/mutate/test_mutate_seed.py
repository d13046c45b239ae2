"""imsflow mutate on one seed flow with one operator (the whole seed run is the benchmark,
benchmarks/mutate_score.py): mutants point into model/, kills come with the property and its
trace, and every class adds up."""

import os

import pytest

from imsflow.loader import default_model_dir
from imsflow.mutate.report import to_json
from imsflow.mutate.run import MutateRequest, run_mutation


@pytest.fixture(scope="module")
def doc():
    return to_json(run_mutation(MutateRequest(flows=["F5"], operators=["drop-guard"], executor="serial")))


def test_every_guard_of_the_seed_is_a_mutant_at_its_T_line(doc):
    from imsflow.loader import load

    entities = load().model.entities
    guards = sum(len(t.when) if isinstance(t.when, (list, tuple)) else 1
                 for cls in entities for t in cls.transitions if t.when is not None)
    assert len(doc["mutants"]) == guards
    for m in doc["mutants"]:
        path, line = m["where"].rsplit(":", 1)
        if not os.path.isabs(path):
            path = os.path.join(default_model_dir(), path)
        assert os.sep + "model" + os.sep in path
        with open(path, encoding="utf-8") as fh:
            assert "T(" in fh.read().splitlines()[int(line) - 1], m["where"]


def test_classes_add_up_and_kills_carry_their_trace(doc):
    s = doc["summary"]
    assert s["mutants"] == sum(s[k] for k in ("killed", "survived", "equivalent", "unreached", "invalid",
                                               "inconclusive"))
    assert s["killed"] >= 1 and s["unreached"] >= 1 and s["inconclusive"] == 0
    killed = [m for m in doc["mutants"] if m["status"] == "killed"]
    assert all(k["original"] != k["mutant"] for m in killed for k in m["kills"])
    assert any(k.get("trace") for m in killed for k in m["kills"])
    for m in doc["mutants"]:
        if m["status"] == "survived":
            assert m["trace"]["listing"].splitlines()[-1].startswith(">>")
    assert doc["original"]["F5"]["flow-reachable"] == "holds"
