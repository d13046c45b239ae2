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


def register(sub) -> None:
    p = sub.add_parser("trace", help="replay a saved trace and print it as a numbered listing")
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--model", metavar="DIR", default=None, help="override the model directory stored in the file")
    p.set_defaults(run=run)


def load_trace_file(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise TraceError(f"cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise TraceError(f"{path} is not JSON: {exc.msg} at line {exc.lineno}") from None
    if "results" not in doc:
        if "trace" in doc:
            doc = {"results": [doc]}
        else:
            raise TraceError(f"{path} holds no 'results' and no 'trace'", hint="pass a file written by 'imsflow check --out'")
    return doc


def replay_result(loaded, result: dict, default_wics: int = 1):
    """Compile the result's configuration and replay its trace; returns (ts, Trace)."""
    model = loaded.model
    flow = result.get("flow")
    settings = {k: v for k, v in (result.get("variant") or {}).items() if k in model.variants}
    config = model.config(flow, settings, int(result.get("wics", default_wics)))
    props = [p for p in loaded.properties if p.id == result.get("property")]
    ts = compile_for(loaded, config, props)
    actions = replay(ts, result["trace"])
    highlight = next((e["action"] - 1 for e in result["trace"] if e.get("violation")), None)
    loop = next((e["action"] - 1 for e in result["trace"] if e.get("loop")), None)
    return ts, Trace(actions, loop_start=loop, highlight=highlight)


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
