"""A mutation run: the original's verdicts and graphs, then one job per mutant on the matrix's
executor (workflow/executor.py), then the classification.

A run checks one or more configurations (variant settings and WIC count; `--config`,
`--each-variant`): the unit of work is a (flow, configuration) pair, and a mutant is killed
when a verdict changes on any unit.  Units a flow makes identical (it fixes the variant, or
the original's run never read it: workflow/reads.py) are checked once.

Per mutant and unit:
  1. units where the mutated transition can never even be evaluated (no reachable state of
     the original has its entity in one of the transition's source states with its input at
     hand) are skipped: the mutant's system is the original's there;
  2. otherwise the mutant is compiled through the pipeline and its reachable graph compared
     with the original's (graph.py).  Identical: nothing any property observes changed;
  3. otherwise `pipeline.check` runs the flow on the mutant, and each property's verdict is
     compared with the original's.

A mutant is KILLED when some property's verdict differs from the original's on some flow and
both verdicts are conclusive (holds, violated, vacuous): an `inconclusive` claims nothing, so
it never kills.  Otherwise it is SURVIVING (its reachable behaviour changed, no verdict
noticed), EQUIVALENT (exercised, but every flow's reachable labelled graph is identical to
the original's), UNREACHED (no run of any checked flow exercises the change - a gap in the
world the model runs in, not an equivalence), INVALID (the mutant does not compile, e.g. it
sends where nobody receives) or INCONCLUSIVE (a budget cut a verdict short and nothing
killed it).  Score = killed / (all - equivalent - invalid).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..authoring.entity import Recv
from ..errors import ImsflowError, UsageError
from ..loader import load
from ..pipeline import CheckRequest, check, compile_for, selected_flows, selected_properties
from ..system.trace import listing, to_entries
from ..workflow import reads
from ..workflow.executor import executor_named
from ..workflow.progress import ProgressBar
from . import graph
from .apply import Probe, transform
from .operators import OPERATORS, Mutant, derive, observed_sends

# The state budget of one search of a mutant (the native search holds a million seed states in
# about 200 MB and 3 s), and of the reachable-graph comparison, which runs in Python (graph.py)
# at about a kilobyte and 20 microseconds a state; past it a unit's mutants are judged by their
# verdicts alone.
DEFAULT_MAX_STATES = 1_000_000
GRAPH_MAX_STATES = 200_000
STATUSES = ("killed", "survived", "equivalent", "unreached", "invalid", "inconclusive")


@dataclass(frozen=True)
class Configuration:
    """One configuration a mutation run checks: variant settings over the request's, and WICs."""

    settings: tuple = ()  # sorted (name, value) pairs, over the request's --set
    wics: int | None = None  # None: the request's --wics

    @staticmethod
    def of(settings: dict | None = None, wics: int | None = None) -> "Configuration":
        return Configuration(tuple(sorted((settings or {}).items())), wics)

    def label(self) -> str:
        parts = [f"{k}={v}" for k, v in self.settings] + ([f"wics={self.wics}"] if self.wics is not None else [])
        return ",".join(parts) or "defaults"


@dataclass
class Unit:
    """A flow in one configuration: what one check of a mutant covers."""

    key: str  # the flow id alone when the run has one configuration; else "F6 [faults=reject]"
    flow: str
    settings: dict
    wics: int


@dataclass
class MutateRequest:
    model_dir: str | None = None
    flows: list | None = None
    settings: dict = field(default_factory=dict)
    wics: int = 1
    operators: list | None = None  # None: every operator
    mutants: list | None = None  # ids: only these mutants
    configs: list | None = None  # [Configuration]; None: the one configuration of settings/wics
    optional: list | None = None  # configurations (of `configs`) skipped when over the budget (--each-variant)
    max_states: int = DEFAULT_MAX_STATES
    jobs: int | None = None  # worker processes (None: one per usable core, cores.py; never more)
    executor: str = "process"
    progress: bool | None = None


@dataclass
class MutationRun:
    request: MutateRequest
    model: str
    model_dir: str
    flows: list
    original: dict  # unit key -> {property: verdict}
    mutants: list  # [Mutant]
    outcomes: list  # per mutant: its job result (plain data)
    seconds: float
    warnings: list = field(default_factory=list)
    units: list = field(default_factory=list)  # [Unit] checked (after sharing)
    shared: list = field(default_factory=list)  # [(unit key, key of the unit that decides it)]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o["status"] == status)

    @property
    def score(self) -> float | None:
        scored = len(self.outcomes) - self.count("equivalent") - self.count("invalid")
        return self.count("killed") / scored if scored else None


# Original graphs per (model dir, flow, settings, wics, budget): computed by the parent before
# the pool forks, so the workers inherit them; a worker that does not have one builds it.
_ORIGINALS: dict = {}


def _key(model_dir, flow, settings, wics, max_states) -> tuple:
    return (model_dir, flow, tuple(sorted(settings.items())), wics, max_states)


def graph_budget(max_states: int | None) -> int:
    return GRAPH_MAX_STATES if max_states is None else min(max_states, GRAPH_MAX_STATES)


def original_graph(model_dir, flow, settings, wics, max_states, ts=None):
    key = _key(model_dir, flow, settings, wics, max_states)
    if key not in _ORIGINALS:
        if ts is None:
            loaded = load(model_dir)
            config = loaded.model.config(flow, settings, wics)
            ts = compile_for(loaded, config, selected_properties(loaded, config, None), eager=False)
        try:
            _ORIGINALS[key] = graph.explore(ts, graph_budget(max_states))
        except graph.Budget:
            _ORIGINALS[key] = None
    return _ORIGINALS[key]


def _validate(request: MutateRequest, loaded) -> None:
    for name in request.operators or ():
        if name not in OPERATORS:
            raise UsageError(f"--operator {name!r}: unknown mutation operator", known=list(OPERATORS))
    if request.max_states is not None and request.max_states < 1:
        raise UsageError(f"--max-states {request.max_states}: needs at least one state")
    if request.jobs is not None and request.jobs < 1:
        raise UsageError(f"--jobs {request.jobs}: needs at least one worker")
    for c in request.configs or ():
        try:
            loaded.model.config(None, {**request.settings, **dict(c.settings)}, c.wics or request.wics)
        except UsageError as exc:
            raise UsageError(f"--config {c.label()}: {exc.message}", known=exc.known, hint=exc.hint) from None


def each_variant(loaded, base: dict) -> list:
    """One configuration per value of every variant other than its default (one factor at a time:
    the full product is the matrix's job), after the defaults."""
    out = [Configuration()]
    for name, v in loaded.model.variants.items():
        if name in base:
            continue
        out += [Configuration.of({name: value}) for value in v.values if value != v.default]
    return out


def with_each_variant(loaded, base: dict, configs: list) -> tuple[list, list]:
    """`configs` (or the defaults) followed by `each_variant`'s, and those added (`optional`:
    left out when over the budget) - what `--each-variant` asks for."""
    optional = [c for c in each_variant(loaded, base) if c not in configs]
    return list(dict.fromkeys([*(configs or [Configuration()]), *optional])), optional


def plan_units(loaded, request: MutateRequest, flows: list) -> tuple[list, list, dict, dict, list]:
    """The (flow, configuration) units, their original verdicts, graphs and systems.

    A unit whose effective configuration equals an earlier unit's of the same flow (the flow fixes
    the variant), or differs from it only in variants the earlier unit's compile and search never
    read, is the same system: it is not checked again (listed in `shared`).  A mutant reads no
    variant its original does not (operators only drop, redirect or re-value what the original
    does, or repeat a guard it already has), so this never hides a kill in the original's sense;
    an accept-in-state guard evaluated in a new state can read more, and is then judged in the
    first configuration only - a kill can be missed, never invented."""
    configs = request.configs or [Configuration()]
    several = len(configs) > 1
    units, shared, original, graphs, systems, dropped = [], [], {}, {}, [], []
    seen: dict = {}  # flow -> [(effective settings, reads, unit key)]
    for flow in flows:
        for c in configs:
            settings = {**request.settings, **dict(c.settings)}
            wics = c.wics or request.wics
            # Outside the recording: looking at the whole variant would count as reading all of it.
            effective = dict(loaded.model.config(flow, settings, wics).variant)
            key = f"{flow} [{c.label()}]" if several else flow
            twin = next((k for eff, w, rd, k in seen.get(flow, ())
                         if w == wics and reads.covers(rd, eff, effective)), None)
            if twin is not None:
                shared.append((key, twin))
                continue
            with reads.recording() as read:
                config = loaded.model.config(flow, settings, wics)
                ts = compile_for(loaded, config, selected_properties(loaded, config, None), eager=True)
                g = original_graph(request.model_dir, flow, settings, wics, request.max_states, ts)
            seen.setdefault(flow, []).append((effective, wics, set(read), key))
            base = check(CheckRequest(model_dir=request.model_dir, flows=[flow], settings=settings, wics=wics,
                                      max_states=request.max_states, progress=False))
            verdicts = {r.property: r.verdict.value for r in base.results}
            if "inconclusive" in verdicts.values() and c in (request.optional or ()):
                dropped.append(f"{key}: not checked: a search of the original has more than "
                               f"{request.max_states:,} states (raise --max-states, or name it with "
                               f"--config {c.label()})")
                continue
            unit = Unit(key, flow, settings, wics)
            original[key] = verdicts
            units.append(unit)
            graphs[key] = g
            systems.append(ts)
    # A mutant stops at the first unit that kills it: the smallest systems go first.
    units.sort(key=lambda u: (graphs[u.key] is None, graphs[u.key].states if graphs[u.key] else 0))
    return units, shared, original, graphs, systems, dropped


def run_mutation(request: MutateRequest) -> MutationRun:
    started = time.perf_counter()
    loaded = load(request.model_dir)
    _validate(request, loaded)
    model = loaded.model
    flows = selected_flows(loaded, request.flows)
    units, shared, original, graphs, systems, dropped = plan_units(loaded, request, flows)
    warnings = dropped + [f"{key}: {pid} is inconclusive on the original model: it cannot kill a mutant there"
                for key, verdicts in original.items() for pid, v in verdicts.items() if v == "inconclusive"]
    for u in units:
        if graphs[u.key] is None:
            warnings.append(f"{u.key}: the original has more than {graph_budget(request.max_states):,} states, the "
                            "budget of the graph comparison; its mutants are judged by their verdicts only")
    mutants = derive(model.entities, model.vocabulary, observed_sends(model.entities, systems), request.operators)
    if request.mutants:
        known = {m.id for m in mutants}
        for mid in request.mutants:
            if mid not in known:
                raise UsageError(f"--mutant {mid!r}: no such mutant of the chosen operators",
                                 hint="'imsflow mutate --format json' lists every mutant id")
        mutants = [m for m in mutants if m.id in set(request.mutants)]
    by_name = {c.name: c for c in model.entities}
    outcomes: list = [None] * len(mutants)
    jobs, slots = [], []
    for k, m in enumerate(mutants):
        candidates = [u for u in units if _may_exercise(by_name[m.entity], m, graphs[u.key])]
        if not candidates:
            outcomes[k] = {"id": m.id, "status": "unreached", "flows": {}, "kills": [],
                           "reason": "no reachable state of any checked flow and configuration evaluates "
                                     "this transition there"}
            continue
        jobs.append({"model_dir": request.model_dir, "max_states": request.max_states, "mutant": m.to_json(),
                     "units": [vars(u) for u in candidates],
                     "original": {u.key: original.get(u.key, {}) for u in candidates}})
        slots.append(k)
    bar = ProgressBar(len(jobs), "mutants", enabled=request.progress)
    executor = executor_named(request.executor, request.jobs, jobs=len(jobs)) if len(jobs) > 1 else executor_named("serial")
    try:
        for i, result in executor.map_unordered(run_mutant_job, jobs):
            outcomes[slots[i]] = result
            bar.advance(result["id"])
    finally:
        executor.close()
        bar.finish()
    return MutationRun(request, model.name, loaded.directory, flows, original, mutants, outcomes,
                       round(time.perf_counter() - started, 2), warnings, units, shared)


def _may_exercise(cls, m: Mutant, g) -> bool:
    """Can the mutated transition be evaluated in some reachable state of this unit?"""
    if g is None:
        return True
    t = cls.transitions[m.t_index]
    sources = [m.params["state"]] if m.operator == "accept-in-state" else t.sources(cls.states)
    if isinstance(t.on, Recv):
        return any((cls.name, s, t.on.sender, t.on.message) in g.heads for s in sources)
    return any((cls.name, s) in g.controls for s in sources)


def run_mutant_job(job: dict) -> dict:
    """The worker: the mutant on each candidate unit until one kills it; if none does, its graphs
    are compared unit by unit until one shows the behaviour changed (plain data in and out).

    Verdicts first, on every unit, because most mutants are killed and the comparison (in
    Python) costs more than a native check: a killed mutant is never compared."""
    mutant = Mutant.from_json(job["mutant"])
    out = {"id": mutant.id, "flows": {}, "kills": [], "status": "unreached"}
    units = [Unit(**u) for u in job["units"]]
    try:
        for unit in units:
            out["flows"][unit.key] = _verdicts(job, mutant, unit, out["kills"])
            if out["kills"]:  # killed: further units cannot change its class
                break
        if not out["kills"]:
            for unit in units:
                record = out["flows"][unit.key] = _compare(job, mutant, unit, out["flows"][unit.key])
                if record["status"] == "changed":  # a survivor: later units are left "checked"
                    break
    except ImsflowError as exc:
        out.update(status="invalid", reason=str(exc))
        return out
    except Exception as exc:  # pragma: no cover - one mutant must not end a run of thousands
        out.update(status="invalid", reason=f"imsflow could not evaluate this mutant: {type(exc).__name__}: {exc}")
        return out
    finally:
        for record in out["flows"].values():  # what _compare reads, not part of the result
            record.pop("whole", None)
            record.pop("exercised", None)
    out["status"], out["reason"] = _classify(out)
    return out


def _verdicts(job: dict, mutant: Mutant, unit: Unit, kills: list) -> dict:
    """Check the mutant on one unit and compare each verdict with the original's: "killed", or
    "checked" (with the verdicts a budget cut short)."""
    probe = Probe()
    run = check(CheckRequest(model_dir=job["model_dir"], flows=[unit.flow], settings=unit.settings, wics=unit.wics,
                             max_states=job["max_states"], progress=False, transform=transform(mutant, probe)))
    before = job["original"].get(unit.key, {})
    inconclusive = []
    for r in run.results:
        was, now = before.get(r.property), r.verdict.value
        if was is None or was == now:
            continue
        if "inconclusive" in (was, now):
            if now == "inconclusive":
                inconclusive.append({"property": r.property, "reason": r.reason})
            continue
        kill = {"property": r.property, "flow": unit.flow, "unit": unit.key, "original": was, "mutant": now,
                "reason": r.reason}
        trace = run.traces.get((r.property, unit.flow))
        if trace is not None and trace.actions:
            kill["steps"] = len(trace.actions)
            kill["trace"] = listing(run.system_for(r.property, unit.flow), trace)
        kills.append(kill)
    if any(k["unit"] == unit.key for k in kills):
        return {"status": "killed"}
    # Every search whole (complete, unreduced) and the mutated transition never evaluated where
    # the change matters: the mutant's reachable system is the original's, no graph to compare.
    whole = bool(run.results) and all(r.stats.get("complete") is True and r.stats.get("reduction") == "none"
                                      for r in run.results)
    return {"status": "checked", "whole": whole, "exercised": probe.exercised,
            **({"inconclusive": inconclusive} if inconclusive else {})}


def _compare(job: dict, mutant: Mutant, unit: Unit, record: dict) -> dict:
    """A mutant no verdict noticed on this unit: its reachable labelled graph against the
    original's, to tell a survivor ("changed", with the shortest run to the change) from an
    equivalent mutant ("same"), or "unexercised"/"undecided"."""
    record = dict(record)
    if record.pop("whole", False) and not record.pop("exercised", True):
        record["status"] = "unexercised"
        return record
    probe = Probe()  # read from the graph's search, which is complete (the check's may be reduced)
    mutated = transform(mutant, probe)(load(job["model_dir"]))
    config = mutated.model.config(unit.flow, unit.settings, unit.wics)
    ts = compile_for(mutated, config, selected_properties(mutated, config, None), eager=False)
    original = original_graph(job["model_dir"], unit.flow, unit.settings, unit.wics, job["max_states"])
    diff = None
    if original is not None:
        try:
            diff = graph.compare(ts, original, graph_budget(job["max_states"]))
        except graph.Budget as exc:
            record["graph"] = f"not compared: {exc}"
    if diff is not None and diff.same:
        record.update(status="same" if probe.exercised else "unexercised", states=diff.states)
        return record
    record["status"] = "changed" if diff is not None else "undecided"
    if diff is not None:
        record["states_to_change"] = diff.states
        record["change"] = diff.note
        if diff.trace is not None:
            record["steps"] = len(diff.trace.actions)
            record["trace"] = listing(ts, diff.trace)
            record["entries"] = to_entries(ts, diff.trace, with_state=False)
    return record


def _classify(out: dict) -> tuple[str, str]:
    flows = out["flows"].values()
    if out["kills"]:
        props = sorted({k["property"] for k in out["kills"]})
        return "killed", f"killed by {', '.join(props)}"
    if any(f.get("inconclusive") for f in flows):
        return "inconclusive", "a verdict of the mutant was cut short by the budget (raise --max-states)"
    if any(f["status"] == "changed" for f in flows):  # a change no verdict noticed, whatever else is open
        changed = [flow for flow, f in out["flows"].items() if f["status"] == "changed"]
        return "survived", f"behaviour changed in {', '.join(map(str, changed))}; no verdict changed"
    if any(f["status"] == "undecided" for f in flows):
        return "inconclusive", (f"the mutant's reachable graph exceeds the graph comparison's budget "
                                f"({GRAPH_MAX_STATES:,} states, or --max-states if lower) and no verdict changed")
    same = [flow for flow, f in out["flows"].items() if f["status"] == "same"]
    if same:
        states = sum(f["states"] for f in flows if f["status"] == "same")
        return "equivalent", (f"exercised in {', '.join(map(str, same))}, but the reachable labelled transition "
                              f"graph is identical to the original's ({states:,} states)")
    return "unreached", "the change is never exercised: no reachable evaluation of the transition differs"
