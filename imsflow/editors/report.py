"""How a conform outcome is shown: a numbered listing for the terminal, and the run drawn as a
3GPP-style sequence diagram that carries the editor's own step numbering (render/scene.py,
render/sequence.py), with the refused step on a red band."""

from __future__ import annotations

from ..render import scene as scene_mod
from ..render.sequence import render_svg
from .conform import Outcome


def listing(outcome: Outcome) -> str:
    ts, flow = outcome.ts, outcome.flow
    lines = []
    head = f"{flow.path}: {outcome.verdict}"
    what = f'"{flow.title}"' + (f" ({flow.clause})" if flow.clause else "")
    variant = " ".join(f"{k}={v}" for k, v in ts.config.variant)
    model_flow = f"model flow {flow.flow}" if flow.flow else "the model"
    if outcome.verdict == "conforms":
        lines.append(f"{head}: all {len(flow.steps)} steps of {what} are performed by {model_flow}")
    elif outcome.refusal is not None:
        r = outcome.refusal
        lines.append(f"{flow.path}:{r.step.line}: diverges at step {r.step.text()}")
        lines.append(f"  refused by {r.entity} ({r.role}) in state {r.state}: {r.reason}")
        lines.append(f"  {r.entity} could instead:")
        lines.extend(f"    - {x}" for x in r.instance_lines())
        lines.append(f"  the run up to that point ({outcome.matched} of {len(flow.steps)} written steps performed):")
    else:
        lines.append(f"{head}: {outcome.reason}")
    lines.append(f"  ({variant + '; ' if variant else ''}wics={ts.config.wics}; "
                 f"{outcome.stats.get('states', 0)} search states)")
    for k, aid in enumerate(outcome.trace.actions):
        label = outcome.labels[k]
        tag = f"[{label}]" if label else "[ ]"
        lines.append(f"  {k + 1:3}. {tag:8} {ts.action_text(aid)}")
    if outcome.refusal is not None:
        r = outcome.refusal
        lines.append(f"  >>{len(outcome.trace.actions) + 1:3}. [{r.step.label}]{' ' * max(1, 7 - len(r.step.label))}"
                     f"{_arrow(r.step)}   <- refused by {r.entity}")
    lines.append(f"  replay: {replay_command(outcome)}")
    return "\n".join(lines) + "\n"


def replay_command(outcome: Outcome) -> str:
    """The command that repeats this search and draws it (STYLE: every counterexample ends
    with the command that replays it); settings given on the command line are spelled out."""
    import shlex

    flow = outcome.flow
    parts = ["imsflow", "conform", flow.path]
    if outcome.model_dir:
        parts += ["--model", outcome.model_dir]
    written = dict(flow.file_settings)
    for name, value in outcome.ts.config.variant:
        if name in flow.settings and written.get(name) != value:
            parts += ["--set", f"{name}={value}"]
    parts += ["--out", "DIR"]
    return " ".join(shlex.quote(p) for p in parts)


def _arrow(step) -> str:
    if step.internal:
        return f"{step.sender}: {step.message}"
    return f"{step.sender} -> {step.receiver}: {step.message}"


def scene(outcome: Outcome):
    """The run as a Scene whose step labels are the editor's, plus the refused step."""
    ts, flow = outcome.ts, outcome.flow
    title = f"{flow.title}" + (f" ({flow.clause})" if flow.clause else "")
    caption = {"conforms": "conforms to the model", "diverges": "diverges from the model",
               "inconclusive": "inconclusive"}[outcome.verdict]
    notes = []
    if outcome.refusal is not None:
        r = outcome.refusal
        notes = [f"step {r.step.label} refused by {r.entity} in state {r.state}", r.reason]
    sc = scene_mod.build(ts, outcome.trace, title=title, caption=f"{flow.path}: {caption}", notes=notes)
    for row in sc.rows:
        row.step = outcome.labels[row.action] if row.action < len(outcome.labels) else None
        row.group = None
    if outcome.refusal is not None:
        r = outcome.refusal
        step = r.step
        src = _instance(ts, step.sender, r)
        dst = _instance(ts, step.receiver, r) if not step.internal else src
        sc.rows.append(scene_mod.Row(
            action=len(outcome.trace.actions), kind="message" if src != dst else "action", src=src, dst=dst,
            text=f"{step.message} (refused by {r.entity})", step=step.label, highlight=True,
        ))
        present = {p.name for p in sc.participants}
        for name in (src, dst):
            if name not in present:
                i = ts.process_index[name]
                sc.participants.append(scene_mod.Participant(name, ts.processes[i].template))
                present.add(name)
        sc.participants.sort(key=lambda p: scene_mod.order_key(ts, ts.process_index[p.name]))
    scene_mod._assign_groups(sc.rows)
    sc.spans = scene_mod._spans(sc.rows, outcome.trace)
    return sc


def _instance(ts, name: str | None, refusal) -> str:
    """An instance name for an entity the file names by template ("WIC" -> "WIC1" with two)."""
    if name is None:
        return refusal.entity
    procs = ts.processes_named(name)
    if refusal.entity in {ts.processes[p].name for p in procs}:
        return refusal.entity
    return ts.processes[procs[0]].name if procs else name


def svg(outcome: Outcome) -> str:
    return render_svg(scene(outcome))
