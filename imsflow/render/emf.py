"""EMF copies of the figures, for Word documents that want a vector picture: the SVG converted
by Inkscape (Debian package `inkscape`, installed by scripts/setup.sh), all files of one build in
one Inkscape process.  Like PNGs, EMFs are convenience copies: Inkscape writes fonts and a
timestamp-free but not byte-stable stream, so the stale-diagram test checks only presence."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from ..errors import ImsflowError


class EmfError(ImsflowError):
    """Inkscape is missing or failed to convert a figure."""


def available() -> bool:
    return shutil.which("inkscape") is not None


def _run(args) -> None:
    exe = shutil.which("inkscape")
    if exe is None:
        raise EmfError("Inkscape is not installed: no EMF copies", hint="run scripts/setup.sh (apt-get install inkscape)")
    proc = subprocess.run([exe, *args], capture_output=True, check=False)
    if proc.returncode != 0:
        raise EmfError(f"inkscape {' '.join(args[:2])} failed: {proc.stderr.decode('utf-8', 'replace').strip()[-400:]}")


def convert(svgs: dict, kind: str = "emf") -> dict:
    """{name: svg text} -> {name: bytes of the `kind` export} (one Inkscape run for all)."""
    if not svgs:
        return {}
    with tempfile.TemporaryDirectory(prefix="imsflow-emf-") as tmp:
        paths = []
        for k, (name, svg) in enumerate(sorted(svgs.items())):
            path = os.path.join(tmp, f"f{k}.svg")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(svg)
            paths.append((name, path))
        _run([f"--export-type={kind}", *[p for _, p in paths]])
        out = {}
        for name, path in paths:
            with open(path[:-4] + f".{kind}", "rb") as fh:
                out[name] = fh.read()
        return out


def to_png(emf: bytes) -> bytes:
    """An EMF read back by Inkscape and drawn as PNG (how the tests check an EMF)."""
    with tempfile.TemporaryDirectory(prefix="imsflow-emf-") as tmp:
        src = os.path.join(tmp, "in.emf")
        with open(src, "wb") as fh:
            fh.write(emf)
        _run([src, "--export-type=png", f"--export-filename={os.path.join(tmp, 'out.png')}"])
        with open(os.path.join(tmp, "out.png"), "rb") as fh:
            return fh.read()
