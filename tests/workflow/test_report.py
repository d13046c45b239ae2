"""imsflow report: one self-contained file, with its data, diagrams and no network reference."""

import json
import os
import re

import pytest

from imsflow.cli import main
from imsflow.render.report import render_html, steps_of


@pytest.fixture(scope="module")
def page(gate_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--model", gate_dir, "--vary", "trust", "rogue", "--out", str(out),
                 "--executor", "serial"]) == 0
    with open(os.path.join(out, "report.html"), encoding="utf-8") as fh:
        return fh.read()


def data_of(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="imsflow-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_the_page_references_nothing_outside_itself(page):
    assert not re.search(r"""(src|href|action)\s*=\s*["']?\s*(https?:|//|file:)""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", page, re.I)
    assert "@import" not in page
    # Namespace names (SVG, XLink) are identifiers, not fetched; nothing else may look like a URL.
    urls = set(re.findall(r"https?://[^\s\"'<>\\]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "default-src 'none'" in page  # and the browser is told to fetch nothing at all


def test_the_data_holds_every_verdict_trace_and_diagram(page):
    d = data_of(page)
    assert len(d["columns"]) == 6 and len(d["results"]) == 24
    assert [p["id"] for p in d["properties"]] == ["deadlock-free", "every-message-handled", "flow-reachable",
                                                  "admit-only-the-client"]
    exp = next(p for p in d["properties"] if p["id"] == "admit-only-the-client")
    assert exp["clause"] == "gate 1 step 2" and exp["expected"][0]["verdict"] == "violated"
    found = [r for r in d["results"] if r["mark"] == "exp" and r["steps"]]
    assert len(found) == 2
    for r in found:
        svg = d["svgs"][r["svg"]]  # the violating step is drawn, and marked for the page's script
        assert svg.startswith("<svg") and f'data-action="{len(r["steps"])}"' in svg and 'data-highlight="true"' in svg
        last = r["steps"][-1]["state"]  # the server has admitted the rogue; its Welcome is on the way
        assert r["steps"][-1]["violation"] and last["SERVER"] == "serving"
        assert last["channels"]["SERVER->ROGUE"] == ["Welcome"]
        assert r["initial"]["ROGUE"] == "idle"
    assert {c["entity"] for c in d["charts"]} == {"CLIENT", "SERVER", "ROGUE"}
    assert all(c["svg"].startswith("<svg") for c in d["charts"])
    assert d["stats"]["runs"] == 6 and d["stats"]["states"] > 0


def test_steps_group_the_entries_of_one_action():
    entries = [
        {"action": 1, "step": "1", "entity": "A", "event": "go", "received": None, "target": "busy",
         "from": "A", "to": "B", "label": "X"},
        {"action": 1, "step": "1", "entity": "A", "event": "go", "received": None, "target": "busy",
         "from": "A", "to": "C", "label": "Y", "state": {"A": "busy"}},
        {"action": 2, "step": None, "entity": "B", "event": "X", "received": {"from": "A", "message": "X"},
         "target": "done", "from": "B", "to": "B", "label": "X received", "state": {"A": "busy", "B": "done"},
         "violation": True},
    ]
    steps = steps_of(entries)
    assert [s["text"] for s in steps] == ["A: event go -> busy; sends X to B, Y to C", "B: X from A -> done"]
    assert steps[0]["state"] == {"A": "busy"} and steps[1]["violation"]


def test_script_data_cannot_close_its_script_block(gate_matrix):
    from dataclasses import replace

    run = replace(gate_matrix, results=[replace(gate_matrix.results[0], reason="</script><!-- x")])
    html = render_html(run)
    assert html.count("</script>") == 2  # the data block's and the code's own
    assert data_of(html)["results"][0]["reason"] == "</script><!-- x"
