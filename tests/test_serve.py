"""kg serve: a real server process on 127.0.0.1, queried with SPARQLWrapper and with plain HTTP.

One server for the module (the sample graph, a 2 s timeout, a 40-row cap, 2 workers, no rate
limit); the content negotiation, update rejection, malformed query, timeout and cap are checked
against it. The attacks of issue 13 and the limits against them: tests/serve/test_hardening.py.
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, N3, RDFXML, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from test_rdf import sample_kg

from kg.namespaces import KG, KGR
from kg.formats.result_formats import RESULT_FORMATS
from kg.query import bind_values, format_result, list_queries, load_query, run_query, variable_parts
from kg.rdf import serialize, to_rdf
from kg.serve import Dataset, Reply, example_queries, execute, negotiate, select_variables

ROOT = Path(__file__).resolve().parent.parent
UNDECLARED = Namespace(str(KG))  # kg: IRIs the ontology does not declare, which KG refuses to make
TIMEOUT = 2.0
MAX_ROWS = 40
VIEWER = "<!doctype html><title>kg viewer</title><div id=graph>the sample viewer</div>"
# Five patterns over the same ~90 triples: billions of rows to count, far beyond the timeout.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p }"
BACKS_ROW = (str(KGR["country/turkey"]), "Turkey", "1")  # backs.rq: the actor, its label, its number of backers


def start_server(path: Path, *args: str, log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """``python -m kg serve PATH --port 0 ...`` bound to 127.0.0.1; the process and its base URL.
    Its log (stderr) goes to ``log`` when given (read at any time), else to a pipe."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    stderr = open(log, "w", encoding="utf-8") if log is not None else subprocess.PIPE
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", str(path), "--host", "127.0.0.1", "--port", "0", *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env,
        )
    finally:
        if log is not None:
            stderr.close()
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(60)
    if not lines or "http://" not in lines[0]:
        process.kill()
        raise AssertionError(f"kg serve did not start: {lines} {log.read_text() if log else process.stderr.read()}")
    url = lines[0].split(" at ", 1)[1].split("/ ", 1)[0]
    assert url.startswith("http://127.0.0.1:")
    return process, url


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The sample graph as a kg build output directory, and a running server on it."""
    out = tmp_path_factory.mktemp("served")
    (out / "graph.ttl").write_text(serialize(to_rdf(sample_kg()), "turtle"), encoding="utf-8")
    (out / "graph.html").write_text(VIEWER, encoding="utf-8")
    # No rate limit: the timeout test sends runaway queries back to back, which would pause this
    # client (the limit and its pause are tested in tests/serve/test_hardening.py).
    process, url = start_server(out, "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "2",
                                "--rate", "0")
    yield url, out
    stop_server(process)
    assert process.returncode is not None


@pytest.fixture(scope="module")
def url(served) -> str:
    return served[0]


def http(url: str, path: str = "/sparql", *, params: dict | None = None, data: bytes | None = None,
         method: str | None = None, headers: dict | None = None, timeout: float = 30):
    """(status, headers, body) of one request; HTTP errors are answers, not exceptions."""
    target = url + path + ("?" + urllib.parse.urlencode(params) if params else "")
    request = urllib.request.Request(target, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def select(url: str, query: str, accept: str = "application/sparql-results+json"):
    return http(url, params={"query": query}, headers={"Accept": accept})


def rows(document: dict, *names: str) -> list[tuple]:
    return [tuple(b.get(n, {}).get("value") for n in names) for b in document["results"]["bindings"]]


# --------------------------------------------------------------------------- the bars


def test_select_backs_returns_sparql_json_rows_via_sparqlwrapper(url):
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(load_query("backs"))
    client.setReturnFormat(JSON)
    document = client.query().convert()
    assert document["head"]["vars"] == ["actor", "actorLabel", "backers"]
    assert rows(document, *document["head"]["vars"]) == [BACKS_ROW]
    assert document["results"]["bindings"][0]["backers"]["datatype"].endswith("#integer")


def test_insert_data_gets_a_4xx_and_changes_nothing(url):
    client = SPARQLWrapper(url + "/sparql")
    client.setMethod("POST")
    client.setQuery('INSERT DATA { <https://example.org/a> <https://example.org/b> "c" }')
    with pytest.raises(urllib.error.HTTPError) as raised:
        client.query()
    assert 400 <= raised.value.code < 500
    status, _, body = select(url, "ASK { <https://example.org/a> ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is False


def test_malformed_query_gets_400_with_the_parser_message(url):
    status, headers, body = select(url, "SELEKT nonsense {")
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    message = body.decode()
    assert "malformed query" in message and "1:" in message  # where the parser stopped
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery("SELEKT nonsense {")
    with pytest.raises(QueryBadFormed):
        client.query()


def test_root_serves_the_viewer(url):
    status, headers, body = http(url, "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body.decode() == VIEWER


# --------------------------------------------------------------------------- the protocol


def test_get_post_form_and_post_query_give_the_same_rows(url):
    query = load_query("opposes")
    accept = {"Accept": "application/sparql-results+json"}
    answers = [
        http(url, params={"query": query}, headers=accept),
        http(url, data=urllib.parse.urlencode({"query": query}).encode(),
             headers={**accept, "Content-Type": "application/x-www-form-urlencoded"}),
        http(url, data=query.encode(), headers={**accept, "Content-Type": "application/sparql-query"}),
    ]
    documents = [json.loads(body) for status, _, body in answers if status == 200]
    assert len(documents) == 3 and documents[0] == documents[1] == documents[2]
    assert rows(documents[0], "actorLabel", "opponents") == [("Turkey", "1")]


@pytest.mark.parametrize("accept,expected", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/html;q=0.9, text/csv;q=0.4, */*;q=0.1", "text/csv"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_content_negotiation(url, accept, expected):
    query = "SELECT ?actor ?label WHERE { ?actor kg:backs ?x ; rdfs:label ?label }"
    status, headers, body = select(url, query, accept)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == expected
    assert headers["Vary"] == "Accept"
    text = body.decode("utf-8")
    iri = str(KGR["person/erdogan"])
    if expected.endswith("+json"):
        assert rows(json.loads(text), "actor", "label") == [(iri, "Recep Tayyip Erdogan")]
    elif expected.endswith("+xml"):
        ns = {"s": "http://www.w3.org/2005/sparql-results#"}
        root = ET.fromstring(text)
        assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["actor", "label"]
        assert root.find("s:results/s:result/s:binding[@name='actor']/s:uri", ns).text == iri
    elif expected == "text/csv":
        assert list(csv.reader(io.StringIO(text))) == [["actor", "label"], [iri, "Recep Tayyip Erdogan"]]
        assert "\r\n" in text  # SPARQL 1.1 CSV results use CRLF
    else:
        assert text.splitlines() == ["?actor\t?label", f'<{iri}>\t"Recep Tayyip Erdogan"']


def test_ask_in_each_results_format(url):
    query = "ASK { ?a kg:backs ?b }"
    assert json.loads(select(url, query)[2]) == {"head": {}, "boolean": True}
    xml = select(url, query, "application/sparql-results+xml")[2].decode()
    assert "<boolean>true</boolean>" in xml
    assert select(url, "ASK { ?a kg:backs ?a }", "text/csv")[2].decode().strip() == "false"


CONSTRUCT = "CONSTRUCT { ?o kg:backedBy ?s } WHERE { ?s kg:backs ?o }"


@pytest.mark.parametrize("accept,media,rdflib_format", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("*/*", "text/turtle", "turtle"),
])
def test_construct_content_negotiation(url, accept, media, rdflib_format):
    status, headers, body = select(url, CONSTRUCT, accept)
    assert status == 200 and headers["Content-Type"].split(";")[0] == media
    graph = Graph().parse(data=body.decode("utf-8"), format=rdflib_format)
    assert set(graph) == {(KGR["country/turkey"], UNDECLARED.backedBy, KGR["person/erdogan"])}


def test_construct_turtle_via_sparqlwrapper(url):
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 1


def test_describe(url):
    status, _, body = select(url, f"DESCRIBE <{KGR['person/erdogan']}>", "application/n-triples")
    assert status == 200
    graph = Graph().parse(data=body.decode(), format="nt")
    assert (KGR["person/erdogan"], KG.backs, KGR["country/turkey"]) in graph


def test_sparqlwrapper_csv_and_xml(url):
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery("SELECT ?label WHERE { ?x a kg:Country ; rdfs:label ?label } ORDER BY ?label")
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().split() == ["label", "Russia", "Turkey"]
    client.setReturnFormat(XML)
    document = client.query().convert()  # a parsed DOM
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == ["Russia", "Turkey"]


def test_format_parameter_overrides_accept_and_an_unknown_one_is_ignored(url):
    query = "SELECT ?x WHERE { ?x kg:backs ?y }"
    status, headers, _ = http(url, params={"query": query, "format": "csv"}, headers={"Accept": "application/json"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    status, headers, _ = http(url, params={"query": query, "output": "text/tab-separated-values"})
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    for ignored in ("png", "n3", ""):  # not a results format: Accept decides
        status, headers, _ = http(url, params={"query": query, "format": ignored}, headers={"Accept": "text/csv"})
        assert status == 200 and headers["Content-Type"].startswith("text/csv")
    status, headers, _ = http(url, params={"query": CONSTRUCT, "format": "n3"})
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")


def test_sparqlwrapper_rdfxml_and_n3(url):
    """SPARQLWrapper sends Accept and also format=/output=/results= (rdf+xml, n3): both get RDF."""
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(CONSTRUCT)
    expected = {(KGR["country/turkey"], UNDECLARED.backedBy, KGR["person/erdogan"])}
    client.setReturnFormat(RDFXML)
    response = client.query()
    assert response.response.status == 200
    assert response.response.headers["Content-Type"].startswith("application/rdf+xml")
    assert set(response.convert()) == expected  # SPARQLWrapper parses RDF/XML into an rdflib Graph
    client.setReturnFormat(N3)
    response = client.query()
    assert response.response.status == 200
    assert set(Graph().parse(data=response.convert(), format="n3")) == expected


STAR = "SELECT * WHERE { ?who kg:backs ?whom . ?who rdfs:label ?name }"


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_select_star_keeps_the_order_of_the_query(url, accept):
    status, _, body = select(url, STAR, accept)
    assert status == 200
    text = body.decode()
    if accept.endswith("+json"):
        document = json.loads(text)
        assert document["head"]["vars"] == ["who", "whom", "name"]
        assert rows(document, "whom", "name") == [(str(KGR["country/turkey"]), "Recep Tayyip Erdogan")]
    elif accept.endswith("+xml"):
        ns = {"s": "http://www.w3.org/2005/sparql-results#"}
        assert [v.get("name") for v in ET.fromstring(text).findall("s:head/s:variable", ns)] == ["who", "whom", "name"]
    elif accept == "text/csv":
        assert list(csv.reader(io.StringIO(text)))[1][1:] == [str(KGR["country/turkey"]), "Recep Tayyip Erdogan"]
        assert text.splitlines()[0] == "who,whom,name"
    else:
        assert text.splitlines()[0] == "?who\t?whom\t?name"
        assert text.splitlines()[1].split("\t")[2] == '"Recep Tayyip Erdogan"'


def test_select_variables_order():
    assert select_variables("SELECT * { ?b ?a ?c }", ["a", "b", "c"]) == ["b", "a", "c"]
    assert select_variables("SELECT ?c ?a { ?a ?b ?c }", ["c", "a"]) == ["c", "a"]  # a projection is kept
    assert select_variables("SELECT DISTINCT * { ?z <urn:?a> '?y' # ?x\n OPTIONAL { ?z ?m ?k } }",
                            ["k", "m", "z"]) == ["z", "m", "k"]
    assert select_variables("PREFIX select: <urn:s> SELECT ?y ?x { { SELECT * { ?x ?p ?y } } }", ["y", "x"]) == ["y", "x"]


# --------------------------------------------------------------------------- the dataset and the base IRI


KG_BACKS = "ASK { ?a kg:backs ?b }"


def test_protocol_dataset_names_graphs_the_server_holds(url):
    """default-graph-uri / named-graph-uri replace FROM / FROM NAMED; a graph the server does not
    hold is empty, never fetched (the IRI below would be a local server)."""
    elsewhere = "http://127.0.0.1:9/graph.ttl"
    assert json.loads(select(url, KG_BACKS)[2])["boolean"] is True
    for params in ({"default-graph-uri": elsewhere}, {"named-graph-uri": elsewhere}):
        status, _, body = http(url, params={"query": KG_BACKS, **params})
        assert status == 200 and json.loads(body)["boolean"] is False
    status, _, body = http(url, params={"query": f"ASK FROM <{elsewhere}> {{ ?a kg:backs ?b }}"})
    assert status == 200 and json.loads(body)["boolean"] is False
    status, _, body = http(url, params={"query": f"SELECT ?g FROM NAMED <{elsewhere}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _, body = http(url, params={"query": KG_BACKS, "default-graph-uri": "not an IRI"})
    assert status == 400 and b"default-graph-uri" in body


def test_relative_iris_resolve_against_the_endpoint(url):
    status, _, body = select(url, "SELECT (<x> AS ?iri) {}")
    assert status == 200 and rows(json.loads(body), "iri") == [(url + "/x",)]
    status, _, body = http(url, params={"query": "SELECT (<x> AS ?iri) {}"}, headers={"Host": "localhost:8080"})
    assert rows(json.loads(body), "iri") == [("http://localhost:8080/x",)]  # a forwarded port, say
    status, _, body = select(url, "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples")
    assert status == 200 and body.decode().startswith(f"<{url}/s> <{url}/p> ")


def test_post_in_another_charset_gets_415(url):
    query = "ASK {}"
    for content_type in ("application/sparql-query; charset=UTF-16", "application/x-www-form-urlencoded; charset=latin-1"):
        data = query.encode("utf-16") if "16" in content_type else b"query=ASK+%7B%7D"
        status, _, body = http(url, data=data, headers={"Content-Type": content_type})
        assert status == 415 and b"UTF-8" in body
    for charset in ("UTF-8", '"utf-8"'):
        status, _, _ = http(url, data=query.encode(), headers={"Content-Type": f"application/sparql-query; charset={charset}"})
        assert status == 200
    status, _, body = http(url, data=b"ASK { ?s ?p '\xff' }", headers={"Content-Type": "application/sparql-query"})
    assert status == 400 and b"UTF-8" in body


def test_unservable_accept_gets_406(url):
    status, _, body = select(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png")
    assert status == 406 and b"application/sparql-results+json" in body


def test_missing_or_empty_query_gets_400(url):
    assert http(url)[0] == 400
    assert http(url, params={"query": " "})[0] == 400


def test_browser_at_sparql_is_sent_to_the_query_page(url):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as raised:
        opener.open(urllib.request.Request(url + "/sparql", headers={"Accept": "text/html"}), timeout=10)
    assert raised.value.code == 303 and raised.value.headers["Location"] == "/query"


def test_same_origin_only_by_default(url):
    """No page of another origin may query or read (kg serve --cors lets one in: test_hardening)."""
    _, headers, _ = select(url, "ASK { ?s ?p ?o }")
    assert headers["Access-Control-Allow-Origin"] is None
    status, headers, _ = http(url, method="OPTIONS", headers={"Origin": "https://yasgui.example",
                                                              "Access-Control-Request-Method": "POST"})
    assert status == 403 and headers["Access-Control-Allow-Origin"] is None
    status, _, _ = http(url, params={"query": "ASK {}"}, headers={"Origin": url})  # the query page's own origin
    assert status == 200


# --------------------------------------------------------------------------- read-only


@pytest.mark.parametrize("how", ["form", "sparql-update", "query-param", "get-update"])
def test_every_way_of_sending_an_update_is_refused(url, how):
    update = 'PREFIX ex: <https://example.org/>\nINSERT DATA { ex:a ex:b "c" }'
    if how == "form":
        answer = http(url, data=urllib.parse.urlencode({"update": update}).encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "sparql-update":
        answer = http(url, data=update.encode(), headers={"Content-Type": "application/sparql-update"})
    elif how == "query-param":
        answer = http(url, data=update.encode(), headers={"Content-Type": "application/sparql-query"})
    else:
        answer = http(url, params={"update": update})
    status, _, body = answer
    assert status == 403
    assert "read-only" in body.decode()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_write_methods_get_405(url, method):
    status, headers, body = http(url, data=b"<a> <b> <c> .", method=method, headers={"Content-Type": "text/turtle"})
    assert status == 405 and "read-only" in body.decode()
    assert "PUT" not in headers["Allow"]


def test_post_elsewhere_gets_405(url):
    assert http(url, "/graph.ttl", data=b"<a> <b> <c> .", headers={"Content-Type": "text/turtle"})[0] == 405


def test_service_is_refused(url):
    status, _, body = select(url, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert status == 400 and b"SERVICE" in body


# --------------------------------------------------------------------------- bounds


def test_result_cap_gets_422_and_limit_gets_through(url):
    status, _, body = select(url, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 422
    assert f"more than {MAX_ROWS}" in body.decode() and "--max-rows" in body.decode()
    status, headers, body = select(url, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    assert headers["X-Result-Count"] == str(MAX_ROWS)
    assert select(url, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")[0] == 422


def test_timeout_stops_a_runaway_query_and_the_server_keeps_answering(url):
    answers = {}

    def runaway():
        start = time.monotonic()
        answer = select(url, RUNAWAY)
        answers["runaway"] = answer + (time.monotonic() - start,)
        answers["runaway done"] = time.monotonic()

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    # While the runaway query holds one worker, the other answers, and pages need no worker:
    # both come back before the runaway query is stopped.
    status, _, body = select(url, load_query("backs"))
    assert status == 200 and rows(json.loads(body), "actor", "actorLabel", "backers") == [BACKS_ROW]
    assert http(url, "/")[0] == 200
    answered = time.monotonic()
    thread.join(30)
    assert answered < answers["runaway done"]
    status, _, body, seconds = answers["runaway"]
    assert status == 503
    assert "timed out" in body.decode() and "--timeout" in body.decode()
    assert TIMEOUT - 0.5 <= seconds < TIMEOUT + 5
    # The killed worker is replaced: two more runaways time out, and normal queries still work.
    for _ in range(2):
        assert select(url, "ASK { ?s kg:backs ?o }")[0] == 200
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the replacement worker is up again
        both = []
        threads = [threading.Thread(target=lambda: both.append(select(url, "ASK { ?s ?p ?o }")[0])) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        if both == [200, 200]:
            break
    assert both == [200, 200]


# --------------------------------------------------------------------------- pages


def test_graph_ttl_is_the_graph(url):
    status, headers, body = http(url, "/graph.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert isomorphic(Graph().parse(data=body.decode(), format="turtle"), to_rdf(sample_kg()))


def test_query_page_has_the_examples(url):
    status, headers, body = http(url, "/query")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    start = page.index("const EXAMPLES = ") + len("const EXAMPLES = ")
    examples = json.JSONDecoder().raw_decode(page[start:])[0]
    assert {e["name"] for e in examples} == set(list_queries())
    assert json.loads(http(url, "/queries.json")[2]) == examples
    # The examples about one thing come with a node of the served graph of the class they name
    # (the most connected one) and with their text cut at ?name, for the page's name box.
    values = {e["name"]: (e["names"], e["value"]) for e in examples if "parameter" in e}
    assert values == {"actor": ("kg:Actor", "Russia"), "evidence": ("kg:Actor", "Russia"),
                      "attended": ("kg:Event", "Munich Security Conference"),
                      "agreement_parties": ("kg:Agreement", "Sochi Agreement")}
    for example in examples:
        status, _, body = http(url, data=example["query"].encode(), headers={"Content-Type": "application/sparql-query"})
        assert status == 200, (example["name"], body)
        assert json.loads(body)["results"]["bindings"], example["name"]  # every example finds rows
        if "parameter" in example:
            text = load_query(example["name"])
            assert example["parts"] == variable_parts(text, "name") and len(example["parts"]) > 2
            literal = f'"{example["value"]}"'  # a plain name: the literal has nothing to escape
            assert example["query"].endswith(literal.join(example["parts"]))
            assert example["query"].endswith(bind_values(text, {"name": example["value"]}))


def test_example_queries_without_a_graph_leave_the_name_unbound():
    examples = {e["name"]: e for e in example_queries()}
    assert examples["actor"]["value"] is None and examples["actor"]["query"] == load_query("actor")
    assert "parameter" not in examples["backs"]
    bound = {e["name"]: e for e in example_queries({"kg:Event": 'The "Big" Summit'})}
    assert bound["attended"]["query"].startswith('# ?name = "The \\"Big\\" Summit", a kg:Event')
    assert bound["actor"]["query"] == load_query("actor")


def test_unknown_page_gets_404(url):
    assert http(url, "/nope")[0] == 404


def test_head_request(url):
    status, headers, body = http(url, "/graph.ttl", method="HEAD")
    assert status == 200 and int(headers["Content-Length"]) > 0 and body == b""


# --------------------------------------------------------------------------- starting


def test_a_graph_file_without_viewer_gets_an_index_page(tmp_path):
    path = tmp_path / "g.nt"
    path.write_text(serialize(to_rdf(sample_kg()), "nt"), encoding="utf-8")
    process, url = start_server(path, "--workers", "1")
    try:
        status, _, body = http(url, "/")
        assert status == 200 and b"/query" in body.replace(b"href=query", b"href=/query")
        status, _, body = http(url, "/graph.ttl")  # made from the N-Triples
        assert status == 200 and isomorphic(Graph().parse(data=body.decode(), format="turtle"), to_rdf(sample_kg()))
    finally:
        stop_server(process)


def test_serve_without_a_graph_exits_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kg", "serve", str(tmp_path), "--port", "0"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("kg serve: ") and "graph.ttl" in result.stderr


def test_serve_with_a_broken_graph_exits_2(tmp_path):
    (tmp_path / "graph.ttl").write_text("this is <not turtle", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kg", "serve", str(tmp_path), "--port", "0"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "graph.ttl" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- in process


def test_negotiate():
    assert negotiate(None, "results") == "application/sparql-results+json"
    assert negotiate("text/*", "results") == "text/csv"
    assert negotiate("application/*", "graph") == "application/n-triples"
    assert negotiate("text/turtle;q=0, application/ld+json", "graph") == "application/ld+json"
    assert negotiate("text/plain", "graph") == "application/n-triples"
    assert negotiate("text/plain", "results") is None
    assert negotiate(None, "graph", "jsonld") == "application/ld+json"


@pytest.fixture(scope="module")
def store():
    graph = ox.Store()
    graph.load(serialize(to_rdf(sample_kg()), "nt"), format=ox.RdfFormat.N_TRIPLES)
    return graph


def test_execute_in_process(store):
    reply = execute(store, load_query("backs"))
    assert isinstance(reply, Reply) and reply.status == 200
    assert len(json.loads(reply.body)["results"]["bindings"]) == 1
    assert execute(store, "SELECT * WHERE { ?s ?p ?o }", max_rows=10).status == 422
    assert execute(store, "DELETE WHERE { ?s ?p ?o }").status == 403
    assert execute(store, "SELEKT nonsense {").status == 400
    assert len(store) == len(to_rdf(sample_kg()))  # the DELETE changed nothing


@pytest.mark.parametrize("fmt", [f for f in RESULT_FORMATS.values() if f.media_type], ids=lambda f: f.name)
def test_kg_query_and_kg_serve_write_the_same_bytes(store, fmt):
    """One writer per results format: ``kg query --format NAME`` is what the endpoint answers."""
    for query in (bind_values(load_query("evidence"), {"name": "Turkey"}), KG_BACKS):
        reply = execute(store, query, accept=fmt.media_type)
        assert reply.status == 200 and reply.content_type == f"{fmt.media_type}; charset=utf-8"
        assert reply.body == format_result(run_query(store, query), fmt.name).encode("utf-8")


def test_execute_with_a_dataset_and_a_base(store):
    assert json.loads(execute(store, KG_BACKS).body)["boolean"] is True
    nowhere = Dataset(default=("https://example.org/nothing",))
    assert json.loads(execute(store, KG_BACKS, dataset=nowhere).body)["boolean"] is False
    reply = execute(store, "SELECT (<a> AS ?x) {}", base_iri="http://h.example/sparql")
    assert rows(json.loads(reply.body), "x") == [("http://h.example/a",)]
    assert execute(store, "SELECT (<a> AS ?x) {}").status == 400  # no base: a relative IRI is an error
