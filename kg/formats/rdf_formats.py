"""The one table of RDF formats: name, media type, extension, writer.

=======  ======================  =========  =====================================================
name     media type              extension  written by
=======  ======================  =========  =====================================================
turtle   text/turtle             .ttl       kg (graph.ttl, ``kg export``), Oxigraph (``kg serve``)
nt       application/n-triples   .nt        kg, Oxigraph (``kg export``, ``kg serve``)
json-ld  application/ld+json     .jsonld    kg (graph.jsonld, ``kg export``), Oxigraph (``kg serve``)
xml      application/rdf+xml     .rdf       Oxigraph (``kg serve``)
n3       text/n3                 .n3        answered as Turtle (every Turtle document is N3)
nquads   application/n-quads     .nq        Oxigraph (``kg export``)
trig     application/trig        .trig      (read only)
trix     application/trix        .trix      (read only, by rdflib)
=======  ======================  =========  =====================================================

A format's name is rdflib's (what :func:`rdflib.util.guess_format` says of a file); it is also
found by its other names and by the media types clients send for it (as rdflib's plug-ins are):

>>> rdf_format("ttl") is rdf_format("text/turtle") is RDF_FORMATS["turtle"]
True
>>> rdf_format("jsonld").extension, rdf_format("application/n-triples").name
('.jsonld', 'nt')
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kg.formats.rdf_writers.base import GroupWriter
from kg.formats.rdf_writers.jsonld import JsonLdWriter
from kg.formats.rdf_writers.ntriples import NTriplesWriter
from kg.formats.rdf_writers.turtle import TurtleWriter
from kg.formats.registry import Registry

__all__ = ["RdfFormat", "RDF_FORMATS", "rdf_format"]


@dataclass(frozen=True)
class RdfFormat:
    """An RDF format.

    ``writer`` makes kg's own deterministic writer of it (None when kg does not write it itself);
    ``oxigraph`` names the ``pyoxigraph.RdfFormat`` that reads and writes it (None: Oxigraph
    cannot); ``quads`` is true for dataset formats (named graphs); ``written_as`` names the
    format written when this one is asked for. ``aliases`` and ``media_aliases`` are the other
    names and media types it is asked for by.
    """

    name: str
    media_type: str
    extension: str
    writer: Callable[[], GroupWriter] | None = None
    aliases: tuple[str, ...] = ()
    media_aliases: tuple[str, ...] = ()
    oxigraph: str | None = None
    quads: bool = False
    written_as: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.media_aliases)

    @property
    def ox_format(self):
        """The ``pyoxigraph.RdfFormat`` of this format; ValueError when Oxigraph has none."""
        if self.oxigraph is None:
            raise ValueError(f"Oxigraph does not read or write {self.name}")
        import pyoxigraph as ox

        return getattr(ox.RdfFormat, self.oxigraph)


RDF_FORMATS: Registry[RdfFormat] = Registry("RDF", (
    RdfFormat("turtle", "text/turtle", ".ttl", TurtleWriter, aliases=("ttl",),
              media_aliases=("application/turtle", "application/x-turtle"), oxigraph="TURTLE"),
    RdfFormat("nt", "application/n-triples", ".nt", NTriplesWriter, aliases=("ntriples",),
              media_aliases=("text/plain",), oxigraph="N_TRIPLES"),
    RdfFormat("json-ld", "application/ld+json", ".jsonld", JsonLdWriter, aliases=("jsonld", "json"),
              media_aliases=("application/x-json+ld", "application/json"), oxigraph="JSON_LD"),
    RdfFormat("xml", "application/rdf+xml", ".rdf", aliases=("rdfxml", "rdf", "rdf+xml"),
              media_aliases=("application/xml", "text/xml"), oxigraph="RDF_XML"),
    RdfFormat("n3", "text/n3", ".n3", media_aliases=("application/n3", "text/rdf+n3"), oxigraph="N3",
              written_as="turtle"),
    RdfFormat("nquads", "application/n-quads", ".nq", aliases=("nq",), oxigraph="N_QUADS", quads=True),
    RdfFormat("trig", "application/trig", ".trig", oxigraph="TRIG", quads=True),
    RdfFormat("trix", "application/trix", ".trix", quads=True),
))
"""The RDF formats by name, in the order ``kg serve`` offers them (after Turtle, its default)."""


def rdf_format(name: str) -> RdfFormat:
    """The format with this name or media type (any case); ValueError naming the known ones."""
    return RDF_FORMATS.lookup(name)
