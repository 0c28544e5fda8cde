"""kg.camps: the signed graph, the partition, frustration, names; camps in RDF, SPARQL, the exports, and
on the sample articles of input/."""
from __future__ import annotations

import csv
import io
import itertools
import random
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal

import kg.camps as camps_module
from kg.build import build
from kg.camps import AGREED_WEIGHT, balance_partition, camp_label, find_camps, frustration, signed_graph
from kg.export import export_text
from kg.model import Assertion, Camp, Document, Entity, EntityKind, Evidence, KnowledgeGraph, Mode, RelationType
from kg.namespaces import KG, KGR, RDF, RDFS
from kg.query import list_queries, load_query, run_query
from kg.rdf import serialize, to_rdf, validate, write_graph

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "input"  # the sample articles (the five of ../shared/seeds)

KINDS = {"accord": EntityKind.AGREEMENT, "accord-2": EntityKind.AGREEMENT, "summit": EntityKind.EVENT}


def make_kg(relations: list[tuple], labels: dict[str, str] | None = None) -> KnowledgeGraph:
    """A graph of (subject, relation, object[, mode]) relations, each stated by a sentence of its own."""
    labels = labels or {}
    text = " ".join(f"S{i}." for i in range(len(relations)))
    assertions = []
    for i, (subject, relation, obj, *mode) in enumerate(relations):
        start = text.index(f"S{i}.")
        evidence = Evidence("doc", f"S{i}.", start, start + len(f"S{i}."), mode[0] if mode else Mode.FACT)
        assertions.append(Assertion(subject, RelationType(relation), obj, evidence))
    ids = sorted({a.subject_id for a in assertions} | {a.object_id for a in assertions})
    entities = {i: Entity(i, KINDS.get(i, EntityKind.COUNTRY), labels.get(i, i.title()), set(), {"doc"}) for i in ids}
    return KnowledgeGraph([Document("doc", text, "doc.txt")], entities, assertions)


# Two camps, {a, b, c} and {d, e}, all ties consistent with them; f only attends, g only opposes.
BALANCED = [
    ("a", "backs", "b"), ("b", "backs", "c"), ("c", "backs", "a"), ("a", "backs", "b"),
    ("d", "backs", "e"), ("e", "backs", "d"),
    ("a", "opposes", "d"), ("e", "opposes", "c"), ("b", "opposes", "e"),
    ("f", "attended", "summit"), ("a", "attended", "summit"), ("d", "attended", "summit"),
    ("g", "opposes", "a"),
]


def members(camps: list[Camp]) -> list[set[str]]:
    return [set(camp.members) for camp in camps]


# --------------------------------------------------------------------------- the signed graph


def test_signed_graph_weighs_sentences_and_shared_agreements():
    kg = make_kg([("a", "backs", "b"), ("a", "backs", "b"), ("b", "backs", "a"), ("a", "opposes", "b"),
                  ("a", "agreed", "accord"), ("b", "agreed", "accord"), ("c", "agreed", "accord"),
                  ("a", "agreed", "accord-2"), ("b", "agreed", "accord-2"), ("a", "agreed", "accord-2"),
                  ("c", "attended", "summit"), ("a", "attended", "summit")])
    g = signed_graph(kg)
    assert sorted(g) == ["a", "b", "c"]  # no agreement, no event: actors only
    edge = g.edges["a", "b"]
    assert (edge["backs"], edge["opposes"], edge["agreements"]) == (3, 1, 2)
    assert edge["weight"] == 3 + 2 * AGREED_WEIGHT - 1
    assert edge["stances"] == (("a", "backs", "b"), ("a", "opposes", "b"), ("b", "backs", "a"))
    assert g.edges["a", "c"]["weight"] == AGREED_WEIGHT and g.edges["a", "c"]["stances"] == ()  # attending together: no tie
    assert g.nodes["a"]["label"] == "A"


def test_the_same_sentence_counts_once_and_self_ties_not_at_all():
    kg = make_kg([("a", "backs", "b"), ("a", "backs", "a")])
    kg.assertions.append(kg.assertions[0])  # the same sentence again (another speaker, say)
    g = signed_graph(kg)
    assert list(g.edges(data="backs")) == [("a", "b", 1)]


def test_only_stating_modes_count(monkeypatch):
    kg = make_kg([("a", "backs", "b", Mode.FUTURE), ("c", "opposes", "d", Mode.REPORTED)])
    assert sorted(signed_graph(kg).edges) == [("a", "b"), ("c", "d")]
    # a mode that says the relation does not hold (a denial) neither pulls nor pushes
    monkeypatch.setattr(camps_module, "STATING_MODES", frozenset({Mode.FACT, Mode.REPORTED}))
    assert sorted(signed_graph(kg).edges) == [("c", "d")]


# --------------------------------------------------------------------------- the partition


def test_a_balanced_graph_is_split_into_its_camps():
    camps = find_camps(make_kg(BALANCED))
    assert members(camps) == [{"a", "b", "c"}, {"d", "e"}]
    assert [camp.frustration for camp in camps] == [0, 0]
    # f attends an event only (no tie), g only opposes (stands with no one): in no camp
    assert not {"f", "g"} & set().union(*members(camps))


def test_a_planted_balanced_partition_is_recovered_exactly():
    rng = random.Random(7)
    planted = [{f"p{c}-{i}" for i in range(8)} for c in range(4)]
    g = nx.Graph()
    for c, camp in enumerate(planted):
        nodes = sorted(camp)
        g.add_edges_from(zip(nodes, nodes[1:]), weight=1)  # a path: each camp is connected
        g.add_edges_from(((u, v) for u, v in itertools.combinations(nodes, 2) if rng.random() < 0.3), weight=2)
    for one, other in itertools.combinations(planted, 2):
        g.add_edges_from(((u, v) for u in one for v in other if rng.random() < 0.2), weight=-1)
    assert sorted(map(sorted, balance_partition(g))) == sorted(map(sorted, planted))


def test_the_split_contradicts_as_little_weight_as_it_can():
    # a triangle with one negative tie cannot be balanced: the cheapest split keeps the strong pair
    g = nx.Graph([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1}), ("a", "c", {"weight": -2})])
    assert [sorted(part) for part in balance_partition(g)] == [["a", "b"], ["c"]]
    g["a"]["c"]["weight"] = -0.5  # now cheaper to keep all three together
    assert [sorted(part) for part in balance_partition(g)] == [["a", "b", "c"]]


def test_agreeing_pulls_half_as_much_as_backing():
    together = make_kg([("a", "agreed", "accord"), ("b", "agreed", "accord")])
    assert members(find_camps(together)) == [{"a", "b"}]
    # two ceasefires between actors that oppose each other make no camp of them: together they
    # weigh one sentence of backing, which the opposes cancels
    opponents = make_kg([("a", "agreed", "accord"), ("b", "agreed", "accord"), ("a", "agreed", "accord-2"),
                         ("b", "agreed", "accord-2"), ("a", "opposes", "b")])
    assert find_camps(opponents) == []
    assert members(find_camps(opponents, agreed_weight=1)) == [{"a", "b"}]


@pytest.mark.parametrize("seed", range(5))
def test_the_same_relations_in_any_order_give_the_same_camps(seed):
    kg = make_kg(BALANCED + [("h", "backs", "e"), ("h", "opposes", "d"), ("i", "backs", "h"), ("c", "backs", "i")])
    expected = find_camps(kg)
    rng = random.Random(seed)
    shuffled = KnowledgeGraph(kg.documents, dict(rng.sample(sorted(kg.entities.items()), len(kg.entities))),
                              rng.sample(kg.assertions, len(kg.assertions)))
    assert find_camps(shuffled) == expected
    shuffled.camps, kg.camps = find_camps(shuffled), expected
    assert serialize(shuffled) == serialize(kg)


def test_permuted_node_ids_give_the_same_partition():
    edges = [("a", "b", 1), ("b", "c", 1), ("c", "d", -1), ("d", "e", 1), ("a", "e", -1), ("b", "d", 0.5)]
    g = nx.Graph()
    g.add_weighted_edges_from(edges)
    h = nx.Graph()
    h.add_weighted_edges_from(reversed([(v, u, w) for u, v, w in edges]))
    assert balance_partition(g) == balance_partition(h)


# --------------------------------------------------------------------------- frustration, names


def test_frustration_counts_relations_that_contradict_the_camp():
    # {a, b, c} hold together despite an opposes inside; c backs d across: counted for both camps
    kg = make_kg([("a", "backs", "b"), ("b", "backs", "a"), ("b", "backs", "c"), ("c", "backs", "b"),
                  ("a", "backs", "c"), ("c", "backs", "a"),
                  ("b", "opposes", "c"), ("b", "opposes", "c"),  # one relation in two sentences
                  ("d", "backs", "e"), ("e", "backs", "d"), ("d", "backs", "e"),
                  ("c", "backs", "d"), ("a", "opposes", "d"), ("a", "opposes", "e"), ("b", "opposes", "d")])
    camps = find_camps(kg)
    assert members(camps) == [{"a", "b", "c"}, {"d", "e"}]
    assert [camp.frustration for camp in camps] == [2, 1]
    g = signed_graph(kg)
    assert frustration(g, {"a", "b", "c", "d", "e"}) == 4  # as one camp: every opposes is inside
    assert frustration(g, set()) == 0


def test_a_camp_is_named_and_identified_by_its_most_central_members():
    kg = make_kg([("hub", "backs", "one"), ("hub", "backs", "two"), ("hub", "backs", "three"),
                  ("one", "backs", "hub"), ("two", "backs", "three"), ("three", "backs", "four")],
                 {"hub": "The Hub", "one": "One", "two": "Two", "three": "Three", "four": "Four"})
    (camp,) = find_camps(kg)
    assert camp.members == ("hub", "three", "one", "two", "four")
    assert camp.camp_id == "hub"
    assert camp.label == "The Hub, Three, One and 2 more"
    assert camp_label(["A"]) == "A" and camp_label(["A", "B", "C"]) == "A, B and C"


# --------------------------------------------------------------------------- RDF, SPARQL, exports


@pytest.fixture(scope="module")
def balanced_graph() -> Graph:
    kg = make_kg(BALANCED, {"a": "Alpha", "b": "Beta", "c": "Gamma", "d": "Delta", "e": "Epsilon"})
    kg.camps = find_camps(kg)
    return to_rdf(kg)


def test_camps_are_written_as_kg_camp_nodes(balanced_graph):
    camp = KGR["camp/a"]
    assert (camp, RDF.type, KG.Camp) in balanced_graph
    assert balanced_graph.value(camp, RDFS.label) == Literal("Alpha, Beta and Gamma")
    assert balanced_graph.value(camp, KG.frustration) == Literal(0)
    assert set(balanced_graph.objects(camp, KG.member)) == {KGR["country/a"], KGR["country/b"], KGR["country/c"]}
    # e, with the most ties, is the other camp's most central member
    assert set(balanced_graph.subjects(RDF.type, KG.Camp)) == {KGR["camp/a"], KGR["camp/e"]}
    conforms, report = validate(balanced_graph)
    assert conforms, report


def test_the_shapes_catch_a_camp_of_one_and_a_negative_frustration(balanced_graph):
    graph = Graph() + balanced_graph
    graph.remove((KGR["camp/e"], KG.member, KGR["country/d"]))
    graph.set((KGR["camp/a"], KG.frustration, Literal(-1)))
    conforms, report = validate(graph)
    assert not conforms
    assert "at least two members" in report and "kg:frustration" in report


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_camps_query_lists_camps_largest_first_with_their_members(balanced_graph, engine):
    assert "camps" in list_queries()
    result = run_query(balanced_graph, load_query("camps"), engine=engine)
    assert result.variables == ["camp", "campLabel", "members", "frustration", "member", "memberLabel"]
    assert [row[1:4] + row[5:] for row in result.rows] == [
        ("Alpha, Beta and Gamma", "3", "0", "Alpha"), ("Alpha, Beta and Gamma", "3", "0", "Beta"),
        ("Alpha, Beta and Gamma", "3", "0", "Gamma"),
        ("Epsilon and Delta", "2", "0", "Delta"), ("Epsilon and Delta", "2", "0", "Epsilon"),
    ]


@pytest.fixture(scope="module")
def balanced_file(balanced_graph, tmp_path_factory) -> Path:
    return write_graph(balanced_graph, tmp_path_factory.mktemp("camps"))["turtle"]


@pytest.mark.parametrize("fmt, read", [("gexf", nx.read_gexf), ("graphml", nx.read_graphml)])
def test_node_link_exports_carry_each_actors_camp(balanced_file, tmp_path, fmt, read):
    path = tmp_path / f"graph.{fmt}"
    path.write_text(export_text(balanced_file, fmt), encoding="utf-8")
    nodes = read(path).nodes
    assert nodes[str(KGR["country/b"])]["camp"] == "Alpha, Beta and Gamma"
    assert nodes[str(KGR["country/e"])]["camp"] == "Epsilon and Delta"
    assert nodes[str(KGR["country/g"])]["camp"] == ""  # opposes only: in no camp
    assert nodes[str(KGR["event/summit"])]["camp"] == ""


def test_csv_export_gives_the_camp_of_each_side(balanced_file):
    rows = list(csv.DictReader(io.StringIO(export_text(balanced_file, "csv"))))
    sides = {(r["source"].rsplit("/", 1)[1], r["relation"], r["target"].rsplit("/", 1)[1]): (r["source_camp"], r["target_camp"])
             for r in rows}
    assert sides[("a", "opposes", "d")] == ("Alpha, Beta and Gamma", "Epsilon and Delta")
    assert sides[("g", "opposes", "a")] == ("", "Alpha, Beta and Gamma")
    assert sides[("f", "attended", "summit")] == ("", "")


# --------------------------------------------------------------------------- the sample articles


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample-camps")
    result = build([INPUT], out, cache=False)
    return result.graph, out


def test_sample_articles_split_turkey_and_the_opposition_from_damascus_moscow_and_tehran(sample_build):
    graph, _ = sample_build
    camp_of = {member: camp for camp in graph.camps for member in camp.members}
    assert camp_of["turkey"] is camp_of["syrian-opposition"]
    assert camp_of["syria"] is camp_of["russia"] is camp_of["iran"]
    assert camp_of["turkey"] is not camp_of["syria"]
    assert all(len(camp.members) >= 2 and camp.frustration >= 0 for camp in graph.camps)


def test_sample_camps_are_in_the_written_graph_and_the_query(sample_build):
    graph, out = sample_build
    written = Graph().parse(out / "graph.ttl")
    assert set(written.subjects(RDF.type, KG.Camp)) == {KGR[f"camp/{camp.camp_id}"] for camp in graph.camps}
    rows = run_query(written, load_query("camps")).rows
    assert {(row[0].rsplit("/", 1)[1], row[4].rsplit("/", 1)[1]) for row in rows} == {
        (camp.camp_id, member) for camp in graph.camps for member in camp.members}
    conforms, report = validate(written)
    assert conforms, report
