"""SIPp scenarios (XML) imported as flows: no tool needed but the XML parser."""

import shutil
import subprocess

import pytest
import yaml

from importers_helpers import MAPPING, REGISTER_MAPPING, import_and_conform, run_cli, scenario


def swapped(tmp_path, mapping: str):
    """The mapping with the scenario's party and its peer exchanged (for the server scenarios)."""
    text = open(mapping).read()
    doc = yaml.safe_load(text)
    who = doc["sipp"]
    out = tmp_path / "swapped.yaml"
    out.write_text(text.replace(f"sipp: {{scenario: {who['scenario']}, peer: {who['peer']}}}",
                                f"sipp: {{scenario: {who['peer']}, peer: {who['scenario']}}}"))
    return str(out)


@pytest.mark.parametrize("name, server", [("ims_call_uac.xml", False), ("ims_call_uas.xml", True)])
def test_ims_call_scenarios_conform(capsys, tmp_path, name, server):
    mapping = swapped(tmp_path, MAPPING) if server else MAPPING
    err, rc, result = import_and_conform(capsys, tmp_path, "sipp", scenario(name), mapping)
    assert rc == 0 and result["verdict"] == "conforms"
    assert [e["message"] for e in result["trace"] if e["step"]] == [
        "INVITE", "183", "PRACK", "200(PRACK)", "UPDATE", "200(UPDATE)", "180", "200(INVITE)", "ACK", "BYE",
        "200(BYE)"]
    if not server:  # scenario message 2 is the optional 100 Trying
        assert "optional in the scenario" in err
        assert [e["step"] for e in result["trace"] if e["step"]][:2] == ["1", "3"]


def test_responses_take_the_method_of_the_open_transaction(tmp_path):
    from imsflow.importers.sipp import read_scenario

    msgs, optional = read_scenario(scenario("ims_call_uac.xml"), "S-CSCF", "REMOTE")
    names = [(m.label, m.start_line()) for m in msgs]
    # the <recv response="200"> after the 180 answers the INVITE, not the UPDATE sent last
    assert (9, "200 (INVITE)") in names and (7, "200 (UPDATE)") in names and (5, "200 (PRACK)") in names
    assert [m.start_line() for m in optional] == ["100 (INVITE)"]


@pytest.mark.parametrize("name, server", [("register_uac.xml", False), ("register_uas.xml", True)])
def test_registration_scenarios_conform(capsys, tmp_path, name, server):
    mapping = swapped(tmp_path, REGISTER_MAPPING) if server else REGISTER_MAPPING
    _err, rc, result = import_and_conform(capsys, tmp_path, "sipp", scenario(name), mapping)
    assert rc == 0 and result["flow"] == "F2"


def test_received_requests_leave_their_fields_open(capsys, tmp_path):
    out = tmp_path / "flow.yaml"
    rc, _o, err = run_cli(capsys, "import", "sipp", scenario("register_uas.xml"), "--mapping",
                          swapped(tmp_path, REGISTER_MAPPING), "--out", out)
    steps = yaml.safe_load(out.read_text())["steps"]
    assert rc == 0 and "fields" not in steps[0] and "fields" not in steps[2]  # <recv request="REGISTER">
    assert steps[1]["fields"] == {"auth": "digest"}  # its own 401 says Digest, MD5


@pytest.mark.skipif(shutil.which("sipp") is None, reason="sipp not installed (apt-get install sip-tester)")
def test_builtin_uac_scenario_leaves_optional_responses_open_and_diverges(capsys, tmp_path):
    path = tmp_path / "uac.xml"
    path.write_text(subprocess.run(["sipp", "-sd", "uac"], capture_output=True, text=True, timeout=30).stdout)
    err, rc, result = import_and_conform(capsys, tmp_path, "sipp", str(path))
    assert "180 (INVITE) (optional in the scenario" in err
    # with 180 and 183 left open, the far end still owes PRACK and UPDATE before its 200
    assert rc == 1 and result["divergence"]["entity"] == "REMOTE"
    assert result["divergence"]["expected"].endswith("REMOTE -> S-CSCF: 200(INVITE)")


@pytest.mark.parametrize("text, says", [
    ("<scenario><send><![CDATA[INVITE sip:a SIP/2.0\n\n]]></send>", "not well-formed XML"),
    ("<other/>", "root element is <other>"),
    ("<scenario/>", "no <send> or <recv>"),
    ('<scenario><recv response="200" next="1"/></scenario>', "branches"),
    ("<scenario><send><![CDATA[hello]]></send></scenario>", "neither a SIP request nor a status line"),
    ('<scenario><recv/></scenario>', "neither request= nor a response="),
    ('<!DOCTYPE s [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><scenario>&b;</scenario>', "refused"),
])
def test_bad_scenario_is_exit_2_naming_the_file(capsys, tmp_path, text, says):
    path = tmp_path / "bad.xml"
    path.write_text(text)
    rc, out, err = run_cli(capsys, "import", "sipp", path, "--mapping", MAPPING)
    assert rc == 2 and out == "" and str(path) in err and says in err, err


def test_sipp_import_needs_the_sipp_roles(capsys, tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("flow: F8\nentities:\n  S-CSCF: {port: 5061}\n")
    rc, out, err = run_cli(capsys, "import", "sipp", scenario("ims_call_uac.xml"), "--mapping", path)
    assert rc == 2 and out == "" and "needs 'sipp: {scenario: ENTITY, peer: ENTITY}'" in err and str(path) in err


def test_conformed_run_is_drawn_with_the_scenario_numbers(capsys, tmp_path):
    flow = tmp_path / "call.yaml"
    assert run_cli(capsys, "import", "sipp", scenario("ims_call_uac.xml"), "--mapping", MAPPING, "--out", flow)[0] == 0
    rc, _out, err = run_cli(capsys, "conform", flow, "--out", tmp_path / "drawn")
    svg = (tmp_path / "drawn" / "call.conform.svg").read_text()
    assert rc == 0, err
    # Publication style: the scenario's own number on the arrow, the TR's name for the message.
    for number, name in (("1", "SIP: INVITE"), ("3", "SIP: 183"), ("4", "SIP: PRACK"), ("9", "SIP: 200 OK"),
                         ("12", "SIP: 200 OK (BYE)")):
        assert f">{number}.<" in svg and f">{name}" in svg, (number, name)


def test_a_mapping_for_scenarios_only_needs_just_the_roles(capsys, tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text("flow: F8\npreconditions: {after: [F1]}\nsipp: {scenario: S-CSCF, peer: REMOTE}\n")
    _err, rc, result = import_and_conform(capsys, tmp_path, "sipp", scenario("ims_call_uac.xml"), str(path))
    assert rc == 0 and result["verdict"] == "conforms"
