"""The vocabulary a model is written in: entities, transitions, messages, flows, variants."""

from .entity import Entity, Event, Recv, T, event, recv
from .messages import MessageType, Msg, Vocabulary
from .model import Composition, Config, Flow, Model, Variant

__all__ = [
    "Entity", "Event", "Recv", "T", "event", "recv",
    "MessageType", "Msg", "Vocabulary",
    "Composition", "Config", "Flow", "Model", "Variant",
]
