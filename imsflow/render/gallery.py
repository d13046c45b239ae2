"""Every diagram of a model, as files: what `imsflow diagrams` writes.

    diagrams/flows/<FLOW>.*                   the flow's witness as a 3GPP publication figure, in every
                                              format of formats.py (SVG, PNG, EMF, draw.io, MSC texts...)
    diagrams/flows/flows.docx                 the nine figures with caption and step text (DOCX)
    diagrams/entities/<ENTITY>[-<phase>-<k>].svg|png  each entity's state machine (Graphviz), per
                                              phase and page for a large one (entity_charts.py)
    diagrams/counterexamples/<P>__<F>.svg|png every violated or vacuous result (default variant)
    generated/traces/...json                  the traces drawn, replayable with `imsflow trace`
    generated/mermaid/..., generated/plantuml/..., generated/dot/...   text forms
    generated/manifest.json                   what was drawn, with the Graphviz version

The files are built in memory first and only then written, so a failure leaves the old set
whole; files of an earlier run that are no longer produced are removed.  Everything except
the binary copies (PNG, EMF, DOCX: pixels and fonts of the machine) is byte-for-byte
reproducible, which is what the stale-diagram test relies on.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ..errors import ImsflowError
from ..loader import default_model_dir, load
from ..patterns.obligations import Reach
from ..patterns.spec import FLOW_REACHABLE
from ..patterns.verdict import Verdict
from ..pipeline import CheckRequest, check
from ..system.trace import to_entries
from . import counterexamples, emf, entity_charts, figure, formats, fullest, mermaid, plantuml, publication, raster, scene, sequence, statechart

MANAGED = ("diagrams/flows", "diagrams/entities", "diagrams/counterexamples", "generated/traces",
           "generated/mermaid", "generated/plantuml", "generated/dot")
REPRODUCIBLE = (".svg", ".mmd", ".puml", ".dot", ".json", ".drawio", ".signalling", ".msc")  # byte for byte


class DiagramError(ImsflowError):
    """A diagram cannot be produced (for instance a flow the model cannot run)."""


@dataclass
class Gallery:
    files: dict = field(default_factory=dict)  # relative path -> bytes
    problems: list = field(default_factory=list)  # flows that have no witness, with why
    manifest: dict = field(default_factory=dict)


def _json(obj) -> bytes:
    return (json.dumps(obj, indent=2, sort_keys=False) + "\n").encode("utf-8")


def provenance(flow_id: str, ts, *, with_optional: bool = False, model=None) -> dict:
    """Where a flow figure comes from (the detailed style prints it under the figure; the
    publication style keeps it in the file's metadata)."""
    settings = ", ".join(f"{k}={v}" for k, v in ts.config.variant) or "defaults"
    source = ("an in-order run of the model to the flow's goal that takes its optional steps too"
              if with_optional else "the model's witness of flow-reachable")
    return {"flow": flow_id, "source": source, "variant": settings, "wics": ts.config.wics,
            "regenerate": regenerate_command(model) if model is not None else "imsflow diagrams"}


def flow_scene(model, flow_id: str, ts, trace, *, with_optional: bool = False) -> scene.Scene:
    flow = model.flows[flow_id]
    p = provenance(flow_id, ts, with_optional=with_optional, model=model)
    return scene.build(
        ts, trace, title=f"{flow_id}: {flow.title}",
        caption=publication.caption(flow.clause, flow.title),
        optional_steps=flow.optional_steps, highlight=False, display=model.vocabulary.display,
        notes=[f"drawn from {p['source']}; variant: {p['variant']}; WICs: {p['wics']}",
               f"regenerate with: {p['regenerate']}"],
    )


def publication_figure(model, flow_id: str, sc: scene.Scene, meta: dict, *, detail: bool = False,
                       written=None):
    """The flow's scene as the figure a TR pastes (figure.py), with its 3GPP caption;
    `written`: the seed's own arrows (publication.written_steps), whose steps' other arrows go grey."""
    flow = model.flows[flow_id]
    pub = publication.prepare(sc, steps=flow.steps, written=written)
    pub.caption = publication.caption(flow.clause, flow.title)
    return pub, figure.layout(pub, detail=detail, metadata=meta)


def regenerate_command(model) -> str:
    """The command that redraws this model's diagrams (another model's live beside it)."""
    directory = getattr(model, "directory", "") or default_model_dir()
    if os.path.abspath(directory) == os.path.abspath(default_model_dir()):
        return "imsflow diagrams"
    return f"imsflow diagrams --model {os.path.relpath(directory)}"


def _trace_doc(loaded, result, ts, trace) -> dict:
    """A trace file `imsflow trace` replays; without timings or absolute paths, so the bytes
    only change when the model's behaviour does."""
    model_dir = None if loaded.directory == default_model_dir() else os.path.relpath(loaded.directory)
    return {
        "model": loaded.model.name,
        "model_dir": model_dir,
        "engine": "explicit",
        "wics": ts.config.wics,
        "results": [{
            "property": result.property, "flow": result.flow, "variant": result.variant,
            "wics": result.wics, "verdict": result.verdict.value, "expected": result.expected,
            "reason": result.reason, "statement": result.statement, "trace": to_entries(ts, trace),
            "replay": result.replay,
        }],
    }


STYLES = ("publication", "detailed")
DOCX = "diagrams/flows/flows.docx"  # every flow figure with its caption and step text


def build(model_dir: str | None = None, *, flows=None, png: bool = True, style: str = "publication",
          detail: bool = False) -> Gallery:
    """Everything for `flows` (default: all).  State charts are drawn only for a full build:
    what a transition sends is read from every flow's compiled system.  `style`: flow figures
    as a TR pastes them ("publication", figure.py) or with every field and the provenance
    printed ("detailed", sequence.py); `detail`: message fields in the publication figures too."""
    loaded = load(model_dir)
    model = loaded.model
    g = Gallery()
    with_png = png and raster.available()
    systems = []
    flow_ids = list(flows or model.flows)
    drawn = {}
    published = []  # (prepared scene, figure) of each flow, for the DOCX clause
    for flow_id in flow_ids:
        run = check(CheckRequest(model_dir=model_dir, flows=[flow_id]))
        ts = run.systems.get(flow_id)
        if ts is None:
            g.problems.append(f"{flow_id}: no property applies, so nothing was explored")
            continue
        systems.append(ts)
        reach = next((r for r in run.results if r.property == FLOW_REACHABLE), None)
        trace = run.traces.get((FLOW_REACHABLE, flow_id))
        if reach is None or reach.verdict is not Verdict.HOLDS or trace is None or not trace.actions:
            why = reach.reason if reach is not None else "flow-reachable was not checked"
            g.problems.append(f"{flow_id}: no witness to draw ({why})")
        else:
            flow = model.flows[flow_id]
            goal = next(ob for ob in run.obligations[flow_id] if isinstance(ob, Reach) and ob.ordered)
            fuller = fullest.fullest_run(ts, trace, goal.goal, flow.optional_steps, restart_after=goal.restart_after)
            if fuller is not None:
                trace = fuller
            sc = flow_scene(model, flow_id, ts, trace, with_optional=fuller is not None)
            if style == "detailed":
                svg = sequence.render_svg(sc)
                g.files[f"diagrams/flows/{flow_id}.svg"] = svg.encode("utf-8")
                if with_png:
                    g.files[f"diagrams/flows/{flow_id}.png"] = raster.svg_to_png(svg)
            else:
                meta = provenance(flow_id, ts, with_optional=fuller is not None, model=model)
                pub, fig = publication_figure(model, flow_id, sc, meta, detail=detail,
                                              written=publication.written_steps(loaded.directory, flow_id))
                g.files.update(formats.figure_files(f"diagrams/flows/{flow_id}", pub, fig, png=with_png,
                                                    detail=detail))
                published.append((pub, fig))
            g.files[f"generated/mermaid/flows/{flow_id}.mmd"] = mermaid.sequence(sc).encode("utf-8")
            g.files[f"generated/plantuml/flows/{flow_id}.puml"] = plantuml.sequence(sc).encode("utf-8")
            g.files[f"generated/traces/flows/{flow_id}.json"] = _json(_trace_doc(loaded, reach, ts, trace))
            drawn[flow_id] = {
                "participants": [p.name for p in sc.participants],
                "steps": scene.step_sequence(sc),
                "arrows": sum(1 for r in sc.rows if r.kind == "message"),
                "boxes": sum(1 for r in sc.rows if r.kind == "action"),
            }
        for r, fts, ftrace in counterexamples.findings(run):
            stem = counterexamples.base_name(r)
            forms = counterexamples.render(r, fts, ftrace, png=with_png, **counterexamples.context(run, r.flow))
            g.files[f"diagrams/counterexamples/{stem}.svg"] = forms["svg"]
            if "png" in forms:
                g.files[f"diagrams/counterexamples/{stem}.png"] = forms["png"]
            g.files[f"generated/mermaid/counterexamples/{stem}.mmd"] = forms["mmd"]
            g.files[f"generated/plantuml/counterexamples/{stem}.puml"] = forms["puml"]
            g.files[f"generated/traces/counterexamples/{stem}.json"] = _json(_trace_doc(loaded, r, fts, ftrace))

    if not flows:
        g.files.update(entity_charts.files(model, systems, png=with_png))
    if with_png and published:  # the Word forms: binary, like the PNGs they embed
        g.files.update(formats.emf_files({p: d for p, d in g.files.items() if p.startswith("diagrams/flows/")}))
        g.files[DOCX] = formats.docx_file(published)

    g.manifest = {
        "model": model.name,
        "graphviz": statechart.dot_version(),
        "flows": drawn,
        "problems": g.problems,
        "reproducible": list(REPRODUCIBLE),
    }
    g.files["generated/manifest.json"] = _json(g.manifest)
    return g


def png_copies(rel: str) -> list:
    """The binary files that go with the SVG `rel` (a flow figure: PNG at 1x and 2x, EMF)."""
    stem = rel[:-4]
    if not rel.startswith("diagrams/flows/"):
        return [stem + ".png"]
    # an EMF only where Inkscape can make one (a machine without it drops them on regenerating)
    return [stem + sfx for sfx in formats.BINARY_SUFFIXES if sfx != ".emf" or emf.available()]


def write(g: Gallery, root: str, *, keep_suffixes=()) -> dict:
    """Write the gallery under `root`; remove managed files it no longer contains (except
    those ending in `keep_suffixes`: PNGs left alone by a run without PNG).
    Returns counts {"written", "unchanged", "removed"}."""
    counts = {"written": 0, "unchanged": 0, "removed": 0}
    for rel, data in sorted(g.files.items()):
        path = os.path.join(root, rel)
        try:
            with open(path, "rb") as fh:
                if fh.read() == data:
                    counts["unchanged"] += 1
                    continue
        except OSError:
            pass
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.part"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        counts["written"] += 1
    keep = {os.path.normpath(rel) for rel in g.files}
    for top in MANAGED:
        base = os.path.join(root, top)
        for dirpath, _, names in os.walk(base):
            for n in names:
                rel = os.path.normpath(os.path.relpath(os.path.join(dirpath, n), root))
                if rel not in keep and not n.endswith(tuple(keep_suffixes)):
                    os.remove(os.path.join(dirpath, n))
                    counts["removed"] += 1
    return counts
