"""A wheel installed into a fresh virtual environment, run from another directory, gives the same
`imsflow check` as the checkout: the seed model, its property catalogue and flow files ship as
package data (setup.py), and nothing is installed as a top-level `model` package.

It builds with pip (build isolation fetches setuptools from the package index) and installs the
dependencies into the new environment, so it needs pip to reach an index: when it cannot, the
test skips and says so.  `-m "not packaging"` deselects it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OFFLINE = ("Could not find a version", "No matching distribution", "Failed to establish a new connection",
           "Network is unreachable", "Temporary failure in name resolution")

pytestmark = pytest.mark.packaging


def _pip(python: Path, *args: str, cwd: Path) -> None:
    done = subprocess.run([str(python), "-m", "pip", *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        out = done.stdout + done.stderr
        if any(marker in out for marker in OFFLINE):
            pytest.skip(f"pip cannot reach a package index here: {out.strip().splitlines()[-1]}")
        raise AssertionError(f"pip {' '.join(args)} failed:\n{out[-3000:]}")


def _clean_copy(target: Path) -> Path:
    """The checkout's files (tracked, and new ones git does not ignore) copied elsewhere: the
    build writes nothing into the repository, and no stale build/ of an earlier one leaks in."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-co", "--exclude-standard"],
                            capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: nothing to build a wheel from")
    for rel in listed.stdout.splitlines():
        src = REPO / rel
        if src.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / rel)
    return target


def _triples(doc: dict) -> set:
    return {(r["property"], r["flow"], r["verdict"]) for r in doc["results"]}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the environment's python, the wheel) - built from this checkout, installed fresh."""
    base = tmp_path_factory.mktemp("wheel")
    source = _clean_copy(base / "source")
    dist = base / "dist"
    _pip(Path(sys.executable), "wheel", "-q", "--no-deps", "-w", str(dist), str(source), cwd=base)
    wheel = next(dist.glob("imsflow-*.whl"))
    env_dir = base / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    _pip(python, "install", "-q", str(wheel), cwd=base)
    return python, wheel


def test_the_wheel_ships_the_seed_inside_imsflow_and_no_top_level_model(installed):
    _, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "imsflow/_seed/model/__init__.py" in names
    assert {f"imsflow/_seed/properties/{p.name}" for p in (REPO / "properties").glob("*.yaml")} <= set(names)
    assert {f"imsflow/_seed/flows/{p.name}" for p in (REPO / "flows").glob("*.yaml")} <= set(names)
    assert "imsflow/system/_expand.c" in names
    # Every module of the package, also in a folder without __init__.py (imsflow/render/ once
    # went missing that way, hidden by a stale build/ directory).
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "imsflow").rglob("*.py") if "__pycache__" not in p.parts}
    assert modules - set(names) == set()
    assert not any("__pycache__" in n for n in names)
    assert not any(n.startswith("model/") for n in names)
    top = next(n for n in names if n.endswith("top_level.txt"))
    assert zipfile.ZipFile(wheel).read(top).decode().split() == ["imsflow"]


def test_installed_check_from_another_directory_equals_the_checkout(installed, tmp_path):
    python, _ = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "IMSFLOW_PURE_PYTHON")}
    env["IMSFLOW_CACHE"] = str(tmp_path / "cache")  # the environment's own C build, removed with it
    run = subprocess.run([str(python), "-m", "imsflow.cli", "check", "--format", "json"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stderr
    wheel_doc = json.loads(run.stdout)
    assert "/_seed" in wheel_doc["model_dir"] and str(REPO) not in wheel_doc["model_dir"]
    assert wheel_doc["stats"]["expansion"].startswith(("C:", "Python:"))
    local = subprocess.run([sys.executable, "-m", "imsflow.cli", "check", "--format", "json"], cwd=REPO,
                           capture_output=True, text=True, timeout=600)
    assert local.returncode == 0, local.stderr
    local_doc = json.loads(local.stdout)
    assert len(wheel_doc["results"]) == len(local_doc["results"]) > 100
    assert _triples(wheel_doc) == _triples(local_doc)
    assert any(r["verdict"] == "violated" and r["expected"] == "violated" for r in wheel_doc["results"])
    # The flow files ship too, and conform finds them by path inside the installed package.
    flow = Path(wheel_doc["model_dir"]) / "flows" / "F1.yaml"
    conf = subprocess.run([str(python), "-m", "imsflow.cli", "conform", str(flow)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600, env=env)
    assert conf.returncode == 0, conf.stdout + conf.stderr
    by_id = subprocess.run([str(python), "-m", "imsflow.cli", "conform", "F6"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=600, env=env)
    assert by_id.returncode == 0 and "flows/F6.yaml: conforms" in by_id.stdout, by_id.stdout + by_id.stderr


def test_installed_diagrams_without_out_is_refused(installed, tmp_path):
    python, _ = installed
    run = subprocess.run([str(python), "-m", "imsflow.cli", "diagrams"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 2 and "--out" in run.stderr and "Traceback" not in run.stderr
