"""What each flow of the seed assumes about the world before its step 1, and the small facts
entities consult: which authentication a WIC uses, whether the translator maps tokens onto the
wildcard range, where the media interworking sits.  Entities read these instead of testing
flow ids, so a flow is a configuration, not a script.
"""

from .messages import POOL

REGISTRATION = ("F1", "F2", "F3", "F4", "F5")
SESSIONS = ("F6", "F7", "F8", "F9")
OUTBOUND = ("F6", "F8")
INBOUND = ("F7", "F9")

AUTH = {"F1": "aka", "F2": "digest", "F3": "token", "F5": "pool"}


def auth(config) -> str:
    """How the WICs of this configuration authenticate (sessions start registered)."""
    return AUTH.get(config.flow, "none")


def pool_mode(config) -> bool:
    """The WST maps web identities onto the pre-registered wildcard range (6.X.2.2.5)."""
    return config.flow == "F5"


def range_registered_at_start(config) -> bool:
    """F5 needs the range registered first (by F4)."""
    return config.flow == "F5"


def registered_at_start(config) -> bool:
    """The session flows start 'from previous signalling events' (step 0): WICs registered."""
    return config.flow in SESSIONS


def wics_dial(config) -> bool:
    """Outbound flows: every WIC places a call, so with several WICs the calls run at the same
    time and each one's dialogs and resources (kept per WIC context everywhere) are checked
    against the others'."""
    return config.flow in OUTBOUND


def remote_calls(config) -> bool:
    """Inbound flows: the far end calls each WIC's identity once, at any time, so that with
    several WICs the calls overlap and routing to the right WIC is checked against every order."""
    return config.flow in INBOUND


def client_digest(config) -> bool:
    """F2 as the standard does it (digest=client): the WIC answers the digest challenge itself.
    Only F2's WIC holds an IMS digest password; the web users of F3 do not."""
    return config.flow == "F2" and config.get("digest") == "client"


def aka_over_tls(config) -> bool:
    """F1 as the standard does it (aka=tls): the WIC answers the AKA challenge with an AKAv2
    response bound to its own keys and TLS channel; the WST relays it untouched."""
    return config.flow == "F1" and config.get("aka") == "tls"


def lifecycle(config) -> bool:
    """Registration flows with lifecycle=full: after registering, the WIC may refresh its
    registration or de-register (and register again), and the network may de-register it.  F5's
    range identities stay registered by the CSS: a WIC releases its binding, nothing more."""
    return config.flow in ("F1", "F2", "F3", "F5") and config.get("lifecycle") == "full"


def network_deregisters(config) -> bool:
    """The S-CSCF may de-register a WIC's own identity (F5's range is not the WIC's to lose)."""
    return lifecycle(config) and config.flow != "F5"


def range_flow(config) -> bool:
    return config.flow == "F4"


def is_registration(config) -> bool:
    return config.flow in REGISTRATION


def fault(config, name: str) -> bool:
    return config.get("faults") in (name, "all")


def impu_of(wic: int) -> int:
    """WIC i's own public identity."""
    return wic


__all__ = ["POOL", "auth", "pool_mode", "registered_at_start", "range_registered_at_start", "fault"]
