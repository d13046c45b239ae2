"""C3 (the cycle proviso): a process that can loop invisibly for ever must not hide another
process's visible move.

A ticks and tocks for ever (invisible); B may `fail` once (the forbidden event).  Every state
offers A's invisible loop, so without the proviso the ample set {A's step} is chosen in every
state, the cycle closes and B's `fail` is never explored: `no-failure` would hold.  Ground
truth: violated in 1 step (B fail).
"""

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Vocabulary, event

VOCABULARY = Vocabulary([MessageType("X", "test", "unused")])


class Looper(Entity):
    name = "A"
    states = ["a0", "a1"]
    initial = "a0"
    end_states = ["a0", "a1"]
    transitions = [T("a0", "a1", on=event("tick")), T("a1", "a0", on=event("tock"))]


class Breaker(Entity):
    name = "B"
    states = ["ok", "failed"]
    initial = "ok"
    end_states = ["ok", "failed"]
    transitions = [T("ok", "failed", on=event("fail"))]


MODEL = Model(
    name="c3-ignoring", entities=[Looper, Breaker], vocabulary=VOCABULARY,
    compose=lambda config: Composition(entities=[Looper(config), Breaker(config)], capacity=1),
    flows={"L": Flow("L", "B fails", "test", goal={"entity": "B", "event": "fail"})},
    max_wics=1,
)
