"""Turtle: the project prefixes, one block per subject (``a`` first, then predicates in IRI
order, objects sorted), canonical integers bare.

>>> from rdflib import Literal
>>> from kg.namespaces import KG, KGR, RDF, XSD
>>> writer = TurtleWriter()
>>> print(writer.group(KGR["assertion/0a1b"], [(RDF.type, [KG.Assertion]),
...                                            (KG.startOffset, [Literal("7", datatype=XSD.integer)])]), end="")
<BLANKLINE>
<https://w3id.org/kg/resource/assertion/0a1b> a kg:Assertion ;
    kg:startOffset 7 .
"""
from __future__ import annotations

import re

from rdflib import Literal
from rdflib.term import Node

from kg.formats.rdf_writers.base import (CANONICAL_INTEGER, PREFIX_OF_NAMESPACE, RDF_TYPE, XSD_INTEGER, Run, iriref,
                                         split_iri)
from kg.formats.rdf_writers.ntriples import NTriplesWriter
from kg.namespaces import PREFIXES

__all__ = ["TurtleWriter"]

# A safe subset of Turtle's local names (no dots, colons or escapes): others are written in full.
_PN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


class TurtleWriter(NTriplesWriter):
    """Turtle: the project prefixes, one block per subject (``a`` first, then predicates in IRI
    order, objects sorted), canonical integers bare."""

    def iri_text(self, iri: str) -> str:
        namespace, local = split_iri(iri)
        prefix = PREFIX_OF_NAMESPACE.get(namespace)
        if prefix and _PN_LOCAL.match(local):
            return f"{prefix}:{local}"
        return iriref(iri)

    def literal(self, literal: Literal) -> str:
        datatype = literal.datatype
        if datatype is not None and str(datatype) == XSD_INTEGER:
            lexical = str(literal)
            if CANONICAL_INTEGER.match(lexical):
                return lexical
        return super().literal(literal)

    def begin(self) -> str:
        return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(PREFIXES.items()))

    def group(self, subject: Node, runs: list[Run]) -> str:
        lines = []
        for predicate, objects in runs:
            verb = "a" if str(predicate) == RDF_TYPE else self.iri(predicate)
            lines.append(verb + " " + ",\n        ".join([self.node(o) for o in objects]))
        return "\n" + self.subject(subject) + " " + " ;\n    ".join(lines) + " .\n"
