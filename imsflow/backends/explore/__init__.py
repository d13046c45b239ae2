"""The explicit-state back-end: BFS exploration, liveness, ordered witnesses, verdicts."""

from .bfs import Exploration, explore
from .checker import ExplicitChecker, Outcome

__all__ = ["Exploration", "explore", "ExplicitChecker", "Outcome"]
