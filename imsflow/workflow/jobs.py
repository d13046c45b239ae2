"""One unit of work for an executor: check every property of one flow in one variant.

A job is plain data (model directory, flow, full variant settings, budgets) and so is its
result, because it may cross a process (or machine) boundary; the worker re-loads the model
from its directory (the loader caches it per process, so a worker loads it once).
"""

from __future__ import annotations

from ..errors import ImsflowError
from ..loader import load
from ..pipeline import CheckRequest, check, compile_for
from ..system.trace import listing
from . import reach
from .reads import recording


def make_job(model_dir: str, flow, settings: dict, *, wics: int = 1, properties=None,
             max_states=None, timeout=None, reach: bool = False, diagrams: bool = False, tag: str = "",
             intruder: bool = True, max_bytes=None, memory_from_user: bool = True) -> dict:
    """`reach`: add a reachability summary (for the diff); `diagrams`: add each trace's sequence
    diagram (SVG) and each entity's state chart as plain data (for the report)."""
    return {
        "model_dir": model_dir, "flow": flow, "settings": dict(settings), "wics": wics,
        "properties": list(properties) if properties else None,
        "max_states": max_states, "timeout": timeout, "reach": reach, "diagrams": diagrams, "tag": tag,
        "intruder": intruder, "max_bytes": max_bytes, "memory_from_user": memory_from_user,
    }


def run_job(job: dict) -> dict:
    """The worker: returns {"results": [...], "stats", "warnings"[, "reach"]} or {"error"}."""
    try:
        request = CheckRequest(
            model_dir=job["model_dir"], flows=[job["flow"]] if job["flow"] is not None else None,
            properties=job["properties"], settings=job["settings"], wics=job["wics"],
            max_states=job["max_states"], timeout=job["timeout"], progress=False,
            intruder=job.get("intruder", True), max_bytes=job.get("max_bytes"),
            memory_from_user=job.get("memory_from_user", True),
        )
        with recording() as reads:
            run = check(request)
        results = []
        for r in run.results:
            # A security property was decided with the intruder: its own configuration.
            config = run.loaded.model.config(job["flow"], r.variant, job["wics"])
            d = r.to_json()
            d.update(statement=r.statement, clause=r.clause, kind=r.kind,
                     engine_reason=engine_reason(run.loaded.property(r.property), config, r))
            trace, ts = run.traces.get((r.property, r.flow)), run.system_for(r.property, r.flow)
            if trace is not None and ts is not None and trace.actions:
                d["listing"] = listing(ts, trace)
                if job["diagrams"]:
                    d["svg"] = _sequence_svg(ts, trace, r)
                    d["initial_state"] = _initial_state(ts)
            results.append(d)
        out = {"results": results, "stats": run.stats, "warnings": list(run.warnings), "reads": sorted(reads),
               "intruder": run.intruder}
        if job["diagrams"]:
            out["charts"] = _charts(run.systems.values())
        if job["reach"]:
            loaded = load(job["model_dir"])
            config = loaded.model.config(job["flow"], job["settings"], job["wics"])
            ts = compile_for(loaded, config, [])
            out["reach"] = reach.summarise(ts, max_states=job["max_states"], timeout=job["timeout"])
        return out
    except ImsflowError as exc:
        return {"error": str(exc), "error_type": type(exc).__name__}


def engine_reason(prop, config, r) -> str:
    """The engine's own reason, without the expectation's reason the pipeline put in front of it
    (the matrix re-applies another configuration's expectation to it; see reads.py)."""
    expected, why = prop.expectation(config)
    if not why or r.verdict.value != expected:
        return r.reason
    if r.reason == why:
        return ""
    if r.reason.startswith(why + " (") and r.reason.endswith(")"):
        return r.reason[len(why) + 2:-1]
    return r.reason


def _initial_state(ts) -> dict:
    """The readable initial state, in the form trace entries carry the state after a step."""
    state = ts.describe(ts.initial_state())
    state.pop("monitors", None)
    return state


def _sequence_svg(ts, trace, r) -> str:
    from ..render import scene, sequence

    title = f"{r.property} on {r.flow or ts.model}: {r.verdict.value}"
    # A witness (a reachability property that holds) marks its goal, not a violation.
    built = scene.build(ts, trace, title=title, highlight=r.verdict.value != "holds")
    return sequence.render_svg(built)


def _charts(systems) -> dict:
    """entity name -> statechart.chart() dictionary (plain data), over the explored systems."""
    from ..render.statechart import chart

    systems = list(systems)
    out = {}
    for ts in systems:
        for entity in ts.definitions:
            if entity.name not in out:
                out[entity.name] = chart(entity, systems)
    return out
