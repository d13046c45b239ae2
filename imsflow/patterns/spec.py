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
`not_from`, `sends`, `to`, `event`, `tag`, `where` / `sent_where` (message fields), `state`
(target state), `source` (source state); `key` says which bit of the monitor the event
concerns: `field:NAME` (a field of the matched message), `peer` (the other party's index),
`self`.

Which message a field condition reads is said by where it is written:
- `where` constrains the message the pattern *receives* when the pattern has `receives`
  (or `from` / `not_from`); in a pattern that only sends, it constrains the sent message;
- `sent_where` always constrains the message the pattern *sends* (it needs `sends`).
So `{receives: REGISTER, where: {tna: asserted}, sends: MAR}` is "a MAR sent on receipt of a
REGISTER whose tna is asserted", and `{receives: REGISTER, sends: SAR, sent_where: {kind:
register}}` reads the SAR.  `key: field:NAME` reads the sent message when the pattern has
`sends`, else the received one.  Every message, field, value, entity, state, tag and variant
a property names is checked against the model when it is loaded (patterns/validate.py).

State predicates (`never:` of an invariant, `goal_state:` of a reachability) are atoms
`{entity, state, var, is | in, index}` (`index` picks an element of a tuple-valued variable), `{channel: "A->B", holds: MSG}`, combined with `all`, `any`,
`not`, and `{at_least: K, of: <atom with a template entity>}` (K instances at once).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field

import yaml

from ..errors import PropertyError
from ..inputs import StrictLoader, check_strict_tree, read_text, strict_mapping, yaml_problem

FLOW_REACHABLE = "flow-reachable"  # the built-in property (and its kind): the flow can run to its end
KINDS = (
    "invariant", "absence", "precedence", "response", "only-from",
    "reachability", "flow-reachable", "deadlock", "handled",
)
EVENT_KEYS = {
    "entity", "receives", "from", "not_from", "sends", "to", "event", "tag", "not_tag", "where",
    "sent_where", "state", "source", "key",
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
    lines: dict = field(default_factory=dict, compare=False)  # path inside the property -> line
    # Decided with the model's intruder in the world (`intruder: true`; security properties).
    intruder: bool = False

    def where(self, *path) -> str:
        """'file:line' of the field at `path` (('first', 'where', 'cred')), or of the nearest
        enclosing field the file has a line for; the property's own line when nothing closer."""
        if not self.lines:
            return self.source
        return _where(self.source.rsplit(":", 1)[0], self.lines, path)

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


def did_you_mean(name, known) -> str | None:
    """A hint naming the known names closest to a misspelt one (difflib), or None."""
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=3, cutoff=0.6)
    if not close:
        return None
    return "Did you mean " + " or ".join(repr(c) for c in close) + "?"


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


class _StrictPropertyLoader(StrictLoader):
    """SafeLoader with imsflow's input rules: aliases of text only, no key written twice."""


_StrictPropertyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, strict_mapping)


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _load_yaml(path: str, rel: str):
    """(data, lines): the document, and the line of every mapping key and sequence element by
    its path from the root - ('properties', 3, 'first', 'where', 'cred') - so that an error
    names the line of the offending field, not only the property's first line."""
    text = read_text(path, "property file", PropertyError)
    # libyaml composes about ten times faster (the name-checking tests load the catalogue
    # thousands of times); the strict rules are then checked on its node tree.
    loader = (_FAST_LOADER or _StrictPropertyLoader)(text)
    try:
        node = loader.get_single_node()
        if node is not None and _FAST_LOADER is not None:
            check_strict_tree(node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc)
        raise PropertyError(f"not valid YAML: {problem}", where=f"{rel}:{line}" if line else rel) from None
    except RecursionError:
        raise PropertyError("the YAML is nested too deeply to be a property file", where=rel) from None
    finally:
        loader.dispose()
    lines: dict = {}
    if node is not None:
        _record_lines(loader, node, (), lines, rel)
    return data, lines


def _record_lines(loader, node, path: tuple, lines: dict, rel: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            line = key_node.start_mark.line + 1
            if key in seen:
                # YAML keeps the last of two equal keys without a word: one condition would vanish.
                raise PropertyError(f"{key!r} is given twice in one mapping", where=f"{rel}:{line}")
            seen.add(key)
            lines[path + (key,)] = line
            _record_lines(loader, value_node, path + (key,), lines, rel)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(loader, item, path + (i,), lines, rel)


def _load_file(path: str) -> list[Property]:
    rel = os.path.relpath(path)
    data, lines = _load_yaml(path, rel)
    if data is None:
        return []
    prefix: tuple = ()
    if isinstance(data, dict) and "properties" in data:
        data, prefix = data["properties"], ("properties",)
    if not isinstance(data, list):
        raise PropertyError(f"{rel} must hold a list of properties", where=f"{rel}:{lines.get(prefix, 1)}")
    out = []
    for i, item in enumerate(data):
        root = prefix + (i,)
        if not isinstance(item, dict):
            raise PropertyError(f"{rel}: every property must be a mapping", where=f"{rel}:{lines.get(root, '?')}")
        own = {path[len(root):]: line for path, line in lines.items() if path[: len(root)] == root}
        out.append(_parse(item, rel, own))
    return out


def _parse(item: dict, rel: str, lines: dict) -> Property:
    at = lambda *path: _where(rel, lines, path)  # noqa: E731
    for required in ("id", "kind", "statement", "clause"):
        if required not in item:
            raise PropertyError(f"property {item.get('id', '?')!r} has no {required!r}", where=at())
    pid = item["id"]
    kind = item["kind"]
    if kind not in KINDS:
        raise PropertyError(f"property {pid!r}: unknown kind {kind!r}", where=at("kind"), known=KINDS,
                            hint=did_you_mean(kind, KINDS))
    common = {"id", "kind", "statement", "clause", "flows", "expected", "applies", "note", "intruder"}
    spec = {k: v for k, v in item.items() if k not in common}
    expected = item.get("expected", [])
    if isinstance(expected, str):
        expected = [{"when": {}, "verdict": expected, "reason": item.get("reason", "")}]
        spec.pop("reason", None)
    _check_shape(pid, kind, spec, at)
    if not isinstance(expected, list):
        raise PropertyError(f"property {pid!r}: 'expected' must be a list of {{when, verdict, reason}}",
                            where=at("expected"))
    for i, rule in enumerate(expected):
        if not isinstance(rule, dict):
            raise PropertyError(f"property {pid!r}: each 'expected' entry must be a mapping", where=at("expected", i))
        unknown = set(rule) - {"when", "verdict", "reason"}
        if unknown:
            bad = sorted(unknown, key=str)[0]
            raise PropertyError(f"property {pid!r}: 'expected' has unknown field {bad!r}",
                                where=at("expected", i, bad), known=["when", "verdict", "reason"],
                                hint=did_you_mean(bad, ["when", "verdict", "reason"]))
        if rule.get("verdict") not in ("holds", "violated", "vacuous"):
            raise PropertyError(
                f"property {pid!r}: expected verdict must be 'holds', 'violated' or 'vacuous', not {rule.get('verdict')!r}",
                where=at("expected", i, "verdict"),
            )
        rule.setdefault("when", {})
    flows = item.get("flows", [])
    if isinstance(flows, str):
        flows = [flows]
    intruder = item.get("intruder", False)
    if not isinstance(intruder, bool):
        raise PropertyError(f"property {pid!r}: 'intruder' must be true or false, not {intruder!r}",
                            where=at("intruder"))
    return Property(
        id=pid, statement=item["statement"], kind=kind, clause=str(item["clause"]),
        flows=tuple(flows), spec=spec, expected=expected, applies=item.get("applies", {}),
        source=at(), note=item.get("note", ""), lines=dict(lines), intruder=intruder,
    )


def _where(rel: str, lines: dict, path: tuple) -> str:
    for n in range(len(path), -1, -1):
        if tuple(path[:n]) in lines:
            return f"{rel}:{lines[tuple(path[:n])]}"
    return f"{rel}:?"


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
EVENT_ROLES = ("first", "then", "reset", "trigger", "response", "event", "accept", "goal")


def _check_shape(pid: str, kind: str, spec: dict, at) -> None:
    required, optional = _SHAPES[kind]
    # An unknown field first: a misspelt required one ('frist') is named at its own line.
    unknown = set(spec) - required - optional
    if unknown:
        bad = sorted(unknown, key=str)[0]
        known = sorted(required | optional | {"flows", "expected", "applies", "note", "intruder"})
        raise PropertyError(
            f"property {pid!r} ({kind}): unknown field {bad!r}", where=at(bad), known=known,
            hint=did_you_mean(bad, known),
        )
    missing = required - set(spec)
    if missing:
        raise PropertyError(f"property {pid!r} ({kind}) needs {sorted(missing)}", where=at())
    if kind == "reachability" and not ({"goal", "goal_state"} & set(spec)):
        raise PropertyError(f"property {pid!r}: reachability needs 'goal' or 'goal_state'", where=at())
    for role in EVENT_ROLES:
        if role in spec:
            many = isinstance(spec[role], list)
            for i, pat in enumerate(spec[role] if many else [spec[role]]):
                path = (role, i) if many else (role,)
                if not isinstance(pat, dict):
                    raise PropertyError(f"property {pid!r}: '{role}' must be an event pattern", where=at(*path))
                bad = set(pat) - EVENT_KEYS
                if bad:
                    name = sorted(bad, key=str)[0]
                    raise PropertyError(
                        f"property {pid!r}: '{role}' has unknown key {name!r}", where=at(*path, name),
                        known=sorted(EVENT_KEYS), hint=did_you_mean(name, EVENT_KEYS),
                    )
