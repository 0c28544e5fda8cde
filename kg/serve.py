"""``kg serve``: the graph as a read-only SPARQL 1.1 endpoint, with its viewer and a query page.

One local HTTP server (the standard library's ``ThreadingHTTPServer``, no web framework):

========================  ==================================================================
``/sparql``               SPARQL 1.1 Protocol: GET ``?query=``, POST as a form or as
                          ``application/sparql-query`` (UTF-8; another ``charset`` gets 415).
                          SELECT/ASK as SPARQL JSON, XML, CSV or TSV, CONSTRUCT/DESCRIBE as
                          Turtle, N-Triples, JSON-LD or RDF/XML, chosen by the ``Accept``
                          header; a ``format=`` or ``output=`` parameter naming one of these
                          (``json|xml|csv|tsv|ttl|n3|nt|jsonld|rdfxml`` or a media type) wins,
                          any other value is ignored.
``/``                     the graph viewer (``graph.html`` of the served directory)
``/graph.ttl``            the graph in Turtle
``/query``                a query page, its editor preloaded with ``ontology/queries/*.rq``
                          (a box for the ``?name`` of those about one actor, event or
                          agreement, filled in from the graph); ``/queries.json`` the same
========================  ==================================================================

The dataset, one rule: a query reads the graphs the server holds, never anything else. The
default graph is every triple of the served file; a TriG or N-Quads file's named graphs are held
under their names too. ``default-graph-uri`` and ``named-graph-uri`` (the protocol's dataset)
replace the query's ``FROM`` and ``FROM NAMED``, which replace the default dataset (given only
one of the two parameters, the other part of the dataset is empty); each names a graph held by
the server, and a graph it does not hold is simply empty: nothing is fetched.
Relative IRIs in a query resolve against the endpoint's URL (``http://HOST/sparql``, HOST from
the request's ``Host`` header). ``SELECT *`` lists its variables in the order they first appear
in the query.

Read-only and bounded:

- SPARQL Update (``update=``, ``application/sparql-update``, or an update sent as ``query=``)
  gets 403, and PUT, DELETE and PATCH get 405; nothing can change the graph. ``SERVICE``
  (federated queries) gets 400: the server makes no outgoing requests.
- A malformed query gets 400 with the parser's message.
- Queries run on Oxigraph in worker processes (``--workers``, default 2), each holding the
  graph. A query still running after ``--timeout`` seconds (default 10) gets 503 and its
  worker is killed and replaced: a runaway query cannot hold the server, which keeps answering
  other requests (a thread can't be stopped in Python, a process can). While every worker is
  busy, a query waits for one at most its timeout, then gets 503 too.
- A SELECT with more than ``--max-rows`` rows (default 10,000) or a CONSTRUCT/DESCRIBE with
  more triples gets 422 naming the cap, not a silently truncated result: the worker stops
  reading after the cap, so a huge result costs no memory. Add a LIMIT, or raise the cap.
- Request bodies over 1 MB get 413.

Responses carry ``Access-Control-Allow-Origin: *`` so that browser tools (YASGUI) on another
origin can query the endpoint.
"""
from __future__ import annotations

import csv
import html
import io
import json
import multiprocessing
import queue
import re
import sys
import threading
import time
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_WORKERS",
    "Reply",
    "Dataset",
    "GraphSource",
    "QueryPool",
    "execute",
    "negotiate",
    "make_server",
    "serve",
]

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_WORKERS = 2
MAX_BODY = 1_000_000

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"

# What a client may ask for, for each kind of result: media type (or alias) -> the type served.
RESULT_TYPES = {
    "results": {
        SPARQL_JSON: SPARQL_JSON, "application/json": SPARQL_JSON, "text/javascript": SPARQL_JSON,
        "application/javascript": SPARQL_JSON,
        SPARQL_XML: SPARQL_XML, "application/xml": SPARQL_XML, "text/xml": SPARQL_XML,
        CSV: CSV, TSV: TSV,
    },
    "graph": {
        TURTLE: TURTLE, "application/turtle": TURTLE, "application/x-turtle": TURTLE,
        "text/n3": TURTLE, "application/n3": TURTLE, "text/rdf+n3": TURTLE,  # Turtle is N3
        NTRIPLES: NTRIPLES, "text/plain": NTRIPLES,
        JSONLD: JSONLD, "application/x-json+ld": JSONLD, "application/json": JSONLD,
        RDFXML: RDFXML, "application/xml": RDFXML, "text/xml": RDFXML,
    },
}
DEFAULT_TYPES = {"results": SPARQL_JSON, "graph": TURTLE}
FORMAT_NAMES = {  # ``format=`` / ``output=`` -> media type, per kind (a media type is taken too)
    "results": {"json": SPARQL_JSON, "xml": SPARQL_XML, "csv": CSV, "tsv": TSV},
    "graph": {"ttl": TURTLE, "turtle": TURTLE, "n3": TURTLE, "nt": NTRIPLES, "ntriples": NTRIPLES,
              "jsonld": JSONLD, "json-ld": JSONLD, "json": JSONLD, "xml": RDFXML, "rdfxml": RDFXML,
              "rdf": RDFXML, "rdf+xml": RDFXML},
}
FORMAT_PARAMETERS = ("format", "output")  # what SPARQL clients send besides Accept (SPARQLWrapper: both)

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
READ_ONLY = "this SPARQL endpoint is read-only: SPARQL Update is not accepted"


@dataclass
class Reply:
    """An HTTP answer: status, content type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str, **headers: str) -> "Reply":
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"), dict(headers))


# --------------------------------------------------------------------------- content negotiation


def _accepted(accept: str | None) -> list[str]:
    """The media ranges of an Accept header, best first (by q, then order); ``*/*`` when empty."""
    ranges = []
    for position, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((-q, position, media))
    return [media for _, _, media in sorted(ranges)] or ["*/*"]


def _named_format(kind: str, fmt: str | Sequence[str] | None) -> str | None:
    """The media type the first known value of ``fmt`` names for ``kind``; None if none is known."""
    for value in [fmt] if isinstance(fmt, str) else fmt or ():
        value = value.strip().lower()
        found = FORMAT_NAMES[kind].get(value) or RESULT_TYPES[kind].get(value.split(";")[0].strip())
        if found:
            return found
    return None


def negotiate(accept: str | None, kind: str, fmt: str | Sequence[str] | None = None) -> str | None:
    """The media type to answer a ``kind`` (``"results"`` or ``"graph"``) result in, or None.

    ``fmt`` (the values of ``format=`` and ``output=``) wins over the Accept header when it names
    a format of this kind; otherwise it is ignored.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "results")
    'application/sparql-results+xml'
    >>> negotiate("application/json", "graph"), negotiate(None, "graph"), negotiate("image/png", "results")
    ('application/ld+json', 'text/turtle', None)
    >>> negotiate("text/csv", "results", ["png"]), negotiate(None, "graph", ["rdf+xml", "application/rdf+xml"])
    ('text/csv', 'application/rdf+xml')
    """
    named = _named_format(kind, fmt)
    if named:
        return named
    served = RESULT_TYPES[kind]
    for media in _accepted(accept):
        if media in served:
            return served[media]
        if media == "*/*":
            return DEFAULT_TYPES[kind]
        if media.endswith("/*"):
            family = media[:-1]
            default = DEFAULT_TYPES[kind]
            if default.startswith(family):
                return default
            found = next((target for target in served.values() if target.startswith(family)), None)
            if found:
                return found
    return None


def _not_acceptable(kind: str) -> Reply:
    what = "SELECT and ASK results" if kind == "results" else "CONSTRUCT and DESCRIBE results"
    offered = ", ".join(sorted(set(RESULT_TYPES[kind].values())))
    return Reply.text(406, f"none of the Accept types can be served for {what}; offered: {offered}")


# --------------------------------------------------------------------------- serializing results


def _json_term(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _results_json(variables: list[str], rows: list[tuple]) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _xml_term(term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    return f"<literal>{xml_escape(str(term))}</literal>"


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def _results_xml(variables: list[str], rows: list[tuple]) -> bytes:
    out = [_XML_HEAD, "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head>\n<results>\n"]
    for row in rows:
        cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in zip(variables, row)
                        if t is not None)
        out.append(f"<result>{cells}</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def _results_csv(variables: list[str], rows: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _results_tsv(variables: list[str], rows: list[tuple]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]  # N-Triples forms
    return ("\n".join(lines) + "\n").encode("utf-8")


def _boolean(media: str, value: bool) -> bytes:
    word = "true" if value else "false"
    if media == SPARQL_JSON:
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if media == SPARQL_XML:
        return f"{_XML_HEAD}<head/>\n<boolean>{word}</boolean>\n</sparql>\n".encode("utf-8")
    return f"{word}\n".encode("utf-8")


_RESULT_WRITERS: dict[str, Callable[[list[str], list[tuple]], bytes]] = {
    SPARQL_JSON: _results_json, SPARQL_XML: _results_xml, CSV: _results_csv, TSV: _results_tsv,
}


def _graph_bytes(media: str, triples: list) -> bytes:
    import pyoxigraph as ox

    from kg.namespaces import PREFIXES

    formats = {TURTLE: ox.RdfFormat.TURTLE, NTRIPLES: ox.RdfFormat.N_TRIPLES, JSONLD: ox.RdfFormat.JSON_LD,
               RDFXML: ox.RdfFormat.RDF_XML}
    if media == NTRIPLES:  # one triple a line, sorted, as kg writes N-Triples
        return ox.serialize(sorted(triples, key=str), format=formats[media])
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    return ox.serialize(triples, format=formats[media], prefixes=prefixes)


_CHARSET = {SPARQL_JSON, SPARQL_XML, CSV, TSV, TURTLE, NTRIPLES, JSONLD, RDFXML}


def _content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media in _CHARSET else media


# --------------------------------------------------------------------------- running one query


@dataclass(frozen=True)
class Dataset:
    """The dataset a request names (``default-graph-uri``, ``named-graph-uri``): IRIs of graphs
    the server holds; one it does not hold is empty."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def arguments(self) -> dict:
        """The ``default_graph`` and ``named_graphs`` arguments of ``pyoxigraph.Store.query``."""
        import pyoxigraph as ox

        return {"default_graph": [ox.NamedNode(iri) for iri in self.default],
                "named_graphs": [ox.NamedNode(iri) for iri in self.named]}


def select_variables(sparql: str, variables: list[str]) -> list[str]:
    """The result ``variables`` of a SELECT in the order the query gives them: for ``SELECT *``
    (which Oxigraph lists sorted), the order they first appear in the query.

    >>> select_variables("SELECT * { ?s ?p ?o }", ["o", "p", "s"])
    ['s', 'p', 'o']
    """
    from kg.query import select_star_order

    order = select_star_order(sparql)
    if not order:
        return variables
    first = {name: position for position, name in enumerate(order)}
    return sorted(variables, key=lambda name: first.get(name, len(first)))


def check_request(sparql: str) -> Reply | None:
    """A 4xx reply for what this endpoint refuses before running anything (an update,
    ``SERVICE``), else None."""
    from kg.query import query_form, sparql_keywords

    form = query_form(sparql)
    if form in UPDATE_KEYWORDS:
        return Reply.text(403, f"{READ_ONLY} (the request starts with {form}).")
    if "SERVICE" in sparql_keywords(sparql):
        return Reply.text(400, "SERVICE (federated query) is not allowed: this endpoint makes no outgoing requests.")
    return None


def execute(store, sparql: str, accept: str | None = None, fmt: str | Sequence[str] | None = None,
            max_rows: int = DEFAULT_MAX_ROWS, base_iri: str | None = None, dataset: Dataset | None = None) -> Reply:
    """Run ``sparql`` on an Oxigraph ``store`` and serialize the result as negotiated.

    At most ``max_rows`` solutions (or triples) are read: one more gets 422. The project
    prefixes (``kg:``, ``kgr:``, ``rdfs:``, ...) are predeclared, as in ``kg query``. Relative
    IRIs resolve against ``base_iri``; a ``dataset`` replaces the query's FROM and FROM NAMED.
    """
    import pyoxigraph as ox

    from kg.query import _OX_PREFIXES

    refused = check_request(sparql)
    if refused is not None:
        return refused
    try:
        options = dataset.arguments() if dataset else {}
        result = store.query(sparql, prefixes=_OX_PREFIXES, base_iri=base_iri, **options)
        kind = "graph" if isinstance(result, ox.QueryTriples) else "results"
        media = negotiate(accept, kind, fmt)
        if media is None:
            return _not_acceptable(kind)
        if isinstance(result, ox.QueryBoolean):
            return Reply(200, _content_type(media), _boolean(media, bool(result)))
        items = []
        for item in result:
            if len(items) == max_rows:
                noun = "triples" if kind == "graph" else "rows"
                return Reply.text(422, f"the result has more than {max_rows:,} {noun}, the cap of this endpoint: "
                                       f"add a LIMIT to the query, or start kg serve with a larger --max-rows.")
            items.append(item if kind == "graph" else tuple(item))
    except SyntaxError as error:
        return Reply.text(400, f"malformed query: {error}")
    except (RuntimeError, OSError, ValueError) as error:
        return Reply.text(400, f"query failed: {error}")
    if kind == "graph":
        body = _graph_bytes(media, items)
    else:
        variables = [v.value for v in result.variables]
        order = select_variables(sparql, variables)
        if order != variables:
            positions = [variables.index(name) for name in order]
            items = [tuple(row[i] for i in positions) for row in items]
        body = _RESULT_WRITERS[media](order, items)
    return Reply(200, _content_type(media), body, {"X-Result-Count": str(len(items))})


# --------------------------------------------------------------------------- the graph and its worker processes


@dataclass(frozen=True)
class GraphSource:
    """What ``kg serve`` serves: the graph file, and the viewer page when there is one."""

    graph: Path
    viewer: Path | None = None

    @classmethod
    def locate(cls, path: str | Path) -> "GraphSource":
        """``DIR`` -> ``DIR/graph.ttl`` (else ``graph.jsonld``, ``graph.nt``) and ``DIR/graph.html``;
        a graph file -> itself and the ``graph.html`` beside it. FileNotFoundError when none."""
        path = Path(path)
        if path.is_dir():
            for name in ("graph.ttl", "graph.jsonld", "graph.nt"):
                if (path / name).is_file():
                    viewer = path / "graph.html"
                    return cls(path / name, viewer if viewer.is_file() else None)
            raise FileNotFoundError(f"{path}: no graph.ttl in this directory (run kg build --out {path})")
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file or directory")
        viewer = path.parent / "graph.html"
        return cls(path, viewer if viewer.is_file() else None)


_QUAD_FILES = {".trig": "TRIG", ".nq": "N_QUADS"}  # suffix -> pyoxigraph.RdfFormat name


def _default_graph(store) -> list:
    """The triples of the store's default graph."""
    import pyoxigraph as ox

    return [quad.triple for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def load_served(graph: str | Path):
    """The graph file in an in-memory Oxigraph store, and its number of triples: every triple in
    the default graph (as :func:`kg.query.load_store` reads it); a TriG or N-Quads file's named
    graphs under their names too, from the same parse (its blank nodes are the same ones)."""
    import pyoxigraph as ox

    from kg.query import load_store

    store = load_store(graph)  # the file's errors, as kg query reports them
    fmt = _QUAD_FILES.get(Path(graph).suffix.lower())
    if fmt is None:
        return store, len(store)
    store.clear()
    store.extend(_also_by_name(ox.parse(path=str(graph), format=getattr(ox.RdfFormat, fmt))))
    return store, len(_default_graph(store))


def _also_by_name(quads):
    """Each quad as a triple of the default graph, and a quad of a named graph as itself too."""
    import pyoxigraph as ox

    for quad in quads:
        yield ox.Quad(quad.subject, quad.predicate, quad.object)
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            yield quad


def _worker_main(conn, graph: str) -> None:
    """A worker process: load the graph into an in-memory Oxigraph store, then answer jobs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops its workers
    try:
        store, triples = load_served(graph)
    except Exception as error:  # reported to the parent, which stops with the message
        conn.send(("error", str(error)))
        return
    conn.send(("ready", triples))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job[0] == "query":  # ("query", sparql, accept, fmt, max_rows, base_iri, dataset)
            reply = execute(store, *job[1:])
        else:  # ("dump",): the default graph as Turtle
            reply = Reply(200, _content_type(TURTLE), _graph_bytes(TURTLE, _default_graph(store)))
        conn.send(reply)


class WorkerError(RuntimeError):
    """A worker could not load the graph."""


class _Worker:
    def __init__(self, graph: Path) -> None:
        context = multiprocessing.get_context("spawn")  # no fork: the server has threads
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, str(graph)), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self) -> int:
        """Block until the graph is loaded; its number of triples. WorkerError if it failed."""
        try:
            status, value = self.conn.recv()
        except EOFError:
            raise WorkerError("a query worker died while loading the graph") from None
        if status != "ready":
            raise WorkerError(value)
        return value

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """Worker processes, each with the graph in an Oxigraph store; one query at a time each.

    ``run`` hands a query to an idle worker and waits at most ``timeout`` seconds in all; a
    worker that has not answered by then is killed and replaced in the background.
    """

    def __init__(self, graph: Path, workers: int = DEFAULT_WORKERS, timeout: float = DEFAULT_TIMEOUT,
                 max_rows: int = DEFAULT_MAX_ROWS) -> None:
        if workers < 1:
            raise ValueError("need at least one worker")
        self.graph, self.size, self.timeout, self.max_rows = graph, workers, timeout, max_rows
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.triples = 0

    def start(self) -> int:
        """Start the workers and wait until each has loaded the graph; the number of triples."""
        started = [self._spawn() for _ in range(self.size)]
        try:
            for worker in started:
                self.triples = worker.wait_ready()
                self._idle.put(worker)
        except WorkerError:
            self.close()
            raise
        return self.triples

    def _spawn(self) -> _Worker:
        worker = _Worker(self.graph)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return

        def respawn() -> None:
            fresh = self._spawn()
            try:
                fresh.wait_ready()
            except WorkerError:
                fresh.kill()
                with self._lock:
                    self._all.discard(fresh)
                return
            if self._closed:
                fresh.kill()
            else:
                self._idle.put(fresh)

        threading.Thread(target=respawn, daemon=True).start()

    def run(self, job: tuple, timeout: float | None = None) -> Reply:
        """Send ``job`` to a worker; its Reply, or 503 when no worker answered in time."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return Reply.text(503, f"all {self.size} query workers are busy; tried for {timeout:g} s", **{"Retry-After": "1"})
        try:
            worker.conn.send(job)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return Reply.text(500, "the query worker died (out of memory?); it has been replaced")
        self._replace(worker)
        return Reply.text(503, f"query timed out after {timeout:g} s (kg serve --timeout); it was stopped")

    def query(self, sparql: str, accept: str | None = None, fmt: Sequence[str] | str | None = None,
              base_iri: str | None = None, dataset: Dataset | None = None) -> Reply:
        """Run one query on a worker (see :func:`execute`)."""
        refused = check_request(sparql)  # refused here too, without a worker round trip
        if refused is not None:
            return refused
        fmt = [fmt] if isinstance(fmt, str) else list(fmt or [])
        return self.run(("query", sparql, accept, fmt, self.max_rows, base_iri, dataset))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


# --------------------------------------------------------------------------- pages


EXAMPLE_PICKS: dict[str, str] = {
    "kg:Actor": "?node kg:backs|kg:opposes ?other",
    "kg:Event": "?other kg:attended ?node",
    "kg:Agreement": "?other kg:agreed ?node",
}
"""How the query page fills in an example's ``?name``, by the class the example says it names
(``# ?name: kg:Event``, :func:`kg.query.query_parameters`): the label of the node in the most
triples of this pattern (ties: the first IRI)."""


def _sparql_string(value: str) -> str:
    """``value`` as a SPARQL string literal, written by Oxigraph (as :func:`kg.query.bind_values`)."""
    from kg.query import bind_values

    return bind_values("?v", {"v": value})


def example_queries(values: Mapping[str, str] | str | None = None) -> list[dict]:
    """The example queries for the query page: ``name``, ``description`` (the first sentence of
    their opening comment) and ``query``, the text to run.

    An example with a parameter (``# ?name: kg:Event``, bound from outside by ``kg query --actor``)
    also has ``parameter`` ("name"), ``names`` (the class, "kg:Event"), ``value`` and ``parts``,
    the text cut at the variable (:func:`kg.query.variable_parts`), so that the page can bind
    another value. ``values`` gives the value by class (:data:`EXAMPLE_PICKS`), or one value for
    every example; its ``query`` has the value written where the variable stands, as a literal
    (never spliced), under a comment saying so. Without a value the variable is left unbound
    (the query then finds nothing).
    """
    from kg.query import bind_values, list_queries, query_parameters, variable_parts

    examples = []
    for name, path in list_queries().items():
        text = path.read_text(encoding="utf-8")
        description = " ".join(line.lstrip("# ").strip() for line in text.splitlines()
                               if line.startswith("#")).split(". ")[0].rstrip(".")
        example: dict = {"name": name, "description": description, "query": text}
        for variable, kind in query_parameters(text).items():
            if not re.search(rf"[?$]{variable}\b", text):
                continue
            value = values if isinstance(values, str) else (values or {}).get(kind)
            example.update(parameter=variable, names=kind, value=value, parts=variable_parts(text, variable))
            if value is not None:
                literal = _sparql_string(value)
                example["query"] = (f"# ?{variable} = {literal}, a {kind}: the box above changes it\n"
                                    + bind_values(text, {variable: value}))
            break  # the page binds one parameter
        examples.append(example)
    return examples


def _page(name: str) -> str:
    from importlib.resources import files

    return files("kg").joinpath("web", name).read_text(encoding="utf-8")


def query_page(examples: list[dict], graph_name: str) -> bytes:
    """The query page with the examples embedded (as JSON, ``<`` escaped)."""
    data = json.dumps(examples, ensure_ascii=False).replace("<", "\\u003c")
    page = _page("query.html").replace("/*KG_EXAMPLES*/[]", data).replace("{{graph}}", html.escape(graph_name))
    return page.encode("utf-8")


def index_page(graph_name: str, triples: int) -> bytes:
    """The page at ``/`` when the served directory has no ``graph.html``."""
    return (f"<!doctype html><meta charset=utf-8><title>kg serve</title><h1>kg serve</h1>"
            f"<p>{html.escape(graph_name)}: {triples:,} triples. No graph.html viewer beside it "
            f"(<code>kg build</code> writes one).</p><ul><li><a href=query>query page</a></li>"
            f"<li><a href=sparql>SPARQL endpoint</a> (/sparql)</li><li><a href=graph.ttl>graph.ttl</a></li></ul>"
            ).encode("utf-8")


# --------------------------------------------------------------------------- HTTP


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
        return Reply(200, _content_type(TURTLE), self._turtle)

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
            reply = self.pool.run(("query", sparql, SPARQL_JSON, None, 1, None, None),
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
    import pyoxigraph as ox

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
