"""Every format of one publication figure, as files: what an editor pastes or edits.

    <stem>.svg         the figure, 600 units wide (15.9 cm); caption and provenance in its metadata
    <stem>.drawio      draw.io / diagrams.net: editable shapes, one edge cell per arrow
    <stem>.signalling  Msc-generator signalling chart text
    <stem>.msc         mscgen text
    <stem>.mmd         Mermaid sequenceDiagram
    <stem>.puml        PlantUML sequence diagram
  binary copies (pixels and fonts of this machine; checked for presence only):
    <stem>.png         at figure width (600 px)
    <stem>@2x.png      at twice that, for screens
    <stem>.emf         Windows metafile for Word (Inkscape; `emf_files`, in one batch)
    <docx>             a DOCX clause of several figures (docx_clause.py)
"""

from __future__ import annotations

from . import docx_clause, drawio, emf, figure, mermaid, msc, pages, plantuml, publication, raster

TEXT_SUFFIXES = (".svg", ".drawio", ".signalling", ".msc", ".mmd", ".puml")
PNG_SUFFIXES = (".png", "@2x.png")
BINARY_SUFFIXES = PNG_SUFFIXES + (".emf",)


def figure_files(stem: str, pub, fig, *, png: bool = True, detail: bool = False) -> dict:
    """{path: bytes} of every text format, and the PNGs when `png`, of the prepared scene `pub`
    laid out as `fig`."""
    svg = figure.to_svg(fig)
    text = publication.as_text_scene(pub, detail=detail)
    name = stem.rsplit("/", 1)[-1]
    out = {
        f"{stem}.svg": svg,
        f"{stem}.drawio": drawio.to_drawio(fig, name),
        f"{stem}.signalling": msc.signalling(pub, detail=detail),
        f"{stem}.msc": msc.mscgen(pub, detail=detail),
        f"{stem}.mmd": mermaid.sequence(text),
        f"{stem}.puml": plantuml.sequence(text),
    }
    out = {k: v.encode("utf-8") for k, v in out.items()}
    if png:
        out[f"{stem}.png"] = raster.svg_to_png(svg, scale=figure.PAGE_WIDTH / fig.width)
        out[f"{stem}@2x.png"] = raster.svg_to_png(svg, scale=2 * figure.PAGE_WIDTH / fig.width)
    return out


def emf_files(files: dict) -> dict:
    """EMF copies of every figure SVG among `files` ({path: bytes}), in one Inkscape run;
    {} when Inkscape is not installed."""
    if not emf.available():
        return {}
    svgs = {p[:-4]: data.decode("utf-8") for p, data in files.items() if p.endswith(".svg")}
    return {f"{stem}.emf": data for stem, data in emf.convert(svgs).items()}


def docx_file(figures) -> bytes:
    """[(prepared scene, figure)] -> a DOCX clause (A4) with each figure (its 2x PNG; a figure
    taller than the page in parts, pages.py), caption and step text."""
    rows = []
    for pub, fig in figures:
        parts = [(caption, raster.svg_to_png(figure.to_svg(part), scale=2 * figure.PAGE_WIDTH / part.width),
                  part.width) for caption, part in pages.split(pub, fig)]
        rows.append((pub, parts))
    return docx_clause.clause(rows)
