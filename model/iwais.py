"""IWAIS - the IMS-Web Authentication & Identity Server: web login, tokens, token verification
and the mapping of web identities to IMS identities.

Seed: 6.X.2.2.3 steps 2-3 and 6 (NOTE 2: "the WST may send the Token in a request to the IMS-Web
& Authentication Server, and receive the IMPI and IMPU in a response if the token is valid"),
6.X.2.2.4 steps 0 and 12, 6.X.2.2.5 step 6 (a WIC mapped onto one of the range identities).
One context per WIC (its login); the range's bindings are shared.
"""

import itertools

from imsflow.authoring import Entity, T, recv

from . import scenario
from .messages import POOL

SLOT = ("off", "free", 1, 2, 3, 4)  # a range identity: not registered, free, or bound to WIC i


class IWAIS(Entity):
    """IMS-Web Authentication & Identity Server."""

    name = "IWAIS"
    standard = "not standardised: the IWAIS web interface (6.X.2.2.3)"
    clause = "6.X.2.2.3, 6.X.2.2.4, 6.X.2.2.5"
    contexts = "WIC"
    states = ["idle", "logged_in"]
    initial = "idle"
    end_states = ["idle", "logged_in"]
    shared = {"pool": tuple(itertools.product(SLOT, repeat=len(POOL)))}

    def start_shared(self):
        ready = scenario.range_registered_at_start(self.config)
        return {"pool": tuple("free" if ready else "off" for _ in POOL)}

    def issue_token(self):
        self.reply("TOKEN", wic=self.context, token="valid")

    def verify(self):
        k = self.context
        if self.msg.token != "valid":
            self.mark("token_rejected")
            self.reply("TOKEN_RESULT", wic=k, result="invalid", impu=0)
            return
        self.mark("token_verified")
        if self.msg.pool == "no":
            self.reply("TOKEN_RESULT", wic=k, result="valid", impu=scenario.impu_of(k))
            return
        pool = list(self.s.pool)
        for i, slot in enumerate(pool):
            if slot == k:  # already bound to this WIC: the same identity again
                self.reply("TOKEN_RESULT", wic=k, result="valid", impu=POOL[i])
                return
        for i, slot in enumerate(pool):
            if slot == "free":
                pool[i] = k
                self.s.pool = tuple(pool)
                self.mark("pool_bound")
                self.reply("TOKEN_RESULT", wic=k, result="valid", impu=POOL[i])
                return
        self.reply("TOKEN_RESULT", wic=k, result="exhausted", impu=0)

    def release(self):
        pool = list(self.s.pool)
        if self.msg.impu in POOL and pool[POOL.index(self.msg.impu)] == self.context:
            pool[POOL.index(self.msg.impu)] = "free"
        self.s.pool = tuple(pool)

    def range_ready(self):
        self.s.pool = tuple("free" if slot == "off" else slot for slot in self.s.pool)

    transitions = [
        T("idle", "logged_in", on=recv("WIC", "LOGIN"), do="issue_token", step={"F3": "2-3", "F5": "2-3"}),
        T("logged_in", None, on=recv("WIC", "LOGIN"), do="issue_token", note="a second login: a fresh token"),
        T("*", None, on=recv("WST", "TOKEN_VERIFY"), do="verify", step={"F3": "6", "F5": "6"}),
        T("*", None, on=recv("WST", "POOL_RELEASE"), do="release",
          note="the WIC left: its range identity is free again (not in the seed)"),
        T("*", None, on=recv("CSS", "RANGE_INIT"), step={"F4": "0"}),
        T("*", None, on=recv("CSS", "RANGE_READY"), do="range_ready", step={"F4": "12"}),
    ]
