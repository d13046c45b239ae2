"""One message vocabulary for the whole model: SIP, Diameter Cx and Rx, Iq, Mr/Mp, the WST's
control of the external IWF, HTTPS, the secure WebSocket, web tokens and the UICC.

Data is abstract but faithful (DOMAIN.md): identities are indices, a token is valid, forged
or expired, credentials are tags (so that where a password or an XRES travels can be checked),
and SDP is reduced to a media profile and a codec.  Every dialog-level message carries `wic`,
the index of the WIC context it belongs to - the abstraction of Call-ID, Contact and the
WebSocket a translator maps them to.
"""

from imsflow.authoring import MessageType, Vocabulary

from .trust import TRUSTED_NODES

IMPU = (0, 1, 2, 3, 4, 5, 6)  # 0: none; 1-4: WIC i's own identity; 5-6: the wildcard range
POOL = (5, 6)
WIC = (0, 1, 2, 3, 4)
# akav2: an HTTP Digest AKAv2 response (RFC 4169) the WIC computes from RES, CK and IK over its own
# TLS channel (IMS AKA over TLS, TS 33.203 Annex X): usable only where it was computed.
CRED = ("none", "password", "res", "digest", "token", "akav2")
TOKEN = ("none", "valid", "forged", "expired")
TNA = ("no", "claimed", "asserted")
# Whether an authentication response is the one the network expects - RES = XRES (TS 33.102
# 6.3.3: both are f2 of the subscriber's K and the challenge's RAND), or a digest response
# computed from the subscription's password (RFC 3261 22.4).  A fact of the key material,
# set where the response is computed, so that what the S-CSCF accepts can be checked from
# the REGISTER it received rather than from the S-CSCF's own word.
RESPONSE = ("none", "matches", "wrong")
# The node a REGISTER entered IMS from, as the P-CSCF passes it on (its Via and Path record the
# hop it came over, RFC 3261 16.6 step 8, RFC 3327): what the I-CSCF reads to verify that a
# registering node is trusted before it lets a TNA assertion through (TS 33.203 U.2 step 4).
NODE = (*TRUSTED_NODES, "other")
PROFILE = ("webrtc", "ims")  # WebRTC: ICE + DTLS-SRTP + Opus; IMS: RTP/SRTP + AMR-WB
CODEC = ("opus", "amrwb")
YESNO = ("no", "yes")
# Whose transport address the SDP's connection line carries: the WIC's own, the external IWF's,
# the AGW's mapping (TS 23.334: the P-CSCF's IMS-ALG rewrites it), the MRF's, or the far end's.
ADDR = ("wic", "iwf", "agw", "mrf", "remote")

SDP = {"profile": PROFILE, "codec": CODEC, "addr": ADDR}
DIALOG = {"wic": WIC}


def _t(name, protocol, meaning, **fields):
    return MessageType(name, protocol, meaning, fields)


def _sip(name, meaning, **fields):
    return _t(name, "SIP", meaning, wic=WIC, **fields)


MESSAGES = [
    # HTTPS and the secure WebSocket (WRs2), 6.X.2.1 assumptions
    _t("HTTPS_GET", "HTTPS", "browser asks the Client Script Server for the WIC script", wic=WIC),
    _t("SCRIPT", "HTTPS", "the WebRTC JavaScript of the WIC, over HTTPS", wic=WIC),
    _t("WSS_CONNECT", "WSS", "secure WebSocket set-up with its Origin (RFC 6455 10.2)",
       wic=WIC, origin=("authorised", "rogue")),
    _t("WSS_ACCEPT", "WSS", "WebSocket accepted", wic=WIC),
    _t("WSS_REJECT", "WSS", "WebSocket refused (Origin not authorised)", wic=WIC),
    _t("WS_CLOSED", "WSS", "the WebSocket dropped (seen by the WST)", wic=WIC),
    # Web authentication (6.X.2.2.3, 6.X.2.2.5)
    _t("LOGIN", "HTTPS", "web identity and credentials entered by the user", wic=WIC),
    _t("TOKEN", "HTTPS", "token issued after web authentication", wic=WIC, token=TOKEN),
    _t("TOKEN_VERIFY", "HTTPS", "WST asks the IWAIS to verify a token and map it to IMS identities",
       wic=WIC, token=TOKEN, pool=YESNO),
    _t("TOKEN_RESULT", "HTTPS", "verdict on the token, with the IMPU it maps to",
       wic=WIC, result=("valid", "invalid", "exhausted"), impu=IMPU),
    _t("POOL_RELEASE", "HTTPS", "a WIC left: its range identity is free again", wic=WIC, impu=IMPU),
    _t("RANGE_INIT", "HTTPS", "step 0: a block of identities is to be registered", wic=WIC),
    _t("RANGE_READY", "HTTPS", "step 12: post-registration, the range is usable", wic=WIC),
    # UICC (ISIM) access by the WIC
    _t("READ_ID", "UICC", "WIC reads IMPI/IMPU from the UICC"),
    _t("IDENTITY", "UICC", "IMPI/IMPU of the device", impu=IMPU),
    _t("AUTHENTICATE", "UICC", "AUTHENTICATE(RAND, AUTN)", autn=("valid", "forged")),
    _t("AUTH_RESULT", "UICC", "RES computed by the UICC", cred=("res",), response=RESPONSE[1:]),
    _t("AUTH_FAILURE", "UICC", "AUTN did not verify: no RES"),
    # SIP registration
    _sip("REGISTER", "SIP REGISTER", impu=IMPU, cred=CRED, token=TOKEN, tna=TNA, response=RESPONSE, node=NODE),
    _sip("401", "401 Unauthorized: the challenge", impu=IMPU, auth=("aka", "digest"),
         keys=("none", "ck_ik")),
    _sip("403", "403 Forbidden", impu=IMPU),
    _sip("200(REGISTER)", "200 OK to REGISTER", impu=IMPU),
    # The registration lifecycle (variant lifecycle=full; not in the seed): a refresh is a REGISTER
    # like the first; user de-registration is a REGISTER with Expires: 0 (TS 24.229 5.1.1.6,
    # RFC 3261 10.2.2); network de-registration a NOTIFY of the reg event package (RFC 3680)
    # with the registration terminated (TS 24.229 5.4.1.5).
    _sip("de-REGISTER", "REGISTER with Expires: 0: the user de-registers the identity", impu=IMPU),
    _sip("200(de-REGISTER)", "200 OK to the de-registering REGISTER: the binding is gone", impu=IMPU),
    _sip("NOTIFY", "NOTIFY (reg event, state terminated): the network de-registered the identity", impu=IMPU),
    _sip("200(NOTIFY)", "200 OK to NOTIFY"),
    # SIP sessions (RFC 3261, 3262 PRACK, 3311 UPDATE, 3312 preconditions)
    _sip("INVITE", "SIP INVITE with an SDP offer", caller=IMPU, callee=IMPU, **SDP),
    _sip("100", "100 Trying"),
    _sip("180", "180 Ringing; rel=yes: sent reliably (100rel, RFC 3262), to be PRACKed", rel=YESNO),
    _sip("183", "183 Session Progress with the SDP answer", **SDP),
    _sip("PRACK", "PRACK: reliable provisional response acknowledged"),
    _sip("200(PRACK)", "200 OK to PRACK"),
    _sip("UPDATE", "UPDATE: resource reservation confirmed"),
    _sip("200(UPDATE)", "200 OK to UPDATE"),
    _sip("200(INVITE)", "200 OK: the session is answered", **SDP),
    _sip("ACK", "ACK to the 200 OK"),
    _sip("BYE", "BYE: end of session"),
    _sip("200(BYE)", "200 OK to BYE"),
    _sip("CANCEL", "CANCEL of a pending INVITE"),
    _sip("487", "487 Request Terminated (after CANCEL)"),
    _sip("486", "486 Busy Here / rejected by the callee"),
    _sip("480", "480 Temporarily Unavailable (not registered)"),
    _sip("488", "488 Not Acceptable Here (no common media)"),
    _sip("606", "606 Not Acceptable: the far end accepts none of the offered media anywhere (RFC 3261 21.6.4)"),
    # Diameter Cx (TS 29.228)
    _t("UAR", "Cx", "User-Authorization-Request (which S-CSCF); phase: of the first REGISTER, of the one "
       "answering the challenge, or of a de-registration (TS 29.228 6.1.1: DE_REGISTRATION)", wic=WIC, impu=IMPU, phase=("initial", "response", "deregister")),
    _t("UAA", "Cx", "User-Authorization-Answer", wic=WIC, impu=IMPU, result=("ok", "barred")),
    _t("MAR", "Cx", "Multimedia-Auth-Request (authentication vectors)", wic=WIC, impu=IMPU),
    _t("MAA", "Cx", "Multimedia-Auth-Answer: AKA vector (RAND, AUTN, XRES, CK, IK) or digest H(A1)",
       wic=WIC, impu=IMPU, av=("aka", "digest"), cred=("xres", "ha1")),
    _t("SAR", "Cx", "Server-Assignment-Request", wic=WIC, impu=IMPU, kind=("register", "deregister")),
    _t("SAA", "Cx", "Server-Assignment-Answer", wic=WIC, impu=IMPU, kind=("register", "deregister")),
    _t("LIR", "Cx", "Location-Info-Request (inbound: which S-CSCF)", wic=WIC, impu=IMPU),
    _t("LIA", "Cx", "Location-Info-Answer", wic=WIC, impu=IMPU, result=("ok", "unregistered")),
    # Iq: P-CSCF (IMS-ALG) controls the IMS Access Gateway
    _t("AGW_RESERVE", "Iq", "reserve initial resources, STUN/TURN, address/port mappings", wic=WIC),
    _t("AGW_RESERVED", "Iq", "resources reserved: the address/port mappings the IMS-ALG puts in the SDP (TS 29.334)",
       wic=WIC, addr=("agw",)),
    _t("AGW_CONFIRM", "Iq", "final resources confirmed: open the gates", wic=WIC),
    _t("AGW_RELEASE", "Iq", "release the resources", wic=WIC),
    # Mr/Mp: S-CSCF controls the internal media IWF (MRFC/MRFP, TS 23.228 Annex P)
    _t("MRF_INIT", "Mr", "initialise media interworking between two profiles", wic=WIC, a=PROFILE, b=PROFILE),
    _t("MRF_UPDATE", "Mr", "update after codec negotiation", wic=WIC, codec=CODEC),
    _t("MRF_FINAL", "Mr", "final resources: two-way media", wic=WIC),
    _t("MRF_RELEASE", "Mr", "release the interworking resources", wic=WIC),
    _t("MRF_ANSWER", "Mr", "the MRFC's answer to an Mr request: resources in place, with the MRFP's addresses "
       "for both legs' SDP (TS 23.228 Annex P; Mr is SIP, the answer a 200)", wic=WIC,
       op=("init", "update", "final"), addr=("mrf",)),
    # The WST controls the external media IWF
    _t("IWF_RESERVE", "IWF", "reserve the external IWF (STUN/TURN, address mappings)", wic=WIC),
    _t("IWF_RESERVED", "IWF", "external IWF reserved; its IMS-side address for the SDP", wic=WIC),
    _t("IWF_UPDATE", "IWF", "update after codec negotiation: with the WIC's answer (F9 steps 7-8) or once "
       "offer/answer and reservation are done (F8 step 11, F9 step 14)", wic=WIC, after=("answer", "reservation")),
    _t("IWF_FINAL", "IWF", "final resources: two-way media", wic=WIC),
    _t("IWF_RELEASE", "IWF", "release the external IWF", wic=WIC),
    _t("IWF_ANSWER", "IWF", "the external IWF confirms an update or the final (two-way) resources "
       "(not defined by the seed)", wic=WIC, op=("update", "final")),
    # Rx (TS 29.214)
    _t("AAR", "Rx", "AA-Request: authorise QoS for the session", wic=WIC, qos=PROFILE),
    _t("AAA", "Rx", "AA-Answer", wic=WIC),
    _t("STR", "Rx", "Session-Termination-Request", wic=WIC),
    _t("STA", "Rx", "Session-Termination-Answer", wic=WIC),
]

# How a TR writes each message in a figure (publication style of `imsflow diagrams`): the
# reference point or protocol, then the message as the 3GPP specifications name it.  Kept apart
# from the declarations above so that a message added there needs no entry: it is shown as
# "<protocol>: <name>" until it gets one.
DISPLAY = {
    "HTTPS_GET": "HTTPS: GET WIC script",
    "SCRIPT": "HTTPS: 200 OK (WIC script)",
    "WSS_CONNECT": "WSS: connect",
    "WSS_ACCEPT": "WSS: accepted",
    "WSS_REJECT": "WSS: refused",
    "WS_CLOSED": "WSS: closed",
    "LOGIN": "HTTPS: web login",
    "TOKEN": "HTTPS: token",
    "TOKEN_VERIFY": "HTTPS: verify token",
    "TOKEN_RESULT": "HTTPS: token result",
    "POOL_RELEASE": "HTTPS: release identity",
    "RANGE_INIT": "Initialise IMPU range",
    "RANGE_READY": "IMPU range ready",
    "READ_ID": "Read IMPI/IMPU",
    "IDENTITY": "IMPI/IMPU",
    "AUTHENTICATE": "AUTHENTICATE (RAND, AUTN)",
    "AUTH_RESULT": "RES",
    "AUTH_FAILURE": "AUTN failure",
    "REGISTER": "SIP: REGISTER",
    "401": "SIP: 401 Unauthorized",
    "403": "SIP: 403 Forbidden",
    "200(REGISTER)": "SIP: 200 OK",
    "de-REGISTER": "SIP: REGISTER (Expires: 0)",
    "200(de-REGISTER)": "SIP: 200 OK (de-registration)",
    "NOTIFY": "SIP: NOTIFY (reg event: terminated)",
    "200(NOTIFY)": "SIP: 200 OK (NOTIFY)",
    "INVITE": "SIP: INVITE",
    "100": "SIP: 100 Trying",
    "180": "SIP: 180 Ringing",
    "183": "SIP: 183 Session Progress",
    "PRACK": "SIP: PRACK",
    "200(PRACK)": "SIP: 200 OK (PRACK)",
    "UPDATE": "SIP: UPDATE",
    "200(UPDATE)": "SIP: 200 OK (UPDATE)",
    "200(INVITE)": "SIP: 200 OK",
    "ACK": "SIP: ACK",
    "BYE": "SIP: BYE",
    "200(BYE)": "SIP: 200 OK (BYE)",
    "CANCEL": "SIP: CANCEL",
    "487": "SIP: 487 Request Terminated",
    "486": "SIP: 486 Busy Here",
    "480": "SIP: 480 Temporarily Unavailable",
    "488": "SIP: 488 Not Acceptable Here",
    "606": "SIP: 606 Not Acceptable",
    "UAR": "Cx: UAR",
    "UAA": "Cx: UAA",
    "MAR": "Cx: MAR",
    "MAA": "Cx: MAA",
    "SAR": "Cx: SAR",
    "SAA": "Cx: SAA",
    "LIR": "Cx: LIR",
    "LIA": "Cx: LIA",
    "AGW_RESERVE": "Iq: Reserve",
    "AGW_RESERVED": "Iq: Reserved (address mappings)",
    "AGW_CONFIRM": "Iq: Confirm",
    "AGW_RELEASE": "Iq: Release",
    "MRF_INIT": "Mr: Initialise interworking",
    "MRF_ANSWER": "Mr: Answer",
    "MRF_UPDATE": "Mr: Update",
    "MRF_FINAL": "Mr: Final resources",
    "MRF_RELEASE": "Mr: Release",
    "IWF_RESERVE": "IWF: Reserve",
    "IWF_RESERVED": "IWF: Reserved",
    "IWF_ANSWER": "IWF: Answer",
    "IWF_UPDATE": "IWF: Update",
    "IWF_FINAL": "IWF: Final resources",
    "IWF_RELEASE": "IWF: Release",
    "AAR": "Rx: AAR",
    "AAA": "Rx: AAA",
    "STR": "Rx: STR",
    "STA": "Rx: STA",
}

VOCABULARY = Vocabulary(MESSAGES, display=DISPLAY)
