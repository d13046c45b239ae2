"""The Z3 encoding of processes with per-WIC contexts: each context is its own variable and
the compiled copies of one context's action are one symbolic action.  The step relation must
still be exactly the explicit one, state by state, on a seed flow with several WICs."""

from __future__ import annotations

import random

import z3

from imsflow.backends.z3.bmc import Unrolling
from imsflow.backends.z3.encode import Encoding
from imsflow.backends.z3.lemmas import candidates, sample_states
from imsflow.loader import load
from imsflow.pipeline import compile_for, selected_properties

# Count budget of the property-directed strengthening (the proof takes far fewer rounds; a
# count, unlike the seconds it replaces, is the same on a loaded machine).
MAX_ROUNDS = 2_000


def _system(flow: str, wics: int):
    loaded = load(None)
    config = loaded.model.config(flow, {}, wics)
    return compile_for(loaded, config, selected_properties(loaded, config, None))


def _fix(enc, s, st):
    return z3.And([v == (z3.BoolVal(bool(val)) if z3.is_bool(v) else enc.num(val))
                   for v, val in enc.assignment(s, st)])


def test_contexts_become_components_and_copies_one_symbolic_action():
    ts = _system("F5", 3)
    enc = Encoding(ts)
    wst = ts.process_index["WST"]
    assert len(enc.domains[wst]) == 4  # three contexts and the shared part
    assert len(enc.groups) * 5 < len(ts.actions)
    # Every compiled action is in exactly one group, keyed by its source local state.
    for aid, a in enumerate(ts.actions):
        assert enc.groups[enc.group_of[aid]].sources[a.source] == aid
    # Codes are a bijection between local indices and component tuples.
    for p in range(ts.n):
        assert len(set(enc.codes[p])) == len(ts.processes[p].locals)


def test_step_relation_has_exactly_the_explicit_successors_with_contexts():
    ts = _system("F5", 2)
    enc = Encoding(ts)
    states = sample_states(ts, limit=4000, seconds=None).states
    rng = random.Random(7)
    s, t, act = enc.state("s"), enc.state("t"), enc.act("a")
    solver = z3.SolverFor("QF_BV")
    solver.add(enc.step(s, t, act), enc.well_formed(t))
    for st in rng.sample(states, 60):
        succ, unhandled = ts.expand(st)
        expected = {} if unhandled else dict(succ)
        solver.push()
        solver.add(_fix(enc, s, st))
        found = {}
        while solver.check() == z3.sat:
            m = solver.model()
            aid = enc.action_taken(m, s, act)
            found[aid] = enc.concrete(m, t)
            solver.add(z3.Or([v != m.eval(v, model_completion=True) for v in t.terms()]))
        solver.pop()
        assert set(found.values()) == set(expected.values()), ts.describe(st)
        for aid, nxt in found.items():
            assert ts.apply(st, aid) == nxt


def test_set_formula_matches_membership_on_every_local_state():
    ts = _system("F1", 2)
    enc = Encoding(ts)
    rng = random.Random(3)
    s = enc.state("x")
    for p in range(ts.n):
        n = len(ts.processes[p].locals)
        if n < 3:
            continue
        subset = set(rng.sample(range(n), n // 3))
        formula = enc.loc_in(s, p, subset)
        for li in range(n):
            solver = z3.Solver()
            solver.add(z3.And([s["loc", p, j] == v for j, v in enumerate(enc.codes[p][li])]))
            solver.add(formula)
            assert (solver.check() == z3.sat) == (li in subset)


def test_bmc_trace_decodes_to_compiled_actions_that_replay():
    ts = _system("F5", 2)
    enc = Encoding(ts)
    unrolling = Unrolling(enc)
    unrolling.ensure(6)
    model = unrolling.query(z3.BoolVal(True), 6)
    trace = unrolling.trace(model, 6)
    st = ts.initial_state()
    for aid in trace.actions:
        assert aid in dict(ts.expand(st)[0])
        st = ts.apply(st, aid)
    assert st == enc.concrete(model, unrolling.states[6])


def test_component_facts_read_the_same_in_python_and_z3():
    ts = _system("F5", 2)
    enc = Encoding(ts)
    samples = sample_states(ts, limit=3000, seconds=None)
    cands = candidates(enc, samples.states[:300], max_candidates=3000)
    assert any(c.p is not None and len(enc.domains[c.p]) > 1 for c in cands)  # context facts exist
    s = enc.state("y")
    for st in samples.states[::97]:
        solver = z3.Solver()
        solver.add(_fix(enc, s, st))
        assert solver.check() == z3.sat
        m = solver.model()
        for c in cands[::7]:
            assert c.holds(st, ts) is z3.is_true(m.eval(c(s), model_completion=True)), (c.what, c.args)


def test_exclusions_prove_pool_identity_bound_once_with_several_wics():
    # The invariant needs facts tying the IWAIS pool to the identities in flight to each WIC:
    # plain induction fails; the exclusion facts, supported rather than dropped, prove it.
    from imsflow.backends.z3.induction import Inductor
    from imsflow.backends.z3.lemmas import exclusions

    loaded = load(None)
    config = loaded.model.config("F5", {}, 2)
    ts = compile_for(loaded, config, selected_properties(loaded, config, ["pool-identity-bound-once"]))
    enc = Encoding(ts)
    pred = dict(ts.invariants)["pool-identity-bound-once"]

    def good(s):
        return z3.Not(enc.pred(s, pred))

    ind = Inductor(enc)
    assert ind.step_case(good, 2) is None
    samples = sample_states(ts, limit=200_000, seconds=None)
    assert samples.complete
    pool = exclusions(enc, samples)
    assert all(f.holds(st, ts) for f in pool[::11] for st in samples.states[::5])
    proved, kept = ind.cti_strengthen_many({"pool": good}, pool, ts.initial_state(), seconds=None,
                                           max_rounds=MAX_ROUNDS)
    assert proved == {"pool"} and 0 < len(kept) < len(pool)
    # The proof is Z3's: good and the kept facts hold initially and are preserved by every step.
    s, t = enc.state("a"), enc.state("b")
    inv = lambda x: z3.And([good(x)] + [f(x) for f in kept])  # noqa: E731
    solver = z3.Solver()
    solver.add(enc.init(s), z3.Not(inv(s)))
    assert solver.check() == z3.unsat
    solver = z3.Solver()
    solver.add(enc.well_formed(s), enc.well_formed(t), inv(s), enc.step(s, t, enc.act("x")), z3.Not(inv(t)))
    assert solver.check() == z3.unsat
