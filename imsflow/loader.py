"""Loading a model directory: `model/` (a Python package defining MODEL) and `properties/`.

`--model DIR` accepts a directory that holds `model/` and `properties/`, or the model package
itself (then `properties/` is looked for inside it and beside it).  A model without a property
catalogue is refused (exit 2) unless the user asks for the built-in properties only
(`--builtin-properties-only`, or `load(..., builtins_only=True)`): checking nothing but the
built-ins by accident would look like a clean bill of health.

The default is the seed model: in a checkout (or an editable install) the repository's own
`model/` and `properties/`; in an installed wheel the copy setup.py ships inside the package
(`imsflow/_seed/`), so `imsflow check` gives the same verdicts wherever it is installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from dataclasses import dataclass

from .authoring.model import Model
from .errors import ModelError, _short
from .patterns.validate import validate
from .patterns.spec import Property, load_properties

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(PACKAGE_DIR)
SHIPPED_SEED = os.path.join(PACKAGE_DIR, "_seed")  # model/, properties/, flows/ of a wheel (setup.py)
# Set (to "1") for the duration of a command given --builtin-properties-only; an environment
# variable so that the matrix's worker processes, which load the model again, see it too.
BUILTINS_ONLY_ENV = "IMSFLOW_BUILTIN_PROPERTIES_ONLY"


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
    """The seed model: shipped inside an installed package, else this checkout's."""
    if os.path.isfile(os.path.join(SHIPPED_SEED, "model", "__init__.py")):
        return SHIPPED_SEED
    return REPO_ROOT


def checkout_root() -> str | None:
    """The repository this imsflow runs from, or None for an installed package (which has no
    diagrams/ or generated/ of its own to regenerate)."""
    if default_model_dir() == REPO_ROOT and os.path.isfile(os.path.join(REPO_ROOT, "pyproject.toml")):
        return REPO_ROOT
    return None


def seed_flow_files() -> dict[str, str]:
    """flow id -> the seed's written flow file (flows/F1.yaml ...), wherever the seed lives."""
    d = os.path.join(default_model_dir(), "flows")
    if not os.path.isdir(d):
        return {}
    return {os.path.splitext(n)[0]: os.path.join(d, n) for n in sorted(os.listdir(d)) if n.endswith(".yaml")}


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


_cache: dict[tuple, LoadedModel] = {}


def load(directory: str | None = None, *, builtins_only: bool | None = None) -> LoadedModel:
    directory = directory or default_model_dir()
    if builtins_only is None:
        builtins_only = os.environ.get(BUILTINS_ONLY_ENV) == "1"
    package_dir, props_dir = _locate(directory)
    if builtins_only:
        props_dir = None
    elif props_dir is None:
        raise ModelError(
            f"model {directory!r} has no property catalogue (no properties/ directory beside model/)",
            hint="write its properties in properties/*.yaml, or give --builtin-properties-only to check only "
            "the built-in ones (deadlock-free, every-message-handled, flow-reachable)",
        )
    key = (package_dir, props_dir)
    if key in _cache:
        return _cache[key]
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
        sys.modules.pop(modname, None)
        raise ModelError(f"syntax error in the model: {exc.msg}", where=f"{_short(exc.filename or init)}:{exc.lineno}") from None
    except Exception as exc:  # an ImportError, NameError... inside the user's model: name where
        sys.modules.pop(modname, None)
        raise ModelError(f"the model failed to load: {type(exc).__name__}: {exc}", where=_model_frame(exc, package_dir),
                         hint="fix the model module named; imsflow loads model/__init__.py as a package") from None
    model = getattr(module, "MODEL", None)
    if not isinstance(model, Model):
        raise ModelError(f"{_short(init)} defines no MODEL (an imsflow.authoring.Model)")
    model.directory = directory
    properties = load_properties(props_dir)
    if props_dir is not None and all(p.builtin for p in properties):
        raise ModelError(f"the property catalogue {props_dir!r} defines no property (no *.yaml with any entry)",
                         hint="add properties/*.yaml, or give --builtin-properties-only")
    validate(properties, model)
    loaded = LoadedModel(model, properties, directory, package_dir, props_dir)
    _cache[key] = loaded
    return loaded


def _model_frame(exc: BaseException, package_dir: str) -> str | None:
    """'file:line' of the innermost traceback frame inside the model package."""
    import traceback

    where = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(frame.filename).startswith(package_dir + os.sep):
            where = f"{_short(frame.filename)}:{frame.lineno}"
    return where
