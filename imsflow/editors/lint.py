"""imsflow lint: editorial checks of a contribution's flows, reported compiler-style.

Each check is one function over the read contribution (contribution.py) returning Findings.
A finding has a stable rule id ("L001-step-gap") and a fingerprint that does not depend on line
numbers ("L001-step-gap@6.X.2.2.2:13-14"), so a CI job can track findings across revisions.

    L001 step-gap            the numbering skips steps (9-12 then 15)
    L002 step-overlap        a step number is used twice or goes backwards
    L003 step-label-format   "7-9" where the seed writes "7-9."
    L004 caption-number      a caption's figure number is not its clause's ("Figure 6.X.2.2.1-1"
                             under 6.X.2.2.5), or the same figure number is captioned twice
    L005 figure-reference    the text cites a figure of another clause, or one with no caption
    L006 caption-wording     a caption contradicts its clause: outbound/inbound, registration/
                             session, media interworking inside/outside IMS, authentication kind
    L007 note-missing-step   a NOTE (or step) cites a step the flow does not have
    L008 note-wrong-step     a NOTE cites a step that does something else ("IWF initialization
                             in step 3" where step 3 is the AGW reservation)
    L009 spec-clause         a cross-reference to a clause that does not fit the cited
                             specification (NI-T in "23.228 section 2.7.4"; "Appendix U")
    L010 entity-spelling     one entity written under several names
    L011 wrong-term          a term that does not belong to the procedure or the identities the
                             text is about ("RAND, SRES" in an IMS AKA challenge; "IPU" for IMPU)
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from .contribution import FIGURE_REF, Clause, Contribution
from .names import ENTITY_NAMES
from .speclinks import CITATION, KNOWN_CLAUSES, PROCEDURES, clause_key

RULES = {
    "L001": ("step-gap", "error"),
    "L002": ("step-overlap", "error"),
    "L003": ("step-label-format", "note"),
    "L004": ("caption-number", "error"),
    "L005": ("figure-reference", "error"),
    "L006": ("caption-wording", "error"),
    "L007": ("note-missing-step", "error"),
    "L008": ("note-wrong-step", "warning"),
    "L009": ("spec-clause", "error"),
    "L010": ("entity-spelling", "warning"),
    "L011": ("wrong-term", "warning"),
}

# term -> (what the context must be about, why it is wrong there, what to write).  Only terms
# whose meaning is fixed by the specifications DOMAIN.md cites (TS 33.102, 33.203, 23.228).
WRONG_TERMS = (
    (re.compile(r"\bSRES\b"), re.compile(r"\bIMS\s+authentication|\bUICC\b|\bAKA\b", re.I),
     "SRES is the GSM authentication response; an IMS AKA challenge carries RAND and AUTN (TS 33.203 6.1)",
     "RAND, AUTN"),
    (re.compile(r"\bIPU\b"), re.compile(r"\bIMPU\b|\bwildcard\b", re.I),
     "'IPU' is not an IMS identity; the public user identity is the IMPU (TS 23.228, identification of users)", "IMPU"),
)
SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}


@dataclass
class Finding:
    rule: str  # "L001"
    line: int
    clause: str | None
    message: str
    key: str  # what the finding is about, without line numbers: "13-14"
    hint: str = ""
    severity: str = ""

    def __post_init__(self):
        if not self.severity:
            self.severity = RULES[self.rule][1]

    @property
    def name(self) -> str:
        return RULES[self.rule][0]

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.name}"

    @property
    def fingerprint(self) -> str:
        return f"{self.id}@{self.clause or '-'}:{self.key}"

    def to_json(self) -> dict:
        d = asdict(self)
        d.update({"id": self.id, "name": self.name, "fingerprint": self.fingerprint})
        return d


def lint(doc: Contribution) -> list[Finding]:
    findings: list[Finding] = []
    for clause in doc.flows():
        findings += check_numbering(clause)
        findings += check_step_citations(clause)
    for clause in doc.clauses:
        findings += check_captions(clause, doc)
        findings += check_figure_references(clause, doc)
    findings += check_spec_references(doc)
    findings += check_terms(doc)
    findings += check_entity_spelling(doc)
    findings.sort(key=lambda f: (f.line, f.rule))
    return findings


# ---- numbering -------------------------------------------------------------------------------
def check_numbering(clause: Clause) -> list[Finding]:
    out = []
    steps = clause.steps
    if steps and steps[0].first > 1:
        out.append(Finding("L001", steps[0].line, clause.number,
                           f"{clause.number}: the flow starts at step {steps[0].label}; steps "
                           f"{_span(1, steps[0].first - 1)} are missing", _span(1, steps[0].first - 1)))
    for prev, cur in zip(steps, steps[1:]):
        if cur.first > prev.last + 1:
            missing = _span(prev.last + 1, cur.first - 1)
            out.append(Finding(
                "L001", cur.line, clause.number,
                f"{clause.number}: step numbering jumps from {prev.label} to {cur.label}; "
                f"step{'s' if '-' in missing else ''} {missing} missing",
                missing,
                hint=f"renumber step {cur.label} as {_renumbered(prev, cur)} (and the steps after it), "
                     f"or add the missing step{'s' if '-' in missing else ''}",
            ))
        elif cur.first <= prev.last:
            both = _span(cur.first, min(prev.last, cur.last))
            out.append(Finding(
                "L002", cur.line, clause.number,
                f"{clause.number}: step {cur.label} overlaps step {prev.label} (line {prev.line}); "
                f"step{'s' if '-' in both else ''} {both} numbered twice", both,
            ))
    for s in steps:
        if not s.dotted:
            out.append(Finding("L003", s.line, clause.number,
                               f"{clause.number}: step label '{s.label}' has no full stop; the other steps "
                               f"are written '{s.label}.'", s.label))
    return out


def _span(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}-{b}"


def _renumbered(prev, cur) -> str:
    start = prev.last + 1
    return _span(start, start + (cur.last - cur.first))


# ---- captions and figure references --------------------------------------------------------
WORDING = {
    "direction": {"outbound": r"\boutbound\b", "inbound": r"\binbound\b"},
    "subject": {"registration": r"\bregist(?:er|ration)", "session establishment": r"\bsession\b"},
    "media interworking": {
        "inside IMS": r"\binside\s+(?:the\s+)?IMS\b|\bby\s+IMS\s+function\b|\bwithin\s+the\s+IMS\b",
        "outside IMS": r"\bexternal\b|\boutside\s+(?:the\s+)?IMS\b",
    },
    "authentication": {
        "UICC": r"\bUICC\b", "digest": r"\bdigest\b", "web credentials": r"\bweb\b",
        "wildcard range": r"\bwildcard\b",
    },
}


def _wording(text: str, kind: str) -> set[str]:
    return {value for value, rx in WORDING[kind].items() if re.search(rx, text, re.I)}


def check_captions(clause: Clause, doc: Contribution) -> list[Finding]:
    out = []
    for cap in clause.captions:
        if cap.number != clause.number:
            owner = doc.clause(cap.number)
            where = f" (the figure of clause {owner.number}, line {owner.line})" if owner else ""
            out.append(Finding(
                "L004", cap.line, clause.number,
                f"{clause.number}: caption '{cap.label}'{where} does not match its clause; expected "
                f"'Figure {clause.number}-{cap.index}'", cap.label,
                hint=f"renumber the caption 'Figure {clause.number}-{cap.index}'",
            ))
        else:
            twins = [c for other in doc.clauses for c in other.captions
                     if c is not cap and (c.number, c.index) == (cap.number, cap.index) and c.line < cap.line]
            if twins:
                out.append(Finding("L004", cap.line, clause.number,
                                   f"{clause.number}: '{cap.label}' is captioned twice (also line {twins[0].line})",
                                   f"twice:{cap.label}"))
        for kind in WORDING:
            said = _wording(cap.title, kind)
            if not said:
                continue
            for title in clause.titles():
                meant = _wording(title, kind)
                if meant:
                    break
            if meant and not (said & meant):
                out.append(Finding(
                    "L006", cap.line, clause.number,
                    f"{clause.number}: caption '{cap.label}' says {kind} '{'/'.join(sorted(said))}' but its "
                    f"clause '{title}' is '{'/'.join(sorted(meant))}'", f"{kind}:{'/'.join(sorted(said))}",
                    hint=f"caption: \"{cap.title}\"",
                ))
    return out


def check_figure_references(clause: Clause, doc: Contribution) -> list[Finding]:
    out = []
    captioned = {(c.number, c.index) for other in doc.clauses for c in other.captions}
    for line in clause.prose + [ln for s in clause.steps for ln in s.lines] + [ln for n in clause.notes for ln in n.lines]:
        for m in FIGURE_REF.finditer(line.text):
            number, index = m.group("num"), int(m.group("n"))
            label = f"Figure {number}-{index}"
            own = [c for c in clause.captions]
            if number != clause.number and clause.captions:
                out.append(Finding(
                    "L005", line.no, clause.number,
                    f"{clause.number}: the text cites '{label}', the figure of clause {number}, but this "
                    f"clause's figure is '{own[0].label}'", label,
                    hint=f"cite '{own[0].label}'" if own[0].number == clause.number else "",
                ))
            elif number == clause.number and clause.captions:
                continue  # the caption is what is misnumbered: L004 reports it
            elif (number, index) not in captioned:
                out.append(Finding("L005", line.no, clause.number,
                                   f"{clause.number}: the text cites '{label}', which no caption carries", label))
    return out


# ---- step citations in NOTEs and steps -----------------------------------------------------
STEP_CITE = re.compile(r"\bsteps?\s+(\d+)(?:\s*(?:-|/|to|and)\s*(\d+))?", re.I)
PHRASE_BEFORE = re.compile(r"((?:[\w/-]+\s+){1,5})(?:in|at|from)\s+$", re.I)
STOP = {"the", "a", "an", "to", "of", "with", "using", "and", "this", "that", "in", "addition", "is",
        "are", "be", "done", "procedures", "procedure", "information", "messages", "message", "on", "by"}
SUFFIXES = ("izations", "ization", "ations", "ation", "izing", "izes", "ized", "ize", "ies", "ing", "es", "ed", "s")


def _stem(word: str) -> str:
    w = word.lower()
    for suf in SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)] + ("y" if suf == "ies" else "")
    return w


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[A-Za-z][\w-]*", text)}


def _cited_subject(text_before: str) -> list[str]:
    """'... in addition to the IWF initialization in step' -> ['IWF', 'initialization']."""
    m = PHRASE_BEFORE.search(text_before)
    if not m:
        return []
    words = m.group(1).split()
    for k in range(len(words) - 1, -1, -1):
        if words[k].lower() in {"the", "a", "an", "to", "of", "with", "using", "this", "that"}:
            words = words[k + 1:]
            break
    return [w for w in words if w.lower() not in STOP and not w.lower().endswith("ed")]


def check_step_citations(clause: Clause) -> list[Finding]:
    out = []
    numbers = {n for s in clause.steps for n in range(s.first, s.last + 1)}
    sources = [(n.label, n.lines, n.text, n.line) for n in clause.notes]
    sources += [(f"step {s.label}", s.lines, s.text, s.line) for s in clause.steps]
    for who, lines, text, first_line in sources:
        for m in STEP_CITE.finditer(text):
            a = int(m.group(1))
            b = int(m.group(2)) if m.group(2) else a
            cited = set(range(min(a, b), max(a, b) + 1))
            line = _line_of(lines, m.group(0)) or first_line
            missing = sorted(cited - numbers)
            if missing:
                out.append(Finding(
                    "L007", line, clause.number,
                    f"{clause.number}: {who} cites {m.group(0)!r} but the flow has no step "
                    f"{', '.join(map(str, missing))}", f"{who}:{m.group(0)}",
                    hint=f"the flow's steps are {', '.join(s.label for s in clause.steps)}",
                ))
                continue
            subject = _cited_subject(text[: m.start()])
            if not subject:
                continue
            targets = [s for s in clause.steps if cited & set(range(s.first, s.last + 1))]
            wanted = {_stem(w) for w in subject}
            have = set().union(*(_words(s.text) for s in targets))
            if wanted <= have:
                continue
            doing = [s.label for s in clause.steps if wanted <= _words(s.text)]
            what = " ".join(subject)
            out.append(Finding(
                "L008", line, clause.number,
                f"{clause.number}: {who} cites the {what} in {m.group(0)}, but step "
                f"{'/'.join(t.label for t in targets)} does not mention it"
                + (f"; step{'s' if len(doing) > 1 else ''} {', '.join(doing)} do{'es' if len(doing) == 1 else ''}"
                   f" ({what})" if doing else ""),
                f"{who}:{m.group(0)}",
                hint=f"cite step {doing[-1]}" if doing else "",
            ))
    return out


def _line_of(lines, fragment: str) -> int | None:
    for ln in lines:
        if fragment in ln.text:
            return ln.no
    return None


# ---- references to other specifications -----------------------------------------------------
def check_spec_references(doc: Contribution) -> list[Finding]:
    out = []
    for clause in doc.clauses:
        for line in clause.text_lines():
            for m in CITATION.finditer(line.text):
                spec, kind, cited = m.group("spec"), m.group("kind"), m.group("clause")
                key = clause_key(kind, cited)
                if key is None:
                    continue
                if kind and kind.lower() == "appendix":
                    out.append(Finding(
                        "L009", line.no, clause.number,
                        f"'{m.group(0)}': 3GPP specifications have annexes, not appendices", f"{spec}:{m.group(0)}",
                        hint=f"write 'TS {spec} Annex {cited}'", severity="note",
                    ))
                sentence = _sentence_around(line.text, m.start())
                for rx, p_spec, p_clause in PROCEDURES:
                    proc = rx.search(sentence)
                    if proc and p_spec == spec and p_clause != key:
                        out.append(Finding(
                            "L009", line.no, clause.number,
                            f"'{m.group(0)}': {proc.group(0)} is defined in TS {spec} "
                            f"{'clause ' if p_clause[0].isdigit() else ''}{p_clause}, not {key}",
                            f"{spec}:{key}",
                            hint=f"cite TS {spec} {'clause ' if p_clause[0].isdigit() else ''}{p_clause} "
                                 f"({KNOWN_CLAUSES[spec][p_clause]})",
                        ))
                        break
                else:
                    top = key.split(".")[0]
                    if key[0].isdigit() and "." in key and top in {"1", "2", "3"}:
                        part = {"1": "Scope", "2": "References", "3": "Definitions"}[top]
                        out.append(Finding(
                            "L009", line.no, clause.number,
                            f"'{m.group(0)}': clause {top} of a 3GPP specification is {part} and has no "
                            f"subclause {key}", f"{spec}:{key}",
                        ))
    return out


def _sentence_around(text: str, at: int) -> str:
    start = max(text.rfind(". ", 0, at), 0)
    end = text.find(". ", at)
    return text[start: end if end >= 0 else len(text)]


# ---- terms ------------------------------------------------------------------------------------
def check_terms(doc: Contribution) -> list[Finding]:
    out = []
    for clause in doc.clauses:
        context = " ".join([clause.title] + [ln.text for ln in clause.text_lines()])
        for line in clause.text_lines():
            for term, about, why, fix in WRONG_TERMS:
                m = term.search(line.text)
                if m and about.search(context):
                    out.append(Finding("L011", line.no, clause.number,
                                       f"{clause.number}: '{m.group(0)}': {why}", m.group(0), hint=f"write '{fix}'"))
    return out


# ---- entity names ------------------------------------------------------------------------------
def check_entity_spelling(doc: Contribution) -> list[Finding]:
    """One finding per spelling that differs from the entity's canonical name (ignoring the
    case of the first letter, which a sentence start may change), at its first occurrence."""
    out = []
    seen: dict[tuple[str, str], list[int]] = {}
    canon_of: dict[tuple[str, str], str] = {}
    for clause in doc.clauses:
        lines = clause.text_lines() + clause.figure_text
        for line in sorted(lines, key=lambda ln: ln.no):
            for name in ENTITY_NAMES:
                if not name.check_spelling:
                    continue
                for m in name.pattern.finditer(line.text):
                    written = " ".join(m.group(0).split())
                    if written == name.entity or _same(written, name.canonical):
                        continue
                    key = (name.canonical, written)
                    seen.setdefault(key, []).append(line.no)
                    canon_of[key] = name.entity
    for (canonical, written), lines in seen.items():
        figure = any(_in_figure(doc, no) for no in lines)
        more = f"; also line{'s' if len(lines) > 2 else ''} {', '.join(map(str, lines[1:6]))}" if len(lines) > 1 else ""
        more += ", ..." if len(lines) > 6 else ""
        out.append(Finding(
            "L010", lines[0], _clause_at(doc, lines[0]),
            f"{canon_of[(canonical, written)]} is written '{written}'{' (figure text)' if figure else ''}; "
            f"elsewhere '{canonical}'{more}", written,
            hint=f"write '{canonical}' throughout",
        ))
    return out


def _same(a: str, b: str) -> bool:
    return a[:1].lower() == b[:1].lower() and a[1:] == b[1:]


def _in_figure(doc: Contribution, no: int) -> bool:
    return any(ln.no == no for c in doc.clauses for ln in c.figure_text)


def _clause_at(doc: Contribution, no: int) -> str | None:
    found = None
    for c in doc.clauses:
        if c.line <= no:
            found = c.number
    return found


# ---- output ----------------------------------------------------------------------------------
def format_text(doc: Contribution, findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{doc.path}:{f.line}: {f.severity}: {f.message} [{f.id}]")
        if f.hint:
            lines.append(f"    hint: {f.hint}")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
    lines.append(f"{len(findings)} finding{'s' if len(findings) != 1 else ''} "
                 f"({counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes) "
                 f"in {len(doc.flows())} flows of {doc.path}")
    return "\n".join(lines) + "\n"


def format_json(doc: Contribution, findings: list[Finding], extracted=()) -> str:
    return json.dumps({
        "file": doc.path,
        "flows": [{"clause": c.number, "title": c.title, "line": c.line,
                   "figures": [cap.label for cap in c.captions],
                   "steps": [s.label for s in c.steps]} for c in doc.flows()],
        "findings": [f.to_json() for f in findings],
        "extracted": list(extracted),
        "rules": {rule: {"name": name, "severity": sev} for rule, (name, sev) in RULES.items()},
    }, indent=2) + "\n"
