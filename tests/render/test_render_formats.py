"""The formats an editor uses, for every flow figure (formats.py): draw.io, Msc-generator,
mscgen, Mermaid, PlantUML, EMF and the DOCX clause - each read back by a parser or tool."""

import glob
import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import render_syntax as syntax
from imsflow.loader import REPO_ROOT
from imsflow.render import emf, formats, gallery

SVG = "{http://www.w3.org/2000/svg}"
FLOWS = os.path.join(REPO_ROOT, "diagrams", "flows")
SEED_FLOWS = [f"F{i}" for i in range(1, 10)]


def _arrows(svg: bytes) -> int:
    return sum(1 for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == "message")


def test_one_command_writes_every_format_of_every_flow():
    for flow in SEED_FLOWS:
        for suffix in formats.TEXT_SUFFIXES + formats.BINARY_SUFFIXES:
            assert os.path.exists(os.path.join(FLOWS, flow + suffix)), flow + suffix
    assert os.path.exists(os.path.join(REPO_ROOT, gallery.DOCX))


@pytest.mark.parametrize("flow", SEED_FLOWS)
def test_drawio_is_mxgraph_with_one_cell_per_arrow(flow):
    with open(os.path.join(FLOWS, f"{flow}.drawio"), "rb") as fh:
        root = ET.fromstring(fh.read())
    assert root.tag == "mxfile"
    model = root.find("diagram/mxGraphModel")
    cells = model.findall("root/mxCell")
    ids = [c.get("id") for c in cells]
    assert ids[:2] == ["0", "1"] and len(set(ids)) == len(ids)
    arrows = [c for c in cells if c.get("style", "").startswith("imsflow=message;")]
    with open(os.path.join(FLOWS, f"{flow}.svg"), "rb") as fh:
        assert len(arrows) == _arrows(fh.read())
    for c in arrows:
        assert c.get("edge") == "1" and c.get("value")
        geo = c.find("mxGeometry")
        assert {p.get("as") for p in geo.findall("mxPoint")} >= {"sourcePoint", "targetPoint"}
    entities = [c for c in cells if c.get("style", "").startswith("imsflow=entity;")]
    assert entities and all(c.get("vertex") == "1" for c in entities)


def test_drawio_keeps_the_red_band_of_a_divergence():
    from imsflow.render import figure, publication
    from imsflow.render.drawio import to_drawio
    from imsflow.render.scene import Participant, Row, Scene

    rows = [Row(action=0, kind="message", src="A", dst="B", text="X", step="1", group="1", highlight=True)]
    sc = publication.prepare(Scene("t", [Participant("A", "A"), Participant("B", "B")], rows), steps=("1",))
    text = to_drawio(figure.layout(sc), "t")
    assert "imsflow=band;" in text and "strokeColor=#c00000" in text


@pytest.mark.parametrize("flow", SEED_FLOWS)
def test_msc_generator_text_declares_every_entity_and_closes_every_box(flow):
    with open(os.path.join(FLOWS, f"{flow}.signalling"), encoding="utf-8") as fh:
        text = fh.read()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    declared = set(re.findall(r'"([^"]+)"', lines[2]))
    opened = 0
    arrows = 0
    for ln in lines[3:]:
        if ln == "};":
            opened -= 1
            continue
        m = re.match(r'"([^"]+)"(->|>>|--)"([^"]+)"( \[[^\]]*\])?: "(.*)"( \{|;)$', ln)
        assert m, ln
        assert {m.group(1), m.group(3)} <= declared, ln
        opened += m.group(6) == " {"
        arrows += m.group(2) in ("->", ">>")
    assert opened == 0
    with open(os.path.join(FLOWS, f"{flow}.svg"), "rb") as fh:
        assert arrows == _arrows(fh.read())


@pytest.mark.skipif(shutil.which("mscgen") is None, reason="mscgen is not installed")
@pytest.mark.parametrize("flow", ["F1", "F4", "F6"])
def test_mscgen_text_is_drawn_by_mscgen(flow, tmp_path):
    out = tmp_path / f"{flow}.svg"
    proc = subprocess.run(["mscgen", "-T", "svg", "-i", os.path.join(FLOWS, f"{flow}.msc"), "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "SIP" in out.read_text()


@pytest.mark.parametrize("flow", SEED_FLOWS)
def test_publication_mermaid_and_plantuml_parse(flow):
    with open(os.path.join(FLOWS, f"{flow}.mmd"), encoding="utf-8") as fh:
        mmd = fh.read()
    with open(os.path.join(FLOWS, f"{flow}.puml"), encoding="utf-8") as fh:
        puml = fh.read()
    assert syntax.mermaid_sequence(mmd) == [] and syntax.plantuml_sequence(puml) == []
    assert "SIP: " in mmd and "impu=" not in mmd  # display names, no fields


def test_docx_holds_every_figure_with_caption_and_step_text():
    import docx

    doc = docx.Document(os.path.join(REPO_ROOT, gallery.DOCX))
    paras = doc.paragraphs
    holders = [p for p in paras if p.style.name == "TH"]
    captions = [p for p in paras if p.style.name == "TF"]
    assert len(holders) == len(captions) == len(doc.inline_shapes) >= 9
    pattern = r"Figure 6\.X\.2\.\d\.\d-1( \(part (\d) of (\d)\))?: .+"
    assert all(re.fullmatch(pattern, c.text) for c in captions)
    whole = [c for c in captions if re.fullmatch(pattern, c.text).group(1) is None
             or re.fullmatch(pattern, c.text).group(2) == re.fullmatch(pattern, c.text).group(3)]
    assert len(whole) == 9  # a figure's last (or only) part: the step text follows it
    for k, cap in enumerate(whole):
        after = paras[paras.index(cap) + 1:]
        steps = []
        for p in after:
            if p.style.name != "B1":
                break
            steps.append(p.text)
        assert steps and steps[0].startswith(("0. ", "1. ", "1-4. ")), (cap.text, steps[:1])
    width_cm = doc.inline_shapes[0].width.cm
    assert abs(width_cm - 15.9) < 0.05


@pytest.mark.parametrize("rel", [gallery.DOCX, "models/annex_u/" + gallery.DOCX, "examples/two_phase/" + gallery.DOCX])
def test_every_docx_figure_fits_the_pages_text_area(rel):
    """A4, and every picture within the section's usable width and height; a tall flow is in
    parts (its text stays 8.25 pt) rather than scaled down."""
    import docx

    doc = docx.Document(os.path.join(REPO_ROOT, rel))
    sec = doc.sections[0]
    assert (round(sec.page_width.cm, 1), round(sec.page_height.cm, 1)) == (21.0, 29.7)
    usable_w = sec.page_width - sec.left_margin - sec.right_margin
    usable_h = sec.page_height - sec.top_margin - sec.bottom_margin
    for shape in doc.inline_shapes:
        assert shape.width <= usable_w + 360 and shape.height <= usable_h, (shape.width.cm, shape.height.cm)
        assert abs(shape.width.cm - 15.9) < 0.05  # never scaled down: the text stays >= 8 pt


@pytest.mark.skipif(not emf.available(), reason="Inkscape is not installed")
def test_emf_converts_back_to_the_figure():
    from PIL import Image

    with open(os.path.join(FLOWS, "F5.emf"), "rb") as fh:
        data = fh.read()
    assert data[40:44] == b" EMF"  # the EMF header signature
    img = Image.open(io.BytesIO(emf.to_png(data))).convert("L")
    w, h = img.size
    assert abs(w - 600) <= 2  # read back at the figure's width
    dark = sum(img.histogram()[:128])
    assert dark > 0.01 * w * h  # lines and text came back, not a blank page
