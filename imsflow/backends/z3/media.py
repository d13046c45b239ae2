"""Media negotiation as constraints: every combination of the two ends' capabilities, not just
the one a flow happens to use.

The two ends (the WIC and the far end) each get Z3 variables: a transport profile and the set
of codecs they support (within what their profile can carry).  The network's decision - does
the session control insert the internal media IWF, and which codec does each leg end up with -
is read from the compiled TransitionSystem: every action of the deciding entity (the S-CSCF)
that receives the far side's SDP while it remembers the near side's profile is one row of the
rule, keyed by the two profiles.  A profile pair that no compiled action covers is left free
(the model does not say what happens), so it shows up as a counterexample instead of being
assumed right.  Two requirements are then checked over all combinations:

  * the IWF is invoked if and only if the two profiles differ;
  * each leg shares a codec with its end: after interworking, the codec the near leg is given
    is one the WIC supports and the far leg's one the far end supports; without interworking,
    the two ends have a codec in common.

Each violating combination is reported (all of them, by blocking and asking again) with the
compiled action that decided it, when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import z3


@dataclass(frozen=True)
class MediaSpec:
    profiles: tuple = ("webrtc", "ims")
    codecs: tuple = ("opus", "amrwb")
    carries: dict = field(default_factory=lambda: {"webrtc": ("opus",), "ims": ("amrwb",)})
    decider: str = "S-CSCF"  # the entity that detects the mismatch and invokes the IWF
    near_var: str = "a"  # its variable remembering the WIC side's profile
    iwf_message: str = "MRF_INIT"
    update_message: str = "MRF_UPDATE"  # carries the far leg's codec after interworking
    wic_side: tuple = ("P-CSCF",)  # SDP received from these comes from the WIC (inbound answer)


@dataclass
class Row:
    near: str  # WIC side's profile
    far: str  # far side's profile (from the received SDP)
    invokes: bool
    near_codec: str | None  # the codec the WIC's leg is given
    far_codec: str | None  # the codec the far leg keeps or is given
    action: str  # what decided it, for the report


@dataclass
class Violation:
    requirement: str
    near_profile: str
    far_profile: str
    near_codecs: tuple
    far_codecs: tuple
    row: Row | None

    def text(self) -> str:
        how = f"decided by {self.row.action}" if self.row else "no compiled action covers this pair: unspecified"
        return (f"{self.requirement}: WIC {self.near_profile} {list(self.near_codecs)}, far end "
                f"{self.far_profile} {list(self.far_codecs)} ({how})")


def read_rule(ts, spec: MediaSpec) -> dict:
    """(near profile, far profile) -> Row, from the decider's compiled actions."""
    rows: dict = {}
    procs = [p for p, proc in enumerate(ts.processes) if proc.template == spec.decider]
    update_codecs = {ts.messages[m].get("codec") for a in ts.actions if a.proc in procs
                     for _, m in a.sends if ts.messages[m].name == spec.update_message}
    update_codecs.discard(None)
    toward_wic: dict = {}  # profile -> codec of SDP the decider sends towards the WIC side
    for a in ts.actions:
        if a.proc in procs:
            for c, m in a.sends:
                msg = ts.messages[m]
                if ts.processes[ts.channels[c].receiver].template in spec.wic_side and msg.get("profile"):
                    toward_wic.setdefault(msg.get("profile"), msg.get("codec"))
    # Decision points: receipts (message, sender, control state) where at least one compiled
    # outcome invokes the IWF - the S-CSCF's "detects a mismatch" step, not every SDP it relays.
    def point(a):
        proc = ts.processes[a.proc]
        return (a.proc, ts.messages[a.msg].name, ts.channels[a.channel].sender, proc.local_label(a.source).split("{")[0])

    deciding = {point(a) for a in ts.actions if a.proc in procs and a.kind == "recv"
                and any(ts.messages[m].name == spec.iwf_message for _, m in a.sends)}
    for a in ts.actions:
        if a.proc not in procs or a.kind != "recv" or point(a) not in deciding:
            continue
        proc = ts.processes[a.proc]
        msg = ts.messages[a.msg]
        far = msg.get("profile")
        if far is None:
            continue
        # The view of the context the message belongs to (per-WIC contexts), else the only one.
        views = proc.views(a.source)
        view = next((v for ctx, _, v in views if ctx is not None and ctx == msg.get("wic")), views[0][2])
        remembered = view.get(spec.near_var)
        if remembered is None:
            continue
        # Outbound the decider remembers the WIC's offer and receives the far answer; inbound
        # it remembers the far offer and receives the WIC's answer from the WIC side.
        from_wic = ts.processes[ts.channels[a.channel].sender].template in spec.wic_side
        near, far = (far, remembered) if from_wic else (remembered, far)
        sent = [ts.messages[m] for _, m in a.sends]
        invokes = any(m.name == spec.iwf_message for m in sent)
        # The WIC's leg: its own answer's codec (inbound), else the SDP of the WIC's profile the
        # decider sends towards the WIC side.  The far leg: the codec the IWF is updated with,
        # else the far end's own.
        near_codec = msg.get("codec") if from_wic else toward_wic.get(near)
        if invokes:
            far_codec = next(iter(sorted(update_codecs)), None)
        else:
            far_codec = msg.get("codec") if not from_wic else near_codec
        row = Row(near, far, invokes, near_codec, far_codec, f"{proc.name}: {ts.action_text(a.id)}")
        rows.setdefault((near, far), row)
    return rows


def check(ts, spec: MediaSpec | None = None, *, limit: int = 50) -> tuple[list[Violation], dict]:
    """Every capability combination that breaks a requirement, and the rule that was read
    (empty when the decider never invokes the IWF in this configuration, e.g. iwf=external)."""
    spec = spec or MediaSpec()
    rows = read_rule(ts, spec)
    if not rows:
        return [], rows  # this configuration never invokes the IWF from the decider: nothing to check
    P, C = list(spec.profiles), list(spec.codecs)
    pw, pf = z3.Int("profile.wic"), z3.Int("profile.far")
    sw = {c: z3.Bool(f"wic.supports.{c}") for c in C}
    sf = {c: z3.Bool(f"far.supports.{c}") for c in C}
    base = [pw >= 0, pw < len(P), pf >= 0, pf < len(P)]
    for prof_var, sup in ((pw, sw), (pf, sf)):
        for i, prof in enumerate(P):
            carried = spec.carries.get(prof, tuple(C))
            # An end supports only codecs its profile carries, and at least one of them.
            base.append(z3.Implies(prof_var == i, z3.And(
                z3.Or([sup[c] for c in carried] or [z3.BoolVal(False)]),
                z3.And([z3.Not(sup[c]) for c in C if c not in carried] or [z3.BoolVal(True)]))))
    # The network's rule: a row per profile pair; uncovered pairs are free variables.
    invokes, near_ok, far_ok = z3.BoolVal(False), z3.BoolVal(False), z3.BoolVal(False)
    for i, a in enumerate(P):
        for j, b in enumerate(P):
            here = z3.And(pw == i, pf == j)
            row = rows.get((a, b))
            if row is None:
                inv = z3.Bool(f"unspecified.invokes.{a}.{b}")
                nok = z3.Bool(f"unspecified.near.{a}.{b}")
                fok = z3.Bool(f"unspecified.far.{a}.{b}")
            else:
                inv = z3.BoolVal(row.invokes)
                nok = sw[row.near_codec] if row.near_codec in sw else z3.BoolVal(False)
                fok = sf[row.far_codec] if row.far_codec in sf else z3.BoolVal(False)
            invokes = z3.If(here, inv, invokes)
            near_ok = z3.If(here, nok, near_ok)
            far_ok = z3.If(here, fok, far_ok)
    common = z3.Or([z3.And(sw[c], sf[c]) for c in C])
    requirements = {
        "the IWF is invoked if and only if the profiles differ": invokes == (pw != pf),
        "after interworking each leg shares a codec with its end": z3.Implies(invokes, z3.And(near_ok, far_ok)),
        "without interworking the two ends share a codec": z3.Implies(z3.Not(invokes), common),
    }
    found: list[Violation] = []
    for name, req in requirements.items():
        solver = z3.Solver()
        solver.add(base)
        solver.add(z3.Not(req))
        while len(found) < limit and solver.check() == z3.sat:
            m = solver.model()
            a, b = P[m.eval(pw).as_long()], P[m.eval(pf).as_long()]
            nw = tuple(c for c in C if z3.is_true(m.eval(sw[c], model_completion=True)))
            nf = tuple(c for c in C if z3.is_true(m.eval(sf[c], model_completion=True)))
            found.append(Violation(name, a, b, nw, nf, rows.get((a, b))))
            # Block this capability combination and ask for the next.
            solver.add(z3.Not(z3.And(pw == P.index(a), pf == P.index(b),
                                     *[sw[c] == (c in nw) for c in C], *[sf[c] == (c in nf) for c in C])))
    return found, rows
