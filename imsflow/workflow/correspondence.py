"""A declared correspondence between two architectures: which entity of one became which of the
other, which flow corresponds to which, which property plays which role (a YAML file beside a
model, `correspondence.yaml`; models/annex_u/ has the one between the seed and TS 23.228
Annex U).  The architecture diff (archdiff.py) reads it in either direction.

    between:    {baseline: MODEL-NAME, candidate: MODEL-NAME}
    entities:   {BASELINE-ENTITY: CANDIDATE-ENTITY, ...}   # several may merge into one
    flows:      {BASELINE-FLOW: CANDIDATE-FLOW or null, ...}
    properties: {BASELINE-PROPERTY: CANDIDATE-PROPERTY, ...}  # same ids need no entry
    core:       [CANDIDATE-ENTITY, ...]                       # whose messages are "IMS signalling"
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import yaml

from ..errors import UsageError

FILE = "correspondence.yaml"
KEYS = {"between", "entities", "flows", "properties", "core"}


@dataclass
class Correspondence:
    path: str
    entities: dict  # baseline entity -> candidate entity
    flows: dict  # baseline flow -> candidate flow or None
    properties: dict  # baseline property -> candidate property
    core: list = field(default_factory=list)

    def entity(self, name: str) -> str:
        """The candidate-side name of a baseline instance name ("UICC2" -> "WIC2")."""
        if name in self.entities:
            return self.entities[name]
        m = re.fullmatch(r"(.*?)(\d+)", name)
        if m and m.group(1) in self.entities:
            return f"{self.entities[m.group(1)]}{m.group(2)}"
        return name

    def property(self, pid: str) -> str:
        return self.properties.get(pid, pid)

    def to_json(self) -> dict:
        return {"file": os.path.relpath(self.path), "entities": dict(self.entities), "flows": dict(self.flows),
                "properties": dict(self.properties), "core": list(self.core)}


def _error(path, message, known=None, hint=None):
    return UsageError(message, where=os.path.relpath(path), known=known, hint=hint)


def _read(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{os.path.relpath(path)}:{mark.line + 1}" if mark else os.path.relpath(path)
        raise UsageError(f"the correspondence file is not valid YAML: {getattr(exc, 'problem', exc)}", where=where) from None
    if not isinstance(doc, dict):
        raise _error(path, "a correspondence file is a mapping", known=sorted(KEYS))
    unknown = set(doc) - KEYS
    if unknown:
        raise _error(path, f"unknown key(s) {', '.join(sorted(unknown))}", known=sorted(KEYS))
    return doc


def _mapping(path, doc, key) -> dict:
    value = doc.get(key) or {}
    if not isinstance(value, dict):
        raise _error(path, f"{key}: expected a mapping of baseline name -> candidate name")
    return {str(k): (None if v is None else str(v)) for k, v in value.items()}


def _check_names(path, what, names, known):
    for n in names:
        if n is not None and n not in known:
            raise _error(path, f"{what} {n!r} is not in the model", known=sorted(known))


def _names(loaded):
    model = loaded.model
    return {e.name for e in model.entities}, set(model.flows), {p.id for p in loaded.properties}


def load_between(base_loaded, cand_loaded) -> tuple[Correspondence, bool] | None:
    """The correspondence between the two models, found beside either of them, and whether it
    was declared from the baseline (True) or from the candidate (False: `imsflow diff --model .
    --against-model models/annex_u`).  It is never inverted: the side it is declared "from" is
    the one renamed, whichever of the two is the baseline.  None if there is none."""
    pair = (base_loaded.model.name, cand_loaded.model.name)
    for loaded in (cand_loaded, base_loaded):
        path = os.path.join(loaded.directory, FILE)
        if not os.path.isfile(path):
            continue
        doc = _read(path)
        between = doc.get("between") or {}
        if not isinstance(between, dict):
            raise _error(path, "between: expected {baseline: MODEL, candidate: MODEL}")
        names = (between.get("baseline"), between.get("candidate"))
        if names == pair:
            return _parse(path, doc, base_loaded, cand_loaded), True
        if names == pair[::-1]:
            return _parse(path, doc, cand_loaded, base_loaded), False
    return None


def _parse(path, doc, from_loaded, to_loaded) -> Correspondence:
    b_ent, b_flows, b_props = _names(from_loaded)
    c_ent, c_flows, c_props = _names(to_loaded)
    entities, flows, props = _mapping(path, doc, "entities"), _mapping(path, doc, "flows"), _mapping(path, doc, "properties")
    _check_names(path, "baseline entity", entities, b_ent)
    _check_names(path, "candidate entity", entities.values(), c_ent)
    _check_names(path, "baseline flow", flows, b_flows)
    _check_names(path, "candidate flow", flows.values(), c_flows)
    _check_names(path, "baseline property", props, b_props)
    _check_names(path, "candidate property", props.values(), c_props)
    core = doc.get("core") or []
    if not isinstance(core, list):
        raise _error(path, "core: expected a list of candidate entities")
    _check_names(path, "core entity", core, c_ent)
    return Correspondence(path, entities, flows, props, [str(x) for x in core])
