"""HSS - subscriptions and authentication data over Cx (TS 23.228 5.2.2.3; TS 29.228).  The
subscription's scheme follows the flow: AKA in U1, digest in U2; web and pool users are
registered by the trusted node, so the HSS is asked for no vector."""

from imsflow.authoring import Entity, T, recv

from . import scenario
from .common import reg_step, step


class HSS(Entity):
    """Home Subscriber Server."""

    name = "HSS"
    clause = "TS 23.228 5.2.2.3; TS 29.228"
    states = ["serving"]
    initial = "serving"
    end_states = ["serving"]

    def authorise(self):
        self.reply("UAA", wic=self.msg.wic, impu=self.msg.impu)

    def vectors(self):
        av = "aka" if scenario.auth(self.config) == "aka" else "digest"
        self.reply("MAA", wic=self.msg.wic, impu=self.msg.impu, av=av, cred="xres" if av == "aka" else "ha1")

    def assign(self):
        self.reply("SAA", wic=self.msg.wic, impu=self.msg.impu)

    def locate(self):
        self.reply("LIA", wic=self.msg.wic, impu=self.msg.impu)

    transitions = [
        T("serving", None, on=recv("I-CSCF", "UAR"), do="authorise",
          step=lambda e: reg_step("4") if e.msg.phase == "initial" else reg_step("7", "6")),
        T("serving", None, on=recv("S-CSCF", "MAR"), do="vectors", step=reg_step(ims="4")),
        T("serving", None, on=recv("S-CSCF", "SAR"), do="assign", step=reg_step("7", "6")),
        T("serving", None, on=recv("I-CSCF", "LIR"), do="locate", step=step(U6="1")),
    ]
