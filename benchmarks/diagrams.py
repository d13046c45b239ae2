"""How long drawing takes: per seed flow, the check that yields the witness, the search for a
run that also takes the optional steps, the scene, the SVG and the PNG; per entity, the DOT
source, Graphviz's SVG and PNG.  The goal is a few seconds per flow at most.

    python benchmarks/diagrams.py
"""

import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from imsflow.loader import load  # noqa: E402
from imsflow.pipeline import CheckRequest, check  # noqa: E402
from imsflow.render import fullest, gallery, raster, sequence, statechart  # noqa: E402


def _t(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    model = load().model
    print(f"{'flow':5} {'check s':>8} {'fullest s':>9} {'svg s':>6} {'png s':>6} {'arrows':>6} {'svg KiB':>8}")
    systems = []
    total = 0.0
    for fid, flow in model.flows.items():
        run, t_check = _t(lambda: check(CheckRequest(flows=[fid])))
        ts = run.systems[fid]
        systems.append(ts)
        witness = run.traces[("flow-reachable", fid)]
        fuller, t_full = _t(lambda: fullest.fullest_run(ts, witness, flow.goal, flow.optional_steps,
                                                        restart_after=getattr(flow, "restart_after", ())))
        sc = gallery.flow_scene(model, fid, ts, fuller or witness, with_optional=fuller is not None)
        svg, t_svg = _t(lambda: sequence.render_svg(sc))
        t_png = _t(lambda: raster.svg_to_png(svg))[1] if raster.available() else float("nan")
        arrows = sum(1 for r in sc.rows if r.kind == "message")
        total += t_check + t_full + t_svg + (0 if t_png != t_png else t_png)
        print(f"{fid:5} {t_check:8.2f} {t_full:9.2f} {t_svg:6.3f} {t_png:6.2f} {arrows:6} {len(svg) / 1024:8.1f}")
    print(f"flows: {total:.1f} s in all, {total / len(model.flows):.2f} s per flow")
    print(f"\n{'entity':8} {'transitions':>11} {'dot->svg s':>10} {'dot->png s':>10}")
    config = model.config(None)
    total = 0.0
    for cls in model.entities:
        c = statechart.chart(cls(config), systems)
        dot = statechart.to_dot(c)
        t_svg = _t(lambda: statechart.to_svg(dot))[1]
        t_png = _t(lambda: statechart.to_png(dot))[1]
        total += t_svg + t_png
        print(f"{c['entity']:8} {len(c['transitions']):11} {t_svg:10.2f} {t_png:10.2f}")
    print(f"entities: {total:.1f} s in all")


if __name__ == "__main__":
    main()
