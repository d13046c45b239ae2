"""An editor's own flow file drawn in publication style, with the editor's numbering.

`imsflow diagrams FLOW.yaml` and `imsflow conform FLOW.yaml --out DIR` both draw the conform
outcome (editors/conform.py): the model's run of the written steps, each arrow numbered with
the file's step label, the steps the file does not write in grey and unnumbered, and - when
the flow diverges - the refused step on a red band.  Message fields are shown only where the
file names them (its `fields:`), or all of them with `detail`.
"""

from __future__ import annotations

import os

from . import figure, formats, publication


def _named_fields(row, written) -> str:
    """The fields of `row`'s message that its written step names ("cred=digest")."""
    fields = next((s.fields for s in written if s.label == row.step and s.message == row.text), None)
    if not fields:
        return ""
    return ", ".join(part for part in row.detail.split(", ") if part.split("=", 1)[0] in fields)


def prepared(outcome, vocabulary, *, detail: bool = False):
    """(publication scene, figure) of a conform outcome."""
    from ..editors.report import replay_command, scene

    flow = outcome.flow
    sc = scene(outcome)
    for row in sc.rows:
        if row.kind == "message":
            name = row.text.split(" (refused by ")[0]
            row.display = vocabulary.display(name) + row.text[len(name):]
            if not detail:
                row.detail = _named_fields(row, flow.steps)
    pub = publication.prepare(sc, steps=[s.label for s in flow.steps], written=publication.written_hops(flow.steps))
    pub.caption = publication.caption(flow.clause, flow.title)
    meta = {"flow_file": flow.path, "verdict": outcome.verdict, "model_flow": flow.flow or "",
            "replay": replay_command(outcome)}
    if outcome.refusal is not None:
        r = outcome.refusal
        meta["divergence"] = f"step {r.step.label} refused by {r.entity} in state {r.state}: {r.reason}"
    return pub, figure.layout(pub, detail=True, metadata=meta)


def files(outcome, vocabulary, out_dir: str, stem: str, *, png: bool = True, detail: bool = False) -> dict:
    """{absolute path: bytes}: every format of the outcome's figure under `out_dir`."""
    pub, fig = prepared(outcome, vocabulary, detail=detail)
    drawn = formats.figure_files(stem, pub, fig, png=png, detail=detail)
    if png:  # the Word forms too: EMF (when Inkscape is there) and a one-figure DOCX clause
        drawn.update(formats.emf_files(drawn))
        drawn[f"{stem}.docx"] = formats.docx_file([(pub, fig)])
    return {os.path.join(out_dir, rel): data for rel, data in drawn.items()}
