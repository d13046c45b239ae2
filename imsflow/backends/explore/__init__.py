"""The explicit-state back-end: BFS exploration, liveness, ordered witnesses, verdicts."""

from .bfs import Exploration, explore
from ..protocol import Outcome
from .checker import ExplicitChecker

__all__ = ["Exploration", "explore", "ExplicitChecker", "Outcome"]
