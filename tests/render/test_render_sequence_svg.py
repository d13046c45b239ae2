"""The SVG of a sequence diagram in the detailed style (`imsflow diagrams --style detailed`, and
every counterexample), read back as XML: lifelines, arrows, labels, geometry."""

import re
import xml.etree.ElementTree as ET

import pytest

from imsflow.render import gallery, raster, sequence

from conftest import MINI

SVG = "{http://www.w3.org/2000/svg}"


def _parse(data: bytes):
    return ET.fromstring(data)


def _groups(root, cls):
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]


def _lifeline_x(root) -> dict:
    out = {}
    for g in _groups(root, "lifeline"):
        rect = g.find(f"{SVG}rect")
        out[g.get("data-name")] = float(rect.get("x")) + float(rect.get("width")) / 2
    return out


@pytest.fixture(scope="module")
def detailed_gallery():
    return gallery.build(MINI, png=False, style="detailed")


@pytest.fixture(scope="module")
def flow_svg(detailed_gallery):
    return _parse(detailed_gallery.files["diagrams/flows/R.svg"])


def test_lifelines_present_in_order(flow_svg):
    assert [g.get("data-name") for g in _groups(flow_svg, "lifeline")] == ["WIC", "WST", "P-CSCF", "S-CSCF", "HSS"]


def test_number_of_arrows_and_boxes(flow_svg):
    assert len(_groups(flow_svg, "message")) == 9
    assert len(_groups(flow_svg, "action")) == 1


def test_step_labels_in_seed_order(flow_svg):
    groups = []
    for g in flow_svg.iter(f"{SVG}g"):
        if g.get("class") in ("message", "action") and g.get("data-group"):
            if not groups or groups[-1] != g.get("data-group"):
                groups.append(g.get("data-group"))
    assert groups == ["3", "4-8", "9", "10", "11", "12", "13"]
    # The range is drawn once, as a bracket; single steps are written on their arrow.
    brackets = [g.get("data-label") for g in _groups(flow_svg, "span") if g.get("data-kind") == "range"]
    assert brackets == ["4-8"]
    texts = ["".join(t.itertext()) for t in flow_svg.iter(f"{SVG}text")]
    assert "3. REGISTER" in texts and "13. 200" in texts and "4-8. REGISTER" not in texts


def test_every_arrow_lands_on_its_lifelines(flow_svg):
    xs = _lifeline_x(flow_svg)
    for g in _groups(flow_svg, "message"):
        line = g.find(f"{SVG}line")
        tip = float(g.find(f"{SVG}polygon").get("points").split(",")[0])
        assert float(line.get("x1")) == pytest.approx(xs[g.get("data-from")], abs=0.11)
        assert tip == pytest.approx(xs[g.get("data-to")], abs=0.11)


def test_arrows_go_down_the_page_in_trace_order(flow_svg):
    ys = [float(g.find(f"{SVG}line").get("y1")) for g in _groups(flow_svg, "message")]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)


def test_labels_do_not_overlap(flow_svg):
    """Every label's background box is disjoint from every other row's."""
    boxes = []
    for g in flow_svg.iter(f"{SVG}g"):
        if g.get("class") in ("message", "action"):
            r = g.find(f"{SVG}rect")
            boxes.append(tuple(float(r.get(k)) for k in ("x", "y", "width", "height")))
    for i, (x, y, w, h) in enumerate(boxes):
        for (x2, y2, w2, h2) in boxes[i + 1:]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


def test_optional_step_is_dashed_and_framed(flow_svg):
    opt = [g for g in _groups(flow_svg, "message") if g.get("data-optional") == "true"]
    assert len(opt) == 1 and opt[0].find(f"{SVG}line").get("stroke-dasharray")
    frames = [g for g in _groups(flow_svg, "span") if g.get("data-kind") == "optional"]
    assert len(frames) == 1


def test_counterexample_highlights_the_violating_step_in_publication_style(mini_gallery):
    """A finding is drawn as a flow figure is (600 wide, display names, no title band or
    footer): the statement and property in its caption, the replay in its metadata, the
    violating step red on a band, and one legend line naming the property."""
    root = _parse(mini_gallery.files["diagrams/counterexamples/no-info-to-wic__R.svg"])
    assert root.get("width") == "600" and "publication" in root.get("class")
    assert root.find(f"{SVG}title").text == (
        "Counterexample: The WST never sends INFO to the WIC. (no-info-to-wic on R: violated, unexpected)")
    assert not [t for t in root.iter(f"{SVG}text") if t.get("class") in ("title", "caption", "note")]
    hot = [g for g in root.iter(f"{SVG}g") if g.get("data-highlight") == "true"]
    # The violating action is the WST taking the 200 and sending INFO: both arrows are red.
    assert [(g.get("data-from"), g.get("data-to"), g.get("data-step")) for g in hot] == [
        ("P-CSCF", "WST", "11"), ("WST", "WIC", "12")]
    assert all(g.find(f"{SVG}line").get("stroke") == "#c00000" for g in hot)
    rows = [g for g in root.iter(f"{SVG}g") if g.get("class") in ("message", "action")]
    assert rows[-2:] == hot  # an absence property is violated by the last step of its trace
    assert "SIP: INFO" in ["".join(t.itertext()) for g in hot for t in g.iter(f"{SVG}text")]
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "band"]) == 2
    legend = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("class") == "legend")
    assert legend == "Red: the step that violates no-info-to-wic."
    meta = ET.tostring(root.find(f"{SVG}metadata"), encoding="unicode")
    assert "imsflow check --model" in meta and "the forbidden event happens" in meta


def test_vacuous_result_is_drawn_without_a_violation(mini_gallery):
    root = _parse(mini_gallery.files["diagrams/counterexamples/challenge-before-200__R.svg"])
    assert not [g for g in root.iter(f"{SVG}g") if g.get("data-highlight") == "true"]
    assert "vacuous" in root.find(f"{SVG}title").text


def test_coordinates_are_printed_deterministically(detailed_gallery):
    text = detailed_gallery.files["diagrams/flows/R.svg"].decode()
    assert not re.search(r"\d\.\d\d", text)  # one decimal at most, nothing float-noisy
    assert sequence._n(-0.04) == "0" and sequence._n(2.0) == "2" and sequence._n(2.25) in ("2.2", "2.3")


@pytest.mark.skipif(not raster.available(), reason="CairoSVG is not installed")
def test_png_made_without_a_browser(detailed_gallery):
    png = raster.svg_to_png(detailed_gallery.files["diagrams/flows/R.svg"].decode())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    root = _parse(detailed_gallery.files["diagrams/flows/R.svg"])
    assert width == round(float(root.get("width")) * raster.SCALE)
