"""A ``KnowledgeGraph`` as RDF: IRIs, triples, deterministic serialization, SHACL validation.

Every node is an IRI (no blank nodes): entities ``kgr:<kind>/<id>``, documents
``kgr:document/<id>``, provenance nodes ``kgr:assertion/<hash>``. Each relation is written
twice: as the direct triple ``subject kg:backs object`` and, once per sentence stating it, as a
``kg:Assertion`` node (see ``ontology/README.md``).

>>> from kg.model import Entity, EntityKind
>>> str(entity_iri(Entity("turkey", EntityKind.COUNTRY, "Turkey")))
'https://w3id.org/kg/resource/country/turkey'
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.atomic import write_atomic_all
from kg.model import Assertion, Document, Entity, EntityKind, KnowledgeGraph, Mode, RelationType
from kg.namespaces import KG, KGR, PREFIXES, RDF, RDFS, SDO, SKOS, XSD, bind_prefixes, ontology_dir

__all__ = [
    "entity_iri",
    "document_iri",
    "assertion_iri",
    "to_rdf",
    "serialize",
    "write_graph",
    "validate",
    "FORMATS",
    "GRAPH_FILES",
]

Triple = tuple[Node, Node, Node]


# --------------------------------------------------------------------------- IRIs


def _segment(identifier: str) -> str:
    """Percent-encode ``identifier`` as one IRI path segment (ASCII only, never ``.``/``..``).

    >>> _segment("al-Assad's \\"regime\\"/forces #1")
    'al-Assad%27s%20%22regime%22%2Fforces%20%231'
    >>> _segment("..")
    '%2E%2E'
    """
    if not identifier:
        raise ValueError("cannot mint an IRI from an empty identifier")
    encoded = quote(identifier, safe="")
    if set(encoded) == {"."}:
        encoded = encoded.replace(".", "%2E")
    return encoded


def kind_iri_segment(kind: EntityKind) -> str:
    """The path segment of a kind: ``EntityKind.ARMED_GROUP`` -> ``'armedgroup'``."""
    return kind.value.lower()


def entity_iri(entity: Entity) -> URIRef:
    """The IRI of an entity: ``kgr:<kind>/<percent-encoded id>``.

    >>> from kg.model import Entity, EntityKind
    >>> str(entity_iri(Entity("Hay'at Tahrir al-Sham", EntityKind.ARMED_GROUP, "HTS")))
    'https://w3id.org/kg/resource/armedgroup/Hay%27at%20Tahrir%20al-Sham'
    """
    return KGR[f"{kind_iri_segment(entity.kind)}/{_segment(entity.entity_id)}"]


def document_iri(doc_id: str) -> URIRef:
    """The IRI of a document: ``kgr:document/<percent-encoded doc_id>``.

    >>> str(document_iri("000_c5db"))
    'https://w3id.org/kg/resource/document/000_c5db'
    """
    return KGR["document/" + _segment(doc_id)]


def assertion_key(assertion: Assertion) -> tuple[str, ...]:
    """What identifies an assertion node: where it is stated, what it states, and how."""
    ev = assertion.evidence
    return (
        ev.doc_id,
        str(ev.start),
        str(ev.end),
        assertion.subject_id,
        assertion.relation.value,
        assertion.object_id,
        ev.mode.value,
    )


def assertion_iri(assertion: Assertion) -> URIRef:
    """``kgr:assertion/<16 hex digits>``: a SHA-1 of :func:`assertion_key`, so rebuilding gives the same IRI."""
    digest = hashlib.sha1("\x1f".join(assertion_key(assertion)).encode("utf-8")).hexdigest()
    return KGR["assertion/" + digest[:16]]


# --------------------------------------------------------------------------- literals


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date_literal(value: str) -> Literal:
    """``xsd:date`` when ``value`` is a valid ``YYYY-MM-DD`` date, else a plain string.

    >>> date_literal("2020-02-17").datatype == XSD.date
    True
    >>> date_literal("2020-02-30").datatype is None
    True
    """
    if _ISO_DATE.match(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return Literal(value)
        return Literal(value, datatype=XSD.date)
    return Literal(value)


# --------------------------------------------------------------------------- triples


def document_triples(doc: Document) -> Iterator[Triple]:
    """The triples of one ``kg:Document`` node; optional fields only when known."""
    node = document_iri(doc.doc_id)
    yield node, RDF.type, KG.Document
    yield node, KG.documentId, Literal(doc.doc_id)
    yield node, KG.path, Literal(doc.path)
    optional: list[tuple[URIRef, str | None, Callable[[str], Literal]]] = [
        (SDO.headline, doc.title, Literal),
        (SDO.datePublished, doc.date, date_literal),
        (SDO.url, doc.url, lambda v: Literal(v, datatype=XSD.anyURI)),
        (SDO.publisher, doc.source, Literal),
    ]
    for prop, value, make in optional:
        if value:
            yield node, prop, make(value)


def entity_triples(entity: Entity) -> Iterator[Triple]:
    """Type, label, alternative labels (other than the label) and documents of an entity."""
    node = entity_iri(entity)
    yield node, RDF.type, KG[entity.kind.value]
    yield node, RDFS.label, Literal(entity.label)
    for alt in sorted(entity.alt_labels - {entity.label}):
        if alt:
            yield node, SKOS.altLabel, Literal(alt)
    for doc_id in sorted(entity.documents):
        yield node, KG.mentionedIn, document_iri(doc_id)


class UnknownEntityError(ValueError):
    """An assertion refers to an entity id that is not in ``KnowledgeGraph.entities``."""


def _entity_node(kg: KnowledgeGraph, entity_id: str) -> URIRef:
    """The IRI of the entity with this id; :class:`UnknownEntityError` when there is none."""
    entity = kg.entities.get(entity_id)
    if entity is None:
        raise UnknownEntityError(f"assertion refers to unknown entity id {entity_id!r}")
    return entity_iri(entity)


def assertion_triples(kg: KnowledgeGraph, assertion: Assertion) -> Iterator[Triple]:
    """The ``kg:Assertion`` node of one assertion.

    ``kg:speaker`` is written only with ``Mode.REPORTED`` and a known speaker.
    """
    node = assertion_iri(assertion)
    ev = assertion.evidence
    yield node, RDF.type, KG.Assertion
    yield node, KG.subject, _entity_node(kg, assertion.subject_id)
    yield node, KG.relation, KG[assertion.relation.value]
    yield node, KG.object, _entity_node(kg, assertion.object_id)
    yield node, KG.source, document_iri(ev.doc_id)
    yield node, KG.sentence, Literal(ev.sentence)
    yield node, KG.startOffset, Literal(ev.start, datatype=XSD.integer)
    yield node, KG.endOffset, Literal(ev.end, datatype=XSD.integer)
    yield node, KG.mode, KG[ev.mode.value]
    if ev.mode is Mode.REPORTED and assertion.speaker_id:
        yield node, KG.speaker, _entity_node(kg, assertion.speaker_id)


def relation_triples(kg: KnowledgeGraph) -> Iterator[Triple]:
    """The direct triple ``subject kg:<relation> object`` of every distinct relation."""
    for subject_id, relation, object_id in sorted(kg.relations()):
        yield _entity_node(kg, subject_id), KG[RelationType(relation).value], _entity_node(kg, object_id)


def _unique_assertions(assertions: Iterable[Assertion]) -> list[Assertion]:
    """One assertion per IRI (same sentence, triple and mode), preferring one with a speaker."""
    chosen: dict[URIRef, Assertion] = {}
    for assertion in sorted(assertions, key=lambda a: (assertion_key(a), a.speaker_id or "")):
        iri = assertion_iri(assertion)
        if iri not in chosen or (chosen[iri].speaker_id is None and assertion.speaker_id):
            chosen[iri] = assertion
    return [chosen[iri] for iri in sorted(chosen)]


def kg_triples(kg: KnowledgeGraph) -> Iterator[Triple]:
    """Every triple of the RDF form of ``kg``, in a deterministic order."""
    for doc in sorted(kg.documents, key=lambda d: d.doc_id):
        yield from document_triples(doc)
    for entity_id in sorted(kg.entities):
        yield from entity_triples(kg.entities[entity_id])
    yield from relation_triples(kg)
    for assertion in _unique_assertions(kg.assertions):
        yield from assertion_triples(kg, assertion)


def to_rdf(kg: KnowledgeGraph) -> Graph:
    """The RDF graph of a knowledge graph, with the project prefixes bound.

    Raises :class:`UnknownEntityError` when an assertion names an entity id not in ``kg.entities``.

    >>> from kg.model import Entity, EntityKind, KnowledgeGraph
    >>> kg = KnowledgeGraph(entities={"iran": Entity("iran", EntityKind.COUNTRY, "Iran")})
    >>> len(to_rdf(kg))
    2
    """
    graph = bind_prefixes(Graph())
    for triple in kg_triples(kg):
        graph.add(triple)
    return graph


# --------------------------------------------------------------------------- serialization


def _sorted_copy(graph: Graph) -> Graph:
    """A copy of ``graph`` with the project prefixes, its triples inserted in sorted order."""
    copy = bind_prefixes(Graph())
    for prefix, namespace in graph.namespaces():
        if prefix and prefix not in PREFIXES:
            copy.bind(prefix, namespace, override=False)
    for triple in sorted(graph, key=lambda t: tuple(term.n3() for term in t)):
        copy.add(triple)
    return copy


# Control characters rdflib writes raw inside literals (valid, but a NUL or a form feed makes
# the file look binary to grep, diff and editors): written as \u escapes instead. They can
# only occur inside literals (IRIs are percent-encoded), where the escape means the same.
_RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _escape_controls(text: str) -> str:
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group(0)):04X}", text)


def _turtle(graph: Graph) -> str:
    """Turtle; rdflib sorts subjects, predicates and objects."""
    return _escape_controls(_sorted_copy(graph).serialize(format="turtle"))


def _ntriples(graph: Graph) -> str:
    """N-Triples, one triple a line, lines sorted.

    Split on "\\n" only: ``str.splitlines`` would also cut at U+2028, U+0085, "\\x0b", ...,
    which N-Triples writes unescaped inside literals.
    """
    lines = _escape_controls(graph.serialize(format="nt")).split("\n")
    return "".join(line + "\n" for line in sorted(set(lines)) if line.strip())


def _canonical_json(value: object, in_list: bool = False) -> object:
    """Sort the value arrays of a JSON-LD document (not ``@list`` arrays, whose order is data)."""
    if isinstance(value, dict):
        return {key: _canonical_json(item, key == "@list") for key, item in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(item) for item in value]
        if in_list:
            return items
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def _jsonld(graph: Graph) -> str:
    """Compact JSON-LD with the project prefixes as context; nodes and values sorted."""
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    raw = _sorted_copy(graph).serialize(format="json-ld", context=context)
    document = _canonical_json(json.loads(raw))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class RdfFormat:
    """An output format: its canonical name, the file extension and the writer."""

    name: str
    extension: str
    render: Callable[[Graph], str]


_TURTLE = RdfFormat("turtle", ".ttl", _turtle)
_JSONLD = RdfFormat("json-ld", ".jsonld", _jsonld)
_NT = RdfFormat("nt", ".nt", _ntriples)

FORMATS: dict[str, RdfFormat] = {
    "turtle": _TURTLE,
    "ttl": _TURTLE,
    "json-ld": _JSONLD,
    "jsonld": _JSONLD,
    "nt": _NT,
    "ntriples": _NT,
}
"""Format names accepted by :func:`serialize`."""


def rdf_format(fmt: str) -> RdfFormat:
    """The registered format called ``fmt`` (case-insensitive); ValueError listing the known ones."""
    try:
        return FORMATS[fmt.lower()]
    except KeyError:
        raise ValueError(f"unknown RDF format {fmt!r}; use one of {', '.join(sorted(FORMATS))}") from None


def serialize(graph: Graph, fmt: str = "turtle") -> str:
    """``graph`` as text in format ``fmt``; the same graph always gives the same bytes.

    >>> serialize(Graph(), "nt")
    ''
    """
    return rdf_format(fmt).render(graph)


GRAPH_FILES: dict[str, str] = {"turtle": "graph.ttl", "json-ld": "graph.jsonld"}
"""What :func:`write_graph` writes: format name -> file name."""


def write_graph(graph: Graph, out_dir: str | Path) -> dict[str, Path]:
    """Write ``graph.ttl`` and ``graph.jsonld`` into ``out_dir`` (created if needed), atomically.

    Returns format name -> path, e.g. ``{"turtle": out/graph.ttl, "json-ld": out/graph.jsonld}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {fmt: out / name for fmt, name in GRAPH_FILES.items()}
    write_atomic_all({written[fmt]: serialize(graph, fmt) for fmt in GRAPH_FILES})  # all or none
    return written


# --------------------------------------------------------------------------- validation


@lru_cache(maxsize=4)
def _load_turtle(path: str) -> Graph:
    """Parse a Turtle file once per process."""
    return Graph().parse(path, format="turtle")


def shapes_graph() -> Graph:
    """The SHACL shapes, ``ontology/shapes.ttl``."""
    return _load_turtle(str(ontology_dir() / "shapes.ttl"))


def ontology_graph() -> Graph:
    """The ontology, ``ontology/kg.ttl``."""
    return _load_turtle(str(ontology_dir() / "kg.ttl"))


def validate(graph: Graph) -> tuple[bool, str]:
    """Check ``graph`` against the SHACL shapes, with the ontology and RDFS inference.

    Returns ``(conforms, report)``; the report is pyshacl's text report. ``graph`` is not modified.
    """
    from pyshacl import validate as shacl_validate

    conforms, _results, report = shacl_validate(
        data_graph=graph,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
        inplace=False,
    )
    return bool(conforms), str(report)
