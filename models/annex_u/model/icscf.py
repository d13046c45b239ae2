"""I-CSCF - chooses the S-CSCF: Cx UAR/UAA for registrations, LIR/LIA for terminating calls
(TS 23.228 5.2.2.3, 5.7.2).  Annex U leaves it unchanged.  One context per WIC."""

from imsflow.authoring import Entity, T, recv

from .common import reg_step, relay, step
from .messages import CRED, IMPU, TNA


def _initial(msg) -> bool:
    return msg.cred == "none" and msg.tna != "asserted"


class ICSCF(Entity):
    """I-CSCF (one context per WIC)."""

    name = "I-CSCF"
    clause = "TS 23.228 5.2.2.3, 5.7.2"
    contexts = "WIC"
    states = ["idle", "uar", "lir"]
    initial = "idle"
    end_states = ["idle"]
    variables = {"impu": IMPU, "cred": CRED, "tna": TNA}

    def ask_hss(self):
        self.v.impu, self.v.cred, self.v.tna = self.msg.impu, self.msg.cred, self.msg.tna
        phase = "initial" if _initial(self.msg) else "response"
        self.send("HSS", "UAR", wic=self.context, impu=self.msg.impu, phase=phase)

    def to_scscf(self):
        self.send("S-CSCF", "REGISTER", wic=self.context, impu=self.v.impu, cred=self.v.cred, token="none",
                  tna=self.v.tna)

    def locate(self):
        self.v.impu = self.msg.callee
        self.send("HSS", "LIR", wic=self.context, impu=self.msg.callee)

    def route_invite(self):
        self.send("S-CSCF", "INVITE", wic=self.context, caller=0, callee=self.v.impu, profile="ims", codec="amrwb")

    transitions = [
        T("idle", "uar", on=recv("eP-CSCF", "REGISTER"), when=lambda e: _initial(e.msg), do="ask_hss",
          step=reg_step("4")),
        T("idle", "uar", on=recv("eP-CSCF", "REGISTER"), when=lambda e: not _initial(e.msg), do="ask_hss",
          step=reg_step("7", "6")),
        T("uar", "idle", on=recv("HSS", "UAA"), do="to_scscf",
          step=lambda e: reg_step("4") if e.v.cred == "none" and e.v.tna == "no" else reg_step("7", "6")),
        *relay("*", "S-CSCF", "eP-CSCF", ["401"], step=reg_step("4")),
        *relay("*", "S-CSCF", "eP-CSCF", ["200(REGISTER)"], step=reg_step("7", "6")),
        *relay("*", "S-CSCF", "eP-CSCF", ["403"]),
        T("idle", "lir", on=recv("REMOTE", "INVITE"), do="locate", step=step(U6="1")),
        T("lir", "idle", on=recv("HSS", "LIA"), do="route_invite", step=step(U6="1")),
    ]
