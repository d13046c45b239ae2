"""Shared fixtures of the workflow tests: the gate model (two variants that flip a verdict)."""

import os

import pytest

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
def gate_matrix():
    """The full matrix of the gate model (2 flows x trust x rogue), run once for the session."""
    from imsflow.workflow.matrix import MatrixRequest, run_matrix

    return run_matrix(MatrixRequest(model_dir=GATE, executor="serial", progress=False))
