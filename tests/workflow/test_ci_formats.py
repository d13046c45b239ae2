"""JUnit and SARIF outputs, validated against their schemas (vendored in schemas/)."""

import json
import os
import xml.etree.ElementTree as ET

import jsonschema
import pytest
import xmlschema

from imsflow.cli import main
from imsflow.render import ci_formats


@pytest.fixture(scope="module")
def junit_schema(schemas_dir):
    return xmlschema.XMLSchema(os.path.join(schemas_dir, "junit.xsd"))


@pytest.fixture(scope="module")
def sarif_validator(schemas_dir):
    with open(os.path.join(schemas_dir, "sarif-schema-2.1.0-subset.json"), encoding="utf-8") as fh:
        schema = json.load(fh)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_junit_one_case_per_property_flow_variant(gate_matrix, junit_schema):
    text = ci_formats.junit(gate_matrix)
    junit_schema.validate(text)
    root = ET.fromstring(text)
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(gate_matrix.results) == 24
    assert len({(c.get("classname"), c.get("name")) for c in cases}) == 24  # each one distinct
    assert [s.get("name") for s in root.findall("testsuite")] == ["gate.login", "gate.reject"]
    # Expected findings pass, and say what they found.
    case = next(c for c in cases if c.get("name") == "admit-only-the-client [rogue=yes trust=any]")
    assert case.find("failure") is None
    assert "expected finding" in case.find("system-out").text
    assert root.get("failures") == "0" and root.get("tests") == "24"


def test_junit_from_the_check_command(gate_dir, junit_schema, capsys):
    code = main(["check", "--model", gate_dir, "--set", "trust=any", "--set", "rogue=yes", "--format", "junit"])
    text = capsys.readouterr().out
    junit_schema.validate(text)
    assert code == 0
    root = ET.fromstring(text)
    assert len(root.findall("./testsuite/testcase")) == 8


def test_junit_failure_and_error_elements(gate_matrix, junit_schema):
    from dataclasses import replace

    from imsflow.patterns.verdict import Verdict

    bad = replace(gate_matrix.results[0], verdict=Verdict.VIOLATED, reason="a made-up counterexample")
    undecided = replace(gate_matrix.results[1], verdict=Verdict.INCONCLUSIVE, reason="state budget reached")

    class Run:  # the fields junit() reads
        loaded, stats = gate_matrix.loaded, gate_matrix.stats
        results = [bad, undecided]

    text = ci_formats.junit(Run)
    junit_schema.validate(text)
    root = ET.fromstring(text)
    assert root.get("failures") == "1" and root.get("errors") == "1"
    assert "a made-up counterexample" in root.find(".//failure").text
    assert root.find(".//error").get("type") == "inconclusive"


def test_sarif_validates_and_reports_findings_with_their_clause(gate_matrix, sarif_validator):
    doc = ci_formats.sarif(gate_matrix)
    errors = list(sarif_validator.iter_errors(doc))
    assert not errors, [e.message for e in errors]
    run = doc["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {
        "deadlock-free", "every-message-handled", "flow-reachable", "admit-only-the-client"}
    results = run["results"]
    assert len(results) == 3  # the three violations; verdicts that hold are no findings
    r = next(r for r in results if r["ruleId"] == "admit-only-the-client" and r["properties"]["flow"] == "login")
    loc = r["locations"][0]
    assert loc["logicalLocations"][0]["name"] == "gate 1 step 2"
    assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("fixtures/gate/properties/gate.yaml")
    assert loc["physicalLocation"]["region"]["startLine"] == 2
    steps = r["codeFlows"][0]["threadFlows"][0]["locations"]
    assert len(steps) == len(next(x for x in gate_matrix.results if x.property == "admit-only-the-client"
                                  and x.flow == "login" and x.verdict.value == "violated").trace)
    assert steps[-1]["importance"] == "essential" and "ROGUE" in steps[-1]["state"]
    # An expected finding is reported but suppressed (accepted), with the expectation's reason.
    assert r["suppressions"][0]["status"] == "accepted"
    assert "trust=any" in r["suppressions"][0]["justification"]


def test_sarif_from_check_command(gate_dir, sarif_validator, capsys):
    code = main(["check", "--model", gate_dir, "--set", "rogue=yes", "--set", "trust=any", "--format", "sarif"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert not list(sarif_validator.iter_errors(doc))
    assert doc["runs"][0]["invocations"][0]["exitCode"] == 0
    assert len(doc["runs"][0]["results"]) == 3


def test_the_schema_rejects_what_sarif_forbids(sarif_validator, gate_matrix):
    doc = ci_formats.sarif(gate_matrix)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    assert list(sarif_validator.iter_errors(doc))
