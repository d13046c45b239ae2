"""An editor's flow file: a flow written as a specification writes it, in YAML.

    title: Registration of WIC using UICC based authentication
    clause: 6.X.2.2.1
    flow: F1                      # the model's scenario to check against (imsflow list flows)
    preconditions:
      settings: {tna_trust: translator}   # variant settings (imsflow list variants)
      after: []                   # flows that must have happened first
      wics: 1
    allow: [UICC]                 # entities whose unwritten steps may happen between any steps
    complete: true                # optional: the steps are the whole flow - the run must reach the
                                  # model flow's end (its goal), so a missing last step diverges
    observed:                     # optional (a packet capture): every SIP message between these
      entities: [S-CSCF, REMOTE]  # entities is written; any other unwritten step may happen
      except: ["100"]             # messages the capture's importer leaves out (hop-by-hop)
    steps:
      - step: 3
        from: WIC
        to: WST
        message: REGISTER
        fields: {cred: aka}       # optional: message fields that must match
        note: IMPI/IMPU read from the UICC
      - step: 4-8
        summarised: standard IMS procedure   # any model steps, then (optionally) the message:
        from: P-CSCF
        to: WST
        message: "401"
      - step: 9
        allow_before: [UICC]      # unwritten steps of these entities may come just before

A step is one arrow: `from` sends `message` to `to`; an internal step (`to` equal to `from`, or
no `to`) is an action of that entity whose event or transition name is `message`.  Several
arrows may share one label ("17-19" written as three arrows), and labels must not go
backwards.  The file is read with a safe loader that records the line of every node, so an
error names the line at fault.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import yaml

from ..errors import FlowFileError
from ..inputs import StrictLoader, read_text, strict_mapping, yaml_problem

LABEL = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")
TOP_KEYS = {"title", "clause", "flow", "preconditions", "allow", "steps", "model", "description", "complete",
            "observed"}
OBSERVED_KEYS = {"entities", "except", "protocol"}
PRE_KEYS = {"settings", "after", "wics"}
STEP_KEYS = {"step", "from", "to", "message", "fields", "note", "summarised", "allow_before"}


class _LineLoader(StrictLoader):
    """A safe loader that keeps every mapping's line (1-based) in `__line__` and every
    key's line in `__lines__`, for error messages."""


def _construct_mapping(loader, node, deep=False):
    mapping = strict_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {
        k.value: v.start_mark.line + 1 for k, v in node.value if isinstance(k, yaml.ScalarNode)
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class FlowStep:
    label: str  # "4-8"
    first: int
    last: int
    sender: str | None
    receiver: str | None
    message: str | None
    line: int
    fields: dict = field(default_factory=dict)
    note: str = ""
    summarised: str = ""  # the marker text ("standard IMS procedure"); "" when not summarised
    allow_before: tuple = ()  # entity names, or ("*",)

    @property
    def internal(self) -> bool:
        return self.receiver is None or self.receiver == self.sender

    def text(self) -> str:
        if self.message is None:
            return f"{self.label}. ({self.summarised or 'any steps'})"
        if self.internal:
            return f"{self.label}. {self.sender}: {self.message}"
        return f"{self.label}. {self.sender} -> {self.receiver}: {self.message}"


@dataclass
class FlowFile:
    path: str
    title: str
    clause: str
    flow: str | None
    settings: dict
    after: tuple
    wics: int
    allow: tuple
    steps: list  # [FlowStep]
    model: str | None = None
    complete: bool = False  # the run must reach the model flow's end after the last written step
    key_lines: dict = field(default_factory=dict)  # "flow", "settings", "after", "wics", "allow" -> line
    file_settings: dict = field(default_factory=dict)  # the settings as written (before --set)
    # A capture's completeness: every `observed_protocol` message between these entities (bar
    # `observed_except`) is written, so no such message may happen unwritten; () when not given.
    observed: tuple = ()
    observed_except: tuple = ()
    observed_protocol: str = "SIP"

    def __post_init__(self):
        if not self.file_settings:
            self.file_settings = dict(self.settings)

    def where(self, line: int) -> str:
        return f"{self.path}:{line}"

    def where_key(self, key: str) -> str:
        """file:line of a top-level or preconditions key, for errors found after parsing."""
        return self.where(self.key_lines.get(key, 1))


def load_flow(path: str) -> FlowFile:
    return parse_flow(read_text(path, "flow file", FlowFileError), path)


def parse_flow(text: str, path: str = "<flow>") -> FlowFile:
    rel = path
    if os.path.exists(path) and not os.path.relpath(path).startswith(".."):
        rel = os.path.relpath(path)
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc)
        raise FlowFileError(f"not valid YAML: {problem}", where=f"{rel}:{line}" if line else rel) from None
    except RecursionError:
        raise FlowFileError("the YAML is nested too deeply to be a flow file", where=rel) from None
    if not isinstance(data, dict):
        raise FlowFileError("a flow file must be a mapping with 'title', 'clause' and 'steps'", where=f"{rel}:1")
    lines = data.get("__lines__", {})

    def at(key, mapping=data):
        return f"{rel}:{mapping.get('__lines__', {}).get(key, mapping.get('__line__', 1))}"

    _unknown_keys(data, TOP_KEYS, rel, "flow file")
    for key in ("title", "steps"):
        if key not in data:
            raise FlowFileError(f"the flow file has no {key!r}", where=f"{rel}:1")
    pre = data.get("preconditions") or {}
    if not isinstance(pre, dict):
        raise FlowFileError("'preconditions' must be a mapping (settings, after, wics)", where=at("preconditions"))
    _unknown_keys(pre, PRE_KEYS, rel, "preconditions")
    settings = pre.get("settings") or {}
    if not isinstance(settings, dict):
        raise FlowFileError("'preconditions.settings' must map variant names to values", where=at("settings", pre))
    settings = {str(k): str(v) for k, v in settings.items() if not str(k).startswith("__")}
    after = _names(pre.get("after"), at("after", pre), "preconditions.after")
    wics = pre.get("wics", 1)
    if not isinstance(wics, int) or wics < 1:
        raise FlowFileError(f"'preconditions.wics' must be a positive integer, not {wics!r}", where=at("wics", pre))
    allow = _names(data.get("allow"), at("allow"), "allow")
    raw_steps = data["steps"]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise FlowFileError("'steps' must be a non-empty list", where=at("steps"))
    steps = [_step(item, rel, data.get("__line__", 1)) for item in raw_steps]
    for prev, cur in zip(steps, steps[1:]):
        if (cur.first, cur.last) != (prev.first, prev.last) and cur.first <= prev.last:
            raise FlowFileError(
                f"step {cur.label} comes after step {prev.label}: labels must not go backwards or overlap",
                where=f"{rel}:{cur.line}",
                hint="several arrows of one range share its label; a new label starts after the last",
            )
    observed, observed_except, observed_protocol = _observed(data.get("observed"), rel, at("observed"))
    flow = data.get("flow")
    complete = data.get("complete", False)
    if not isinstance(complete, bool):
        raise FlowFileError(f"'complete' must be true or false, not {complete!r}", where=at("complete"))
    if complete and flow is None:
        raise FlowFileError("'complete: true' needs the model 'flow' whose end the run must reach", where=at("complete"))
    return FlowFile(
        path=rel, title=str(data["title"]), clause=str(data.get("clause", "")),
        flow=str(flow) if flow is not None else None, settings=settings, after=after, wics=wics,
        allow=allow, steps=steps, model=data.get("model"), complete=complete,
        observed=observed, observed_except=observed_except, observed_protocol=observed_protocol,
        key_lines={**{k: v for k, v in lines.items() if k in ("flow", "allow", "preconditions", "complete", "observed")},
                   **{k: v for k, v in pre.get("__lines__", {}).items() if k in PRE_KEYS}},
    )


def step_labels(path: str) -> tuple:
    """The distinct step labels of a flow file, in order: what a model's Flow.steps can be
    read from, so the editor's file and the model's scenario share one source."""
    labels: list = []
    for s in load_flow(path).steps:
        if not labels or labels[-1] != s.label:
            labels.append(s.label)
    return tuple(labels)


def _unknown_keys(mapping: dict, known: set, rel: str, what: str) -> None:
    for key, line in mapping.get("__lines__", {}).items():
        if key not in known:
            raise FlowFileError(f"unknown key {key!r} in the {what}", where=f"{rel}:{line}", known=sorted(known))


def _observed(value, rel: str, where: str) -> tuple:
    """`observed: {entities: [...], except: [...], protocol: SIP}` -> (entities, except, protocol)."""
    if value is None:
        return (), (), "SIP"
    if not isinstance(value, dict):
        raise FlowFileError("'observed' must be a mapping with 'entities' (and optionally 'except', 'protocol')",
                            where=where)
    _unknown_keys(value, OBSERVED_KEYS, rel, "observed mapping")
    entities = _names(value.get("entities"), where, "observed.entities")
    if not entities:
        raise FlowFileError("'observed.entities' must name at least one entity", where=where)
    return entities, tuple(str(m) for m in _names(value.get("except"), where, "observed.except")), \
        str(value.get("protocol", "SIP"))


def _names(value, where: str, what: str) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FlowFileError(f"'{what}' must be a name or a list of names", where=where)
    return tuple(value)


def _step(item, rel: str, default_line: int) -> FlowStep:
    if not isinstance(item, dict):
        raise FlowFileError("every step must be a mapping with step, from, to, message", where=f"{rel}:{default_line}")
    line = item.get("__line__", default_line)
    lines = item.get("__lines__", {})
    where = f"{rel}:{line}"
    _unknown_keys(item, STEP_KEYS, rel, "step")
    if "step" not in item:
        raise FlowFileError("a step has no 'step' number (a number or a range such as \"4-8\")", where=where)
    m = LABEL.match(str(item["step"]))
    if not m:
        raise FlowFileError(f"step label {item['step']!r} is neither a number nor a range such as \"4-8\"",
                            where=f"{rel}:{lines.get('step', line)}")
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else first
    if last < first:
        raise FlowFileError(f"step range {item['step']!r} ends before it starts", where=f"{rel}:{lines.get('step', line)}")
    label = f"{first}-{last}" if m.group(2) else str(first)
    summarised = item.get("summarised") or ""
    if summarised is True:
        summarised = "standard IMS procedure"
    if not isinstance(summarised, str):
        raise FlowFileError("'summarised' must be true or the marker text (\"standard IMS procedure\")",
                            where=f"{rel}:{lines.get('summarised', line)}")
    sender = item.get("from")
    receiver = item.get("to")
    message = item.get("message")
    if message is not None:
        message = str(message)
    if not summarised and (sender is None or message is None):
        missing = "from" if sender is None else "message"
        raise FlowFileError(f"step {label} has no {missing!r}", where=where,
                            hint="only a summarised range (summarised: standard IMS procedure) may omit its arrow")
    if message is not None and sender is None:
        raise FlowFileError(f"step {label} names a message but no 'from'", where=where)
    fields = item.get("fields") or {}
    if not isinstance(fields, dict):
        raise FlowFileError(f"step {label}: 'fields' must be a mapping", where=f"{rel}:{lines.get('fields', line)}")
    fields = {str(k): v for k, v in fields.items() if not str(k).startswith("__")}
    allow_before = item.get("allow_before")
    if allow_before is True:
        allow_before = ("*",)
    else:
        allow_before = _names(allow_before, f"{rel}:{lines.get('allow_before', line)}", "allow_before")
    return FlowStep(
        label=label, first=first, last=last,
        sender=str(sender) if sender is not None else None,
        receiver=str(receiver) if receiver is not None else None,
        message=message, line=line, fields=fields, note=str(item.get("note") or ""),
        summarised=summarised, allow_before=allow_before,
    )
