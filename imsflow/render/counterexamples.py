"""Diagrams of findings: every violated or vacuous result gets a sequence diagram of its
trace, titled with the property's statement, with the violating step on a red band.

`imsflow check --out DIR` calls `write_all(run, DIR)`; the files go beside the trace's JSON
(`DIR/traces/<property>__<flow>.{svg,png,mmd,puml}`).
"""

from __future__ import annotations

import os

from ..patterns.verdict import Verdict
from . import mermaid, plantuml, raster, scene, sequence

FINDINGS = (Verdict.VIOLATED, Verdict.VACUOUS)


def base_name(result) -> str:
    """The file stem `imsflow check --out` uses for a result's trace."""
    return f"{result.property}__{result.flow or 'model'}"


def _variant_text(variant: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(variant.items())) or "defaults"


def scene_for(result, ts, trace, optional_steps=()) -> scene.Scene:
    """The scene of one finding (a patterns.verdict.Result, its system and Trace)."""
    expected = result.verdict is Verdict.VIOLATED and result.expected == "violated"
    tag = "expected finding" if expected else ("unexpected" if result.verdict is Verdict.VIOLATED else "vacuous")
    caption = f"{result.property} on {result.flow or 'the model'}: {result.verdict.value} ({tag})"
    notes = []
    if result.reason:
        notes.append(f"why: {result.reason}")
    if trace.note:
        notes.append(f"trace: {trace.note}")
    if result.clause:
        notes.append(f"clause: {result.clause}")
    notes.append(f"variant: {_variant_text(result.variant)}; WICs: {result.wics}")
    if result.replay:
        notes.append(f"replay: {result.replay}")
    return scene.build(ts, trace, title=result.statement or result.property, caption=caption,
                       optional_steps=optional_steps, highlight=result.verdict is Verdict.VIOLATED, notes=notes)


def render(result, ts, trace, *, png: bool = True, optional_steps=()) -> dict:
    """{extension: bytes} of one finding's diagram in every form."""
    sc = scene_for(result, ts, trace, optional_steps)
    svg = sequence.render_svg(sc)
    out = {
        "svg": svg.encode("utf-8"),
        "mmd": mermaid.sequence(sc).encode("utf-8"),
        "puml": plantuml.sequence(sc).encode("utf-8"),
    }
    if png and raster.available():
        out["png"] = raster.svg_to_png(svg)
    return out


def optional_steps(run, flow) -> tuple:
    flows = run.loaded.model.flows
    return tuple(flows[flow].optional_steps) if flow in flows else ()


def findings(run):
    """[(result, ts, trace)] of every violated or vacuous result that has a trace."""
    out = []
    for r in run.results:
        if r.verdict not in FINDINGS:
            continue
        trace = run.traces.get((r.property, r.flow))
        ts = run.system_for(r.property, r.flow)
        if trace is None or ts is None or not trace.actions:
            continue
        out.append((r, ts, trace))
    return out


def write_all(run, out_dir: str) -> list[str]:
    """Write every finding's diagrams under out_dir/traces/; returns the paths written."""
    from ..commands._common import write_atomically

    written = []
    for r, ts, trace in findings(run):
        stem = os.path.join(out_dir, "traces", base_name(r))
        for ext, data in render(r, ts, trace, optional_steps=optional_steps(run, r.flow)).items():
            path = f"{stem}.{ext}"
            if ext == "png":
                _write_bytes(path, data)
            else:
                write_atomically(path, data.decode("utf-8"))
            written.append(path)
    return written


def _write_bytes(path: str, data: bytes) -> None:
    tmp = f"{path}.part"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
