"""kg.contested: a claim also denied, and a pair said both to back and to oppose, are contested on
every assertion involved; and what the RDF says of it."""
from __future__ import annotations

from rdflib import Literal

from kg.contested import contested_keys, mark_contested, with_contested
from kg.model import Assertion, Document, Entity, EntityKind, Evidence, KnowledgeGraph, Mode, RelationType
from kg.namespaces import KG
from kg.rdf import assertion_iri, to_rdf

BACKS, OPPOSES = RelationType.BACKS, RelationType.OPPOSES


def said(subject: str, relation: RelationType, obj: str, mode: Mode = Mode.FACT, start: int = 0,
         speaker: str | None = None) -> Assertion:
    return Assertion(subject, relation, obj, Evidence("d1", "...", start, start + 3, mode), speaker_id=speaker)


def flags(assertions: list[Assertion]) -> list[bool]:
    return [a.contested for a in mark_contested(assertions)]


def test_a_claim_and_its_denial_are_both_contested():
    assert flags([said("russia", BACKS, "rebels", Mode.REPORTED, speaker="usa"),
                  said("russia", BACKS, "rebels", Mode.DENIED, 10, speaker="russia")]) == [True, True]


def test_a_denial_alone_or_a_claim_alone_is_not():
    assert flags([said("russia", BACKS, "rebels", Mode.DENIED)]) == [False]
    assert flags([said("russia", BACKS, "rebels"), said("russia", BACKS, "rebels", Mode.FUTURE, 10)]) == [False, False]


def test_a_denial_of_another_claim_contests_nothing():
    assert flags([said("russia", BACKS, "rebels"), said("russia", BACKS, "syria", Mode.DENIED),
                  said("iran", BACKS, "rebels", Mode.DENIED)]) == [False, False, False]


def test_a_split_stance_contests_its_stated_assertions():
    assertions = [said("turkey", BACKS, "hts"), said("turkey", OPPOSES, "hts", start=10),
                  said("turkey", OPPOSES, "hts", Mode.DENIED, 20), said("turkey", BACKS, "syria", start=30)]
    # the denial of opposing is no claim of it: it contests only a stated "opposes"
    assert flags(assertions) == [True, True, True, False]
    assert contested_keys(assertions) == {("turkey", BACKS, "hts"), ("turkey", OPPOSES, "hts")}


def test_a_stance_and_a_denied_opposite_contest_nothing():
    assert flags([said("turkey", BACKS, "hts"), said("turkey", OPPOSES, "hts", Mode.DENIED, 10)]) == [False, False]


def test_a_stance_has_a_direction():
    assert flags([said("turkey", BACKS, "hts"), said("hts", OPPOSES, "turkey", start=10)]) == [False, False]


def test_flags_are_computed_again_not_kept():
    stale = [Assertion("a", BACKS, "b", Evidence("d1", "...", 0, 3), contested=True)]
    assert flags(stale) == [False]


def test_the_graph_gets_the_flags_and_the_rdf_says_so():
    graph = KnowledgeGraph(
        [Document("d1", "...", "d1.txt")],
        {"russia": Entity("russia", EntityKind.COUNTRY, "Russia"), "rebels": Entity("rebels", EntityKind.ARMED_GROUP, "Rebels"),
         "syria": Entity("syria", EntityKind.COUNTRY, "Syria")},
        [said("russia", BACKS, "rebels", Mode.REPORTED, speaker="syria"),
         said("russia", BACKS, "rebels", Mode.DENIED, 10, speaker="russia"), said("russia", OPPOSES, "syria", start=20)])
    assert with_contested(graph) is graph
    rdf = to_rdf(graph)
    contested = {a.relation: rdf.value(assertion_iri(a), KG.contested) for a in graph.assertions}
    assert [rdf.value(assertion_iri(a), KG.contested) for a in graph.assertions] == [Literal(True), Literal(True), None]
    assert contested[OPPOSES] is None  # "false" is not written: an uncontested assertion has no flag
    # the denial names its denier, and makes no direct triple: the one backs triple is the statement's
    denial = graph.assertions[1]
    assert rdf.value(assertion_iri(denial), KG.speaker) is not None
    assert len(list(rdf.triples((None, KG.backs, None)))) == 1
    graph.assertions = graph.assertions[1:]
    assert not list(to_rdf(graph).triples((None, KG.backs, None)))
