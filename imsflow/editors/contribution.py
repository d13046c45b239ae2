"""Reading a contribution in the seed's plain-text form into clauses, captions, steps and NOTEs.

The text form is what a 3GPP Word document becomes when saved as text: a clause heading is its
number alone on a line ("6.X.2.2.1") with the title on the next line (or on the same line); a
figure caption is a line "Figure 6.X.2.2.1-1:  Registration of ..."; a step is its label alone
on a line ("4-8." or "7-9") or at the start of its paragraph ("4-8. The WST ..."); a NOTE starts
with "NOTE", "NOTE 1:", "NOTE: 2:" and may continue on the following lines.  The OCR text of an
embedded picture ("[image: ...]" up to the next caption) is kept apart as figure text, so the
picture's own "1. SIP: Register" labels are never read as steps.

Everything keeps its 1-based line number: the lint reports are compiler-style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ImsflowError

# "6.X.2.2.1" or "6.1.3", optionally followed by the title on the same line.
HEADING = re.compile(r"^\s*(\d+(?:\.(?:\d+|[A-Z]))+)\s*(?:\s(?P<title>\S.*))?$")
CAPTION = re.compile(r"^\s*(?:\[image:[^\]]*\].*?)?Figure\s+(?P<num>[0-9A-Z.]+)-(?P<n>\d+)\s*:\s*(?P<title>.*)$")
FIGURE_REF = re.compile(r"\bFigure\s+(?P<num>[0-9A-Z.]+)-(?P<n>\d+)\b(?!\s*:)")
STEP_ALONE = re.compile(r"^\s*(?P<a>\d{1,2})(?:\s*-\s*(?P<b>\d{1,2}))?(?P<dot>\.?)\s*$")
STEP_INLINE = re.compile(r"^\s*(?P<a>\d{1,2})(?:\s*-\s*(?P<b>\d{1,2}))?\.\s+(?P<text>[A-Z].*)$")
NOTE = re.compile(r"^\s*(?P<kind>NOTE|Editor.?s Note)\s*(?P<num>\d*)\s*:?\s*(?:(?P<num2>\d+)\s*:)?\s*(?P<text>.*)$",
                  re.IGNORECASE)
IMAGE = re.compile(r"^\s*\[image:")
CHANGE_MARK = re.compile(r"^\s*\*\s*\*\s*\*")


class ContributionError(ImsflowError):
    """The contribution file cannot be read."""


@dataclass
class Line:
    no: int
    text: str


@dataclass
class Step:
    label: str  # as written: "4-8"
    first: int
    last: int
    line: int
    dotted: bool  # written "4-8." (the seed's style) rather than "7-9"
    text: str = ""  # the paragraph, joined
    lines: list = field(default_factory=list)  # [Line]


@dataclass
class Note:
    label: str  # "NOTE 1", "NOTE", "Editor's Note"
    line: int
    text: str = ""
    lines: list = field(default_factory=list)
    after_step: str | None = None  # the step label the NOTE follows, if any


@dataclass
class Caption:
    number: str  # "6.X.2.2.1"
    index: int  # the "-1"
    title: str
    line: int

    @property
    def label(self) -> str:
        return f"Figure {self.number}-{self.index}"


@dataclass
class Clause:
    number: str
    title: str
    line: int
    parent: "Clause | None" = None
    captions: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    prose: list = field(default_factory=list)  # [Line] outside steps and NOTEs
    figure_text: list = field(default_factory=list)  # [Line] OCR of an embedded picture

    def titles(self) -> list[str]:
        """This clause's title and its ancestors' ("Registration & Authentication", ...)."""
        out, c = [], self
        while c is not None:
            out.append(c.title)
            c = c.parent
        return out

    def text_lines(self) -> list:
        """Every line of the clause the reader kept, in order (prose, steps, NOTEs, captions)."""
        lines = list(self.prose)
        for s in self.steps:
            lines.extend(s.lines)
        for n in self.notes:
            lines.extend(n.lines)
        lines.extend(Line(c.line, f"Figure {c.number}-{c.index}: {c.title}") for c in self.captions)
        return sorted(lines, key=lambda ln: ln.no)


@dataclass
class Contribution:
    path: str
    lines: list  # [str], index = line number - 1
    clauses: list  # [Clause] in document order

    def clause(self, number: str) -> Clause | None:
        return next((c for c in self.clauses if c.number == number), None)

    def flows(self) -> list[Clause]:
        """The clauses that hold numbered steps: the contribution's flows."""
        return [c for c in self.clauses if c.steps]


def read(path: str) -> Contribution:
    from ..inputs import read_text

    return parse(read_text(path, "contribution", ContributionError), path)


def parse(text: str, path: str = "<text>") -> Contribution:
    raw = text.splitlines()
    clauses: list[Clause] = []
    current: Clause | None = None
    block = None  # the Step or Note the next lines continue
    in_image = False
    pending_title: Clause | None = None
    for i, line in enumerate(raw):
        no = i + 1
        stripped = line.strip()
        if pending_title is not None:
            if not stripped:
                continue
            pending_title.title = stripped
            pending_title = None
            continue
        if not stripped:
            continue
        if CHANGE_MARK.match(stripped):
            block = None
            continue
        heading = HEADING.match(line)
        if heading and _is_heading(heading, raw, i):
            clause = Clause(heading.group(1), heading.group("title") or "", no)
            clause.parent = _parent_of(clause.number, clauses)
            clauses.append(clause)
            current = clause
            block = None
            in_image = False
            if not clause.title:
                pending_title = clause
            continue
        if current is None:
            continue  # the discussion before the first clause
        caption = CAPTION.match(line)
        if caption:
            current.captions.append(Caption(caption.group("num"), int(caption.group("n")),
                                            caption.group("title").strip(), no))
            in_image = False
            block = None
            continue
        if IMAGE.match(line):
            in_image = True
            current.figure_text.append(Line(no, stripped))
            continue
        if in_image:
            current.figure_text.append(Line(no, stripped))
            continue
        note = NOTE.match(line)
        if note:
            num = note.group("num") or note.group("num2") or ""
            kind = "NOTE" if note.group("kind").upper() == "NOTE" else "Editor's Note"
            label = f"{kind} {num}".strip()
            after = current.steps[-1].label if current.steps else None
            block = Note(label, no, note.group("text").strip(), [Line(no, stripped)], after)
            current.notes.append(block)
            continue
        step = STEP_ALONE.match(line) or STEP_INLINE.match(line)
        if step and _plausible_step(step, current):
            a = int(step.group("a"))
            b = int(step.group("b")) if step.group("b") else a
            label = f"{a}-{b}" if step.group("b") else str(a)
            dotted = "dot" not in step.groupdict() or bool(step.group("dot"))
            inline = step.groupdict().get("text") or ""
            block = Step(label, a, b, no, dotted, inline, [Line(no, stripped)])
            current.steps.append(block)
            continue
        if block is not None and (isinstance(block, Step) or isinstance(block, Note)):
            block.text = f"{block.text} {stripped}".strip()
            block.lines.append(Line(no, stripped))
            continue
        current.prose.append(Line(no, stripped))
    return Contribution(path, raw, clauses)


def _is_heading(match, raw: list[str], i: int) -> bool:
    """A clause number alone on its line (title on the next non-empty line), or followed by a
    short title; never a sentence that happens to start with a number."""
    number = match.group(1)
    if "." not in number:
        return False
    title = match.group("title")
    if title is None:
        return True
    return len(title) < 90 and not title.rstrip().endswith(".")


def _parent_of(number: str, clauses: list[Clause]) -> Clause | None:
    parts = number.split(".")
    for k in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:k])
        for c in reversed(clauses):
            if c.number == prefix:
                return c
    return None


def _plausible_step(match, clause: Clause) -> bool:
    """A bare number is a step label only inside a clause (numbers up to 99); an inline label
    needs a capitalised sentence after it, which the regular expression already asks."""
    a = int(match.group("a"))
    b = int(match.group("b")) if match.group("b") else a
    return 0 <= a <= b < 100
