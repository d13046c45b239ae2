"""A publication scene as message-sequence-chart text an editor can keep editing:

* Msc-generator "signalling" (https://gitlab.com/msc-generator): frames as boxes holding their
  arrows (`loop`, `opt`), a step not in the seed dashed (`>>`), the refused or violating step red;
* mscgen (Debian package mscgen): no frames in the language, so a frame is a pair of `---`
  dividers naming it; a step not in the seed is a dotted return arrow (`>>`).

Both read the prepared scene (publication.prepare), so the numbering, display names and
frames are those of the SVG.
"""

from __future__ import annotations

from .publication import shown_name
from .scene import nested

FRAME_TAG = {"optional": "opt", "loop": "loop", "alt": "alt"}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(row, detail: bool) -> str:
    name = shown_name(row) if row.kind == "message" else row.text
    if detail and row.detail:
        name += f" ({row.detail})"
    return f"{row.number}. {name}" if row.number else name


def signalling(sc, *, detail: bool = False) -> str:
    """Msc-generator signalling chart text."""
    out = ["# " + (sc.caption or sc.title), "hscale=auto;", "numbering=no;",
           ", ".join(_q(p.name) for p in sc.participants) + ";"]
    first, last = (_q(sc.participants[0].name), _q(sc.participants[-1].name)) if sc.participants else ("", "")
    depth = 0
    for kind, what in nested(sc, kinds=("optional", "loop", "alt"), highlight=False):
        pad = "  " * depth
        if kind == "open":
            out.append(f"{pad}{first}--{last}: {_q(FRAME_TAG[what.kind] + ' [' + what.label + ']')} {{")
            depth += 1
        elif kind == "close":
            depth -= 1
            out.append("  " * depth + "};")
        else:
            r = sc.rows[what]
            attrs = " [line.color=red, text.color=red]" if r.highlight else ""
            text = _q(_label(r, detail))
            if r.kind == "message":
                arrow = ">>" if not r.seed else "->"
                out.append(f"{pad}{_q(r.src)}{arrow}{_q(r.dst)}{attrs}: {text};")
            else:
                out.append(f"{pad}{_q(r.src)}--{_q(r.src)}{attrs}: {text};")
    return "\n".join(out) + "\n"


def mscgen(sc, *, detail: bool = False) -> str:
    """mscgen text (`mscgen -T png -i F1.msc`)."""
    out = ["# " + (sc.caption or sc.title), "msc {", '  hscale = "1.2", wordwraparcs = "true";',
           "  " + ", ".join(_q(p.name) for p in sc.participants) + ";"]
    for kind, what in nested(sc, kinds=("optional", "loop", "alt"), highlight=False):
        if kind in ("open", "close"):
            tag = FRAME_TAG[what.kind] + (f" [{what.label}]" if kind == "open" else " end")
            out.append(f"  --- [label={_q(tag)}];")
            continue
        r = sc.rows[what]
        attrs = [f"label={_q(_label(r, detail))}"]
        if r.highlight:
            attrs += ['linecolour="#c00000"', 'textcolour="#c00000"']
        elif not r.seed:
            attrs += ['linecolour="#6e6e6e"', 'textcolour="#6e6e6e"']
        if r.kind == "message":
            arrow = ">>" if not r.seed else "=>"
            out.append(f"  {_q(r.src)} {arrow} {_q(r.dst)} [{', '.join(attrs)}];")
        else:
            out.append(f"  {_q(r.src)} box {_q(r.src)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"
