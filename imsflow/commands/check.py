"""imsflow check: verdicts for every property x flow of a variant."""

from __future__ import annotations

import os
import sys

from ..backends import ENGINES
from ..pipeline import CheckRequest, check
from ..render.text import render_run
from ._common import add_config_args, add_model_arg, dump_json, parse_settings, write_atomically

FORMATS = ("text", "json", "junit", "sarif")


def register(sub) -> None:
    p = sub.add_parser("check", help="check properties on flows and variants",
                       description="Explore the composed system for each flow and report a verdict per property.")
    add_model_arg(p)
    p.add_argument("--flow", action="append", default=None, metavar="ID", help="flow id (repeatable); default: all")
    p.add_argument("--property", action="append", default=None, metavar="ID", help="property id (repeatable)")
    add_config_args(p)
    p.add_argument("--engine", choices=ENGINES, default="explicit",
                   help="explicit search (default), z3, both (explicit and Z3 compared), all (explicit, Z3 and "
                        "SPIN on the same compiled system; a verdict is 'confirmed' when two or more engines "
                        "decide it alike) or spin (the Promela export through SPIN alone)")
    p.add_argument("--depth", type=int, default=None, metavar="K", help="bound for the Z3 engine's BMC")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--out", metavar="DIR", default=None, help="write result.json, traces and diagrams here")
    p.add_argument("--max-states", type=int, default=None, metavar="N")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS")
    p.add_argument("--no-por", dest="por", action="store_false",
                   help="explicit engine: no partial-order reduction (on by default where sound)")
    p.add_argument("--no-symmetry", dest="symmetry", action="store_false",
                   help="explicit engine: no symmetry reduction over identical WICs (on by default where sound)")
    p.add_argument("--verbose", "-v", action="store_true", help="also print compiler warnings")
    p.set_defaults(run=run)


def run(args) -> int:
    request = CheckRequest(
        model_dir=args.model, flows=args.flow, properties=args.property,
        settings=parse_settings(args.settings), wics=args.wics, engine=args.engine,
        max_states=args.max_states, timeout=args.timeout, depth=args.depth,
        por=args.por, symmetry=args.symmetry,
    )
    result = check(request)
    text = format_run(result, args.format, verbose=args.verbose)
    if args.out:
        write_outputs(result, args.out)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return int(result.exit_code)


def format_run(result, fmt: str, *, verbose: bool = False) -> str:
    if fmt == "json":
        return dump_json(result.to_json())
    if fmt in ("junit", "sarif"):
        from ..render import ci_formats

        return ci_formats.junit(result) if fmt == "junit" else dump_json(ci_formats.sarif(result))
    return render_run(result, verbose=verbose)


def write_outputs(result, out: str) -> None:
    """result.json, one replayable trace file per finding or witness, and the sequence diagram
    of every counterexample (render/counterexamples.py)."""
    from ..render import counterexamples

    os.makedirs(out, exist_ok=True)
    doc = result.to_json()
    for r in doc["results"]:
        if not r["trace"]:
            continue
        name = f"{r['property']}__{r['flow'] or 'model'}.json"
        single = {k: doc[k] for k in ("model", "model_dir", "engine", "wics")}
        single["results"] = [r]
        write_atomically(os.path.join(out, "traces", name), dump_json(single))
        r["trace_file"] = os.path.join("traces", name)
    counterexamples.write_all(result, out)
    write_atomically(os.path.join(out, "result.json"), dump_json(doc))
