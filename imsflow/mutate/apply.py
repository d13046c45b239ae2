"""A mutant as a model transform: `CheckRequest(transform=...)` runs it through the pipeline.

The transform replaces one entity class by a subclass whose `transitions` differ in one T(...);
the compiler then drives that subclass like any entity, so the mutant's system is built and
checked exactly as the original's.  Each changed transition also reports, through `Probe`,
whether the compiler ever evaluated it where the change makes a difference (a guard that would
have been false, a send that is really dropped...): the compiler evaluates entities only on the
(local state, input) pairs the search reaches, so a probe that never fires means the change is
never exercised by any run.
"""

from __future__ import annotations

import dataclasses

from ..authoring.entity import Entity
from ..authoring.messages import Msg
from ..loader import LoadedModel
from .operators import Mutant, _items


class Probe:
    """Set when the mutated transition is evaluated where the change matters."""

    def __init__(self):
        self.exercised = False

    def hit(self) -> None:
        self.exercised = True


def _effects(e: Entity, t) -> list:
    return e._callables(t.do, t, "effect")


def _template_of(e: Entity, instance: str) -> str:
    for template, names in (e._directory or {}).items():
        if instance in names:
            return template
    return instance


def _instance_of(e: Entity, template: str) -> str:
    names = (e._directory or {}).get(template, [template])
    k = (e.context or e.index or 1) - 1
    return names[k] if 0 <= k < len(names) else names[0]


def _rewrite_sends(t, probe: Probe, rewrite):
    """T `t` whose effect runs as written, then has its sends rewritten by
    rewrite(entity, [(receiver instance, Msg)]) -> new list or None (no change)."""

    def effect(e):
        for fn in _effects(e, t):
            fn(e)
        new = rewrite(e, list(e._out))
        if new is not None and new != e._out:
            probe.hit()
            e._out[:] = new

    effect.__name__ = "mutated_effect"
    return dataclasses.replace(t, do=[effect])


def _matches(e, slot):
    to, message = slot

    def test(item):
        receiver, msg = item
        return msg.name == message and _template_of(e, receiver) == to

    return test


def _drop(t, probe, params):
    def rewrite(e, out):
        test = _matches(e, (params["to"], params["message"]))
        return [item for item in out if not test(item)]

    return _rewrite_sends(t, probe, rewrite)


def _redirect(t, probe, params):
    def rewrite(e, out):
        test = _matches(e, (params["to"], params["message"]))
        return [(_instance_of(e, params["new_to"]), m) if test((r, m)) else (r, m) for r, m in out]

    return _rewrite_sends(t, probe, rewrite)


def _change_field(t, probe, params):
    def rewrite(e, out):
        test = _matches(e, (params["to"], params["message"]))
        name, value = params["field"], params["value"]
        return [(r, Msg.make(m.name, **{**dict(m.fields), name: value})) if test((r, m)) else (r, m) for r, m in out]

    return _rewrite_sends(t, probe, rewrite)


def _swap(t, probe, params):
    def rewrite(e, out):
        first, second = _matches(e, tuple(params["first"])), _matches(e, tuple(params["second"]))
        i = next((k for k, item in enumerate(out) if first(item)), None)
        j = next((k for k, item in enumerate(out) if second(item)), None)
        if i is None or j is None or j < i:
            return None
        out[i], out[j] = out[j], out[i]
        return out

    return _rewrite_sends(t, probe, rewrite)


def _drop_guard(t, probe, params):
    guards = _items(t.when)
    k = params["guard"]
    dropped, kept = guards[k], guards[:k] + guards[k + 1:]

    def unguarded(e):
        # Evaluated last, so only when the kept guards pass: the change matters if the dropped
        # guard would have refused.
        fn = e._callables(dropped, t, "guard")[0]
        if not fn(e):
            probe.hit()
        return True

    unguarded.__name__ = "guard_dropped"
    return dataclasses.replace(t, when=kept + [unguarded])


def _skip(t, probe, params):
    if params["how"] == "stay":
        def stayed(e):
            if e.state != t.dest:  # from the target state itself, staying changes nothing
                probe.hit()

        stayed.__name__ = "stayed"
        return dataclasses.replace(t, dest=None, do=_items(t.do) + [stayed])

    def skipped(e):
        probe.hit()

    skipped.__name__ = "effect_skipped"
    return dataclasses.replace(t, do=[skipped])


def _also_in(t, probe, params):
    def taken(e):
        for fn in _effects(e, t):
            fn(e)
        probe.hit()

    taken.__name__ = "accepted_here"
    return dataclasses.replace(t, source=params["state"], do=[taken])


CHANGES = {
    "drop-guard": _drop_guard, "drop-send": _drop, "remove-release": _drop, "redirect-send": _redirect,
    "change-field": _change_field, "skip-step": _skip, "swap-sends": _swap,
}


def mutated_class(cls: type, mutant: Mutant, probe: Probe) -> type:
    """A subclass of `cls` with the mutant's transitions."""
    table = list(cls.transitions)
    t = table[mutant.t_index]
    if mutant.operator == "accept-in-state":
        # First in the table, so that it wins over the state's own handler of the message.
        table.insert(0, _also_in(t, probe, mutant.params))
    else:
        table[mutant.t_index] = CHANGES[mutant.operator](t, probe, mutant.params)
    return type(cls.__name__, (cls,), {"transitions": table, "__module__": cls.__module__,
                                       "__qualname__": cls.__qualname__, "__doc__": cls.__doc__})


# The unchanged entities of a configuration, per process: a mutant changes one entity class, and
# building the other entities' `transitions` machines again is most of a small mutant's cost
# (the compiler resets an entity's state, variables and input before every evaluation, so an
# instance carries nothing from one compile to the next).  Compiles in a process run one after
# another, so two systems never drive one instance at the same time.
_COMPOSED: dict = {}


def _composed(compose, config):
    key = (compose, config)
    if key not in _COMPOSED:
        if len(_COMPOSED) > 64:  # a run checks a few dozen configurations; keep it bounded anyway
            _COMPOSED.clear()
        _COMPOSED[key] = compose(config)
    return dataclasses.replace(_COMPOSED[key], entities=list(_COMPOSED[key].entities))


def transform(mutant: Mutant, probe: Probe):
    """LoadedModel -> LoadedModel with the mutant in place of its entity's class."""

    def apply(loaded: LoadedModel) -> LoadedModel:
        model = loaded.model
        original = next(c for c in model.entities if c.name == mutant.entity)
        sub = mutated_class(original, mutant, probe)
        compose = model.compose

        def mutated_compose(config):
            composition = _composed(compose, config)
            composition.entities = [
                sub(e.config, index=e.index, count=e.count) if type(e) is original else e
                for e in composition.entities
            ]
            return composition

        entities = [sub if c is original else c for c in model.entities]
        mutated = dataclasses.replace(model, entities=entities, compose=mutated_compose)
        return dataclasses.replace(loaded, model=mutated)

    return apply
