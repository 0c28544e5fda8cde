"""What the results writers share: the terms they read and their plain text.

>>> import pyoxigraph as ox
>>> [plain_text(t) for t in (ox.NamedNode("https://example.org/a"), ox.BlankNode("b0"), ox.Literal("7"), None)]
['https://example.org/a', '_:b0', '7', '']
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Union

import pyoxigraph as ox

__all__ = ["Term", "Row", "XSD_STRING", "plain_text"]

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
Row = Sequence[Union[Term, None]]
"""One solution: a term, or None when unbound, per variable."""

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"  # a plain literal's datatype: not written


def plain_text(term: Term | None) -> str:
    """An IRI or lexical form as it is, ``_:id`` for a blank node, an RDF-star triple in
    N-Triples; ``""`` when unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)
