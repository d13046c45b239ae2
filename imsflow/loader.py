"""Loading a model directory: `model/` (a Python package defining MODEL) and `properties/`.

`--model DIR` accepts a directory that holds `model/` (and usually `properties/`), or the
model package itself (then `properties/` is looked for inside it and beside it).  The default
is this repository's own seed model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from dataclasses import dataclass

from .authoring.model import Model
from .errors import ModelError
from .patterns.validate import validate
from .patterns.spec import Property, load_properties

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class LoadedModel:
    model: Model
    properties: list[Property]
    directory: str
    package_dir: str
    properties_dir: str | None

    def property(self, pid: str) -> Property:
        for p in self.properties:
            if p.id == pid:
                return p
        from .errors import UsageError

        raise UsageError(f"unknown property {pid!r}", known=[p.id for p in self.properties])


def default_model_dir() -> str:
    return REPO_ROOT


def _locate(directory: str) -> tuple[str, str | None]:
    d = os.path.abspath(directory)
    if not os.path.isdir(d):
        raise ModelError(f"model directory {directory!r} does not exist")
    if os.path.isfile(os.path.join(d, "model", "__init__.py")):
        props = os.path.join(d, "properties")
        return os.path.join(d, "model"), props if os.path.isdir(props) else None
    if os.path.isfile(os.path.join(d, "__init__.py")):
        for props in (os.path.join(d, "properties"), os.path.join(os.path.dirname(d), "properties")):
            if os.path.isdir(props):
                return d, props
        return d, None
    raise ModelError(
        f"{directory!r} holds no model",
        hint="point --model at a directory containing model/__init__.py (which defines MODEL)",
    )


_cache: dict[str, LoadedModel] = {}


def load(directory: str | None = None) -> LoadedModel:
    directory = directory or default_model_dir()
    package_dir, props_dir = _locate(directory)
    if package_dir in _cache:
        return _cache[package_dir]
    digest = hashlib.sha1(package_dir.encode()).hexdigest()[:10]
    modname = f"_imsflow_model_{digest}"
    init = os.path.join(package_dir, "__init__.py")
    spec = importlib.util.spec_from_file_location(modname, init, submodule_search_locations=[package_dir])
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except ModelError:
        raise
    except SyntaxError as exc:
        raise ModelError(f"syntax error in the model: {exc.msg}", where=f"{os.path.relpath(exc.filename or init)}:{exc.lineno}") from None
    model = getattr(module, "MODEL", None)
    if not isinstance(model, Model):
        raise ModelError(f"{os.path.relpath(init)} defines no MODEL (an imsflow.authoring.Model)")
    model.directory = directory
    properties = load_properties(props_dir)
    validate(properties, model)
    loaded = LoadedModel(model, properties, directory, package_dir, props_dir)
    _cache[package_dir] = loaded
    return loaded
