"""imsflow matrix: planning, the executor seam, verdicts, output and errors."""

import json

import pytest

from imsflow.cli import main
from imsflow.errors import ImsflowError, UsageError
from imsflow.loader import load
from imsflow.workflow import executor as executor_mod
from imsflow.workflow.matrix import MatrixRequest, plan, run_matrix
from imsflow.workflow.text import render_matrix


def verdicts(run) -> dict:
    return {(r.property, r.flow, tuple(sorted(r.variant.items()))): r.verdict.value for r in run.results}


def test_plan_collapses_combinations_a_flow_fixes(gate_dir):
    loaded = load(gate_dir)
    varied, columns, jobs = plan(loaded, MatrixRequest(model_dir=gate_dir))
    assert varied == ["trust", "rogue"]
    # login: 2 x 2 combinations; reject fixes rogue=yes, so only trust varies there.
    assert [(c.flow, c.label) for c in columns] == [
        ("login", "trust=client rogue=no"), ("login", "trust=client rogue=yes"),
        ("login", "trust=any rogue=no"), ("login", "trust=any rogue=yes"),
        ("reject", "trust=client rogue=yes"), ("reject", "trust=any rogue=yes"),
    ]
    # Jobs are plain data: what a process pool, Ray or Dask can ship to a worker.
    json.dumps(jobs)
    assert all(j["settings"] == c.variant for j, c in zip(jobs, columns))


def test_vary_one_variant_keeps_the_others_at_their_set_values(gate_dir):
    loaded = load(gate_dir)
    varied, columns, _ = plan(loaded, MatrixRequest(model_dir=gate_dir, vary=["trust"], settings={"rogue": "yes"},
                                                    flows=["login"]))
    assert varied == ["trust"]
    assert [c.variant for c in columns] == [{"rogue": "yes", "trust": "client"}, {"rogue": "yes", "trust": "any"}]


def test_the_matrix_finds_the_finding_only_where_the_variant_allows_it(gate_matrix):
    got = verdicts(gate_matrix)
    bad = {k for k, v in got.items() if v == "violated"}
    assert bad == {
        ("admit-only-the-client", "login", (("rogue", "yes"), ("trust", "any"))),
        ("admit-only-the-client", "reject", (("rogue", "yes"), ("trust", "any"))),
        ("flow-reachable", "reject", (("rogue", "yes"), ("trust", "any"))),
    }
    assert len(got) == 6 * 4  # every property on every (flow, variant)
    assert int(gate_matrix.exit_code) == 0  # the findings are expected ones


def test_process_pool_and_serial_executor_agree(gate_dir, gate_matrix):
    pooled = run_matrix(MatrixRequest(model_dir=gate_dir, executor="process", workers=2, progress=False))
    assert verdicts(pooled) == verdicts(gate_matrix)
    assert pooled.stats["workers"] == 2 and pooled.stats["executor"] == "process"
    assert [r.property for r in pooled.results] == [r.property for r in gate_matrix.results]  # plan order


def test_an_executor_of_ones_own_plugs_into_the_seam(gate_dir, gate_matrix, monkeypatch):
    seen = []

    class Recording(executor_mod.SerialExecutor):
        name = "recording"

        def map_unordered(self, fn, jobs):
            jobs = list(jobs)  # takes every job at once, as a cluster scheduler may
            for i in reversed(range(len(jobs))):  # and answers out of order
                seen.append(jobs[i]["flow"])
                yield i, fn(jobs[i])

    monkeypatch.setitem(executor_mod.EXECUTORS, "recording", Recording)
    run = run_matrix(MatrixRequest(model_dir=gate_dir, executor="recording", progress=False))
    assert len(seen) == 6
    assert verdicts(run) == verdicts(gate_matrix)


def test_text_table_says_which_variant_values_flip_a_verdict(gate_matrix):
    text = render_matrix(gate_matrix)
    assert "admit-only-the-client on login: viol* when trust=any, rogue=yes; ok otherwise" in text
    assert "flow-reachable on reject: viol* when trust=any; ok otherwise" in text
    assert "1/4 viol*" in text
    assert "24 verdicts" in text and "6 runs" in text


def test_progress_bar_reaches_the_end(gate_dir, capsys):
    code = main(["matrix", "--model", gate_dir, "--vary", "trust", "--flow", "login", "--progress",
                 "--executor", "serial"])
    err = capsys.readouterr().err
    assert code == 0
    assert "2/2 runs 100%" in err and " states;" in err and "[" + "#" * 28 + "]" in err


def test_json_output_follows_the_result_contract(gate_dir, capsys):
    assert main(["matrix", "--model", gate_dir, "--format", "json", "--no-progress"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["varied"] == ["trust", "rogue"] and len(doc["columns"]) == 6
    r = next(r for r in doc["results"] if r["verdict"] == "violated" and r["property"] == "admit-only-the-client")
    assert set(r) >= {"property", "flow", "variant", "verdict", "expected", "reason", "trace", "stats"}
    assert r["trace"][-1]["from"] == "SERVER" and r["trace"][-1]["to"] == "ROGUE"


def test_unknown_variant_and_conflicting_arguments_are_usage_errors(gate_dir, capsys):
    with pytest.raises(UsageError, match="unknown variant"):
        plan(load(gate_dir), MatrixRequest(model_dir=gate_dir, vary=["trsut"]))
    assert main(["matrix", "--model", gate_dir, "--vary", "trust", "--set", "trust=any"]) == 2
    assert "both fixed with --set and varied" in capsys.readouterr().err


def test_a_worker_error_fails_the_whole_matrix(gate_dir):
    with pytest.raises(ImsflowError, match="unknown property"):
        run_matrix(MatrixRequest(model_dir=gate_dir, properties=["no-such-property"], executor="process",
                                 progress=False))


def test_a_run_decides_the_configurations_that_differ_only_in_variants_it_never_read(gate_dir, gate_matrix):
    # Without a rogue the login flow never reads `trust`: its trust=any column is answered by
    # the trust=client run, with that column's own variant, expectations and replay command.
    assert gate_matrix.stats["shared"] == 1
    shared = next(i for i, s in enumerate(gate_matrix.column_stats) if "shared_with" in s)
    assert gate_matrix.columns[shared].label == "trust=any rogue=no"
    assert gate_matrix.columns[gate_matrix.column_stats[shared]["shared_with"]].label == "trust=client rogue=no"
    unshared = run_matrix(MatrixRequest(model_dir=gate_dir, executor="serial", progress=False, share=False))
    assert unshared.stats["shared"] == 0

    def comparable(run):
        return [{k: v for k, v in r.to_json().items() if k != "stats"} for r in run.results]

    assert comparable(gate_matrix) == comparable(unshared)
    replay = next(r.replay for r in gate_matrix.results if r.column == shared)
    assert "--set trust=any" in replay


def test_reads_count_a_look_at_the_whole_variant_as_reading_everything():
    from imsflow.authoring.model import Config
    from imsflow.workflow import reads

    with reads.recording() as seen:
        from imsflow.authoring import model as authoring_model

        config = authoring_model.Config(flow="f", variant=(("a", 1), ("b", 2)))
        assert config.a == 1 and config.get("b") == 2
        assert seen == {"a", "b"}
        config.describe()
        assert reads.ALL in seen
    assert authoring_model.Config is Config  # restored
    assert not reads.covers({"a", reads.ALL}, {"a": 1}, {"a": 1})
    assert reads.covers({"a"}, {"a": 1, "b": 1}, {"a": 1, "b": 2})
    assert not reads.covers({"a"}, {"a": 1}, {"a": 2})


def test_json_refers_to_the_trace_of_the_run_that_decided_a_shared_column(gate_matrix):
    doc = gate_matrix.to_json()
    shared = next(i for i, s in enumerate(gate_matrix.column_stats) if "shared_with" in s)
    mine = [r for r in doc["results"] if r["variant"] == doc["columns"][shared]["variant"] and r["flow"] == "login"]
    witness = next(r for r in mine if r["property"] == "flow-reachable")
    assert witness["trace"] == [] and witness["trace_same_as"]["column"] == gate_matrix.column_stats[shared]["shared_with"]
    source = doc["columns"][witness["trace_same_as"]["column"]]
    original = next(r for r in doc["results"] if r["variant"] == source["variant"] and r["flow"] == "login"
                    and r["property"] == "flow-reachable")
    assert original["trace"] and "trace_same_as" not in original


def test_the_condition_under_a_flipped_verdict_may_name_several_values():
    from itertools import product

    from imsflow.workflow.matrix import Column
    from imsflow.workflow.text import _condition

    everyone = [Column("F1", {"rogue": r, "faults": f}, {"rogue": r, "faults": f})
                for r, f in product(["no", "yes"], ["none", "expiry", "cancel", "all"])]
    group = [c for c in everyone if c.varied["rogue"] == "yes" and c.varied["faults"] in ("expiry", "all")]
    assert _condition(group, everyone, ["rogue", "faults"]) == "rogue=yes, faults=expiry|all"
    assert _condition(everyone[4:], everyone, ["rogue", "faults"]) == "rogue=yes"
    assert _condition([everyone[0], everyone[7]], everyone, ["rogue", "faults"]) is None


def test_each_run_has_a_memory_budget_and_the_table_says_what_it_left_undecided(gate_dir, capsys):
    from imsflow.workflow.matrix import DEFAULT_RUN_STATES, memory_per_run

    # No state count by default: each run's budget is its share of the available memory.
    assert MatrixRequest().max_states is DEFAULT_RUN_STATES is None
    assert 0 < memory_per_run(MatrixRequest()) < float("inf")
    code = main(["matrix", "--model", gate_dir, "--vary", "trust", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0 and "budget per run: " in out and "GiB of memory, no state budget" in out
    code = main(["matrix", "--model", gate_dir, "--vary", "trust", "--max-states", "2", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 3  # inconclusive, never "holds" for a cut search
    assert "columns have verdicts their run's budget (2 states and " in out and "GiB) left inconclusive" in out
    # --max-states none lifts the budget: the same matrix is decided (0 is refused: it once meant
    # "none" here and "no states" in check)
    code = main(["matrix", "--model", gate_dir, "--vary", "trust", "--max-states", "none", "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0 and "left inconclusive" not in out
    assert main(["matrix", "--model", gate_dir, "--vary", "trust", "--max-states", "0", "--no-progress"]) == 2
