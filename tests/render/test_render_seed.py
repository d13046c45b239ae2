"""The seed's nine flow figures, read back from their SVG: lifelines in the reference
architecture's order, one arrow per message of the trace, step labels in the seed's order."""

import json
import xml.etree.ElementTree as ET

import pytest

from imsflow.loader import load
from imsflow.render.scene import LIFELINE_ORDER

SVG = "{http://www.w3.org/2000/svg}"
FLOWS = [f"F{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def model(seed_gallery):
    return load(None).model


@pytest.mark.parametrize("flow", FLOWS)
def test_flow_figure_structure(seed_gallery, model, flow):
    root = ET.fromstring(seed_gallery.files[f"diagrams/flows/{flow}.svg"])
    trace = json.loads(seed_gallery.files[f"generated/traces/flows/{flow}.json"])["results"][0]["trace"]

    lifelines = [g.get("data-name") for g in root.iter(f"{SVG}g") if g.get("class") == "lifeline"]
    ranks = [LIFELINE_ORDER.index(name.rstrip("0123456789")) for name in lifelines]
    assert ranks == sorted(ranks) and len(set(lifelines)) == len(lifelines)
    assert "WST" in lifelines

    arrows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "message"]
    sent = sum(1 for e in trace if e["from"] != e["to"])
    restart = set(getattr(model.flows[flow], "restart_after", ()))
    if restart:  # the repetition of a block is drawn once, in a loop frame
        loops = [g for g in root.iter(f"{SVG}g") if g.get("class") == "span" and g.get("data-kind") == "loop"]
        assert len(loops) == 1 and len(arrows) < sent
    else:
        assert len(arrows) == sent
    for g in arrows:
        assert g.get("data-from") in lifelines and g.get("data-to") in lifelines

    steps = model.flows[flow].steps
    drawn = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") in ("message", "action") and g.get("data-group"):
            if not drawn or drawn[-1] != g.get("data-group"):
                drawn.append(g.get("data-group"))
    assert drawn and all(s in steps for s in drawn), drawn
    for before, after in zip(drawn, drawn[1:]):
        assert steps.index(after) > steps.index(before), (before, after, drawn)
    # The figure reaches the flow's last step (the goal: 200 to the WIC, RANGE_READY, ...).
    assert drawn[-1] == steps[-1]


@pytest.mark.parametrize("flow", ["F6", "F7", "F8", "F9"])
def test_optional_ringing_is_drawn_and_marked(seed_gallery, model, flow):
    root = ET.fromstring(seed_gallery.files[f"diagrams/flows/{flow}.svg"])
    optional = set(model.flows[flow].optional_steps)
    marked = [g for g in root.iter(f"{SVG}g") if g.get("data-optional") == "true"]
    assert marked and all(g.get("data-group") in optional for g in marked)
    frames = [g for g in root.iter(f"{SVG}g") if g.get("class") == "span" and g.get("data-kind") == "optional"]
    assert len(frames) == 1


def test_every_entity_has_a_state_chart(seed_gallery, model):
    for cls in model.entities:
        assert f"diagrams/entities/{cls.name}.svg" in seed_gallery.files
        assert f"generated/mermaid/entities/{cls.name}.mmd" in seed_gallery.files
        assert f"generated/plantuml/entities/{cls.name}.puml" in seed_gallery.files
