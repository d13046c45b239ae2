"""The one interface every verification back-end implements.

A back-end takes the compiled TransitionSystem and the obligations lowered from the
properties (patterns/obligations.py), branches once on each obligation's type, and returns
one `Outcome` per obligation plus its statistics.  It never sees a property file, a kind
string or the binder: what to decide is entirely in the obligation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

from ..patterns.obligations import Obligation
from ..patterns.verdict import Verdict
from ..system.trace import Trace


@dataclass
class Outcome:
    """A back-end's verdict on one obligation, before expectations are applied."""

    property: str
    verdict: Verdict
    reason: str = ""
    trace: Trace | None = None
    details: dict = field(default_factory=dict)


@runtime_checkable
class Backend(Protocol):
    name: str

    def check(self, ts, obligations: Sequence[Obligation], *, label: str = "") -> tuple[list[Outcome], dict]:
        """One Outcome per obligation (same order), and statistics ({"states", "transitions",
        "seconds", ...})."""
        ...
