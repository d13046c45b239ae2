"""imsflow trace FILE.json: replay a saved trace through the model and print it numbered.

The trace is replayed, not just printed: if the model changed since it was saved and no
longer performs a step (or reaches a different state), this fails loudly with exit 2.
"""

from __future__ import annotations

import json
import sys

from ..errors import TraceError
from ..loader import load
from ..pipeline import compile_for
from ..system.trace import Trace, listing, replay
from ._common import add_model_arg


def register(sub) -> None:
    p = sub.add_parser("trace", help="replay a saved trace and print it as a numbered listing")
    p.add_argument("file", metavar="FILE.json")
    add_model_arg(p, help_text="override the model directory stored in the file")
    p.set_defaults(run=run)


VERDICTS = ("holds", "violated", "vacuous", "inconclusive")


def load_trace_file(path: str) -> dict:
    from ..inputs import read_text

    text = read_text(path, "trace file", TraceError)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TraceError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}",
                         hint="pass a file written by 'imsflow check --out' (DIR/traces/*.json)") from None
    except RecursionError:
        raise TraceError(f"{path} is nested too deeply to be a trace file") from None
    if not isinstance(doc, dict):
        raise TraceError(f"{path} holds a JSON {type(doc).__name__}, not an object with 'results'",
                         hint="pass a file written by 'imsflow check --out'")
    if "results" not in doc:
        if "trace" in doc:
            doc = {"results": [doc]}
        else:
            raise TraceError(f"{path} holds no 'results' and no 'trace'", hint="pass a file written by 'imsflow check --out'")
    _check_shape(doc, path)
    return doc


def _check_shape(doc: dict, path: str) -> None:
    """Every field the replay reads, of the type it reads, before any of it is used."""
    def bad(where: str, what: str):
        raise TraceError(f"{path}: {where}: {what}", hint="the file is not (or no longer) as 'imsflow check --out' wrote it")

    if not isinstance(doc["results"], list):
        bad("'results'", "must be a list")
    wics = doc.get("wics", 1)
    if not isinstance(wics, int) or isinstance(wics, bool) or wics < 1:
        bad("'wics'", f"must be a positive whole number, not {wics!r}")
    for i, r in enumerate(doc["results"], 1):
        at = f"result {i}"
        if not isinstance(r, dict):
            bad(at, "must be an object")
        if not isinstance(r.get("property"), str):
            bad(at, "'property' must be a property id")
        if r.get("flow") is not None and not isinstance(r["flow"], str):
            bad(at, "'flow' must be a flow id or null")
        if r.get("verdict") not in VERDICTS:
            bad(at, f"'verdict' {r.get('verdict')!r} is none of {', '.join(VERDICTS)}")
        if not isinstance(r.get("variant") or {}, dict):
            bad(at, "'variant' must map variant names to values")
        if "wics" in r and (not isinstance(r["wics"], int) or isinstance(r["wics"], bool) or r["wics"] < 1):
            bad(at, f"'wics' must be a positive whole number, not {r['wics']!r}")
        trace = r.get("trace") or []
        if not isinstance(trace, list):
            bad(at, "'trace' must be a list of steps")
        for k, e in enumerate(trace, 1):
            where = f"{at}, trace entry {k}"
            if not isinstance(e, dict):
                bad(where, "must be an object")
            action = e.get("action")
            if not isinstance(action, int) or isinstance(action, bool) or action < 1:
                bad(where, f"'action' must be a step number (1, 2, ...), not {action!r}")
            for key in ("entity", "event"):
                if not isinstance(e.get(key), str):
                    bad(where, f"'{key}' must be a name, not {e.get(key)!r}")
            rec = e.get("received")
            if rec is not None and not (isinstance(rec, dict) and isinstance(rec.get("from"), str)
                                        and isinstance(rec.get("message"), str)):
                bad(where, "'received' must be null or {from, message}")
            if e.get("state") is not None and not isinstance(e["state"], dict):
                bad(where, "'state' must be an object")


def replay_result(loaded, result: dict, default_wics: int = 1):
    """Compile the result's configuration and replay its trace; returns (ts, Trace)."""
    model = loaded.model
    flow = result.get("flow")
    settings = {k: v for k, v in (result.get("variant") or {}).items() if k in model.variants}
    config = model.config(flow, settings, int(result.get("wics", default_wics)))
    props = [p for p in loaded.properties if p.id == result.get("property")]
    ts = compile_for(loaded, config, props)
    if not props:
        raise TraceError(f"the trace is of property {result.get('property')!r}, which the model does not define",
                         known=[p.id for p in loaded.properties], hint="pass --model with the model it was saved from")
    actions = replay(ts, result["trace"])
    highlight = next((e["action"] - 1 for e in result["trace"] if e.get("violation")), None)
    loop = next((e["action"] - 1 for e in result["trace"] if e.get("loop")), None)
    trace = Trace(actions, loop_start=loop, highlight=highlight)
    _check_verdict(ts, trace, result)
    return ts, trace


def _check_verdict(ts, trace, result: dict) -> None:
    """The verdict printed over a replay must not contradict it: a trace that drives the
    property's monitor to a violation cannot be shown as 'holds' (or 'vacuous'), and a finite
    trace said to violate a monitored property must drive its monitor there."""
    pid, verdict = result["property"], result["verdict"]
    hit = next((k for k, state in enumerate(trace.states(ts))
                if ts.describe(state).get("monitors", {}).get(pid) == "violated"), None)
    monitored = any(m.property == pid for m in ts.monitors)
    if verdict in ("holds", "vacuous") and hit is not None:
        contradiction = f"its trace violates it at action {hit}"
    elif verdict == "violated" and monitored and hit is None and trace.loop_start is None:
        contradiction = "its trace never violates it"
    else:
        return
    raise TraceError(f"the file says {pid} {verdict} on {result.get('flow')}, but {contradiction}",
                     hint="the verdict in the file was edited or belongs to another trace; re-run the check "
                     f"({result.get('replay') or 'imsflow check'})")


def run(args) -> int:
    doc = load_trace_file(args.file)
    loaded = load(args.model or doc.get("model_dir"))
    shown = 0
    for result in doc["results"]:
        if not result.get("trace"):
            continue
        ts, trace = replay_result(loaded, result, doc.get("wics", 1))
        title = (f"{result.get('property')} on {result.get('flow')}: {result.get('verdict')}"
                 f" - replayed {len(trace.actions)} actions through the model")
        sys.stdout.write(listing(ts, trace, title) + "\n\n")
        shown += 1
    if not shown:
        raise TraceError(f"{args.file} holds no trace to replay")
    return 0
