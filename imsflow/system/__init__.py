"""The compiled form: TransitionSystem, monitors, predicates and traces."""

from .monitor import ERR, Monitor
from .predicates import And, AtLeast, ChannelHolds, LocalIn, Not, Or, Pred
from .ts import Action, Channel, Process, TransitionSystem

__all__ = [
    "ERR", "Monitor", "And", "AtLeast", "ChannelHolds", "LocalIn", "Not", "Or", "Pred",
    "Action", "Channel", "Process", "TransitionSystem",
]
