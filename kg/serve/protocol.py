"""Running one query of the SPARQL 1.1 Protocol on an Oxigraph store: refused when it would
write, reach out or nest too deeply, capped in rows and bytes, answered in the negotiated format.

>>> check_request("DELETE WHERE { ?s ?p ?o }").status, check_request("SELECT * { ?s ?p ?o }") is None
(403, True)
>>> check_request("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }").status
400
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg.query import SPARQL_PREFIXES, nesting, query_form, select_star_order, service_calls
from kg.serve.negotiation import negotiate, not_acceptable
from kg.serve.reply import Reply
from kg.serve.results import boolean_body, content_type, graph_body, solutions_body

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_MAX_BYTES", "MAX_NESTING", "UPDATE_KEYWORDS", "READ_ONLY", "Dataset",
           "select_variables", "screen_request", "check_request", "execute"]

DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BYTES = 16_000_000
MAX_NESTING = 1_000
"""How deep a query may nest (:func:`kg.query.nesting`). Oxigraph's parser and evaluator recurse
once per level: on a thread's default 8 MB stack, 3,000 nested groups, 3,000 BINDs or MINUSes
in a row or 10,000 UNIONs kill the process; the example queries nest 40 deep at most."""

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
READ_ONLY = "this SPARQL endpoint is read-only: SPARQL Update is not accepted"


@dataclass(frozen=True)
class Dataset:
    """The dataset a request names (``default-graph-uri``, ``named-graph-uri``): IRIs of graphs
    the server holds; one it does not hold is empty."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def arguments(self) -> dict:
        """The ``default_graph`` and ``named_graphs`` arguments of ``pyoxigraph.Store.query``."""
        return {"default_graph": [ox.NamedNode(iri) for iri in self.default],
                "named_graphs": [ox.NamedNode(iri) for iri in self.named]}


def select_variables(sparql: str, variables: list[str]) -> list[str]:
    """The result ``variables`` of a SELECT in the order the query gives them: for ``SELECT *``
    (which Oxigraph lists sorted), the order they first appear in the query.

    >>> select_variables("SELECT * { ?s ?p ?o }", ["o", "p", "s"])
    ['s', 'p', 'o']
    """
    order = select_star_order(sparql)
    if not order:
        return variables
    first = {name: position for position, name in enumerate(order)}
    return sorted(variables, key=lambda name: first.get(name, len(first)))


def screen_request(sparql: str) -> Reply | None:
    """A 4xx reply for what can be refused from the text alone, before any worker sees it: an
    update (403), a query nesting deeper than :data:`MAX_NESTING` (400); else None."""
    depth = nesting(sparql)
    if depth > MAX_NESTING:
        return Reply.text(400, f"the query nests too deeply for this endpoint: {depth:,} levels, over its limit of "
                               f"{MAX_NESTING:,} (groups, parentheses and brackets inside each other, and UNION, "
                               f"OPTIONAL, MINUS, BIND, FILTER or operators in a row, each count one).")
    form = query_form(sparql)
    if form in UPDATE_KEYWORDS:
        return Reply.text(403, f"{READ_ONLY} (the request starts with {form}).")
    return None


def check_request(sparql: str) -> Reply | None:
    """A 4xx reply for what this endpoint refuses before running anything, else None: what
    :func:`screen_request` refuses, and ``SERVICE`` (federated query), found in the parsed query
    (:func:`kg.query.service_calls`)."""
    refused = screen_request(sparql)
    if refused is not None:
        return refused
    try:
        calls = service_calls(sparql)
    except ValueError as error:
        return Reply.text(400, f"{error}; a query that cannot be parsed cannot be shown to make no outgoing request.")
    if calls:
        return Reply.text(400, f"SERVICE {calls[0]} (federated query) is not allowed: this endpoint makes no "
                               "outgoing requests.")
    return None


def _length(term) -> int:
    """The characters of a term's IRI, lexical form or id (an unbound variable: 0): at least
    what writing it costs."""
    if term is None:
        return 0
    value = getattr(term, "value", None)
    return len(value) if isinstance(value, str) else len(str(term))


def _too_large(max_bytes: int) -> Reply:
    return Reply.text(422, f"the result is over {max_bytes:,} bytes, the cap of this endpoint: add a LIMIT, select "
                           f"fewer or shorter values, or start kg serve with a larger --max-bytes.")


def execute(store, sparql: str, accept: str | None = None, fmt: str | Sequence[str] | None = None,
            max_rows: int = DEFAULT_MAX_ROWS, base_iri: str | None = None, dataset: Dataset | None = None,
            max_bytes: int = DEFAULT_MAX_BYTES) -> Reply:
    """Run ``sparql`` on an Oxigraph ``store`` and serialize the result as negotiated.

    At most ``max_rows`` solutions (or triples) are read: one more gets 422. The reply's body is
    at most ``max_bytes``: reading stops as soon as the values read are longer than that (each
    costs at least its length to write), and the body written is checked again; past it, 422.
    The project prefixes (``kg:``, ``kgr:``, ``rdfs:``, ...) are predeclared, as in ``kg query``.
    Relative IRIs resolve against ``base_iri``; a ``dataset`` replaces the query's FROM and FROM NAMED.
    """
    refused = check_request(sparql)
    if refused is not None:
        return refused
    try:
        options = dataset.arguments() if dataset else {}
        result = store.query(sparql, prefixes=SPARQL_PREFIXES, base_iri=base_iri, **options)
        kind = "graph" if isinstance(result, ox.QueryTriples) else "results"
        media = negotiate(accept, kind, fmt)
        if media is None:
            return not_acceptable(kind)
        if isinstance(result, ox.QueryBoolean):
            return Reply(200, content_type(media), boolean_body(media, bool(result)))
        items = []
        size = 0
        for item in result:
            if len(items) == max_rows:
                noun = "triples" if kind == "graph" else "rows"
                return Reply.text(422, f"the result has more than {max_rows:,} {noun}, the cap of this endpoint: "
                                       f"add a LIMIT to the query, or start kg serve with a larger --max-rows.")
            item = item if kind == "graph" else tuple(item)
            size += sum(map(_length, (item.subject, item.predicate, item.object) if kind == "graph" else item))
            if size > max_bytes:
                return _too_large(max_bytes)
            items.append(item)
    except SyntaxError as error:
        return Reply.text(400, f"malformed query: {error}")
    except (RuntimeError, OSError, ValueError) as error:
        return Reply.text(400, f"query failed: {error}")
    if kind == "graph":
        body = graph_body(media, items)
    else:
        variables = [v.value for v in result.variables]
        order = select_variables(sparql, variables)
        if order != variables:
            positions = [variables.index(name) for name in order]
            items = [tuple(row[i] for i in positions) for row in items]
        body = solutions_body(media, order, items)
    if len(body) > max_bytes:
        return _too_large(max_bytes)
    return Reply(200, content_type(media), body, {"X-Result-Count": str(len(items))})
