"""Mermaid text of the diagrams (`sequenceDiagram`, `stateDiagram-v2`), for wikis and
documents that render Mermaid.  Read from the same plain data as the SVG: a `scene.Scene`
for sequences, a `statechart.chart()` dictionary for state machines."""

from __future__ import annotations

from .scene import Scene, ident, nested
from .statechart import edge_lines, layout, state_id

HIGHLIGHT_RGB = "rgb(253, 228, 228)"


def _clean(text: str) -> str:
    """Mermaid ends a statement at ';' and reads '#' as an entity code: keep both out."""
    return text.replace(";", ",").replace("#", "no. ").replace("\n", " ").strip()


def _frontmatter(title: str) -> list[str]:
    """YAML front matter; quoted, so that a caption keeps its colon."""
    if not title:
        return []
    return ["---", 'title: "' + _clean(title).replace('"', "'") + '"', "---"]


def sequence(scene: Scene) -> str:
    """Titled with the scene's caption (a flow's "Figure 6.X.2.2.1-1: ..."), else its title."""
    lines = _frontmatter(scene.caption or scene.title) + ["sequenceDiagram"]
    for p in scene.participants:
        pid = ident(p.name)
        lines.append(f"    participant {pid}" + (f" as {p.name}" if pid != p.name else ""))
    depth = 1
    for kind, what in nested(scene, kinds=("optional", "loop")):
        pad = "    " * depth
        if kind == "open":
            if what.kind == "highlight":
                lines.append(f"{pad}rect {HIGHLIGHT_RGB}")
            else:
                lines.append(f"{pad}{'opt' if what.kind == 'optional' else 'loop'} {_clean(what.label)}")
            depth += 1
        elif kind == "close":
            depth -= 1
            lines.append("    " * depth + "end")
        else:
            r = scene.rows[what]
            prefix = f"{r.group}. " if r.group else ""
            text = _clean(prefix + r.label)
            if r.kind == "message":
                arrow = "-->>" if r.optional else "->>"
                lines.append(f"{pad}{ident(r.src)}{arrow}{ident(r.dst)}: {text}")
            else:
                lines.append(f"{pad}Note over {ident(r.src)}: {text}")
            if r.highlight:
                ends = ident(r.src) if r.src == r.dst else f"{ident(r.src)},{ident(r.dst)}"
                lines.append(f"{pad}Note over {ends}: violation")
    for note in scene.notes:
        lines.append(f"    %% {_clean(note)}")
    return "\n".join(lines) + "\n"


def state_diagram(c: dict) -> str:
    """The state machine with the same layout as the Graphviz chart (statechart.layout): a
    transition that stays in its state is a description line of the state, "any state" and
    "any of" sources are states of their own."""
    title = c["entity"] + (f" ({c['clause']})" if c["clause"] else "")
    g = layout(c)
    lines = _frontmatter(title) + ["stateDiagram-v2"]
    sid = {bid: state_id(bid) for bid in g["boxes"]}
    for bid, box in g["boxes"].items():
        lines.append(f"    state \"{_clean(box['title'])}\" as {sid[bid]}")
        for t in box["inside"]:
            lines.append(f"    {sid[bid]} : {_clean(_one_line(t))}")
    lines.append(f"    [*] --> {sid[c['initial']]}")
    for (src, dst), ts in g["edges"].items():
        for t in ts:
            lines.append(f"    {sid[src]} --> {sid[dst]}: {_clean(_one_line(t))}")
    for s in c["states"]:
        if s["end"]:
            lines.append(f"    {sid[s['name']]} --> [*]")
    return "\n".join(lines) + "\n"


def _one_line(t: dict) -> str:
    return " ".join(text for _, text in edge_lines(t))
