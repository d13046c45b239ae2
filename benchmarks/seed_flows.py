"""The seed model, every flow on the default variant, for 1 and 2 WICs: states,
transitions, seconds and states/s of a full `imsflow check` of that flow (all its properties,
reductions as the checker chooses them, security properties with the intruder).  Prints a table.

With several WICs every WIC places a call, so the session flows at 2 WICs are millions of
states (F6: 9.8 million): under the default budget of 2 million states their verdicts are
counted as inconclusive, which the table shows; raise --max-states to decide them.

    python benchmarks/seed_flows.py [--wics 1,2,3] [--flows F1,...] [--max-states N]
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from imsflow.pipeline import CheckRequest, check  # noqa: E402

FLOWS = ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wics", default="1,2")
    ap.add_argument("--flows", default=",".join(FLOWS))
    ap.add_argument("--max-states", type=int, default=2_000_000)
    args = ap.parse_args()
    print(f"{'flow':5} {'wics':>4} {'states':>10} {'transitions':>12} {'seconds':>8} {'states/s':>9}  verdicts")
    for flow in args.flows.split(","):
        for wics in (int(w) for w in args.wics.split(",")):
            start = time.perf_counter()
            run = check(CheckRequest(flows=[flow], wics=wics, progress=False, max_states=args.max_states))
            seconds = time.perf_counter() - start
            states = run.stats["states"]
            counts = {}
            for r in run.results:
                counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
            print(f"{flow:5} {wics:4} {states:10,} {run.stats['transitions']:12,} {seconds:8.2f} "
                  f"{states / seconds:9,.0f}  {counts}", flush=True)


if __name__ == "__main__":
    main()
