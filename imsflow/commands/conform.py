"""imsflow conform FLOW.yaml: can the model perform this written flow, in this order?

Exit status: 0 the flow conforms; 1 it diverges (the first step the model cannot take, who
refuses it and what it could do instead); 2 a bad flow file (with the YAML line at fault) or
usage; 3 inconclusive (the search hit --max-states).
"""

from __future__ import annotations

import math
import os
import sys

from ..editors.conform import DEFAULT_MAX_STATES, conform
from ..editors.flowfile import load_flow
from ..errors import FlowFileError
from ..loader import load, seed_flow_files
from ._common import add_model_arg, count_budget, dump_json, ensure_out_dir, parse_settings, write_atomically, write_bytes_atomically


def register(sub) -> None:
    p = sub.add_parser("conform", help="can the model perform this written flow?",
                       description="Search the model for a run that performs the flow file's numbered steps in "
                                   "order; on failure name the first step it cannot take and who refuses it.")
    p.add_argument("file", metavar="FLOW.yaml",
                   help="a flow file, or a seed flow's id (F1 ... F9: the seed's own flows/F1.yaml ..., shipped "
                   "with imsflow)")
    add_model_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="write FLOW.conform.json (the run, editor-numbered) and the figure in every format "
                        "(FLOW.conform.svg, .png, ... as `imsflow diagrams FLOW.yaml` writes them)")
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], dest="settings",
                   help="a variant setting on top of the file's preconditions (imsflow list variants); repeatable")
    p.add_argument("--max-states", type=count_budget("search states"), default=DEFAULT_MAX_STATES, metavar="N|none",
                   help=f"search-state budget (default {DEFAULT_MAX_STATES:,}; 'none': no budget)")
    p.add_argument("--to-end", action="store_true",
                   help="the written steps must bring the model flow to its end (as 'complete: true' in the file): "
                   "a file that stops before the flow's last step diverges")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..editors.report import listing
    from ..render import editor_figure, raster

    if args.out:
        ensure_out_dir(args.out)
    flow = load_flow(_flow_path(args))
    flow.settings.update(parse_settings(args.settings))
    loaded = load(args.model or flow.model)
    budget = math.inf if args.max_states is None else args.max_states
    outcome = conform(flow, loaded, max_states=budget, to_end=args.to_end)
    doc = outcome.to_json()
    if args.out:
        base = os.path.splitext(os.path.basename(args.file))[0]
        write_atomically(os.path.join(args.out, f"{base}.conform.json"), dump_json(doc))
        drawn = editor_figure.files(outcome, loaded.model.vocabulary, args.out, f"{base}.conform",
                                    png=raster.available())
        for path, data in drawn.items():
            write_bytes_atomically(path, data)
    if args.format == "json":
        sys.stdout.write(dump_json(doc))
    else:
        sys.stdout.write(listing(outcome))
        if args.out:
            kinds = ", ".join(sorted(p[len(os.path.join(args.out, base)):] for p in drawn))
            sys.stdout.write(f"  written: {os.path.join(args.out, base)}.conform.json, {kinds}\n")
    return outcome.exit_code


def _flow_path(args) -> str:
    """The file itself; a seed flow id (no such file, the seed model) names the seed's flow file."""
    if os.path.exists(args.file) or args.model is not None:
        return args.file
    seed = seed_flow_files()
    if args.file in seed:
        return seed[args.file]
    if os.sep not in args.file and not args.file.endswith((".yaml", ".yml")):
        raise FlowFileError(f"no flow file {args.file!r}, and no seed flow of that id", known=list(seed),
                            hint="give the path of a flow file, or a seed flow's id")
    return args.file
