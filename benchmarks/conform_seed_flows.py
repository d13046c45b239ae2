"""How long `imsflow conform` takes on the nine seed flows (flows/F1.yaml ... F9.yaml) and on
the two deliberately broken ones, and how many (state, next step) pairs each search visits.

    python benchmarks/conform_seed_flows.py
"""

import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from imsflow.editors.conform import conform  # noqa: E402
from imsflow.editors.flowfile import load_flow  # noqa: E402
from imsflow.loader import load  # noqa: E402


def main() -> None:
    started = time.perf_counter()
    loaded = load()
    print(f"model loaded in {time.perf_counter() - started:.2f}s")
    files = [os.path.join(REPO, "flows", f"F{i}.yaml") for i in range(1, 10)]
    files += [os.path.join(REPO, "tests", "editors", "broken", n) for n in ("F1_early_200.yaml", "F3_token_401.yaml")]
    total = 0.0
    print(f"{'flow file':40} {'verdict':10} {'steps':>5} {'states':>8} {'seconds':>8} {'states/s':>9}")
    for path in files:
        flow = load_flow(path)
        t0 = time.perf_counter()
        out = conform(flow, loaded)
        dt = time.perf_counter() - t0
        total += dt
        states = out.stats["states"]
        print(f"{os.path.relpath(path, REPO):40} {out.verdict:10} {len(flow.steps):5} {states:8} {dt:8.3f} "
              f"{states / dt if dt else 0:9.0f}")
    print(f"all {len(files)} files: {total:.2f}s (compile + search + diagnosis)")


if __name__ == "__main__":
    main()
