"""ROGUE - the intruder (variant rogue=yes; always present when `imsflow check` decides a
security property, see model/trust.py).  Not in the seed: it is what "trusted-node
authentication only from the translator" (6.1.3), the Origin check of 6.X.2.1 and the token
verification of 6.X.2.2.3 must be checked against.

Its repertoire is not written here: it is every attack model/trust.py lists for a reference
point that is not trusted, so moving the trust boundary there changes what it can do.  It sends
at most `trust.INJECTIONS` of them per run, in any order and at any point of the run.
"""

from imsflow.authoring import Entity, T, event, recv

from . import scenario, trust

ANSWERS_PCSCF = ["401", "403", "200(REGISTER)", "183", "180", "200(PRACK)", "200(UPDATE)", "200(INVITE)",
                 "486", "487", "488", "606", "480", "BYE", "200(BYE)", "INVITE", "CANCEL", "ACK", "PRACK", "UPDATE"]
ANSWERS_WST = ["WSS_ACCEPT", "WSS_REJECT", "403", "480"]


def _worth_trying(attack, config) -> bool:
    """An attack on registration against a registration flow, one on sessions against a session flow."""
    if attack.flows == "any":
        return True
    return (attack.flows == "registration") == scenario.is_registration(config)


def _can_send(attack):
    def guard(e):
        return e.config.rogue == "yes" and e.v.sent < trust.INJECTIONS and _worth_trying(attack, e.config)

    guard.__name__ = "can_send"
    return guard


def _send(receiver, attack):
    def act(e):
        e.v.sent += 1
        e.send(receiver, attack.message, **attack.fields)

    act.__name__ = "inject"
    return act


class ROGUE(Entity):
    """The intruder: a node that is not trusted, on every reference point that is not protected.

    The answers it gets go to message sets (see `compose`): it ignores them, so it never has to
    read them, and no run waits on it reading them either.
    """

    name = "ROGUE"
    standard = "not a standard behaviour: the intruder at the trust boundary (model/trust.py)"
    clause = "6.1.3 (trusted node); 6.X.2.1 (Origin); 6.X.2.2.3 (token)"
    states = ["lurking"]
    initial = "lurking"
    end_states = ["lurking"]
    variables = {"sent": tuple(range(trust.INJECTIONS + 1))}  # messages injected so far

    # One event per attack: an entity takes the first transition of an event whose guard holds,
    # so attacks sharing one event name would hide all but the first.
    transitions = [
        *[T("lurking", None, on=event(attack.event), when=_can_send(attack), do=_send(rp.receiver, attack),
            note=f"{attack.name} ({rp.name}; {attack.why})") for rp, attack in trust.attacks()],
        *[T("*", None, on=recv("P-CSCF", m), note="the intruder ignores it") for m in ANSWERS_PCSCF],
        *[T("*", None, on=recv("WST", m), note="the intruder ignores it") for m in ANSWERS_WST],
    ]
