"""ROGUE - a node that tries to reach the P-CSCF or the WST without being trusted (variant
rogue=yes): it claims WIC 1's identity and trusted-node status in a REGISTER, sends an INVITE in
its name, opens a WebSocket from a script of an unauthorised origin, and sends the WST an INVITE
as if it came from the IMS.  Not in the seed: it is what "trusted-node authentication only from
the translator" (6.1.3) must be checked against.
"""

from imsflow.authoring import Entity, T, event, recv

from . import scenario

ANSWERS_PCSCF = ["401", "403", "200(REGISTER)", "183", "180", "200(PRACK)", "200(UPDATE)", "200(INVITE)",
                 "486", "487", "488", "480", "BYE", "200(BYE)", "INVITE", "CANCEL", "ACK", "PRACK", "UPDATE"]
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
    """An untrusted node (attacker)."""

    name = "ROGUE"
    clause = "6.1.3 (trusted node)"
    states = ["lurking"]
    initial = "lurking"
    end_states = ["lurking"]
    variables = {"register": ("todo", "sent", "accepted", "refused"), "invite": ("todo", "sent"),
                 "ws": ("todo", "sent"), "wst_invite": ("todo", "sent")}

    def claim_registration(self):
        self.v.register = "sent"
        self.send("P-CSCF", "REGISTER", wic=1, impu=1, cred="none", token="none", tna="claimed")

    def invite_as_wic(self):
        self.v.invite = "sent"
        self.send("P-CSCF", "INVITE", wic=1, caller=1, callee=0, profile="webrtc", codec="opus")

    def open_ws(self):
        self.v.ws = "sent"
        self.send("WST", "WSS_CONNECT", wic=1, origin="rogue")

    def invite_wst(self):
        self.v.wst_invite = "sent"
        self.send("WST", "INVITE", wic=1, caller=0, callee=1, profile="ims", codec="amrwb")

    def outcome(self):
        if self.v.register == "sent":
            self.v.register = "accepted" if self.msg.name == "200(REGISTER)" else "refused"

    transitions = [
        T("lurking", None, on=event("claim_registration"), when=lambda e: _registration_attack(e) and e.v.register == "todo",
          do="claim_registration"),
        T("lurking", None, on=event("invite_as_wic"), when=lambda e: _session_attack(e) and e.v.invite == "todo",
          do="invite_as_wic"),
        T("lurking", None, on=event("open_websocket"), when=lambda e: _registration_attack(e) and e.v.ws == "todo", do="open_ws"),
        T("lurking", None, on=event("invite_translator"), when=lambda e: _session_attack(e) and e.v.wst_invite == "todo",
          do="invite_wst"),
        *[T("lurking", None, on=recv("P-CSCF", m), do="outcome",
            tags=("rogue_registered",) if m == "200(REGISTER)" else ()) for m in ["401", "403", "200(REGISTER)"]],
        *[T("lurking", None, on=recv("P-CSCF", m), note="the attacker ignores it")
          for m in ANSWERS_PCSCF if m not in ("401", "403", "200(REGISTER)")],
        *[T("lurking", None, on=recv("WST", m), note="the attacker ignores it") for m in ANSWERS_WST],
    ]
