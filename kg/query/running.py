"""Running a SPARQL query on Oxigraph (the default) or rdflib, with the project prefixes
predeclared and values bound as data.

>>> from rdflib import Graph, Literal
>>> from kg.namespaces import KGR, RDFS
>>> g = Graph(); _ = g.add((KGR["country/iran"], RDFS.label, Literal("Iran")))
>>> run_query(g, "SELECT ?x WHERE { ?x rdfs:label ?name }", {"name": "Iran"}).rows
[('https://w3id.org/kg/resource/country/iran',)]
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Identifier, Node

from kg.namespaces import PREFIXES, bind_prefixes
from kg.query.loading import to_store
from kg.query.sparql import bind_values, binding_term, check_bindings, sparql_terms, values_block
from kg.query.terms import TermConverter

__all__ = ["QueryResult", "ENGINES", "DEFAULT_ENGINE", "SPARQL_PREFIXES", "run_query"]

SPARQL_PREFIXES: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
"""The project prefixes (``kg``, ``kgr``, ``rdfs``, ...) -> namespace IRI, as Oxigraph's
``Store.query(prefixes=...)`` takes them: every query may use them undeclared."""


@dataclass
class QueryResult:
    """The result of a query.

    SELECT: ``variables`` and ``rows`` (strings, ``None`` when unbound). ASK: ``boolean``.
    CONSTRUCT/DESCRIBE: ``graph``, and its triples as rows of ``subject, predicate, object``.
    ``terms`` holds the rdflib terms behind ``rows``: what :func:`kg.query.format_result` writes.
    ``solutions`` holds the same terms as Oxigraph gave them, when Oxigraph ran a SELECT: the
    results writers read those, with no term converted twice.
    """

    variables: list[str] = field(default_factory=list)
    rows: list[tuple[str | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    terms: list[tuple[Node | None, ...]] = field(default_factory=list, repr=False)
    solutions: list[tuple] | None = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        """``"ask"``, ``"graph"`` or ``"select"``."""
        if self.boolean is not None:
            return "ask"
        return "graph" if self.graph is not None else "select"


def _text(term: Node | None) -> str | None:
    """The string form of a result term: IRI or lexical form, ``_:id`` for a blank node."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return term.n3()
    return str(term)



def _select_result(result) -> QueryResult:
    """A SELECT result: variable names, string rows and the terms behind them."""
    variables = [str(v) for v in result.vars or []]
    terms = [tuple(row) for row in result]
    rows = [tuple(_text(t) for t in row) for row in terms]
    return QueryResult(variables=variables, rows=rows, terms=terms)


def _graph_result(result) -> QueryResult:
    """A CONSTRUCT/DESCRIBE result: the graph, and its triples sorted as rows."""
    graph = bind_prefixes(Graph())
    for triple in result:
        graph.add(triple)
    terms = sorted(graph, key=lambda t: tuple(term.n3() for term in t))
    rows = [tuple(_text(t) for t in triple) for triple in terms]
    return QueryResult(variables=["subject", "predicate", "object"], rows=rows, graph=graph, terms=terms)


ENGINES = ("oxigraph", "rdflib")
"""The SPARQL engines :func:`run_query` can use."""

DEFAULT_ENGINE = "oxigraph"
"""Chosen by the figures of ``bench/sparql.py`` (1 M triples, ``bench/README.md``): Oxigraph's
in-memory store answers every example query in 2-86 ms (median), its on-disk store in 2-380 ms,
rdflib in 0.3-15 s or not within 20 s."""




def _ox_query(store: ox.Store, sparql: str, bindings: Mapping[str, object]):
    """Oxigraph's result for ``sparql`` with ``bindings`` (SyntaxError for a malformed query).

    A bound variable is replaced by its value (:func:`bind_values`), which Oxigraph's optimizer
    plans best (on a million triples an earlier ``actor.rq`` took about a second this way and ten
    times as long with a VALUES block), and which reaches the variable inside sub-selects, as the
    examples of ``ontology/queries`` need. Where a constant cannot stand (a projected ``SELECT ?name``,
    ``BOUND(?name)``, ``AS ?name``) Oxigraph's ``substitutions`` are used, which need the variable
    in the SELECT clause, and else a ``VALUES`` block opening the WHERE clause.
    """
    if not bindings:
        return store.query(sparql, prefixes=SPARQL_PREFIXES)
    try:
        return store.query(bind_values(sparql, bindings), prefixes=SPARQL_PREFIXES)
    except SyntaxError:
        store.query(sparql, prefixes=SPARQL_PREFIXES)  # a malformed query: its own error, raised here
    terms = {ox.Variable(name): term for name, term in sparql_terms(sparql, bindings).items()}
    try:
        return store.query(sparql, prefixes=SPARQL_PREFIXES, substitutions=terms)
    except RuntimeError:
        return store.query(values_block(sparql, bindings), prefixes=SPARQL_PREFIXES)


def run_query(
    graph: Graph | ox.Store,
    sparql: str,
    bindings: Mapping[str, str | Identifier] | None = None,
    *,
    engine: str | None = None,
) -> QueryResult:
    """Run a SPARQL query with the project prefixes predeclared.

    ``graph`` is an rdflib ``Graph`` or an Oxigraph ``Store`` (:func:`load_store`, :func:`to_store`).
    ``engine`` is ``"oxigraph"`` (the default, :data:`DEFAULT_ENGINE`) or ``"rdflib"`` (needs a
    ``Graph``). ``bindings`` pre-bind variables (``{"name": "Turkey"}`` binds ``?name`` to the
    literal "Turkey"): through rdflib's ``initBindings``, or on Oxigraph by putting the value,
    serialized by Oxigraph, where the variable stands (:func:`bind_values`, ``_ox_query``):
    values are data, never SPARQL.
    Raises ValueError for a query that does not parse or a binding the query does not use.
    """
    engine = (engine or DEFAULT_ENGINE).lower()
    if engine not in ENGINES:
        raise ValueError(f"unknown SPARQL engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "rdflib":
        if not isinstance(graph, Graph):
            raise ValueError("the rdflib engine needs an rdflib Graph")
        return _run_rdflib(graph, sparql, bindings or {})
    store = graph if isinstance(graph, ox.Store) else to_store(graph)
    return _run_oxigraph(store, sparql, bindings or {})


def _run_rdflib(graph: Graph, sparql: str, bindings: Mapping[str, str | Identifier]) -> QueryResult:
    try:
        prepared = prepareQuery(sparql, initNs=dict(PREFIXES))
    except Exception as err:
        raise ValueError(f"invalid SPARQL: {err}") from err
    init = {name: binding_term(value) for name, value in check_bindings(sparql, bindings).items()}
    result = graph.query(prepared, initBindings=init)
    if result.type == "ASK":
        return QueryResult(boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return _graph_result(result)
    return _select_result(result)


def _run_oxigraph(store: ox.Store, sparql: str, bindings: Mapping[str, str | Identifier]) -> QueryResult:
    try:
        result = _ox_query(store, sparql, bindings)
    except SyntaxError as err:
        raise ValueError(f"invalid SPARQL: {err}") from err
    except (RuntimeError, OSError) as err:
        raise ValueError(f"query failed: {err}") from err
    terms = TermConverter()
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        triples = ((terms.to_rdflib(t.subject), terms.to_rdflib(t.predicate), terms.to_rdflib(t.object)) for t in result)
        return _graph_result(triples)
    variables = [variable.value for variable in result.variables]
    width = range(len(variables))
    solutions = [tuple(solution[i] for i in width) for solution in result]
    rows = [tuple(terms.to_rdflib(term) for term in solution) for solution in solutions]
    return QueryResult(
        variables=variables,
        rows=[tuple(_text(term) for term in row) for row in rows],
        terms=rows,
        solutions=solutions,
    )

