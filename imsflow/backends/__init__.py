"""Verification back-ends.  Each implements the Backend protocol (protocol.py): it reads only
the TransitionSystem and the obligations lowered from the properties, and returns (outcomes,
stats); none imports `transitions`, the model or the binder.

Engines register here by name; `--engine both` runs the explicit engine and Z3 and compares,
`--engine all` adds SPIN (skipped, with a note, when spin or gcc is not installed); `spin`
runs the Promela export through SPIN alone.
"""

from __future__ import annotations

from ..errors import UsageError

ENGINES = ("explicit", "z3", "both", "all", "spin")


def engine_named(name: str, request):
    from .explore.checker import ExplicitChecker

    from ..pipeline import memory_budget_of

    explicit = ExplicitChecker(max_states=request.max_states, timeout=request.timeout, progress=request.progress,
                               por=getattr(request, "por", True), symmetry=getattr(request, "symmetry", True),
                               max_bytes=memory_budget_of(request) if hasattr(request, "max_bytes") else None,
                               native_first=True, pilot=True)
    if name == "explicit":
        return explicit
    if name in ("z3", "both", "all"):
        try:
            from .z3.checker import Z3Checker
        except ImportError as exc:
            raise UsageError(f"the Z3 engine cannot be loaded: {exc}") from None
        z3 = Z3Checker(depth=request.depth, timeout=request.timeout)
        if name == "z3":
            return z3
        from .compare import BothChecker, MultiChecker

        if name == "both":
            return BothChecker(explicit, z3)
        from .promela import run as spin_run
        from .promela.backend import SpinChecker

        engines = {"explicit": explicit, "z3": z3}
        skipped = {}
        if spin_run.spin_available():
            engines["spin"] = SpinChecker(timeout=request.timeout)
        else:
            skipped["spin"] = "not run: spin or gcc is not on PATH (scripts/setup.sh installs them)"
        multi = MultiChecker(engines, skipped)
        multi.name = "all"
        return multi
    if name == "spin":
        from .promela import run as spin_run
        from .promela.backend import SpinChecker

        if not spin_run.spin_available():
            raise UsageError("the SPIN engine needs `spin` and `gcc` on PATH",
                             hint="install them with scripts/setup.sh (apt-get install spin gcc)")
        return SpinChecker(timeout=request.timeout)
    raise UsageError(f"unknown engine {name!r}", known=ENGINES)
