"""imsflow conform FLOW.yaml: can the model perform this written flow, in this order?

Exit status: 0 the flow conforms; 1 it diverges (the first step the model cannot take, who
refuses it and what it could do instead); 2 a bad flow file (with the YAML line at fault) or
usage; 3 inconclusive (the search hit --max-states).
"""

from __future__ import annotations

import os
import sys

from ..editors.conform import DEFAULT_MAX_STATES, conform
from ..editors.flowfile import load_flow
from ..loader import load
from ._common import add_model_arg, dump_json, parse_settings, write_atomically, write_bytes_atomically


def register(sub) -> None:
    p = sub.add_parser("conform", help="can the model perform this written flow?",
                       description="Search the model for a run that performs the flow file's numbered steps in "
                                   "order; on failure name the first step it cannot take and who refuses it.")
    p.add_argument("file", metavar="FLOW.yaml")
    add_model_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--out", metavar="DIR", default=None,
                   help="write FLOW.conform.json (the run, editor-numbered) and the figure in every format "
                        "(FLOW.conform.svg, .png, ... as `imsflow diagrams FLOW.yaml` writes them)")
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], dest="settings",
                   help="a variant setting on top of the file's preconditions (imsflow list variants); repeatable")
    p.add_argument("--max-states", type=int, default=DEFAULT_MAX_STATES, metavar="N")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..editors.report import listing
    from ..render import editor_figure, raster

    flow = load_flow(args.file)
    flow.settings.update(parse_settings(args.settings))
    loaded = load(args.model or flow.model)
    outcome = conform(flow, loaded, max_states=args.max_states)
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
