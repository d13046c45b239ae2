"""imsflow diff: what changed between two designs (two variant sets, or two model directories)."""

from __future__ import annotations

import sys

from ..errors import UsageError
from ..workflow.archdiff import ArchitectureDiff, render_architecture_diff
from ..workflow.diff import DiffRequest, Side, run_diff
from ..workflow.executor import EXECUTORS
from ..workflow.text import render_diff
from ..loader import load
from ._common import (add_budget_args, add_config_args, add_dask_arg, add_intruder_arg, add_model_arg, check_fixed_settings, dump_json, parse_settings,
                      positive_int, unique)

EPILOG = """\
The candidate is --model with its --set values; the baseline is --against-model (default: the
same model) with the same --set values overridden by --against.  Examples:

  imsflow diff --set tna_trust=translator --against tna_trust=any
      the seed with tna_trust=translator, against the seed with tna_trust=any
  imsflow diff --set rogue=yes --set tna_trust=translator --against tna_trust=any
      the same with the rogue node present on both sides
  imsflow diff --model ~/wst-redesign --against-model .
      an architect's copy of the model (a directory holding model/ and properties/, or the
      model package itself) against the seed, both with the default variants
  imsflow diff --model models/annex_u --against-model .
      two architectures: TS 23.228 Annex U against the seed, joined by the correspondence
      models/annex_u/correspondence.yaml (flows, entities and properties that play the same
      role); each side keeps its own variants (--set for the candidate, --against for the
      baseline); findings fixed, new findings and flows that gain IMS signalling come first

Exit status: 1 when a verdict got worse on the candidate (holds -> inconclusive -> vacuous ->
violated, a flow that became unreachable), 0 otherwise, 2 on bad input."""


def register(sub) -> None:
    import argparse

    p = sub.add_parser(
        "diff", help="verdicts, flows, messages and states that changed between two designs",
        description="Compare two designs flow by flow: flipped verdicts with their traces, flows that "
        "became unreachable, messages and entity states newly or no longer reachable.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_model_arg(p)
    add_config_args(p)
    add_intruder_arg(p)
    p.add_argument("--against", action="append", default=[], metavar="NAME=VALUE",
                   help="the baseline's variant values, over the --set ones (repeatable)")
    p.add_argument("--against-model", metavar="DIR", default=None,
                   help="the baseline's model directory (default: the same as --model)")
    p.add_argument("--flow", action="append", default=None, metavar="ID", help="flow id (repeatable); default: all")
    p.add_argument("--property", action="append", default=None, metavar="ID", help="property id (repeatable)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_budget_args(p)
    p.add_argument("--workers", type=positive_int("worker processes"), default=None, metavar="N",
                   help="worker processes (default: one per usable core; never more than the usable cores)")
    p.add_argument("--executor", choices=tuple(EXECUTORS), default="process")
    add_dask_arg(p)
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None)
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    p.set_defaults(run=run)


def run(args) -> int:
    if not args.against and args.against_model is None:
        raise UsageError("imsflow diff needs a baseline to compare with",
                         hint="give --against NAME=VALUE (another variant set) or --against-model DIR")
    settings = parse_settings(args.settings)
    baseline = dict(settings)
    baseline.update(parse_settings(args.against, "--against"))
    for model_dir, values in ((args.model, settings), (args.against_model or args.model, baseline)):
        for note in check_fixed_settings(load(model_dir), args.flow, values):
            print(f"imsflow diff: note: {note}", file=sys.stderr)
    request = DiffRequest(
        candidate=Side(args.model, settings),
        baseline=Side(args.against_model if args.against_model is not None else args.model, baseline),
        flows=unique(args.flow), properties=unique(args.property), wics=args.wics, max_states=args.max_states,
        timeout=args.timeout, executor=args.executor, workers=args.workers, scheduler=args.scheduler,
        progress=args.progress,
        baseline_own=parse_settings(args.against), intruder=args.intruder,
    )
    diff = run_diff(request)
    render = render_architecture_diff if isinstance(diff, ArchitectureDiff) else render_diff
    text = dump_json(diff.to_json()) if args.format == "json" else render(diff)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return int(diff.exit_code)
