"""RENDER: the knowledge graph as one self-contained HTML page (what is in the file; the browser tests run it)."""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from kg import render
from kg.model import (
    Assertion,
    Camp,
    Document,
    Entity,
    EntityKind,
    Evidence,
    KnowledgeGraph,
    Mode,
    RelationType,
)
from kg.render import (
    CAMP_COLORS,
    CONTESTED,
    DENIED_DASHES,
    EDGE_STYLES,
    KIND_NAMES,
    MODE_TEXT,
    NODE_STYLES,
    OTHER_CAMP_COLOR,
    camp_layout,
    date_span,
    html_page,
    json_for_script,
    render_html,
)
from kg.schema import MODES

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
    filters = [a for a in boxes if {"data-kind", "data-relation", "data-mode", "data-camp"} & set(a)]
    assert all("checked" in a for a in filters)  # everything shown at first
    options = {a["id"]: a for a in boxes if "id" in a}
    assert "checked" not in options["kg-contested"]
    assert "kg-undated" not in options  # every statement of small_kg has a date
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


# --------------------------------------------------------------------------- camps, time, modes, sources, contested (camps_kg)


def triples(page: str) -> dict[tuple[str, str, str], dict]:
    return {(e["from"], e["relation"], e["to"]): e for e in data(page)["edges"]}


def test_camps_are_listed_most_members_first_with_a_colour_each(camps_kg):
    page = html_page(camps_kg)
    camps = data(page)["camps"]
    nodes = {n["id"]: n for n in data(page)["nodes"]}

    assert [(c["id"], c["members"], c["size"], c["frustration"], c["color"]) for c in camps] == [
        ("camp-syria", ["syria", "russia", "iran"], 3, 0, CAMP_COLORS[0]),
        ("camp-turkey", ["turkey", "opposition"], 2, 1, CAMP_COLORS[1]),
    ]
    assert camps[0]["label"] == "Syria, Russia <i>&</i> Iran"  # as written: the page shows it as text
    assert {n: node["camp"] for n, node in nodes.items() if node["camp"]} == {
        "syria": "camp-syria", "russia": "camp-syria", "iran": "camp-syria", "turkey": "camp-turkey",
        "opposition": "camp-turkey"}
    assert nodes["un"]["camp"] is None and nodes["talks"]["camp"] is None
    assert "Camp: Syria, Russia <i>&</i> Iran" in nodes["russia"]["title"]


def test_camp_legend_lists_each_camp_and_the_rest_with_counts(camps_kg):
    page = html_page(camps_kg)
    boxes = [a for tag, a in Elements(page).elements if tag == "input" and "data-camp" in a]
    legend = page.split('<section id="kg-legend"', 1)[1].split("</section>", 1)[0]

    assert [a["data-camp"] for a in boxes] == ["camp-syria", "camp-turkey", ""]
    assert '<span class="kg-name">Syria, Russia &lt;i&gt;&amp;&lt;/i&gt; Iran</span><span class="kg-count">3</span>' in legend
    assert '<span class="kg-name">Turkey</span><span class="kg-count">2</span>' in legend
    assert '<span class="kg-name">in no camp</span><span class="kg-count">4</span>' in legend  # un, hts, erdogan, talks
    assert f'fill="{CAMP_COLORS[0]}"' in legend and f'fill="{CAMP_COLORS[1]}"' in legend


def test_a_graph_without_camps_has_no_camp_legend_and_no_set_positions(page):
    assert data(page)["camps"] == []
    assert not [a for tag, a in Elements(page).elements if "data-camp" in a]
    assert not any("x" in n or "y" in n for n in data(page)["nodes"])
    assert data(page)["options"]["physics"]["enabled"] is True


def test_camps_past_the_palette_share_one_grey(camps_kg):
    kg = camps_kg
    kg.entities.update({f"p{i}": Entity(f"p{i}", EntityKind.PERSON, f"P{i}") for i in range(len(CAMP_COLORS) + 2)})
    kg.camps += [Camp(f"small-{i}", f"P{i}", (f"p{i}",), 0) for i in range(len(CAMP_COLORS) + 2)]
    camps = data(html_page(kg))["camps"]

    assert [c["color"] for c in camps] == list(CAMP_COLORS) + [OTHER_CAMP_COLOR] * 4
    assert [c["named"] for c in camps] == [True] * len(CAMP_COLORS) + [False] * 4


def test_a_camp_starts_on_a_disc_of_its_own(camps_kg):
    nodes = {n["id"]: n for n in data(html_page(camps_kg))["nodes"]}
    where = {n: (node["x"], node["y"]) for n, node in nodes.items()}

    assert set(where) == set(camps_kg.entities)
    assert where["syria"] == (0.0, 0.0)  # the most central member of the largest camp, in the middle
    for a, b in [("russia", "iran"), ("turkey", "opposition")]:
        for other in ("syria", "russia", "iran", "turkey", "opposition"):
            if other not in (a, b) and nodes[other]["camp"] != nodes[a]["camp"]:
                assert math.dist(where[a], where[b]) < math.dist(where[a], where[other])
    # a small graph is still laid out by physics, from these positions
    assert data(html_page(camps_kg))["options"]["physics"]["enabled"] is True


def test_camp_layout_places_every_node_near_its_camp():
    g = nx.MultiDiGraph([("a1", "a2"), ("a1", "a3"), ("b1", "b2"), ("e", "a1"), ("e", "a2"), ("e", "b1"), ("x", "y")])
    g.add_node("lonely")
    pos = camp_layout(g, [["a1", "a2", "a3"], ["b1", "b2"], ["nowhere"]])

    assert set(pos) == set(g)
    centre = {camp: tuple(sum(pos[m][k] for m in members) / len(members) for k in (0, 1))
              for camp, members in {"a": ["a1", "a2", "a3"], "b": ["b1", "b2"]}.items()}
    assert math.dist(pos["e"], centre["a"]) < math.dist(pos["e"], centre["b"])  # two of its three neighbours are in a
    for node in ("x", "y", "lonely"):  # no neighbour in a camp: a group of their own, away from both
        assert min(math.dist(pos[node], c) for c in centre.values()) > math.dist(pos["a1"], pos["a3"])
    assert len(set(pos.values())) == len(pos)  # no two on the same spot
    assert camp_layout(g, [["a1", "a2", "a3"], ["b1", "b2"]]) == camp_layout(g.copy(), [["a1", "a2", "a3"], ["b1", "b2"]])


def test_a_large_graph_with_camps_is_drawn_as_laid_out(camps_kg):
    kg = camps_kg
    extra = {f"p{i}": Entity(f"p{i}", EntityKind.PERSON, f"P{i}") for i in range(render.LARGE)}
    kg.entities.update(extra)
    kg.camps[1] = Camp("camp-turkey", "Turkey", ("turkey", "opposition", *extra), 1)
    options = data(html_page(kg))["options"]

    assert options["physics"]["enabled"] is False and options["physics"]["stabilization"]["enabled"] is False
    assert all("x" in n for n in data(html_page(kg))["nodes"])


def test_statements_carry_their_own_date_and_its_span(camps_kg):
    edges = triples(html_page(camps_kg))

    ((russia,), (un,), (opposes,)) = (edges[t]["evidence"] for t in [
        ("russia", "backs", "syria"), ("russia", "opposes", "un"), ("turkey", "opposes", "hts")])
    assert (russia["date"], russia["when"]) == ("2018-09", ["2018-09-01", "2018-09-30"])  # the sentence's, not d1's
    assert (opposes["date"], opposes["when"]) == ("2020", ["2020-01-01", "2020-12-31"])
    assert (un["date"], un["when"]) == (None, None)  # d4 has no date
    payload = data(html_page(camps_kg))
    assert payload["days"] == ["2018-09-01", "2020-01-01", "2020-01-15", "2020-02-10"]
    assert "\u2014 Idlib talks, 2018-09 [" in edges["russia", "backs", "syria"]["title"]  # the hover text too


def test_a_statement_without_its_own_date_takes_its_article_s(small_kg):
    edges = triples(html_page(small_kg))
    (backs,) = edges["smith", "backs", "turkey"]["evidence"]

    assert (backs["date"], backs["when"]) == ("2020-02-11", ["2020-02-11", "2020-02-11"])


@pytest.mark.parametrize("text, span", [
    ("2020-02", ("2020-02-01", "2020-02-29")),  # a leap year
    ("2019-02", ("2019-02-01", "2019-02-28")),
    ("2020-12-31", ("2020-12-31", "2020-12-31")),
    ("2020-13", None), ("2020-1-5", None), ("20201", None), ("", None), ("2020-02-10T10:00", None),
])
def test_date_span(text, span):
    assert date_span(text) == span


def test_time_filter_spans_the_dates_present_and_counts_the_undated(camps_kg):
    page = html_page(camps_kg)
    inputs = {a["id"]: a for tag, a in Elements(page).elements if tag == "input" and "id" in a}

    assert (inputs["kg-from"]["type"], inputs["kg-from"]["min"], inputs["kg-from"]["max"]) == ("date", "2018-09-01", "2020-12-31")
    assert (inputs["kg-to"]["min"], inputs["kg-to"]["max"]) == ("2018-09-01", "2020-12-31")
    assert inputs["kg-time"]["type"] == "range"
    assert re.search(r'with a date set, keep the undated</span><span class="kg-count">1<', page)


def test_no_dated_statement_no_time_filter():
    kg = KnowledgeGraph(
        entities={"a": Entity("a", EntityKind.PERSON, "A"), "b": Entity("b", EntityKind.PERSON, "B")},
        assertions=[Assertion("a", RelationType.BACKS, "b", Evidence("d", "A backs B.", 0, 9))],
    )
    page = html_page(kg)

    assert 'id="kg-from"' not in page and "No statement is dated." in page
    assert data(page)["days"] == []


def test_mode_filter_lists_every_mode_of_the_schema_with_counts(camps_kg):
    page = html_page(camps_kg)
    boxes = [a for tag, a in Elements(page).elements if tag == "input" and "data-mode" in a]
    legend = page.split('<section id="kg-legend"', 1)[1].split("</section>", 1)[0]

    assert [a["data-mode"] for a in boxes] == [mode.value for mode in MODES]  # a new mode appears by itself
    counts = {Mode.FACT: 6, Mode.REPORTED: 1, Mode.FUTURE: 1}
    for mode, statement in MODES.items():
        count = counts.get(mode, 0)
        assert f'<span class="kg-name">{statement.phrase}</span><span class="kg-count">{count}</span>' in legend


def test_sources_are_the_outlets_of_the_articles_shown(camps_kg):
    assert data(html_page(camps_kg))["sources"] == ["Daily Two", "Wire One"]


def test_contested_edges_are_marked_and_their_statements_flagged(camps_kg):
    page = html_page(camps_kg)
    edges = triples(page)

    marked = {t for t, e in edges.items() if e["contested"]}
    assert marked == {("turkey", "backs", "hts"), ("turkey", "opposes", "hts")}
    for t, edge in edges.items():
        if t in marked:
            assert edge["shadow"] == {"enabled": True, "color": CONTESTED["color"], "size": CONTESTED["size"], "x": 0, "y": 0}
            assert all(ev["contested"] for ev in edge["evidence"])
            assert "Contested: the sources disagree." in edge["title"]
        else:
            assert "shadow" not in edge and not any(ev["contested"] for ev in edge["evidence"])
    assert re.search(r'only the contested</span><span class="kg-count">2<', page)
    (reported,) = edges["turkey", "backs", "hts"]["evidence"]
    assert (reported["mode"], reported["speaker"], reported["date"]) == ("ReportedSpeech", "Erdogan", "2020-01-15")


def test_contested_when_any_assertion_of_a_statement_is(camps_kg):
    kg = camps_kg
    first = kg.assertions[0]
    kg.assertions.append(Assertion(first.subject_id, first.relation, first.object_id, first.evidence, contested=True))
    (row,) = triples(html_page(kg))["russia", "backs", "syria"]["evidence"]  # the same statement twice: one row

    assert row["contested"] is True


def test_an_edge_only_denied_is_dotted(camps_kg, monkeypatch):
    """Denial modes are read generically (Mode.DENIED where the schema has it); here a mode stands in for one."""
    denial = getattr(Mode, "DENIED", Mode.FUTURE)
    monkeypatch.setattr(render, "DENIAL_MODES", frozenset({denial}))
    kg = camps_kg
    kg.assertions.append(Assertion("iran", RelationType.BACKS, "hts", Evidence("d3", "Iran denied arming HTS.", 0, 23, denial),
                                   speaker_id="iran"))
    page = html_page(kg)
    edges = triples(page)

    assert data(page)["denials"] == [denial.value]
    assert edges["iran", "backs", "hts"]["dashes"] == DENIED_DASHES
    assert edges["iran", "backs", "syria"]["dashes"] is False
    (row,) = edges["iran", "backs", "hts"]["evidence"]
    assert row["speaker"] == "Iran"
