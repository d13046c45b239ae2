"""The flow file's `observed:` key (written by imsflow import): read, checked, and obeyed by conform."""

import pytest

from imsflow.editors.conform import conform
from imsflow.editors.flowfile import parse_flow
from imsflow.errors import FlowFileError
from imsflow.loader import load

HEAD = "title: t\nflow: F8\npreconditions: {after: [F1]}\n"
STEPS = """steps:
  - {step: 1, from: S-CSCF, to: REMOTE, message: INVITE}
  - {step: 2, from: REMOTE, to: S-CSCF, message: "183"}
  - {step: 3, from: REMOTE, to: S-CSCF, message: "200(INVITE)"}
"""


@pytest.fixture(scope="module")
def seed():
    return load(None)


@pytest.mark.parametrize("observed, says, line", [
    ("observed: [S-CSCF]\n", "'observed' must be a mapping", 4),
    ("observed: {entities: []}\n", "must name at least one entity", 4),
    ("observed: {entitys: [S-CSCF]}\n", "unknown key 'entitys' in the observed mapping", 4),
])
def test_malformed_observed_is_an_error_with_its_line(observed, says, line):
    with pytest.raises(FlowFileError, match=says) as exc:
        parse_flow(HEAD + observed + STEPS, "f.yaml")
    assert f"f.yaml:{line}" in str(exc.value)


def test_observed_unknown_entity_names_the_key(seed):
    flow = parse_flow(HEAD + "observed: {entities: [SCSCF]}\n" + STEPS, "f.yaml")
    with pytest.raises(FlowFileError, match="'observed' names unknown entity 'SCSCF'") as exc:
        conform(flow, seed)
    assert "f.yaml:4" in str(exc.value)


def test_observed_forbids_unwritten_sip_between_observed_entities_only(seed):
    strict = conform(parse_flow(HEAD + "observed: {entities: [S-CSCF, REMOTE]}\n" + STEPS, "s.yaml"), seed)
    assert strict.verdict == "diverges" and strict.refusal.step.label == "3"
    # a message counts only between two observed entities: with REMOTE unobserved, the PRACK
    # and UPDATE exchange with it may happen unwritten
    loose = conform(parse_flow(HEAD + "observed: {entities: [S-CSCF, I-CSCF]}\n" + STEPS, "l.yaml"), seed)
    assert loose.verdict == "conforms"
    # and 'except' names messages that may happen unwritten even between observed entities
    excused = conform(parse_flow(HEAD + 'observed: {entities: [S-CSCF, REMOTE], except: [PRACK, "200(PRACK)", '
                                        'UPDATE, "200(UPDATE)"]}\n' + STEPS, "e.yaml"), seed)
    assert excused.verdict == "conforms"
