"""imsflow media: the media-negotiation rule over every capability combination (Z3).

    imsflow media                      # every flow whose S-CSCF invokes the internal IWF
    imsflow media --flow F6 --format json

A flow's run covers the one capability pair it happens to use; this reads the deciding rule
from the compiled tables (backends/z3/media.py) and asks Z3 for every combination of the
two ends' transport profiles and codec sets that breaks "the IWF is invoked if and only if
the profiles differ" or "each leg shares a codec with its end".  A combination decided by a
compiled action and breaking a requirement is a violation (exit 1); a profile pair no
compiled action decides is reported as unspecified by the model (not assumed right, not a
violation: exit 0); a flow in which the S-CSCF never invokes the internal IWF (iwf=external,
registration flows) is skipped and said so.
"""

from __future__ import annotations

import sys

from ..errors import UsageError
from ..loader import load
from ..patterns.verdict import ExitCode
from ..pipeline import compile_for, selected_flows
from ._common import add_config_args, add_model_arg, dump_json, parse_settings

FORMATS = ("text", "json")


def register(sub) -> None:
    p = sub.add_parser("media", help="check media negotiation over every capability combination (Z3)",
                       description="Read the S-CSCF's interworking rule from the compiled system and check, "
                                   "with Z3, every combination of the two ends' profiles and codecs: the IWF "
                                   "is invoked iff the profiles differ, and each leg shares a codec with its end.")
    add_model_arg(p)
    p.add_argument("--flow", action="append", default=None, metavar="ID", help="flow id (repeatable); default: all")
    add_config_args(p)
    p.add_argument("--format", choices=FORMATS, default="text")
    p.set_defaults(run=run)


def run(args) -> int:
    try:
        from ..backends.z3 import media
    except ImportError as exc:
        raise UsageError(f"imsflow media needs Z3: {exc}", hint="pip install z3-solver") from None
    loaded = load(args.model)
    settings = parse_settings(args.settings)
    report = []
    for flow in selected_flows(loaded, args.flow):
        config = loaded.model.config(flow, settings, args.wics)
        ts = compile_for(loaded, config, [])
        violations, rows = media.check(ts)
        report.append({
            "flow": flow,
            "checked": bool(rows),
            "rule": [{"wic_profile": r.near, "far_profile": r.far, "invokes_iwf": r.invokes,
                      "wic_leg_codec": r.near_codec, "far_leg_codec": r.far_codec, "decided_by": r.action}
                     for r in rows.values()],
            "violations": [_violation(v) for v in violations if v.row is not None],
            "unspecified": [_violation(v) for v in violations if v.row is None],
        })
    bad = any(r["violations"] for r in report)
    if args.format == "json":
        sys.stdout.write(dump_json({"model": loaded.model.name, "flows": report}))
    else:
        sys.stdout.write(_text(report))
    return int(ExitCode.UNEXPECTED if bad else ExitCode.OK)


def _violation(v) -> dict:
    return {"requirement": v.requirement, "wic_profile": v.near_profile, "wic_codecs": list(v.near_codecs),
            "far_profile": v.far_profile, "far_codecs": list(v.far_codecs), "text": v.text()}


def _text(report) -> str:
    out = []
    for r in report:
        if not r["checked"]:
            out.append(f"{r['flow']}: skipped - the S-CSCF never invokes the internal IWF in this configuration")
            continue
        pairs = ", ".join(f"{x['wic_profile']}->{x['far_profile']}" for x in r["rule"])
        out.append(f"{r['flow']}: rule read for {pairs}; {len(r['violations'])} violating combinations, "
                   f"{len(r['unspecified'])} combinations the model does not specify")
        out += [f"  VIOLATED {v['text']}" for v in r["violations"]]
        out += [f"  unspecified: {v['text']}" for v in r["unspecified"]]
    return "\n".join(out) + "\n"
