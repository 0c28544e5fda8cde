"""SPARQL 1.1 Query Results TSV Format (``text/tab-separated-values``): ``?``-prefixed variable
names, then each row's terms in their N-Triples form, tab-separated (empty when unbound).

>>> import pyoxigraph as ox
>>> write_solutions(["x", "y"], [(ox.NamedNode("https://example.org/a"), ox.Literal("b"))])
'?x\\t?y\\n<https://example.org/a>\\t"b"\\n'
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.formats.result_writers.terms import Row

__all__ = ["write_solutions", "write_boolean"]


def write_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]  # Oxigraph's str: N-Triples
    return "\n".join(lines) + "\n"


def write_boolean(value: bool) -> str:
    """The answer of an ASK (which the format leaves out) as one line: ``true`` or ``false``."""
    return ("true" if value else "false") + "\n"
