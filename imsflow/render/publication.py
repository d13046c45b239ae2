"""A scene as a TR draws it: what the publication style shows, decided once for every format.

`prepare` turns the scene of a run into the figure an editor pastes:
* every arrow of a step is numbered once, on its first arrow ("4-8."), and a step with more than
  one arrow gets a bracket (a `range` span);
* a row the seed does not define (no step label, not an inner hop of a summarised range) is
  marked `seed=False`: unnumbered, unbracketed, drawn in grey;
* a repeated block of steps (F4's "steps 1-11 are repeated for the other identities") is drawn
  once, inside a `loop` frame, instead of a second time with the same numbers;
* optional steps keep their `opt` frame; an `alt` span passes through unchanged.

The caption is the 3GPP one, "Figure <clause>-1: <title>"; it goes under the figure in a
document (DOCX TF paragraph) and into the picture's metadata, never into the picture.
"""

from __future__ import annotations

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


def prepare(sc: Scene, *, steps=(), repeat_note: str = "") -> Scene:
    """The publication form of `sc` (a new Scene; `sc` is left as it is).  `steps`: the flow's
    step labels in seed order (to see a repetition); `repeat_note`: the loop frame's guard."""
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
    for i, r in enumerate(rows):
        inner_hop = r.step is None and r.group is not None and "-" in r.group
        r.seed = r.step is not None or inner_hop or r.highlight
        if not r.seed:
            r.group = None
    numbered: set = set()
    for i, r in enumerate(rows):
        r.number = None
        if r.group is not None and (r.group, _run_start(rows, i)) not in numbered:
            numbered.add((r.group, _run_start(rows, i)))
            r.number = r.group
    for label, first, last in _group_runs(rows):
        if last > first:
            spans.append(Span("range", label, first, last))
    spans.sort(key=lambda s: (s.first, -(s.last - s.first)))
    return Scene(title=sc.title, participants=list(sc.participants), rows=rows, spans=spans,
                 caption=sc.caption, notes=list(sc.notes))


def _group_runs(rows):
    out = []
    for i, r in enumerate(rows):
        if r.group is None:
            continue
        if out and out[-1][0] == r.group and out[-1][2] == i - 1:
            out[-1] = (r.group, out[-1][1], i)
        else:
            out.append((r.group, i, i))
    return out


def _run_start(rows, i) -> int:
    while i > 0 and rows[i - 1].group == rows[i].group:
        i -= 1
    return i


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
