"""The C expansion (imsflow/system/_expand.c) against the Python reference, state by state:
the same successors in the same order, the same unhandled messages, and None only where a
table entry is still to be built."""

import os
import shutil
import sysconfig

import pytest
from hypothesis import given

from imsflow.backends.explore.bfs import explore
from imsflow.compiler import compile_model
from imsflow.loader import load
from imsflow.pipeline import compile_for, selected_properties
from imsflow.system import fast

from test_engine_hypothesis import SETTINGS, systems


HEADERS = os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))
COMPILER = shutil.which("cc") or shutil.which("gcc")
# A comparison of the C code with the Python one compares nothing without the C code: skip, say why.
needs_c = pytest.mark.skipif(fast.module() is None, reason=f"no C expansion to compare: {fast.status()}")


@pytest.mark.skipif(not (COMPILER and HEADERS), reason="no C compiler or no Python headers here")
@pytest.mark.skipif(bool(os.environ.get("IMSFLOW_PURE_PYTHON")), reason="IMSFLOW_PURE_PYTHON is set")
def test_the_c_expansion_is_built_where_there_is_a_compiler():
    assert fast.module() is not None, fast.status()


@needs_c
def test_a_bfs_through_the_c_step_is_the_python_one():
    """Same states in the same order, same parents, edges and counts (bfs.py: step_py)."""
    loaded = load(None)
    config = loaded.model.config("F7", {"rogue": "yes", "faults": "cancel"}, 1)
    props = selected_properties(loaded, config, None)
    fast_ts = compile_for(loaded, config, props, eager=False)
    slow_ts = compile_for(loaded, config, props, eager=False)
    slow_ts._fast_step = slow_ts._fast_expand = None
    a = explore(fast_ts, max_states=20000, keep_edges=True, native=False)  # the Python BFS, through the C step
    b = explore(slow_ts, max_states=20000, keep_edges=True, native=False)
    assert a.states == b.states and a.parent == b.parent and a.via == b.via
    assert fast_ts._fast_step is not None and len(a.states) > 1000  # the C step did run, on a real search
    assert sorted(map(sorted, a.edges)) == sorted(map(sorted, b.edges))
    assert (a.transitions, a.back_edges, a.taken, a.terminals) == (b.transitions, b.back_edges, b.taken, b.terminals)
    assert a.monitor_errors == b.monitor_errors and a.invariant_failures == b.invariant_failures


def _agree(ts, states) -> int:
    """Compare on every state; returns how many states the C code answered."""
    assert ts._fast_expand is not None, "the C expansion is loaded but this system has none"
    answered = 0
    for s in states:
        c_out = ts._fast_expand(s)
        if c_out is None:
            ts.expand_py(s)  # builds the missing entries; the C code must answer now
            c_out = ts._fast_expand(s)
        assert c_out is not None
        assert c_out == ts.expand_py(s)
        answered += 1
    return answered


@needs_c
def test_c_and_python_expand_agree_on_seed_states_with_set_channels_monitors_and_faults():
    loaded = load(None)
    for flow, settings in (("F6", {"rogue": "yes", "faults": "cancel"}), ("F3", {"rogue": "yes", "tna_trust": "any"}),
                           ("F7", {"early_media": "yes", "rx": "two"})):
        config = loaded.model.config(flow, settings, 1)
        ts = compile_for(loaded, config, selected_properties(loaded, config, None), eager=False)
        states = explore(ts, max_states=5000, native=False).states
        assert _agree(ts, states) == len(states) > 100


@needs_c
@SETTINGS
@given(systems())
def test_c_and_python_expand_agree_on_random_systems(system):
    model, _ = system
    ts = compile_model(model, model.config(), eager=False)
    states = explore(ts, native=False).states
    _agree(ts, states)


@pytest.mark.skipif(not (COMPILER and HEADERS), reason="no C compiler or no Python headers here")
def test_the_build_cache_keeps_the_most_recent_builds_of_each_interpreter(tmp_path, monkeypatch):
    import os as _os

    monkeypatch.setenv("IMSFLOW_CACHE", str(tmp_path))
    cache = tmp_path / "imsflow"
    first = fast._build()  # this interpreter's build of the current source
    prefix = first.name[: first.name.rindex("_") + 1]  # _imsflow_expand_<interpreter>_
    # The same interpreter's builds of older sources (other checkouts), oldest first.
    stale = [cache / f"{prefix}{k:012d}.so" for k in range(fast.KEEP + 2)]
    for age, path in enumerate(stale):
        path.write_bytes(b"old")
        _os.utime(path, (1000 + age, 1000 + age))
    other = cache / "_imsflow_expand_otherenv_000000000000.so"  # another virtual environment's
    other.write_bytes(b"theirs")
    first.unlink()
    again = fast._build()
    assert again == first and again.exists()
    kept = [p for p in stale if p.exists()]
    assert kept == stale[-(fast.KEEP - 1):]  # the most recent ones, beside the current build
    assert other.exists()
