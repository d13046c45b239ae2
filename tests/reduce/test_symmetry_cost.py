"""Symmetry that pays (issue 16, item 6): the group is built from the n - 1 exchanges of
neighbouring instances, and a state's key is found by sorting the instances, not by going
through the n! images.  The key stays exact on the two-phase commit (the search stores one
state per orbit), costs a bounded number of images per state, and `imsflow check` leaves the
reductions out where the whole search is small enough to be cheaper without them.

Budgets are counts (states, images, propagations), never seconds.
"""

from __future__ import annotations

import itertools
import os
import shutil

import pytest

from imsflow.backends.explore import reduce as red_mod
from imsflow.backends.explore.bfs import explore
from imsflow.backends.explore.checker import ExplicitChecker
from imsflow.backends.explore.reduce import detect_symmetry, make_reducer
from imsflow.loader import load
from imsflow.pipeline import selected_properties, system_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TWO_PHASE = os.path.join(ROOT, "examples", "two_phase")
# Distinct states of TwoPhase with N RMs (TLC: 288 at 3), and the orbits under permuting the RMs
# - what a search with exact canonical forms stores (the orbits counted by brute force, the
# least of all N! images of every state).
STATES = {3: 288, 4: 1568, 5: 8832}
ORBITS = {3: 80, 4: 166, 5: 314}


@pytest.fixture(scope="module")
def two_phase(tmp_path_factory):
    base = tmp_path_factory.mktemp("two_phase")

    def make(n):
        d = base / f"rm{n}"
        if not d.exists():
            shutil.copytree(TWO_PHASE, d, ignore=shutil.ignore_patterns("diagrams", "generated"))
            init = d / "model" / "__init__.py"
            src = init.read_text()
            assert "N_RM = 3" in src
            init.write_text(src.replace("N_RM = 3", f"N_RM = {n}"))
        loaded = load(str(d))
        config = loaded.model.config("commit", {}, 1)
        props = selected_properties(loaded, config, None)
        return loaded, config, props

    return make


def _system(two_phase, n):
    loaded, config, props = two_phase(n)
    return system_for(loaded, "commit", config, props, eager=False)


@pytest.mark.parametrize("n", sorted(STATES))
def test_one_state_per_orbit_and_the_unreduced_verdicts(two_phase, n):
    verdicts, states = {}, {}
    for sym in (False, True):
        ts, obs = _system(two_phase, n)
        out, stats = ExplicitChecker(progress=False, por=False, symmetry=sym).check(ts, obs)
        verdicts[sym] = {o.property: o.verdict.value for o in out}
        states[sym] = stats["states"]
    assert verdicts[True] == verdicts[False]
    assert states == {False: STATES[n], True: ORBITS[n]}


def test_the_tables_are_checked_for_the_neighbour_exchanges_only(two_phase, monkeypatch):
    calls = []
    real = red_mod._propagate
    monkeypatch.setattr(red_mod, "_propagate", lambda *a, **k: calls.append(1) or real(*a, **k))
    ts, obs = _system(two_phase, 5)
    sym, why = detect_symmetry(ts, obs)
    assert sym is not None, why
    assert len(calls) == 4  # not 5! - 1 = 119


def test_the_key_is_the_same_for_a_whole_orbit(two_phase):
    """Exactness, state by state: every image of a reachable state under every permutation of
    the 4 RMs gets the state's own key, and the key is one of the images."""
    ts, obs = _system(two_phase, 4)
    exp = explore(ts)
    sym, _ = detect_symmetry(ts, obs)
    perms = [p for p in itertools.permutations(range(4))]
    for s in exp.states[::7]:
        key = sym.canon(s)
        images = {sym._apply_order(s, list(p)) for p in perms}
        assert key in images
        for t in images:
            assert sym.canon(t) == key


def test_a_key_costs_few_images(two_phase):
    """At 5 RMs the old key went through the 119 non-identity images of every successor;
    sorting needs a handful (the exchanges that test which tied RMs are interchangeable)."""
    ts, obs = _system(two_phase, 5)
    red = make_reducer(ts, obs, por=False)
    sym = red.symmetry
    calls = []
    canon = sym.canon
    red.symmetry.canon = lambda s: calls.append(1) or canon(s)
    exp = explore(ts, reducer=red)
    assert len(exp.states) == ORBITS[5]
    assert calls and sym.images <= 12 * len(calls), (sym.images, len(calls))


def test_check_leaves_reductions_out_where_the_search_is_small(two_phase):
    """imsflow check (pilot on): at 3 RMs the whole unreduced search fits the pilot and no
    reduction is tried, and the notes say so; the verdicts are the reduced ones."""
    ts, obs = _system(two_phase, 3)
    out, stats = ExplicitChecker(progress=False, pilot=True).check(ts, obs)
    assert stats["reduction"] == "none" and stats["states"] == STATES[3]
    assert any(n.startswith("reductions not tried") for n in stats["reduction_notes"])
    ts, obs = _system(two_phase, 3)
    reduced, rstats = ExplicitChecker(progress=False).check(ts, obs)
    assert rstats["reduction"] != "none"
    assert [o.verdict for o in out] == [o.verdict for o in reduced]
