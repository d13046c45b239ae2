"""Deliberately broken variants of the seed model, for showing that a property can fail.

A breakage patches one transition or one effect of one entity class of the loaded seed model
for the duration of a test (pytest's monkeypatch restores it).  Each names what it breaks in
the words of the seed, so a failing case reads as "the S-CSCF sends MAR for a TNA REGISTER".
"""

from __future__ import annotations

import dataclasses
import re

from imsflow.loader import load


def entity(name: str):
    return next(cls for cls in load().model.entities if cls.name == name)


def patch_method(monkeypatch, who: str, method: str, fn) -> None:
    """Replace effect or guard `method` of entity `who`."""
    monkeypatch.setattr(entity(who), method, fn)


def patch_transitions(monkeypatch, who: str, select, **changes) -> int:
    """Replace the fields `changes` of every transition of `who` for which `select(t)` holds;
    returns how many were changed (a breakage that changes nothing is a broken test)."""
    cls = entity(who)
    changed, out = 0, []
    for t in cls.transitions:
        if select(t):
            t = dataclasses.replace(t, **changes)
            changed += 1
        out.append(t)
    assert changed, f"no transition of {who} matched"
    monkeypatch.setattr(cls, "transitions", out)
    return changed


def receipt(sender: str, message: str, source=None):
    """Selects the transitions triggered by `message` from `sender` (optionally in `source`)."""

    def select(t):
        on = t.on
        if getattr(on, "sender", None) != sender or getattr(on, "message", None) != message:
            return False
        return source is None or t.source == source or (isinstance(t.source, list) and source in t.source)

    return select


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def swallowing(who: str, sender: str, message: str, source=None, why: str = ""):
    """A breakage: `who` takes `message` from `sender` (in state `source`, if given) and does
    nothing with it - it neither answers nor passes it on.  `why` says what that hides."""

    def breakage(monkeypatch):
        patch_transitions(monkeypatch, who, receipt(sender, message, source=source), do=None)

    where = f" in {source}" if source else ""
    breakage.__name__ = f"{_slug(who)}_swallows_{_slug(message)}_from_{_slug(sender + where)}"
    breakage.__doc__ = f"The {who} takes the {sender}'s {message}{where} and does nothing with it. {why}".strip()
    return breakage
