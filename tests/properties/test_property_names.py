"""Every name a property uses is checked when the model loads: a misspelt field, value,
message, entity, state, tag, flow, variant, key, event or predicate atom is exit 2 naming
the file and the line of the offending field, what exists, and the closest known name."""

import os

import pytest

from imsflow.cli import main
from imsflow.errors import PropertyError
from imsflow.loader import load
from imsflow.patterns.spec import load_properties
from imsflow.patterns.validate import validate

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

HEAD = "- id: typo\n  statement: a property with one wrong name\n  clause: test\n"

# (case, property body after HEAD; the offending line ends with '#<', text the error names,
#  the name a "did you mean" proposes or None)
CASES = [
    ("field", "  kind: absence\n  event:\n    sends: REGISTER\n    where:\n      credd: password  #<\n",
     "no field 'credd'", "cred"),
    ("value", "  kind: absence\n  event:\n    sends: REGISTER\n    where:\n      cred: pasword  #<\n",
     "has no value 'pasword'", "password"),
    ("message", "  kind: absence\n  event:\n    entity: WIC\n    receives: REGISTR  #<\n",
     "unknown message 'REGISTR'", "REGISTER"),
    ("message-as-number", "  kind: absence\n  event:\n    entity: WIC\n    receives: 401  #<\n",
     "written as a number", None),
    ("entity", "  kind: absence\n  event:\n    entity: S-CSFC  #<\n    sends: MAR\n",
     "unknown entity 'S-CSFC'", "S-CSCF"),
    ("state", "  kind: absence\n  event:\n    entity: S-CSCF\n    state: registred  #<\n",
     "no state 'registred'", "registered"),
    ("tag", "  kind: only-from\n  accept:\n    entity: P-CSCF\n    tag: tna_aserted  #<\n  allowed: [WST]\n",
     "unknown tag 'tna_aserted'", "tna_asserted"),
    ("flow", "  kind: absence\n  flows:\n    - F3\n    - F33  #<\n  event: {entity: WIC, receives: '401'}\n",
     "unknown flow 'F33'", None),
    ("variant-value", "  kind: absence\n  applies:\n    tna_trust: translater  #<\n"
     "  event: {entity: WIC, receives: '401'}\n", "no value 'translater'", "translator"),
    ("variant-name", "  kind: absence\n  event: {entity: WIC, receives: '401'}\n  expected:\n"
     "    - when:\n        tna_trst: any  #<\n      verdict: violated\n", "unknown variant 'tna_trst'", "tna_trust"),
    ("expected-verdict", "  kind: absence\n  event: {entity: WIC, receives: '401'}\n  expected:\n"
     "    - when: {flow: F3}\n      verdict: violatd  #<\n", "'violatd'", None),
    ("key-field", "  kind: precedence\n  first: {entity: S-CSCF, receives: MAA}\n  then:\n"
     "    entity: S-CSCF\n    sends: '401'\n    key: 'field:impuu'  #<\n", "key field 'impuu'", "impu"),
    ("event", "  kind: absence\n  event:\n    entity: WIC\n    event: dail  #<\n", "no event 'dail'", "dial"),
    ("predicate-var", "  kind: invariant\n  never:\n    all:\n      - {entity: HSS, var: barred, is: 'yes'}\n"
     "      - {entity: HSS, var: registred, is: 'no'}  #<\n", "no variable 'registred'", "registered"),
    ("predicate-value", "  kind: invariant\n  never:\n    entity: WST\n    var: pw\n    is: maybe  #<\n",
     "no value 'maybe'", None),
    ("predicate-key", "  kind: invariant\n  never:\n    entity: WST\n    stat: registered  #<\n",
     "unknown predicate key 'stat'", "state"),
    ("channel", "  kind: invariant\n  never:\n    channel: WST->P-CSFC  #<\n    holds: REGISTER\n",
     "unknown entity 'P-CSFC'", "P-CSCF"),
    ("pattern-key", "  kind: absence\n  event:\n    entity: WIC\n    recieves: '401'  #<\n",
     "unknown key 'recieves'", "receives"),
    # `where` under a received message reads that message: MAR has no `tna`, REGISTER has.
    ("where-on-the-received-message", "  kind: absence\n  event:\n    entity: S-CSCF\n    receives: MAA\n"
     "    where: {tna: asserted}  #<\n    sends: SAR\n", "MAA has no field 'tna'", None),
    ("sent-where-on-the-sent-message", "  kind: absence\n  event:\n    entity: S-CSCF\n    receives: REGISTER\n"
     "    sends: MAR\n    sent_where: {tna: asserted}  #<\n", "MAR has no field 'tna'", None),
    ("key-twice", "  kind: absence\n  event:\n    sends: REGISTER\n    where:\n      cred: res\n"
     "      cred: password  #<\n", "duplicate key 'cred'", None),
    ("sent-where-without-sends", "  kind: absence\n  event:\n    entity: S-CSCF\n    receives: REGISTER\n"
     "    sent_where: {impu: 1}  #<\n", "'sent_where' reads the sent message", None),
]


def _write(directory, body):
    text = HEAD + body
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.endswith("#<"))
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "typo.yaml"), "w") as fh:
        fh.write(text)
    return line


@pytest.mark.parametrize("case, body, says, suggestion", CASES, ids=[c[0] for c in CASES])
def test_api_names_the_line_of_the_offending_field(tmp_path, case, body, says, suggestion):
    line = _write(tmp_path, body)
    with pytest.raises(PropertyError) as caught:
        validate(load_properties(str(tmp_path)), load().model)
    err = caught.value
    assert err.where.endswith(f"typo.yaml:{line}"), (case, err.render())
    assert says in err.message, err.render()
    if suggestion is not None:
        assert err.hint and err.hint.startswith("Did you mean") and repr(suggestion) in err.hint, err.render()


@pytest.mark.parametrize("case, body, says, suggestion", CASES[:9], ids=[c[0] for c in CASES[:9]])
def test_cli_exits_2_naming_file_and_line(tmp_path, capsys, case, body, says, suggestion):
    os.symlink(os.path.join(ROOT, "model"), tmp_path / "model")
    line = _write(tmp_path / "properties", body)
    code = main(["check", "--model", str(tmp_path), "--flow", "F1"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert f"typo.yaml:{line}" in err and says in err and "Traceback" not in err
    if suggestion is not None:
        assert f"Did you mean {suggestion!r}" in err


def test_the_seed_catalogue_and_the_examples_validate():
    for directory in (None, "examples/two_phase", "examples/abp", "tests/render/mini", "tests/promela/pingpong",
                      "tests/workflow/fixtures/gate"):
        loaded = load(os.path.join(ROOT, directory) if directory else None)
        assert loaded.properties


def test_every_seed_property_knows_the_line_of_its_fields():
    loaded = load()
    prop = loaded.property("no-mar-on-tna-path")
    file, line = prop.where("event", "where", "tna").rsplit(":", 1)
    assert file.endswith("registration.yaml")
    with open(os.path.join(ROOT, "properties", "registration.yaml")) as fh:
        assert "tna: asserted" in fh.read().splitlines()[int(line) - 1]


def _patterns(spec):
    for role in ("first", "then", "reset", "trigger", "response", "event", "accept", "goal"):
        value = spec.get(role)
        for pat in value if isinstance(value, list) else [value] if value else []:
            yield pat


def test_a_seed_property_that_still_reads_a_tag_says_why_in_a_note():
    """Properties observe messages or another entity's state; a tag that remains is explained."""
    tagged = [p.id for p in load().properties
              if any("tag" in pat or "not_tag" in pat for pat in _patterns(p.spec)) and not p.note]
    assert tagged == []
