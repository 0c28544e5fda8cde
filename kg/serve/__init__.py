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
one of the two parameters, the other part of the dataset is empty). Both name graphs the same
way: an IRI, a relative one resolved against the endpoint's URL, of a graph the server holds;
a graph it does not hold is simply empty (nothing is fetched), and what is not an IRI gets 400.
Relative IRIs in a query resolve against the endpoint's URL (``http://HOST/sparql``, HOST from
the request's ``Host`` header). ``SELECT *`` lists its variables in the order they first appear
in the query.

Read-only, never reaching out:

- SPARQL Update (``update=``, ``application/sparql-update``, or an update sent as ``query=``)
  gets 403, and PUT, DELETE and PATCH get 405; nothing can change the graph.
- ``SERVICE`` (federated queries) gets 400, found in the query as parsed (:mod:`kg.query.service`),
  wherever it hides (behind a comment, in a sub-query, a FILTER EXISTS); a query that mentions
  "service" and cannot be parsed gets 400 too. And the workers that run queries cannot open a
  connection at all (:mod:`kg.serve.sandbox`): the server makes no outgoing request.
- A malformed query gets 400 with the parser's message.

Bounded (the defaults; ``kg serve --help`` names the options):

- Queries run on Oxigraph in worker processes (``--workers``, default 2), each holding the
  graph. A query still running after ``--timeout`` seconds (default 10) gets 503 and its
  worker is killed and replaced: a runaway query cannot hold the server, which keeps answering
  other requests (a thread can't be stopped in Python, a process can). While every worker is
  busy, a query waits for one at most its timeout, then gets 503 too.
- A query nesting deeper than 1,000 levels (groups, parentheses, brackets inside each other,
  and UNION, OPTIONAL, MINUS, BIND, FILTER or operators in a row: :func:`kg.query.nesting`) gets
  400 before any worker sees it: Oxigraph's parser recurses once a level, and ran out of stack
  at 3,000. Workers answer on a 256 MB stack besides.
- A SELECT with more than ``--max-rows`` rows (default 10,000) or a CONSTRUCT/DESCRIBE with
  more triples gets 422 naming the cap, as does an answer over ``--max-bytes`` (default 16 MB):
  the worker stops reading as soon as either is passed, so a huge result is never sent. Add a
  LIMIT, or raise the cap.
- A worker may take ``--query-memory`` MB (default 1,024) beyond what it holds once the graph
  is loaded (Linux); a query that needs more gets 507 and its worker is replaced. A query that
  makes Oxigraph fail (it aborts sorting terms of mixed kinds) gets 500 and its worker is
  replaced. Either way, and when a query times out, its client gets no answer for five seconds.
- Each client address may send ``--rate`` queries a second (default 20, in bursts of five
  seconds' worth; 0: no limit); past it, 429 with ``Retry-After``.
- Request bodies over 1 MB get 413; a request line over 64 KB, 414.
- At most ``--max-connections`` (default 64) connections are held; a new one past it closes the
  one idle the longest, or gets 503 when all are answering (:mod:`kg.serve.connections`). A
  client has ``--client-timeout`` seconds (default 30) to send its request, and to take each
  megabyte of an answer; past it, its connection is closed (so is an idle one). The listen
  backlog is 128.

Same-origin: only the server's own pages (the query page, the viewer) can query it from a
browser. A request from a page of another origin gets 403 and no answer carries
``Access-Control-Allow-Origin``; ``--cors ORIGIN`` lets one origin in (YASGUI, say). A request
must name the server, in its ``Host`` header, by an IP address, ``localhost`` or the ``--host``
name, else 421 (DNS rebinding). Every answer says ``X-Content-Type-Options: nosniff`` and
``Content-Security-Policy: frame-ancestors 'none'``, and names no Python version
(:mod:`kg.serve.access`, :mod:`kg.serve.server`). A request whose body is not read (refused, or
a GET with a body) is answered with ``Connection: close``: what is left of it is never read as
another request.

One module per part: :mod:`kg.serve.negotiation` (the media type of an answer, from the two
registries of :mod:`kg.formats`), :mod:`kg.serve.results` (the body: SELECT/ASK by the writers
``kg query --format`` uses, so the bytes are the same), :mod:`kg.serve.protocol` (running one
query, and what is refused), :mod:`kg.serve.workers` (the graph and the processes holding it),
:mod:`kg.serve.sandbox` (what a worker gives up), :mod:`kg.serve.pages` (the query page),
:mod:`kg.serve.access` (Host, Origin, rate), :mod:`kg.serve.connections` (open connections) and
:mod:`kg.serve.server` (HTTP).
"""
from __future__ import annotations

from kg.serve.negotiation import negotiate
from kg.serve.pages import EXAMPLE_PICKS, example_queries, index_page, query_page
from kg.serve.protocol import (DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, MAX_NESTING, Dataset, check_request, execute,
                               screen_request, select_variables)
from kg.serve.reply import Reply
from kg.serve.server import make_server, serve
from kg.serve.workers import (DEFAULT_QUERY_MEMORY, DEFAULT_TIMEOUT, DEFAULT_WORKERS, GraphSource, QueryPool,
                              WorkerError, load_served)

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_QUERY_MEMORY",
    "MAX_NESTING",
    "DEFAULT_WORKERS",
    "Reply",
    "Dataset",
    "GraphSource",
    "QueryPool",
    "WorkerError",
    "execute",
    "check_request",
    "screen_request",
    "select_variables",
    "load_served",
    "negotiate",
    "EXAMPLE_PICKS",
    "example_queries",
    "query_page",
    "index_page",
    "make_server",
    "serve",
]
