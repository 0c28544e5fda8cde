"""kg/schema.py and the ontology (ontology/kg.ttl, ontology/shapes.ttl) say the same, and KG is closed."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.namespaces import KG
from kg.schema import ACTOR_KINDS, MODES, NODE_KINDS, RELATIONS, EntityKind, Mode, RelationType, joins

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"  # the repository's, whatever $KG_ONTOLOGY says
KG_IRI = str(KG)
OTHER_CLASSES = {KG.Actor, KG.Document, KG.Assertion, KG.Mode, KG.Camp}  # classes of the ontology that are no node kind


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "kg.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl")


def label(graph: Graph, term) -> str:
    (value,) = graph.objects(term, RDFS.label)
    assert isinstance(value, Literal) and value.language == "en"
    return str(value)


def kinds_under(graph: Graph, cls) -> frozenset[EntityKind]:
    """The node kinds whose class is ``cls`` or, through rdfs:subClassOf, below it."""
    return frozenset(kind for kind, node in NODE_KINDS.items()
                     if cls in graph.transitive_objects(node.iri, RDFS.subClassOf))


def test_tables_follow_the_enums():
    assert list(NODE_KINDS) == list(EntityKind) and all(node.kind is kind for kind, node in NODE_KINDS.items())
    assert list(RELATIONS) == list(RelationType) and all(r.type is t for t, r in RELATIONS.items())
    assert list(MODES) == list(Mode) and all(m.mode is mode for mode, m in MODES.items())
    assert all(MODES[mode].phrase for mode in Mode)


def test_every_node_kind_is_a_class_with_its_label(ontology):
    for kind, node in NODE_KINDS.items():
        assert node.iri == KG[kind.value] and (node.iri, RDF.type, OWL.Class) in ontology, kind
        assert label(ontology, node.iri) == node.label, kind
        assert kind.is_actor is node.is_actor is (KG.Actor in ontology.transitive_objects(node.iri, RDFS.subClassOf))
    assert ACTOR_KINDS == kinds_under(ontology, KG.Actor) == {kind for kind in EntityKind if kind.is_actor}
    # a class added to the ontology is either a kind of node here or named as another class
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    assert classes == {node.iri for node in NODE_KINDS.values()} | OTHER_CLASSES


def test_every_relation_has_the_ontology_domain_range_and_label(ontology):
    for relation in RELATIONS.values():
        iri = relation.iri
        assert iri == KG[relation.name] and (iri, RDF.type, OWL.ObjectProperty) in ontology, relation.name
        assert label(ontology, iri) == relation.label, relation.name
        (domain,) = ontology.objects(iri, RDFS.domain)
        (range_,) = ontology.objects(iri, RDFS.range)
        assert relation.subject_kinds == kinds_under(ontology, domain), relation.name
        assert relation.object_kinds == kinds_under(ontology, range_), relation.name
        assert relation.is_stance is (range_ == KG.Actor), relation.name
    # and the ontology has no other property between nodes
    between_nodes = {p for p, domain in ontology.subject_objects(RDFS.domain) if kinds_under(ontology, domain)}
    assert between_nodes == {relation.iri for relation in RELATIONS.values()}


def test_joins_is_the_domain_and_range(ontology):
    for relation, subject, obj in itertools.product(RelationType, EntityKind, EntityKind):
        (domain,) = ontology.objects(KG[relation.value], RDFS.domain)
        (range_,) = ontology.objects(KG[relation.value], RDFS.range)
        expected = subject in kinds_under(ontology, domain) and obj in kinds_under(ontology, range_)
        assert joins(relation, subject, obj) is expected, (relation, subject, obj)


def test_every_mode_is_a_mode_individual_in_order(ontology):
    (one_of,) = ontology.objects(KG.Mode, OWL.oneOf)
    assert list(Collection(ontology, one_of)) == [mode.iri for mode in MODES.values()]
    for mode in MODES.values():
        assert mode.iri == KG[mode.mode.value] and (mode.iri, RDF.type, KG.Mode) in ontology


@pytest.mark.parametrize("path, expected", [
    (KG.relation, [relation.iri for relation in RELATIONS.values()]),
    (KG.mode, [mode.iri for mode in MODES.values()]),
])
def test_shapes_allow_exactly_the_schema(shapes, path, expected):
    (shape,) = shapes.subjects(SH.path, path)
    (allowed,) = shapes.objects(shape, SH["in"])
    assert list(Collection(shapes, allowed)) == expected


def test_shapes_give_each_relation_its_range(ontology, shapes):
    for relation in RELATIONS.values():
        classes = {c for shape in shapes.subjects(SH.path, relation.iri) for c in shapes.objects(shape, SH["class"])}
        assert classes == set(ontology.objects(relation.iri, RDFS.range)), relation.name


def test_kg_holds_exactly_the_terms_the_ontology_declares(ontology):
    declared = {s for s in ontology.subjects() if str(s).startswith(KG_IRI)}
    assert {str(term) for term in dir(KG)} == {str(term) for term in declared}
    assert all(term in KG for term in declared)


@pytest.mark.parametrize("misspelt", ["backz", "Persn", "ReportedSpeach", "startoffset", "Backs"])
def test_a_misspelt_kg_term_raises(misspelt):
    with pytest.raises(AttributeError, match=misspelt):
        getattr(KG, misspelt)
    with pytest.raises(AttributeError, match=misspelt):
        KG[misspelt]
    assert misspelt not in KG
