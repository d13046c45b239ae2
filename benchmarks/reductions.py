"""Reduced against unreduced, side by side in one run: states and seconds of every system a
check decides, with the reductions (POR and symmetry where sound and where reduce.plan_search
says they pay - what `imsflow check` does past the native search's reach), unreduced in
Python (the search the reductions replace: both step in Python), and unreduced native (what
`imsflow check` does first, within its memory budget), with the ratios.

    .venv/bin/python benchmarks/reductions.py                  # two-phase 3-7 RMs, pingpong, the seed
    .venv/bin/python benchmarks/reductions.py --rms 7 --no-seed --notes

The two-phase commit with N resource managers is examples/two_phase with its N_RM set to N
(a copy in a temporary directory).  Seconds are the whole check of each system (search,
liveness, the in-order witness of flow-reachable - itself an unreduced search), summed over
the systems of the case.  A ratio above 1 means the reduced check is smaller or faster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from imsflow.backends.explore.checker import ExplicitChecker  # noqa: E402
from imsflow.backends.explore.native import available as native_available  # noqa: E402
from imsflow.loader import load  # noqa: E402
from imsflow.pipeline import CheckRequest, _problems, system_for  # noqa: E402

TWO_PHASE = os.path.join(ROOT, "examples", "two_phase")
PINGPONG = os.path.join(ROOT, "tests", "promela", "pingpong")
MODES = {
    "reduced": dict(por=True, symmetry=True, pilot=True),
    "python": dict(por=False, symmetry=False),
    "native": dict(por=False, symmetry=False, native_first=True),
}


def two_phase(n: int, base: str) -> str:
    """A copy of examples/two_phase with N_RM = n."""
    d = os.path.join(base, f"two_phase_{n}")
    if not os.path.isdir(d):
        shutil.copytree(TWO_PHASE, d, ignore=shutil.ignore_patterns("diagrams", "generated"))
        init = os.path.join(d, "model", "__init__.py")
        with open(init) as f:
            src = f.read()
        assert "N_RM = 3" in src
        with open(init, "w") as f:
            f.write(src.replace("N_RM = 3", f"N_RM = {n}"))
    return d


def measure(model_dir, flows, wics, mode) -> dict:
    """Every system of `imsflow check --flow ...` (both worlds), checked in one mode."""
    loaded = load(model_dir)
    req = CheckRequest(model_dir=model_dir, flows=flows, wics=wics)
    states, seconds, verdicts, labels, notes = 0, 0.0, [], set(), set()
    for flow, config, props, hostile in _problems(loaded, req):
        ts, obligations = system_for(loaded, flow, config, props, request=req, eager=False)
        if mode == "python":
            os.environ["IMSFLOW_NO_NATIVE_SEARCH"] = "1"  # bfs.py's Python search (native.available)
        try:
            start = time.perf_counter()
            outcomes, stats = ExplicitChecker(progress=False, **MODES[mode]).check(ts, obligations)
            seconds += time.perf_counter() - start
        finally:
            os.environ.pop("IMSFLOW_NO_NATIVE_SEARCH", None)
        states += stats["states"]
        verdicts += sorted((flow, hostile, o.property, o.verdict.value) for o in outcomes)
        labels.add(stats.get("reduction", "none"))
        notes.update(stats.get("reduction_notes", ()))
    return {"states": states, "seconds": seconds, "verdicts": verdicts,
            "reduction": "+".join(sorted(labels - {"none"})) or "none", "notes": sorted(notes)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rms", default="3,5,6,7", help="two-phase commit sizes (comma-separated)")
    ap.add_argument("--no-seed", action="store_true", help="leave out the seed's flows")
    ap.add_argument("--notes", action="store_true", help="print why a reduction was off, per case")
    args = ap.parse_args(argv)
    base = tempfile.mkdtemp(prefix="imsflow-bench-")
    cases = [(f"two-phase {n} RMs", two_phase(int(n), base), ["commit"], 1) for n in args.rms.split(",") if n]
    cases += [(f"pingpong {w} clients", PINGPONG, ["P1"], w) for w in (2, 3)]
    if not args.no_seed and os.path.isfile(os.path.join(ROOT, "model", "__init__.py")):
        cases += [("seed F1-F9 (imsflow check)", None, None, 1)]
        cases += [(f"seed {f} {w} WICs", None, [f], w) for f, w in (("F1", 2), ("F3", 2))]
    modes = ["reduced", "python"] + (["native"] if native_available() else [])
    head = (f"{'case':28} {'reduction':>13} {'states':>8} {'s':>6} | {'python':>8} {'s':>6} | "
            f"{'states x':>8} {'time x':>6}" + (f" | {'native s':>8} {'time x':>6}" if "native" in modes else ""))
    print(head)
    print("-" * len(head))
    mismatched = []
    measure(cases[0][1], cases[0][2], cases[0][3], "reduced")  # warm up: imports, the C builds, the model
    try:
        for label, model_dir, flows, wics in cases:
            got = {m: measure(model_dir, flows, wics, m) for m in modes}
            red, py = got["reduced"], got["python"]
            if any(g["verdicts"] != red["verdicts"] for g in got.values()):
                mismatched.append(label)

            def ratio(a, b):
                return f"{a / b:.2f}" if b else "-"

            line = (f"{label:28} {red['reduction']:>13} {red['states']:>8,} {red['seconds']:>6.2f} | "
                    f"{py['states']:>8,} {py['seconds']:>6.2f} | {ratio(py['states'], red['states']):>8} "
                    f"{ratio(py['seconds'], red['seconds']):>6}")
            if "native" in got:
                line += f" | {got['native']['seconds']:>8.2f} {ratio(got['native']['seconds'], red['seconds']):>6}"
            print(line, flush=True)
            if args.notes:
                for n in red["notes"]:
                    print(f"    {n}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if mismatched:
        print(f"VERDICTS DIFFER: {', '.join(mismatched)}")
        return 1
    print("verdicts: the same with and without the reductions in every case")
    return 0


if __name__ == "__main__":
    sys.exit(main())
