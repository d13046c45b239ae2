"""Which variants a run actually read - so the matrix can skip runs that cannot differ.

Entities read the variant through `e.config.NAME` (or `config.get(NAME)`), in `compose()`, in
their start state and in guards and effects; properties read it in their `applies:` condition.
Guards and effects are pure functions of the local variables, the message and the
configuration (authoring/entity.py), so two configurations of one flow that agree on every
variant the first one's compile-and-explore read produce the same transition system, the same
exploration and the same verdicts.  Only the expectations ("expected finding when ...") and
the replay command differ, and the matrix recomputes those for the configuration it skips.

`recording()` swaps the Config class the model builds for a subclass that notes each variant
read, for the duration of one job.  Reads that cannot change the system are not noted: the
expectation of a property, and the pipeline's own copies of the whole variant into the result
and the replay command.  Any other look at the whole variant (`config.variant`,
`config.settings`, `describe()`, comparing or hashing configurations) counts as reading every
variant, which simply turns the sharing off for that run.
"""

from __future__ import annotations

import contextlib
import os
import sys

from ..authoring import model as authoring_model

ALL = "*"
_PIPELINE = os.path.join("imsflow", "pipeline.py")
_reads: set | None = None


def _note(name: str) -> None:
    if _reads is None:
        return
    frame = sys._getframe(2)
    while frame is not None:  # an expectation decides no transition: its reads are free
        if frame.f_code.co_name == "expectation" and frame.f_code.co_filename.endswith(os.path.join("patterns", "spec.py")):
            return
        frame = frame.f_back
    _reads.add(name)


def _whole(depth: int = 2) -> None:
    """A look at the whole variant: free from the pipeline's result-building, else 'all'."""
    if _reads is None:
        return
    if sys._getframe(depth).f_code.co_filename.endswith(_PIPELINE):
        return
    _reads.add(ALL)


class RecordingConfig(authoring_model.Config):
    def __getattribute__(self, name):
        if name == "variant":
            _whole(2)
        return object.__getattribute__(self, name)

    def __getattr__(self, name):
        for k, v in object.__getattribute__(self, "variant"):
            if k == name:
                _note(name)
                return v
        raise AttributeError(f"configuration has no variant {name!r}")

    def get(self, name, default=None):
        for k, v in object.__getattribute__(self, "variant"):
            if k == name:
                _note(name)
                return v
        return default

    @property
    def settings(self) -> dict:
        _whole(3)  # _whole <- this getter <- __getattribute__ <- the reader
        return dict(object.__getattribute__(self, "variant"))


@contextlib.contextmanager
def recording():
    """Within the block, configurations the model builds note their reads; yields the set."""
    global _reads
    saved_cls, saved_reads = authoring_model.Config, _reads
    _reads = set()
    authoring_model.Config = RecordingConfig
    try:
        yield _reads
    finally:
        authoring_model.Config = saved_cls
        _reads = saved_reads


def covers(reads, source: dict, target: dict) -> bool:
    """Does a run of `source` that read `reads` decide `target` too?"""
    if reads is None or ALL in reads:
        return False
    return all(source.get(n) == target.get(n) for n in reads)
