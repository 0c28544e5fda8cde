"""RENDER: the knowledge graph as one self-contained HTML page (what is in the file; the browser tests run it)."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
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
    RelationType,
)
from kg.render import EDGE_STYLES, KIND_NAMES, MODE_TEXT, NODE_STYLES, html_page, json_for_script, render_html

# In small_kg (tests/conftest.py): smith's name, the sentence of d2 where turkey opposes hts, d2's title.
NASTY_NAME = "<script>alert(1)</script> Smith"
NASTY_SENTENCE = 'Turkey <img src=x onerror=alert(1)> opposes HTS, see the "href" note & more </script><!--.'
NASTY_TITLE = "Idlib <b>offensive</b> &amp; (HREF)"


class Elements(HTMLParser):
    """Every element of a page with its attributes, and the text of each <script>."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self.scripts.append((self._script, ""))

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def raw_data(page: str) -> str:
    """The text of the page's data element, as written in the file."""
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL)
    assert match, "no data element"
    return match.group(1)


def data(page: str) -> dict:
    return json.loads(raw_data(page))


@pytest.fixture
def page(small_kg, tmp_path: Path) -> str:
    out = tmp_path / "graph.html"
    render_html(small_kg, out)
    return out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- one file, no network


def test_page_is_one_file_that_loads_nothing(page):
    elements = Elements(page).elements

    # no element loads anything: no src, no stylesheet link, no base, no frames, no images
    assert [tag for tag, _ in elements if tag in ("link", "img", "iframe", "object", "embed", "base")] == []
    assert [(tag, attrs) for tag, attrs in elements if "src" in attrs or "href" in attrs] == []
    assert "@import" not in page
    assert not re.search(r"url\(\s*(?!['\"]?data:)", page)  # CSS only ever uses data: URLs
    # vis-network comes from the pyvis package, inlined
    assert "vis.Network" in page
    assert "cdnjs.cloudflare.com" not in page and "cdn.jsdelivr.net" not in page


def test_content_security_policy_allows_only_the_inlined_scripts(page):
    parsed = Elements(page)
    (csp,) = [a["content"] for tag, a in parsed.elements if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))

    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "data:"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    executable = [text for attrs, text in parsed.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 2  # vis-network, the viewer
    allowed = set(re.findall(r"'sha256-([^']+)'", directives["script-src"]))
    assert allowed == {base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() for t in executable}


def test_viewer_script_never_writes_markup():
    viewer = render._assets()["viewer_js"]

    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in viewer
    assert "window.network = network" in viewer


# --------------------------------------------------------------------------- data as JSON, safe in a script


def test_data_element_cannot_close_its_script(page):
    raw = raw_data(page)

    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert len(Elements(page).scripts) == page.lower().count("</script") == 3
    for markup in ("<script>alert(1)", "<img src=x", "<b>offensive", "<Protection>", "<!--."):
        assert markup not in page


def test_json_for_script_round_trips_and_escapes():
    value = {"s": "</script><!-- & \u2028 \"x\" 'y'", "n": [1, 2.5, None, True]}
    text = json_for_script(value)

    assert json.loads(text) == value
    assert "<" not in text and ">" not in text and "&" not in text
    assert json_for_script("</script>") == '"\\u003c/script\\u003e"'


def test_text_is_kept_as_written_not_html_escaped(page):
    """The page shows data with textContent and the canvas, so the data must not be pre-escaped."""
    nodes = {n["id"]: n for n in data(page)["nodes"]}
    edges = {(e["from"], e["relation"], e["to"]): e for e in data(page)["edges"]}

    assert nodes["smith"]["label"] == NASTY_NAME
    assert nodes["ypg"]["label"] == "People's <Protection> & Units"
    sentences = [ev["sentence"] for ev in edges["turkey", "opposes", "hts"]["evidence"]]
    assert NASTY_SENTENCE in sentences
    assert data(page)["documents"]["d2"]["title"] == NASTY_TITLE
    assert data(page)["documents"]["d2"]["url"] == "javascript:alert(1)"  # the viewer shows it as text


# --------------------------------------------------------------------------- readable


def test_every_node_is_there_coloured_shaped_and_sized_by_kind_and_importance(small_kg, page):
    nodes = {n["id"]: n for n in data(page)["nodes"]}

    assert set(nodes) == set(small_kg.entities)
    for entity in small_kg.entities.values():
        node, style = nodes[entity.entity_id], NODE_STYLES[entity.kind]
        assert node["shape"] == style["shape"]
        assert node["color"]["background"] == style["color"]
        assert node["kind"] == entity.kind.value
        assert node["documents"] == sorted(entity.documents)
    assert len({s["shape"] for s in NODE_STYLES.values()}) == len({s["color"] for s in NODE_STYLES.values()}) == 6
    # turkey and smith are related to three others each, the rest to one
    assert nodes["turkey"]["size"] == nodes["smith"]["size"] > nodes["hts"]["size"]
    assert nodes["turkey"]["font"]["size"] > nodes["hts"]["font"]["size"]
    assert nodes["turkey"]["importance"] == pytest.approx(0.6)


def test_other_names_exclude_the_label(page):
    nodes = {n["id"]: n for n in data(page)["nodes"]}

    assert nodes["smith"]["names"] == ['"Smitty"', "J. Smith", "href"]
    assert nodes["turkey"]["names"] == ["Ankara"]


def test_edges_are_coloured_tipped_and_dashed_by_relation(page):
    edges = data(page)["edges"]

    assert sorted((e["from"], e["relation"], e["to"]) for e in edges) == [
        ("smith", "attended", "talks"),
        ("smith", "backs", "turkey"),
        ("turkey", "agreed", "sochi"),
        ("turkey", "opposes", "hts"),
        ("ypg", "opposes", "smith"),
    ]
    assert len({e["id"] for e in edges}) == len(edges)
    for edge in edges:
        style = EDGE_STYLES[RelationType(edge["relation"])]
        assert edge["color"]["color"] == style["color"]
        assert edge["arrows"] == {"to": {"enabled": True, "type": style["arrow"]}}
        assert edge["dashes"] is style["dashes"]
        assert edge["length"] == style["length"]
        assert edge["width"] == style["width"] + 0.5 * len(edge["evidence"])
    # opponents are pushed further apart than allies
    assert EDGE_STYLES[RelationType.OPPOSES]["length"] > EDGE_STYLES[RelationType.BACKS]["length"]
    assert EDGE_STYLES[RelationType.OPPOSES]["arrow"] != EDGE_STYLES[RelationType.BACKS]["arrow"]


def test_evidence_lists_sentences_documents_and_modes(page):
    payload = data(page)
    edges = {(e["from"], e["relation"], e["to"]): e for e in payload["edges"]}

    opposes = edges["turkey", "opposes", "hts"]["evidence"]
    assert [(ev["doc_id"], ev["mode"]) for ev in opposes] == [("d1", "Fact"), ("d2", "Future")]
    (agreed,) = edges["turkey", "agreed", "sochi"]["evidence"]
    assert (agreed["mode"], agreed["speaker"]) == ("ReportedSpeech", NASTY_NAME)
    assert payload["documents"]["d1"] == {
        "title": "Talks in Sochi", "date": "2020-02-10", "url": "https://example.org/a?x=1&y=2", "source": "Example News",
    }
    assert payload["modes"] == MODE_TEXT
    assert payload["articles"] == 2
    assert payload["kinds"] == {kind.value: name for kind, name in KIND_NAMES.items()}


def test_hover_texts_are_plain_text_summaries(page):
    nodes = {n["id"]: n for n in data(page)["nodes"]}
    edges = {(e["from"], e["relation"], e["to"]): e for e in data(page)["edges"]}

    smith = nodes["smith"]["title"]
    assert smith.startswith(f"{NASTY_NAME} (Person)\n")
    assert 'Also: "Smitty", J. Smith, href' in smith
    assert "In 2 documents." in smith
    opposes = edges["turkey", "opposes", "hts"]["title"]
    assert opposes.startswith('Turkey "quotes" opposes HTS\n')
    assert "\u201cAnkara opposes HTS.\u201d" in opposes
    assert "<img src=x onerror=alert(1)>" in " ".join(opposes.split())
    assert f"\u2014 Talks in Sochi, 2020-02-10 [{MODE_TEXT['Fact']}]" in opposes
    agreed = " ".join(edges["turkey", "agreed", "sochi"]["title"].split())  # undo wrapping
    assert f"[{MODE_TEXT['ReportedSpeech']}, according to {NASTY_NAME}]" in agreed
    backs = edges["smith", "backs", "turkey"]["title"]
    assert f"[{MODE_TEXT['Future']}]" in backs


def test_legend_lists_every_kind_and_relation_with_counts_and_filters(page):
    elements = Elements(page).elements
    boxes = [a for tag, a in elements if tag == "input" and a.get("type") == "checkbox"]

    assert [a["data-kind"] for a in boxes if "data-kind" in a] == [kind.value for kind in EntityKind]
    assert [a["data-relation"] for a in boxes if "data-relation" in a] == [r.value for r in RelationType]
    assert all("checked" in a for a in boxes)
    legend = page.split('<section id="kg-legend"', 1)[1].split("</section>", 1)[0]
    for kind, name in KIND_NAMES.items():
        assert f'<span class="kg-name">{name}</span><span class="kg-count">1</span>' in legend
        assert f'fill="{NODE_STYLES[kind]["color"]}"' in legend
    counts = {"backs": 1, "opposes": 2, "attended": 1, "agreed": 1}
    for relation, style in EDGE_STYLES.items():
        assert f'<span class="kg-name">{relation.value}</span><span class="kg-count">{counts[relation.value]}</span>' in legend
        assert f'stroke="{style["color"]}"' in legend


def test_layout_settles_with_a_fixed_seed(page):
    options = data(page)["options"]

    assert options["physics"]["enabled"] is True  # the viewer turns it off once laid out
    assert options["physics"]["stabilization"]["enabled"] is True
    assert options["physics"]["stabilization"]["iterations"] == render.MAX_ITERATIONS
    assert options["layout"]["randomSeed"] == 7
    assert options["interaction"]["hover"] is True


def test_large_graphs_get_a_shorter_layout_and_straight_edges():
    assert render._iterations(100, 500) == render.MAX_ITERATIONS
    assert render._iterations(2000, 10000) == render.MIN_ITERATIONS
    assert render.MIN_ITERATIONS < render._iterations(500, 1500) < render.MAX_ITERATIONS
    kg = KnowledgeGraph(
        entities={f"n{i}": Entity(f"n{i}", EntityKind.PERSON, f"N{i}") for i in range(render.LARGE + 1)},
        assertions=[Assertion("n0", RelationType.BACKS, "n1", Evidence("d", "S.", 0, 2))],
    )
    (edge,) = data(html_page(kg))["edges"]
    assert edge["smooth"] is False


# --------------------------------------------------------------------------- scale


def test_all_nodes_fit_so_no_notice(page):
    assert 'id="kg-notice"' not in page


def test_large_graph_keeps_the_most_important_nodes_and_says_so(small_kg, tmp_path):
    out = tmp_path / "graph.html"
    render_html(small_kg, out, max_nodes=2)
    page = out.read_text(encoding="utf-8")

    assert sorted(n["id"] for n in data(page)["nodes"]) == ["smith", "turkey"]
    assert [(e["from"], e["relation"], e["to"]) for e in data(page)["edges"]] == [("smith", "backs", "turkey")]
    assert ("This view shows only the 2 most connected of 6 nodes, with 1 of the 5 relations; "
            "graph.ttl holds them all.") in page
    # only the documents of what is shown
    assert sorted(data(page)["documents"]) == ["d1", "d2"]


def test_edge_limit_also_cuts_the_view(small_kg, tmp_path):
    page = html_page(small_kg, max_edges=1)

    assert len(data(page)["edges"]) <= 1
    assert "This view shows only" in page


def test_page_is_written_with_write_atomic(small_kg, tmp_path, monkeypatch):
    written = {}
    monkeypatch.setattr(render, "write_atomic", lambda path, text: written.update({path: text}))

    render_html(small_kg, tmp_path / "graph.html")

    (path,) = written
    assert path == tmp_path / "graph.html"
    assert written[path].startswith("<!DOCTYPE html>")
    assert not (tmp_path / "graph.html").exists()


def test_empty_graph_renders(tmp_path):
    page = html_page(KnowledgeGraph())

    assert data(page)["nodes"] == [] and data(page)["edges"] == []
    assert 'id="kg-legend"' in page


@pytest.mark.parametrize("limits", [{"max_nodes": 0}, {"max_edges": -1}])
def test_limits_must_be_sensible(small_kg, tmp_path, limits):
    with pytest.raises(ValueError):
        render_html(small_kg, tmp_path / "graph.html", **limits)


# --------------------------------------------------------------------------- kg build --max-nodes


@pytest.fixture
def plain_kg(small_kg) -> KnowledgeGraph:
    """small_kg with ordinary text, so that the RDF outputs can be written too."""
    kg = small_kg
    kg.documents = [Document("d1", "...", "in/a.txt", title="Talks", date="2020-02-10"),
                    Document("d2", "...", "in/b.txt", title="Idlib", date="2020-02-11")]
    kg.entities["smith"].label = "John Smith"
    kg.entities["smith"].alt_labels = {"Smith"}
    kg.entities["ypg"].label = "People's Protection Units"
    kg.entities["turkey"].label = "Turkey"
    return kg


def test_kg_build_max_nodes_limits_only_the_page(plain_kg, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import kg.build
    from kg.cli import app

    monkeypatch.setattr(kg.build, "extract_graph", lambda *args, **kwargs: (plain_kg, []))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(tmp_path / "in"), "--out", str(out), "--max-nodes", "2",
                                      "--no-cache"])

    assert result.exit_code == 0, result.output
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert sorted(n["id"] for n in data(page)["nodes"]) == ["smith", "turkey"]
    assert "This view shows only the 2 most connected of 6 nodes" in page
    assert "People's Protection Units" in (out / "graph.ttl").read_text(encoding="utf-8")  # the Turtle keeps everything

    kg.build.write_outputs(plain_kg, tmp_path / "default")
    assert len(data((tmp_path / "default" / "graph.html").read_text(encoding="utf-8"))["nodes"]) == 6


def test_title_names_the_corpus_and_counts_read_well():
    one = KnowledgeGraph(
        documents=[Document("d1", "...", "a.txt")],
        entities={"turkey": Entity("turkey", EntityKind.COUNTRY, "Turkey", documents={"d1"}),
                  "hts": Entity("hts", EntityKind.ARMED_GROUP, "HTS", documents={"d1"})},
        assertions=[Assertion("turkey", RelationType.OPPOSES, "hts", Evidence("d1", "Turkey opposes HTS.", 0, 19))],
    )
    page = html_page(one, corpus="idlib <2020>")
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert title == "idlib &lt;2020&gt;: knowledge graph, 2 nodes, 1 relation"
    assert "1 relation from 1 article<" in page
    assert "1 relations" not in page and "1 articles" not in page
    assert "<title>Knowledge graph, " in html_page(one)  # no corpus given
