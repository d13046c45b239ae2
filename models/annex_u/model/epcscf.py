"""eP-CSCF - the P-CSCF enhanced for WebRTC.  SIP over the WIC's secure WebSocket (RFC 7118)
ends here: it checks the WebSocket's Origin against the allowed WWSFs, validates web tokens
(with the WAF) and, for a valid one, is itself the trusted node that asserts the registration
to IMS (TNA, TS 33.203 U.2.2); it controls the eIMS-AGW over Iq and maps SDP between the
WebRTC and the IMS profiles so that WebRTC-specific media never enters IMS (TS 23.228 U.1.1).
It replaces the seed's WST and P-CSCF together.

TS 23.228 U.1.3 and U.2 (cited from knowledge); TS 24.371 5.5, 6.3, 7.5.  Which REGISTERs it
treats as trusted-node authenticated is the variant `tna_trust`: those with a token the WAF
validated (the standard), none (not configured for web users), or any (a deliberately broken
eP-CSCF that trusts any sender).  Whether it interworks at the edge is the variant
`interworking` (off: a deliberately broken eP-CSCF that passes WebRTC SDP into IMS).
One context per WIC (per registered contact and its call).
"""

from imsflow.authoring import Entity, T, recv

from . import scenario
from .common import reg_step, step
from .messages import IMPU

CLIENTS = ("WIC", "ROGUE")
BUSY = ["validating", "reg_fwd", "o_reserving", "o_invited", "o_answered", "t_reserving", "t_invited",
        "t_answered", "in_dialog", "closing", "closing_in"]
PARTY = ("none", "WIC", "ROGUE")


def _steps(client: str, labels: dict) -> dict | None:
    return labels if client == "WIC" else None


class EPCSCF(Entity):
    """eP-CSCF (one context per WIC)."""

    name = "eP-CSCF"
    clause = "TS 23.228 U.1.3, U.2; TS 24.371 5.5, 6.3, 7.5"
    contexts = "WIC"
    states = ["idle", "validating", "reg_fwd", "registered", *BUSY[2:]]
    initial = "idle"
    end_states = ["idle", "registered", "in_dialog"]
    variables = {
        "peer": PARTY,  # who registered this contact (the WebSocket it is bound to)
        "asker": PARTY,  # whose REGISTER is in progress
        "reg": ("no", "yes"),
        "impu": IMPU,
        "transcode": ("no", "yes"),
        "rx": ("no", "yes"),  # an Rx session open for the call
    }

    def start(self):
        fresh = {"peer": "none", "asker": "none", "reg": "no", "impu": 0, "transcode": "no", "rx": "no"}
        if scenario.registered_at_start(self.config):
            return "registered", dict(fresh, peer="WIC", reg="yes", impu=scenario.impu_of(self.context))
        return "idle", fresh

    # ---- helpers ----------------------------------------------------------------------------
    def to_party(self, who, name, **fields):
        if who == "WIC":
            self.send("WIC", name, index=self.context, wic=self.context, **fields)
        elif who == "ROGUE":
            self.send("ROGUE", name, wic=self.context, **fields)

    def party(self):
        """The sending client as this context records it (a WIC instance, or the ROGUE)."""
        return "ROGUE" if self.sender == "ROGUE" else "WIC"

    def to_asker(self, name, **fields):
        self.to_party(self.v.asker, name, **fields)

    def to_wic(self, name, **fields):
        self.to_party("WIC", name, **fields)

    def to_scscf(self, name, **fields):
        self.send("S-CSCF", name, wic=self.context, **fields)

    def webrtc_side(self):
        """SDP towards the WIC: the eIMS-AGW's WebRTC terminations when it interworks."""
        if self.v.transcode == "yes":
            return {"profile": "webrtc", "codec": "opus"}
        return {"profile": self.msg.profile, "codec": self.msg.codec}

    def ims_side(self):
        """SDP towards IMS: the eIMS-AGW's IMS terminations when it interworks."""
        if self.v.transcode == "yes":
            return {"profile": "ims", "codec": "amrwb"}
        return {"profile": self.msg.profile, "codec": self.msg.codec}

    # ---- WebSocket (TS 24.371 5.5; RFC 6455 10.2) -------------------------------------------
    def websocket(self):
        self.reply("WSS_ACCEPT" if self.msg.origin == "authorised" else "WSS_REJECT", wic=self.msg.wic)

    # ---- registration -------------------------------------------------------------------------
    def forward_register(self):
        self.v.asker, self.v.impu = self.party(), self.msg.impu
        self.send("I-CSCF", "REGISTER", wic=self.context, impu=self.msg.impu, cred=self.msg.cred,
                  token="none", tna="no")

    def validate_token(self):
        self.v.asker, self.v.impu = self.party(), self.msg.impu
        self.send("WAF", "TOKEN_VERIFY", wic=self.context, token=self.msg.token, impu=self.msg.impu)

    def assert_tna(self, impu):
        # The eP-CSCF is the trusted node: the REGISTER it sends carries its assertion and no
        # credential, so the S-CSCF neither asks for vectors nor challenges.
        self.mark("tna_asserted")
        self.v.impu = impu
        self.send("I-CSCF", "REGISTER", wic=self.context, impu=impu, cred="none", token="none", tna="asserted")

    def token_valid(self):
        self.assert_tna(self.msg.impu)

    def trust_blindly(self):
        self.v.asker = self.party()
        self.assert_tna(self.msg.impu or scenario.impu_of(self.context))

    def token_refused(self):
        self.to_asker("403", impu=self.v.impu)
        self.v.asker = "none"

    def refuse_register(self):
        self.reply("403", wic=self.context, impu=self.msg.impu)

    def challenge(self):
        # CK/IK stay here (TS 33.203 6.1); the challenge goes on without them.
        self.to_asker("401", impu=self.msg.impu, auth=self.msg.auth, keys="none")

    def registered_ok(self):
        self.v.reg, self.v.peer = "yes", self.v.asker
        self.to_asker("200(REGISTER)", impu=self.msg.impu)
        self.v.asker = "none"

    def refused(self):
        self.to_asker("403", impu=self.msg.impu)
        self.v.asker = "none"

    # ---- sessions -----------------------------------------------------------------------------
    def from_registered_wic(self):
        return self.v.reg == "yes" and self.v.peer == "WIC"

    def accept_invite(self):
        self.mark("originating_invite_accepted")
        self.v.impu = self.msg.caller
        self.v.transcode = "yes" if scenario.edge_interworking(self.config, self.msg.profile) else "no"
        self.send("eIMS-AGW", "AGW_RESERVE", wic=self.context, transcode=self.v.transcode)

    def refuse_invite(self):
        self.mark("invite_refused")
        self.reply("403", wic=self.context, impu=self.msg.caller)

    def invite_into_ims(self):
        sdp = {"profile": "ims", "codec": "amrwb"} if self.v.transcode == "yes" else {"profile": "webrtc", "codec": "opus"}
        self.to_scscf("INVITE", caller=self.v.impu, callee=0, **sdp)

    def authorise_qos(self):
        # As any P-CSCF: the negotiated media is authorised at the PCRF (TS 23.228 U.2.2, TS 29.214).
        if self.v.rx == "no":
            self.v.rx = "yes"
            self.send("PCRF", "AAR", wic=self.context, qos="ims")

    def release(self):
        self.send("eIMS-AGW", "AGW_RELEASE", wic=self.context)
        if self.v.rx == "yes":
            self.v.rx = "no"
            self.send("PCRF", "STR", wic=self.context)

    def progress_to_wic(self):
        self.authorise_qos()
        self.to_wic("183", **self.webrtc_side())

    def answered_out(self):
        self.send("eIMS-AGW", "AGW_CONFIRM", wic=self.context)
        self.to_wic("200(INVITE)", **self.webrtc_side())

    def terminating_invite(self):
        self.v.impu = self.msg.callee
        self.v.transcode = "yes" if self.config.interworking == "edge" else "no"
        self.send("eIMS-AGW", "AGW_RESERVE", wic=self.context, transcode=self.v.transcode)

    def invite_to_wic(self):
        sdp = {"profile": "webrtc", "codec": "opus"} if self.v.transcode == "yes" else {"profile": "ims", "codec": "amrwb"}
        self.to_wic("INVITE", caller=0, callee=self.v.impu, **sdp)

    def progress_to_ims(self):
        self.authorise_qos()
        self.to_scscf("183", **self.ims_side())

    def answered_in(self):
        self.send("eIMS-AGW", "AGW_CONFIRM", wic=self.context)
        self.to_scscf("200(INVITE)", **self.ims_side())

    def hang_up(self):
        self.release()
        self.to_scscf("BYE")

    def far_end_hung_up(self):
        self.release()
        self.to_wic("BYE")

    transitions = [
        # The ROGUE's requests take the same transitions but are no step of any flow.
        *[T("*", None, on=recv(c, "WSS_CONNECT"), do="websocket", step=_steps(c, reg_step("2", "3"))) for c in CLIENTS],
        # ---- registration (U1-U4) -------------------------------------------------------------
        *[t for c in CLIENTS for t in [
            T(["idle", "registered"], "reg_fwd", on=recv(c, "REGISTER"), when=lambda e: e.msg.cred == "none",
              do="forward_register", step=_steps(c, reg_step("3"))),
            T(["idle", "registered"], "reg_fwd", on=recv(c, "REGISTER"), when=lambda e: e.msg.cred in ("res", "digest"),
              do="forward_register", step=_steps(c, reg_step("7"))),
            T(["idle", "registered"], "validating", on=recv(c, "REGISTER"),
              when=lambda e: e.msg.cred == "token" and e.config.tna_trust == "validated", do="validate_token",
              step=_steps(c, reg_step(web="5"))),
            T(["idle", "registered"], "reg_fwd", on=recv(c, "REGISTER"),
              when=lambda e: e.msg.cred == "token" and e.config.tna_trust == "any", do="trust_blindly",
              note="a broken eP-CSCF: trusted-node registration without validating the token"),
            T(["idle", "registered"], None, on=recv(c, "REGISTER"),
              when=lambda e: e.msg.cred == "token" and e.config.tna_trust == "none", do="refuse_register",
              note="not configured for web users: a token is no credential (403)"),
            T(["idle", "registered"], None, on=recv(c, "REGISTER"), when=lambda e: e.msg.cred == "password",
              do="refuse_register", note="a cleartext password is no SIP credential (403)"),
            T(BUSY, None, on=recv(c, "REGISTER"), do="refuse_register",
              note="one registration transaction per contact at a time (403)"),
        ]],
        T("validating", "reg_fwd", on=recv("WAF", "TOKEN_RESULT"), when=lambda e: e.msg.result == "valid",
          do="token_valid", step=reg_step(web="6")),
        T("validating", "idle", on=recv("WAF", "TOKEN_RESULT"), when=lambda e: e.msg.result != "valid" and e.v.reg == "no",
          do="token_refused", note="an invalid token: 403, and no REGISTER into IMS (TS 24.371 6.3.2)"),
        T("validating", "registered", on=recv("WAF", "TOKEN_RESULT"),
          when=lambda e: e.msg.result != "valid" and e.v.reg == "yes", do="token_refused"),
        T("reg_fwd", "idle", on=recv("I-CSCF", "401"), when=lambda e: e.v.reg == "no", do="challenge",
          step=reg_step("5")),
        T("reg_fwd", "registered", on=recv("I-CSCF", "401"), when=lambda e: e.v.reg == "yes", do="challenge",
          step=reg_step("5")),
        T("reg_fwd", "registered", on=recv("I-CSCF", "200(REGISTER)"), do="registered_ok", step=reg_step("8", "7")),
        T("reg_fwd", "idle", on=recv("I-CSCF", "403"), when=lambda e: e.v.reg == "no", do="refused"),
        T("reg_fwd", "registered", on=recv("I-CSCF", "403"), when=lambda e: e.v.reg == "yes", do="refused"),
        # ---- outbound session (U5) --------------------------------------------------------------
        T("registered", "o_reserving", on=recv("WIC", "INVITE"), when="from_registered_wic", do="accept_invite",
          step=step(U5="2")),
        T("registered", None, on=recv("WIC", "INVITE"), when=lambda e: not e.from_registered_wic(),
          do="refuse_invite", note="INVITE only from the registered contact (TS 24.229 5.2.6.3)"),
        T([s for s in states if s != "registered"], None, on=recv("WIC", "INVITE"), do="refuse_invite",
          note="not registered, or one call at a time (403)"),
        T("*", None, on=recv("ROGUE", "INVITE"), do="refuse_invite",
          note="INVITE from a client that did not register this contact"),
        T("o_reserving", "o_invited", on=recv("eIMS-AGW", "AGW_RESERVED"), do="invite_into_ims", step=step(U5="3")),
        T("o_invited", None, on=recv("S-CSCF", "183"), do="progress_to_wic", step=step(U5="4")),
        T("o_invited", None, on=recv("S-CSCF", "180"), do=lambda e: e.to_wic("180"), step=step(U5="5")),
        T("o_invited", "o_answered", on=recv("S-CSCF", "200(INVITE)"), do="answered_out", step=step(U5="6")),
        T("o_answered", "in_dialog", on=recv("WIC", "ACK"), do=lambda e: e.to_scscf("ACK"),
          note="ACK (RFC 3261 13.2.2.4)"),
        # ---- inbound session (U6) ---------------------------------------------------------------
        T("registered", "t_reserving", on=recv("S-CSCF", "INVITE"), do="terminating_invite", step=step(U6="2")),
        T("t_reserving", "t_invited", on=recv("eIMS-AGW", "AGW_RESERVED"), do="invite_to_wic", step=step(U6="3")),
        T("t_invited", None, on=recv("WIC", "183"), do="progress_to_ims", step=step(U6="4")),
        T("t_invited", None, on=recv("WIC", "180"), do=lambda e: e.to_scscf("180"), step=step(U6="5")),
        T("t_invited", "t_answered", on=recv("WIC", "200(INVITE)"), do="answered_in", step=step(U6="6")),
        T("t_answered", "in_dialog", on=recv("S-CSCF", "ACK"), do=lambda e: e.to_wic("ACK"),
          note="ACK (RFC 3261 13.2.2.4)"),
        # ---- end of the session (RFC 3261 15) -------------------------------------------------
        T("in_dialog", "closing", on=recv("WIC", "BYE"), do="hang_up"),
        T("closing", "registered", on=recv("S-CSCF", "200(BYE)"), do=lambda e: e.to_wic("200(BYE)")),
        T("in_dialog", "closing_in", on=recv("S-CSCF", "BYE"), do="far_end_hung_up"),
        T("closing_in", "registered", on=recv("WIC", "200(BYE)"), do=lambda e: e.to_scscf("200(BYE)")),
        *[T("*", None, on=recv("PCRF", m), note="Rx answers need no further action") for m in ("AAA", "STA")],
    ]
