"""The six Annex U flows as scenarios, with their step labels and the clause every step comes
from (STEP_CLAUSES; the same text is in each Flow's description, so `imsflow list flows` and
the diagrams show it).  Step numbers are this model's own ordering of the procedure each
clause describes: TS 23.228 Annex U describes registration and sessions in prose and refers
to the normal IMS procedures (5.2.2.3, 5.6, 5.7) for the IMS-internal part."""

from imsflow.authoring import Flow

REG_IMS = {
    "1": "TS 23.228 U.2.1.1; TS 24.371 5.3 (the WIC is downloaded from the WWSF over HTTPS, W1)",
    "2": "TS 24.371 5.5, 6.3 (SIP over WebSocket, RFC 7118, ends at the eP-CSCF; Origin checked)",
    "3": "TS 24.371 6.2.1 (the WIC registers its own IMPU as a UE over Gm would)",
    "4": "TS 23.228 5.2.2.3 (I-CSCF UAR/UAA, S-CSCF MAR/MAA, 401)",
    "5": "TS 24.371 6.3 (the eP-CSCF passes the challenge on; CK/IK stay in IMS)",
    "6": "TS 33.203 U.2.1 (the WIC computes its own response; AKA bound to TLS, or SIP digest over TLS)",
    "7": "TS 23.228 5.2.2.3 (UAR/UAA, S-CSCF verifies, SAR/SAA, 200)",
    "8": "TS 24.371 6.3 (200 OK to the WIC over its WebSocket)",
}
REG_WEB = {
    "1": "TS 23.228 U.2.1.1; TS 24.371 5.3 (the WIC is downloaded from the WWSF over HTTPS, W1)",
    "2": "TS 23.228 U.2.1.3; TS 33.203 U.2.2 (web login at the WWSF; the WAF issues the token, W4)",
    "3": "TS 24.371 5.5, 6.3 (SIP over WebSocket to the eP-CSCF; Origin checked)",
    "4": "TS 24.371 6.2.2 (REGISTER carrying the token)",
    "5": "TS 24.371 6.3.2; TS 33.203 U.2.2 (the eP-CSCF validates the token with the WAF)",
    "6": "TS 23.228 U.2.1.3; TS 33.203 U.2.2 (the eP-CSCF, the trusted node, registers the identity: UAR, SAR, no MAR, no 401)",
    "7": "TS 24.371 6.3.2 (200 OK to the WIC)",
}
REG_POOL = dict(REG_WEB, **{
    "2": "TS 23.228 U.2.1.4 (the WWSF assigns an identity of its pool; the WAF issues a token for it)",
    "6": "TS 23.228 U.2.1.4 (each WIC performs its own trusted-node registration of the assigned identity)",
})
ORIG = {
    "1": "TS 24.371 7.2 (the WIC sends INVITE with a WebRTC SDP offer over W2)",
    "2": "TS 23.228 U.2.2.1; TS 24.371 7.5 (the eP-CSCF reserves eIMS-AGW terminations over Iq: ICE, DTLS-SRTP, transcoding)",
    "3": "TS 23.228 U.1.1, U.2.2.1 (the offer enters IMS with the eIMS-AGW's IMS-profile media; WebRTC extensions stay at the edge)",
    "4": "TS 23.228 5.6 (the far end's SDP answer, mapped back to the WebRTC profile; QoS authorised over Rx)",
    "5": "TS 23.228 5.6 (the far end may alert, 180, and answers: 200 OK)",
    "6": "TS 23.228 U.2.2.1 (the eP-CSCF has the eIMS-AGW open the gates on the answer)",
    "7": "TS 24.371 7.2 (200 OK to the WIC)",
}
TERM = {
    "1": "TS 23.228 5.7 (INVITE from the originating network: I-CSCF LIR/LIA, S-CSCF, eP-CSCF)",
    "2": "TS 23.228 U.2.2.2; TS 24.371 7.5 (eIMS-AGW terminations reserved over Iq)",
    "3": "TS 24.371 7.2 (INVITE to the WIC with the eIMS-AGW's WebRTC-profile SDP)",
    "4": "TS 24.371 7.2 (the WIC's SDP answer, mapped to the IMS profile; QoS authorised over Rx)",
    "5": "TS 24.371 7.2 (the WIC may alert, 180, and answers: 200 OK)",
    "6": "TS 23.228 U.2.2.2 (gates opened, 200 OK towards the originating network)",
}
STEP_CLAUSES = {"U1": REG_IMS, "U2": REG_IMS, "U3": REG_WEB, "U4": REG_POOL, "U5": ORIG, "U6": TERM}


def _flow(fid, title, clause, goal, **kw):
    steps = STEP_CLAUSES[fid]
    described = "; ".join(f"{s}: {c}" for s, c in steps.items())
    return Flow(fid, title, clause, goal=goal, steps=tuple(steps), description=described, **kw)


_REG = {"entity": "WIC", "receives": "200(REGISTER)"}
FLOWS = {
    "U1": _flow("U1", "WIC registration with IMS credentials (IMS AKA bound to TLS)",
                "TS 23.228 U.2.1.2; TS 33.203 U.2.1", _REG),
    "U2": _flow("U2", "WIC registration with IMS credentials (SIP digest over TLS)",
                "TS 23.228 U.2.1.2; TS 33.203 U.2.1", _REG),
    "U3": _flow("U3", "WIC registration with web credentials (trusted node authentication)",
                "TS 23.228 U.2.1.3; TS 33.203 U.2.2", _REG),
    "U4": _flow("U4", "WIC registration of a WWSF-assigned pool identity (trusted node authentication)",
                "TS 23.228 U.2.1.4", _REG),
    "U5": _flow("U5", "Outbound session, interworking at the eIMS-AGW", "TS 23.228 U.2.2.1; TS 24.371 7",
                {"entity": "WIC", "receives": "200(INVITE)"}),
    "U6": _flow("U6", "Inbound session, interworking at the eIMS-AGW", "TS 23.228 U.2.2.2; TS 24.371 7",
                {"entity": "REMOTE", "receives": "200(INVITE)"}),
}
