"""An aligned text table for people (``kg query``'s default): IRIs shortened with the project
prefixes, whitespace in values collapsed, cells cut at 100 terminal cells, then the row count.

>>> import pyoxigraph as ox
>>> print(write_solutions(["a", "b"], [(ox.NamedNode("https://w3id.org/kg/resource/country/iran"), None)]), end="")
a                 b
----------------  -
kgr:country/iran
1 row
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rich.cells import cell_len

from kg.formats.result_writers.terms import Row, Term, plain_text
from kg.namespaces import PREFIXES

__all__ = ["write_solutions", "write_boolean"]

CELL_MAX = 100

# Longest namespace first: an IRI takes the most specific prefix.
_NAMESPACES = sorted(((str(namespace), prefix) for prefix, namespace in PREFIXES.items()), key=lambda item: -len(item[0]))


def _compact(term: Term | None) -> str:
    """A short display form: prefixed IRIs (``kgr:country/turkey``), lexical form of literals."""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for namespace, prefix in _NAMESPACES:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
    return " ".join(plain_text(term).split())


def _clip(text: str, width: int = CELL_MAX) -> str:
    """``text`` cut to ``width`` terminal cells, with an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal cells."""
    return text + " " * (width - cell_len(text))


def write_solutions(variables: Sequence[str], rows: Iterable[Row]) -> str:
    header = list(variables)
    body = [[_clip(_compact(term)) for term in row] for row in rows]
    widths = [max([cell_len(h)] + [cell_len(row[i]) for row in body]) for i, h in enumerate(header)]
    lines = [header, ["-" * w for w in widths], *body]
    text = "".join("  ".join(_pad(cell, w) for cell, w in zip(line, widths)).rstrip() + "\n" for line in lines)
    count = len(body)
    return text + f"{count} row{'' if count == 1 else 's'}\n"


def write_boolean(value: bool) -> str:
    return ("true" if value else "false") + "\n"
