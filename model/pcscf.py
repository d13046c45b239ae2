"""P-CSCF with its co-located IMS-ALG - the first IMS hop for the WST.

Seed: registration steps 4-8/11-14 ("Standard (according to TS 23.228) registration signalling
occurs within the IMS"), 6.X.2.3.1 steps 3 and 17-19 (the IMS-ALG reserves and confirms AGW
resources over Iq), 6.1.3: "the P-CSCF needs to recognize that the Web Signalling translator is
a trusted node so that it can invoke Trusted Node Authentication (TS 33.203 Annex U)".  Which
senders it trusts is the variant `tna_trust`.  One context per WIC (per registered contact).
"""

from imsflow.authoring import Entity, T, event, recv

from .common import NOT_IN_SEED, discard
from .messages import NODE
from .trust import TRUSTED_NODES

REG_FIRST = {"F1": "4-8", "F2": "4-8", "F4": "2-6"}
REG_FINAL = {"F1": "11-14", "F2": "9-12", "F3": "7-10", "F4": "7-10"}
CALL_FAILURES = ["486", "488", "606", "480", "403"]


class PCSCF(Entity):
    """P-CSCF and IMS-ALG (one context per WIC)."""

    name = "P-CSCF"
    standard = "TS 24.229 5.2 (P-CSCF)"
    clause = "6.X.2.2, 6.X.2.3, 6.1.3"
    contexts = "WIC"
    states = ["idle", "reg_fwd", "registered", "dereg_fwd", "o_reserving", "o_invited", "o_answered",
              "t_reserving", "t_invited", "t_answered", "in_dialog"]
    initial = "idle"
    end_states = ["idle", "registered", "in_dialog"]
    variables = {
        "peer": ("none", "WST", "ROGUE"),  # who registered this contact / is registering it
        "reg": ("no", "yes"),
        "rx": ("no", "yes"),
        "agw": ("no", "yes"),
        "caller": (0, 1, 2, 3, 4, 5, 6),  # the INVITE held while the AGW is reserved
        "callee": (0, 1, 2, 3, 4, 5, 6),
        "profile": ("webrtc", "ims"),
        "codec": ("opus", "amrwb"),
        # lifecycle=full: the identity of a network de-registration (reg event NOTIFY) that arrived
        # while a REGISTER transaction was open, delivered after that transaction's answer.
        "notify": (0, 1, 2, 3, 4, 5, 6),
    }

    def start(self):
        from . import scenario

        if scenario.registered_at_start(self.config):
            return "registered", dict(self._fresh(), peer="WST", reg="yes")
        return "idle", self._fresh()

    @staticmethod
    def _fresh():
        return {"peer": "none", "reg": "no", "rx": "no", "agw": "no", "caller": 0, "callee": 0, "profile": "webrtc",
                "codec": "opus", "notify": 0}

    # ---- guards -------------------------------------------------------------------------
    def trusts_sender(self):
        """6.1.3: only a node of trust.TRUSTED_NODES (the WST) is a trusted node (variant tna_trust)."""
        trust = self.config.tna_trust
        return trust == "any" or (trust == "translator" and self.sender in TRUSTED_NODES)

    def from_registered_peer(self):
        return self.v.reg == "yes" and self.sender == self.v.peer

    def wst_registered(self):
        return self.v.reg == "yes" and self.v.peer == "WST"

    # ---- registration ---------------------------------------------------------------------------
    def forward_register(self):
        self.v.peer = self.sender
        tna = "no"
        if self.msg.tna == "claimed" and self.trusts_sender():
            tna = "asserted"
            self.mark("tna_asserted")
        self.send("I-CSCF", "REGISTER", wic=self.context, impu=self.msg.impu, cred=self.msg.cred,
                  token=self.msg.token, tna=tna, response=self.msg.response,
                  node=self.sender if self.sender in NODE else "other")

    def to_peer(self, name, **fields):
        if self.v.peer in ("WST", "ROGUE"):
            self.send(self.v.peer, name, wic=self.context, **fields)

    def challenge(self):
        # CK/IK stay here (for the security association); the challenge goes on without them.
        self.to_peer("401", impu=self.msg.impu, auth=self.msg.auth, keys="none")
        self.deliver_pending_notify()

    def registered_ok(self):
        self.v.reg = "yes"
        self.to_peer("200(REGISTER)", impu=self.msg.impu)
        self.deliver_pending_notify()

    def refused(self):
        self.to_peer("403", impu=self.msg.impu)
        if self.v.reg == "no":
            self.v.peer = "none"
        self.deliver_pending_notify()

    # ---- the registration lifecycle (lifecycle=full; not in the seed) -----------------------------
    def forward_deregister(self):
        self.v.peer = self.sender
        self.send("I-CSCF", "de-REGISTER", wic=self.context, impu=self.msg.impu)

    def deregistered(self):
        self.to_peer("200(de-REGISTER)", impu=self.msg.impu)
        self.v.reg, self.v.peer = "no", "none"
        self.deliver_pending_notify()

    def deregistration_refused(self):
        self.to_peer("403", impu=self.msg.impu)
        if self.v.reg == "yes":
            self.v.peer = "WST"
        self.deliver_pending_notify()

    def hold_notify(self):
        # The NOTIFY may overtake the answer to a REGISTER the S-CSCF took before it
        # de-registered (they travel different paths).  The P-CSCF passes it on after that
        # answer, so that the WST and the WIC end de-registered, as the S-CSCF is (the reg
        # event's version orders them: RFC 3680 5.2, TS 24.229 5.2.3).
        self.v.notify, self.v.reg = self.msg.impu, "no"

    def deliver_pending_notify(self):
        if self.v.notify:
            self.send("WST", "NOTIFY", wic=self.context, impu=self.v.notify)
            self.v.notify, self.v.reg = 0, "no"
            if self.v.peer == "WST":
                self.v.peer = "none"

    def network_deregistered(self):
        # The P-CSCF is subscribed to the reg event too (TS 24.229 5.2.3): the contact is gone
        # here, and the NOTIFY goes on to the WST, which registered it.
        self.v.reg = "no"
        if self.v.peer != "ROGUE":
            self.v.peer = "none"
        self.send("WST", "NOTIFY", wic=self.context, impu=self.msg.impu)

    def busy_registering(self):
        self.reply("403", wic=self.context, impu=self.msg.impu)

    # ---- sessions -----------------------------------------------------------------------------
    def hold_invite(self):
        # Step 3: the IMS-ALG reserves AGW resources before the INVITE goes on.
        self.mark("originating_invite_accepted")
        self.reserve_agw()

    def reserve_agw(self):
        self.v.agw = "yes"
        self.v.caller, self.v.callee = self.msg.caller, self.msg.callee
        self.v.profile, self.v.codec = self.msg.profile, self.msg.codec
        self.send("AGW", "AGW_RESERVE", wic=self.context)

    def _held_invite(self, to):
        # The held offer, its connection address now the AGW's mapping (Iq answer, TS 29.334).
        self.send(to, "INVITE", wic=self.context, caller=self.v.caller, callee=self.v.callee,
                  profile=self.v.profile, codec=self.v.codec, addr=self.msg.addr)

    def route_invite(self):
        self._held_invite("S-CSCF")

    def _via_agw(self, to, name):
        """Pass an SDP-carrying message on with the AGW's address in place of the sender's."""
        fields = dict(self.msg.fields)
        fields["addr"] = "agw"
        self.send(to, name, **fields)

    def refuse_invite(self):
        self.mark("invite_refused")
        self.reply("403", wic=self.context, impu=self.msg.caller)

    def authorise_qos(self):
        if self.v.rx == "no":
            self.v.rx = "yes"
            self.send("PCRF", "AAR", wic=self.context, qos="ims")
        if self.config.early_media == "yes":
            self.mark("gate_open_early")
            self.send("AGW", "AGW_CONFIRM", wic=self.context)

    def progress_out(self):
        self.authorise_qos()
        self._via_agw(self.v.peer, "183")

    def answered_out(self):
        # Steps 17-19: the IMS-ALG tells the AGW that final resources are confirmed.
        self.send("AGW", "AGW_CONFIRM", wic=self.context)
        self._via_agw(self.v.peer, "200(INVITE)")

    def release(self):
        if self.v.agw == "yes":
            self.send("AGW", "AGW_RELEASE", wic=self.context)
            self.v.agw = "no"
        if self.v.rx == "yes":
            self.send("PCRF", "STR", wic=self.context)
            self.v.rx = "no"

    def cancel_unsent(self):
        self.reply("487", wic=self.context)
        self.release()

    def failed_out(self):
        self.send(self.v.peer, self.msg.name, wic=self.context)
        self.release()

    def offer_in(self):
        self._held_invite(self.v.peer)

    def not_registered(self):
        self.reply("480", wic=self.context)

    def progress_in(self):
        self.authorise_qos()
        self._via_agw("S-CSCF", "183")

    def answered_in(self):
        self.send("AGW", "AGW_CONFIRM", wic=self.context)
        self._via_agw("S-CSCF", "200(INVITE)")

    def failed_in(self):
        self.send("S-CSCF", self.msg.name, wic=self.context)
        self.release()

    def bye_done_from_ims(self):
        self.send(self.v.peer, "200(BYE)", wic=self.context)
        self.release()

    def bye_done_from_wst(self):
        self.send("S-CSCF", "200(BYE)", wic=self.context)
        self.release()

    def to_scscf(self):
        self.send("S-CSCF", self.msg.name, wic=self.context)

    def to_wst(self):
        self.send(self.v.peer, self.msg.name, wic=self.context)

    EARLY = ["o_invited", "t_invited"]

    transitions = [
        # ---- registration (steps 4-8 and 11-14 of F1; F2, F3, F4 alike) ------------------------
        T(["idle", "registered"], "reg_fwd", on=recv("WST", "REGISTER"), when=lambda e: e.msg.cred == "none" and e.msg.tna == "no",
          do="forward_register", step=REG_FIRST),
        T(["idle", "registered"], "reg_fwd", on=recv("WST", "REGISTER"), when=lambda e: e.msg.cred != "none",
          do="forward_register", step=REG_FINAL),
        T(["idle", "registered"], "reg_fwd", on=recv("WST", "REGISTER"), when=lambda e: e.msg.tna == "claimed",
          do="forward_register", step={"F3": "7-10"}),
        T(["idle", "registered"], "reg_fwd", on=recv("ROGUE", "REGISTER"), do="forward_register",
          note="a node that is not the WST asks for trusted-node treatment"),
        T("reg_fwd", "idle", on=recv("I-CSCF", "401"), when=lambda e: e.v.reg == "no", do="challenge", step=REG_FIRST),
        T("reg_fwd", "registered", on=recv("I-CSCF", "401"), when=lambda e: e.v.reg == "yes", do="challenge",
          step=REG_FIRST),
        T("reg_fwd", "registered", on=recv("I-CSCF", "200(REGISTER)"), when=lambda e: not e.v.notify, do="registered_ok",
          step=REG_FINAL),
        T("reg_fwd", "idle", on=recv("I-CSCF", "200(REGISTER)"), when=lambda e: e.v.notify, do="registered_ok",
          note=f"the network de-registered the identity meanwhile: the 200, then the NOTIFY ({NOT_IN_SEED})"),
        T("reg_fwd", "idle", on=recv("I-CSCF", "403"), when=lambda e: e.v.reg == "no", do="refused"),
        T("reg_fwd", "registered", on=recv("I-CSCF", "403"), when=lambda e: e.v.reg == "yes", do="refused"),
        T("reg_fwd", None, on=recv("WST", "REGISTER"), do="busy_registering",
          note=f"one registration transaction per contact at a time ({NOT_IN_SEED})"),
        T("reg_fwd", None, on=recv("ROGUE", "REGISTER"), do="busy_registering"),
        T(["o_reserving", "o_invited", "o_answered", "t_reserving", "t_invited", "t_answered", "in_dialog", "dereg_fwd"],
          None, on=recv("ROGUE", "REGISTER"), do="busy_registering"),
        # ---- the registration lifecycle (lifecycle=full; not in the seed) --------------------------
        T(["idle", "registered"], "dereg_fwd", on=recv("WST", "de-REGISTER"), do="forward_deregister",
          note=f"user de-registration ({NOT_IN_SEED})", per="TS 24.229 5.2.2 (REGISTER at the P-CSCF, Expires: 0 included)"),
        T(["reg_fwd", "dereg_fwd"], None, on=recv("WST", "de-REGISTER"), do="busy_registering"),
        T("dereg_fwd", None, on=recv("WST", "REGISTER"), do="busy_registering"),
        T("dereg_fwd", "idle", on=recv("I-CSCF", "200(de-REGISTER)"), do="deregistered"),
        T("dereg_fwd", "idle", on=recv("I-CSCF", "403"), when=lambda e: e.v.reg == "no", do="deregistration_refused"),
        T("dereg_fwd", "registered", on=recv("I-CSCF", "403"), when=lambda e: e.v.reg == "yes",
          do="deregistration_refused"),
        T("registered", "idle", on=recv("S-CSCF", "NOTIFY"), do="network_deregistered",
          note=f"network de-registration (TS 24.229 5.2.3, 5.4.1.5; {NOT_IN_SEED})"),
        T("idle", None, on=recv("S-CSCF", "NOTIFY"), do="network_deregistered",
          note=f"network de-registration of a contact not registered here ({NOT_IN_SEED})"),
        T(["reg_fwd", "dereg_fwd"], None, on=recv("S-CSCF", "NOTIFY"), do="hold_notify",
          note=f"network de-registration crossing a registration in progress: held until its answer ({NOT_IN_SEED})",
          per="RFC 3680 5.2; TS 24.229 5.2.3"),
        T("*", None, on=recv("WST", "200(NOTIFY)"), do="to_scscf"),
        # ---- outbound (6.X.2.3.1 steps 2-6 / 6.X.2.3.3 steps 4-7) --------------------------------
        T("registered", "o_reserving", on=recv("WST", "INVITE"), when="from_registered_peer", do="hold_invite",
          step={"F6": "3", "F8": "5-7"}),
        T("o_reserving", "o_invited", on=recv("AGW", "AGW_RESERVED"), do="route_invite", step={"F6": "4-6", "F8": "5-7"},
          note="the IMS-ALG waits for the AGW's address/port mappings and puts them in the SDP (step 3: "
               "'obtain IP address/port mappings'; the answer itself is not shown in the seed)"),
        *discard([s for s in states if s not in ("o_reserving", "t_reserving")], "AGW", ["AGW_RESERVED"],
                 "the call ended before the AGW answered (its release follows)", tags=()),
        T([s for s in states if s != "registered"], None, on=recv("WST", "INVITE"), do="refuse_invite",
          note=f"one call per contact at a time ({NOT_IN_SEED})"),
        T("registered", None, on=recv("WST", "INVITE"), when=lambda e: not e.from_registered_peer(), do="refuse_invite",
          note=f"INVITE only from the peer that registered this contact ({NOT_IN_SEED})"),
        T("*", None, on=recv("ROGUE", "INVITE"), when=lambda e: not e.from_registered_peer(), do="refuse_invite",
          note="INVITE from a node that did not register this contact"),
        T("registered", "o_reserving", on=recv("ROGUE", "INVITE"), when="from_registered_peer", do="hold_invite",
          note="the ROGUE registered this contact (only possible when it was trusted)"),
        T("o_invited", None, on=recv("S-CSCF", "183"), do="progress_out", step={"F6": "10", "F8": "10"}),
        *[T("o_invited", None, on=recv("S-CSCF", m), do="to_wst", step={"F6": "10", "F8": "10"})
          for m in ["200(PRACK)", "200(UPDATE)"]],
        *[T("o_invited", None, on=recv(p, m), do="to_scscf", step={"F6": "10", "F8": "10"})
          for p in ("WST", "ROGUE") for m in ["PRACK", "UPDATE"]],
        T("o_invited", None, on=recv("S-CSCF", "180"), do=lambda e: e.send(e.v.peer, "180", **dict(e.msg.fields)),
          step={"F6": "11-14", "F8": "12-15"}),
        T("o_invited", "o_answered", on=recv("S-CSCF", "200(INVITE)"), do="answered_out",
          step={"F6": "17-19", "F8": "16-19"}, tags=("agw_confirm",)),
        *[T("o_invited", "registered", on=recv("S-CSCF", m), do="failed_out") for m in CALL_FAILURES + ["487"]],
        *[T("o_invited", None, on=recv(p, "CANCEL"), do="to_scscf",
            note=f"CANCEL (RFC 3261 16.10; {NOT_IN_SEED})") for p in ("WST", "ROGUE")],
        *[T("o_reserving", "registered", on=recv(p, "CANCEL"), do="cancel_unsent",
            note=f"CANCEL before the INVITE went on: answered here ({NOT_IN_SEED})") for p in ("WST", "ROGUE")],
        *[T("o_answered", "in_dialog", on=recv(p, "ACK"), do="to_scscf", note=f"ACK ({NOT_IN_SEED})")
          for p in ("WST", "ROGUE")],
        *[T("o_answered", None, on=recv(p, "BYE"), do="to_scscf") for p in ("WST", "ROGUE")],
        *discard("o_answered", "WST", ["CANCEL"], "CANCEL crossed the 200 OK"),
        # The PRACK of a reliable 180 may cross the 200 (INVITE) (RFC 3262 3): passed on either way.
        *[T(["o_answered", "in_dialog"], None, on=recv(p, "PRACK"), do="to_scscf", per="RFC 3262 3; RFC 3261 16")
          for p in ("WST", "ROGUE")],
        T(["o_answered", "in_dialog"], None, on=recv("S-CSCF", "200(PRACK)"), do="to_wst", per="RFC 3262 3; RFC 3261 16"),
        # ---- inbound (6.X.2.3.2 / 6.X.2.3.4 steps 1-4 and on) --------------------------------------
        T("registered", "t_reserving", on=recv("S-CSCF", "INVITE"), do="reserve_agw", step={"F7": "1-4", "F9": "1-4"},
          tags=("agw_reserve",)),
        T("t_reserving", "t_invited", on=recv("AGW", "AGW_RESERVED"), do="offer_in", step={"F7": "1-4", "F9": "1-4"},
          note="the offer goes on with the AGW's address/port mappings (TS 29.334; not shown in the seed)"),
        T("t_reserving", "registered", on=recv("S-CSCF", "CANCEL"), do=lambda e: (e.reply("487", wic=e.context),
                                                                                  e.release()),
          note=f"CANCEL before the INVITE went on: answered here (RFC 3261 16.10; {NOT_IN_SEED})"),
        T([s for s in states if s != "registered"], None, on=recv("S-CSCF", "INVITE"), do="not_registered",
          note=f"not registered, or busy: 480 ({NOT_IN_SEED})"),
        *[T("t_invited", None, on=recv(p, "183"), do="progress_in", step={"F7": "7-8", "F9": "9-10"})
          for p in ("WST", "ROGUE")],
        *[T("t_invited", None, on=recv("S-CSCF", m), do="to_wst", step={"F7": "13", "F9": "13"})
          for m in ["PRACK", "UPDATE"]],
        *[T("t_invited", None, on=recv(p, m), do="to_scscf", step={"F7": "13", "F9": "13"})
          for p in ("WST", "ROGUE") for m in ["200(PRACK)", "200(UPDATE)"]],
        *[T("t_invited", None, on=recv(p, "180"), do="to_scscf", step={"F7": "14-17", "F9": "15-18"})
          for p in ("WST", "ROGUE")],
        *[T("t_invited", "t_answered", on=recv(p, "200(INVITE)"), do="answered_in",
            step={"F7": "18-23", "F9": "21-24"}, tags=("agw_confirm",)) for p in ("WST", "ROGUE")],
        *[T("t_invited", "registered", on=recv(p, m), do="failed_in") for p in ("WST", "ROGUE")
          for m in ["486", "480", "487", "403"]],
        T("t_invited", None, on=recv("S-CSCF", "CANCEL"), do="to_wst", note=f"CANCEL ({NOT_IN_SEED})"),
        T("t_answered", "in_dialog", on=recv("S-CSCF", "ACK"), do="to_wst", note=f"ACK ({NOT_IN_SEED})"),
        *discard("t_answered", "S-CSCF", ["CANCEL"], "CANCEL crossed the 200 OK"),
        # ---- end of the session (RFC 3261 15; not in the seed) ---------------------------------
        *[T(["in_dialog", "t_answered"], None, on=recv(p, "BYE"), do="to_scscf") for p in ("WST", "ROGUE")],
        T(["in_dialog", "o_answered", "t_answered"], None, on=recv("S-CSCF", "BYE"), do="to_wst"),
        T(["in_dialog", "o_answered", "t_answered"], "registered", on=recv("S-CSCF", "200(BYE)"),
          do="bye_done_from_ims"),
        *[T(["in_dialog", "o_answered", "t_answered"], "registered", on=recv(p, "200(BYE)"),
            do="bye_done_from_wst") for p in ("WST", "ROGUE")],
        T("registered", None, on=recv("S-CSCF", "200(BYE)"), do="to_wst", note="BYEs crossed: the second 200"),
        *[T("registered", None, on=recv(p, "200(BYE)"), do="to_scscf", note="BYEs crossed: the second 200")
          for p in ("WST", "ROGUE")],
        *[T("registered", None, on=recv(p, m), do="to_scscf", note="late message for a finished call")
          for p in ("WST", "ROGUE") for m in ["BYE", "ACK"]],
        T("registered", None, on=recv("S-CSCF", "BYE"), do="to_wst", note="late BYE for a finished call"),
        *discard("registered", "S-CSCF", ["487", "183", "180", "200(PRACK)", "200(UPDATE)", "200(INVITE)", "ACK",
                                          "CANCEL", "PRACK", "UPDATE"], "late message for a finished call"),
        *[T("registered", None, on=recv(p, m), do="to_scscf", note="late message for a finished call")
          for p in ("WST", "ROGUE") for m in ["CANCEL", "487", "486", "480"]],
        *discard("registered", "WST", ["PRACK", "UPDATE", "200(PRACK)", "200(UPDATE)", "180", "183", "200(INVITE)"],
                 "late message for a call already over (it crossed the final response)"),
        *discard("*", "PCRF", ["AAA", "STA"], "Rx answers need no further action", tags=()),
    ]
