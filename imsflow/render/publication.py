"""A scene as a TR draws it: what the publication style shows, decided once for every format.

`prepare` turns the scene of a run into the figure an editor pastes:
* every arrow of a step is numbered once, on its first arrow ("4-8."), and a step with more than
  one arrow gets a bracket (a `range` span);
* a row the seed does not define is marked `seed=False`: unnumbered, unbracketed, drawn in
  grey.  That is a row with no step label that is not an inner hop of a range, and - when the
  seed's written flow is known (`written`, from flows/<F>.yaml) - an arrow of a step the seed
  writes hop by hop that is none of its hops: the 100 Trying the WST sends with step 2's
  INVITE, the ACK after step 20's 200 OK, the MRF's answers in 7-9.  A summarised step
  ("standard IMS procedure") keeps every hop the model makes of it;
* a repeated block of steps (F4's "steps 1-11 are repeated for the other identities") is drawn
  once, inside a `loop` frame, instead of a second time with the same numbers;
* optional steps keep their `opt` frame; an `alt` span passes through unchanged.

The caption is the 3GPP one, "Figure <clause>-1: <title>"; it goes under the figure in a
document (DOCX TF paragraph) and into the picture's metadata, never into the picture.
"""

from __future__ import annotations

import os
from dataclasses import replace

from .scene import Row, Scene, Span


def caption(clause: str | None, title: str, index: int = 1) -> str:
    """'Figure 6.X.2.2.1-1: Registration of WIC ...' (TR 21.801 numbering: clause, then the
    figure's number within it); without a clause the title alone."""
    return f"Figure {clause}-{index}: {title}" if clause else f"Figure: {title}"


def _step_rank(steps) -> dict:
    return {s: i for i, s in enumerate(steps or ())}


def _signature(r: Row):
    return (r.kind, r.src, r.dst, r.text)


def _repeat(rows: list[Row], rank: dict):
    """(first, start, stop) when the rows go back to an earlier step and the block before is
    performed again hop for hop (other field values allowed: the next identity of a range):
    rows[first:start] is the first pass, rows[start:stop] the repetition.  None otherwise."""
    highest = -1
    for i, r in enumerate(rows):
        g = rank.get(r.group)
        if g is None:
            continue
        if g < highest:
            stop = next((j for j in range(i, len(rows)) if rank.get(rows[j].group, -1) > highest), len(rows))
            # the repetition starts at row i or a little before it (the next REGISTER may carry
            # the label of the step that ended the first pass): the latest start that works
            for start in range(i, 0, -1):
                for length in range(min(start, stop - start), i - start, -1):
                    if all(_signature(rows[start - length + k]) == _signature(rows[start + k])
                           for k in range(length)):
                        return start - length, start, start + length
            return None
        highest = max(highest, g)
    return None


def written_hops(flow_steps) -> dict:
    """{step label: the (from, to, message) arrows the flow file writes for it, or None when
    the step is summarised (any hop the model makes belongs to it)} of a flow file's steps
    (editors/flowfile.FlowStep)."""
    out: dict = {}
    for s in flow_steps:
        hops = out.setdefault(s.label, set())
        if s.summarised or hops is None:
            out[s.label] = None
        elif s.message is not None and not s.internal:
            hops.add((s.sender, s.receiver, s.message))
    return out


def written_steps(model_dir: str, flow_id: str):
    """The seed's own arrows of the flow (written_hops) from the flow as the seed
    writes it, `<model dir>/flows/<flow>.yaml`; None for a model without one."""
    from ..editors.flowfile import load_flow

    path = os.path.join(model_dir, "flows", f"{flow_id}.yaml")
    if not os.path.isfile(path):
        return None
    flow = load_flow(path)
    return written_hops(flow.steps) if flow.flow in (None, flow_id) else None


def _written(r: Row, hops, template: dict) -> bool:
    """Whether the arrow `r` is one of its step's written `hops`, compared by entity: a hop
    written to RM1 covers the same message to RM2 and RM3 ("4-6": the TM's Commit to each)."""
    if hops is None or r.kind != "message":
        return True
    def entity(name):
        return template.get(name, name)

    return any((entity(a), entity(b), m) == (entity(r.src), entity(r.dst), r.text) for a, b, m in hops)


def _written_step(r: Row, written: dict, template: dict):
    """The written step the arrow `r` is a hop of: its own, or - one action may send the
    last hop of its step and the first of the next (F9: the WST's IWF_UPDATE of 7-8 and its
    183 of 9-10) - the step of the action that receives it; None when the seed writes it in
    neither (the model's own arrow)."""
    for label in (r.group, r.receipt_step):
        if label in written and _written(r, written[label], template):
            return label
    return None


def prepare(sc: Scene, *, steps=(), repeat_note: str = "", written=None) -> Scene:
    """The publication form of `sc` (a new Scene; `sc` is left as it is).  `steps`: the flow's
    step labels in seed order (to see a repetition); `repeat_note`: the loop frame's guard;
    `written`: the seed's own arrows per step (`written_hops`), None when unknown."""
    rows = [replace(r) for r in sc.rows]
    rank = _step_rank(steps)
    spans = [s for s in sc.spans if s.kind in ("optional", "alt", "loop")]
    while (rep := _repeat(rows, rank)) is not None:
        first, start, stop = rep
        # the first pass stays, as the loop body; the repetition is dropped from the picture
        # (the trace file keeps it)
        label = repeat_note or f"steps {rows[first].group}-{rows[start - 1].group} repeated"
        rows = rows[:start] + rows[stop:]
        cut = stop - start
        spans = [s if s.last < start else replace(s, first=s.first - cut, last=s.last - cut)
                 for s in spans if s.last < start or s.first >= stop]
        if not any(s.kind == "loop" and (s.first, s.last) == (first, start - 1) for s in spans):
            spans.append(Span("loop", label, first, start - 1))
    template = {p.name: p.template for p in sc.participants}
    for r in rows:
        inner_hop = r.step is None and r.group is not None and "-" in r.group
        r.seed = r.step is not None or inner_hop or r.highlight
        if r.seed and not r.highlight and written and r.group in written:
            r.group = _written_step(r, written, template)
            r.seed = r.group is not None
        if not r.seed:
            r.group = None
    runs = _group_runs(rows)
    for r in rows:
        r.number = None
    for label, first, _ in runs:
        rows[first].number = label
    for label, first, last in runs:
        if last > first:
            spans.append(Span("range", label, first, last))
    spans.sort(key=lambda s: (s.first, -(s.last - s.first)))
    return Scene(title=sc.title, participants=list(sc.participants), rows=rows, spans=spans,
                 caption=sc.caption, notes=list(sc.notes))


def _group_runs(rows):
    """[(label, first, last)]: the runs of rows of one step; a row outside every step (an
    arrow the model adds) does not end the run it stands in."""
    out = []
    for i, r in enumerate(rows):
        if r.group is None:
            continue
        if out and out[-1][0] == r.group and all(q.group is None for q in rows[out[-1][2] + 1:i]):
            out[-1] = (r.group, out[-1][1], i)
        else:
            out.append((r.group, i, i))
    return out


def shown_name(row: Row) -> str:
    return row.display or row.text


def step_text(sc: Scene) -> list[str]:
    """The numbered step list a TR puts under its figure, one entry per numbered step:
    "1. WIC to CSS: HTTPS: GET WIC script; CSS to WIC: ..." (for the DOCX clause)."""
    out, current = [], None
    for r in sc.rows:
        if r.number is not None:
            current = [r.number, []]
            out.append(current)
        if current is None or not r.seed:
            continue
        what = shown_name(r) if r.kind == "message" else r.text
        hop = f"{r.src} to {r.dst}: {what}" if r.kind == "message" else f"{r.src}: {what}"
        current[1].append(hop)
    return [f"{n}. " + "; ".join(hops) + "." for n, hops in out]


def as_text_scene(sc: Scene, *, detail: bool = False) -> Scene:
    """The prepared scene for the text formats that print `group. label` on every row they
    number (mermaid.py, plantuml.py): the display name as the text, the step number only on
    the row that carries it, fields only with `detail`."""
    rows = [replace(r, text=shown_name(r) if r.kind == "message" else r.text,
                    detail=r.detail if detail else "", group=r.number) for r in sc.rows]
    return Scene(title=sc.title, participants=list(sc.participants), rows=rows, spans=list(sc.spans),
                 caption=sc.caption, notes=[])
