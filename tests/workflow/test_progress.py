"""The progress bar counts runs and states, and its estimate of the time left follows what the
runs cost (per flow), on a clock the test drives: no wall-clock time is involved."""

from __future__ import annotations

import io

from imsflow.workflow.progress import ProgressBar


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_flow_not_seen_yet_is_estimated_at_the_mean_of_all_runs():
    # 9 cheap runs of F1 (1 s each), then one expensive run of F6 (60 s), on one worker.
    clock = Clock()
    groups = ["F1"] * 9 + ["F6"]
    bar = ProgressBar(10, "matrix", enabled=False, groups=groups, clock=clock)
    for k in range(9):
        clock.now += 1.0
        bar.advance(job=k, states=40, seconds=1.0)
    # Nothing of F6 is known yet: the one guess there is, F1's mean.  (The matrix hands out
    # its runs interleaved across flows, so each flow's cost is seen early.)
    assert round(bar.left()) == 1
    assert "9/10 runs" in bar.line() and "360 states" in bar.line()


def test_an_expensive_flow_once_seen_is_estimated_at_its_own_cost():
    clock = Clock()
    groups = ["F6", "F1", "F6", "F1", "F6", "F1"]
    bar = ProgressBar(6, "matrix", enabled=False, groups=groups, clock=clock)
    clock.now += 60.0
    bar.advance(job=0, states=500_000, seconds=60.0)  # F6
    clock.now += 1.0
    bar.advance(job=1, states=40, seconds=1.0)  # F1
    # Left: two F6 (60 s each) and two F1 (1 s each) at the observed rate of one checking
    # second per second: 122 s.  Counting runs (2 of 6 in 61 s) would say 122 s only by luck of
    # the order; with the F1 runs first it would say 2 s.
    assert round(bar.left()) == 122
    assert "500,040 states" in bar.line()


def test_parallel_workers_divide_the_estimate():
    clock = Clock()
    bar = ProgressBar(4, "matrix", enabled=False, groups=["F1"] * 4, clock=clock)
    clock.now += 10.0
    bar.advance(job=0, seconds=10.0)
    bar.advance(job=1, seconds=10.0)  # two workers finished a 10 s run each in 10 s of wall time
    assert round(bar.left()) == 10  # two 10 s runs left, two at a time


def test_runs_decided_by_an_earlier_run_count_but_cost_nothing():
    clock = Clock()
    bar = ProgressBar(3, "matrix", enabled=False, groups=["F1", "F1", "F1"], clock=clock)
    clock.now += 4.0
    bar.advance(job=0, seconds=4.0)
    bar.advance(job=1)  # answered from job 0's result
    assert bar.done == 2 and round(bar.left()) == 4


def test_a_line_per_tenth_when_not_a_terminal():
    stream = io.StringIO()
    clock = Clock()
    bar = ProgressBar(20, "matrix", enabled=True, stream=stream, groups=["F1"] * 20, clock=clock)
    for k in range(20):
        clock.now += 1.0
        bar.advance(job=k, states=1, seconds=1.0)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("matrix [") and "20/20 runs" in lines[-1]
    assert "left" in lines[0] and "left" not in lines[-1]
