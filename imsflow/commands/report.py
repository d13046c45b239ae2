"""imsflow report: one self-contained HTML file (verdict matrix, traces, state charts, statistics)."""

from __future__ import annotations

import os
import shlex
import sys

from ..render.report import render_html
from ..workflow.matrix import run_matrix
from ._common import ensure_out_dir, write_atomically
from ._common import refuse_empty
from .matrix import add_run_args, request_from

FILE_NAME = "report.html"
COMPARISON = "comparison.html"


def register(sub) -> None:
    p = sub.add_parser(
        "report", help="write one self-contained HTML report (works offline, opened from disk)",
        description="Check the flows (the default variants, or every combination of --vary) and write "
        f"DIR/{FILE_NAME}: the verdict matrix coloured by verdict, each trace as a sequence diagram with "
        "the global state at each step, the entity state charts, the properties and the statistics. "
        "Exit status as for 'imsflow check'.",
    )
    add_run_args(p)
    p.add_argument("--out", metavar="DIR", default="report", help=f"where {FILE_NAME} goes (default: report/)")
    p.add_argument("--against-model", metavar="DIR", default=None,
                   help=f"compare this model (the candidate) with the one in DIR (the baseline) through their "
                        f"correspondence.yaml, and write DIR/{COMPARISON}: per flow pair each side's verdicts and "
                        "both sequence diagrams side by side")
    p.add_argument("--mutation", metavar="FILE", default=None,
                   help="add the specification-strength section from a saved 'imsflow mutate' run (its mutate.json)")
    p.set_defaults(run=run)


def run(args) -> int:
    ensure_out_dir(args.out)
    if args.against_model is not None:
        return _comparison(args)
    mutation = _mutation(args.mutation) if args.mutation else None
    request = request_from(args, vary_default_all=False)
    request.diagrams = True
    result = run_matrix(request)
    refuse_empty(result)
    command = "imsflow " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:2] == ["report"] else ""
    page = render_html(result, command, mutation)
    path = os.path.join(args.out, FILE_NAME)
    write_atomically(path, page)
    unexpected = sum(1 for r in result.results if not r.as_expected)
    sys.stdout.write(f"wrote {path} ({len(page) // 1024} KB): {result.stats['results']} verdicts over "
                     f"{result.stats['runs']} run(s), {unexpected} unexpected\n")
    return int(result.exit_code)


def _mutation(path: str) -> dict:
    import json

    from ..errors import UsageError
    from ..render.report_mutation import check_document

    try:
        with open(path, encoding="utf-8") as fh:
            return check_document(json.load(fh), path)
    except OSError as exc:
        raise UsageError(f"--mutation {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"--mutation {path}: not JSON ({exc.msg})", where=f"{path}:{exc.lineno}") from None


def _comparison(args) -> int:
    """Two architectures side by side: the architecture diff, with each flow's diagram kept."""
    from ..errors import UsageError
    from ..render.compare_report import render_comparison_html
    from ..workflow.archdiff import ArchitectureDiff
    from ..workflow.diff import DiffRequest, Side, run_diff
    from ._common import parse_settings

    if args.vary or args.mutation:
        raise UsageError("--against-model compares two architectures on their default variants",
                         hint="drop --vary/--mutation, or give --set for the candidate's variants")
    request = DiffRequest(candidate=Side(args.model, parse_settings(args.settings)), baseline=Side(args.against_model, {}),
                          flows=args.flow, properties=args.property, wics=args.wics, max_states=args.max_states,
                          timeout=args.timeout, executor=args.executor, workers=args.workers,
                          scheduler=args.scheduler, progress=args.progress,
                          baseline_own={}, intruder=args.intruder, diagrams=True)
    diff = run_diff(request)
    if not isinstance(diff, ArchitectureDiff):
        raise UsageError(f"--against-model {args.against_model}: no correspondence.yaml joins the two models",
                         hint="a comparison report needs two architectures; for variants use imsflow diff --against")
    command = "imsflow " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:2] == ["report"] else ""
    page = render_comparison_html(diff, command)
    path = os.path.join(args.out, COMPARISON)
    write_atomically(path, page)
    sys.stdout.write(f"wrote {path} ({len(page) // 1024} KB): {len(diff.pairs)} flow pairs, "
                     f"{len(diff.headlines)} headline change(s), {len(diff.worse)} worse\n")
    return int(diff.exit_code)
