"""WIC - the WebRTC IMS Client (the browser's JavaScript), with the USER folded in as the
environment events that drive it (browse, log in, register, dial, answer, hang up).

Seed: 6.X.2.2.1-6.X.2.2.3 and 6.X.2.2.5 (registration, steps 1-15), 6.X.2.3.1-6.X.2.3.4
(sessions).  The WIC talks SIP over a secure WebSocket to the WST (NOTE 1 of 6.X.2.1), to the
UICC for IMS AKA, to the CSS for its script and to the IWAIS for web login.
"""

from imsflow.authoring import Entity, T, event, recv

from . import scenario
from .common import NOT_IN_SEED, discard, when_fault

LIVE = ["connected", "reading_id", "registering", "uicc_auth", "authenticating", "registered", "deregistering",
        "dialing", "early", "alerted", "cancelling", "offered", "ringing_in", "answered", "in_call",
        "ending", "call_over", "failed"]
DIALLING = ["dialing", "early", "alerted"]
CALL_FAILURES = ["486", "487", "488", "606", "480", "403"]
REG_STEPS = {"F1": "1", "F2": "1", "F3": "1", "F5": "1"}


def _is(method):
    return lambda e: scenario.auth(e.config) == method


def _token_based(e):
    return scenario.auth(e.config) in ("token", "pool")


def _ims_credentials(e):
    return scenario.auth(e.config) in ("aka", "digest")


def _offer_answer(e):
    return e.config.offer_answer == "yes"


def _no_offer_answer(e):
    return e.config.offer_answer == "no"


def _ringing(e):
    return e.config.ringing == "yes"


def _client_digest(e):
    return scenario.client_digest(e.config)


def _wst_digest(e):
    return not scenario.client_digest(e.config)


def _lifecycle(e):
    return scenario.lifecycle(e.config)


def _refreshes(e):
    # F5's WIC holds no registration of its own in IMS (the CSS registered the range): nothing to refresh.
    return scenario.lifecycle(e.config) and not scenario.pool_mode(e.config)


LIFECYCLE = "TS 24.229 5.1.1.4 (refresh), 5.1.1.6 (user de-registration), 5.1.1.7 and 5.4.1.5 (network de-registration)"


class WIC(Entity):
    """WebRTC IMS Client and its user."""

    name = "WIC"
    standard = "RFC 3261 (SIP user agent); RFC 7118 (SIP over WebSocket)"
    clause = "6.X.2.2, 6.X.2.3"
    states = [
        "idle", "loading", "loaded", "logging_in", "authenticated", "connecting", "connected",
        "reading_id", "registering", "uicc_auth", "authenticating", "registered", "deregistering", "failed",
        "dialing", "early", "alerted", "cancelling", "offered", "ringing_in", "answered",
        "in_call", "ending", "call_over", "disconnected",
    ]
    initial = "idle"
    end_states = ["idle", "registered", "failed", "call_over", "disconnected", "in_call"]
    variables = {
        "token": ("none", "valid", "forged", "expired"),
        "impu": (0, 1, 2, 3, 4, 5, 6),
        # The lifecycle is bounded like the intruder: each WIC refreshes at most once and leaves
        # (de-registers) at most once, then may register again - enough for every crossing of a
        # refresh, a de-registration and the network's, without an unbounded loop of them.
        "refreshed": ("no", "yes"),
        "left": ("no", "yes"),
    }

    def start(self):
        if scenario.registered_at_start(self.config):
            return "registered", {"token": "none", "impu": scenario.impu_of(self.index or 1), "refreshed": "no",
                                  "left": "no"}
        return "idle", {"token": "none", "impu": 0, "refreshed": "no", "left": "no"}

    # ---- effects ------------------------------------------------------------------------------
    def my_impu(self):
        return scenario.impu_of(self.index or 1)

    def fetch_script(self):
        self.send("CSS", "HTTPS_GET", wic=self.index or 1)

    def open_websocket(self):
        self.send("WST", "WSS_CONNECT", wic=self.index or 1, origin="authorised")

    def login(self):
        self.send("IWAIS", "LOGIN", wic=self.index or 1)

    def keep_token(self):
        self.v.token = self.msg.token

    def expire_token(self):
        self.v.token = "expired"

    def forge_token(self):
        self.v.token = "forged"

    def read_uicc(self):
        self.send("UICC", "READ_ID", index=self.index)

    def register_with_uicc_identity(self):
        self.v.impu = self.msg.impu
        self._register(impu=self.msg.impu, cred="none")

    def register_with_password(self):
        # The seed, step 3 of 6.X.2.2.2: "The WIC sends a registration request ... including
        # the IMPU and IMS digest password" - the cleartext password leaves its owner here.
        self.v.impu = self.my_impu()
        self._register(impu=self.my_impu(), cred="password")

    def register_for_challenge(self):
        # digest=client: the standard first REGISTER, with the IMPU and no credential (TS 24.229 5.1.1.2).
        self.v.impu = self.my_impu()
        self._register(impu=self.my_impu(), cred="none")

    def answer_digest(self):
        # digest=client: the WIC computes the response from its own password (RFC 3261 22.4), so
        # the password stays with it and only the response travels.
        self._register(impu=self.v.impu, cred="digest", response="matches")

    def register_with_token(self):
        self._register(impu=0, cred="token", token=self.v.token)

    def _register(self, **fields):
        fields.setdefault("token", "none")
        fields.setdefault("response", "none")
        self.send("WST", "REGISTER", wic=self.index or 1, tna="no", **fields)

    def ask_uicc(self):
        self.send("UICC", "AUTHENTICATE", index=self.index, autn="valid")

    def answer_challenge(self):
        # Steps 10-11: the RES the UICC computed goes into the new REGISTER as it is - or, with
        # IMS AKA over TLS (aka=tls), the AKAv2 response the WIC computes from it with CK and IK
        # (RFC 4169 3; TS 33.203 X.2): the RES itself never leaves the WIC.
        cred = "akav2" if scenario.aka_over_tls(self.config) else "res"
        self._register(impu=self.v.impu, cred=cred, response=self.msg.response)

    def now_registered(self):
        self.v.impu = self.msg.impu

    def refresh(self):
        # A refresh is a REGISTER like the first, for the identity already registered; the
        # network may challenge it again (TS 24.229 5.1.1.4).
        self.v.refreshed = "yes"
        if scenario.auth(self.config) == "token":
            self.register_with_token()
        else:
            seed_digest = scenario.auth(self.config) == "digest" and not scenario.client_digest(self.config)
            self._register(impu=self.v.impu, cred="password" if seed_digest else "none")

    def deregister(self):
        # The WIC stops using its identity as it asks to leave: in F5 the WST frees a range
        # identity at once, and the IWAIS may bind it to another WIC before this one hears the
        # 200 - which would then find two WICs holding it.
        self.v.left = "yes"
        self.send("WST", "de-REGISTER", wic=self.index or 1, impu=self.v.impu)
        self.v.impu = 0

    def deregistered_by_network(self):
        self.v.impu = 0
        self.send("WST", "200(NOTIFY)", wic=self.index or 1)

    def to_wst(name, **fixed):
        def send(e):
            e.send("WST", name, wic=e.index or 1, **fixed)

        send.__name__ = f"send_{name}"
        return send

    def dial(self):
        self.send("WST", "INVITE", wic=self.index or 1, caller=self.v.impu, callee=0,
                  profile="webrtc", codec="opus", addr="wic")

    def note_callee(self):
        # What the user sees: a call for somebody else's identity would be a routing failure.
        if self.msg.callee != self.v.impu:
            self.mark("invite_for_another_identity")

    def drop_websocket(self):
        # The registration lives on the WebSocket (RFC 7118; the flow outbound on it): with the
        # socket gone the WIC holds no IMPU any more and must register again.
        self.v.impu = 0
        self.send("WST", "WS_CLOSED", wic=self.index or 1)

    def ack_and_bye(self):
        self.send("WST", "ACK", wic=self.index or 1)
        self.send("WST", "BYE", wic=self.index or 1)

    send_prack = to_wst("PRACK")
    send_ack = to_wst("ACK")
    send_bye = to_wst("BYE")
    send_cancel = to_wst("CANCEL")
    send_200_bye = to_wst("200(BYE)")
    send_200_prack = to_wst("200(PRACK)")
    send_183 = to_wst("183", profile="webrtc", codec="opus", addr="wic")
    send_180 = to_wst("180")
    send_200_invite = to_wst("200(INVITE)", profile="webrtc", codec="opus", addr="wic")
    send_487 = to_wst("487")
    send_200_notify = to_wst("200(NOTIFY)")

    transitions = [
        # 1. the user opens the Client Script Server's URI; the script comes over HTTPS
        T("idle", "loading", on=event("browse"), when=lambda e: scenario.auth(e.config) != "none",
          do="fetch_script", step=REG_STEPS),
        T("loading", "loaded", on=recv("CSS", "SCRIPT"), step=REG_STEPS),
        # F1, F2 step 2: secure WebSocket to the WST
        T("loaded", "connecting", on=event("connect"), when=_ims_credentials, do="open_websocket",
          step={"F1": "2", "F2": "2"}),
        # F3, F5 steps 2-3: web login at the IWAIS, a token back; step 4: the WebSocket
        T("loaded", "logging_in", on=event("login"), when=_token_based, do="login",
          step={"F3": "2-3", "F5": "2-3"}),
        T("logging_in", "authenticated", on=recv("IWAIS", "TOKEN"), do="keep_token",
          step={"F3": "2-3", "F5": "2-3"}),
        T("loaded", "authenticated", on=event("forge_token"), when=[_token_based, when_fault("bad_token")],
          do="forge_token", note=f"a client presenting a forged token ({NOT_IN_SEED})"),
        T("authenticated", None, on=event("token_expires"), when=[when_fault("bad_token"), lambda e: e.v.token == "valid"],
          do="expire_token", note=f"the token expires before use ({NOT_IN_SEED})"),
        T("authenticated", "connecting", on=event("connect"), do="open_websocket", step={"F3": "4", "F5": "4"}),
        T("connecting", "connected", on=recv("WST", "WSS_ACCEPT"), step={"F1": "2", "F2": "2", "F3": "4", "F5": "4"}),
        T("connecting", "failed", on=recv("WST", "WSS_REJECT")),
        # F1 step 3: IMPI/IMPU from the UICC, then REGISTER
        T("connected", "reading_id", on=event("register"), when=_is("aka"), do="read_uicc", step={"F1": "3"}),
        T("reading_id", "registering", on=recv("UICC", "IDENTITY"), do="register_with_uicc_identity", step={"F1": "3"}),
        # F2 step 3: IMPU and digest password; F3/F5 step 5: the token
        T("connected", "registering", on=event("register"), when=[_is("digest"), _wst_digest],
          do="register_with_password", step={"F2": "3"}),
        T("connected", "registering", on=event("register"), when=[_is("digest"), _client_digest],
          do="register_for_challenge", step={"F2": "3"},
          note="digest=client: the standard REGISTER, no password in it (the seed's step 3 puts it there)"),
        T("registering", "authenticating", on=recv("WST", "401"), when=[lambda e: e.msg.auth == "digest", _client_digest],
          do="answer_digest", step={"F2": "9-12"}, per="RFC 3261 22.4; TS 24.229 5.1.1.2.3",
          note="digest=client: the WIC answers the challenge itself"),
        T("connected", "registering", on=event("register"), when=_token_based, do="register_with_token",
          step={"F3": "5", "F5": "5"}),
        # F1 steps 9-10: the challenge goes to the UICC, RES comes back in a new REGISTER
        T("registering", "uicc_auth", on=recv("WST", "401"), when=lambda e: e.msg.auth == "aka",
          do="ask_uicc", step={"F1": "10"}),
        T("registering", "failed", on=recv("WST", "401"), when=lambda e: e.msg.auth != "aka" and not _client_digest(e),
          note=f"a digest challenge the WIC cannot answer ({NOT_IN_SEED})"),
        T("uicc_auth", "authenticating", on=recv("UICC", "AUTH_RESULT"), do="answer_challenge", step={"F1": "10"}),
        T("uicc_auth", "failed", on=recv("UICC", "AUTH_FAILURE"), note=f"AUTN did not verify ({NOT_IN_SEED})"),
        # step 15 (F5: step 7): registered and authenticated
        T(["registering", "authenticating"], "registered", on=recv("WST", "200(REGISTER)"), do="now_registered",
          step={"F1": "15", "F2": "15", "F3": "15", "F5": "7"}, tags=("wic_registered",)),
        T(["registering", "authenticating"], "failed", on=recv("WST", "403"),
          note=f"registration refused ({NOT_IN_SEED})"),
        T("authenticating", "failed", on=recv("WST", "401"), note=f"a second challenge ends the attempt ({NOT_IN_SEED})"),
        # ---- the registration lifecycle (lifecycle=full; not in the seed) ---------------------------
        T("registered", "registering", on=event("refresh"), when=[_refreshes, lambda e: e.v.refreshed == "no"], do="refresh",
          note=f"the WIC refreshes its registration before it expires ({NOT_IN_SEED})", per=LIFECYCLE),
        T("registered", "deregistering", on=event("deregister"), when=[_lifecycle, lambda e: e.v.left == "no"],
          do="deregister",
          note=f"the user de-registers: REGISTER with Expires: 0 ({NOT_IN_SEED})", per=LIFECYCLE),
        T("deregistering", "connected", on=recv("WST", "200(de-REGISTER)"),
          note=f"de-registered; the WebSocket stays and the user may register again ({NOT_IN_SEED})", per=LIFECYCLE),
        T("deregistering", "connected", on=recv("WST", "403"), per=LIFECYCLE,
          note=f"the de-registration was refused: the WIC has left all the same, and may register again ({NOT_IN_SEED})"),
        T(["registered", "deregistering"], "connected", on=recv("WST", "NOTIFY"), do="deregistered_by_network",
          note=f"the network de-registered the identity ({NOT_IN_SEED})", per=LIFECYCLE),
        T(["registering", "uicc_auth", "authenticating", "connected", "reading_id"], None, on=recv("WST", "NOTIFY"),
          do="send_200_notify", per=LIFECYCLE,
          note=f"the network de-registered the identity while it is being registered anew ({NOT_IN_SEED})"),
        *discard(["connected", "reading_id", "registering", "uicc_auth", "authenticating", "registered"], "WST",
                 ["200(de-REGISTER)"], "the de-registration crossed the network's"),
        # ---- outbound session (6.X.2.3.1 / 6.X.2.3.3) --------------------------------------------
        T("registered", "dialing", on=event("dial"), when=lambda e: scenario.wics_dial(e.config),
          do="dial", step={"F6": "1", "F8": "1"}),
        T(DIALLING, None, on=recv("WST", "100")),
        T("dialing", "early", on=recv("WST", "183"), when=_offer_answer, do="send_prack", step={"F6": "10", "F8": "10"}),
        T(["early", "alerted"], None, on=recv("WST", "200(PRACK)"), step={"F6": "10", "F8": "10"}),
        T(DIALLING, "alerted", on=recv("WST", "180"), when=_ringing, step={"F6": "11-14", "F8": "12-15"}),
        T(DIALLING, None, on=recv("WST", "180"), when=lambda e: not _ringing(e), tags=("ringing_unsupported",),
          note="a 180 reached a WIC that does not support ringing; it cannot render it"),
        T(DIALLING, "in_call", on=recv("WST", "200(INVITE)"), do="send_ack",
          step={"F6": "20", "F8": "21"}, tags=("wic_answered_leg",)),
        *[T(DIALLING, "call_over", on=recv("WST", m), note=f"call failed ({NOT_IN_SEED})") for m in CALL_FAILURES],
        T(DIALLING, "cancelling", on=event("cancel"), when=when_fault("cancel"), do="send_cancel",
          note=f"the user hangs up before the answer: CANCEL (RFC 3261 9; {NOT_IN_SEED})"),
        T("cancelling", "call_over", on=recv("WST", "487")),
        T("cancelling", "ending", on=recv("WST", "200(INVITE)"), do="ack_and_bye",
          note=f"200 crossed the CANCEL: ACK then BYE (RFC 3261 15; {NOT_IN_SEED})"),
        *discard("cancelling", "WST", ["100", "180", "183", "200(PRACK)"], "late provisional response after CANCEL"),
        *[T("cancelling", "call_over", on=recv("WST", m)) for m in ["486", "488", "606", "480", "403"]],
        # ---- inbound session (6.X.2.3.2 / 6.X.2.3.4) ----------------------------------------------
        T("registered", "offered", on=recv("WST", "INVITE"), when=_offer_answer, do=["note_callee", "send_183"],
          step={"F7": "6", "F9": "7-8"}, tags=("wic_received_invite",)),
        T("registered", "offered", on=recv("WST", "INVITE"), when=_no_offer_answer, do="note_callee",
          tags=("wic_received_invite",), note="no IMS offer/answer: the WIC answers only with 200 (NI-T at the WST)"),
        T(["offered", "ringing_in", "answered"], None, on=recv("WST", "PRACK"), do="send_200_prack", step={"F7": "13", "F9": "13"}),
        T("offered", "ringing_in", on=event("ring"), when=_ringing, do="send_180", step={"F7": "14-17", "F9": "15-18"}),
        T(["offered", "ringing_in"], "answered", on=event("answer"), do="send_200_invite",
          step={"F7": "18-23", "F9": "19"}, tags=("wic_answers",)),
        T("answered", "in_call", on=recv("WST", "ACK")),
        T(["offered", "ringing_in"], "call_over", on=recv("WST", "CANCEL"), do="send_487",
          note=f"the caller gave up (RFC 3261 9.2; {NOT_IN_SEED})"),
        *discard(["answered", "in_call", "ending", "call_over"], "WST", ["CANCEL"], "CANCEL crossed our 200"),
        # ---- end of session (RFC 3261 15; not in the seed) -------------------------------------
        T("in_call", "ending", on=event("hangup"), do="send_bye", note=f"the user hangs up ({NOT_IN_SEED})"),
        T("ending", "call_over", on=recv("WST", "200(BYE)")),
        T(["in_call", "answered"], "call_over", on=recv("WST", "BYE"), do="send_200_bye"),
        T("ending", "call_over", on=recv("WST", "BYE"), do="send_200_bye", note="BYEs crossed: the call is over"),
        T("call_over", None, on=recv("WST", "BYE"), do="send_200_bye", note="late BYE for a finished call"),
        *discard(["in_call", "call_over"], "WST", ["200(INVITE)", "100", "180", "183", "200(PRACK)"],
                 "retransmitted or late response for an established call"),
        *discard("call_over", "WST", ["200(BYE)", "487", "486", "488", "606", "480", "403", "ACK", "PRACK"],
                 "late message for a finished call"),
        *discard("registered", "WST", ["BYE", "200(BYE)", "CANCEL", "PRACK", "ACK"], "message for no call"),
        T(["call_over", "in_call", "dialing", "early", "alerted", "cancelling", "offered", "ringing_in",
           "answered", "ending"], None, on=recv("WST", "INVITE"), do=lambda e: e.send("WST", "486", wic=e.index or 1),
          note=f"busy: one call at a time ({NOT_IN_SEED})"),
        # ---- the WebSocket drops (fault ws_drop; not in the seed) ---------------------------------
        T(LIVE, "disconnected", on=event("ws_drop"), when=when_fault("ws_drop"), do="drop_websocket",
          note=f"the WebSocket drops ({NOT_IN_SEED})"),
        *discard("disconnected", "WST", [
            "WSS_ACCEPT", "WSS_REJECT", "401", "403", "200(REGISTER)", "100", "180", "183", "200(PRACK)",
            "200(INVITE)", "486", "487", "488", "606", "480", "INVITE", "PRACK", "ACK", "BYE", "200(BYE)", "CANCEL",
            "200(de-REGISTER)", "NOTIFY",
        ], "the WebSocket is gone"),
        *discard("disconnected", "UICC", ["IDENTITY", "AUTH_RESULT", "AUTH_FAILURE"], "the script is gone"),
        *discard("failed", "WST", ["403", "401", "200(REGISTER)", "WSS_REJECT", "NOTIFY", "200(de-REGISTER)"],
                 "late answer to a failed attempt"),
    ]
