"""RDF terms between rdflib and Oxigraph: graphs and results repeat the same IRIs and labels
many times, so a :class:`TermConverter` converts each term once.

>>> from rdflib import Literal
>>> converter = TermConverter()
>>> converter.to_ox(Literal(7))
<Literal value=7 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
>>> converter.to_rdflib(converter.to_ox(Literal("Iran", lang="en")))
rdflib.term.Literal('Iran', lang='en')
"""
from __future__ import annotations

import re
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg import namespaces as ns  # ns.XSD: a module-level XSD makes pytest's doctest collector warn

__all__ = ["TermConverter", "ox_term", "rdflib_term"]

_XSD_STRING = str(ns.XSD.string)


class TermConverter:
    """Converts RDF terms between rdflib and pyoxigraph, remembering each term it has seen;
    None (an unbound variable) stays None."""

    def __init__(self) -> None:
        self._to_ox: dict[Node, object] = {}
        self._to_rdflib: dict[object, Node] = {}

    def to_ox(self, term: Node | None):
        return _converted(self._to_ox, term, ox_term)

    def to_rdflib(self, term) -> Node | None:
        return _converted(self._to_rdflib, term, rdflib_term)


def _converted(seen: dict, term, convert: Callable):
    """``convert(term)``, made once per term (``seen`` holds them); None stays None."""
    if term is None:
        return None
    found = seen.get(term)
    if found is None:
        found = seen[term] = convert(term)
    return found


def ox_term(term: Node):
    """An rdflib term as a pyoxigraph term; ValueError for what Oxigraph cannot hold."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term)) if re.fullmatch(r"[A-Za-z0-9_]+", str(term)) else ox.BlankNode()
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"cannot use {term!r} as an RDF term")


def rdflib_term(term) -> Node:
    """A pyoxigraph term as an rdflib term, keeping the lexical form of literals."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    return Literal(str(term))  # an RDF-star triple term: its N-Triples form
