"""The Annex U model's committed diagrams (models/annex_u/diagrams/, generated/) are current,
and drawing them leaves the seed's alone."""

import json
import os

from imsflow.render import gallery


def _committed(root):
    out = {}
    for top in gallery.MANAGED + ("generated/manifest.json",):
        path = os.path.join(root, top)
        if os.path.isfile(path):
            out[top] = path
        for dirpath, _, names in os.walk(path):
            for n in names:
                p = os.path.join(dirpath, n)
                out[os.path.relpath(p, root).replace(os.sep, "/")] = p
    return out


def test_committed_annex_u_diagrams_are_not_stale(annex_u, repo, monkeypatch):
    """The fix when this fails: `imsflow diagrams --model models/annex_u` and commit."""
    monkeypatch.chdir(repo)  # traces name the model directory relative to the repository
    fresh = gallery.build(os.path.relpath(annex_u), png=False)
    assert not fresh.problems
    committed = _committed(annex_u)
    with open(committed["generated/manifest.json"], encoding="utf-8") as fh:
        same_graphviz = json.load(fh).get("graphviz") == fresh.manifest["graphviz"]
    stale = []
    for rel, data in fresh.files.items():
        if rel not in committed:
            stale.append(f"missing: {rel}")
            continue
        if not same_graphviz and (rel == "generated/manifest.json" or rel.startswith("diagrams/entities/")):
            continue  # Graphviz lays out differently between versions; the DOT source is still compared
        with open(committed[rel], "rb") as fh:
            if fh.read() != data:
                stale.append(f"differs: {rel}")
    pngs = {rel[:-4] + ".png" for rel in fresh.files if rel.startswith("diagrams/") and rel.endswith(".svg")}
    binaries = {p for p in committed if p.endswith((".emf", "@2x.png", ".docx"))}  # the command's own copies
    stale += [f"no longer produced: {p}" for p in sorted(set(committed) - set(fresh.files) - pngs - binaries)]
    stale += [f"missing: {p}" for p in sorted(pngs - set(committed))]
    assert not stale, "run `imsflow diagrams --model models/annex_u` and commit:\n" + "\n".join(stale)
    assert sorted(fresh.manifest["flows"]) == ["U1", "U2", "U3", "U4", "U5", "U6"]


def test_the_flow_diagrams_show_the_annex_u_lifelines_in_declaration_order(annex_u, repo, monkeypatch):
    monkeypatch.chdir(repo)
    fresh = gallery.build(os.path.relpath(annex_u), flows=["U5"], png=False)
    assert fresh.manifest["flows"]["U5"]["participants"] == ["WIC", "eP-CSCF", "eIMS-AGW", "S-CSCF", "PCRF", "REMOTE"]
    svg = fresh.files["diagrams/flows/U5.svg"].decode()
    assert "imsflow diagrams --model models/annex_u" in svg


def test_drawing_another_model_writes_beside_it(tmp_path, capsys, annex_u):
    import shutil

    from imsflow.cli import main

    copy = tmp_path / "annex_u"
    shutil.copytree(annex_u, copy, ignore=shutil.ignore_patterns("diagrams", "generated"))
    assert main(["diagrams", "--model", str(copy), "--no-png", "--flow", "U1"]) == 0
    assert (copy / "diagrams" / "flows" / "U1.svg").exists()
    assert (copy / "generated" / "traces" / "flows" / "U1.json").exists()
