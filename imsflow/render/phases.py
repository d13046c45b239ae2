"""State charts a reader can take in: a large entity drawn per phase, each chart fitting a page.

An entity such as the WST has some seventy transitions; drawn at once the chart is 4700 px
wide and, pasted on a page, unreadable.  Its transitions are therefore split by the part of
the procedure they serve, read from the flows whose runs reach them (chart()["flows"]):

    registration    reached by a registration flow (6.X.2.2.x)
    outbound call   reached by an outbound (originating) session flow
    inbound call    reached by an inbound (terminating) session flow
    robustness      reached by no flow, or marked by the model as outside the seed (late
                    messages discarded, failure paths, "not in the seed")

A transition reached by several phases is drawn in each.  Which phase a flow belongs to is read
from its title (the seed's clause titles say "Registration", "Outbound", "Inbound"); a flow of
another model with none of those words is a phase of its own, named by its id.

The page: the text area of an A4 3GPP page, 15.9 cm x 24.7 cm.  A chart fits when Graphviz's
drawing, scaled down to that area, keeps its smallest text at MIN_PT or more.
"""

from __future__ import annotations

import re

PAGE_W_PT = 15.9 / 2.54 * 72  # 450.7
PAGE_H_PT = 24.7 / 2.54 * 72  # 700.2
MIN_PT = 8.0
ORDER = ("registration", "outbound call", "inbound call", "robustness")
ROBUST_TAGS = frozenset({"late", "fault", "failure"})


def phase_of(flow_id: str, title: str) -> str:
    t = title.lower()
    if "regist" in t:
        return "registration"
    if "outbound" in t or "originat" in t:
        return "outbound call"
    if "inbound" in t or "terminat" in t:
        return "inbound call"
    return flow_id


def transition_phases(t: dict, flow_phase: dict) -> list:
    if set(t["tags"]) & ROBUST_TAGS or "not in the seed" in (t["note"] or "") or not t["flows"]:
        return ["robustness"]
    return sorted({flow_phase.get(f, f) for f in t["flows"]}, key=_rank)


def _rank(phase: str):
    return (ORDER.index(phase) if phase in ORDER else len(ORDER), phase)


def split(c: dict, flow_phase: dict) -> list:
    """[(phase, chart)] - `c` (a statechart.chart() dictionary) cut into one chart per phase,
    each with only the states its transitions touch; phases in the order of ORDER."""
    from .statechart import step_text

    by_phase: dict = {}
    for t in c["transitions"]:
        for p in transition_phases(t, flow_phase):
            # the steps of this phase's flows only ("F6:3, F8:5-7" on the outbound chart)
            flows = {f for f, ph in flow_phase.items() if ph == p}
            by_phase.setdefault(p, []).append(dict(t, step=step_text(t.get("step_by_flow"), flows) or t["step"]
                                                   if p != "robustness" else t["step"]))
    return [(phase, restrict(dict(c, phase=phase), by_phase[phase])) for phase in sorted(by_phase, key=_rank)]


def restrict(c: dict, ts: list) -> dict:
    """`c` with only the transitions `ts` and the states they draw: destinations, and sources
    that get an edge of their own (three or more sources are named in one "any of" box, so
    those states need no box here)."""
    used = {t["dest"] for t in ts if t["dest"]}
    used |= {s for t in ts if len(t["sources"]) < 3 for s in t["sources"]}
    return dict(c, transitions=ts, states=[s for s in c["states"] if s["name"] in used],
                initial=c["initial"] if c["initial"] in used else None,
                state_order=c.get("state_order") or [s["name"] for s in c["states"]])


def file_stem(entity: str, phase: str) -> str:
    return f"{entity}-{re.sub(r'[^A-Za-z0-9]+', '-', phase).strip('-')}"


_SIZE = re.compile(r'<svg[^>]*\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')
_FONT = re.compile(r'font-size="([\d.]+)"')


def svg_size_pt(svg: str) -> tuple[float, float]:
    m = _SIZE.search(svg)
    return (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)


def page_scale(svg: str) -> float:
    """How much the chart shrinks to fit the page's text area (1: not at all)."""
    w, h = svg_size_pt(svg)
    return min(1.0, PAGE_W_PT / w if w else 1.0, PAGE_H_PT / h if h else 1.0)


def smallest_text_pt(svg: str) -> float:
    """The smallest text of a Graphviz SVG, in pt, once the chart is fitted to the page."""
    sizes = [float(v) for v in _FONT.findall(svg)]
    return min(sizes, default=0.0) * page_scale(svg)


def fits(svg: str) -> bool:
    return smallest_text_pt(svg) >= MIN_PT


def _by_source(transitions) -> list:
    """Transitions grouped by the box they leave (a state's edges stay on one chart)."""
    groups: dict = {}
    for t in transitions:
        groups.setdefault(tuple(t["sources"]), []).append(t)
    return list(groups.values())


LINES_PER_PAGE = 36  # label lines a chart starts with before Graphviz is asked whether it fits


def _lines(ts) -> int:
    from .statechart import edge_lines

    return sum(len(edge_lines(t)) + 1 for t in ts)


def page_charts(charts: list, draw) -> list:
    """For each chart dictionary: [(chart, svg)] covering all its transitions, each fitting the
    page.  Source-state groups (a state's edges stay together) are packed in order up to
    LINES_PER_PAGE label lines; a part Graphviz draws too big is halved (a group too big
    alone: its transitions), level by level.  `draw(charts) -> [svg]` draws a batch at once
    (one Graphviz process for all: its start-up, not the layout, is what costs) and may try
    another direction for those that do not fit."""
    pending = []  # (owner, order key, chart dict, groups)
    for owner, c in enumerate(charts):
        every = _by_source(c["transitions"])
        if _lines(c["transitions"]) <= 2 * LINES_PER_PAGE:
            pending.append((owner, (0,), c, every))
            continue
        chunks, size = [[]], 0
        for g in every:
            n = _lines(g)
            if chunks[-1] and size + n > LINES_PER_PAGE:
                chunks.append([])
                size = 0
            chunks[-1].append(g)
            size += n
        pending += [(owner, (k,), restrict(c, [t for g in ch for t in g]), ch) for k, ch in enumerate(chunks)]
    done: list = []
    while pending:
        svgs = draw([chart for _, _, chart, _ in pending])
        again = []
        for (owner, key, chart, groups), svg in zip(pending, svgs):
            ts = [t for g in groups for t in g]
            if fits(svg) or len(ts) == 1:
                done.append((owner, key, chart, svg))
                continue
            if len(groups) == 1:
                groups = [[t] for t in ts]
            half = len(groups) // 2
            base = charts[owner]
            for k, part in enumerate((groups[:half], groups[half:])):
                again.append((owner, key + (k,), restrict(base, [t for g in part for t in g]), part))
        pending = again
    out = [[] for _ in charts]
    for owner, key, chart, svg in sorted(done, key=lambda d: (d[0], d[1])):
        out[owner].append((chart, svg))
    for _ in range(MERGE_ROUNDS):
        if not _merge_neighbours(charts, out, draw):
            break
    return out


MERGE_ROUNDS = 3


def _merge_neighbours(charts, out, draw) -> bool:
    """Halving overshoots: join neighbouring parts of one chart when the two fit one page
    together (one batch per round).  True when something was joined."""
    trials = []  # (owner, index of the first part, merged chart)
    for owner, parts in enumerate(out):
        for i in range(0, len(parts) - 1, 2):
            ts = parts[i][0]["transitions"] + parts[i + 1][0]["transitions"]
            trials.append((owner, i, restrict(charts[owner], ts)))
    if not trials:
        return False
    joined = False
    for (owner, i, chart), svg in sorted(zip(trials, draw([t[2] for t in trials])), key=lambda x: (x[0][0], -x[0][1])):
        if fits(svg):  # from the last pair back, so the indices of earlier pairs stay valid
            out[owner][i:i + 2] = [(chart, svg)]
            joined = True
    return joined
