"""kg serve under attack (issue 13, "The SPARQL service"): each attack repeated against a real
``kg serve`` process on 127.0.0.1, and the answer it must get.

1. no outgoing request: SERVICE behind a comment ended by a carriage return, and a worker that
   tries to connect anyway;
2. not a tool for any web page: another Host (DNS rebinding), another origin, the headers;
3. bounded memory: a 320 MB answer, a query past the worker's memory, a client that does not read;
4. bounded connections: 200 silent connections, idle ones, every connection busy;
5. no worker-crash loop: 20 deeply nested queries, a client over its rate;
6. one request, one response: a second request smuggled in the body of a refused one;
7. well-formed output: a NUL in a literal, the query page's example values, clients that leave.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import psutil
import pytest
from rdflib import Graph, Literal, URIRef
from test_rdf import sample_kg
from test_serve import RUNAWAY, http, select, start_server, stop_server

from kg.rdf import serialize, to_rdf

ROOT = Path(__file__).resolve().parents[2]
TOOL = "http://tool.example"  # the one origin the main server lets in (--cors)
CLIENT_TIMEOUT = 2.0
MAX_BYTES = 8_000_000
QUERY_MEMORY = 300  # MB
HOSTILE = "https://example.org/hostile"
# A title from a feed: a NUL, a terminal escape and a carriage return.
HOSTILE_TITLE = "Title\x00 with NUL\x1b[31m and CR\r here"
SENTENCE = "Erdogan backs Ankara's position in Idlib, the officials said on Monday in a statement. " * 3


def doubled(times: int, text: str = SENTENCE) -> str:
    """A one-row SELECT whose value is ``text`` doubled ``times`` times."""
    binds = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times))
    return f'SELECT (STRLEN(?x{times}) AS ?n) ?x{times} WHERE {{ BIND("{text}" AS ?x0) {binds} }}'


def workers_of(process: subprocess.Popen) -> set[int]:
    """The process ids of the server's query workers."""
    return {child.pid for child in psutil.Process(process.pid).children()
            if "spawn_main" in " ".join(child.cmdline())}


def wait_for_workers(process: subprocess.Popen, count: int, url: str) -> set[int]:
    """The worker ids once ``count`` workers answer (a replaced one takes a moment to load)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pids = workers_of(process)
        if len(pids) == count and select(url, "ASK {}")[0] == 200:
            return pids
        time.sleep(0.2)
    raise AssertionError(f"the workers did not come back: {workers_of(process)}")


class Listener:
    """A TCP port on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> int:
        """Stop listening (a moment after the last request); the number of connections received."""
        time.sleep(0.5)
        self._stop.set()
        self._thread.join(5)
        self.socket.close()
        return self.connections


def exchange(url: str, data: bytes, wait: float = 5.0) -> bytes:
    """Everything the server sends back on one connection for ``data``, until it closes or ``wait`` passes."""
    split = urllib.parse.urlsplit(url)
    with socket.create_connection((split.hostname, split.port), timeout=wait) as connection:
        connection.sendall(data)
        received = b""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = connection.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            received += chunk
        return received


@pytest.fixture(scope="module")
def served_dir(tmp_path_factory) -> Path:
    """The sample graph and a document whose title holds a NUL, a terminal escape and a CR."""
    out = tmp_path_factory.mktemp("hardened")
    graph = to_rdf(sample_kg())
    graph.add((URIRef(HOSTILE), URIRef("http://schema.org/headline"), Literal(HOSTILE_TITLE)))
    (out / "graph.ttl").write_text(serialize(graph, "turtle"), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def server(served_dir, tmp_path_factory):
    """The main server: small caps, so that each can be hit with little data; one origin let in."""
    log = tmp_path_factory.mktemp("log") / "serve.log"
    process, url = start_server(served_dir, "--workers", "2", "--timeout", "5", "--max-bytes", str(MAX_BYTES),
                                "--query-memory", str(QUERY_MEMORY), "--client-timeout", str(CLIENT_TIMEOUT),
                                "--max-connections", "16", "--rate", "0", "--cors", TOOL, log=log)
    yield process, url, log
    stop_server(process)


@pytest.fixture(scope="module")
def url(server) -> str:
    return server[1]


# --------------------------------------------------------------------------- 1. no outgoing request


SERVICE_QUERIES = [
    "SELECT * WHERE {{ #x\r SERVICE <http://127.0.0.1:{port}/sparql> {{ ?x ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/sparql> {{ ?x ?p ?o }} }}",
    "select * where {{ optional {{ service <http://127.0.0.1:{port}/> {{ ?x ?p ?o }} }} }}",
    "ASK {{ FILTER NOT EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ ?x ?p ?o }} }} }}",
    "SELECT * {{ {{ SELECT * {{ ?s ?p ?o # }}\r SERVICE <http://localhost:{port}/> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/> AS ?svc) SERVICE ?svc {{ ?x ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES, ids=range(len(SERVICE_QUERIES)))
def test_service_gets_400_and_nothing_reaches_the_service(url, template):
    listener = Listener()
    query = template.format(port=listener.port)
    answers = [select(url, query),
               http(url, data=query.encode(), headers={"Content-Type": "application/sparql-query"})]
    assert listener.close() == 0
    for status, _, body in answers:
        assert status == 400 and b"SERVICE" in body, body


def test_a_query_that_mentions_service_and_does_not_parse_is_refused(url):
    """Read as Oxigraph reads it or not at all: what cannot be parsed cannot be shown to call nothing."""
    status, _, body = select(url, "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert status == 400 and b"SERVICE" in body
    status, _, body = select(url, 'SELECT * { ?s ?p "customer service" } LIMIT 1')  # the word alone: fine
    assert status == 200


def test_from_and_default_graph_uri_follow_one_rule(url):
    """Both name a graph the server holds by IRI, a relative one resolved against the endpoint:
    one it does not hold is empty, whichever way it is named; nothing is fetched."""
    listener = Listener()
    elsewhere = f"http://127.0.0.1:{listener.port}/graph.ttl"
    ask = "ASK { ?s ?p ?o }"
    answers = [http(url, params={"query": ask, "default-graph-uri": elsewhere}),
               select(url, f"ASK FROM <{elsewhere}> {{ ?s ?p ?o }}"),
               http(url, params={"query": ask, "default-graph-uri": "graph.ttl"}),
               select(url, "ASK FROM <graph.ttl> { ?s ?p ?o }"),
               http(url, params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "graph.ttl"}),
               select(url, "ASK FROM NAMED <graph.ttl> { GRAPH ?g { ?s ?p ?o } }")]
    assert listener.close() == 0
    assert [(status, json.loads(body)["boolean"]) for status, _, body in answers] == [(200, False)] * 6
    assert select(url, ask)[0] == 200 and json.loads(select(url, ask)[2])["boolean"] is True
    assert http(url, params={"query": ask, "default-graph-uri": "not an IRI"})[0] == 400
    assert select(url, "ASK FROM <not an IRI> { ?s ?p ?o }")[0] == 400


def test_query_workers_cannot_open_anything(server):
    """Each worker is started confined: no descriptor can be opened (so no socket), memory capped."""
    process, url, _ = server
    workers = wait_for_workers(process, 2, url)
    for pid in workers:
        worker = psutil.Process(pid)
        soft, hard = worker.rlimit(psutil.RLIMIT_NOFILE)
        open_descriptors = {int(name) for name in os.listdir(f"/proc/{pid}/fd")}
        assert soft == hard and set(range(soft)) <= open_descriptors  # no number left to open anything at
        assert worker.rlimit(psutil.RLIMIT_AS)[0] > 0  # not RLIM_INFINITY (-1)
        assert not [c for c in worker.net_connections() if c.raddr]


CONFINED = """
import socket, sys
import pyoxigraph as ox
from kg.serve.sandbox import confine, opens_sockets
port = int(sys.argv[1])
store = ox.Store()
print("missed", confine(256))
print("opens sockets", opens_sockets())
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    print("python connected")
except OSError as error:
    print("python refused", error.errno)
try:
    list(store.query(f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
    print("oxigraph connected")
except OSError as error:
    print("oxigraph refused", error)
print(bool(store.query("ASK {}")))
"""


def test_a_confined_process_opens_no_connection_python_or_oxigraph():
    """The mechanism of the workers (kg.serve.sandbox.confine): after it, neither Python nor
    Oxigraph's own HTTP client (native code) can connect, and queries still run."""
    listener = Listener()
    result = subprocess.run([sys.executable, "-c", CONFINED, str(listener.port)], capture_output=True, text=True,
                            timeout=60, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert listener.close() == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == ["missed []", "opens sockets False", "python refused 24"], result.stderr  # EMFILE
    assert lines[3].startswith("oxigraph refused") and lines[4] == "True", result.stdout


# --------------------------------------------------------------------------- 2. not a tool for any web page


def test_another_host_name_gets_421(url):
    """DNS rebinding: a page of evil.example, its name pointed at 127.0.0.1, names it in Host."""
    port = urllib.parse.urlsplit(url).port
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}"):
        status, headers, body = http(url, params={"query": "ASK {}"}, headers={"Host": host})
        assert status == 421 and b"does not answer" in body
        assert http(url, "/graph.ttl", headers={"Host": host})[0] == 421
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST.:{port}", "127.0.0.1"):
        assert http(url, params={"query": "ASK {}"}, headers={"Host": host})[0] == 200


def test_another_origin_can_neither_query_nor_read(url):
    other = "http://127.0.0.1:9"  # a page on another local port
    for method in ("GET", "POST"):
        data = b"ASK {}" if method == "POST" else None
        status, headers, _ = http(url, params={"query": "ASK {}"} if data is None else None, data=data, method=method,
                                  headers={"Origin": other, "Content-Type": "application/sparql-query"})
        assert status == 403 and headers["Access-Control-Allow-Origin"] is None
    status, headers, _ = http(url, method="OPTIONS", headers={"Origin": other, "Access-Control-Request-Method": "POST"})
    assert status == 403 and headers["Access-Control-Allow-Methods"] is None
    # a <script> or <img> of another page: no Origin, but the browser says where it comes from
    status, _, _ = http(url, params={"query": "ASK {}"}, headers={"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors"})
    assert status == 403
    for origin in ("null", url + ".evil.example", "https://" + url.split("://")[1]):
        assert http(url, params={"query": "ASK {}"}, headers={"Origin": origin})[0] == 403


def test_the_cors_origin_is_let_in(url):
    status, headers, body = http(url, params={"query": "ASK {}"}, headers={"Origin": TOOL})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == TOOL and json.loads(body)["boolean"] is True
    assert "Origin" in headers["Vary"]
    status, headers, _ = http(url, method="OPTIONS", headers={"Origin": TOOL, "Access-Control-Request-Method": "POST",
                                                              "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == TOOL
    assert "POST" in headers["Access-Control-Allow-Methods"] and "Content-Type" in headers["Access-Control-Allow-Headers"]


def test_cors_takes_one_origin(served_dir):
    result = subprocess.run([sys.executable, "-m", "kg", "serve", str(served_dir), "--port", "0", "--cors", "*"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--cors takes one origin" in result.stderr and "Traceback" not in result.stderr


def test_every_answer_has_the_security_headers_and_no_python_version(url):
    answers = [http(url, "/"), http(url, "/nope"), http(url, "/graph.ttl", method="PUT", data=b"x"), select(url, "ASK {}"),
               http(url, params={"query": "ASK {}"}, headers={"Host": "evil.example"})]
    raw = exchange(url, b"PROPFIND / HTTP/1.1\r\nHost: localhost\r\n\r\n")  # the standard library's error page
    assert raw.startswith(b"HTTP/1.1 501 ")
    raw_headers = {line.split(b":", 1)[0].decode().lower(): line.split(b":", 1)[1].strip().decode()
                   for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]}
    for headers in [{k.lower(): v for k, v in a[1].items()} for a in answers] + [raw_headers]:
        assert headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["server"] == "kg-serve"  # no Python version


# --------------------------------------------------------------------------- 3. bounded memory


def test_a_320_mb_answer_is_refused_and_the_server_goes_on(url):
    assert len(SENTENCE) * 2**20 > 260_000_000
    start_time = time.monotonic()
    status, _, body = select(url, doubled(20))
    assert status in (422, 507), body  # the cap of bytes, or the worker's memory: never sent, never held
    assert b"--max-bytes" in body or b"--query-memory" in body
    assert time.monotonic() - start_time < 30
    status, _, body = select(url, doubled(15))  # 8.6 MB: within the worker's memory, over --max-bytes
    assert status == 422 and f"over {MAX_BYTES:,} bytes".encode() in body and b"--max-bytes" in body
    for fmt in ("text/csv", "application/sparql-results+xml", "text/tab-separated-values"):
        assert select(url, doubled(15), fmt)[0] == 422
    status, headers, body = select(url, doubled(10))  # 260 KB: answered
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == len(SENTENCE) * 2**10
    construct = f'CONSTRUCT {{ <urn:a> <urn:b> ?x15 }} WHERE {{ {doubled(15).split("WHERE {", 1)[1]}'
    assert select(url, construct, "text/turtle")[0] == 422


def test_a_query_past_the_worker_memory_gets_507_and_its_worker_is_replaced(server):
    process, url, log = server
    before = wait_for_workers(process, 2, url)
    status, _, body = select(url, doubled(20))  # 547 MB of values: past the 300 MB a worker may take
    assert status == 507, body
    assert b"--query-memory" in body and f"{QUERY_MEMORY} MB".encode() in body
    after = wait_for_workers(process, 2, url)
    assert len(before - after) == 1  # one worker replaced, the other left alone
    assert select(url, "ASK { ?s ?p ?o }")[0] == 200
    text = log.read_text()
    assert "memory allocation of" in text and "Traceback" not in text  # the worker's last words, in the log


def test_a_query_that_makes_the_engine_fail_gets_500_and_its_worker_is_replaced(server):
    """Oxigraph 0.5.13 aborts sorting terms of mixed kinds (its order is not total): the answer
    says so, the worker is replaced."""
    process, url, _ = server
    before = wait_for_workers(process, 2, url)
    status, _, body = select(url, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f ?a LIMIT 1")
    assert status == 500 and b"Oxigraph" in body and b"total order" in body, body
    assert len(before - wait_for_workers(process, 2, url)) == 1


def test_a_client_that_does_not_read_is_dropped(server):
    """An answer (4.3 MB, more than the sockets hold) to a client that reads none of it is
    dropped after the client timeout."""
    process, url, log = server
    split = urllib.parse.urlsplit(url)
    query = urllib.parse.quote(doubled(14))
    connection = socket.create_connection((split.hostname, split.port))
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    connection.sendall(f"GET /sparql?query={query} HTTP/1.1\r\nHost: {split.netloc}\r\n\r\n".encode())
    time.sleep(CLIENT_TIMEOUT * 2 + 3)  # it cannot all be sent, and the server gives up
    assert select(url, "ASK {}")[0] == 200  # others are answered meanwhile
    received = b""
    connection.settimeout(5)
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    connection.close()
    assert 0 < len(received) < len(SENTENCE) * 2**14  # the server closed it before the end
    assert "timed out" in log.read_text() and "Traceback" not in log.read_text()


# --------------------------------------------------------------------------- 4. bounded connections


def test_200_silent_connections_do_not_keep_a_new_client_out(url):
    split = urllib.parse.urlsplit(url)
    silent = [socket.create_connection((split.hostname, split.port)) for _ in range(200)]
    slow = socket.create_connection((split.hostname, split.port))
    slow.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHo")  # a request a byte at a time, never finished
    try:
        for _ in range(3):
            start_time = time.monotonic()
            status, _, body = http(url, params={"query": "ASK {}"}, timeout=5)
            assert status == 200 and json.loads(body)["boolean"] is True
            assert time.monotonic() - start_time < 1.0
    finally:
        for connection in silent + [slow]:
            connection.close()


def test_an_idle_connection_is_closed_after_the_client_timeout(url):
    split = urllib.parse.urlsplit(url)
    with socket.create_connection((split.hostname, split.port)) as connection:
        connection.settimeout(CLIENT_TIMEOUT + 10)
        start_time = time.monotonic()
        assert connection.recv(1) == b""  # closed by the server
        assert CLIENT_TIMEOUT - 0.5 < time.monotonic() - start_time < CLIENT_TIMEOUT + 5


# --------------------------------------------------------------------------- 5. no worker-crash loop


NESTED = {
    "groups": lambda n: "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n,
    "parentheses": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "1" + ")" * n + ") }",
    "unions": lambda n: "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
    "binds": lambda n: "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(n)) + " }",
    "minus": lambda n: "SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * n + "}",
    "exists": lambda n: "ASK { " + "FILTER EXISTS { " * n + "?s ?p ?o" + " }" * n + " }",
    "concat": lambda n: "SELECT * WHERE { BIND(" + "CONCAT(" * n + "'a'" + ")" * n + " AS ?x) }",
    "operators": lambda n: "SELECT * WHERE { BIND(" + " + ".join(["1"] * n) + " AS ?x) }",
    "brackets": lambda n: "SELECT * WHERE { ?s <urn:p> " + "[ <urn:p> " * n + "1" + " ]" * n + " }",
    "subselects": lambda n: "SELECT * WHERE " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n,
}


def test_20_deeply_nested_queries_kill_no_worker(server):
    """Each of these killed a worker (its parser recursing past the stack); now 400 before any worker sees it."""
    process, url, _ = server
    before = wait_for_workers(process, 2, url)
    queries = [make(size) for make in NESTED.values() for size in (5_000, 10_000)]
    assert len(queries) == 20 and all(len(q) >= 10_000 for q in queries)
    for query in queries:
        status, _, body = http(url, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
        assert status == 400 and b"nests too deeply" in body and b"1,000" in body, body[:200]
    assert workers_of(process) == before
    assert select(url, "ASK { ?s ?p ?o }")[0] == 200


UNDER_THE_LIMIT = {"concat": 480, "exists": 240, "groups": 480, "unions": 450, "service": 300}


@pytest.mark.parametrize("kind", UNDER_THE_LIMIT)
def test_a_query_nesting_just_under_the_limit_is_answered(server, kind):
    """The limit leaves room: nested just under it, each kind is answered and kills no worker
    (the one that mentions "service" is parsed by rdflib too, which recurses deeper still)."""
    process, url, _ = server
    before = wait_for_workers(process, 2, url)
    size = UNDER_THE_LIMIT[kind]
    query = NESTED["groups"](size).replace("?o", '"customer service"') if kind == "service" else NESTED[kind](size)
    query += " LIMIT 1" if query.startswith("SELECT") else ""
    status, _, body = http(url, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 200, body[:300]
    assert workers_of(process) == before


@pytest.fixture(scope="module")
def rated_server(served_dir, tmp_path_factory):
    """One worker, a 1 s timeout, two queries a second per client."""
    log = tmp_path_factory.mktemp("log") / "rated.log"
    process, url = start_server(served_dir, "--workers", "1", "--timeout", "1", "--rate", "2", log=log)
    yield process, url, log
    stop_server(process)


def test_a_client_over_its_rate_gets_429(rated_server):
    _, url, _ = rated_server
    answers = [select(url, "ASK {}") for _ in range(14)]
    statuses = [status for status, _, _ in answers]
    assert statuses[:10] == [200] * 10 and 429 in statuses[10:]  # bursts of five seconds' worth
    status, headers, body = next(a for a in answers if a[0] == 429)
    assert headers["Retry-After"] == "1" and b"--rate" in body
    assert http(url, "/graph.ttl")[0] == 200  # pages are not counted
    time.sleep(1.1)
    assert select(url, "ASK {}")[0] == 200


def test_a_client_whose_query_cost_a_worker_waits_five_seconds(rated_server):
    """No loop of queries that kill workers: after one, its client is paused."""
    _, url, _ = rated_server
    time.sleep(5)
    assert select(url, RUNAWAY)[0] == 503  # timed out: its worker killed
    status, headers, body = select(url, "ASK {}")
    assert status == 429 and int(headers["Retry-After"]) >= 5
    time.sleep(int(headers["Retry-After"]))
    assert select(url, "ASK {}")[0] == 200


@pytest.fixture(scope="module")
def small_server(served_dir, tmp_path_factory):
    """One worker, a 2 s timeout, three connections, no rate limit."""
    log = tmp_path_factory.mktemp("log") / "small.log"
    process, url = start_server(served_dir, "--workers", "1", "--timeout", "2", "--max-connections", "3", "--rate", "0",
                                log=log)
    yield process, url, log
    stop_server(process)



def test_every_connection_busy_gets_503_at_once(small_server):
    _, url, _ = small_server
    results: list = []
    busy = [threading.Thread(target=lambda: results.append(select(url, RUNAWAY))) for _ in range(3)]
    for thread in busy:
        thread.start()
    time.sleep(0.5)
    start_time = time.monotonic()
    answer = exchange(url, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 503") and b"Retry-After: 1" in answer
    assert time.monotonic() - start_time < 1.0
    for thread in busy:
        thread.join(30)
    assert sorted(status for status, _, _ in results) == [503, 503, 503]  # one timed out, two waited in vain


class BusyThenFreePool:
    """A worker pool whose workers are all busy (503) for the first ``busy`` queries, then answer."""

    timeout = 5

    def __init__(self, busy: int) -> None:
        self.busy, self.queries = busy, 0

    def run(self, job, timeout=None):
        from kg.serve.reply import Reply
        self.queries += 1
        if self.queries <= self.busy:
            return Reply.text(503, "every worker is busy")
        return Reply(200, "application/sparql-results+json",
                     json.dumps({"results": {"bindings": [{"label": {"value": "Russia"}}]}}).encode())


def test_example_values_are_kept_only_from_a_complete_answer():
    """While the workers are busy the query page has no values; they are not kept, and come once
    the workers are free (then kept: no more queries)."""
    from kg.serve.server import _App
    pool = BusyThenFreePool(busy=1)
    app = _App(source=None, pool=pool, access=None, rate=None)
    first, complete = app.examples()
    assert not complete and any("parameter" in e and e.get("value") is None for e in first)
    later, complete = app.examples()
    assert complete and all(e.get("value") == "Russia" for e in later if "parameter" in e)
    asked = pool.queries
    again, complete = app.examples()
    assert complete and again == later and pool.queries == asked  # kept


def test_the_query_page_names_the_graph_s_nodes_once_workers_are_free(small_server):
    _, url, _ = small_server
    later = {e["name"]: e.get("value") for e in json.loads(http(url, "/queries.json")[2]) if "parameter" in e}
    assert later["actor"] == "Russia" and later["attended"] == "Munich Security Conference"
    assert "Munich Security Conference" in http(url, "/query")[2].decode()


# --------------------------------------------------------------------------- 6. one request, one response


def _smuggled(url: str) -> bytes:
    host = urllib.parse.urlsplit(url).netloc
    return f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()


REFUSED = {
    "PUT": ("PUT /sparql HTTP/1.1", "text/turtle", 405),
    "DELETE": ("DELETE /sparql HTTP/1.1", "text/turtle", 405),
    "POST elsewhere": ("POST /graph.ttl HTTP/1.1", "text/turtle", 405),
    "update": ("POST /sparql HTTP/1.1", "application/sparql-update", 403),
    "media type": ("POST /sparql HTTP/1.1", "text/plain", 415),
    "charset": ("POST /sparql HTTP/1.1", "application/sparql-query; charset=latin-1", 415),
    "GET with a body": ("GET / HTTP/1.1", "text/plain", 200),
    "HEAD with a body": ("HEAD /graph.ttl HTTP/1.1", "text/plain", 200),
    "OPTIONS with a body": ("OPTIONS /sparql HTTP/1.1", "text/plain", 204),
    "unknown method": ("PROPFIND /sparql HTTP/1.1", "text/plain", 501),
    "bad Host": ("POST /sparql HTTP/1.1", "application/sparql-query", 421),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_request_smuggled_in_a_body_is_never_answered(url, case):
    line, media, expected = REFUSED[case]
    host = "evil.example" if case == "bad Host" else urllib.parse.urlsplit(url).netloc
    body = _smuggled(url)
    request = (f"{line}\r\nHost: {host}\r\nContent-Type: {media}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    answer = exchange(url, request)
    assert answer.startswith(f"HTTP/1.1 {expected}".encode()) or answer.startswith(f"HTTP/1.0 {expected}".encode()), answer[:200]
    assert answer.count(b"HTTP/1.") == 1 and b'"boolean"' not in answer  # one answer; the ASK never ran
    assert b"Connection: close" in answer


def test_an_oversized_or_unframed_body_closes_the_connection(url):
    host = urllib.parse.urlsplit(url).netloc
    big = (f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
           f"Content-Length: 2000000\r\n\r\n").encode() + _smuggled(url)
    chunked = (f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
               f"Transfer-Encoding: chunked\r\n\r\n").encode() + b"6\r\nASK {}\r\n0\r\n\r\n" + _smuggled(url)
    double = (f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
              f"Content-Length: 6\r\nContent-Length: 60\r\n\r\nASK {{}}").encode() + _smuggled(url)
    negative = (f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
                f"Content-Length: -1\r\n\r\n").encode() + _smuggled(url)
    for request, status in ((big, 413), (chunked, 411), (double, 400), (negative, 400)):
        answer = exchange(url, request)
        assert answer.startswith(f"HTTP/1.1 {status}".encode()), answer[:200]
        assert answer.count(b"HTTP/1.") == 1 and b"Connection: close" in answer


def test_requests_with_their_bodies_read_keep_the_connection(url):
    """Two queries on one connection, each body read whole: both answered (keep-alive still works)."""
    host = urllib.parse.urlsplit(url).netloc
    one = (f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
           f"Content-Length: 6\r\n\r\nASK {{}}").encode()
    answer = exchange(url, one + one, wait=CLIENT_TIMEOUT + 3)
    assert answer.count(b"HTTP/1.1 200") == 2 and answer.count(b'"boolean": true') == 2


# --------------------------------------------------------------------------- 7. well-formed output


TITLE_QUERY = f"SELECT ?title WHERE {{ <{HOSTILE}> <http://schema.org/headline> ?title }}"


def test_a_nul_in_a_literal_gives_well_formed_sparql_xml(url):
    status, _, body = select(url, TITLE_QUERY, "application/sparql-results+xml")
    assert status == 200
    literal = ET.fromstring(body).find(".//{http://www.w3.org/2005/sparql-results#}literal").text
    assert literal == HOSTILE_TITLE.replace("\x00", "\ufffd").replace("\x1b", "\ufffd")  # the CR kept
    status, _, body = select(url, TITLE_QUERY, "application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["title"]["value"] == HOSTILE_TITLE  # JSON escapes it all


def test_a_nul_in_a_literal_gives_well_formed_rdf_xml(url):
    query = f"CONSTRUCT WHERE {{ <{HOSTILE}> ?p ?o }}"
    status, _, body = select(url, query, "application/rdf+xml")
    assert status == 200
    ET.fromstring(body)
    (title,) = Graph().parse(data=body.decode("utf-8"), format="xml").objects()
    assert str(title) == HOSTILE_TITLE.replace("\x00", "\ufffd").replace("\x1b", "\ufffd")
    for media, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")):
        status, _, body = select(url, query, media)
        (title,) = Graph().parse(data=body.decode("utf-8"), format=fmt).objects()
        assert str(title) == HOSTILE_TITLE  # these formats escape every character


def test_clients_that_leave_leave_no_traceback_in_the_log(server):
    process, url, log = server
    split = urllib.parse.urlsplit(url)
    assert exchange(url, b"GET /\x1b[2J\x1b]0;pwned\x07 HTTP/1.1\r\nHost: localhost\r\n\r\n").startswith(b"HTTP/1.1 404")
    query = urllib.parse.quote(doubled(12))  # 1 MB: more than the socket takes at once
    for _ in range(5):
        connection = socket.create_connection((split.hostname, split.port))
        connection.sendall(f"GET /sparql?query={query} HTTP/1.1\r\nHost: {split.netloc}\r\n\r\n".encode())
        connection.recv(100)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # reset
        connection.close()
    time.sleep(1)
    assert select(url, "ASK {}")[0] == 200
    text = log.read_text()
    assert "Traceback" not in text and "left before its answer was sent" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", text)  # what clients sent is escaped in the log
