"""Every entity's state chart as files, each fitting a page (phases.py says how).

    diagrams/entities/<E>.svg|png              the whole chart, when it fits a page; for a
                                               large entity its overview: states and the moves
                                               between them, without labels (in the parts)
    diagrams/entities/<E>-<phase>[-<k>].svg|png  a large entity per phase, in page-sized parts
    generated/dot/entities/<E>[-...].dot       the DOT of each (and of the whole chart)
    generated/mermaid|plantuml/entities/<E>.*  the whole chart as text

All drawings of one build go through Graphviz in a few batches (one process per batch).
"""

from __future__ import annotations

from . import mermaid, phases, plantuml, raster, statechart


OVERVIEW_MARK = "<!-- overview -->"


def draw(charts: list) -> list:
    """SVGs of `charts`, top to bottom; one that does not fit the page is tried left to right
    and keeps whichever direction gives the larger text."""
    svgs = statechart.to_svg_many([statechart.to_dot(c) for c in charts])
    bad = [i for i, s in enumerate(svgs) if not phases.fits(s)]
    if bad:
        lr = statechart.to_svg_many([statechart.to_dot(charts[i], rankdir="LR") for i in bad])
        for i, s in zip(bad, lr):
            if phases.smallest_text_pt(s) > phases.smallest_text_pt(svgs[i]):
                svgs[i] = s
                charts[i]["rankdir"] = "LR"  # so that the DOT written is the one drawn
    return svgs


def png_of(svg: str) -> bytes:
    """A PNG at the size the chart is pasted at: the page width is 600 px."""
    w, _ = phases.svg_size_pt(svg)
    px = max(1, round(w * phases.page_scale(svg) * 600 / phases.PAGE_W_PT))
    return raster.svg_to_png_width(svg, px)


def files(model, systems, *, png: bool) -> dict:
    out: dict = {}
    config = model.config(None)
    charts = [statechart.chart(cls(config), systems) for cls in model.entities]
    flow_phase = {fid: phases.phase_of(fid, f.title) for fid, f in model.flows.items()}
    whole = phases.page_charts(charts, draw)
    drawn: list = []  # (file stem, chart, svg)
    large, cuts = [], []
    for c, parts in zip(charts, whole):
        name = c["entity"]
        out[f"generated/dot/entities/{name}.dot"] = statechart.to_dot(c).encode("utf-8")
        out[f"generated/mermaid/entities/{name}.mmd"] = mermaid.state_diagram(c).encode("utf-8")
        out[f"generated/plantuml/entities/{name}.puml"] = plantuml.state_diagram(c).encode("utf-8")
        if len(parts) == 1:
            drawn.append((name, parts[0][0], parts[0][1]))
            continue
        large.append(c)
        for phase, sub in phases.split(c, flow_phase):
            cuts.append((name, phase, sub))
    overviews = statechart.to_svg_many([statechart.overview_dot(c) for c in large])
    for c, svg in zip(large, overviews):
        # marked, so that a reader (and the page-size test) knows the parts carry the labels
        svg = svg.replace("<svg ", OVERVIEW_MARK + "\n<svg ", 1)
        drawn.append((c["entity"], dict(c, overview=True), svg))
    for (name, phase, _), parts in zip(cuts, phases.page_charts([sub for _, _, sub in cuts], draw)):
        stem = phases.file_stem(name, phase)
        for k, (chart, svg) in enumerate(parts, 1):
            drawn.append((stem if len(parts) == 1 else f"{stem}-{k}", chart, svg))
    for stem, chart, svg in drawn:
        out[f"diagrams/entities/{stem}.svg"] = svg.encode("utf-8")
        if not chart.get("overview"):
            out.setdefault(f"generated/dot/entities/{stem}.dot", statechart.to_dot(chart).encode("utf-8"))
        if png:
            out[f"diagrams/entities/{stem}.png"] = png_of(svg)
    return out
