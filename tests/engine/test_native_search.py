"""The native search (system/_search.c, backends/explore/native.py) against the Python one
(bfs.py's `_explore`, the reference), state by state: the same states in the same order, the
same parent links, edges, deadlocks, terminals, unhandled messages, monitor errors, invariant
failures, cyclic core and budget stops - on seed flows, reference models and random systems."""

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given

from imsflow.authoring import Composition, Entity, MessageType, Model, T, Vocabulary, event, recv
from imsflow.backends.explore import bfs, liveness, native
from imsflow.backends.explore.bfs import explore
from imsflow.backends.explore.checker import ExplicitChecker
from imsflow.compiler import compile_model
from imsflow.loader import load
from imsflow.patterns.bind import bind
from imsflow.patterns.lowering import lower
from imsflow.patterns.spec import Property
from imsflow.patterns.verdict import Verdict
from imsflow.pipeline import compile_for, selected_properties
from imsflow.system import fast

from test_engine_hypothesis import SETTINGS, _invariant, systems

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
needs_native = pytest.mark.skipif(not native.available(), reason=f"no native search: {fast.status()}")
pytestmark = needs_native


def _pair(make):
    """The same system compiled twice (tables are built on demand, so each search builds its own)."""
    return make(), make()


def assert_same_exploration(a, b):
    assert a.engine == "native" and b.engine == "python"
    assert len(a.states) == len(b.states)
    assert list(a.states) == b.states
    assert list(a.parent) == b.parent and list(a.via) == b.via
    if b.edges is not None:
        assert list(a.edges) == b.edges
    assert (a.transitions, a.back_edges, a.depth) == (b.transitions, b.back_edges, b.depth)
    assert (a.taken, a.terminals, a.deadlocks) == (b.taken, b.terminals, b.deadlocks)
    assert a.unhandled == b.unhandled
    assert a.monitor_errors == b.monitor_errors and a.invariant_failures == b.invariant_failures
    assert (a.complete, a.stop_reason) == (b.complete, b.stop_reason)
    for sid in (0, len(b.states) // 2, len(b.states) - 1):
        assert a.index[b.states[sid]] == sid and b.states[sid] in a.index
    assert a.index.get(b.states[0][:-1] + (12345,)) is None  # a state never reached
    ts = b.ts
    for k in range(ts.k):  # the liveness check's pending states, read from the packed monitors only
        slot = ts.mon_off + k
        values = [s[slot] for s in b.states]
        assert a.native.pending(k, 0) == _or(v for v in values if v > 0)
        for bit in range(4):
            assert a.native.pending(k, 1 << bit) == [i for i, v in enumerate(values) if v > 0 and v & (1 << bit)]


def _or(values):
    out = 0
    for v in values:
        out |= v
    return out


def _seed_pair(flow, settings, wics=1):
    loaded = load(None)
    config = loaded.model.config(flow, settings, wics)
    props = selected_properties(loaded, config, None)
    return _pair(lambda: compile_for(loaded, config, props, eager=False))


@pytest.mark.parametrize("flow, settings, wics, max_states", [
    ("F6", {"rogue": "yes", "faults": "cancel"}, 1, 40_000),
    ("F3", {"rogue": "yes", "tna_trust": "any"}, 1, None),  # an expected finding: monitor errors
    ("F5", {"faults": "ws_drop"}, 2, None),
    ("F4", {}, 2, None),
    ("F8", {"faults": "all"}, 1, 20_000),  # cut by the state budget, at the same state
])
def test_native_and_python_searches_agree_on_seed_flows(flow, settings, wics, max_states):
    a_ts, b_ts = _seed_pair(flow, settings, wics)
    a = explore(a_ts, keep_edges=True, max_states=max_states)
    b = explore(b_ts, keep_edges=True, max_states=max_states, native=False)
    assert len(b.states) > 100
    assert_same_exploration(a, b)
    if a.complete:
        assert liveness.cyclic_core(a) == liveness.cyclic_core(b)


@pytest.mark.parametrize("model_dir", ["examples/two_phase", "examples/abp", "models/annex_u"])
def test_native_and_python_searches_agree_on_reference_models(model_dir):
    """two_phase has set channels (read in place, never consumed); abp has lossy channels."""
    loaded = load(os.path.join(ROOT, model_dir))
    for flow in list(loaded.model.flows) or [None]:
        config = loaded.model.config(flow, {}, 1)
        props = selected_properties(loaded, config, None)
        a_ts, b_ts = _pair(lambda: compile_for(loaded, config, props, eager=False))
        assert_same_exploration(explore(a_ts, keep_edges=True), explore(b_ts, keep_edges=True, native=False))


@SETTINGS
@given(systems())
def test_native_and_python_searches_agree_on_random_systems(system):
    model, target = system
    prop = _invariant(target)

    def make():
        return compile_model(model, model.config(), [prop], bind=bind, eager=False)

    a_ts, b_ts = _pair(make)
    assert a_ts.invariants  # the invariant is checked natively too
    assert_same_exploration(explore(a_ts, keep_edges=True), explore(b_ts, keep_edges=True, native=False))


# ---- a model built to trip a packed encoding -----------------------------------------------------

MANY = 300  # local states and message values past one varint byte (127) and past 255
VOCAB = Vocabulary([MessageType("N", "toy", "a number", {"n": tuple(range(MANY + 1))}),
                    MessageType("STOP", "toy", "the end")])


class Counter(Entity):
    """Counts to MANY, sending each value; its peer echoes every value back and leaves STOP
    unhandled, so the search meets hundreds of local states and messages and one unhandled one."""

    name = "Counter"
    states = ["run", "done"]
    initial = "run"
    end_states = ["done"]
    variables = {"i": tuple(range(MANY + 1))}

    def tick(self):
        self.v.i += 1
        self.send("Echo", "N", n=self.v.i)

    transitions = [
        T("run", None, on=event("tick"), when=lambda e: e.v.i < MANY, do="tick"),
        T("run", "done", on=event("stop"), when=lambda e: e.v.i == MANY, do=lambda e: e.send("Echo", "STOP")),
        T("*", None, on=recv("Echo", "N"), name="absorb"),
    ]


class Echo(Entity):
    name = "Echo"
    states = ["idle", "closing"]
    initial = "idle"
    end_states = ["idle"]
    transitions = [
        T("idle", None, on=recv("Counter", "N"), do=lambda e: e.send("Counter", "N", n=e.msg.n)),
        T("closing", "idle", on=recv("Counter", "STOP")),  # never in `closing`: STOP is unhandled in `idle`
    ]


def _counter_model():
    classes = [Counter, Echo]
    return Model(name="counter", entities=classes, vocabulary=VOCAB,
                 compose=lambda config: Composition([c(config) for c in classes], capacity=2))


def test_native_search_holds_values_past_one_varint_byte_and_reports_unhandled_messages():
    model = _counter_model()
    a_ts, b_ts = _pair(lambda: compile_model(model, model.config(), eager=False))
    a, b = explore(a_ts, keep_edges=True), explore(b_ts, keep_edges=True, native=False)
    assert_same_exploration(a, b)
    assert len(a_ts.processes[0].locals) > MANY and len(a_ts.messages) > MANY
    assert a.unhandled  # STOP reaches the Echo, which has no transition for it


# ---- budgets and the way out ---------------------------------------------------------------------

def test_a_memory_budget_stops_the_native_search_where_the_python_one_would_go_on():
    a_ts, _ = _seed_pair("F6", {"faults": "all"})
    exp = explore(a_ts, max_bytes=2 * 2**20)
    assert exp.engine == "native" and not exp.complete
    assert exp.stop_reason.startswith("memory budget of 0.0 GiB reached after ")
    assert 1000 < len(exp.states) < 100_000  # 2 MiB: a few thousand states of ~250 bytes, not the 637k


def test_a_memory_budget_in_the_cli_gives_inconclusive_with_the_command_that_lifts_it(tmp_path):
    out = subprocess.run([sys.executable, "-m", "imsflow.cli", "check", "--flow", "F6", "--set", "faults=all",
                          "--property", "deadlock-free", "--no-intruder", "--max-memory", "0.002", "--format", "json"],
                         capture_output=True, text=True)
    doc = json.loads(out.stdout)
    [r] = doc["results"]
    assert r["verdict"] == "inconclusive" and "memory budget" in r["reason"]
    assert "--max-memory none" in r["lift"]
    assert doc["stats"]["memory_budget_bytes"] == int(0.002 * 2**30)


@pytest.mark.parametrize("bad", ["0", "-1", "lots", "nan"])
def test_a_bad_memory_budget_is_a_usage_error(bad):
    out = subprocess.run([sys.executable, "-m", "imsflow.cli", "check", "--flow", "F1", "--max-memory", bad],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "--max-memory" in out.stderr and "Traceback" not in out.stderr


def test_the_summary_says_which_search_ran_and_the_memory_budget():
    out = subprocess.run([sys.executable, "-m", "imsflow.cli", "check", "--flow", "F1"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("search: "))
    assert "native search" in line and "bytes a state" in line and "GiB a search" in line


# ---- falling back, and saying so -----------------------------------------------------------------

def test_a_system_the_packed_form_cannot_hold_is_searched_in_python_and_the_reason_kept(monkeypatch):
    a_ts, b_ts = _seed_pair("F2", {})

    def wide(ts, **kw):
        raise native.NativeUnavailable("native search: monitor bit 70 does not fit")

    monkeypatch.setattr(native, "search", wide)
    a = explore(a_ts)
    assert a.engine == "python" and "monitor bit 70" in a.engine_note
    assert a.states == explore(b_ts, native=False).states


def test_the_native_search_refuses_a_monitor_bit_it_cannot_hold():
    ts, _ = _seed_pair("F2", {})
    mod = fast.module()
    host = native._Host(ts)

    def spec(aid):
        proc, target, consume, sends, steps = host.spec(aid)
        return proc, target, consume, sends, ((0, ((0, 70),)),)  # ARM bit 70

    s = mod.Search(ts.n, tuple(c.capacity for c in ts.channels), bytes(len(ts.channels)),
                   tuple(c.receiver for c in ts.channels), max(ts.k, 1), host.events, host.recv, spec, host.is_end, [])
    init = ts.initial_state() + ((0,) if ts.k == 0 else ())
    with pytest.raises(OverflowError, match="monitor bit 70"):
        s.run(init, -1, -1.0, -1, False, None)


def test_the_checker_tries_the_unreduced_native_search_before_a_reduction_and_falls_back_past_its_budget(
        monkeypatch):
    """A safety-only check of F9 would be reduced (POR, in Python); native first searches the whole
    space instead (bounded by the budgets), and past a state cap NATIVE_FIRST_STATES the reduced
    search runs as before."""
    loaded = load(None)
    config = loaded.model.config("F9", {}, 1)
    props = selected_properties(loaded, config, ["deadlock-free", "every-message-handled"])
    ts = compile_for(loaded, config, props, eager=False)
    outcomes, stats = ExplicitChecker(progress=False, native_first=True).check(ts, lower(props, ts))
    assert stats["reduction"] == "none" and stats["search"] == "native"
    from imsflow.backends.explore import checker

    monkeypatch.setattr(checker, "NATIVE_FIRST_STATES", 100)
    ts2 = compile_for(loaded, config, props, eager=False)
    outcomes2, stats2 = ExplicitChecker(progress=False, native_first=True).check(ts2, lower(props, ts2))
    assert stats2["reduction"] != "none" and stats2["search"] == "python"
    assert [o.verdict for o in outcomes] == [o.verdict for o in outcomes2] == [Verdict.HOLDS] * 2
    assert stats2["states"] < stats["states"]


@pytest.mark.parametrize("threads", [2, 3])
def test_the_parallel_native_search_is_the_sequential_one(threads):
    """Threads expand batches of states with the GIL released and leave a state whose table
    entries are not built yet to the merge: on a fresh system (every entry still to build) and on
    a warm one, the result is the one-thread search's, state by state."""
    a_ts, b_ts = _seed_pair("F7", {"rogue": "yes", "faults": "cancel"})
    for _ in range(2):  # fresh tables, then warm ones
        a = explore(a_ts, keep_edges=True, max_states=30_000, threads=1)
        b = explore(b_ts, keep_edges=True, max_states=30_000, threads=threads)
        assert len(a.states) >= 30_000  # the budget stops after the expansion that reaches it
        assert list(a.states) == list(b.states) and list(a.parent) == list(b.parent)
        assert list(a.via) == list(b.via) and list(a.edges) == list(b.edges)
        assert (a.taken, a.terminals, a.deadlocks, a.unhandled) == (b.taken, b.terminals, b.deadlocks, b.unhandled)
        assert (a.monitor_errors, a.transitions, a.back_edges, a.depth) == \
            (b.monitor_errors, b.transitions, b.back_edges, b.depth)
        assert [x.trigger for x in a_ts.actions] == [x.trigger for x in b_ts.actions]  # tables built in one order


def test_the_summary_says_what_a_budget_left_open_and_how_to_lift_it():
    out = subprocess.run([sys.executable, "-m", "imsflow.cli", "check", "--flow", "F6", "--set", "faults=all",
                          "--max-states", "1000", "--no-intruder"], capture_output=True, text=True)
    assert out.returncode == 3, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("budget: "))
    assert "the state budget cut" in line and "deadlock-free" in line and "--max-states none" in line


def _ordered_goals(loaded, config, ts):
    """The in-order reach obligations of a flow's properties: (goal action ids, restart steps)."""
    from imsflow.patterns.obligations import Reach

    props = selected_properties(loaded, config, None)
    out = []
    for ob in lower(props, ts, flow=loaded.model.flows[config.flow]):
        if isinstance(ob, Reach) and ob.ordered and ob.goal is not None:
            out.append((ob.goal.among(range(len(ts.actions))), tuple(ob.restart_after)))
    return out


@pytest.mark.parametrize("flow, settings, wics", [
    ("F1", {}, 1), ("F4", {}, 2), ("F5", {"lifecycle": "full"}, 1), ("F6", {"faults": "cancel"}, 1),
    ("F7", {}, 1), ("F9", {"faults": "reject"}, 1),
])
def test_the_in_order_witness_over_the_native_graph_is_the_python_one(flow, settings, wics):
    """witness.ordered_witness_over reads the kept edges of the native search; ordered_witness
    expands every state again in Python: both give the same shortest in-order run, and the same
    answer when only a budget stops them."""
    from imsflow.backends.explore.witness import ordered_witness, ordered_witness_over

    loaded = load(None)
    config = loaded.model.config(flow, settings, wics)
    ts = compile_for(loaded, config, selected_properties(loaded, config, None), eager=False)
    exp = explore(ts, keep_edges=True)
    assert exp.engine == "native" and exp.complete
    goals = _ordered_goals(loaded, config, ts)
    assert goals, f"{flow} has no in-order flow obligation"
    for goal_aids, restart in goals:
        over = ordered_witness_over(exp, goal_aids, restart_after=restart)
        again = ordered_witness(ts, goal_aids, restart_after=restart)
        assert over is not None and again[0] is not None
        assert over[0].actions == again[0].actions and over[1] == again[1] is True
        cut_over = ordered_witness_over(exp, goal_aids, max_states=5, restart_after=restart)
        cut_again = ordered_witness(ts, goal_aids, max_states=5, restart_after=restart)
        assert (cut_over[0] is None) == (cut_again[0] is None) and cut_over[1] == cut_again[1]
    # No goal at all: the whole product is searched, and both say complete, nothing found.
    assert ordered_witness_over(exp, set()) == (None, True) == ordered_witness(ts, set())
    # A Python search's graph is not read: the caller searches again.
    assert ordered_witness_over(explore(ts, keep_edges=True, native=False), goals[0][0]) is None
