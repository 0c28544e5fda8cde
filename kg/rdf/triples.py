"""The triples of a knowledge graph: documents, entities, direct relations, one
``kg:Assertion`` node per sentence stating a relation (see ``ontology/README.md``), and the
``kg:Camp`` nodes of ``kg.camps``.

>>> from kg.model import Entity, EntityKind, KnowledgeGraph
>>> kg = KnowledgeGraph(entities={"iran": Entity("iran", EntityKind.COUNTRY, "Iran")})
>>> [o.n3() for _, _, o in kg_triples(kg)]
['<https://w3id.org/kg/ontology#Country>', '"Iran"']
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.model import Assertion, Camp, Document, Entity, KnowledgeGraph, RelationType
from kg.namespaces import bind_prefixes
from kg.rdf.iris import assertion_iri, assertion_key, camp_iri, document_iri, entity_iri
from kg.rdf.terms import KG_TERMS as _KG
from kg.rdf.terms import RDF_TERMS as _RDF
from kg.rdf.terms import RDFS_TERMS as _RDFS
from kg.rdf.terms import SDO_TERMS as _SDO
from kg.rdf.terms import SKOS_TERMS as _SKOS
from kg.rdf.terms import XSD_TERMS as _XSD
from kg.rdf.terms import date_literal, integer_literal
from kg.schema import MODES, NODE_KINDS

__all__ = ["Triple", "document_triples", "entity_triples", "UnknownEntityError", "entity_node", "assertion_triples",
           "relation_triple", "relation_triples", "chosen_assertions", "camp_triples", "start_dates", "start_date_triples",
           "kg_triples", "to_rdf"]

Triple = tuple[Node, Node, Node]

_TRUE = Literal(True)  # xsd:boolean "true", the value of kg:contested


def document_triples(doc: Document) -> Iterator[Triple]:
    """The triples of one ``kg:Document`` node; optional fields only when known."""
    node = document_iri(doc.doc_id)
    yield node, _RDF.type, _KG.Document
    yield node, _KG.documentId, Literal(doc.doc_id)
    yield node, _KG.path, Literal(doc.path)
    optional: list[tuple[URIRef, str | None, Callable[[str], Literal]]] = [
        (_SDO.headline, doc.title, Literal),
        (_SDO.datePublished, doc.date, date_literal),
        (_SDO.url, doc.url, lambda v: Literal(v, datatype=_XSD.anyURI)),
        (_SDO.publisher, doc.source, Literal),
        (_SDO.identifier, doc.feed_id, Literal),  # the feed's own id of the article
    ]
    for prop, value, make in optional:
        if value:
            yield node, prop, make(value)


def entity_triples(entity: Entity) -> Iterator[Triple]:
    """Type, label, alternative labels (other than the label), a state's ISO 3166-1 alpha-3 code
    (``schema:identifier``) and documents of an entity."""
    node = entity_iri(entity)
    yield node, _RDF.type, _KG[entity.kind.value]
    yield node, _RDFS.label, Literal(entity.label)
    for alt in sorted(entity.alt_labels - {entity.label}):
        if alt:
            yield node, _SKOS.altLabel, Literal(alt)
    if entity.identifier:
        yield node, _SDO.identifier, Literal(entity.identifier)
    for doc_id in sorted(entity.documents):
        yield node, _KG.mentionedIn, document_iri(doc_id)


class UnknownEntityError(ValueError):
    """An assertion refers to an entity id that is not in ``KnowledgeGraph.entities``."""


def entity_node(kg: KnowledgeGraph, entity_id: str) -> URIRef:
    """The IRI of the entity with this id; :class:`UnknownEntityError` when there is none."""
    entity = kg.entities.get(entity_id)
    if entity is None:
        raise UnknownEntityError(f"assertion refers to unknown entity id {entity_id!r}")
    return entity_iri(entity)


def assertion_triples(kg: KnowledgeGraph, assertion: Assertion, node: URIRef | None = None) -> Iterator[Triple]:
    """The ``kg:Assertion`` node of one assertion; ``node`` is its IRI when already made
    (:func:`kg.rdf.assertion_iri`, a SHA-1).

    ``kg:speaker`` is written only in a mode someone speaks in (reported speech, a denial) and
    when the speaker is known; ``kg:date`` when the evidence has a date; ``kg:contested true`` on a
    contested assertion only. A denial's assertion is all there is of it: no direct triple.
    """
    if node is None:
        node = assertion_iri(assertion)
    ev = assertion.evidence
    yield node, _RDF.type, _KG.Assertion
    yield node, _KG.subject, entity_node(kg, assertion.subject_id)
    yield node, _KG.relation, _KG[assertion.relation.value]
    yield node, _KG.object, entity_node(kg, assertion.object_id)
    yield node, _KG.source, document_iri(ev.doc_id)
    yield node, _KG.sentence, Literal(ev.sentence)
    yield node, _KG.startOffset, integer_literal(ev.start)
    yield node, _KG.endOffset, integer_literal(ev.end)
    yield node, _KG.mode, _KG[ev.mode.value]
    if MODES[ev.mode].spoken and assertion.speaker_id:
        yield node, _KG.speaker, entity_node(kg, assertion.speaker_id)
    if ev.date:
        yield node, _KG.date, date_literal(ev.date)
    if assertion.contested:
        yield node, _KG.contested, _TRUE


def relation_triple(kg: KnowledgeGraph, subject_id: str, relation: RelationType | str, object_id: str) -> Triple:
    """The direct triple ``subject kg:<relation> object``."""
    return entity_node(kg, subject_id), _KG[RelationType(relation).value], entity_node(kg, object_id)


def relation_triples(kg: KnowledgeGraph) -> Iterator[Triple]:
    """The direct triple ``subject kg:<relation> object`` of every distinct relation the text says
    holds (``kg.relations()``: not what is only denied)."""
    for subject_id, relation, object_id in sorted(kg.relations()):
        yield relation_triple(kg, subject_id, relation, object_id)


def chosen_assertions(assertions: Iterable[Assertion]) -> dict[str, tuple[URIRef, Assertion]]:
    """One assertion per IRI (same sentence, triple and mode), preferring one with a speaker:
    IRI as a string -> (IRI, assertion). The IRI (a SHA-1) is made once per assertion."""
    chosen: dict[str, tuple[URIRef, Assertion]] = {}
    for assertion in sorted(assertions, key=lambda a: (assertion_key(a), a.speaker_id or "")):
        iri = assertion_iri(assertion)
        held = chosen.get(str(iri))
        if held is None or (held[1].speaker_id is None and assertion.speaker_id):
            chosen[str(iri)] = (iri, assertion)
    return chosen


def _period_start(iso: str) -> str:
    """The first day of a period ("2018" -> "2018-01-01"), to order dates of any precision."""
    return iso + "-01-01"[len(iso) - 4:]


def start_dates(kg: KnowledgeGraph) -> dict[str, str]:
    """entity_id -> ``schema:startDate`` of the agreements and events (the nodes that are no
    actors): the earliest date a sentence naming one gives for it, in an assertion that says the
    relation holds, the finest of periods one within another ("2018-09" rather than "2018"). A sentence's date that is the article's own date is left out: an undated
    sentence gets that date too, so that it would say nothing of when the event was.

    >>> from kg.model import Entity, EntityKind, Evidence
    >>> doc = Document("d", "", "d.txt", date="2020-02-12", date_precision="day")
    >>> kg = KnowledgeGraph([doc], {"iran": Entity("iran", EntityKind.COUNTRY, "Iran"),
    ...                             "talks": Entity("talks", EntityKind.EVENT, "Talks")})
    >>> def attended(date): return Assertion("iran", RelationType.ATTENDED, "talks", Evidence("d", "", 0, 0, date=date))
    >>> kg.assertions = [attended("2020-02-12"), attended("2020-02"), attended("2020-02-10"), attended("2020-03")]
    >>> start_dates(kg)
    {'talks': '2020-02-10'}
    """
    published = {doc.doc_id: doc.date for doc in kg.documents}
    starts: dict[str, str] = {}
    for assertion in kg.assertions:
        ev = assertion.evidence
        entity = kg.entities.get(assertion.object_id)
        if (entity is None or NODE_KINDS[entity.kind].is_actor or not MODES[ev.mode].holds or not ev.date
                or ev.date == published.get(ev.doc_id)):
            continue
        if _says_more_of_the_start(ev.date, starts.get(entity.entity_id)):
            starts[entity.entity_id] = ev.date
    return starts


def _says_more_of_the_start(date: str, held: str | None) -> bool:
    """Whether ``date`` tells better than ``held`` when a thing began: a finer period within it
    ("2018-09" within "2018"), never a coarser one around it, else the one that starts first."""
    if held is None or (date.startswith(held) and len(date) > len(held)):
        return True
    if held.startswith(date):
        return False
    return _period_start(date) < _period_start(held)


def start_date_triples(kg: KnowledgeGraph, entity_id: str, starts: dict[str, str]) -> Iterator[Triple]:
    """``schema:startDate`` of an agreement or event, from :func:`start_dates`, when it has one."""
    if entity_id in starts:
        yield entity_node(kg, entity_id), _SDO.startDate, date_literal(starts[entity_id])


def _unique_assertions(assertions: Iterable[Assertion]) -> list[Assertion]:
    """One assertion per IRI, in IRI order (see :func:`chosen_assertions`)."""
    chosen = chosen_assertions(assertions)
    return [chosen[key][1] for key in sorted(chosen)]


def camp_triples(kg: KnowledgeGraph, camp: Camp) -> Iterator[Triple]:
    """The ``kg:Camp`` node of one camp: its label, its frustration and a ``kg:member`` per actor."""
    node = camp_iri(camp.camp_id)
    yield node, _RDF.type, _KG.Camp
    yield node, _RDFS.label, Literal(camp.label)
    yield node, _KG.frustration, integer_literal(camp.frustration)
    for member_id in camp.members:
        yield node, _KG.member, entity_node(kg, member_id)


def kg_triples(kg: KnowledgeGraph) -> Iterator[Triple]:
    """Every triple of the RDF form of ``kg``, in a deterministic order."""
    for doc in sorted(kg.documents, key=lambda d: d.doc_id):
        yield from document_triples(doc)
    starts = start_dates(kg)
    for entity_id in sorted(kg.entities):
        yield from entity_triples(kg.entities[entity_id])
        yield from start_date_triples(kg, entity_id, starts)
    yield from relation_triples(kg)
    for assertion in _unique_assertions(kg.assertions):
        yield from assertion_triples(kg, assertion)
    for camp in sorted(kg.camps, key=lambda c: c.camp_id):
        yield from camp_triples(kg, camp)


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

