"""What kg's RDF writers share: the groups they write, the writer interface, the lexical forms of terms.

>>> split_iri("https://w3id.org/kg/ontology#backs")
('https://w3id.org/kg/ontology#', 'backs')
>>> print(quoted('say "hi"'), iriref("https://example.org/a b"))
"say \\"hi\\"" <https://example.org/a\\u0020b>
"""
from __future__ import annotations

import re

from rdflib.term import Node

from kg import namespaces as ns  # ns.XSD: a module-level XSD makes pytest's doctest collector warn

__all__ = ["Run", "Group", "GroupWriter", "RDF_TYPE", "XSD_INTEGER", "XSD_BOOLEAN", "CANONICAL_INTEGER",
           "PREFIX_OF_NAMESPACE", "quoted", "iriref", "split_iri"]

Run = tuple[Node, list[Node]]
"""A predicate and its objects."""

Group = tuple[Node, list[Run]]
"""A subject and its runs: ``rdf:type`` first, then predicates in IRI order, each with its
distinct objects sorted."""

RDF_TYPE = str(ns.RDF.type)
XSD_INTEGER, XSD_BOOLEAN = str(ns.XSD.integer), str(ns.XSD.boolean)

# Only canonical integers are written as bare numbers: a parser gives back the same lexical form.
CANONICAL_INTEGER = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")

PREFIX_OF_NAMESPACE = {str(namespace): prefix for prefix, namespace in ns.PREFIXES.items()}
"""Namespace IRI -> its project prefix (``kg``, ``kgr``, ``rdfs``, ...)."""

# Escapes inside quoted strings (Turtle, N-Triples). Control characters become \u escapes
# (valid raw, but a NUL or a form feed makes the file look binary to grep, diff and editors).
_STRING_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
_STRING_ESCAPES.update({c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F) if c not in _STRING_ESCAPES})

# Characters an IRIREF cannot hold raw (kg's IRIs are percent-encoded and never have them).
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def quoted(text: str) -> str:
    """``text`` as a quoted Turtle/N-Triples string."""
    return '"' + text.translate(_STRING_ESCAPES) + '"'


def iriref(iri: str) -> str:
    """``iri`` as an IRIREF, ``<...>``."""
    return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04X}", iri) + ">"


def split_iri(iri: str) -> tuple[str, str]:
    """(namespace, local name), cut after the last ``#``, else ``/``, else ``:`` (as rdflib's JSON-LD does)."""
    for delimiter in "#/:":
        at = iri.rfind(delimiter)
        if at > -1:
            return iri[: at + 1], iri[at + 1:]
    return iri, ""


class GroupWriter:
    """Text of one RDF format, written a group at a time: ``begin``, ``group`` per subject, ``end``.

    Caches are keyed by plain strings (``str(term)``): rdflib's ``__eq__`` is Python code.
    """

    def begin(self) -> str:
        return ""

    def group(self, subject: Node, runs: list[Run]) -> str:
        raise NotImplementedError

    def end(self) -> str:
        return ""
