"""The one table of SPARQL results formats, for ``kg query --format`` and ``kg serve``'s SELECT
and ASK answers: name, media type, writer (a module of :mod:`kg.formats.result_writers`).

=======  ====================================  ================================================
name     media type                            what
=======  ====================================  ================================================
table    (none: for people, not served)        aligned text, IRIs shortened, then the row count
json     application/sparql-results+json       SPARQL 1.1 Query Results JSON
xml      application/sparql-results+xml        SPARQL Query Results XML
csv      text/csv                              SPARQL 1.1 CSV: plain values, CRLF line ends
tsv      text/tab-separated-values             SPARQL 1.1 TSV: terms in N-Triples form
=======  ====================================  ================================================

A format is found by its name or by a media type it answers to (as rdflib's plug-ins are):

>>> result_format("csv") is result_format("text/csv")
True
>>> result_format("json").write_boolean(True)
'{"head": {}, "boolean": true}\\n'
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from kg.formats.registry import Registry
from kg.formats.result_writers import sparql_csv, sparql_json, sparql_tsv, sparql_xml, text_table
from kg.formats.result_writers.terms import Row

__all__ = ["ResultWriter", "ResultFormat", "RESULT_FORMATS", "result_format"]


class ResultWriter(Protocol):
    """What a results writer module provides (see :mod:`kg.formats.result_writers`)."""

    def write_solutions(self, variables: Sequence[str], rows: Iterable[Row]) -> str: ...

    def write_boolean(self, value: bool) -> str: ...


@dataclass(frozen=True)
class ResultFormat:
    """A SPARQL results format: its name, its media type (None: not served over HTTP), the
    writer, and the other names and media types clients use for it."""

    name: str
    media_type: str | None
    writer: ResultWriter
    aliases: tuple[str, ...] = ()
    media_aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def media_types(self) -> tuple[str, ...]:
        return ((self.media_type,) if self.media_type else ()) + self.media_aliases

    def write_solutions(self, variables: Sequence[str], rows: Iterable[Row]) -> str:
        """The solutions of a SELECT: ``rows`` of Oxigraph terms (None when unbound), one per variable."""
        return self.writer.write_solutions(variables, rows)

    def write_boolean(self, value: bool) -> str:
        """The answer of an ASK."""
        return self.writer.write_boolean(value)


RESULT_FORMATS: Registry[ResultFormat] = Registry("result", (
    ResultFormat("table", None, text_table),
    ResultFormat("json", "application/sparql-results+json", sparql_json,
                 media_aliases=("application/json", "text/javascript", "application/javascript")),
    ResultFormat("xml", "application/sparql-results+xml", sparql_xml, media_aliases=("application/xml", "text/xml")),
    ResultFormat("csv", "text/csv", sparql_csv),
    ResultFormat("tsv", "text/tab-separated-values", sparql_tsv),
))
"""The SPARQL results formats by name, in the order ``kg serve`` prefers them (JSON first)."""


def result_format(name: str) -> ResultFormat:
    """The format with this name or media type (any case); ValueError naming the known ones."""
    return RESULT_FORMATS.lookup(name)
