"""Every verdict that differs from its expectation is marked, in every kind, and named in the text:
the table's "!" marks, the summary's count and the list under the table agree."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from imsflow.patterns.verdict import Verdict
from imsflow.workflow.matrix import MatrixRequest, run_matrix
from imsflow.workflow.text import SEVERITY, is_unexpected, mark, render_matrix


@pytest.mark.parametrize("verdict,expected,shown", [
    ("holds", "holds", "ok"), ("violated", "violated", "viol*"), ("vacuous", "vacuous", "vac*"),
    ("violated", "holds", "VIOL!"), ("violated", "vacuous", "VIOL!"),
    ("vacuous", "holds", "VAC!"), ("vacuous", "violated", "VAC!"),
    ("holds", "violated", "ok!"), ("holds", "vacuous", "ok!"),
    ("inconclusive", "holds", "??"), ("inconclusive", "violated", "??"),
])
def test_the_mark_of_every_verdict_and_expectation(verdict, expected, shown):
    r = SimpleNamespace(verdict=Verdict(verdict), expected=expected)
    assert mark(r) == shown
    assert is_unexpected(shown) == (verdict not in ("inconclusive", expected))
    assert shown in SEVERITY


@pytest.fixture(scope="module")
def vacuity_matrix(gate_expecting_vacuity):
    return run_matrix(MatrixRequest(model_dir=gate_expecting_vacuity, executor="serial", progress=False))


def test_the_table_marks_exactly_the_verdicts_the_summary_counts(vacuity_matrix):
    run = vacuity_matrix
    unexpected = [r for r in run.results if not r.as_expected]
    assert any(r.verdict is Verdict.HOLDS and r.expected == "vacuous" for r in unexpected)
    text = render_matrix(run)
    table = text.split("legend:")[0]
    marked_cells = sum(1 for tok in table.split() if tok.endswith("!"))
    assert marked_cells >= 1
    assert f"{len(unexpected)} unexpected;" in text.splitlines()[-1]
    assert all(f"== {mark(r)} {r.property} on {r.flow}" in text for r in unexpected)


def test_past_the_limit_the_text_names_every_other_one_and_how_to_see_it(vacuity_matrix):
    run = vacuity_matrix
    listed = [r for r in run.results if not r.as_expected or r.verdict is Verdict.INCONCLUSIVE]
    assert len(listed) >= 2
    text = render_matrix(run, findings_limit=1)
    assert f"{len(listed) - 1} more" in text and "--all-findings" in text
    for r in listed:
        assert f"{r.property} on {r.flow}" in text and r.replay in text
    assert render_matrix(run, findings_limit=None).count("\n== ") == len(listed)
