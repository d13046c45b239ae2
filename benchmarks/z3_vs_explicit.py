"""Where each engine is faster: seconds per flow for the explicit engine and Z3, and the
configurations where only Z3 gives an answer (explicit search cut short by its budget).

    .venv/bin/python benchmarks/z3_vs_explicit.py                  # every flow, --wics 1
    .venv/bin/python benchmarks/z3_vs_explicit.py --flow F1 --wics 4 \
        --property password-stays-with-owner --property keys-stay-in-the-core \
        --property no-websocket-from-rogue-origin                  # where Z3 wins
    .venv/bin/python benchmarks/z3_vs_explicit.py --flow F5 --wics 4 --max-states 300000 \
        --timeout 600 --property pool-identity-bound-once --explicit-timeout 120 -v

Recorded (2-core machine): at 1 WIC the explicit engine is faster on every flow by two to four
orders of magnitude.  F1 at 4 WICs, the three absence properties: explicit 53.7 s / 254 MB
(56,753 states), Z3 9.8 s / 145 MB by 1-induction - Z3 5.5 times faster.  F5 at 4 WICs, every
safety property but deadlock-free proved by Z3 in about 290 s (--timeout 600); explicit 1.7 s.

Prints one row per flow: explicit seconds and verdict counts, Z3 seconds and verdict counts,
the ratio, and any disagreement (two different conclusive verdicts), which would be a bug;
with -v, every property's two verdicts and Z3's method (the proof, or how a run was found).
`--timeout` is Z3's budget per flow (the engine's default when not given); the explicit
engine gets `--explicit-timeout` / `--max-states`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from imsflow.backends.compare import disagree  # noqa: E402
from imsflow.backends.explore.checker import ExplicitChecker  # noqa: E402
from imsflow.backends.z3.checker import Z3Checker  # noqa: E402
from imsflow.loader import load  # noqa: E402
from imsflow.pipeline import system_for, selected_flows, selected_properties  # noqa: E402


def counts(outcomes) -> str:
    c = Counter(o.verdict.value for o in outcomes)
    return " ".join(f"{k}={v}" for k, v in sorted(c.items()))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--flow", action="append", default=None)
    ap.add_argument("--wics", type=int, default=1)
    ap.add_argument("--depth", type=int, default=None, help="Z3's BMC bound (default: the engine's)")
    ap.add_argument("--max-states", type=int, default=None, help="the explicit engine's budget")
    ap.add_argument("--timeout", type=float, default=None, help="Z3's budget per flow, seconds")
    ap.add_argument("--explicit-timeout", type=float, default=None, help="the explicit engine's, per flow")
    ap.add_argument("--property", action="append", default=None, help="only these properties")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per property")
    args = ap.parse_args(argv)
    loaded = load(args.model)
    print(f"model {loaded.model.name}, wics {args.wics}, z3 depth {args.depth or 'default'}, "
          f"explicit budget {args.max_states or 'none'}")
    print(f"{'flow':6} {'explicit s':>10} {'z3 s':>8} {'z3/expl':>8}  explicit verdicts | z3 verdicts")
    disagreements = 0
    totals = [0.0, 0.0]
    for flow in selected_flows(loaded, args.flow):
        config = loaded.model.config(flow, {}, args.wics)
        props = selected_properties(loaded, config, args.property)
        ts, obligations = system_for(loaded, flow, config, props)  # as `imsflow check` does (restart_after too)
        t = time.perf_counter()
        ex, _ = ExplicitChecker(max_states=args.max_states, timeout=args.explicit_timeout).check(ts, obligations)
        te = time.perf_counter() - t
        t = time.perf_counter()
        zo, zstats = Z3Checker(depth=args.depth, timeout=args.timeout).check(ts, obligations)
        tz = time.perf_counter() - t
        totals[0] += te
        totals[1] += tz
        ratio = tz / te if te > 0 else float("inf")
        print(f"{str(flow):6} {te:10.2f} {tz:8.2f} {ratio:8.1f}  {counts(ex)} | {counts(zo)}")
        if args.verbose:
            print(f"   z3 phases (s): {zstats.get('phases')}; lemmas {zstats.get('lemmas', '-')}")
        for e, z in zip(ex, zo):
            if args.verbose:
                how = z.details.get("method") or ""
                print(f"   {e.property:44} explicit {e.verdict.value:12} z3 {z.verdict.value:12} {how}")
            if disagree(e.verdict, z.verdict):
                disagreements += 1
                print(f"   DISAGREE {e.property}: explicit {e.verdict.value} ({e.reason}); z3 {z.verdict.value} ({z.reason})")
            elif e.verdict.value == "inconclusive" and z.verdict.value != "inconclusive":
                print(f"   only z3 decides {e.property}: {z.verdict.value} ({z.reason})")
        sys.stdout.flush()
    print(f"total: explicit {totals[0]:.2f} s, z3 {totals[1]:.2f} s; disagreements: {disagreements}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
