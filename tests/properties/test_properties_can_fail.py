"""Each property that was changed to observe behaviour (and the two whose `where` used to read
the wrong message) is shown to FAIL on a deliberately broken seed model and to hold on the
seed itself: a property that no broken model can violate proves nothing."""

import pytest

from imsflow.pipeline import CheckRequest, check

from model.common import to_wic

from . import breakage as b


def _verdict(prop, flow, settings):
    run = check(CheckRequest(flows=[flow], properties=[prop], settings=settings, progress=False))
    (result,) = [r for r in run.results if r.property == prop]
    return result


# ---- the breakages ----------------------------------------------------------------------------

def scscf_asks_vectors_for_tna(mp):
    """The S-CSCF answers a trusted-node REGISTER with MAR (it should go straight to SAR)."""

    def ask(self):
        self.v.impu = self.msg.impu
        self.send("HSS", "MAR", wic=self.context, impu=self.msg.impu)

    b.patch_method(mp, "S-CSCF", "trusted_node", ask)


def wst_accepts_rogue_origin(mp):
    """The WST accepts the ROGUE's WebSocket from an unauthorised origin."""
    b.patch_transitions(mp, "WST", b.receipt("ROGUE", "WSS_CONNECT"), do="accept_ws")


def scscf_skips_authentication(mp):
    """The S-CSCF registers a REGISTER without credentials straight away (SAR, no MAR/401) -
    and, as a broken function would, still marks itself 'tna_accepted'."""
    b.patch_transitions(mp, "S-CSCF", lambda t: t.do == "ask_vectors", do="trusted_node", dest="saving")


def scscf_registers_another_identity(mp):
    """The S-CSCF's 200 names an identity other than the one it authenticated."""

    def ok(self):
        self.mark("scscf_registered")
        self._to_icscf("200(REGISTER)", impu=2 if self.v.impu != 2 else 3)

    b.patch_method(mp, "S-CSCF", "registered_ok", ok)


def uicc_with_another_key(mp):
    """The environment, not the S-CSCF: a card whose K is not the subscription's computes a RES
    that differs from XRES."""
    b.patch_method(mp, "UICC", "compute_res",
                   lambda self: (self.mark("autn_verified"), self.reply("AUTH_RESULT", cred="res", response="wrong")))


def scscf_skips_res_check_against_a_wrong_card(mp):
    """The S-CSCF accepts any response of the challenged scheme without comparing RES with XRES
    (and the card's RES is wrong)."""
    uicc_with_another_key(mp)
    b.patch_method(mp, "S-CSCF", "response_matches",
                   lambda self: (self.v.av, self.msg.cred) in (("aka", "res"), ("digest", "digest")))


def wst_binds_range_identity_on_any_result(mp):
    """The WST binds a WIC to a range identity and confirms it whatever the IWAIS answered."""
    b.patch_transitions(mp, "WST", lambda t: t.do == "bind_range_identity", when=None)


def wst_registers_on_any_token_result(mp):
    """The WST sends the trusted-node REGISTER whatever the IWAIS answered about the token."""
    b.patch_transitions(mp, "WST", lambda t: t.do == "register_as_trusted_node", when=None)


def iwais_accepts_every_token(mp):
    """The IWAIS answers 'valid' (with the WIC's identity) for any token."""
    b.patch_method(mp, "IWAIS", "verify",
                   lambda self: self.reply("TOKEN_RESULT", wic=self.context, result="valid", impu=self.context))


def wst_registers_another_identity(mp):
    """The WST's trusted-node REGISTER carries an identity other than the one the token maps to."""

    def register(self):
        self.v.impu = 2 if self.msg.impu != 2 else 3
        self.mark("identity_mapped")
        self.forward_register(tna="claimed")

    b.patch_method(mp, "WST", "register_as_trusted_node", register)


def wst_forgets_pool_release(mp):
    """The WST does not tell the IWAIS that a WIC holding a range identity has gone."""

    def gone(self):
        self.mark("ws_closed")
        self.release()

    b.patch_method(mp, "WST", "ws_gone", gone)


def wst_swallows_ims_200(mp):
    """The WST takes the IMS 200 (REGISTER) and tells its WIC nothing."""
    b.patch_method(mp, "WST", "registered_ok", lambda self: self.mark("wst_sent_200_register"))


def pcscf_trusts_every_sender(mp):
    """The P-CSCF asserts trusted-node authentication for any sender (the ROGUE included)."""
    b.patch_method(mp, "P-CSCF", "trusts_sender", lambda self: True)


def pcscf_asserts_tna_for_anyone_silently(mp):
    """The P-CSCF asserts TNA for whoever claims it - without marking 'tna_asserted', as a
    function that forgot the bookkeeping would: only the REGISTER on Mw shows it."""

    def forward(self):
        self.v.peer = self.sender
        tna = "asserted" if self.msg.tna == "claimed" else "no"
        self.send("I-CSCF", "REGISTER", wic=self.context, impu=self.msg.impu, cred=self.msg.cred,
                  token=self.msg.token, tna=tna, response=self.msg.response)

    b.patch_method(mp, "P-CSCF", "forward_register", forward)


def pcscf_takes_any_invite_silently(mp):
    """The P-CSCF takes an originating INVITE from a node that did not register the contact,
    without marking 'originating_invite_accepted'."""
    b.patch_method(mp, "P-CSCF", "from_registered_peer", lambda self: self.v.reg == "yes")

    def hold(self):
        self.v.agw = "yes"
        self.v.caller, self.v.profile, self.v.codec = self.msg.caller, self.msg.profile, self.msg.codec
        self.send("AGW", "AGW_RESERVE", wic=self.context)

    b.patch_method(mp, "P-CSCF", "hold_invite", hold)


def uicc_gives_res_unasked(mp):
    """The UICC hands out a RES with the identity, without any AUTHENTICATE."""

    def identity(self):
        self.reply("IDENTITY", impu=self.index or 1)
        self.reply("AUTH_RESULT", cred="res", response="matches")

    b.patch_method(mp, "UICC", "identity", identity)


def wst_takes_sip_on_a_refused_websocket(mp):
    """The WST refuses the WebSocket (WSS_REJECT) yet opens it and takes the WIC's SIP; the WIC
    goes on regardless."""
    b.patch_method(mp, "WST", "accept_ws", lambda self: self.reply("WSS_REJECT", wic=self.context))
    b.patch_transitions(mp, "WIC", b.receipt("WST", "WSS_REJECT"), dest="connected")


def pcscf_takes_any_invite(mp):
    """The P-CSCF accepts an originating INVITE from a node that did not register the contact."""
    b.patch_method(mp, "P-CSCF", "from_registered_peer", lambda self: self.v.reg == "yes")


def pcscf_opens_gate_on_183(mp):
    """The IMS-ALG confirms the AGW's final resources on the 183 (media before the 200 OK)."""

    def authorise(self):
        if self.v.rx == "no":
            self.v.rx = "yes"
            self.send("PCRF", "AAR", wic=self.context, qos="ims")
        self.send("AGW", "AGW_CONFIRM", wic=self.context)

    b.patch_method(mp, "P-CSCF", "authorise_qos", authorise)


def scscf_updates_before_init(mp):
    """The S-CSCF updates the media IWF before initialising it."""

    def init(self):
        self.mark("media_mismatch")
        self.v.mrf = "yes"
        self.send("MRF", "MRF_UPDATE", wic=self.context, codec="amrwb")
        self.send("MRF", "MRF_INIT", wic=self.context, a=self.v.a, b=self.msg.profile)

    b.patch_method(mp, "S-CSCF", "init_mrf", init)


def scscf_skips_mrf_update(mp):
    """The S-CSCF takes the MRF's answer to the initialisation as if the codec negotiation were
    done: it never updates the media IWF and goes on to the offer/answer (6.X.2.3.1 step 9
    skipped).  In a world where the MRF answers, merely not sending MRF_UPDATE would leave the
    S-CSCF waiting for an answer that never comes - a deadlock, not this property's concern."""
    b.patch_transitions(mp, "S-CSCF", lambda t: t.source == "o_iwf_init" and t.dest == "o_iwf_ready",
                        dest="o_early", do="relay_answer_out")


def scscf_forgets_mrf_final(mp):
    """On the far end's 200 the S-CSCF forwards the 200 at once, without setting the MRF final
    (6.X.2.3.1 step 16 skipped)."""
    b.patch_transitions(mp, "S-CSCF", lambda t: t.source == "o_early" and t.dest == "o_final",
                        dest="o_answered", do="answered_out")


def wst_forgets_iwf_final(mp):
    """On the 200 from the P-CSCF the WST answers the WIC at once, without setting the external
    IWF final (6.X.2.3.3 step 20 skipped)."""
    b.patch_transitions(mp, "WST", lambda t: t.source == "o_ready" and t.dest == "o_final",
                        dest="o_answered", do="answered_out_via_iwf")


def pcscf_keeps_agw_resources(mp):
    """The P-CSCF ends the call without releasing the AGW."""

    def release(self):
        self.v.agw = "no"
        if self.v.rx == "yes":
            self.send("PCRF", "STR", wic=self.context)
            self.v.rx = "no"

    b.patch_method(mp, "P-CSCF", "release", release)


def scscf_keeps_mrf_resources(mp):
    """The S-CSCF ends the call without releasing the MRF."""
    b.patch_method(mp, "S-CSCF", "release", lambda self: setattr(self.v, "mrf", "no"))


def wst_drops_ack(mp):
    """The WST takes the WIC's ACK and does not pass it on towards IMS."""
    b.patch_method(mp, "WST", "ack_out", lambda self: None)


def wst_swallows_200_invite(mp):
    """The WST takes the 200 (INVITE) from IMS and tells the WIC nothing."""
    b.patch_method(mp, "WST", "answered_out", lambda self: self.mark("wst_sent_200_invite_to_wic"))


def wst_passes_the_token_into_ims(mp):
    """The WST's trusted-node REGISTER carries the WIC's web token on into IMS."""

    def forward(self, cred="none", tna="no", response="none"):
        self.send("P-CSCF", "REGISTER", wic=self.context, impu=self.v.impu, cred=cred,
                  token="valid" if tna == "claimed" else "none", tna=tna, response=response)

    b.patch_method(mp, "WST", "forward_register", forward)


def pcscf_passes_on_the_claim(mp):
    """The P-CSCF does not trust the sender, yet passes its TNA claim on instead of removing it."""

    def forward(self):
        self.v.peer = self.sender
        tna = "asserted" if self.msg.tna == "claimed" and self.trusts_sender() else self.msg.tna
        self.send("I-CSCF", "REGISTER", wic=self.context, impu=self.msg.impu, cred=self.msg.cred,
                  token=self.msg.token, tna=tna, response=self.msg.response, node="other")

    b.patch_method(mp, "P-CSCF", "forward_register", forward)


def far_end_answers_ims_sdp_with_opus(mp):
    """The far end's IMS answer names Opus, a codec the IMS profile does not carry."""
    b.patch_method(mp, "REMOTE", "answer",
                   lambda self: (self.mark("remote_answers"),
                                 self._s("200(INVITE)", profile="ims", codec="opus", addr="remote")))


def wst_registers_no_identity(mp):
    """The WST forms its IMS REGISTER without the identity it registers."""

    def forward(self, cred="none", tna="no", response="none"):
        self.send("P-CSCF", "REGISTER", wic=self.context, impu=0, cred=cred, token="none", tna=tna, response=response)

    b.patch_method(mp, "WST", "forward_register", forward)


def wst_answers_the_wic_on_no_dialog(mp):
    """The WST passes the 200 (REGISTER) to the WIC without naming the WIC's context."""
    b.patch_transitions(mp, "WST", b.receipt("P-CSCF", "200(REGISTER)"),
                        do=lambda e: e.send("WIC", "200(REGISTER)", index=e.context, wic=0, impu=e.msg.impu))


def _wst_places_the_call(mp, caller=None, callee=None):
    """The WST's outbound INVITE with another caller or callee than the WIC's."""

    def invite_out(self):
        to_wic(self, "100")
        self._ims("INVITE", caller=self.v.impu if caller is None else caller,
                  callee=self.msg.callee if callee is None else callee, **self._media_out())

    b.patch_method(mp, "WST", "invite_out", invite_out)


def wst_calls_as_another_identity(mp):
    """The WST places the WIC's call as another identity than the one the WIC is bound to."""
    _wst_places_the_call(mp, caller=2)


def wst_dials_another_destination(mp):
    """The WST sends the WIC's call to a destination the WIC did not dial."""
    _wst_places_the_call(mp, callee=3)


def wst_offers_the_call_as_from_the_wic_itself(mp):
    """The WST offers the WIC an inbound call whose caller is the WIC's own identity."""
    b.patch_method(mp, "WST", "invite_in",
                   lambda self: self._offer_to_wic(self.msg.callee, self.msg.callee, self.msg.profile,
                                                   self.msg.codec, self.msg.addr))


def agw_never_opens_the_gate(mp):
    """The AGW takes the P-CSCF's confirmation of final resources but leaves its gate as it was."""
    b.patch_transitions(mp, "AGW", b.receipt("P-CSCF", "AGW_CONFIRM", source="reserved"), dest=None)


def mrf_stays_one_way(mp):
    """The MRF takes the S-CSCF's 'final' but never sets the media two-way."""
    b.patch_transitions(mp, "MRF", b.receipt("S-CSCF", "MRF_FINAL"), dest=None)


def hss_answers_every_sar_as_a_registration(mp):
    """The HSS records and answers a de-registration SAR as a registration."""
    def assign(self):
        self.reply("SAA", wic=self.msg.wic, impu=self.msg.impu, kind="register")
    b.patch_method(mp, "HSS", "assign", assign)


def wst_forgets_the_ims_leg_when_the_websocket_closes(mp):
    """The WST takes the close of a WIC's WebSocket during a call and sends no BYE into IMS."""
    b.patch_method(mp, "WST", "ws_gone_during_call", lambda self: self.mark("ws_closed"))


def scscf_updates_the_mrf_with_the_webrtc_codec(mp):
    """The S-CSCF updates the MRF's IMS leg with Opus, the WebRTC side's codec."""
    b.patch_method(mp, "S-CSCF", "update_mrf",
                   lambda self: self.send("MRF", "MRF_UPDATE", wic=self.context, codec="opus"))


def pcscf_routes_the_offer_with_the_wics_address(mp):
    """The P-CSCF forwards the WIC's offer into IMS with the WIC's own address, not the AGW's."""
    def held_invite(self, to):
        self.send(to, "INVITE", wic=self.context, caller=self.v.caller, callee=self.v.callee,
                  profile=self.v.profile, codec=self.v.codec, addr="wic")
    b.patch_method(mp, "P-CSCF", "_held_invite", held_invite)


def hss_answers_the_location_of_another_identity(mp):
    """The HSS answers a LIR with the location of another identity than the callee's."""
    def locate(self):
        self.reply("LIA", wic=self.msg.wic, impu=0, result="ok")
    b.patch_method(mp, "HSS", "locate", locate)


def wic_acks_on_no_dialog(mp):
    """The WIC's ACK to the 200 (INVITE) names no WIC context (no Call-ID of its dialog)."""
    b.patch_method(mp, "WIC", "send_ack", lambda e: e.send("WST", "ACK", wic=0))


def wst_answers_with_the_wics_own_address(mp):
    """The WST hands the WIC an SDP answer naming the WIC's own address instead of the anchor's."""
    original = b.entity("WST")._media_to_wic

    def media_to_wic(self, profile, codec, addr="agw"):
        return dict(original(self, profile, codec, addr), addr="wic")

    b.patch_method(mp, "WST", "_media_to_wic", media_to_wic)


def wic_sends_a_response_with_its_first_register(mp):
    """The WIC's first REGISTER (no credential yet) already carries a 'response'."""
    def register(e):
        e.v.impu = e.msg.impu
        e._register(impu=e.msg.impu, cred="none", response="matches")

    b.patch_method(mp, "WIC", "register_with_uicc_identity", register)


def wst_claims_tna_for_an_aka_user(mp):
    """The WST claims trusted node authentication when it forwards an AKA user's answer."""
    b.patch_transitions(mp, "WST", lambda t: getattr(t.on, "message", None) == "REGISTER"
                        and getattr(t.on, "sender", None) == "WIC" and t.source == "challenged"
                        and t.step == {"F1": "11-14"},
                        do=lambda e: e.forward_register(cred="res", tna="claimed", response=e.msg.response))


def icscf_skips_the_node_check(mp):
    """With the network checking TNA, the I-CSCF lets an assertion for an untrusted node through."""
    b.patch_method(mp, "I-CSCF", "tna_from_untrusted_node", lambda self: False)


# The far end (or the WIC) always ends a call in the end under weak fairness: a property that took
# that for the answer held with a proxy that swallowed the request.
FAIRNESS = "Only the other side's own end of the call, which weak fairness eventually brings, would end it."
SWALLOWED_WST_BYE = b.swallowing("P-CSCF", "WST", "BYE", why=FAIRNESS)

CASES = [
    # (property, flow, settings, breakage)
    ("no-mar-on-tna-path", "F3", {}, scscf_asks_vectors_for_tna),
    ("no-websocket-from-rogue-origin", "F1", {"rogue": "yes"}, wst_accepts_rogue_origin),
    ("no-websocket-from-rogue-origin", "F3", {"rogue": "yes"}, wst_accepts_rogue_origin),
    ("scscf-200-only-after-authentication", "F1", {}, scscf_skips_authentication),
    ("scscf-200-only-after-authentication", "F2", {}, scscf_skips_authentication),
    ("scscf-200-only-after-authentication", "F1", {}, scscf_skips_res_check_against_a_wrong_card),
    ("scscf-200-only-after-authentication", "F3", {}, scscf_registers_another_identity),
    ("range-200-after-valid-token", "F5", {"faults": "bad_token"}, wst_binds_range_identity_on_any_result),
    ("token-verified-before-mapping", "F3", {"faults": "bad_token"}, wst_registers_on_any_token_result),
    ("token-verified-before-mapping", "F5", {"faults": "bad_token"}, wst_binds_range_identity_on_any_result),
    ("iwais-accepts-only-valid-tokens", "F3", {"faults": "bad_token"}, iwais_accepts_every_token),
    ("mapping-before-register", "F3", {}, wst_registers_another_identity),
    ("pool-identity-released", "F5", {"faults": "ws_drop"}, wst_forgets_pool_release),
    ("register-answered", "F1", {}, wst_swallows_ims_200),
    ("tna-only-from-translator", "F3", {"rogue": "yes"}, pcscf_trusts_every_sender),
    ("tna-only-from-translator", "F3", {"rogue": "yes"}, pcscf_asserts_tna_for_anyone_silently),
    ("res-only-after-autn", "F1", {}, uicc_gives_res_unasked),
    ("sip-only-after-secure-websocket", "F1", {}, wst_takes_sip_on_a_refused_websocket),
    ("invite-only-from-registered-wic", "F6", {"rogue": "yes"}, pcscf_takes_any_invite),
    ("invite-only-from-registered-wic", "F6", {"rogue": "yes"}, pcscf_takes_any_invite_silently),
    ("no-media-before-200ok", "F6", {}, pcscf_opens_gate_on_183),
    ("iwf-initialised-before-update", "F6", {}, scscf_updates_before_init),
    ("iwf-updated-before-final", "F6", {}, scscf_skips_mrf_update),
    ("mrf-final-before-200-forwarded", "F6", {}, scscf_forgets_mrf_final),
    ("external-iwf-final-before-200-forwarded", "F8", {}, wst_forgets_iwf_final),
    ("agw-resources-released", "F6", {}, pcscf_keeps_agw_resources),
    ("iwf-resources-released", "F6", {}, scscf_keeps_mrf_resources),
    ("every-2xx-acked", "F6", {}, wst_drops_ack),
    ("invite-answered", "F6", {}, wst_swallows_200_invite),
    ("web-token-stays-on-the-web-side", "F3", {}, wst_passes_the_token_into_ims),
    ("tna-claim-ends-at-the-p-cscf", "F3", {"tna_trust": "none"}, pcscf_passes_on_the_claim),
    ("sdp-codec-matches-profile", "F6", {}, far_end_answers_ims_sdp_with_opus),
    ("registration-names-an-identity", "F1", {}, wst_registers_no_identity),
    ("every-message-names-its-wic", "F1", {}, wst_answers_the_wic_on_no_dialog),
    ("caller-identity-preserved", "F6", {}, wst_calls_as_another_identity),
    ("caller-identity-preserved", "F7", {}, wst_offers_the_call_as_from_the_wic_itself),
    ("callee-identity-preserved", "F6", {}, wst_dials_another_destination),
    ("ringing-reaches-the-caller", "F6", {}, b.swallowing("P-CSCF", "S-CSCF", "180")),
    ("prack-reaches-far-end", "F6", {}, b.swallowing("P-CSCF", "WST", "PRACK")),
    ("prack-reaches-far-end", "F8", {"ringing": "no"}, b.swallowing("P-CSCF", "WST", "PRACK")),
    ("remote-bye-answered", "F6", {}, b.swallowing("S-CSCF", "P-CSCF", "200(BYE)")),
    ("remote-bye-answered", "F9", {}, b.swallowing("S-CSCF", "P-CSCF", "200(BYE)")),
    ("rx-requests-answered", "F6", {}, b.swallowing("PCRF", "P-CSCF", "AAR")),
    ("rx-terminations-answered", "F7", {}, b.swallowing("PCRF", "P-CSCF", "STR")),
    ("second-rx-requests-answered", "F6", {"rx": "two"}, b.swallowing("PCRF", "WST", "AAR")),
    ("second-rx-terminations-answered", "F9", {"rx": "two"}, b.swallowing("PCRF", "WST", "STR")),
    ("sar-answered", "F1", {}, b.swallowing("HSS", "S-CSCF", "SAR")),
    ("sar-deregistration-answered-as-such", "F2", {"lifecycle": "full"}, hss_answers_every_sar_as_a_registration),
    ("expired-registration-cleared-at-hss", "F8", {"faults": "expiry"}, hss_answers_every_sar_as_a_registration),
    ("websocket-loss-ends-the-far-leg", "F6", {"faults": "ws_drop"}, wst_forgets_the_ims_leg_when_the_websocket_closes),
    ("websocket-loss-ends-the-far-leg", "F7", {"faults": "ws_drop"}, wst_forgets_the_ims_leg_when_the_websocket_closes),
    ("wst-bye-reaches-far-end", "F6", {}, SWALLOWED_WST_BYE),
    ("wic-hangup-reaches-far-end", "F8", {}, SWALLOWED_WST_BYE),
    ("far-hangup-reaches-wst", "F7", {}, b.swallowing("S-CSCF", "REMOTE", "BYE", why=FAIRNESS)),
    ("cancel-forwarded-by-the-p-cscf", "F6", {"faults": "cancel"},
     b.swallowing("P-CSCF", "WST", "CANCEL", "o_invited", FAIRNESS)),
    ("cancel-forwarded-by-the-s-cscf", "F8", {"faults": "cancel"},
     b.swallowing("S-CSCF", "P-CSCF", "CANCEL", "o_early", FAIRNESS)),
    ("inbound-cancel-forwarded-by-the-s-cscf", "F7", {"faults": "cancel"},
     b.swallowing("S-CSCF", "I-CSCF", "CANCEL", "t_invited", FAIRNESS)),
    ("inbound-cancel-forwarded-by-the-p-cscf", "F9", {"faults": "cancel"},
     b.swallowing("P-CSCF", "S-CSCF", "CANCEL", "t_invited", FAIRNESS)),
    ("mrf-updated-with-the-ims-codec", "F6", {}, scscf_updates_the_mrf_with_the_webrtc_codec),
    ("mrf-updated-with-the-ims-codec", "F7", {}, scscf_updates_the_mrf_with_the_webrtc_codec),
    ("no-web-address-inside-ims", "F6", {}, pcscf_routes_the_offer_with_the_wics_address),
    ("external-iwf-reservation-answered", "F8", {}, b.swallowing("IWF", "WST", "IWF_RESERVE")),
    ("external-iwf-update-answered", "F9", {}, b.swallowing("IWF", "WST", "IWF_UPDATE")),
    ("challenge-relayed-for-its-identity", "F2", {}, b.swallowing("I-CSCF", "S-CSCF", "401")),
    ("location-answered-for-the-callee", "F7", {}, hss_answers_the_location_of_another_identity),
    ("every-message-names-its-wic", "F6", {}, wic_acks_on_no_dialog),
    ("media-addresses-anchored", "F6", {}, wst_answers_with_the_wics_own_address),
    ("response-only-with-its-credential", "F1", {}, wic_sends_a_response_with_its_first_register),
    ("no-tna-claim-on-ims-credential-flows", "F1", {}, wst_claims_tna_for_an_aka_user),
    ("no-registration-for-intruder", "F1", {"tna_trust": "any", "tna_check": "network"}, icscf_skips_the_node_check),
]


@pytest.mark.parametrize("prop, flow, settings, breakage", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3].__name__}" for c in CASES])
def test_property_holds_on_the_seed_and_fails_on_a_broken_model(monkeypatch, prop, flow, settings, breakage):
    seed = _verdict(prop, flow, settings)
    assert seed.verdict.value == "holds", (prop, flow, seed.reason)
    breakage(monkeypatch)
    broken = _verdict(prop, flow, settings)
    assert broken.verdict.value == "violated", (prop, flow, breakage.__doc__, broken.reason)
    assert broken.trace, "a violation comes with its counterexample"


def test_the_seed_scscf_refuses_a_res_that_is_not_xres(monkeypatch):
    """With a card computing a wrong RES the seed's S-CSCF refuses it (403): no 200 is ever sent,
    so the property is vacuous - its trigger never happens - and not violated."""
    uicc_with_another_key(monkeypatch)
    assert _verdict("scscf-200-only-after-authentication", "F1", {}).verdict.value == "vacuous"


UNREACHABLE_CASES = [
    # (property, flow, breakage): a goal no run of the broken model reaches - no trace to show
    ("media-path-established", "F6", agw_never_opens_the_gate),
    ("media-path-established", "F7", mrf_stays_one_way),
]


@pytest.mark.parametrize("prop, flow, breakage", UNREACHABLE_CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2].__name__}" for c in UNREACHABLE_CASES])
def test_reachability_holds_on_the_seed_and_fails_when_a_node_never_takes_its_state(monkeypatch, prop, flow, breakage):
    assert _verdict(prop, flow, {}).verdict.value == "holds"
    breakage(monkeypatch)
    broken = _verdict(prop, flow, {})
    assert broken.verdict.value == "violated", (prop, flow, breakage.__doc__, broken.reason)
    assert "unreachable" in broken.reason, broken.reason
