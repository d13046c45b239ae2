"""SIP messages out of a packet capture (pcap, pcapng), read by Wireshark's tshark.

tshark dissects (IP, UDP/TCP reassembly, SIP, SDP); this module only reads the fields it
prints: `tshark -r FILE -Y sip -T ek -e FIELD ...` writes one JSON object per SIP frame,
one line each, so a capture of any size is read as a stream: this side holds one frame at a
time, and tshark's own state is bounded by reading a large capture in chunks of CHUNK packets.

Known limit: a frame carrying several SIP messages (TCP segments coalesced) is reported and
skipped, since tshark's per-field arrays do not say which header belongs to which message.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator

from ..errors import CaptureError
from .message import Sdp, SipMessage

FIELDS = [
    "frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport", "udp.dstport",
    "tcp.srcport", "tcp.dstport", "sip.Method", "sip.Status-Code", "sip.Call-ID", "sip.CSeq.seq",
    "sip.CSeq.method", "sip.Via.branch", "sip.Via.sent-by.address", "sip.User-Agent", "sip.Server",
    "sip.Require", "sip.Supported", "sip.Authorization", "sip.WWW-Authenticate",
    "sdp.media.proto", "sdp.media_attr", "sdp.session_attr", "sdp.mime.type", "sip.resend",
]
# tshark keeps per-packet state for the whole file (about 2.5 kB a packet); a capture of more
# than CHUNK packets is split by editcap into files of CHUNK packets, read one after the other
# with their frame numbers offset back.  (tshark's own session reset, -M, renumbers frames.)
# Known limit: a SIP message over TCP split across a chunk boundary is not reassembled; UDP,
# SIPp's default, is not affected.
CHUNK = 20_000
INSTALL = "install Wireshark's tshark (Debian: apt-get install tshark; scripts/setup.sh does)"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CaptureError(f"{name} not found on PATH", hint=INSTALL)
    return path


def packet_count(path: str) -> tuple[int | None, str]:
    """(packets, link type) of a capture from capinfos, for the progress bar and for saying
    what a capture without SIP holds; (None, "") when capinfos cannot tell."""
    exe = shutil.which("capinfos")
    if exe is None:
        return None, ""
    run = subprocess.run([exe, "-M", "-c", "-E", "-T", "-r", path], capture_output=True, text=True)
    if run.returncode != 0:
        return None, ""
    cols = run.stdout.strip().split("\t")
    try:
        return int(cols[-1]), cols[1] if len(cols) > 2 else ""
    except (ValueError, IndexError):
        return None, ""


def read_capture(path: str, *, on_frame: Callable[[int], None] | None = None, decode_as: tuple = (),
                 packets: int | None = None) -> Iterator[tuple[SipMessage | None, tuple]]:
    """Yield (message, problem) per SIP frame: the message, or None and (frame, why it was skipped).
    Raises CaptureError naming the file when tshark cannot read it (not a capture, cut short,
    an unsupported link type).  `packets`: the capture's packet count, if known (capinfos)."""
    if packets is None or packets <= CHUNK:
        yield from _read_one(path, path, 0, on_frame, decode_as)
        return
    with tempfile.TemporaryDirectory(prefix="imsflow-chunks-") as tmp:
        split = subprocess.run([tool("editcap"), "-c", str(CHUNK), path, os.path.join(tmp, "chunk.pcapng")],
                               capture_output=True, text=True)
        if split.returncode != 0:
            raise CaptureError(f"editcap cannot split {path}: {split.stderr.strip()}")
        for i, chunk in enumerate(sorted(os.listdir(tmp))):
            yield from _read_one(os.path.join(tmp, chunk), path, i * CHUNK, on_frame, decode_as)


def _read_one(chunk: str, path: str, offset: int, on_frame, decode_as) -> Iterator[tuple[SipMessage | None, tuple]]:
    cmd = ek_command(chunk, decode_as)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1 << 16)
    except OSError as exc:
        raise CaptureError(f"cannot run tshark on {path}: {exc.strerror}", hint=INSTALL) from None
    try:
        for msg, problem in parse_ek(proc.stdout):
            if msg is not None:
                msg.label += offset
                if on_frame is not None:
                    on_frame(msg.label)
            else:
                problem = (problem[0] + offset, problem[1])
            yield msg, problem
    finally:
        if proc.poll() is None and proc.stdout is not None and not proc.stdout.closed:
            proc.stdout.close()
        err = proc.stderr.read() if proc.stderr else ""
        rc = proc.wait()
    if rc != 0:
        text = " ".join(ln.strip().removeprefix("tshark: ").replace(chunk, path) for ln in err.splitlines()
                        if ln.strip() and "dangerous" not in ln)
        raise CaptureError(f"tshark cannot read {path}: {text or f'exit status {rc}'}")


def ek_command(path: str, decode_as: tuple = ()) -> list:
    """The tshark command line whose output `parse_ek` reads (also how the test fixtures'
    .ek.jsonl files were made)."""
    cmd = [tool("tshark"), "-r", path, "-n", "-Y", "sip", "-T", "ek"]
    for port in decode_as:
        cmd += ["-d", f"udp.port=={port},sip", "-d", f"tcp.port=={port},sip"]
    for f in FIELDS:
        cmd += ["-e", f]
    return cmd


def parse_ek(lines) -> Iterator[tuple[SipMessage | None, tuple]]:
    """(message, problem) per document of tshark's EK output (one JSON object per line)."""
    for line in lines:
        if not line.startswith('{"timestamp"'):
            continue  # the bulk-index line that precedes every document
        yield _message(json.loads(line).get("layers", {}))


def _message(layers: dict) -> tuple[SipMessage | None, tuple]:
    def all_(key):
        return layers.get(key.replace(".", "_"), [])

    def one(key, default=""):
        values = all_(key)
        return values[0] if values else default

    frame = int(one("frame.number", "0"))
    starts = len(all_("sip.Method")) + len(all_("sip.Status-Code"))
    if starts != 1:
        return None, (frame, f"{starts} SIP start lines in one frame, not split")
    src_ip = one("ip.src") or one("ipv6.src")
    dst_ip = one("ip.dst") or one("ipv6.dst")
    sport = one("udp.srcport") or one("tcp.srcport")
    dport = one("udp.dstport") or one("tcp.dstport")
    status = one("sip.Status-Code")
    sdp = None
    if all_("sdp.media.proto"):
        sdp = Sdp(protos=list(all_("sdp.media.proto")),
                  attributes=list(all_("sdp.session_attr")) + list(all_("sdp.media_attr")),
                  encodings=list(all_("sdp.mime.type")))
    method = one("sip.Method") or None
    return SipMessage(
        label=frame, method=method, status=int(status) if status else None,
        cseq_method=one("sip.CSeq.method") or None, call_id=one("sip.Call-ID"), cseq=one("sip.CSeq.seq"),
        branch=one("sip.Via.branch"), src=(src_ip, int(sport) if sport else None),
        dst=(dst_ip, int(dport) if dport else None), via_host=one("sip.Via.sent-by.address"),
        user_agent=one("sip.User-Agent") or one("sip.Server"), sdp=sdp,
        require=tuple(all_("sip.Require")) + tuple(all_("sip.Supported")),
        authorization=_algorithm(one("sip.Authorization")) if method else "",
        challenge=_algorithm(one("sip.WWW-Authenticate")) if status == "401" else "",
        retransmission=one("sip.resend") in ("1", "true", "True"),
    ), ()


def _algorithm(header: str) -> str:
    """'Digest MD5' / 'Digest AKAv1-MD5' from an Authorization or WWW-Authenticate header
    (RFC 3261 20.7, 20.44; no algorithm means MD5, RFC 2617 3.2.1)."""
    if not header:
        return ""
    scheme = header.split(None, 1)[0]
    for part in header.replace(",", " ").split():
        if part.lower().startswith("algorithm="):
            return f"{scheme} {part.split('=', 1)[1].strip(chr(34))}"
    return f"{scheme} MD5"
