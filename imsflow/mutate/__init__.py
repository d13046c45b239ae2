"""imsflow mutate: how strong is the property catalogue?  Change the model in small ways and see
whether some verdict notices.

    operators.py   mutants derived from the authoring tables and the compiled sends
    apply.py       a mutant as a model transform (the pipeline's `CheckRequest.transform`)
    graph.py       reachable labelled transition graphs: equivalence, reachability, first change
    run.py         the original's verdicts and graphs, one job per mutant on the matrix's pool
    report.py      text and JSON

Nothing here checks a property: every verdict comes from `pipeline.check`, run on the mutant.
"""
