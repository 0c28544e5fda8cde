"""``kg push``: a built graph loaded into a real Oxigraph server through the SPARQL 1.1 Graph Store
HTTP Protocol, checked with SPARQL COUNT queries. The server (the ``oxigraph`` package of the test
extra) is started by the test on 127.0.0.1 with its data in a temporary folder.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.push import PushError, graph_store_url, push

ROOT = Path(__file__).resolve().parents[1]
NAMED = "https://w3id.org/kg/graph/news"
SMALL = """@prefix kg: <https://w3id.org/kg/ontology#> .
<https://w3id.org/kg/resource/country/iran> kg:backs <https://w3id.org/kg/resource/armedgroup/hezbollah> .
"""


def _oxigraph() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of an Oxigraph server with its store in a temporary folder."""
    binary = _oxigraph()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install -e '.[test]')")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph did not start: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def count(base: str, graph: str | None = None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    query = urllib.parse.quote(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    request = urllib.request.Request(f"{base}/query?query={query}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        result = json.load(response)
    return int(result["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from kg.build import build

    out = tmp_path_factory.mktemp("push-build")
    build([ROOT / "input"], out, cache=False)
    return out


def test_push_replaces_the_default_graph_with_the_built_graph(server, built):
    triples = len(Graph().parse(built / "graph.ttl", format="turtle"))
    assert triples > 100
    result = push(built / "graph.ttl", f"{server}/store")
    assert result.method == "PUT" and result.status in (200, 201, 204)
    assert count(server) == triples
    push(built / "graph.ttl", f"{server}/store")  # PUT again: replaced, not doubled
    assert count(server) == triples


def test_push_into_a_named_graph_and_append(server, built, tmp_path):
    small = tmp_path / "small.ttl"
    small.write_text(SMALL, encoding="utf-8")
    push(small, f"{server}/store", NAMED)
    assert count(server, NAMED) == 1
    triples = len(Graph().parse(built / "graph.ttl", format="turtle"))
    push(built / "graph.jsonld", f"{server}/store", NAMED, append=True)  # JSON-LD, POSTed as N-Triples
    assert count(server, NAMED) == triples + 1


def test_kg_push_on_the_command_line(server, built):
    graph = "https://w3id.org/kg/graph/cli"
    result = CliRunner().invoke(app, ["push", str(built / "graph.ttl"), "--endpoint", f"{server}/store",
                                      "--graph", graph])
    assert result.exit_code == 0, result.output
    assert "PUT" in result.output and "HTTP 20" in result.output
    assert count(server, graph) == len(Graph().parse(built / "graph.ttl", format="turtle"))


def test_a_refused_graph_is_a_clear_error(server, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(PushError, match="HTTP 400"):
        push(broken, f"{server}/store", "https://w3id.org/kg/graph/broken")
    result = CliRunner().invoke(app, ["push", str(broken), "--endpoint", f"{server}/store"])
    assert result.exit_code == 1 and "kg push:" in result.output


def test_an_unreachable_store_and_a_missing_file_are_clear_errors(tmp_path, built):
    with pytest.raises(PushError, match="no such file"):
        push(tmp_path / "missing.ttl", "http://127.0.0.1:9/store")
    with pytest.raises(PushError, match=r"PUT http://127\.0\.0\.1:\d+/store\?default: "):
        push(built / "graph.ttl", f"http://127.0.0.1:{_free_port()}/store", timeout=5)
    with pytest.raises(PushError, match="http"):
        push(built / "graph.ttl", "ftp://example.org/store")


def test_graph_store_urls():
    assert graph_store_url("http://h/store", None) == "http://h/store?default"
    assert graph_store_url("http://h/store?x=1", "urn:g") == "http://h/store?x=1&graph=urn%3Ag"
