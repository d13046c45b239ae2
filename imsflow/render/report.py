"""The HTML report: one self-contained file, opened from disk, with no network access.

It shows the verdict matrix (property x flow x variant) coloured by verdict; a click on a cell
opens that result's trace as its sequence diagram (render/sequence.py, inlined SVG) beside the
numbered steps and the global state after each step, with step forward/back; the entity state
charts (render/statechart.py through Graphviz, inlined SVG); each property with its statement,
seed clause and expected findings; and the run's statistics.

The page (report_template.py) holds its data as one JSON block and draws itself with a little
plain JavaScript: no library, no CDN, and a Content-Security-Policy that forbids every fetch.
"""

from __future__ import annotations

import html
import json
import re
import time

from .. import __version__
from ..workflow.text import is_unexpected, mark
from .report_template import CSS, JS, PAGE

# text mark -> the page's key (report_template.py's MARK: label, colour class, meaning)
MARK_KEY = {"ok": "ok", "viol*": "exp", "vac*": "vacx", "VIOL!": "viol", "VAC!": "vac", "??": "inc", "ok!": "lost"}
_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S)


def inline_svg(svg: str) -> str:
    """An SVG document as an element to put inside HTML (no XML prolog, doctype or comments)."""
    return _PROLOG.sub("", svg).strip()


def steps_of(entries: list) -> list:
    """Trace entries (one per message sent) grouped back into actions, for the step list."""
    steps: list = []
    by_action: dict = {}
    for e in entries:
        k = e.get("action")
        s = by_action.get(k)
        if s is None:
            received = e.get("received")
            what = f"{received['message']} from {received['from']}" if received else f"event {e.get('event')}"
            s = {"step": e.get("step"), "entity": e.get("entity"), "sends": [], "state": None,
                 "violation": bool(e.get("violation")), "loop": bool(e.get("loop")),
                 "head": f"{e.get('entity')}: {what} -> {e.get('target')}"}
            by_action[k] = s
            steps.append(s)
        if e.get("to") != e.get("from"):
            s["sends"].append(f"{e.get('label') or e.get('message')} to {e.get('to')}")
        if e.get("state") is not None:
            s["state"] = e["state"]
    for s in steps:
        s["text"] = s.pop("head") + ("; sends " + ", ".join(s["sends"]) if s["sends"] else "")
        del s["sends"]
    return steps


def chart_svgs(charts: dict) -> list:
    """[{entity, clause, svg}] - Graphviz renders each chart; a missing `dot` is an error."""
    from .statechart import to_dot, to_svg

    return [{"entity": name, "clause": c.get("clause", ""), "svg": inline_svg(to_svg(to_dot(c), name=name))}
            for name, c in charts.items()]


def report_data(run, command: str = "") -> dict:
    loaded = run.loaded
    model = loaded.model
    pids = list(dict.fromkeys(r.property for r in run.results))
    known = {p.id: p for p in loaded.properties}
    props = []
    for pid in pids:
        p = known.get(pid)
        props.append({
            "id": pid, "statement": p.statement if p else "", "kind": p.kind if p else "",
            "clause": p.clause if p else "", "source": p.source if p else "",
            "expected": [{"when": e.get("when", {}), "verdict": e["verdict"], "reason": e.get("reason", "")}
                         for e in (p.expected if p else [])],
        })
    index = {pid: i for i, pid in enumerate(pids)}
    svgs, results = [], []
    for r in run.results:
        svg = None
        if r.svg:
            svgs.append(inline_svg(r.svg))
            svg = len(svgs) - 1
        results.append({
            "p": index[r.property], "c": r.column, "verdict": r.verdict.value, "expected": r.expected,
            "mark": MARK_KEY[mark(r)], "unexpected": is_unexpected(mark(r)), "reason": r.reason, "replay": r.replay, "svg": svg,
            "steps": steps_of(r.trace) if r.trace else [], "initial": r.initial_state or {},
        })
    columns = [{"flow": c.flow, "label": c.label, "variant": c.variant,
                "stats": run.column_stats[i] if i < len(run.column_stats) else {}}
               for i, c in enumerate(run.columns)]
    flows = {fid: {"title": f.title, "clause": f.clause} for fid, f in model.flows.items()}
    return {
        "model": model.name, "model_dir": loaded.directory, "command": command, "version": __version__,
        "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "varied": run.varied,
        "stats": run.stats, "flows": flows, "columns": columns, "properties": props,
        "results": results, "svgs": svgs, "charts": chart_svgs(run.charts),
    }


def _json_for_script(data: dict) -> str:
    # Inside <script>, "</script>" or "<!--" in a string would end or confuse the block; a JSON
    # "\u003c" is the same character to JSON.parse.
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


def render_html(run, command: str = "", mutation: dict | None = None) -> str:
    """`mutation`: a saved `imsflow mutate` document, shown as its own section (report_mutation.py)."""
    data = report_data(run, command)
    s = run.stats
    unexpected = sum(1 for r in run.results if not r.as_expected)
    title = f"imsflow report: {data['model']}"
    fixed = " ".join(f"{k}={v}" for k, v in run.request.settings.items())
    varied = f"variants of {', '.join(run.varied)}" if run.varied else "one variant"
    subtitle = (f"{len(data['columns'])} run(s) over {len(run.flows())} flow(s), {varied}"
                f"{' with ' + fixed if fixed else ''}; {s['results']} verdicts, {unexpected} unexpected; "
                f"generated {data['generated']}")
    footer = f"imsflow {__version__}; model directory {data['model_dir']}" + (f"; command: {command}" if command else "")
    page = PAGE
    for key, value in (("__CSS__", CSS), ("__JS__", JS), ("__TITLE__", html.escape(title)),
                       ("__SUBTITLE__", html.escape(subtitle)), ("__FOOTER__", html.escape(footer))):
        page = page.replace(key, value)
    page = page.replace("__DATA__", _json_for_script(data))
    if mutation is not None:
        from .report_mutation import insert

        page = insert(page, mutation)  # after the data: its JSON has no "<", so no "</main>" either
    return page
