"""The comparison report of two architectures (`imsflow report --model A --against-model B`):
one self-contained HTML page, no script and nothing fetched, that puts side by side, per flow
pair of the correspondence, what each architecture guarantees (every matched property's two
verdicts, the obligations one side has and the other not) and the two sequence diagrams of the
flow (each side's flow-reachable witness).  The changes that matter come first, as in the text
of `imsflow diff`."""

from __future__ import annotations

import html

from .report import inline_svg

STYLE = """
body { font-family: "Liberation Sans", Arial, sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #bbb; padding: 2px 8px; }
th { background: #eee; text-align: left; }
.holds { background: #d8f0d8; } .violated { background: #f6d0d0; } .vacuous { background: #f3ecc6; }
.inconclusive { background: #dde3f3; }
.better, .finding-fixed { font-weight: bold; color: #0a6a0a; } .worse, .new-finding { font-weight: bold; color: #a00; }
.sides { display: flex; gap: 1.5em; align-items: flex-start; } .side { flex: 1; min-width: 0; overflow-x: auto; }
.side svg { max-width: 100%; height: auto; } pre { font-size: .8em; background: #f7f7f7; padding: .5em; }
"""


def _e(x) -> str:
    return html.escape(str(x if x is not None else ""))


def _verdict_cell(verdict) -> str:
    return f'<td class="{_e(verdict)}">{_e(verdict)}</td>' if verdict else "<td></td>"


def _headlines(diff) -> str:
    if not diff.headlines:
        return "<p>No change that matters.</p>"
    items = []
    for h in diff.headlines:
        what = f"{_e(h['kind'])}: {_e(h.get('property') or '')} on {_e(h['baseline_flow'])} &rarr; {_e(h['candidate_flow'])}"
        trace = (h.get("evidence") or {}).get("listing", "")
        items.append(f'<li class="{_e(h["kind"])}" data-kind="{_e(h["kind"])}">{what}: {_e(h["before"])} &rarr; '
                     f'{_e(h["after"])}<br>{_e(h.get("statement", ""))}'
                     + (f"<details><summary>{_e(h['side'])} trace</summary><pre>{_e(trace)}</pre></details>" if trace else "")
                     + "</li>")
    return "<ol id=\"headlines\">" + "".join(items) + "</ol>"


def _pair_section(pair, names) -> str:
    bf, cf = pair["baseline_flow"], pair["candidate_flow"]
    out = [f'<h2 id="pair-{_e(bf)}-{_e(cf)}">{_e(bf or "(none)")} &rarr; {_e(cf or "(none)")}</h2>']
    rows = [f'<tr data-property="{_e(v["property"])}"><td>{_e(v["property"])}'
            + (f' / {_e(v["candidate_property"])}' if v["candidate_property"] != v["property"] else "")
            + f'</td>{_verdict_cell(v["before"])}{_verdict_cell(v["after"])}'
              f'<td class="{_e(v["change"])}">{_e(v["change"])}</td><td>{_e(v.get("statement", ""))}</td></tr>'
            for v in pair["verdicts"]]
    if rows:
        out.append(f'<table class="verdicts"><tr><th>property</th><th>{_e(names["baseline"])}</th>'
                   f'<th>{_e(names["candidate"])}</th><th>change</th><th>what it guarantees</th></tr>'
                   + "".join(rows) + "</table>")
    for key, listed in pair["obligations"].items():  # "no longer an obligation", "new obligation"
        if listed:
            out.append(f"<p><b>{_e(key)} ({len(listed)}):</b> "
                       + ", ".join(f'{_e(o["property"])} ({_e(o["verdict"])})' for o in listed) + "</p>")
    diagrams = pair.get("diagrams") or {}
    if bf and cf:
        sides = []
        for role, flow in (("baseline", bf), ("candidate", cf)):
            svg = diagrams.get(role)
            body = inline_svg(svg) if svg else "<p>(no run of this flow reached its end: no diagram)</p>"
            sides.append(f'<div class="side" data-role="{role}"><h3>{_e(names[role])}: {_e(flow)}</h3>{body}</div>')
        out.append('<div class="sides">' + "".join(sides) + "</div>")
    return "\n".join(out)


def render_comparison_html(diff, command: str = "") -> str:
    names = {"baseline": diff.baseline.get("model", "baseline"), "candidate": diff.candidate.get("model", "candidate")}
    corr = diff.correspondence
    entities = ", ".join(f"{_e(a)} &rarr; {_e(b)}" for a, b in sorted((corr.get("entities") or {}).items()))
    body = [
        f"<h1>{_e(names['candidate'])} against {_e(names['baseline'])}</h1>",
        f"<p>baseline: {_e(names['baseline'])} ({_e(diff.baseline.get('model_dir', ''))}); "
        f"candidate: {_e(names['candidate'])} ({_e(diff.candidate.get('model_dir', ''))})</p>",
        f"<p>correspondence: {entities}</p>",
        f"<p>{_e(command)}</p>" if command else "",
        "<h2>What changed that matters</h2>", _headlines(diff),
        *(_pair_section(p, names) for p in diff.pairs),
        f"<p>{len(diff.headlines)} headline change(s), {len(diff.worse)} worse; {diff.stats['runs']} runs in "
        f"{diff.stats['seconds']} s; security properties "
        + ("with each model's intruder" if diff.stats.get("intruder") else "WITHOUT an intruder") + "</p>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>imsflow comparison: "
            f"{_e(names['candidate'])} against {_e(names['baseline'])}</title><style>{STYLE}</style></head>"
            "<body>\n" + "\n".join(body) + "\n</body></html>\n")
