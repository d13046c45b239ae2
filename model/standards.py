"""Where the seed is silent: the standard each message's handling follows.

A step the seed does not define (its transition carries no seed step label for the flow) is
reported by `imsflow check` as "not defined by the seed; modelled per <clause>".  The clause is
the transition's own `per=` or the standard its note cites; failing both, the one below for the
message it receives (for an internal event: the first message it sends); failing that, the
entity's `standard`.  Clauses are those of the sources in DOMAIN.md.
"""

SIP_FAILURE = "RFC 3261 21.4 (4xx), 21.6 (6xx); 16.7 (a proxy passes a final response on)"

STANDARDS = {
    # SIP transactions and dialogs the seed leaves out (RFC 3261)
    "100": "RFC 3261 21.1.1 (100 Trying)",
    "ACK": "RFC 3261 13.2.2.4 (ACK of a 2xx); 17.1.1.3 (of a failure)",
    "BYE": "RFC 3261 15 (terminating a session)",
    "200(BYE)": "RFC 3261 15.1.2 (UAS behaviour for BYE)",
    "CANCEL": "RFC 3261 9 (cancelling a request)",
    "487": "RFC 3261 9.2 (487 after CANCEL)",
    **{code: SIP_FAILURE for code in ("403", "480", "486", "488", "606")},
    "PRACK": "RFC 3262 (reliable provisional responses)",
    "200(PRACK)": "RFC 3262 (reliable provisional responses)",
    "UPDATE": "RFC 3311; RFC 3312 (preconditions)",
    "200(UPDATE)": "RFC 3311; RFC 3312 (preconditions)",
    "180": "RFC 3261 13.3.1.1 (progress)",
    "183": "RFC 3261 13.3.1.1; RFC 3264 (offer/answer)",
    "200(INVITE)": "RFC 3261 13.3.1.4 (the INVITE is accepted)",
    "INVITE": "RFC 3261 13 (initiating a session)",
    "REGISTER": "RFC 3261 10; TS 24.229 5.4.1",
    "401": "TS 33.203 6.1; TS 24.229 5.4.1.2",
    "200(REGISTER)": "TS 24.229 5.4.1.2",
    # Diameter and gateway control the seed shows only in part
    "SAR": "TS 29.228 6.1.2 (Server-Assignment, incl. de-registration); TS 24.229 5.4.1",
    "SAA": "TS 29.228 6.1.2",
    "LIA": "TS 29.228 6.1.4 (Location-Info)",
    "AAR": "TS 29.214 4.4.1 (Rx session establishment)",
    "AAA": "TS 29.214 4.4.1",
    "STR": "TS 29.214 4.4.4 (Rx session termination)",
    "STA": "TS 29.214 4.4.4",
    "AGW_RESERVED": "TS 29.334 (Iq: reserve answer with the address mappings)",
    "AGW_RELEASE": "TS 29.334 (Iq: release)",
    "MRF_ANSWER": "TS 23.218 (Mr is SIP: the MRFC answers); TS 23.228 Annex P",
    "MRF_RELEASE": "TS 23.218 (Mr: release)",
    # the web side
    "WS_CLOSED": "RFC 6455 7 (closing the connection); RFC 7118",
    "TOKEN_RESULT": "6.X.2.2.3 NOTE 2 (the seed leaves the failure case open)",
    "POOL_RELEASE": "not standardised: the WST-IWAIS interface (6.X.2.2.5 is silent on release)",
    "IWF_ANSWER": "not standardised: the WST-IWF interface (6.X.2.3.3)",
    "IWF_RELEASE": "not standardised: the WST-IWF interface (6.X.2.3.3)",
}
