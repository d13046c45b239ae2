"""Mermaid and PlantUML: every generated text passes a line-grammar check of its format."""

import pytest

import render_syntax as syntax
from imsflow.render import mermaid, plantuml, scene


def _texts(g, folder, ext):
    return {k: v.decode() for k, v in g.files.items() if k.startswith(f"generated/{folder}/") and k.endswith(ext)}


def test_every_mermaid_text_parses(mini_gallery):
    texts = _texts(mini_gallery, "mermaid", ".mmd")
    assert len(texts) == 1 + 2 + 5  # one flow, two findings, five entities
    for path, text in texts.items():
        check = syntax.mermaid_state if "/entities/" in path else syntax.mermaid_sequence
        assert check(text) == [], path


def test_every_plantuml_text_parses(mini_gallery):
    texts = _texts(mini_gallery, "plantuml", ".puml")
    assert len(texts) == 8
    for path, text in texts.items():
        check = syntax.plantuml_state if "/entities/" in path else syntax.plantuml_sequence
        assert check(text) == [], path


def test_mermaid_flow_carries_steps_participants_and_optional_block(mini_gallery):
    text = mini_gallery.files["generated/mermaid/flows/R.mmd"].decode()
    assert "participant P_CSCF as P-CSCF" in text
    assert "WIC->>WST: 3. REGISTER(impu=1)" in text
    assert "S_CSCF->>HSS: 4-8. MAR" in text  # an unnumbered hop inside the range
    assert "opt optional step 12" in text and "WST-->>WIC: 12. INFO" in text
    assert "Note over S_CSCF: 9. S-CSCF checks the response" in text


def test_plantuml_flow_groups_the_range(mini_gallery):
    text = mini_gallery.files["generated/plantuml/flows/R.puml"].decode()
    lines = [ln.strip() for ln in text.splitlines()]
    i = lines.index("group 4-8")
    assert lines[i + 1] == "WST -> P_CSCF : REGISTER(impu=1)"
    assert lines[i + 5] == "end"


def test_highlight_appears_in_both_text_forms(mini_gallery):
    mmd = mini_gallery.files["generated/mermaid/counterexamples/no-info-to-wic__R.mmd"].decode()
    puml = mini_gallery.files["generated/plantuml/counterexamples/no-info-to-wic__R.puml"].decode()
    assert "rect rgb(253, 228, 228)" in mmd and "Note over WST,WIC: violation" in mmd
    assert "WST -[#C00000]-> WIC : 12. SIP: INFO" in puml  # red, and dashed: step 12 is optional


def test_the_checkers_catch_broken_text():
    assert syntax.mermaid_sequence("sequenceDiagram\n    A->>B: x\n")  # undeclared
    assert syntax.mermaid_sequence("sequenceDiagram\n    participant A\n    opt x\n")  # unclosed
    assert syntax.plantuml_sequence("@startuml\nparticipant \"A\" as A\nA -> B : x\n@enduml\n")
    assert syntax.mermaid_state("stateDiagram-v2\n    a --> b\n")


@pytest.mark.parametrize("label", ["a; b", "x # y"])
def test_mermaid_text_is_cleaned_of_statement_breakers(label):
    rows = [scene.Row(action=0, kind="message", src="A", dst="B", text=label)]
    sc = scene.Scene("t", [scene.Participant("A", "A"), scene.Participant("B", "B")], rows)
    assert syntax.mermaid_sequence(mermaid.sequence(sc)) == []
    assert syntax.plantuml_sequence(plantuml.sequence(sc)) == []


def test_text_forms_are_titled_with_the_3gpp_caption(mini_gallery):
    """A flow's Mermaid and PlantUML (publication and generated/) carry the caption a TR prints,
    not the model's flow id."""
    caption = "Figure 6.X.2.2.1-1: Registration in miniature"
    for rel in ("diagrams/flows/R.mmd", "generated/mermaid/flows/R.mmd"):
        text = mini_gallery.files[rel].decode()
        assert text.splitlines()[1] == f'title: "{caption}"', rel
        assert syntax.mermaid_sequence(text) == []
    for rel in ("diagrams/flows/R.puml", "generated/plantuml/flows/R.puml"):
        text = mini_gallery.files[rel].decode()
        assert f"title {caption}" in text.splitlines() and "R:" not in text, rel
        assert syntax.plantuml_sequence(text) == []
