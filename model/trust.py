"""The trust boundary, in one place: which reference points the seed or the standards protect,
and what the intruder (the ROGUE, model/rogue.py) can send on each one they do not.

An architect moves the boundary here and nowhere else: marking a reference point trusted takes
its attacks out of the intruder's repertoire; marking one untrusted gives the intruder its
attacks.  `TRUSTED_NODES` is what the P-CSCF recognises as a trusted node for trusted node
authentication (6.1.3; TS 33.203 Annex U) under `tna_trust=translator`.

The intruder is Dolev-Yao style and bounded (DOMAIN.md, Sec): it sends at most `INJECTIONS`
messages per run, each one it can build from what it owns (its own origin, a token it made up,
one that expired, a RES it saw answer an earlier challenge) and what is public (every IMPU - a
public identity is an address).  It cannot break TLS or IPsec: a point they protect is
trusted, and the intruder neither reads nor writes on it.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attack:
    """One message the intruder can build and send on an untrusted reference point."""

    name: str  # how the finding and the diagram call it
    message: str
    fields: dict = field(default_factory=dict)
    flows: str = "any"  # "registration", "session" or "any": where it is worth trying
    why: str = ""  # the standard that says the receiver must cope with it

    @property
    def event(self) -> str:
        """The intruder's event that sends it: 'send_register_claiming_tna'."""
        return "send_" + "".join(c if c.isalnum() else "_" for c in self.name.lower())


@dataclass(frozen=True)
class ReferencePoint:
    name: str
    receiver: str  # the entity the intruder can reach over it
    trusted: bool
    clause: str
    why: str
    attacks: tuple = ()


# The public identity the intruder claims: WIC 1's (IMPUs are public, TS 23.228 4.3.3.2).
VICTIM = 1

REFERENCE_POINTS = (
    ReferencePoint(
        "Gm (into the P-CSCF)", receiver="P-CSCF", trusted=False,
        clause="TS 24.229 5.2; TS 33.203 Annex U; seed 6.1.3",
        why="the P-CSCF's Gm faces any UE or node that can reach it; only the WST is a trusted node",
        attacks=(
            Attack("REGISTER claiming TNA", "REGISTER",
                   dict(wic=1, impu=VICTIM, cred="none", token="none", tna="claimed", response="none"),
                   flows="registration", why="TS 33.203 Annex U: TNA only for a trusted node"),
            Attack("REGISTER with a replayed RES", "REGISTER",
                   dict(wic=1, impu=VICTIM, cred="res", token="none", tna="no", response="wrong"),
                   flows="registration", why="TS 33.102 6.3: each challenge has a fresh RAND, so an old RES "
                   "does not match the new XRES"),
            Attack("INVITE with a spoofed caller", "INVITE",
                   dict(wic=1, caller=VICTIM, callee=0, profile="webrtc", codec="opus", addr="wic"),
                   flows="session", why="TS 24.229 5.2.6.3: P-Asserted-Identity only for a registered contact"),
        ),
    ),
    ReferencePoint(
        "WRs2 web side (into the WST)", receiver="WST", trusted=False,
        clause="seed 6.X.2.1; RFC 6455 10.2; TS 24.371",
        why="the WST's WebSocket and SIP ports are on the public Internet",
        attacks=(
            Attack("WebSocket from an unauthorised origin", "WSS_CONNECT", dict(wic=1, origin="rogue"),
                   flows="registration", why="RFC 6455 10.2: the server checks Origin"),
            Attack("REGISTER with a forged token", "REGISTER",
                   dict(wic=1, impu=VICTIM, cred="token", token="forged", tna="no", response="none"),
                   flows="registration", why="seed 6.X.2.2.3: the token is verified with the IWAIS"),
            Attack("REGISTER with an expired token", "REGISTER",
                   dict(wic=1, impu=VICTIM, cred="token", token="expired", tna="no", response="none"),
                   flows="registration", why="seed 6.X.2.2.3: the token is verified with the IWAIS"),
            Attack("INVITE as if from IMS", "INVITE",
                   dict(wic=1, caller=0, callee=VICTIM, profile="ims", codec="amrwb", addr="remote"),
                   flows="session", why="seed 6.X.2.3.2 step 5: the WST takes inbound INVITEs from the P-CSCF"),
        ),
    ),
    ReferencePoint(
        "WST - WIC (the WIC's own WebSocket)", receiver="WIC", trusted=True, clause="seed 6.X.2.1 (HTTPS, WSS)",
        why="TLS with the WST's certificate: no one else can write on the WIC's WebSocket, so a forged AUTN "
            "reaches a WIC only from the WST itself"),
    ReferencePoint(
        "Mw, Cx, Rx, Iq, Mr/Mp (inside IMS)", receiver="S-CSCF", trusted=True, clause="TS 33.210 (NDS/IP)",
        why="the IMS core's own reference points are protected by NDS/IP"),
    ReferencePoint(
        "WST - IWAIS, WST - IWF (web back end)", receiver="IWAIS", trusted=True, clause="seed 6.X.2.2.3",
        why="the operator's own servers, over mutually authenticated TLS"),
)

# Who the P-CSCF recognises as a trusted node (6.1.3: "the P-CSCF needs to recognize that the Web
# Signalling translator is a trusted node").
TRUSTED_NODES = ("WST",)

# How many messages the intruder sends in one run.  Two is enough for every attack the seed must
# withstand that takes more than one message (register as WIC 1, then call in its name) and
# keeps every flow decidable by the explicit explorer.
INJECTIONS = 2


def attacks() -> list:
    """(reference point, attack) for every attack on an untrusted reference point."""
    return [(rp, a) for rp in REFERENCE_POINTS if not rp.trusted for a in rp.attacks]


def untrusted_receivers() -> list:
    return sorted({rp.receiver for rp in REFERENCE_POINTS if not rp.trusted and rp.attacks})
