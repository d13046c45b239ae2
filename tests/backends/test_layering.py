"""The architecture's seams, checked on the source: property kinds are read only in
imsflow/patterns/, and no back-end or renderer reaches into the binder or the lowering."""

from __future__ import annotations

import ast
import os

import imsflow
from imsflow.patterns.spec import KINDS

ROOT = os.path.dirname(imsflow.__file__)


def _modules(under: str = ""):
    for dirpath, _dirs, files in os.walk(os.path.join(ROOT, under)):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(dirpath, f)
                with open(path, encoding="utf-8") as fh:
                    yield os.path.relpath(path, ROOT), ast.parse(fh.read(), path)


def test_no_property_kind_string_outside_patterns():
    found = []
    for rel, tree in _modules():
        if rel.startswith("patterns" + os.sep):
            continue
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in KINDS and id(node) not in docstrings:
                found.append(f"{rel}:{node.lineno}: {node.value!r}")
    assert not found, "property kinds named outside imsflow/patterns/:\n" + "\n".join(found)
    assert len(list(_modules())) > 50  # the walk really read the package


def test_backends_and_renderers_do_not_import_the_binder():
    found = []
    for under in ("backends", "render"):
        for rel, tree in _modules(under):
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and \
                        node.module.split(".")[-1] in ("bind", "lowering") and "patterns" in node.module:
                    found.append(f"{rel}:{node.lineno}: from {node.module} import ...")
    assert not found, "\n".join(found)


def test_the_compiled_system_has_no_untyped_extras():
    from imsflow.system.ts import TransitionSystem

    fields = TransitionSystem.__dataclass_fields__
    assert "extra" not in fields and "resolver" not in fields
