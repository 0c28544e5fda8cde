"""A ``KnowledgeGraph`` as RDF: IRIs, triples, deterministic serialization, SHACL validation.

Every node is an IRI (no blank nodes): entities ``kgr:<kind>/<id>``, documents
``kgr:document/<id>``, provenance nodes ``kgr:assertion/<hash>``, camps ``kgr:camp/<id>``. Each
relation is written twice: as the direct triple ``subject kg:backs object`` and, once per sentence
stating it, as a ``kg:Assertion`` node (see ``ontology/README.md``).

One module per part:

- :mod:`kg.rdf.iris`: the IRIs of nodes; :mod:`kg.rdf.terms`: terms made once, dates as literals;
- :mod:`kg.rdf.triples`: the triples of documents, entities, relations and assertions, and
  :func:`to_rdf` (an rdflib ``Graph``, for querying and validating);
- :mod:`kg.rdf.canonical`: :func:`canonical_groups` puts the subjects in order, then makes each
  subject's triples, sorted, when it is reached;
- :mod:`kg.rdf.serialization`: :func:`serialize`, and :func:`write_rdf`, which writes every
  format from that one pass, with the writers of :mod:`kg.formats.rdf_writers` (named in
  :data:`kg.formats.rdf_formats.RDF_FORMATS`): no rdflib ``Graph``, no file's whole text in memory;
- :mod:`kg.rdf.shacl`: :func:`validate` against the SHACL shapes.

>>> from kg.model import Entity, EntityKind
>>> str(entity_iri(Entity("turkey", EntityKind.COUNTRY, "Turkey")))
'https://w3id.org/kg/resource/country/turkey'
"""
from __future__ import annotations

from kg.rdf.canonical import Group, Run, canonical_groups
from kg.rdf.iris import assertion_iri, assertion_key, camp_iri, document_iri, entity_iri, kind_iri_segment
from kg.rdf.serialization import FORMATS, GRAPH_FILES, serialize, writable_format, write_graph, write_rdf
from kg.rdf.shacl import ontology_graph, shapes_graph, validate
from kg.rdf.terms import date_literal
from kg.rdf.triples import (Triple, UnknownEntityError, assertion_triples, camp_triples, document_triples,
                            entity_triples, kg_triples, relation_triples, to_rdf)

__all__ = [
    "entity_iri",
    "document_iri",
    "assertion_iri",
    "camp_iri",
    "assertion_key",
    "kind_iri_segment",
    "date_literal",
    "Triple",
    "document_triples",
    "entity_triples",
    "assertion_triples",
    "camp_triples",
    "relation_triples",
    "kg_triples",
    "UnknownEntityError",
    "to_rdf",
    "Run",
    "Group",
    "canonical_groups",
    "serialize",
    "write_rdf",
    "write_graph",
    "writable_format",
    "validate",
    "shapes_graph",
    "ontology_graph",
    "FORMATS",
    "GRAPH_FILES",
]
