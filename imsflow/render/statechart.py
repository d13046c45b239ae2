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

import re
import shutil
import subprocess

from ..errors import ImsflowError
from ..authoring.entity import Recv
from .guards import guard_text

ANY = "__any__"  # the pseudo-state a T(source="*") is drawn from


def state_id(box_id: str) -> str:
    """An identifier for a state box that Mermaid and PlantUML both accept."""
    from .scene import ident

    if box_id == ANY:
        return "any_state"
    if box_id.startswith("__from_"):
        return "any_of_" + box_id.strip("_").split("_")[-1]
    return "s_" + ident(box_id)


class GraphvizError(ImsflowError):
    """Graphviz (`dot`) is missing or failed on a generated graph."""


# ---- the plain dictionary --------------------------------------------------------------------
def chart(entity, systems=()) -> dict:
    """A plain description of `entity`'s state machine (an Entity instance)."""
    cls = type(entity)
    markup = entity.machine.markup
    states = [s["name"] for s in markup["states"]]
    ends = set(cls.end_states)
    sends, observed, fired = _sends_by_transition(cls.name, systems)
    # The markup is the machine's own account of its transitions: a T is drawn from the
    # sources the machine actually registered for it.
    confirmed = {(e["source"], e.get("dest"), e["trigger"], tuple(e.get("conditions", ())))
                 for e in markup["transitions"]}
    transitions = []
    for t_index, t in enumerate(cls.transitions):
        guards = tuple(_markup_name(fn) for fn in entity._guard_fns.get(t_index, ()))
        sources = [src for src in t.sources(states) if (src, t.dest, t.on.trigger, guards) in confirmed]
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
            "guards": [guard_text(fn) for fn in _as_list(t.when)],
            "effects": [_name(fn) for fn in _as_list(t.do)],
            "sends": sends.get((t.where, t.title()), []),
            "step": _step_text(t.step, observed.get((t.where, t.title()), {})),
            "step_by_flow": _step_per_flow(t.step, observed.get((t.where, t.title()), {})),
            "tags": list(t.tags),
            "note": t.note,
            "name": t.name,
            "where": t.where,
            "flows": sorted(fired.get((t.where, t.title()), ())),  # flows whose runs reach it
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


def _sends_by_transition(template: str, systems) -> tuple[dict, dict, dict]:
    """Over every compiled action of `template`: (where, title) -> ["REGISTER to P-CSCF", ...],
    (where, title) -> {flow: [step labels]} (for steps computed from the message), and
    (where, title) -> {flows whose exploration compiled it} (actions are compiled on demand,
    so only what a flow's runs reach)."""
    out: dict = {}
    steps: dict = {}
    fired: dict = {}
    for ts in systems:
        flow = getattr(ts.config, "flow", None)
        for a in list(ts.actions):
            if ts.processes[a.proc].template != template:
                continue
            key = (a.where, a.transition)
            if flow is not None:
                fired.setdefault(key, set()).add(flow)
            found = out.setdefault(key, [])
            for c, mid in a.sends:
                receiver = ts.processes[ts.channels[c].receiver].template
                text = f"{ts.messages[mid].name} to {receiver}"
                if text not in found:
                    found.append(text)
            if a.step is not None and flow is not None:
                labels = steps.setdefault(key, {}).setdefault(flow, [])
                if a.step not in labels:
                    labels.append(a.step)
    for per_flow in steps.values():
        for labels in per_flow.values():
            labels.sort(key=_step_number)
    return out, steps, fired


def _step_number(label: str):
    m = re.match(r"\s*(\d+)", label)
    return (int(m.group(1)) if m else 1 << 30, label)


def _as_list(spec) -> list:
    if spec is None:
        return []
    return list(spec) if isinstance(spec, (list, tuple)) else [spec]


def _name(fn) -> str:
    if isinstance(fn, str):
        return fn
    name = getattr(fn, "__name__", "effect")
    return "effect" if name == "<lambda>" else name


def _step_per_flow(step, observed: dict):
    """The seed step(s) of a transition: None, one label for every flow, or {flow: label}.
    A step computed from the message (a function) is what the compiled flows gave it."""
    if step is None:
        return None
    if callable(step):
        return {flow: "/".join(labels) for flow, labels in sorted(observed.items())} or None
    if isinstance(step, dict):
        return dict(step)
    return str(step)


def step_text(per_flow, flows=None) -> str | None:
    """A transition's step as an edge shows it: its one label, or "F1:4-8, F2:4-8" when the
    flows (only those in `flows`, if given) label it differently."""
    if per_flow is None or isinstance(per_flow, str):
        return per_flow
    if flows is not None:
        per_flow = {f: v for f, v in per_flow.items() if f in flows}
    labels = []
    for label in per_flow.values():
        if label not in labels:
            labels.append(label)
    if not labels:
        return None
    if len(labels) == 1:
        return labels[0]
    return ", ".join(f"{flow}:{label}" for flow, label in per_flow.items())


def _step_text(step, observed: dict) -> str | None:
    return step_text(_step_per_flow(step, observed))


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


def _lines_html(t: dict) -> list[str]:
    """A transition on an edge: "step. trigger" on one line, then the guard and what it sends
    on lines of their own (long labels would otherwise spread the graph sideways)."""
    out = []
    for kind, text in edge_lines(t):
        esc = _html(text)
        if kind == "step":
            out.append(f"<B>{esc}</B>")
        elif kind == "trigger" and out and out[-1].startswith("<B>"):
            out[-1] += "&#160;" + esc  # Graphviz drops a plain space after </B>
        elif kind == "guard":  # a long condition over several lines, one conjunct each
            parts = esc.split(" and ") if len(esc) > 28 else [esc]
            out += [f"    <I>{p}{' and' if k < len(parts) - 1 else ''}</I>" for k, p in enumerate(parts)]
        elif kind == "effect":
            out.append(f"    <FONT COLOR=\"#606060\">{esc}</FONT>")
        elif kind == "send":
            out.append(f"    {esc}")
        else:
            out.append(esc)
    if "late" in t["tags"]:
        out = [f"<FONT COLOR=\"#707070\">{ln}</FONT>" for ln in out]
    return out


def _line_html(t: dict) -> str:
    """One transition on one line (inside a state box): bold step, trigger, italic guard, what
    it sends (or its effect names in grey); a discarded late message is all grey."""
    parts = []
    for kind, text in edge_lines(t):
        esc = _html(text)
        if kind == "step":
            parts.append(f"<B>{esc}</B>")
        elif kind == "guard":
            parts.append(f"<I>{esc}</I>")
        elif kind == "effect":
            parts.append(f"<FONT COLOR=\"#606060\">{esc}</FONT>")
        elif kind == "send" and parts and parts[-1].startswith("/ "):
            parts[-1] += ", " + esc[2:]
        else:
            parts.append(esc)
    plain = " ".join(text for _, text in edge_lines(t))
    # a long entry continues on indented lines (the box would otherwise widen the whole chart)
    line = " ".join(parts) if len(plain) <= 44 else ("<BR ALIGN=\"LEFT\"/>    ").join(parts)
    if "late" in t["tags"]:
        line = f"<FONT COLOR=\"#707070\">{line}</FONT>"
    return line


def layout(c: dict) -> dict:
    """What the DOT graph draws, derived from the chart so that a machine of a hundred
    transitions stays legible:
    * a transition that stays in its state (no destination, or its own source) is listed
      inside the state's box under a rule - UML's internal-transition compartment - instead
      of a self-loop edge;
    * a transition from "*" is drawn from one dashed "any state" box, and one from three or
      more listed states from a dashed "any of: ..." box (one per distinct set of states);
    * every transition between the same two boxes shares one edge, one label line each.
    Returns {"boxes": {id: {"title", "kind", "inside": [...]}} , "edges": {(src, dst): [...]}}."""
    boxes = {s["name"]: {"title": s["name"], "kind": "end" if s["end"] else "state", "inside": []}
             for s in c["states"]}
    edges: dict = {}
    groups: dict = {}
    order = c.get("state_order") or [s["name"] for s in c["states"]]  # a part keeps the whole's order
    for t in c["transitions"]:
        srcs = t["sources"]
        if srcs == [ANY]:
            boxes.setdefault(ANY, {"title": "any state", "kind": "pseudo", "inside": []})
            srcs = [ANY]
        elif len(srcs) >= 3:
            key = tuple(sorted(set(srcs), key=order.index))  # the same set, however it was listed
            if key not in groups:
                gid = f"__from_{len(groups) + 1}__"
                groups[key] = gid
                boxes[gid] = {"title": "any of: " + ", ".join(key), "kind": "pseudo", "inside": []}
            srcs = [groups[key]]
        for src in srcs:
            stays = t["dest"] is None or t["dest"] == src or (src in groups.values() and t["dest"] is None)
            if stays:
                boxes[src]["inside"].append(t)
            else:
                edges.setdefault((src, t["dest"]), []).append(t)
    return {"boxes": boxes, "edges": edges}


def _wrap_names(title: str, per_line: int = 3) -> str:
    if not title.startswith("any of: "):
        return _html(title)
    names = title[len("any of: "):].split(", ")
    rows = [", ".join(names[i:i + per_line]) for i in range(0, len(names), per_line)]
    return "any of:<BR/>" + ",<BR/>".join(_html(r) for r in rows)


def to_dot(c: dict, *, rankdir: str | None = None) -> str:
    """The chart as a DOT graph: rounded boxes for states (a double border for end states,
    where resting is not a deadlock), a dot for the start, dashed boxes for "any state" and
    "any of" sources, and per edge one line per transition: step, trigger, guard, sends."""
    rankdir = rankdir or c.get("rankdir", "TB")
    name = c["entity"]
    title = name + (f": {c['phase']}" if c.get("phase") else "") + (f" ({c['clause']})" if c["clause"] else "")
    g = layout(c)
    lines = [
        f"digraph {_quote(name)} {{",
        f"  graph [rankdir={rankdir}, fontname=\"Arial\", fontsize=12, labelloc=t, nodesep=0.3, ranksep=0.5, "
        f"pad=0.2, label=<<B>{_html(title)}</B>>];",
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Arial\", fontsize=11, "
        "height=0.35, margin=\"0.10,0.04\"];",
        "  edge [fontname=\"Arial\", fontsize=9, arrowsize=0.7];",
        "  __start__ [shape=point, width=0.14, style=filled, fillcolor=\"#000000\", label=\"\"];",
    ]
    for bid, box in g["boxes"].items():
        head = f"<B>{_wrap_names(box['title'])}</B>" if box["kind"] != "pseudo" else _wrap_names(box["title"])
        if box["inside"]:
            inner = "<BR ALIGN=\"LEFT\"/>".join(_line_html(t) for t in box["inside"]) + "<BR ALIGN=\"LEFT\"/>"
            label = (f"<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">"
                     f"<TR><TD>{head}</TD></TR><HR/><TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\">"
                     f"<FONT POINT-SIZE=\"9\">{inner}</FONT></TD></TR></TABLE>>")
        else:
            label = f"<{head}>"
        attrs = [f"label={label}"]
        if box["kind"] == "end":
            attrs.append("peripheries=2")
        if box["kind"] == "pseudo":
            attrs += ["style=\"rounded,dashed\"", "fontcolor=\"#404040\"", "fontsize=10"]
        lines.append(f"  {_quote(bid)} [{', '.join(attrs)}];")
    if c["initial"] is not None:  # a phase chart may begin in a later state
        lines.append(f"  __start__ -> {_quote(c['initial'])};")
    else:
        lines = [ln for ln in lines if not ln.startswith("  __start__ [")]
    for (src, dst), ts in g["edges"].items():
        label = "".join(ln + "<BR ALIGN=\"LEFT\"/>" for t in ts for ln in _lines_html(t))
        style = ", style=dashed" if g["boxes"][src]["kind"] == "pseudo" else ""
        lines.append(f"  {_quote(src)} -> {_quote(dst)} [label=<{label}>{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def overview_dot(c: dict) -> str:
    """A large entity's map for one page: its states and which moves between two states exist,
    without labels, compact (the phase charts carry the labels, and the moves from "any state"
    or a group of states)."""
    name = c["entity"]
    g = layout(c)
    states = [s for s in c["states"]]
    moves = []
    for (src, dst) in g["edges"]:
        if g["boxes"][src]["kind"] != "pseudo" and (src, dst) not in moves:
            moves.append((src, dst))
    lines = [
        f"digraph {_quote(name)} {{",
        "  graph [rankdir=TB, fontname=\"Arial\", fontsize=12, labelloc=t, nodesep=0.12, ranksep=0.25, "
        f"pad=0.1, concentrate=true, label=<<B>{_html(name)}: overview</B> "
        "(labels, and moves from any state: the phase charts)>];",
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Arial\", fontsize=11, "
        "height=0.25, margin=\"0.05,0.02\"];",
        "  edge [arrowsize=0.5];",
        "  __start__ [shape=point, width=0.1, style=filled, fillcolor=\"#000000\", label=\"\"];",
    ]
    for st in states:
        lines.append(f"  {_quote(st['name'])} [label=<<B>{_html(st['name'])}</B>>{', peripheries=2' if st['end'] else ''}];")
    lines.append(f"  __start__ -> {_quote(c['initial'])};")
    lines += [f"  {_quote(a)} -> {_quote(b)};" for a, b in moves]
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


# Graphviz writes a label's runs as <text> elements side by side ("<B>3.</B> INVITE" is "3."
# then " INVITE"); SVG collapses a leading blank, so the words ran together ("overview(labels").
_LEADING_BLANK = re.compile(r"(<text [^>]*>) ")


def _finish(svg: str) -> str:
    svg = _LEADING_BLANK.sub(r"\1&#160;", svg)
    return _VERSION_COMMENT.sub("<!-- Generated by imsflow with Graphviz -->", svg)


def to_svg(dot: str, *, name: str = "graph") -> str:
    return _finish(run_dot(dot, "svg", name=name).decode("utf-8"))


def to_svg_many(dots: list) -> list:
    """Several graphs through one Graphviz process (it lays out every graph of its input in
    turn and writes one SVG document after another)."""
    if not dots:
        return []
    out = run_dot("".join(dots), "svg", name=f"{len(dots)} charts").decode("utf-8")
    docs = ["<?xml" + d for d in out.split("<?xml")[1:]]
    if len(docs) != len(dots):
        raise GraphvizError(f"Graphviz returned {len(docs)} drawings for {len(dots)} charts")
    return [_finish(d) for d in docs]

