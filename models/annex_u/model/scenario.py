"""What each Annex U flow assumes before its first step, and the few facts entities consult
(which authentication a WIC uses, whether the WICs start registered).  Entities read these
instead of testing flow ids, as in the seed model."""

REGISTRATION = ("U1", "U2", "U3", "U4")
SESSIONS = ("U5", "U6")
AUTH = {"U1": "aka", "U2": "digest", "U3": "token", "U4": "pool"}


def auth(config) -> str:
    return AUTH.get(config.flow, "none")


def token_based(config) -> bool:
    return auth(config) in ("token", "pool")


def pool_mode(config) -> bool:
    """The WWSF assigns an identity of its pool to each WIC (TS 23.228 U.2.1.4)."""
    return auth(config) == "pool"


def registered_at_start(config) -> bool:
    """The session flows start with the WICs registered (as the seed's step 0)."""
    return config.flow in SESSIONS


def wic_dials(config, wic: int) -> bool:
    """The outbound flow places one call, from WIC 1 (the others stay registered and idle)."""
    return config.flow == "U5" and wic == 1


def remote_calls(config) -> bool:
    """The inbound flow places one call, from the far end to any one WIC (the REMOTE chooses)."""
    return config.flow == "U6"


def is_registration(config) -> bool:
    return config.flow in REGISTRATION


def fault(config, name: str) -> bool:
    return config.get("faults") == name


def impu_of(wic: int) -> int:
    return wic


def edge_interworking(config, profile: str) -> bool:
    """The eP-CSCF has the eIMS-AGW interwork a WebRTC-profile leg (U.1.1: WebRTC-specific
    media extensions are handled at the access edge and not propagated into IMS)."""
    return config.interworking == "edge" and profile == "webrtc"


def hangs_up(config, side: str) -> bool:
    """Who ends the call: the WIC its outbound call, the far end an inbound one.  One side per
    call, so that crossing BYEs (RFC 3261 15, glare) are not modelled."""
    return (config.flow, side) in (("U5", "WIC"), ("U6", "REMOTE"))
