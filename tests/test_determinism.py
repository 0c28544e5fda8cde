"""Determinism: the same inputs give byte-identical Turtle and JSON-LD, however they are listed.

Stable IRIs (no blank nodes, no random labels), sorted output, document ids that do not depend
on the order the paths are given in (``kg build`` reads them sorted), and no dependence on
Python's string hashing (a second build runs in another process with another hash seed).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.namespaces import KG

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "input"
ARTICLES = sorted(INPUT.glob("*.txt"))
COMPARED = ("graph.ttl", "graph.jsonld")
runner = CliRunner()


def kg_build(*args: object):
    result = runner.invoke(app, ["build", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result


def outputs(out: Path, names=COMPARED) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in names}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    """The outputs of ``kg build input/ --no-cache``, in this process."""
    out = tmp_path_factory.mktemp("det") / "folder"
    kg_build(INPUT, "--out", out, "--no-cache")
    return outputs(out, COMPARED + ("graph.html",))


def test_two_builds_in_two_processes_are_byte_identical(reference, tmp_path):
    """The second build runs as a user runs it, in a new process with another string-hash seed."""
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "4242", "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(INPUT), "--out", str(out), "--no-cache"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    again = outputs(out, COMPARED + ("graph.html",))
    for name in COMPARED + ("graph.html",):
        assert again[name] == reference[name], name


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_files_listed_in_another_order_give_the_same_bytes(reference, tmp_path, order):
    files = list(reversed(ARTICLES)) if order == "reversed" else [ARTICLES[i] for i in (3, 0, 4, 2, 1)]
    kg_build(*files, "--out", tmp_path / "out", "--no-cache")
    assert outputs(tmp_path / "out") == {name: reference[name] for name in COMPARED}


def test_a_rebuild_from_the_cache_gives_the_same_bytes(reference, tmp_path):
    out = tmp_path / "cached"
    build([INPUT], out)
    second = build(list(reversed(ARTICLES)), out)
    assert second.stats.reused == len(ARTICLES) and second.stats.extracted == 0
    assert outputs(out) == {name: reference[name] for name in COMPARED}


SAME_NAME = {
    "x/idlib.txt": "Russia backs the Syrian government, the Kremlin said.\n",
    "y/idlib.txt": "Turkey opposes the Syrian government, Turkish officials said.\n",
    "z/Idlib.md": "# Idlib\n\nIran backs Hezbollah, the Lebanese group said.\n",
}


@pytest.fixture(scope="module")
def same_names(tmp_path_factory) -> Path:
    """Three articles whose file names give the same document id."""
    base = tmp_path_factory.mktemp("same-names")
    for rel, text in SAME_NAME.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(text, encoding="utf-8")
    return base


def test_documents_with_the_same_name_get_the_same_ids_in_any_order(same_names, tmp_path):
    files = [same_names / rel for rel in SAME_NAME]
    built, ids = {}, {}
    for label, order in (("sorted", files), ("reversed", files[::-1]), ("rotated", files[1:] + files[:1])):
        result = build(order, tmp_path / label, cache=False)
        ids[label] = {d.doc_id: d.path for d in result.graph.documents}  # ids from the articles, not their names
        assert sorted(ids[label].values()) == ["Idlib.md", "idlib.txt", "idlib.txt"] and len(ids[label]) == 3
        built[label] = outputs(tmp_path / label)
    assert ids["sorted"] == ids["reversed"] == ids["rotated"]
    assert built["sorted"] == built["reversed"] == built["rotated"]
    graph = Graph().parse(data=built["sorted"]["graph.ttl"], format="turtle")
    assert {str(v) for v in graph.objects(None, KG.documentId)} == set(ids["sorted"])


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The sample articles, one nested article and a JSONL feed in one folder, and its build."""
    base = tmp_path_factory.mktemp("mixed")
    folder = base / "in"
    folder.mkdir()
    for article in ARTICLES[:3]:
        shutil.copy(article, folder / article.name)
    (folder / "feed.jsonl").write_text(
        '{"text": "Russia backs the Syrian government, the Kremlin said.", "title": "Moscow"}\n'
        '{"text": "Turkey opposes the Syrian government, Turkish officials said."}\n', encoding="utf-8")
    (folder / "later.md").write_text("# Tehran\n\nIran backs Hezbollah, the Lebanese group.\n", encoding="utf-8")
    build([folder], base / "out", cache=False)
    return folder, outputs(base / "out")


@settings(max_examples=4, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_order_of_the_files_of_a_folder_gives_the_folders_bytes(mixed_folder, tmp_path, data):
    folder, expected = mixed_folder
    files = data.draw(st.permutations(sorted(folder.iterdir())))
    out = tmp_path / f"perm-{'-'.join(f.stem for f in files)}"
    build(files, out, cache=False)
    assert outputs(out) == expected
