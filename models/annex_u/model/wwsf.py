"""WWSF - the WebRTC Web Server Function (the seed's Client Script Server): the initial point of
contact in the Web; serves the WIC's application over HTTPS (W1), takes the web login and asks
the WAF for the token (W4), and, in U4, assigns each WIC an identity from its pool.

TS 23.228 U.1.3 (functional entities, cited from knowledge); TS 24.371 5.3.  The pool: which
WIC holds each pool identity; an identity is assigned to at most one WIC (U.2.1.4).
"""

import itertools

from imsflow.authoring import Entity, T, recv

from . import scenario
from .common import reg_step
from .messages import POOL

SLOT = (0, 1, 2)  # a pool identity: free (0) or assigned to WIC i


class WWSF(Entity):
    """WebRTC Web Server Function."""

    name = "WWSF"
    clause = "TS 23.228 U.1.3, U.2.1.4; TS 24.371 5.3"
    states = ["serving"]
    initial = "serving"
    end_states = ["serving"]
    variables = {"pool": tuple(itertools.product(SLOT, repeat=len(POOL)))}

    def serve_script(self):
        self.reply("SCRIPT", wic=self.msg.wic)

    def assign(self, wic: int) -> int:
        """The pool identity of `wic`: the one it holds, else the first free one (0: none left)."""
        pool = list(self.v.pool)
        if wic in pool:
            return POOL[pool.index(wic)]
        if 0 not in pool:
            return 0
        i = pool.index(0)
        pool[i] = wic
        self.v.pool = tuple(pool)
        return POOL[i]

    def ask_for_token(self):
        wic = self.msg.wic
        impu = self.assign(wic) if scenario.pool_mode(self.config) else 0
        self.send("WAF", "TOKEN_REQUEST", wic=wic, impu=impu)

    def hand_over_token(self):
        self.send("WIC", "TOKEN", index=self.msg.wic, **dict(self.msg.fields))

    transitions = [
        T("serving", None, on=recv("WIC", "HTTPS_GET"), do="serve_script", step=reg_step("1", "1")),
        T("serving", None, on=recv("WIC", "LOGIN"), do="ask_for_token", step=reg_step(web="2")),
        T("serving", None, on=recv("WAF", "TOKEN"), do="hand_over_token", step=reg_step(web="2")),
    ]
