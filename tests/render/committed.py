"""Every committed figure imsflow writes, wherever a model keeps its diagrams: the seed's
(diagrams/), another architecture's (models/*/diagrams/) and an example's
(examples/*/diagrams/).  Sequence figures are the flows and the counterexamples; state charts
are the entities'."""

from __future__ import annotations

import glob
import os
import subprocess

from imsflow.loader import REPO_ROOT

ROOTS = ("diagrams", "models/*/diagrams", "examples/*/diagrams")


def _svgs(*kinds) -> list:
    return sorted(p for root in ROOTS for kind in kinds
                  for p in glob.glob(os.path.join(REPO_ROOT, root, kind, "*.svg")))


SEQUENCE_FIGURES = _svgs("flows", "counterexamples")
STATE_CHARTS = _svgs("entities")


def figure_id(path: str) -> str:
    return os.path.relpath(path, REPO_ROOT)


def tracked_svgs() -> list | None:
    """Every .svg git tracks in the checkout (None outside a git checkout)."""
    try:
        out = subprocess.run(["git", "-C", REPO_ROOT, "ls-files", "*.svg"], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return sorted(os.path.join(REPO_ROOT, p) for p in out.split())
