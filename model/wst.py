"""WST - the Web Signalling Translator: WebSocket server (checks the Origin), SIP user agent
towards the P-CSCF on the WIC's behalf (a back-to-back UA), token check and identity mapping,
ringing suppression, NI-O/NI-T adaptation, control of the external IWF, optional Rx client.

Seed: every flow.  Registration 6.X.2.2.1-6.X.2.2.5; sessions 6.X.2.3.1-6.X.2.3.4; impacts
6.1.3.  One context per WIC (its WebSocket and its dialogs); in 6.X.2.2.4 the context of WIC 1
serves the range registration asked for by the CSS.
"""

from imsflow.authoring import Entity, T, event, recv

from . import scenario
from .common import NOT_IN_SEED, discard, to_wic

EARLY_OUT = ["o_invited", "o_early_wic", "o_prack", "o_update", "o_ready"]
EARLY_IN = ["t_offered", "t_early", "t_prack_wic", "t_update", "t_ready"]
CALL_FAILURES = ["486", "488", "606", "480", "403"]


def _flag(name, value="yes"):
    f = lambda e: e.config.get(name) == value  # noqa: E731
    f.__name__ = f"{name}_{value}"
    return f


def _final_answer(e):
    return e.msg.op == "final"


def _iwf(where):
    f = lambda e: e.config.iwf == where  # noqa: E731
    f.__name__ = f"iwf_{where}"
    return f


class WST(Entity):
    """Web Signalling Translator (one context per WIC)."""

    name = "WST"
    standard = "RFC 3261 (back-to-back user agent); RFC 7118"
    clause = "6.X.2.2, 6.X.2.3, 6.1.3"
    contexts = "WIC"
    states = [
        "idle", "ws_open", "verifying", "reg_pending", "challenged", "reg_auth", "registered", "dereg_pending",
        "o_iwf", *EARLY_OUT, "o_final", "o_answered", "o_cancelling", "o_bye_after_cancel",
        "t_iwf", *EARLY_IN, "t_final", "t_answered", "t_cancelling", "t_bye_after_cancel",
        "in_call", "bye_out", "bye_in", "closing", "closed",
    ]
    initial = "idle"
    end_states = ["idle", "ws_open", "registered", "in_call", "closed"]
    variables = {
        "peer": ("wic", "css"),  # whom the context registers for
        "impu": (0, 1, 2, 3, 4, 5, 6),
        "pw": ("no", "yes"),  # holds a digest password it was handed (F2, F4)
        "iwf": ("no", "yes"),  # external IWF reserved for the current call
        "rx": ("no", "yes"),  # an Rx session of its own (rx=two)
        "answered": ("no", "yes"),  # NI-T: the WIC's 200 held until preconditions are met
        "rang": ("no", "yes"),  # rang on the WIC's behalf for the current call (ringing=no): once
    }

    def start(self):
        values = {"peer": "wic", "impu": 0, "pw": "no", "iwf": "no", "rx": "no", "answered": "no", "rang": "no"}
        if scenario.registered_at_start(self.config):
            values["impu"] = scenario.impu_of(self.context)
            return "registered", values
        return "idle", values

    # ---- guards -------------------------------------------------------------------------
    def origin_ok(self):
        return self.msg.origin == "authorised"

    def pool_mode(self):
        return scenario.pool_mode(self.config)

    def caller_is_bound(self):
        return self.msg.caller == self.v.impu and self.v.peer == "wic"

    def for_this_wic(self):
        return self.msg.callee == self.v.impu and self.v.peer == "wic"

    # ---- registration effects -------------------------------------------------------------------
    def accept_ws(self):
        self.reply("WSS_ACCEPT", wic=self.context)

    def reject_ws(self):
        self.mark("origin_rejected")
        self.reply("WSS_REJECT", wic=self.context)

    def forward_register(self, cred="none", tna="no", response="none"):
        self.send("P-CSCF", "REGISTER", wic=self.context, impu=self.v.impu, cred=cred, token="none", tna=tna,
                  response=response)

    def register_plain(self):
        # Steps 4-8: "forms an IMS standard SIP register message" from the WIC's.
        self.v.peer, self.v.impu = "wic", self.msg.impu
        self.forward_register()

    def register_keeping_password(self):
        # 6.X.2.2.2 step 3 / 6.X.2.2.4 step 1: the WST is handed the cleartext password.
        self.v.peer = "css" if self.sender == "CSS" else "wic"
        self.v.impu, self.v.pw = self.msg.impu, "yes"
        self.mark("password_received")
        self.forward_register()

    def verify_token(self):
        self.send("IWAIS", "TOKEN_VERIFY", wic=self.context, token=self.msg.token,
                  pool="yes" if self.pool_mode() else "no")

    def register_as_trusted_node(self):
        # 6.X.2.2.3 steps 7-10: REGISTER with the mapped identities, for TNA (TS 33.203 Annex U).
        self.v.impu = self.msg.impu
        self.mark("identity_mapped")
        self.forward_register(tna="claimed")

    def bind_range_identity(self):
        # 6.X.2.2.5 steps 6-7: one of the previously registered identities; no IMS signalling.
        self.v.impu = self.msg.impu
        self.mark("identity_mapped")
        self.mark("pool_identity_bound")
        to_wic(self, "200(REGISTER)", impu=self.msg.impu)

    def refuse_token(self):
        self.mark("token_refused")
        to_wic(self, "403", impu=0)

    def challenge_wic(self):
        # Step 9: the AKA challenge (RAND, AUTN) passed on; CK/IK were kept by the P-CSCF.
        to_wic(self, "401", impu=self.v.impu, auth="aka", keys=self.msg.keys)

    def challenge_wic_digest(self):
        # digest=client: the challenge goes to the WIC, which answers it itself.
        to_wic(self, "401", impu=self.v.impu, auth="digest", keys="none")

    def answer_digest(self):
        # F2 steps 9-12 / F4 steps 7-10: the WST computes the digest response itself from the
        # password it was given - the subscription's own (6.X.2.2.2 step 3), so the response matches.
        self.forward_register(cred="digest", response="matches")

    def to_peer(self, name):
        if self.v.peer == "css":
            self.send("CSS", name, wic=self.context, impu=self.v.impu)
        else:
            to_wic(self, name, impu=self.v.impu)

    def registered_ok(self):
        self.mark("wst_sent_200_register")
        self.to_peer("200(REGISTER)")

    # ---- the registration lifecycle (lifecycle=full; not in the seed) -----------------------------
    def deregister_in_ims(self):
        self.send("P-CSCF", "de-REGISTER", wic=self.context, impu=self.v.impu)

    def _forget_registration(self):
        # The binding is gone: no identity, and no password kept for it any more.
        self.v.impu, self.v.pw = 0, "no"

    def deregistered(self):
        to_wic(self, "200(de-REGISTER)", impu=self.v.impu)
        self._forget_registration()

    def release_range_identity(self):
        # F5: the range identity stays registered in IMS for the next WIC; only the binding goes.
        self.send("IWAIS", "POOL_RELEASE", wic=self.context, impu=self.v.impu)
        self.deregistered()

    def deregistered_by_network(self):
        self.reply("200(NOTIFY)", wic=self.context)
        to_wic(self, "NOTIFY", impu=self.v.impu)
        self._forget_registration()

    def notify_while_registering(self):
        self.reply("200(NOTIFY)", wic=self.context)
        if self.v.peer == "wic":
            to_wic(self, "NOTIFY", impu=self.msg.impu)

    def refuse_registration(self):
        self.to_peer("403")
        self.v.pw = "no"

    # ---- session effects ----------------------------------------------------------------------
    def _ims(self, name, **fields):
        self.send("P-CSCF", name, wic=self.context, **fields)

    def _media_out(self):
        """The SDP the WST puts towards IMS: the IWF's IMS side when it rewrites, else the WIC's."""
        if self.config.iwf == "external" and self.config.sdp_rewrite == "on":
            return {"profile": "ims", "codec": "amrwb", "addr": "iwf"}
        return {"profile": "webrtc", "codec": "opus", "addr": "wic"}

    def _media_to_wic(self, profile, codec, addr="agw"):
        """The SDP the WST puts towards the WIC."""
        if profile == "ims" and self.config.sdp_rewrite == "on" and self.v.iwf == "yes":
            return {"profile": "webrtc", "codec": "opus", "addr": "iwf"}  # the external IWF's WebRTC side
        return {"profile": profile, "codec": codec, "addr": addr}

    def invite_out(self):
        to_wic(self, "100")
        self._ims("INVITE", caller=self.v.impu, callee=self.msg.callee, **self._media_out())

    def reserve_iwf(self):
        if self.sender.startswith("WIC"):
            to_wic(self, "100")
        self.v.iwf = "yes"
        self.send("IWF", "IWF_RESERVE", wic=self.context)

    def invite_out_via_iwf(self):
        self._ims("INVITE", caller=self.v.impu, callee=0, **self._media_out())

    def refuse_invite(self):
        self.mark("invite_refused")
        self.reply("403", wic=self.context, impu=self.msg.caller)

    def open_rx(self):
        if self.config.rx == "two" and self.v.rx == "no":
            self.v.rx = "yes"
            self.send("PCRF", "AAR", wic=self.context, qos="webrtc")

    def answer_out(self):
        self.open_rx()
        if self.config.offer_answer == "yes":
            to_wic(self, "183", **self._media_to_wic(self.msg.profile, self.msg.codec, self.msg.addr))
        else:
            # NI-O (TS 23.228 5.6.4): the WST completes the offer/answer itself.
            self.mark("ni_o")
            self._ims("PRACK")

    def prack_out(self):
        self._ims("PRACK")

    def prack_done_out(self):
        if self.config.offer_answer == "yes":
            to_wic(self, "200(PRACK)")
        self._ims("UPDATE")

    def update_done_out(self):
        if self.v.iwf == "yes":
            self.send("IWF", "IWF_UPDATE", wic=self.context, after="reservation")  # F8 step 11

    def ringing_out(self):
        if self.config.ringing == "yes":
            to_wic(self, "180")
        else:
            # 11-14: "the Web Signalling translator will intercept and not pass this message on".
            self.mark("ringing_suppressed")
        self.prack_reliable_180()

    def prack_reliable_180(self):
        # A back-to-back UA: the IMS leg's reliable 180 is PRACKed here, passed to the WIC or
        # not (RFC 3262 4; the seed's steps 11-14 do not say who PRACKs a suppressed 180).
        if self.msg.get("rel") == "yes":
            self._ims("PRACK")

    def answered_out(self):
        self.mark("wst_sent_200_invite_to_wic")
        to_wic(self, "200(INVITE)", **self._media_to_wic(self.msg.profile, self.msg.codec, self.msg.addr))

    def iwf_final(self):
        self.mark("iwf_final")
        self.send("IWF", "IWF_FINAL", wic=self.context)

    def answered_out_via_iwf(self):
        self.mark("wst_sent_200_invite_to_wic")
        to_wic(self, "200(INVITE)", **self._media_to_wic("ims", "amrwb"))

    def release(self):
        """Release what this context holds for its call (not in the seed)."""
        if self.v.iwf == "yes":
            self.send("IWF", "IWF_RELEASE", wic=self.context)
            self.v.iwf = "no"
        if self.v.rx == "yes":
            self.send("PCRF", "STR", wic=self.context)
            self.v.rx = "no"
        self.v.answered = "no"
        self.v.rang = "no"

    def failed_out(self):
        to_wic(self, self.msg.name)
        self.release()

    def cancel_out(self):
        self._ims("CANCEL")

    def cancel_before_invite(self):
        to_wic(self, "487")
        self.release()

    def cancelled_out(self):
        to_wic(self, "487")
        self.release()

    def crossing_200_after_cancel(self):
        self._ims("ACK")
        self._ims("BYE")
        to_wic(self, "487")

    def ack_out(self):
        self._ims("ACK")

    # inbound
    def _offer_to_wic(self, caller, callee, profile="ims", codec="amrwb", addr="iwf"):
        """The INVITE the WST forms for the WIC (F7 step 5, F9 step 6): with SDP rewriting a
        WebRTC-profile offer, else the IMS offer as it came; and, when the WIC does no IMS
        offer/answer, NI-T (TS 23.228 5.7.4): the WST answers the offer towards IMS itself."""
        self.mark("wst_invite_to_wic")
        if self.config.sdp_rewrite == "on":
            profile, codec = "webrtc", "opus"
        to_wic(self, "INVITE", caller=caller, callee=callee, profile=profile, codec=codec, addr=addr)
        if self.config.offer_answer == "no":
            self.mark("ni_t")
            self.open_rx()  # its own 183 commits the media, as the WIC's would (progress_in)
            self._ims("183", **self._media_out())

    def invite_in(self):
        self._offer_to_wic(self.msg.caller, self.msg.callee, self.msg.profile, self.msg.codec, self.msg.addr)

    def invite_in_via_iwf(self):
        self.v.iwf = "yes"
        self.send("IWF", "IWF_RESERVE", wic=self.context)

    def invite_in_after_iwf(self):
        self._offer_to_wic(0, self.v.impu)

    def unknown_callee(self):
        self.reply("480", wic=self.context)

    def progress_in(self):
        self.open_rx()
        if self.v.iwf == "yes":
            self.send("IWF", "IWF_UPDATE", wic=self.context, after="answer")  # F9 steps 7-8
        self._ims("183", **self._media_out())

    def prack_in(self):
        if self.config.offer_answer == "yes":
            to_wic(self, "PRACK")
        else:
            self._ims("200(PRACK)")

    def prack_answered_in(self):
        self._ims("200(PRACK)")

    def update_in(self):
        self._ims("200(UPDATE)")

    def update_in_ready(self):
        self._ims("200(UPDATE)")
        if self.v.answered == "yes":
            self.answered_in()

    def ringing_in(self):
        self._ims("180")

    def ring_on_behalf(self):
        # Once: a 180 repeated for ever would keep the WST from passing the answer on.
        self.v.rang = "yes"
        self.ringing_in()

    def hold_answer(self):
        self.v.answered = "yes"

    def answered_in(self):
        self.v.answered = self.v.rang = "no"
        self.mark("wst_sent_200_invite_to_ims")
        self._ims("200(INVITE)", **self._media_out())

    def iwf_final_in(self):
        self.v.answered = self.v.rang = "no"
        self.iwf_final()

    def answered_in_via_iwf(self):
        self.mark("wst_sent_200_invite_to_ims")
        self._ims("200(INVITE)", **self._media_out())

    def ack_in(self):
        to_wic(self, "ACK")

    def cancel_in(self):
        to_wic(self, "CANCEL")

    def cancelled_in(self):
        self._ims("487")
        self.release()

    def busy_in(self):
        self._ims(self.msg.name)
        self.release()

    def crossing_200_in(self):
        self.v.answered = "no"
        to_wic(self, "ACK")
        to_wic(self, "BYE")
        self._ims("487")

    # end of call and loss of the WebSocket
    def bye_to_ims(self):
        self._ims("BYE")

    def bye_done(self):
        to_wic(self, "200(BYE)")
        self.release()

    def bye_to_wic(self):
        to_wic(self, "BYE")

    def bye_done_in(self):
        self._ims("200(BYE)")
        self.release()

    def ok_bye_ims(self):
        self._ims("200(BYE)")

    def ok_bye_wic(self):
        to_wic(self, "200(BYE)")

    def ws_gone(self):
        self.mark("ws_closed")
        if self.pool_mode() and self.v.impu:
            self.send("IWAIS", "POOL_RELEASE", wic=self.context, impu=self.v.impu)
        self.release()

    def ws_gone_during_call(self):
        self.mark("ws_closed")
        self._ims("BYE")

    def ws_gone_while_calling(self):
        self.mark("ws_closed")
        self._ims("CANCEL")

    def ws_gone_while_offered(self):
        self.mark("ws_closed")
        self._ims("480")
        self.release()

    def closing_crossed_200(self):
        self._ims("ACK")
        self._ims("BYE")

    def late_iwf(self):
        self.send("IWF", "IWF_RELEASE", wic=self.context)

    REGISTERING = ["reg_pending", "challenged", "reg_auth", "verifying"]
    IN_DIALOG = ["o_answered", "t_answered", "in_call", "bye_out", "bye_in"]

    transitions = [
        # ---- the secure WebSocket (F1/F2 step 2, F3/F5 step 4; Origin: 6.X.2.1) ---------------
        T("idle", "ws_open", on=recv("WIC", "WSS_CONNECT"), when="origin_ok", do="accept_ws",
          step={"F1": "2", "F2": "2", "F3": "4", "F5": "4"}, tags=("ws_accepted",)),
        T("idle", None, on=recv("WIC", "WSS_CONNECT"), when=lambda e: not e.origin_ok(), do="reject_ws"),
        T("*", None, on=recv("ROGUE", "WSS_CONNECT"), do="reject_ws", note="a script from an unauthorised origin"),
        # ---- registration ---------------------------------------------------------------------
        T(["ws_open", "registered"], "reg_pending", on=recv("WIC", "REGISTER"), when=lambda e: e.msg.cred == "none",
          do="register_plain", step={"F1": "4-8"}),
        T(["ws_open", "registered"], "reg_pending", on=recv("WIC", "REGISTER"), when=lambda e: e.msg.cred == "password",
          do="register_keeping_password", step={"F2": "4-8"}),
        T(["ws_open", "registered"], "verifying", on=recv("WIC", "REGISTER"), when=lambda e: e.msg.cred == "token",
          do="verify_token", step={"F3": "6", "F5": "6"}),
        T(["idle", "registered"], "reg_pending", on=recv("CSS", "REGISTER"), do="register_keeping_password",
          step={"F4": "2-6"}),
        T("verifying", "reg_pending", on=recv("IWAIS", "TOKEN_RESULT"),
          when=lambda e: e.msg.result == "valid" and not e.pool_mode(), do="register_as_trusted_node",
          step={"F3": "7-10"}),
        T("verifying", "registered", on=recv("IWAIS", "TOKEN_RESULT"),
          when=lambda e: e.msg.result == "valid" and e.pool_mode(), do="bind_range_identity",
          step={"F5": "7"}, tags=("wst_sent_200_register",)),
        T("verifying", "ws_open", on=recv("IWAIS", "TOKEN_RESULT"), when=lambda e: e.msg.result != "valid",
          do="refuse_token", note=f"invalid, forged or expired token, or no free identity: 403 ({NOT_IN_SEED})"),
        T("reg_pending", "challenged", on=recv("P-CSCF", "401"),
          when=lambda e: e.msg.auth == "aka" and e.v.peer == "wic", do="challenge_wic", step={"F1": "9"}),
        T("reg_pending", "reg_auth", on=recv("P-CSCF", "401"),
          when=lambda e: e.msg.auth == "digest" and e.v.pw == "yes", do="answer_digest",
          step={"F2": "9-12", "F4": "7-10"}),
        T("reg_pending", "challenged", on=recv("P-CSCF", "401"),
          when=lambda e: e.msg.auth == "digest" and e.v.peer == "wic" and e.v.pw == "no"
          and scenario.client_digest(e.config), do="challenge_wic_digest", step={"F2": "9-12"},
          note="digest=client: the WST passes the digest challenge on (the seed has it answer itself)"),
        T("reg_pending", "ws_open", on=recv("P-CSCF", "401"),
          when=lambda e: e.v.peer == "wic" and not (e.msg.auth == "aka" or e.v.pw == "yes")
          and not (e.msg.auth == "digest" and scenario.client_digest(e.config)),
          do="refuse_registration",
          note=f"challenged where it has nothing to answer with (e.g. TNA refused): 403 ({NOT_IN_SEED})"),
        T("reg_pending", "idle", on=recv("P-CSCF", "401"),
          when=lambda e: e.v.peer == "css" and e.v.pw == "no", do="refuse_registration"),
        T("challenged", "reg_auth", on=recv("WIC", "REGISTER"), when=lambda e: e.msg.cred == "res",
          do=lambda e: e.forward_register(cred="res", response=e.msg.response), step={"F1": "11-14"}),
        T("challenged", "reg_auth", on=recv("WIC", "REGISTER"), when=lambda e: e.msg.cred == "akav2",
          do=lambda e: e.forward_register(cred="akav2", response=e.msg.response), step={"F1": "11-14"},
          per="TS 33.203 X.2; RFC 4169", note="aka=tls: the WIC's own AKAv2 response, passed on untouched"),
        T("challenged", "reg_auth", on=recv("WIC", "REGISTER"), when=lambda e: e.msg.cred == "digest",
          do=lambda e: e.forward_register(cred="digest", response=e.msg.response), step={"F2": "9-12"},
          note="digest=client: the WIC's own digest response, passed on"),
        T(["reg_pending", "reg_auth"], "registered", on=recv("P-CSCF", "200(REGISTER)"), do="registered_ok",
          step={"F1": "15", "F2": "15", "F3": "15", "F4": "11"}),
        T(["reg_pending", "reg_auth"], "ws_open", on=recv("P-CSCF", "403"), when=lambda e: e.v.peer == "wic",
          do="refuse_registration", note=f"registration refused by IMS ({NOT_IN_SEED})"),
        T(["reg_pending", "reg_auth"], "idle", on=recv("P-CSCF", "403"), when=lambda e: e.v.peer == "css",
          do="refuse_registration"),
        T("reg_auth", "ws_open", on=recv("P-CSCF", "401"), when=lambda e: e.v.peer == "wic", do="refuse_registration",
          note=f"a second challenge ends the attempt ({NOT_IN_SEED})"),
        T("reg_auth", "idle", on=recv("P-CSCF", "401"), when=lambda e: e.v.peer == "css", do="refuse_registration"),
        # ---- the registration lifecycle (lifecycle=full; a refresh is a REGISTER in `registered`) -------
        T("registered", "dereg_pending", on=recv("WIC", "de-REGISTER"), when=lambda e: not e.pool_mode(),
          do="deregister_in_ims", note=f"the WIC de-registers: so does the WST in IMS ({NOT_IN_SEED})",
          per="TS 24.229 5.1.1.6"),
        T("registered", "ws_open", on=recv("WIC", "de-REGISTER"), when="pool_mode", do="release_range_identity",
          note=f"the WIC leaves the range: its identity is free again, the range stays registered ({NOT_IN_SEED})"),
        T("dereg_pending", "ws_open", on=recv("P-CSCF", "200(de-REGISTER)"), do="deregistered",
          per="TS 24.229 5.1.1.6"),
        T("dereg_pending", "ws_open", on=recv("P-CSCF", "403"),
          do=lambda e: (to_wic(e, "403", impu=e.v.impu), e._forget_registration()),
          note=f"IMS refused the de-registration: the WIC has left, IMS lets the registration expire ({NOT_IN_SEED})"),
        T(["registered", "dereg_pending"], "ws_open", on=recv("P-CSCF", "NOTIFY"), do="deregistered_by_network",
          note=f"the network de-registered the identity: the WIC is told ({NOT_IN_SEED})",
          per="TS 24.229 5.4.1.5; RFC 3680"),
        T(["ws_open", *REGISTERING], None, on=recv("P-CSCF", "NOTIFY"), do="notify_while_registering",
          note=f"a de-registration by the network crossed a new registration ({NOT_IN_SEED})",
          per="TS 24.229 5.4.1.5; RFC 3680"),
        T(["idle", "closed"], None, on=recv("P-CSCF", "NOTIFY"), do=lambda e: e.reply("200(NOTIFY)", wic=e.context),
          note=f"the network de-registered an identity whose WIC is gone ({NOT_IN_SEED})", per="RFC 3680"),
        T("ws_open", None, on=recv("WIC", "de-REGISTER"), do=lambda e: to_wic(e, "200(de-REGISTER)", impu=e.msg.impu),
          note=f"the network de-registered the identity first: nothing left to remove (RFC 3261 10.3; {NOT_IN_SEED})"),
        *discard("*", "WIC", ["200(NOTIFY)"], "the WST answered the network's NOTIFY itself", tags=()),
        *discard(["ws_open", "verifying"], "P-CSCF", ["403"], "the refusal of a de-registration the network's had overtaken"),
        *discard(["ws_open", "closed", *REGISTERING], "P-CSCF", ["200(de-REGISTER)"],
                 "the de-registration crossed the network's"),
        T("*", None, on=recv("CSS", "RANGE_INIT"), step={"F4": "0"}),
        T("*", None, on=recv("CSS", "RANGE_READY"), step={"F4": "12"}),
        # ---- outbound session: 6.X.2.3.1 (IWF in IMS) and 6.X.2.3.3 (external IWF) -------------
        T("registered", "o_invited", on=recv("WIC", "INVITE"), when=["caller_is_bound", _iwf("internal")],
          do="invite_out", step={"F6": "2"}),
        T("registered", "o_iwf", on=recv("WIC", "INVITE"), when=["caller_is_bound", _iwf("external")],
          do="reserve_iwf", step={"F8": "2-3"}),
        T("registered", None, on=recv("WIC", "INVITE"), when=lambda e: not e.caller_is_bound(),
          do="refuse_invite", note=f"INVITE for an identity not bound to this WebSocket ({NOT_IN_SEED})"),
        T("o_iwf", "o_invited", on=recv("IWF", "IWF_RESERVED"), do="invite_out_via_iwf", step={"F8": "4"}),
        T("o_invited", "o_early_wic", on=recv("P-CSCF", "183"), when=_flag("offer_answer"), do="answer_out",
          step={"F6": "10", "F8": "10"}),
        T("o_invited", "o_prack", on=recv("P-CSCF", "183"), when=_flag("offer_answer", "no"), do="answer_out",
          step={"F6": "10", "F8": "10"}),
        T("o_early_wic", "o_prack", on=recv("WIC", "PRACK"), do="prack_out", step={"F6": "10", "F8": "10"}),
        T("o_prack", "o_update", on=recv("P-CSCF", "200(PRACK)"), do="prack_done_out", step={"F6": "10", "F8": "10"}),
        T("o_update", "o_ready", on=recv("P-CSCF", "200(UPDATE)"), do="update_done_out",
          step={"F6": "10", "F8": "11"}),
        T(EARLY_OUT, None, on=recv("P-CSCF", "180"), do="ringing_out", step={"F6": "11-14", "F8": "12-15"}),
        T("o_ready", "o_answered", on=recv("P-CSCF", "200(INVITE)"), when=lambda e: e.v.iwf == "no",
          do="answered_out", step={"F6": "20"}),
        T("o_ready", "o_final", on=recv("P-CSCF", "200(INVITE)"), when=lambda e: e.v.iwf == "yes",
          do="iwf_final", step={"F8": "20"}),
        T("o_final", "o_answered", on=recv("IWF", "IWF_ANSWER"), when=_final_answer, do="answered_out_via_iwf",
          step={"F8": "21"}, note=f"the WST waits for the IWF to confirm the final resources ({NOT_IN_SEED})"),
        T("o_answered", "in_call", on=recv("WIC", "ACK"), do="ack_out",
          note=f"ACK (RFC 3261 13.2.2.4) is missing in the seed ({NOT_IN_SEED})"),
        *[T(EARLY_OUT, "registered", on=recv("P-CSCF", m), do="failed_out", note=f"call failed ({NOT_IN_SEED})")
          for m in CALL_FAILURES],
        T("o_iwf", "registered", on=recv("WIC", "CANCEL"), do="cancel_before_invite"),
        T(EARLY_OUT, "o_cancelling", on=recv("WIC", "CANCEL"), do="cancel_out",
          note=f"CANCEL (RFC 3261 9; {NOT_IN_SEED})"),
        T("o_cancelling", "registered", on=recv("P-CSCF", "487"), do="cancelled_out"),
        *[T("o_cancelling", "registered", on=recv("P-CSCF", m), do="cancelled_out") for m in CALL_FAILURES],
        T("o_cancelling", "o_bye_after_cancel", on=recv("P-CSCF", "200(INVITE)"), do="crossing_200_after_cancel",
          note="200 crossed the CANCEL: ACK and BYE the IMS leg"),
        *discard("o_cancelling", "P-CSCF", ["183", "200(PRACK)", "200(UPDATE)"], "late response after CANCEL"),
        T("o_cancelling", None, on=recv("P-CSCF", "180"), do="prack_reliable_180",
          note=f"the INVITE is still pending until its 487: a reliable 180 is PRACKed (RFC 3262 4; {NOT_IN_SEED})"),
        *discard(["o_ready", "o_final", "o_answered", "in_call", "bye_out", "bye_in", "o_bye_after_cancel"], "P-CSCF",
                 ["200(PRACK)"], "the answer to the PRACK of a reliable 180: nothing waits for it"),
        T("o_bye_after_cancel", "registered", on=recv("P-CSCF", "200(BYE)"), do="release"),
        T("o_bye_after_cancel", "registered", on=recv("P-CSCF", "BYE"), do=["ok_bye_ims", "release"],
          note="the far end hung up as we did"),
        *discard(["o_answered", "o_final"], "WIC", ["CANCEL"], "CANCEL crossed the 200 OK"),
        # ---- inbound session: 6.X.2.3.2 (IWF in IMS) and 6.X.2.3.4 (external IWF) --------------
        T("registered", "t_offered", on=recv("P-CSCF", "INVITE"), when=["for_this_wic", _iwf("internal")],
          do="invite_in", step={"F7": "5"}),
        T("registered", "t_iwf", on=recv("P-CSCF", "INVITE"), when=["for_this_wic", _iwf("external")],
          do="invite_in_via_iwf", step={"F9": "5"}),
        T("t_iwf", "t_offered", on=recv("IWF", "IWF_RESERVED"), do="invite_in_after_iwf", step={"F9": "6"}),
        T(["registered", "ws_open", "idle"], None, on=recv("P-CSCF", "INVITE"), when=lambda e: not e.for_this_wic(),
          do="unknown_callee", note=f"no WIC bound to the called identity: 480 ({NOT_IN_SEED})"),
        T("t_offered", "t_early", on=recv("WIC", "183"), do="progress_in", step={"F7": "7-8", "F9": "7-8"}),
        T(["t_offered", "t_early"], None, on=recv("P-CSCF", "PRACK"), when=_flag("offer_answer", "no"),
          do="prack_in", step={"F7": "13", "F9": "13"}),
        T("t_early", "t_prack_wic", on=recv("P-CSCF", "PRACK"), when=_flag("offer_answer"), do="prack_in",
          step={"F7": "13", "F9": "13"}),
        T("t_prack_wic", "t_early", on=recv("WIC", "200(PRACK)"), do="prack_answered_in", step={"F7": "13", "F9": "13"}),
        T(["t_offered", "t_early"], "t_ready", on=recv("P-CSCF", "UPDATE"),
          when=lambda e: e.v.iwf == "no" and e.v.answered == "no", do="update_in", step={"F7": "13"}),
        T(["t_offered", "t_early"], "t_answered", on=recv("P-CSCF", "UPDATE"),
          when=lambda e: e.v.iwf == "no" and e.v.answered == "yes", do="update_in_ready", step={"F7": "13"},
          note="NI-T: preconditions met; the held 200 goes on"),
        T(["t_offered", "t_early"], "t_update", on=recv("P-CSCF", "UPDATE"), when=lambda e: e.v.iwf == "yes",
          do="update_in", step={"F9": "13"}),
        T("t_update", "t_ready", on=event("update_iwf"), when=lambda e: e.v.answered == "no",
          do=lambda e: e.send("IWF", "IWF_UPDATE", wic=e.context, after="reservation"), step={"F9": "14"}),
        T("t_update", "t_final", on=event("update_iwf"), when=lambda e: e.v.answered == "yes",
          do=[lambda e: e.send("IWF", "IWF_UPDATE", wic=e.context, after="reservation"), "iwf_final_in"], step={"F9": "14"}),
        T(EARLY_IN, None, on=recv("WIC", "180"), do="ringing_in", step={"F7": "14-17", "F9": "15-18"}),
        T("t_ready", None, on=event("ring_on_behalf"), when=lambda e: _flag("ringing", "no")(e) and e.v.rang == "no",
          do="ring_on_behalf",
          step={"F7": "14-17", "F9": "15-18"}, note="14-17: the WST may ring on behalf of the WIC"),
        T(["t_offered", "t_early", "t_prack_wic", "t_update"], None, on=recv("WIC", "200(INVITE)"), do="hold_answer",
          note="NI-T: the WIC answered before the preconditions were met; the WST holds its 200"),
        T("t_ready", "t_answered", on=recv("WIC", "200(INVITE)"), when=lambda e: e.v.iwf == "no",
          do="answered_in", step={"F7": "18-23"}),
        T("t_ready", "t_final", on=recv("WIC", "200(INVITE)"), when=lambda e: e.v.iwf == "yes",
          do="iwf_final_in", step={"F9": "20"}),
        T("t_final", "t_answered", on=recv("IWF", "IWF_ANSWER"), when=_final_answer, do="answered_in_via_iwf",
          step={"F9": "21-24"}, note=f"the WST waits for the IWF to confirm the final resources ({NOT_IN_SEED})"),
        T("t_answered", "in_call", on=recv("P-CSCF", "ACK"), do="ack_in",
          note=f"ACK is missing in the seed ({NOT_IN_SEED})"),
        T(["t_offered", *EARLY_IN[1:]], "registered", on=recv("WIC", "486"), do="busy_in"),
        T(["t_iwf"], "registered", on=recv("P-CSCF", "CANCEL"), do="cancelled_in"),
        T(EARLY_IN + ["t_update"], "t_cancelling", on=recv("P-CSCF", "CANCEL"), when=lambda e: e.v.answered == "no",
          do="cancel_in"),
        T(EARLY_IN + ["t_update"], "t_bye_after_cancel", on=recv("P-CSCF", "CANCEL"),
          when=lambda e: e.v.answered == "yes", do="crossing_200_in",
          note="the WIC had answered (its 200 held for the preconditions): ACK and BYE it, 487 to IMS"),
        T("t_final", "t_bye_after_cancel", on=recv("P-CSCF", "CANCEL"), do="crossing_200_in",
          note="the WIC had answered: ACK and BYE it, 487 to IMS"),
        T("t_cancelling", "registered", on=recv("WIC", "487"), do="cancelled_in"),
        T("t_cancelling", "t_bye_after_cancel", on=recv("WIC", "200(INVITE)"), do="crossing_200_in"),
        *discard("t_cancelling", "WIC", ["183", "180", "200(PRACK)", "486"], "late response after CANCEL"),
        *discard("t_cancelling", "P-CSCF", ["PRACK", "UPDATE"], "late request after CANCEL"),
        T("t_bye_after_cancel", "registered", on=recv("WIC", "200(BYE)"), do="release"),
        T("t_bye_after_cancel", "registered", on=recv("WIC", "BYE"), do=["ok_bye_wic", "release"],
          note="the WIC hung up as we did"),
        *discard("t_answered", "P-CSCF", ["CANCEL"], "CANCEL crossed the 200 OK"),
        *discard("t_bye_after_cancel", "P-CSCF", ["PRACK", "UPDATE", "CANCEL", "ACK"], "late request after CANCEL"),
        *discard("t_bye_after_cancel", "WIC", ["180", "183", "200(PRACK)", "486", "487"], "late response after CANCEL"),
        # ---- end of the session (RFC 3261 15; not in the seed) ---------------------------------
        T("in_call", "bye_out", on=recv("WIC", "BYE"), do="bye_to_ims"),
        T("bye_out", "registered", on=recv("P-CSCF", "200(BYE)"), do="bye_done"),
        T("bye_out", "registered", on=recv("P-CSCF", "BYE"), do=["ok_bye_ims", "bye_done"],
          note="BYEs crossed: both sides are ending the dialog"),
        T(["in_call", "t_answered", "o_answered"], "bye_in", on=recv("P-CSCF", "BYE"), do="bye_to_wic"),
        T("bye_in", "registered", on=recv("WIC", "200(BYE)"), do="bye_done_in"),
        T("bye_in", "registered", on=recv("WIC", "BYE"), do=["ok_bye_wic", "bye_done_in"],
          note="BYEs crossed: both sides are ending the dialog"),
        T("o_answered", "bye_out", on=recv("WIC", "BYE"), do=["ack_out", "bye_to_ims"],
          note="the WIC hung up before its ACK reached us"),
        *discard("registered", "P-CSCF", ["200(BYE)", "487", "ACK", "BYE", "CANCEL", "200(INVITE)", "180", "183",
                                          "PRACK", "UPDATE", "200(PRACK)", "200(UPDATE)"],
                 "late message for a finished call"),
        *discard("registered", "WIC", ["ACK", "BYE", "200(BYE)", "487", "180", "183", "200(PRACK)", "486", "PRACK"],
                 "late message for a finished call"),
        T("registered", None, on=recv("WIC", "CANCEL"), do=lambda e: to_wic(e, "487"),
          note="CANCEL for a call already over"),
        T("*", None, on=recv("IWF", "IWF_ANSWER"), when=lambda e: e.msg.op == "update", tags=("late",),
          note="the IWF confirmed an update: nothing waits for it"),
        T([s for s in states if s not in ("o_final", "t_final")], None, on=recv("IWF", "IWF_ANSWER"),
          when=_final_answer, tags=("late",), note="the call ended before the IWF confirmed the final resources"),
        T("*", None, on=recv("PCRF", "AAA")),
        T("*", None, on=recv("PCRF", "STA")),
        T([s for s in states if s not in ("o_iwf", "t_iwf")], None, on=recv("IWF", "IWF_RESERVED"), do="late_iwf",
          note="the call ended before the IWF answered: release it"),
        T("*", None, on=recv("ROGUE", "INVITE"), do="refuse_invite",
          note="an INVITE that did not come from the P-CSCF or a bound WIC"),
        T("*", None, on=recv("ROGUE", "REGISTER"), do=lambda e: e.reply("403", wic=e.context, impu=e.msg.impu),
          note="SIP without a WebSocket set up from an authorised origin"),
        # ---- the WebSocket drops (fault ws_drop; not in the seed) --------------------------------
        T(["idle", "ws_open", *REGISTERING, "registered", "dereg_pending"], "closed", on=recv("WIC", "WS_CLOSED"),
          do="ws_gone"),
        T("o_iwf", "closed", on=recv("WIC", "WS_CLOSED"), do="ws_gone"),
        T(EARLY_OUT, "closing", on=recv("WIC", "WS_CLOSED"), do="ws_gone_while_calling"),
        T("o_final", "closing", on=recv("WIC", "WS_CLOSED"), do="closing_crossed_200",
          note="the IMS leg is already answered: ACK and BYE it"),
        T(["t_iwf", *EARLY_IN, "t_final", "t_cancelling"], "closed", on=recv("WIC", "WS_CLOSED"),
          do="ws_gone_while_offered"),
        T([s for s in IN_DIALOG if s not in ("bye_out", "bye_in")], "closing", on=recv("WIC", "WS_CLOSED"),
          do="ws_gone_during_call"),
        T("bye_in", "closed", on=recv("WIC", "WS_CLOSED"), do=["ok_bye_ims", "ws_gone"],
          note=f"the far end's BYE was on its way to the WIC: the WST answers it itself (RFC 3261 15.1.2; "
               f"{NOT_IN_SEED})"),
        T(["bye_out", "o_bye_after_cancel", "o_cancelling"], "closing", on=recv("WIC", "WS_CLOSED"),
          do=lambda e: e.mark("ws_closed"),
          note=f"the IMS leg's BYE or CANCEL is out already: wait for its answer (a 200, or a 487 - or ACK and BYE "
               f"a 200 that crossed the CANCEL), no second BYE (RFC 3261 15.1.1, 9.1; {NOT_IN_SEED})"),
        T("t_bye_after_cancel", "closed", on=recv("WIC", "WS_CLOSED"), do="ws_gone",
          note=f"the IMS leg ended with the 487: there is no IMS dialog to BYE (RFC 3261 15; {NOT_IN_SEED})"),
        T("closing", "closed", on=recv("P-CSCF", "200(BYE)"), do="ws_gone"),
        *[T("closing", "closed", on=recv("P-CSCF", m), do="ws_gone") for m in ["487", *CALL_FAILURES]],
        T("closing", None, on=recv("P-CSCF", "200(INVITE)"), do="closing_crossed_200"),
        T("closing", None, on=recv("P-CSCF", "BYE"), do="ok_bye_ims"),
        *discard("closing", "P-CSCF", ["183", "200(PRACK)", "200(UPDATE)", "PRACK", "UPDATE", "ACK", "CANCEL"],
                 "the WIC is gone"),
        T("closing", None, on=recv("P-CSCF", "180"), do="prack_reliable_180",
          note=f"the WIC is gone but the INVITE is pending until its 487: a reliable 180 is PRACKed, as in "
               f"o_cancelling (RFC 3262 4; {NOT_IN_SEED})"),
        T("closed", None, on=recv("P-CSCF", "INVITE"), do="unknown_callee", note="the WIC is gone: 480"),
        T("closed", None, on=recv("P-CSCF", "BYE"), do="ok_bye_ims", note="the dialog is over on our side too"),
        *discard("closed", "P-CSCF", ["401", "403", "200(REGISTER)", "183", "180", "200(PRACK)", "200(UPDATE)",
                                      "200(INVITE)", "487", "486", "488", "606", "480", "200(BYE)", "ACK", "CANCEL",
                                      "PRACK", "UPDATE"], "the WIC is gone"),
        T("closed", None, on=recv("IWAIS", "TOKEN_RESULT"), when=lambda e: e.pool_mode() and e.msg.result == "valid",
          do=lambda e: e.send("IWAIS", "POOL_RELEASE", wic=e.context, impu=e.msg.impu),
          note=f"the IWAIS bound a range identity to a WIC that is gone: release it ({NOT_IN_SEED})"),
        T("closed", None, on=recv("IWAIS", "TOKEN_RESULT"),
          when=lambda e: not (e.pool_mode() and e.msg.result == "valid"), tags=("late",),
          note=f"the WIC is gone ({NOT_IN_SEED})"),
        *discard("closed", "WIC", ["WS_CLOSED"], "already closed"),
    ]
