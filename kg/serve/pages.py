"""The pages of ``kg serve``: the query page (its editor preloaded with the example queries of
``ontology/queries``) and the index shown when there is no viewer.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping

from kg.query import bind_values, list_queries, query_parameters, variable_parts

__all__ = ["EXAMPLE_PICKS", "example_queries", "query_page", "index_page"]


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

