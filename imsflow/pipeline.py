"""The whole run, short: load -> compile -> check -> (render, write).

Every command goes through `check()` for verdicts; rendering and writing live in render/ and
in the command modules.
"""

from __future__ import annotations

import math
import shlex
import time
from dataclasses import dataclass, field

from .backends import engine_named
from .compiler import compile_model
from .errors import UsageError
from .loader import LoadedModel, default_model_dir, load
from .patterns.bind import bind
from .patterns.lowering import lower, needs_flow
from .patterns.obligations import Budget
from .patterns.verdict import ExitCode, Result, Verdict
from .system.trace import to_entries
from .system.underspecified import underspecified


@dataclass
class CheckRequest:
    model_dir: str | None = None
    flows: list | None = None  # None: every flow
    properties: list | None = None  # None: every property that applies
    settings: dict = field(default_factory=dict)
    wics: int = 1
    engine: str = "explicit"
    max_states: int | None = None
    timeout: float | None = None
    # Memory budget of one explicit search in bytes: None for the default (budget.py: a share of
    # the available memory), math.inf for none.
    max_bytes: float | None = None
    # False when max_bytes is a share the matrix worked out, not the user's: the replay line of a
    # verdict then leaves it out (imsflow check alone takes its own default share).
    memory_from_user: bool = True
    depth: int | None = None  # for bounded engines
    progress: bool | None = None
    por: bool = True  # explicit engine: partial-order reduction where sound
    symmetry: bool = True  # explicit engine: symmetry reduction over identical instances where sound
    # Properties marked `intruder: true` (security) are decided in a world with the model's
    # intruder (Model.intruder) unless this is False or the settings turn the intruder off.
    intruder: bool = True
    # LoadedModel -> LoadedModel, applied right after loading: how `imsflow mutate` checks a
    # mutant of the model through this same path (imsflow/mutate/apply.py).
    transform: object = None


@dataclass
class Run:
    loaded: LoadedModel
    request: CheckRequest
    results: list
    stats: dict
    warnings: list
    systems: dict = field(default_factory=dict)  # flow -> TransitionSystem (for renderers)
    traces: dict = field(default_factory=dict)  # (property, flow) -> Trace
    obligations: dict = field(default_factory=dict)  # flow -> the obligations decided on its system
    # Steps the model supplies that the seed does not define, per flow (system/underspecified.py).
    underspecified: list = field(default_factory=list)
    # (property, flow) -> the system a property decided in the intruder's world was checked on;
    # `systems` keeps the flow's own world (system_for() picks the right one).
    intruder_systems: dict = field(default_factory=dict)
    # What the intruder world did in this run (intruder_summary()): for the summary line and JSON.
    intruder: dict = field(default_factory=dict)

    def system_for(self, prop: str, flow):
        """The TransitionSystem the verdict of `prop` on `flow` was decided on."""
        return self.intruder_systems.get((prop, flow), self.systems.get(flow))

    @property
    def exit_code(self) -> ExitCode:
        # Engines disagree when two of them reach different conclusive verdicts; an
        # `inconclusive` claims nothing, so it contradicts no one (backends/compare.py).
        if any(r.engines and len(set(r.engines.values()) - {"inconclusive"}) > 1 for r in self.results):
            return ExitCode.UNEXPECTED
        if any(not r.as_expected for r in self.results):
            return ExitCode.UNEXPECTED
        if any(r.verdict is Verdict.INCONCLUSIVE for r in self.results):
            return ExitCode.INCONCLUSIVE
        return ExitCode.OK

    def to_json(self) -> dict:
        return {
            "model": self.loaded.model.name,
            "model_dir": self.loaded.directory,
            "engine": self.request.engine,
            "wics": self.request.wics,
            "stats": self.stats,
            "results": [r.to_json() for r in self.results],
            "warnings": self.warnings,
            "underspecified": self.underspecified,
            "intruder": self.intruder,
        }


def selected_flows(loaded: LoadedModel, flows) -> list:
    model = loaded.model
    if flows:
        for f in flows:
            if f not in model.flows:
                raise UsageError(f"unknown flow {f!r}", known=list(model.flows))
        return list(flows)
    return list(model.flows) or [None]


def selected_properties(loaded: LoadedModel, config, ids) -> list:
    props = [p for p in loaded.properties if p.applies_to(config)]
    if config.flow is None:
        props = [p for p in props if not needs_flow(p)]
    if ids:
        known = {p.id for p in loaded.properties}
        for pid in ids:
            if pid not in known:
                raise UsageError(f"unknown property {pid!r}", known=sorted(known))
        props = [p for p in props if p.id in ids]
    return props


def worlds(loaded: LoadedModel, request: CheckRequest, flow, config, props) -> list:
    """[(config, props, hostile)]: the properties of one flow grouped by the world they are
    decided in.  A property marked `intruder: true` is decided with the model's intruder
    (Model.intruder, e.g. rogue=yes) added to the configuration - a security `holds` in a world
    where nobody attacks says nothing - unless the request or the settings turn it off."""
    hostile = [p for p in props if p.intruder]
    if not hostile or not intruder_on(loaded, request):
        return [(config, props, False)]
    # The intruder's settings win over the request's: a matrix column or a --set that leaves the
    # intruder out (rogue=no) still gets it for these properties; only --no-intruder does not.
    with_intruder = loaded.model.config(flow, {**request.settings, **loaded.model.intruder}, config.wics)
    if with_intruder == config:  # the settings already put the intruder in
        return [(config, props, True)]
    rest = [p for p in props if not p.intruder]
    hostile = [p for p in hostile if p.applies_to(with_intruder)]
    return [w for w in ((config, rest, False), (with_intruder, hostile, True)) if w[1]]


def intruder_on(loaded: LoadedModel, request: CheckRequest) -> bool:
    """Whether this run decides security properties with the intruder: the model has one and
    the request did not say --no-intruder."""
    return bool(loaded.model.intruder) and request.intruder


def intruder_summary(loaded: LoadedModel, request: CheckRequest, results) -> dict:
    """{"model_has_one", "on", "settings", "properties", "warning"} for the summary and JSON."""
    intruder = loaded.model.intruder
    marked = sorted({r.property for r in results if r.intruder})
    out = {"model_has_one": bool(intruder), "on": False, "settings": dict(intruder), "properties": marked,
           "warning": ""}
    if not intruder or not marked:
        return out
    out["on"] = intruder_on(loaded, request)
    if not out["on"]:
        out["warning"] = (f"security properties ({len(marked)}) were checked WITHOUT the intruder (--no-intruder): "
                          f"their holds say nothing about an attacker")
    return out


def compile_for(loaded: LoadedModel, config, props, *, eager: bool = True):
    """The TransitionSystem for one configuration; `eager=False` leaves the tables to be
    filled in by the explicit explorer as it reaches states (much cheaper with several WICs)."""
    return compile_model(loaded.model, config, props, bind=bind, eager=eager)


def obligations_for(loaded: LoadedModel, request: CheckRequest | None, flow, ts, props) -> list:
    """The properties, lowered once into the obligations every back-end decides."""
    budget = Budget(request.max_states, request.timeout, request.depth) if request is not None else Budget()
    return lower(props, ts, flow=loaded.model.flows[flow] if flow else None, budget=budget)


def system_for(loaded: LoadedModel, flow, config, props, *, request: CheckRequest | None = None,
               eager: bool = True):
    """(TransitionSystem, obligations) for one flow, exactly as `imsflow check` hands them to
    an engine.  Benchmarks and cross-checks call this too, so that they measure and compare
    the same problem the command solves."""
    ts = compile_for(loaded, config, props, eager=eager)
    return ts, obligations_for(loaded, request, flow, ts, props)


def check(request: CheckRequest) -> Run:
    loaded = load(request.model_dir)
    if request.transform is not None:
        loaded = request.transform(loaded)
    model = loaded.model
    engine = engine_named(request.engine, request)
    results, warnings = [], []
    totals = {"states": 0, "transitions": 0, "seconds": 0.0, "memory_budget_bytes": memory_budget_of(request)}
    searches = []
    systems, traces, lowered, undefined = {}, {}, {}, []
    started = time.perf_counter()
    intruder_systems = {}
    for flow, config, props, hostile in _problems(loaded, request):
        ts, obligations = system_for(loaded, flow, config, props, request=request,
                                     eager=request.engine != "explicit")
        label = f"{flow or model.name}" + (" with the intruder" if hostile else "")
        lowered[flow] = lowered.get(flow, []) + list(obligations)
        if hostile:
            intruder_systems.update({(p.id, flow): ts for p in props})
        else:
            systems[flow] = ts
        warnings.extend(f"{label}: {w}" if flow else w for w in ts.warnings)
        outcomes, stats = engine.check(ts, obligations, label=label)
        # After the search: an on-demand system knows the steps it reached.  The intruder's
        # world adds the steps that answer it (once each).
        known = {(u["flow"], u["entity"], u["transition"], u["where"]) for u in undefined}
        undefined.extend(u for u in underspecified(ts, flow, model.standards)
                         if (u["flow"], u["entity"], u["transition"], u["where"]) not in known)
        unreached = ts.unreached_states()
        if unreached and not hostile:
            warnings.append(f"{flow}: states no run reaches in this configuration: {', '.join(unreached)}")
        for key in ("states", "transitions"):
            totals[key] += stats.get(key, 0)
        searches.append(stats)
        by_id = {p.id: p for p in props}
        for o in outcomes:
            prop = by_id[o.property]
            expected, why = prop.expectation(config)
            reason = o.reason
            if why and o.verdict.value == expected:
                reason = why if not reason else f"{why} ({reason})"
            entries = to_entries(ts, o.trace) if o.trace is not None and o.trace.actions else []
            if o.trace is not None:
                traces[(prop.id, flow)] = o.trace
            replay = replay_command(loaded, request, flow, prop.id, config)
            results.append(
                Result(
                    property=prop.id, flow=flow, variant=config.settings, verdict=o.verdict,
                    expected=expected, reason=reason, trace=entries, stats=stats,
                    engines=o.details.get("engines"), wics=config.wics, statement=prop.statement,
                    kind=prop.kind, clause=prop.clause,
                    replay=replay, assumptions=list(o.details.get("assumptions", ())),
                    intruder=prop.intruder,
                    lift=lift_command(replay, o) if o.verdict is Verdict.INCONCLUSIVE else "",
                )
            )
    totals["seconds"] = round(time.perf_counter() - started, 3)
    totals["search"] = search_summary(searches)
    run = Run(loaded, request, results, totals, warnings, systems, traces, lowered, undefined,
              intruder_systems=intruder_systems)
    run.intruder = intruder_summary(loaded, request, results)
    if run.intruder["warning"]:
        warnings.append(run.intruder["warning"])
    return run


def _problems(loaded: LoadedModel, request: CheckRequest):
    """(flow, config, props, hostile) for every system this request decides, flow by flow."""
    model = loaded.model
    for flow in selected_flows(loaded, request.flows):
        config = model.config(flow, request.settings, request.wics)
        props = selected_properties(loaded, config, request.properties)
        if not props:
            continue
        for world, world_props, hostile in worlds(loaded, request, flow, config, props):
            yield flow, world, world_props, hostile


def memory_budget_of(request) -> int | None:
    """The memory budget of one explicit search in bytes (None: no budget): the user's, or the
    default share of the memory available now (backends/explore/budget.py)."""
    from .backends.explore.budget import default_memory_budget

    if request.max_bytes is None:
        return default_memory_budget()
    return None if request.max_bytes == math.inf else int(request.max_bytes)


def search_summary(stats: list) -> dict:
    """Which searches ran (native, python) over how many states, and the native store's bytes per
    state, for the summary line."""
    out = {}
    for s in stats:
        kind = s.get("search")
        if kind is None:
            continue
        entry = out.setdefault(kind, {"searches": 0, "states": 0, "bytes": 0})
        entry["searches"] += 1
        entry["states"] += s.get("states", 0)
        entry["bytes"] += s.get("bytes_per_state", 0) * s.get("states", 0)
    return out


def lift_command(replay: str, outcome) -> str:
    """The replay line with the limit an inconclusive verdict hit lifted: the state or time
    budget set to none, a deeper BMC bound; where no budget is the reason (a Z3 proof that
    needs an unbounded run), the explicit engine, which decides it."""
    words, reason = shlex.split(replay), outcome.reason
    lifted = []
    if "state budget" in reason:
        lifted.append(("--max-states", "none"))
    if "time budget" in reason:
        lifted.append(("--timeout", "none"))
    if "memory budget" in reason:
        lifted.append(("--max-memory", "none"))
    depth = outcome.details.get("depth")
    if "BMC searched" in reason and isinstance(depth, int) and not lifted:
        # A bounded search that cannot show every run ends needs an engine that sees them all.
        lifted = ([("--engine", "explicit")] if "not every run ends" in reason
                  else [("--depth", str(max(2 * depth, 10)))])
    if not lifted:
        return ""
    for flag, value in lifted:
        if flag in words:
            words[words.index(flag) + 1] = value
        else:
            words += [flag, value]
    return " ".join(shlex.quote(w) for w in words)


def replay_command(loaded: LoadedModel, request: CheckRequest, flow, pid: str, config) -> str:
    parts = ["imsflow", "check"]
    if loaded.directory != default_model_dir():
        parts += ["--model", loaded.directory]
    if flow:
        parts += ["--flow", flow]
    parts += ["--property", pid]
    defaults = {name: v.default for name, v in loaded.model.variants.items()}
    fixed = loaded.model.flows[flow].fixes if flow else {}
    for name, value in config.variant:
        if defaults.get(name) != value and fixed.get(name) != value:
            parts += ["--set", f"{name}={value}"]
    if config.wics != 1:
        parts += ["--wics", str(config.wics)]
    if request.engine != "explicit":
        parts += ["--engine", request.engine]
    # Everything else that can change the verdict, so that the line reproduces the run: a
    # violation found with --no-por must not replay as `ok` under the default reductions.
    if not request.intruder:
        parts.append("--no-intruder")
    if not request.por:
        parts.append("--no-por")
    if not request.symmetry:
        parts.append("--no-symmetry")
    for flag, value in (("--max-states", request.max_states), ("--timeout", request.timeout),
                        ("--depth", request.depth)):
        if value is not None:
            parts += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
    if request.max_bytes is not None and request.memory_from_user:
        parts += ["--max-memory", "none" if request.max_bytes == math.inf else f"{request.max_bytes / 2**30:g}"]
    return " ".join(shlex.quote(p) for p in parts)
