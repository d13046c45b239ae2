"""imsflow matrix: every property x flow x variant, checked in parallel, as one verdict table."""

from __future__ import annotations

import os
import sys

from ..loader import load
from ..workflow.executor import EXECUTORS
from ..workflow.matrix import DEFAULT_RUN_STATES, MatrixRequest, run_matrix
from ..workflow.text import render_matrix
from ._common import (add_budget_args, add_dask_arg, add_config_args, add_intruder_arg, add_model_arg, check_fixed_settings, dump_json, ensure_out_dir, parse_settings,
                      positive_int, refuse_empty, unique, write_atomically)

FORMATS = ("text", "json", "junit", "sarif")


def add_run_args(p) -> None:
    """The arguments matrix and report share: what to check and where to run it."""
    add_model_arg(p)
    p.add_argument("--vary", action="extend", nargs="+", default=None, metavar="NAME",
                   help="variant to vary over all its values (repeatable); matrix default: every variant")
    p.add_argument("--flow", action="append", default=None, metavar="ID", help="flow id (repeatable); default: all")
    p.add_argument("--property", action="append", default=None, metavar="ID", help="property id (repeatable)")
    add_config_args(p)
    add_intruder_arg(p)
    add_budget_args(p, states_default=DEFAULT_RUN_STATES, states_help=" (per run)")
    p.add_argument("--workers", type=positive_int("worker processes"), default=None, metavar="N",
                   help="worker processes (default: one per usable core; never more than the usable cores)")
    p.add_argument("--executor", choices=tuple(EXECUTORS), default="process",
                   help="where the runs execute (default: a process pool on this machine; dask: a Dask cluster)")
    add_dask_arg(p)
    p.add_argument("--no-share", dest="share", action="store_false",
                   help="explore every configuration, even one an earlier run of the same system decides")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="show progress on stderr even when it is not a terminal")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")


def request_from(args, *, vary_default_all: bool) -> MatrixRequest:
    vary = args.vary if args.vary is not None else (None if vary_default_all else [])
    settings = parse_settings(args.settings)
    for note in check_fixed_settings(load(args.model), args.flow, settings):
        print(f"imsflow {args.command}: note: {note}", file=sys.stderr)
    return MatrixRequest(
        model_dir=args.model, vary=unique(vary), flows=unique(args.flow), settings=settings,
        properties=unique(args.property), wics=args.wics, max_states=args.max_states, timeout=args.timeout,
        max_bytes=args.max_bytes, executor=args.executor, workers=args.workers, scheduler=args.scheduler, progress=args.progress, share=args.share,
        intruder=args.intruder,
    )


def register(sub) -> None:
    p = sub.add_parser(
        "matrix", help="verdicts of every property x flow x variant, in parallel",
        description="Check every property on every flow for every combination of the varied variants "
        "(all of them unless --vary names some; --set fixes the others), on a pool of worker processes. "
        "Combinations a flow makes identical (it fixes the variant) are checked once, and so is a "
        "configuration that differs from an explored one only in variants that run never read.",
    )
    add_run_args(p)
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="json: every result in the format of 'imsflow check --format json', plus the columns; a "
                   "result decided by an earlier run of the same system gives that run's column in "
                   "'trace_same_as' instead of repeating its trace")
    p.add_argument("--out", metavar="DIR", default=None, help="also write matrix.json here")
    p.add_argument("--all-findings", action="store_true",
                   help="text: print every unexpected or inconclusive verdict with its trace (default: the first 20 "
                   "in full, the others one line each)")
    p.set_defaults(run=run)


def run(args) -> int:
    if args.out:
        ensure_out_dir(args.out)
    result = run_matrix(request_from(args, vary_default_all=True))
    refuse_empty(result)
    if args.format == "json":
        text = dump_json(result.to_json())
    elif args.format in ("junit", "sarif"):
        from ..render import ci_formats

        text = ci_formats.junit(result) if args.format == "junit" else dump_json(ci_formats.sarif(result))
    else:
        text = render_matrix(result, findings_limit=None if args.all_findings else 20)
    if args.out:
        write_atomically(os.path.join(args.out, "matrix.json"), dump_json(result.to_json()))
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return int(result.exit_code)
