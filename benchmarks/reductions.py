"""Reduced against unreduced, side by side in one run: states and seconds of `imsflow check`
with its default reductions (POR and symmetry where sound and where they pay) and with
`--no-por --no-symmetry`, and the ratios.

    .venv/bin/python benchmarks/reductions.py                  # two-phase 3-7 RMs, pingpong, the seed
    .venv/bin/python benchmarks/reductions.py --rms 7 --no-seed

The two-phase commit with N resource managers is examples/two_phase with its N_RM set to N
(a copy in a temporary directory).  "search s" is the explorations' own time (the sum over
the systems a check explores), "check s" the whole check (compiling, the in-order witness of
flow-reachable, the liveness checks).  A ratio above 1 means the reduced check is smaller or
faster.
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

from imsflow.pipeline import CheckRequest, check  # noqa: E402

TWO_PHASE = os.path.join(ROOT, "examples", "two_phase")
PINGPONG = os.path.join(ROOT, "tests", "promela", "pingpong")


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


def measure(model_dir, flows, wics=1, reduced=True) -> dict:
    req = CheckRequest(model_dir=model_dir, flows=flows, wics=wics, por=reduced, symmetry=reduced, progress=False)
    start = time.perf_counter()
    run = check(req)
    seconds = time.perf_counter() - start
    systems, labels, notes = {}, set(), set()
    for r in run.results:
        st = r.stats
        key = (r.flow, st.get("states"), st.get("transitions"), st.get("seconds"))
        systems[key] = st
        labels.add(st.get("reduction", "none"))
        notes.update(st.get("reduction_notes", ()))
    return {
        "states": run.stats["states"],
        "search": sum(st.get("seconds", 0.0) for st in systems.values()),
        "check": seconds,
        "verdicts": sorted((r.property, r.flow, r.verdict.value) for r in run.results),
        "reduction": "+".join(sorted(labels - {"none"})) or "none",
        "notes": sorted(notes),
    }


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
    head = (f"{'case':30} {'reduction':>14} {'states':>9} {'search s':>9} {'check s':>8} | {'unreduced':>9} "
            f"{'search s':>9} {'check s':>8} | {'states x':>8} {'search x':>8} {'check x':>8}")
    print(head)
    print("-" * len(head))
    mismatched = []
    measure(cases[0][1], cases[0][2], cases[0][3], True)  # warm up: imports, the C build, the model's load
    try:
        for label, model_dir, flows, wics in cases:
            red = measure(model_dir, flows, wics, True)
            full = measure(model_dir, flows, wics, False)
            if red["verdicts"] != full["verdicts"]:
                mismatched.append(label)

            def ratio(a, b):
                return f"{a / b:8.2f}" if b else "       -"

            print(f"{label:30} {red['reduction']:>14} {red['states']:>9,} {red['search']:>9.2f} {red['check']:>8.2f} | "
                  f"{full['states']:>9,} {full['search']:>9.2f} {full['check']:>8.2f} | "
                  f"{ratio(full['states'], red['states'])} {ratio(full['search'], red['search'])} "
                  f"{ratio(full['check'], red['check'])}", flush=True)
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
