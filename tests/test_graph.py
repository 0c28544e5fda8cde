"""GRAPH: the KnowledgeGraph as a networkx graph, importance and summary counts."""
from __future__ import annotations

import networkx as nx
import pytest

from kg.graph import importance, most_important, summary, to_networkx
from kg.model import (
    Assertion,
    EntityKind,
    Evidence,
    KnowledgeGraph,
    Mention,
    Mode,
    RelationType,
)

# In small_kg (tests/conftest.py): smith's name, the sentence of d2 where turkey opposes hts, d2's title.
NASTY_NAME = "<script>alert(1)</script> Smith"
NASTY_SENTENCE = 'Turkey <img src=x onerror=alert(1)> opposes HTS, see the "href" note & more </script><!--.'
NASTY_TITLE = "Idlib <b>offensive</b> &amp; (HREF)"


def test_nodes_carry_kind_labels_and_sorted_lists(small_kg):
    g = to_networkx(small_kg)

    assert isinstance(g, nx.MultiDiGraph)
    assert sorted(g.nodes) == ["hts", "smith", "sochi", "talks", "turkey", "ypg"]
    assert g.nodes["smith"] == {
        "kind": "Person",
        "label": NASTY_NAME,
        "alt_labels": ['"Smitty"', NASTY_NAME, "J. Smith", "href"],
        "documents": ["d1", "d2"],
    }
    assert g.nodes["ypg"]["kind"] == "Organization"
    assert g.nodes["hts"]["alt_labels"] == []


def test_one_edge_per_distinct_triple_keyed_by_relation(small_kg):
    g = to_networkx(small_kg)

    assert sorted(g.edges(keys=True)) == [
        ("smith", "talks", "attended"),
        ("smith", "turkey", "backs"),
        ("turkey", "hts", "opposes"),
        ("turkey", "sochi", "agreed"),
        ("ypg", "smith", "opposes"),
    ]
    assert g.edges["turkey", "hts", "opposes"]["relation"] == "opposes"


def test_evidence_of_a_triple_is_merged_deduplicated_and_in_document_order(small_kg):
    edge = to_networkx(small_kg).edges["turkey", "hts", "opposes"]

    assert edge["documents"] == ["d1", "d2"]
    assert edge["evidence"] == [
        {
            "sentence": "Ankara opposes HTS.",
            "doc_id": "d1",
            "title": "Talks in Sochi",
            "date": "2020-02-10",
            "url": "https://example.org/a?x=1&y=2",
            "mode": "Fact",
            "speaker": None,
        },
        {
            "sentence": NASTY_SENTENCE,
            "doc_id": "d2",
            "title": NASTY_TITLE,
            "date": "2020-02-11",
            "url": "javascript:alert(1)",
            "mode": "Future",
            "speaker": None,
        },
    ]


def test_evidence_names_mode_and_speaker(small_kg):
    g = to_networkx(small_kg)

    (agreed,) = g.edges["turkey", "sochi", "agreed"]["evidence"]
    assert agreed["mode"] == "ReportedSpeech"
    assert agreed["speaker"] == NASTY_NAME  # the speaker entity's label
    (backs,) = g.edges["smith", "turkey", "backs"]["evidence"]
    assert backs["mode"] == "Future"


def test_speaker_falls_back_to_the_mention_name(small_kg):
    kg = small_kg
    speaker = Mention("d1", 0, 5, "he", EntityKind.PERSON, "smith", name="Mr Smith")
    kg.assertions = [
        Assertion("turkey", RelationType.BACKS, "hts", Evidence("d1", "He said so.", 0, 11, Mode.REPORTED, speaker))
    ]

    (ev,) = to_networkx(kg).edges["turkey", "hts", "backs"]["evidence"]
    assert ev["speaker"] == "Mr Smith"


def test_evidence_from_an_unknown_document_has_no_title(small_kg):
    kg = small_kg
    kg.assertions = [Assertion("turkey", RelationType.BACKS, "hts", Evidence("gone", "S.", 0, 2))]

    (ev,) = to_networkx(kg).edges["turkey", "hts", "backs"]["evidence"]
    assert (ev["doc_id"], ev["title"], ev["date"], ev["url"]) == ("gone", None, None, None)


def test_assertion_about_an_unknown_entity_is_an_error(small_kg):
    kg = small_kg
    kg.assertions.append(Assertion("turkey", RelationType.BACKS, "nobody", Evidence("d1", "S.", 0, 2)))

    with pytest.raises(ValueError, match="nobody"):
        to_networkx(kg)


def test_empty_graph():
    g = to_networkx(KnowledgeGraph())

    assert g.number_of_nodes() == 0
    assert importance(g) == {}


def test_importance_is_degree_centrality_of_the_undirected_simple_view(small_kg):
    scores = importance(to_networkx(small_kg))

    # turkey: hts, sochi, smith; smith: talks, turkey, ypg; 5 other nodes each
    assert scores == pytest.approx(
        {"hts": 0.2, "smith": 0.6, "sochi": 0.2, "talks": 0.2, "turkey": 0.6, "ypg": 0.2}
    )
    assert list(scores) == sorted(scores)


def test_importance_ignores_direction_parallel_edges_and_self_loops():
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="backs")
    g.add_edge("a", "b", key="opposes")
    g.add_edge("b", "a", key="backs")
    g.add_edge("a", "a", key="backs")
    g.add_node("c")

    assert importance(g) == {"a": 0.5, "b": 0.5, "c": 0.0}
    assert importance(g) == importance(g.copy())


def test_most_important_keeps_the_best_connected_nodes_and_their_edges(small_kg):
    g = to_networkx(small_kg)

    top = most_important(g, 2)
    assert sorted(top) == ["smith", "turkey"]
    assert sorted(top.edges(keys=True)) == [("smith", "turkey", "backs")]
    assert top.nodes["smith"] == g.nodes["smith"]
    assert top.edges["smith", "turkey", "backs"] == g.edges["smith", "turkey", "backs"]
    # ties go by label: hts, sochi, talks and ypg have 0.2 each, and "HTS" sorts first
    assert sorted(most_important(g, 3)) == ["hts", "smith", "turkey"]


def test_most_important_stops_before_the_edge_limit(small_kg):
    g = to_networkx(small_kg)

    # smith (first of the two at 0.6, by label) alone has no edge; with turkey comes 1; with hts (the next) 2
    assert sorted(most_important(g, 6, max_edges=1)) == ["smith", "turkey"]
    assert most_important(g, 6, max_edges=0).number_of_nodes() == 1
    assert most_important(g, 6, max_edges=4).number_of_edges() == 4


def test_most_important_counts_self_loops_and_parallel_edges():
    g = nx.MultiDiGraph()
    g.add_edge("a", "a", key="backs", label="A")
    g.add_edge("a", "b", key="backs")
    g.add_edge("b", "a", key="opposes")
    g.add_node("c")
    for node in g:
        g.nodes[node]["label"] = node

    assert most_important(g, 3, max_edges=2).number_of_edges() <= 2
    assert sorted(most_important(g, 3, max_edges=3)) == ["a", "b", "c"]
    assert sorted(most_important(g, 3, max_edges=2)) == ["a"]


def test_most_important_returns_a_copy_when_everything_fits(small_kg):
    g = to_networkx(small_kg)

    whole = most_important(g, 100, max_edges=100)
    assert whole is not g
    assert sorted(whole.edges(keys=True)) == sorted(g.edges(keys=True))


@pytest.mark.parametrize("limits", [{"max_nodes": 0}, {"max_nodes": 5, "max_edges": -1}])
def test_most_important_limits_must_be_sensible(small_kg, limits):
    with pytest.raises(ValueError):
        most_important(to_networkx(small_kg), **limits)


def test_summary_counts(small_kg):
    assert summary(small_kg) == {
        "nodes": {
            "Person": 1,
            "Country": 1,
            "Organization": 1,
            "ArmedGroup": 1,
            "Agreement": 1,
            "Event": 1,
        },
        "relations": {"backs": 1, "opposes": 2, "attended": 1, "agreed": 1},
        "assertions": 7,
    }


def test_summary_of_an_empty_graph_lists_every_kind_and_relation():
    counts = summary(KnowledgeGraph())

    assert counts["nodes"] == {kind.value: 0 for kind in EntityKind}
    assert counts["relations"] == {relation.value: 0 for relation in RelationType}
    assert counts["assertions"] == 0


def test_most_important_keeps_the_order_of_the_graph_whatever_the_hash_seed():
    # A subgraph view of a set would list nodes in hash order, which changes between runs.
    g = nx.MultiDiGraph()
    for i in range(200):
        g.add_node(f"n{i:03d}", label=f"N{i:03d}")
    for i in range(1, 200):
        g.add_edge("n000", f"n{i:03d}", key="backs")
        g.add_edge(f"n{i:03d}", f"n{(i % 199) + 1:03d}", key="opposes")

    top = most_important(g, 20)
    assert list(top) == [n for n in g if n in top]
    assert list(top.edges(keys=True)) == [e for e in g.edges(keys=True) if e[0] in top and e[1] in top]
