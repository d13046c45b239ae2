"""The native search (system/_search.c) against the Python one (bfs.py), side by side in one run:
states, seconds, states/s, memory per state and the ratios, on the seed's large configurations.

Each search runs in a fresh process, so its memory is its own: the Python search's is the growth
of the process's peak resident memory over the search; the native one's is its store (arena,
seen set, links, edges) as it reports it, and its peak resident growth beside it.  Both build
the transition tables on demand as the search meets them (a first search, as `imsflow check`
runs it); `--warm` also times a second native search over tables already built.

    python benchmarks/native_search.py [--quick] [--warm]
"""

import argparse
import multiprocessing as mp
import os
import resource
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, ROOT)

CASES = [
    ("F6 faults=all", "F6", {"faults": "all"}, 1),
    ("F7 faults=all", "F7", {"faults": "all"}, 1),
    ("F8 faults=all", "F8", {"faults": "all"}, 1),
    ("F9 faults=all", "F9", {"faults": "all"}, 1),
    ("F1 3 WICs", "F1", {}, 3),
    ("F7 rogue, cancel", "F7", {"rogue": "yes", "faults": "cancel"}, 1),
]
QUICK = [CASES[0], CASES[5]]


def _search(flow, settings, wics, native, warm, out):
    from imsflow.backends.explore.bfs import explore
    from imsflow.loader import load
    from imsflow.pipeline import compile_for, selected_properties

    loaded = load(None)
    config = loaded.model.config(flow, settings, wics)
    ts = compile_for(loaded, config, selected_properties(loaded, config, None), eager=False)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    exp = explore(ts, keep_edges=True, native=native)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    again = None
    if warm:
        start = time.perf_counter()
        explore(ts, keep_edges=True, native=native)
        again = time.perf_counter() - start
    out.put({"states": len(exp.states), "transitions": exp.transitions, "seconds": seconds, "peak": peak,
             "store": exp.bytes, "engine": exp.engine, "warm": again})


def run(case, native, warm):
    _, flow, settings, wics = case
    q = mp.get_context("spawn").Queue()
    p = mp.get_context("spawn").Process(target=_search, args=(flow, settings, wics, native, warm, q))
    p.start()
    result = q.get()
    p.join()
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="two configurations only")
    ap.add_argument("--warm", action="store_true", help="also a second native search over built tables")
    args = ap.parse_args()
    print(f"{'configuration':20} {'states':>10} {'native s':>8} {'states/s':>9} {'B/state':>7} {'peak B/st':>9} "
          f"{'python s':>8} {'states/s':>9} {'peak B/st':>9} {'speed-up':>8} {'memory':>7}"
          + (f" {'warm s':>7} {'states/s':>9}" if args.warm else ""))
    for case in QUICK if args.quick else CASES:
        n = run(case, None, args.warm)
        py = run(case, False, False)
        assert n["engine"] == "native" and py["engine"] == "python" and n["states"] == py["states"]
        s = n["states"]
        line = (f"{case[0]:20} {s:10,} {n['seconds']:8.2f} {s / n['seconds']:9,.0f} {n['store'] / s:7.0f} "
                f"{n['peak'] / s:9.0f} {py['seconds']:8.2f} {s / py['seconds']:9,.0f} {py['peak'] / s:9.0f} "
                f"{py['seconds'] / n['seconds']:7.1f}x {py['peak'] / max(n['peak'], 1):6.1f}x")
        if args.warm:
            line += f" {n['warm']:7.2f} {s / n['warm']:9,.0f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
