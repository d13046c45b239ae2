"""Shared by the importer tests: paths of the fixtures and in-process CLI runs."""

import os
import shutil

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
SCENARIOS = os.path.join(HERE, "scenarios")
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(ROOT, "examples", "sipp")
MAPPING = os.path.join(EXAMPLES, "mapping.yaml")
REGISTER_MAPPING = os.path.join(EXAMPLES, "register_mapping.yaml")
CAPTURE = os.path.join(EXAMPLES, "capture.sh")


def data(name: str) -> str:
    return os.path.join(DATA, name)


def scenario(name: str) -> str:
    return os.path.join(SCENARIOS, name)


needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None,
                                  reason="tshark not installed (apt-get install tshark; scripts/setup.sh)")


def run_cli(capsys, *args):
    """imsflow ARGS in-process: (exit status, stdout, stderr)."""
    from imsflow.cli import main

    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def import_and_conform(capsys, tmp_path, kind: str, source: str, mapping: str = MAPPING):
    """imsflow import KIND SOURCE, then imsflow conform --format json: (import stderr, conform rc, result)."""
    import json

    flow = tmp_path / (os.path.basename(source) + ".flow.yaml")
    rc, _out, err = run_cli(capsys, "import", kind, source, "--mapping", mapping, "--out", flow)
    assert rc == 0, err
    rc, out, cerr = run_cli(capsys, "conform", flow, "--format", "json")
    assert rc in (0, 1), cerr
    return err, rc, json.loads(out)
