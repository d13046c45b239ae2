"""S-CSCF - registrar, authenticator and session control (TS 23.228 5.2.2.3, 5.6, 5.7;
TS 33.203 6.1, U.2).  Annex U leaves it as for any UE: it challenges IMS-credential users,
registers a trusted node's assertion without MAR or 401, and routes sessions.  Unlike the
seed's S-CSCF it never detects a media mismatch nor invokes an MRF: interworking happened at
the edge.  One context per WIC.
"""

from imsflow.authoring import Entity, T, recv

from . import scenario
from .common import forward, reg_step, step
from .messages import IMPU


class SCSCF(Entity):
    """S-CSCF (one context per WIC)."""

    name = "S-CSCF"
    clause = "TS 23.228 5.2.2.3, 5.6, 5.7; TS 33.203 U.2"
    contexts = "WIC"
    states = ["idle", "authorizing", "challenged", "saving", "registered",
              "o_invited", "o_answered", "t_invited", "t_answered", "in_dialog", "closing", "closing_t"]
    initial = "idle"
    # "challenged" may rest: the vector is kept only for the registration timer (TS 24.229 5.4.1.2.1)
    end_states = ["idle", "registered", "in_dialog", "challenged"]
    variables = {"impu": IMPU, "av": ("none", "aka", "digest")}

    def start(self):
        if scenario.registered_at_start(self.config):
            return "registered", {"impu": scenario.impu_of(self.context), "av": "none"}
        return "idle", {"impu": 0, "av": "none"}

    def _to_icscf(self, name, **fields):
        self.send("I-CSCF", name, wic=self.context, **fields)

    def trusted_node(self):
        self.v.impu = self.msg.impu
        self.mark("tna_accepted")
        self.send("HSS", "SAR", wic=self.context, impu=self.msg.impu)

    def ask_vectors(self):
        self.v.impu = self.msg.impu
        self.send("HSS", "MAR", wic=self.context, impu=self.msg.impu)

    def challenge(self):
        self.v.av = self.msg.av
        keys = "ck_ik" if self.msg.av == "aka" else "none"
        self._to_icscf("401", impu=self.v.impu, auth=self.msg.av, keys=keys)

    def response_matches(self):
        return (self.v.av, self.msg.cred) in (("aka", "res"), ("digest", "digest")) and self.msg.impu == self.v.impu

    def accept_response(self):
        self.mark("credentials_verified")
        self.v.av = "none"
        self.send("HSS", "SAR", wic=self.context, impu=self.v.impu)

    def refuse(self):
        self.v.av = "none"
        self._to_icscf("403", impu=self.msg.impu)

    def registered_ok(self):
        self.mark("scscf_registered")
        self._to_icscf("200(REGISTER)", impu=self.v.impu)

    transitions = [
        # ---- registration -----------------------------------------------------------------------
        T(["idle", "registered"], "saving", on=recv("I-CSCF", "REGISTER"), when=lambda e: e.msg.tna == "asserted",
          do="trusted_node", step=reg_step(web="6")),
        T(["idle", "registered"], "authorizing", on=recv("I-CSCF", "REGISTER"),
          when=lambda e: e.msg.tna != "asserted" and e.msg.cred == "none", do="ask_vectors", step=reg_step("4")),
        T(["idle", "registered"], None, on=recv("I-CSCF", "REGISTER"),
          when=lambda e: e.msg.tna != "asserted" and e.msg.cred != "none", do="refuse",
          note="a response to a challenge that was never issued: 403 (TS 24.229 5.4.1.2.1)"),
        T("authorizing", "challenged", on=recv("HSS", "MAA"), do="challenge", step=reg_step("4")),
        T("challenged", "saving", on=recv("I-CSCF", "REGISTER"), when="response_matches", do="accept_response",
          step=reg_step("7")),
        T("challenged", "idle", on=recv("I-CSCF", "REGISTER"), when=lambda e: not e.response_matches(), do="refuse"),
        T("saving", "registered", on=recv("HSS", "SAA"), do="registered_ok", step=reg_step("7", "6")),
        T(["authorizing", "saving"], None, on=recv("I-CSCF", "REGISTER"), do="refuse",
          note="a second REGISTER while the HSS answers"),
        # ---- outbound session (U5) ----------------------------------------------------------------
        T("registered", "o_invited", on=recv("eP-CSCF", "INVITE"), do=forward("REMOTE"), step=step(U5="3")),
        T("o_invited", None, on=recv("REMOTE", "183"), do=forward("eP-CSCF"), step=step(U5="4")),
        T("o_invited", None, on=recv("REMOTE", "180"), do=forward("eP-CSCF"), step=step(U5="5")),
        T("o_invited", "o_answered", on=recv("REMOTE", "200(INVITE)"), do=forward("eP-CSCF"), step=step(U5="5")),
        T("o_answered", "in_dialog", on=recv("eP-CSCF", "ACK"), do=forward("REMOTE"), note="ACK (RFC 3261 13.2.2.4)"),
        # ---- inbound session (U6) -----------------------------------------------------------------
        T("registered", "t_invited", on=recv("I-CSCF", "INVITE"), do=forward("eP-CSCF"), step=step(U6="1")),
        T("t_invited", None, on=recv("eP-CSCF", "183"), do=forward("REMOTE"), step=step(U6="4")),
        T("t_invited", None, on=recv("eP-CSCF", "180"), do=forward("REMOTE"), step=step(U6="5")),
        T("t_invited", "t_answered", on=recv("eP-CSCF", "200(INVITE)"), do=forward("REMOTE"), step=step(U6="6")),
        T("t_answered", "in_dialog", on=recv("REMOTE", "ACK"), do=forward("eP-CSCF"), note="ACK (RFC 3261 13.2.2.4)"),
        # ---- end of the session (RFC 3261 15) -----------------------------------------------------
        T("in_dialog", "closing", on=recv("eP-CSCF", "BYE"), do=forward("REMOTE")),
        T("closing", "registered", on=recv("REMOTE", "200(BYE)"), do=forward("eP-CSCF")),
        T("in_dialog", "closing_t", on=recv("REMOTE", "BYE"), do=forward("eP-CSCF")),
        T("closing_t", "registered", on=recv("eP-CSCF", "200(BYE)"), do=forward("REMOTE")),
    ]
