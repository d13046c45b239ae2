"""ROGUE - a client that is not what it claims (variant rogue=yes): it opens a WebSocket from
an origin that is not an allowed WWSF, registers as WIC 1 with a token the WAF never issued,
and calls in WIC 1's name without having registered.  Not in Annex U: it is what the eP-CSCF's
token validation and its binding of requests to the registered contact are checked against.
It launches its attack in one step and ignores the answers (message sets, see compose)."""

from imsflow.authoring import Entity, T, event, recv

from . import scenario

ANSWERS = ["WSS_ACCEPT", "WSS_REJECT", "401", "403", "200(REGISTER)", "INVITE", "183", "200(INVITE)",
           "ACK", "200(BYE)"]


class ROGUE(Entity):
    """An untrusted client (attacker)."""

    name = "ROGUE"
    clause = "TS 33.203 U.2.2 (what token validation protects against)"
    states = ["lurking", "attacked"]
    initial = "lurking"
    end_states = ["lurking", "attacked"]

    def registration_attack(self):
        self.send("eP-CSCF", "WSS_CONNECT", wic=1, origin="rogue")
        self.send("eP-CSCF", "REGISTER", wic=1, impu=1, cred="token", token="forged", tna="no")

    def session_attack(self):
        self.send("eP-CSCF", "INVITE", wic=1, caller=1, callee=0, profile="webrtc", codec="opus")

    transitions = [
        T("lurking", "attacked", on=event("attack"),
          when=lambda e: e.config.rogue == "yes" and scenario.is_registration(e.config), do="registration_attack",
          note="a WebSocket from an unauthorised origin, and a REGISTER as WIC 1 with a forged token"),
        T("lurking", "attacked", on=event("attack"),
          when=lambda e: e.config.rogue == "yes" and not scenario.is_registration(e.config), do="session_attack",
          note="an INVITE in WIC 1's name from a client that did not register it"),
        *[T("*", None, on=recv("eP-CSCF", m), note="the attacker ignores it") for m in ANSWERS],
    ]
