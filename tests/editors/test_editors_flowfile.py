"""The flow file format: what it accepts, and errors that name the YAML line at fault."""

import pytest

from imsflow.errors import FlowFileError
from imsflow.editors.flowfile import parse_flow

GOOD = """\
title: Registration
clause: 6.X.2.2.1
flow: F1
preconditions:
  settings: {tna_trust: translator}
  after: [F0]
  wics: 1
allow: [UICC]
steps:
  - step: 3
    from: WIC
    to: WST
    message: REGISTER
    fields: {cred: aka}
  - step: 4-8
    summarised: standard IMS procedure
    from: P-CSCF
    to: WST
    message: 401
  - step: 9
    summarised: true
  - step: 10
    from: S-CSCF
    message: detect_mismatch
    allow_before: [HSS]
"""


def test_a_complete_file_reads():
    f = parse_flow(GOOD, "f.yaml")
    assert (f.title, f.clause, f.flow, f.settings, f.after, f.wics, f.allow) == (
        "Registration", "6.X.2.2.1", "F1", {"tna_trust": "translator"}, ("F0",), 1, ("UICC",))
    labels = [(s.label, s.first, s.last, s.line) for s in f.steps]
    assert labels == [("3", 3, 3, 10), ("4-8", 4, 8, 15), ("9", 9, 9, 20), ("10", 10, 10, 22)]
    assert f.steps[0].fields == {"cred": "aka"}
    assert f.steps[1].summarised == "standard IMS procedure" and f.steps[1].message == "401"
    assert f.steps[2].summarised == "standard IMS procedure" and f.steps[2].message is None
    assert f.steps[3].internal and f.steps[3].allow_before == ("HSS",)


@pytest.mark.parametrize("text, line, words", [
    ("title: x\nsteps:\n  - step: 1\n    from: A\n    to: B\n    mesage: M\n", 6, "unknown key 'mesage'"),
    ("title: x\nsteps:\n  - step: 1\n    from: A\n    to: B\n  - step: 2\n    from: A\n    to: B\n    message: M\n",
     3, "step 1 has no 'message'"),
    ("title: x\nsteps:\n  - step: 1\n    from: A\n    to: B\n    message: M\n  - step: four\n    from: A\n"
     "    message: M\n", 7, "neither a number nor a range"),
    ("title: x\nsteps:\n  - step: 4-8\n    from: A\n    to: B\n    message: M\n  - step: 6\n    from: A\n"
     "    to: B\n    message: M\n", 7, "labels must not go backwards"),
    ("title: x\nsteps:\n  - step: 1\n    from: A\n    to: B\n    message: [unclosed\n", 7, "not valid YAML"),
    ("title: x\nsteps: []\n", 2, "non-empty list"),
    ("steps:\n  - step: 1\n", 1, "no 'title'"),
    ("title: x\npreconditions:\n  wics: two\nsteps:\n  - {step: 1, from: A, to: B, message: M}\n", 3, "wics"),
])
def test_bad_files_name_the_line(text, line, words):
    with pytest.raises(FlowFileError) as err:
        parse_flow(text, "bad.yaml")
    assert f"bad.yaml:{line}" in str(err.value)
    assert words in str(err.value)


def test_several_arrows_may_share_one_label():
    f = parse_flow("title: x\nsteps:\n  - {step: 17-19, from: S-CSCF, to: P-CSCF, message: '200'}\n"
                   "  - {step: 17-19, from: P-CSCF, to: WST, message: '200'}\n  - {step: 20, from: WST, to: WIC, "
                   "message: '200'}\n", "f.yaml")
    assert [s.label for s in f.steps] == ["17-19", "17-19", "20"]
