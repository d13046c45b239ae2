"""imsflow mutate: the strength of the property catalogue, measured by mutants of the model."""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import UsageError
from ..mutate.operators import OPERATORS
from ..mutate.report import DEFINITION, operators_text, render_text, to_json
from ..mutate.run import DEFAULT_MAX_STATES, Configuration, MutateRequest, run_mutation, with_each_variant
from ..patterns.verdict import ExitCode
from ._common import add_config_args, add_model_arg, dump_json, parse_settings, write_atomically


def register(sub) -> None:
    p = sub.add_parser(
        "mutate", help="measure the catalogue's strength: mutants of the model that no verdict notices",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Derive mutants of the model from its transition tables and compiled sends, check each "
        "with the same pipeline as 'imsflow check', and report which mutants some property's verdict "
        "notices (killed), which change behaviour unnoticed (surviving, each with its file:line and the "
        "shortest run to the change), which no run exercises (unreached: a gap in the world model), "
        "which are equivalent (identical reachable labelled graph), and properties no mutant breaks.\n\n"
        f"{DEFINITION}.\n\noperators:\n{operators_text()}\n\n"
        "Exit status: 0 the run completed (the score is information), 2 bad input, 3 some mutants "
        "inconclusive because of the budget (raise --max-states).",
    )
    add_model_arg(p)
    p.add_argument("--flow", action="append", default=None, metavar="ID", help="flow id (repeatable); default: all")
    add_config_args(p)
    p.add_argument("--config", action="append", default=None, metavar="NAME=VALUE[,NAME=VALUE...]",
                   help="also check the mutants in this configuration (variant settings over --set, and "
                   "'wics=N'; 'defaults' is the --set/--wics one); repeatable: a mutant is killed when a verdict "
                   "changes in any configuration")
    p.add_argument("--each-variant", action="store_true",
                   help="add one configuration per non-default value of every variant --set does not fix "
                   "(one factor at a time), so behaviour only a variant exercises is reached; one whose original "
                   "exceeds --max-states is left out with a warning")
    p.add_argument("--operator", action="append", default=None, metavar="NAME",
                   help=f"mutation operator (repeatable); default: all of {', '.join(OPERATORS)}")
    p.add_argument("--mutant", action="append", default=None, metavar="ID",
                   help="only the mutant with this id (repeatable): re-runs one mutant of a report")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--out", metavar="DIR", default=None, help="also write DIR/mutate.json (read by 'imsflow report --mutation')")
    p.add_argument("--max-states", type=int, default=DEFAULT_MAX_STATES, metavar="N",
                   help=f"state budget of each search of a mutant (default {DEFAULT_MAX_STATES:,})")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes (default: one per usable core; never more than the usable cores); 1 runs in this process")
    p.add_argument("--no-traces", dest="traces", action="store_false", help="text: no trace under each survivor")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="show progress on stderr even when it is not a terminal")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")
    p.set_defaults(run=run)


def run(args) -> int:
    for name in args.operator or ():
        if name not in OPERATORS:
            raise UsageError(f"--operator {name!r}: unknown mutation operator", known=list(OPERATORS))
    configs = parse_configs(args.config or [])
    optional = []
    if args.each_variant:
        from ..loader import load

        configs, optional = with_each_variant(load(args.model), parse_settings(args.settings), configs)
    request = MutateRequest(
        configs=configs or None, optional=optional,
        model_dir=args.model, flows=args.flow, settings=parse_settings(args.settings), wics=args.wics,
        operators=args.operator, mutants=args.mutant, max_states=args.max_states, jobs=args.jobs,
        executor="serial" if args.jobs == 1 else "process", progress=args.progress,
    )
    result = run_mutation(request)
    doc = to_json(result)
    text = dump_json(doc) if args.format == "json" else render_text(result, traces=args.traces)
    if args.out:
        write_atomically(os.path.join(args.out, "mutate.json"), dump_json(doc))
    sys.stdout.write(text)
    return int(ExitCode.INCONCLUSIVE if doc["summary"]["inconclusive"] else ExitCode.OK)


def parse_configs(items: list) -> list:
    """`--config` values: 'defaults', or NAME=VALUE pairs separated by commas, 'wics=N' among them."""
    out = []
    for item in items:
        settings, wics = {}, None
        for part in [p.strip() for p in item.split(",") if p.strip() and p.strip() != "defaults"]:
            if "=" not in part:
                raise UsageError(f"--config {item!r}: {part!r} is not NAME=VALUE",
                                 hint="e.g. --config faults=reject,wics=2 ('imsflow list variants' shows the names)")
            name, value = (x.strip() for x in part.split("=", 1))
            if name == "wics":
                if not value.isdigit() or int(value) < 1:
                    raise UsageError(f"--config {item!r}: wics={value} is not a positive number of WICs")
                wics = int(value)
            elif name in settings and settings[name] != value:
                raise UsageError(f"--config {item!r}: two values for variant {name}")
            else:
                settings[name] = value
        out.append(Configuration.of(settings, wics))
    return list(dict.fromkeys(out))
