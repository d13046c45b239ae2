"""The optional C version of TransitionSystem.expand (_expand.c), compiled on first use.

Expanding states is most of an exhaustive search, and in Python it costs about 40 us a state
on the seed; the C loop over the same tables and state tuples is several times faster.  It is
an accelerator, not a second semantics: `ts.py` keeps the reference implementation, hands the
C code only states whose table entries exist already (the Python side builds every entry),
and tests compare the two on every state of seed explorations.

The extension is built with the system C compiler into a per-user cache the first time it is
needed (a second or two), keyed by a hash of the source and the Python version, so that
`pip install -e .` needs no build step.  Anything that goes wrong - no compiler, no Python
headers, a read-only cache - leaves the pure-Python search in place and says why in
`status()`.  IMSFLOW_PURE_PYTHON=1 forces the Python search (tests use it to compare).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

SOURCE = Path(__file__).with_name("_expand.c")
# _expand.c includes the native search (_search.c): the build and its cache key read both.
SOURCES = (SOURCE, Path(__file__).with_name("_search.c"))
MODULE = "_imsflow_expand"

_module = None
_reason = "not loaded yet"
_tried = False


def _cache_dir() -> Path:
    base = os.environ.get("IMSFLOW_CACHE") or os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "imsflow"


def _build() -> Path:
    source = b"".join(path.read_bytes() for path in SOURCES)
    # One build per interpreter (its version and path), named by the source it was built from:
    # a new source replaces that interpreter's old build instead of piling up beside it.
    interpreter = hashlib.sha256(sys.version.encode() + sys.executable.encode()).hexdigest()[:8]
    tag = hashlib.sha256(source).hexdigest()[:12]
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    target = _cache_dir() / f"{MODULE}_{interpreter}_{tag}{suffix}"
    if target.exists():
        return target
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise OSError("no C compiler (cc or gcc) on PATH")
    include = sysconfig.get_paths()["include"]
    if not os.path.exists(os.path.join(include, "Python.h")):
        raise OSError(f"no Python headers in {include}")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build under a temporary name and rename: parallel workers may build at the same time.
    fd, tmp = tempfile.mkstemp(suffix=".so", dir=target.parent)
    os.close(fd)
    try:
        cmd = [compiler, "-O2", "-pthread", "-shared", "-fPIC", f"-I{include}", str(SOURCE), "-o", tmp]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise OSError(f"{' '.join(cmd)} failed: {done.stderr.strip()[:400]}")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _remove_stale(target, f"{MODULE}_{interpreter}_")
    return target


KEEP = 4  # builds of other sources kept per interpreter: several checkouts may share one venv


def _remove_stale(current: Path, prefix: str) -> None:
    """Delete this interpreter's builds of older sources beyond the KEEP most recently built
    (other interpreters' builds - other virtual environments - are theirs to replace).  Keeping a
    few lets checkouts of different sources (git worktrees, a branch and main) share one virtual
    environment without rebuilding at every switch."""
    others = sorted((p for p in current.parent.glob(f"{prefix}*") if p != current),
                    key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True)
    for old in others[KEEP - 1:]:
        try:
            old.unlink()
        except OSError:
            pass  # someone else's file, or removed by a parallel build: harmless


def module():
    """The compiled extension, or None (then `status()` says why)."""
    global _module, _reason, _tried
    if _tried:
        return _module
    _tried = True
    if os.environ.get("IMSFLOW_PURE_PYTHON"):
        _reason = "IMSFLOW_PURE_PYTHON is set"
        return None
    try:
        path = _build()
        loader = importlib.machinery.ExtensionFileLoader(MODULE, str(path))
        spec = importlib.util.spec_from_file_location(MODULE, str(path), loader=loader)
        mod = importlib.util.module_from_spec(spec)
        loader.exec_module(mod)
        _module, _reason = mod, f"C expansion loaded from {path}"
    except (OSError, ImportError, subprocess.SubprocessError) as exc:
        _module, _reason = None, f"pure-Python expansion: {exc}"
    return _module


def status() -> str:
    module()
    return _reason
