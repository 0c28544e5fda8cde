"""N-Triples: one triple a line, every IRI in full.

>>> from rdflib import Literal, URIRef
>>> writer = NTriplesWriter()
>>> print(writer.group(URIRef("https://example.org/a"), [(URIRef("https://example.org/p"), [Literal("x")])]), end="")
<https://example.org/a> <https://example.org/p> "x" .
"""
from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.formats.rdf_writers.base import GroupWriter, Run, iriref, quoted

__all__ = ["NTriplesWriter"]


class NTriplesWriter(GroupWriter):
    """N-Triples: one triple a line, every IRI in full."""

    def __init__(self) -> None:
        self._iris: dict[str, str] = {}  # IRIs recur (predicates, documents, entities): written once

    def iri(self, iri: Node) -> str:
        key = str(iri)
        text = self._iris.get(key)
        if text is None:
            text = self._iris[key] = self.iri_text(key)
        return text

    def iri_text(self, iri: str) -> str:
        """How an IRI is written (uncached): here in full; a subclass may abbreviate it."""
        return iriref(iri)

    def node(self, node: Node) -> str:
        if type(node) is URIRef or isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, BNode):
            return f"_:{node}"
        return self.literal(node)

    def subject(self, node: Node) -> str:
        """A subject is written once: not cached (an assertion IRI never recurs)."""
        if type(node) is URIRef or isinstance(node, URIRef):
            return self.iri_text(str(node))
        return self.node(node)

    def literal(self, literal: Literal) -> str:
        text = quoted(str(literal))
        if literal.language:
            return f"{text}@{literal.language}"
        if literal.datatype is None:
            return text
        return f"{text}^^{self.iri(literal.datatype)}"

    def group(self, subject: Node, runs: list[Run]) -> str:
        s = self.subject(subject)
        lines = []
        for predicate, objects in runs:
            sp = f"{s} {self.iri(predicate)} "
            lines.extend(f"{sp}{self.node(o)} .\n" for o in objects)
        return "".join(lines)
