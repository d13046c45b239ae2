"""The verdict matrix: every property x flow x a chosen set of variants, checked in parallel.

`plan` turns the request into plain-data jobs - one per (flow, configuration), since one
exploration decides every property of a configuration - and drops combinations a flow makes
identical (a flow that fixes iwf=external checks iwf=internal and iwf=external once).
`run_matrix` hands the jobs to an executor (executor.py) and gathers the verdicts, in plan
order whatever order the workers finish in.  A job that fails with a user error fails the
whole matrix (exit 2): a matrix with holes is never passed off as complete.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import deque
from dataclasses import dataclass, field

from .. import errors
from ..errors import UsageError
from ..loader import LoadedModel, load
from ..patterns.verdict import ExitCode, Result, Verdict
from ..pipeline import CheckRequest, replay_command, selected_flows, selected_properties
from .executor import check_options, executor_named
from .jobs import make_job, run_job
from .progress import ProgressBar
from .reads import covers


# Each run of a matrix stops at this many states unless the request says otherwise.  A matrix
# over every variant is ~1,600 runs of the seed, and some configurations (faults=all, the
# ROGUE on top of a fault) have millions of states: without a budget it would take a day and
# gigabytes per worker.  A run cut short reports `inconclusive` with the budget as its reason.
# No state budget by default: a run's budget is its share of the memory (memory_per_run), so the
# default matrix decides every configuration that fits in memory instead of cutting at a count.
DEFAULT_RUN_STATES = None


@dataclass
class MatrixRequest:
    model_dir: str | None = None
    vary: list | None = None  # variant names to vary; None: every variant of the model
    flows: list | None = None
    settings: dict = field(default_factory=dict)  # the values of the variants not varied
    properties: list | None = None
    wics: int = 1
    max_states: int | None = DEFAULT_RUN_STATES  # None: no budget
    timeout: float | None = None
    max_bytes: float | None = None  # memory budget of one run; None: its share of the memory, math.inf: none
    executor: str = "process"
    workers: int | None = None  # None: one per usable core (cores.py); more is capped at the cores
    scheduler: str | None = None  # --executor dask: the scheduler's address (None: Dask's setting, or a local cluster)
    progress: bool | None = None  # None: a bar when stderr is a terminal
    diagrams: bool = False  # sequence diagrams of the traces and entity state charts (report)
    share: bool = True  # answer a configuration from an earlier run of the same system (reads.py)
    intruder: bool = True  # security properties with the model's intruder (pipeline.worlds)


@dataclass
class Column:
    """One checked configuration: a flow and every variant's value (`varied`: the varied ones)."""

    flow: str | None
    variant: dict
    varied: dict
    fixed: dict = field(default_factory=dict)  # what --set fixed for every column

    @property
    def label(self) -> str:
        shown = self.varied or self.fixed
        return " ".join(f"{k}={v}" for k, v in shown.items()) or "defaults"


@dataclass
class MatrixResult(Result):
    column: int = 0  # index into MatrixRun.columns
    listing: str = ""  # the numbered trace, as `imsflow check` prints it
    svg: str = ""  # the trace's sequence diagram, when the run asked for diagrams
    initial_state: dict = field(default_factory=dict)  # the state before the trace's first step


def result_from_json(d: dict, **extra) -> MatrixResult:
    return MatrixResult(
        property=d["property"], flow=d["flow"], variant=d["variant"], verdict=Verdict(d["verdict"]),
        expected=d.get("expected", "holds"), reason=d.get("reason", ""), trace=d.get("trace", []),
        stats=d.get("stats", {}), engines=d.get("engines"), wics=d.get("wics", 1),
        statement=d.get("statement", ""), kind=d.get("kind", ""), clause=d.get("clause", ""),
        replay=d.get("replay", ""), listing=d.get("listing", ""), svg=d.get("svg", ""),
        initial_state=d.get("initial_state", {}), **extra,
    )


def exit_code_of(results) -> ExitCode:
    if any(not r.as_expected for r in results):
        return ExitCode.UNEXPECTED
    if any(r.verdict is Verdict.INCONCLUSIVE for r in results):
        return ExitCode.INCONCLUSIVE
    return ExitCode.OK


@dataclass
class MatrixRun:
    loaded: LoadedModel
    request: MatrixRequest
    varied: list
    columns: list  # [Column]
    results: list  # [MatrixResult]
    stats: dict
    warnings: list
    charts: dict = field(default_factory=dict)  # entity -> statechart.chart() dict
    column_stats: list = field(default_factory=list)  # per column: that run's stats

    @property
    def exit_code(self) -> ExitCode:
        return exit_code_of(self.results)

    def flows(self) -> list:
        out = []
        for c in self.columns:
            if c.flow not in out:
                out.append(c.flow)
        return out

    def to_json(self) -> dict:
        results = []
        for r in self.results:
            d = r.to_json()
            d.update(statement=r.statement, clause=r.clause, kind=r.kind)
            shared = self.column_stats[r.column].get("shared_with") if r.column < len(self.column_stats) else None
            if shared is not None and d["trace"]:
                # The same system was explored for column `shared`: its result for this property
                # holds this very trace.  Referring to it keeps a full-product matrix small.
                d["trace"] = []
                d["trace_same_as"] = {"column": shared, "property": r.property}
            results.append(d)
        return {
            "model": self.loaded.model.name,
            "model_dir": self.loaded.directory,
            "engine": "explicit",
            "wics": self.request.wics,
            "varied": self.varied,
            "columns": [{"flow": c.flow, "variant": c.variant, "label": c.label} for c in self.columns],
            "stats": self.stats,
            "results": results,
            "warnings": self.warnings,
        }


def varied_names(loaded: LoadedModel, vary, settings: dict) -> list:
    variants = loaded.model.variants
    names = list(variants) if vary is None else list(dict.fromkeys(vary))
    for name in names:
        if name not in variants:
            raise UsageError(f"--vary {name}: unknown variant", known=list(variants))
        if name in settings and vary is not None:
            raise UsageError(f"variant {name!r} is both fixed with --set and varied with --vary",
                             hint=f"drop one of --set {name}=... and --vary {name}")
    # Fixing a variant with --set removes it from "every variant".
    return [n for n in names if not (vary is None and n in settings)]


def plan(loaded: LoadedModel, request: MatrixRequest, *, reach: bool = False) -> tuple[list, list, list]:
    """(varied names, columns, jobs): one job per distinct (flow, configuration)."""
    model = loaded.model
    varied = varied_names(loaded, request.vary, request.settings)
    model.config(None, request.settings, request.wics)  # validates --set and --wics up front
    value_lists = [model.variants[n].values for n in varied]
    columns, jobs, seen = [], [], set()
    for flow in selected_flows(loaded, request.flows):
        for combo in itertools.product(*value_lists):
            settings = dict(request.settings)
            settings.update(zip(varied, combo))
            config = model.config(flow, settings, request.wics)
            if (flow, config.variant) in seen:
                continue
            seen.add((flow, config.variant))
            full = config.settings
            columns.append(Column(flow, full, {n: full[n] for n in varied}, dict(request.settings)))
            jobs.append(make_job(loaded.directory, flow, full, wics=request.wics, properties=request.properties,
                                 max_states=request.max_states, timeout=request.timeout, reach=reach,
                                 diagrams=request.diagrams, intruder=request.intruder,
                                 max_bytes=memory_per_run(request), memory_from_user=request.max_bytes is not None))
    return varied, columns, jobs


def execute(jobs: list, *, executor: str = "process", workers: int | None = None, progress=None,
            label: str = "checking", notes=None, reuse=None, order=None, on_result=None,
            scheduler: str | None = None, per_job: int | None = None, chosen: dict | None = None) -> list:
    """Every job's output, in job order; raises the first job's user error after the pool stops.

    `reuse(k)` may answer job k from the results already in instead of running it (None: run
    it).  It is asked when the executor is ready to take job k, so the more results are in,
    the more it can answer.  `order` is the order in which jobs are handed out (default: as
    listed); outputs always come back in job order.  `on_result(k, output)` is told of every
    job a worker ran, as it comes in.  `per_job`: CPU-bound processes one job runs (the
    executor runs fewer jobs at once so that jobs x processes fits the usable cores); default:
    the largest "processes" a job asks for (a job that searches with several processes says
    so there), else 1.
    `chosen`, a dict, is filled with the executor's name, its worker count and how that count
    was chosen (for the summary)."""
    check_options(executor, scheduler)
    outputs: list = [None] * len(jobs)
    if not jobs:
        return outputs
    notes = notes or [""] * len(jobs)
    # Runs of one flow cost alike: the bar estimates what is left per flow (progress.py).
    bar = ProgressBar(len(jobs), label, enabled=progress, groups=[job.get("flow") for job in jobs])
    issued: list = []  # executor index -> job index

    def feed():
        for k in order if order is not None else range(len(jobs)):
            job = jobs[k]
            answer = reuse(k) if reuse is not None else None
            if answer is not None:
                outputs[k] = answer
                bar.advance(f"{notes[k]} (decided by an earlier run)", job=k)
                continue
            issued.append(k)
            yield job

    if per_job is None:
        per_job = max(int(job.get("processes") or 1) for job in jobs)
    if len(jobs) > 1:
        pool = executor_named(executor, workers, scheduler=scheduler, per_job=per_job, jobs=len(jobs))
    else:
        pool = executor_named("serial")
    if chosen is not None:
        chosen.update(executor=pool.name, workers=pool.workers, chosen=getattr(pool, "chosen", ""))
    failure = None
    try:
        for i, out in pool.map_unordered(run_job, feed()):
            k = issued[i]
            outputs[k] = out
            if "error" in out and failure is None:
                failure = out
            if on_result is not None and "error" not in out:
                on_result(k, out)
            stats = out.get("stats") or {}
            bar.advance(notes[k], job=k, states=stats.get("states", 0), seconds=stats.get("seconds"))
    finally:
        pool.close()
    bar.finish()
    if failure is not None:
        cls = getattr(errors, failure.get("error_type", ""), errors.ImsflowError)
        if not (isinstance(cls, type) and issubclass(cls, errors.ImsflowError)):
            cls = errors.ImsflowError
        raise cls(failure["error"])
    return outputs


def memory_per_run(request) -> float | None:
    """The memory budget each run gets, in bytes (math.inf: none): the user's --max-memory, or half
    the memory available now split between the runs that go at once (one per worker)."""
    from ..backends.explore.budget import default_memory_budget
    from ..cores import workers_for

    if request.max_bytes is not None:
        return request.max_bytes
    workers = 1 if request.executor == "serial" else workers_for(request.workers)[0]
    budget = default_memory_budget(workers)
    return math.inf if budget is None else budget


def _bytes_or_none(value):
    return None if value is None or value == math.inf else int(value)


def derive(loaded: LoadedModel, request: MatrixRequest, source: dict, j: int, column: Column) -> dict | None:
    """The output of `column` from the output of an earlier run `j` of the same system (see
    reads.py): the verdicts, traces and statistics carry over; the variant, the expectations
    and the replay commands are this column's own.  None when the property set differs."""
    config = loaded.model.config(column.flow, column.variant, request.wics)
    props = [p.id for p in selected_properties(loaded, config, request.properties)]
    if props != [d["property"] for d in source["results"]]:
        return None
    # The run's own request (as run_job builds it), so the replay line is the one that run prints.
    replay_request = CheckRequest(model_dir=loaded.directory, engine="explicit", wics=request.wics,
                                  max_states=request.max_states, timeout=request.timeout,
                                  max_bytes=request.max_bytes)
    results = []
    for d in source["results"]:
        expected, why = loaded.property(d["property"]).expectation(config)
        reason = d.get("engine_reason", d["reason"])
        if why and d["verdict"] == expected:
            reason = why if not reason else f"{why} ({reason})"
        results.append(dict(d, variant=config.settings, expected=expected, reason=reason,
                            replay=replay_command(loaded, replay_request, column.flow, d["property"], config)))
    return {"results": results, "stats": dict(source["stats"], shared_with=j), "warnings": source["warnings"],
            "reads": source.get("reads"), "charts": {}}


def run_matrix(request: MatrixRequest) -> MatrixRun:
    loaded = load(request.model_dir)
    started = time.perf_counter()
    varied, columns, jobs = plan(loaded, request)
    notes = [f"{c.flow or ''} {c.label}".strip() for c in columns]

    explored: dict = {}  # flow -> [(column, output)] of the runs a worker did

    def remember(k: int, out: dict) -> None:
        explored.setdefault(columns[k].flow, []).append((k, out))

    def reuse(k: int):
        if not request.share:
            return None
        for j, out in explored.get(columns[k].flow, ()):
            if covers(out.get("reads"), columns[j].variant, columns[k].variant):
                answer = derive(loaded, request, out, j, columns[k])
                if answer is not None:
                    return answer
        return None

    chosen: dict = {}
    outputs = execute(jobs, executor=request.executor, workers=request.workers, progress=request.progress,
                      label=f"matrix ({len(jobs)} runs)", notes=notes, reuse=reuse, order=interleaved(columns),
                      on_result=remember, scheduler=request.scheduler, chosen=chosen)
    results, warnings, charts = [], [], {}
    totals = {"states": 0, "transitions": 0, "cpu_seconds": 0.0}
    explored = 0
    for k, out in enumerate(outputs):
        merge_charts(charts, out.get("charts", {}))
        for d in out["results"]:
            results.append(result_from_json(d, column=k))
        warnings.extend(w for w in out["warnings"] if w not in warnings)
        if "shared_with" in out["stats"]:
            continue
        explored += 1
        for key in ("states", "transitions"):
            totals[key] += out["stats"].get(key, 0)
        totals["cpu_seconds"] += out["stats"].get("seconds", 0.0)
    # Columns with a verdict the budget left undecided (an explored run cut short, or one
    # answered from such a run).
    cut = sum(1 for out in outputs if any(d["verdict"] == "inconclusive" for d in out["results"]))
    stats = {
        "runs": len(jobs), "explored": explored, "shared": len(jobs) - explored, "results": len(results),
        "states": totals["states"], "transitions": totals["transitions"],
        "seconds": round(time.perf_counter() - started, 3), "cpu_seconds": round(totals["cpu_seconds"], 3),
        "workers": chosen.get("workers", 1), "executor": chosen.get("executor", "serial"),
        "workers_chosen": chosen.get("chosen", ""),
        "max_states": request.max_states, "undecided_columns": cut,
        "memory_budget_bytes": _bytes_or_none(memory_per_run(request)),
        "timeout": request.timeout if request.timeout != float("inf") else None,  # JSON has no infinity
    }
    return MatrixRun(loaded, request, varied, columns, results, stats, warnings, charts,
                     [dict(out["stats"]) for out in outputs])


def interleaved(columns: list) -> list:
    """Column indices taking the flows in turn (F1, F2, ..., F1, F2, ...): the first run of each
    flow is then usually finished before the next of that flow is handed out, so it can decide
    the configurations that differ only in variants it never read."""
    queues: dict = {}
    for k, c in enumerate(columns):
        queues.setdefault(c.flow, deque()).append(k)
    out = []
    while any(queues.values()):
        for q in queues.values():
            if q:
                out.append(q.popleft())
    return out


def merge_charts(into: dict, charts: dict) -> None:
    """Add state charts from one run; a transition's sends are the union over every run (an
    entity sends different things in different flows and variants)."""
    for name, chart in charts.items():
        have = into.get(name)
        if have is None:
            into[name] = chart
            continue
        key = lambda t: (t["where"], tuple(t["sources"]), t["dest"], t["message"], t["event"], tuple(t["guards"]))
        known = {key(t): t for t in have["transitions"]}
        for t in chart["transitions"]:
            if key(t) in known:
                sends = known[key(t)]["sends"]
                sends.extend(x for x in t["sends"] if x not in sends)
            else:
                have["transitions"].append(t)
