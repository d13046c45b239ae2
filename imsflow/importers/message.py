"""One SIP message as an importer saw it, and what of it the model knows.

Both importers (a packet capture read by tshark, a SIPp scenario read as XML) reduce each
message to a `SipMessage`; `model_name` and `sdp_fields` then say what the model calls it and
which of its SDP facts the model abstracts into message fields (model/messages.py: SDP is a
media profile and a codec).  Everything else SIP carries - tags, branches, Max-Forwards,
Contact, the codecs the model has no name for - is ignored, or written only into the step's
note, never turned into a field the model would have to match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Hop-by-hop: RFC 3261 16.7 - a proxy answers 100 Trying itself and never forwards one; the
# model leaves it out of every IMS leg, so an importer reports it and writes no step.
HOP_BY_HOP = ("100",)
# rtpmap encoding names (lower case) the model's CODEC domain has a name for.
MODEL_CODECS = {"opus": "opus", "amr-wb": "amrwb"}
# Attributes of the WebRTC media profile (RFC 8829 5.1: ICE, DTLS-SRTP fingerprint, BUNDLE).
WEBRTC_ATTRIBUTES = ("ice-ufrag", "ice-pwd", "candidate", "fingerprint", "setup", "ice-options")
PRECONDITION_ATTRIBUTES = ("curr:", "des:", "conf:")  # RFC 3312 5


@dataclass
class Sdp:
    """The SDP facts of one message body: media protocols (m= lines), attributes (a= lines,
    without 'a='), and rtpmap encoding names."""

    protos: list = field(default_factory=list)
    attributes: list = field(default_factory=list)
    encodings: list = field(default_factory=list)

    def profile(self) -> tuple[str | None, str]:
        """("webrtc"|"ims"|None, why): the model's media profile, or None when the body is not
        clear about it (left open)."""
        webrtc_attrs = sorted({a.split(":", 1)[0] for a in self.attributes
                               if a.split(":", 1)[0].lower() in WEBRTC_ATTRIBUTES})
        dtls = [p for p in self.protos if "TLS" in p.upper()]
        rtp = [p for p in self.protos if p.upper() in ("RTP/AVP", "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF")]
        if (webrtc_attrs or dtls) and not rtp:
            return "webrtc", f"{'/'.join(dtls or self.protos)} with {', '.join(webrtc_attrs) or 'DTLS'}"
        if rtp and not webrtc_attrs and not dtls:
            return "ims", f"{'/'.join(sorted(set(rtp)))} without ICE or DTLS"
        if not self.protos:
            return None, "no m= line: profile left open"
        return None, f"{', '.join(self.protos)} with {', '.join(webrtc_attrs) or 'no ICE/DTLS'}: profile left open"

    def codec(self) -> tuple[str | None, str]:
        known = []
        for e in self.encodings:
            name = MODEL_CODECS.get(e.lower())
            if name and name not in known:
                known.append(name)
        listed = ", ".join(self.encodings) or "none"
        if len(known) == 1:
            return known[0], f"codecs {listed}"
        if not known:
            return None, f"codecs {listed}: none the model names (opus, AMR-WB), codec left open"
        return None, f"codecs {listed}: both model codecs offered, codec left open"

    def preconditions(self) -> bool:
        return any(a.lower().startswith(PRECONDITION_ATTRIBUTES) for a in self.attributes)


@dataclass
class SipMessage:
    label: int  # the capture's frame number, or the scenario's message number
    method: str | None  # a request's method
    status: int | None  # a response's code
    cseq_method: str | None  # the method the response (or the request) belongs to
    call_id: str = ""
    cseq: str = ""
    branch: str = ""
    src: tuple = ()  # (address, port) - a capture's endpoints; () for a SIPp scenario
    dst: tuple = ()
    via_host: str = ""  # the sent-by host of the top Via
    user_agent: str = ""  # User-Agent, or a response's Server header
    sdp: Sdp | None = None
    require: tuple = ()  # Require / Supported option tags (100rel, precondition)
    authorization: str = ""  # a request's Authorization scheme and algorithm ("Digest MD5")
    challenge: str = ""  # a 401's WWW-Authenticate algorithm
    sender: str | None = None  # the model entities, when the source says (a SIPp scenario)
    receiver: str | None = None
    retransmission: bool = False  # tshark's "Resent Packet": the same message again (RFC 3261 17)
    headers_known: bool = True  # False: a SIPp <recv>, which names the message and nothing else

    @property
    def is_request(self) -> bool:
        return self.method is not None

    def start_line(self) -> str:
        return self.method if self.is_request else f"{self.status} ({self.cseq_method or '?'})"


def model_name(msg: SipMessage) -> str:
    """The model's name for a message: the request method, the response code, and a 200 OK
    qualified by the method its CSeq names ("200(INVITE)", model/messages.py)."""
    if msg.is_request:
        return msg.method.upper()
    if msg.status == 200:
        return f"200({(msg.cseq_method or '').upper()})"
    return str(msg.status)


def message_fields(msg: SipMessage, declared: dict) -> tuple[dict, list]:
    """The fields of the model message that the SIP message determines, and notes about what it
    left open.  `declared`: the model message's field domains (its MessageType.fields)."""
    fields: dict = {}
    notes: list = []
    if not msg.headers_known:
        return fields, ["headers not in the scenario: fields left open"]
    if msg.sdp is not None and "profile" in declared:
        profile, why = msg.sdp.profile()
        codec, cwhy = msg.sdp.codec()
        if profile is not None:
            fields["profile"] = profile
        if codec is not None and "codec" in declared:
            fields["codec"] = codec
        notes += [f"SDP {why}", cwhy, f"preconditions {'yes' if msg.sdp.preconditions() else 'no'}"]
    if "cred" in declared and msg.is_request:
        fields["cred"] = _credential(msg.authorization)
        notes.append(f"Authorization {msg.authorization or 'none'}")
    if "auth" in declared and msg.challenge:
        fields["auth"] = "aka" if "aka" in msg.challenge.lower() else "digest"
        notes.append(f"challenge {msg.challenge}")
    return fields, notes


def _credential(authorization: str) -> str:
    """REGISTER's `cred` field: none without Authorization, res for an AKA response
    (algorithm AKAv1-MD5, TS 33.203 6.1), digest otherwise."""
    if not authorization:
        return "none"
    return "res" if "aka" in authorization.split(None, 1)[-1].lower() else "digest"
