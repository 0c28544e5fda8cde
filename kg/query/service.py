"""The SERVICE calls of a SPARQL query (federated query: the engine sends part of the query to
another endpoint and waits for its answer), found in the tree rdflib's SPARQL parser makes of the
query, never by looking for the word.

The tree is made only of a text that holds the letters "service" somewhere (any case, its ``\\u``
escapes expanded too): no other text can call a service, and the parse costs about 0.1 s for
each 3 KB of query. The text is parsed as Oxigraph reads it: a carriage return ends a comment
(rdflib alone reads on to the next line feed) and ``\\u`` escapes are left as written (Oxigraph
expands none outside strings and IRIs).

>>> service_calls('SELECT * WHERE { #x\\r SERVICE <http://127.0.0.1:9/sparql> { ?x ?p ?o } }')
['http://127.0.0.1:9/sparql']
>>> service_calls('SELECT * { ?s ?p "customer service" # no SERVICE <x> {}\\n}'), service_calls("ASK {}")
([], [])
"""
from __future__ import annotations

from rdflib.plugins.sparql.parser import Query, expandUnicodeEscapes
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

__all__ = ["mentions_service", "service_calls"]

_SERVICE_NODE = "ServiceGraphPattern"  # rdflib's name of ``SERVICE [SILENT] iri { ... }``


def mentions_service(sparql: str) -> bool:
    """True when the letters "service" are anywhere in ``sparql`` (any case, ``\\u`` escapes expanded).

    >>> mentions_service("ASK { ?s ?p ?o }"), mentions_service("ASK { \\\\u0053ervice <x> {} }")
    (False, True)
    """
    if "service" in sparql.lower():
        return True
    try:
        return "service" in expandUnicodeEscapes(sparql).lower()
    except ValueError:  # an escape naming no character: the query is malformed anyway
        return False


def service_calls(sparql: str) -> list[str]:
    """The services ``sparql`` calls, in order: an IRI, or ``?name`` for a service named by a
    variable. ValueError when a text that mentions "service" does not parse (it cannot be told
    that it calls none)."""
    if not mentions_service(sparql):
        return []
    try:
        tree = Query.parse_string(sparql.replace("\r", "\n"), parse_all=True)
    except Exception as error:  # pyparsing's ParseException, RecursionError on deep nesting
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(f"the query mentions SERVICE and does not parse as SPARQL 1.1: {reason}") from None
    calls = []
    stack = [tree]
    while stack:  # depth first, in the order of the text; no recursion: the tree may be deep
        node = stack.pop()
        if isinstance(node, str):  # a term (rdflib's terms are strings) or a keyword
            continue
        if isinstance(node, CompValue) and node.name == _SERVICE_NODE:
            term = node.get("term")
            calls.append(f"?{term}" if isinstance(term, Variable) else str(term))
        if isinstance(node, CompValue):  # a rule's result: its parts by name
            stack.extend(reversed(list(node.values())))
        elif _iterable(node):  # a list of results (pyparsing's ParseResults: by position)
            stack.extend(reversed(list(node)))
    return calls


def _iterable(node) -> bool:
    try:
        iter(node)
    except TypeError:
        return False
    return True
