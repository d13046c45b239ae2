"""`imsflow diagrams` and `imsflow check --out`: the files, their determinism, staleness."""

import os
import subprocess
import sys

import pytest

from imsflow.cli import main
from imsflow.loader import REPO_ROOT
from imsflow.render import gallery

from conftest import MINI

REPRODUCIBLE = gallery.REPRODUCIBLE


def test_two_builds_give_identical_bytes(mini_gallery):
    again = gallery.build(MINI, png=False)
    assert sorted(again.files) == sorted(mini_gallery.files)
    for path, data in mini_gallery.files.items():
        assert again.files[path] == data, path


def _run_cli(out, seed):
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    subprocess.run([sys.executable, "-m", "imsflow.cli", "diagrams", "--model", MINI, "--out", str(out), "--no-png"],
                   check=True, env=env, capture_output=True, cwd=REPO_ROOT)
    files = {}
    for dirpath, _, names in os.walk(out):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as fh:
                files[os.path.relpath(p, out)] = fh.read()
    return files


def test_separate_processes_with_different_hash_seeds_agree(tmp_path):
    a = _run_cli(tmp_path / "a", 1)
    b = _run_cli(tmp_path / "b", 4242)
    assert a == b
    assert "diagrams/flows/R.svg" in a and "generated/traces/flows/R.json" in a


def test_write_replaces_only_what_changed_and_removes_leftovers(tmp_path, mini_gallery):
    first = gallery.write(mini_gallery, str(tmp_path))
    assert first["written"] == len(mini_gallery.files)
    stale = tmp_path / "diagrams" / "flows" / "OLD.svg"
    stale.write_text("<svg/>")
    mine = tmp_path / "diagrams" / "README.md"  # not a managed folder: kept
    mine.write_text("hand-written")
    second = gallery.write(mini_gallery, str(tmp_path))
    assert second == {"written": 0, "unchanged": len(mini_gallery.files), "removed": 1}
    assert not stale.exists() and mine.exists()


def test_saved_flow_trace_replays(tmp_path, capsys):
    gallery.write(gallery.build(MINI, png=False), str(tmp_path))
    assert main(["trace", str(tmp_path / "generated" / "traces" / "flows" / "R.json"), "--model", MINI]) == 0
    assert "WST: 200 from P-CSCF" in capsys.readouterr().out


def test_check_out_writes_counterexample_diagrams_beside_the_json(tmp_path, capsys):
    code = main(["check", "--model", MINI, "--out", str(tmp_path)])
    assert code == 1  # the mini model's findings are not declared expected
    traces = tmp_path / "traces"
    for stem in ("no-info-to-wic__R", "challenge-before-200__R"):
        assert (traces / f"{stem}.json").exists()
        for ext in ("svg", "mmd", "puml"):
            assert (traces / f"{stem}.{ext}").stat().st_size > 0, (stem, ext)
    assert not (traces / "flow-reachable__R.svg").exists()  # a witness that holds is not a finding


def _committed(root):
    out = {}
    for top in gallery.MANAGED:
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for n in names:
                p = os.path.join(dirpath, n)
                out[os.path.relpath(p, root).replace(os.sep, "/")] = p
    manifest = os.path.join(root, "generated", "manifest.json")
    if os.path.exists(manifest):
        out["generated/manifest.json"] = manifest
    return out


def test_committed_diagrams_are_not_stale(seed_gallery):
    """Regenerate the seed's diagrams in memory and compare with what is committed: every
    SVG, text form, DOT and JSON byte for byte; PNGs only for presence (their pixels depend
    on the fonts installed).  The fix when this fails: run `imsflow diagrams` and commit."""
    import json

    fresh = seed_gallery
    committed = _committed(REPO_ROOT)
    with open(committed["generated/manifest.json"], encoding="utf-8") as fh:
        recorded = json.load(fh)
    same_graphviz = recorded.get("graphviz") == fresh.manifest["graphviz"]
    stale = []
    for rel, data in fresh.files.items():
        if rel not in committed:
            stale.append(f"missing: {rel}")
            continue
        if rel.startswith("diagrams/entities/") and rel.endswith(".svg") and not same_graphviz:
            continue  # Graphviz's layout differs between versions; the DOT source is still compared
        if rel == "generated/manifest.json" and not same_graphviz:
            continue
        with open(committed[rel], "rb") as fh:
            if fh.read() != data:
                stale.append(f"differs: {rel}")
    expected_png = {png for rel in fresh.files if rel.startswith("diagrams/") and rel.endswith(".svg")
                    for png in gallery.png_copies(rel)}
    expected_png.add(gallery.DOCX)
    stale += [f"missing: {p}" for p in sorted(expected_png - set(committed))]
    leftovers = set(committed) - set(fresh.files) - expected_png
    stale += [f"no longer produced: {p}" for p in sorted(leftovers)]
    assert not stale, "diagrams are stale; run `imsflow diagrams` and commit:\n" + "\n".join(stale)


def test_a_partial_run_writes_neither_manifest_nor_docx(tmp_path):
    assert main(["diagrams", "--model", MINI, "--flow", "R", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "diagrams" / "flows" / "R.svg").exists()
    assert not (tmp_path / gallery.DOCX).exists() and not (tmp_path / "generated" / "manifest.json").exists()
    main(["diagrams", "--model", MINI, "--out", str(tmp_path)])
    assert (tmp_path / gallery.DOCX).exists()  # a full run does write it
