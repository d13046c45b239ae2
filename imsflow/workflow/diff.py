"""What changed between two designs: a baseline and a candidate, each a model directory with a
variant set (the same model with two variant sets, or an architect's copy of model/).

For every flow both sides have, it runs the check and a reachability summary (reach.py) on each
side and reports: the verdicts that flipped, each with the trace of the side where the property
fails; flows that became unreachable (or reachable); messages and entity states newly
reachable or no longer reachable.  A verdict that got worse makes the diff fail (exit 1).

Two different architectures joined by a declared correspondence (a `correspondence.yaml`
beside either model, correspondence.py) are compared by archdiff.py instead: flows and
properties matched through it, messages compared after renaming.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from ..errors import UsageError
from ..loader import load
from ..patterns.spec import FLOW_REACHABLE
from ..patterns.verdict import ExitCode
from ..pipeline import selected_flows
from .archdiff import run_architecture_diff
from .correspondence import load_between
from .jobs import make_job
from .matrix import execute

# How bad a verdict is, for "got worse": a property that held and now is only inconclusive has
# lost its guarantee; vacuous (the triggering event no longer happens) is worse still.
RANK = {"holds": 0, "inconclusive": 1, "vacuous": 2, "violated": 3}


@dataclass
class Side:
    model_dir: str | None
    settings: dict = field(default_factory=dict)


@dataclass
class DiffRequest:
    candidate: Side
    baseline: Side
    flows: list | None = None
    properties: list | None = None
    wics: int = 1
    max_states: int | None = None
    timeout: float | None = None
    executor: str = "process"
    workers: int | None = None
    scheduler: str | None = None  # --executor dask: the scheduler's address
    progress: bool | None = None
    # The baseline's own settings (--against only), used when the two sides are different
    # architectures joined by a correspondence: the candidate's --set values need not exist there.
    baseline_own: dict | None = None
    intruder: bool = True  # security properties with the model's intruder (pipeline.worlds)
    diagrams: bool = False  # architecture diff: keep each flow's sequence diagram (the comparison report)


@dataclass
class Diff:
    baseline: dict  # {"model_dir", "settings"}
    candidate: dict
    flows: list  # flows both sides have
    only_in: dict  # "baseline"/"candidate" -> flows only that side has
    flips: list  # [{property, flow, before, after, change, baseline, candidate}]
    appeared: list  # (property, flow) checked only on the candidate side
    disappeared: list  # (property, flow) checked only on the baseline side
    unreachable: list  # flows whose flow-reachable got worse
    reachable: list  # flows whose flow-reachable got better
    reach: dict  # flow -> {"messages": {"new", "gone"}, "states": {"new", "gone"}, "complete"}
    stats: dict

    @property
    def worse(self) -> list:
        return [f for f in self.flips if f["change"] == "worse"]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.UNEXPECTED if self.worse else ExitCode.OK

    def to_json(self) -> dict:
        return {
            "baseline": self.baseline, "candidate": self.candidate, "flows": self.flows,
            "only_in": self.only_in, "flips": self.flips,
            "appeared": [{"property": p, "flow": f} for p, f in self.appeared],
            "disappeared": [{"property": p, "flow": f} for p, f in self.disappeared],
            "unreachable_flows": self.unreachable, "reachable_flows": self.reachable,
            "reach": self.reach, "stats": self.stats, "worse": len(self.worse),
        }


def change_of(before: str, after: str) -> str:
    if RANK[after] > RANK[before]:
        return "worse"
    if RANK[after] < RANK[before]:
        return "better"
    return "changed"


def _side_json(loaded, side: Side, wics: int) -> dict:
    config = loaded.model.config(None, side.settings, wics)  # validates the settings
    return {"model": loaded.model.name, "model_dir": loaded.directory, "settings": dict(side.settings),
            "variant": config.settings}


def _result_json(d: dict) -> dict:
    keep = ("verdict", "expected", "reason", "trace", "listing", "replay", "variant")
    return {k: d[k] for k in keep if k in d}


def _architecture(request: DiffRequest, base_loaded, cand_loaded, corr, forward: bool):
    """Two architectures joined by a correspondence (archdiff.py): each side keeps its own
    variant settings."""
    if request.baseline_own is not None:
        request = replace(request, baseline=Side(request.baseline.model_dir, dict(request.baseline_own)))
    sides = {"baseline": _side_json(base_loaded, request.baseline, request.wics),
             "candidate": _side_json(cand_loaded, request.candidate, request.wics)}
    return run_architecture_diff(request, base_loaded, cand_loaded, corr, forward, sides)


def run_diff(request: DiffRequest) -> Diff:
    started = time.perf_counter()
    base_loaded, cand_loaded = load(request.baseline.model_dir), load(request.candidate.model_dir)
    if base_loaded.package_dir != cand_loaded.package_dir:
        found = load_between(base_loaded, cand_loaded)
        if found is not None:
            return _architecture(request, base_loaded, cand_loaded, *found)
    base_json = _side_json(base_loaded, request.baseline, request.wics)
    cand_json = _side_json(cand_loaded, request.candidate, request.wics)
    if base_loaded.package_dir == cand_loaded.package_dir and base_json["variant"] == cand_json["variant"]:
        raise UsageError("the two sides of the diff are the same model with the same variant set",
                         hint="name what differs with --against NAME=VALUE or --against-model DIR")
    base_flows = selected_flows(base_loaded, None)
    cand_flows = selected_flows(cand_loaded, None)
    if request.flows:
        for f in request.flows:
            if f not in base_flows and f not in cand_flows:
                raise UsageError(f"unknown flow {f!r}", known=sorted(set(base_flows) | set(cand_flows), key=str))
        base_flows = [f for f in base_flows if f in request.flows]
        cand_flows = [f for f in cand_flows if f in request.flows]
    flows = [f for f in cand_flows if f in base_flows]
    jobs, notes = [], []
    for role, loaded, side in (("baseline", base_loaded, request.baseline), ("candidate", cand_loaded, request.candidate)):
        for f in flows:
            jobs.append(make_job(loaded.directory, f, side.settings, wics=request.wics, properties=request.properties,
                                 max_states=request.max_states, timeout=request.timeout, reach=True, tag=role,
                                 intruder=request.intruder))
            notes.append(f"{role} {f or ''}".strip())
    outputs = execute(jobs, executor=request.executor, workers=request.workers, progress=request.progress,
                      label=f"diff ({len(jobs)} runs)", notes=notes, scheduler=request.scheduler)
    per_side = {"baseline": {}, "candidate": {}}
    reach_of = {"baseline": {}, "candidate": {}}
    for job, out in zip(jobs, outputs):
        for d in out["results"]:
            per_side[job["tag"]][(d["property"], d["flow"])] = d
        reach_of[job["tag"]][job["flow"]] = out["reach"]
    base_res, cand_res = per_side["baseline"], per_side["candidate"]
    flips, unreachable, reachable = [], [], []
    for key in [k for k in cand_res if k in base_res]:
        b, c = base_res[key], cand_res[key]
        if b["verdict"] == c["verdict"]:
            continue
        change = change_of(b["verdict"], c["verdict"])
        flips.append({"property": key[0], "flow": key[1], "before": b["verdict"], "after": c["verdict"],
                      "change": change, "statement": c.get("statement", ""), "clause": c.get("clause", ""),
                      "baseline": _result_json(b), "candidate": _result_json(c)})
        if key[0] == FLOW_REACHABLE:
            (unreachable if change == "worse" else reachable).append(key[1])
    flips.sort(key=lambda f: (f["change"] != "worse", f["change"] != "better", str(f["flow"]), f["property"]))
    reach = {}
    for f in flows:
        b, c = reach_of["baseline"][f], reach_of["candidate"][f]
        reach[f] = {
            "messages": {"new": sorted(set(c["messages"]) - set(b["messages"])),
                         "gone": sorted(set(b["messages"]) - set(c["messages"]))},
            "states": {"new": sorted(set(c["states"]) - set(b["states"])),
                       "gone": sorted(set(b["states"]) - set(c["states"]))},
            "complete": b["complete"] and c["complete"],
            "explored": {"baseline": b["explored"], "candidate": c["explored"]},
        }
    stats = {"runs": len(jobs), "seconds": round(time.perf_counter() - started, 3)}
    return Diff(
        baseline=base_json, candidate=cand_json, flows=flows,
        only_in={"baseline": [f for f in base_flows if f not in cand_flows],
                 "candidate": [f for f in cand_flows if f not in base_flows]},
        flips=flips,
        appeared=[k for k in cand_res if k not in base_res],
        disappeared=[k for k in base_res if k not in cand_res],
        unreachable=unreachable, reachable=reachable, reach=reach, stats=stats,
    )
