"""The schema of the graph, said once: the kinds of node, the relations and which kinds each
joins, the modes of a statement.

>>> RELATIONS[RelationType.ATTENDED].object_kinds == {EntityKind.EVENT}
True
>>> NODE_KINDS[EntityKind.ARMED_GROUP].label, EntityKind.ARMED_GROUP.is_actor
('Armed group', True)
>>> str(RELATIONS[RelationType.BACKS].iri)
'https://w3id.org/kg/ontology#backs'
>>> MODES[Mode.DENIED].holds, MODES[Mode.FUTURE].holds
(False, True)

The enums (``EntityKind``, ``RelationType``, ``Mode``) are the names the pipeline's records
carry (``kg.model`` re-exports them); the tables ``NODE_KINDS``, ``RELATIONS`` and ``MODES`` say
what the ontology, ``ontology/kg.ttl``, says of each name, in the enums' order. Every other module
asks these tables; ``tests/test_schema.py`` checks, term by term, that they and ``kg.ttl`` agree.

The tables are Python data beside the enums rather than read from ``kg.ttl`` because that is
simpler: code names the members (``EntityKind.PERSON``), so the enums have to be written out in
Python anyway, and a table next to them is typed, costs no Turtle parse on every start of ``kg``,
and cannot change with ``$KG_ONTOLOGY``, which may point the build at another copy of the
ontology's files. What a reader is shown (a kind's label, a mode's phrase) is here too, so that
the viewer, the exports and the scorer name things alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rdflib import URIRef

from kg.namespaces import KG

__all__ = [
    "EntityKind",
    "RelationType",
    "Mode",
    "NodeKind",
    "Relation",
    "StatementMode",
    "NODE_KINDS",
    "ACTOR_KINDS",
    "RELATIONS",
    "MODES",
    "joins",
]


class EntityKind(str, Enum):
    """Node types; values are the local names of the ontology classes."""

    PERSON = "Person"
    COUNTRY = "Country"
    ORGANIZATION = "Organization"
    ARMED_GROUP = "ArmedGroup"
    AGREEMENT = "Agreement"
    EVENT = "Event"

    @property
    def is_actor(self) -> bool:
        """A kind of ``kg:Actor``: the subject of every relation, the object of a stance."""
        return NODE_KINDS[self].is_actor


class RelationType(str, Enum):
    """Relation types; values are the local names of the ontology properties."""

    BACKS = "backs"
    OPPOSES = "opposes"
    ATTENDED = "attended"
    AGREED = "agreed"


class Mode(str, Enum):
    """How the text states a relation; values are local names of ``kg:Mode`` individuals."""

    FACT = "Fact"
    REPORTED = "ReportedSpeech"
    FUTURE = "Future"
    DENIED = "Denied"


@dataclass(frozen=True)
class NodeKind:
    """A kind of node: an ontology class."""

    kind: EntityKind
    label: str  # the class's rdfs:label, what a reader is shown ("Armed group")
    is_actor: bool  # a subclass of kg:Actor

    @property
    def iri(self) -> URIRef:
        return KG[self.kind.value]


@dataclass(frozen=True)
class Relation:
    """A relation: an ontology property, its domain and range as the kinds of node it joins."""

    type: RelationType
    label: str  # the property's rdfs:label
    subject_kinds: frozenset[EntityKind]  # rdfs:domain
    object_kinds: frozenset[EntityKind]  # rdfs:range

    @property
    def name(self) -> str:
        return self.type.value

    @property
    def iri(self) -> URIRef:
        return KG[self.type.value]

    @property
    def is_stance(self) -> bool:
        """Between two actors (backs, opposes): the side one actor takes towards another."""
        return self.object_kinds <= ACTOR_KINDS


@dataclass(frozen=True)
class StatementMode:
    """A way a sentence states a relation: a ``kg:Mode`` individual."""

    mode: Mode
    phrase: str  # how the evidence of a relation in this mode is described to a reader
    holds: bool = True  # the text says the relation holds (or will): its assertion supports the direct triple
    spoken: bool = False  # someone says so: the assertion names its speaker (the denier of a denial) when known

    @property
    def iri(self) -> URIRef:
        return KG[self.mode.value]


NODE_KINDS: dict[EntityKind, NodeKind] = {
    node.kind: node
    for node in (
        NodeKind(EntityKind.PERSON, "Person", is_actor=True),
        NodeKind(EntityKind.COUNTRY, "Country", is_actor=True),
        NodeKind(EntityKind.ORGANIZATION, "Organization", is_actor=True),
        NodeKind(EntityKind.ARMED_GROUP, "Armed group", is_actor=True),
        NodeKind(EntityKind.AGREEMENT, "Agreement", is_actor=False),
        NodeKind(EntityKind.EVENT, "Event", is_actor=False),
    )
}

ACTOR_KINDS: frozenset[EntityKind] = frozenset(kind for kind, node in NODE_KINDS.items() if node.is_actor)

RELATIONS: dict[RelationType, Relation] = {
    relation.type: relation
    for relation in (
        Relation(RelationType.BACKS, "backs", ACTOR_KINDS, ACTOR_KINDS),
        Relation(RelationType.OPPOSES, "opposes", ACTOR_KINDS, ACTOR_KINDS),
        Relation(RelationType.ATTENDED, "attended", ACTOR_KINDS, frozenset({EntityKind.EVENT})),
        Relation(RelationType.AGREED, "agreed", ACTOR_KINDS, frozenset({EntityKind.AGREEMENT})),
    )
}

MODES: dict[Mode, StatementMode] = {
    mode.mode: mode
    for mode in (
        StatementMode(Mode.FACT, "stated as fact"),
        StatementMode(Mode.REPORTED, "reported speech", spoken=True),
        StatementMode(Mode.FUTURE, "intention (future)"),
        StatementMode(Mode.DENIED, "denied or negated", holds=False, spoken=True),
    )
}


def joins(relation: RelationType, subject: EntityKind, obj: EntityKind) -> bool:
    """Whether ``relation`` may join a node of kind ``subject`` to a node of kind ``obj``.

    >>> joins(RelationType.ATTENDED, EntityKind.PERSON, EntityKind.EVENT)
    True
    >>> joins(RelationType.BACKS, EntityKind.COUNTRY, EntityKind.AGREEMENT)
    False
    """
    schema = RELATIONS[relation]
    return subject in schema.subject_kinds and obj in schema.object_kinds
