"""Small helpers the entity modules share, so that each module reads like its seed paragraph:
relaying a message unchanged, discarding a late or crossing one (always said, never silent),
and addressing the WIC a context belongs to."""

import sys

from imsflow.authoring import T, recv

NOT_IN_SEED = "not in the seed"


def _caller() -> str:
    frame = sys._getframe(2)
    import os

    path = os.path.relpath(frame.f_code.co_filename)
    return f"{path}:{frame.f_lineno}"


def forward(to: str, name: str | None = None, **override):
    """Effect: send the received message (or `name`) on to `to`, fields unchanged unless overridden."""

    def fwd(e):
        fields = dict(e.msg.fields)
        fields.update(override)
        e.send(to, name or e.msg.name, **fields)

    fwd.__name__ = f"forward_to_{to}"
    return fwd


def relay(states, frm: str, to: str, messages, step=None, note=None, dest=None):
    """Transitions that pass each of `messages` from `frm` on to `to` unchanged."""
    where = _caller()
    return [
        T(states, dest, on=recv(frm, m), do=forward(to), step=step, note=note,
          name=f"relay {m} {frm}->{to}", where=where)
        for m in messages
    ]


# A SIP element absorbs a response or request that no transaction or dialog of its own matches.
LATE_SIP = "RFC 3261 17.1.3, 17.2.3 (no matching transaction); 12.2.2 (no matching dialog)"


def discard(states, frm: str, messages, why: str, tags=("late",)):
    """Transitions that consume a late, duplicated or crossing message and do nothing - so its
    arrival is handled (not an error) and the reason is on record.  A SIP message is modelled
    per RFC 3261's transaction and dialog matching; any other per the standard of its protocol
    (model/standards.py)."""
    from .messages import VOCABULARY

    where = _caller()
    return [
        T(states, None, on=recv(frm, m), tags=tags, note=f"{why} ({NOT_IN_SEED})",
          name=f"discard {m} from {frm}", where=where,
          per=LATE_SIP if VOCABULARY.types[m].protocol == "SIP" else None)
        for m in messages
    ]


def to_wic(e, name: str, **fields) -> None:
    """Send to the WIC whose context is acting."""
    e.send("WIC", name, index=e.context, wic=e.context, **fields)


def wic(e) -> int:
    """The context (WIC index) this action belongs to."""
    return e.context


def when_fault(name: str):
    """Guard: the fault variant `name` (or faults=all) is on."""
    from . import scenario

    guard = lambda e: scenario.fault(e.config, name)  # noqa: E731
    guard.__name__ = f"fault_{name}"
    return guard
