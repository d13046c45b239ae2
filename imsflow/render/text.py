"""Terminal output of a check: the verdict table (flows x properties), then each finding with
its numbered trace and the command that replays it."""

from __future__ import annotations

from collections import Counter

from ..patterns.verdict import Verdict
from ..system.trace import listing
from ..system.underspecified import NOT_DEFINED, summary_lines

MARK = {"holds": "ok", "violated": "VIOL", "vacuous": "vac", "inconclusive": "??", None: "-"}


def verdict_table(results) -> str:
    flows = []
    props = []
    cell = {}
    for r in results:
        if r.flow not in flows:
            flows.append(r.flow)
        if r.property not in props:
            props.append(r.property)
        mark = MARK[r.verdict.value]
        if r.verdict is Verdict.VIOLATED and r.expected == "violated":
            mark = "viol*"  # an expected finding
        elif r.verdict is Verdict.HOLDS and r.expected == "violated":
            mark = "ok!"  # an expected finding is gone
        elif r.verdict is Verdict.VIOLATED:
            mark = "VIOL!"
        cell[(r.property, r.flow)] = mark
    width = max([len(p) for p in props] + [8])
    head = " " * width + " " + " ".join(f"{str(f or '-'):>6}" for f in flows)
    lines = [head]
    for p in props:
        row = " ".join(f"{cell.get((p, f), ''):>6}" for f in flows)
        lines.append(f"{p:<{width}} {row}")
    lines.append("")
    lines.append("legend: ok holds; viol* expected finding; VIOL! unexpected violation; "
                 "ok! expected finding no longer found; vac vacuous; ?? inconclusive; blank: not applicable")
    return "\n".join(lines)


def findings(run, *, show_traces: bool = True, limit: int = 60) -> str:
    out = []
    for r in run.results:
        interesting = r.verdict in (Verdict.VIOLATED, Verdict.VACUOUS, Verdict.INCONCLUSIVE) or not r.as_expected
        if not interesting:
            continue
        tag = "expected finding" if r.as_expected and r.verdict is Verdict.VIOLATED else (
            "UNEXPECTED" if not r.as_expected else r.verdict.value)
        out.append(f"== {r.property} on {r.flow or 'the model'}: {r.verdict.value} ({tag})")
        out.append(f"   {r.statement}")
        out.append(f"   clause: {r.clause}")
        if r.reason:
            out.append(f"   why: {r.reason}")
        trace = run.traces.get((r.property, r.flow))
        ts = run.systems.get(r.flow)
        if show_traces and trace is not None and ts is not None and trace.actions:
            text = listing(ts, trace)
            lines = text.splitlines()
            if len(lines) > limit:
                lines = lines[: limit // 2] + [f"     ... {len(lines) - limit} more steps ..."] + lines[-limit // 2:]
            out.extend("   " + ln for ln in lines)
        if r.replay:
            out.append(f"   replay: {r.replay}")
        out.append("")
    return "\n".join(out)


def summary(run) -> str:
    counts = {}
    for r in run.results:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    expected = sum(1 for r in run.results if r.verdict is Verdict.VIOLATED and r.as_expected)
    unexpected = sum(1 for r in run.results if not r.as_expected)
    s = run.stats
    parts = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    text = (f"{len(run.results)} results ({parts}); {expected} expected findings, {unexpected} unexpected; "
            f"{s['states']:,} states, {s['transitions']:,} transitions, {s['seconds']} s")
    return text + engines_line(run.results)


def engines_line(results) -> str:
    """--engine both: how many verdicts each engine decided; an `inconclusive` from one engine
    is no disagreement, but a verdict only one engine reached is shown as such."""
    pairs = [r.engines for r in results if r.engines]
    if not pairs:
        return ""
    undecided = "inconclusive"
    both = sum(1 for e in pairs if undecided not in e.values() and len(set(e.values())) == 1)
    differ = sum(1 for e in pairs if len(set(e.values()) - {undecided}) > 1)
    only = {name: sum(1 for e in pairs if e[name] != undecided and undecided in e.values()) for name in pairs[0]}
    neither = sum(1 for e in pairs if set(e.values()) == {undecided})
    solo = ", ".join(f"{n} by {name} only" for name, n in only.items())
    return (f"\nengines: {both} verdicts decided by both alike, {solo}, {neither} by neither; "
            f"{differ} disagreements")


def underspecified_lines(entries, verbose: bool) -> list[str]:
    """One line per flow (how many steps, by standard), or with `verbose` every group's steps."""
    if verbose:
        return ["  " + line for line in summary_lines(entries, examples=1000)]
    by_flow: dict = {}
    for u in entries:
        by_flow.setdefault(u["flow"], Counter())[u["standard"]] += 1
    out = []
    for flow, counts in by_flow.items():
        top = ", ".join(f"{std} ({n})" for std, n in counts.most_common(4))
        more = f", {len(counts) - 4} more standards" if len(counts) > 4 else ""
        out.append(f"  {flow}: {sum(counts.values())} steps {NOT_DEFINED} {top}{more}")
    return out


def render_run(run, *, verbose: bool = False) -> str:
    parts = [f"model {run.loaded.model.name}, engine {run.request.engine}, wics {run.request.wics}", ""]
    parts.append(verdict_table(run.results))
    parts.append("")
    f = findings(run)
    if f:
        parts.append(f)
    if run.underspecified:
        parts.append("not defined by the seed (the model's own choices, per flow; --verbose lists them):")
        parts.extend(underspecified_lines(run.underspecified, verbose))
        parts.append("")
    if verbose and run.warnings:
        parts.append("compiler warnings:")
        parts.extend(f"  - {w}" for w in run.warnings)
        parts.append("")
    parts.append(summary(run))
    return "\n".join(parts)
