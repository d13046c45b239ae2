"""HSS - subscriptions, authentication vectors (IMS AKA) or H(A1) (digest), registration state
per identity, and the wildcard range.  Diameter Cx towards the I-CSCF and the S-CSCF.

Seed: "Standard (according to TS 23.228) registration signalling occurs within the IMS" (steps
4-8, 11-14 of 6.X.2.2.1; the figure of 6.X.2.2.4: Cx User Reg Status Query, Authentication,
User Reg Notification).  The subscription's scheme: AKA for UICC users, digest for the digest
users, the range and web users (whose IMS subscription has a password they never see).
"""

import itertools

from imsflow.authoring import Entity, T, event, recv

from . import scenario
from .messages import POOL

IDS = (1, 2, 3, 4) + POOL
# The UAR of a REGISTER without credentials is part of the first exchange (4-8), the UAR of the
# REGISTER that answers the challenge (or asserts TNA) part of the second.
_REG_STEP = {
    "initial": {"F1": "4-8", "F2": "4-8", "F4": "2-6"},
    "response": {"F1": "11-14", "F2": "9-12", "F3": "7-10", "F4": "7-10"},
    "deregister": {},  # not in the seed (lifecycle=full)
}


class HSS(Entity):
    """Home Subscriber Server."""

    name = "HSS"
    standard = "TS 29.228 (Cx)"
    clause = "TS 23.228 5.2.2.3; TS 29.228"
    states = ["serving"]
    initial = "serving"
    end_states = ["serving"]
    variables = {
        "registered": tuple(itertools.product(("no", "yes"), repeat=len(IDS))),
        "barred": ("no", "yes"),
    }

    def start(self):
        reg = ["no"] * len(IDS)
        if scenario.registered_at_start(self.config):
            for i in range(1, (self.config.wics or 1) + 1):
                reg[IDS.index(scenario.impu_of(i))] = "yes"
        if scenario.range_registered_at_start(self.config):
            for impu in POOL:
                reg[IDS.index(impu)] = "yes"
        return "serving", {"registered": tuple(reg), "barred": "no"}

    def is_registered(self, impu):
        return impu in IDS and self.v.registered[IDS.index(impu)] == "yes"

    def scheme(self, impu):
        if impu in POOL:
            return "digest"
        return "aka" if scenario.auth(self.config) in ("aka", "none") else "digest"

    def authorise(self):
        result = "barred" if self.v.barred == "yes" else "ok"
        self.reply("UAA", wic=self.msg.wic, impu=self.msg.impu, result=result)

    def vectors(self):
        av = self.scheme(self.msg.impu)
        self.reply("MAA", wic=self.msg.wic, impu=self.msg.impu, av=av, cred="xres" if av == "aka" else "ha1")

    def assign(self):
        reg = list(self.v.registered)
        if self.msg.impu in IDS:
            reg[IDS.index(self.msg.impu)] = "yes" if self.msg.kind == "register" else "no"
        self.v.registered = tuple(reg)
        self.reply("SAA", wic=self.msg.wic, impu=self.msg.impu, kind=self.msg.kind)

    def locate(self):
        result = "ok" if self.is_registered(self.msg.impu) else "unregistered"
        self.reply("LIA", wic=self.msg.wic, impu=self.msg.impu, result=result)

    transitions = [
        T("serving", None, on=recv("I-CSCF", "UAR"), do="authorise", step=lambda e: _REG_STEP[e.msg.phase]),
        T("serving", None, on=recv("S-CSCF", "MAR"), do="vectors", step={"F1": "4-8", "F2": "4-8", "F4": "2-6"}),
        T("serving", None, on=recv("S-CSCF", "SAR"), do="assign",
          step={"F1": "11-14", "F2": "9-12", "F3": "7-10", "F4": "7-10"}),
        T("serving", None, on=recv("I-CSCF", "LIR"), do="locate", step={"F7": "1-4", "F9": "1-4"}),
        T("serving", None, on=event("bar_subscription"),
          when=lambda e: scenario.fault(e.config, "reject") and e.v.barred == "no",
          do=lambda e: setattr(e.v, "barred", "yes"),
          note="the operator bars the subscription: registrations get 403 (not in the seed)"),
    ]
