"""imsflow import pcap FILE.pcap | sipp SCENARIO.xml --mapping MAP.yaml: real SIP traffic as a flow file.

The flow file goes to --out (or standard output) only once the whole input has been read, so
a capture cut short leaves nothing half-written; what was not imported (unmapped endpoints,
100 Trying, messages the model has no name for) is reported on standard error.  Exit status:
0 written; 2 an unreadable input or mapping, a capture with no SIP between mapped entities.
"""

from __future__ import annotations

import io
import os
import sys
import time

from ..errors import CaptureError


def register(sub) -> None:
    p = sub.add_parser("import", help="a packet capture or SIPp scenario as a flow file for conform",
                       description="Read SIP traffic - a pcap/pcapng capture (through tshark) or a SIPp scenario - "
                                   "and write it as a flow file that 'imsflow conform' checks against the model.")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, what, help_ in (("pcap", "FILE.pcap", "a pcap or pcapng capture, read by tshark"),
                              ("sipp", "SCENARIO.xml", "a SIPp scenario (one party's script)")):
        k = kinds.add_parser(kind, help=help_, description=help_)
        k.add_argument("file", metavar=what)
        k.add_argument("--mapping", metavar="MAP.yaml", required=True,
                       help="which endpoint is which model entity (examples/sipp/mapping.yaml)")
        k.add_argument("--out", "-o", metavar="FLOW.yaml", default=None, help="default: standard output")
        k.add_argument("--model", metavar="DIR", default=None,
                       help="model directory whose entities and messages name the steps; default: the seed model")
        if kind == "pcap":
            k.add_argument("--sip-port", metavar="PORT", type=int, action="append", default=[],
                           help="decode this UDP/TCP port as SIP as well (repeatable)")
            k.add_argument("--progress", choices=("auto", "on", "off"), default="auto",
                           help="a progress bar on standard error (auto: when it is a terminal)")
        k.set_defaults(run=run)


def run(args) -> int:
    from ..importers.mapping import load_mapping
    from ..loader import load

    loaded = load(args.model)
    mapping = load_mapping(args.mapping, {e.name for e in loaded.model.entities})
    if args.model:
        mapping.model = os.path.abspath(args.model)  # conform then checks against the same model
    if not os.path.isfile(args.file):
        raise CaptureError(f"no such file: {args.file}")
    if os.path.getsize(args.file) == 0:
        raise CaptureError(f"{args.file} is empty (0 bytes): nothing to import")
    buffer = io.StringIO() if args.out is None else None
    tmp = f"{args.out}.part" if args.out else None
    try:
        out = buffer if buffer is not None else open(tmp, "w", encoding="utf-8")
    except OSError as exc:
        raise CaptureError(f"cannot write {args.out}: {exc.strerror}") from None
    try:
        if args.kind == "sipp":
            report = _sipp(args, mapping, loaded, out)
        else:
            report = _pcap(args, mapping, loaded, out)
    except BaseException:
        if tmp:
            out.close()
            os.remove(tmp)
        raise
    if tmp:
        out.close()
        os.replace(tmp, args.out)
    else:
        sys.stdout.write(buffer.getvalue())
    for line in report.lines():
        print(line, file=sys.stderr)
    if args.out:
        print(f"  written: {args.out}; check it with: imsflow conform {args.out}", file=sys.stderr)
    return 0


def _sipp(args, mapping, loaded, out):
    from ..importers.flow import FlowWriter
    from ..importers.sipp import read_scenario

    if set(mapping.sipp) != {"scenario", "peer"}:
        raise CaptureError("importing a SIPp scenario needs 'sipp: {scenario: ENTITY, peer: ENTITY}'",
                           where=mapping.path, hint="who runs the scenario, and who is at the other end")
    messages, optional = read_scenario(args.file, mapping.sipp["scenario"], mapping.sipp["peer"])
    from ..importers.message import model_name

    writer = FlowWriter(out, mapping, loaded.model.vocabulary, args.file, label_word="scenario message",
                        unwritten=tuple(dict.fromkeys(model_name(m) for m in optional)))
    for m in optional:
        writer.skip(f"{m.start_line()} (optional in the scenario: may or may not happen, left open)", m.label)
    for m in messages:
        writer.add(m)
    return writer.finish()


def _pcap(args, mapping, loaded, out):
    from ..importers.flow import FlowWriter
    from ..importers.tshark import packet_count, read_capture

    total, link = packet_count(args.file)
    show = args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())
    bar = _Progress(args.file, total, sys.stderr) if show else None
    writer = FlowWriter(out, mapping, loaded.model.vocabulary, args.file)
    for msg, problem in read_capture(args.file, on_frame=bar.update if bar else None, decode_as=tuple(args.sip_port),
                                  packets=total):
        if msg is None:
            writer.report.messages += 1
            writer.skip(problem[1], problem[0])
        else:
            writer.add(msg)
    if bar:
        bar.done()
    if writer.report.messages == 0:
        held = f" ({total} packet{'s' if total != 1 else ''}, link type {link or 'unknown'})" if total is not None else ""
        raise CaptureError(f"{args.file}: tshark finds no SIP message in the capture{held}",
                           hint="SIP on a port other than 5060/5061? name it with --sip-port PORT")
    return writer.finish()


class _Progress:
    """A one-line progress bar, redrawn at most every 1% of the capture (or every 1000 SIP
    frames when the packet count is unknown)."""

    WIDTH = 30

    def __init__(self, path: str, total: int | None, stream):
        self.path, self.total, self.stream = os.path.basename(path), total, stream
        self.step = max(1, total // 100) if total else 1000
        self.next = self.step
        self.started = time.monotonic()
        self.tty = stream.isatty()
        self.last = self.drawn = 0

    def update(self, frame: int) -> None:
        self.last = frame
        if frame >= self.next:
            self.next = frame + self.step
            self._draw(frame)

    def _draw(self, frame: int) -> None:
        self.drawn = frame
        if self.total:
            done = min(1.0, frame / self.total)
            fill = int(done * self.WIDTH)
            text = f"{self.path} [{'#' * fill}{'.' * (self.WIDTH - fill)}] frame {frame}/{self.total} {done:4.0%}"
        else:
            text = f"{self.path}: frame {frame}"
        self.stream.write(("\r" + text) if self.tty else text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.drawn != (self.total or self.last):
            self._draw(self.total or self.last)
        if self.tty:
            self.stream.write("\n")
