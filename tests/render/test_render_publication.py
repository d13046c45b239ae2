"""The publication style of the flow figures (`imsflow diagrams`, default): what an editor pastes
into a TR.  The committed figures are opened as a reader would - rendered to pixels at the
600 px (15.9 cm) they are pasted at - and their text measured."""

import os
import re
import struct
import xml.etree.ElementTree as ET

import pytest

from imsflow.render import figure, publication, raster
from imsflow.render.scene import Participant, Row, Scene

from committed import SEQUENCE_FIGURES, STATE_CHARTS, figure_id, tracked_svgs
from conftest import MINI
from pixels import PAGE_PX, TextBox, cap_height_px, measure, text_boxes

SVG = "{http://www.w3.org/2000/svg}"
COMMITTED = SEQUENCE_FIGURES
MIN_PT = 8.0


def _texts(root):
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _png_size(path):
    with open(path, "rb") as fh:
        head = fh.read(24)
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def mini_pub(mini_gallery):
    return ET.fromstring(mini_gallery.files["diagrams/flows/R.svg"])


def test_caption_and_provenance_are_metadata_not_drawn(mini_pub):
    title = mini_pub.find(f"{SVG}title").text
    assert re.fullmatch(r"Figure 6\.X\.\S+-1: .+", title), title
    drawn = " ".join(_texts(mini_pub))
    assert "Figure" not in drawn and "regenerate" not in drawn and "variant" not in drawn
    meta = ET.tostring(mini_pub.find(f"{SVG}metadata"), encoding="unicode")
    assert "imsflow diagrams" in meta and "variant" in meta
    assert float(mini_pub.get("width")) == figure.PAGE_WIDTH


def test_every_arrow_group_is_numbered_once_on_its_first_arrow(mini_pub):
    rows = [g for g in mini_pub.iter(f"{SVG}g") if g.get("class") in ("message", "action")]
    seen = []
    for g in rows:
        if g.get("data-step"):
            assert g.get("data-step") == g.get("data-group")
            seen.append(g.get("data-step"))
            assert "".join(g.itertext()).startswith(g.get("data-step") + ".")
    assert seen == ["3", "4-8", "9", "10", "11", "12", "13"]
    brackets = [p.get("data-label") for p in mini_pub.iter(f"{SVG}path") if p.get("data-kind") == "range"]
    assert brackets == ["4-8"]  # only a step drawn with several arrows gets a bracket


def test_message_fields_only_with_detail(mini_gallery):
    from imsflow.render import gallery

    plain = mini_gallery.files["diagrams/flows/R.svg"].decode()
    detailed = gallery.build(MINI, png=False, detail=True).files["diagrams/flows/R.svg"].decode()
    assert "impu=" not in plain and "impu=" in detailed


def _scene(rows, spans=()):
    names = sorted({r.src for r in rows} | {r.dst for r in rows}, key="ABCDE".index)
    return Scene("t", [Participant(n, n) for n in names], rows, list(spans))


def _msg(i, src, dst, text, step, group=None):
    return Row(action=i, kind="message", src=src, dst=dst, text=text, step=step,
               group=group if group is not None else step)


def test_repeated_block_is_drawn_once_in_a_loop_frame():
    block = [("A", "B", "REGISTER", "1"), ("B", "C", "REGISTER", "2-6"), ("C", "B", "200", "2-6"),
             ("B", "A", "200", "11")]
    rows = [_msg(0, "A", "C", "INIT", "0")]
    for k in range(3):  # three identities: the block three times
        rows += [_msg(len(rows), *hop) for hop in block]
    rows.append(_msg(len(rows), "A", "C", "READY", "12"))
    pub = publication.prepare(_scene(rows), steps=("0", "1", "2-6", "11", "12"))
    assert [r.text for r in pub.rows] == ["INIT", "REGISTER", "REGISTER", "200", "200", "READY"]
    loops = [s for s in pub.spans if s.kind == "loop"]
    assert [(s.first, s.last, s.label) for s in loops] == [(1, 4, "steps 1-11 repeated")]
    assert [r.number for r in pub.rows] == ["0", "1", "2-6", None, "11", "12"]


def test_a_step_the_seed_does_not_define_is_unnumbered_and_grey():
    rows = [_msg(0, "A", "B", "INVITE", "1"), _msg(1, "B", "A", "200", "2"), _msg(2, "A", "B", "BYE", None)]
    pub = publication.prepare(_scene(rows), steps=("1", "2"))
    assert [(r.number, r.seed) for r in pub.rows] == [("1", True), ("2", True), (None, False)]
    svg = ET.fromstring(figure.to_svg(figure.layout(pub)))
    bye = [g for g in svg.iter(f"{SVG}g") if g.get("data-message") == "BYE"][0]
    assert bye.get("data-seed") == "false" and not bye.get("data-step")
    assert bye.find(f"{SVG}line").get("stroke-dasharray") and bye.find(f"{SVG}line").get("stroke") == figure.GREY


def test_an_arrow_the_seed_does_not_write_is_unnumbered_even_inside_a_written_step():
    """The seed's step 2 is the WST's INVITE: the 100 Trying the same action sends first is the
    model's, and so is the ACK after step 20's 200 OK; a summarised step keeps every hop."""
    rows = [_msg(0, "A", "B", "INVITE", "1"), _msg(1, "B", "A", "100", "2"), _msg(2, "B", "C", "INVITE", "2"),
            _msg(3, "C", "B", "183", "4-6"), _msg(4, "B", "A", "183", "4-6"),
            _msg(5, "B", "A", "200", "20"), _msg(6, "A", "B", "ACK", "20")]
    written = publication.written_hops([
        _step("1", "A", "B", "INVITE"), _step("2", "B", "C", "INVITE"), _step("4-6", "C", "B", "183", "standard"),
        _step("20", "B", "A", "200")])
    pub = publication.prepare(_scene(rows), steps=("1", "2", "4-6", "20"), written=written)
    assert [(r.text, r.number, r.seed) for r in pub.rows] == [
        ("INVITE", "1", True), ("100", None, False), ("INVITE", "2", True), ("183", "4-6", True),
        ("183", None, True), ("200", "20", True), ("ACK", None, False)]
    assert [(s.kind, s.label, s.first, s.last) for s in pub.spans] == [("range", "4-6", 3, 4)]


def test_a_bracket_spans_the_written_hops_of_its_step_around_the_models_answers():
    rows = [_msg(0, "A", "B", "INIT", "7-9"), _msg(1, "B", "A", "ANSWER", "7-9"), _msg(2, "A", "B", "UPDATE", "7-9"),
            _msg(3, "B", "A", "ANSWER", "7-9")]
    written = publication.written_hops([_step("7-9", "A", "B", "INIT"), _step("7-9", "A", "B", "UPDATE")])
    pub = publication.prepare(_scene(rows), steps=("7-9",), written=written)
    assert [(r.number, r.seed) for r in pub.rows] == [("7-9", True), (None, False), (None, True), (None, False)]
    assert [(s.kind, s.first, s.last) for s in pub.spans] == [("range", 0, 2)]


def test_an_arrow_of_the_next_written_step_sent_by_this_steps_action_takes_its_receivers_step():
    rows = [_msg(0, "A", "B", "183", "7-8"), _msg(1, "B", "C", "UPD", "7-8"), _msg(2, "B", "D", "183", "7-8"),
            _msg(3, "D", "E", "AAR", "9-10")]
    rows[2].receipt_step = "9-10"
    written = publication.written_hops([_step("7-8", "A", "B", "183"), _step("7-8", "B", "C", "UPD"),
                                        _step("9-10", "B", "D", "183"), _step("9-10", "D", "E", "AAR")])
    pub = publication.prepare(_scene(rows), steps=("7-8", "9-10"), written=written)
    assert [(r.number, r.group, r.seed) for r in pub.rows] == [
        ("7-8", "7-8", True), (None, "7-8", True), ("9-10", "9-10", True), (None, "9-10", True)]


def _step(label, src, dst, message, summarised=""):
    from imsflow.editors.flowfile import FlowStep

    first, _, last = label.partition("-")
    return FlowStep(label, int(first), int(last or first), src, dst, message, 0, summarised=summarised)


def test_seed_figures_number_the_seeds_own_arrows(seed_gallery):
    """F6: "2." on the WST's INVITE to the P-CSCF, not on the 100 Trying; the ACK after step 20
    unnumbered, outside its bracket, in the non-seed style."""
    root = ET.fromstring(seed_gallery.files["diagrams/flows/F6.svg"])
    rows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "message"]
    by = {(g.get("data-from"), g.get("data-to"), g.get("data-message")): g for g in rows}
    assert by[("WST", "P-CSCF", "INVITE")].get("data-step") == "2"
    assert by[("WST", "WIC", "100")].get("data-seed") == "false" and not by[("WST", "WIC", "100")].get("data-step")
    assert by[("WIC", "WST", "ACK")].get("data-seed") == "false"
    ranges = [g for g in root.iter(f"{SVG}path") if g.get("data-kind") == "range"]
    assert "20" not in [g.get("data-label") for g in ranges]
    for flow in ("F6", "F7", "F8", "F9"):
        svg = seed_gallery.files[f"diagrams/flows/{flow}.svg"].decode()
        assert 'data-seed="false"' in svg, flow


def test_inner_hops_of_a_range_stay_in_the_range():
    rows = [_msg(0, "A", "B", "REGISTER", "4-8"), _msg(1, "B", "C", "REGISTER", None, group="4-8"),
            _msg(2, "C", "A", "401", "9")]
    pub = publication.prepare(_scene(rows), steps=("4-8", "9"))
    assert [(r.number, r.seed) for r in pub.rows] == [("4-8", True), (None, True), ("9", True)]
    assert [(s.kind, s.first, s.last) for s in pub.spans] == [("range", 0, 1)]


def test_a_long_label_wraps_and_stays_on_the_page():
    long = "a message with a very long name that cannot fit between two neighbouring lifelines at all" * 2
    rows = [Row(action=0, kind="message", src="A", dst="B", text="X", display=long, step="1", group="1")]
    fig = figure.layout(publication.prepare(_scene(rows), steps=("1",)))
    label = fig.arrows[0].label
    assert len(label) > 1
    for t in label:
        x0, _, x1, _ = t.box()
        assert 0 <= x0 and x1 <= figure.PAGE_WIDTH


def test_points_at_page():
    assert figure.points_at_page(figure.FS, figure.PAGE_WIDTH) >= MIN_PT
    assert figure.points_at_page(12, 1089) < 8  # the detailed style of a wide flow, for contrast


@pytest.mark.parametrize("path", COMMITTED, ids=figure_id)
def test_committed_figure_text_is_at_least_8pt_at_15_9_cm(path):
    with open(path, "rb") as fh:
        svg = fh.read()
    boxes, width = text_boxes(svg)
    assert boxes
    smallest = min(figure.points_at_page(b.size, width) for b in boxes)
    assert smallest >= MIN_PT, f"{os.path.basename(path)}: {smallest:.1f} pt at 15.9 cm"
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a.text, b.text)


@pytest.mark.skipif(not raster.available(), reason="CairoSVG is not installed")
@pytest.mark.parametrize("path", COMMITTED, ids=figure_id)
def test_committed_figure_rendered_at_600px(path):
    """Rendered at 600 px: every capital letter at least 8 pt high, every glyph inside the
    box the overlap check assumed, and the committed PNGs at 600 and 1200 px."""
    with open(path, "rb") as fh:
        svg = fh.read()
    measured, stray, (w, h) = measure(svg, PAGE_PX)
    assert w == PAGE_PX and h > 100
    need = cap_height_px(MIN_PT) - 0.5  # half a pixel of anti-aliasing
    for m in measured:
        if re.search(r"[A-Z0-9]", m.box.text):
            assert m.ink_height >= need, (m.box.text, m.ink_height, need)
    assert stray == 0, f"{stray} px of text outside the predicted boxes"
    stem = path[:-4]
    assert _png_size(stem + ".png")[0] == PAGE_PX
    if "/flows/" in path:  # a flow figure has a copy for screens too; a counterexample its PNG alone
        assert _png_size(stem + "@2x.png")[0] == 2 * PAGE_PX


def test_every_seed_message_has_a_display_name():
    from model.messages import DISPLAY, VOCABULARY

    assert set(DISPLAY) <= set(VOCABULARY.names()), "display names of messages no longer declared"
    missing = [n for n in VOCABULARY.names() if n not in DISPLAY and not VOCABULARY.types[n].display]
    assert not missing, f"messages without a display name (shown as '<protocol>: <name>'): {missing}"
    assert VOCABULARY.display("401") == "SIP: 401 Unauthorized"


def test_the_size_tests_cover_every_committed_figure():
    """Every SVG in the repository is a flow, counterexample or state chart of some model's
    diagrams/, and so measured by the tests above and below."""
    tracked = tracked_svgs()
    if tracked is None:
        pytest.skip("not a git checkout")
    assert set(tracked) <= set(SEQUENCE_FIGURES) | set(STATE_CHARTS)
    for kind in ("diagrams/counterexamples/", "models/annex_u/diagrams/", "examples/two_phase/diagrams/"):
        assert any(kind in p for p in SEQUENCE_FIGURES + STATE_CHARTS), kind


@pytest.mark.parametrize("path", STATE_CHARTS, ids=figure_id)
def test_committed_state_chart_fits_a_page_at_8pt(path):
    """Scaled into a page's text area (15.9 x 24.7 cm), the smallest text stays >= 8 pt;
    rendered at that size, capitals are 8 pt high; no two texts overlap."""
    from imsflow.render import phases

    with open(path, encoding="utf-8") as fh:
        svg = fh.read()
    assert "lambda" not in svg and "==" not in svg  # guards by name, never as source
    assert phases.smallest_text_pt(svg) >= MIN_PT, f"{phases.smallest_text_pt(svg):.1f} pt"
    w_pt, _ = phases.svg_size_pt(svg)
    px = round(w_pt * phases.page_scale(svg) * PAGE_PX / phases.PAGE_W_PT)
    measured, stray, (w, h) = measure(svg.encode("utf-8"), px)
    need = cap_height_px(MIN_PT) - 0.5
    for m in measured:
        if re.search(r"[A-Z0-9]", m.box.text):
            assert m.ink_height >= need, (m.box.text, m.ink_height, need)
    boxes = [m.box for m in measured]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            shrunk = TextBox(a.text, a.size, a.x0 + 1.5, a.y0 + 1.5, a.x1 - 1.5, a.y1 - 1.5)  # Graphviz's widths
            assert not shrunk.overlaps(b), (a.text, b.text)
    stem = path[:-4]
    assert _png_size(stem + ".png")[0] == px


def test_too_many_entities_widen_the_figure_instead_of_drawing_off_the_page():
    names = [f"ENTITY-NUMBER-{k}" for k in range(12)]
    rows = [Row(action=k, kind="message", src=a, dst=b, text="X", step=str(k + 1), group=str(k + 1))
            for k, (a, b) in enumerate(zip(names, names[1:]))]
    sc = Scene("t", [Participant(n, n) for n in names], rows)
    fig = figure.layout(publication.prepare(sc, steps=[str(k + 1) for k in range(11)]))
    assert fig.width > figure.PAGE_WIDTH
    assert figure.points_at_page(figure.FS, fig.width) < MIN_PT  # honest: this one is not pasteable
    for name, x, _, w, _ in fig.heads:
        assert w / 2 <= x <= fig.width - w / 2
    svg = figure.to_svg(fig)
    boxes, width = text_boxes(svg.encode())
    assert abs(width - fig.width) < 0.06 and all(b.x1 <= width for b in boxes)
