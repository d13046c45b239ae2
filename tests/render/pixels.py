"""Looking at a figure as a reader does: rendered to pixels at the width it is pasted at.

`text_boxes` predicts where every text of an SVG lies (from its x, y, anchor and the metrics
table); `measure` renders the text alone to PNG at `width` px with CairoSVG and, for each
predicted box, measures the ink really drawn there: its height in px, and how much ink falls
outside every box (which would mean the prediction - and so the overlap check - is wrong).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from imsflow.render.metrics import text_width

SVG = "{http://www.w3.org/2000/svg}"
PAGE_PX = 600  # 15.9 cm as the 3GPP Forge markdown-to-docx tooling scales figures
PX_PER_PT = PAGE_PX / 15.9 * 2.54 / 72  # 1 pt at 15.9 cm, in px of a 600 px figure
CAP_HEIGHT = 0.716  # Arial/Liberation Sans capital height, in em


@dataclass
class TextBox:
    text: str
    size: float  # font size in SVG units
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, o: "TextBox") -> bool:
        return not (self.x1 <= o.x0 or o.x1 <= self.x0 or self.y1 <= o.y0 or o.y1 <= self.y0)


def _size(el, inherited: float) -> float:
    v = el.get("font-size")
    return float(v.rstrip("px")) if v else inherited


def _length(v: str) -> float:
    return float(v.removesuffix("pt").removesuffix("px"))


def _translation(root) -> tuple[float, float]:
    """The translate() of Graphviz's top group (imsflow's own figures have none)."""
    import re

    g = root.find(f"{SVG}g")
    m = re.search(r"translate\(([-\d.]+)[ ,]+([-\d.]+)\)", (g.get("transform") or "") if g is not None else "")
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)


def text_boxes(svg: bytes) -> tuple[list, float]:
    """Every <text> of the figure with its predicted ink box (in viewBox units, from the
    metrics table); and the figure's width in the same units."""
    root = ET.fromstring(svg)
    box = root.get("viewBox")
    width = float(box.split()[2]) if box else _length(root.get("width"))
    tx, ty = _translation(root)
    out = []
    for el in root.iter(f"{SVG}text"):
        text = "".join(el.itertext()).replace("\xa0", " ")  # Graphviz indents with no-break spaces
        if not text.strip():
            continue
        size = _size(el, 12.0)
        bold = el.get("font-weight") == "bold"
        w = text_width(text, size, bold)
        x, y = float(el.get("x")) + tx, float(el.get("y")) + ty
        anchor = el.get("text-anchor", "start")
        x0 = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        # blanks take room but leave no ink: the box is the visible text's
        x0 += text_width(text[: len(text) - len(text.lstrip())], size, bold)
        w = text_width(text.strip(), size, bold)
        out.append(TextBox(text, size, x0, y - 0.93 * size, x0 + w, y + 0.22 * size))
    return out, width


def text_only(svg: bytes) -> bytes:
    """The same SVG with nothing but its text (so lines and boxes do not count as ink)."""
    root = ET.fromstring(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag not in (f"{SVG}text", f"{SVG}g", f"{SVG}tspan"):
                parent.remove(child)
    return ET.tostring(root)


@dataclass
class Measured:
    box: TextBox
    ink_height: float  # px at the rendered width


def measure(svg: bytes, width: int = PAGE_PX):
    """([Measured], stray ink pixels outside every predicted box, the PNG's size)."""
    import cairosvg
    from PIL import Image

    boxes, svg_width = text_boxes(svg)
    png = cairosvg.svg2png(bytestring=text_only(svg), output_width=width, background_color="white")
    img = Image.open(io.BytesIO(png)).convert("L")
    k = width / svg_width
    pix = img.load()
    w, h = img.size
    ink = [[pix[x, y] < 128 for x in range(w)] for y in range(h)]
    covered = [[False] * w for _ in range(h)]
    out = []
    for b in boxes:
        x0, x1 = max(0, int(b.x0 * k) - 1), min(w, int(b.x1 * k) + 2)
        y0, y1 = max(0, int(b.y0 * k) - 1), min(h, int(b.y1 * k) + 2)
        rows = [y for y in range(y0, y1) if any(ink[y][x0:x1])]
        for y in range(y0, y1):
            covered[y][x0:x1] = [True] * (x1 - x0)
        out.append(Measured(b, (rows[-1] - rows[0] + 1) if rows else 0.0))
    stray = sum(1 for y in range(h) for x in range(w) if ink[y][x] and not covered[y][x])
    return out, stray, (w, h)


def cap_height_px(points: float) -> float:
    """The height of a capital letter of `points` pt text in a 600 px (15.9 cm) figure."""
    return CAP_HEIGHT * points * PX_PER_PT
