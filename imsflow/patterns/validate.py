"""Every name a property uses, checked against the model once, when the model is loaded.

A property that names a message, a field, a value, an entity, a state, a variable, a tag, an
event, a flow or a variant value the model does not have could never match anything: it would
hold (or be vacuous) silently.  `validate(properties, model)` turns each such name into a
PropertyError (exit 2) that gives the file and line of the offending field, what exists, and
the closest known names ("did you mean 'cred'?").

Field conditions are checked against the message they are written under (patterns/spec.py):
`where` against the received message when the pattern receives, else the sent one;
`sent_where` against the sent message.  Every message a pattern names must have the field and
the value must lie in its declared domain (model/messages.py), or the pattern would skip that
message without a word.
"""

from __future__ import annotations

from ..errors import PropertyError
from .spec import EVENT_ROLES, PRED_ATOM_KEYS, Property, did_you_mean

RECEIVING = ("receives", "from", "not_from")
SENDING = ("sends", "to")
PRED_FORMS = {"all": {"all"}, "any": {"any"}, "not": {"not"}, "at_least": {"at_least", "of"},
              "channel": {"channel", "holds"}}


def as_list(v) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


def validate(properties: list[Property], model) -> None:
    """Raise PropertyError for the first name of any property that the model does not have."""
    tags = set(getattr(model, "tags", {}) or {})
    for cls in model.entities:
        for t in cls.transitions:
            tags.update(t.tags)
    entities = {cls.name: cls for cls in model.entities}
    for prop in properties:
        _Validator(prop, model, entities, tags).run()


def _items(value, path: tuple):
    """(element, its path) for a value written as one item or as a list of items."""
    if isinstance(value, (list, tuple)):
        return [(v, path + (i,)) for i, v in enumerate(value)]
    return [(value, path)]


class _Validator:
    def __init__(self, prop: Property, model, entities: dict, tags: set):
        self.prop, self.model, self.entities, self.tags = prop, model, entities, tags
        self.vocabulary = model.vocabulary

    def fail(self, path: tuple, what: str, known=None, name=None, hint=None):
        if hint is None and name is not None and known:
            hint = did_you_mean(name, known)
        raise PropertyError(f"property {self.prop.id!r}: {what}", where=self.prop.where(*path), known=known,
                            hint=hint)

    def run(self):
        prop, spec = self.prop, self.prop.spec
        for flow, path in _items(list(prop.flows), ("flows",)):
            self.flow(flow, path)
        for i, rule in enumerate(prop.expected):
            self.when(rule.get("when") or {}, ("expected", i, "when"))
        self.when(prop.applies or {}, ("applies",))
        if "consume" in spec and not isinstance(spec["consume"], bool):
            self.fail(("consume",), f"'consume' must be true or false, not {spec['consume']!r}")
        for role in EVENT_ROLES:
            for pat, path in _items(spec.get(role), (role,)) if role in spec else []:
                self.event(pat, path, spec.get("key"))
        if "key" in spec:
            self.key_form(spec["key"], ("key",))
        for name, path in _items(spec.get("allowed"), ("allowed",)) if "allowed" in spec else []:
            self.entity(name, path)
        for role in ("never", "goal_state"):
            if role in spec:
                self.pred(spec[role], (role,))

    # ---- names ------------------------------------------------------------------------------
    def flow(self, flow, path):
        if flow not in self.model.flows:
            self.fail(path, f"unknown flow {flow!r}", known=list(self.model.flows), name=flow)

    def when(self, when, path: tuple):
        if not isinstance(when, dict):
            self.fail(path, f"a condition must map variant names to values, not {when!r}")
        variants = self.model.variants
        for key, value in when.items():
            at = path + (key,)
            if key == "flow":
                for flow, p in _items(value, at):
                    self.flow(flow, p)
                continue
            if key == "wics":
                for n, p in _items(value, at):
                    if not isinstance(n, int) or not 1 <= n <= self.model.max_wics:
                        self.fail(p, f"'wics' must be a number in 1..{self.model.max_wics}, not {n!r}")
                continue
            if key not in variants:
                known = ["flow", "wics", *variants]
                self.fail(at, f"condition on unknown variant {key!r}", known=known, name=key)
            values = variants[key].values
            for v, p in _items(value, at):
                if v not in values and str(v) not in map(str, values):
                    self.fail(p, f"variant {key} has no value {v!r}", known=list(values), name=v)

    def entity(self, name, path):
        """An entity name, or an instance name ('WIC2': the template and an index)."""
        text = str(name)
        base = text if text in self.entities else text.rstrip("0123456789")
        if base not in self.entities:
            self.fail(path, f"unknown entity {name!r}", known=list(self.entities), name=name)
        return self.entities[base]

    def message(self, name, path):
        if name in self.vocabulary:
            return self.vocabulary.types[name]
        known = self.vocabulary.names()
        if str(name) in self.vocabulary:
            self.fail(path, f"message {name!r} is written as a number", hint=f'quote it: "{name}"')
        self.fail(path, f"unknown message {name!r}", known=known, name=name)

    def tag(self, tag, path):
        if tag not in self.tags:
            self.fail(path, f"unknown tag {tag!r}", known=sorted(self.tags), name=tag)

    # ---- event patterns -----------------------------------------------------------------------
    def event(self, pat: dict, path: tuple, default_key):
        classes = [self.entity(n, p) for n, p in _items(pat.get("entity"), path + ("entity",))] \
            if "entity" in pat else list(self.entities.values())
        for key in ("from", "not_from", "to"):
            for n, p in _items(pat.get(key), path + (key,)) if key in pat else []:
                self.entity(n, p)
        received = [self.message(n, p) for n, p in _items(pat.get("receives"), path + ("receives",))] \
            if "receives" in pat else []
        sent = [self.message(n, p) for n, p in _items(pat.get("sends"), path + ("sends",))] if "sends" in pat else []
        for key in ("tag", "not_tag"):
            for t, p in _items(pat.get(key), path + (key,)) if key in pat else []:
                self.tag(t, p)
        self.states(pat, path, classes)
        self.events(pat, path, classes)
        receives = any(k in pat for k in RECEIVING)
        sends = any(k in pat for k in SENDING)
        if "where" in pat:
            if receives and not received:
                self.fail(path + ("where",), "'where' reads the received message: name it with 'receives'")
            if not receives and not sent:
                self.fail(path + ("where",), "'where' needs 'receives' or 'sends' naming the message it reads")
            self.fields(pat["where"], path + ("where",), received if receives else sent)
        if "sent_where" in pat:
            if not sent:
                self.fail(path + ("sent_where",), "'sent_where' reads the sent message: name it with 'sends'")
            self.fields(pat["sent_where"], path + ("sent_where",), sent)
        key = pat.get("key", default_key)
        if key is not None:
            at = path + ("key",) if "key" in pat else ("key",)
            self.key_form(key, at)
            if str(key).startswith("field:"):
                self.key_field(str(key)[len("field:"):], at, sent if sends else received)

    def states(self, pat, path, classes):
        known = sorted({s for c in classes for s in c.states})
        for key in ("state", "source"):
            for st, p in _items(pat.get(key), path + (key,)) if key in pat else []:
                if st not in known:
                    who = "/".join(c.name for c in classes) if len(classes) < len(self.entities) else "no entity"
                    self.fail(p, f"{who} has no state {st!r}", known=known, name=st)

    def events(self, pat, path, classes):
        known = sorted({t.on.name for c in classes for t in c.transitions if hasattr(t.on, "name")})
        for ev, p in _items(pat.get("event"), path + ("event",)) if "event" in pat else []:
            if ev not in known:
                who = "/".join(c.name for c in classes) if len(classes) < len(self.entities) else "no entity"
                self.fail(p, f"{who} has no event {ev!r}", known=known, name=ev)

    def fields(self, where, path, messages):
        if not isinstance(where, dict):
            self.fail(path, "a field condition must map message fields to values")
        for name, value in where.items():
            for mtype in messages:
                if name not in mtype.fields:
                    self.fail(path + (name,), f"message {mtype.name} has no field {name!r}",
                              known=list(mtype.fields), name=name)
                domain = mtype.fields[name]
                for v, p in _items(value, path + (name,)):
                    if v not in domain and str(v) not in map(str, domain):
                        self.fail(p, f"{mtype.name}.{name} has no value {v!r}", known=list(domain), name=v)

    def key_form(self, key, path):
        if key not in ("peer", "self") and not str(key).startswith("field:"):
            self.fail(path, f"key must be 'peer', 'self' or 'field:NAME', not {key!r}")

    def key_field(self, name, path, messages):
        if messages:
            for mtype in messages:
                if name not in mtype.fields:
                    self.fail(path, f"key field {name!r}: message {mtype.name} has no such field",
                              known=list(mtype.fields), name=name)
            return
        # A pattern on a tag or an event alone reads the field of whatever the action received
        # or sent: it must at least be a field some message has.
        every = sorted({f for t in self.vocabulary.types.values() for f in t.fields})
        if name not in every:
            self.fail(path, f"key field {name!r} is a field of no message", known=every, name=name)

    # ---- state predicates ---------------------------------------------------------------------
    def pred(self, spec, path: tuple):
        if not isinstance(spec, dict):
            self.fail(path, f"a state predicate must be a mapping, not {spec!r}")
        form = next((f for f in PRED_FORMS if f in spec), None)
        if form is not None:
            extra = set(spec) - PRED_FORMS[form]
            if extra:
                name = sorted(extra, key=str)[0]
                self.fail(path + (name,), f"'{form}' cannot be combined with {name!r}")
            if form in ("all", "any"):
                for part, p in _items(spec[form], path + (form,)):
                    self.pred(part, p)
            elif form == "not":
                self.pred(spec["not"], path + ("not",))
            elif form == "at_least":
                k = spec["at_least"]
                if not isinstance(k, int) or k < 1:
                    self.fail(path + ("at_least",), f"'at_least' must be a positive number, not {k!r}")
                if "of" not in spec:
                    self.fail(path, "'at_least' needs 'of' (an atom over a template entity)")
                self.pred(spec["of"], path + ("of",))
            else:
                self.channel(spec, path)
            return
        bad = set(spec) - PRED_ATOM_KEYS
        if bad:
            name = sorted(bad, key=str)[0]
            known = sorted(PRED_ATOM_KEYS | set(PRED_FORMS) | {"of", "holds"})
            self.fail(path + (name,), f"unknown predicate key {name!r}", known=known, name=name)
        if "entity" not in spec:
            self.fail(path, "a state atom needs 'entity'")
        cls = self.entity(spec["entity"], path + ("entity",))
        for st, p in _items(spec.get("state"), path + ("state",)) if "state" in spec else []:
            if st not in cls.states:
                self.fail(p, f"{cls.name} has no state {st!r}", known=list(cls.states), name=st)
        if ("is" in spec or "in" in spec or "index" in spec) and "var" not in spec:
            self.fail(path, "'is', 'in' and 'index' need 'var'")
        if "var" in spec:
            self.variable(cls, spec, path)

    def variable(self, cls, spec, path):
        var, shared = spec["var"], getattr(cls, "shared", {}) or {}
        if var not in cls.variables and var not in shared:
            known = list(cls.variables) + list(shared)
            self.fail(path + ("var",), f"{cls.name} has no variable {var!r}", known=known, name=var)
        domain = cls.variables[var] if var in cls.variables else shared[var]
        if "index" in spec:
            index = spec["index"]
            width = min((len(t) for t in domain if isinstance(t, tuple)), default=0)
            if not isinstance(index, int) or not 0 <= index < width:
                self.fail(path + ("index",), f"{cls.name}.{var}: index must be in 0..{width - 1}, not {index!r}")
            domain = sorted({t[index] for t in domain}, key=str)
        values = [(v, p) for v, p in _items(spec.get("in"), path + ("in",))] if "in" in spec else []
        if "is" in spec:
            values.append((spec["is"], path + ("is",)))
        for value, p in values:
            if value not in domain:
                self.fail(p, f"{cls.name}.{var} has no value {value!r}", known=list(domain), name=value)

    def channel(self, spec, path):
        name = str(spec["channel"])
        ends = name.split("->")
        if len(ends) != 2:
            self.fail(path + ("channel",), f"a channel is written 'SENDER->RECEIVER', not {name!r}")
        for end in ends:
            self.entity(end, path + ("channel",))
        if "holds" not in spec:
            self.fail(path, "'channel' needs 'holds' (a message name)")
        self.message(spec["holds"], path + ("holds",))
