"""imsflow against SPIN on the same model, end to end.

For every flow and every WIC count, the same compiled system is checked twice:

* imsflow: `imsflow check --flow F --wics N --format json`, timed from process start to
  verdict (Python start-up, model loading, compiling, exploring, every property), with the
  reductions on (the default);
* SPIN: the exported model (`imsflow export promela --reachable`, not timed) through `spin -a`,
  `gcc -o pan pan.c` (SPIN's own partial-order reduction on, as SPIN is normally run) and
  `./pan`, plus the `pan -a -f` runs of the response properties when there are any.

Each is run `--runs` times and the median is reported, with the states each stored and the
ratio imsflow/SPIN (below 1.0: imsflow is faster).  The last lines give the growth of time
and states from the smallest to the largest WIC count, for both tools.

    python benchmarks/vs_spin.py                  # every flow, --wics 1,2,3, 3 runs
    python benchmarks/vs_spin.py --flow F1 --wics 1,2 --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from imsflow.backends.explore.bfs import explore  # noqa: E402
from imsflow.backends.promela.emit import emit  # noqa: E402
from imsflow.backends.promela.run import Spin, spin_available  # noqa: E402
from imsflow.loader import load  # noqa: E402
from imsflow.pipeline import system_for, selected_properties  # noqa: E402


def imsflow_exe() -> list:
    exe = os.path.join(os.path.dirname(sys.executable), "imsflow")
    return [exe] if os.path.exists(exe) else [sys.executable, "-m", "imsflow.cli"]


def run_imsflow(model_dir, flow, wics, timeout, extra=()) -> dict:
    argv = imsflow_exe() + ["check", "--flow", flow, "--wics", str(wics), "--format", "json", *extra]
    if model_dir:
        argv += ["--model", model_dir]
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "states": None, "note": f"over {timeout:g} s"}
    seconds = time.perf_counter() - start
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"seconds": None, "states": None, "note": f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"}
    reductions = sorted({r["stats"].get("reduction", "none") for r in doc["results"]})
    return {"seconds": seconds, "states": doc["stats"]["states"], "note": "+".join(reductions),
            "exit": proc.returncode}


def run_spin(model_dir, flow, wics, timeout) -> dict:
    loaded = load(model_dir)
    model = loaded.model
    config = model.config(flow, {}, wics)
    props = selected_properties(loaded, config, None)
    ts, obligations = system_for(loaded, flow, config, props, eager=False)  # as `imsflow check` does
    exp = explore(ts, timeout=timeout)  # the reachable tables: the smallest model to give SPIN (not timed)
    if not exp.complete:
        return {"seconds": None, "states": None, "note": "no export: the search for the reachable tables "
                                                         f"took over {timeout:g} s"}
    pm = emit(ts, obligations, reachable=True)
    with Spin(pm, por=True, optimize="-O0") as spin:
        spin.gcc_timeout = timeout
        res = spin.check(timeout=timeout)
    return {"seconds": res.total_seconds, "states": res.states,
            "note": "gcc %.1fs" % (res.seconds.get("gcc", 0) + res.seconds.get("gcc_ltl", 0))}


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: the seed model)")
    ap.add_argument("--flow", action="append", default=None)
    ap.add_argument("--wics", default="1,2,3")
    ap.add_argument("--runs", type=int, default=3, help="runs per configuration with one WIC")
    ap.add_argument("--runs-large", type=int, default=None,
                    help="runs per configuration with several WICs (default: --runs)")
    ap.add_argument("--timeout", type=float, default=600.0, help="per run, seconds")
    args = ap.parse_args(argv)
    if not spin_available():
        print("vs_spin: needs spin and gcc on PATH (scripts/setup.sh installs them)", file=sys.stderr)
        return 2
    model_dir = args.model or ROOT
    flows = args.flow or list(load(model_dir).model.flows)
    wics = [int(w) for w in args.wics.split(",")]
    head = f"{'flow':5} {'wics':>4} {'imsflow states':>14} {'SPIN states':>12} {'imsflow s':>10} {'SPIN s':>8} " \
           f"{'ratio':>6}  notes"
    print(head)
    print("-" * len(head))
    table = {}
    for flow in flows:
        gave_up = {"imsflow": False, "spin": False}
        for n in wics:
            runs = args.runs if n == 1 or args.runs_large is None else args.runs_large
            if gave_up["imsflow"]:
                mine = [{"seconds": None, "states": None, "note": "skipped: over the time limit with fewer WICs"}]
            else:
                mine = [run_imsflow(args.model, flow, n, args.timeout)]
                if mine[0]["seconds"] is not None:
                    mine += [run_imsflow(args.model, flow, n, args.timeout) for _ in range(runs - 1)]
            gave_up["imsflow"] = mine[0]["seconds"] is None
            spin = []
            for _ in range(runs if mine[0]["seconds"] is not None and not gave_up["spin"] else 0):
                try:
                    spin.append(run_spin(model_dir, flow, n, args.timeout))
                except Exception as exc:  # SPIN out of memory or time: say so in the table
                    spin.append({"seconds": None, "states": None, "note": str(exc)[:80]})
            if not spin:
                spin = [{"seconds": None, "states": None, "note": "skipped (see imsflow, or over the limit "
                                                                   "with fewer WICs)"}]
            gave_up["spin"] = spin[0]["seconds"] is None
            ms, ss = median([r["seconds"] for r in mine]), median([r["seconds"] for r in spin])
            table[(flow, n)] = (mine[0]["states"], spin[0]["states"], ms, ss)
            ratio = f"{ms / ss:6.2f}" if ms and ss else "     -"
            fmt = lambda v, w, f: (f"{v:{w}{f}}" if v is not None else f"{'-':>{w}}")  # noqa: E731
            print(f"{flow:5} {n:4} {fmt(mine[0]['states'], 14, ',')} {fmt(spin[0]['states'], 12, ',')} "
                  f"{fmt(ms, 10, '.2f')} {fmt(ss, 8, '.2f')} {ratio}  {mine[0]['note']}; {spin[0]['note']}",
                  flush=True)
    if len(wics) > 1:
        lo, hi = wics[0], wics[-1]
        print(f"\ngrowth from {lo} to {hi} WICs (states x, seconds x):")
        for flow in flows:
            a, b = table.get((flow, lo)), table.get((flow, hi))
            if not a or not b:
                continue

            def g(x, y):
                return f"{y / x:8.1f}x" if x and y else "       -"

            print(f"  {flow:5} imsflow {g(a[0], b[0])} {g(a[2], b[2])}   SPIN {g(a[1], b[1])} {g(a[3], b[3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
