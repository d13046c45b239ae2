"""WAF - the WebRTC Authorisation Function (the seed's IWAIS): issues the authorisation token
that the WWSF hands to the WIC (W4), and validates it when the eP-CSCF asks, returning the
IMS identity it authorises (TS 24.371 5.4; TS 33.203 U.2.2, cited from knowledge).

Validation by the WAF is one of the options of TS 33.203 (the eP-CSCF may also check the
token's signature itself); modelling it as a request keeps the check observable.
"""

from imsflow.authoring import Entity, T, recv

from . import scenario
from .common import reg_step


class WAF(Entity):
    """WebRTC Authorisation Function."""

    name = "WAF"
    clause = "TS 24.371 5.4; TS 33.203 U.2.2"
    states = ["serving"]
    initial = "serving"
    end_states = ["serving"]

    def issue(self):
        self.reply("TOKEN", wic=self.msg.wic, token="valid", impu=self.msg.impu)

    def validate(self):
        wic = self.msg.wic
        if self.msg.token != "valid":
            self.mark("token_rejected")
            self.reply("TOKEN_RESULT", wic=wic, result="invalid", impu=0)
            return
        self.mark("token_verified")
        # A token for the user's own web identity authorises the user's own IMPU; a pool token
        # authorises the pool identity it was issued for.
        impu = self.msg.impu or scenario.impu_of(wic)
        self.reply("TOKEN_RESULT", wic=wic, result="valid", impu=impu)

    transitions = [
        T("serving", None, on=recv("WWSF", "TOKEN_REQUEST"), do="issue", step=reg_step(web="2")),
        T("serving", None, on=recv("eP-CSCF", "TOKEN_VERIFY"), do="validate", step=reg_step(web="5")),
    ]
