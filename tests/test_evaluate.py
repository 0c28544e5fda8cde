"""kg.evaluate: gold loading, node mapping, figures, and agreement with the referee script."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from test_rdf import sample_kg

from kg.evaluate import RELATIONS, Gold, format_score, load_gold, map_node, norm, score
from kg.namespaces import KG, KGR, RDF, RDFS, SKOS, bind_prefixes
from kg.rdf import serialize, to_rdf

GOLD_DIR = Path(__file__).parent / "data" / "gold"
GOLD_TSV = GOLD_DIR / "seeds.tsv"
ALIASES_TSV = GOLD_DIR / "seeds.aliases.tsv"
REFEREE = Path(os.environ.get("KG_REFEREE", Path(__file__).resolve().parents[2] / "shared" / "tools" / "score_graph.py"))


@pytest.fixture(scope="module")
def gold() -> Gold:
    return load_gold(GOLD_TSV, ALIASES_TSV)


def hand_graph() -> Graph:
    """A small graph: 2 true positives, 2 false positives, 1 optional, 1 duplicate, 1 mistyped node."""
    g = bind_prefixes(Graph())

    def node(local: str, kind: str, label: str, *alts: str) -> URIRef:
        n = KGR[local]
        g.add((n, RDF.type, KG[kind]))
        g.add((n, RDFS.label, Literal(label)))
        for alt in alts:
            g.add((n, SKOS.altLabel, Literal(alt)))
        return n

    turkey = node("country/turkey", "Country", "Turkey", "Ankara")
    turkish_forces = node("organization/turkish-forces", "Organization", "Turkish forces")  # duplicate, mistyped
    syria = node("country/syria", "Country", "Assad regime", "Damascus")
    russia = node("country/russia", "Country", "Moscow")
    erdogan = node("person/erdogan", "Person", "Erdoğan")
    atlantis = node("country/atlantis", "Country", "Atlantis")  # not in the gold
    g.add((turkey, KG.opposes, syria))  # R: true positive
    g.add((turkish_forces, KG.opposes, syria))  # the same relation again, through the duplicate
    g.add((russia, KG.backs, syria))  # R: true positive
    g.add((russia, KG.opposes, turkey))  # O: neither counted nor false
    g.add((erdogan, KG.backs, russia))  # false positive
    g.add((atlantis, KG.opposes, turkey))  # false positive with an unmapped node
    g.add((turkey, KG.backs, Literal("peace")))  # literal objects are ignored
    return g


# --------------------------------------------------------------------------- names and gold


def test_norm():
    assert norm("The Assad regime's") == "assad regime"
    assert norm("Erdoğan") == "erdogan"
    assert norm("Hay’at Tahrir al-Sham") == "hay at tahrir al sham"
    assert norm("U.S.") == "u s"
    assert norm("Turkey\u2019s") == "turkey"


def test_load_gold(gold):
    assert len(gold.required) == 28
    assert sum(1 for t in gold.required if t[1] == "attended") == 12
    assert ("Turkey", "opposes", "Syrian government") in gold.required
    assert ("Turkey", "agreed", "Sochi Agreement") in gold.optional
    assert not gold.required & gold.optional
    assert "country" in gold.types["Turkey"] and "person" in gold.types["Hulusi Akar"]
    assert {"ankara", "turkiye", "turkish soldiers"} <= gold.aliases["Turkey"]


def test_gold_entity_without_aliases_is_an_error(tmp_path):
    gold = tmp_path / "gold.tsv"
    aliases = tmp_path / "aliases.tsv"
    gold.write_text("# comment\nTurkey\tbacks\tNarnia\tR\t000\tquote\n", encoding="utf-8")
    aliases.write_text("Turkey\tCountry\tTurkey|Ankara\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Narnia"):
        load_gold(gold, aliases)


def test_map_node(gold):
    index = gold.index()
    g = Graph()
    ankara, bare, akar, nobody = KGR["country/a"], KGR["country/Iran"], KGR["person/x"], KGR["person/y"]
    g.add((ankara, RDFS.label, Literal("the Ankara")))
    g.add((akar, RDFS.label, Literal("Acar")))
    g.add((nobody, RDFS.label, Literal("Nobody")))
    assert map_node(g, ankara, index) == "Turkey"
    assert map_node(g, bare, index) == "Iran"  # no label: the IRI's local name
    assert map_node(g, akar, index) == "Hulusi Akar"
    assert map_node(g, nobody, index) is None


# --------------------------------------------------------------------------- figures


def test_score_hand_graph(gold):
    result = score(hand_graph(), gold)
    assert result.true_positives == [("Russia", "backs", "Syrian government"), ("Turkey", "opposes", "Syrian government")]
    assert result.false_positives == [("?atlantis", "opposes", "Turkey"), ("Recep Tayyip Erdogan", "backs", "Russia")]
    assert (result.tp, result.fp, result.fn) == (2, 2, 26)
    per = {r: (s.tp, s.fp, s.fn) for r, s in result.per_relation.items()}
    assert per == {"backs": (1, 1, 2), "opposes": (1, 1, 5), "attended": (0, 0, 12), "agreed": (0, 0, 7)}
    assert result.per_relation["backs"].precision == pytest.approx(0.5)
    assert result.per_relation["backs"].recall == pytest.approx(1 / 3)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(2 / 28)
    assert result.f1 == pytest.approx(2 * 0.5 * (2 / 28) / (0.5 + 2 / 28))
    assert (result.typed_as_gold, result.mapped_nodes, result.duplicate_nodes) == (4, 5, 1)
    assert ("Russia", "opposes", "Turkey") not in result.false_positives  # optional


def test_perfect_graph(gold):
    g = Graph()
    for subject, relation, obj in gold.required:
        s, o = KGR["n/" + norm(subject).replace(" ", "-")], KGR["n/" + norm(obj).replace(" ", "-")]
        g.add((s, RDFS.label, Literal(subject)))
        g.add((o, RDFS.label, Literal(obj)))
        g.add((s, KG[relation], o))
    result = score(g, gold)
    assert (result.tp, result.fp, result.fn) == (28, 0, 0)
    assert result.f1 == 1.0
    assert format_score(result).splitlines()[-1] == "F1=1.000 P=1.000 R=1.000 tp=28 fp=0 fn=0"


def test_empty_graph(gold):
    result = score(Graph(), gold)
    assert (result.precision, result.recall, result.f1) == (0.0, 0.0, 0.0)
    assert result.fn == 28


def test_format_score(gold):
    text = format_score(score(hand_graph(), gold), show=True)
    lines = text.splitlines()
    assert lines[0] == "backs     P=0.50 R=0.33 tp=1 fp=1 fn=2"
    assert lines[4] == "entities: 4/5 mapped nodes typed as gold; 1 duplicate nodes"
    assert "MISS   Iran | backs | Syrian government" in lines
    assert "FALSE  ?atlantis | opposes | Turkey" in lines
    assert lines[-1] == "F1=0.125 P=0.500 R=0.071 tp=2 fp=2 fn=26"
    assert not any(line.startswith(("MISS", "FALSE")) for line in format_score(score(hand_graph(), gold)).splitlines())


def test_relations_are_the_four(gold):
    assert set(score(hand_graph(), gold).per_relation) == set(RELATIONS) == {"backs", "opposes", "attended", "agreed"}


# --------------------------------------------------------------------------- the referee


def referee_output(graph_path: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(REFEREE), str(graph_path), "--gold", str(GOLD_TSV), "--aliases", str(ALIASES_TSV), "--show"],
        capture_output=True, text=True, check=True,
    )
    return done.stdout


def f1_line(text: str) -> str:
    return [line for line in text.splitlines() if line.startswith("F1=")][-1]


@pytest.mark.skipif(not REFEREE.is_file(), reason=f"referee script {REFEREE} not available")
@pytest.mark.parametrize("build,fmt,name", [
    (hand_graph, "turtle", "hand.ttl"),
    (hand_graph, "json-ld", "hand.jsonld"),
    (lambda: to_rdf(sample_kg()), "turtle", "sample.ttl"),
])
def test_agrees_with_referee(tmp_path, gold, build, fmt, name):
    graph = build()
    path = tmp_path / name
    path.write_text(serialize(graph, fmt), encoding="utf-8")
    expected = referee_output(path)
    ours = format_score(score(graph, gold), show=True)
    assert f1_line(ours) == f1_line(expected)
    assert ours == expected
