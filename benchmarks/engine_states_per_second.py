"""States per second of the explicit explorer on the reference models (issue 2's goal: >= 150k
distinct states/s in pure Python).  Two figures per model, best of several runs: the first
search, which compiles the transition tables on demand (driving the `transitions` machines),
and a search over tables already compiled - the explorer alone - with the C expansion
(system/fast.py) and with the pure-Python one.  Prints a table.

    python benchmarks/engine_states_per_second.py [--runs N]
"""

import argparse
import os
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

from imsflow.backends.explore.bfs import explore  # noqa: E402
from imsflow.compiler import compile_model  # noqa: E402
from imsflow.loader import load  # noqa: E402
from imsflow.system import fast  # noqa: E402

CASES = [
    ("two-phase commit, 3 RMs", os.path.join(ROOT, "examples", "two_phase"), "commit", {}, 1),
    ("alternating bit, lossy", os.path.join(ROOT, "examples", "abp"), "transfer", {}, 1),
    ("seed F1 (AKA registration)", None, "F1", {}, 1),
    ("seed F7 (inbound, MRF)", None, "F7", {}, 1),
    ("seed F9 (inbound, ext. IWF)", None, "F9", {}, 1),
    ("seed F7, 3 WICs", None, "F7", {}, 3),
]


def measure(model_dir, flow, settings, wics, runs):
    loaded = load(model_dir)
    first = warm = pure = None
    for _ in range(runs):
        ts = compile_model(loaded.model, loaded.model.config(flow, settings, wics), eager=False)
        start = time.perf_counter()
        exp = explore(ts)
        seconds = time.perf_counter() - start
        first = seconds if first is None else min(first, seconds)
        start = time.perf_counter()
        explore(ts)  # the same system again: every table entry it needs is compiled now
        seconds = time.perf_counter() - start
        warm = seconds if warm is None else min(warm, seconds)
        # and once more with the pure-Python expansion (system/fast.py's fallback)
        c_step, c_expand = ts._fast_step, ts._fast_expand
        ts._fast_step = ts._fast_expand = None
        start = time.perf_counter()
        explore(ts)
        seconds = time.perf_counter() - start
        pure = seconds if pure is None else min(pure, seconds)
        ts._fast_step, ts._fast_expand = c_step, c_expand
    return len(exp.states), exp.transitions, first, warm, pure


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"expansion: {fast.status()}")
    print(f"{'model':30} {'states':>8} {'transitions':>11} {'first s':>8} {'states/s':>9} "
          f"{'warm s':>7} {'states/s':>9} {'vs 150k':>7} {'pure-Py s':>9} {'C gain':>6}")
    for name, model_dir, flow, settings, wics in CASES:
        states, transitions, first, warm, pure = measure(model_dir, flow, settings, wics, args.runs)
        print(f"{name:30} {states:8,} {transitions:11,} {first:8.3f} {states / first:9,.0f} "
              f"{warm:7.3f} {states / warm:9,.0f} {states / warm / 150_000:7.2f} {pure:9.3f} {pure / warm:6.2f}")

if __name__ == "__main__":
    main()
