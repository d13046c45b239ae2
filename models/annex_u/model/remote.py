"""REMOTE - the far end: the destination network of an outbound call or the originating
network of an inbound one; a legacy IMS end point whose media profile is IMS (RTP/SRTP,
AMR-WB): whatever it is offered, it answers with that (as the seed's REMOTE).
TS 23.228 5.6, 5.7.  One context per WIC."""

from imsflow.authoring import Entity, T, event, recv

from . import scenario
from .common import step


class REMOTE(Entity):
    """The remote network and end point (one call leg per WIC)."""

    name = "REMOTE"
    clause = "TS 23.228 5.6, 5.7"
    contexts = "WIC"
    states = ["idle", "o_offered", "o_ringing", "o_answered", "calling", "t_early", "in_call", "ending", "ended"]
    initial = "idle"
    end_states = ["idle", "in_call", "ended"]
    shared = {"called": ("no", "yes")}  # one inbound call, to a WIC the REMOTE chooses

    def _s(self, name, **fields):
        self.send("S-CSCF", name, wic=self.context, **fields)

    def offer_answered(self):
        if self.msg.profile != "ims":
            self.mark("webrtc_sdp_at_ims_end")
        self._s("183", profile="ims", codec="amrwb")

    def answer(self):
        self.mark("remote_answers")
        self._s("200(INVITE)", profile="ims", codec="amrwb")

    def call(self):
        self.s.called = "yes"
        self.send("I-CSCF", "INVITE", wic=self.context, caller=0, callee=scenario.impu_of(self.context),
                  profile="ims", codec="amrwb")

    transitions = [
        T("idle", "o_offered", on=recv("S-CSCF", "INVITE"), do="offer_answered", step=step(U5="3")),
        T("o_offered", "o_ringing", on=event("ring"), do=lambda e: e._s("180"), step=step(U5="5"),
          note="alerting (optional)"),
        T(["o_offered", "o_ringing"], "o_answered", on=event("answer"), do="answer", step=step(U5="5")),
        T("o_answered", "in_call", on=recv("S-CSCF", "ACK")),
        T("idle", "calling", on=event("call"), when=lambda e: scenario.remote_calls(e.config) and e.s.called == "no",
          do="call", step=step(U6="1")),
        T("calling", "t_early", on=recv("S-CSCF", "183"), step=step(U6="4")),
        T("t_early", None, on=recv("S-CSCF", "180"), step=step(U6="5")),
        T(["calling", "t_early"], "in_call", on=recv("S-CSCF", "200(INVITE)"), do=lambda e: e._s("ACK"),
          step=step(U6="6")),
        T("in_call", "ended", on=recv("S-CSCF", "BYE"), do=lambda e: e._s("200(BYE)")),
        T("in_call", "ending", on=event("hangup"), when=lambda e: scenario.hangs_up(e.config, "REMOTE"),
          do=lambda e: e._s("BYE"), note="the far end hangs up (RFC 3261 15)"),
        T("ending", "ended", on=recv("S-CSCF", "200(BYE)")),
    ]
