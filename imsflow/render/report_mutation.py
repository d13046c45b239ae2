"""The report's "Specification strength" section: a saved `imsflow mutate` document
(mutate.json) as static HTML - score, operators, kills per property, and every surviving,
unreached, equivalent and invalid mutant with its file:line (a survivor with the shortest run
to its change).  Kept apart from report_template.py: it needs no script."""

from __future__ import annotations

import html

from ..errors import UsageError

STATUSES = ("killed", "survived", "equivalent", "unreached", "invalid", "inconclusive")


def check_document(doc, path: str) -> dict:
    if not isinstance(doc, dict) or not {"summary", "mutants", "per_operator", "per_property"} <= set(doc):
        raise UsageError(f"{path}: not an 'imsflow mutate --format json' document",
                         hint="write one with 'imsflow mutate --out DIR' (DIR/mutate.json)")
    return doc


def _e(x) -> str:
    return html.escape(str(x))


def _table(head: list, rows: list) -> str:
    out = ["<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows]
    return "".join(out) + "</tbody></table>"


def _mutant_items(mutants: list, with_trace: bool) -> str:
    items = []
    for m in sorted(mutants, key=lambda m: (m["entity"], m["t_index"], m["id"])):
        body = f"<code>{_e(m['where'])}</code> <b>{_e(m['id'])}</b>: {_e(m['description'])}"
        trace = m.get("trace") if with_trace else None
        if trace:
            body = (f"<details><summary>{body}</summary><p class=\"muted\">shortest run to the change "
                    f"({_e(trace['flow'])}, {trace['steps']} steps; {_e(trace['note'])})</p>"
                    f"<pre>{_e(trace['listing'])}</pre></details>")
        elif m.get("reason") and m["status"] != "unreached":
            body += f"<br><span class=\"muted\">{_e(m['reason'])}</span>"
        items.append(f"<li>{body}</li>")
    return "<ul class=\"mutants\">" + "".join(items) + "</ul>"


def section_html(doc: dict) -> str:
    s = doc["summary"]
    score = "n/a" if s.get("score") is None else f"{100 * s['score']:.1f} %"
    parts = [
        '<section id="sec-mutation">',
        "<h2>Specification strength: imsflow mutate</h2>",
        f"<p><b>Score {score}</b> = {s['killed']} killed / ({s['mutants']} mutants - {s['equivalent']} equivalent"
        f" - {s['invalid']} invalid); {s['survived']} surviving, {s['unreached']} unreached, "
        f"{s['inconclusive']} inconclusive; flows {_e(', '.join(map(str, doc.get('flows', []))))}; "
        f"{s.get('seconds', '?')} s.</p>",
        f"<p class=\"muted\">{_e(doc.get('definition', ''))}</p>",
        "<h3>Per operator</h3>",
        _table(["operator", "mutants", *STATUSES],
               [[op, c["mutants"], *(c.get(k, 0) for k in STATUSES)] for op, c in doc["per_operator"].items()]),
        "<h3>Kills per property</h3>",
        _table(["property", "mutants killed", ""],
               [[pid, n, "no mutant breaks it: this property cannot fail in this model"
                 if pid in doc.get("never_broken", ()) else ""] for pid, n in doc["per_property"].items()]),
    ]
    groups = [("survived", "Surviving mutants (click one for the shortest run to its change)", True),
              ("unreached", "Unreached mutants: no run exercises the change (a gap in the world model)", False),
              ("equivalent", "Equivalent mutants (excluded from the score)", False),
              ("invalid", "Invalid mutants: the model does not compile with them", False),
              ("inconclusive", "Inconclusive mutants (raise --max-states)", False)]
    for status, title, traces in groups:
        members = [m for m in doc["mutants"] if m["status"] == status]
        if members:
            parts += [f"<h3>{_e(title)}: {len(members)}</h3>", _mutant_items(members, traces)]
    parts.append("</section>")
    return "\n".join(parts)


def insert(page: str, doc: dict) -> str:
    """The page with the section at the end of <main> and a link in the navigation bar."""
    page = page.replace("</nav>", '<a href="#sec-mutation">Mutation</a></nav>', 1)
    return page.replace("</main>", section_html(doc) + "\n</main>", 1)
