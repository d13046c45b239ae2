"""PlantUML text of the diagrams, for editors whose tools take PlantUML.  imsflow never runs
PlantUML (no Java needed): the SVG is drawn by render/sequence.py and Graphviz.  Read from
the same plain data as the SVG: a `scene.Scene` or a `statechart.chart()` dictionary."""

from __future__ import annotations

from .scene import Scene, ident, nested
from .statechart import edge_lines, layout, state_id

RED = "#C00000"


def _clean(text: str) -> str:
    return text.replace("\n", " ").strip()


def sequence(scene: Scene) -> str:
    lines = ["@startuml"]
    if scene.caption or scene.title:  # a flow's "Figure 6.X.2.2.1-1: ...", not its model id
        lines.append(f"title {_clean(scene.caption or scene.title)}")
    lines += ["hide footbox", "skinparam shadowing false", "skinparam sequenceMessageAlign center"]
    for p in scene.participants:
        lines.append(f"participant \"{p.name}\" as {ident(p.name)}")
    depth = 0
    for kind, what in nested(scene, kinds=("range", "optional", "loop"), highlight=False):
        pad = "  " * depth
        if kind == "open":
            word = {"range": "group", "optional": "opt", "loop": "loop"}[what.kind]
            lines.append(f"{pad}{word} {_clean(what.label)}")
            depth += 1
        elif kind == "close":
            depth -= 1
            lines.append("  " * depth + "end")
        else:
            r = scene.rows[what]
            in_range = any(s.kind == "range" and s.first <= what <= s.last for s in scene.spans)
            prefix = f"{r.step}. " if r.step and not in_range else ""
            text = _clean(prefix + r.label)
            if r.kind == "message":
                color = f"[{RED}]" if r.highlight else ""
                arrow = f"-{color}->" if r.optional else f"-{color}>"
                lines.append(f"{pad}{ident(r.src)} {arrow} {ident(r.dst)} : {text}")
            else:
                colour = " #FDE4E4" if r.highlight else ""
                lines.append(f"{pad}hnote over {ident(r.src)}{colour} : {text}")
            if r.highlight:
                lines.append(f"{pad}note right of {ident(r.dst)} #FDE4E4 : <color:{RED}>**violation**</color>")
    for note in scene.notes:
        lines.append(f"' {_clean(note)}")
    lines.append("@enduml")
    return "\n".join(lines) + "\n"


def state_diagram(c: dict) -> str:
    """The state machine with the same layout as the Graphviz chart (statechart.layout): a
    transition that stays in its state is a description line of the state, "any state" and
    "any of" sources are dashed states of their own."""
    title = c["entity"] + (f" ({c['clause']})" if c["clause"] else "")
    g = layout(c)
    lines = ["@startuml", f"title {_clean(title)}", "hide empty description", "skinparam shadowing false"]
    sid = {bid: state_id(bid) for bid in g["boxes"]}
    for bid, box in g["boxes"].items():
        dashed = " #line.dashed" if box["kind"] == "pseudo" else ""
        lines.append(f"state \"{_clean(box['title'])}\" as {sid[bid]}{dashed}")
        for t in box["inside"]:
            lines.append(f"{sid[bid]} : {_clean(_one_line(t))}")
    lines.append(f"[*] --> {sid[c['initial']]}")
    for (src, dst), ts in g["edges"].items():
        for t in ts:
            label = "\\n".join(_clean(text) for text in _label_lines(t))
            lines.append(f"{sid[src]} --> {sid[dst]} : {label}")
    for s in c["states"]:
        if s["end"]:
            lines.append(f"{sid[s['name']]} --> [*]")
    lines.append("@enduml")
    return "\n".join(lines) + "\n"


def _label_lines(t: dict) -> list[str]:
    """Step and trigger on the first line, then guard and sends."""
    out = []
    for kind, text in edge_lines(t):
        if kind == "trigger" and out and out[-1].endswith("."):
            out[-1] += " " + text
        else:
            out.append(text)
    return out


def _one_line(t: dict) -> str:
    return " ".join(text for _, text in edge_lines(t))
