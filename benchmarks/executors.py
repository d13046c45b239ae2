"""One matrix on each executor, side by side: wall time (executor start-up included), checking
time summed over the workers, the worker count each chose, the speed-up over the serial run
measured in the same run, and whether the verdicts are identical to the serial ones.

The default matrix is F1-F4 x tna_trust x rogue x ringing with --no-share (48 explorations,
about 330k states): long enough for a pool to pay for itself, short enough to repeat.  `dask`
starts a LocalCluster of worker processes on this machine; `--dask-scheduler ADDRESS` adds a
run on an existing Dask cluster (start one with `dask scheduler` and `dask worker ADDRESS
--nthreads 1 --nworkers N`).

    python benchmarks/executors.py [--executors serial,process,dask] [--dask-scheduler ADDRESS]
                                   [--flows F1,F2,F3,F4] [--vary tna_trust,rogue,ringing] [--repeat 1]
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from imsflow.workflow.matrix import MatrixRequest, run_matrix  # noqa: E402


def verdicts(run) -> list:
    """Every verdict in plan order, with its configuration."""
    return [(r.property, r.flow, tuple(sorted(r.variant.items())), r.verdict.value) for r in run.results]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--executors", default="serial,process,dask")
    ap.add_argument("--dask-scheduler", default=None, metavar="ADDRESS")
    ap.add_argument("--flows", default="F1,F2,F3,F4")
    ap.add_argument("--vary", default="tna_trust,rogue,ringing")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=1, help="runs per executor; the table gives the fastest")
    args = ap.parse_args()
    plan = [(name, None) for name in args.executors.split(",")]
    if args.dask_scheduler:
        plan.append(("dask", args.dask_scheduler))
    print(f"matrix: --flow {' --flow '.join(args.flows.split(','))} --vary {' '.join(args.vary.split(','))} "
          f"--no-share; {os.cpu_count()} cores on this machine, load average {os.getloadavg()[0]:.2f} before")
    print(f"{'executor':34} {'workers':>7} {'runs':>5} {'states':>9} {'wall s':>7} {'checking s':>10} "
          f"{'vs serial':>9}  verdicts")
    baseline_seconds, baseline_verdicts = None, None
    for name, scheduler in plan:
        best = None
        for _ in range(args.repeat):
            started = time.perf_counter()
            run = run_matrix(MatrixRequest(flows=args.flows.split(","), vary=args.vary.split(","), share=False,
                                           executor=name, scheduler=scheduler, workers=args.workers,
                                           progress=False))
            seconds = time.perf_counter() - started  # the executor's start-up and shut-down included
            if best is None or seconds < best[0]:
                best = (seconds, run)
        seconds, run = best
        got = verdicts(run)
        if baseline_seconds is None:
            baseline_seconds, baseline_verdicts = seconds, got
        same = "identical" if got == baseline_verdicts else "DIFFERENT"
        label = name if scheduler is None else f"{name} at {scheduler}"
        s = run.stats
        print(f"{label:34} {s['workers']:7} {s['runs']:5} {s['states']:9,} {seconds:7.2f} {s['cpu_seconds']:10.2f} "
              f"{baseline_seconds / seconds:8.2f}x  {same} ({len(got)})", flush=True)
        print(f"{'':34} chosen: {s.get('workers_chosen', '')}; load average {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
