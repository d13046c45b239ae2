"""Every user-facing error of imsflow, in one place.

Each error says what is wrong, names the item and where it is (file and line when known),
lists what exists instead when that helps, and how to fix it.  The CLI turns any
`ImsflowError` into exit status 2 with its message, and never writes partial output.
"""

from __future__ import annotations


class ImsflowError(Exception):
    """Base of every error the user can cause (bad model, bad property, bad input file)."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, known=None, hint: str | None = None):
        self.message = message
        self.where = where
        self.known = list(known) if known is not None else None
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        text = self.message
        if self.where:
            text += f" ({self.where})"
        if self.known is not None:
            shown = ", ".join(str(k) for k in self.known[:40])
            more = "" if len(self.known) <= 40 else f", ... ({len(self.known)} in all)"
            text += f"; known: {shown}{more}"
        if self.hint:
            text += f". {self.hint}"
        return text


class ModelError(ImsflowError):
    """The model itself is malformed: an unknown state, message, entity or variable value."""


class PropertyError(ImsflowError):
    """A property definition names something the model does not have, or is malformed."""


class FlowFileError(ImsflowError):
    """An editor's flow file (YAML) is malformed or names something unknown."""


class TraceError(ImsflowError):
    """A saved trace cannot be read, or does not replay through the transition system."""


class CaptureError(ImsflowError):
    """A packet capture, SIPp scenario or endpoint mapping that cannot be imported as a flow."""


class UsageError(ImsflowError):
    """The command line asks for something that does not exist (unknown flow, variant value...)."""


def source_of(obj) -> str | None:
    """'file:line' where a function or class was defined, for error messages."""
    import inspect

    try:
        target = inspect.unwrap(obj)
        filename = inspect.getsourcefile(target)
        _, line = inspect.getsourcelines(target)
    except (TypeError, OSError):
        return None
    return f"{_short(filename)}:{line}"


def _short(path: str | None) -> str:
    import os

    if not path:
        return "?"
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
