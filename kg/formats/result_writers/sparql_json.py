"""SPARQL 1.1 Query Results JSON Format (``application/sparql-results+json``), compact.

>>> import pyoxigraph as ox
>>> print(write_solutions(["x"], [(ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),), (None,)]), end="")
{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}, {}]}}
>>> print(write_boolean(True), end="")
{"head": {}, "boolean": true}
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from kg.formats.result_writers.terms import XSD_STRING, Row, Term

__all__ = ["write_solutions", "write_boolean"]


def _term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def write_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    """A ``head`` naming the variables, a binding object per row (unbound variables left out)."""
    bindings = [{v: _term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False) + "\n"


def write_boolean(value: bool) -> str:
    return json.dumps({"head": {}, "boolean": value}) + "\n"
