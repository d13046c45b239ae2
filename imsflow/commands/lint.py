"""imsflow lint CONTRIBUTION.txt: editorial checks of a contribution's numbered flows.

Findings are printed compiler-style ("file:line: error: ... [L001-step-gap]") or as JSON;
`--extract DIR` also writes each numbered flow as a draft flow file for `imsflow conform`.
Exit status: 0 no error or warning; 1 findings; 2 the file cannot be read or holds no numbered flow.
"""

from __future__ import annotations

import sys

from ..editors.contribution import ContributionError, read
from ..editors.lint import format_json, format_text, lint
from ._common import add_model_arg, ensure_out_dir


def register(sub) -> None:
    p = sub.add_parser("lint", help="check a contribution's numbered flows (numbering, figures, NOTEs, names)",
                       description="Read a contribution in the seed's text form and report editorial defects "
                                   "with line numbers and stable ids.")
    p.add_argument("file", metavar="CONTRIBUTION.txt")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--extract", metavar="DIR", default=None,
                   help="write each numbered flow as a draft flow file (DIR/<clause>.yaml) for 'imsflow conform'")
    add_model_arg(p, help_text="model whose flows and messages the drafts are matched to (default: the seed model)")
    p.set_defaults(run=run)


def run(args) -> int:
    if args.extract:
        ensure_out_dir(args.extract, "--extract")
    doc = read(args.file)
    if not doc.flows():
        raise ContributionError(
            f"{args.file} holds no numbered flow: nothing to lint",
            hint="lint reads a contribution in the seed's text form (clause headings such as '6.X.2.2.1 ...' "
            "followed by numbered steps '1. The WIC ...')")
    findings = lint(doc)
    written = []
    if args.extract:
        from ..editors.extract import extract_all

        written = extract_all(doc, args.extract, model_dir=args.model)
    if args.format == "json":
        sys.stdout.write(format_json(doc, findings, extracted=written))
    else:
        sys.stdout.write(format_text(doc, findings))
        for path in written:
            sys.stdout.write(f"draft flow written: {path}\n")
    return 1 if any(f.severity in ("error", "warning") for f in findings) else 0
