"""Scenes: what a trace becomes, row by row, before any renderer sees it."""

from imsflow.render import scene
from imsflow.loader import load

from conftest import MINI


def _flow_scene(mini_run):
    from imsflow.render.gallery import flow_scene

    ts = mini_run.systems["R"]
    trace = mini_run.traces[("flow-reachable", "R")]
    return flow_scene(load(MINI).model, "R", ts, trace)


def test_lifelines_follow_the_reference_architecture_not_the_composition(mini_run):
    sc = _flow_scene(mini_run)
    # compose() lists HSS, WST, S-CSCF, WIC, P-CSCF; the figure must read like the seed's.
    assert [p.name for p in sc.participants] == ["WIC", "WST", "P-CSCF", "S-CSCF", "HSS"]


def test_every_send_is_an_arrow_and_only_true_internal_events_are_boxes(mini_run):
    sc = _flow_scene(mini_run)
    arrows = [(r.src, r.dst, r.text) for r in sc.rows if r.kind == "message"]
    assert arrows == [
        ("WIC", "WST", "REGISTER"), ("WST", "P-CSCF", "REGISTER"), ("P-CSCF", "S-CSCF", "REGISTER"),
        ("S-CSCF", "HSS", "MAR"), ("HSS", "S-CSCF", "MAA"), ("S-CSCF", "P-CSCF", "200"),
        ("P-CSCF", "WST", "200"), ("WST", "WIC", "INFO"), ("WST", "WIC", "200"),
    ]
    boxes = [(r.src, r.text, r.step) for r in sc.rows if r.kind == "action"]
    assert boxes == [("S-CSCF", "S-CSCF checks the response", "9")]


def test_unnumbered_hops_join_the_range_before_them_and_steps_run_in_seed_order(mini_run):
    sc = _flow_scene(mini_run)
    assert scene.step_sequence(sc) == ["3", "4-8", "9", "10", "11", "12", "13"]
    ranges = [(s.label, s.first, s.last) for s in sc.spans if s.kind == "range"]
    assert ranges == [("4-8", 1, 4)]  # WST->P-CSCF .. HSS->S-CSCF (MAR/MAA carry no label)


def test_optional_steps_are_marked_and_a_witness_has_no_violation(mini_run):
    sc = _flow_scene(mini_run)
    assert [r.text for r in sc.rows if r.optional] == ["INFO"]
    assert [s.label for s in sc.spans if s.kind == "optional"] == ["optional step 12"]
    assert not any(r.highlight for r in sc.rows)


def test_a_violating_receipt_highlights_the_arrow_it_accepts(mini_run):
    ts = mini_run.systems["R"]
    trace = mini_run.traces[("flow-reachable", "R")]
    # The witness ends on the WIC receiving 200: receive-only, so it has no row of its own.
    from imsflow.system.trace import Trace

    marked = Trace(list(trace.actions), highlight=len(trace.actions) - 1)
    sc = scene.build(ts, marked, title="t")
    hot = [r for r in sc.rows if r.highlight]
    assert [(r.kind, r.src, r.dst, r.text) for r in hot] == [("message", "WST", "WIC", "200")]
    assert sc.rows[-1] is hot[0]


def test_nested_blocks_close_in_reverse_order_even_when_spans_cross():
    rows = [scene.Row(action=i, kind="message", src="A", dst="B", text=str(i)) for i in range(4)]
    sc = scene.Scene("t", [scene.Participant("A", "A"), scene.Participant("B", "B")], rows,
                     spans=[scene.Span("optional", "o", 0, 2), scene.Span("loop", "l", 1, 3)])
    stack = []
    for kind, what in scene.nested(sc):
        if kind == "open":
            stack.append(what)
        elif kind == "close":
            assert stack.pop() == what
    assert not stack


def test_identifiers_for_text_formats():
    assert scene.ident("P-CSCF") == "P_CSCF"
    assert scene.ident("200") == "E_200"
