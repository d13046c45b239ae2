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

from ..loader import REPO_ROOT
from ..render import gallery, raster
from ._common import add_model_arg


def register(sub) -> None:
    p = sub.add_parser("diagrams", help="regenerate diagrams/ and generated/",
                       description="Draw every flow, entity and counterexample of the model: SVG (and PNG), "
                                   "Mermaid, PlantUML, and the traces as JSON.")
    add_model_arg(p)
    p.add_argument("--out", metavar="DIR", default=None,
                   help="write DIR/diagrams and DIR/generated (default: the --model directory, "
                        "else this repository's own)")
    p.add_argument("--flow", action="append", default=None, metavar="ID", help="only these flows (repeatable)")
    p.add_argument("--no-png", action="store_true", help="skip the PNG copies")
    p.set_defaults(run=run)


def run(args) -> int:
    started = time.perf_counter()
    g = gallery.build(args.model, flows=args.flow, png=not args.no_png)
    # Another model's diagrams live beside it (models/annex_u/diagrams/), never over the seed's.
    root = args.out or args.model or REPO_ROOT
    keep = (".png",) if args.no_png else ()
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
    for problem in g.problems:
        print(f"imsflow diagrams: {problem}", file=sys.stderr)
    return 1 if g.problems else 0


def _write_only(g, root):
    """With --flow the set is partial: write it, but remove nothing."""
    partial = gallery.Gallery(files={k: v for k, v in g.files.items() if k != "generated/manifest.json"})
    saved = gallery.MANAGED
    try:
        gallery.MANAGED = ()
        return gallery.write(partial, root)
    finally:
        gallery.MANAGED = saved
