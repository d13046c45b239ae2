"""WIC - the WebRTC IMS Client (the browser's JavaScript downloaded from the WWSF), with the
user folded in as the events that drive it (browse, log in, register, dial, answer, hang up).

TS 24.371 5.2: the WIC acts as a UE over Gm, but over W2 (SIP over WebSocket, RFC 7118) to the
eP-CSCF.  Unlike the seed's WIC it holds its IMS credentials itself: it answers an AKA
challenge (TS 33.203 U.2.1, AKA bound to the TLS of the WebSocket) or a digest challenge on its
own, so no password ever leaves it.  With web credentials it presents the WAF's token.
"""

from imsflow.authoring import Entity, T, event, recv

from . import scenario
from .common import NOT_IN_ANNEX_U, reg_step, step
from .messages import IMPU, TOKEN


def _ims_credentials(e):
    return scenario.auth(e.config) in ("aka", "digest")


def _token_based(e):
    return scenario.token_based(e.config)


class WIC(Entity):
    """WebRTC IMS Client and its user."""

    name = "WIC"
    clause = "TS 24.371 5.2, 6.2, 7.2"
    states = ["idle", "loading", "loaded", "logging_in", "authenticated", "connecting", "connected",
              "registering", "authenticating", "registered", "failed",
              "dialing", "early", "offered", "ringing", "answered", "in_call", "ending", "call_over"]
    initial = "idle"
    end_states = ["idle", "registered", "failed", "in_call", "call_over"]
    variables = {"token": TOKEN, "impu": IMPU}

    def start(self):
        if scenario.registered_at_start(self.config):
            return "registered", {"token": "none", "impu": scenario.impu_of(self.index or 1)}
        return "idle", {"token": "none", "impu": 0}

    @property
    def k(self):
        return self.index or 1

    def to_epcscf(self, name, **fields):
        self.send("eP-CSCF", name, wic=self.k, **fields)

    # ---- registration -------------------------------------------------------------------
    def fetch_script(self):
        self.send("WWSF", "HTTPS_GET", wic=self.k)

    def login(self):
        self.send("WWSF", "LOGIN", wic=self.k)

    def keep_token(self):
        self.v.token, self.v.impu = self.msg.token, self.msg.impu

    def forge_token(self):
        self.v.token = "forged"

    def open_websocket(self):
        self.to_epcscf("WSS_CONNECT", origin="authorised")

    def register_own_identity(self):
        self.v.impu = scenario.impu_of(self.k)
        self.to_epcscf("REGISTER", impu=self.v.impu, cred="none", token="none", tna="no")

    def register_with_token(self):
        # U3: the token stands for the web identity (impu 0: the WAF maps it); U4: the pool
        # identity the WWSF assigned is registered, with the token that authorises it.
        self.to_epcscf("REGISTER", impu=self.v.impu, cred="token", token=self.v.token, tna="no")

    def answer_challenge(self):
        # TS 33.203 U.2.1: the WIC verifies AUTN and computes RES itself (or the digest
        # response from its own password); only the response goes into SIP.
        cred = "res" if self.msg.auth == "aka" else "digest"
        self.to_epcscf("REGISTER", impu=self.v.impu, cred=cred, token="none", tna="no")

    def now_registered(self):
        self.v.impu = self.msg.impu

    # ---- sessions ---------------------------------------------------------------------------
    def dial(self):
        self.to_epcscf("INVITE", caller=self.v.impu, callee=0, profile="webrtc", codec="opus")

    def offered_call(self):
        if self.msg.callee != self.v.impu:
            self.mark("invite_for_another_identity")
        self.to_epcscf("183", profile="webrtc", codec="opus")

    def answer(self):
        self.to_epcscf("200(INVITE)", profile="webrtc", codec="opus")

    def send_(name):
        def f(e):
            e.to_epcscf(name)

        f.__name__ = f"send_{name}"
        return f

    transitions = [
        T("idle", "loading", on=event("browse"), when=lambda e: scenario.auth(e.config) != "none",
          do="fetch_script", step=reg_step("1", "1")),
        T("loading", "loaded", on=recv("WWSF", "SCRIPT"), step=reg_step("1", "1")),
        T("loaded", "connecting", on=event("connect"), when=_ims_credentials, do="open_websocket",
          step=reg_step(ims="2")),
        T("loaded", "logging_in", on=event("login"), when=_token_based, do="login", step=reg_step(web="2")),
        T("logging_in", "authenticated", on=recv("WWSF", "TOKEN"), do="keep_token", step=reg_step(web="2")),
        T("loaded", "authenticated", on=event("forge_token"),
          when=[_token_based, lambda e: scenario.fault(e.config, "bad_token")], do="forge_token",
          note=f"a client presenting a forged token ({NOT_IN_ANNEX_U})"),
        T("authenticated", "connecting", on=event("connect"), do="open_websocket", step=reg_step(web="3")),
        T("connecting", "connected", on=recv("eP-CSCF", "WSS_ACCEPT"), step=reg_step("2", "3")),
        T("connecting", "failed", on=recv("eP-CSCF", "WSS_REJECT")),
        T("connected", "registering", on=event("register"), when=_ims_credentials, do="register_own_identity",
          step=reg_step(ims="3")),
        T("connected", "registering", on=event("register"), when=_token_based, do="register_with_token",
          step=reg_step(web="4")),
        T("registering", "authenticating", on=recv("eP-CSCF", "401"), do="answer_challenge", step=reg_step(ims="6")),
        T(["registering", "authenticating"], "registered", on=recv("eP-CSCF", "200(REGISTER)"), do="now_registered",
          step=reg_step("8", "7")),
        T(["registering", "authenticating"], "failed", on=recv("eP-CSCF", "403"),
          note="registration refused (TS 24.229 5.1.1.2)"),
        T("authenticating", "failed", on=recv("eP-CSCF", "401"), note="a second challenge ends the attempt"),
        # ---- outbound session (U5) --------------------------------------------------------------
        T("registered", "dialing", on=event("dial"), when=lambda e: scenario.wic_dials(e.config, e.k), do="dial",
          step=step(U5="1")),
        T("dialing", "early", on=recv("eP-CSCF", "183"), step=step(U5="4")),
        T(["dialing", "early"], None, on=recv("eP-CSCF", "180"), step=step(U5="5"), note="alerting (optional)"),
        T(["dialing", "early"], "in_call", on=recv("eP-CSCF", "200(INVITE)"), do=send_("ACK"), step=step(U5="7")),
        T(["dialing", "early"], "call_over", on=recv("eP-CSCF", "403"), note="the call was refused"),
        # ---- inbound session (U6) ---------------------------------------------------------------
        T("registered", "offered", on=recv("eP-CSCF", "INVITE"), do="offered_call", step=step(U6="3")),
        T("offered", "ringing", on=event("ring"), do=send_("180"), step=step(U6="5"), note="alerting (optional)"),
        T(["offered", "ringing"], "answered", on=event("answer"), do="answer", step=step(U6="5")),
        T("answered", "in_call", on=recv("eP-CSCF", "ACK"), note="ACK (RFC 3261 13.2.2.4)"),
        # ---- end of the session (RFC 3261 15; Annex U refers to normal IMS procedures) ------------
        T("in_call", "ending", on=event("hangup"), when=lambda e: scenario.hangs_up(e.config, "WIC"), do=send_("BYE"),
          note="the user hangs up (RFC 3261 15)"),
        T("ending", "call_over", on=recv("eP-CSCF", "200(BYE)")),
        T("in_call", "call_over", on=recv("eP-CSCF", "BYE"), do=send_("200(BYE)"), note="the far end hung up"),
    ]
