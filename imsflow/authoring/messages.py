"""Messages and the vocabulary a model declares.

A message is a name plus a few finite fields (an identity index, a token state, a credential
tag, a media profile...).  Data is abstract but faithful: what matters for a property (who
holds the password, which profile an SDP carries) is a field; everything else is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

from ..errors import ModelError


class Msg(NamedTuple):
    """One message value: its name and its fields as sorted (key, value) pairs (hashable)."""

    name: str
    fields: tuple = ()

    def __getattr__(self, key):
        # NamedTuple attributes are found first; anything else is a field lookup.
        for k, v in self.fields:
            if k == key:
                return v
        raise AttributeError(f"message {self.name} has no field {key!r}")

    def get(self, key, default=None):
        for k, v in self.fields:
            if k == key:
                return v
        return default

    def label(self) -> str:
        """'REGISTER(impu=1, cred=password)' - the form used in traces and diagrams."""
        if not self.fields:
            return self.name
        inner = ", ".join(f"{k}={v}" for k, v in self.fields)
        return f"{self.name}({inner})"

    @staticmethod
    def make(name: str, **fields) -> "Msg":
        return Msg(name, tuple(sorted(fields.items())))


@dataclass(frozen=True)
class MessageType:
    """A declared message: its protocol, meaning and the finite domain of every field."""

    name: str
    protocol: str
    meaning: str
    fields: dict = field(default_factory=dict)  # field -> tuple of allowed values
    display: str = ""  # how a TR writes it in a figure ("SIP: 401 Unauthorized"); "" = derived


def default_display(mtype: MessageType) -> str:
    """A readable name for a message nobody gave one: "Iq: AGW RESERVE"."""
    return f"{mtype.protocol}: {mtype.name.replace('_', ' ')}"


class Vocabulary:
    """Every message a model may send, with the field domains.  Sending anything else is a
    model error caught at compile time, naming the entity and the transition."""

    def __init__(self, types: Iterable[MessageType], display: dict | None = None):
        """`display`: message name -> the name a figure shows, for types declared without one
        (a model may keep its display names apart from the declarations)."""
        self.types: dict[str, MessageType] = {}
        for t in types:
            if t.name in self.types:
                raise ModelError(f"message {t.name!r} declared twice in the vocabulary")
            self.types[t.name] = t
        # An entry for a message no longer declared is harmless here (a test reports it).
        self._display = dict(display or {})

    def display(self, name: str) -> str:
        """The name a publication figure shows for message `name`: the declared display name,
        else the model's mapping, else "<protocol>: <name>"; an unknown name is shown as is."""
        mtype = self.types.get(name)
        if mtype is None:
            return name
        return mtype.display or self._display.get(name) or default_display(mtype)

    def __contains__(self, name: str) -> bool:
        return name in self.types

    def names(self) -> list[str]:
        return list(self.types)

    def check(self, msg: Msg, where: str) -> None:
        """Raise ModelError if `msg` is not declared or a field value is outside its domain."""
        mtype = self.types.get(msg.name)
        if mtype is None:
            raise ModelError(f"unknown message {msg.name!r}", where=where, known=sorted(self.types))
        for key, value in msg.fields:
            if key not in mtype.fields:
                raise ModelError(
                    f"message {msg.name} has no field {key!r}", where=where, known=sorted(mtype.fields)
                )
            if value not in mtype.fields[key]:
                raise ModelError(
                    f"message {msg.name}: field {key}={value!r} is outside its declared domain",
                    where=where,
                    known=mtype.fields[key],
                )
