"""What changed between two architectures (the seed's translator design and TS 23.228 Annex U,
say): the diff of two model directories joined by a declared correspondence (correspondence.py).

Flows are paired through the correspondence (F2 <-> U2; F8 and F6 both <-> U5; F4 <-> nothing)
and each side's flow is checked once.  Within a pair, properties are matched by id or through
the correspondence; a property that exists on one side only is "no longer an obligation" or
"new obligation", never a worse verdict.  The baseline's messages are renamed entity by entity
(WST and P-CSCF both become eP-CSCF) before they are compared, and a message between two merged
entities is reported as now internal.  What matters comes first, each with its trace:
findings fixed (violated -> holds: the password exposure gone), new findings (holds ->
violated), and flows that gain or lose all IMS signalling (the seed's F5 has none; its Annex U
counterpart registers every WIC).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from ..errors import UsageError
from ..patterns.spec import FLOW_REACHABLE
from ..patterns.verdict import ExitCode
from .jobs import make_job
from .matrix import execute

RANK = {"holds": 0, "inconclusive": 1, "vacuous": 2, "violated": 3}
HEADLINE_ORDER = ("finding-fixed", "new-finding", "gains-ims-signalling", "loses-ims-signalling", "flow-lost")
NO_LONGER, NEW = "no longer an obligation", "new obligation"
_MESSAGE = re.compile(r"^(?P<a>\S+) -> (?P<b>\S+): (?P<label>.*)$")
_FIELDS = re.compile(r"\([^()]*=[^()]*\)$")


@dataclass
class ArchitectureDiff:
    baseline: dict
    candidate: dict
    correspondence: dict
    pairs: list  # [{baseline_flow, candidate_flow, verdicts, obligations, messages, signalling}]
    headlines: list
    stats: dict

    @property
    def worse(self) -> list:
        return [v for p in self.pairs for v in p["verdicts"] if v["change"] in ("worse", "new-finding")]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.UNEXPECTED if self.worse else ExitCode.OK

    def to_json(self) -> dict:
        return {"kind": "architecture", "baseline": self.baseline, "candidate": self.candidate,
                "correspondence": self.correspondence, "headlines": self.headlines, "pairs": self.pairs,
                "stats": self.stats, "worse": len(self.worse)}


def message_name(label: str) -> str:
    """'200(REGISTER)(impu=1, wic=1)' -> '200(REGISTER)': the message without its fields."""
    return _FIELDS.sub("", label)


def _renamed(messages, rename) -> tuple[set, list]:
    """Messages as 'A -> B: NAME' after renaming, and those that became internal to a merged node."""
    out, internal = set(), set()
    for m in messages:
        g = _MESSAGE.match(m)
        if g is None:
            continue
        a, b, name = rename(g["a"]), rename(g["b"]), message_name(g["label"])
        if a == b:
            internal.add(f"{g['a']} -> {g['b']}: {name} (now inside {a})")
        else:
            out.add(f"{a} -> {b}: {name}")
    return out, sorted(internal)


def _core_count(messages: set, core) -> int:
    return sum(1 for m in messages if (g := _MESSAGE.match(m)) and (g["a"] in core or g["b"] in core))


def _compare(before: str, after: str) -> str:
    if before == after:
        return "unchanged"
    if before == "violated" and after == "holds":
        return "finding-fixed"
    if before == "holds" and after == "violated":
        return "new-finding"
    return "worse" if RANK[after] > RANK[before] else "better"


def _keep(d: dict | None) -> dict | None:
    if d is None:
        return None
    return {k: d[k] for k in ("verdict", "expected", "reason", "trace", "listing", "replay") if k in d}


def _flow_pairs(corr, from_loaded, to_loaded, wanted) -> list:
    to_flows = list(to_loaded.model.flows)
    pairs, targeted = [], set()
    for f in from_loaded.model.flows:
        t = corr.flows[f] if f in corr.flows else (f if f in to_flows else None)
        pairs.append((f, t))
        targeted.add(t)
    pairs += [(None, t) for t in to_flows if t not in targeted]
    if wanted:
        pairs = [(f, t) for f, t in pairs if f in wanted or t in wanted]
    return pairs


def _wanted_properties(corr, from_loaded, to_loaded, asked) -> set | None:
    """`--property ID`, named on either side: the ids to keep on both (None: all)."""
    if not asked:
        return None
    known = {p.id for p in from_loaded.properties} | {p.id for p in to_loaded.properties}
    for pid in asked:
        if pid not in known:
            raise UsageError(f"unknown property {pid!r}", known=sorted(known))
    keep = set(asked)
    keep |= {corr.property(p) for p in asked} | {b for b, c in corr.properties.items() if c in asked}
    return keep


def run_architecture_diff(request, base_loaded, cand_loaded, corr, forward: bool, sides_json: dict) -> ArchitectureDiff:
    """`forward`: the correspondence is declared from the baseline (else from the candidate)."""
    started = time.perf_counter()
    from_role, to_role = ("baseline", "candidate") if forward else ("candidate", "baseline")
    loaded = {"baseline": base_loaded, "candidate": cand_loaded}
    settings = {"baseline": request.baseline.settings, "candidate": request.candidate.settings}
    raw_pairs = _flow_pairs(corr, loaded[from_role], loaded[to_role], request.flows)
    wanted_props = _wanted_properties(corr, loaded[from_role], loaded[to_role], request.properties)

    wanted = {(from_role, f) for f, _ in raw_pairs if f} | {(to_role, t) for _, t in raw_pairs if t}
    order = [(role, f) for role in ("baseline", "candidate") for f in loaded[role].model.flows if (role, f) in wanted]
    jobs = [make_job(loaded[role].directory, f, settings[role], wics=request.wics, max_states=request.max_states,
                     timeout=request.timeout, reach=True, tag=role, intruder=request.intruder,
                     diagrams=request.diagrams) for role, f in order]
    outputs = execute(jobs, executor=request.executor, workers=request.workers, progress=request.progress,
                      label=f"architecture diff ({len(jobs)} runs)", notes=[f"{r} {f}" for r, f in order], scheduler=request.scheduler)
    results = {key: {d["property"]: d for d in out["results"] if wanted_props is None or d["property"] in wanted_props}
               for key, out in zip(order, outputs)}
    reach = {key: out["reach"] for key, out in zip(order, outputs)}

    def rename(role):
        return corr.entity if role == from_role else (lambda n: n)

    pairs, headlines = [], []
    for f, t in raw_pairs:
        flows = {from_role: f, to_role: t}
        pair = _pair(corr, flows, from_role, results, reach, rename, headlines)
        pairs.append(pair)
    headlines.sort(key=lambda h: (HEADLINE_ORDER.index(h["kind"]), str(h["baseline_flow"]), h.get("property", "")))
    stats = {"runs": len(jobs), "seconds": round(time.perf_counter() - started, 3),
             "states": {f"{r} {fl}": out["reach"]["explored"] for (r, fl), out in zip(order, outputs)},
             "intruder": any(out["intruder"]["on"] for out in outputs)}
    return ArchitectureDiff(sides_json["baseline"], sides_json["candidate"],
                            dict(corr.to_json(), declared_from=from_role), pairs, headlines, stats)


def _pair(corr, flows, from_role, results, reach, rename, headlines) -> dict:
    bf, cf = flows["baseline"], flows["candidate"]
    res = {}
    for role, flow in flows.items():
        got = results.get((role, flow), {}) if flow else {}
        # Properties keyed by their name on the correspondence's "to" side.
        res[role] = {(corr.property(p) if role == from_role else p): d for p, d in got.items()}
    verdicts, obligations = [], {NO_LONGER: [], NEW: []}
    for pid in list(res["baseline"]) + [p for p in res["candidate"] if p not in res["baseline"]]:
        b, c = res["baseline"].get(pid), res["candidate"].get(pid)
        if b is None or c is None:
            d = b or c
            obligations[NO_LONGER if c is None else NEW].append(
                {"property": d["property"], "verdict": d["verdict"], "statement": d.get("statement", "")})
            continue
        change = _compare(b["verdict"], c["verdict"])
        entry = {"property": b["property"], "candidate_property": c["property"], "before": b["verdict"],
                 "after": c["verdict"], "change": change, "statement": c.get("statement", ""),
                 "baseline": _keep(b), "candidate": _keep(c)}
        verdicts.append(entry)
        if change in ("finding-fixed", "new-finding") or (pid == FLOW_REACHABLE and change == "worse"):
            kind = "flow-lost" if pid == FLOW_REACHABLE and change == "worse" else change
            side = "baseline" if change == "finding-fixed" else "candidate"
            headlines.append({"kind": kind, "baseline_flow": bf, "candidate_flow": cf, "property": b["property"],
                              "candidate_property": c["property"], "before": b["verdict"], "after": c["verdict"],
                              "statement": entry["statement"], "side": side, "evidence": _keep(entry[side])})
    pair = {"baseline_flow": bf, "candidate_flow": cf, "verdicts": verdicts, "obligations": obligations}
    svgs = {role: (res[role].get(FLOW_REACHABLE) or {}).get("svg") for role in ("baseline", "candidate")}
    if any(svgs.values()):  # only asked for by the comparison report (DiffRequest.diagrams)
        pair["diagrams"] = svgs
    if bf and cf:
        sets, internal = {}, []
        for role in ("baseline", "candidate"):
            sets[role], inside = _renamed(reach[(role, flows[role])]["messages"], rename(role))
            internal += inside
        core = {role: _core_count(sets[role], corr.core) for role in sets}
        pair["messages"] = {"new": sorted(sets["candidate"] - sets["baseline"]),
                            "gone": sorted(sets["baseline"] - sets["candidate"]), "internal": internal}
        pair["signalling"] = core
        pair["complete"] = all(reach[(role, flows[role])]["complete"] for role in ("baseline", "candidate"))
        gained = core["baseline"] == 0 < core["candidate"]
        lost = core["candidate"] == 0 < core["baseline"]
        if gained or lost:
            side = "candidate" if gained else "baseline"
            witness = res[side].get(FLOW_REACHABLE)
            core_msgs = sorted(m for m in sets[side] if (g := _MESSAGE.match(m)) and (g["a"] in corr.core or g["b"] in corr.core))
            headlines.append({"kind": "gains-ims-signalling" if gained else "loses-ims-signalling",
                              "baseline_flow": bf, "candidate_flow": cf, "side": side,
                              "before": core["baseline"], "after": core["candidate"], "messages": core_msgs,
                              "statement": f"messages to or from {', '.join(corr.core)}: "
                                           f"{core['baseline']} -> {core['candidate']}",
                              "evidence": _keep(witness)})
    return pair


# ---- text --------------------------------------------------------------------------------------

def _flow_name(bf, cf) -> str:
    return f"{bf or '(none)'} -> {cf or '(none)'}"


def _evidence(title: str, res: dict | None, limit: int = 40) -> list:
    if not res or not res.get("listing"):
        return []
    body = res["listing"].splitlines()
    if len(body) > limit:
        body = body[: limit // 2] + [f"     ... {len(body) - limit} more steps ..."] + body[-limit // 2:]
    lines = [f"       {title}:"] + ["       " + ln for ln in body]
    if res.get("replay"):
        lines.append(f"       replay: {res['replay']}")
    return lines


HEADLINE_WORDS = {
    "finding-fixed": "finding fixed", "new-finding": "NEW FINDING", "flow-lost": "FLOW NO LONGER RUNS",
    "gains-ims-signalling": "gains IMS signalling", "loses-ims-signalling": "loses IMS signalling",
}


def _headline(i: int, h: dict) -> list:
    flows = _flow_name(h["baseline_flow"], h["candidate_flow"])
    if h["kind"] in ("gains-ims-signalling", "loses-ims-signalling"):
        lines = [f"  {i}. {flows} {HEADLINE_WORDS[h['kind']]}: {h['statement']}"]
        lines += [f"       {'+' if h['side'] == 'candidate' else '-'} {m}" for m in h["messages"][:8]]
        if len(h["messages"]) > 8:
            lines.append(f"       ... and {len(h['messages']) - 8} more")
        return lines + _evidence(f"{h['side']} witness ({h['side']} flow {h[h['side'] + '_flow']})", h["evidence"])
    names = h["property"] if h["property"] == h["candidate_property"] else f"{h['property']} -> {h['candidate_property']}"
    lines = [f"  {i}. {HEADLINE_WORDS[h['kind']]}: {names} on {flows}: {h['before']} -> {h['after']}"]
    if h.get("statement"):
        lines.append(f"       {h['statement']}")
    ev = h.get("evidence") or {}
    if ev.get("reason") and ev.get("verdict") == "violated":
        lines.append(f"       why ({h['side']}): {ev['reason']}")
    return lines + _evidence(f"{h['side']} trace ({ev.get('verdict', '?')})", ev)


def render_architecture_diff(diff: ArchitectureDiff, *, show: int = 12) -> str:
    corr = diff.correspondence
    merged: dict = {}
    for a, b in corr["entities"].items():
        merged.setdefault(b, []).append(a)
    lines = [
        "imsflow diff (two architectures)",
        f"  baseline : {diff.baseline['model']} ({diff.baseline['model_dir']})",
        f"  candidate: {diff.candidate['model']} ({diff.candidate['model_dir']})",
        f"  correspondence: {corr['file']} (declared from the {corr['declared_from']})",
        "    entities: " + ", ".join(f"{'+'.join(a)} -> {b}" for b, a in merged.items()),
        "    flows   : " + ", ".join(_flow_name(p["baseline_flow"], p["candidate_flow"]) for p in diff.pairs),
        "",
        f"what changed that matters ({len(diff.headlines)}):" if diff.headlines else "no headline change",
    ]
    for i, h in enumerate(diff.headlines, 1):
        lines += _headline(i, h)
    others = [(p, v) for p in diff.pairs for v in p["verdicts"]
              if v["change"] not in ("unchanged", "finding-fixed", "new-finding")]
    lines += ["", f"other verdict changes ({len(others)}):" if others else "no other verdict changed"]
    for p, v in others:
        tag = "WORSE " if v["change"] == "worse" else v["change"]
        lines.append(f"  {tag}  {v['property']} on {_flow_name(p['baseline_flow'], p['candidate_flow'])}: "
                     f"{v['before']} -> {v['after']}")
    same = sum(1 for p in diff.pairs for v in p["verdicts"] if v["change"] == "unchanged")
    lines += ["", f"obligations per flow pair ({same} matched verdicts unchanged):"]
    for p in diff.pairs:
        flows = _flow_name(p["baseline_flow"], p["candidate_flow"])
        for word, items in p["obligations"].items():
            if items:
                findings = [o["property"] for o in items if o["verdict"] == "violated"]
                note = f"; findings among them: {', '.join(findings)}" if findings and word == NO_LONGER else ""
                lines.append(f"  {flows}: {word} ({len(items)}): "
                             + ", ".join(o["property"] for o in items[:show])
                             + (f", ... and {len(items) - show} more" if len(items) > show else "") + note)
    lines += ["", "messages, after renaming the baseline's entities (candidate against baseline):"]
    for p in diff.pairs:
        m = p.get("messages")
        if not m or not (m["new"] or m["gone"] or m["internal"]):
            continue
        lines.append(f"  {_flow_name(p['baseline_flow'], p['candidate_flow'])}:  IMS signalling "
                     f"{p['signalling']['baseline']} -> {p['signalling']['candidate']} messages"
                     + ("" if p["complete"] else "  (a search hit its budget: 'gone' means not reached within it)"))
        for word, key, sign in (("new", "new", "+"), ("gone", "gone", "-"), ("now internal", "internal", "=")):
            items = m[key]
            if items:
                lines.append(f"    {word} ({len(items)}):")
                lines += [f"      {sign} {x}" for x in items[:show]]
                if len(items) > show:
                    lines.append(f"      ... and {len(items) - show} more (see --format json)")
    fixed = sum(1 for h in diff.headlines if h["kind"] == "finding-fixed")
    lines += ["", f"{len(diff.headlines)} headline change(s), {fixed} finding(s) fixed, {len(diff.worse)} worse; "
                  f"{diff.stats['runs']} runs in {diff.stats['seconds']} s"
                  + ("; exit 1: a verdict got worse" if diff.worse else "")]
    lines.append("intruder: security properties decided with each model's intruder on both sides"
                 if diff.stats.get("intruder") else
                 "WARNING: security properties were compared WITHOUT an intruder (--no-intruder, or neither model has one)")
    return "\n".join(lines)
