"""The HTTP side of ``kg serve``: one local ``ThreadingHTTPServer`` (the standard library, no
web framework) routing ``/sparql``, ``/``, ``/graph.ttl``, ``/query`` and ``/queries.json``;
see :mod:`kg.serve` for what each answers, and for the limits it keeps.

Every answer carries ``X-Content-Type-Options: nosniff``, ``Content-Security-Policy:
frame-ancestors 'none'`` and ``Cross-Origin-Resource-Policy: same-origin``, and names no Python
version. A request whose body is not read (a refusal, a GET with a body) is answered with
``Connection: close`` and its connection closed: what is left of it is never read as the next
request.
"""
from __future__ import annotations

import errno
import json
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pyoxigraph as ox

from kg.formats.rdf_formats import RDF_FORMATS
from kg.formats.result_formats import RESULT_FORMATS
from kg.serve.access import DEFAULT_RATE, Access, RateLimit
from kg.serve.connections import DEFAULT_MAX_CONNECTIONS, ConnectionSlots
from kg.serve.negotiation import FORMAT_PARAMETERS
from kg.serve.pages import EXAMPLE_PICKS, example_queries, index_page, query_page
from kg.serve.protocol import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, READ_ONLY, Dataset
from kg.serve.reply import Reply
from kg.serve.results import content_type
from kg.serve.workers import DEFAULT_QUERY_MEMORY, DEFAULT_TIMEOUT, DEFAULT_WORKERS, GraphSource, QueryPool

__all__ = ["MAX_BODY", "LISTEN_BACKLOG", "DEFAULT_CLIENT_TIMEOUT", "SECURITY_HEADERS", "Handler", "make_server",
           "serve"]

MAX_BODY = 1_000_000
LISTEN_BACKLOG = 128  # connections the system queues before the server accepts them (the standard library's: 5)
DEFAULT_CLIENT_TIMEOUT = 30.0
SEND_CHUNK = 1_000_000  # a client must take each megabyte of an answer within the client timeout

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}
"""Headers of every answer: no type sniffing, no framing, no embedding in another origin's page."""

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"

_TURTLE = RDF_FORMATS["turtle"].media_type
_SPARQL_JSON = RESULT_FORMATS["json"].media_type
_CONTENT_LENGTH = re.compile(r"[0-9]{1,18}")
# A log line shows what a client sent: its control characters (a terminal's commands) escaped.
_LOG_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))} | {ord("\\"): "\\\\"}


class _App:
    """What the request handlers share."""

    def __init__(self, source: GraphSource, pool: QueryPool, access: Access, rate: RateLimit) -> None:
        self.source, self.pool, self.access, self.rate = source, pool, access, rate
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

    def examples(self) -> tuple[list[dict], bool]:
        """The example queries, their parameters filled in from the served graph, and whether
        that is complete: kept only then, so that workers busy once do not leave the page
        without values for ever."""
        with self._lock:
            if self._examples is not None:
                return self._examples, True
            values, complete = self._example_values()
            examples = example_queries(values)
            if complete:
                self._examples = examples
            return examples, complete

    def query_page(self) -> Reply:
        examples, complete = self.examples()
        page = self._query_page or query_page(examples, self.source.graph.name)
        if complete:
            self._query_page = page
        return Reply(200, "text/html; charset=utf-8", page)

    def _example_values(self) -> tuple[dict[str, str], bool]:
        """A value for ``?name`` per class of :data:`EXAMPLE_PICKS`: the label of the node of the
        graph in the most such triples. A class the graph has none of gets no value; a query not
        answered (workers busy) makes the values incomplete."""
        values, complete = {}, True
        for kind, pattern in EXAMPLE_PICKS.items():
            sparql = (f"SELECT ?label WHERE {{ {{ SELECT ?node (COUNT(*) AS ?n) WHERE {{ {pattern} }} "
                      f"GROUP BY ?node ORDER BY DESC(?n) ?node LIMIT 1 }} ?node rdfs:label ?label }} LIMIT 1")
            reply = self.pool.run(("query", sparql, _SPARQL_JSON, None, 1, None, None),
                                  timeout=min(self.pool.timeout, 5))
            if reply.status != 200:
                complete = False
                continue
            bindings = json.loads(reply.body)["results"]["bindings"]
            if bindings:
                values[kind] = bindings[0]["label"]["value"]
        return values, complete

    def viewer(self) -> Reply:
        if self.source.viewer is None:
            return Reply(200, "text/html; charset=utf-8", index_page(self.source.graph.name, self.pool.triples))
        return Reply(200, "text/html; charset=utf-8", self.source.viewer.read_bytes())


class Handler(BaseHTTPRequestHandler):
    """The routes of ``kg serve``; see the module docstring."""

    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"
    timeout = DEFAULT_CLIENT_TIMEOUT  # each read and write of the connection; set by make_server
    app: _App  # set on the subclass made by make_server
    server: "_Server"

    _status = 0  # of the answer being sent
    _checked = False  # the request's framing, Host and Origin checked
    _body_pending = False  # the request has a body not read yet
    _length = 0  # its Content-Length

    # -- plumbing

    def version_string(self) -> str:
        return self.server_version  # the base class adds the Python version

    def handle_one_request(self) -> None:
        self.headers = None  # the previous request's: not for an answer to a request that fails to parse
        self._checked = self._body_pending = False
        try:
            super().handle_one_request()
        finally:
            self.server.slots.idle(self.connection)

    def handle_expect_100(self) -> bool:
        refused = self._refusal()  # refused before the client sends the body
        if refused is not None:
            self._send(refused, head=self.command == "HEAD")
            return False
        return super().handle_expect_100()

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        self.server.slots.busy(self.connection)
        refused = self._refusal()
        if refused is not None:
            self._send(refused, head=self.command == "HEAD")
            return False
        return True

    def _refusal(self) -> Reply | None:
        """The answer to a request refused for its framing, Host or Origin (once a request), else None."""
        if self._checked:
            return None
        self._checked = True
        return self._framing() or self.app.access.check(self.headers)

    def _framing(self) -> Reply | None:
        """400 or 411 for a body that cannot be told apart from the next request; notes a body's length."""
        lengths = self.headers.get_all("Content-Length") or []
        if self.headers.get("Transfer-Encoding") is not None:
            self._body_pending = True
            return Reply.text(411, "send a request body with a Content-Length (a Transfer-Encoding is not read)")
        if len(lengths) > 1 or (lengths and not _CONTENT_LENGTH.fullmatch(lengths[0].strip())):
            self._body_pending = True
            return Reply.text(400, "bad Content-Length: one decimal number of bytes")
        self._length = int(lengths[0]) if lengths else 0
        self._body_pending = self._length > 0
        return None

    def send_response_only(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response_only(code, message)

    def end_headers(self) -> None:
        if self._status >= 200:  # not on a 100 Continue
            for name, value in SECURITY_HEADERS.items():
                self.send_header(name, value)
            if self.headers is not None:
                for name, value in self.app.access.cors_headers(self.headers).items():
                    self.send_header(name, value)
            if self._body_pending and not self.close_connection:
                self.send_header("Connection", "close")  # the rest of this request is never read
        super().end_headers()

    def _send(self, reply: Reply, head: bool = False) -> None:
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if reply.status in (405, 403):
            self.send_header("Allow", ALLOWED_METHODS)
        vary = ["Accept"] if self.path.startswith("/sparql") else []
        if self.app.access.cors is not None:
            vary.append("Origin")  # the CORS headers depend on it
        if vary:
            self.send_header("Vary", ", ".join(vary))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            body = memoryview(reply.body)
            for start in range(0, len(body), SEND_CHUNK):  # each chunk within the timeout, or TimeoutError
                self.wfile.write(body[start:start + SEND_CHUNK])

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        sys.stderr.write(f"{self.address_string()} {(format % args).translate(_LOG_ESCAPES)}\n")

    def _body(self) -> bytes | Reply:
        """The request's body, read whole within the client timeout; 413 when over :data:`MAX_BODY`."""
        if self._length > MAX_BODY:
            return Reply.text(413, f"request body over {MAX_BODY:,} bytes")
        deadline = time.monotonic() + self.timeout
        chunks, left = [], self._length
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the request body did not arrive in time")
            self.connection.settimeout(remaining)
            chunk = self.rfile.read1(min(left, 65536))
            if not chunk:
                raise ConnectionResetError("the client closed the connection in the middle of its request")
            chunks.append(chunk)
            left -= len(chunk)
        self.connection.settimeout(self.timeout)
        self._body_pending = False
        return b"".join(chunks)

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
            examples = json.dumps(app.examples()[0], ensure_ascii=False).encode("utf-8")
            self._send(Reply(200, "application/json", examples), head)
        else:
            self._send(Reply.text(404, f"no such page: {url.path} (try /, /query, /sparql, /graph.ttl)"), head)

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path.rstrip("/") != "/sparql":
            self._send(Reply.text(405, f"{READ_ONLY}; POST is only for queries to /sparql"))
            return
        media, charset = _media_type(self.headers.get("Content-Type"))
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
        body = self._body()
        if isinstance(body, Reply):
            self._send(body)
            return
        params = parse_qs(url.query, keep_blank_values=True)
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
        headers = {"Allow": ALLOWED_METHODS}
        if self.app.access.cors_headers(self.headers):  # a preflight from the --cors origin
            headers.update({"Access-Control-Allow-Methods": ALLOWED_METHODS,
                            "Access-Control-Allow-Headers": "Content-Type, Accept", "Access-Control-Max-Age": "600"})
        self._send(Reply(204, "", b"", headers))

    # -- the protocol

    def _sparql(self, params: dict[str, list[str]]) -> Reply:
        client = self.client_address[0]
        if not self.app.rate.take(client):
            return Reply.text(429, f"too many queries from {client}: at most {self.app.rate.rate:g} a second, and "
                                   "none for five seconds after one that cost a query worker (kg serve --rate)",
                              **{"Retry-After": str(self.app.rate.retry_after(client))})
        if "update" in params:
            return Reply.text(403, READ_ONLY + ".")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return Reply.text(400, "give exactly one non-empty query parameter (the SPARQL 1.1 Protocol)")
        base = self._base_iri()
        dataset = _dataset(params, base)
        if isinstance(dataset, Reply):
            return dataset
        fmt = [value for name in FORMAT_PARAMETERS for value in params.get(name, [])]
        reply = self.app.pool.query(queries[0], self.headers.get("Accept"), fmt, base, dataset)
        if reply.cost_a_worker:
            self.app.rate.penalize(client)
        return reply

    def _base_iri(self) -> str:
        """The endpoint's URL, the base IRI of queries: ``http://HOST/sparql``, HOST as the client
        named it (the Host header, checked by :class:`kg.serve.access.Access`), else the address
        the server is bound to."""
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


def _dataset(params: dict[str, list[str]], base: str) -> Dataset | Reply | None:
    """The dataset the protocol's ``default-graph-uri`` and ``named-graph-uri`` name (None when
    neither is given), each IRI resolved against ``base`` as the query's own FROM IRIs are; 400
    for a value that is not an IRI.

    >>> _dataset({"default-graph-uri": ["g1"]}, "http://h/sparql").default
    ('http://h/g1',)
    """
    default = tuple(urljoin(base, iri) for iri in params.get("default-graph-uri", []))
    named = tuple(urljoin(base, iri) for iri in params.get("named-graph-uri", []))
    if not default and not named:
        return None
    for iri in default + named:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            return Reply.text(400, f"default-graph-uri and named-graph-uri take IRIs; {iri!r}: {error}")
    return Dataset(default, named)


class _Server(ThreadingHTTPServer):
    """The standard library's threading server, with a larger listen backlog, a cap on its
    connections (:class:`kg.serve.connections.ConnectionSlots`), and no traceback in the log
    when a client goes away."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def __init__(self, address, handler, max_connections: int = DEFAULT_MAX_CONNECTIONS) -> None:
        self.slots = ConnectionSlots(max_connections)
        super().__init__(address, handler)

    def get_request(self):
        try:
            return super().get_request()
        except OSError as error:
            if error.errno in (errno.EMFILE, errno.ENFILE):  # out of descriptors: wait for some, don't spin
                time.sleep(0.1)
            raise

    def process_request(self, request, client_address) -> None:
        if not self.slots.admit(request):
            _refuse_busy(request)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request) -> None:
        self.slots.release(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):  # the client went away, or stopped reading
            sys.stderr.write(f"{client_address[0]} left before its answer was sent ({type(error).__name__})\n")
            return
        super().handle_error(request, client_address)


_BUSY = b"kg serve: every connection is busy answering; try again in a second\n"


def _refuse_busy(connection: socket.socket) -> None:
    """503 on a connection the server has no place for, sent without waiting."""
    head = (f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(_BUSY)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n")
    try:
        connection.settimeout(1)
        connection.sendall(head.encode("ascii") + _BUSY)
    except OSError:
        pass


def make_server(source: GraphSource, pool: QueryPool, host: str = "127.0.0.1", port: int = 8000, *,
                cors: str | None = None, client_timeout: float = DEFAULT_CLIENT_TIMEOUT,
                max_connections: int = DEFAULT_MAX_CONNECTIONS, rate: float = DEFAULT_RATE) -> ThreadingHTTPServer:
    """An HTTP server for ``source`` answering queries with ``pool`` (already started)."""
    app = _App(source, pool, Access(host, cors), RateLimit(rate))
    handler = type("KgHandler", (Handler,), {"app": app, "timeout": client_timeout})
    return _Server((host, port), handler, max_connections)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(path: str | Path = "output", host: str = "127.0.0.1", port: int = 8000, timeout: float = DEFAULT_TIMEOUT,
          max_rows: int = DEFAULT_MAX_ROWS, workers: int = DEFAULT_WORKERS,
          announce: Callable[[str], None] = print, *, max_bytes: int = DEFAULT_MAX_BYTES,
          query_memory: int | None = DEFAULT_QUERY_MEMORY, cors: str | None = None,
          client_timeout: float = DEFAULT_CLIENT_TIMEOUT, max_connections: int = DEFAULT_MAX_CONNECTIONS,
          rate: float = DEFAULT_RATE) -> None:
    """Serve ``path`` (a graph file or a ``kg build`` output directory) until interrupted.

    Raises FileNotFoundError / WorkerError (graph missing or unreadable), OSError (port in use) and
    ValueError (``cors`` not an origin) before serving anything.
    """
    source = GraphSource.locate(path)
    Access(host, cors)  # a --cors that is no origin: said before any worker starts
    pool = QueryPool(source.graph, workers=workers, timeout=timeout, max_rows=max_rows, max_bytes=max_bytes,
                     query_memory=query_memory)
    triples = pool.start()
    try:
        server = make_server(source, pool, host, port, cors=cors, client_timeout=client_timeout,
                             max_connections=max_connections, rate=rate)
    except (OSError, ValueError):  # the port taken, a --cors that is no origin
        pool.close()
        raise
    bound_host, bound_port = server.server_address[:2]
    base = f"http://{bound_host}:{bound_port}"
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # terminate = Ctrl+C: the workers are stopped too
    announce(f"kg serve: {source.graph} ({triples:,} triples) at {base}/ — SPARQL endpoint {base}/sparql, "
             f"query page {base}/query, graph {base}/graph.ttl")
    if pool.unconfined:
        announce(f"kg serve: note: this system cannot keep the query workers from {' or '.join(pool.unconfined)}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        pool.close()
