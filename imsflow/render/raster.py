"""PNG copies of the SVG diagrams, made without a browser.

Every diagram - the sequence diagrams imsflow lays out itself and the Graphviz state charts -
is rasterised from its SVG with CairoSVG (Cairo, no browser, no Java), at the width it is
pasted at (entity_charts.png_of, formats.figure_files).
PNG pixels depend on the fonts installed, so PNGs are convenience copies: the SVG and the
text forms are what the stale-diagram test compares byte for byte.
"""

from __future__ import annotations

SCALE = 2.0  # twice the SVG's size: crisp when pasted into a document at A4 width


def available() -> bool:
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):  # OSError: the Python package is there, libcairo is not
        return False
    return True


def svg_to_png(svg: str, scale: float = SCALE) -> bytes:
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)


def svg_to_png_width(svg: str, width_px: int) -> bytes:
    """A PNG exactly `width_px` wide (a figure at the width it is pasted at)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=width_px, background_color="white")
