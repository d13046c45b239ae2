"""The Z3 back-end: the TransitionSystem encoded for an SMT solver (encode), bounded model
checking (bmc), k-induction with proved lemmas (induction, lemmas), the engine (checker), and
media negotiation as constraints (media)."""
