"""A small registration model for the diagram tests: the seed's shape in miniature.

It has what a seed flow diagram must show: a single step (3), a range of steps carried by
several hops (4-8, with an unnumbered hop inside), an internal action with a note (9), an
optional step (12) and lifelines declared out of the reference-architecture order.
"""

from imsflow.authoring import Composition, Entity, Flow, MessageType, Model, T, Vocabulary, event, recv

VOCABULARY = Vocabulary([
    MessageType("REGISTER", "SIP", "register", {"impu": (1, 2)}),  # 2: never sent (a vacuous property)
    MessageType("MAR", "Cx", "multimedia auth request"),
    MessageType("MAA", "Cx", "multimedia auth answer"),
    MessageType("200", "SIP", "OK"),
    MessageType("INFO", "SIP", "an optional notification"),
])


class WIC(Entity):
    name = "WIC"
    states = ["idle", "registering", "registered"]
    initial = "idle"
    end_states = ["registered"]
    transitions = [
        T("idle", "registering", on=event("register"), do=lambda e: e.send("WST", "REGISTER", impu=1), step="3"),
        T("registering", None, on=recv("WST", "INFO")),
        T("registering", "registered", on=recv("WST", "200")),
    ]


class WST(Entity):
    name = "WST"
    states = ["idle", "waiting", "answered", "done"]
    initial = "idle"
    end_states = ["done"]
    variables = {"impu": (0, 1)}

    def keep(self):
        self.v.impu = self.msg.impu

    transitions = [
        T("idle", "waiting", on=recv("WIC", "REGISTER"), when=lambda e: e.msg.impu == 1,
          do=["keep", lambda e: e.send("P-CSCF", "REGISTER", impu=e.v.impu)], step="4-8"),
        T("waiting", "answered", on=recv("P-CSCF", "200"), do=lambda e: e.send("WIC", "INFO"), step="12"),
        T("answered", "done", on=event("confirm"), do=lambda e: e.send("WIC", "200"), step="13"),
    ]


class PCSCF(Entity):
    name = "P-CSCF"
    states = ["idle", "forwarded", "done"]
    initial = "idle"
    end_states = ["done"]
    transitions = [
        T("idle", "forwarded", on=recv("WST", "REGISTER"), do=lambda e: e.send("S-CSCF", "REGISTER", impu=1),
          step="4-8"),
        T("forwarded", "done", on=recv("S-CSCF", "200"), do=lambda e: e.send("WST", "200"), step="11"),
    ]


class SCSCF(Entity):
    name = "S-CSCF"
    states = ["idle", "asking", "checking", "checked", "done"]
    initial = "idle"
    end_states = ["done"]
    transitions = [
        T("idle", "asking", on=recv("P-CSCF", "REGISTER"), do=lambda e: e.send("HSS", "MAR"), step="4-8"),
        T("asking", "checking", on=recv("HSS", "MAA")),
        T("checking", "checked", on=event("verify"), step="9", note="S-CSCF checks the response"),
        T("checked", "done", on=event("answer"), do=lambda e: e.send("P-CSCF", "200"), step="10"),
    ]


class HSS(Entity):
    name = "HSS"
    states = ["idle"]
    initial = "idle"
    end_states = ["idle"]
    transitions = [
        T("idle", None, on=recv("S-CSCF", "MAR"), do=lambda e: e.send("S-CSCF", "MAA")),
    ]


def compose(config):
    # Declared out of order on purpose: lifelines must follow the reference architecture.
    return Composition(entities=[HSS(config), WST(config), SCSCF(config), WIC(config), PCSCF(config)])


MODEL = Model(
    name="mini-register",
    entities=[WIC, WST, PCSCF, SCSCF, HSS],
    vocabulary=VOCABULARY,
    compose=compose,
    flows={"R": Flow("R", "Registration in miniature", "6.X.2.2.1",
                     goal={"entity": "WIC", "receives": "200"},
                     steps=("3", "4-8", "9", "10", "11", "12", "13"), optional_steps=("12",))},
)
