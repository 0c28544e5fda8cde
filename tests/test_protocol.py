"""The W3C SPARQL 1.1 Protocol test suite, run against a real ``kg serve`` process on 127.0.0.1.

``tests/data/sparql11-protocol/manifest.ttl`` is the suite's manifest (its README says where it
comes from). Each test of it that applies to a read-only endpoint is one case, named as in the
manifest. Its requests are sent as the manifest writes them (method, path, headers, and the body
in its character encoding), with ``http.client``, which adds no Content-Type of its own; the
response is checked as the manifest says: the status class, a content type of the expected kind
of result (boolean, tabular or RDF), and the body, parsed in that content type, with the expected
boolean when there is one.

The server serves a TriG file made from the graphs the manifest's ``ut:graphData`` load, each
under its name (``rdfs:label``): the dataset tests select them by name, none is fetched.
"""
from __future__ import annotations

import csv
import http.client
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from test_serve import start_server, stop_server

SUITE = Path(__file__).resolve().parent / "data" / "sparql11-protocol"
MANIFEST_IRI = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")

# The tests that do not apply to a read-only endpoint, and why. Each sends a SPARQL Update first,
# expecting 2xx, then queries what it changed; here the update must be refused with a 4xx.
UPDATE = "an update: kg serve is read-only, nothing can change the graph"
NOT_APPLICABLE = {
    "update_dataset_default_graph": UPDATE,
    "update_dataset_default_graphs": UPDATE,
    "update_dataset_named_graphs": UPDATE,
    "update_dataset_full": UPDATE,
    "update_post_form": UPDATE,
    "update_post_direct": UPDATE,
    "update_base_uri": UPDATE,
}
# No test of this manifest needs the server to dereference a remote graph: the graphs the dataset
# tests name are loaded from the suite's data files (ut:graphData); data0.rdf, named by others,
# is held by no one and is empty, which those tests allow.

# A test the manifest writes wrongly, run as it means, and as it is written.
CORRECTED = {
    "query_multiple_dataset": (
        "its path escapes the '&' and '=' between the two named-graph-uri parameters (%26, %3D), "
        "which makes one parameter whose value, an IRI no graph has, is data1.rdf&named-graph-uri=...data2.rdf; "
        "the test means two named graphs, data1.rdf and data2.rdf, as the expected true says (and as the "
        "test's original, kasei/sparql11-protocolvalidator, did). Sent as it means, the answer must be true; "
        "sent as it is written, a correct endpoint answers false."
    ),
}

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml"}
RESULTS_NS = {"s": "http://www.w3.org/2005/sparql-results#"}


@dataclass(frozen=True)
class Request:
    """One ``ht:Request`` of the manifest, with the response it expects."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[int]  # expected status classes: 2, 3, 4
    result: str | None  # mf:expectedFormat: "boolean", "tabular", "RDF"
    boolean: bool | None  # mf:expectedBoolean


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    requests: tuple[Request, ...]
    graphs: tuple[tuple[str, Path], ...]  # ut:graphData: (graph name, data file)


def _request(manifest: Graph, node) -> Request:
    body = manifest.value(node, HT.body)
    data = None
    if body is not None:
        encoding = str(manifest.value(body, CNT.characterEncoding) or "UTF-8")
        data = str(manifest.value(body, CNT.chars)).encode(encoding)  # UTF-16 with its BOM, as the suite says
    headers = ()
    if manifest.value(node, HT.headers) is not None:
        headers = tuple((str(manifest.value(h, HT.fieldName)), str(manifest.value(h, HT.fieldValue)))
                        for h in Collection(manifest, manifest.value(node, HT.headers)))
    response = manifest.value(node, HT.resp)
    statuses = frozenset(int(str(s).rsplit("StatusCode", 1)[1][0]) for s in manifest.objects(response, MF.expectedStatus))
    result = manifest.value(response, MF.expectedFormat)
    boolean = manifest.value(response, MF.expectedBoolean)
    return Request(str(manifest.value(node, HT.methodName)), str(manifest.value(node, HT.absolutePath)), headers,
                   data, statuses, None if result is None else str(result),
                   None if boolean is None else boolean.toPython())


def load_manifest() -> dict[str, ProtocolTest]:
    """The tests of the manifest, by name, in its order."""
    manifest = Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=MANIFEST_IRI)
    root = next(manifest.subjects(RDF.type, MF.Manifest))
    tests = {}
    for entry in Collection(manifest, manifest.value(root, MF.entries)):
        name = str(entry).rsplit("#", 1)[1]
        action = manifest.value(entry, MF.action)
        requests = tuple(_request(manifest, node) for node in Collection(manifest, manifest.value(action, HT.requests)))
        graphs = tuple(sorted((str(manifest.value(g, RDFS_LABEL)), SUITE / str(manifest.value(g, UT.graph)).rsplit("/", 1)[1])
                              for g in manifest.objects(entry, UT.graphData)))
        tests[name] = ProtocolTest(name, requests, graphs)
    return tests


TESTS = load_manifest()
APPLICABLE = [name for name in TESTS if name not in NOT_APPLICABLE]


def dataset_trig(tests: dict[str, ProtocolTest]) -> bytes:
    """Every graph the tests load, under its name, as one TriG document."""
    graphs = dict(graph for test in tests.values() for graph in test.graphs)
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
             for name, path in sorted(graphs.items())
             for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)]
    return ox.serialize(quads, format=ox.RdfFormat.TRIG)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """A kg serve process on the suite's graphs: (host, port)."""
    path = tmp_path_factory.mktemp("protocol") / "dataset.trig"
    path.write_bytes(dataset_trig(TESTS))
    process, url = start_server(path, "--workers", "2")
    split = urllib.parse.urlsplit(url)
    yield split.hostname, split.port
    stop_server(process)


def send(endpoint: tuple[str, int], request: Request, path: str | None = None) -> tuple[int, str, bytes]:
    """(status, media type, body) of one request sent exactly as the manifest writes it."""
    connection = http.client.HTTPConnection(*endpoint, timeout=30)
    try:
        connection.request(request.method, path or request.path, body=request.body, headers=dict(request.headers))
        response = connection.getresponse()
        media = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, media, response.read()
    finally:
        connection.close()


def boolean_of(media: str, body: bytes) -> bool:
    """The boolean of a boolean SPARQL result."""
    if media == "application/sparql-results+json":
        value = json.loads(body)["boolean"]
        assert isinstance(value, bool)
        return value
    text = ET.fromstring(body).find("s:boolean", RESULTS_NS).text
    assert text in ("true", "false")
    return text == "true"


def table_of(media: str, body: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The variables and rows (variable -> value as written) of a tabular SPARQL result."""
    text = body.decode("utf-8")
    if media == "application/sparql-results+json":
        document = json.loads(text)
        return document["head"]["vars"], [{k: v["value"] for k, v in b.items()} for b in document["results"]["bindings"]]
    if media == "application/sparql-results+xml":
        root = ET.fromstring(text)
        variables = [v.get("name") for v in root.findall("s:head/s:variable", RESULTS_NS)]
        rows = [{b.get("name"): b[0].text for b in r.findall("s:binding", RESULTS_NS)}
                for r in root.findall("s:results/s:result", RESULTS_NS)]
        return variables, rows
    if media == "text/csv":
        header, *lines = list(csv.reader(io.StringIO(text)))
        return header, [dict(zip(header, line)) for line in lines]
    header, *lines = text.splitlines()
    variables = [v.lstrip("?") for v in header.split("\t")]
    return variables, [dict(zip(variables, line.split("\t"))) for line in lines]


def check(request: Request, status: int, media: str, body: bytes) -> None:
    """The response is what the manifest says ``request`` must get."""
    assert status // 100 in request.statuses, (status, body[:300])
    if request.result == "boolean":
        assert media in BOOLEAN_TYPES
        value = boolean_of(media, body)
        if request.boolean is not None:
            assert value is request.boolean
    elif request.result == "tabular":
        assert media in TABULAR_TYPES
        variables, rows = table_of(media, body)
        assert variables and all(set(row) <= set(variables) for row in rows)
    elif request.result == "RDF":
        assert media in RDF_TYPES
        Graph().parse(data=body.decode("utf-8"), format=RDF_TYPES[media])


@pytest.mark.parametrize("name", APPLICABLE)
def test_protocol(endpoint, name):
    """One test of the suite: each of its requests gets the response the manifest says."""
    for request in TESTS[name].requests:
        path = request.path
        if name in CORRECTED:
            written = send(endpoint, request)
            assert written[0] == 200 and boolean_of(written[1], written[2]) is False  # one named graph, held nowhere
            path = path.replace("%26", "&").replace("%3D", "=")
        check(request, *send(endpoint, request, path))


@pytest.mark.parametrize("name", sorted(NOT_APPLICABLE))
def test_update_tests_are_refused(endpoint, name):
    """The update a not applicable test starts with gets a 4xx, and changes nothing."""
    update, *queries = TESTS[name].requests
    status, _, body = send(endpoint, update)
    assert 400 <= status < 500 and b"read-only" in body
    graphs = Request("POST", "/sparql/", (("Content-Type", "application/sparql-query"),),
                     b"SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", frozenset({2}), "tabular", None)
    status, media, body = send(endpoint, graphs)
    assert status == 200 and table_of(media, body)[1] == [{"n": "3"}]  # the suite's three graphs, intact


def test_every_test_of_the_manifest_is_run_or_excluded_with_a_reason():
    assert len(TESTS) == 34 and set(NOT_APPLICABLE) <= set(TESTS) and set(CORRECTED) <= set(APPLICABLE)
    assert len(APPLICABLE) == 27  # 20 query tests (13 expect an answer, 7 a 4xx) and 7 bad update ones (a 4xx)
