"""Reading the files a user hands imsflow (flow files, property catalogues, contributions, traces):
one size limit, one encoding, and YAML mappings that refuse duplicate keys.

Every reader goes through `read_text`, so a binary file, a file in another encoding or a 50 MB
file is refused at once with the file named and the limit stated, instead of a traceback or a
search that runs for minutes on garbage.  Duplicate keys are an error because YAML's own rule
(the last one silently wins) lets a typo replace a step or an expectation without a word.
"""

from __future__ import annotations

import os

import yaml

# The largest input file imsflow reads.  The seed's biggest file is ~30 KB; a flow file or a
# contribution of several MB is not one an editor wrote.  IMSFLOW_MAX_INPUT_BYTES raises it.
MAX_INPUT_BYTES = 5 * 1024 * 1024


def max_input_bytes() -> int:
    raw = os.environ.get("IMSFLOW_MAX_INPUT_BYTES")
    return int(raw) if raw and raw.isdigit() else MAX_INPUT_BYTES


def read_text(path: str, what: str, error: type) -> str:
    """The file's text (UTF-8), or `error` naming the file, what is wrong and the fix."""
    limit = max_input_bytes()
    try:
        if os.path.isdir(path):
            raise error(f"{what} {path!r} is a directory, not a file")
        size = os.path.getsize(path)
        if size > limit:
            raise error(f"{what} {path!r} is {size:,} bytes, over the {limit:,}-byte limit for an input file",
                        hint="check that it is the file you meant; IMSFLOW_MAX_INPUT_BYTES=N raises the limit")
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read {what} {path!r}: {exc.strerror}") from None
    if b"\0" in data:
        raise error(f"{what} {path!r} is a binary file (it holds NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(f"{what} is not UTF-8 text: {exc.reason} at byte {exc.start}", where=f"{path}:{line}",
                    hint="save it as UTF-8") from None


class StrictLoader(yaml.SafeLoader):
    """SafeLoader whose aliases may name scalars only (a shared reason text, as the catalogue
    writes): an alias of a list or mapping lets a nest of them (the "billion laughs") expand
    exponentially in the readers that copy what they load."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None and not isinstance(target, yaml.ScalarNode):
                raise yaml.composer.ComposerError(
                    None, None, f"alias *{event.anchor} names a list or mapping; only text may be shared "
                    "with &name/*name in imsflow files", event.start_mark)
        return super().compose_node(parent, index)


def strict_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    """SafeLoader.construct_mapping, but a key written twice in one mapping is an error (with
    both lines) rather than the last one silently winning."""
    seen: dict = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        _refuse_duplicate(key_node, seen)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


def _refuse_duplicate(key_node: yaml.ScalarNode, seen: dict) -> None:
    key = key_node.value
    if key in seen:
        raise yaml.constructor.ConstructorError(
            None, None,
            f"duplicate key {key!r} (first at line {seen[key] + 1}); YAML would silently keep the last one",
            key_node.start_mark,
        )
    seen[key] = key_node.start_mark.line


def check_strict_tree(node, seen: set | None = None) -> None:
    """The rules of StrictLoader and strict_mapping, on a tree another (faster, libyaml)
    loader composed: no key twice in one mapping, and an alias may name text only (a list or
    mapping reached twice is an alias of one)."""
    seen = set() if seen is None else seen
    if isinstance(node, yaml.ScalarNode):
        return
    if id(node) in seen:
        raise yaml.composer.ComposerError(None, None, "an alias names a list or mapping; only text may be shared "
                                          "with &name/*name in imsflow files", node.start_mark)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: dict = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                _refuse_duplicate(key_node, keys)
            check_strict_tree(value_node, seen)
    else:
        for item in node.value:
            check_strict_tree(item, seen)


def yaml_problem(exc: yaml.YAMLError) -> tuple[str, int | None]:
    """(what is wrong, 1-based line or None) of a YAML error, for a FlowFileError/PropertyError."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return problem, (mark.line + 1 if mark is not None else None)
