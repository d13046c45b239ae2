"""Sequence diagrams in the detailed style (`imsflow diagrams --style detailed`, counterexamples),
laid out by imsflow and written as SVG directly; the publication style is figure.py.

No browser, no Java, no font engine: text widths come from a fixed metrics table
(render/metrics.py) and every coordinate is printed with one decimal, so the same scene gives
the same bytes on every machine.  The layout follows the figures of a 3GPP TS: entity boxes
on top, one vertical lifeline each, horizontal arrows labelled "n. MESSAGE" in step order, a
bracket in the left margin for a range of steps (4-8), boxes on a lifeline for internal
actions, a dashed "opt" frame for optional steps, a "loop" frame for the cycle of a lasso, and
the violating step of a counterexample on a red band.

Columns are spaced so that every label fits between the lifelines it spans: each gap starts at
the room the entity boxes need, then every arrow whose label is wider than its span widens the
gaps under it evenly (short spans first).
"""

from __future__ import annotations

from dataclasses import dataclass

from .metrics import FONT_FAMILY, text_width
from .scene import Scene

FS = 12.0  # message names, box text
FS_DETAIL = 10.0  # message fields
FS_HEAD = 12.0  # entity names
FS_STEP = 11.0  # step labels
FS_TITLE = 13.0
LINE = 14.0  # line height of FS text
LINE_DETAIL = 12.0
MIN_GAP = 76.0
LABEL_PAD = 18.0
MAX_LABEL = 130.0  # wrap message fields beyond this width (keeps figures near A4 width)
MAX_BOX = 170.0  # wrap internal-action text beyond this width
HEAD_H = 28.0
FRAME_HEAD = 22.0  # room above the first row of an opt/loop frame
RED = "#c00000"
BAND = "#fde4e4"
INK = "#000000"
GREY = "#606060"


def _n(v: float) -> str:
    """A coordinate, deterministically: one decimal, no trailing zero, no '-0'."""
    s = f"{round(v, 1):.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s in ("-0", "-0.0") else s


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def wrap(text: str, size: float, width: float, *, bold: bool = False, sep: str = " ") -> list[str]:
    """Greedy word wrap by measured width; a single word wider than `width` stays whole."""
    words = text.split(sep)
    lines: list[str] = []
    for w in words:
        if lines and text_width(lines[-1] + sep + w, size, bold) <= width:
            lines[-1] = lines[-1] + sep + w
        else:
            lines.append(w)
    if sep != " ":
        lines = [ln + (sep.rstrip() if i < len(lines) - 1 else "") for i, ln in enumerate(lines)]
    return lines or [""]


@dataclass
class _RowBox:
    """A row's measured content: its text lines and the width and height they need."""

    lines: list  # [(text, size, bold)]
    width: float
    height: float


def _measure_row(row, inline_step: bool) -> _RowBox:
    if row.kind == "message":
        head = f"{row.step}. {row.text}" if inline_step and row.step else row.text
        lines = [(head, FS, False)]
        if row.detail:
            lines += [(ln, FS_DETAIL, False) for ln in wrap(row.detail, FS_DETAIL, MAX_LABEL, sep=", ")]
        width = max(text_width(t, s, b) for t, s, b in lines)
        height = LINE + LINE_DETAIL * (len(lines) - 1)
        return _RowBox(lines, width, height)
    text = f"{row.step}. {row.text}" if inline_step and row.step else row.text
    wrapped = wrap(text, FS, MAX_BOX)
    lines = [(ln, FS, False) for ln in wrapped]
    width = max(text_width(t, FS) for t in wrapped) + 16
    return _RowBox(lines, width, LINE * len(lines) + 8)


def _layout_columns(scene: Scene, boxes: list) -> tuple[list, float, float]:
    """x of every lifeline, and the room needed left of the first and right of the last."""
    names = [p.name for p in scene.participants]
    col = {n: i for i, n in enumerate(names)}
    heads = [text_width(n, FS_HEAD, True) + 20 for n in names]
    count = len(names)
    gaps = [max(MIN_GAP, (heads[i] + heads[i + 1]) / 2 + 14) for i in range(count - 1)]
    left_need = heads[0] / 2 if names else 0
    right_need = heads[-1] / 2 if names else 0
    spans = []
    for row, box in zip(scene.rows, boxes):
        if row.kind == "action":
            c = col[row.src]
            half = box.width / 2 + 10
            if c > 0:
                gaps[c - 1] = max(gaps[c - 1], half + 8)
            else:
                left_need = max(left_need, half)
            if c < count - 1:
                gaps[c] = max(gaps[c], half + 8)
            else:
                right_need = max(right_need, half)
        else:
            a, b = sorted((col[row.src], col[row.dst]))
            spans.append((b - a, a, b, box.width + LABEL_PAD))
    for _, a, b, need in sorted(spans):
        have = sum(gaps[a:b])
        if have < need:
            extra = (need - have) / (b - a)
            for i in range(a, b):
                gaps[i] += extra
    xs = [0.0]
    for g in gaps:
        xs.append(xs[-1] + g)
    return xs, left_need, right_need


def render_svg(scene: Scene) -> str:
    """The scene as a standalone SVG document (UTF-8 text)."""
    ranges = [s for s in scene.spans if s.kind == "range"]
    bracketed = {i for s in ranges for i in range(s.first, s.last + 1)}
    boxes = [_measure_row(r, i not in bracketed) for i, r in enumerate(scene.rows)]
    xs, left_need, right_need = _layout_columns(scene, boxes)
    names = [p.name for p in scene.participants]
    col = {n: i for i, n in enumerate(names)}

    step_w = max([text_width(s.label, FS_STEP, True) for s in ranges] + [0])
    bracket_x = 12 + step_w + 8 if ranges else 4
    frames = [s for s in scene.spans if s.kind in ("optional", "loop")]
    frame_left = bracket_x + 10
    origin = frame_left + (12 if frames else 4) + left_need + 6  # x of the first lifeline
    xs = [origin + x for x in xs]
    frame_right = (xs[-1] if xs else origin) + right_need + 14
    width = frame_right + 12
    # A narrow drawing is centred on a minimum page width (a long title wraps, never widens it).
    min_width = 520.0
    if width < min_width:
        shift = (min_width - width) / 2
        xs = [x + shift for x in xs]
        bracket_x, frame_left, frame_right = bracket_x + shift, frame_left + shift, frame_right + shift
        width = min_width
    title_lines = wrap(scene.title, FS_TITLE, width - 24, bold=True) if scene.title else []
    y = 12.0
    out_body: list[str] = []
    for ln in title_lines:
        y += 16
        out_body.append(f'<text class="title" x="{_n(width / 2)}" y="{_n(y)}" text-anchor="middle" '
                        f'font-size="{_n(FS_TITLE)}" font-weight="bold">{_esc(ln)}</text>')
    y += 12 if title_lines else 0

    head_top = y
    head_bottom = head_top + HEAD_H
    heads = []
    for n, x in zip(names, xs):
        w = text_width(n, FS_HEAD, True) + 20
        heads.append(
            f'<g class="lifeline" data-name="{_esc(n)}">'
            f'<rect x="{_n(x - w / 2)}" y="{_n(head_top)}" width="{_n(w)}" height="{_n(HEAD_H)}" '
            f'fill="#ffffff" stroke="{INK}" stroke-width="1.2"/>'
            f'<text x="{_n(x)}" y="{_n(head_top + HEAD_H / 2 + 4.3)}" text-anchor="middle" '
            f'font-size="{_n(FS_HEAD)}" font-weight="bold">{_esc(n)}</text>'
            "</g>"
        )

    # Vertical placement of the rows (frames need room above their first row and below their last).
    starts = {}
    ends = {}
    for s in frames:
        starts.setdefault(s.first, []).append(s)
        ends.setdefault(s.last, []).append(s)
    y = head_bottom + 14
    tops, bottoms, frame_top = [], [], {}
    for i, box in enumerate(boxes):
        for s in starts.get(i, []):
            frame_top[id(s)] = y
            y += FRAME_HEAD
        tops.append(y)
        y += box.height + (12 if scene.rows[i].kind == "message" else 10)
        bottoms.append(y)
        for _ in ends.get(i, []):
            y += 8
    body_bottom = y + 8

    layers = {"bands": [], "frames": [], "lines": [], "rows": [], "brackets": []}
    x_left_band = 6.0
    for i, (row, box) in enumerate(zip(scene.rows, boxes)):
        top = tops[i]
        attrs = (f'data-action="{row.action + 1}" data-step="{_esc(row.step or "")}" '
                 f'data-group="{_esc(row.group or "")}" data-from="{_esc(row.src)}" data-to="{_esc(row.dst)}"')
        if row.optional:
            attrs += ' data-optional="true"'
        if row.highlight:
            attrs += ' data-highlight="true"'
            layers["bands"].append(
                f'<rect class="violation" x="{_n(x_left_band)}" y="{_n(top - 4)}" '
                f'width="{_n(width - 2 * x_left_band)}" height="{_n(bottoms[i] - top)}" fill="{BAND}"/>'
            )
        color = RED if row.highlight else INK
        weight = ' font-weight="bold"' if row.highlight else ""
        parts = [f'<g class="{row.kind}" {attrs}>']
        if row.kind == "message":
            x1, x2 = xs[col[row.src]], xs[col[row.dst]]
            mid = (x1 + x2) / 2
            ty = top + FS - 1
            bg = BAND if row.highlight else "#ffffff"
            parts.append(f'<rect x="{_n(mid - box.width / 2 - 3)}" y="{_n(top - 2)}" width="{_n(box.width + 6)}" '
                         f'height="{_n(box.height + 2)}" fill="{bg}"/>')
            for k, (text, size, _) in enumerate(box.lines):
                parts.append(f'<text x="{_n(mid)}" y="{_n(ty)}" text-anchor="middle" font-size="{_n(size)}" '
                             f'fill="{color}"{weight}>{_esc(text)}</text>')
                ty += LINE if k == 0 else LINE_DETAIL
            ay = top + box.height + 5
            dash = ' stroke-dasharray="6,4"' if row.optional else ""
            sw = "2.2" if row.highlight else "1.2"
            d = 1 if x2 > x1 else -1
            parts.append(f'<line x1="{_n(x1)}" y1="{_n(ay)}" x2="{_n(x2 - d * 8)}" y2="{_n(ay)}" '
                         f'stroke="{color}" stroke-width="{sw}"{dash}/>')
            parts.append(f'<polygon points="{_n(x2)},{_n(ay)} {_n(x2 - d * 10)},{_n(ay - 4)} '
                         f'{_n(x2 - d * 10)},{_n(ay + 4)}" fill="{color}"/>')
        else:
            x = xs[col[row.src]]
            stroke = RED if row.highlight else INK
            dash = ' stroke-dasharray="5,3"' if row.optional else ""
            parts.append(f'<rect x="{_n(x - box.width / 2)}" y="{_n(top)}" width="{_n(box.width)}" '
                         f'height="{_n(box.height)}" rx="4" fill="#f2f2f2" stroke="{stroke}" '
                         f'stroke-width="{"2.2" if row.highlight else "1"}"{dash}/>')
            ty = top + 4 + FS - 1
            for text, size, _ in box.lines:
                parts.append(f'<text x="{_n(x)}" y="{_n(ty)}" text-anchor="middle" font-size="{_n(size)}" '
                             f'fill="{color}"{weight}>{_esc(text)}</text>')
                ty += LINE
        if row.highlight:
            cy = top + box.height / 2 + 2
            parts.append(f'<circle cx="{_n(frame_right - 10)}" cy="{_n(cy)}" r="7" fill="{RED}"/>'
                         f'<text x="{_n(frame_right - 10)}" y="{_n(cy + 4)}" text-anchor="middle" '
                         f'font-size="11" font-weight="bold" fill="#ffffff">!</text>')
        parts.append("</g>")
        layers["rows"].append("".join(parts))

    for s in ranges:
        top, bottom = tops[s.first] - 1, bottoms[s.last] - 9  # a clear gap between adjacent brackets
        mid = (top + bottom) / 2
        layers["brackets"].append(
            f'<g class="span" data-kind="range" data-label="{_esc(s.label)}">'
            f'<path d="M{_n(bracket_x + 6)},{_n(top)} H{_n(bracket_x)} V{_n(bottom)} H{_n(bracket_x + 6)}" '
            f'fill="none" stroke="{INK}" stroke-width="1.2"/>'
            f'<text class="step" x="{_n(bracket_x - 4)}" y="{_n(mid + 4)}" text-anchor="end" '
            f'font-size="{_n(FS_STEP)}" font-weight="bold">{_esc(s.label)}</text></g>'
        )
    for depth, s in enumerate(frames):
        inset = 4 * (depth % 3)
        top = frame_top[id(s)]
        bottom = bottoms[s.last] + 2
        left, right = frame_left + inset, frame_right - inset
        tag = "opt" if s.kind == "optional" else "loop"
        tw = text_width(tag, 10, True) + 14
        layers["frames"].append(
            f'<g class="span" data-kind="{s.kind}" data-label="{_esc(s.label)}">'
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" height="{_n(bottom - top)}" '
            f'fill="none" stroke="{GREY}" stroke-width="1" stroke-dasharray="4,3"/>'
            f'<path d="M{_n(left)},{_n(top)} H{_n(left + tw)} V{_n(top + 10)} L{_n(left + tw - 5)},{_n(top + 15)} '
            f'H{_n(left)} Z" fill="#ffffff" stroke="{GREY}" stroke-width="1"/>'
            f'<text x="{_n(left + 4)}" y="{_n(top + 11)}" font-size="10" font-weight="bold">{tag}</text>'
            f'<text x="{_n(left + tw + 6)}" y="{_n(top + 11)}" font-size="10" font-style="italic" '
            f'fill="{GREY}">[{_esc(s.label)}]</text></g>'
        )
    for x in xs:
        layers["lines"].append(f'<line x1="{_n(x)}" y1="{_n(head_bottom)}" x2="{_n(x)}" y2="{_n(body_bottom)}" '
                               f'stroke="{GREY}" stroke-width="1"/>')

    y = body_bottom + 8
    foot: list[str] = []
    if scene.caption:
        for ln in wrap(scene.caption, FS, width - 24, bold=True):
            y += 16
            foot.append(f'<text class="caption" x="{_n(width / 2)}" y="{_n(y)}" text-anchor="middle" '
                        f'font-size="{_n(FS)}" font-weight="bold">{_esc(ln)}</text>')
    for note in scene.notes:
        for ln in wrap(note, FS_DETAIL, width - 24):
            y += 13
            foot.append(f'<text class="note" x="12" y="{_n(y)}" font-size="{_n(FS_DETAIL)}" '
                        f'fill="{GREY}">{_esc(ln)}</text>')
    height = y + 12

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{FONT_FAMILY}" class="imsflow-sequence">',
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
    ]
    out += out_body
    out += layers["bands"] + layers["lines"] + heads + layers["frames"] + layers["brackets"] + layers["rows"]
    out += foot
    out.append("</svg>")
    return "\n".join(out) + "\n"
