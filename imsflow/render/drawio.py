"""A publication figure as a draw.io (diagrams.net) file: editable shapes, not a picture.

The mxGraph model holds one vertex per entity box, one line cell per lifeline, one edge cell per
arrow (its label the arrow's text, "4-8. SIP: REGISTER"), one vertex per action box, frame and
red band, and one line per step bracket - all at the coordinates of the SVG, so the file opens
looking like the figure and every part can be moved or retyped.
"""

from __future__ import annotations

from .figure import GREY, INK, SPAN_KIND, Figure, _n, esc

_TEXT = "fontFamily=Arial;fontSize=11;"


def _label(texts) -> str:
    return "&#xa;".join(esc(t.text) for t in texts)


class _Cells:
    def __init__(self):
        self.out = ['<mxCell id="0"/>', '<mxCell id="1" parent="0"/>']
        self.next = 2

    def add(self, kind: str, value: str, style: str, geometry: str, *, edge: bool = False) -> str:
        cid = f"c{self.next}"
        self.next += 1
        role = 'edge="1"' if edge else 'vertex="1"'
        # the role is kept in the style (draw.io ignores style keys it does not know)
        self.out.append(f'<mxCell id="{cid}" value="{value}" style="imsflow={kind};{style}" {role} parent="1">'
                        f'{geometry}</mxCell>')
        return cid


def _box(x, y, w, h) -> str:
    return f'<mxGeometry x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" as="geometry"/>'


def _line(x1, y1, x2, y2) -> str:
    return (f'<mxGeometry relative="1" as="geometry"><mxPoint x="{_n(x1)}" y="{_n(y1)}" as="sourcePoint"/>'
            f'<mxPoint x="{_n(x2)}" y="{_n(y2)}" as="targetPoint"/></mxGeometry>')


def to_drawio(fig: Figure, name: str) -> str:
    cells = _Cells()
    for x, y, w, h in fig.bands:
        cells.add("band", "", "rounded=0;fillColor=#fde4e4;strokeColor=none;", _box(x, y, w, h))
    for f in fig.frames:
        cells.add(SPAN_KIND.get(f.kind, f.kind), esc(f"{f.kind} [{f.guard}]"),
                  "shape=umlFrame;whiteSpace=wrap;html=0;width=40;height=14;fillColor=none;"
                  "verticalAlign=top;align=left;spacingLeft=44;" + _TEXT, _box(f.x, f.y, f.w, f.h))
    for x, y1, y2 in fig.lifelines:
        cells.add("lifeline", "", f"endArrow=none;html=0;strokeColor={GREY};", _line(x, y1, x, y2), edge=True)
    for label, x, y1, y2 in fig.brackets:
        cells.add("range", esc(label), "endArrow=none;html=0;edgeStyle=none;strokeColor=#000000;noLabel=1;",
                  _line(x, y1, x, y2), edge=True)
    for name_, x, y, w, h in fig.heads:
        cells.add("entity", esc(name_), "rounded=0;whiteSpace=wrap;fontStyle=1;" + _TEXT, _box(x - w / 2, y, w, h))
    for b in fig.boxes:
        dash = "dashed=1;" if b.dashed else ""
        cells.add("action", _label(b.label), f"rounded=0;whiteSpace=wrap;fillColor=#f2f2f2;strokeColor={b.color};"
                  f"fontColor={b.color};{dash}" + _TEXT, _box(b.x, b.y, b.w, b.h))
    for a in fig.arrows:
        dash = "dashed=1;" if a.dashed else ""
        colour = a.color if a.color != INK else "#000000"
        # the label sits above the arrow, as in the SVG: offset up by its height
        lift = 13 * len(a.label) / 2 + 4
        cells.add("message", _label(a.label),
                  f"endArrow=block;endFill=1;html=0;strokeColor={colour};fontColor={colour};{dash}"
                  f"verticalAlign=bottom;labelBackgroundColor=#ffffff;" + _TEXT,
                  _line(a.x1, a.y, a.x2, a.y).replace('as="geometry">', f'as="geometry"><mxPoint y="-{_n(lift)}" as="offset"/>', 1),
                  edge=True)
    body = "".join(cells.out)
    return (f'<mxfile host="imsflow" type="device"><diagram id="{esc(name)}" name="{esc(name)}">'
            f'<mxGraphModel dx="{_n(fig.width)}" dy="{_n(fig.height)}" grid="0" gridSize="10" guides="1" '
            f'page="1" pageWidth="{_n(fig.width)}" pageHeight="{_n(fig.height)}" math="0" shadow="0">'
            f"<root>{body}</root></mxGraphModel></diagram></mxfile>\n")
