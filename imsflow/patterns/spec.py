"""Declarative properties, as written in properties/*.yaml.

A property is a named pattern with the seed clause it comes from:

    - id: wst-200-only-after-ims-200
      statement: The WST sends 200 (REGISTER) to a WIC only after the IMS 200 for it.
      kind: precedence            # invariant | absence | precedence | response | only-from
      clause: 6.X.2.2.1 steps 11-15   #   | reachability | flow-reachable | deadlock | handled
      flows: [F1, F2, F3]
      first: {entity: WST, receives: 200(REGISTER), from: P-CSCF, key: field:impu}
      then:  {entity: WST, sends: 200(REGISTER), to: WIC, key: field:impu}
      expected:                   # optional; default "holds"
        - when: {flow: F2}
          verdict: violated
          reason: ...

Event patterns match compiled actions: `entity` (a name or template), `receives`, `from`,
`not_from`, `sends`, `to`, `event`, `tag`, `where` (message fields), `state` (target
state), `source` (source state); `key` says which bit of the monitor the event concerns:
`field:NAME` (a field of the matched message), `peer` (the other party's index), `self`.

State predicates (`never:` of an invariant, `goal_state:` of a reachability) are atoms
`{entity, state, var, is | in, index}` (`index` picks an element of a tuple-valued variable), `{channel: "A->B", holds: MSG}`, combined with `all`, `any`,
`not`, and `{at_least: K, of: <atom with a template entity>}` (K instances at once).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml

from ..errors import PropertyError
from ..inputs import StrictLoader, read_text, strict_mapping, yaml_problem

KINDS = (
    "invariant", "absence", "precedence", "response", "only-from",
    "reachability", "flow-reachable", "deadlock", "handled",
)
EVENT_KEYS = {
    "entity", "receives", "from", "not_from", "sends", "to", "event", "tag", "not_tag", "where",
    "state", "source", "key",
}
PRED_ATOM_KEYS = {"entity", "state", "var", "is", "in", "index"}


@dataclass
class Property:
    id: str
    statement: str
    kind: str
    clause: str
    flows: tuple = ()  # empty: every flow
    spec: dict = field(default_factory=dict)  # the pattern's own fields
    expected: list = field(default_factory=list)  # [{when, verdict, reason}]
    applies: dict = field(default_factory=dict)  # variant conditions under which it is checked
    source: str = ""  # file:line
    builtin: bool = False
    note: str = ""

    def applies_to(self, config) -> bool:
        if self.flows and config.flow not in self.flows:
            return False
        return _matches(self.applies, config) if self.applies else True

    def expectation(self, config) -> tuple[str, str]:
        """('holds'|'violated', reason) for this configuration."""
        for rule in self.expected:
            if _matches(rule.get("when", {}), config):
                return rule["verdict"], rule.get("reason", "")
        return "holds", ""


def _matches(when: dict, config) -> bool:
    for key, want in when.items():
        wants = want if isinstance(want, list) else [want]
        wants = [str(w) for w in wants]
        if key == "flow":
            have = config.flow
        elif key == "wics":
            have = config.wics
        else:
            have = config.get(key)
        if str(have) not in wants:
            return False
    return True


# Built-in properties every model gets, whether or not its properties/ mentions them.
BUILTINS = [
    Property(
        id="deadlock-free", kind="deadlock", clause="global",
        statement="No reachable state has pending work and nothing enabled (declared end states excepted).",
        builtin=True,
    ),
    Property(
        id="every-message-handled", kind="handled", clause="global",
        statement="Every message that arrives is handled by its receiver in the state it arrives in.",
        builtin=True,
    ),
    Property(
        id="flow-reachable", kind="flow-reachable", clause="each flow's clause",
        statement="The flow can run to its end, in the seed's step order (no property holds vacuously).",
        builtin=True,
    ),
]


def load_properties(directory: str | None) -> list[Property]:
    """Every property of properties/*.yaml (sorted by file name), after the built-ins.
    A property file may redefine a built-in's statement, clause, flows or expectations."""
    props = {p.id: p for p in (_copy(b) for b in BUILTINS)}
    if directory and os.path.isdir(directory):
        for name in sorted(os.listdir(directory)):
            if name.endswith((".yaml", ".yml")):
                for prop in _load_file(os.path.join(directory, name)):
                    if prop.id in props and not props[prop.id].builtin:
                        raise PropertyError(f"property {prop.id!r} is defined twice", where=prop.source)
                    if prop.id in props and props[prop.id].kind != prop.kind:
                        raise PropertyError(
                            f"property {prop.id!r} redefines a built-in with another kind {prop.kind!r}",
                            where=prop.source,
                        )
                    props[prop.id] = prop
    return list(props.values())


def _copy(p: Property) -> Property:
    return Property(**{k: getattr(p, k) for k in p.__dataclass_fields__})


class _LineLoader(StrictLoader):
    """A safe loader that remembers the line of every mapping (for error messages)."""


def _construct_mapping(loader, node, deep=False):
    mapping = strict_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(obj):
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


def _load_file(path: str) -> list[Property]:
    rel = os.path.relpath(path)
    try:
        data = yaml.load(read_text(path, "property file", PropertyError), Loader=_LineLoader)
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc)
        raise PropertyError(f"not valid YAML: {problem}", where=f"{rel}:{line}" if line else rel) from None
    except RecursionError:
        raise PropertyError("the YAML is nested too deeply to be a property file", where=rel) from None
    if data is None:
        return []
    if isinstance(data, dict) and "properties" in data:
        data = data["properties"]
    if not isinstance(data, list):
        raise PropertyError(f"{rel} must hold a list of properties")
    out = []
    for item in data:
        if not isinstance(item, dict):
            raise PropertyError(f"{rel}: every property must be a mapping")
        where = f"{rel}:{item.get('__line__', '?')}"
        out.append(_parse(_strip_lines(item), where))
    return out


def _parse(item: dict, where: str) -> Property:
    for required in ("id", "kind", "statement", "clause"):
        if required not in item:
            raise PropertyError(f"property {item.get('id', '?')!r} has no {required!r}", where=where)
    pid = item["id"]
    kind = item["kind"]
    if kind not in KINDS:
        raise PropertyError(f"property {pid!r}: unknown kind {kind!r}", where=where, known=KINDS)
    common = {"id", "kind", "statement", "clause", "flows", "expected", "applies", "note"}
    spec = {k: v for k, v in item.items() if k not in common}
    _check_shape(pid, kind, spec, where)
    expected = item.get("expected", [])
    if isinstance(expected, str):
        expected = [{"when": {}, "verdict": expected, "reason": item.get("reason", "")}]
        spec.pop("reason", None)
    for rule in expected:
        if rule.get("verdict") not in ("holds", "violated", "vacuous"):
            raise PropertyError(
                f"property {pid!r}: expected verdict must be 'holds', 'violated' or 'vacuous'", where=where
            )
        rule.setdefault("when", {})
    flows = item.get("flows", [])
    if isinstance(flows, str):
        flows = [flows]
    return Property(
        id=pid, statement=item["statement"], kind=kind, clause=str(item["clause"]),
        flows=tuple(flows), spec=spec, expected=expected, applies=item.get("applies", {}),
        source=where, note=item.get("note", ""),
    )


_SHAPES = {
    "invariant": ({"never"}, set()),
    "absence": ({"event"}, set()),
    "precedence": ({"first", "then"}, {"reset", "consume", "key"}),
    "response": ({"trigger", "response"}, {"key"}),
    "only-from": ({"accept", "allowed"}, set()),
    "reachability": (set(), {"goal", "goal_state"}),
    "flow-reachable": (set(), set()),
    "deadlock": (set(), set()),
    "handled": (set(), set()),
}


def _check_shape(pid: str, kind: str, spec: dict, where: str) -> None:
    required, optional = _SHAPES[kind]
    missing = required - set(spec)
    if missing:
        raise PropertyError(f"property {pid!r} ({kind}) needs {sorted(missing)}", where=where)
    unknown = set(spec) - required - optional
    if unknown:
        raise PropertyError(
            f"property {pid!r} ({kind}): unknown field(s) {sorted(unknown)}", where=where,
            known=sorted(required | optional),
        )
    if kind == "reachability" and not ({"goal", "goal_state"} & set(spec)):
        raise PropertyError(f"property {pid!r}: reachability needs 'goal' or 'goal_state'", where=where)
    for role in ("first", "then", "reset", "trigger", "response", "event", "accept", "goal"):
        if role in spec:
            patterns = spec[role] if isinstance(spec[role], list) else [spec[role]]
            for pat in patterns:
                if not isinstance(pat, dict):
                    raise PropertyError(f"property {pid!r}: '{role}' must be an event pattern", where=where)
                bad = set(pat) - EVENT_KEYS
                if bad:
                    raise PropertyError(
                        f"property {pid!r}: '{role}' has unknown key(s) {sorted(bad)}", where=where,
                        known=sorted(EVENT_KEYS),
                    )
