"""kg.subgraph: the part of a graph around an actor, in a time span, from one source; kept whole
(labels, speakers, articles) and valid, in every export format."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace
from test_rdf import sample_kg

from kg.export import EXPORT_FORMATS, export_text
from kg.namespaces import KG, KGR, RDF, RDFS
from kg.query.terms import TermConverter
from kg.rdf import serialize, to_rdf, validate
from kg.subgraph import Selection, named_nodes, select

UNDECLARED = Namespace(str(KG))  # a term another tool (the camps of issue 14) may add
TURKEY, RUSSIA, ERDOGAN = KGR["country/turkey"], KGR["country/russia"], KGR["person/erdogan"]
SOCHI, MSC = KGR["agreement/sochi"], KGR["event/msc"]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return to_rdf(sample_kg())


def store_of(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.load(serialize(graph, "nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def as_graph(store: ox.Store) -> Graph:
    terms = TermConverter()
    graph = Graph()
    for quad in store:
        graph.add((terms.to_rdflib(quad.subject), terms.to_rdflib(quad.predicate), terms.to_rdflib(quad.object)))
    return graph


def part(graph: Graph, **selection) -> Graph:
    return as_graph(select(store_of(graph), Selection(**selection)))


def entities(graph: Graph) -> set[str]:
    """The labels of the part's nodes, its camps left out (a camp comes with its kept members)."""
    camps = set(graph.subjects(RDF.type, KG.Camp))
    return {str(label) for node, label in graph.subject_objects(RDFS.label) if node not in camps}


def sentences(graph: Graph) -> set[str]:
    return {str(s) for s in graph.objects(None, KG.sentence)}


def test_around_an_actor_by_hops(graph):
    assert entities(part(graph, around="Sochi deal", hops=0)) == {"Sochi Agreement"}
    one = part(graph, around="Sochi deal", hops=1)  # an alt label, as kg query --name finds it
    # Russia opposing Turkey is between two kept nodes: kept, with its sentences and Erdogan, who says it
    assert entities(one) == {"Sochi Agreement", "Turkey", "Russia", "Recep Tayyip Erdogan"}
    assert set(one.triples((None, KG.agreed, None))) == {(TURKEY, KG.agreed, SOCHI), (RUSSIA, KG.agreed, SOCHI)}
    assert (RUSSIA, KG.opposes, TURKEY) in one and set(one.objects(None, KG.speaker)) == {ERDOGAN, RUSSIA}
    assert (ERDOGAN, KG.backs, TURKEY) not in one  # a speaker is no node reached: his relations are not in
    two = part(graph, around="Sochi deal", hops=2)
    assert (ERDOGAN, KG.backs, TURKEY) in two and (ERDOGAN, KG.attended, MSC) not in two


def test_the_part_is_a_valid_graph_with_its_articles(graph):
    one = part(graph, around="Munich Security Conference", hops=1)
    assert entities(one) == {"Munich Security Conference", "Recep Tayyip Erdogan"}
    assert sentences(one) == {"Erdogan will attend the Munich Security Conference."}
    assert set(one.subjects(RDF.type, KG.Document)) == {KGR["document/doc-1"]}
    assert set(one.objects(ERDOGAN, KG.mentionedIn)) == {KGR["document/doc-1"]}
    assert validate(one)[0]


def test_a_time_span_keeps_the_sentences_dated_in_it(graph):
    late = part(graph, since="2020-02-18")
    assert sentences(late) == {"Moscow denied opposing Turkey."}
    assert not list(late.triples((None, KG.opposes, None)))  # a denial: no relation holds
    assert entities(late) == {"Russia", "Turkey"} and validate(late)[0]
    sochi = part(graph, until="2019")
    assert sentences(sochi) == {"Turkey and Russia signed the Sochi deal."}
    assert set(sochi.triples((None, None, SOCHI))) - set(sochi.triples((None, KG.object, None))) == {
        (TURKEY, KG.agreed, SOCHI), (RUSSIA, KG.agreed, SOCHI)}
    # a month is in any range it overlaps; an undated sentence (doc-2's) is in none
    assert sentences(part(graph, since="2018-09-30", until="2018-10")) == sentences(sochi)
    assert "Russia opposes Turkey over Idlib." not in sentences(part(graph, since="2000", until="2100"))


def test_a_source_keeps_its_articles_sentences(graph):
    wire = part(graph, source="WIRE")  # the publisher, ignoring case
    assert sentences(wire) == {"Moscow denied opposing Turkey."}
    assert set(wire.subjects(RDF.type, KG.Document)) == {KGR["document/doc-3"]}
    assert sentences(part(graph, source="Idlib talks", around="Turkey", hops=1, since="2020")) == {
        "Erdogan backs Ankara's position in Idlib.", "Moscow opposes Turkey, Erdogan said."}


def test_a_camp_comes_with_two_kept_members_and_links_to_kept_members_only(graph):
    camp = next(graph.subjects(RDF.type, KG.Camp))  # the sample's camp: Turkey and Erdogan
    assert set(graph.objects(camp, KG.member)) == {TURKEY, ERDOGAN}
    both = part(graph, around="Ankara", hops=1)
    assert set(both.objects(camp, KG.member)) == {TURKEY, ERDOGAN}
    assert validate(both)[0]
    alone = part(graph, around="Ankara", hops=0)  # one member is no camp
    assert (camp, None, None) not in alone
    assert validate(alone)[0]


def test_names_are_found_as_kg_query_finds_them(graph):
    store = store_of(graph)
    camps = set(graph.subjects(RDF.type, KG.Camp))
    every = {str(node) for node in graph.subjects(RDFS.label, None) if node not in camps}
    assert named_nodes(store, "Moscow", every) == {str(RUSSIA)}
    assert named_nodes(store, "erdogan", every) == {str(ERDOGAN)}  # ends with it, ignoring case
    assert named_nodes(store, "Idlib talks", every) == set()  # a document's title names no node


def test_no_selection_is_the_whole_graph(graph, tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(serialize(graph, "turtle"), encoding="utf-8")
    assert not Selection()
    for fmt in EXPORT_FORMATS:
        assert export_text(path, fmt, selection=Selection()) == export_text(path, fmt), fmt


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_format_exports_the_part(graph, tmp_path, fmt):
    path = tmp_path / "g.ttl"
    path.write_text(serialize(graph, "turtle"), encoding="utf-8")
    whole, near = export_text(path, fmt), export_text(path, fmt, selection=Selection(around="Munich Security Conference"))
    assert "Munich Security Conference" in near and "Sochi" not in near and len(near) < len(whole)


@pytest.mark.parametrize("selection, message", [
    (dict(since="2020-2-1"), "not a date"), (dict(until="Feb 2020"), "not a date"), (dict(hops=-1), "negative"),
])
def test_a_bad_selection_says_why(selection, message):
    with pytest.raises(ValueError, match=message):
        Selection(**selection)
