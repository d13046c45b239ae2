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
    # one proctype per fairness class (SPIN's per-process fairness is then imsflow's per-class one)
    from imsflow.backends.promela.emit import fairness_class

    assert text.count("active proctype") == len({fairness_class(a) for a in ts.actions})
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


def test_a_pan_error_is_an_error_of_the_cross_check_never_a_verdict():
    from imsflow.backends.promela.run import SpinError, _refuse_incomplete

    for text in ("pan: error: too many processes -- current max is 6 procs (-DNFAIR=2)",
                 "Warning: Search not completed\n  12 states, stored",
                 "error: max search depth too small\n  12 states, stored"):
        with pytest.raises(SpinError):
            _refuse_incomplete(text, "pan", stopped_on_error=False)
    # a finished search, and one that stopped at its first acceptance cycle, are results
    _refuse_incomplete("State-vector 28 byte, depth reached 9, errors: 0\n  12 states, stored", "pan",
                       stopped_on_error=False)
    _refuse_incomplete("pan:1: acceptance cycle (at depth 6)\nWarning: Search not completed\nerrors: 1", "pan",
                       stopped_on_error=True)


@pytest.mark.skipif(not spin_available(), reason="needs spin and gcc")
def test_liveness_run_with_too_few_fair_processes_fails_loudly(monkeypatch):
    """Issue 15: `pan -a -f` compiled with pan's default -DNFAIR=2 stops at once with "too many
    processes"; that used to be read as "no acceptance cycle", i.e. holds."""
    from imsflow.backends.promela import run
    from imsflow.backends.promela.run import SpinError

    loaded = load(PINGPONG)
    config = loaded.model.config("P1", {}, 3)
    props = selected_properties(loaded, config, ["every-ping-answered"])
    ts = compile_for(loaded, config, props)
    pm = emit(ts, obligations_for(loaded, None, "P1", ts, props))
    assert pm.processes > 6 and run.nfair(pm.processes) > 2
    monkeypatch.setattr(run, "nfair", lambda n: 2)
    with Spin(pm) as spin, pytest.raises(SpinError, match="too many processes"):
        spin.check()
