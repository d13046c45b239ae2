"""Starvation: two clients ask one server, and client 2's request can wait for ever in a fair run.

The server reads client 2's Ping and sets it aside; it answers it (`late`) only from the
state `aside`, and client 1's requests keep taking it out of that state (`busy`, then back).
So `late` is enabled only now and then: weak fairness does not force it, and the run in which
client 1 asks and is answered for ever while client 2 waits is fair.  `every-ping-answered`
is violated for client 2's request (and holds for client 1's), whatever the number of
requests pending at once: the per-request check must still find it.
"""

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Vocabulary, event, recv

VOCABULARY = Vocabulary([
    MessageType("Ping", "test", "client -> server: a request"),
    MessageType("Pong", "test", "server -> client: the answer"),
])


class Client(Entity):
    name = "C"
    states = ["idle", "waiting"]
    initial = "idle"
    end_states = ["idle"]
    transitions = [
        T("idle", "waiting", on=event("ask"), do=lambda e: e.send("S", "Ping")),
        T("waiting", "idle", on=recv("S", "Pong")),
    ]


class Server(Entity):
    name = "S"
    states = ["up", "busy", "aside", "busy_aside"]
    initial = "up"
    end_states = ["up"]

    def from_one(self):
        return self.sender_index == 1

    def from_two(self):
        return self.sender_index == 2

    transitions = [
        T("up", "busy", on=recv("C", "Ping"), when="from_one"),
        T("up", "aside", on=recv("C", "Ping"), when="from_two", name="set client 2 aside"),
        T("busy", "up", on=event("answer"), do=lambda e: e.send("C", "Pong", index=1)),
        T("busy", "busy_aside", on=recv("C", "Ping"), when="from_two", name="set client 2 aside while busy"),
        T("aside", "busy_aside", on=recv("C", "Ping"), when="from_one"),
        T("busy_aside", "aside", on=event("answer"), do=lambda e: e.send("C", "Pong", index=1)),
        T("aside", "up", on=event("late"), do=lambda e: e.send("C", "Pong", index=2)),
    ]


def compose(config):
    clients = [Client(config, index=i, count=2) for i in (1, 2)]
    return Composition(entities=[Server(config)] + clients, capacity=1)


MODEL = Model(
    name="starve",
    entities=[Client, Server],
    vocabulary=VOCABULARY,
    compose=compose,
    flows={"S1": Flow("S1", "a client gets its answer", "test", goal={"entity": "C", "receives": "Pong"})},
    max_wics=2,
)
