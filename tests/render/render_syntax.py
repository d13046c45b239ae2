"""Basic syntax checks of the Mermaid and PlantUML text imsflow writes.

Neither Mermaid (JavaScript) nor PlantUML (Java) is installed, so these are line grammars of
the subset imsflow emits: every line must be one of the known statement forms, every name
used must be declared, blocks must be balanced.  Each checker returns a list of problems
("line 7: ..."), empty when the text passes.
"""

from __future__ import annotations

import re

ID = r"[A-Za-z_][A-Za-z0-9_]*"


def _frontmatter(lines):
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        for ln in lines[1:end]:
            if not re.fullmatch(r'title: ([^:"]*|"[^"]*")', ln):
                return lines, [f"front matter line {ln!r} is not 'title: ...' (or holds an unquoted ':')"]
        return lines[end + 1:], []
    return lines, []


def mermaid_sequence(text: str) -> list[str]:
    lines, problems = _frontmatter(text.splitlines())
    body = [ln.strip() for ln in lines]
    if not body or body[0] != "sequenceDiagram":
        return problems + ["first statement is not 'sequenceDiagram'"]
    declared, stack = set(), []
    for no, ln in enumerate(body[1:], start=2):
        if not ln or ln.startswith("%%"):
            continue
        if ";" in ln or "#" in ln:
            problems.append(f"line {no}: ';' or '#' would end or escape the statement")
        m = re.fullmatch(rf"participant ({ID})(?: as (\S+))?", ln)
        if m:
            declared.add(m.group(1))
            continue
        m = re.fullmatch(rf"({ID})(->>|-->>|->|-->|-x|--x)({ID}): (.+)", ln)
        if m:
            for name in (m.group(1), m.group(3)):
                if name not in declared:
                    problems.append(f"line {no}: {name} is not a declared participant")
            continue
        m = re.fullmatch(rf"Note (?:over|left of|right of) ({ID})(?:,({ID}))?: (.+)", ln)
        if m:
            for name in filter(None, (m.group(1), m.group(2))):
                if name not in declared:
                    problems.append(f"line {no}: {name} is not a declared participant")
            continue
        if re.fullmatch(r"(opt|loop|alt|critical|break|par) .+", ln) or re.fullmatch(
                r"rect rgb\(\d{1,3}, \d{1,3}, \d{1,3}\)", ln):
            stack.append(no)
            continue
        if ln == "end":
            if not stack:
                problems.append(f"line {no}: 'end' closes no block")
            else:
                stack.pop()
            continue
        problems.append(f"line {no}: not a sequenceDiagram statement: {ln!r}")
    problems += [f"line {no}: block never closed" for no in stack]
    return problems


def mermaid_state(text: str) -> list[str]:
    lines, problems = _frontmatter(text.splitlines())
    body = [ln.strip() for ln in lines]
    if not body or body[0] != "stateDiagram-v2":
        return problems + ["first statement is not 'stateDiagram-v2'"]
    declared = set()
    for no, ln in enumerate(body[1:], start=2):
        if not ln or ln.startswith("%%"):
            continue
        if ";" in ln:
            problems.append(f"line {no}: ';' would end the statement")
        m = re.fullmatch(rf'state "[^"]+" as ({ID})', ln)
        if m:
            declared.add(m.group(1))
            continue
        m = re.fullmatch(rf"(\[\*\]|{ID}) --> (\[\*\]|{ID})(?:: (.+))?", ln)
        if m:
            for name in (m.group(1), m.group(2)):
                if name != "[*]" and name not in declared:
                    problems.append(f"line {no}: state {name} is not declared")
            continue
        m = re.fullmatch(rf"({ID}) : (.+)", ln)
        if m:
            if m.group(1) not in declared:
                problems.append(f"line {no}: state {m.group(1)} is not declared")
            continue
        problems.append(f"line {no}: not a stateDiagram-v2 statement: {ln!r}")
    return problems


def _plantuml_body(text: str):
    lines = [ln.strip() for ln in text.splitlines()]
    problems = []
    if not lines or lines[0] != "@startuml":
        problems.append("does not start with @startuml")
    if not lines or lines[-1] != "@enduml":
        problems.append("does not end with @enduml")
    return [(no, ln) for no, ln in enumerate(lines[1:-1], start=2)], problems


_COMMON = re.compile(r"(title .+|caption .+|hide (footbox|empty description)|skinparam \w+ \S+|'.*)")


def plantuml_sequence(text: str) -> list[str]:
    body, problems = _plantuml_body(text)
    declared, stack = set(), []
    for no, ln in body:
        if not ln or _COMMON.fullmatch(ln):
            continue
        m = re.fullmatch(rf'participant "[^"]+" as ({ID})', ln)
        if m:
            declared.add(m.group(1))
            continue
        m = re.fullmatch(rf"({ID}) -(?:\[#[0-9A-Fa-f]{{6}}\])?-?> ({ID}) : (.+)", ln)
        if m:
            for name in (m.group(1), m.group(2)):
                if name not in declared:
                    problems.append(f"line {no}: {name} is not a declared participant")
            continue
        m = re.fullmatch(rf"(?:hnote over|note (?:right|left) of) ({ID})(?: #[0-9A-Fa-f]{{6}})? : (.+)", ln)
        if m:
            if m.group(1) not in declared:
                problems.append(f"line {no}: {m.group(1)} is not a declared participant")
            continue
        if re.fullmatch(r"(group|opt|loop|alt|critical|break) .+", ln):
            stack.append(no)
            continue
        if ln == "end":
            if not stack:
                problems.append(f"line {no}: 'end' closes no block")
            else:
                stack.pop()
            continue
        problems.append(f"line {no}: not a PlantUML sequence statement: {ln!r}")
    problems += [f"line {no}: block never closed" for no in stack]
    return problems


def plantuml_state(text: str) -> list[str]:
    body, problems = _plantuml_body(text)
    declared = set()
    for no, ln in body:
        if not ln or _COMMON.fullmatch(ln):
            continue
        m = re.fullmatch(rf'state "[^"]+" as ({ID})(?: #line\.dashed)?', ln)
        if m:
            declared.add(m.group(1))
            continue
        m = re.fullmatch(rf"(\[\*\]|{ID}) --> (\[\*\]|{ID})(?: : (.+))?", ln)
        if m:
            for name in (m.group(1), m.group(2)):
                if name != "[*]" and name not in declared:
                    problems.append(f"line {no}: state {name} is not declared")
            continue
        m = re.fullmatch(rf"({ID}) : (.+)", ln)
        if m:
            if m.group(1) not in declared:
                problems.append(f"line {no}: state {m.group(1)} is not declared")
            continue
        problems.append(f"line {no}: not a PlantUML state statement: {ln!r}")
    return problems
