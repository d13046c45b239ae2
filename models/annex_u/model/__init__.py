"""The final standard the seed became: WebRTC access to IMS as TS 23.228 Annex U and TS 24.371
specify it (with TS 33.203 Annex U for security).  One module per entity, as in the seed model;
the six flows in flows.py; the variants below.  Nothing here knows about search or solvers.

What changed from the seed (../../model/): there is no Web Signalling Translator - SIP over
WebSocket (RFC 7118) ends at the eP-CSCF, which checks the Origin, validates web tokens and is
itself the trusted node for TNA; the CSS became the WWSF and the IWAIS the WAF; media
interworking (ICE, DTLS-SRTP, transcoding) is done at the access edge by the eIMS-AGW the
eP-CSCF controls over Iq - no S-CSCF-invoked MRF, no external IWF; a pool identity is assigned
by the WWSF and each WIC still performs its own TNA registration; the WIC computes its own
digest or AKA response, so no password is handed to the network.

Sources.  The clause headings U.1.0, U.1.1, U.2.0, U.2.1.1 of TS 23.228 and clause 5 of
TS 24.371 were checked against the text available to the author; the finer clause numbers
(U.1.3, U.2.1.2-U.2.1.4, U.2.2.x of TS 23.228; 6.x and 7.x of TS 24.371; U.2.x of TS 33.203)
are cited from knowledge and may be off by a sub-clause.  Step numbers are this model's own
(flows.py gives the clause of each).  What Annex U leaves to the normal IMS procedures
(TS 23.228 5.2.2.3, 5.6, 5.7) is modelled as those, and what neither defines (failure paths,
the attacker) is marked in the transitions' notes.
"""

from imsflow.authoring import Composition, Model, Variant

from .agw import EIMSAGW
from .epcscf import EPCSCF
from .flows import FLOWS
from .hss import HSS
from .icscf import ICSCF
from .messages import VOCABULARY
from .pcrf import PCRF
from .remote import REMOTE
from .rogue import ROGUE
from .scscf import SCSCF
from .waf import WAF
from .wic import WIC
from .wwsf import WWSF

# Reference-architecture order (the lifelines of the sequence diagrams follow it).
ENTITIES = [WIC, WWSF, WAF, EPCSCF, EIMSAGW, ICSCF, SCSCF, HSS, PCRF, REMOTE, ROGUE]

VARIANTS = {v.name: v for v in [
    Variant("tna_trust", ("validated", "none", "any"),
            "which REGISTERs the eP-CSCF, as trusted node, asserts to IMS: those with a token the WAF "
            "validated (TS 33.203 U.2.2), none (not configured for web users), any (a broken eP-CSCF)"),
    Variant("interworking", ("edge", "off"),
            "the eP-CSCF has the eIMS-AGW interwork WebRTC and IMS media (U.1.1), or passes SDP through (broken)"),
    Variant("rogue", ("no", "yes"), "an untrusted client tries to register and call as WIC 1"),
    Variant("faults", ("none", "bad_token"), "failure injection: a WIC presenting a forged token"),
]}

TAGS = {
    "tna_asserted": "the eP-CSCF asserted trusted-node authentication to IMS",
    "token_verified": "the WAF found a token valid", "token_rejected": "the WAF found a token invalid",
    "tna_accepted": "the S-CSCF registered on a TNA assertion", "credentials_verified": "the S-CSCF verified RES or digest",
    "scscf_registered": "the S-CSCF completed a registration",
    "originating_invite_accepted": "the eP-CSCF accepted an originating INVITE",
    "invite_refused": "the eP-CSCF refused an INVITE",
    "transcoding": "the eIMS-AGW interworks WebRTC and IMS media",
    "webrtc_sdp_at_ims_end": "the far end got WebRTC SDP", "remote_answers": "the far end answered",
    "invite_for_another_identity": "a WIC was offered a call for an identity it is not bound to",
}


def compose(config) -> Composition:
    n = config.wics
    wics = [WIC(config, index=i, count=n) for i in range(1, n + 1)]
    others = [cls(config) for cls in ENTITIES[1:]]
    # The ROGUE ignores every answer: they go to a message set it never has to read.
    return Composition(entities=wics + others, capacity=3, channel_kinds={("eP-CSCF", "ROGUE"): "set"})


MODEL = Model(
    name="webrtc-ims-annex-u",
    entities=ENTITIES,
    vocabulary=VOCABULARY,
    compose=compose,
    flows=FLOWS,
    variants=VARIANTS,
    description="WebRTC access to IMS as standardised: TS 23.228 Annex U, TS 24.371 (eP-CSCF, eIMS-AGW, WWSF, WAF)",
    max_wics=2,
    tags=TAGS,
    intruder={"rogue": "yes"},
)
