"""Properties -> monitors and predicates over one compiled TransitionSystem.

`bind(ts, properties)` turns the event patterns into bitset monitors and the state patterns
into predicates, for one configuration.  The names the patterns use were checked against the
model when it was loaded (patterns/validate.py).
"""

from __future__ import annotations

from ..system.monitor import ARM, CHECK, CONSUME, DISARM, FAIL, OP_ORDER, Monitor
from ..system.predicates import FALSE, And, AtLeast, ChannelHolds, LocalIn, Not, Or, Pred
from .spec import Property

MONITORED = ("absence", "precedence", "response", "only-from")


def _as_list(v) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


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
    receives = "receives" in pat or "from" in pat or "not_from" in pat
    if receives:
        if a.kind != "recv":
            return None
        if "receives" in pat and received.name not in _as_list(pat["receives"]):
            return None
        if "from" in pat and not _names_match(sender, _as_list(pat["from"])):
            return None
        if "not_from" in pat and _names_match(sender, _as_list(pat["not_from"])):
            return None
        # `where` is written under the received message (patterns/spec.py).
        if pat.get("where") and not _fields_match(received, pat["where"]):
            return None
        about = received
    if "sends" in pat or "to" in pat:
        names = _as_list(pat.get("sends"))
        dests = _as_list(pat.get("to"))
        # The sent message is read by `sent_where`, and by `where` in a pattern that only sends.
        sent_where = pat.get("sent_where") or ({} if receives else pat.get("where")) or {}
        for c, m in a.sends:
            msg = ts.messages[m]
            dest = ts.processes[ts.channels[c].receiver]
            if names and msg.name not in names:
                continue
            if dests and not _names_match(dest, dests):
                continue
            if sent_where and not _fields_match(msg, sent_where):
                continue
            return _Sent(msg, dest)
        return None
    if not receives and pat.get("where"):
        if received is None or not _fields_match(received, pat["where"]):
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
