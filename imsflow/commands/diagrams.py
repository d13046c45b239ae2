"""imsflow diagrams: regenerate diagrams/ and generated/ from the model (with --model DIR,
DIR/diagrams/ and DIR/generated/).

Flow sequence diagrams come from each flow's witness (so a diagram proves the model runs the
flow), state charts from each entity's `transitions` definition, counterexample diagrams from
every violated or vacuous result of the default variant.  Only files whose bytes changed are
rewritten, and files no longer produced are removed.
"""

from __future__ import annotations

import sys
import time

from ..errors import UsageError
from ..loader import checkout_root
from ..render import emf, gallery, raster
from ._common import add_model_arg, ensure_out_dir


def register(sub) -> None:
    p = sub.add_parser("diagrams", help="regenerate diagrams/ and generated/",
                       description="Draw every flow, entity and counterexample of the model, or the given "
                                   "editor's flow files. Flow figures in 3GPP publication style (15.9 cm, 8 pt) as "
                                   "SVG, PNG (600 px and 2x), EMF, draw.io, Msc-generator, mscgen, Mermaid, PlantUML "
                                   "and one DOCX clause; state charts per page; the traces as JSON.")
    p.add_argument("files", nargs="*", metavar="FLOW.yaml",
                   help="draw these editor's flow files instead (every format, the file's own numbering, "
                        "into --out DIR or the current directory)")
    add_model_arg(p)
    p.add_argument("--out", metavar="DIR", default=None,
                   help="write DIR/diagrams and DIR/generated (default: the --model directory, else this "
                        "repository's own); with FLOW.yaml files: write their figures into DIR")
    p.add_argument("--flow", action="append", default=None, metavar="ID", help="only these flows (repeatable)")
    p.add_argument("--no-png", action="store_true",
                   help="skip the binary copies (PNG, EMF, DOCX): only the text formats")
    p.add_argument("--style", choices=gallery.STYLES, default="publication",
                   help="flow figures as a TR pastes them (publication, the default) or with every message "
                        "field and the provenance printed under them (detailed)")
    p.add_argument("--detail", action="store_true",
                   help="publication style with the message fields after each message name")
    p.set_defaults(run=run)


def run(args) -> int:
    if args.files:
        return _editor_flows(args)
    started = time.perf_counter()
    # Another model's diagrams live beside it (models/annex_u/diagrams/), never over the seed's.
    root = args.out or args.model or checkout_root()
    if root is None:
        raise UsageError("this imsflow is an installed package, not a checkout: it has no diagrams/ to regenerate",
                         hint="give --out DIR to draw them there")
    ensure_out_dir(root)
    g = gallery.build(args.model, flows=args.flow, png=not args.no_png, style=args.style, detail=args.detail)
    keep = (".png", ".emf", ".docx") if args.no_png else ()  # binary copies a --no-png run leaves alone
    counts = gallery.write(g, root, keep_suffixes=keep) if not args.flow else _write_only(g, root)
    seconds = time.perf_counter() - started
    kinds = {}
    for rel in g.files:
        top = rel.split("/")[1] if rel.startswith("diagrams/") else "generated"
        kinds[top] = kinds.get(top, 0) + 1
    detail = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
    print(f"{len(g.files)} files ({detail}) under {args.out or args.model or 'the repository'}: {counts['written']} written, "
          f"{counts['unchanged']} unchanged, {counts['removed']} removed; {seconds:.1f} s")
    if not args.no_png and not raster.available():
        print("imsflow diagrams: CairoSVG is not installed: sequence diagrams have no PNG copy "
              "(pip install cairosvg)", file=sys.stderr)
    if not args.no_png and not emf.available():
        print("imsflow diagrams: Inkscape is not installed: the flow figures have no EMF copy "
              "(scripts/setup.sh installs it)", file=sys.stderr)
    for problem in g.problems:
        print(f"imsflow diagrams: {problem}", file=sys.stderr)
    return 1 if g.problems else 0


def _write_only(g, root):
    """With --flow the set is partial: write it (but not the files that cover every flow),
    and remove nothing."""
    whole_set = ("generated/manifest.json", gallery.DOCX)  # they describe every flow, not these
    partial = gallery.Gallery(files={k: v for k, v in g.files.items() if k not in whole_set})
    saved = gallery.MANAGED
    try:
        gallery.MANAGED = ()
        return gallery.write(partial, root)
    finally:
        gallery.MANAGED = saved


def _editor_flows(args) -> int:
    """Each flow file as the model performs it (`imsflow conform`), drawn in every format with
    the file's numbering; exit status the worst of the files' conform statuses."""
    import os

    from ..editors.conform import conform
    from ..editors.flowfile import load_flow
    from ..errors import UsageError
    from ..loader import load
    from ..render import editor_figure
    from ._common import write_bytes_atomically

    if args.flow or args.style != "publication":
        raise UsageError("imsflow diagrams FLOW.yaml: --flow and --style apply to the model's own flows")
    out_dir = args.out or "."
    worst = 0
    for path in args.files:
        flow = load_flow(path)
        loaded = load(args.model or flow.model)
        outcome = conform(flow, loaded)
        stem = os.path.splitext(os.path.basename(path))[0]
        drawn = editor_figure.files(outcome, loaded.model.vocabulary, out_dir, stem,
                                    png=not args.no_png and raster.available(), detail=args.detail)
        for p, data in sorted(drawn.items()):
            write_bytes_atomically(p, data)
        print(f"{path}: {outcome.verdict}; {len(drawn)} files: "
              + ", ".join(os.path.relpath(p) for p in sorted(drawn)))
        if outcome.verdict != "conforms":
            print(f"imsflow diagrams: {path}: {outcome.verdict}"
                  + (f" at step {outcome.refusal.step.label} (the red band)" if outcome.refusal else
                     f" ({outcome.reason})"), file=sys.stderr)
        worst = max(worst, outcome.exit_code)
    return worst
