"""Ping-pong: N identical clients ask one server over FIFO channels; variants flip properties.

A small model with a known shape, for the SPIN cross-check and the reductions: the clients are
instances of one template (symmetric), the server answers each by `reply` (no index in the
messages), and each variant breaks exactly one thing:

    late=yes     the server also sends Late, which a client that is done does not handle
    stuck=yes    the server may break down and stop answering (deadlock, unanswered requests)
    spoof=yes    the server sends Pong before it has read a Ping (precedence violated)
"""

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Variant, Vocabulary, event, recv

VOCABULARY = Vocabulary([
    MessageType("Ping", "test", "client -> server: a request"),
    MessageType("Pong", "test", "server -> client: the answer"),
    MessageType("Late", "test", "server -> client: a message nobody expects"),
])


class Client(Entity):
    name = "C"
    states = ["idle", "waiting", "done"]
    initial = "idle"
    end_states = ["idle", "done"]
    transitions = [
        T("idle", "waiting", on=event("ask"), do=lambda e: e.send("S", "Ping"), step="1"),
        T("waiting", "done", on=recv("S", "Pong"), step="2"),
        T("idle", "done", on=recv("S", "Pong")),  # an unsolicited answer is accepted
        T("done", "idle", on=event("again")),
        T("waiting", None, on=recv("S", "Late")),  # handled only while waiting
    ]


class Server(Entity):
    name = "S"
    states = ["up", "broken"]
    initial = "up"
    end_states = ["up", "broken"]

    def late(self):
        return self.config.late == "yes"

    def stuck(self):
        return self.config.stuck == "yes"

    def spoof(self):
        return self.config.spoof == "yes"

    def answer(self):
        self.reply("Pong")
        if self.config.late == "yes":
            self.reply("Late")

    transitions = [
        T("up", None, on=recv("C", "Ping"), do="answer", name="answer"),
        T("up", "broken", on=event("break"), when="stuck"),
        T("broken", None, on=recv("C", "Ping"), name="ignore"),
        T("up", None, on=event("spoof"), when="spoof", do=lambda e: e.send("C", "Pong", index=1)),
    ]


def compose(config):
    n = config.wics
    clients = [Client(config, index=i, count=n) for i in range(1, n + 1)]
    return Composition(entities=[Server(config)] + clients, capacity=2)


MODEL = Model(
    name="pingpong",
    entities=[Client, Server],
    vocabulary=VOCABULARY,
    compose=compose,
    flows={"P1": Flow("P1", "a client gets its answer", "test", goal={"entity": "C", "receives": "Pong"},
                      steps=("1", "2"))},
    variants={
        "late": Variant("late", ("no", "yes")),
        "stuck": Variant("stuck", ("no", "yes")),
        "spoof": Variant("spoof", ("no", "yes")),
    },
    max_wics=3,
)
