"""Partial-order reduction under the weak-fairness response check (reduce.py, C4 and C5, and
liveness.py's enabledness read from full expansions).

Two purpose-built models, each one a naive POR gets wrong, with its ground truth written
down and checked reduced and unreduced; for each, a test that takes the safeguard away and
sees the reduced verdict go wrong, so that the model keeps testing what it is for.  Then
random systems with response properties and small FIFOs (where sends block), reduced and
unreduced, must give the same verdicts.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsflow.authoring import Composition, Entity, MessageType, Model, T, Vocabulary, event, recv
from imsflow.backends.explore import liveness
from imsflow.backends.explore import reduce as red_mod
from imsflow.backends.explore.checker import ExplicitChecker
from imsflow.compiler import compile_model
from imsflow.patterns.bind import bind
from imsflow.patterns.lowering import lower
from imsflow.patterns.spec import BUILTINS, Property

VOCAB = Vocabulary([MessageType(m, "test", m) for m in ("M", "D")])


def _model(name, classes, capacity):
    return Model(name=name, entities=classes, vocabulary=VOCAB,
                 compose=lambda config: Composition([c(config) for c in classes], capacity=capacity))


def _check(model, props, *, por):
    ts = compile_model(model, model.config(), props, bind=bind, eager=False)
    out, stats = ExplicitChecker(progress=False, por=por, symmetry=False).check(ts, lower(props, ts))
    return {o.property: o for o in out}, stats, ts


def drain_model():
    """S asks (go: sends M to R); R answers by receiving M, which sends D to V; meanwhile R
    loops (e sends D to V, e2 does not) and V drains D.  The FIFO R->V holds 2.

    Full graph: R sends D twice, the FIFO is full, R's answer (it sends D too) is blocked; V
    drains; round again.  R's answer is disabled once a round, so this cycle is fair and the
    request is never answered: violated.  A naive POR lets V drain first whenever it can
    (V's receipt is invisible and ample), never reaches a full FIFO, and every state of its
    cycle has the answer enabled: the cycle is unfair there, and the violation is lost."""

    class S(Entity):
        name = "S"
        states = ["s0", "s1"]
        initial = "s0"
        end_states = ["s0", "s1"]
        transitions = [T("s0", "s1", on=event("go"), do=lambda e: e.send("R", "M"))]

    class R(Entity):
        name = "R"
        states = ["l0", "l1", "done"]
        initial = "l0"
        end_states = ["l0", "l1", "done"]
        transitions = [
            T("l0", "l1", on=event("e"), do=lambda e: e.send("V", "D")),
            T("l1", "l0", on=event("e2")),
            T(["l0", "l1"], "done", on=recv("S", "M"), do=lambda e: e.send("V", "D")),
        ]

    class V(Entity):
        name = "V"
        states = ["v"]
        initial = "v"
        end_states = ["v"]
        transitions = [T("v", None, on=recv("R", "D"))]

    props = [Property(id="answered", statement="R answers S", kind="response", clause="test",
                      spec={"trigger": {"entity": "S", "event": "go"},
                            "response": {"entity": "R", "receives": "M"}})]
    return _model("por-drain", [S, R, V], 2), props


def postpone_model():
    """S asks (go: sends M to Q); Q answers by receiving M, enabled from then on for ever; P
    loops on invisible events and W takes three.  Weak fairness makes Q answer: holds.  The reduced graph
    takes P's loop as ample sets, so an ample state's own edges show no class of Q; a fairness
    test that read enabledness from those edges would find P's loop fair and report a
    violation."""

    class S(Entity):
        name = "S"
        states = ["s0", "s1"]
        initial = "s0"
        end_states = ["s0", "s1"]
        transitions = [T("s0", "s1", on=event("go"), do=lambda e: e.send("Q", "M"))]

    class P(Entity):
        name = "P"
        states = ["p0", "p1"]
        initial = "p0"
        end_states = ["p0", "p1"]
        transitions = [T("p0", "p1", on=event("a")), T("p1", "p0", on=event("b"))]

    class W(Entity):  # invisible steps that end: the interleavings POR prunes
        name = "W"
        states = ["w0", "w1", "w2", "w3"]
        initial = "w0"
        end_states = ["w0", "w1", "w2", "w3"]
        transitions = [T("w0", "w1", on=event("c")), T("w1", "w2", on=event("d")), T("w2", "w3", on=event("f"))]

    class Q(Entity):
        name = "Q"
        states = ["q0", "q1"]
        initial = "q0"
        end_states = ["q0", "q1"]
        transitions = [T("q0", "q1", on=recv("S", "M"))]

    props = [Property(id="answered", statement="Q answers", kind="response", clause="test",
                      spec={"trigger": {"entity": "S", "event": "go"}, "response": {"entity": "Q", "receives": "M"}})]
    return _model("por-postpone", [S, P, W, Q], 1), props


# model -> ground truth of `answered` (and the lasso's cycle length for a violation)
GROUND_TRUTH = {"drain": ("violated", drain_model), "postpone": ("holds", postpone_model)}


@pytest.mark.parametrize("por", [False, True], ids=["unreduced", "por"])
@pytest.mark.parametrize("name", sorted(GROUND_TRUTH))
def test_ground_truth_reduced_and_unreduced(name, por):
    verdict, build = GROUND_TRUTH[name]
    model, props = build()
    out, stats, ts = _check(model, props, por=por)
    assert out["answered"].verdict.value == verdict, (stats, out["answered"].reason)
    assert stats["reduction"] == ("por" if por else "none")
    if verdict == "violated":
        trace = out["answered"].trace
        assert trace.loop_start is not None
        ts.saturate()
        states = trace.states(ts)  # a real run: every step enabled where it is taken
        assert states[trace.loop_start] == states[-1]  # and a real cycle


def test_por_prunes_where_fairness_allows():
    """The reduction is not vacuous: on `postpone` the reduced graph is smaller.  On `drain`
    C4 keeps every state (each drain could be moved past a send of R's)."""
    states = {}
    for name, (_, build) in GROUND_TRUTH.items():
        model, props = build()
        states[name] = (_check(model, props, por=False)[1]["states"], _check(model, props, por=True)[1]["states"])
    assert states["postpone"][1] < states["postpone"][0], states
    assert states["drain"][1] == states["drain"][0], states


def test_drain_needs_c4(monkeypatch):
    """Without C4 (a receipt from a FIFO whose sender can still send on it is ample) the
    reduced search loses the fair cycle and says holds: the model tests C4."""
    model, props = drain_model()
    full = _check(model, props, por=False)[1]["states"]
    monkeypatch.setattr(red_mod.Reducer, "_room_neutral", lambda self, s, p, mine: True)
    out, stats, _ = _check(model, props, por=True)
    assert stats["reduction"] == "por" and stats["states"] < full
    assert out["answered"].verdict.value == "holds"


def test_postpone_needs_full_enabledness(monkeypatch):
    """Reading enabledness from the reduced graph's own edges turns P's loop into a fair
    cycle and reports a violation that does not exist: the model tests that liveness.py reads
    full expansions after a reduced search."""
    model, props = postpone_model()
    monkeypatch.setattr(liveness, "_enabled", lambda exp, sid, unit: {unit(a) for a, _ in liveness._out(exp, sid)})
    out, stats, _ = _check(model, props, por=True)
    assert stats["reduction"] == "por"
    assert out["answered"].verdict.value == "violated"


def test_set_read_in_place_with_a_monitor_turns_por_off():
    """C5: a set channel read in place with a monitor operation - POR is off with a response
    property, and the notes say why."""

    class A(Entity):
        name = "A"
        states = ["a0", "a1"]
        initial = "a0"
        end_states = ["a0", "a1"]
        transitions = [T("a0", "a1", on=event("go"), do=lambda e: e.send("B", "M"))]

    class B(Entity):
        name = "B"
        states = ["b0"]
        initial = "b0"
        end_states = ["b0"]
        transitions = [T("b0", None, on=recv("A", "M")), T("b0", None, on=event("tick"))]

    model = Model(name="por-set", entities=[A, B], vocabulary=VOCAB,
                  compose=lambda config: Composition([A(config), B(config)], capacity=1,
                                                     channel_kinds={("A", "B"): "set"}))
    props = [Property(id="read", statement="B reads M", kind="response", clause="test",
                      spec={"trigger": {"entity": "A", "event": "go"}, "response": {"entity": "B", "receives": "M"}})]
    out, stats, _ = _check(model, props, por=True)
    assert stats["reduction"] == "none"
    assert any("reads a set channel in place" in n for n in stats["reduction_notes"])
    assert out["read"].verdict.value == _check(model, props, por=False)[0]["read"].verdict.value


# ---- random systems with response properties -------------------------------------------------

COUNTS = {"examples": 0, "reduced": 0, "violated": 0, "holds": 0}
EVENTS = ("e0", "e1", "e2")
MSGS = ("M", "D")


@st.composite
def live_systems(draw):
    """2-3 processes, FIFO links of capacity 1-2 (so sends block), invisible loops, a
    response property whose trigger and response are steps of (usually) different
    processes."""
    n = draw(st.integers(2, 3))
    k = 3
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    links = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=3, unique=True))
    procs = []
    for p in range(n):
        ins = [a for a, b in links if b == p]
        outs = [b for a, b in links if a == p]
        trans = []
        for _ in range(draw(st.integers(2, 5))):
            on = draw(st.sampled_from([("event", e) for e in EVENTS] + [("recv", a, m) for a in ins for m in MSGS]))
            sends = []
            if outs and draw(st.booleans()):
                sends.append((draw(st.sampled_from(outs)), draw(st.sampled_from(MSGS))))
            trans.append({"src": draw(st.integers(0, k - 1)), "dst": draw(st.one_of(st.none(), st.integers(0, k - 1))),
                          "on": on, "sends": sends})
        for a in ins:  # every message handled everywhere (a drain in place), so nothing is unhandled
            for m in MSGS:
                trans.append({"src": None, "dst": None, "on": ("recv", a, m), "sends": []})
        procs.append(trans)
    # A bystander with invisible steps of its own, linked to nobody: interleavings to prune.
    procs.append([{"src": i, "dst": (i + 1) % k if draw(st.booleans()) else i + 1 if i + 1 < k else None,
                   "on": ("event", "e2"), "sends": []} for i in range(k)])

    def step(p):
        how = draw(st.sampled_from(["event", "send", "recv"]))
        if how == "event":
            return {"entity": f"P{p}", "event": draw(st.sampled_from(EVENTS))}
        if how == "send":
            return {"entity": f"P{p}", "sends": draw(st.sampled_from(MSGS))}
        return {"entity": f"P{p}", "receives": draw(st.sampled_from(MSGS))}

    props = []
    for i in range(draw(st.integers(1, 2))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        props.append({"trigger": step(a), "response": step(b)})
    return {"n": n + 1, "k": k, "procs": procs, "props": props, "capacity": draw(st.integers(1, 2))}


def build_live(desc):
    k = desc["k"]
    classes = []
    for p, trans in enumerate(desc["procs"]):
        ts = []
        for i, t in enumerate(trans):
            on = event(t["on"][1]) if t["on"][0] == "event" else recv(f"P{t['on'][1]}", t["on"][2])
            src = "*" if t["src"] is None else f"s{t['src']}"
            dst = None if t["dst"] is None else f"s{t['dst']}"
            ts.append(T(src, dst, on=on, name=f"t{i}",
                        do=lambda e, s=tuple(t["sends"]): [e.send(f"P{b}", m) for b, m in s]))
        classes.append(type(f"P{p}", (Entity,), {
            "name": f"P{p}", "states": [f"s{i}" for i in range(k)], "initial": "s0",
            "end_states": [f"s{i}" for i in range(k)], "transitions": ts,
        }))
    model = Model(name="por-live", entities=classes, vocabulary=VOCAB,
                  compose=lambda config: Composition([c(config) for c in classes], capacity=desc["capacity"]))
    props = [p for p in BUILTINS if p.kind == "deadlock"]
    for i, spec in enumerate(desc["props"]):
        props.append(Property(id=f"response-{i}", statement="random", kind="response", clause="random", spec=spec))
    return model, props


@settings(max_examples=200, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(live_systems())
def test_por_keeps_every_response_verdict(desc):
    _same_live_verdicts(desc)


def _same_live_verdicts(desc):
    try:
        model, props = build_live(desc)
        model.config()
    except Exception as exc:  # a drawn property that names no step of the model
        pytest.skip(f"not a model: {exc}")
    verdicts, states = {}, {}
    for por in (False, True):
        out, stats, _ = _check(model, props, por=por)
        verdicts[por] = {pid: o.verdict.value for pid, o in out.items()}
        states[por] = (stats["states"], stats["reduction"])
    COUNTS["examples"] += 1
    if states[True][1] == "por" and states[True][0] < states[False][0]:
        COUNTS["reduced"] += 1
    COUNTS["violated"] += any(v == "violated" for p, v in verdicts[False].items() if p.startswith("response"))
    COUNTS["holds"] += any(v == "holds" for p, v in verdicts[False].items() if p.startswith("response"))
    assert verdicts[True] == verdicts[False], (states, desc)


def test_the_random_systems_exercise_the_reduction():
    """Not all trivial: POR pruned states on many of them, and both verdicts occur often."""
    COUNTS.update(examples=0, reduced=0, violated=0, holds=0)
    test_por_keeps_every_response_verdict()
    assert COUNTS["examples"] >= 150, COUNTS
    assert COUNTS["reduced"] >= 50, COUNTS
    assert COUNTS["violated"] >= 30 and COUNTS["holds"] >= 15, COUNTS

