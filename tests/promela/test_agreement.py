"""SPIN agrees with imsflow: same verdict for every property, same number of states.

Each configuration is exported (imsflow/backends/promela/emit.py), verified by SPIN with
partial-order reduction off (-DNOREDUCE) and by the explicit explorer with its reductions
off, and compared.  The seed model's flows run when model/ is present: every flow on the
default variant and on every variant a property's expectations say flips a verdict.
"""

from __future__ import annotations

import pytest

from imsflow.backends.promela.run import spin_available
from imsflow.loader import load

from promela_compare import PINGPONG, ROOT, TWO_PHASE, compare, flipping_settings, mismatches, seed_model_present

pytestmark = pytest.mark.skipif(not spin_available(), reason="needs spin and gcc (scripts/setup.sh installs them)")


def _kinds(model_dir):
    return {p.id: p.kind for p in load(model_dir).properties}


def test_two_phase_288_states_in_both():
    c = compare(TWO_PHASE, "commit", {})
    assert c.imsflow_states == c.spin_states == 288
    assert mismatches(c, _kinds(TWO_PHASE)) == {}


@pytest.mark.parametrize("settings", [{}, {"late": "yes"}, {"stuck": "yes"}, {"spoof": "yes"}],
                         ids=["default", "late", "stuck", "spoof"])
def test_pingpong_variants_flip_the_same_properties_in_both(settings):
    c = compare(PINGPONG, "P1", settings, wics=2)
    assert c.imsflow_states == c.spin_states
    assert mismatches(c, _kinds(PINGPONG)) == {}
    # each variant breaks something, and both tools see it
    if settings:
        assert "violated" in c.spin.values()


def _seed_configs():
    if not seed_model_present():
        return []
    try:
        loaded = load(ROOT)
    except Exception as exc:  # reported by the test itself rather than breaking collection
        return [pytest.param(None, {}, marks=pytest.mark.xfail(reason=f"seed model does not load: {exc}",
                                                                strict=True))]
    out = []
    for flow in loaded.model.flows:
        for f, settings in flipping_settings(loaded):
            if f in (None, flow):
                out.append((flow, settings))
    return out


@pytest.mark.parametrize("flow,settings", _seed_configs(),
                         ids=lambda v: v if isinstance(v, str) else ",".join(f"{k}={x}" for k, x in v.items()) or "default")
def test_seed_model_agrees_with_spin(flow, settings):
    c = compare(ROOT, flow, settings, reachable=True)
    assert c.imsflow_states == c.spin_states, c.label
    assert mismatches(c, _kinds(ROOT)) == {}, c.label
