"""Load a graph file, run SPARQL on it, and format the results as a table, JSON, XML, CSV or TSV.

Queries run on Oxigraph (``pyoxigraph``, a SPARQL engine in Rust) by default: on a graph of a
million triples it answers each example query in 2-86 ms where rdflib's own evaluator takes
0.3 s to more than 20 s (``python bench/sparql.py``, figures in ``bench/README.md``). rdflib stays available
with ``engine="rdflib"``. An rdflib ``Graph`` passed to :func:`run_query` is copied into an
Oxigraph store for each call; to query one graph many times, load it once with
:func:`load_store` (from a file) or :func:`to_store` (from a ``Graph``) and pass the store.

One module per part: :mod:`kg.query.loading` (graph files, example queries),
:mod:`kg.query.sparql` (the text of a query: its form, keywords, nesting, parameters, values bound
where its variables stand), :mod:`kg.query.service` (the SERVICE calls of a query, from its
parse), :mod:`kg.query.running` (the engines), :mod:`kg.query.formatting` (the results formats of
:mod:`kg.formats.result_formats`), :mod:`kg.query.terms` (rdflib <-> Oxigraph).

>>> from rdflib import Graph, Literal
>>> from kg.namespaces import KGR, RDFS
>>> g = Graph(); _ = g.add((KGR["country/iran"], RDFS.label, Literal("Iran")))
>>> result = run_query(g, "SELECT ?x WHERE { ?x rdfs:label ?name }", {"name": "Iran"})
>>> result.rows
[('https://w3id.org/kg/resource/country/iran',)]
>>> format_result(result, "csv")
'x\\r\\nhttps://w3id.org/kg/resource/country/iran\\r\\n'
"""
from __future__ import annotations

from kg.query.formatting import RESULT_FORMATS, format_result
from kg.query.loading import graph_file_format, list_queries, load_graph, load_query, load_store, to_store
from kg.query.running import DEFAULT_ENGINE, ENGINES, SPARQL_PREFIXES, QueryResult, run_query
from kg.query.service import mentions_service, service_calls
from kg.query.sparql import (bind_values, nesting, query_form, query_parameters, select_star_order, sparql_keywords,
                             variable_parts)

__all__ = [
    "QueryResult",
    "load_graph",
    "graph_file_format",
    "run_query",
    "format_result",
    "load_query",
    "list_queries",
    "RESULT_FORMATS",
    "ENGINES",
    "DEFAULT_ENGINE",
    "SPARQL_PREFIXES",
    "load_store",
    "to_store",
    "bind_values",
    "query_parameters",
    "variable_parts",
    "query_form",
    "select_star_order",
    "sparql_keywords",
    "nesting",
    "mentions_service",
    "service_calls",
]
