"""imsflow list entities|flows|properties|variants."""

from __future__ import annotations

import sys

from ..loader import load
from ._common import add_model_arg

WHAT = ("entities", "flows", "properties", "variants")


def register(sub) -> None:
    p = sub.add_parser("list", help="list the model's entities, flows, properties or variants")
    p.add_argument("what", choices=WHAT)
    add_model_arg(p)
    p.set_defaults(run=run)


def run(args) -> int:
    loaded = load(args.model)
    model = loaded.model
    lines = []
    if args.what == "entities":
        for cls in model.entities:
            doc = (cls.__doc__ or "").strip().splitlines()
            lines.append(f"{cls.name:8} {len(cls.states):3} states {len(cls.transitions):3} transitions  "
                         f"{doc[0] if doc else ''}")
    elif args.what == "flows":
        for f in model.flows.values():
            fixes = " ".join(f"{k}={v}" for k, v in f.fixes.items())
            lines.append(f"{f.id:4} {f.clause:12} {f.title}" + (f"  [{fixes}]" if fixes else ""))
    elif args.what == "properties":
        for p in loaded.properties:
            flows = ",".join(p.flows) if p.flows else "all"
            exp = " (expected finding)" if p.expected else ""
            lines.append(f"{p.id:36} {p.kind:14} flows {flows:20} {p.statement}{exp}")
            lines.append(f"{'':36} clause: {p.clause}")
    else:
        for v in model.variants.values():
            lines.append(f"{v.name:14} {'|'.join(map(str, v.values)):40} {v.meaning}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
