"""VIEWER in a real browser: graph.html in headless Chromium, driven by playwright, with the network cut.

Every request to a URL that is not a file:// URL is blocked and counted. The page is
built from the sample articles plus a hostile article (script tags, an onerror
image, a javascript: URL, HTML entities), then every node and edge is hovered and
clicked. Where Chromium or playwright cannot be had, the module is skipped and the
reason is printed in the warnings summary, never passed silently.

KG_CHROMIUM names another Chromium binary; KG_SCREENSHOTS names a folder to keep
the screenshots in (they go to a temporary folder otherwise).
"""
from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1400, "height": 900}


def _why_no_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"playwright is not installed ({error}); pip install -e '.[test]' installs it"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}; bash .ci/install-system installs Debian's chromium"
    return None


_REASON = _why_no_browser()
if _REASON is not None:
    warnings.warn(f"browser tests skipped: {_REASON}", stacklevel=1)
    pytest.skip(_REASON, allow_module_level=True)

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from kg.build import build  # noqa: E402
from kg.graph import to_networkx  # noqa: E402
from kg import render  # noqa: E402
from kg.model import Assertion, Camp, Entity, EntityKind, Evidence, KnowledgeGraph, Mode, RelationType  # noqa: E402
from kg.render import CAMP_COLORS, EDGE_STYLES, KIND_NAMES, MODE_TEXT, render_html  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "input"

PWN = "window.__pwned=1"
HOSTILE_TITLE = f"<script>{PWN}</script> Iran &lt;b&gt;backs&lt;/b&gt; Hezbollah"
HOSTILE_SENTENCE = f"Iran backs Hezbollah, the group said <script>{PWN}</script> on Monday."
HOSTILE_JSONL = {
    "title": HOSTILE_TITLE,
    "date": "2020-02-20",
    "url": f"javascript:{PWN}",
    "source": f'<img src=x onerror="{PWN}">',
    "text": (
        f"{HOSTILE_SENTENCE}\n"
        f'Russia opposes Turkey <img src=x onerror="{PWN}"> in Idlib, &lt;b&gt;officials&lt;/b&gt; said.\n'
        f'The United States backs Israel, see <a href="javascript:{PWN}">this</a>.\n'
    ),
}
HOSTILE_TXT = (
    f"Ankara <script>{PWN}</script> news\n\n"
    f"Turkey backs the Syrian opposition <img src=x onerror=\"{PWN}\"> &amp; its fighters.\n"
)

# Page coordinates (whole pixels, as mouse events have them) where the mouse hits a
# node, or an edge and nothing else; "hit" is false when no such point was found.
JS_NODE_POINT = """id => {
  const box = document.getElementById('mynetwork').getBoundingClientRect();
  const p = network.canvasToDOM(network.getPosition(id));
  const x = Math.round(box.left + p.x), y = Math.round(box.top + p.y);
  return {x, y, hit: network.getNodeAt({x: x - box.left, y: y - box.top}) === id};
}"""
JS_EDGE_POINT = """id => {
  const box = document.getElementById('mynetwork').getBoundingClientRect();
  const curve = network.body.edges[id].edgeType;
  const only = (x, y) => network.getNodeAt({x, y}) === undefined && network.getEdgeAt({x, y}) === id;
  let first = null;
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55, 0.35, 0.65, 0.25, 0.75, 0.2, 0.8]) {
    const p = network.canvasToDOM(curve.getPoint(t));
    const x = Math.round(box.left + p.x), y = Math.round(box.top + p.y);
    first = first || {x, y, hit: false};
    const [dx, dy] = [x - box.left, y - box.top];
    if (only(dx, dy) && only(dx + 1, dy) && only(dx - 1, dy) && only(dx, dy + 1) && only(dx, dy - 1)) {
      return {x, y, hit: true};
    }
  }
  return first;
}"""
# The colour seen at page coordinates [x, y], as [r, g, b]: the canvas is transparent where
# nothing is drawn, over the white of the page.
JS_PIXEL = """([x, y]) => {
  const canvas = document.querySelector('#mynetwork canvas');
  const box = canvas.getBoundingClientRect();
  const ratio = canvas.width / box.width;
  const d = canvas.getContext('2d').getImageData(Math.round((x - box.left) * ratio), Math.round((y - box.top) * ratio), 1, 1).data;
  return [0, 1, 2].map(i => Math.round(d[i] * d[3] / 255 + 255 * (1 - d[3] / 255)));
}"""
# Resolves once the page has drawn the next frame (a focus draws on the next frame).
JS_NEXT_FRAME = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
# Collected before any script of the page runs: Content-Security-Policy violations.
INIT_SCRIPT = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


class Viewer:
    """One page of the viewer, with what it tried to fetch and what went wrong in it."""

    def __init__(self, page: Page):
        self.page = page
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        page.route("**/*", self._route)
        page.on("request", self._request)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", self._dialog)
        page.add_init_script(INIT_SCRIPT)
        self._seen: set[str] = set()

    def _request(self, request) -> None:
        if not request.url.startswith("file:") and request.url not in self._seen:
            self._seen.add(request.url)
            self.outside.append(request.url)

    def _route(self, route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            if route.request.url not in self._seen:
                self._seen.add(route.request.url)
                self.outside.append(route.request.url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> "Viewer":
        self.page.goto(path.as_uri())
        # a selector, not a JS predicate: the page's Content-Security-Policy forbids eval
        self.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30_000)
        return self

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def details(self) -> str:
        return self.page.inner_text("#kg-details")

    def lines(self, selector: str = "#kg-details") -> list[str]:
        """The lines of text of an element, without the blank ones its paragraphs leave."""
        return [line for line in self.page.inner_text(selector).splitlines() if line.strip()]

    def assert_clean(self) -> None:
        assert self.outside == []
        assert self.errors == []
        assert self.dialogs == []
        assert self.console_errors == []
        assert self.js("window.__csp") == []
        assert self.js("window.__pwned") is None


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def viewer(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield Viewer(context.new_page())
    context.close()


@pytest.fixture(params=[True, False], ids=["with-csp", "csp-bypassed"])
def any_viewer(request, browser):
    """The page as shipped, and with its Content-Security-Policy ignored: safe without it too."""
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=not request.param)
    yield Viewer(context.new_page())
    context.close()


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """kg.build on the sample articles plus a hostile .jsonl and .txt article (spaCy loads once)."""
    folder = tmp_path_factory.mktemp("hostile-input")
    (folder / "hostile.jsonl").write_text(json.dumps(HOSTILE_JSONL) + "\n", encoding="utf-8")
    (folder / "hostile.txt").write_text(HOSTILE_TXT, encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile-output")
    result = build([INPUT, folder], out)
    assert result.problems == []
    return result.graph, out / "graph.html"


def screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path))
    keep = os.environ.get("KG_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / name)
    return path


def ids(graph: KnowledgeGraph, *labels: str) -> list[str]:
    """The entity ids of the nodes with these labels."""
    by_label = {e.label: e.entity_id for e in graph.entities.values()}
    return [by_label[label] for label in labels]


def edge_id(viewer: Viewer, source: str, relation: str, target: str) -> str:
    found = viewer.js(
        "([s, r, t]) => network.body.data.edges.get().filter(e => e.from === s && e.relation === r && e.to === t).map(e => e.id)",
        [source, relation, target],
    )
    assert len(found) == 1, (source, relation, target, found)
    return found[0]


def hover_and_click(viewer: Viewer, point: dict) -> None:
    viewer.page.mouse.move(point["x"], point["y"])
    viewer.page.wait_for_timeout(140)  # past the tooltip delay
    viewer.page.mouse.click(point["x"], point["y"])


# --------------------------------------------------------------------------- the bars


def test_built_page_opens_offline_draws_every_node_and_settles(viewer, hostile_build, tmp_path):
    graph, page_path = hostile_build
    viewer.open(page_path)

    drawn = viewer.js("network.body.data.nodes.getIds()")
    assert sorted(drawn) == sorted(graph.entities)
    assert sorted(viewer.js("network.body.nodeIndices")) == sorted(graph.entities)  # what the canvas draws
    assert len(viewer.js("network.body.data.edges.getIds()")) == to_networkx(graph).number_of_edges()
    # every node lies inside the drawing area after the first fit
    box = viewer.js("(() => { const r = document.getElementById('mynetwork').getBoundingClientRect();"
                    " return {w: r.width, h: r.height}; })()")
    for node in drawn:
        p = viewer.js("id => network.canvasToDOM(network.getPosition(id))", node)
        assert 0 <= p["x"] <= box["w"] and 0 <= p["y"] <= box["h"], node
    # physics is off: nothing moves any more
    assert viewer.js("network.physics.options.enabled") is False
    before = viewer.js("network.getPositions()")
    viewer.page.wait_for_timeout(600)
    assert viewer.js("network.getPositions()") == before
    assert not viewer.page.is_visible("#kg-loading")
    assert not viewer.page.is_visible("#kg-notice")  # the sample graph is shown whole
    assert viewer.page.inner_text("#kg-status") == (
        f"{len(drawn)} nodes and {to_networkx(graph).number_of_edges()} relations from {len(graph.documents)} articles"
    )
    assert screenshot(viewer.page, tmp_path, "graph.png").stat().st_size > 10_000
    viewer.assert_clean()


def test_hostile_text_never_runs_while_everything_is_hovered_and_clicked(any_viewer, hostile_build):
    viewer = any_viewer
    graph, page_path = hostile_build
    viewer.open(page_path)
    nodes = viewer.js("network.body.data.nodes.getIds()")
    edges = viewer.js("network.body.data.edges.getIds()")
    clicked = 0
    for node in nodes:
        point = viewer.js(JS_NODE_POINT, node)
        hover_and_click(viewer, point)
        if point["hit"]:
            clicked += 1
            assert viewer.js("document.getElementById('kg-details').dataset.showing") == f"node:{node}"
        viewer.js("id => kgViewer.showNode(id)", node)
    for edge in edges:
        point = viewer.js(JS_EDGE_POINT, edge)
        hover_and_click(viewer, point)
        if point["hit"]:
            clicked += 1
            assert viewer.js("document.getElementById('kg-details').dataset.showing") == f"edge:{edge}"
        viewer.js("id => kgViewer.showEdge(id)", edge)
    # nearly every element was reached with the real mouse, not only through the handlers
    assert clicked >= 0.8 * (len(nodes) + len(edges))
    assert viewer.js("window.__pwned") is None
    assert viewer.js("window.__csp") == []  # nothing was even tried that the policy had to stop

    print(f"reached with the mouse: {clicked} of {len(nodes) + len(edges)} nodes and edges")
    # the hostile relation's evidence shows the markup as text
    iran, hezbollah = ids(graph, "Iran", "Hezbollah")
    viewer.js("id => kgViewer.showEdge(id)", edge_id(viewer, iran, "backs", hezbollah))
    text = viewer.details()
    assert HOSTILE_SENTENCE in text
    assert HOSTILE_TITLE in text  # "&lt;b&gt;" stays as written, not turned into <b>
    assert f"(javascript:{PWN})" in text  # the URL shown, not linked
    assert f'<img src=x onerror="{PWN}">' in text  # the publisher
    # the page holds no element made from the data
    assert viewer.js("document.querySelectorAll('#kg-details a').length") == 0
    assert viewer.js("[...document.querySelectorAll('a')].filter(a => !/^https?:/.test(a.href)).length") == 0
    assert viewer.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert viewer.js("document.querySelectorAll('script').length") == 3
    assert viewer.js("document.querySelectorAll('b').length") == 0
    viewer.assert_clean()


def test_tooltips_are_plain_text(viewer, hostile_build):
    graph, page_path = hostile_build
    viewer.open(page_path)
    edge = edge_id(viewer, *ids(graph, "Iran"), "backs", *ids(graph, "Hezbollah"))
    point = viewer.js(JS_EDGE_POINT, edge)
    assert point["hit"]

    viewer.page.mouse.move(point["x"], point["y"])
    viewer.page.wait_for_selector("div.vis-tooltip", state="visible")
    tooltip = viewer.page.locator("div.vis-tooltip")
    assert "Iran backs Hezbollah" in tooltip.inner_text()
    assert f"<script>{PWN}</script>" in tooltip.inner_text()
    # innerText: the text, with <br> for its line breaks and nothing else
    assert tooltip.evaluate("t => [...t.children].every(c => c.tagName === 'BR')") is True
    viewer.assert_clean()


# --------------------------------------------------------------------------- what a reader does


def test_legend_names_every_node_type_and_relation_with_counts(viewer, hostile_build):
    graph, page_path = hostile_build
    viewer.open(page_path)
    g = to_networkx(graph)

    legend = viewer.page.inner_text("#kg-legend")
    for kind, name in KIND_NAMES.items():
        assert name in legend
        count = sum(1 for _, k in g.nodes(data="kind") if k == kind.value)
        label = viewer.page.locator(f"#kg-legend label.kg-kind-{kind.value}")
        assert label.is_visible()
        assert label.locator(".kg-count").inner_text() == str(count)
        assert label.locator("svg").is_visible()
    for relation in RelationType:
        count = sum(1 for _, _, r in g.edges(data="relation") if r == relation.value)
        label = viewer.page.locator(f"#kg-legend label.kg-rel-{relation.value}")
        assert label.is_visible()
        assert label.locator(".kg-name").inner_text() == relation.value
        assert label.locator(".kg-count").inner_text() == str(count)
    viewer.assert_clean()


def test_filters_hide_a_relation_and_a_node_type(viewer, hostile_build):
    graph, page_path = hostile_build
    viewer.open(page_path)
    g = to_networkx(graph)
    relations = lambda: viewer.js("network.body.data.edges.get().map(e => e.relation)")  # noqa: E731
    opposes = sum(1 for _, _, r in g.edges(data="relation") if r == "opposes")
    assert opposes > 0 and relations().count("opposes") == opposes

    viewer.page.uncheck("#kg-legend input[data-relation=opposes]")
    assert "opposes" not in relations()
    assert len(relations()) == g.number_of_edges() - opposes
    assert "Showing" in viewer.page.inner_text("#kg-status")
    # the edges are gone from the canvas too: vis-network draws only what is in its view
    assert viewer.js("Object.values(network.body.edges).filter(e => e.options.relation === 'opposes').length") == 0

    positions = viewer.js("network.getPositions()")
    viewer.page.uncheck("#kg-legend input[data-kind=Person]")
    kinds = viewer.js("network.body.data.nodes.get().map(n => n.kind)")
    assert "Person" not in kinds and len(kinds) == sum(1 for _, k in g.nodes(data="kind") if k != "Person")
    persons = {n for n, k in g.nodes(data="kind") if k == "Person"}
    shown = viewer.js("network.body.data.edges.get().map(e => [e.from, e.to])")
    assert not any(a in persons or b in persons for a, b in shown)

    viewer.page.check("#kg-legend input[data-relation=opposes]")
    viewer.page.check("#kg-legend input[data-kind=Person]")
    assert len(relations()) == g.number_of_edges()
    assert viewer.js("network.getPositions()") == positions  # back where they were, not scattered
    viewer.assert_clean()


def test_search_finds_an_actor_by_another_of_its_names(viewer, hostile_build):
    graph, page_path = hostile_build
    viewer.open(page_path)
    # an actor with a name other than its label, written without its accents
    (entity,) = [e for e in graph.entities.values() if "Erdoğan" in e.alt_labels]
    assert "Erdoğan" not in entity.label

    viewer.page.fill("#kg-search", "erdogan")
    results = viewer.page.inner_text("#kg-results")
    assert entity.label in results
    viewer.page.press("#kg-search", "Enter")
    viewer.page.wait_for_timeout(400)  # the zoom animation
    assert viewer.js("network.getSelectedNodes()") == [entity.entity_id]
    profile = viewer.details()
    assert profile.splitlines()[1] == entity.label  # under the kind
    assert "Erdoğan" in profile
    assert "DOCUMENTS" in profile and "RELATIONS" in profile  # headings are set in capitals

    (turkey,) = [e.entity_id for e in graph.entities.values() if e.label == "Turkey"]
    viewer.page.fill("#kg-search", "Ankara")  # another name of Turkey
    viewer.page.click("#kg-results button")
    assert viewer.js("network.getSelectedNodes()") == [turkey]
    viewer.page.fill("#kg-search", "no such actor")
    assert "No node has that name." in viewer.page.inner_text("#kg-results")
    viewer.assert_clean()


# --------------------------------------------------------------------------- a graph made by hand (small_kg)


NASTY_NAME = "<script>alert(1)</script> Smith"  # smith's name in small_kg (tests/conftest.py)


def test_evidence_panel_shows_sentences_sources_links_and_modes(small_kg, viewer, tmp_path):
    path = tmp_path / "graph.html"
    render_html(small_kg, path)
    viewer.open(path)

    point = viewer.js(JS_EDGE_POINT, edge_id(viewer, "turkey", "opposes", "hts"))
    assert point["hit"]
    viewer.page.mouse.click(point["x"], point["y"])
    lines = viewer.details().splitlines()
    assert lines[:3] == ["Relation", 'Turkey "quotes" opposes HTS', "EVIDENCE (2 SENTENCES)"]  # in capitals by CSS
    assert lines[3:] == [
        "Ankara opposes HTS.",
        "Talks in Sochi \u2014 Example News, 2020-02-10",
        MODE_TEXT["Fact"],
        'Turkey <img src=x onerror=alert(1)> opposes HTS, see the "href" note & more </script><!--.',
        "Idlib <b>offensive</b> &amp; (HREF) (javascript:alert(1)) \u2014 2020-02-11",
        MODE_TEXT["Future"],
    ]
    links = viewer.js("[...document.querySelectorAll('#kg-details a')].map(a => [a.textContent, a.href, a.rel])")
    assert links == [["Talks in Sochi", "https://example.org/a?x=1&y=2", "noopener noreferrer"]]
    colour = viewer.js("getComputedStyle(document.querySelector('#kg-details .kg-rel')).color")
    assert colour == "rgb(214, 39, 40)" and EDGE_STYLES[RelationType.OPPOSES]["color"] == "#d62728"

    viewer.js("id => kgViewer.showEdge(id)", edge_id(viewer, "turkey", "agreed", "sochi"))
    assert f"{MODE_TEXT['ReportedSpeech']}, according to {NASTY_NAME}" in viewer.details()

    # from the evidence to the subject's profile
    viewer.page.click("#kg-details h2 button >> nth=0")
    assert viewer.js("network.getSelectedNodes()") == ["turkey"]
    assert viewer.details().splitlines()[:2] == ["Country", 'Turkey "quotes"']
    viewer.assert_clean()


def test_profile_of_a_node_with_markup_in_its_name(small_kg, viewer, tmp_path):
    path = tmp_path / "graph.html"
    render_html(small_kg, path)
    viewer.open(path)

    point = viewer.js(JS_NODE_POINT, "smith")
    assert point["hit"]
    hover_and_click(viewer, point)
    profile = viewer.details()
    assert profile.splitlines()[:2] == ["Person", NASTY_NAME]
    assert "J. Smith" in profile
    assert "attended \u2192 Sochi talks (1 sentence)" in profile
    assert "People's <Protection> & Units opposes \u2192 this (1 sentence)" in profile
    assert "Idlib <b>offensive</b>" in profile
    viewer.assert_clean()


def test_a_large_graph_says_on_screen_that_it_shows_a_part(small_kg, viewer, tmp_path):
    path = tmp_path / "graph.html"
    render_html(small_kg, path, max_nodes=2)
    viewer.open(path)

    notice = viewer.page.locator("#kg-notice")
    assert notice.is_visible()
    assert "only the 2 most connected of 6 nodes" in notice.inner_text()
    assert "graph.ttl holds them all" in notice.inner_text()
    assert sorted(viewer.js("network.body.data.nodes.getIds()")) == ["smith", "turkey"]
    viewer.assert_clean()


def test_an_empty_graph_opens(viewer, tmp_path):
    path = tmp_path / "graph.html"
    render_html(KnowledgeGraph(), path)
    viewer.open(path)

    assert viewer.js("network.body.data.nodes.length") == 0
    assert "0 nodes" in viewer.page.inner_text("#kg-status")
    viewer.assert_clean()


# --------------------------------------------------------------------------- camps, time, statements, contested (camps_kg)


def shown_edges(viewer: Viewer) -> set[tuple[str, str, str]]:
    return {tuple(e) for e in viewer.js("network.body.data.edges.get().map(e => [e.from, e.relation, e.to])")}


ALL_EDGES = {
    ("russia", "backs", "syria"), ("iran", "backs", "syria"), ("turkey", "backs", "opposition"),
    ("turkey", "opposes", "syria"), ("turkey", "backs", "hts"), ("turkey", "opposes", "hts"),
    ("russia", "opposes", "un"), ("erdogan", "attended", "talks"),
}


@pytest.fixture
def camps_page(camps_kg, tmp_path) -> Path:
    path = tmp_path / "graph.html"
    render_html(camps_kg, path)
    return path


def blend(colour: str, alpha: float) -> list[int]:
    """``colour`` (#rrggbb) painted at ``alpha`` over white."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return [round(alpha * c + (1 - alpha) * 255) for c in rgb]


def halo_pixels(viewer: Viewer, node: str) -> list[list[int]]:
    """The canvas around ``node``, inside its halo's reach, at eight angles."""
    point = viewer.js(JS_NODE_POINT, node)
    reach = viewer.js("id => (network.body.nodes[id].options.size + 3.5) * network.getScale()", node)
    return [viewer.js(JS_PIXEL, [point["x"] + reach * dx, point["y"] + reach * dy])
            for dx, dy in [(1, 0), (-1, 0), (0, 1), (0, -1), (0.7, 0.7), (-0.7, 0.7), (0.7, -0.7), (-0.7, -0.7)]]


def near(pixel: list[int], colour: list[int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def test_bar_camp_legend_date_filter_and_contested_panel_offline(viewer, camps_page, tmp_path):
    """The issue's bar: network cut, the camp legend, a date filter that changes the edges drawn, the
    contested panel with both sentences; no outside request, no page error."""
    viewer.open(camps_page)

    # the camp legend: each camp with its colour and the members shown
    legend = viewer.page.locator("#kg-legend label.kg-camp")
    assert legend.count() == 3
    assert [legend.nth(i).locator(".kg-name").inner_text() for i in range(3)] == [
        "Syria, Russia <i>&</i> Iran", "Turkey", "in no camp"]
    assert [legend.nth(i).locator(".kg-count").inner_text() for i in range(3)] == ["3", "2", "4"]
    assert all(legend.nth(i).locator("svg").is_visible() for i in range(3))
    assert viewer.js("document.querySelectorAll('#kg-legend i').length") == 0  # the markup in a name stays text
    # and the halo in the camp's colour around its members, on the canvas
    for node, colour in [("russia", CAMP_COLORS[0]), ("opposition", CAMP_COLORS[1])]:
        assert any(near(p, blend(colour, 0.38)) for p in halo_pixels(viewer, node)), node
    assert not any(near(p, blend(CAMP_COLORS[0], 0.38)) or near(p, blend(CAMP_COLORS[1], 0.38))
                   for p in halo_pixels(viewer, "un"))

    # a date filter changes the edges drawn
    assert shown_edges(viewer) == ALL_EDGES
    viewer.page.fill("#kg-to", "2019-12-31")
    assert shown_edges(viewer) == {("russia", "backs", "syria")}  # dated 2018-09 by its sentence
    assert sorted(viewer.js("network.body.data.nodes.getIds()")) == ["russia", "syria"]
    assert viewer.js("Object.keys(network.body.edges).length") == 1  # gone from the canvas too
    assert viewer.page.inner_text("#kg-status") == "Showing 2 of 9 nodes and 1 of 8 relations"
    viewer.page.fill("#kg-to", "")
    assert shown_edges(viewer) == ALL_EDGES

    # the contested panel, reached with the mouse: both sentences, both sides
    point = viewer.js(JS_EDGE_POINT, edge_id(viewer, "turkey", "backs", "hts"))
    assert point["hit"]
    viewer.page.mouse.click(point["x"], point["y"])
    assert viewer.lines()[:3] == ["Relation", "Turkey backs HTS", "Contested: the sources disagree."]
    assert viewer.lines("#kg-details .kg-side-so") == [
        "SAYS SO (1)", "Turkey arms HTS, Erdogan said.", "Idlib talks \u2014 Wire One, 2020-01-15",
        f"{MODE_TEXT['ReportedSpeech']}, according to Erdogan contested"]
    assert viewer.lines("#kg-details .kg-side-otherwise") == [
        "SAYS OTHERWISE (1)", "Turkey opposes HTS", "Turkey has fought HTS all year.",
        "Ankara answers \u2014 Daily Two, 2020 (article of 2020-02-12)", f"{MODE_TEXT['Fact']} contested"]
    # the contested edges carry their mark on the canvas: a halo of their own
    assert viewer.js("id => network.body.edges[id].options.shadow.enabled", edge_id(viewer, "turkey", "opposes", "hts"))
    assert viewer.js("id => network.body.edges[id].options.shadow.enabled", edge_id(viewer, "russia", "backs", "syria")) is False
    viewer.assert_clean()


def test_date_filter_from_to_slider_and_the_undated(viewer, camps_page):
    viewer.open(camps_page)
    positions = viewer.js("network.getPositions()")

    viewer.page.fill("#kg-from", "2020-02-01")
    assert shown_edges(viewer) == {("turkey", "backs", "opposition"), ("turkey", "opposes", "syria"),
                                   ("turkey", "opposes", "hts")}  # the last dated 2020 as a whole
    assert "Dated 2020-02-01 to 2020-12-31" in viewer.page.inner_text("#kg-time-text")
    viewer.page.check("#kg-undated")  # the undated come back with a date set
    assert ("russia", "opposes", "un") in shown_edges(viewer) and len(shown_edges(viewer)) == 4
    viewer.page.uncheck("#kg-undated")
    viewer.page.fill("#kg-from", "")

    # the slider moves the end of the window over the days statements begin on
    assert viewer.js("document.getElementById('kg-time').max") == "4"
    for stop, expected in [(0, {("russia", "backs", "syria")}),
                           (2, {("russia", "backs", "syria"), ("iran", "backs", "syria"), ("turkey", "backs", "hts"),
                                ("turkey", "opposes", "hts"), ("erdogan", "attended", "talks")}),
                           (4, ALL_EDGES)]:
        viewer.page.locator("#kg-time").fill(str(stop))
        assert shown_edges(viewer) == expected, stop
    assert viewer.page.input_value("#kg-to") == ""  # the right end: no end at all
    assert viewer.js("network.getPositions()") == positions  # everything back where it was
    viewer.assert_clean()


def test_mode_source_and_contested_filters(viewer, camps_page):
    viewer.open(camps_page)

    viewer.page.uncheck("#kg-legend input[data-mode=ReportedSpeech]")
    assert shown_edges(viewer) == ALL_EDGES - {("turkey", "backs", "hts")}
    viewer.page.uncheck("#kg-legend input[data-mode=Fact]")
    assert shown_edges(viewer) == {("turkey", "opposes", "syria")}  # the one in the future tense
    viewer.page.check("#kg-legend input[data-mode=ReportedSpeech]")
    viewer.page.check("#kg-legend input[data-mode=Fact]")

    viewer.page.fill("#kg-source", "daily two")  # an outlet, in any case
    assert shown_edges(viewer) == {("turkey", "opposes", "hts")}
    viewer.page.fill("#kg-source", "IDLIB")  # a title
    assert shown_edges(viewer) == {("russia", "backs", "syria"), ("iran", "backs", "syria"), ("turkey", "backs", "hts"),
                                   ("erdogan", "attended", "talks")}
    assert viewer.js("[...document.querySelectorAll('#kg-sources option')].map(o => o.value)") == ["Daily Two", "Wire One"]
    viewer.page.fill("#kg-source", "")

    viewer.page.check("#kg-contested")
    assert shown_edges(viewer) == {("turkey", "backs", "hts"), ("turkey", "opposes", "hts")}
    # the evidence on show greys what the filters leave out
    viewer.page.fill("#kg-to", "2020-01-31")
    viewer.js("id => kgViewer.showEdge(id)", edge_id(viewer, "turkey", "backs", "hts"))
    assert viewer.js("document.querySelectorAll('#kg-details .kg-evidence.kg-out').length") == 0
    viewer.page.fill("#kg-to", "2018-12-31")
    assert shown_edges(viewer) == set()
    assert viewer.js("document.querySelectorAll('#kg-details .kg-evidence.kg-out').length") == 2
    viewer.page.uncheck("#kg-contested")
    viewer.page.fill("#kg-to", "")

    # camps hide and show their members
    viewer.page.uncheck("#kg-legend input[data-camp=camp-turkey]")
    assert "turkey" not in viewer.js("network.body.data.nodes.getIds()")
    assert not any("turkey" in (a, b) for a, _, b in shown_edges(viewer))
    viewer.page.uncheck("#kg-legend input[data-camp='']")
    assert sorted(viewer.js("network.body.data.nodes.getIds()")) == ["iran", "russia", "syria"]
    viewer.page.check("#kg-legend input[data-camp=camp-turkey]")
    viewer.page.check("#kg-legend input[data-camp='']")
    assert shown_edges(viewer) == ALL_EDGES
    viewer.assert_clean()


def test_a_click_on_a_node_fades_all_but_its_neighbourhood_and_show_all_brings_it_back(viewer, camps_page):
    viewer.open(camps_page)
    centre = lambda node: viewer.js(JS_PIXEL, [viewer.js(JS_NODE_POINT, node)["x"], viewer.js(JS_NODE_POINT, node)["y"]])  # noqa: E731
    far, neighbour = centre("un"), centre("iran")
    assert not viewer.page.is_visible("#kg-focus")

    point = viewer.js(JS_NODE_POINT, "syria")
    assert point["hit"]
    viewer.page.mouse.click(point["x"], point["y"])
    viewer.js(JS_NEXT_FRAME)
    assert viewer.page.is_visible("#kg-focus")
    assert viewer.page.inner_text("#kg-focus-text") == "Around Syria: 3 neighbours"  # russia, iran, turkey
    assert viewer.js("document.body.dataset.focus") == "syria"
    assert viewer.lines()[:3] == ["Country", "Syria", "In the camp Syria, Russia <i>&</i> Iran"]
    faded = centre("un")  # two steps away: under the veil
    assert sum(faded) > sum(far) + 150 and min(faded) > 200
    assert near(centre("iran"), neighbour)  # a neighbour as it was
    assert len(viewer.js("network.body.data.nodes.getIds()")) == 9  # faded, not hidden

    viewer.page.select_option("#kg-hops", "2")
    viewer.js(JS_NEXT_FRAME)
    assert viewer.page.inner_text("#kg-focus-text") == "Around Syria: 6 neighbours"  # and un, opposition, hts
    assert near(centre("un"), far)

    viewer.page.click("#kg-show-all")
    viewer.js(JS_NEXT_FRAME)
    assert not viewer.page.is_visible("#kg-focus")
    assert near(centre("un"), far) and near(centre("iran"), neighbour)

    viewer.js("kgViewer.setFocus('turkey')")  # the number of steps chosen stays
    assert viewer.page.inner_text("#kg-focus-text") == "Around Turkey: 5 neighbours"
    viewer.page.select_option("#kg-hops", "1")
    assert viewer.page.inner_text("#kg-focus-text") == "Around Turkey: 3 neighbours"  # the opposition, syria, hts
    viewer.page.keyboard.press("Escape")
    assert not viewer.page.is_visible("#kg-focus")
    viewer.assert_clean()


def test_overview_and_camp_panel_list_camps_and_members(viewer, camps_page):
    viewer.open(camps_page)

    overview = viewer.details()
    assert "CAMPS (2)" in overview and "Syria, Russia <i>&</i> Iran (3 members)" in overview
    assert "CONTESTED (2)" in overview
    viewer.page.click("#kg-details button:text('Turkey') >> nth=0")
    assert viewer.js("document.getElementById('kg-details').dataset.showing") == "camp:camp-turkey"
    assert viewer.lines() == [
        "Camp", "Turkey", "1 relation goes against it: opposes inside it, or backs to another camp.",
        "MEMBERS (2)", "Turkey", "Syrian opposition"]
    viewer.page.click("#kg-details li button:text('Syrian opposition')")
    assert viewer.lines()[:3] == ["Armed group", "Syrian opposition", "In the camp Turkey"]
    assert viewer.js("network.getSelectedNodes()") == ["opposition"]
    viewer.assert_clean()


def test_a_denial_stands_on_the_other_side(viewer, camps_kg, tmp_path, monkeypatch):
    """Denial modes are read generically (Mode.DENIED where the schema has it); here a mode stands in for one."""
    denial = getattr(Mode, "DENIED", Mode.FUTURE)
    monkeypatch.setattr(render, "DENIAL_MODES", frozenset({denial}))
    kg = camps_kg
    sentence = "Ankara denied arming HTS."
    kg.assertions.append(Assertion("turkey", RelationType.BACKS, "hts", Evidence("d3", sentence, 30, 55, denial),
                                   speaker_id="turkey", contested=True))
    path = tmp_path / "graph.html"
    render_html(kg, path)
    viewer.open(path)

    viewer.js("id => kgViewer.showEdge(id)", edge_id(viewer, "turkey", "backs", "hts"))
    otherwise = viewer.lines("#kg-details .kg-side-otherwise")
    assert otherwise[:5] == ["SAYS OTHERWISE (2)", "denies that Turkey backs HTS", sentence,
                             "Ankara answers \u2014 Daily Two, 2020-02-12", f"{MODE_TEXT[denial.value]}, by Turkey contested"]
    assert "Turkey has fought HTS all year." in otherwise
    assert "Turkey arms HTS, Erdogan said." in viewer.page.inner_text("#kg-details .kg-side-so")
    viewer.assert_clean()


def test_a_large_graph_with_camps_opens_grouped(viewer, tmp_path):
    """Past render.LARGE nodes, a graph with camps opens as its camps' discs, not as one ball."""
    size = render.LARGE // 2 + 10
    entities = {f"{side}{i}": Entity(f"{side}{i}", EntityKind.PERSON, f"{side.upper()} {i}") for side in "ab" for i in range(size)}
    assertions = []
    for i in range(size):  # each side backs itself in a ring, and opposes the other side
        for side, other in ("ab", "ba"):
            assertions.append(Assertion(f"{side}{i}", RelationType.BACKS, f"{side}{(i + 1) % size}", Evidence("d", "S.", 0, 2)))
            assertions.append(Assertion(f"{side}{i}", RelationType.OPPOSES, f"{other}{(i * 7) % size}", Evidence("d", "S.", 0, 2)))
    camps = [Camp(f"camp-{side}", side.upper(), tuple(f"{side}{i}" for i in range(size)), 0) for side in "ab"]
    path = tmp_path / "graph.html"
    render_html(KnowledgeGraph(entities=entities, assertions=assertions, camps=camps), path)
    viewer.open(path)

    assert viewer.js("network.physics.options.enabled") is False
    positions = viewer.js("network.getPositions()")
    centre = {side: [sum(positions[f"{side}{i}"][k] for i in range(size)) / size for k in "xy"] for side in "ab"}
    for side in "ab":
        for i in range(size):
            p = positions[f"{side}{i}"]
            nearest = min("ab", key=lambda s: (p["x"] - centre[s][0]) ** 2 + (p["y"] - centre[s][1]) ** 2)
            assert nearest == side
    point = viewer.js(JS_NODE_POINT, "a0")
    viewer.page.mouse.click(point["x"], point["y"])
    viewer.js(JS_NEXT_FRAME)
    assert viewer.page.inner_text("#kg-focus-text") == "Around A 0: 3 neighbours"  # a1 and the last a, b0
    viewer.assert_clean()
