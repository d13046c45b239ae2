"""conform on the two-phase commit reference model and on small models built here."""

import json
import os

import pytest

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Vocabulary, event, recv
from imsflow.cli import main
from imsflow.editors.conform import conform
from imsflow.editors.flowfile import load_flow, parse_flow
from imsflow.editors.report import listing, scene, svg
from imsflow.errors import FlowFileError
from imsflow.loader import LoadedModel, load

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TWO_PHASE = os.path.join(REPO, "examples", "two_phase")


@pytest.fixture(scope="module")
def two_phase():
    return load(TWO_PHASE)


def test_two_phase_flow_conforms_with_the_editors_numbering(two_phase):
    out = conform(load_flow(os.path.join(HERE, "two_phase_commit.yaml")), two_phase)
    assert out.verdict == "conforms" and out.exit_code == 0 and out.matched == 4
    labelled = [(out.labels[k], out.ts.action_text(aid)) for k, aid in enumerate(out.trace.actions) if out.labels[k]]
    assert [lab for lab, _ in labelled] == ["1", "2", "3", "4-6"]
    assert labelled[-1][1].startswith("TM: event commit")
    # the TM's receipts of Prepared send nothing: allowed unwritten, drawn without a number
    assert [out.labels[k] for k in range(len(out.labels))].count(None) == 3
    entries = out.to_json()["trace"]
    assert [e["step"] for e in entries if e["from"] == "TM" and e["message"] == "Commit"] == ["4-6"] * 3


def test_committing_before_every_rm_is_prepared_diverges_at_that_step(two_phase):
    out = conform(load_flow(os.path.join(HERE, "two_phase_early_commit.yaml")), two_phase)
    assert out.verdict == "diverges" and out.exit_code == 1
    r = out.refusal
    assert (r.step.label, r.entity, r.role) == ("3", "TM", "sender")
    # the TM has seen RM1's and RM2's Prepared (bits 0 and 1), not RM3's
    assert r.state == "init{prepared=3}"
    assert any("event abort" in x for x in r.instead)
    text = listing(out)
    assert "diverges at step 3. TM -> RM: Commit" in text and "refused by TM (sender) in state init{prepared=3}" in text
    sc = scene(out)
    assert sc.rows[-1].highlight and sc.rows[-1].step == "3"
    assert "refused by TM" in svg(out)


# ---- a small model: a client registers through a proxy that must ask a server first ----------
VOCAB = Vocabulary([MessageType(n, "SIP", n) for n in ("REGISTER", "401", "200", "HELLO")])


class Client(Entity):
    name = "C"
    states = ["idle", "waiting", "done"]
    initial = "idle"
    end_states = ["idle", "done"]
    transitions = [
        T("idle", "waiting", on=event("register"), do=lambda e: e.send("P", "REGISTER")),
        T("waiting", "done", on=recv("P", "200")),
    ]


class Proxy(Entity):
    name = "P"
    states = ["idle", "asked", "done"]
    initial = "idle"
    end_states = ["idle", "done"]
    transitions = [
        T("idle", "asked", on=recv("C", "REGISTER"), do=lambda e: e.send("S", "REGISTER")),
        T("asked", "done", on=recv("S", "200"), do=lambda e: e.send("C", "200")),
    ]


class Server(Entity):
    name = "S"
    states = ["idle", "warm", "done"]
    initial = "idle"
    end_states = ["idle", "warm", "done"]
    transitions = [
        T("idle", "warm", on=event("warm_up")),
        T("warm", "done", on=recv("P", "REGISTER"), do=lambda e: e.reply("200"), name="accept"),
        T("idle", "done", on=recv("P", "HELLO")),
    ]


def _loaded():
    model = Model(name="mini-registration", entities=[Client, Proxy, Server], vocabulary=VOCAB,
                  compose=lambda config: Composition(entities=[Client(config), Proxy(config), Server(config)]),
                  flows={"reg": Flow("reg", "registration", "1", goal={"entity": "C", "state": "done"})})
    return LoadedModel(model, [], HERE, HERE, None)


def _flow(steps: str, extra: str = "") -> object:
    return parse_flow(f"title: mini\nclause: '1'\nflow: reg\n{extra}steps:\n{steps}", "mini.yaml")


ARROWS = {
    "reg": "  - {step: 1, from: C, to: P, message: REGISTER}\n",
    "fwd": "  - {step: 2, from: P, to: S, message: REGISTER}\n",
    "ok": "  - {step: 3, from: S, to: P, message: '200'}\n",
    "ok_c": "  - {step: 4, from: P, to: C, message: '200'}\n",
}


def test_written_flow_conforms_and_unwritten_state_changes_are_allowed():
    # the server's warm_up sends nothing: it may happen unwritten
    out = conform(_flow("".join(ARROWS.values())), _loaded())
    assert out.verdict == "conforms", listing(out)


def test_200_to_the_client_before_the_servers_200_is_refused_by_the_proxy():
    steps = ARROWS["reg"] + ARROWS["fwd"] + "  - {step: 3, from: P, to: C, message: '200'}\n"
    out = conform(_flow(steps), _loaded())
    assert out.verdict == "diverges"
    r = out.refusal
    assert (r.step.label, r.entity, r.role, r.state) == ("3", "P", "sender", "asked")
    assert "only on receipt of 200 from S" in r.reason
    assert [out.labels[k] for k in range(len(out.trace.actions)) if out.labels[k]] == ["1", "2"]


def test_receiver_refusal_names_the_receiver_and_its_state():
    class Deaf(Server):
        # takes REGISTER only after a HELLO; nothing sends it HELLO first in this flow
        transitions = [T("idle", "warm", on=recv("P", "HELLO")),
                       T("warm", "done", on=recv("P", "REGISTER"), do=lambda e: e.reply("200"))]

    class Pushy(Proxy):
        transitions = Proxy.transitions + [
            T("idle", "done", on=event("poke"), do=lambda e: e.send("S", "REGISTER")),
            T("idle", "asked", on=event("greet"), do=lambda e: e.send("S", "HELLO")),
        ]

    model = Model(name="mini4", entities=[Client, Pushy, Deaf], vocabulary=VOCAB,
                  compose=lambda c: Composition(entities=[Client(c), Pushy(c), Deaf(c)]),
                  flows={"reg": Flow("reg", "r", "1", goal={})})
    out = conform(_flow("  - {step: 1, from: P, to: S, message: REGISTER}\n"), LoadedModel(model, [], HERE, HERE, None))
    assert out.verdict == "diverges"
    r = out.refusal
    assert (r.step.label, r.entity, r.role, r.state) == ("1", "S", "receiver", "idle")
    assert "no transition for REGISTER from P" in r.reason
    assert any("HELLO from P" in x for x in r.instead)


def test_unwritten_arrows_need_a_summarised_range():
    steps = ARROWS["reg"] + ARROWS["ok_c"]
    out = conform(_flow(steps), _loaded())
    assert out.verdict == "diverges" and out.refusal.entity == "P"
    summarised = ARROWS["reg"] + "  - {step: 2-3, summarised: standard IMS procedure}\n" + ARROWS["ok_c"]
    out = conform(_flow(summarised), _loaded())
    assert out.verdict == "conforms"
    # the unwritten arrows inside the range carry its label
    assert [out.labels[k] for k in range(len(out.trace.actions)) if out.ts.actions[out.trace.actions[k]].sends] == [
        "1", "2-3", "2-3", "4"]
    allowed = ARROWS["reg"] + ARROWS["ok_c"]
    assert conform(_flow(allowed, "allow: [P, S]\n"), _loaded()).verdict == "conforms"


def test_internal_steps_match_events_and_transition_names():
    steps = ("  - {step: 0, from: S, message: warm_up}\n" + ARROWS["reg"] + ARROWS["fwd"]
             + "  - {step: 3, from: S, message: accept}\n" + ARROWS["ok_c"])
    assert conform(_flow(steps), _loaded()).verdict == "conforms"


@pytest.mark.parametrize("steps, words, line", [
    ("  - {step: 1, from: X, to: P, message: REGISTER}\n", "unknown entity 'X'", 5),
    ("  - {step: 1, from: C, to: P, message: REGISTR}\n", "unknown message 'REGISTR'", 5),
    ("  - {step: 1, from: S, message: sleep}\n", "S has no event or transition 'sleep'", 5),
])
def test_unknown_names_are_file_errors_with_the_line(steps, words, line):
    with pytest.raises(FlowFileError) as err:
        conform(_flow(steps), _loaded())
    assert words in str(err.value) and f"mini.yaml:{line}" in str(err.value)


def test_conform_cli_exit_codes_and_outputs(tmp_path, capsys):
    good = os.path.join(HERE, "two_phase_commit.yaml")
    bad = os.path.join(HERE, "two_phase_early_commit.yaml")
    assert main(["conform", good, "--model", TWO_PHASE]) == 0
    assert "conforms" in capsys.readouterr().out
    assert main(["conform", bad, "--model", TWO_PHASE, "--format", "json", "--out", str(tmp_path)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["verdict"] == "diverges" and doc["divergence"]["entity"] == "TM"
    assert doc["trace"][-1]["refused"] is True and doc["trace"][-1]["step"] == "3"
    assert (tmp_path / "two_phase_early_commit.conform.svg").read_text().count("<svg") == 1
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: x\nflow: commit\nsteps:\n  - step: 1\n    from: RM1\n    to: TM\n    message: Prepard\n")
    assert main(["conform", str(broken), "--model", TWO_PHASE]) == 2
    assert "broken.yaml:4" in capsys.readouterr().err


@pytest.mark.parametrize("head, line, words", [
    ("flow: abort\n", 2, "unknown model flow 'abort'"),
    ("flow: commit\npreconditions:\n  settings: {colour: red}\n", 4, "unknown variant 'colour'"),
    ("flow: commit\npreconditions:\n  after: [prepare]\n", 4, "unknown flow 'prepare'"),
    ("flow: commit\nallow: [XX]\n", 3, "'allow' names unknown entity 'XX'"),
])
def test_bad_preconditions_name_their_line(two_phase, head, line, words):
    flow = parse_flow(f"title: x\n{head}steps:\n  - {{step: 1, from: RM1, to: TM, message: Prepared}}\n", "pre.yaml")
    with pytest.raises(FlowFileError) as err:
        conform(flow, two_phase)
    assert words in str(err.value) and f"pre.yaml:{line}" in str(err.value)


def test_a_search_cut_short_is_inconclusive_never_conforms(two_phase):
    flow = load_flow(os.path.join(HERE, "two_phase_commit.yaml"))
    out = conform(flow, two_phase, max_states=5)
    assert out.verdict == "inconclusive" and out.exit_code == 3
    assert "search stopped at 5 states" in out.reason


def test_step_labels_give_a_models_flow_its_steps():
    from imsflow.editors.flowfile import step_labels

    assert step_labels(os.path.join(HERE, "two_phase_commit.yaml")) == ("1", "2", "3", "4-6")


def test_a_template_name_means_one_instance_throughout(two_phase):
    # "RM" binds to the first RM that prepares; the same RM cannot prepare twice
    steps = ("  - {step: 1, from: RM, to: TM, message: Prepared}\n"
             "  - {step: 2, from: RM, to: TM, message: Prepared}\n")
    out = conform(parse_flow(f"title: x\nflow: commit\nsteps:\n{steps}", "rm.yaml"), two_phase)
    assert out.verdict == "diverges"
    r = out.refusal
    assert r.step.label == "2" and r.entity == out.ts.processes[out.ts.actions[out.trace.actions[0]].proc].name
    assert r.state == "prepared"
    # the commit reaches the RM that prepared, not another one
    steps = ("  - {step: 1, from: RM, to: TM, message: Prepared}\n"
             "  - {step: 2, from: RM2, to: TM, message: Prepared}\n  - {step: 3, from: RM3, to: TM, message: Prepared}\n"
             "  - {step: 4, from: TM, to: RM, message: Commit}\n")
    out = conform(parse_flow(f"title: x\nflow: commit\nsteps:\n{steps}", "rm.yaml"), two_phase)
    assert out.verdict == "conforms"


def test_the_listing_ends_with_the_command_that_replays_it(two_phase):
    out = conform(load_flow(os.path.join(HERE, "two_phase_early_commit.yaml")), two_phase)
    last = listing(out).rstrip().splitlines()[-1]
    assert last.startswith("  replay: imsflow conform ") and "--model" in last and last.endswith("--out DIR")
