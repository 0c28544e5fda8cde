"""``kg build --dask``: extraction on a Dask distributed cluster gives the graph of a local build.

The cluster is a LocalCluster of two worker processes (one thread each) on 127.0.0.1; each
worker loads the spaCy pipeline on its first task.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.build import ChunkResult, _check_version, build
from kg.cli import app

distributed = pytest.importorskip("distributed", reason="dask[distributed] is in the test extra")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "input").glob("*.txt"))
EXTRA = {
    "zz_ankara.txt": "Ankara sends more troops to Idlib\n\nTurkey opposes the Syrian government, "
                     "Turkish officials said on Tuesday.\nIran backs Hezbollah.\n",
    "zz_geneva.txt": "Talks in Geneva\n\nRussia opposes the Islamic State, the Kremlin said.\n"
                     "Qatar backs the Syrian opposition.\n",
}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for path in SAMPLES:
        shutil.copy(path, folder / path.name)
    for name, text in EXTRA.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    return build([corpus], out, cache=False), out


def _files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.jsonld")}


def test_a_dask_build_gives_the_graph_of_a_local_build(cluster, corpus, local, tmp_path):
    local_result, local_out = local
    result = build([corpus], tmp_path / "out", dask=cluster.scheduler_address, cache=False)
    assert result.stats.extracted == len(SAMPLES) + len(EXTRA)
    assert [d.doc_id for d in result.graph.documents] == [d.doc_id for d in local_result.graph.documents]
    assert result.graph.assertions == local_result.graph.assertions
    assert _files(tmp_path / "out") == _files(local_out)  # byte-identical Turtle and JSON-LD
    # Both workers took part: each loaded its own pipeline.
    with distributed.Client(cluster.scheduler_address) as client:
        loaded = client.run(lambda: sorted(__import__("kg.worker").worker._PIPELINES))
    assert len(loaded) == 2


def test_a_dask_build_with_a_cache_sends_only_new_articles(cluster, corpus, local, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in sorted(corpus.iterdir())[:3]:
        shutil.copy(path, folder / path.name)
    out = tmp_path / "out"
    with distributed.Client(cluster.scheduler_address) as client:
        assert build([folder], out, dask=client).stats.extracted == 3
        for path in sorted(corpus.iterdir())[3:]:
            shutil.copy(path, folder / path.name)
        again = build([folder], out, dask=client)
    assert (again.stats.extracted, again.stats.reused) == (len(SAMPLES) + len(EXTRA) - 3, 3)
    build([folder], tmp_path / "full", cache=False)
    assert _files(out) == _files(tmp_path / "full")


def test_kg_build_dask_on_the_command_line(cluster, corpus, local, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(out), "--dask", cluster.scheduler_address,
                                      "--no-cache"])
    assert result.exit_code == 0, result.output
    assert f"Read {len(SAMPLES) + len(EXTRA)} documents" in result.output
    assert _files(out) == _files(local[1])


def test_a_worker_with_another_extractor_stops_the_build():
    with pytest.raises(RuntimeError, match="another version"):
        _check_version(ChunkResult([], 0.0, 0.0, "a" * 64), "b" * 64)


def test_an_unreachable_scheduler_is_a_clear_error(corpus, tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(tmp_path / "out"),
                                          "--dask", "tcp://127.0.0.1:9", "--no-cache"])
    assert result.exit_code == 2, result.output
    assert "kg build:" in result.output
    assert not (tmp_path / "out").exists()
