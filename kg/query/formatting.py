"""A query result as text, in a format of :data:`kg.formats.result_formats.RESULT_FORMATS`: the
writers ``kg serve`` answers with, so ``kg query --format csv`` and the endpoint's ``text/csv``
are the same bytes.

>>> from rdflib import Literal
>>> print(format_result(QueryResult(["a", "b"], [("1", None)], terms=[(Literal(1), None)]), "table"), end="")
a  b
-  -
1
1 row
"""
from __future__ import annotations

from kg.formats.result_formats import RESULT_FORMATS, result_format
from kg.query.running import QueryResult
from kg.query.terms import TermConverter

__all__ = ["RESULT_FORMATS", "format_result"]


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """``result`` as text in format ``fmt`` (a name or media type: ``table``, ``json``, ``xml``,
    ``csv``, ``tsv``); ValueError naming the formats for another."""
    writer = result_format(fmt)
    if result.kind == "ask":
        return writer.write_boolean(bool(result.boolean))
    if result.solutions is not None:
        return writer.write_solutions(result.variables, result.solutions)
    terms = TermConverter()
    return writer.write_solutions(result.variables, [tuple(terms.to_ox(t) for t in row) for row in result.terms])
