"""RENDER: the knowledge graph as an interactive HTML page."""
from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from kg import render
from kg.model import (
    Assertion,
    Document,
    Entity,
    EntityKind,
    Evidence,
    KnowledgeGraph,
    Mention,
    Mode,
    RelationType,
)
from kg.render import EDGE_STYLES, NODE_STYLES, render_html

NASTY_NAME = "<script>alert(1)</script> Smith"
NASTY_SENTENCE = 'Turkey <img src=x onerror=alert(1)> opposes HTS, see the href note & more.'


def make_kg() -> KnowledgeGraph:
    documents = [
        Document("d1", "...", "in/a.txt", title="Talks in Sochi", date="2020-02-10"),
        Document("d2", "...", "in/b.txt", title="Idlib <b>offensive</b> (HREF)", date="2020-02-11"),
    ]
    entities = {
        e.entity_id: e
        for e in [
            Entity("smith", EntityKind.PERSON, NASTY_NAME, {'"Smitty"', "href"}, {"d1", "d2"}),
            Entity("turkey", EntityKind.COUNTRY, 'Turkey "quotes"', {"Ankara"}, {"d1", "d2"}),
            Entity("hts", EntityKind.ARMED_GROUP, "HTS", set(), {"d2"}),
            Entity("un", EntityKind.ORGANIZATION, "People's <Protection> & Units", set(), {"d1"}),
            Entity("sochi", EntityKind.AGREEMENT, "Sochi Agreement", set(), {"d1"}),
            Entity("talks", EntityKind.EVENT, "Sochi talks", set(), {"d1"}),
        ]
    }
    speaker = Mention("d1", 0, 5, "Smith", EntityKind.PERSON, "smith", name="Smith")
    assertions = [
        Assertion("turkey", RelationType.OPPOSES, "hts", Evidence("d2", NASTY_SENTENCE, 10, 80)),
        Assertion("turkey", RelationType.OPPOSES, "hts", Evidence("d1", "Ankara opposes HTS.", 0, 19)),
        Assertion(
            "turkey",
            RelationType.AGREED,
            "sochi",
            Evidence("d1", "Turkey signed it, Smith said.", 20, 49, Mode.REPORTED, speaker),
            speaker_id="smith",
        ),
        Assertion("smith", RelationType.ATTENDED, "talks", Evidence("d1", "Smith attended the talks.", 50, 75)),
        Assertion("smith", RelationType.BACKS, "turkey", Evidence("d2", "Smith backs Turkey.", 0, 19)),
        Assertion("un", RelationType.OPPOSES, "smith", Evidence("d1", "The units oppose Smith.", 76, 99)),
    ]
    return KnowledgeGraph(documents=documents, entities=entities, assertions=assertions)


def dataset(page: str, name: str) -> list[dict]:
    """The JSON list the page hands to ``new vis.DataSet`` for ``nodes`` or ``edges``."""
    marker = f"{name} = new vis.DataSet("
    assert page.count(marker) == 1
    value, _ = json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))
    return value


def options(page: str) -> dict:
    marker = "var options = "
    value, _ = json.JSONDecoder().raw_decode(page, page.index(marker) + len(marker))
    return value


@pytest.fixture
def page(tmp_path: Path) -> str:
    out = tmp_path / "graph.html"
    render_html(make_kg(), out)
    return out.read_text(encoding="utf-8")


def test_every_node_is_drawn_with_its_escaped_label(page):
    nodes = {n["id"]: n for n in dataset(page, "nodes")}

    assert set(nodes) == set(make_kg().entities)
    for entity in make_kg().entities.values():
        assert nodes[entity.entity_id]["label"] == html.escape(entity.label, quote=False)
    assert nodes["smith"]["label"] == "&lt;script&gt;alert(1)&lt;/script&gt; Smith"
    assert nodes["turkey"]["label"] == 'Turkey "quotes"'


def test_nodes_are_coloured_shaped_and_sized_by_kind_and_importance(page):
    nodes = {n["id"]: n for n in dataset(page, "nodes")}

    for entity in make_kg().entities.values():
        style = NODE_STYLES[entity.kind]
        assert (nodes[entity.entity_id]["color"], nodes[entity.entity_id]["shape"]) == (
            style["color"],
            style["shape"],
        )
    assert len({style["shape"] for style in NODE_STYLES.values()}) == len(EntityKind)
    assert len({style["color"] for style in NODE_STYLES.values()}) == len(EntityKind)
    # turkey and smith are related to three others each, the rest to one
    assert nodes["turkey"]["size"] == nodes["smith"]["size"] > nodes["hts"]["size"]


def test_edges_are_coloured_labelled_and_directed_by_relation(page):
    edges = dataset(page, "edges")

    assert sorted((e["from"], e["label"], e["to"]) for e in edges) == [
        ("smith", "attended", "talks"),
        ("smith", "backs", "turkey"),
        ("turkey", "agreed", "sochi"),
        ("turkey", "opposes", "hts"),
        ("un", "opposes", "smith"),
    ]
    for edge in edges:
        assert edge["color"] == EDGE_STYLES[RelationType(edge["label"])]["color"]
        assert edge["arrows"] == "to"


def test_hover_texts_are_escaped_plain_text(page):
    nodes = {n["id"]: n for n in dataset(page, "nodes")}
    edges = {(e["from"], e["label"], e["to"]): e for e in dataset(page, "edges")}

    smith = nodes["smith"]["title"]
    assert smith.startswith("Person\n&lt;script&gt;alert(1)&lt;/script&gt; Smith\n")
    assert '"Smitty"' in smith
    assert "Talks in Sochi, 2020-02-10" in smith
    assert "Idlib &lt;b&gt;offensive&lt;/b&gt;" in smith

    opposes = edges["turkey", "opposes", "hts"]["title"]
    assert "Ankara opposes HTS." in opposes
    assert "&lt;img src=x onerror=alert(1)&gt;" in opposes
    assert "&amp; more" in opposes
    assert "Evidence (2):" in opposes
    assert "[Fact]" in opposes
    agreed = " ".join(edges["turkey", "agreed", "sochi"]["title"].split())  # undo wrapping
    assert "[ReportedSpeech, according to &lt;script&gt;alert(1)&lt;/script&gt; Smith]" in agreed
    for item in [*nodes.values(), *edges.values()]:
        assert "<" not in item["title"]


def test_no_href_anywhere_in_the_data_so_pyvis_keeps_titles_as_text(page):
    items = dataset(page, "nodes") + dataset(page, "edges")

    for item in items:
        for key in ("label", "title"):
            assert "href" not in item.get(key, "").lower()
    # pyvis' link template would set the titles as innerHTML
    assert "popup.innerHTML" not in page
    # the word is still readable, only broken by a zero-width space
    assert any("see the hre\u200bf note" in e["title"] for e in dataset(page, "edges"))
    assert any("(HRE\u200bF)" in n["title"] for n in dataset(page, "nodes"))


def test_no_markup_from_the_data_reaches_the_page(page):
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "<b>offensive" not in page
    assert "<Protection>" not in page


def test_legend_lists_kinds_and_relations_right_after_body(page):
    after_body = page.split("<body>", 1)[1].lstrip()

    assert after_body.startswith('<div id="kg-legend">')
    legend = after_body.split("</div>", 1)[0]
    for kind, style in NODE_STYLES.items():
        assert f"{kind.value} ({style['shape']})" in legend
        assert f".kg-kind-{kind.value}{{color:{style['color']}}}" in page
    for relation, style in EDGE_STYLES.items():
        assert f"</span>{relation.value}</li>" in legend
        assert f".kg-rel-{relation.value}{{color:{style['color']}}}" in page


def test_physics_settles_and_libraries_are_inlined(page):
    physics = options(page)["physics"]

    assert physics["enabled"] is True
    assert physics["stabilization"]["enabled"] is True
    assert physics["stabilization"]["iterations"] > 0
    assert physics["minVelocity"] > 0
    assert "vis.Network" in page
    assert "cdnjs.cloudflare.com/ajax/libs/vis-network" not in page


def test_all_nodes_fit_so_no_truncation_message(page):
    assert "most connected" not in page


def test_large_graph_keeps_the_most_important_nodes_and_says_so(tmp_path):
    out = tmp_path / "graph.html"
    render_html(make_kg(), out, max_nodes=2)
    page = out.read_text(encoding="utf-8")

    nodes = dataset(page, "nodes")
    assert sorted(n["id"] for n in nodes) == ["smith", "turkey"]
    assert [(e["from"], e["label"], e["to"]) for e in dataset(page, "edges")] == [("smith", "backs", "turkey")]
    assert "<h1>Showing the 2 most connected of 6 nodes (and 1 of their relations)</h1>" in page


def test_page_is_written_with_write_atomic(tmp_path, monkeypatch):
    written = {}
    monkeypatch.setattr(render, "write_atomic", lambda path, data: written.update({path: data}))

    render_html(make_kg(), tmp_path / "graph.html")

    (path,) = written
    assert path == tmp_path / "graph.html"
    assert written[path].lstrip().startswith("<html>")
    assert not (tmp_path / "graph.html").exists()


def test_empty_graph_renders(tmp_path):
    out = tmp_path / "graph.html"
    render_html(KnowledgeGraph(), out)

    page = out.read_text(encoding="utf-8")
    assert dataset(page, "nodes") == []
    assert 'id="kg-legend"' in page


def test_max_nodes_must_be_positive(tmp_path):
    with pytest.raises(ValueError):
        render_html(make_kg(), tmp_path / "graph.html", max_nodes=0)
