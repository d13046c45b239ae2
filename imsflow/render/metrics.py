"""Text widths without a font engine.

The sequence diagrams are laid out by imsflow itself, so that the SVG is byte-identical on
every machine: widths come from this fixed table (Arial/Helvetica advance widths, in 1/1000
em; Liberation Sans, the fallback on Linux, is metric-compatible), never from whatever fonts
happen to be installed.  Characters outside printable ASCII count as a wide glyph.
"""

from __future__ import annotations

FONT_FAMILY = "Arial, Liberation Sans, Helvetica, sans-serif"

_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)
_WIDE = 1000  # arrows, ellipses and other non-ASCII glyphs: assume a full em (errs wide)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Advance width of `text` at font size `size` (same unit as size)."""
    table = _BOLD if bold else _REGULAR
    total = 0
    for ch in text:
        code = ord(ch)
        total += table[code - 32] if 32 <= code < 127 else _WIDE
    return total * size / 1000.0
