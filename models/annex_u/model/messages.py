"""The Annex U vocabulary: HTTPS towards the WWSF and the WAF (W1, W4), SIP over a secure
WebSocket between the WIC and the eP-CSCF (W2, RFC 7118), SIP and Diameter Cx inside IMS,
Iq between the eP-CSCF and the eIMS-AGW (TS 23.334 with the WebRTC extensions of
TS 29.334), and Rx towards the PCRF.  Reliable provisional responses and preconditions (PRACK,
UPDATE) and CANCEL are not modelled (a simplification of this model, not of Annex U).  Names follow the seed model's vocabulary wherever the message is the same one,
so that the architecture diff can compare message sets after renaming entities.

Data is abstract as in the seed: identities are indices, a token is valid or forged, a
credential is a tag (so where a password or an XRES travels can be checked) and SDP is a media
profile and a codec.  `wic` is the WIC context a message belongs to (its WebSocket / Call-ID).
"""

from imsflow.authoring import MessageType, Vocabulary

IMPU = (0, 1, 2, 5, 6)  # 0: none; 1-2: WIC i's own identity; 5-6: the WWSF's pool
POOL = (5, 6)
WIC = (0, 1, 2)
CRED = ("none", "password", "res", "digest", "token")
TOKEN = ("none", "valid", "forged")
TNA = ("no", "asserted")
PROFILE = ("webrtc", "ims")  # WebRTC: ICE + DTLS-SRTP + Opus; IMS: RTP/SRTP + AMR-WB
CODEC = ("opus", "amrwb")
SDP = {"profile": PROFILE, "codec": CODEC}


def _t(name, protocol, meaning, **fields):
    return MessageType(name, protocol, meaning, fields)


def _sip(name, meaning, **fields):
    return _t(name, "SIP", meaning, wic=WIC, **fields)


MESSAGES = [
    # W1: the WIC's application from the WWSF (TS 23.228 U.1.3; TS 24.371 5.3)
    _t("HTTPS_GET", "HTTPS", "the browser asks the WWSF for the WebRTC application", wic=WIC),
    _t("SCRIPT", "HTTPS", "the WIC's JavaScript, over HTTPS", wic=WIC),
    # web authentication: WWSF, WAF (W4), the token (TS 33.203 U.2.2)
    _t("LOGIN", "HTTPS", "web identity and credentials, entered at the WWSF", wic=WIC),
    _t("TOKEN_REQUEST", "HTTPS", "the WWSF asks the WAF for a token for the user (W4); impu: the pool "
       "identity the WWSF assigned, 0 for the user's own", wic=WIC, impu=IMPU),
    _t("TOKEN", "HTTPS", "the token the WAF issued, handed to the WIC by the WWSF", wic=WIC, token=TOKEN, impu=IMPU),
    _t("POOL_RELEASE", "HTTPS", "a pool identity is free again", wic=WIC, impu=IMPU),
    # W2: SIP over a secure WebSocket (RFC 7118) ending at the eP-CSCF
    _t("WSS_CONNECT", "WSS", "secure WebSocket set-up with its Origin (RFC 6455 10.2)",
       wic=WIC, origin=("authorised", "rogue")),
    _t("WSS_ACCEPT", "WSS", "WebSocket accepted", wic=WIC),
    _t("WSS_REJECT", "WSS", "WebSocket refused (Origin not an allowed WWSF)", wic=WIC),
    # token validation by the eP-CSCF (TS 24.371 6.x; it asks the WAF, or checks the signature)
    _t("TOKEN_VERIFY", "HTTPS", "the eP-CSCF asks the WAF whether a token is valid", wic=WIC, token=TOKEN, impu=IMPU),
    _t("TOKEN_RESULT", "HTTPS", "verdict on the token, with the IMPU it authorises",
       wic=WIC, result=("valid", "invalid"), impu=IMPU),
    # SIP registration
    _sip("REGISTER", "SIP REGISTER", impu=IMPU, cred=CRED, token=TOKEN, tna=TNA),
    _sip("401", "401 Unauthorized: the challenge", impu=IMPU, auth=("aka", "digest"), keys=("none", "ck_ik")),
    _sip("403", "403 Forbidden", impu=IMPU),
    _sip("200(REGISTER)", "200 OK to REGISTER", impu=IMPU),
    # SIP sessions
    _sip("INVITE", "SIP INVITE with an SDP offer", caller=IMPU, callee=IMPU, **SDP),
    _sip("183", "183 Session Progress with the SDP answer", **SDP),
    _sip("180", "180 Ringing"),
    _sip("200(INVITE)", "200 OK: the session is answered", **SDP),
    _sip("ACK", "ACK to the 200 OK"),
    _sip("BYE", "BYE: end of session"),
    _sip("200(BYE)", "200 OK to BYE"),
    # Diameter Cx (TS 29.228)
    _t("UAR", "Cx", "User-Authorization-Request", wic=WIC, impu=IMPU, phase=("initial", "response")),
    _t("UAA", "Cx", "User-Authorization-Answer", wic=WIC, impu=IMPU),
    _t("MAR", "Cx", "Multimedia-Auth-Request", wic=WIC, impu=IMPU),
    _t("MAA", "Cx", "Multimedia-Auth-Answer: AKA vector or digest H(A1)", wic=WIC, impu=IMPU,
       av=("aka", "digest"), cred=("xres", "ha1")),
    _t("SAR", "Cx", "Server-Assignment-Request", wic=WIC, impu=IMPU),
    _t("SAA", "Cx", "Server-Assignment-Answer", wic=WIC, impu=IMPU),
    _t("LIR", "Cx", "Location-Info-Request", wic=WIC, impu=IMPU),
    _t("LIA", "Cx", "Location-Info-Answer", wic=WIC, impu=IMPU),
    # Iq: the eP-CSCF controls the eIMS-AGW (ICE, DTLS-SRTP, transcoding at the edge)
    _t("AGW_RESERVE", "Iq", "reserve WebRTC-side (ICE, DTLS-SRTP) and IMS-side terminations; "
       "transcode: whether media interworking is needed", wic=WIC, transcode=("no", "yes")),
    _t("AGW_RESERVED", "Iq", "terminations reserved; their addresses for the two SDPs", wic=WIC),
    _t("AGW_CONFIRM", "Iq", "the session is answered: open the gates (two-way media)", wic=WIC),
    _t("AGW_RELEASE", "Iq", "release the terminations", wic=WIC),
    # Rx (TS 29.214): the eP-CSCF is the PCRF's Rx client, as any P-CSCF
    _t("AAR", "Rx", "AA-Request: authorise QoS for the session", wic=WIC, qos=PROFILE),
    _t("AAA", "Rx", "AA-Answer", wic=WIC),
    _t("STR", "Rx", "Session-Termination-Request", wic=WIC),
    _t("STA", "Rx", "Session-Termination-Answer", wic=WIC),
]

VOCABULARY = Vocabulary(MESSAGES)
