"""From text to flow: each numbered flow of a contribution as a draft flow file.

A step paragraph becomes one arrow: the sentence that sends something ("X sends ... to Y",
"... is sent to Y by X", "X challenges Y", "X receives ... from Y") gives the sender and the
receiver, recognised from the entity names (names.py); the message is the SIP/HTTP word the
sentence uses, renamed to the model's message when the model has one of that name.  A
paragraph that defers to "standard"/"normal IMS procedures" becomes a summarised range.  What
the text does not say is left empty with a comment, so the draft is the editor's own text,
never a guess passed off as it: the editor completes it and runs `imsflow conform`.
"""

from __future__ import annotations

import os
import re

from .contribution import Clause, Contribution, Step
from .names import find_entities, message_words

SUMMARISED = re.compile(r"\b(?:standard|normal)\s+(?:\(according to [^)]*\)\s+)?(?:IMS\s+)?"
                        r"(?:registration\s+|authentication\s+)?(?:procedures?|signalling|behaviour)\b", re.I)
SEND_VERB = re.compile(r"\b(?:sends?|sent|challenges|forward(?:s|ed)|returned|propagated|pass(?:es|ed)|"
                       r"informs|updates|interacts|initiali[sz]es|establishes|downloads)\b", re.I)
PASSIVE = re.compile(r"\bsent\s+(?:back\s+)?to\s+(?P<to>.+?)\s+by\s+(?P<by>.+?)(?:[.,;]|$)", re.I)
FROM = re.compile(r"\b(?:receives?|received)\b.*?\bfrom\s+(?P<from>.+?)(?:[.,;]|$)", re.I)
SENT_TO = re.compile(r"\b(?:sent|returned|propagated)\s+(?:back\s+)?to\s+(?P<to>.+)", re.I)
TO = re.compile(r"\b(?:to|towards|with|and)\s+(?:the\s+)?(?P<to>.+)", re.I)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s.strip()]


def _first_entity(text: str, internal_iwf) -> str | None:
    hits = find_entities(text, internal_iwf=internal_iwf)
    return hits[0][1] if hits else None


def arrow_of(step: Step, clause: Clause) -> dict:
    """{'from', 'to', 'message', 'summarised', 'sentence'} for one step paragraph."""
    internal_iwf = _internal_iwf(clause)
    summarised = bool(SUMMARISED.search(step.text))
    best, best_score = None, -1
    for sentence in _sentences(step.text):
        ents = find_entities(sentence, internal_iwf=internal_iwf)
        score = (2 if SEND_VERB.search(sentence) else 0) + (1 if len({e for _, e, _ in ents}) >= 2 else 0)
        score += 1 if message_words(sentence) else 0
        if score > best_score:
            best, best_score = sentence, score
    out = {"from": None, "to": None, "message": None, "summarised": summarised, "sentence": best or ""}
    if not best:
        return out
    sender = receiver = None
    passive = PASSIVE.search(best)
    if passive:
        receiver = _first_entity(passive.group("to"), internal_iwf)
        sender = _first_entity(passive.group("by"), internal_iwf)
    elif SENT_TO.search(best):
        # "... a 401 been sent back to the WST": the receiver is named, the sender is not.
        receiver = _first_entity(SENT_TO.search(best).group("to")[:60], internal_iwf)
        if receiver is not None:
            words = message_words(best) or message_words(step.text)
            out.update({"to": receiver, "message": words[0] if words else None})
            return out
    if sender is None:
        received = FROM.search(best)
        ents = find_entities(best, internal_iwf=internal_iwf)
        if received and _first_entity(received.group("from"), internal_iwf):
            sender = _first_entity(received.group("from"), internal_iwf)
            receiver = ents[0][1] if ents and ents[0][1] != sender else None
        elif ents:
            sender = ents[0][1]
            rest = best[ents[0][0]:]
            for m in TO.finditer(rest):
                cand = _first_entity(m.group("to")[:60], internal_iwf)
                if cand and cand != sender:
                    receiver = cand
                    break
            if receiver is None:
                receiver = next((e for _, e, _ in ents if e != sender), None)
    words = message_words(best) or message_words(step.text)
    out.update({"from": sender, "to": receiver, "message": words[0] if words else None})
    return out


def _internal_iwf(clause: Clause) -> bool | None:
    titles = " ".join(clause.titles())
    if re.search(r"\bIMS function\b|inside IMS", titles, re.I):
        return True
    if re.search(r"\bexternal\b", titles, re.I):
        return False
    return None


# Entities the contract names but a model may fold into another: the seed model's WIC entity
# includes the user and the browser that drive it (model/wic.py).
FOLDED = {"USER": "WIC"}


def _in_model(entity: str | None, entities) -> str | None:
    if entity is None or entities is None or entity in entities:
        return entity
    return FOLDED.get(entity, entity)


def draft(clause: Clause, doc: Contribution, *, flow_id: str | None = None, vocabulary=None,
          entities=None) -> str:
    """The draft flow file (YAML text) of one flow clause."""
    title = clause.captions[0].title if clause.captions else clause.title
    lines = [
        f"# Draft flow extracted by 'imsflow lint --extract' from {os.path.basename(doc.path)}, clause "
        f"{clause.number} (line {clause.line}).",
        "# Check every arrow against the text, fill in what is empty, then run: imsflow conform <this file>",
        f"title: {_q(title)}",
        f"clause: {_q(clause.number)}",
    ]
    lines.append(f"flow: {flow_id}" if flow_id else "# flow: <the model's flow id: imsflow list flows>")
    lines.append("preconditions:")
    lines.append("  settings: {}")
    if re.search(r"From previous signalling events", " ".join(s.text for s in clause.steps), re.I):
        lines.append("  after: []   # step 0 says earlier flows happened: name them (e.g. [F1])")
    lines.append("steps:")
    for step in clause.steps:
        a = arrow_of(step, clause)
        lines.append(f"  # line {step.line}: {_short(step.text)}")
        lines.append(f"  - step: {_q(step.label)}")
        if a["summarised"]:
            lines.append("    summarised: standard IMS procedure")
        sender, receiver = _in_model(a["from"], entities), _in_model(a["to"], entities)
        if sender is not None and sender == receiver:
            # folding made both ends one entity ("the browser downloads ... for the WIC"): the
            # other party is the next entity the paragraph names
            others = [_in_model(e, entities) for _, e, _ in find_entities(step.text, internal_iwf=_internal_iwf(clause))]
            receiver = next((e for e in others if e != sender), None)
        a["from"], a["to"] = sender, receiver
        message = _model_message(a["message"], vocabulary, receiver, _subject(clause))
        complete = a["from"] and message and (a["to"] or a["summarised"])
        if a["summarised"] and not complete:
            known = ", ".join(f"{k} {a[k]}" for k in ("from", "to", "message") if a[k])
            lines.append("    # the range's last arrow was not fully recognised"
                         + (f" ({known})" if known else "") + ": add from/to/message to check it")
            continue
        lines.append(f"    from: {a['from'] or ''}" + ("" if a["from"] else "   # sender not recognised"))
        lines.append(f"    to: {a['to'] or ''}" + ("" if a["to"] else "   # receiver not recognised (internal step?)"))
        lines.append(f"    message: {_q(message) if message else ''}" + ("" if message else "   # message not recognised"))
    return "\n".join(lines) + "\n"


def _model_message(word: str | None, vocabulary, receiver: str | None = None, subject: str = "") -> str | None:
    """The model's name for a message word: the same name; else a name that starts with it,
    the one for this clause's subject first ("200" -> "200(REGISTER)" in a registration
    clause); else a name that contains it and starts with the receiver's ("RESERVE" to the AGW
    -> "AGW_RESERVE")."""
    if word is None or vocabulary is None:
        return word
    names = vocabulary.names()
    low = word.lower()
    for n in names:
        if n.lower() == low:
            return n
    starting = [n for n in names if n.lower().startswith(low)]
    for n in starting:
        if subject and subject.lower() in n.lower():
            return n
    if starting:
        return starting[0]
    if receiver:
        stem = receiver.split("-")[-1].lower()
        for n in names:
            if low in n.lower() and n.lower().startswith(stem):
                return n
    return word


def _subject(clause: Clause) -> str:
    titles = " ".join(clause.titles()).lower()
    if "session" in titles:
        return "INVITE"
    if "regist" in titles or "authentication" in titles:
        return "REGISTER"
    return ""


def _q(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def extract_all(doc: Contribution, directory: str, *, model_dir: str | None = None) -> list[str]:
    """Write DIR/<clause>.yaml for every numbered flow; returns the paths written."""
    flows_by_clause, vocabulary, entities = {}, None, None
    try:
        from ..loader import load

        loaded = load(model_dir)
        flows_by_clause = {f.clause: fid for fid, f in loaded.model.flows.items()}
        vocabulary = loaded.model.vocabulary
        entities = {cls.name for cls in loaded.model.entities}
    except Exception as exc:  # noqa: BLE001 - a draft does not need a model; say so in the file
        if model_dir:
            raise
        _ = exc
    os.makedirs(directory, exist_ok=True)
    written = []
    for clause in doc.flows():
        path = os.path.join(directory, f"{clause.number}.yaml")
        text = draft(clause, doc, flow_id=flows_by_clause.get(clause.number), vocabulary=vocabulary,
                     entities=entities)
        tmp = path + ".part"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
        written.append(path)
    return written
