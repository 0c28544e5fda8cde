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

One module per part: :mod:`kg.serve.negotiation` (the media type of an answer, from the two
registries of :mod:`kg.formats`), :mod:`kg.serve.results` (the body: SELECT/ASK by the writers
``kg query --format`` uses, so the bytes are the same), :mod:`kg.serve.protocol` (running one
query), :mod:`kg.serve.workers` (the graph and the processes holding it), :mod:`kg.serve.pages`
(the query page) and :mod:`kg.serve.server` (HTTP).
"""
from __future__ import annotations

from kg.serve.negotiation import negotiate
from kg.serve.pages import EXAMPLE_PICKS, example_queries, index_page, query_page
from kg.serve.protocol import DEFAULT_MAX_ROWS, Dataset, check_request, execute, select_variables
from kg.serve.reply import Reply
from kg.serve.server import make_server, serve
from kg.serve.workers import DEFAULT_TIMEOUT, DEFAULT_WORKERS, GraphSource, QueryPool, WorkerError, load_served

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_WORKERS",
    "Reply",
    "Dataset",
    "GraphSource",
    "QueryPool",
    "WorkerError",
    "execute",
    "check_request",
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
