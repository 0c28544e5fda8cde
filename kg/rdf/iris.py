"""The IRIs of a knowledge graph's nodes: entities ``kgr:<kind>/<id>``, documents
``kgr:document/<id>``, provenance nodes ``kgr:assertion/<hash>``, camps ``kgr:camp/<id>``
(no blank nodes).

>>> from kg.model import Entity, EntityKind
>>> str(entity_iri(Entity("turkey", EntityKind.COUNTRY, "Turkey")))
'https://w3id.org/kg/resource/country/turkey'
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from urllib.parse import quote

from rdflib import URIRef

from kg.model import Assertion, Entity, EntityKind
from kg.namespaces import KGR

__all__ = ["kind_iri_segment", "entity_iri", "document_iri", "assertion_key", "assertion_iri", "camp_iri"]


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
    return _entity_iri(entity.kind, entity.entity_id)


# IRIs recur in every assertion and relation: made (percent-encoded, then checked by rdflib) once.
@lru_cache(maxsize=1 << 16)
def _entity_iri(kind: EntityKind, entity_id: str) -> URIRef:
    return KGR[f"{kind_iri_segment(kind)}/{_segment(entity_id)}"]


@lru_cache(maxsize=1 << 16)
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


def camp_iri(camp_id: str) -> URIRef:
    """The IRI of a camp: ``kgr:camp/<percent-encoded camp_id>``.

    >>> str(camp_iri("turkey"))
    'https://w3id.org/kg/resource/camp/turkey'
    """
    return KGR["camp/" + _segment(camp_id)]
