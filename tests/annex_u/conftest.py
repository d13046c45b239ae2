"""The Annex U model, found relative to this repository (it is read by path, not installed)."""

import os
import sys

import pytest

# tests/ itself, for the helpers the test directories share (offline_chromium).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from annex_u_support import ANNEX_U, BUDGET, REPO


@pytest.fixture(scope="session")
def annex_u() -> str:
    return ANNEX_U


@pytest.fixture(scope="session")
def repo() -> str:
    return REPO


@pytest.fixture(scope="session")
def architecture_diff():
    """Annex U (candidate) against the seed (baseline), run once for the session."""
    from imsflow.workflow.diff import DiffRequest, Side, run_diff

    return run_diff(DiffRequest(candidate=Side(ANNEX_U, {}), baseline=Side(REPO, {}), executor="serial",
                                progress=False, max_states=BUDGET))
