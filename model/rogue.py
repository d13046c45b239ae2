"""ROGUE - a node that tries to reach the P-CSCF or the WST without being trusted (variant
rogue=yes): it claims WIC 1's identity and trusted-node status in a REGISTER, sends an INVITE in
its name, opens a WebSocket from a script of an unauthorised origin, and sends the WST an INVITE
as if it came from the IMS.  Not in the seed: it is what "trusted-node authentication only from
the translator" (6.1.3) must be checked against.
"""

from imsflow.authoring import Entity, T, event, recv

from . import scenario

ANSWERS_PCSCF = ["401", "403", "200(REGISTER)", "183", "180", "200(PRACK)", "200(UPDATE)", "200(INVITE)",
                 "486", "487", "488", "606", "480", "BYE", "200(BYE)", "INVITE", "CANCEL", "ACK", "PRACK", "UPDATE"]
ANSWERS_WST = ["WSS_ACCEPT", "WSS_REJECT", "403", "480"]


def _rogue(e):
    return e.config.rogue == "yes"


def _registration_attack(e):
    """Against a registration flow it claims trusted-node registration and opens a WebSocket."""
    return _rogue(e) and scenario.is_registration(e.config)


def _session_attack(e):
    """Against a session flow it calls in WIC 1's name, and calls the WST as if from IMS."""
    return _rogue(e) and not scenario.is_registration(e.config)


class ROGUE(Entity):
    """An untrusted node (attacker).

    It launches its whole attack in one step.  Each of its messages waits in its own channel
    (ROGUE -> P-CSCF, ROGUE -> WST) until the receiver takes it, and a receiver reads its input
    channels in any order, so a message sent at once can arrive at every point a later send
    could: separate steps per message would only add orders no other entity can tell apart.
    The answers it gets go to message sets (see `compose`): the attacker ignores them, so it
    never has to read them, and no run waits on it reading them either.
    """

    name = "ROGUE"
    standard = "not a standard behaviour: the attacker of 6.1.3's trust boundary"
    clause = "6.1.3 (trusted node)"
    states = ["lurking", "attacked"]
    initial = "lurking"
    end_states = ["lurking", "attacked"]

    def registration_attack(self):
        self.send("P-CSCF", "REGISTER", wic=1, impu=1, cred="none", token="none", tna="claimed", response="none")
        self.send("WST", "WSS_CONNECT", wic=1, origin="rogue")

    def session_attack(self):
        self.send("P-CSCF", "INVITE", wic=1, caller=1, callee=0, profile="webrtc", codec="opus")
        self.send("WST", "INVITE", wic=1, caller=0, callee=1, profile="ims", codec="amrwb")

    transitions = [
        T("lurking", "attacked", on=event("attack"), when=_registration_attack, do="registration_attack",
          note="claims trusted-node registration as WIC 1 and opens a WebSocket from an unauthorised origin"),
        T("lurking", "attacked", on=event("attack"), when=_session_attack, do="session_attack",
          note="calls in WIC 1's name, and calls the WST as if from IMS"),
        *[T("*", None, on=recv("P-CSCF", m), note="the attacker ignores it") for m in ANSWERS_PCSCF],
        *[T("*", None, on=recv("WST", m), note="the attacker ignores it") for m in ANSWERS_WST],
    ]
