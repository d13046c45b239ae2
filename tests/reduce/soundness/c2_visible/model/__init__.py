"""C2 (every action of an ample set is invisible): an invariant over two processes' states
that only an interleaving reaches.

A walks a0 -> a1 -> a2 and B walks b0 -> b1 -> b2, independently.  "A in a1 while B in b1" is
forbidden (violated in 2 steps: ground truth from the unreduced search, Z3 and SPIN), and
`a-steps-only-after-b` (A's step only after B's) is violated in 2 steps too: the
monitor sees actions of both processes.  An ample set {A's step} is wrong in both cases: the
step changes an atom of the invariant, or is a monitor operation.  Reductions must keep the
order in which B moves first.
"""

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Vocabulary, event, recv

VOCABULARY = Vocabulary([MessageType("N", "test", "a note to C")])


def walker(name, prefix):
    return type(name, (Entity,), {
        "name": name, "states": [f"{prefix}0", f"{prefix}1", f"{prefix}2"], "initial": f"{prefix}0",
        "end_states": [f"{prefix}0", f"{prefix}1", f"{prefix}2"],
        "transitions": [
            T(f"{prefix}0", f"{prefix}1", on=event("step")),
            T(f"{prefix}1", f"{prefix}2", on=event("note"), do=lambda e: e.send("C", "N")),
        ],
    })


A = walker("A", "a")
B = walker("B", "b")


class Sink(Entity):
    name = "C"
    states = ["up"]
    initial = "up"
    end_states = ["up"]
    transitions = [T("up", None, on=recv("A", "N")), T("up", None, on=recv("B", "N"))]


MODEL = Model(
    name="c2-visible", entities=[A, B, Sink], vocabulary=VOCABULARY,
    compose=lambda config: Composition(entities=[A(config), B(config), Sink(config)], capacity=1),
    flows={"V": Flow("V", "C gets a note", "test", goal={"entity": "C", "receives": "N"})},
    max_wics=1,
)
