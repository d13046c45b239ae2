"""The clauses of the cited specifications that imsflow knows, for checking cross-references.

Only what DOMAIN.md sources: the clause each procedure the seed relies on lives in.  A citation
of a clause imsflow does not know is not reported (imsflow cannot tell), except one that
cannot exist in any 3GPP specification: a subclause of clause 1 (Scope), 2 (References) or
3 (Definitions), which have none.
"""

from __future__ import annotations

import re

# spec -> clause -> what it holds
KNOWN_CLAUSES: dict[str, dict[str, str]] = {
    "23.228": {
        "5.2.2.3": "registration information flow",
        "5.6.4": "NI-O, non-IMS originating procedures",
        "5.7.4": "NI-T, non-IMS terminating procedures",
        "Annex P": "media interworking via MRFC/MRFP",
        "Annex U": "WebRTC access to IMS",
    },
    "33.203": {
        "6.1": "IMS AKA authentication",
        "Annex N": "SIP digest authentication",
        "Annex U": "trusted node authentication",
    },
}

# A procedure named next to a citation -> the (spec, clause) that defines it.
PROCEDURES: tuple[tuple[re.Pattern, str, str], ...] = (
    (re.compile(r"\bNI-O\b"), "23.228", "5.6.4"),
    (re.compile(r"\bNI-T\b"), "23.228", "5.7.4"),
    (re.compile(r"\bTrusted\s+Node\s+Authentication\b", re.I), "33.203", "Annex U"),
    (re.compile(r"\bMRFC/MRFP\s+interworking\b", re.I), "23.228", "Annex P"),
)

CITATION = re.compile(
    r"\b(?:TS\s*)?(?P<spec>\d{2}\.\d{3})"
    r"(?:\s+(?P<kind>section|clause|§|Annex|Appendix)\s*(?P<clause>\d+(?:\.\d+)*|[A-Z])\b)?",
    re.I,
)


def clause_key(kind: str | None, clause: str | None) -> str | None:
    if not clause:
        return None
    if clause[0].isalpha():
        return f"Annex {clause}"
    return clause
