"""What the model fills in that the seed does not define is reported per flow (issue 14, item 6)."""

import os

import pytest

from imsflow.pipeline import CheckRequest, check
from imsflow.render.text import render_run

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = {"flow", "entity", "transition", "standard", "where", "note"}


@pytest.fixture(scope="module")
def default_run():
    return check(CheckRequest(flows=["F1", "F6", "F8"], progress=False))


def _entries(run, flow):
    return {(u["entity"], u["transition"]): u for u in run.underspecified if u["flow"] == flow}


def test_every_entry_names_a_standard_and_a_model_line(default_run):
    entries = default_run.to_json()["underspecified"]
    assert entries and all(set(u) == KEYS for u in entries)
    for u in entries:
        assert u["standard"] and u["standard"] != "no standard named", u
        path, line = u["where"].rsplit(":", 1)
        lines = open(os.path.join(REPO, path)).read().splitlines()
        assert path.startswith("model/") and 1 <= int(line) <= len(lines), u


def test_what_the_seed_leaves_out_is_listed_and_what_it_numbers_is_not(default_run):
    f6 = _entries(default_run, "F6")
    ack = f6[("WST", "ACK from WIC -> in_call")]
    assert ack["standard"].startswith("RFC 3261 13.2.2.4") and ack["where"].startswith("model/wst.py:")
    assert ("MRF", "MRF_RELEASE from S-CSCF -> idle") in f6  # release: the seed is silent
    assert ("WST", "INVITE from WIC -> o_invited") not in f6  # step 2 of 6.X.2.3.1
    assert ("P-CSCF", "AGW_RESERVED from AGW -> o_invited") not in f6  # carries step 4-6
    # the registration flow on the default variant takes no step the seed does not number;
    # what its security properties' intruder provokes (refusals) is the model's own
    quiet = check(CheckRequest(flows=["F1"], intruder=False, progress=False))
    assert not _entries(quiet, "F1")
    assert ("I-CSCF", "relay 403 S-CSCF->P-CSCF") in _entries(default_run, "F1")


def test_the_failure_paths_are_reported_with_their_standards():
    run = check(CheckRequest(flows=["F6"], settings={"faults": "all"}, properties=["flow-reachable"],
                             max_states=50_000, progress=False))
    f6 = _entries(run, "F6")
    standards = {u["standard"].split(" (")[0] for u in f6.values()}
    assert {"RFC 3261 9", "RFC 3261 15", "RFC 6455 7", "RFC 3261 17.1.3, 17.2.3"} <= standards, standards
    assert f6[("S-CSCF", "expire -> idle")]["standard"].startswith("TS 24.229 5.4.1")
    assert f6[("WIC", "cancel -> cancelling")]["standard"].startswith("RFC 3261 9")


def test_the_text_report_has_one_line_per_flow(default_run):
    text = render_run(default_run)
    assert "not defined by the seed" in text
    n = sum(1 for u in default_run.underspecified if u["flow"] == "F6")
    assert f"  F6: {n} steps not defined by the seed; modelled per RFC" in text
    verbose = render_run(default_run, verbose=True)
    assert "model/wst.py:" in verbose and len(verbose) > len(text)
