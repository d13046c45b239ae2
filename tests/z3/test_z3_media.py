"""Media negotiation as constraints, on the seed's internal-IWF flows."""

import pytest

from imsflow.backends.z3 import media
from imsflow.loader import load
from imsflow.pipeline import compile_for


@pytest.mark.parametrize("flow", ["F6", "F7"])
def test_the_rule_is_read_from_the_s_cscf_and_every_combination_is_checked(flow):
    loaded = load(None)
    ts = compile_for(loaded, loaded.model.config(flow, {}, 1), [])
    violations, rows = media.check(ts)
    # The seed's one combination: a WebRTC WIC and an IMS far end, interworked by the MRF,
    # each leg with a codec its end supports.
    row = rows[("webrtc", "ims")]
    assert row.invokes and row.near_codec == "opus" and row.far_codec == "amrwb"
    assert not [v for v in violations if v.row is row]
    # Every other profile pair is a combination the model does not specify: reported, not assumed.
    pairs = {(v.near_profile, v.far_profile) for v in violations}
    assert ("webrtc", "webrtc") in pairs and all(v.row is None for v in violations)
    assert "unspecified" in violations[0].text()


def test_a_wrong_rule_is_a_counterexample():
    loaded = load(None)
    ts = compile_for(loaded, loaded.model.config("F6", {}, 1), [])
    # Claim the WebRTC profile carries only AMR-WB: the WIC leg's Opus is then unsupported.
    spec = media.MediaSpec(carries={"webrtc": ("amrwb",), "ims": ("amrwb",)})
    violations, rows = media.check(ts, spec)
    broken = [v for v in violations if v.row is rows[("webrtc", "ims")]]
    assert broken and broken[0].requirement.startswith("after interworking")


def test_no_decision_point_when_the_iwf_is_external():
    loaded = load(None)
    ts = compile_for(loaded, loaded.model.config("F8", {}, 1), [])
    assert media.check(ts) == ([], {})


def test_imsflow_media_runs_the_check_from_the_command_line(capsys):
    import json

    from imsflow.cli import main

    assert main(["media", "--flow", "F6", "--flow", "F8", "--format", "json"]) == 0
    doc = {r["flow"]: r for r in json.loads(capsys.readouterr().out)["flows"]}
    assert doc["F6"]["checked"] and doc["F6"]["violations"] == []
    assert doc["F6"]["rule"][0]["invokes_iwf"] and doc["F6"]["unspecified"]
    assert not doc["F8"]["checked"]  # iwf=external: no decision point
    assert main(["media", "--flow", "nope"]) == 2
