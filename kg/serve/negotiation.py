"""Content negotiation: the media type a SELECT/ASK (``"results"``) or CONSTRUCT/DESCRIBE
(``"graph"``) result is answered in, from the ``Accept`` header or a ``format=``/``output=``
parameter. What can be asked for, and by which names and media types, is read from the two
registries: :data:`kg.formats.result_formats.RESULT_FORMATS` (every format with a media type)
and :data:`kg.formats.rdf_formats.RDF_FORMATS` (every graph format Oxigraph writes).
"""
from __future__ import annotations

from collections.abc import Sequence

from kg.formats.rdf_formats import RDF_FORMATS, RdfFormat
from kg.formats.result_formats import RESULT_FORMATS
from kg.serve.reply import Reply

__all__ = ["KINDS", "RESULT_TYPES", "FORMAT_NAMES", "DEFAULT_TYPES", "FORMAT_PARAMETERS", "negotiate",
           "not_acceptable"]

KINDS = ("results", "graph")

_RESULTS = [fmt for fmt in RESULT_FORMATS.values() if fmt.media_type]  # the table is for people only
_GRAPHS = [fmt for fmt in RDF_FORMATS.values() if fmt.oxigraph and not fmt.quads]  # a CONSTRUCT makes triples


def _answered(fmt: RdfFormat) -> str:
    """The media type a graph format asked for is answered in (N3 as Turtle: every Turtle document is N3)."""
    return RDF_FORMATS[fmt.written_as or fmt.name].media_type


RESULT_TYPES: dict[str, dict[str, str]] = {
    "results": {media: fmt.media_type for fmt in _RESULTS for media in fmt.media_types},
    "graph": {media: _answered(fmt) for fmt in _GRAPHS for media in fmt.media_types},
}
"""What a client may ask for in ``Accept``, for each kind of result: media type (or alias) -> the
type served, in the order of the registries (the first of a family answers ``text/*``)."""

FORMAT_NAMES: dict[str, dict[str, str]] = {
    "results": {name: fmt.media_type for fmt in _RESULTS for name in fmt.names},
    "graph": {name: _answered(fmt) for fmt in _GRAPHS for name in fmt.names},
}
"""``format=`` / ``output=`` -> media type, per kind (a media type is taken too)."""

DEFAULT_TYPES = {"results": RESULT_FORMATS["json"].media_type, "graph": RDF_FORMATS["turtle"].media_type}
FORMAT_PARAMETERS = ("format", "output")  # what SPARQL clients send besides Accept (SPARQLWrapper: both)


def _accepted(accept: str | None) -> list[str]:
    """The media ranges of an Accept header, best first (by q, then order); ``*/*`` when empty."""
    ranges = []
    for position, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((-q, position, media))
    return [media for _, _, media in sorted(ranges)] or ["*/*"]


def _named_format(kind: str, fmt: str | Sequence[str] | None) -> str | None:
    """The media type the first known value of ``fmt`` names for ``kind``; None if none is known."""
    for value in [fmt] if isinstance(fmt, str) else fmt or ():
        value = value.strip().lower()
        found = FORMAT_NAMES[kind].get(value) or RESULT_TYPES[kind].get(value.split(";")[0].strip())
        if found:
            return found
    return None


def negotiate(accept: str | None, kind: str, fmt: str | Sequence[str] | None = None) -> str | None:
    """The media type to answer a ``kind`` (``"results"`` or ``"graph"``) result in, or None.

    ``fmt`` (the values of ``format=`` and ``output=``) wins over the Accept header when it names
    a format of this kind; otherwise it is ignored.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "results")
    'application/sparql-results+xml'
    >>> negotiate("application/json", "graph"), negotiate(None, "graph"), negotiate("image/png", "results")
    ('application/ld+json', 'text/turtle', None)
    >>> negotiate("text/csv", "results", ["png"]), negotiate(None, "graph", ["rdf+xml", "application/rdf+xml"])
    ('text/csv', 'application/rdf+xml')
    """
    named = _named_format(kind, fmt)
    if named:
        return named
    served = RESULT_TYPES[kind]
    for media in _accepted(accept):
        if media in served:
            return served[media]
        if media == "*/*":
            return DEFAULT_TYPES[kind]
        if media.endswith("/*"):
            family = media[:-1]
            default = DEFAULT_TYPES[kind]
            if default.startswith(family):
                return default
            found = next((target for target in served.values() if target.startswith(family)), None)
            if found:
                return found
    return None


def not_acceptable(kind: str) -> Reply:
    """406, naming the media types offered for ``kind``."""
    what = "SELECT and ASK results" if kind == "results" else "CONSTRUCT and DESCRIBE results"
    offered = ", ".join(sorted(set(RESULT_TYPES[kind].values())))
    return Reply.text(406, f"none of the Accept types can be served for {what}; offered: {offered}")


