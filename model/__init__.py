"""The seed model: WebRTC access to IMS through a Web Signalling Translator (3GPP TR 23.701
contribution, ../shared/seed/).  One module per entity, named as in CONTRACTS.md; the nine flows
in flows.py; the configuration variants below.  Nothing here knows about search or solvers.
"""

from imsflow.authoring import Composition, Model, Variant

from .agw import AGW
from .css import CSS
from .flows import FLOWS
from .hss import HSS
from .icscf import ICSCF
from .iwais import IWAIS
from .iwf import IWF
from .messages import VOCABULARY
from .mrf import MRF
from .pcrf import PCRF
from .pcscf import PCSCF
from .remote import REMOTE
from .rogue import ROGUE
from .scscf import SCSCF
from .standards import STANDARDS
from .uicc import UICC
from .wic import WIC
from .wst import WST

# Reference-architecture order (lifelines of the sequence diagrams follow it).
ENTITIES = [WIC, UICC, CSS, IWAIS, WST, IWF, PCSCF, AGW, ICSCF, SCSCF, HSS, MRF, PCRF, REMOTE, ROGUE]

VARIANTS = {v.name: v for v in [
    Variant("tna_trust", ("translator", "none", "any"),
            "which senders the P-CSCF trusts for trusted node authentication (6.1.3)"),
    Variant("tna_check", ("pcscf", "network"),
            "who checks that a REGISTER asserting trusted node authentication comes from a trusted node: the "
            "P-CSCF alone (the seed, 6.1.3), or the network too - the I-CSCF verifies the registering node "
            "before the S-CSCF skips authentication (TS 33.203 U.1, U.2 step 4; TS 33.210)"),
    Variant("ringing", ("yes", "no"), "the WIC supports ringing (180); if not, the WST suppresses it"),
    Variant("offer_answer", ("yes", "no"), "the WIC supports IMS offer/answer; if not, the WST does NI-O/NI-T"),
    Variant("iwf", ("internal", "external"), "media interworking inside IMS (MRF) or external (set by the flow)"),
    Variant("rx", ("one", "two"), "Rx clients of the PCRF: the P-CSCF only, or the P-CSCF and the WST"),
    Variant("sdp_rewrite", ("on", "off"), "the WST rewrites SDP between the WebRTC and IMS profiles"),
    Variant("early_media", ("no", "yes"), "media may flow before the 200 OK"),
    Variant("rogue", ("no", "yes"), "an untrusted node tries to register and call as WIC 1"),
    Variant("transcoding", ("reactive", "proactive"),
            "internal IWF: the S-CSCF inserts it after the far end answered or refused the WebRTC offer "
            "(6.X.2.3.1 as written; TS 23.228 Annex P, RFC 3264 6), or before it forwards the offer"),
    Variant("digest", ("translator", "client"),
            "F2: who computes the digest response - the WST, from the cleartext password the WIC hands it "
            "(the seed, 6.X.2.2.2 step 3), or the WIC itself, the password never leaving it (RFC 3261 22.4, "
            "TS 24.229 5.1.1.2.3: the standard procedure)"),
    Variant("aka", ("relayed", "tls"),
            "F1: how the WIC answers the AKA challenge - relayed through the WST, which forms the IMS REGISTER "
            "from the RES the UICC computed (the seed, 6.X.2.2.1 steps 10-14), or IMS AKA over TLS: the WIC "
            "computes an AKAv2 response bound to its own keys and channel, which the WST passes on untouched "
            "(TS 33.203 Annex X.2, P.1; TS 24.229 5.4.1.1 item 2A; RFC 4169: the standard procedure)"),
    Variant("lifecycle", ("once", "full"),
            "registration flows: the WIC registers once (the seed), or also refreshes, de-registers and "
            "registers again, and the network may de-register it (TS 24.229 5.1.1.4, 5.1.1.6, 5.4.1.5)"),
    Variant("faults", ("none", "bad_token", "reject", "cancel", "ws_drop", "expiry", "all"),
            "failure injection: paths the seed does not define"),
]}


# Observable facts entities mark() as they act; properties/ refer to them by name.
TAGS = {
    "autn_verified": "the UICC verified AUTN", "origin_rejected": "the WST refused a WebSocket's Origin",
    "password_received": "the WST was handed a cleartext password", "identity_mapped": "the WST mapped a token to an IMPU",
    "pool_identity_bound": "the WST bound a WIC to a range identity", "token_refused": "the WST refused a token",
    "token_verified": "the IWAIS found a token valid", "token_rejected": "the IWAIS found a token invalid",
    "pool_bound": "the IWAIS bound a range identity", "wst_sent_200_register": "the WST confirmed a registration",
    "invite_refused": "an INVITE was refused", "ni_o": "the WST did NI-O for the WIC", "ni_t": "the WST did NI-T",
    "ringing_suppressed": "the WST suppressed a 180", "iwf_final": "final (two-way) resources were requested",
    "wst_sent_200_invite_to_wic": "the WST told the WIC the call is answered",
    "wst_sent_200_invite_to_ims": "the WST told IMS the WIC answered", "wst_invite_to_wic": "the WST offered a call",
    "ws_closed": "the WST saw the WebSocket go", "tna_asserted": "the P-CSCF asserted trusted-node authentication",
    "originating_invite_accepted": "the P-CSCF accepted an originating INVITE",
    "gate_open_early": "the P-CSCF opened the AGW gate before the answer (early media)",
    "tna_accepted": "the S-CSCF registered on a TNA assertion", "credentials_verified": "the S-CSCF verified RES or digest",
    "scscf_registered": "the S-CSCF completed a registration", "registration_expired": "a registration expired",
    "media_mismatch": "the S-CSCF found the two ends' media profiles differ", "media_match": "the profiles agree",
    "early_media": "the S-CSCF set the IWF two-way on the 183", "webrtc_sdp_at_ims_end": "the far end got WebRTC SDP",
    "remote_answers": "the far end answered",
    "invite_for_another_identity": "a WIC was offered a call for an identity it is not bound to", "qos_reconciled": "the PCRF reconciled two different QoS requests",
}


def compose(config) -> Composition:
    n = config.wics
    wics = [WIC(config, index=i, count=n) for i in range(1, n + 1)]
    uiccs = [UICC(config, index=i, count=n) for i in range(1, n + 1)]
    others = [cls(config) for cls in ENTITIES[2:]]
    entities = wics + uiccs + others
    # A WIC talks to its own UICC only; every other pair may talk where the receiver listens.
    names = [e.instance for e in entities]
    links = {(a, b) for a in names for b in names if a != b}
    for w in wics:
        for u in uiccs:
            if w.index != u.index:
                links.discard((w.instance, u.instance))
                links.discard((u.instance, w.instance))
    # The ROGUE ignores every answer (model/rogue.py): they go to message sets it never has to read.
    kinds = {("P-CSCF", "ROGUE"): "set", ("WST", "ROGUE"): "set"}
    return Composition(entities=entities, capacity=3, links=links, channel_kinds=kinds)


MODEL = Model(
    name="webrtc-ims-wst",
    entities=ENTITIES,
    vocabulary=VOCABULARY,
    compose=compose,
    flows=FLOWS,
    variants=VARIANTS,
    description="WebRTC access to IMS through a Web Signalling Translator (TR 23.701 contribution)",
    max_wics=4,
    tags=TAGS,
    standards=STANDARDS,
    intruder={"rogue": "yes"},
)
