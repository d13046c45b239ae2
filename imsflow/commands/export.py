"""imsflow export promela: the compiled transition system of one flow and variant, in Promela.

    imsflow export promela --flow F6 --set rogue=yes --wics 2 --out f6.pml
    spin -a f6.pml && gcc -DNOREDUCE -o pan pan.c && ./pan -c0

Every compiled action is one d_step, so SPIN explores the same interleavings and (with
-DNOREDUCE) stores the same number of states as `imsflow check`; see
imsflow/backends/promela/emit.py for the mapping and the README ("Cross-check with SPIN").
"""

from __future__ import annotations

import sys

from ..errors import UsageError
from ..loader import load
from ..pipeline import compile_for, obligations_for, selected_properties
from ._common import add_config_args, add_model_arg, check_fixed_settings, ensure_out_file, parse_settings, write_atomically

FORMATS = ("promela",)


def register(sub) -> None:
    p = sub.add_parser("export", help="export a flow's compiled system (Promela, for SPIN)",
                       description="Write the compiled transition system of one flow and variant as a "
                                   "Promela model, with the applicable properties as assertions and ltl claims.")
    p.add_argument("format", choices=FORMATS)
    add_model_arg(p)
    p.add_argument("--flow", default=None, metavar="ID", help="flow id (default: the model's first flow)")
    p.add_argument("--property", action="append", default=None, metavar="ID",
                   help="export only these properties (repeatable); default: every one that applies")
    add_config_args(p)
    p.add_argument("--out", metavar="FILE", default=None, help="write here instead of standard output")
    p.add_argument("--reachable", action="store_true",
                   help="export only the table entries a full search reaches (smaller with several WICs)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..backends.promela.emit import emit

    if args.out:
        ensure_out_file(args.out)
    loaded = load(args.model)
    model = loaded.model
    flow = args.flow
    if flow is None and model.flows:
        flow = next(iter(model.flows))
    if flow is not None and flow not in model.flows:
        raise UsageError(f"unknown flow {flow!r}", known=list(model.flows))
    settings = parse_settings(args.settings)
    check_fixed_settings(loaded, [flow] if flow else None, settings)
    config = model.config(flow, settings, args.wics)
    props = selected_properties(loaded, config, args.property)
    ts = compile_for(loaded, config, props, eager=not args.reachable)
    if args.reachable:
        from ..backends.explore.bfs import explore

        exp = explore(ts)  # fills the tables with every pair a reachable state meets
        if not exp.complete:
            raise UsageError("the search did not complete; export without --reachable")
    obligations = obligations_for(loaded, None, flow, ts, props)
    pm = emit(ts, obligations, title=f"{model.name} {flow or ''}".strip(), reachable=args.reachable)
    if args.out:
        write_atomically(args.out, pm.text)
    else:
        sys.stdout.write(pm.text)
    return 0
