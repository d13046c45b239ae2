"""The publication figure: a prepared scene (publication.py) laid out on a 3GPP page.

A TS/TR figure is pasted at the text width of the page, 15.9 cm, which the 3GPP Forge
markdown-to-docx tooling renders as 600 px.  So the figure is laid out at exactly PAGE_WIDTH
units with every text at FS units: at 15.9 cm that is FS * 15.9 cm / 600 = 8.25 pt, above the
8 pt a printed figure needs.  Lifelines are spread over the page by what their labels need; a
label wider than its arrow wraps, and what still overflows is drawn on white over the
lifelines it crosses (labels of different rows never share a band, so none overlaps another).

The layout is geometry only (`Figure`): the SVG, draw.io and EMF writers all read it, so every
format shows the same picture.  Numbers are printed with one decimal: same bytes everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .metrics import FONT_FAMILY, text_width
from .publication import shown_name
from .scene import Scene
from .sequence import _esc as esc
from .sequence import _n  # coordinates printed as the detailed style prints them: one decimal

PAGE_WIDTH = 600.0  # 15.9 cm
PAGE_CM = 15.9
FS = 11.0  # every text: 11 units = 8.25 pt at 15.9 cm
LINE = 13.0
GUTTER = 14.0  # left of the first lifeline's box: the step brackets
HEAD_H = 22.0
HEAD_PAD = 10.0
LABEL_PAD = 10.0
MAX_BOX = 150.0
WRAP_AT = 150.0  # a label narrower than this stays on one line even over a short arrow
FRAME_TAG_H = 14.0
SPAN_KIND = {"opt": "optional"}  # a frame's tag -> the scene's span kind (data-kind in the SVG)
INK, GREY, RED, BAND = "#000000", "#6e6e6e", "#c00000", "#fde4e4"


def points_at_page(size: float, width: float) -> float:
    """The size in pt of text of `size` units in a figure `width` units wide, pasted 15.9 cm wide."""
    return size * (PAGE_CM / width) / 2.54 * 72


@dataclass
class Text:
    x: float  # anchor point
    y: float  # baseline
    runs: list  # [(text, bold)]
    anchor: str = "middle"  # start | middle | end
    color: str = INK
    italic: bool = False
    size: float = FS

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)

    @property
    def width(self) -> float:
        return sum(text_width(t, self.size, b) for t, b in self.runs)

    def box(self):
        """(x0, y0, x1, y1) the glyphs may cover: ascender to descender."""
        x0 = {"start": self.x, "middle": self.x - self.width / 2, "end": self.x - self.width}[self.anchor]
        return (x0, self.y - 0.93 * self.size, x0 + self.width, self.y + 0.22 * self.size)


@dataclass
class Arrow:
    row: int
    x1: float
    x2: float
    y: float
    label: list  # [Text]
    color: str = INK
    dashed: bool = False
    src: str = ""
    dst: str = ""
    attrs: dict = field(default_factory=dict)  # what the row is (data-* in the SVG)


@dataclass
class Box:
    row: int
    x: float
    y: float
    w: float
    h: float
    label: list
    color: str = INK
    dashed: bool = False
    attrs: dict = field(default_factory=dict)


@dataclass
class Frame:
    kind: str  # loop | opt | alt
    guard: str
    x: float
    y: float
    w: float
    h: float


@dataclass
class Figure:
    width: float
    height: float
    heads: list = field(default_factory=list)  # [(name, x, y, w, h)]
    lifelines: list = field(default_factory=list)  # [(x, y1, y2)]
    arrows: list = field(default_factory=list)
    boxes: list = field(default_factory=list)
    frames: list = field(default_factory=list)
    brackets: list = field(default_factory=list)  # [(label, x, y1, y2)]
    bands: list = field(default_factory=list)  # [(x, y, w, h)] red: the refused or violating step
    caption: str = ""
    metadata: dict = field(default_factory=dict)
    legend: list = field(default_factory=list)  # [Text] under the lifelines (a counterexample's key)
    detail: bool = False  # laid out with the message fields (pages.py lays parts out alike)

    def texts(self) -> list:
        out = [t for a in self.arrows for t in a.label] + [t for b in self.boxes for t in b.label] + self.legend
        out += [Text(x, y + HEAD_H / 2 + 4, [(n, True)]) for n, x, y, _, _ in self.heads]
        out += [t for f in self.frames for t in frame_texts(f)]
        return out


def frame_texts(f: Frame) -> list:
    tag = Text(f.x + 4, f.y + 11, [(f.kind, True)], anchor="start")
    tw = tag.width + 12
    return [tag, Text(f.x + tw + 6, f.y + 11, [(f"[{f.guard}]", False)], anchor="start", italic=True)]


def tag_width(f: Frame) -> float:
    return frame_texts(f)[0].width + 12


def _words(runs):
    return [(w, b) for text, b in runs for w in text.split(" ") if w]


def wrap_runs(runs, width: float, size: float = FS) -> list:
    """Greedy word wrap of styled runs by measured width -> [[(text, bold)]] lines, whose runs
    keep their style ("4-8." bold, the message regular).  A word wider than `width` stays whole."""
    lines: list = []
    cur: list = []
    cur_w = 0.0
    space = text_width(" ", size)
    for w, b in _words(runs):
        ww = text_width(w, size, b)
        if cur and cur_w + space + ww > width:
            lines.append(cur)
            cur, cur_w = [], 0.0
        cur_w += (space if cur else 0.0) + ww
        cur.append((w, b))
    if cur:
        lines.append(cur)
    return [_merge(line) for line in lines] or [[("", False)]]


def _merge(words) -> list:
    """Words of one line -> runs: neighbours of one style joined, a space before each run."""
    out: list = []
    for w, b in words:
        if out and out[-1][1] == b:
            out[-1] = (out[-1][0] + " " + w, b)
        else:
            out.append(((" " if out else "") + w, b))
    return out


def _label_runs(row, detail: bool):
    runs = [(f"{row.number}.", True)] if row.number else []
    name = shown_name(row) if row.kind == "message" else row.text
    runs.append(((" " if runs else "") + name, False))
    if detail and row.detail:
        runs.append((" (" + row.detail + ")", False))
    return runs


def _spacing(sc: Scene, labels: list) -> tuple[list, list, float]:
    """x of every lifeline on the page, the entity boxes' widths, and the figure's width: each
    gap at least what the two entity boxes need, then what the labels over it would like,
    scaled down to the page when they ask for more.  Only entity boxes that cannot stand side
    by side on 15.9 cm widen the figure beyond the page (its text then falls under 8 pt there,
    which the tests of committed figures would report)."""
    names = [p.name for p in sc.participants]
    col = {n: i for i, n in enumerate(names)}
    heads = [text_width(n, FS, True) + HEAD_PAD for n in names]
    n = len(names)
    left = GUTTER + heads[0] / 2 if names else GUTTER
    right = PAGE_WIDTH - 3 - (heads[-1] / 2 if names else 0)
    if n < 2:
        return [(left + right) / 2] * n, heads, PAGE_WIDTH
    floor = [(heads[i] + heads[i + 1]) / 2 + 4 for i in range(n - 1)]
    overflow = max(0.0, sum(floor) - (right - left))
    right += overflow
    want = list(floor)
    for row, width in sorted(zip(sc.rows, labels), key=lambda rw: abs(col[rw[0].src] - col[rw[0].dst])):
        a, b = sorted((col[row.src], col[row.dst]))
        if a == b:
            continue
        have = sum(want[a:b])
        if have < width + LABEL_PAD:
            extra = (width + LABEL_PAD - have) / (b - a)
            for i in range(a, b):
                want[i] += extra
    room = right - left
    if sum(want) <= room:
        spare = (room - sum(want)) / (n - 1)
        gaps = [w + spare for w in want]
    else:
        squeeze = (room - sum(floor)) / max(1e-9, sum(want) - sum(floor))
        gaps = [f + (w - f) * max(0.0, squeeze) for f, w in zip(floor, want)]
    xs = [left]
    for g in gaps:
        xs.append(xs[-1] + g)
    return xs, heads, PAGE_WIDTH + overflow


def _place_label(lines_runs, cx: float, y_first: float, color: str, width: float) -> list:
    """Centre the wrapped lines on cx, shifted so that the widest stays on the page."""
    texts = [Text(cx, y_first + k * LINE, runs, color=color) for k, runs in enumerate(lines_runs)]
    half = max(t.width for t in texts) / 2
    shift = max(0.0, GUTTER + half - cx) - max(0.0, cx + half - (width - 2))
    for t in texts:
        t.x += shift
    return texts


def layout(sc: Scene, *, detail: bool = False, metadata=None, legend: str = "") -> Figure:
    """The prepared scene `sc` on the page.  `detail`: message fields after the name;
    `legend`: a line (wrapped to the page) under the lifelines, in the colour of the band."""
    names = [p.name for p in sc.participants]
    col = {n: i for i, n in enumerate(names)}
    runs = [_label_runs(r, detail) for r in sc.rows]
    natural = [sum(text_width(t, FS, b) for t, b in rs) for rs in runs]
    xs, heads, width = _spacing(sc, [w if r.kind == "message" else 0 for r, w in zip(sc.rows, natural)])
    fig = Figure(width=width, height=0, caption=sc.caption, metadata=dict(metadata or {}), detail=detail)
    head_y = 4.0
    for name, x, w in zip(names, xs, heads):
        fig.heads.append((name, x, head_y, w, HEAD_H))
    frames = [s for s in sc.spans if s.kind in ("optional", "loop", "alt")]
    ranges = [s for s in sc.spans if s.kind == "range"]
    depth_at = {}
    for s in sorted(frames, key=lambda s: (s.first, -(s.last - s.first))):
        depth_at[id(s)] = sum(1 for o in frames if o is not s and o.first <= s.first and o.last >= s.last
                              and (o.first, -o.last) < (s.first, -s.last))
    y = head_y + HEAD_H + 10
    tops, bottoms, frame_top = [], [], {}
    for i, row in enumerate(sc.rows):
        for s in sorted((s for s in frames if s.first == i), key=lambda s: depth_at[id(s)]):
            frame_top[id(s)] = y
            y += FRAME_TAG_H + 6
        color = RED if row.highlight else (INK if row.seed else GREY)
        # a step the seed does not define: grey text on a dashed arrow or box (upright: an
        # italic label lost a pixel of capital height at 600 px, under 8 pt)
        top = y
        if row.kind == "message":
            x1, x2 = xs[col[row.src]], xs[col[row.dst]]
            span = abs(x2 - x1)
            lines = wrap_runs(runs[i], max(span - LABEL_PAD, WRAP_AT))
            label = _place_label(lines, (x1 + x2) / 2, y + FS, color, width)
            y += LINE * len(lines) + 3
            fig.arrows.append(Arrow(i, x1, x2, y, label, color=color, dashed=not row.seed,
                                    src=row.src, dst=row.dst, attrs=_row_attrs(row)))
            y += 7
        else:
            x = xs[col[row.src]]
            lines = wrap_runs(runs[i], MAX_BOX)
            label = _place_label(lines, x, y + 3 + FS, color, width - 6)  # inside its box's padding
            w = max(t.width for t in label) + 12
            bx = min(max(2.0, label[0].x - w / 2), width - 2 - w)
            h = LINE * len(lines) + 6
            fig.boxes.append(Box(i, bx, y, w, h, label, color=color, dashed=not row.seed, attrs=_row_attrs(row)))
            y += h + 6
        tops.append(top)
        bottoms.append(y)
        if row.highlight:
            fig.bands.append((2.0, top - 2, width - 4, y - top))
        for _ in (s for s in frames if s.last == i):
            y += 6
    body_bottom = y + 4
    for x in xs:
        fig.lifelines.append((x, head_y + HEAD_H, body_bottom))
    for s in frames:
        d = depth_at[id(s)]
        left = 2.0 + 3 * d
        kind = {"optional": "opt"}.get(s.kind, s.kind)
        guard = f"step {s.label.removeprefix('optional step ')} optional" if s.kind == "optional" else s.label
        fig.frames.append(Frame(kind, guard, left, frame_top[id(s)], width - 2 * left,
                                bottoms[s.last] + 4 - frame_top[id(s)]))
    for s in ranges:
        fig.brackets.append((s.label, 8.0, tops[s.first] + 1, bottoms[s.last] - 5))
    fig.height = body_bottom + 4
    if legend:
        lines = wrap_runs([(legend, False)], width - 2 * GUTTER)
        fig.legend = [Text(GUTTER, fig.height + FS + k * LINE, runs, anchor="start", color=RED)
                      for k, runs in enumerate(lines)]
        fig.height += LINE * len(lines) + 6
    return fig


def _row_attrs(row) -> dict:
    out = {"from": row.src, "to": row.dst, "group": row.group, "step": row.number, "message": row.text}
    out |= {k: "true" for k in ("optional", "highlight") if getattr(row, k)}
    if not row.seed:
        out["seed"] = "false"
    return {k: v for k, v in out.items() if v}


def _data(attrs: dict) -> str:
    return "".join(f' data-{k}="{esc(str(v))}"' for k, v in attrs.items())


def _svg_text(t: Text, cls: str = "label") -> str:
    """One <text> per run, placed by measured width from the left (renderers disagree on how
    an anchored <text> positions bold <tspan>s; start-anchored runs leave nothing to guess)."""
    style = ' font-style="italic"' if t.italic else ""
    x = t.box()[0]
    out = []
    for text, bold in t.runs:
        lead = text[: len(text) - len(text.lstrip(" "))]
        x += text_width(lead, t.size, bold)
        word = text.lstrip(" ")
        weight = ' font-weight="bold"' if bold else ""
        out.append(f'<text class="{cls}" x="{_n(x)}" y="{_n(t.y)}" font-size="{_n(t.size)}" '
                   f'fill="{t.color}"{weight}{style}>{esc(word)}</text>')
        x += text_width(word, t.size, bold)
    return "".join(out)


def _backing(texts) -> str:
    """White under a label, so a lifeline it crosses does not run through its letters."""
    out = []
    for t in texts:
        x0, y0, x1, y1 = t.box()
        out.append(f'<rect x="{_n(x0 - 1)}" y="{_n(y0 + 1)}" width="{_n(x1 - x0 + 2)}" height="{_n(y1 - y0)}" '
                   f'fill="#ffffff"/>')
    return "".join(out)


def _svg_box(b: Box) -> str:
    dash = ' stroke-dasharray="4,3"' if b.dashed else ""
    return (f'<g class="action"{_data(b.attrs)}><rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.w)}" '
            f'height="{_n(b.h)}" fill="#f2f2f2" stroke="{b.color}" stroke-width="1"{dash}/>'
            + "".join(_svg_text(t) for t in b.label) + "</g>")


def _svg_arrow(a: Arrow) -> str:
    d = 1 if a.x2 >= a.x1 else -1
    dash = ' stroke-dasharray="5,3"' if a.dashed else ""
    return (f'<g class="message"{_data(a.attrs)}>' + _backing(a.label) + "".join(_svg_text(t) for t in a.label)
            + f'<line x1="{_n(a.x1)}" y1="{_n(a.y)}" x2="{_n(a.x2 - d * 7)}" y2="{_n(a.y)}" stroke="{a.color}" '
              f'stroke-width="1"{dash}/>'
            + f'<polygon points="{_n(a.x2)},{_n(a.y)} {_n(a.x2 - d * 8)},{_n(a.y - 3.5)} {_n(a.x2 - d * 8)},'
              f'{_n(a.y + 3.5)}" fill="{a.color}"/></g>')


def to_svg(fig: Figure) -> str:
    """The figure as SVG: the caption and the provenance are the document's <title> and
    <metadata>, not drawn (the caption belongs under the figure, in the TF style)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(fig.width)}" height="{_n(fig.height)}" '
        f'viewBox="0 0 {_n(fig.width)} {_n(fig.height)}" font-family="{FONT_FAMILY}" '
        f'class="imsflow-sequence publication">',
    ]
    if fig.caption:
        out.append(f"<title>{esc(fig.caption)}</title>")
    if fig.metadata:
        out.append("<metadata>" + "".join(f'<imsflow:{k} xmlns:imsflow="https://imsflow.invalid/figure">'
                                          f'{esc(str(v))}</imsflow:{k}>' for k, v in fig.metadata.items())
                   + "</metadata>")
    out.append(f'<rect x="0" y="0" width="{_n(fig.width)}" height="{_n(fig.height)}" fill="#ffffff"/>')
    for x, y, w, h in fig.bands:
        out.append(f'<rect class="band" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{BAND}"/>')
    for x, y1, y2 in fig.lifelines:
        out.append(f'<line x1="{_n(x)}" y1="{_n(y1)}" x2="{_n(x)}" y2="{_n(y2)}" stroke="{GREY}" stroke-width="1"/>')
    for f in fig.frames:
        tag, guard = frame_texts(f)
        tw = tag_width(f)
        out.append(
            f'<g class="span" data-kind="{SPAN_KIND.get(f.kind, f.kind)}" data-label="{esc(f.guard)}"><rect x="{_n(f.x)}" y="{_n(f.y)}" width="{_n(f.w)}" '
            f'height="{_n(f.h)}" fill="none" stroke="{INK}" stroke-width="0.8"/>'
            f'<path d="M{_n(f.x)},{_n(f.y)} H{_n(f.x + tw)} V{_n(f.y + 10)} L{_n(f.x + tw - 4)},{_n(f.y + FRAME_TAG_H)} '
            f'H{_n(f.x)} Z" fill="#ffffff" stroke="{INK}" stroke-width="0.8"/>'
            + _backing([guard]) + _svg_text(tag, "frame-tag") + _svg_text(guard, "frame-guard") + "</g>")
    for label, x, y1, y2 in fig.brackets:
        out.append(f'<path class="span" data-kind="range" data-label="{esc(label)}" d="M{_n(x + 4)},{_n(y1)} H{_n(x)} V{_n(y2)} '
                   f'H{_n(x + 4)}" fill="none" stroke="{INK}" stroke-width="1"/>')
    for name, x, y, w, h in fig.heads:
        out.append(f'<g class="lifeline" data-name="{esc(name)}"><rect x="{_n(x - w / 2)}" y="{_n(y)}" '
                   f'width="{_n(w)}" height="{_n(h)}" fill="#ffffff" stroke="{INK}" stroke-width="1"/>'
                   + _svg_text(Text(x, y + h / 2 + 4, [(name, True)]), "head") + "</g>")
    for item in sorted(fig.boxes + fig.arrows, key=lambda it: it.row):  # top to bottom, as read
        out.append(_svg_box(item) if isinstance(item, Box) else _svg_arrow(item))
    out += [_svg_text(t, "legend") for t in fig.legend]
    out.append("</svg>")
    return "\n".join(out) + "\n"
