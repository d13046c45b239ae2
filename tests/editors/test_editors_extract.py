"""lint --extract: each numbered flow of the contribution becomes a draft flow file."""

import os

import pytest
import yaml

from imsflow.cli import main
from imsflow.editors.contribution import parse
from imsflow.editors.extract import arrow_of
from imsflow.editors.flowfile import parse_flow
from imsflow.errors import FlowFileError


def _arrow(doc, clause, label):
    c = doc.clause(clause)
    step = next(s for s in c.steps if s.label == label)
    a = arrow_of(step, c)
    return a["from"], a["to"], a["message"], a["summarised"]


def test_arrows_are_recognised_from_the_entity_names(seed_text):
    doc = parse(seed_text, "seed.txt")
    assert _arrow(doc, "6.X.2.2.1", "3") == ("WIC", "WST", "REGISTER", False)
    assert _arrow(doc, "6.X.2.2.1", "9") == ("WST", "WIC", "401", False)
    assert _arrow(doc, "6.X.2.2.1", "15") == ("WST", "WIC", "200", False)  # "... is sent to the WIC by the WST"
    assert _arrow(doc, "6.X.2.2.1", "4-8")[3] is True  # "Standard (according to TS 23.228) registration"
    assert _arrow(doc, "6.X.2.3.1", "2") == ("WST", "P-CSCF", "INVITE", False)
    assert _arrow(doc, "6.X.2.3.1", "7-9")[:2] == ("S-CSCF", "MRF")  # the IWF inside IMS is the MRF
    assert _arrow(doc, "6.X.2.3.3", "2-3")[:2] == ("WST", "IWF")  # ... outside IMS, the external IWF


def test_extract_writes_one_draft_per_flow(tmp_path, seed_path, capsys):
    out = tmp_path / "drafts"
    assert main(["lint", seed_path, "--extract", str(out)]) == 1  # the seed has findings
    files = sorted(os.listdir(out))
    assert files == [f"6.X.2.{n}.yaml" for n in ("2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3", "3.4")]
    assert "draft flow written" in capsys.readouterr().out
    for name in files:
        data = yaml.safe_load((out / name).read_text())
        assert data["clause"] == name[:-5]
        assert data["steps"], name
    f1 = yaml.safe_load((out / "6.X.2.2.1.yaml").read_text())
    assert [s["step"] for s in f1["steps"]] == ["1", "2", "3", "4-8", "9", "10", "11-14", "15"]
    # A draft whose arrows are all recognised is a valid flow file as it stands ...
    parse_flow((out / "6.X.2.2.1.yaml").read_text(), "6.X.2.2.1.yaml")
    # ... one with a gap says where the editor must fill it in.
    with pytest.raises(FlowFileError) as err:
        parse_flow((out / "6.X.2.3.1.yaml").read_text(), "6.X.2.3.1.yaml")
    assert "6.X.2.3.1.yaml:" in str(err.value) and "has no '" in str(err.value)
    # with the seed model at hand, a draft names its model flow and the model's messages
    assert f1["flow"] == "F1"
    assert [s.get("message") for s in f1["steps"] if s["step"] == "15"] == ["200(REGISTER)"]
    assert f1["steps"][0]["from"] == "WIC"  # the user and browser are part of the model's WIC
