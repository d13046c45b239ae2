"""Entity state machines: from the entity's own `transitions` definition to Graphviz.

Layered like `transitions`' diagram extension: first a plain dictionary (`chart()`) built from
the machine's markup export (`entity.machine.markup`: states, initial state, one entry per
source state and trigger) enriched with what the markup leaves out and the entity's `T(...)`
list keeps (the seed's step labels, tags, guard and effect names, "any state" sources); then
renderers over that dictionary: Graphviz DOT here, Mermaid and PlantUML in their own modules.

What a transition sends is not written in the definition - it is whatever its effect calls
`send()` with - so `chart()` takes the compiled TransitionSystems of the flows and reads the
sends of every action compiled from that transition.  A transition no flow ever fires is
drawn with its effect names instead.

Graphviz SVG is deterministic for one Graphviz version and font set; the version comment it
writes is replaced by a fixed one so that the bytes do not name the machine's version.
"""

from __future__ import annotations

import linecache
import re
import shutil
import subprocess

from ..errors import ImsflowError
from ..authoring.entity import Recv

ANY = "__any__"  # the pseudo-state a T(source="*") is drawn from


class GraphvizError(ImsflowError):
    """Graphviz (`dot`) is missing or failed on a generated graph."""


# ---- the plain dictionary --------------------------------------------------------------------
def chart(entity, systems=()) -> dict:
    """A plain description of `entity`'s state machine (an Entity instance)."""
    cls = type(entity)
    markup = entity.machine.markup
    states = [s["name"] for s in markup["states"]]
    ends = set(cls.end_states)
    sends = _sends_by_transition(cls.name, systems)
    by_key: dict = {}
    for t_index, t in enumerate(cls.transitions):
        guards = tuple(_markup_name(fn) for fn in entity._guard_fns.get(t_index, ()))
        for src in t.sources(states):
            by_key.setdefault((src, t.dest, t.on.trigger, guards), []).append(t_index)
    used: dict = {}
    for entry in markup["transitions"]:
        key = (entry["source"], entry.get("dest"), entry["trigger"], tuple(entry.get("conditions", ())))
        for t_index in by_key.get(key, ()):
            used.setdefault(t_index, []).append(entry["source"])
    transitions = []
    for t_index, t in enumerate(cls.transitions):
        sources = used.get(t_index, [])
        if not sources:
            continue  # the machine did not accept it (cannot happen for a validated entity)
        whole = t.source == "*" and len(states) > 2
        transitions.append({
            "sources": [ANY] if whole else sources,
            "dest": t.dest,
            "trigger": "recv" if isinstance(t.on, Recv) else "event",
            "message": t.on.message if isinstance(t.on, Recv) else None,
            "from": t.on.sender if isinstance(t.on, Recv) else None,
            "event": None if isinstance(t.on, Recv) else t.on.name,
            "guards": [_guard_text(fn, t) for fn in _as_list(t.when)],
            "effects": [_name(fn) for fn in _as_list(t.do)],
            "sends": sends.get((t.where, t.title()), []),
            "step": _step_text(t.step),
            "tags": list(t.tags),
            "note": t.note,
            "name": t.name,
            "where": t.where,
        })
    return {
        "entity": cls.name,
        "clause": cls.clause,
        "initial": markup["initial"],
        "states": [{"name": s, "end": s in ends} for s in states],
        "transitions": transitions,
    }


def _markup_name(fn) -> str:
    """The name the markup export gives a guard (authoring.entity._Guard's naming)."""
    name = getattr(fn, "__name__", "guard")
    return "guard" if name == "<lambda>" else name


def _sends_by_transition(template: str, systems) -> dict:
    """(where, title) -> ["REGISTER to P-CSCF", ...] over every compiled action of `template`."""
    out: dict = {}
    for ts in systems:
        for a in list(ts.actions):
            if ts.processes[a.proc].template != template:
                continue
            found = out.setdefault((a.where, a.transition), [])
            for c, mid in a.sends:
                receiver = ts.processes[ts.channels[c].receiver].template
                text = f"{ts.messages[mid].name} to {receiver}"
                if text not in found:
                    found.append(text)
    return out


def _as_list(spec) -> list:
    if spec is None:
        return []
    return list(spec) if isinstance(spec, (list, tuple)) else [spec]


def _name(fn) -> str:
    if isinstance(fn, str):
        return fn
    name = getattr(fn, "__name__", "effect")
    return "effect" if name == "<lambda>" else name


def _step_text(step) -> str | None:
    if step is None:
        return None
    if isinstance(step, dict):
        labels = []
        for label in step.values():
            if label not in labels:
                labels.append(label)
        if len(labels) == 1:
            return labels[0]
        return ", ".join(f"{flow}:{label}" for flow, label in step.items())
    return str(step)


_LAMBDA = re.compile(r"\bwhen\s*=\s*\(?\s*lambda\s+(\w+)\s*:")


def _guard_text(fn, t) -> str:
    """A guard as shown on an edge: its name, or for a lambda its expression with the entity
    prefix dropped ("v.token == 'valid'")."""
    if isinstance(fn, str) or getattr(fn, "__name__", "") != "<lambda>":
        return _name(fn)
    code = getattr(fn, "__code__", None)
    if code is None:
        return "guard"
    text = "".join(linecache.getline(code.co_filename, code.co_firstlineno + k) for k in range(3))
    m = _LAMBDA.search(text)
    if not m:
        return "guard"
    arg = m.group(1)
    body = _expression(text[m.end():])
    body = re.sub(rf"\b{re.escape(arg)}\.(v\.)?", "", body).strip()
    body = re.sub(r"\s+", " ", body)
    return body if body and len(body) <= 60 else "guard"


def _expression(text: str) -> str:
    """The text of one Python expression at the start of `text`: up to the first comma or
    closing bracket at nesting depth 0, outside string literals."""
    depth, quote, out = 0, None, []
    for ch in text:
        if quote:
            out.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            break
        out.append(ch)
    return "".join(out)


# ---- labels shared by the renderers -----------------------------------------------------------
def trigger_text(t: dict) -> str:
    if t["trigger"] == "recv":
        return f"{t['message']} from {t['from']}"
    return t["event"]


def edge_lines(t: dict) -> list[tuple[str, str]]:
    """An edge label as (kind, text) lines: kinds step, trigger, guard, send, effect."""
    lines = []
    head = trigger_text(t)
    if t["step"]:
        lines.append(("step", f"{t['step']}."))
    lines.append(("trigger", head))
    if t["guards"]:
        lines.append(("guard", "[" + " and ".join(t["guards"]) + "]"))
    if t["sends"]:
        lines.extend(("send", f"/ {s}") for s in t["sends"])
    elif t["effects"] and not any(e in ("effect", "fired") for e in t["effects"]):
        lines.append(("effect", "/ " + ", ".join(t["effects"])))
    return lines


# ---- Graphviz ---------------------------------------------------------------------------------
def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(c: dict) -> str:
    """The chart as a DOT graph: rounded boxes for states, a dot for the start, a double border
    for end states (where resting is not a deadlock), an edge per transition labelled with the
    step, the trigger, the guard and what it sends."""
    name = c["entity"]
    title = name + (f" ({c['clause']})" if c["clause"] else "")
    lines = [
        f"digraph {_quote(name)} {{",
        "  graph [rankdir=TB, fontname=\"Arial\", fontsize=12, labelloc=t, nodesep=0.35, ranksep=0.45, "
        f"pad=0.2, label=<<B>{_html(title)}</B>>];",
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Arial\", fontsize=11, "
        "height=0.35, margin=\"0.12,0.05\"];",
        "  edge [fontname=\"Arial\", fontsize=9, arrowsize=0.7];",
        "  __start__ [shape=point, width=0.14, style=filled, fillcolor=\"#000000\", label=\"\"];",
    ]
    for s in c["states"]:
        attrs = [f"label={_quote(s['name'])}"]
        if s["end"]:
            attrs.append("peripheries=2")
        lines.append(f"  {_quote(s['name'])} [{', '.join(attrs)}];")
    if any(ANY in t["sources"] for t in c["transitions"]):
        lines.append(f"  {_quote(ANY)} [label=\"any state\", style=\"rounded,dashed\", fontcolor=\"#505050\"];")
    lines.append(f"  __start__ -> {_quote(c['initial'])};")
    for t in c["transitions"]:
        parts = []
        for kind, text in edge_lines(t):
            esc = _html(text)
            if kind == "step":
                parts.append(f"<B>{esc}</B> ")
                continue
            if kind == "guard":
                esc = f"<I>{esc}</I>"
            elif kind == "effect":
                esc = f"<FONT COLOR=\"#505050\">{esc}</FONT>"
            parts.append(esc + "<BR ALIGN=\"LEFT\"/>")
        label = "".join(parts)
        for src in t["sources"]:
            dest = t["dest"] if t["dest"] is not None else src
            style = ", style=dashed" if src == ANY else ""
            lines.append(f"  {_quote(src)} -> {_quote(dest)} [label=<{label}>{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


_VERSION_COMMENT = re.compile(r"<!-- Generated by graphviz version [^>]*-->")


def dot_version() -> str:
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizError("Graphviz 'dot' is not installed", hint="run scripts/setup.sh (apt-get install graphviz)")
    proc = subprocess.run([exe, "-V"], capture_output=True, text=True, check=False)
    m = re.search(r"version\s+(\S+)", proc.stderr + proc.stdout)
    return m.group(1) if m else "unknown"


def run_dot(dot: str, fmt: str, *, name: str = "graph", options=()) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizError("Graphviz 'dot' is not installed", hint="run scripts/setup.sh (apt-get install graphviz)")
    proc = subprocess.run([exe, f"-T{fmt}", *options], input=dot.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode != 0:
        raise GraphvizError(f"dot -T{fmt} failed on the state chart of {name}: "
                            f"{proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def to_svg(dot: str, *, name: str = "graph") -> str:
    svg = run_dot(dot, "svg", name=name).decode("utf-8")
    return _VERSION_COMMENT.sub("<!-- Generated by imsflow with Graphviz -->", svg)


def to_png(dot: str, *, name: str = "graph") -> bytes:
    return run_dot(dot, "png", name=name, options=("-Gdpi=144",))
