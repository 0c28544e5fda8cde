"""The HTTP side of ``kg serve``: one local ``ThreadingHTTPServer`` (the standard library, no
web framework) routing ``/sparql``, ``/``, ``/graph.ttl``, ``/query`` and ``/queries.json``;
see :mod:`kg.serve` for what each answers.
"""
from __future__ import annotations

import json
import re
import signal
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.formats.rdf_formats import RDF_FORMATS
from kg.formats.result_formats import RESULT_FORMATS
from kg.serve.negotiation import FORMAT_PARAMETERS
from kg.serve.pages import EXAMPLE_PICKS, example_queries, index_page, query_page
from kg.serve.protocol import DEFAULT_MAX_ROWS, READ_ONLY, Dataset
from kg.serve.reply import Reply
from kg.serve.results import content_type
from kg.serve.workers import DEFAULT_TIMEOUT, DEFAULT_WORKERS, GraphSource, QueryPool

__all__ = ["MAX_BODY", "Handler", "make_server", "serve"]

MAX_BODY = 1_000_000

_TURTLE = RDF_FORMATS["turtle"].media_type
_SPARQL_JSON = RESULT_FORMATS["json"].media_type


class _App:
    """What the request handlers share."""

    def __init__(self, source: GraphSource, pool: QueryPool) -> None:
        self.source, self.pool = source, pool
        self._turtle: bytes | None = None
        self._query_page: bytes | None = None
        self._examples: list[dict] | None = None
        self._lock = threading.Lock()

    def turtle(self) -> Reply:
        with self._lock:
            if self._turtle is None:
                if self.source.graph.suffix == ".ttl":
                    self._turtle = self.source.graph.read_bytes()
                else:
                    reply = self.pool.run(("dump",), timeout=max(self.pool.timeout, 60))
                    if reply.status != 200:
                        return reply
                    self._turtle = reply.body
        return Reply(200, content_type(_TURTLE), self._turtle)

    def examples(self) -> list[dict]:
        """The example queries, their parameters filled in from the served graph (once)."""
        with self._lock:
            if self._examples is None:
                self._examples = example_queries(self._example_values())
            return self._examples

    def query_page(self) -> Reply:
        examples = self.examples()
        with self._lock:
            if self._query_page is None:
                self._query_page = query_page(examples, self.source.graph.name)
        return Reply(200, "text/html; charset=utf-8", self._query_page)

    def _example_values(self) -> dict[str, str]:
        """A value for ``?name`` per class of :data:`EXAMPLE_PICKS`: the label of the node of the
        graph in the most such triples. A class the graph has none of gets no value."""
        values = {}
        for kind, pattern in EXAMPLE_PICKS.items():
            sparql = (f"SELECT ?label WHERE {{ {{ SELECT ?node (COUNT(*) AS ?n) WHERE {{ {pattern} }} "
                      f"GROUP BY ?node ORDER BY DESC(?n) ?node LIMIT 1 }} ?node rdfs:label ?label }} LIMIT 1")
            reply = self.pool.run(("query", sparql, _SPARQL_JSON, None, 1, None, None),
                                  timeout=min(self.pool.timeout, 5))
            if reply.status != 200:
                continue
            bindings = json.loads(reply.body)["results"]["bindings"]
            if bindings:
                values[kind] = bindings[0]["label"]["value"]
        return values

    def viewer(self) -> Reply:
        if self.source.viewer is None:
            return Reply(200, "text/html; charset=utf-8", index_page(self.source.graph.name, self.pool.triples))
        return Reply(200, "text/html; charset=utf-8", self.source.viewer.read_bytes())


class Handler(BaseHTTPRequestHandler):
    """The routes of ``kg serve``; see the module docstring."""

    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"
    app: _App  # set on the subclass made by make_server

    # -- plumbing

    def _send(self, reply: Reply, head: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Expose-Headers", "X-Result-Count")
        if reply.status in (405, 403):
            self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        if self.path.startswith("/sparql"):
            self.send_header("Vary", "Accept")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _body(self) -> bytes | Reply:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return Reply.text(400, "bad Content-Length")
        if length > MAX_BODY:
            return Reply.text(413, f"request body over {MAX_BODY:,} bytes")
        return self.rfile.read(length) if length > 0 else b""

    # -- methods

    def do_GET(self) -> None:
        self._get(head=False)

    def do_HEAD(self) -> None:
        self._get(head=True)

    def _get(self, head: bool) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        app = self.app
        if path == "/sparql":
            params = parse_qs(url.query, keep_blank_values=True)
            if "query" not in params and "update" not in params and "text/html" in (self.headers.get("Accept") or ""):
                self._send(Reply(303, "text/plain; charset=utf-8", b"see /query\n", {"Location": "/query"}), head)
                return
            self._send(self._sparql(params), head)
        elif path in ("/", "/index.html", "/graph.html"):
            self._send(app.viewer(), head)
        elif path == "/graph.ttl":
            self._send(app.turtle(), head)
        elif path in ("/query", "/query.html"):
            self._send(app.query_page(), head)
        elif path == "/queries.json":
            self._send(Reply(200, "application/json", json.dumps(app.examples(), ensure_ascii=False).encode("utf-8")), head)
        else:
            self._send(Reply.text(404, f"no such page: {url.path} (try /, /query, /sparql, /graph.ttl)"), head)

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path.rstrip("/") != "/sparql":
            self._send(Reply.text(405, f"{READ_ONLY}; POST is only for queries to /sparql"))
            return
        body = self._body()
        if isinstance(body, Reply):
            self._send(body)
            return
        media, charset = _media_type(self.headers.get("Content-Type"))
        params = parse_qs(url.query, keep_blank_values=True)
        if media == "application/sparql-update":
            self._send(Reply.text(403, READ_ONLY + "."))
            return
        if media not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            self._send(Reply.text(415, "POST a query as application/x-www-form-urlencoded (query=...) "
                                       "or as application/sparql-query"))
            return
        if charset not in (None, "utf-8", "utf8"):
            self._send(Reply.text(415, f"charset={charset} is not accepted: send the query in UTF-8"))
            return
        try:
            if media == "application/sparql-query":
                params["query"] = [body.decode("utf-8")]
            else:
                for name, values in parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict").items():
                    params.setdefault(name, []).extend(values)
        except UnicodeDecodeError:
            self._send(Reply.text(400, "the request body is not UTF-8"))
            return
        self._send(self._sparql(params))

    def _write_method(self) -> None:
        self._send(Reply.text(405, f"this SPARQL endpoint is read-only: {self.command} is not allowed "
                                   "(GET and POST queries to /sparql, GET pages)"))

    do_PUT = do_DELETE = do_PATCH = _write_method

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- the protocol

    def _sparql(self, params: dict[str, list[str]]) -> Reply:
        if "update" in params:
            return Reply.text(403, READ_ONLY + ".")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return Reply.text(400, "give exactly one non-empty query parameter (the SPARQL 1.1 Protocol)")
        dataset = _dataset(params)
        if isinstance(dataset, Reply):
            return dataset
        fmt = [value for name in FORMAT_PARAMETERS for value in params.get(name, [])]
        return self.app.pool.query(queries[0], self.headers.get("Accept"), fmt, self._base_iri(), dataset)

    def _base_iri(self) -> str:
        """The endpoint's URL, the base IRI of queries: ``http://HOST/sparql``, HOST as the client
        named it (the Host header), else the address the server is bound to."""
        host = (self.headers.get("Host") or "").strip()
        if not _HOST.fullmatch(host):
            address, port = self.server.server_address[:2]
            host = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
        return f"http://{host}/sparql"


_HOST = re.compile(r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """The media type of a Content-Type header, lower-cased, and its charset (lower-cased) or None.

    >>> _media_type('application/sparql-query; charset="UTF-16"')
    ('application/sparql-query', 'utf-16')
    """
    media, *parameters = (content_type or "").split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _dataset(params: dict[str, list[str]]) -> Dataset | Reply | None:
    """The dataset the protocol's ``default-graph-uri`` and ``named-graph-uri`` name (None when
    neither is given), or 400 for a value that is not an absolute IRI."""
    dataset = Dataset(tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])))
    if not dataset.default and not dataset.named:
        return None
    for iri in dataset.default + dataset.named:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            return Reply.text(400, f"default-graph-uri and named-graph-uri take absolute IRIs; {iri!r}: {error}")
    return dataset


def make_server(source: GraphSource, pool: QueryPool, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """An HTTP server for ``source`` answering queries with ``pool`` (already started)."""
    handler = type("KgHandler", (Handler,), {"app": _App(source, pool)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(path: str | Path = "output", host: str = "127.0.0.1", port: int = 8000, timeout: float = DEFAULT_TIMEOUT,
          max_rows: int = DEFAULT_MAX_ROWS, workers: int = DEFAULT_WORKERS,
          announce: Callable[[str], None] = print) -> None:
    """Serve ``path`` (a graph file or a ``kg build`` output directory) until interrupted.

    Raises FileNotFoundError / WorkerError (graph missing or unreadable) and OSError (port in use)
    before serving anything.
    """
    source = GraphSource.locate(path)
    pool = QueryPool(source.graph, workers=workers, timeout=timeout, max_rows=max_rows)
    triples = pool.start()
    try:
        server = make_server(source, pool, host, port)
    except OSError:
        pool.close()
        raise
    bound_host, bound_port = server.server_address[:2]
    base = f"http://{bound_host}:{bound_port}"
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # terminate = Ctrl+C: the workers are stopped too
    announce(f"kg serve: {source.graph} ({triples:,} triples) at {base}/ — SPARQL endpoint {base}/sparql, "
             f"query page {base}/query, graph {base}/graph.ttl")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        pool.close()
