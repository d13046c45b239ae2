"""A DOCX clause an editor pastes into a TR: for each flow its figure in a TH paragraph, the
3GPP caption in TF, then the numbered step text (B1), the styles named as in the 3GPP template
(TR 21.801 / the 3GPP Word template) so that the paragraphs take the TR's own look when
copied into it.  The page is A4 with a 15.9 x 24.7 cm text area; a figure taller than that
is split at a step boundary into "(part 1 of 2)" figures rather than scaled down (which would
take its text under 8 pt; pages.py).  Written with python-docx.  The DOCX embeds PNGs, so like
them it is a convenience copy: the stale-diagram test checks its presence only (its save time
and zip entry times are fixed, so on one machine it is the same bytes from run to run)."""

from __future__ import annotations

import datetime
import io
import zipfile

from . import pages
from .publication import step_text

FIGURE_CM = 15.9


def _styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    def add(name, *, font, size, bold=False, centre=False, keep=False, after=0, left=0.0, hanging=0.0):
        if name in [s.name for s in doc.styles]:
            return
        st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = doc.styles["Normal"]
        st.font.name, st.font.size, st.font.bold = font, Pt(size), bold
        pf = st.paragraph_format
        pf.space_before, pf.space_after = Pt(0), Pt(after)
        if centre:
            pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pf.keep_with_next = keep
        if left:
            pf.left_indent, pf.first_line_indent = Cm(left), Cm(-hanging)

    add("TH", font="Arial", size=10, bold=True, centre=True, keep=True, after=3)  # the figure holder
    add("TF", font="Arial", size=10, bold=True, centre=True, after=12)  # the caption under it
    add("B1", font="Times New Roman", size=10, after=3, left=0.99, hanging=0.71)  # step list


def _page(doc) -> None:
    """A4 with 3GPP-like margins: a text area of 15.9 x 24.7 cm (pages.py), not python-docx's
    default US Letter."""
    from docx.shared import Cm

    for section in doc.sections:
        section.page_width, section.page_height = Cm(pages.PAGE_W_CM), Cm(pages.PAGE_H_CM)
        section.left_margin = section.right_margin = Cm(pages.MARGIN_SIDE_CM)
        section.top_margin, section.bottom_margin = Cm(pages.MARGIN_TOP_CM), Cm(pages.MARGIN_BOTTOM_CM)


def clause(figures, *, heading: str = "") -> bytes:
    """`figures`: [(prepared scene, [(caption, PNG bytes, width in units)])] -> the DOCX bytes:
    each figure's parts (one, unless it is taller than the page) with their captions, then
    the figure's step text."""
    import docx
    from docx.shared import Cm

    doc = docx.Document()
    _page(doc)
    _styles(doc)
    if heading:
        doc.add_heading(heading, level=2)
    for pub, parts in figures:
        for caption, png, width in parts:
            holder = doc.add_paragraph(style="TH")
            holder.add_run().add_picture(io.BytesIO(png), width=Cm(FIGURE_CM * width / 600.0))
            doc.add_paragraph(caption, style="TF")
        for line in step_text(pub):
            doc.add_paragraph(line, style="B1")
    props = doc.core_properties
    props.created = props.modified = FIXED_TIME
    props.last_modified_by = props.author = "imsflow diagrams"
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _stable_zip(buf.getvalue())


FIXED_TIME = datetime.datetime(2000, 1, 1)  # no save time: the same figures, the same file


def _stable_zip(data: bytes) -> bytes:
    """The package re-zipped with fixed entry times (zipfile stamps each entry with the clock),
    so that regenerating unchanged figures leaves the DOCX unchanged."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
