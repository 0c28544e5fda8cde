"""A result as the body of a reply, in the media type negotiated: SELECT and ASK by the writers
of :data:`kg.formats.result_formats.RESULT_FORMATS` (the same as ``kg query --format``), a
CONSTRUCT/DESCRIBE graph by Oxigraph in the format of :data:`kg.formats.rdf_formats.RDF_FORMATS`,
in RDF/XML with the characters XML cannot hold replaced first (:mod:`kg.formats.xml_text`).

>>> solutions_body("text/csv", ["x", "y"], [(ox.Literal("1"), None)])
b'x,y\\r\\n1,\\r\\n'
>>> content_type("text/csv")
'text/csv; charset=utf-8'
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from kg.formats.rdf_formats import rdf_format
from kg.formats.result_formats import result_format
from kg.formats.result_writers.terms import Row
from kg.formats.xml_text import NOT_XML, xml_chars
from kg.query import SPARQL_PREFIXES

__all__ = ["solutions_body", "boolean_body", "graph_body", "content_type"]


def solutions_body(media: str, variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    """The solutions of a SELECT (rows of Oxigraph terms) in the results format of ``media``."""
    return result_format(media).write_solutions(variables, rows).encode("utf-8")


def boolean_body(media: str, value: bool) -> bytes:
    """The answer of an ASK in the results format of ``media``."""
    return result_format(media).write_boolean(value).encode("utf-8")


def graph_body(media: str, triples: list) -> bytes:
    """Oxigraph triples in the RDF format of ``media``, with the project prefixes; N-Triples one
    triple a line, sorted, as kg writes it."""
    fmt = rdf_format(media)
    if fmt.name == "nt":
        return ox.serialize(sorted(triples, key=str), format=fmt.ox_format)
    if fmt.name == "xml":  # Oxigraph writes every character raw: those XML cannot hold, and CR
        triples = [_xml_safe(triple) for triple in triples]
        body = ox.serialize(triples, format=fmt.ox_format, prefixes=SPARQL_PREFIXES)
        return body.replace(b"\r", b"&#13;")  # only in text: Oxigraph's own line ends are LF
    return ox.serialize(triples, format=fmt.ox_format, prefixes=SPARQL_PREFIXES)


def _xml_safe(triple: ox.Triple) -> ox.Triple:
    """``triple`` with the characters XML 1.0 cannot hold replaced in its literal (IRIs and blank
    nodes never hold one).

    >>> _xml_safe(ox.Triple(ox.NamedNode("http://a"), ox.NamedNode("http://p"), ox.Literal("x\\x00", language="en"))).object
    <Literal value=x� language=en>
    """
    term = triple.object
    if not isinstance(term, ox.Literal) or not NOT_XML.search(term.value):
        return triple
    value = xml_chars(term.value)
    literal = (ox.Literal(value, language=term.language, direction=term.direction) if term.language
               else ox.Literal(value, datatype=term.datatype))
    return ox.Triple(triple.subject, triple.predicate, literal)


def content_type(media: str) -> str:
    """The Content-Type of a body in ``media``: every format served is text, in UTF-8."""
    return f"{media}; charset=utf-8"
