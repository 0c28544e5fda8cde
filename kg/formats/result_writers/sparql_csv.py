"""SPARQL 1.1 Query Results CSV Format (``text/csv``): a header of variable names, then each
row's values as plain text (IRIs and lexical forms, ``""`` when unbound); lines end with CRLF,
as the format (RFC 4180) says.

>>> import pyoxigraph as ox
>>> write_solutions(["x", "y"], [(ox.Literal("a, b"), None)])
'x,y\\r\\n"a, b",\\r\\n'
>>> write_boolean(False)
'false\\r\\n'
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from kg.formats.result_writers.terms import Row, plain_text

__all__ = ["write_solutions", "write_boolean"]

LINE_END = "\r\n"


def write_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=LINE_END)
    writer.writerow(variables)
    writer.writerows([plain_text(t) for t in row] for row in rows)
    return out.getvalue()


def write_boolean(value: bool) -> str:
    """The answer of an ASK (which the format leaves out) as one line: ``true`` or ``false``."""
    return ("true" if value else "false") + LINE_END
