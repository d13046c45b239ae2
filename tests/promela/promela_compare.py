"""Helpers for the SPIN cross-check: the configurations to compare and one comparison."""

from __future__ import annotations

import os
from dataclasses import dataclass

from imsflow.backends.explore.bfs import explore
from imsflow.backends.explore.checker import ExplicitChecker
from imsflow.backends.promela.emit import emit
from imsflow.backends.promela.run import Spin, verdicts
from imsflow.loader import load
from imsflow.pipeline import system_for, selected_properties

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PINGPONG = os.path.join(HERE, "pingpong")
STARVE = os.path.join(HERE, "starve")
TWO_PHASE = os.path.join(ROOT, "examples", "two_phase")


def seed_model_present() -> bool:
    return os.path.isfile(os.path.join(ROOT, "model", "__init__.py"))


def flipping_settings(loaded) -> list:
    """The default variant, plus every variant setting a property's expectations mention (the
    variants that flip a verdict), as (flow or None, settings) pairs - on the flows the rule
    names, else on the flows the property applies to."""
    out = [(None, {})]
    for prop in loaded.properties:
        for rule in prop.expected:
            when = dict(rule.get("when", {}))
            flows = when.pop("flow", None)
            when.pop("wics", None)
            settings = {}
            for k, v in when.items():
                settings[k] = v[0] if isinstance(v, list) else v
            flows = flows if isinstance(flows, list) else ([flows] if flows else list(prop.flows) or [None])
            for f in flows:
                if settings and (f, settings) not in out:
                    out.append((f, settings))
    return out


@dataclass
class Comparison:
    label: str
    imsflow_states: int
    spin_states: int
    imsflow: dict
    spin: dict
    unhandled: bool
    reasons: dict
    imsflow_reduced: dict  # the default run: partial-order and symmetry reduction where sound


def compare(model_dir: str, flow, settings: dict, wics: int = 1, reachable: bool = False) -> Comparison:
    """Both tools on one configuration.  `reachable` exports the tables a complete search
    filled (emit.py) instead of the saturated ones: several times less C for gcc on the seed
    model, and still a real check - a table entry the search missed would be an unhandled
    message or a missing action to SPIN, and the verdicts or the state counts would differ."""
    loaded = load(model_dir)
    model = loaded.model
    config = model.config(flow, settings, wics)
    props = selected_properties(loaded, config, None)
    ts, obligations = system_for(loaded, flow, config, props, eager=not reachable)  # as `imsflow check` does
    exp = explore(ts)
    outcomes, _ = ExplicitChecker(por=False, symmetry=False).check(ts, obligations)
    fresh, fresh_obligations = system_for(loaded, flow, config, props, eager=False)
    reduced, _ = ExplicitChecker().check(fresh, fresh_obligations)
    pm = emit(ts, obligations, reachable=reachable)
    with Spin(pm) as spin:
        res = spin.check()
    return Comparison(
        label=f"{flow} {settings} wics={wics}", imsflow_states=len(exp.states), spin_states=res.states,
        imsflow={o.property: o.verdict.value for o in outcomes}, spin=verdicts(pm, res),
        unhandled=bool(exp.unhandled), reasons={o.property: o.reason for o in outcomes},
        imsflow_reduced={o.property: o.verdict.value for o in reduced},
    )


def mismatches(c: Comparison, kinds: dict) -> dict:
    """Verdicts that differ - SPIN against imsflow's unreduced run and against its default,
    reduced one - after the documented relations (README, "Cross-check with SPIN"):

    * flow-reachable: SPIN checks that the goal is reachable, not that it is reachable in the
      seed's step order; imsflow's "only out of the seed's step order" violation is SPIN's holds;
    * response: when unhandled-message states are reachable the two disagree on purpose about
      runs that end in one (imsflow's liveness looks at the edges out of such a state, SPIN
      never leaves it), so response verdicts are compared only without them."""
    out = {}
    for pid, mine in c.imsflow.items():
        if c.imsflow_reduced.get(pid) != mine:
            out[pid] = (mine, c.imsflow_reduced.get(pid), "reduced")
            continue
        theirs = c.spin.get(pid)
        if mine == theirs:
            continue
        if kinds[pid] == "flow-reachable" and mine == "violated" and theirs == "holds" \
                and "step order" in c.reasons.get(pid, ""):
            continue
        if kinds[pid] == "response" and c.unhandled:
            continue
        out[pid] = (mine, theirs)
    return out
