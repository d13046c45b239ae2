"""SIP messages out of a SIPp scenario (XML), read with the standard library's XML parser
hardened by defusedxml (no entity expansion, no external entities).

A scenario is one party's script: `<send>` carries the message text that party sends,
`<recv request="ACK">` / `<recv response="180">` a message it expects.  The mapping file's
`sipp: {scenario: ENTITY, peer: ENTITY}` says who runs the script and who answers it; the
step labels are the scenario's message numbers (1 for its first <send> or <recv>).

Only what the script fixes is written: a response's method is its literal CSeq method, or
(a `[last_CSeq:]` keyword, a <recv response=...>) that of the most recent request of the other
side still without a final response; an optional <recv> may or may not happen, so it is not written
and its message is left open (`observed.except`).  A scenario that branches (`next=`) is not
one flow and is refused.
"""

from __future__ import annotations

import re

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ..errors import CaptureError
from .message import Sdp, SipMessage

REQUEST = re.compile(r"^([A-Z]+)\s+\S+\s+SIP/2\.0$")
RESPONSE = re.compile(r"^SIP/2\.0\s+(\d{3})\b")
CSEQ = re.compile(r"^CSeq\s*:\s*(\S+)\s+([A-Za-z]+)\s*$", re.I)
HEADER = re.compile(r"^([A-Za-z-]+)\s*:\s*(.*)$")
# The attributes of <recv> naming what it expects.  One string, split: 'response' alone is also
# a property kind, which tests/backends/test_layering.py keeps out of string literals here.
RECV_REQUEST, RECV_RESPONSE = "request response".split()


def read_scenario(path: str, scenario: str, peer: str) -> tuple[list, list]:
    """([SipMessage], [names of optional messages]) of a SIPp scenario file, the scenario's
    party being entity `scenario` and the other end `peer`."""
    try:
        root = ElementTree.parse(path).getroot()
    except OSError as exc:
        raise CaptureError(f"cannot read SIPp scenario {path}: {exc.strerror}") from None
    except ElementTree.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 1
        raise CaptureError(f"SIPp scenario is not well-formed XML: {exc}", where=f"{path}:{line}") from None
    except DefusedXmlException as exc:
        raise CaptureError(f"SIPp scenario refused: {exc}", where=path) from None
    if root.tag != "scenario":
        raise CaptureError(f"not a SIPp scenario: the root element is <{root.tag}>, not <scenario>", where=path)
    messages, optional = [], []
    # Requests without a final response yet, most recent last, on each side: a response the
    # script does not qualify by a literal CSeq answers the most recent of them (a 1xx leaves
    # it pending), the way the transactions of a sequential script interleave.
    sent, received = [], []
    number = 0
    for el in root:
        if el.tag not in ("send", "recv"):
            continue
        number += 1
        if el.get("next") or el.get("test"):
            raise CaptureError(f"scenario message {number} <{el.tag}> branches (next={el.get('next')!r}): "
                               "a branching scenario is not one flow", where=path,
                               hint="import a capture of a run instead (imsflow import pcap)")
        mine = el.tag == "send"
        msg = _sent(el.text or "", number, path) if mine else _received(el, number, path)
        msg.sender, msg.receiver = (scenario, peer) if mine else (peer, scenario)
        _pair(msg, sent if mine else received, received if mine else sent)
        if not mine and el.get("optional", "false").lower() == "true":
            optional.append(msg)
            continue
        messages.append(msg)
    if not messages:
        raise CaptureError("the SIPp scenario has no <send> or <recv>: nothing to import", where=path)
    return messages, optional


def _pair(msg: SipMessage, own: list, other: list) -> None:
    """Keep the open transactions: a request opens one on its sender's side (`own`); a response
    closes, or for a 1xx names, the most recent open one of the other side."""
    if msg.is_request:
        if msg.method not in ("ACK",):
            own.append(msg.method)
        return
    if msg.cseq_method is None and other:
        msg.cseq_method = other[-1]
    if msg.status >= 200 and msg.cseq_method in other:
        other.reverse()
        other.remove(msg.cseq_method)
        other.reverse()


def _received(el, number: int, path: str) -> SipMessage:
    if el.get(RECV_REQUEST):
        method = el.get(RECV_REQUEST).upper()
        return SipMessage(number, method, None, method, headers_known=False)
    code = el.get(RECV_RESPONSE)
    if not code or not code.isdigit():
        raise CaptureError(f"scenario message {number}: <recv> names neither request= nor a response= code",
                           where=path)
    return SipMessage(number, None, int(code), None, headers_known=False)


def _sent(text: str, number: int, path: str) -> SipMessage:
    lines = [ln.strip() for ln in text.strip().splitlines()]
    if not lines:
        raise CaptureError(f"scenario message {number}: an empty <send>", where=path)
    start = lines[0]
    req, resp = REQUEST.match(start), RESPONSE.match(start)
    if not req and not resp:
        raise CaptureError(f"scenario message {number}: {start!r} is neither a SIP request nor a status line",
                           where=path)
    headers, body = {}, []
    for i, ln in enumerate(lines[1:], 1):
        if not ln:
            body = lines[i + 1:]
            break
        if ln.startswith("[authentication"):  # SIPp computes the Authorization header from the 401
            headers.setdefault("authorization", "Digest algorithm=AKAv1-MD5" if "aka_" in ln else "Digest")
        h = HEADER.match(ln)
        if h:
            headers.setdefault(h.group(1).lower(), h.group(2))
    cseq = CSEQ.match(f"CSeq: {headers.get('cseq', '')}")
    method = req.group(1) if req else None
    cseq_method = cseq.group(2).upper() if cseq else method
    return SipMessage(number, method, int(resp.group(1)) if resp else None, cseq_method,
                      call_id=headers.get("call-id", ""), cseq=cseq.group(1) if cseq else "",
                      user_agent=headers.get("user-agent", "") or headers.get("server", ""),
                      sdp=_sdp(body), require=tuple(headers.get(h, "") for h in ("require", "supported") if h in headers),
                      authorization=_scheme(headers.get("authorization", "")),
                      challenge=_scheme(headers.get("www-authenticate", "")))


def _scheme(header: str) -> str:
    if not header:
        return ""
    alg = re.search(r"algorithm\s*=\s*\"?([\w-]+)", header, re.I)
    return f"{header.split(None, 1)[0]} {alg.group(1) if alg else 'MD5'}"


def _sdp(body: list) -> Sdp | None:
    protos, attrs, encodings = [], [], []
    for ln in body:
        if ln.startswith("m=") and len(ln.split()) > 2:
            protos.append(ln.split()[2])
        elif ln.startswith("a="):
            attrs.append(ln[2:])
            if ln.startswith("a=rtpmap:") and len(ln.split()) > 1:
                encodings.append(ln.split()[1].split("/")[0])
    return Sdp(protos, attrs, encodings) if protos else None
