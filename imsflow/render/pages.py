"""A flow figure on the pages of a document: A4 with 3GPP-like margins, and a figure taller
than the text area split into parts at step boundaries.

Scaling a tall figure down to the page would shrink its text with it (F6 at 15.9 cm is some
35 cm tall: fitted to the page, its 8.25 pt text falls to about 5 pt), so a figure that does
not fit is cut instead: "Figure 6.X.2.3.1-1 (part 1 of 2): ...", each part with every
lifeline's head, cut only where a step begins and no frame (loop, opt, alt) or bracket
is open, each part as tall as the page allows.  Every part keeps the 15.9 cm width and so
the text stays at 8.25 pt.
"""

from __future__ import annotations

from dataclasses import replace

from . import figure
from .scene import Scene

PAGE_W_CM, PAGE_H_CM = 21.0, 29.7  # A4
MARGIN_SIDE_CM, MARGIN_TOP_CM, MARGIN_BOTTOM_CM = 2.55, 2.5, 2.5  # text area 15.9 x 24.7 cm
TEXT_W_CM = PAGE_W_CM - 2 * MARGIN_SIDE_CM
TEXT_H_CM = PAGE_H_CM - MARGIN_TOP_CM - MARGIN_BOTTOM_CM
CAPTION_CM = 1.5  # the TF caption under the figure and the TH paragraph's spacing
FIGURE_H_CM = TEXT_H_CM - CAPTION_CM


def height_cm(fig) -> float:
    """The figure's height when pasted 15.9 cm wide."""
    return fig.height * figure.PAGE_CM / fig.width


def _cuts(sc: Scene) -> list:
    """The rows a part may start at: a step's first arrow, outside every frame and bracket."""
    return [i for i, r in enumerate(sc.rows)
            if i > 0 and r.number is not None and not any(s.first < i <= s.last for s in sc.spans)]


def _part(sc: Scene, first: int, last: int) -> Scene:
    spans = [replace(s, first=s.first - first, last=s.last - first) for s in sc.spans
             if s.first >= first and s.last <= last]
    return Scene(title=sc.title, participants=list(sc.participants), rows=sc.rows[first:last + 1],
                 spans=spans, caption=sc.caption, notes=[])


def split(pub: Scene, fig, *, max_cm: float = FIGURE_H_CM) -> list:
    """[(caption, Figure)]: `fig` (the layout of the prepared scene `pub`) as it is when it
    fits `max_cm`, else its parts, each fitting when a cut allows it."""
    if height_cm(fig) <= max_cm:
        return [(pub.caption, fig)]
    def lay(sc):
        return figure.layout(sc, detail=fig.detail, metadata=fig.metadata)

    cuts = _cuts(pub) + [len(pub.rows)]
    parts, start = [], 0
    while start < len(pub.rows):
        # the furthest cut whose part still fits (at least the next one, if none does)
        ends = [c for c in cuts if c > start]
        end = ends[0]
        for c in ends[1:]:
            if height_cm(lay(_part(pub, start, c - 1))) > max_cm:
                break
            end = c
        parts.append(_part(pub, start, end - 1))
        start = end
    n = len(parts)
    head, _, title = pub.caption.partition(": ")
    return [(f"{head} (part {k} of {n}): {title}" if title else f"{pub.caption} (part {k} of {n})", lay(p))
            for k, p in enumerate(parts, 1)]
