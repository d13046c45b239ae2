"""A tiny client/server model whose mutants are known by heart (tests/mutate/).

CLIENT asks a good or a bad request; SERVER answers a good one with OK (and logs it opened) and
a bad one with NO; the CLIENT ends the session with BYE, which the SERVER logs closed.  With
`faults=yes` the SERVER may crash while busy and tell the CLIENT NO.  Each transition is there
for one mutation operator: see tests/mutate/test_mutate.py.
"""

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Variant, Vocabulary, event, recv

KIND = ("good", "bad")

VOCABULARY = Vocabulary([
    MessageType("REQ", "TINY", "a request", {"kind": KIND}),
    MessageType("OK", "TINY", "the request is served", {"kind": KIND}),
    MessageType("NO", "TINY", "the request is refused"),
    MessageType("BYE", "TINY", "the client ends the session"),
    MessageType("LOG", "TINY", "a log record", {"what": ("open", "close")}),
])


class CLIENT(Entity):
    name = "CLIENT"
    states = ["idle", "waiting", "done", "refused"]
    initial = "idle"
    end_states = ["idle", "done", "refused"]

    transitions = [
        T("idle", "waiting", on=event("ask_good"), do=lambda e: e.send("SERVER", "REQ", kind="good")),
        T("idle", "waiting", on=event("ask_bad"), do=lambda e: e.send("SERVER", "REQ", kind="bad")),
        T("waiting", "done", on=recv("SERVER", "OK"), do=lambda e: e.reply("BYE")),
        T("waiting", "refused", on=recv("SERVER", "NO")),
        T("*", None, on=recv("SERVER", "LOG"), name="a copy of a log record, ignored"),
        T("done", None, on=recv("SERVER", "NO"), name="a refusal after the end, ignored"),
    ]


class SERVER(Entity):
    name = "SERVER"
    states = ["idle", "busy"]
    initial = "idle"
    end_states = ["idle"]

    def serve(self):
        self.reply("OK", kind=self.msg.kind)
        self.send("LOGGER", "LOG", what="open")

    transitions = [
        T("idle", "busy", on=recv("CLIENT", "REQ"), when=lambda e: e.msg.kind == "good", do="serve"),
        T("idle", None, on=recv("CLIENT", "REQ"), when=lambda e: e.msg.kind == "bad", do=lambda e: e.reply("NO")),
        T("busy", "idle", on=recv("CLIENT", "BYE"), do=lambda e: e.send("LOGGER", "LOG", what="close")),
        T("busy", "idle", on=event("crash"), when=lambda e: e.config.faults == "yes",
          do=lambda e: e.send("CLIENT", "NO")),
    ]


class LOGGER(Entity):
    name = "LOGGER"
    states = ["ready"]
    initial = "ready"
    end_states = ["ready"]
    variables = {"last": ("none", "open", "close")}

    transitions = [
        T("ready", None, on=recv("SERVER", "LOG"), do=lambda e: setattr(e.v, "last", e.msg.what)),
    ]


def compose(config):
    return Composition(entities=[CLIENT(config), SERVER(config), LOGGER(config)], capacity=2)


MODEL = Model(
    name="tiny-client-server",
    entities=[CLIENT, SERVER, LOGGER],
    vocabulary=VOCABULARY,
    compose=compose,
    flows={"session": Flow("session", "a served request, ended", "tiny", goal={"entity": "CLIENT", "state": "done"})},
    variants={"faults": Variant("faults", ("no", "yes"), "the server may crash while busy")},
)
