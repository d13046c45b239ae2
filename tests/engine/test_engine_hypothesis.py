"""Hypothesis tests of the engine itself, on random small systems: BFS counterexamples are
shortest, every trace replays through the transition system, and the reachable state set does
not depend on the exploration order."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsflow.authoring import Composition, Entity, MessageType, Model, T, Vocabulary, event, recv
from imsflow.backends.explore.bfs import explore
from imsflow.backends.explore.checker import ExplicitChecker
from imsflow.compiler import compile_model
from imsflow.patterns.bind import bind
from imsflow.patterns.lowering import lower
from imsflow.patterns.spec import Property
from imsflow.patterns.verdict import Verdict
from imsflow.system.trace import Trace, replay, to_entries

MSGS = ("M0", "M1")
VOCAB = Vocabulary([MessageType(m, "toy", m) for m in MSGS])
STATES = ("s0", "s1", "s2")


@st.composite
def systems(draw):
    """2-3 processes P0..P2, each with random event and receive transitions over 3 states."""
    n = draw(st.integers(2, 3))
    names = [f"P{i}" for i in range(n)]
    classes = []
    for i, name in enumerate(names):
        others = [o for o in names if o != name]
        transitions = []
        for _ in range(draw(st.integers(1, 4))):
            src, dst = draw(st.sampled_from(STATES)), draw(st.sampled_from(STATES))
            if draw(st.booleans()):
                trig = event(f"e{len(transitions)}")
            else:
                trig = recv(draw(st.sampled_from(others)), draw(st.sampled_from(MSGS)))
            sends = draw(st.lists(st.tuples(st.sampled_from(others), st.sampled_from(MSGS)), max_size=2))
            transitions.append(T(src, dst, on=trig, do=(lambda e, s=tuple(sends): [e.send(t, m) for t, m in s])))
        # every receive is handled somewhere (otherwise every system is an unhandled-message toy)
        for other in others:
            for m in MSGS:
                transitions.append(T("*", None, on=recv(other, m), name=f"absorb {m}"))
        classes.append(type(name, (Entity,), {
            "name": name, "states": list(STATES), "initial": "s0", "end_states": list(STATES),
            "transitions": transitions,
        }))
    model = Model(name="random", entities=classes, vocabulary=VOCAB,
                  compose=lambda config: Composition([c(config) for c in classes], capacity=2))
    target = (draw(st.sampled_from(names)), draw(st.sampled_from(STATES)))
    return model, target


def _invariant(target):
    name, state = target
    return Property(id="never-target", kind="invariant", statement="never", clause="random",
                    spec={"never": {"entity": name, "state": state}})


def _shorter_path_exists(ts, bad, steps):
    """Level-by-level search, independent of the BFS: is a bad state reachable in fewer than
    `steps` steps?"""
    frontier = {ts.initial_state()}
    for _ in range(steps):
        if any(bad(s) for s in frontier):
            return True
        frontier = {t for s in frontier for _, t in ts.expand(s)[0]}
    return False


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(systems())
def test_bfs_counterexamples_are_shortest(system):
    model, target = system
    prop = _invariant(target)
    ts = compile_model(model, model.config(), [prop], bind=bind, eager=False)
    outcomes, _ = ExplicitChecker(progress=False, por=False, symmetry=False).check(ts, lower([prop], ts))
    o = outcomes[0]
    if o.verdict is Verdict.VIOLATED:
        bad = ts.invariants[0][1].compile(ts)
        assert bad(o.trace.states(ts)[-1])
        assert not _shorter_path_exists(ts, bad, len(o.trace.actions))
    else:
        assert o.verdict is Verdict.HOLDS


@SETTINGS
@given(systems(), st.randoms(use_true_random=False))
def test_every_trace_replays(system, rnd):
    model, _ = system
    ts = compile_model(model, model.config(), eager=False)
    # a random walk of up to 12 steps, saved as JSON and replayed through a fresh compile
    s, walk = ts.initial_state(), []
    for _ in range(12):
        succ, unhandled = ts.expand(s)
        if not succ or unhandled:
            break
        aid, s = rnd.choice(succ)
        walk.append(aid)
    entries = to_entries(ts, Trace(walk))
    fresh = compile_model(model, model.config(), eager=False)
    replayed = replay(fresh, entries)
    assert [fresh.action_text(a) for a in replayed] == [ts.action_text(a) for a in walk]


@SETTINGS
@given(systems(), st.integers(0, 2**32 - 1))
def test_state_count_is_independent_of_exploration_order(system, seed):
    model, _ = system
    ts = compile_model(model, model.config(), eager=False)
    bfs_states = {repr(sorted(ts.describe(s).items())) for s in explore(ts).states}
    # a DFS that visits successors in a random order, over a separately compiled system
    other = compile_model(model, model.config(), eager=False)
    rnd = random.Random(seed)
    seen, stack = {other.initial_state()}, [other.initial_state()]
    while stack:
        s = stack.pop()
        succ, unhandled = other.expand(s)
        if unhandled:
            continue
        rnd.shuffle(succ)
        for _, t in succ:
            if t not in seen:
                seen.add(t)
                stack.append(t)
    assert {repr(sorted(other.describe(s).items())) for s in seen} == bfs_states


def _reach(succ, start):
    """States reachable from `start` in one or more steps (naive: a plain graph search)."""
    seen, stack = set(), list(succ[start])
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(succ[v])
    return seen


@SETTINGS
@given(systems())
def test_cyclic_core_is_exactly_the_states_on_a_cycle(system):
    from imsflow.backends.explore.liveness import cyclic_core

    model, _ = system
    ts = compile_model(model, model.config(), eager=False)
    exp = explore(ts, keep_edges=True)
    succ = {i: [j for _, j in out] for i, out in enumerate(exp.edges)}
    on_cycle = {v for v in succ if v in _reach(succ, v)}
    assert cyclic_core(exp) == on_cycle
    if not on_cycle:
        return
    assert exp.back_edges > 0  # a cycle always has an edge back to an earlier-numbered state


def _naive_response_violated(exp, mk) -> bool:
    """The weak-fairness response check from its definition, without SCC algorithms: a pending
    state that ends the run, or a pending state whose pending 'cluster' (the states it reaches
    and that reach it back inside the pending part) is fair."""
    ts = exp.ts
    slot = ts.mon_off + mk
    pending = {i for i, s in enumerate(exp.states) if s[slot] not in (0, -1)}
    if any(i in pending for i in exp.terminals):
        return True

    def unit(aid):
        a = ts.actions[aid]
        return (a.proc, a.trigger) if a.channel is None else (a.proc, "recv", a.channel)

    succ = {i: [j for _, j in exp.edges[i] if j in pending] for i in pending}
    pred = {i: [] for i in pending}
    for i, out in succ.items():
        for j in out:
            pred[j].append(i)
    for v in pending:
        forward = _reach(succ, v)
        if v not in forward:
            continue
        # the states v reaches and that reach v back: forward and backward reach intersected
        cluster = (forward & _reach(pred, v)) | {v}
        always = set.intersection(*({unit(a) for a, _ in exp.edges[u]} for u in cluster))
        moved = {unit(a) for u in cluster for a, j in exp.edges[u] if j in cluster}
        if always <= moved:
            return True
    return False


@settings(SETTINGS, max_examples=120)
@given(systems(), st.sampled_from(("sends", "receives")), st.sampled_from(MSGS))
def test_response_verdict_matches_its_definition(system, how, answer):
    """Whatever P1 receives must be followed by P0 sending / receiving `answer` (any P1 receipt
    is the trigger, so that most random systems are not vacuous)."""
    model, _ = system
    names = [e.name for e in model.entities]
    prop = Property(id="answered", kind="response", statement="answered", clause="random",
                    spec={"trigger": {"entity": names[1], "receives": list(MSGS)},
                          "response": {"entity": names[0], how: answer}})
    ts = compile_model(model, model.config(), [prop], bind=bind, eager=False)
    outcomes, _ = ExplicitChecker(progress=False, por=False, symmetry=False).check(ts, lower([prop], ts))
    verdict = outcomes[0].verdict
    exp = explore(ts, keep_edges=True)
    if exp.unhandled or verdict is Verdict.VACUOUS:
        return
    assert (verdict is Verdict.VIOLATED) == _naive_response_violated(exp, 0)
    if verdict is Verdict.VIOLATED:
        assert_fair_counterexample(ts, outcomes[0].trace, 0)


def assert_fair_counterexample(ts, trace, mk):
    """A response counterexample shows what the definition asks, re-checked from scratch: it
    replays; a finite one ends where nothing is enabled with a request pending; a lasso's cycle
    returns to where it starts, one request (one monitor bit) stays pending all along it, and
    every fairness class - one event of one process, or the receipts on one channel - that is
    enabled in every state of the cycle is taken on it (weak fairness)."""
    states = trace.states(ts)
    slot = ts.mon_off + mk
    if trace.loop_start is None:
        succ, _ = ts.expand(states[-1])
        assert not succ and states[-1][slot] > 0
        return
    loop = states[trace.loop_start:]
    assert loop[0] == loop[-1] and len(loop) >= 2, "the cycle does not close"
    held = -1
    for s in loop:
        held &= s[slot] if s[slot] > 0 else 0
    assert held, "no single request stays pending along the whole cycle"

    def unit(aid):
        a = ts.actions[aid]
        return (a.proc, a.trigger) if a.channel is None else (a.proc, "recv", a.channel)

    along = set.intersection(*({unit(aid) for aid, _ in ts.expand(s)[0]} for s in loop[:-1]))
    taken = {unit(aid) for aid in trace.actions[trace.loop_start:]}
    assert along <= taken, f"classes enabled all along the cycle and never taken: {along - taken}"


def test_printed_lassos_of_the_reference_models_are_fair():
    """The starvation model (tests/promela/starve) and pingpong with a server that may break:
    each response counterexample, as printed, is a run the fairness definition admits."""
    import os

    from imsflow.loader import load
    from imsflow.pipeline import selected_properties, system_for

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    checked = 0
    for model_dir, flow, settings in ((os.path.join(here, "promela", "starve"), "S1", {}),
                                      (os.path.join(here, "promela", "pingpong"), "P1", {"stuck": "yes"})):
        loaded = load(model_dir)
        config = loaded.model.config(flow, settings, 2)
        props = [p for p in selected_properties(loaded, config, None) if p.kind == "response"]
        ts, obligations = system_for(loaded, flow, config, props, eager=False)
        outcomes, _ = ExplicitChecker(progress=False).check(ts, obligations)
        for prop, o in zip(props, outcomes):
            assert o.verdict is Verdict.VIOLATED
            mk = next(k for k, m in enumerate(ts.monitors) if m.property == prop.id)
            assert_fair_counterexample(ts, o.trace, mk)
            checked += 1
    assert checked == 2
