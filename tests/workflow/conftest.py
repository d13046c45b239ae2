"""Shared fixtures of the workflow tests: the gate model (two variants that flip a verdict)."""

import os
import sys

import pytest

# tests/ itself, for the helpers the test directories share (offline_chromium).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

HERE = os.path.dirname(os.path.abspath(__file__))
GATE = os.path.join(HERE, "fixtures", "gate")
SCHEMAS = os.path.join(HERE, "schemas")


@pytest.fixture(scope="session")
def gate_dir() -> str:
    return GATE


@pytest.fixture(scope="session")
def schemas_dir() -> str:
    return SCHEMAS


@pytest.fixture(scope="session")
def gate_expecting_vacuity(tmp_path_factory) -> str:
    """A copy of the gate model with one expectation it does not meet: 'admit-only-the-client' is
    expected vacuous with trust=client, and holds there (an "expected vacuous, got holds")."""
    import shutil

    model = tmp_path_factory.mktemp("vacuity") / "gate"
    shutil.copytree(GATE, model)
    catalogue = model / "properties" / "gate.yaml"
    text = catalogue.read_text()
    anchor = '  expected:\n    - when: {trust: any, rogue: "yes"}\n'
    assert anchor in text
    catalogue.write_text(text.replace(anchor, anchor.replace(
        "  expected:\n", "  expected:\n    - when: {trust: client}\n      verdict: vacuous\n"
        "      reason: a test expectation the model does not meet\n"), 1))
    return str(model)


@pytest.fixture(scope="session")
def gate_matrix():
    """The full matrix of the gate model (2 flows x trust x rogue), run once for the session."""
    from imsflow.workflow.matrix import MatrixRequest, run_matrix

    return run_matrix(MatrixRequest(model_dir=GATE, executor="serial", progress=False))
