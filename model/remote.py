"""REMOTE - the far end: the destination network of an outbound call (it answers, rings, or
refuses) or the originating network of an inbound one.  A legacy IMS/PSTN end point: its media
profile is IMS (RTP/SRTP, AMR-WB): whatever it is offered, it answers with that.

Seed: 6.X.2.3.1 steps 4-6, 11-15; 6.X.2.3.2 steps 1-4, 13, 18-23; 6.X.2.3.3 steps 5-9, 12-19;
6.X.2.3.4 steps 1-4, 13, 21-24.  One context per WIC (one call leg towards each).
"""

from imsflow.authoring import Entity, T, event, recv

from . import scenario
from .common import NOT_IN_SEED, discard, when_fault

O_EARLY = ["o_considering", "o_offered", "o_reserved", "o_ready", "o_ringing"]
T_EARLY = ["calling", "t_early", "t_updating", "t_ready"]


class REMOTE(Entity):
    """The remote network and end point (one call leg per WIC)."""

    name = "REMOTE"
    standard = "RFC 3261 (the far end's user agent)"
    clause = "6.X.2.3"
    contexts = "WIC"
    states = ["idle", *O_EARLY, "o_answered", "calling", "t_early", "t_updating", "t_ready", "t_cancelling",
              "in_call", "ending", "ended"]
    initial = "idle"
    end_states = ["idle", "in_call", "ended"]
    # The far end calls each WIC once (scenario.remote_calls): kept per call leg, so with
    # several WICs the calls overlap, and a failed call is not retried for ever.
    variables = {"called": ("no", "yes")}

    def _s(self, name, **fields):
        self.send("S-CSCF", name, wic=self.context, **fields)

    def offer_answered(self):
        # Steps 4-6: "a SIP response is returned to the S-CSCF" - with the far end's own (IMS)
        # media capabilities.  For an IMS offer that is an ordinary answer.
        self._s("183", profile="ims", codec="amrwb", addr="remote")

    def answer_with_own_media(self):
        # The seed's reading of steps 4-6 for a WebRTC offer: the far end answers with its own
        # IMS media although none of it was offered - which RFC 3264 6 does not allow (an answer
        # picks from the offer); the mismatch is then the S-CSCF's to detect (steps 7-9).
        self.mark("webrtc_sdp_at_ims_end")
        self.offer_answered()

    def call(self):
        self.v.called = "yes"
        self.send("I-CSCF", "INVITE", wic=self.context, caller=0, callee=scenario.impu_of(self.context),
                  profile="ims", codec="amrwb", addr="remote")

    def answer(self):
        self.mark("remote_answers")
        self._s("200(INVITE)", profile="ims", codec="amrwb", addr="remote")

    def send_(name):
        def f(e):
            e._s(name)

        f.__name__ = f"send_{name}"
        return f

    transitions = [
        # ---- the far end of an outbound call ---------------------------------------------------
        T("idle", "o_offered", on=recv("S-CSCF", "INVITE"), when=lambda e: e.msg.profile == "ims",
          do="offer_answered", step={"F6": "4-6", "F8": "8-9"}),
        T("idle", "o_considering", on=recv("S-CSCF", "INVITE"), when=lambda e: e.msg.profile != "ims",
          step={"F6": "4-6", "F8": "8-9"}, note="a WebRTC offer reaches an IMS end point (reactive interworking)"),
        T("o_considering", "o_offered", on=event("answer_with_own_media"), do="answer_with_own_media",
          step={"F6": "4-6", "F8": "8-9"},
          note="the seed's assumption: it answers with IMS media it was not offered (RFC 3264 6 allows no such answer)"),
        T("o_considering", "idle", on=event("refuse_media"), do=send_("488"),
          note=f"no offered media is acceptable here: 488 (RFC 3264 6, RFC 3261 21.4.26; {NOT_IN_SEED})"),
        T("o_considering", "ended", on=event("refuse_media_everywhere"), do=send_("606"),
          note=f"no offered media is acceptable anywhere: 606 (RFC 3261 21.6.4; {NOT_IN_SEED})"),
        *discard("idle", "S-CSCF", ["CANCEL"], "a CANCEL that crossed our 488 (RFC 3261 9.2)"),
        T("o_offered", "o_reserved", on=recv("S-CSCF", "PRACK"), do=send_("200(PRACK)"), step={"F6": "10", "F8": "10"}),
        T("o_reserved", "o_ready", on=recv("S-CSCF", "UPDATE"), do=send_("200(UPDATE)"), step={"F6": "10", "F8": "10"}),
        T("o_ready", "o_ringing", on=event("ring"), do=lambda e: e._s("180", rel="yes"),
          step={"F6": "11-14", "F8": "12-15"}, note="the far end rings reliably (100rel, RFC 3262)"),
        T("o_ready", "o_ringing", on=event("ring_unreliably"), do=lambda e: e._s("180", rel="no"),
          step={"F6": "11-14", "F8": "12-15"},
          note="or without 100rel: RFC 3262 3 leaves a provisional response's reliability to the UAS"),
        T(["o_ringing", "o_answered", "in_call", "ending"], None, on=recv("S-CSCF", "PRACK"), do=send_("200(PRACK)"),
          per="RFC 3262 3 (the UAS answers the PRACK of its reliable 180)"),
        T(["o_ready", "o_ringing"], "o_answered", on=event("answer"), do="answer", step={"F6": "15", "F8": "16-19"}),
        T("o_answered", "in_call", on=recv("S-CSCF", "ACK")),
        T(O_EARLY, "ended", on=event("reject"), when=when_fault("reject"), do=send_("486"),
          note=f"the callee refuses: 486 ({NOT_IN_SEED})"),
        T(O_EARLY, "ended", on=recv("S-CSCF", "CANCEL"), do=send_("487")),
        *discard(["o_answered", "in_call", "ending", "ended"], "S-CSCF", ["CANCEL"], "CANCEL crossed the 200 OK"),
        # ---- the originating network of an inbound call ------------------------------------------
        T("idle", "calling", on=event("call"), when=lambda e: scenario.remote_calls(e.config) and e.v.called == "no",
          do="call", step={"F7": "1-4", "F9": "1-4"}),
        T("calling", "t_early", on=recv("S-CSCF", "183"), do=send_("PRACK"), step={"F7": "13", "F9": "13"}),
        T("t_early", "t_updating", on=recv("S-CSCF", "200(PRACK)"), do=send_("UPDATE"), step={"F7": "13", "F9": "13"}),
        T("t_updating", "t_ready", on=recv("S-CSCF", "200(UPDATE)"), step={"F7": "13", "F9": "13"}),
        T(T_EARLY, None, on=recv("S-CSCF", "180"), step={"F7": "14-17", "F9": "15-18"}),
        T("t_ready", "in_call", on=recv("S-CSCF", "200(INVITE)"), do=send_("ACK"), step={"F7": "18-23", "F9": "21-24"},
          tags=("remote_answered_leg",)),
        *[T(T_EARLY, "ended", on=recv(src, m)) for src, m in
          [("S-CSCF", "480"), ("S-CSCF", "486"), ("S-CSCF", "487"), ("S-CSCF", "403"), ("I-CSCF", "480"),
           ("I-CSCF", "486")]],
        T(T_EARLY, "t_cancelling", on=event("cancel"), when=when_fault("cancel"),
          do=lambda e: e.send("I-CSCF", "CANCEL", wic=e.context),
          note=f"the caller gives up before the answer ({NOT_IN_SEED})"),
        T("t_cancelling", "ended", on=recv("S-CSCF", "487")),
        T("t_cancelling", "ended", on=recv("I-CSCF", "487")),
        T("t_cancelling", "ending", on=recv("S-CSCF", "200(INVITE)"),
          do=lambda e: (e._s("ACK"), e._s("BYE")), note="200 crossed the CANCEL: ACK then BYE"),
        *discard("t_cancelling", "S-CSCF", ["183", "180", "200(PRACK)", "200(UPDATE)"], "late response after CANCEL"),
        *[T("t_cancelling", "ended", on=recv("S-CSCF", m)) for m in ["480", "486", "403"]],
        *[T("t_cancelling", "ended", on=recv("I-CSCF", m)) for m in ["480", "486"]],
        # ---- end of the session (RFC 3261 15; not in the seed) ---------------------------------
        T("in_call", "ending", on=event("hangup"), do=send_("BYE"), note=f"the far end hangs up ({NOT_IN_SEED})"),
        T("ending", "ended", on=recv("S-CSCF", "200(BYE)")),
        T(["in_call", "o_answered"], "ended", on=recv("S-CSCF", "BYE"), do=send_("200(BYE)")),
        T("ending", "ended", on=recv("S-CSCF", "BYE"), do=send_("200(BYE)"), note="BYEs crossed: the call is over"),
        T("ended", None, on=recv("S-CSCF", "BYE"), do=send_("200(BYE)"), note="late BYE"),
        *discard("ended", "S-CSCF", ["ACK", "487", "486", "480", "200(BYE)", "PRACK", "UPDATE", "183", "180",
                                     "200(PRACK)", "200(UPDATE)", "200(INVITE)", "403"], "late message for a finished call"),
        *discard("ended", "I-CSCF", ["480", "486", "487"], "late message for a finished call"),
    ]
