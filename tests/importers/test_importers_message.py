"""What of a SIP message the model knows: its name, its media profile and codec, REGISTER's
credential and a 401's challenge; whatever the message leaves unclear stays open."""

import pytest

from imsflow.importers.message import Sdp, SipMessage, message_fields, model_name
from imsflow.importers.tshark import _algorithm
from imsflow.loader import load

WEBRTC = Sdp(protos=["UDP/TLS/RTP/SAVPF"], attributes=["ice-ufrag:abcd", "ice-pwd:x", "fingerprint:sha-256 AA",
                                                        "setup:actpass", "rtpmap:111 opus/48000/2"],
             encodings=["opus"])
IMS = Sdp(protos=["RTP/AVP"], attributes=["rtpmap:97 AMR-WB/16000", "curr:qos local none"], encodings=["AMR-WB"])


@pytest.fixture(scope="module")
def types():
    return load(None).model.vocabulary.types


def test_profiles_and_codecs():
    assert WEBRTC.profile()[0] == "webrtc" and WEBRTC.codec()[0] == "opus"
    assert IMS.profile()[0] == "ims" and IMS.codec()[0] == "amrwb" and IMS.preconditions()
    mixed = Sdp(protos=["RTP/AVP"], attributes=["candidate:1 1 udp 1 127.0.0.1 9 typ host"], encodings=["PCMU"])
    assert mixed.profile()[0] is None and "left open" in mixed.profile()[1]
    both = Sdp(protos=["RTP/AVP"], encodings=["opus", "AMR-WB"])
    assert both.codec() == (None, "codecs opus, AMR-WB: both model codecs offered, codec left open")


def test_names_follow_the_model():
    assert model_name(SipMessage(1, "INVITE", None, "INVITE")) == "INVITE"
    assert model_name(SipMessage(2, None, 200, "PRACK")) == "200(PRACK)"
    assert model_name(SipMessage(3, None, 183, "INVITE")) == "183"


def test_fields_only_where_the_model_message_has_them(types):
    invite = SipMessage(1, "INVITE", None, "INVITE", sdp=WEBRTC)
    assert message_fields(invite, types["INVITE"].fields)[0] == {"profile": "webrtc", "codec": "opus"}
    prack = SipMessage(2, "PRACK", None, "PRACK", sdp=IMS)  # PRACK carries no SDP facts in the model
    assert message_fields(prack, types["PRACK"].fields)[0] == {}
    aka = SipMessage(3, "REGISTER", None, "REGISTER", authorization=_algorithm('Digest username="u", algorithm=AKAv1-MD5'))
    assert message_fields(aka, types["REGISTER"].fields)[0] == {"cred": "res"}
    akane = SipMessage(4, "REGISTER", None, "REGISTER", authorization=_algorithm('Digest username="akane", nonce="x"'))
    assert message_fields(akane, types["REGISTER"].fields)[0] == {"cred": "digest"}  # MD5 by default
    plain = SipMessage(5, "REGISTER", None, "REGISTER")
    assert message_fields(plain, types["REGISTER"].fields)[0] == {"cred": "none"}
    challenge = SipMessage(6, None, 401, "REGISTER", challenge=_algorithm('Digest realm="r", algorithm=AKAv1-MD5'))
    assert message_fields(challenge, types["401"].fields)[0] == {"auth": "aka"}
    unseen = SipMessage(7, "INVITE", None, "INVITE", sdp=IMS, headers_known=False)
    assert message_fields(unseen, types["INVITE"].fields)[0] == {}
