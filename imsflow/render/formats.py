"""Every format of one publication figure, as files: what an editor pastes or edits.

    <stem>.svg       the figure, 600 units wide (15.9 cm), caption and provenance in its metadata
    <stem>.png       at figure width (600 px)
    <stem>@2x.png    at twice that, for screens

PNGs are convenience copies (their pixels depend on the installed fonts); every text form is
byte-for-byte reproducible.
"""

from __future__ import annotations

from . import figure, raster

PNG_SUFFIXES = (".png", "@2x.png")


def figure_files(stem: str, pub, fig, *, png: bool = True) -> dict:
    """{path: bytes} for the prepared scene `pub` laid out as `fig`."""
    svg = figure.to_svg(fig)
    out = {f"{stem}.svg": svg.encode("utf-8")}
    if png:
        out[f"{stem}.png"] = raster.svg_to_png(svg, scale=figure.PAGE_WIDTH / fig.width)
        out[f"{stem}@2x.png"] = raster.svg_to_png(svg, scale=2 * figure.PAGE_WIDTH / fig.width)
    return out
