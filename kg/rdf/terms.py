"""RDF terms made once, and kg's literals: namespace terms, ``xsd:integer`` offsets, dates at
the precision they are written with.

>>> KG_TERMS.backs is KG_TERMS.backs, integer_literal(7).n3()
(True, '"7"^^<http://www.w3.org/2001/XMLSchema#integer>')
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache

from rdflib import Literal, URIRef

from kg import namespaces as ns  # ns.XSD: a module-level XSD makes pytest's doctest collector warn

__all__ = ["CachedNamespace", "KG_TERMS", "RDF_TERMS", "RDFS_TERMS", "SKOS_TERMS", "SDO_TERMS", "XSD_TERMS",
           "integer_literal", "date_literal"]


class CachedNamespace:
    """A namespace whose terms are made once: rdflib makes and checks a new URIRef on every
    ``KG.x``, and a graph has a dozen terms in every node."""

    def __init__(self, namespace: object):
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:  # only on first use: then an instance attribute
        if name.startswith("_"):  # no term's name: what copy, pickle and pytest probe objects for
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._namespace[name]
        return term


KG_TERMS, RDF_TERMS, RDFS_TERMS, SKOS_TERMS, SDO_TERMS, XSD_TERMS = (
    CachedNamespace(namespace) for namespace in (ns.KG, ns.RDF, ns.RDFS, ns.SKOS, ns.SDO, ns.XSD))


@lru_cache(maxsize=1 << 12)
def integer_literal(value: int) -> Literal:
    """An ``xsd:integer`` literal; offsets repeat, and rdflib's Literal() is slow."""
    return Literal(value, datatype=XSD_TERMS.integer)


# The shapes of an ISO date at each precision and their XML Schema datatypes, finest first.
_DATE_SHAPES: tuple[tuple[re.Pattern[str], str, Callable[[str], object]], ...] = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "date", dt.date.fromisoformat),
    (re.compile(r"\d{4}-\d{2}"), "gYearMonth", lambda v: dt.date.fromisoformat(v + "-01")),
    (re.compile(r"\d{4}"), "gYear", lambda v: dt.date(int(v), 1, 1)),
)


def date_literal(value: str) -> Literal:
    """``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` for a valid ISO day, month or year (as
    ingest writes a date at its precision), else a plain string (a date kept as written).

    >>> [str(date_literal(v).datatype).split("#")[-1] for v in ("2020-02-17", "2020-02", "2020")]
    ['date', 'gYearMonth', 'gYear']
    >>> date_literal("2020-02-30").datatype is None, date_literal("sometime last spring").datatype is None
    (True, True)
    """
    for shape, datatype, check in _DATE_SHAPES:
        if shape.fullmatch(value):
            try:
                check(value)
            except ValueError:
                return Literal(value)
            # rdflib would turn a gYear/gYearMonth into a Python date and back: keep the lexical form
            return Literal(value, datatype=XSD_TERMS[datatype], normalize=False)
    return Literal(value)
