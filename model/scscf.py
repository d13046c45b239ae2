"""S-CSCF - registrar and authenticator, and session control of the WIC; detects the media
mismatch and invokes the internal media IWF (MRFC/MRFP, TS 23.228 Annex P).

Seed: registration steps 4-8 and 11-14 (MAR/MAA, 401, SAR/SAA, 200; TS 23.228 5.2.2.3,
TS 33.203 6.1 and Annex N), 6.X.2.2.3 steps 7-10 (trusted node authentication: no MAR, no
401), 6.X.2.3.1 steps 4-9 and 15-16 ("The S-CSCF detects a mismatch in the media protocols
supported by the end-points and determines that media interworking is required. The S-CSCF
initializes the Media IWF, performs Codec negotiation ... and then updates the media IWF"),
6.X.2.3.2 steps 9-12 and 18-23.  One context per WIC (per served identity).
"""

from imsflow.authoring import Entity, T, event, recv

from . import scenario
from .common import NOT_IN_SEED, discard, when_fault

REG_FIRST = {"F1": "4-8", "F2": "4-8", "F4": "2-6"}
REG_FINAL = {"F1": "11-14", "F2": "9-12", "F3": "7-10", "F4": "7-10"}
EARLY_OUT = ["o_invited", "o_iwf_offer", "o_offered_ims", "o_iwf_init", "o_iwf_ready", "o_early"]
# Where an answer of the MRF (Mr) is waited for, by the operation it answers.
MRF_WAITS = {"o_iwf_offer": "init", "o_iwf_init": "init", "o_iwf_ready": "update", "o_final": "final",
             "t_iwf_init": "init", "t_iwf_ready": "update"}
ANNEX_P = "TS 23.228 Annex P; RFC 3264 6"
EARLY_IN = ["t_invited", "t_iwf_init", "t_iwf_ready", "t_early"]
# Late messages of a finished call that the S-CSCF drops (registered) rather than passes on.
LATE_FROM_REMOTE = ["183", "180", "200(PRACK)", "200(UPDATE)", "200(INVITE)", "486", "488", "PRACK", "UPDATE"]
LATE_FROM_PCSCF = ["183", "180", "200(PRACK)", "200(UPDATE)", "200(INVITE)", "PRACK", "UPDATE", "403"]
# Where the S-CSCF forwards what is left of a finished call: registered, or deregistered since.
AFTER_CALL = ["registered", "idle"]
RFC_PROXY = "RFC 3261 16.7, 16.12; not in the seed"
SESSION = EARLY_OUT + ["o_final", "o_answered"] + EARLY_IN + ["t_answered", "in_dialog"]


def _mrf_answers(op):
    f = lambda e: e.msg.op == op  # noqa: E731
    f.__name__ = f"mrf_answers_{op}"
    return f


def _mrf_answers_other_than(op):
    f = lambda e: e.msg.op != op  # noqa: E731
    f.__name__ = f"mrf_answers_other_than_{op}" if op else "any_mrf_answer"
    return f


class SCSCF(Entity):
    """S-CSCF (one context per WIC)."""

    name = "S-CSCF"
    standard = "TS 24.229 5.4 (S-CSCF)"
    clause = "6.X.2.2, 6.X.2.3"
    contexts = "WIC"
    states = ["idle", "authorizing", "challenged", "saving", "registered", "deregistering", *EARLY_OUT, "o_final",
              "o_answered", *EARLY_IN, "t_answered", "in_dialog"]
    initial = "idle"
    # "challenged" may rest: the S-CSCF keeps the vector only for the registration timer (TS 24.229
    # 5.4.1.2.1); a client that never answers leaves nothing pending.
    end_states = ["idle", "registered", "in_dialog", "challenged"]
    variables = {
        "impu": (0, 1, 2, 3, 4, 5, 6),
        "av": ("none", "aka", "digest"),  # the vector of the pending challenge
        "a": ("webrtc", "ims"),  # the profile of the WIC's side of the current session
        "mrf": ("no", "yes"),
        "cancelled": ("no", "yes"),  # the caller's CANCEL was passed on: no new offer any more
        "dropped": ("no", "yes"),  # lifecycle=full: the network de-registered this contact (once)
    }

    def start(self):
        fresh = {"impu": 0, "av": "none", "a": "webrtc", "mrf": "no", "cancelled": "no", "dropped": "no"}
        if scenario.registered_at_start(self.config):
            return "registered", dict(fresh, impu=scenario.impu_of(self.context))
        return "idle", fresh

    # ---- registration ---------------------------------------------------------------------------
    def _to_icscf(self, name, **fields):
        self.send("I-CSCF", name, wic=self.context, **fields)

    def trusted_node(self):
        # 6.X.2.2.3 steps 7-10: TNA - no MAR, no 401; straight to SAR.
        self.v.impu = self.msg.impu
        self.mark("tna_accepted")
        self.send("HSS", "SAR", wic=self.context, impu=self.msg.impu, kind="register")

    def ask_vectors(self):
        self.v.impu = self.msg.impu
        self.send("HSS", "MAR", wic=self.context, impu=self.msg.impu)

    def challenge(self):
        self.v.av = self.msg.av
        keys = "ck_ik" if self.msg.av == "aka" else "none"
        self._to_icscf("401", impu=self.v.impu, auth=self.msg.av, keys=keys)

    def response_matches(self):
        # The response answers the pending vector's scheme, for the challenged identity, and is
        # the expected one: RES = XRES, or the digest computed from H(A1) (TS 33.203 6.1.1).
        return (self.v.av, self.msg.cred) in (("aka", "res"), ("aka", "akav2"), ("digest", "digest")) and \
            self.msg.impu == self.v.impu and self.msg.response == "matches"

    def accept_response(self):
        # RES = XRES (AKA) or a valid digest response: the user is authenticated.
        self.mark("credentials_verified")
        self.v.av = "none"
        self.send("HSS", "SAR", wic=self.context, impu=self.v.impu, kind="register")

    def refuse(self):
        self.v.av = "none"
        self._to_icscf("403", impu=self.msg.impu)

    def registered_ok(self):
        self.mark("scscf_registered")
        self._to_icscf("200(REGISTER)", impu=self.v.impu)

    def expire(self):
        self.mark("registration_expired")
        self.send("HSS", "SAR", wic=self.context, impu=self.v.impu, kind="deregister")

    # ---- the registration lifecycle (lifecycle=full; not in the seed) -----------------------------
    def deregister(self):
        self.send("HSS", "SAR", wic=self.context, impu=self.v.impu, kind="deregister")

    def deregistered(self):
        self._to_icscf("200(de-REGISTER)", impu=self.v.impu)
        self.v.impu = 0

    def no_binding_to_remove(self):
        self.reply("200(de-REGISTER)", wic=self.context, impu=self.msg.impu)

    def network_deregister(self):
        self.send("HSS", "SAR", wic=self.context, impu=self.v.impu, kind="deregister")
        self.send("P-CSCF", "NOTIFY", wic=self.context, impu=self.v.impu)
        self.v.impu, self.v.dropped = 0, "yes"

    # ---- sessions -------------------------------------------------------------------------------
    def invite_out(self):
        self.v.a = self.msg.profile
        self.send("REMOTE", "INVITE", **dict(self.msg.fields))

    def transcode_first(self):
        """Proactive interworking (variant transcoding=proactive): a WebRTC offer goes to the IMS
        far end only through the MRF (not defined by the seed, whose 6.X.2.3.1 is reactive)."""
        return (self.config.get("transcoding") == "proactive" and self.config.iwf == "internal"
                and self.msg.profile == "webrtc")

    def offer_refused_for_media(self):
        """Reactive interworking: the far end refused the WebRTC offer (488, RFC 3264 6), the call
        is still wanted and the IWF is inside IMS - the S-CSCF inserts it and offers again."""
        return self.v.a == "webrtc" and self.config.iwf == "internal" and self.v.cancelled == "no"

    def insert_mrf(self):
        self.v.a = "webrtc"
        self.v.mrf = "yes"
        self.mark("media_mismatch")
        self.send("MRF", "MRF_INIT", wic=self.context, a="webrtc", b="ims")

    def hold_for_mrf(self):
        self.v.a = self.msg.profile
        self.insert_mrf()

    def offer_via_mrf(self):
        # The new offer: the MRF's IMS side (TS 23.228 Annex P), so the far end sees IMS media only.
        self.send("REMOTE", "INVITE", wic=self.context, caller=self.v.impu, callee=0, profile="ims",
                  codec="amrwb", addr="mrf")

    def cancel_before_offer(self):
        # No INVITE is outstanding towards the far end: the S-CSCF answers the CANCEL itself.
        self.send("P-CSCF", "487", wic=self.context)
        self.release()

    def pass_cancel(self):
        self.v.cancelled = "yes"
        self.to_remote()

    def mismatch(self):
        """The two ends' media profiles differ and the operator interworks inside IMS."""
        return self.msg.profile != self.v.a and self.config.iwf == "internal"

    def init_mrf(self):
        self.mark("media_mismatch")
        self.v.mrf = "yes"
        self.send("MRF", "MRF_INIT", wic=self.context, a=self.v.a, b=self.msg.profile)

    def update_mrf(self):
        self.send("MRF", "MRF_UPDATE", wic=self.context, codec="amrwb")

    def early_media(self):
        if self.config.early_media == "yes":
            self.mark("early_media")
            self.send("MRF", "MRF_FINAL", wic=self.context)

    def relay_answer_out(self):
        # Step 10: the WIC's side gets the MRF's WebRTC-profile SDP.
        self.early_media()
        self.send("P-CSCF", "183", wic=self.context, profile=self.v.a, codec="opus", addr="mrf")

    def progress_out(self):
        if self.msg.profile == self.v.a:
            self.mark("media_match")
        self.send("P-CSCF", "183", **dict(self.msg.fields))

    def to_remote(self):
        self.send("REMOTE", self.msg.name, wic=self.context)

    def to_pcscf(self):
        self.send("P-CSCF", self.msg.name, wic=self.context)

    def mrf_final(self):
        # Step 16: "The S-CSCF informs the Media IWF that the session has been answered".
        self.mark("iwf_final")
        self.send("MRF", "MRF_FINAL", wic=self.context)

    def answered_out(self):
        self.send("P-CSCF", "200(INVITE)", wic=self.context, profile=self.v.a, codec="opus", addr="mrf")

    def answered_out_direct(self):
        self.send("P-CSCF", "200(INVITE)", **dict(self.msg.fields))

    def release(self):
        self.v.cancelled = "no"
        if self.v.mrf == "yes":
            self.send("MRF", "MRF_RELEASE", wic=self.context)
            self.v.mrf = "no"

    def failed_out(self):
        self.to_pcscf()
        self.release()

    def not_registered_out(self):
        self.reply("403", wic=self.context, impu=self.msg.caller)

    def invite_in(self):
        self.v.a = self.msg.profile
        self.send("P-CSCF", "INVITE", **dict(self.msg.fields))

    def not_registered_in(self):
        self.send("REMOTE", "480", wic=self.context)

    def mismatch_in(self):
        return self.msg.profile != self.v.a and self.config.iwf == "internal"

    def init_mrf_in(self):
        self.mark("media_mismatch")
        self.v.mrf = "yes"
        self.send("MRF", "MRF_INIT", wic=self.context, a=self.msg.profile, b=self.v.a)

    def relay_answer_in(self):
        self.early_media()
        self.send("REMOTE", "183", wic=self.context, profile=self.v.a, codec="amrwb", addr="mrf")

    def progress_in(self):
        if self.msg.profile == self.v.a:
            self.mark("media_match")
        self.send("REMOTE", "183", **dict(self.msg.fields))

    def answered_in(self):
        if self.v.mrf == "yes":
            self.mrf_final()
            self.send("REMOTE", "200(INVITE)", wic=self.context, profile=self.v.a, codec="amrwb", addr="mrf")
        else:
            self.send("REMOTE", "200(INVITE)", **dict(self.msg.fields))

    def failed_in(self):
        self.to_remote()
        self.release()

    def bye_done_to_remote(self):
        self.to_remote()
        self.release()

    def bye_done_to_pcscf(self):
        self.to_pcscf()
        self.release()

    transitions = [
        # ---- registration ---------------------------------------------------------------------
        T(["idle", "registered"], "saving", on=recv("I-CSCF", "REGISTER"), when=lambda e: e.msg.tna == "asserted",
          do="trusted_node", step={"F3": "7-10"}, tags=("tna_path",)),
        T(["idle", "registered"], "authorizing", on=recv("I-CSCF", "REGISTER"),
          when=lambda e: e.msg.tna != "asserted" and e.msg.cred == "none", do="ask_vectors", step=REG_FIRST),
        T(["idle", "registered"], None, on=recv("I-CSCF", "REGISTER"),
          when=lambda e: e.msg.tna != "asserted" and e.msg.cred != "none", do="refuse",
          note=f"a response to a challenge that was never issued: 403 ({NOT_IN_SEED})"),
        T("authorizing", "challenged", on=recv("HSS", "MAA"), do="challenge", step=REG_FIRST, tags=("challenge_sent",)),
        T("challenged", "saving", on=recv("I-CSCF", "REGISTER"), when="response_matches", do="accept_response",
          step=REG_FINAL),
        T("challenged", "idle", on=recv("I-CSCF", "REGISTER"), when=lambda e: not e.response_matches(), do="refuse",
          note=f"wrong response: 403 ({NOT_IN_SEED})"),
        T("saving", "registered", on=recv("HSS", "SAA"),
          when=lambda e: e.msg.impu == e.v.impu and e.msg.kind == "register", do="registered_ok", step=REG_FINAL),
        T(["authorizing", "challenged", "saving"], None, on=recv("HSS", "SAA"),
          when=lambda e: e.msg.impu != e.v.impu or e.msg.kind == "deregister",
          note=f"the answer to an earlier deregistration ({NOT_IN_SEED})"),
        # ---- the registration lifecycle (lifecycle=full; TS 24.229 5.4.1.4, 5.4.1.5; not in the seed) --
        T("registered", "deregistering", on=recv("I-CSCF", "de-REGISTER"), when=lambda e: e.msg.impu == e.v.impu,
          do="deregister", note=f"user de-registration: SAR de-registration, then 200 ({NOT_IN_SEED})",
          per="TS 24.229 5.4.1.4; TS 29.228 6.1.2"),
        T("deregistering", "idle", on=recv("HSS", "SAA"), when=lambda e: e.msg.kind == "deregister",
          do="deregistered", per="TS 24.229 5.4.1.4"),
        T("deregistering", None, on=recv("HSS", "SAA"), when=lambda e: e.msg.kind != "deregister", tags=(),
          note=f"the answer to an earlier registration ({NOT_IN_SEED})"),
        T([s for s in states if s != "registered"], None, on=recv("I-CSCF", "de-REGISTER"), do="no_binding_to_remove",
          note=f"nothing registered for it any more (expired, or de-registered by the network): 200 ({NOT_IN_SEED})",
          per="RFC 3261 10.3 (removing a binding that is not there succeeds)"),
        T("registered", None, on=recv("I-CSCF", "de-REGISTER"), when=lambda e: e.msg.impu != e.v.impu,
          do="no_binding_to_remove", per="RFC 3261 10.3"),
        T("registered", "idle", on=event("network_deregister"),
          when=lambda e: scenario.network_deregisters(e.config) and e.v.dropped == "no",
          do="network_deregister", note=f"the network de-registers the identity ({NOT_IN_SEED})",
          per="TS 24.229 5.4.1.5 (network-initiated de-registration); TS 29.228 6.1.2"),
        *discard("*", "P-CSCF", ["200(NOTIFY)"], "the answer to a reg-event NOTIFY: nothing waits for it", tags=()),
        T(["authorizing", "saving", "deregistering"], None, on=recv("I-CSCF", "REGISTER"), do="refuse",
          note=f"a second REGISTER while the HSS answers ({NOT_IN_SEED})"),
        T("registered", "idle", on=event("expire"), when=when_fault("expiry"), do="expire",
          note=f"the registration expires unrefreshed ({NOT_IN_SEED})",
          per="TS 24.229 5.4.1 (registration expiry at the S-CSCF); TS 29.228 6.1.2 (SAR de-registration)"),
        *discard(["idle", "registered", *SESSION], "HSS", ["SAA"], "answer to a deregistration", tags=()),
        # ---- outbound session (6.X.2.3.1 / 6.X.2.3.3) -------------------------------------------
        T("registered", "o_invited", on=recv("P-CSCF", "INVITE"), when=lambda e: not e.transcode_first(),
          do="invite_out", step={"F6": "4-6", "F8": "5-7"}),
        T("registered", "o_iwf_offer", on=recv("P-CSCF", "INVITE"), when="transcode_first", do="hold_for_mrf",
          note=f"proactive interworking: the MRF before the offer goes on (transcoding=proactive; {ANNEX_P}; "
               f"{NOT_IN_SEED})"),
        T("o_iwf_offer", "o_offered_ims", on=recv("MRF", "MRF_ANSWER"), when=_mrf_answers("init"), do="offer_via_mrf",
          note=f"the offer again, from the MRF's IMS side ({ANNEX_P}; {NOT_IN_SEED})"),
        T("o_iwf_offer", "registered", on=recv("P-CSCF", "CANCEL"), do="cancel_before_offer",
          note=f"CANCEL while no INVITE is out towards the far end: 487 from here (RFC 3261 16.10; {NOT_IN_SEED})"),
        T("o_invited", "o_iwf_offer", on=recv("REMOTE", "488"), when="offer_refused_for_media", do="insert_mrf",
          step={"F6": "7-9"}, note=f"the far end refused the WebRTC offer: the S-CSCF inserts the IWF and offers "
                                   f"again (reactive interworking; {ANNEX_P}; the refusal and new offer are "
                                   f"{NOT_IN_SEED})"),
        T("o_offered_ims", "o_iwf_ready", on=recv("REMOTE", "183"), do="update_mrf", step={"F6": "7-9"},
          note="codec negotiation with the far end done on the MRF's offer: the IWF is updated"),
        T([s for s in states if s != "registered"], None, on=recv("P-CSCF", "INVITE"), do="not_registered_out",
          note=f"not registered (or busy): 403 ({NOT_IN_SEED})"),
        T("o_invited", "o_iwf_init", on=recv("REMOTE", "183"), when="mismatch", do="init_mrf", step={"F6": "7-9"},
          note="S-CSCF detects a mismatch in the media protocols: media interworking is required"),
        T("o_iwf_init", "o_iwf_ready", on=recv("MRF", "MRF_ANSWER"), when=_mrf_answers("init"), do="update_mrf",
          step={"F6": "7-9"}, note="the MRF answered the initialisation (Mr; the answer is not shown in the seed)"),
        T("o_iwf_ready", "o_early", on=recv("MRF", "MRF_ANSWER"), when=_mrf_answers("update"), do="relay_answer_out",
          step={"F6": "10"}, note="the MRF answered the update (Mr; not shown in the seed)"),
        T("o_invited", "o_early", on=recv("REMOTE", "183"), when=lambda e: not e.mismatch(), do="progress_out",
          step={"F6": "10", "F8": "10"}),
        *[T("o_early", None, on=recv("P-CSCF", m), do="to_remote", step={"F6": "10", "F8": "10"})
          for m in ["PRACK", "UPDATE"]],
        *[T("o_early", None, on=recv("REMOTE", m), do="to_pcscf", step={"F6": "10", "F8": "10"})
          for m in ["200(PRACK)", "200(UPDATE)"]],
        T("o_early", None, on=recv("REMOTE", "180"), do=lambda e: e.send("P-CSCF", "180", **dict(e.msg.fields)),
          step={"F6": "11-14", "F8": "12-15"}),
        T("o_early", "o_final", on=recv("REMOTE", "200(INVITE)"), when=lambda e: e.v.mrf == "yes", do="mrf_final",
          step={"F6": "16"}),
        T("o_final", "o_answered", on=recv("MRF", "MRF_ANSWER"), when=_mrf_answers("final"), do="answered_out",
          step={"F6": "17-19"}, note="the MRF confirmed two-way media (Mr; not shown in the seed)"),
        T("o_early", "o_answered", on=recv("REMOTE", "200(INVITE)"), when=lambda e: e.v.mrf == "no",
          do="answered_out_direct", step={"F6": "15", "F8": "16-19"}),
        T("o_answered", "in_dialog", on=recv("P-CSCF", "ACK"), do="to_remote", note=f"ACK ({NOT_IN_SEED})"),
        # The PRACK of the far end's reliable 180 may cross its 200 (INVITE) (RFC 3262 3).
        T(["o_final", "o_answered", "in_dialog"], None, on=recv("P-CSCF", "PRACK"), do="to_remote",
          per="RFC 3262 3; RFC 3261 16"),
        T(["o_final", "o_answered", "in_dialog"], None, on=recv("REMOTE", "200(PRACK)"), do="to_pcscf",
          per="RFC 3262 3; RFC 3261 16"),
        *[T(EARLY_OUT, "registered", on=recv("REMOTE", m), do="failed_out", note=f"call failed ({NOT_IN_SEED})")
          for m in ["486", "487", "606"]],
        T([s for s in EARLY_OUT if s != "o_invited"], "registered", on=recv("REMOTE", "488"), do="failed_out",
          note=f"call failed: no common media ({NOT_IN_SEED})"),
        T("o_invited", "registered", on=recv("REMOTE", "488"), when=lambda e: not e.offer_refused_for_media(),
          do="failed_out", note=f"call failed: no common media ({NOT_IN_SEED})"),
        T([s for s in EARLY_OUT if s != "o_iwf_offer"], None, on=recv("P-CSCF", "CANCEL"), do="pass_cancel",
          note=f"CANCEL ({NOT_IN_SEED})"),
        *discard(["o_final", "o_answered"], "P-CSCF", ["CANCEL"], "CANCEL crossed the 200 OK"),
        # ---- inbound session (6.X.2.3.2 / 6.X.2.3.4) --------------------------------------------
        T("registered", "t_invited", on=recv("I-CSCF", "INVITE"), do="invite_in", step={"F7": "1-4", "F9": "1-4"}),
        T([s for s in states if s != "registered"], None, on=recv("I-CSCF", "INVITE"), do="not_registered_in",
          note=f"not registered (or busy): 480 ({NOT_IN_SEED})"),
        T("t_invited", "t_iwf_init", on=recv("P-CSCF", "183"), when="mismatch_in", do="init_mrf_in",
          step={"F7": "9-12"}, note="S-CSCF detects a mismatch in the media protocols: media interworking is required"),
        T("t_iwf_init", "t_iwf_ready", on=recv("MRF", "MRF_ANSWER"), when=_mrf_answers("init"), do="update_mrf",
          step={"F7": "9-12"}, note="the MRF answered the initialisation (Mr; not shown in the seed)"),
        T("t_iwf_ready", "t_early", on=recv("MRF", "MRF_ANSWER"), when=_mrf_answers("update"), do="relay_answer_in",
          step={"F7": "13"}, note="the MRF answered the update (Mr; not shown in the seed)"),
        T("t_invited", "t_early", on=recv("P-CSCF", "183"), when=lambda e: not e.mismatch_in(), do="progress_in",
          step={"F7": "13", "F9": "11-12"}),
        *[T("t_early", None, on=recv("REMOTE", m), do="to_pcscf", step={"F7": "13", "F9": "13"})
          for m in ["PRACK", "UPDATE"]],
        *[T("t_early", None, on=recv("P-CSCF", m), do="to_remote", step={"F7": "13", "F9": "13"})
          for m in ["200(PRACK)", "200(UPDATE)"]],
        T(EARLY_IN, None, on=recv("P-CSCF", "180"), do="to_remote", step={"F7": "14-17", "F9": "15-18"}),
        T("t_early", "t_answered", on=recv("P-CSCF", "200(INVITE)"), do="answered_in",
          step={"F7": "18-23", "F9": "21-24"}),
        T("t_answered", "in_dialog", on=recv("REMOTE", "ACK"), do="to_pcscf", note=f"ACK ({NOT_IN_SEED})"),
        *[T(EARLY_IN, "registered", on=recv("P-CSCF", m), do="failed_in") for m in ["486", "480", "487", "403"]],
        T(EARLY_IN, None, on=recv("I-CSCF", "CANCEL"), do="to_pcscf", note=f"CANCEL, via the I-CSCF ({NOT_IN_SEED})"),
        *discard(["t_answered", "in_dialog", "registered", "idle"], "I-CSCF", ["CANCEL"], "CANCEL crossed the 200 OK"),
        # ---- end of the session (RFC 3261 15; not in the seed) ---------------------------------
        T(["in_dialog", "o_answered", "t_answered"], None, on=recv("P-CSCF", "BYE"), do="to_remote"),
        T(["in_dialog", "t_answered", "o_answered"], None, on=recv("REMOTE", "BYE"), do="to_pcscf"),
        T(["in_dialog", "o_answered", "t_answered"], "registered", on=recv("REMOTE", "200(BYE)"),
          do="bye_done_to_pcscf"),
        T(["in_dialog", "t_answered", "o_answered"], "registered", on=recv("P-CSCF", "200(BYE)"),
          do="bye_done_to_remote"),
        # After the call - and after the registration expired (faults=expiry) while the call was
        # still winding down: a proxy forwards a response along its transaction's Via path and an
        # in-dialog request along the route set (RFC 3261 16.7, 16.12), neither of which depends
        # on the registration; dropping them left a crossing BYE unanswered (a deadlock).
        T(AFTER_CALL, None, on=recv("REMOTE", "200(BYE)"), do="to_pcscf", note=f"BYEs crossed ({RFC_PROXY})"),
        T(AFTER_CALL, None, on=recv("P-CSCF", "200(BYE)"), do="to_remote", note=f"BYEs crossed ({RFC_PROXY})"),
        T(AFTER_CALL, None, on=recv("P-CSCF", "BYE"), do="to_remote", note=f"late BYE ({RFC_PROXY})"),
        T(AFTER_CALL, None, on=recv("REMOTE", "BYE"), do="to_pcscf", note=f"late BYE ({RFC_PROXY})"),
        *[T(AFTER_CALL, None, on=recv("P-CSCF", m), do="to_remote",
            note=f"late message for a finished call ({RFC_PROXY})") for m in ["ACK", "487", "486", "480"]],
        T("registered", None, on=recv("P-CSCF", "CANCEL"), do="to_remote", note=f"CANCEL crossed the final response ({RFC_PROXY})"),
        # Deregistered, the S-CSCF answered any INVITE itself (403): a CANCEL has no transaction left
        # to act on (RFC 3261 9.2) and must not reach a far end that never saw the INVITE.
        *discard("idle", "P-CSCF", ["CANCEL"], "CANCEL of an INVITE the S-CSCF refused itself (RFC 3261 9.2)"),
        *[T(AFTER_CALL, None, on=recv("REMOTE", m), do="to_pcscf",
            note=f"late message for a finished call ({RFC_PROXY})") for m in ["ACK", "487"]],
        *discard(AFTER_CALL, "REMOTE", LATE_FROM_REMOTE, "late message for a finished call"),
        # An MRF answer nobody waits for: early media's final, or one overtaken by the call's end.
        *[T(state, None, on=recv("MRF", "MRF_ANSWER"), when=_mrf_answers_other_than(MRF_WAITS.get(state)),
            tags=("late",), note=f"an MRF answer nothing waits for any more ({NOT_IN_SEED})") for state in states],
        *discard(AFTER_CALL, "P-CSCF", LATE_FROM_PCSCF, "late message for a finished call"),
    ]
