"""An editor's own flow file drawn in publication style: `imsflow diagrams FLOW.yaml` and
`imsflow conform FLOW.yaml --out DIR`, with the file's numbering and the red band of a
divergence."""

import os
import xml.etree.ElementTree as ET

from imsflow.cli import main

SVG = "{http://www.w3.org/2000/svg}"
TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TWO_PHASE = os.path.join(os.path.dirname(TESTS), "examples", "two_phase")
EDITORS = os.path.join(TESTS, "editors")
GOOD = os.path.join(EDITORS, "two_phase_commit.yaml")
BAD = os.path.join(EDITORS, "two_phase_early_commit.yaml")


def _rows(path):
    root = ET.parse(path).getroot()
    return root, [g for g in root.iter(f"{SVG}g") if g.get("class") in ("message", "action")]


def test_diagrams_draws_an_editors_flow_with_its_own_numbering(tmp_path, capsys):
    assert main(["diagrams", GOOD, "--model", TWO_PHASE, "--out", str(tmp_path), "--no-png"]) == 0
    root, rows = _rows(tmp_path / "two_phase_commit.svg")
    assert root.find(f"{SVG}title").text == "Figure TwoPhase-1: Every resource manager prepares, then the TM commits"
    numbers = [g.get("data-step") for g in rows if g.get("data-step")]
    assert numbers == ["1", "2", "3", "4-6"]
    # the range 4-6 is numbered once, on its first arrow, and bracketed
    assert [p.get("data-label") for p in root.iter(f"{SVG}path") if p.get("data-kind") == "range"] == ["4-6"]
    assert "two_phase_commit.svg" in capsys.readouterr().out


def test_a_divergence_keeps_its_red_band(tmp_path, capsys):
    assert main(["diagrams", BAD, "--model", TWO_PHASE, "--out", str(tmp_path), "--no-png"]) == 1
    root, rows = _rows(tmp_path / "two_phase_early_commit.svg")
    hot = [g for g in rows if g.get("data-highlight") == "true"]
    assert len(hot) == 1 and hot[0].get("data-step") == "3"
    assert [r for r in root.iter(f"{SVG}rect") if r.get("class") == "band"]
    assert "refused by TM" in ET.tostring(root.find(f"{SVG}metadata"), encoding="unicode")
    assert "step 3" in capsys.readouterr().err


def test_conform_out_writes_the_figure_formats(tmp_path):
    from imsflow.render import emf, formats, raster

    assert main(["conform", BAD, "--model", TWO_PHASE, "--out", str(tmp_path)]) == 1
    written = set(os.listdir(tmp_path))
    stem = "two_phase_early_commit.conform"
    assert f"{stem}.json" in written
    assert {stem + sfx for sfx in formats.TEXT_SUFFIXES} <= written
    if raster.available():
        assert {f"{stem}.png", f"{stem}@2x.png", f"{stem}.docx"} <= written
    if emf.available():
        assert f"{stem}.emf" in written
    drawio = (tmp_path / f"{stem}.drawio").read_text()
    assert "imsflow=band;" in drawio  # the divergence's red band survives in the editable form
    assert "line.color=red" in (tmp_path / f"{stem}.signalling").read_text()


def test_flow_files_do_not_mix_with_model_flow_options(tmp_path, capsys):
    assert main(["diagrams", GOOD, "--model", TWO_PHASE, "--flow", "commit", "--out", str(tmp_path)]) == 2
    assert "--flow" in capsys.readouterr().err
    assert main(["diagrams", str(tmp_path / "missing.yaml"), "--model", TWO_PHASE]) == 2
