"""Terminal output of a check: the verdict table (flows x properties), then each finding with
its numbered trace and the command that replays it."""

from __future__ import annotations

from collections import Counter

from ..patterns.spec import BUILTINS
from ..patterns.verdict import Verdict
from ..system.trace import listing
from ..workflow.text import LEGEND, mark
from ..system.underspecified import NOT_DEFINED, summary_lines



def verdict_table(results) -> str:
    flows = []
    props = []
    cell = {}
    for r in results:
        if r.flow not in flows:
            flows.append(r.flow)
        if r.property not in props:
            props.append(r.property)
        cell[(r.property, r.flow)] = mark(r)
    width = max([len(p) for p in props] + [8])
    head = " " * width + " " + " ".join(f"{str(f or '-'):>6}" for f in flows)
    lines = [head]
    for p in props:
        row = " ".join(f"{cell.get((p, f), ''):>6}" for f in flows)
        lines.append(f"{p:<{width}} {row}")
    lines.append("")
    lines.append(LEGEND.replace("; k/n X: X in k of n variants", ""))
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
        out.extend(f"   assuming: {a}" for a in r.assumptions)
        trace = run.traces.get((r.property, r.flow))
        ts = run.system_for(r.property, r.flow)
        if show_traces and trace is not None and ts is not None and trace.actions:
            text = listing(ts, trace)
            lines = text.splitlines()
            if len(lines) > limit:
                lines = lines[: limit // 2] + [f"     ... {len(lines) - limit} more steps ..."] + lines[-limit // 2:]
            out.extend("   " + ln for ln in lines)
        if r.replay:
            out.append(f"   replay: {r.replay}")
        if r.lift:
            out.append(f"   lift the limit: {r.lift}")
        out.append("")
    return "\n".join(out)


def assumptions(run) -> str:
    """The assumptions the verdicts rest on, once each, with the flows and how many verdicts
    (the table shows a `holds` as `ok`; this says what that `ok` takes for granted)."""
    seen: dict = {}
    for r in run.results:
        for text in r.assumptions:
            flows, count = seen.get(text, ([], 0))
            if r.flow not in flows:
                flows.append(r.flow)
            seen[text] = (flows, count + 1)
    if not seen:
        return ""
    lines = ["assumptions:"]
    for text, (flows, count) in seen.items():
        where = ", ".join(str(f or "the model") for f in flows)
        lines.append(f"  - {count} verdict{'s' if count > 1 else ''} ({where}): {text}")
    return "\n".join(lines) + "\n"


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
    return text + budget_line(run) + search_line(run) + intruder_line(run) + engines_line(run.results)


BUDGETS = (("state budget", "--max-states none"), ("time budget", "--timeout none"),
           ("memory budget", "--max-memory none"))


_BUILTIN_IDS = frozenset(p.id for p in BUILTINS)


def budget_line(run) -> str:
    """When a budget cut a search short: which verdicts it left open, what they could hide, and the
    option that lifts it - so an inconclusive never reads as a quiet pass."""
    lines = []
    for name, lift in BUDGETS:
        hit = [r for r in run.results if r.verdict is Verdict.INCONCLUSIVE and name in (r.reason or "")]
        if not hit:
            continue
        flows = sorted({str(r.flow) for r in hit})
        # The built-in safety properties first: they are the "deadlock or unhandled message" the
        # line warns of, and must stay named however many catalogue properties follow.
        names = sorted({r.property for r in hit}, key=lambda p: (p not in _BUILTIN_IDS, p))
        lines.append(f"\nbudget: the {name} cut {len(hit)} verdict{'s' if len(hit) > 1 else ''} short "
                     f"({', '.join(flows)}): a violation, deadlock or unhandled message beyond it would not be "
                     f"seen ({', '.join(names[:5])}{', ...' if len(names) > 5 else ''}); rerun with {lift} "
                     f"(each verdict's 'lift the limit' line is its command)")
    return "".join(lines)


def search_line(run) -> str:
    """How the explicit searches ran: natively over packed states or in Python, and the memory
    budget each had (a budget the user should see, since reaching it makes verdicts inconclusive)."""
    s = run.stats
    kinds = s.get("search") or {}
    if not kinds:
        return ""
    parts = []
    for kind in ("native", "python"):
        k = kinds.get(kind)
        if not k:
            continue
        what = f"{k['searches']} {kind} search{'es' if k['searches'] > 1 else ''} ({k['states']:,} states"
        if kind == "native" and k["states"]:
            what += f", {k['bytes'] / k['states']:.0f} bytes a state"
        parts.append(what + ")")
    budget = s.get("memory_budget_bytes")
    limit = f"memory budget {budget / 2**30:.1f} GiB a search" if budget else "no memory budget"
    return f"\nsearch: {', '.join(parts)}; {limit} (--max-memory)"


def intruder_line(run) -> str:
    """Whether the security verdicts were decided with the intruder - said every time, because a
    security `holds` in a world where nobody attacks says nothing."""
    info = getattr(run, "intruder", None) or {}
    if not info.get("properties"):
        return ""
    if info.get("warning"):
        return f"\nWARNING: {info['warning']}"
    settings = " ".join(f"{k}={v}" for k, v in info["settings"].items())
    return (f"\nintruder: {len(info['properties'])} security properties decided with the intruder ({settings}) "
            f"on every untrusted reference point; --no-intruder leaves it out")


def engines_line(results) -> str:
    """--engine both / all: how many verdicts are confirmed (two or more engines decided them
    alike), decided by a single engine, conflicting or undecided - in total and per flow - and
    any engine that was skipped.  A `holds` from one engine next to an `inconclusive` from
    another is single-engine, not agreement."""
    from ..patterns.verdict import agreement_of

    multi = [r for r in results if r.engines]
    if not multi:
        return ""

    def counts(rs) -> str:
        kinds = [agreement_of(r.engines) for r in rs]
        by = {}
        for r, k in zip(rs, kinds):
            if k == "confirmed":
                n = sum(1 for v in r.engines.values() if v != "inconclusive")
                by[n] = by.get(n, 0) + 1
        solo = {}
        for r, k in zip(rs, kinds):
            if k == "single-engine":
                name = next(n for n, v in r.engines.items() if v != "inconclusive")
                solo[name] = solo.get(name, 0) + 1
        conf = kinds.count("confirmed")
        conf_text = f"{conf} confirmed" + (" (" + ", ".join(f"{n} by {k} engines" for k, n in sorted(by.items(),
                                                                                               reverse=True)) + ")"
                                           if by else "")
        solo_text = f"{kinds.count('single-engine')} single-engine" + (
            " (" + ", ".join(f"{n} {name} only" for name, n in solo.items()) + ")" if solo else "")
        return (f"{conf_text}, {solo_text}, {kinds.count('conflicting')} conflicting, "
                f"{kinds.count('undecided')} undecided")

    lines = [f"engines: {counts(multi)}"]
    flows = list(dict.fromkeys(r.flow for r in multi))
    if len(flows) > 1:
        lines += [f"  {flow or 'the model'}: {counts([r for r in multi if r.flow == flow])}" for flow in flows]
    skipped = {}
    for r in multi:
        for name, st in (r.stats.get("engines") or {}).items():
            if isinstance(st, dict) and "skipped" in st:
                skipped[name] = st["skipped"]
    lines += [f"  {name}: {why}" for name, why in skipped.items()]
    return "\n" + "\n".join(lines)


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
    a = assumptions(run)
    if a:
        parts.append(a)
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
