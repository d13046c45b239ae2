"""C0 (the ample set is empty only where nothing is enabled): a deadlock that only one
interleaving of independent choices reaches.

A and B each either send their message and finish, or wait for the other's message first.
Both waiting is a deadlock, reached in 2 steps (A wait, B wait) - ground truth from the
unreduced search, Z3 and SPIN.  A reduction that dropped one process's branch (or returned
an empty ample set) would report `deadlock-free` as holding.
"""

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Vocabulary, event, recv

VOCABULARY = Vocabulary([MessageType("P", "test", "A -> B"), MessageType("Q", "test", "B -> A")])


def party(name, other, mine, theirs):
    return type(name, (Entity,), {
        "name": name, "states": ["start", "waiting", "done"], "initial": "start", "end_states": ["done"],
        "transitions": [
            T("start", "done", on=event("speak"), do=lambda e: e.send(other, mine)),
            T("start", "waiting", on=event("wait")),
            T("start", "done", on=recv(other, theirs), do=lambda e: e.send(other, mine)),
            T("waiting", "done", on=recv(other, theirs), do=lambda e: e.send(other, mine)),
            T("done", None, on=recv(other, theirs)),
        ],
    })


A = party("A", "B", "P", "Q")
B = party("B", "A", "Q", "P")


MODEL = Model(
    name="c0-deadlock", entities=[A, B], vocabulary=VOCABULARY,
    compose=lambda config: Composition(entities=[A(config), B(config)], capacity=1),
    flows={"D": Flow("D", "both finish", "test", goal={"entity": "A", "state": "done"})},
    max_wics=1,
)
