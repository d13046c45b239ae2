"""Imported SIP messages -> an editor's flow file (imsflow/editors/flowfile.py), written as a stream.

One step per SIP message between two mapped entities, labelled with the capture's frame
number (or the scenario's message number), named as the model names it, with the SDP facts
the model abstracts as fields.  Messages are grouped into dialogs (Call-ID) and transactions
(top Via branch and CSeq method); the grouping goes into each step's note, and a response whose
receiver has no mapped address is sent to the entity that sent its request.

The file says which entities the capture observed (`observed:`): no SIP message between them
may happen unwritten when conform checks it, while everything the capture cannot see (other
entities, Diameter, the AGW and MRF controls, unmapped legs) is left open.  Whatever is not
written is reported with its reason: unmapped endpoints, hop-by-hop 100 Trying, messages the
model has no name for.  Memory is bounded: steps go straight to the output, and the dialog and
transaction tables keep the most recent TABLE_SIZE entries.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field

import yaml

from ..errors import CaptureError
from .mapping import Mapping, _show
from .message import HOP_BY_HOP, SipMessage, message_fields, model_name

TABLE_SIZE = 10_000
MAX_REASONS = 12  # distinct skip reasons listed in the report


class _Recent(OrderedDict):
    """A dictionary that forgets its oldest entries beyond `size`."""

    def __init__(self, size: int = TABLE_SIZE):
        super().__init__()
        self.size = size

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


@dataclass
class ImportReport:
    source: str
    messages: int = 0
    written: int = 0
    skipped: dict = field(default_factory=dict)  # reason -> [count, first label]
    dialogs: int = 0

    def skip(self, reason: str, label) -> None:
        entry = self.skipped.setdefault(reason, [0, label])
        entry[0] += 1

    def lines(self) -> list[str]:
        out = [f"{self.source}: {self.messages} SIP messages, {self.written} steps written "
               f"({self.dialogs} dialog{'s' if self.dialogs != 1 else ''})"]
        items = sorted(self.skipped.items(), key=lambda kv: kv[1][1])
        for reason, (count, first) in items[:MAX_REASONS]:
            out.append(f"  skipped {count} x {reason} (first at {first})")
        if len(items) > MAX_REASONS:
            out.append(f"  ... and {len(items) - MAX_REASONS} more kinds of skipped message")
        return out


class FlowWriter:
    def __init__(self, out, mapping: Mapping, vocabulary, source: str, *, label_word: str = "frame",
                 unwritten: tuple = ()):
        self.out, self.mapping, self.vocabulary = out, mapping, vocabulary
        self.label_word = label_word
        self.report = ImportReport(source)
        self.dialogs = _Recent()  # Call-ID -> dialog number
        self.transactions = _Recent()  # (branch, CSeq method) -> (number, request sender, receiver)
        self.learned = _Recent()  # (address, port) -> entity, from the headers its messages carried
        self.n_transactions = 0
        header = {
            "title": mapping.title,
            "clause": f"imported from {source}",
        }
        if mapping.flow is not None:
            header["flow"] = mapping.flow
        if mapping.preconditions:
            header["preconditions"] = mapping.preconditions
        if mapping.model:
            header["model"] = mapping.model
        header["observed"] = {"entities": mapping.entities, "except": [*HOP_BY_HOP, *unwritten]}
        out.write(f"# Written by imsflow import from {source} with the mapping {mapping.path}.\n"
                  f"# Step labels are the {label_word} numbers; check it with: imsflow conform FLOW.yaml\n")
        out.write(yaml.safe_dump(header, sort_keys=False, default_flow_style=None, width=110))
        out.write("steps:\n")

    def skip(self, reason: str, label) -> None:
        """Report a message not written; a comment in its place tells the reader of the flow."""
        self.report.skip(reason, f"{self.label_word} {label}")
        self.out.write(f"# {self.label_word} {label} not written: {reason}\n")

    def add(self, msg: SipMessage) -> None:
        self.report.messages += 1
        name = model_name(msg)
        sender, receiver = self._ends(msg)
        dialog, transaction = self._group(msg, sender, receiver)
        if sender is None or receiver is None:
            self.skip(f"{msg.start_line()} between unmapped endpoints {_show(msg.src)} -> {_show(msg.dst)}"
                      if msg.src else f"{msg.start_line()}: no entity for one end", msg.label)
            return
        if sender == receiver:
            self.skip(f"{msg.start_line()} from {sender} to itself (the mapping does not tell the two ends apart)",
                      msg.label)
            return
        if msg.retransmission:
            self.skip(f"{name} {sender} -> {receiver} retransmitted (RFC 3261 17; the model sends each message once)",
                      msg.label)
            return
        if name in HOP_BY_HOP:
            self.skip(f"{name} (hop-by-hop, RFC 3261 16.7; the model leaves it out)", msg.label)
            return
        mtype = self.vocabulary.types.get(name) if self.vocabulary is not None else None
        if self.vocabulary is not None and mtype is None:
            self.skip(f"{name} {sender} -> {receiver} (the model has no such message)", msg.label)
            return
        fields, notes = message_fields(msg, mtype.fields if mtype is not None else {})
        where = f"{self.label_word} {msg.label}"
        if msg.call_id:
            where += f": dialog {dialog} (Call-ID {msg.call_id}), transaction {transaction} " \
                     f"(CSeq {msg.cseq} {msg.cseq_method or '?'})"
        step = {"step": msg.label, "from": sender, "to": receiver, "message": name}
        if fields:
            step["fields"] = fields
        step["note"] = "; ".join([where, *notes])
        self.out.write(_step_yaml(step))
        self.report.written += 1

    def _ends(self, msg: SipMessage) -> tuple:
        if msg.sender is not None or msg.receiver is not None:
            return msg.sender, msg.receiver
        sender = self.mapping.sender(msg.src, msg.via_host if msg.is_request else "", msg.user_agent, self.learned)
        if sender is not None and msg.src:
            self.learned[msg.src] = sender
        receiver = self.mapping.receiver(msg.dst, self.learned)
        if receiver is None and not msg.is_request:
            known = self.transactions.get((msg.branch, msg.cseq_method))
            receiver = known[1] if known else None  # the response goes back to the request's sender
        return sender, receiver

    def _group(self, msg: SipMessage, sender, receiver) -> tuple:
        dialog = self.dialogs.get(msg.call_id)
        if dialog is None and msg.call_id:
            self.report.dialogs += 1
            dialog = self.dialogs[msg.call_id] = self.report.dialogs
        key = (msg.branch, msg.cseq_method)
        known = self.transactions.get(key)
        if known is None:
            self.n_transactions += 1
            known = (self.n_transactions, sender, receiver)
            if msg.is_request:
                self.transactions[key] = known
        return dialog, known[0]

    def finish(self) -> ImportReport:
        if self.report.written == 0:
            what = "no SIP messages" if self.report.messages == 0 else "no SIP message between mapped entities"
            raise CaptureError(f"{self.report.source}: {what}; nothing to import",
                               hint="\n".join(self.report.lines()[1:]) or None)
        return self.report


def _step_yaml(step: dict) -> str:
    """One step as YAML, written directly: a JSON string or mapping is a YAML flow scalar or
    mapping, and yaml.safe_dump per step would dominate the time of a large capture."""
    lines = []
    for i, (key, value) in enumerate(step.items()):
        lines.append(f"{'- ' if i == 0 else '  '}{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
