"""Diagrams of findings: every violated or vacuous result gets a sequence diagram of its
trace in the publication style of the flow figures (figure.py: 600 units wide, 8 pt at
15.9 cm, display names, numbered steps), with the violating step on a red band and one
legend line under the figure naming the property it violates.  The caption ("Counterexample:
<statement> (<property> on <flow>: violated)") is the SVG's <title>; why, the clause, the
variant and the replay command are its metadata.

`imsflow check --out DIR` calls `write_all(run, DIR)`; the files go beside the trace's JSON
(`DIR/traces/<property>__<flow>.{svg,png,mmd,puml}`).
"""

from __future__ import annotations

import os

from ..patterns.verdict import Verdict
from . import figure, mermaid, plantuml, publication, raster, scene

FINDINGS = (Verdict.VIOLATED, Verdict.VACUOUS)


def base_name(result) -> str:
    """The file stem `imsflow check --out` uses for a result's trace."""
    return f"{result.property}__{result.flow or 'model'}"


def _variant_text(variant: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(variant.items())) or "defaults"


def _tag(result) -> str:
    if result.verdict is Verdict.VIOLATED:
        return "expected finding" if result.expected == "violated" else "unexpected"
    return "vacuous"


def scene_for(result, ts, trace, optional_steps=(), display=None) -> scene.Scene:
    """The scene of one finding (a patterns.verdict.Result, its system and Trace)."""
    caption = (f"Counterexample: {result.statement or result.property} ({result.property} on "
               f"{result.flow or 'the model'}: {result.verdict.value}, {_tag(result)})")
    return scene.build(ts, trace, title=result.statement or result.property, caption=caption,
                       optional_steps=optional_steps, highlight=result.verdict is Verdict.VIOLATED,
                       display=display)


def metadata(result, trace) -> dict:
    """What the detailed style printed under the picture, kept in the SVG's <metadata>."""
    out = {"property": result.property, "statement": result.statement or "", "flow": result.flow or "",
           "verdict": f"{result.verdict.value} ({_tag(result)})", "why": result.reason or "",
           "trace": trace.note or "", "clause": result.clause or "",
           "variant": f"{_variant_text(result.variant)}; WICs: {result.wics}", "replay": result.replay or ""}
    return {k: v for k, v in out.items() if v}


def legend(result) -> str:
    if result.verdict is Verdict.VIOLATED:
        return f"Red: the step that violates {result.property}."
    return f"Vacuous: {result.property} is never put to the test on this run."


def render(result, ts, trace, *, png: bool = True, optional_steps=(), display=None, steps=(), written=None) -> dict:
    """{extension: bytes} of one finding's diagram in every form; `display`: message name ->
    shown name (Vocabulary.display), `steps`: the flow's step labels in seed order, `written`:
    the seed's own arrows (publication.written_steps), numbered as in the flow figures."""
    sc = scene_for(result, ts, trace, optional_steps, display)
    pub = publication.prepare(sc, steps=steps, written=written)
    fig = figure.layout(pub, metadata=metadata(result, trace), legend=legend(result))
    svg = figure.to_svg(fig)
    text = publication.as_text_scene(pub)
    out = {
        "svg": svg.encode("utf-8"),
        "mmd": mermaid.sequence(text).encode("utf-8"),
        "puml": plantuml.sequence(text).encode("utf-8"),
    }
    if png and raster.available():
        out["png"] = raster.svg_to_png(svg, scale=figure.PAGE_WIDTH / fig.width)
    return out


def context(run, flow) -> dict:
    """render()'s model-side arguments for a finding on `flow`."""
    model = run.loaded.model
    steps = tuple(model.flows[flow].steps) if flow in model.flows else ()
    return {"optional_steps": optional_steps(run, flow), "display": model.vocabulary.display, "steps": steps,
            "written": publication.written_steps(run.loaded.directory, flow) if flow else None}


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
        for ext, data in render(r, ts, trace, **context(run, r.flow)).items():
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
