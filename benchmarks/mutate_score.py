"""imsflow mutate on the seed model (every flow, default variants, 1 WIC): the score, the
counts per operator and per status, the survivors per entity, seconds and mutants/s.

    python benchmarks/mutate_score.py [--flows F1,...] [--operators drop-send,...] [--jobs N] [--json FILE]
                                      [--each-variant]   (one configuration per non-default variant value too)
                                      [--survivors FILE] (the surviving mutants, one per line with file:line)
"""

import argparse
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from imsflow.mutate.report import render_text, to_json  # noqa: E402
from imsflow.loader import load  # noqa: E402
from imsflow.mutate.run import MutateRequest, run_mutation, with_each_variant  # noqa: E402


def write_survivors(doc, path, what="all flows, default variants, 1 WIC", command="--survivors FILE"):
    """benchmarks/mutate_seed_survivors.txt: each surviving mutant with its file:line, id, what it
    changes and the flows whose behaviour it changed, sorted by place in the model."""
    survivors = sorted((m for m in doc["mutants"] if m["status"] == "survived"), key=lambda m: (m["where"], m["id"]))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"# imsflow mutate on the seed model ({what}): the surviving mutants\n")
        fh.write(f"# written by: python benchmarks/mutate_score.py {command}; regenerate with that command\n")
        fh.write(f"# score {doc['summary']['score']:.4f}; {len(survivors)} survivors; per line: file:line  id  "
                 "description  [flows where the behaviour changed]\n")
        for m in survivors:
            changed = ",".join(sorted(f for f, v in m["flows"].items() if v.get("status") == "changed"))
            fh.write(f"{m['where']}  {m['id']}  {m['description']}  [{changed}]\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flows", default=None, help="comma-separated flow ids (default: all)")
    ap.add_argument("--operators", default=None, help="comma-separated operators (default: all)")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    ap.add_argument("--json", default=None, help="also write the mutate.json document here")
    ap.add_argument("--survivors", default=None, help="also write the surviving mutants here, one per line")
    ap.add_argument("--full", action="store_true", help="print the whole text report")
    ap.add_argument("--each-variant", action="store_true",
                    help="also one configuration per non-default variant value (as imsflow mutate --each-variant)")
    args = ap.parse_args()
    configs, optional = with_each_variant(load(None), {}, []) if args.each_variant else (None, [])
    run = run_mutation(MutateRequest(
        configs=configs, optional=optional,
        flows=args.flows.split(",") if args.flows else None,
        operators=args.operators.split(",") if args.operators else None,
        jobs=args.jobs, executor="serial" if args.jobs == 1 else "process"))
    doc = to_json(run)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1)
    if args.survivors:
        what = (f"flows {args.flows}" if args.flows else "all flows") + \
            (", every variant one at a time" if args.each_variant else ", default variants") + ", 1 WIC"
        command = " ".join(a for a in sys.argv[1:] if a != "--full")
        write_survivors(doc, args.survivors, what, command)
    if args.full:
        print(render_text(run, traces=False))
        return
    s = doc["summary"]
    print(f"score {100 * (s['score'] or 0):.1f} % = {s['killed']} killed / ({s['mutants']} mutants - "
          f"{s['equivalent']} equivalent - {s['invalid']} invalid); {s['survived']} survived, {s['unreached']} "
          f"unreached, {s['inconclusive']} inconclusive; {s['seconds']} s, {s['mutants_per_second']} mutants/s")
    print(f"{'operator':16} {'mutants':>7} {'killed':>7} {'survived':>8} {'equiv':>6} {'unreached':>9} {'invalid':>7}")
    for op, c in doc["per_operator"].items():
        print(f"{op:16} {c['mutants']:7} {c['killed']:7} {c['survived']:8} {c['equivalent']:6} "
              f"{c['unreached']:9} {c['invalid']:7}")
    survivors = Counter(m["entity"] for m in doc["mutants"] if m["status"] == "survived")
    print("survivors per entity: " + ", ".join(f"{e} {n}" for e, n in survivors.most_common()))
    print("properties no mutant breaks: " + (", ".join(doc["never_broken"]) or "none"))


if __name__ == "__main__":
    main()
