"""A sequence diagram as plain data: who takes part, what is drawn, row by row.

Every sequence renderer (SVG, Mermaid, PlantUML) reads a `Scene` and nothing else, the way
`transitions` layers its diagram back-ends on one dictionary export of a machine.  A scene
is built from a trace of the TransitionSystem, so a flow diagram is the model's own run and
not a hand-written list.

What becomes a row:
* every message an action sends: an arrow from the sender's lifeline to the receiver's, at
  the moment it is sent (its receipt, later, is the end of that arrow and is not drawn again);
* an internal action - an `event` that sends nothing, an event or a numbered step the
  modeller gave a `note`, or an action tagged "notable" - as a box on its lifeline
  ("S-CSCF detects media mismatch");
  a receive-only action is the end of an arrow already drawn, and gets no row of its own;
* the violating action of a counterexample even when it only receives, so that the step the
  property objects to is always on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Lifelines in the order of the reference architecture (CONTRACTS.md); ROGUE stands beside the
# nodes it impersonates.  A model with entities not in this list keeps its order of declaration.
LIFELINE_ORDER = (
    "USER", "WIC", "UICC", "CSS", "IWAIS", "ROGUE", "WST", "IWF", "P-CSCF", "AGW", "I-CSCF",
    "S-CSCF", "HSS", "MRF", "PCRF", "REMOTE",
)
# Tags that make a receive-only action worth a box of its own.
NOTABLE_TAGS = frozenset({"notable", "internal"})


@dataclass(frozen=True)
class Participant:
    name: str  # instance name, as in traces: "WIC", "WIC2"
    template: str  # entity name


@dataclass
class Row:
    """One drawn thing: an arrow (`src != dst`) or a box on one lifeline (`src == dst`)."""

    action: int  # index of the action in the trace (0-based)
    kind: str  # "message" | "action"
    src: str
    dst: str
    text: str  # message name, or what the internal action does
    detail: str = ""  # message fields "impu=1, cred=password"
    step: str | None = None  # the seed's step label of the action
    group: str | None = None  # step label this row is bracketed with (None steps inherit inside a run)
    optional: bool = False
    highlight: bool = False
    loop: bool = False
    display: str = ""  # the message as a TR writes it ("SIP: 401 Unauthorized"); "" = `text`
    seed: bool = True  # False: a step the seed does not define (drawn unnumbered, in grey)
    number: str | None = None  # the step label printed on this arrow in publication style
    receipt_step: str | None = None  # the step label of the action that receives the message

    @property
    def label(self) -> str:
        return f"{self.text}({self.detail})" if self.detail else self.text


@dataclass(frozen=True)
class Span:
    """Rows first..last (inclusive) grouped: a step range ("range"), optional steps
    ("optional") or the repeating part of a lasso ("loop")."""

    kind: str
    label: str
    first: int
    last: int


@dataclass
class Scene:
    title: str
    participants: list
    rows: list
    spans: list = field(default_factory=list)
    caption: str = ""
    notes: list = field(default_factory=list)  # lines printed under the diagram

    def to_dict(self) -> dict:
        """The plain export (also written beside the diagrams, for tools of the reader's own)."""
        return {
            "title": self.title,
            "caption": self.caption,
            "participants": [p.name for p in self.participants],
            "rows": [
                {k: v for k, v in vars(r).items() if v not in (None, "", False)} | {"action": r.action}
                for r in self.rows
            ],
            "spans": [vars(s) for s in self.spans],
            "notes": list(self.notes),
        }


def order_key(ts, proc_index: int):
    p = ts.processes[proc_index]
    first = min(i for i, q in enumerate(ts.processes) if q.template == p.template)
    if not all(q.template in LIFELINE_ORDER for q in ts.processes):
        # Another architecture (models/annex_u): its own declaration order is its reference order.
        return (first, p.index or 0, proc_index)
    rank = LIFELINE_ORDER.index(p.template) if p.template in LIFELINE_ORDER else len(LIFELINE_ORDER)
    return (rank, first if rank == len(LIFELINE_ORDER) else 0, p.index or 0, proc_index)


# Field values that say "nothing here" (no token, no TNA claim, identity 0) are left off the
# drawn label, and so is the WIC index when there is one WIC: a figure shows what is carried.
# The trace JSON keeps every field.
_EMPTY = (None, "none", "no", 0)


def _shown(key: str, value, ts) -> bool:
    if value in _EMPTY and not isinstance(value, bool):
        return False
    return not (key == "wic" and getattr(ts.config, "wics", 1) == 1)


def _humanize(name: str) -> str:
    return name.replace("_", " ")


def _action_text(a) -> str:
    if a.note:
        return a.note
    if " -> " not in a.transition:  # the modeller named the transition
        return _humanize(a.transition)
    return _humanize(a.trigger)


def build(ts, trace, *, title: str, caption: str = "", optional_steps=(), highlight: bool = True,
          notes=(), display=None) -> Scene:
    """The scene of `trace` (a system.trace.Trace over `ts`).  `highlight=False` ignores the
    trace's highlighted action (a flow witness marks its goal, which is not a violation).

    An arrow carries the seed step of the action that sends it, or else of the action that
    receives it (a model may label "IWF initialised" on the IWF's side).  It is drawn where
    its label's action is in the trace, so drawn step labels keep the witness's seed order.
    `display` (message name -> shown name, e.g. Vocabulary.display) fills each arrow's
    publication name."""
    optional = set(optional_steps or ())
    names = [p.name for p in ts.processes]
    actions = [ts.actions[aid] for aid in trace.actions]
    receipt = _receipts(ts, actions)
    hot_k = trace.highlight if highlight else None
    placed: list[tuple] = []  # ((position, phase, order), Row)

    def flags(k, step):
        return dict(step=step, optional=step in optional,
                    loop=trace.loop_start is not None and k >= trace.loop_start)

    for k, a in enumerate(actions):
        me = names[a.proc]
        # An internal event is a box (with its arrows after it when it also sends, e.g. "S-CSCF
        # detects media mismatch" then INVITE to the MRF, when the modeller gave it a note).
        # A seed step the modeller annotated with a note is a box too.
        box = ((a.kind == "event" and (not a.sends or bool(a.note))) or (bool(a.note) and a.step is not None)
               or bool(a.tags & NOTABLE_TAGS))
        if box:
            placed.append(((k, 1, 0), Row(action=k, kind="action", src=me, dst=me, text=_action_text(a),
                                          highlight=hot_k == k, **flags(k, a.step))))
        for j, (c, mid) in enumerate(a.sends):
            msg = ts.messages[mid]
            r = receipt.get((k, j))
            step, at = a.step, k
            if step is None and r is not None and actions[r].step is not None:
                step, at = actions[r].step, r
            # The violating action is both what it received and what it sent: a property may
            # object to either ("the far end receives WebRTC SDP", "the WST sends 200").
            hot = hot_k == k or (r is not None and hot_k == r)
            if hot and at != hot_k:
                at = hot_k  # a violating receipt: the arrow is drawn where it is accepted
            detail = ", ".join(f"{key}={val}" for key, val in msg.fields if _shown(key, val, ts))
            row = Row(action=at, kind="message", src=me, dst=names[ts.channels[c].receiver], text=msg.name,
                      detail=detail, highlight=hot, display=display(msg.name) if display else "",
                      receipt_step=actions[r].step if r is not None else None, **flags(at, step))
            placed.append(((at, 0 if at != k else 2, k * 64 + j), row))
        received = any(v == k for v in receipt.values())
        if hot_k == k and not box and not a.sends and not received:
            sender = ts.sender_of(trace.actions[k])
            text = f"accepts {ts.messages[a.msg].label()} from {sender}" if a.msg is not None else _action_text(a)
            placed.append(((k, 1, 0), Row(action=k, kind="action", src=me, dst=me, text=text, highlight=True,
                                          **flags(k, a.step))))
    rows = [row for _, row in sorted(placed, key=lambda item: item[0])]
    _assign_groups(rows)
    used = {r.src for r in rows} | {r.dst for r in rows}
    order = sorted((i for i, n in enumerate(names) if n in used), key=lambda i: order_key(ts, i))
    participants = [Participant(names[i], ts.processes[i].template) for i in order]
    return Scene(title=title, participants=participants, rows=rows, spans=_spans(rows, trace),
                 caption=caption, notes=list(notes))


def _receipts(ts, actions) -> dict:
    """(sending action index, send index) -> index of the action that receives that message.
    FIFO channels deliver in order; a persistent "set" channel's message is matched to its
    first reader."""
    pending: dict = {}
    out = {}
    for k, a in enumerate(actions):
        if a.kind == "recv" and a.channel is not None:
            queue = pending.get(a.channel, [])
            for i, (key, mid) in enumerate(queue):
                if mid == a.msg:
                    out[key] = k
                    del queue[i]
                    break
        for j, (c, mid) in enumerate(a.sends):
            pending.setdefault(c, []).append(((k, j), mid))
    return out


def _assign_groups(rows: list[Row]) -> None:
    """A row without a step label belongs to the step before it when that step is a range
    (the seed's "4-8" sums up several hops of the standard procedure, and the model's
    unnumbered inner hops are among them), or when the labelled rows on both sides agree."""
    for i, r in enumerate(rows):
        if r.step is not None:
            r.group = r.step
            continue
        before = next((rows[j].step for j in range(i - 1, -1, -1) if rows[j].step is not None), None)
        after = next((rows[j].step for j in range(i + 1, len(rows)) if rows[j].step is not None), None)
        if before is not None and ("-" in before or before == after):
            r.group = before
        else:
            r.group = None


def _runs(rows, key):
    """Maximal runs of consecutive rows with the same non-empty key: [(key, first, last)]."""
    out = []
    for i, r in enumerate(rows):
        v = key(r)
        if v and out and out[-1][0] == v and out[-1][2] == i - 1:
            out[-1] = (v, out[-1][1], i)
        elif v:
            out.append((v, i, i))
    return out


def _spans(rows: list[Row], trace) -> list[Span]:
    spans = []
    for label, first, last in _runs(rows, lambda r: r.group):
        if last > first:
            spans.append(Span("range", label, first, last))
    for _, first, last in _runs(rows, lambda r: r.optional):
        steps = []
        for r in rows[first:last + 1]:
            if r.step and r.step not in steps:
                steps.append(r.step)
        spans.append(Span("optional", "optional step " + ", ".join(steps), first, last))
    for _, first, last in _runs(rows, lambda r: r.loop):
        spans.append(Span("loop", "repeats forever", first, last))
    return spans


def step_sequence(scene: Scene) -> list[str]:
    """The step labels as drawn, top to bottom, each run once (for tests and the README)."""
    out = []
    for r in scene.rows:
        if r.group and (not out or out[-1] != r.group):
            out.append(r.group)
    return out


_SAFE = re.compile(r"[^A-Za-z0-9_]")


def ident(name: str) -> str:
    """An identifier for text formats that do not accept '-' in names: 'P-CSCF' -> 'P_CSCF'."""
    out = _SAFE.sub("_", name)
    return out if out[:1].isalpha() else f"E_{out}"


def nested(scene: Scene, kinds=("range", "optional", "loop"), *, highlight: bool = True):
    """The rows interleaved with properly nested block events, for text formats whose blocks
    must nest (Mermaid `opt ... end`, PlantUML `group ... end`):
    [("open", span) | ("row", index) | ("close", span)].  Spans that cross are closed and
    reopened so every block nests; the highlighted row gets a block of kind "highlight"."""
    spans = [s for s in scene.spans if s.kind in kinds]
    if highlight:
        spans += [Span("highlight", "violation", i, i) for i, r in enumerate(scene.rows) if r.highlight]
    # Longer spans open first, so they sit outside the shorter ones that start on the same row.
    spans.sort(key=lambda s: (s.first, -(s.last - s.first), s.kind))
    events, stack = [], []
    for i in range(len(scene.rows)):
        for s in spans:
            if s.first == i:
                events.append(("open", s))
                stack.append(s)
        events.append(("row", i))
        ending = [s for s in stack if s.last == i]
        if ending:
            reopen = []
            while any(s.last == i for s in stack):
                top = stack.pop()
                events.append(("close", top))
                if top.last != i:
                    reopen.append(top)
            for s in reversed(reopen):
                events.append(("open", s))
                stack.append(s)
    while stack:
        events.append(("close", stack.pop()))
    return events
