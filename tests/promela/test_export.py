"""`imsflow export promela` and reading SPIN's counterexamples back as imsflow traces."""

from __future__ import annotations

import pytest

from imsflow.backends.promela.emit import emit
from imsflow.backends.promela.run import Spin, spin_available, verdicts
from imsflow.cli import main
from imsflow.loader import load
from imsflow.pipeline import compile_for, obligations_for, selected_properties
from imsflow.system.monitor import ERR

from promela_compare import PINGPONG, TWO_PHASE


def test_export_writes_one_d_step_per_compiled_action(tmp_path):
    out = tmp_path / "tp.pml"
    assert main(["export", "promela", "--model", TWO_PHASE, "--out", str(out)]) == 0
    text = out.read_text()
    loaded = load(TWO_PHASE)
    config = loaded.model.config("commit", {}, 1)
    ts = compile_for(loaded, config, selected_properties(loaded, config, None))
    assert text.count(":: d_step {") == len(ts.actions)
    assert text.count("active proctype") == len(ts.processes)
    assert "MARK_tc_consistent" in text and "MARK_deadlock_free" in text


def test_export_unknown_flow_is_a_usage_error(capsys):
    assert main(["export", "promela", "--model", TWO_PHASE, "--flow", "nope"]) == 2
    assert "unknown flow 'nope'" in capsys.readouterr().err


@pytest.mark.skipif(not spin_available(), reason="needs spin and gcc")
def test_spin_counterexample_replays_as_an_imsflow_trace():
    loaded = load(PINGPONG)
    config = loaded.model.config("P1", {"spoof": "yes"}, 2)
    props = selected_properties(loaded, config, ["pong-only-after-ping"])
    ts = compile_for(loaded, config, props)
    pm = emit(ts, obligations_for(loaded, None, None, ts, props))
    with Spin(pm) as spin:
        res = spin.check()
        assert verdicts(pm, res)["pong-only-after-ping"] == "violated"
        trace = spin.trace_for(res, "MARK_pong_only_after_ping")
    assert trace is not None and trace.actions
    last = trace.states(ts)[-1]  # raises if SPIN's run is not a run of the transition system
    assert ts.monitor_state(last, 0) == ERR
