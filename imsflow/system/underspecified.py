"""What the model fills in that the seed does not define, per flow: an editor's finding.

A step is defined by the seed when its transition carries the seed's step label for the flow
(`T(step=...)`); every other step the flow's system can take - an ACK, a BYE, a CANCEL, a
failure response, a timer, an Rx exchange, an answer the seed never shows - is behaviour the
model supplies, and it says what it is modelled per: the transition's `per` (a standard's
clause), else the first standard its note cites ("RFC 3261 9", "TS 23.228 5.6.4"), else the
model's standard for the message it receives (or, for an internal event, the first it sends:
`Model.standards`), else the entity's `standard`.  The steps are those of the compiled system: with the explicit engine the
transitions the exploration reached, with an eager compile every transition that can fire.
"""

from __future__ import annotations

import re

NOT_DEFINED = "not defined by the seed; modelled per"
_CITE = re.compile(r"\b((?:RFC|TS|TR) \d[\d.]*(?: (?:Annex [A-Z]|\d+(?:\.\d+)*[a-z]?))?)")


def cited_in(note: str | None) -> str | None:
    """The first standard clause a note names ("RFC 3261 13.2.2.4"), if any."""
    m = _CITE.search(note or "")
    return m.group(1) if m else None


def underspecified(ts, flow: str | None, standards: dict | None = None) -> list[dict]:
    """One entry per transition (entity, title, where) of `ts` that the seed does not define,
    in model order: {"flow", "entity", "transition", "standard", "where", "note"}."""
    defaults = {e.name: getattr(e, "standard", "") for e in ts.definitions}
    standards = standards or {}
    seen, out = set(), []
    for a in ts.actions:
        if a.step is not None:
            continue
        entity = ts.processes[a.proc].template
        key = (entity, a.transition, a.where)
        if key in seen:
            continue
        seen.add(key)
        message = ts.messages[a.msg].name if a.msg is not None else (
            ts.messages[a.sends[0][1]].name if a.sends else None)
        standard = (a.per or cited_in(a.note) or standards.get(message) or defaults.get(entity)
                    or "no standard named")
        out.append({"flow": flow, "entity": entity, "transition": a.transition, "standard": standard,
                    "where": a.where, "note": a.note or ""})
    out.sort(key=lambda u: (u["entity"], _line_order(u["where"]), u["transition"]))
    return out


def _line_order(where: str):
    path, _, line = where.rpartition(":")
    return (path, int(line) if line.isdigit() else 0)


def summary_lines(entries: list[dict], examples: int = 3) -> list[str]:
    """Text: per flow, per standard, how many steps and a few of them."""
    by_flow: dict = {}
    for u in entries:
        by_flow.setdefault(u["flow"], {}).setdefault(u["standard"], []).append(u)
    lines = []
    for flow, groups in by_flow.items():
        total = sum(len(g) for g in groups.values())
        lines.append(f"{flow}: {total} steps {NOT_DEFINED} ...")
        for standard, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = "; ".join(f"{u['entity']} {u['transition']} ({u['where']})" for u in group[:examples])
            more = f"; and {len(group) - examples} more" if len(group) > examples else ""
            lines.append(f"  {standard} ({len(group)}): {shown}{more}")
    return lines
