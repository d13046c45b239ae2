"""I-CSCF - chooses the S-CSCF: Cx UAR/UAA for registrations, LIR/LIA for terminating calls.

Seed: "Standard (according to TS 23.228) registration signalling occurs within the IMS"
(registration steps 4-8, 11-14; TS 23.228 5.2.2.3) and 6.X.2.3.2 steps 1-4 ("a SIP Invite from
the originating network is forwarded to the S-CSCF of the WIC").  One context per WIC: it holds
the request while the HSS answers.  Responses to a REGISTER come back through it; responses
and in-dialog requests of a session do not (it does not record-route).
"""

from imsflow.authoring import Entity, T, recv

from . import trust
from .common import NOT_IN_SEED, relay
from .messages import CRED, IMPU, RESPONSE, TNA

REG_FIRST = {"F1": "4-8", "F2": "4-8", "F4": "2-6"}
REG_FINAL = {"F1": "11-14", "F2": "9-12", "F3": "7-10", "F4": "7-10"}


class ICSCF(Entity):
    """I-CSCF (one context per WIC)."""

    name = "I-CSCF"
    standard = "TS 24.229 5.3 (I-CSCF)"
    clause = "TS 23.228 5.2.2.3, 5.7.2"
    contexts = "WIC"
    states = ["idle", "uar", "lir", "lir_cancelled", "uar_dereg"]
    initial = "idle"
    end_states = ["idle"]
    variables = {"impu": IMPU, "cred": CRED, "tna": TNA, "response": RESPONSE, "callee": IMPU}

    def ask_hss(self):
        self.v.impu, self.v.cred, self.v.tna = self.msg.impu, self.msg.cred, self.msg.tna
        self.v.response = self.msg.response
        phase = "initial" if self.msg.cred == "none" and self.msg.tna != "asserted" else "response"
        self.send("HSS", "UAR", wic=self.context, impu=self.msg.impu, phase=phase)

    def to_scscf(self):
        self.send("S-CSCF", "REGISTER", wic=self.context, impu=self.v.impu, cred=self.v.cred, token="none",
                  tna=self.v.tna, response=self.v.response)

    def ask_hss_deregistration(self):
        self.v.impu = self.msg.impu
        self.send("HSS", "UAR", wic=self.context, impu=self.msg.impu, phase="deregister")

    def deregister_at_scscf(self):
        self.send("S-CSCF", "de-REGISTER", wic=self.context, impu=self.v.impu)

    def barred(self):
        self.send("P-CSCF", "403", wic=self.context, impu=self.v.impu)

    def locate(self):
        self.v.callee = self.msg.callee
        self.send("HSS", "LIR", wic=self.context, impu=self.msg.callee)

    def route_invite(self):
        self.send("S-CSCF", "INVITE", wic=self.context, caller=0, callee=self.v.callee, profile="ims", codec="amrwb")

    def unavailable(self):
        self.send("REMOTE", "480", wic=self.context)

    def busy(self):
        self.reply("486", wic=self.context)

    def tna_from_untrusted_node(self):
        """TS 33.203 U.2 step 4: with the network checking TNA too (variant tna_check=network), a
        REGISTER asserting it must come from a trusted node; the P-CSCF's word alone is not enough."""
        return (self.config.tna_check == "network" and self.msg.tna == "asserted"
                and self.msg.get("node") not in trust.TRUSTED_NODES)

    def untrusted_node(self):
        self.reply("403", wic=self.context, impu=self.msg.impu)

    transitions = [
        T("idle", "uar", on=recv("P-CSCF", "REGISTER"), when=lambda e: e.msg.cred == "none" and e.msg.tna != "asserted",
          do="ask_hss", step=REG_FIRST),
        T("idle", "uar", on=recv("P-CSCF", "REGISTER"), when=lambda e: (e.msg.cred != "none" or e.msg.tna == "asserted")
          and not e.tna_from_untrusted_node(), do="ask_hss", step=REG_FINAL),
        T("idle", None, on=recv("P-CSCF", "REGISTER"), when="tna_from_untrusted_node", do="untrusted_node",
          note="the registering node is not trusted: 403 (TS 33.203 U.2 step 4; variant tna_check=network; "
               f"{NOT_IN_SEED})"),
        T("uar", "idle", on=recv("HSS", "UAA"), when=lambda e: e.msg.result == "ok" and e.v.cred == "none"
          and e.v.tna != "asserted", do="to_scscf", step=REG_FIRST),
        T("uar", "idle", on=recv("HSS", "UAA"), when=lambda e: e.msg.result == "ok" and (e.v.cred != "none"
          or e.v.tna == "asserted"), do="to_scscf", step=REG_FINAL),
        T("uar", "idle", on=recv("HSS", "UAA"), when=lambda e: e.msg.result != "ok", do="barred",
          note=f"subscription barred: 403 ({NOT_IN_SEED})"),
        *relay("*", "S-CSCF", "P-CSCF", ["401"], step=REG_FIRST),
        *relay("*", "S-CSCF", "P-CSCF", ["200(REGISTER)"], step=REG_FINAL),
        *relay("*", "S-CSCF", "P-CSCF", ["403"]),
        # user de-registration (lifecycle=full; TS 23.228 5.3.1.1, TS 29.228 6.1.1; not in the seed)
        T("idle", "uar_dereg", on=recv("P-CSCF", "de-REGISTER"), do="ask_hss_deregistration",
          note=f"user de-registration: which S-CSCF ({NOT_IN_SEED})"),
        T("uar_dereg", "idle", on=recv("HSS", "UAA"), when=lambda e: e.msg.result == "ok", do="deregister_at_scscf"),
        T("uar_dereg", "idle", on=recv("HSS", "UAA"), when=lambda e: e.msg.result != "ok", do="barred",
          note=f"subscription barred: 403 ({NOT_IN_SEED})"),
        *relay("*", "S-CSCF", "P-CSCF", ["200(de-REGISTER)"]),
        *[T(["uar", "lir", "uar_dereg"], None, on=recv("P-CSCF", m),
            do=lambda e: e.reply("403", wic=e.context, impu=e.msg.impu),
            note=f"a second request for the same contact while the HSS answers ({NOT_IN_SEED})")
          for m in ("REGISTER", "de-REGISTER")],
        # terminating session (6.X.2.3.2 / 6.X.2.3.4 steps 1-4)
        T("idle", "lir", on=recv("REMOTE", "INVITE"), do="locate", step={"F7": "1-4", "F9": "1-4"}),
        T("lir", "idle", on=recv("HSS", "LIA"), when=lambda e: e.msg.result == "ok", do="route_invite",
          step={"F7": "1-4", "F9": "1-4"}),
        T("lir", "idle", on=recv("HSS", "LIA"), when=lambda e: e.msg.result != "ok", do="unavailable",
          note=f"callee not registered: 480 ({NOT_IN_SEED})"),
        T(["lir", "uar", "lir_cancelled"], None, on=recv("REMOTE", "INVITE"), do="busy"),
        # CANCEL follows the INVITE's path hop by hop (RFC 3261 16.10; not in the seed)
        T("idle", None, on=recv("REMOTE", "CANCEL"), do=lambda e: e.send("S-CSCF", "CANCEL", wic=e.context),
          note=f"CANCEL goes the INVITE's way ({NOT_IN_SEED})"),
        T("lir", "lir_cancelled", on=recv("REMOTE", "CANCEL"), do=lambda e: e.reply("487", wic=e.context),
          note=f"cancelled before the INVITE went on: answered here ({NOT_IN_SEED})"),
        T("lir_cancelled", "idle", on=recv("HSS", "LIA"), note="the INVITE was cancelled meanwhile"),
        T("lir_cancelled", None, on=recv("REMOTE", "CANCEL")),
    ]
