"""Terminal output of a matrix: one row per property, one column per flow; a cell shows the
verdict when every variant agrees, else how many variants give the worst verdict, and the lines
under the table say which variant values make the difference."""

from __future__ import annotations

import itertools
from collections import Counter

from ..patterns.verdict import Verdict

# Worst first: the mark a mixed cell shows.  Every mark of a verdict that differs from its
# expectation ends in "!", whatever the kind: so the table marks exactly what the summary counts.
SEVERITY = ["VIOL!", "VAC!", "ok!", "??", "vac*", "viol*", "ok"]
MARKS = {  # (verdict, as expected?) -> mark
    ("violated", True): "viol*", ("violated", False): "VIOL!",
    ("vacuous", True): "vac*", ("vacuous", False): "VAC!",
    ("holds", True): "ok", ("holds", False): "ok!",
}
MEANING = {
    "ok": "holds", "viol*": "expected finding (violated as expected)", "vac*": "vacuous, as expected",
    "VIOL!": "unexpected violation", "VAC!": "unexpectedly vacuous",
    "ok!": "holds where a finding (violated or vacuous) was expected", "??": "inconclusive",
}
LEGEND = ("legend: " + "; ".join(f"{m} {MEANING[m]}" for m in ("ok", "viol*", "vac*", "VIOL!", "VAC!", "ok!", "??"))
          + "; X! differs from its expectation; k/n X: X in k of n variants; blank: not applicable")


def mark(r) -> str:
    """The cell mark of one result (also the check table's, render/text.py)."""
    if r.verdict is Verdict.INCONCLUSIVE:
        return "??"
    return MARKS[(r.verdict.value, r.verdict.value == r.expected)]


def is_unexpected(m: str) -> bool:
    return m.endswith("!")


def cells(run) -> dict:
    """(property, flow) -> [(Column, result)] in plan order."""
    out: dict = {}
    for r in run.results:
        out.setdefault((r.property, r.flow), []).append((run.columns[r.column], r))
    return out


def _condition(group: list, everyone: list, names: list) -> str | None:
    """The shortest 'a=x, b=y|z' that holds for exactly the columns in `group` among `everyone`
    (each named variant takes one of the listed values)."""
    members = {id(c) for c in group}
    domain = {n: {c.varied[n] for c in everyone} for n in names}
    best = None
    for size in range(1, min(3, len(names)) + 1):
        for chosen in itertools.combinations(names, size):
            values = {n: {c.varied[n] for c in group} for n in chosen}
            if any(len(v) == len(domain[n]) for n, v in values.items()):
                continue  # a variant at every one of its values says nothing
            hit = {id(c) for c in everyone if all(c.varied[n] in values[n] for n in chosen)}
            if hit == members:
                weight = sum(len(v) for v in values.values())
                if best is None or weight < best[0]:
                    best = (weight, values)
        if best is not None:
            break
    if best is None:
        return None
    parts = []
    for n in names:  # variants and their values in the model's order (the plan's order)
        if n in best[1]:
            declared = list(dict.fromkeys(c.varied[n] for c in everyone))
            parts.append(f"{n}=" + "|".join(str(v) for v in declared if v in best[1][n]))
    return ", ".join(parts)


def explain(run, cell: list) -> str:
    groups: dict = {}
    for col, r in cell:
        groups.setdefault(mark(r), []).append(col)
    common = max(groups, key=lambda m: (len(groups[m]), SEVERITY.index(m)))  # ties: the milder
    everyone = [col for col, _ in cell]
    parts = []
    for m in sorted(groups, key=SEVERITY.index):
        if m == common:
            continue
        cond = _condition(groups[m], everyone, run.varied)
        if cond is None:
            shown = "; ".join(c.label for c in groups[m][:3])
            more = f"; and {len(groups[m]) - 3} more" if len(groups[m]) > 3 else ""
            cond = f"{shown}{more}"
        parts.append(f"{m} when {cond}")
    parts.append(f"{common} otherwise")
    return "; ".join(parts)


def render_matrix(run, *, findings_limit: int | None = 20) -> str:
    """`findings_limit`: how many unexpected or undecided verdicts to print in full (None: all);
    the rest are listed one line each, so every one of them is named."""
    flows = run.flows()
    by_cell = cells(run)
    props = list(dict.fromkeys(r.property for r in run.results))
    n_var = Counter(c.flow for c in run.columns)
    varied = ", ".join(run.varied) or "none"
    s = run.stats
    lines = [
        f"model {run.loaded.model.name}: {len(flows)} flow(s) x variants of ({varied}) = {s['runs']} runs, "
        f"{s['results']} verdicts",
        "",
    ]
    texts = {}
    for key, cell in by_cell.items():
        marks = Counter(mark(r) for _, r in cell)
        if len(marks) == 1:
            texts[key] = next(iter(marks))
        else:
            worst = min(marks, key=SEVERITY.index)
            texts[key] = f"{marks[worst]}/{len(cell)} {worst}"
    width = max([len(p) for p in props] + [8])
    colw = max([len(t) for t in texts.values()] + [len(str(f)) for f in flows] + [5])
    lines.append(" " * width + "  " + " ".join(f"{str(f or '-'):>{colw}}" for f in flows))
    lines.append(" " * width + "  " + " ".join(f"{f'({n_var[f]} var)':>{colw}}" for f in flows))
    for p in props:
        lines.append(f"{p:<{width}}  " + " ".join(f"{texts.get((p, f), ''):>{colw}}" for f in flows))
    lines += ["", LEGEND]
    mixed = [(k, c) for k, c in by_cell.items() if len({mark(r) for _, r in c}) > 1]
    if mixed:
        lines += ["", "verdicts that depend on the variant:"]
        for (p, f), cell in mixed:
            lines.append(f"  {p} on {f or 'the model'}: {explain(run, cell)}")
    unexpected = [r for r in run.results if not r.as_expected or r.verdict is Verdict.INCONCLUSIVE]
    unexpected.sort(key=lambda r: SEVERITY.index(mark(r)))  # the unexpected first, the undecided last
    shown = unexpected if findings_limit is None else unexpected[:findings_limit]
    if unexpected:
        n_bad = sum(1 for r in unexpected if not r.as_expected)
        head = f"unexpected or undecided verdicts ({n_bad} unexpected, {len(unexpected) - n_bad} inconclusive"
        lines += ["", head + (f"; the first {len(shown)} in full, the others after them):" if len(shown) < len(unexpected)
                              else "):")]
        for r in shown:
            col = run.columns[r.column]
            lines.append(f"== {mark(r)} {r.property} on {r.flow or 'the model'} [{col.label}]: {r.verdict.value}"
                         f" (expected {r.expected})")
            if r.reason:
                lines.append(f"   why: {r.reason}")
            if r.listing:
                body = r.listing.splitlines()
                if len(body) > 40:
                    body = body[:20] + [f"     ... {len(body) - 40} more steps ..."] + body[-20:]
                lines.extend("   " + ln for ln in body)
            if r.replay:
                lines.append(f"   replay: {r.replay}")
        rest = unexpected[len(shown):]
        if rest:
            lines += ["", f"{len(rest)} more (their traces: imsflow matrix --all-findings, or --format json; each "
                          "replays alone with its command):"]
            for r in rest:
                lines.append(f"== {mark(r)} {r.property} on {r.flow or 'the model'} [{run.columns[r.column].label}]: "
                             f"{r.verdict.value} (expected {r.expected}); replay: {r.replay}")
    lines += ["", summary(run)]
    return "\n".join(lines)


def summary(run) -> str:
    counts = Counter(r.verdict.value for r in run.results)
    s = run.stats
    parts = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    unexpected = sum(1 for r in run.results if not r.as_expected)
    shared = f" ({s['shared']} decided by an earlier run of the same system)" if s.get("shared") else ""
    text = (f"{s['results']} verdicts ({parts}), {unexpected} unexpected; {s['runs']} runs{shared}, "
            f"{s['states']:,} states, {s['transitions']:,} transitions; {s['seconds']} s on "
            f"{s['workers']} worker(s) ({s['executor']}{'; ' + s['workers_chosen'] if s.get('workers_chosen') else ''}), "
            f"{s['cpu_seconds']} s of checking")
    mem = s.get("memory_budget_bytes")
    text += (f"; budget per run: {mem / 2**30:.1f} GiB of memory" if mem else "; budget per run: no memory budget") + \
        (f", {s['max_states']:,} states" if s.get("max_states") else ", no state budget") + \
        (f", {s['timeout']:g} s" if s.get("timeout") else "")
    if s.get("undecided_columns"):
        budget = [f"{s['max_states']:,} states" if s.get("max_states") else "",
                  f"{s['timeout']:g} s" if s.get("timeout") else "",
                  f"{s['memory_budget_bytes'] / 2**30:.1f} GiB" if s.get("memory_budget_bytes") else ""]
        text += (f"\n{s['undecided_columns']} of {s['runs']} columns have verdicts their run's budget "
                 f"({' and '.join(b for b in budget if b) or 'none'}) left inconclusive: check such a "
                 "column alone with a larger --max-states or --max-memory ('none': no budget), or use its "
                 "replay command (each inconclusive verdict's lift line names the budget it hit)")
    return text + matrix_intruder_line(run)


def matrix_intruder_line(run) -> str:
    """As for `imsflow check`: whether the security verdicts of every column had the intruder."""
    intruder = run.loaded.model.intruder
    if not intruder:
        return ""
    settings = " ".join(f"{k}={v}" for k, v in intruder.items())
    if not run.request.intruder:
        return (f"\nWARNING: security properties were checked WITHOUT the intruder ({settings}; --no-intruder): "
                "their holds say nothing about an attacker")
    return f"\nintruder: security properties decided with the intruder ({settings}) in every column"


def _describe_side(side: dict, other: dict) -> str:
    differs = {k: v for k, v in side["variant"].items() if other["variant"].get(k) != v}
    what = " ".join(f"{k}={v}" for k, v in differs.items()) or "the same variant"
    if side["model_dir"] != other["model_dir"]:
        what = f"{side['model_dir']} ({side['model']}), {what}"
    return what


def _trace_block(title: str, res: dict, limit: int = 40) -> list:
    lines = [f"          {title}:"]
    body = (res.get("listing") or "").splitlines()
    if len(body) > limit:
        body = body[: limit // 2] + [f"     ... {len(body) - limit} more steps ..."] + body[-limit // 2:]
    lines.extend("          " + ln for ln in body)
    if res.get("reason"):
        lines.append(f"          why: {res['reason']}")
    if res.get("replay"):
        lines.append(f"          replay: {res['replay']}")
    return lines


def render_diff(diff, *, show: int = 8) -> str:
    b, c = diff.baseline, diff.candidate
    common = {k: v for k, v in c["variant"].items() if b["variant"].get(k) == v and k in c["settings"]}
    lines = [
        "imsflow diff",
        f"  baseline : {_describe_side(b, c)}",
        f"  candidate: {_describe_side(c, b)}",
    ]
    if common:
        lines.append("  on both  : " + " ".join(f"{k}={v}" for k, v in common.items()))
    lines.append(f"  flows    : {', '.join(str(f) for f in diff.flows) or 'none in common'}")
    for role, only in diff.only_in.items():
        if only:
            lines.append(f"  only the {role} has flow(s) {', '.join(only)}")
    lines += ["", f"verdicts that flipped ({len(diff.flips)}):" if diff.flips else "no verdict flipped"]
    for f in diff.flips:
        tag = {"worse": "WORSE ", "better": "better", "changed": "change"}[f["change"]]
        lines.append(f"  {tag}  {f['property']} on {f['flow'] or 'the model'}: {f['before']} -> {f['after']}")
        if f["statement"]:
            lines.append(f"          {f['statement']}")
        for role in ("baseline", "candidate"):
            res = f[role]
            if res.get("listing") and res["verdict"] in ("violated", "vacuous"):
                lines.extend(_trace_block(f"{role} trace ({res['verdict']})", res))
            elif res.get("listing") and res["verdict"] == "holds":
                lines.extend(_trace_block(f"{role} witness (holds)", res))
    lines.append("")
    lines.append("flows that became unreachable: " + (", ".join(diff.unreachable) or "none"))
    if diff.reachable:
        lines.append("flows that became reachable: " + ", ".join(diff.reachable))
    for p, f in diff.appeared:
        lines.append(f"now checked (applies only to the candidate): {p} on {f}")
    for p, f in diff.disappeared:
        lines.append(f"no longer checked (applies only to the baseline): {p} on {f}")
    lines += ["", "reachability (messages sent, entity states entered), candidate against baseline:"]
    quiet = True
    for flow, r in diff.reach.items():
        changes = [(what, how, items) for what in ("messages", "states") for how, items in r[what].items() if items]
        if not changes:
            continue
        quiet = False
        lines.append(f"  {flow}:" + ("" if r["complete"] else "  (a search hit its budget: 'gone' means not reached within it)"))
        for what, how, items in changes:
            word = "newly reachable" if how == "new" else "no longer reachable"
            kind = "message" if what == "messages" else "state"
            shown = items[:show]
            lines.append(f"    {word} {kind}s ({len(items)}):")
            lines.extend(f"      {'+' if how == 'new' else '-'} {x}" for x in shown)
            if len(items) > show:
                lines.append(f"      ... and {len(items) - show} more (see --format json)")
    if quiet:
        lines.append("  the same messages and entity states are reachable on both sides")
    worse = len(diff.worse)
    better = sum(1 for f in diff.flips if f["change"] == "better")
    lines += ["", f"{len(diff.flips)} verdict(s) flipped: {worse} worse, {better} better; "
                  f"{diff.stats['runs']} runs in {diff.stats['seconds']} s"
                  + ("; exit 1: a verdict got worse" if worse else "")]
    return "\n".join(lines)
