"""imsflow check: verdicts for every property x flow of a variant."""

from __future__ import annotations

import os
import sys

from ..backends import ENGINES
from ..loader import load
from ..pipeline import CheckRequest, check
from ..render.text import render_run
from ..workflow.reads import ALL, recording
from ._common import (add_budget_args, add_config_args, add_intruder_arg, add_model_arg, check_fixed_settings, dump_json, ensure_out_dir,
                      parse_settings, positive_int, refuse_empty, unique, write_atomically)

FORMATS = ("text", "json", "junit", "sarif")


def register(sub) -> None:
    p = sub.add_parser("check", help="check properties on flows and variants",
                       description="Explore the composed system for each flow and report a verdict per property.")
    add_model_arg(p)
    p.add_argument("--flow", action="append", default=None, metavar="ID", help="flow id (repeatable); default: all")
    p.add_argument("--property", action="append", default=None, metavar="ID", help="property id (repeatable)")
    add_config_args(p)
    add_intruder_arg(p)
    p.add_argument("--engine", choices=ENGINES, default="explicit",
                   help="explicit search (default), z3, both (explicit and Z3 compared), all (explicit, Z3 and "
                        "SPIN on the same compiled system; a verdict is 'confirmed' when two or more engines "
                        "decide it alike) or spin (the Promela export through SPIN alone)")
    p.add_argument("--depth", type=positive_int("BMC steps"), default=None, metavar="K",
                   help="bound for the Z3 engine's BMC (steps, 1 or more)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--out", metavar="DIR", default=None, help="write result.json, traces and diagrams here")
    add_budget_args(p)
    p.add_argument("--no-por", dest="por", action="store_false",
                   help="explicit engine: no partial-order reduction (on by default where sound)")
    p.add_argument("--no-symmetry", dest="symmetry", action="store_false",
                   help="explicit engine: no symmetry reduction over identical WICs (on by default where sound)")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="also print compiler warnings and whether the explorer's C expansion is in use")
    p.set_defaults(run=run)


def run(args) -> int:
    if args.out:
        ensure_out_dir(args.out)
    settings = parse_settings(args.settings)
    for note in check_fixed_settings(load(args.model), args.flow, settings):
        print(f"imsflow check: note: {note}", file=sys.stderr)
    request = CheckRequest(
        model_dir=args.model, flows=unique(args.flow), properties=unique(args.property),
        settings=settings, wics=args.wics, engine=args.engine,
        max_states=args.max_states, timeout=args.timeout, depth=args.depth, max_bytes=args.max_bytes,
        por=args.por, symmetry=args.symmetry, intruder=args.intruder,
    )
    with recording() as reads:
        result = check(request)
    for note in unread_settings(settings, reads, result):
        print(f"imsflow check: note: {note}", file=sys.stderr)
        result.warnings.append(note)
    if result.intruder.get("warning"):
        print(f"imsflow check: warning: {result.intruder['warning']}", file=sys.stderr)
    refuse_empty(result)
    result.stats["expansion"] = expansion_in_use()
    text = format_run(result, args.format, verbose=args.verbose)
    if args.out:
        write_outputs(result, args.out)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if args.verbose and args.format == "text":
        sys.stdout.write(f"state expansion: {result.stats['expansion']}\n")
    return int(result.exit_code)


def unread_settings(settings: dict, reads: set, result) -> list[str]:
    """A --set value nothing in the run looked at changes nothing: say so rather than let the
    user believe the flows were checked under it (e.g. lifecycle=full on a session flow)."""
    if ALL in reads:
        return []
    flows = ", ".join(sorted({str(r.flow) for r in result.results})) or "the selected flows"
    return [f"--set {name}={value} changed nothing: no entity or property of {flows} reads '{name}'"
            for name, value in settings.items() if name not in reads]


def expansion_in_use() -> str:
    """'C (...)' or 'Python (why)': the explorer's state expansion this run used (system/fast.py)."""
    from ..system import fast

    return ("C" if fast.module() is not None else "Python") + f": {fast.status()}"


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
