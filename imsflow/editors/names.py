"""How a contribution writes the model's entities and messages, for lint and extract.

Each entity (CONTRACTS.md names) has one canonical spelling (the seed's most careful one, or
the abbreviation's expansion in DOMAIN.md) and one pattern that matches every way the text
writes it: case changes, dropped words, OCR damage in figure text.  The lint reports every
spelling that differs from the canonical one; extract uses the same patterns to recognise a
step's sender and receiver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class EntityName:
    entity: str  # contract name: "WST"
    canonical: str  # "Web Signalling Translator"
    pattern: re.Pattern
    check_spelling: bool = True  # report variant spellings of this name


def _p(expr: str) -> re.Pattern:
    return re.compile(expr, re.IGNORECASE)


# Order matters for extraction: longer names first, so "IMS-Web Authentication Server" is not
# also read as a bare "Server".
ENTITY_NAMES: tuple[EntityName, ...] = (
    EntityName("WST", "Web Signalling Translator",
               _p(r"\bWeb\s+Si(?:gnall?ing)?(?:\s+[Tt]ranslator)?\b|\bWST\b")),
    # "Rx interfaces to both the P-CSCF and the Signalling the PCRF" (6.1.3): the translator's
    # name cut short.  Case-sensitive, so the common noun "signalling" is never read as it.
    EntityName("WST", "Web Signalling Translator",
               re.compile(r"(?<=\bthe )Signalling(?=\s+the\b|[.,;]|$)")),
    EntityName("IWAIS", "IMS-Web Authentication & Identity Server",
               _p(r"\bIMS?-Web(?:\s+(?:&|and|Authentication|Auth|Identity|ID))+\s+Server\b|\bIWAIS\b")),
    EntityName("CSS", "Client Script Server", _p(r"\bClient\s+Script\s+Server\b|\bCSS\b")),
    EntityName("AGW", "IMS Access Gateway", _p(r"\bIMS[\s-]+Access\s+Gateway\b|\bIMS-AGW\b|\bAGW\b")),
    EntityName("P-CSCF", "P-CSCF", _p(r"\bP-CSCF\b")),
    EntityName("P-CSCF", "IMS-ALG", _p(r"\bIMS[\s-]ALG\b")),
    EntityName("I-CSCF", "I-CSCF", _p(r"\bI-CSCF\b")),
    EntityName("S-CSCF", "S-CSCF", _p(r"\bS-CSCF\b")),
    EntityName("HSS", "HSS", _p(r"\bHSS\b")),
    EntityName("PCRF", "PCRF", _p(r"\bPCRF\b")),
    EntityName("UICC", "UICC", _p(r"\bUICC\b")),
    # The media IWF is the MRF inside IMS (F6, F7) and the external IWF outside (F8, F9); the
    # text calls both "Media IWF", so extraction decides by the clause (see extract.py).
    EntityName("IWF", "Media IWF", _p(r"\b(?:Media\s+)?IWF\b")),
    EntityName("MRF", "MRFC/MRFP", _p(r"\bMRF[CP]?(?:/MRF[CP])?\b"), check_spelling=False),
    EntityName("REMOTE", "destination network",
               _p(r"\bdestination\s+network\b")),
    EntityName("REMOTE", "originating network", _p(r"\borigina(?:ting|tion)\s+network\b")),
    EntityName("WIC", "WIC", _p(r"\bWIC\b")),
    EntityName("USER", "user", _p(r"\b(?:the\s+)?user\b|\bbrowser\b"), check_spelling=False),
)


def find_entities(text: str, *, internal_iwf: bool | None = None) -> list[tuple[int, str, str]]:
    """[(offset, entity, as written)] for every entity name in `text`, left to right, with
    overlapping matches resolved in favour of the longer one."""
    hits = []
    for name in ENTITY_NAMES:
        for m in name.pattern.finditer(text):
            entity = name.entity
            if entity == "IWF" and internal_iwf:
                entity = "MRF"
            hits.append((m.start(), m.end(), entity, m.group(0)))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out, end = [], -1
    for start, stop, entity, written in hits:
        if start < end:
            continue
        out.append((start, entity, written))
        end = stop
    return out


# Message words as the seed writes them -> the message names a model is likely to use (or a
# part of one: "RESERVE" becomes AGW_RESERVE or IWF_RESERVE by the receiver, see extract.py).
MESSAGE_WORDS: tuple[tuple[re.Pattern, str], ...] = (
    (_p(r"\b401\b|\bUnauthori[sz]ed\b|\bchallenges?\b"), "401"),
    (_p(r"\b200\s*OK\b|authentication passed response"), "200"),
    (_p(r"\bringing\b|\b180\b"), "180"),
    (_p(r"\bInvite\b|\bsetup message\b|\bsession initiation\b"), "INVITE"),
    (_p(r"\bRegist(?:er|ration)\b"), "REGISTER"),
    (_p(r"\bSIP\s+Response\b|\bresponse\b"), "183"),
    (_p(r"\bToken\b"), "TOKEN"),
    (_p(r"\bWebSocket\b"), "WSS"),
    (_p(r"\bHTTPS\b|\bdownloads?\b"), "HTTPS"),
    (_p(r"\breserves?\b"), "RESERVE"),
    (_p(r"\binitiali[sz](?:es|e|ed)\b"), "INIT"),
    (_p(r"\bupdates?\b"), "UPDATE"),
    (_p(r"\bfinal resources\b"), "FINAL"),
    (_p(r"\bconfirm(?:s|ed)?\b"), "CONFIRM"),
)


def message_words(text: str) -> list[str]:
    """The message words the text uses, in the order they occur (the first one is what the
    sentence sends: "updates the IMS Access Gateway that final resources are confirmed")."""
    found = []
    for pattern, name in MESSAGE_WORDS:
        m = pattern.search(text)
        if m:
            found.append((m.start(), name))
    return [name for _, name in sorted(found)]
