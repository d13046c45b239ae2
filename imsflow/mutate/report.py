"""A mutation run as JSON (plain data, also what the HTML report reads) and as text."""

from __future__ import annotations

import shlex
from collections import Counter, defaultdict

from ..loader import default_model_dir

from .operators import OPERATOR_MEANING, OPERATORS
from .run import STATUSES, MutationRun

DEFINITION = ("killed: some property's verdict differs from the original's on some flow, both verdicts "
              "conclusive (an inconclusive verdict never kills); score = killed / (all - equivalent - invalid); "
              "unreached mutants count against the score: no run exercises them, a gap in the world model")


def to_json(run: MutationRun) -> dict:
    mutants = []
    for m, o in zip(run.mutants, run.outcomes):
        entry = {**m.to_json(), "status": o["status"], "reason": o.get("reason", ""), "rerun": rerun(run, m.id)}
        if o["kills"]:
            entry["killed_by"] = sorted({k["property"] for k in o["kills"]})
            entry["kills"] = o["kills"]
        if o["flows"]:  # the survivor's shortest trace is given once, below
            entry["flows"] = {f: {k: v for k, v in rec.items() if k not in ("trace", "entries")}
                              for f, rec in o["flows"].items()}
        if o["status"] == "survived":
            shortest = _shortest_change(o)
            if shortest:
                entry["trace"] = shortest
        mutants.append(entry)
    per_property = _per_property(run)
    counts = {s: run.count(s) for s in STATUSES}
    return {
        "model": run.model, "model_dir": run.model_dir, "flows": run.flows,
        "variant": run.request.settings, "wics": run.request.wics, "max_states": run.request.max_states,
        "configurations": [c.label() for c in run.request.configs or ()] or ["defaults"],
        "units": [u.key for u in run.units],
        "shared_units": {key: twin for key, twin in run.shared},
        "operators": list(run.request.operators or OPERATORS),
        "definition": DEFINITION,
        "summary": {"mutants": len(run.mutants), **counts,
                    "score": round(run.score, 4) if run.score is not None else None,
                    "seconds": run.seconds,
                    "mutants_per_second": round(len(run.mutants) / run.seconds, 2) if run.seconds else None},
        "per_operator": _per_operator(run),
        "per_property": per_property,
        # With --mutant (a chosen few) a property no chosen mutant breaks says nothing about the model.
        "never_broken": [] if run.request.mutants else
        [pid for pid, n in per_property.items() if n == 0 and pid not in _undecided(run)],
        "chosen_mutants": list(run.request.mutants or ()),
        "undecided_on_original": _undecided(run),
        "original": run.original,
        "mutants": mutants,
        "warnings": run.warnings,
    }


def rerun(run: MutationRun, mutant_id: str) -> str:
    """The command that checks this one mutant again."""
    parts = ["imsflow", "mutate"]
    if run.model_dir != default_model_dir():
        parts += ["--model", run.model_dir]
    for flow in run.request.flows or ():
        parts += ["--flow", flow]
    for name, value in run.request.settings.items():
        parts += ["--set", f"{name}={value}"]
    if run.request.wics != 1:
        parts += ["--wics", str(run.request.wics)]
    for c in run.request.configs or ():
        parts += ["--config", c.label()]
    parts += ["--mutant", mutant_id]
    return " ".join(shlex.quote(p) for p in parts)


def _shortest_change(outcome: dict) -> dict | None:
    best = None
    for flow, f in outcome["flows"].items():
        if f.get("trace") and (best is None or f["steps"] < best["steps"]):
            best = {"flow": flow, "steps": f["steps"], "listing": f["trace"], "entries": f.get("entries", []),
                    "note": f.get("change", "")}
    return best


def _undecided(run: MutationRun) -> list:
    """Properties inconclusive on the original in every flow: they can kill nothing."""
    verdicts: dict = {}
    for flow in run.original.values():
        for pid, v in flow.items():
            verdicts.setdefault(pid, set()).add(v)
    return sorted(pid for pid, vs in verdicts.items() if vs == {"inconclusive"})


def _per_operator(run: MutationRun) -> dict:
    table: dict = {op: Counter() for op in (run.request.operators or OPERATORS)}
    for m, o in zip(run.mutants, run.outcomes):
        table[m.operator]["mutants"] += 1
        table[m.operator][o["status"]] += 1
    return {op: {"mutants": c["mutants"], **{s: c[s] for s in STATUSES}} for op, c in table.items()}


def _per_property(run: MutationRun) -> dict:
    """property -> how many mutants it kills (every property the original checks, 0 included)."""
    out = {pid: 0 for verdicts in run.original.values() for pid in verdicts}
    for o in run.outcomes:
        for pid in {k["property"] for k in o["kills"]}:
            out[pid] = out.get(pid, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def render_text(run: MutationRun, *, traces: bool = True) -> str:
    doc = to_json(run)
    s = doc["summary"]
    lines = [f"imsflow mutate: {doc['model']}, flows {', '.join(map(str, doc['flows']))}, "
             f"{_variant(doc)}, {doc['wics']} WIC(s), budget {doc['max_states']:,} states",
             f"configurations: {'; '.join(doc['configurations'])} ({len(doc['units'])} flow x configuration units "
             f"checked, {len(doc['shared_units'])} shared with an identical one)",
             f"{s['mutants']} mutants in {s['seconds']} s ({s['mutants_per_second']} mutants/s): "
             + ", ".join(f"{s[k]} {k}" for k in STATUSES),
             f"score: {s['killed']} killed / ({s['mutants']} - {s['equivalent']} equivalent - {s['invalid']} invalid)"
             f" = {_pct(s['score'])}", f"  ({DEFINITION})", ""]
    lines.append(f"{'operator':16} {'mutants':>7} " + " ".join(f"{k:>12}" for k in STATUSES))
    for op, c in doc["per_operator"].items():
        lines.append(f"{op:16} {c['mutants']:7} " + " ".join(f"{c[k]:12}" for k in STATUSES))
    lines += ["", "kills per property:"]
    for pid, n in doc["per_property"].items():
        note = ""
        if pid in doc["undecided_on_original"]:
            note = "   <- inconclusive on the original model: it can kill nothing (raise --max-states)"
        elif pid in doc["never_broken"]:
            note = "   <- no mutant breaks it: this property cannot fail in this model"
        lines.append(f"  {n:5}  {pid}{note}")
    by_status = defaultdict(list)
    for m in doc["mutants"]:
        by_status[m["status"]].append(m)
    if by_status["survived"]:
        lines += ["", f"surviving mutants ({len(by_status['survived'])}), by entity:"]
        for m in _by_entity(by_status["survived"]):
            lines.append(f"  {m['where']}: {m['id']}: {m['description']}")
            t = m.get("trace")
            if t and traces:
                lines.append(f"    shortest run to the change ({t['flow']}, {t['steps']} steps; {t['note']}):")
                lines += ["    " + row for row in t["listing"].splitlines()]
            elif m.get("reason"):
                lines.append(f"    {m['reason']}")
            lines.append(f"    re-run: {m['rerun']}")
    sections = [("inconclusive", "inconclusive mutants (raise --max-states)"),
                ("unreached", "unreached mutants: no run exercises the change - a gap in the world model, not an equivalence"),
                ("equivalent", "equivalent mutants (excluded from the score)"),
                ("invalid", "invalid mutants: the model does not compile with them (excluded from the score)")]
    for status, title in sections:
        if by_status[status]:
            lines += ["", f"{title} ({len(by_status[status])}):"]
            for m in _by_entity(by_status[status]):
                lines.append(f"  {m['where']}: {m['id']}: {m['description']}")
                if status != "unreached":
                    lines.append(f"    {m['reason']}")
    for w in doc["warnings"]:
        lines.append(f"warning: {w}")
    return "\n".join(lines) + "\n"


def _by_entity(mutants: list) -> list:
    return sorted(mutants, key=lambda m: (m["entity"], m["t_index"], m["id"]))


def _variant(doc: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in doc["variant"].items()) or "default variants"


def _pct(score) -> str:
    return "n/a (no scored mutant)" if score is None else f"{100 * score:.1f} %"


def operators_text() -> str:
    return "\n".join(f"  {name:16} {OPERATOR_MEANING[name]}" for name in OPERATORS)
