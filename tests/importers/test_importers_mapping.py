"""The endpoint mapping and the flow writer, fed tshark's EK output shipped with the tests
(no tshark needed): endpoints resolved by address, port, Via host or User-Agent; unmapped
ones reported and skipped, never guessed; a bad mapping is exit 2 naming file and line."""

import io

import pytest
import yaml

from imsflow.editors.conform import conform
from imsflow.editors.flowfile import parse_flow
from imsflow.errors import CaptureError
from imsflow.importers.flow import FlowWriter
from imsflow.importers.mapping import load_mapping
from imsflow.importers.tshark import parse_ek
from imsflow.loader import load
from importers_helpers import MAPPING, data, run_cli


@pytest.fixture(scope="module")
def seed():
    return load(None)


def entities(seed):
    return {e.name for e in seed.model.entities}


def write(seed, mapping_path, ek="ims_call.ek.jsonl"):
    mapping = load_mapping(str(mapping_path), entities(seed))
    out = io.StringIO()
    writer = FlowWriter(out, mapping, seed.model.vocabulary, ek)
    with open(data(ek)) as fh:
        for msg, problem in parse_ek(fh):
            writer.add(msg)
    return out.getvalue(), writer


def mapping_file(tmp_path, body: str):
    path = tmp_path / "map.yaml"
    path.write_text("flow: F8\npreconditions: {after: [F1]}\n" + body)
    return path


def test_ek_output_parses_into_a_conforming_flow_without_tshark(seed):
    text, writer = write(seed, MAPPING)
    report = writer.finish()
    assert (report.messages, report.written, report.dialogs) == (11, 11, 1)
    outcome = conform(parse_flow(text, "ims_call.flow.yaml"), seed)
    assert outcome.verdict == "conforms"
    assert [label for label in outcome.labels if label] == [str(n) for n in range(1, 12)]


def test_early_answer_ek_diverges_at_frame_3(seed):
    text, _writer = write(seed, MAPPING, "early_200.ek.jsonl")
    outcome = conform(parse_flow(text, "early.flow.yaml"), seed)
    assert outcome.verdict == "diverges" and outcome.refusal.step.label == "3"
    assert outcome.refusal.entity == "REMOTE"


def test_sender_by_user_agent_and_via_receiver_learned(seed, tmp_path):
    # The S-CSCF's User-Agent names the sender of the requests, the REMOTE's Server header
    # that of the responses; each address:port is then known as a receiver too.
    path = mapping_file(tmp_path, "entities:\n  S-CSCF: {user_agent: 'imsflow-test S-CSCF'}\n"
                                  "  REMOTE: {user_agent: '*REMOTE'}\n")
    text, writer = write(seed, path)
    report = writer.finish()
    assert report.written == 10  # the INVITE's receiver is not known yet when it is sent
    assert any("INVITE between unmapped endpoints 127.0.0.1:5061 -> 127.0.0.1:5062" in line
               for line in report.lines())
    via = mapping_file(tmp_path, "entities:\n  S-CSCF: {via: 127.0.0.1, port: 5061}\n"
                                 "  REMOTE: {address: 127.0.0.1, port: 5062}\n")
    assert write(seed, via)[1].finish().written == 11


def test_unmapped_endpoints_are_reported_and_skipped(seed, tmp_path):
    path = mapping_file(tmp_path, "entities:\n  S-CSCF: {address: 127.0.0.1, port: 5061}\n")
    _text, writer = write(seed, path)
    assert writer.report.written == 0
    with pytest.raises(CaptureError, match="no SIP message between mapped entities") as exc:
        writer.finish()
    assert "skipped 6 x" in str(exc.value) or "skipped" in str(exc.value)


def test_unmapped_messages_never_become_steps(capsys, tmp_path):
    path = mapping_file(tmp_path, "entities:\n  S-CSCF: {address: 127.0.0.1, port: 5061}\n"
                                  "  REMOTE: {address: 127.0.0.1, port: 5999}\n")
    from shutil import which

    if which("tshark") is None:
        pytest.skip("tshark not installed (apt-get install tshark)")
    rc, out, err = run_cli(capsys, "import", "pcap", data("ims_call.pcapng"), "--mapping", path)
    assert rc == 2 and out == "" and "no SIP message between mapped entities" in err
    assert "between unmapped endpoints 127.0.0.1:5061 -> 127.0.0.1:5062" in err


@pytest.mark.parametrize("body, says, line", [
    ("entities:\n  SCSCF: {port: 5061}\n", "unknown entity 'SCSCF'", 4),
    ("entities:\n  S-CSCF: {prot: 5061}\n", "unknown endpoint key 'prot'", 4),
    ("entities:\n  S-CSCF: {port: http}\n", "port 'http' is not a port number", 4),
    ("entities: []\n", "'entities' must map", 3),
    ("entitys: {}\n", "unknown key 'entitys'", 3),
    ("entities:\n  S-CSCF: {port: 5061}\nsipp: {scenario: WST, pear: REMOTE}\n", "unknown key 'pear'", 5),
    ("entities:\n  S-CSCF: [5061]\n", "an endpoint is a mapping", 4),
    ("entities: {S-CSCF: {port: 5061}\n", "not valid YAML", 4),
])
def test_bad_mapping_is_exit_2_with_file_and_line(capsys, tmp_path, body, says, line):
    path = mapping_file(tmp_path, body)
    rc, out, err = run_cli(capsys, "import", "sipp", "no-such.xml", "--mapping", path)
    assert rc == 2 and out == "" and says in err and f"{path}:{line}" in err, err


def test_an_endpoint_two_entities_match_is_an_error(seed, tmp_path):
    path = mapping_file(tmp_path, "entities:\n  S-CSCF: {address: 127.0.0.1}\n  REMOTE: {address: 127.0.0.1}\n")
    with pytest.raises(CaptureError, match="matches several entities: REMOTE, S-CSCF"):
        write(seed, path)


def test_the_written_flow_is_a_valid_flow_file_with_observed_entities(seed):
    text, _writer = write(seed, MAPPING)
    doc = yaml.safe_load(text)
    assert doc["flow"] == "F8" and doc["preconditions"] == {"after": ["F1"]}
    assert doc["observed"]["entities"] == ["REMOTE", "S-CSCF"]
    flow = parse_flow(text, "x.yaml")
    assert flow.observed == ("REMOTE", "S-CSCF") and flow.observed_except == ("100",)


def test_without_observed_the_missing_messages_would_be_assumed(seed):
    # What `observed:` is for: the same steps with S-CSCF and REMOTE merely allowed to act
    # unwritten would let the model insert the PRACK and UPDATE the capture does not have.
    text, _writer = write(seed, MAPPING, "early_200.ek.jsonl")
    doc = yaml.safe_load(text)
    del doc["observed"]
    doc["allow"] = ["S-CSCF", "REMOTE", "P-CSCF", "WST", "WIC", "IWF", "AGW", "PCRF"]
    loose = conform(parse_flow(yaml.safe_dump(doc), "loose.yaml"), seed)
    strict = conform(parse_flow(text, "strict.yaml"), seed)
    assert loose.verdict == "conforms" and strict.verdict == "diverges"


def test_both_ends_one_entity_is_reported_not_written_as_an_internal_step(seed, tmp_path):
    path = mapping_file(tmp_path, "entities:\n  S-CSCF: {address: 127.0.0.1}\n")
    text, writer = write(seed, path)
    assert writer.report.written == 0
    assert "# frame 1 not written: INVITE from S-CSCF to itself (the mapping does not tell the two ends apart)" in text
