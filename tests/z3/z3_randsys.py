"""Random small systems for differential testing of the explicit and Z3 engines.

A hypothesis strategy draws a plain description (processes, states, a variable, channels,
transitions, properties); `build` turns it into real Entity subclasses, a Model and properties,
compiled by the same compiler the seed model goes through.  Keeping the description plain
data makes hypothesis's shrunk examples readable.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from imsflow.authoring import Composition, Entity, MessageType, Model, T, Vocabulary, event, recv
from imsflow.compiler import compile_model
from imsflow.patterns.bind import bind
from imsflow.patterns.spec import BUILTINS, Property

_common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
               print_blob=True)
settings.register_profile("ci", max_examples=200, **_common)
settings.register_profile("nightly", max_examples=3000, **_common)


def differential_settings():
    """The profile named by --hypothesis-profile if it is one of ours, else "ci" (rather than
    hypothesis's own default of 100 examples); applied to the differential tests only."""
    name = settings.get_current_profile_name()
    return settings.get_profile(name if name in ("ci", "nightly") else "ci")


MESSAGES = ("M0", "M1")
EVENTS = ("e0", "e1")


@st.composite
def descriptions(draw):
    n = draw(st.integers(2, 4))
    procs = []
    for i in range(n):
        procs.append({
            "name": f"P{i}",
            "states": draw(st.integers(2, 3)),
            "var": draw(st.booleans()),
        })
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    links = draw(st.lists(st.tuples(st.sampled_from(pairs), st.sampled_from(MESSAGES)), min_size=1, max_size=4,
                          unique=True))
    links = [(a, b, m) for (a, b), m in links]
    for p, proc in enumerate(procs):
        k = proc["states"]
        state = st.integers(0, k - 1)
        mine_in = [lk for lk in links if lk[1] == p]
        mine_out = [lk for lk in links if lk[0] == p]
        triggers = [("event", e) for e in EVENTS] + [("recv", lk[0], lk[2]) for lk in mine_in]
        trans = draw(st.lists(st.fixed_dictionaries({
            "src": state, "dst": state,
            "on": st.sampled_from(triggers),
            "guard": st.sampled_from([None, 0, 1]) if proc["var"] else st.just(None),
            "flip": st.booleans() if proc["var"] else st.just(False),
            "sends": st.lists(st.sampled_from(mine_out), max_size=2) if mine_out else st.just([]),
        }), min_size=1, max_size=5))
        # Every link is received somewhere, or the compiler rejects the model.
        for a, b, m in mine_in:
            if not any(t["on"] == ("recv", a, m) for t in trans):
                trans.append({"src": draw(state), "dst": draw(state), "on": ("recv", a, m), "guard": None,
                              "flip": False, "sends": []})
        proc["transitions"] = trans
        proc["ends"] = draw(st.lists(state, max_size=k, unique=True))
    set_pairs = draw(st.lists(st.sampled_from(sorted({(a, b) for a, b, _ in links})), max_size=1, unique=True))
    capacity = draw(st.integers(1, 2))
    props = draw(st.lists(properties(n, procs, links), min_size=1, max_size=4))
    return {"procs": procs, "links": links, "set_pairs": set_pairs, "capacity": capacity, "props": props}


def properties(n, procs, links):
    proc = st.integers(0, n - 1)

    def atom(p, s):
        return {"entity": f"P{p}", "state": f"s{s % procs[p]['states']}"}

    atoms = st.builds(atom, proc, st.integers(0, 2))
    chan = st.sampled_from([{"channel": f"P{a}->P{b}", "holds": m} for a, b, m in links])
    never = st.one_of(atoms, chan, st.builds(lambda x, y: {"all": [x, y]}, atoms, atoms),
                      st.builds(lambda x, y: {"any": [x, {"not": y}]}, atoms, atoms))

    def pattern(p, kind, x):
        if kind == "event":
            return {"entity": f"P{p}", "event": EVENTS[x % 2]}
        if kind == "state":
            return {"entity": f"P{p}", "state": f"s{x % procs[p]['states']}"}
        ins = [lk for lk in links if lk[1] == p] or links
        a, b, m = ins[x % len(ins)]
        return {"entity": f"P{b}", "receives": m, "from": f"P{a}"}

    pat = st.builds(pattern, proc, st.sampled_from(["event", "state", "recv"]), st.integers(0, 5))
    return st.one_of(
        st.builds(lambda nv: ("invariant", {"never": nv}), never),
        st.builds(lambda f, t: ("precedence", {"first": f, "then": t}), pat, pat),
        st.builds(lambda e: ("absence", {"event": e}), pat),
        st.builds(lambda g: ("reachability", {"goal": g}), pat),
        st.builds(lambda g: ("reachability", {"goal_state": g}), atoms),
    )


def _entity(desc: dict) -> type:
    k = desc["states"]
    transitions = []
    for i, t in enumerate(desc["transitions"]):
        on = event(t["on"][1]) if t["on"][0] == "event" else recv(f"P{t['on'][1]}", t["on"][2])
        guard = None if t["guard"] is None else (lambda e, g=t["guard"]: e.v.x == g)

        def effect(e, t=t):
            if t["flip"]:
                e.v.x = 1 - e.v.x
            for _, b, m in t["sends"]:
                e.send(f"P{b}", m)

        transitions.append(T(f"s{t['src']}", f"s{t['dst']}", on=on, when=guard, do=effect,
                             name=f"t{i}", where=f"random:{desc['name']}:{i}"))
    return type(f"Random{desc['name']}", (Entity,), {
        "name": desc["name"], "states": [f"s{i}" for i in range(k)], "initial": "s0",
        "end_states": [f"s{i}" for i in desc["ends"]],
        "variables": {"x": (0, 1)} if desc["var"] else {},
        "transitions": transitions,
    })


def build(desc: dict):
    """(TransitionSystem, properties) for a description."""
    classes = [_entity(p) for p in desc["procs"]]
    kinds = {}
    for a, b in desc["set_pairs"]:
        kinds[(f"P{a}", f"P{b}")] = "set"

    def compose(config):
        return Composition(entities=[c(config) for c in classes], capacity=desc["capacity"], channel_kinds=kinds)

    model = Model(
        name="random", entities=classes,
        vocabulary=Vocabulary([MessageType(m, "test", "a random message") for m in MESSAGES]),
        compose=compose,
    )
    props = [p for p in BUILTINS if p.kind in ("deadlock", "handled")]
    for i, (kind, spec) in enumerate(desc["props"]):
        props.append(Property(id=f"{kind}-{i}", statement="random", kind=kind, clause="random", spec=spec))
    config = model.config(None, {}, 1)
    return compile_model(model, config, props, bind=bind), props
