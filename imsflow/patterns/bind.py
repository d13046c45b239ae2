"""Properties -> monitors and predicates over one compiled TransitionSystem.

`validate(properties, model)` checks every name a property uses against the model (once, at
load time, so a typo is exit 2 before any search); `bind(ts, properties)` turns the event
patterns into bitset monitors and the state patterns into predicates, for one configuration.
"""

from __future__ import annotations

from ..errors import PropertyError
from ..system.monitor import ARM, CHECK, CONSUME, DISARM, FAIL, OP_ORDER, Monitor
from ..system.predicates import FALSE, And, AtLeast, ChannelHolds, LocalIn, Not, Or, Pred
from .spec import PRED_ATOM_KEYS, Property

MONITORED = ("absence", "precedence", "response", "only-from")


def _as_list(v) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


# ---- validation against the model ----------------------------------------------------------

def validate(properties: list[Property], model) -> None:
    entities = {cls.name: cls for cls in model.entities}
    tags = set()
    for cls in model.entities:
        for t in cls.transitions:
            tags.update(t.tags)
    tags.update(getattr(model, "tags", {}) or {})
    for prop in properties:
        v = _Validator(prop, entities, model, tags)
        v.run()


class _Validator:
    def __init__(self, prop, entities, model, tags):
        self.prop, self.entities, self.model, self.tags = prop, entities, model, tags

    def fail(self, what: str, known=None):
        raise PropertyError(f"property {self.prop.id!r}: {what}", where=self.prop.source, known=known)

    def run(self):
        prop = self.prop
        for flow in prop.flows:
            if flow not in self.model.flows:
                self.fail(f"unknown flow {flow!r}", known=list(self.model.flows))
        for rule in prop.expected:
            self.when(rule.get("when", {}))
        self.when(prop.applies)
        spec = prop.spec
        for role in ("first", "then", "reset", "trigger", "response", "event", "accept", "goal"):
            for pat in _as_list(spec.get(role)):
                self.event(pat, role)
        if "allowed" in spec:
            for name in _as_list(spec["allowed"]):
                self.entity(name)
        if "never" in spec:
            self.pred(spec["never"])
        if "goal_state" in spec:
            self.pred(spec["goal_state"])

    def when(self, when: dict):
        for key, value in when.items():
            if key in ("flow", "wics"):
                continue
            if key not in self.model.variants:
                self.fail(f"condition on unknown variant {key!r}", known=list(self.model.variants))
            for v in _as_list(value):
                if v not in self.model.variants[key].values and str(v) not in map(str, self.model.variants[key].values):
                    self.fail(f"variant {key} has no value {v!r}", known=list(self.model.variants[key].values))

    def entity(self, name: str):
        """An entity name, or an instance name ('WIC2': the template and an index)."""
        base = str(name).rstrip("0123456789") if str(name) not in self.entities else str(name)
        if base not in self.entities:
            self.fail(f"unknown entity {name!r}", known=list(self.entities))
        return self.entities[base]

    def message(self, name: str):
        if name not in self.model.vocabulary:
            self.fail(f"unknown message {name!r}", known=self.model.vocabulary.names())

    def event(self, pat: dict, role: str):
        names = _as_list(pat.get("entity"))
        classes = [self.entity(n) for n in names]
        cls = classes[0] if len(classes) == 1 else None
        for key in ("from", "not_from", "to"):
            for name in _as_list(pat.get(key)):
                self.entity(name)
        for key in ("receives", "sends"):
            for name in _as_list(pat.get(key)):
                self.message(name)
        for key in ("tag", "not_tag"):
            for tag in _as_list(pat.get(key)):
                if tag not in self.tags:
                    self.fail(f"'{role}' names unknown tag {tag!r}", known=sorted(self.tags))
        if cls is not None:
            for key in ("state", "source"):
                for st in _as_list(pat.get(key)):
                    if st not in cls.states:
                        self.fail(f"'{role}': {cls.name} has no state {st!r}", known=list(cls.states))
            events = {t.on.name for t in cls.transitions if hasattr(t.on, "name")}
            for ev in _as_list(pat.get("event")):
                if ev not in events:
                    self.fail(f"'{role}': {cls.name} has no event {ev!r}", known=sorted(events))
        key = pat.get("key")
        if key is not None and key not in ("peer", "self") and not str(key).startswith("field:"):
            self.fail(f"'{role}': key must be 'peer', 'self' or 'field:NAME', not {key!r}")
        where = pat.get("where", {})
        if where and not isinstance(where, dict):
            self.fail(f"'{role}': 'where' must map message fields to values")

    def pred(self, spec):
        if not isinstance(spec, dict):
            self.fail(f"a state predicate must be a mapping, not {spec!r}")
        if "all" in spec or "any" in spec:
            for part in _as_list(spec.get("all") or spec.get("any")):
                self.pred(part)
            return
        if "not" in spec:
            self.pred(spec["not"])
            return
        if "at_least" in spec:
            self.pred(spec["of"])
            return
        if "channel" in spec:
            self.message(spec["holds"])
            return
        bad = set(spec) - PRED_ATOM_KEYS
        if bad:
            self.fail(f"unknown predicate key(s) {sorted(bad)}", known=sorted(PRED_ATOM_KEYS | {"all", "any", "not", "at_least", "channel"}))
        cls = self.entity(spec.get("entity", "?"))
        for st in _as_list(spec.get("state")):
            if st not in cls.states:
                self.fail(f"{cls.name} has no state {st!r}", known=list(cls.states))
        if "var" in spec:
            var = spec["var"]
            if var not in cls.variables and var not in getattr(cls, "shared", {}):
                self.fail(f"{cls.name} has no variable {var!r}", known=list(cls.variables) + list(cls.shared))
            domain = cls.variables[var] if var in cls.variables else cls.shared[var]
            if "index" in spec:
                domain = sorted({t[spec["index"]] for t in domain}, key=str)
            values = _as_list(spec.get("in")) + ([spec["is"]] if "is" in spec else [])
            for value in values:
                if value not in domain:
                    self.fail(f"{cls.name}.{var} has no value {value!r}", known=list(domain))


# ---- matching compiled actions -------------------------------------------------------------

def _names_match(proc, names: list) -> bool:
    return proc.name in names or proc.template in names


def _fields_match(msg, where: dict) -> bool:
    for k, v in where.items():
        have = msg.get(k)
        wants = _as_list(v)
        if have not in wants and str(have) not in map(str, wants):
            return False
    return True


class _Sent:
    """A match on a sent message: the message and the process it went to."""

    __slots__ = ("msg", "dest")

    def __init__(self, msg, dest):
        self.msg, self.dest = msg, dest


def match_event(pat: dict, ts, aid: int):
    """If action `aid` matches `pat`, the message the match is about (or True); else None."""
    a = ts.actions[aid]
    proc = ts.processes[a.proc]
    if "entity" in pat and not _names_match(proc, _as_list(pat["entity"])):
        return None
    if "event" in pat and (a.kind != "event" or a.trigger not in _as_list(pat["event"])):
        return None
    tags = _as_list(pat.get("tag"))
    if tags and not all(t in a.tags for t in tags):
        return None
    if any(t in a.tags for t in _as_list(pat.get("not_tag"))):
        return None
    if "state" in pat and proc.control(a.target, a.context) not in _as_list(pat["state"]):
        return None
    if "source" in pat and proc.control(a.source, a.context) not in _as_list(pat["source"]):
        return None
    about = True
    received = ts.messages[a.msg] if a.msg is not None else None
    sender = ts.processes[ts.channels[a.channel].sender] if a.channel is not None else None
    if "receives" in pat or "from" in pat or "not_from" in pat:
        if a.kind != "recv":
            return None
        if "receives" in pat and received.name not in _as_list(pat["receives"]):
            return None
        if "from" in pat and not _names_match(sender, _as_list(pat["from"])):
            return None
        if "not_from" in pat and _names_match(sender, _as_list(pat["not_from"])):
            return None
        about = received
    where = pat.get("where") or {}
    if "sends" in pat or "to" in pat:
        names = _as_list(pat.get("sends"))
        dests = _as_list(pat.get("to"))
        hit = None
        for c, m in a.sends:
            msg = ts.messages[m]
            dest = ts.processes[ts.channels[c].receiver]
            if names and msg.name not in names:
                continue
            if dests and not _names_match(dest, dests):
                continue
            if where and not _fields_match(msg, where):
                continue
            hit = _Sent(msg, dest)
            break
        if hit is None:
            return None
        return hit
    if where:
        if received is None or not _fields_match(received, where):
            return None
    return about


def _key_of(pat: dict, default_key, ts, aid: int, hit):
    key = pat.get("key", default_key)
    if key is None:
        return "*"
    a = ts.actions[aid]
    if key == "self":
        return ts.processes[a.proc].index
    if key == "peer":
        if isinstance(hit, _Sent):  # a send: the receiver
            return hit.dest.index
        if a.channel is not None:
            return ts.processes[ts.channels[a.channel].sender].index
        return None
    name = str(key)[len("field:"):]
    msg = hit.msg if isinstance(hit, _Sent) else hit
    if msg is True or msg is None:
        # A pattern on a tag or an event alone: the field of what the action received, else
        # of the first message it sent that has the field.
        candidates = ([ts.messages[a.msg]] if a.msg is not None else []) + [ts.messages[m] for _, m in a.sends]
        return next((m.get(name) for m in candidates if m.get(name) is not None), None)
    return msg.get(name)


class _Entry:
    """One role of a property: which actions it matches and what it does to the monitor."""

    def __init__(self, pat, op, default_key=None, trigger=False, keep=None):
        self.pat, self.op, self.default_key, self.trigger, self.keep = pat, op, default_key, trigger, keep
        entity = pat.get("entity")
        self.entities = set(_as_list(entity)) if entity else None


class MonitorBinder:
    """Turns properties into monitors whose per-action operations are filled in as the
    compiler creates actions (tables are built on demand, so actions appear during search)."""

    def __init__(self, properties: list[Property]):
        self.monitors: list[Monitor] = []
        self.entries: list[list[_Entry]] = []
        self.bits: list[dict] = []
        for prop in properties:
            entries = _entries(prop)
            if entries is None:
                continue
            self.monitors.append(Monitor(prop.id))
            self.entries.append(entries)
            self.bits.append({})

    def ops_for(self, ts, aid: int):
        """((monitor index, ops), ...) for a newly compiled action; records triggers too."""
        a = ts.actions[aid]
        proc = ts.processes[a.proc]
        out = []
        for mk, entries in enumerate(self.entries):
            ops = []
            for e in entries:
                if e.entities is not None and proc.name not in e.entities and proc.template not in e.entities:
                    continue
                hit = match_event(e.pat, ts, aid)
                if hit is None:
                    continue
                if e.trigger:
                    self.monitors[mk].triggers.add(aid)
                if e.keep is not None and not e.keep(ts, aid):
                    continue
                bit = 0
                if e.op != FAIL:
                    key = _key_of(e.pat, e.default_key, ts, aid, hit)
                    bits = self.bits[mk]
                    if key not in bits:
                        bits[key] = len(bits)
                        self.monitors[mk].keys.append(str(key))
                    bit = bits[key]
                if (e.op, bit) not in ops:
                    ops.append((e.op, bit))
            if ops:
                out.append((mk, tuple(sorted(ops, key=lambda o: OP_ORDER[o[0]]))))
        return tuple(out)


def _from_allowed(allowed):
    def keep(ts, aid):
        a = ts.actions[aid]
        if a.channel is None:
            return True  # not a receipt: nothing to forbid
        return not _names_match(ts.processes[ts.channels[a.channel].sender], allowed)

    return keep


def _entries(prop: Property):
    spec = prop.spec
    key = spec.get("key")
    if prop.kind == "absence":
        return [_Entry(p, FAIL) for p in _as_list(spec["event"])]
    if prop.kind == "precedence":
        out = [_Entry(p, ARM, key) for p in _as_list(spec["first"])]
        op = CONSUME if spec.get("consume") else CHECK
        out += [_Entry(p, op, key, trigger=True) for p in _as_list(spec["then"])]
        out += [_Entry(p, DISARM, key) for p in _as_list(spec.get("reset"))]
        return out
    if prop.kind == "response":
        return [_Entry(p, ARM, key, trigger=True) for p in _as_list(spec["trigger"])] + [
            _Entry(p, DISARM, key) for p in _as_list(spec["response"])
        ]
    if prop.kind == "only-from":
        keep = _from_allowed(_as_list(spec["allowed"]))
        return [_Entry(p, FAIL, trigger=True, keep=keep) for p in _as_list(spec["accept"])]
    return None


def bind(ts, properties: list[Property]):
    """(monitor binder, invariant predicates) for the properties that apply."""
    invariants = [
        (prop.id, build_pred(prop.spec["never"], ts, prop)) for prop in properties if prop.kind == "invariant"
    ]
    return MonitorBinder(properties), invariants


def build_pred(spec: dict, ts, prop: Property) -> Pred:
    if "all" in spec:
        return And(tuple(build_pred(p, ts, prop) for p in _as_list(spec["all"])))
    if "any" in spec:
        return Or(tuple(build_pred(p, ts, prop) for p in _as_list(spec["any"])))
    if "not" in spec:
        return Not(build_pred(spec["not"], ts, prop))
    if "at_least" in spec:
        atoms = _instance_atoms(spec["of"], ts)
        return AtLeast(int(spec["at_least"]), tuple(atoms))
    if "channel" in spec:
        names = [c for c in ts.channels if c.name == spec["channel"]]
        if not names:
            return FALSE  # this configuration has no such channel: it can hold nothing
        return ChannelHolds(names[0].index, spec["holds"], f"{spec['channel']} holds {spec['holds']}")
    atoms = _instance_atoms(spec, ts)
    return atoms[0] if len(atoms) == 1 else Or(tuple(atoms))


def _instance_atoms(spec: dict, ts) -> list[Pred]:
    states = frozenset(_as_list(spec.get("state"))) or None
    var = spec.get("var")
    values = frozenset(_as_list(spec.get("in")) + ([spec["is"]] if "is" in spec else [])) if var else None
    atoms = []
    for p in ts.processes_named(spec["entity"]):
        proc = ts.processes[p]
        label = f"{proc.name}" + (f" in {'/'.join(sorted(states))}" if states else "") + (
            f" with {var} in {sorted(map(str, values))}" if var else ""
        )
        atoms.append(LocalIn(p, states, var, values, label, spec.get("index")))
    return atoms or [FALSE]
