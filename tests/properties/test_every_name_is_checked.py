"""Adversarial: misspell, one at a time, every name the seed catalogue (and each example
model's) uses - each mapping key and each string value that names something (a message, field,
value, entity, state, tag, variant, flow, key, verdict...) - and the load must fail with the
line of that very name.
A name whose misspelling loads silently is a name the validator does not check."""

import os
import re

import pytest
import yaml

from imsflow.errors import PropertyError
from imsflow.loader import load
from imsflow.patterns.spec import load_properties
from imsflow.patterns.validate import validate

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = [None, "examples/two_phase", "examples/abp", "tests/promela/pingpong", "tests/workflow/fixtures/gate"]
FILES = [(model, os.path.join(ROOT, model or "", "properties", f)) for model in MODELS
         for f in sorted(os.listdir(os.path.join(ROOT, model or "", "properties"))) if f.endswith(".yaml")]
PROSE = {"id", "statement", "clause", "reason", "note"}  # free text: any spelling is valid
REQUIRED = {"id", "kind", "statement", "clause"}  # misspelt, they are missing: named at the property


def _names(node, key=None):
    """(scalar node, is a mapping key) for every name below `node`."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value not in REQUIRED:
                yield k, True
            yield from _names(v, k.value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _names(item, key)
    elif isinstance(node, yaml.ScalarNode) and key not in PROSE and node.tag.endswith(":str"):
        yield node, False


def _cases(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    root = yaml.compose(text)
    for node, _ in _names(root):
        yield _only_its_property(text, root, node.start_mark.index), node.start_mark.index, \
            node.end_mark.index, node.value, node.start_mark.line + 1


ANCHOR = re.compile(r"(?<![\w])&[A-Za-z][\w-]*")


def _only_its_property(text, root, at):
    """The file with every property but the one holding offset `at` (and those that define an
    anchor another may use) blanked by spaces, so offsets and lines stay those of the file: each
    misspelling is loaded and validated on its own property at its own line, instead of
    re-reading the whole catalogue each time."""
    if not isinstance(root, yaml.SequenceNode):
        return text
    out, last = [], 0
    for item in root.value:
        begin = text.rfind("\n", 0, item.start_mark.index) + 1  # the line of its "- "
        end = item.end_mark.index
        if item.start_mark.index <= at < end or ANCHOR.search(text, begin, end):
            continue
        out += [text[last:begin], re.sub(r"[^\n]", " ", text[begin:end])]  # offsets and lines kept
        last = end
    return "".join(out) + text[last:]


@pytest.mark.parametrize("model_dir, path", FILES, ids=[os.path.relpath(p, ROOT) for _, p in FILES])
def test_a_misspelt_name_is_an_error_at_its_line(tmp_path, model_dir, path):
    model = load(os.path.join(ROOT, model_dir) if model_dir else None).model
    unchecked, cases = [], 0
    for text, start, end, name, line in _cases(path):
        original = text[start:end]
        inner = original.find(name)
        misspelt = original[:inner] + name + "x" + original[inner + len(name):]
        (tmp_path / "one.yaml").write_text(text[:start] + misspelt + text[end:])
        cases += 1
        try:
            validate(load_properties(str(tmp_path)), model)
        except PropertyError as err:
            if not err.where.endswith(f"one.yaml:{line}"):
                unchecked.append(f"{line}: {name}x -> {err.render()}")
        else:
            unchecked.append(f"{line}: {name}x loads without an error")
    assert cases > 10  # the catalogue's names were found and tried
    assert unchecked == []
