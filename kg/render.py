"""The knowledge graph as one self-contained, offline HTML page (pyvis / vis-network).

>>> render_html(kg, "output/graph.html")

pyvis builds the network (nodes, edges, options); the page around it is our own
template, ``kg/viewer/page.html``, with vis-network's script and style (shipped
inside the pyvis package), ``viewer.js`` and ``viewer.css`` inlined, so opening
the page makes no request to any other host. A Content-Security-Policy allows
exactly those two scripts and no connection anywhere.

Data reaches the page one way only: as JSON in ``<script type="application/json">``
with ``<``, ``>`` and ``&`` written as ``\\u003c``, ``\\u003e``, ``\\u0026``, so no
article text can close the script element. ``viewer.js`` builds every panel from
it with ``textContent`` and DOM properties, and makes a link only of an http(s)
URL. vis-network draws labels on a canvas and shows string tooltips with
``innerText``: the text in them is plain, never HTML-escaped.

What an analyst reads off the page besides the relations: the camps (a halo around each
member, a legend, and starting positions that put each camp on a disc of its own, so a
large graph opens grouped rather than as one ball); the date of each statement (what the
sentence dates, else its article's), which the time filter reads; the mode of each
statement and its source, which the statement filters read; and whether it is contested,
which marks the edge and lets its panel set the two sides side by side.
"""
from __future__ import annotations

import base64
import calendar
import datetime
import hashlib
import json
import math
import re
import textwrap
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyvis
from markupsafe import Markup
from pyvis.network import Network

from kg.atomic import write_atomic
from kg.graph import importance, most_important, speaker_label, to_networkx
from kg.model import Document, EntityKind, KnowledgeGraph, Mode, RelationType
from kg.schema import MODES, NODE_KINDS, RELATIONS

# How each kind of node looks; ``shape`` is a vis-network shape, drawn as the same
# figure in the legend.
NODE_STYLES: dict[EntityKind, dict[str, str]] = {
    EntityKind.PERSON: {"color": "#4e79a7", "border": "#2f4b69", "shape": "dot"},
    EntityKind.COUNTRY: {"color": "#f28e2b", "border": "#a35a12", "shape": "square"},
    EntityKind.ORGANIZATION: {"color": "#b07aa1", "border": "#72466a", "shape": "triangle"},
    EntityKind.ARMED_GROUP: {"color": "#9c755f", "border": "#5e4434", "shape": "diamond"},
    EntityKind.AGREEMENT: {"color": "#edc948", "border": "#9a8124", "shape": "star"},
    EntityKind.EVENT: {"color": "#76b7b2", "border": "#3f7773", "shape": "hexagon"},
}

# How each relation looks. The stances (backs, opposes) are solid and strong, with
# an arrow or a bar (A -| B: A opposes B) at the object; taking part (attended,
# agreed) is dashed and thinner. More sentences make a line thicker. ``length`` is the rest length of the edge's spring:
# allies are drawn close together, opponents far apart, so sides show in the layout.
# Each relation curves by its own amount, so that two relations between the same
# pair of nodes do not draw over each other.
EDGE_STYLES: dict[RelationType, dict[str, Any]] = {
    RelationType.BACKS: {"color": "#2ca02c", "arrow": "arrow", "dashes": False, "width": 2.0, "length": 90,
                         "roundness": 0.10},
    RelationType.OPPOSES: {"color": "#d62728", "arrow": "bar", "dashes": False, "width": 2.0, "length": 260,
                           "roundness": 0.25},
    RelationType.ATTENDED: {"color": "#5b8cc0", "arrow": "arrow", "dashes": True, "width": 1.0, "length": 150,
                            "roundness": 0.40},
    RelationType.AGREED: {"color": "#9467bd", "arrow": "arrow", "dashes": True, "width": 1.0, "length": 150,
                          "roundness": 0.55},
}

# What a reader sees for each kind of node, and for each mode of a statement (by its name).
KIND_NAMES = {kind: node.label for kind, node in NODE_KINDS.items()}
MODE_TEXT = {mode.value: statement.phrase for mode, statement in MODES.items()}
# The modes in which the text denies a relation rather than states it: their evidence stands on
# the other side of a contested relation, and an edge with no other evidence is drawn dotted.
# (``Mode.DENIED`` comes with the denials of issue 14; a schema without it has no such mode.)
DENIAL_MODES = frozenset(mode for name, mode in Mode.__members__.items() if name == "DENIED")

# The halos of the largest camps, in order (ColorBrewer's Set1 and Dark2, which the kinds'
# fills do not use); every smaller camp shares OTHER_CAMP_COLOR.
CAMP_COLORS = ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628",
               "#f781bf", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e")
OTHER_CAMP_COLOR = "#9a9a9a"
CAMP_SPACING = 45.0  # room for a node in a camp's disc, when its size is not known
CAMP_GAP = 24.0  # room between two nodes of a camp's disc, past their sizes: halos, a little white
CONTESTED = {"color": "#ff9800", "size": 10}  # the halo of an edge with a contested statement
DENIED_DASHES = [2, 5]  # an edge whose only evidence denies it: dotted
MARK_COLOR = "#666666"  # the line of the legend's samples of these marks, which go with any relation

DEFAULT_MAX_NODES = 2000  # more nodes than this: the page shows the most important part
DEFAULT_MAX_EDGES = 10000  # likewise for the relations among the nodes shown
NODE_SIZE = (10.0, 26.0)  # size of the least important node, and what the most important adds
FONT_SIZE = (14, 5)  # label size of the least important node, and what the most important adds
TOOLTIP_WIDTH = 80  # characters per line in hover texts (vis-network does not wrap them)
TOOLTIP_ITEMS = 3  # evidence sentences or documents in one hover text; the panel lists all
LARGE = 300  # more nodes than this: straight edges and a shorter layout, for speed
MAX_ITERATIONS, MIN_ITERATIONS = 600, 60  # layout steps before the first drawing
LAYOUT_BUDGET = 720_000  # layout steps times nodes and edges, for a large graph

VIEWER = "viewer"  # the folder of the page's template, script and style in this package
VIS_LIB = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"


def render_html(
    kg: KnowledgeGraph,
    path: str | Path,
    max_nodes: int = DEFAULT_MAX_NODES,
    max_edges: int = DEFAULT_MAX_EDGES,
) -> None:
    """Write :func:`html_page` to ``path``, atomically.

    >>> render_html(kg, "output/graph.html", max_nodes=200)
    """
    write_atomic(path, html_page(kg, max_nodes, max_edges))


def html_page(kg: KnowledgeGraph, max_nodes: int = DEFAULT_MAX_NODES, max_edges: int = DEFAULT_MAX_EDGES,
              corpus: str | None = None) -> str:
    """``kg`` as an interactive HTML page that needs nothing but itself.

    Nodes are coloured and shaped by kind and sized by importance; edges are
    coloured, dashed and tipped by relation; a legend doubles as the filters.
    Clicking a node shows its profile, clicking an edge its evidence. With more
    than ``max_nodes`` nodes or ``max_edges`` edges, only the most important
    nodes (and the relations among them) are drawn, and the page says so. ``corpus`` names
    the articles in the page's title and heading ("news-2024: knowledge graph").

    >>> page = html_page(kg, max_nodes=200, corpus="news-2024")
    >>> page[page.index("<title>"):page.index("</title>")]
    '<title>news-2024: knowledge graph, 5 nodes, 3 relations'
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    if max_edges < 0:
        raise ValueError(f"max_edges must not be negative, got {max_edges}")
    full = to_networkx(kg)
    scores = importance(full)
    g = most_important(full, max_nodes, max_edges, scores)
    camps = shown_camps(kg, g)
    net = _network(g, scores, evidence_rows(kg), camps)
    nodes, edges, _, _, _, options = net.get_network_data()
    documents = {doc.doc_id: doc for doc in kg.documents}
    shown_docs = sorted(
        {d for _, data in g.nodes(data=True) for d in data["documents"]}
        | {d for _, _, data in g.edges(data=True) for d in data["documents"]}
    )
    statements = [ev for edge in edges for ev in edge["evidence"]]
    spans = sorted(ev["when"] for ev in statements if ev["when"])
    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "documents": {doc_id: _document(doc_id, documents) for doc_id in shown_docs},
        "modes": MODE_TEXT,
        "denials": sorted(mode.value for mode in DENIAL_MODES),
        "kinds": {kind.value: name for kind, name in KIND_NAMES.items()},
        # in the schema's order; a stance (backs, opposes) is what the overview lists
        "relations": [{"name": r.name, "stance": r.is_stance} for r in RELATIONS.values()],
        "camps": camps,
        # the first days of the dated statements, in order: the stops of the time slider
        "days": sorted({lo for lo, _ in spans}),
        "sources": sorted({documents[d].source for d in shown_docs if d in documents and documents[d].source}),
        "articles": len(kg.documents),
    }
    counts = {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "all_nodes": full.number_of_nodes(),
        "all_edges": full.number_of_edges(),
        "documents": len(kg.documents),
    }
    assets = _assets()
    return _template().render(
        data=Markup(json_for_script(payload)),
        vis_css=Markup(assets["vis_css"]),
        vis_js=Markup(assets["vis_js"]),
        viewer_css=Markup(assets["viewer_css"]),
        viewer_js=Markup(assets["viewer_js"]),
        csp=_content_security_policy(assets),
        corpus=corpus,
        counts=counts,
        truncated=counts["nodes"] < counts["all_nodes"] or counts["edges"] < counts["all_edges"],
        kinds=[_kind_legend(kind, g) for kind in EntityKind],
        relations=[_relation_legend(relation, g) for relation in RelationType],
        camps=[_camp_legend(camp) for camp in camps],
        campless=sum(1 for node in nodes if node["camp"] is None),
        no_camp_svg=Markup(_halo_svg("#ffffff")),
        modes=[_mode_legend(mode, statements) for mode in MODES],
        dates={"first": spans[0][0] if spans else "", "last": max(hi for _, hi in spans) if spans else "",
               "undated": sum(1 for ev in statements if not ev["when"])},
        contested=sum(1 for edge in edges if edge["contested"]),
        marks={"contested": Markup(_edge_svg(MARK_COLOR, "arrow", glow=CONTESTED["color"])),
               "denied": Markup(_edge_svg(MARK_COLOR, "arrow", " ".join(map(str, DENIED_DASHES))))},
    )


def json_for_script(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so the text can contain
    neither ``</script>`` nor ``<!--``; ``JSON.parse`` reads the same value back.

    >>> json_for_script({"s": "</script>"})
    '{"s":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --------------------------------------------------------------------------- the network


def _network(g: nx.MultiDiGraph, scores: dict, evidence: dict[tuple[str, str, str], list[dict[str, Any]]],
             camps: list[dict[str, Any]]) -> Network:
    """pyvis' Network for ``g``: styled nodes and edges, plain-text tooltips, vis options.

    With camps, every node gets a starting position (:func:`camp_layout`) and the layout
    only refines it; without, vis-network lays the graph out from its random seed.
    """
    net = Network(directed=True, cdn_resources="in_line")
    top = max((scores[n] for n in g), default=0.0)
    camp_of = {member: camp for camp in camps for member in camp["members"]}
    weights = {node: math.sqrt(scores[node] / top) if top > 0 else 0.0 for node in g}  # 0..1, the most important is 1
    sizes = {node: round(NODE_SIZE[0] + NODE_SIZE[1] * weight, 2) for node, weight in weights.items()}
    widths = {node: 2 * size + CAMP_GAP for node, size in sizes.items()}
    positions = camp_layout(g, [camp["members"] for camp in camps], widths) if camps else {}
    denials = {mode.value for mode in DENIAL_MODES}
    for node, data in g.nodes(data=True):
        style = NODE_STYLES[EntityKind(data["kind"])]
        camp = camp_of.get(node)
        where = {"x": positions[node][0], "y": positions[node][1]} if node in positions else {}
        net.add_node(
            node,
            label=data["label"] or str(node),
            title=_node_tooltip(data, camp),
            shape=style["shape"],
            color={
                "background": style["color"],
                "border": style["border"],
                "highlight": {"background": style["color"], "border": "#000000"},
                "hover": {"background": style["color"], "border": "#000000"},
            },
            size=sizes[node],
            font={"size": round(FONT_SIZE[0] + FONT_SIZE[1] * weights[node])},
            **where,
            # what the viewer reads; vis-network ignores these
            kind=data["kind"],
            names=[name for name in data["alt_labels"] if name != data["label"]],
            code=data.get("identifier") or "",
            documents=data["documents"],
            importance=round(scores[node], 6),
            camp=camp["id"] if camp else None,
        )
    for index, (source, target, data) in enumerate(g.edges(data=True)):
        relation = RelationType(data["relation"])
        style = EDGE_STYLES[relation]
        rows = evidence[source, relation.value, target]
        contested = any(row["contested"] for row in rows)
        denied = all(row["mode"] in denials for row in rows)
        marks = {"shadow": {"enabled": True, "color": CONTESTED["color"], "size": CONTESTED["size"], "x": 0, "y": 0}} \
            if contested else {}
        net.add_edge(
            source,
            target,
            id=f"e{index}",
            title=_edge_tooltip(g, source, target, relation.value, rows),
            color={"color": style["color"], "highlight": style["color"], "hover": style["color"]},
            arrows={"to": {"enabled": True, "type": style["arrow"]}},
            dashes=DENIED_DASHES if denied else style["dashes"],
            width=round(style["width"] + min(len(rows), 5) * 0.5, 2),
            length=style["length"],
            smooth={"enabled": True, "type": "curvedCW", "roundness": style["roundness"]},
            **marks,
            relation=relation.value,
            evidence=rows,
            contested=contested,
        )
    net.options = _vis_options(g.number_of_nodes(), g.number_of_edges(), laid_out=bool(positions))
    if g.number_of_nodes() > LARGE:
        for edge in net.edges:
            edge["smooth"] = False  # straight edges draw several times faster
    return net


def evidence_rows(kg: KnowledgeGraph) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """The statements of each (subject, relation value, object), as the page shows them.

    One row per distinct sentence, mode and speaker (an assertion found twice in the same
    place is one row), in document order: ``sentence``, ``doc_id``, ``title``, ``url``,
    ``mode``, ``speaker`` (a label), ``date`` (what the sentence dates, else its article's
    date), ``when`` (the first and last day of that date, :func:`date_span`; ``None`` when
    undated) and ``contested``.

    >>> rows = evidence_rows(kg)[("turkey", "opposes", "hay-at-tahrir-al-sham")]
    >>> [(row["sentence"], row["mode"], row["speaker"], row["contested"]) for row in rows]
    [('Turkey opposes HTS in Idlib, Erdogan said.', 'ReportedSpeech', 'Erdogan', False)]
    """
    documents = {doc.doc_id: doc for doc in kg.documents}
    rows: dict[tuple[str, str, str], dict[tuple, dict[str, Any]]] = {}
    for assertion in kg.assertions:
        ev = assertion.evidence
        doc = documents.get(ev.doc_id)
        speaker = speaker_label(assertion, kg)
        date = ev.date or (doc.date if doc else None)
        triple = (assertion.subject_id, assertion.relation.value, assertion.object_id)
        key = (ev.doc_id, ev.start, ev.end, ev.sentence, ev.mode.value, speaker or "")
        row = rows.setdefault(triple, {}).setdefault(key, {
            "sentence": ev.sentence,
            "doc_id": ev.doc_id,
            "title": doc.title if doc else None,
            "date": date,
            "when": date_span(date),
            "url": doc.url if doc else None,
            "mode": ev.mode.value,
            "speaker": speaker,
            "contested": False,
        })
        row["contested"] = row["contested"] or assertion.contested
    return {triple: [by_key[key] for key in sorted(by_key)] for triple, by_key in rows.items()}


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_span(text: str | None) -> tuple[str, str] | None:
    """The first and last day that an ISO date at the precision of a day, month or year covers.

    Anything else (a date kept as written, none) is ``None``: undated.

    >>> date_span("2018-09"), date_span("2020"), date_span("2020-02-10")
    (('2018-09-01', '2018-09-30'), ('2020-01-01', '2020-12-31'), ('2020-02-10', '2020-02-10'))
    >>> date_span("10 February 2020"), date_span("2020-02-30"), date_span(None)
    (None, None, None)
    """
    match = _ISO_DATE.fullmatch(text or "")
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        if day:
            first = last = datetime.date(int(year), int(month), int(day))
        elif month:
            first = datetime.date(int(year), int(month), 1)
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        else:
            first, last = datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)
    except ValueError:
        return None
    return first.isoformat(), last.isoformat()


# --------------------------------------------------------------------------- camps


def shown_camps(kg: KnowledgeGraph, g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The camps with members among the nodes of ``g``, the most members shown first.

    Each is ``id``, ``label``, ``members`` (the ones shown, most central first), ``size``
    (all its members), ``frustration``, ``color`` and ``named``: the first ``CAMP_COLORS`` camps
    get a colour each and their names drawn on the canvas, the rest share ``OTHER_CAMP_COLOR``. A node is in one camp, the first that names it.

    >>> from dataclasses import replace
    >>> from kg.model import Camp
    >>> camps = [Camp("c1", "Russia", ("russia", "iran"), 0), Camp("c2", "Turkey", ("turkey",), 1)]
    >>> [(c["label"], c["members"], c["color"]) for c in shown_camps(replace(kg, camps=camps), to_networkx(kg))]
    [('Russia', ['russia'], '#e41a1c'), ('Turkey', ['turkey'], '#377eb8')]
    """
    placed: set[Hashable] = set()
    found = []
    for camp in kg.camps:
        members = [m for m in camp.members if m in g and m not in placed]
        placed.update(members)
        if members:
            found.append({"id": camp.camp_id, "label": camp.label, "members": members,
                          "size": len(camp.members), "frustration": camp.frustration})
    found.sort(key=lambda camp: -len(camp["members"]))  # stable: the graph's order among equals
    for rank, camp in enumerate(found):
        camp["named"] = rank < len(CAMP_COLORS)  # a colour of its own, and its name drawn over its members
        camp["color"] = CAMP_COLORS[rank] if camp["named"] else OTHER_CAMP_COLOR
    return found


GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))  # successive points of a sunflower never line up
PACKING = 0.55  # the share of a disc that discs laid on a sunflower around its centre fill
SPREAD = 1.05  # how far apart a sunflower's points lie, over the widths of what they carry


def camp_layout(g: nx.Graph, camps: Sequence[Sequence[Hashable]], widths: Mapping[Hashable, float] | None = None,
                spacing: float = CAMP_SPACING) -> dict[Hashable, tuple[float, float]]:
    """Positions that put each camp on a disc of its own, for every node of ``g``.

    ``camps`` are lists of nodes, most central first. A node in no camp joins the camp most
    of its neighbours are in (the first such camp on a tie), after its members, the most
    connected first; the nodes with no neighbour in any camp make one group more. Each group
    is laid on a sunflower, its first node in the middle, each node given room for its width
    (``widths``, else ``spacing``); the groups' discs on a spiral, the first at the centre, each
    as near it as it can be without overlapping another. Rounded to 0.1.

    >>> g = nx.Graph([("a", "b"), ("c", "d"), ("b", "e"), ("f", "g")])
    >>> pos = camp_layout(g, [["a", "b"], ["c", "d"]])
    >>> pos["a"], sorted(pos) == sorted(g)
    ((0.0, 0.0), True)
    >>> math.dist(pos["a"], pos["e"]) < math.dist(pos["a"], pos["c"]) < math.dist(pos["a"], pos["f"])
    True
    """
    camp_of: dict[Hashable, int] = {}
    for index, members in enumerate(camps):
        camp_of.update((m, index) for m in members if m in g and m not in camp_of)
    groups: list[list[Hashable]] = [[m for m in members if camp_of.get(m) == index] for index, members in enumerate(camps)]
    rest = []
    for node in sorted((n for n in g if n not in camp_of), key=lambda n: -g.degree(n)):  # stable: g's order on ties
        votes = Counter(camp_of[m] for m in nx.all_neighbors(g, node) if m in camp_of)
        if votes:
            groups[min(votes, key=lambda index: (-votes[index], index))].append(node)
        else:
            rest.append(node)

    def width(node: Hashable) -> float:
        return widths.get(node, spacing) if widths else spacing

    positions: dict[Hashable, tuple[float, float]] = {}
    discs: list[tuple[float, float, float]] = []  # centre and radius of each disc laid
    filled = 0.0  # the area that the discs laid so far cover, over PACKING
    for index, group in enumerate(group for group in groups + [rest] if group):
        offsets, area = [], 0.0
        for i, node in enumerate(group):  # a sunflower in which each point has room for its width
            r = SPREAD * math.sqrt(area / math.pi)
            offsets.append((r * math.cos(i * GOLDEN_ANGLE), r * math.sin(i * GOLDEN_ANGLE)))
            area += width(node) ** 2
        radius = SPREAD * math.sqrt(area / math.pi)
        # from just inside the area filled so far, outwards along the spiral until it overlaps no disc
        distance = max(0.0, math.sqrt(filled / math.pi) - radius) if index else 0.0
        while True:
            cx, cy = distance * math.cos(index * GOLDEN_ANGLE), distance * math.sin(index * GOLDEN_ANGLE)
            if all(math.dist((cx, cy), (x, y)) >= r + radius + 2 * spacing for x, y, r in discs):
                break
            distance += spacing
        discs.append((cx, cy, radius))
        filled += math.pi * (radius + spacing) ** 2 / PACKING
        for node, (dx, dy) in zip(group, offsets):
            positions[node] = (round(cx + dx, 1), round(cy + dy, 1))
    return positions


def _vis_options(n_nodes: int, n_edges: int, laid_out: bool = False) -> dict[str, Any]:
    """vis-network options: lay the graph out before the first drawing, then stop.

    The viewer turns physics off when stabilization ends, so nothing moves after
    the page is shown. Larger graphs get fewer iterations, so they open in seconds.
    A large graph ``laid_out`` already (by camp, :func:`camp_layout`) is drawn as it is:
    the few steps a large graph gets would only stir its camps into one ball.
    """
    large = n_nodes > LARGE
    physics = not (large and laid_out)
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -80 if not large else -40,
                "centralGravity": 0.015,
                "springConstant": 0.06,
                "damping": 0.5,
                "avoidOverlap": 0.5 if not large else 0.0,
            },
            "minVelocity": 1.0,
            "stabilization": {
                "enabled": physics,
                "iterations": _iterations(n_nodes, n_edges),
                "updateInterval": 25,
                "fit": True,
            },
        },
        "nodes": {
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "font": {"face": "system-ui, sans-serif", "color": "#1a1a1a", "strokeWidth": 4, "strokeColor": "#ffffff"},
            "widthConstraint": {"maximum": 150},
        },
        "edges": {
            "selectionWidth": 2,
            "hoverWidth": 1.5,
            "arrowStrikethrough": False,
            "color": {"inherit": False, "opacity": 0.9 if not large else 0.5},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "navigationButtons": False,
            "keyboard": False,
            "multiselect": False,
        },
    }


def _iterations(n_nodes: int, n_edges: int) -> int:
    """Layout steps before the first drawing: fewer for larger graphs, whose steps cost more.

    A step costs about the same per node and edge, so ``LAYOUT_BUDGET`` steps times
    elements keeps the layout of any graph to a couple of seconds in Chromium.
    """
    if n_nodes <= LARGE:
        return MAX_ITERATIONS
    return max(MIN_ITERATIONS, min(MAX_ITERATIONS, LAYOUT_BUDGET // (n_nodes + n_edges)))


def _document(doc_id: str, documents: dict[str, Document]) -> dict[str, Any]:
    doc = documents.get(doc_id)
    if doc is None:
        return {"title": None, "date": None, "url": None, "source": None}
    return {"title": doc.title, "date": doc.date, "url": doc.url, "source": doc.source}


# --------------------------------------------------------------------------- hover texts


def _node_tooltip(data: dict[str, Any], camp: dict[str, Any] | None) -> str:
    """Plain text: vis-network shows it with ``innerText``."""
    lines = [f"{data['label']} ({data['kind']})"]
    names = [name for name in data["alt_labels"] if name != data["label"]]
    if names:
        lines.extend(_wrap("Also: " + ", ".join(names)))
    if camp:
        lines.extend(_wrap(f"Camp: {camp['label']}"))
    count = len(data["documents"])
    lines.append(f"In {count} document{'s' if count != 1 else ''}. Click for the profile and its neighbours.")
    return "\n".join(lines)


def _edge_tooltip(g: nx.MultiDiGraph, source: str, target: str, relation: str, evidence: list[dict[str, Any]]) -> str:
    """Plain text: the relation and its first pieces of evidence."""
    lines = [f"{g.nodes[source]['label']} {relation} {g.nodes[target]['label']}"]
    if any(item["contested"] for item in evidence):
        lines.append("Contested: the sources disagree.")
    for item in evidence[:TOOLTIP_ITEMS]:
        lines.append("")
        lines.extend(_wrap(f"\u201c{item['sentence']}\u201d"))
        where = item["title"] or item["doc_id"]
        if item["date"]:
            where += f", {item['date']}"
        mode = MODE_TEXT.get(item["mode"], item["mode"])
        if item["speaker"]:
            mode += f", according to {item['speaker']}"
        lines.extend(_wrap(f"\u2014 {where} [{mode}]", indent="  "))
    lines.append("")
    more = f"{len(evidence) - TOOLTIP_ITEMS} more sentence(s). " if len(evidence) > TOOLTIP_ITEMS else ""
    lines.append(more + "Click for the evidence and links.")
    return "\n".join(lines)


def _wrap(text: str, indent: str = "") -> list[str]:
    text = " ".join(text.split())
    return textwrap.wrap(text, TOOLTIP_WIDTH, subsequent_indent=indent, break_on_hyphens=False) or [""]


# --------------------------------------------------------------------------- legend


def _kind_legend(kind: EntityKind, g: nx.MultiDiGraph) -> dict[str, Any]:
    style = NODE_STYLES[kind]
    return {
        "value": kind.value,
        "name": KIND_NAMES[kind],
        "color": style["color"],
        "border": style["border"],
        "shape": style["shape"],
        "svg": Markup(_shape_svg(style["shape"], style["color"], style["border"])),
        "count": sum(1 for _, k in g.nodes(data="kind") if k == kind.value),
    }


def _relation_legend(relation: RelationType, g: nx.MultiDiGraph) -> dict[str, Any]:
    style = EDGE_STYLES[relation]
    return {
        "value": relation.value,
        "name": RELATIONS[relation].label,
        "color": style["color"],
        "arrow": style["arrow"],
        "svg": Markup(_edge_svg(style["color"], style["arrow"], "4 3" if style["dashes"] else "")),
        "count": sum(1 for _, _, r in g.edges(data="relation") if r == relation.value),
    }


def _camp_legend(camp: dict[str, Any]) -> dict[str, Any]:
    return {**camp, "svg": Markup(_halo_svg(camp["color"]))}


def _mode_legend(mode: Mode, statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"value": mode.value, "name": MODES[mode].phrase,
            "count": sum(1 for ev in statements if ev["mode"] == mode.value)}


def _polygon(points: int, outer: float, inner: float | None = None, turn: float = -90.0) -> str:
    """Corners of a regular polygon (or a star, with ``inner``) around (10, 10)."""
    corners = []
    steps = points * (2 if inner else 1)
    for i in range(steps):
        radius = inner if inner and i % 2 else outer
        angle = math.radians(turn + 360.0 * i / steps)
        corners.append(f"{10 + radius * math.cos(angle):.1f},{10 + radius * math.sin(angle):.1f}")
    return " ".join(corners)


_SHAPES = {
    "dot": '<circle cx="10" cy="10" r="7"/>',
    "square": '<rect x="3.5" y="3.5" width="13" height="13"/>',
    "triangle": '<polygon points="10,2.5 17.5,16.5 2.5,16.5"/>',
    "diamond": '<polygon points="10,1.5 18.5,10 10,18.5 1.5,10"/>',
    "star": f'<polygon points="{_polygon(5, 8.5, 3.6)}"/>',
    "hexagon": f'<polygon points="{_polygon(6, 8, turn=0.0)}"/>',
}


def _shape_svg(shape: str, color: str, border: str) -> str:
    return (
        f'<svg class="kg-swatch" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">'
        f'<g fill="{color}" stroke="{border}" stroke-width="1.2">{_SHAPES[shape]}</g></svg>'
    )


def _halo_svg(color: str) -> str:
    return (
        f'<svg class="kg-swatch" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">'
        f'<circle cx="10" cy="10" r="8.5" fill="{color}" fill-opacity="0.4"/>'
        f'<circle cx="10" cy="10" r="4.5" fill="#ffffff" stroke="#777777" stroke-width="1"/></svg>'
    )


def _edge_svg(color: str, arrow: str, dashes: str = "", glow: str = "") -> str:
    """A line with its tip: ``dashes`` an SVG dash array, ``glow`` the colour of a halo under it."""
    dash = f' stroke-dasharray="{dashes}"' if dashes else ""
    under = f'<line x1="1" y1="9" x2="31" y2="9" stroke="{glow}" stroke-width="9" stroke-opacity="0.55"/>' if glow else ""
    tip = (
        f'<line x1="29" y1="4" x2="29" y2="14" stroke="{color}" stroke-width="2.5"/>'
        if arrow == "bar"
        else f'<polygon points="22,4 31,9 22,14" fill="{color}"/>'
    )
    return (
        f'<svg class="kg-swatch kg-swatch-edge" viewBox="0 0 32 18" width="32" height="18" aria-hidden="true">{under}'
        f'<line x1="1" y1="9" x2="{28 if arrow == "bar" else 23}" y2="9" stroke="{color}" stroke-width="2.5"{dash}/>'
        f"{tip}</svg>"
    )


# --------------------------------------------------------------------------- page assets


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """The scripts and styles inlined into every page, read once."""
    viewer = resources.files("kg").joinpath(VIEWER)
    assets = {
        "vis_js": (VIS_LIB / "vis-network.min.js").read_text(encoding="utf-8"),
        "vis_css": (VIS_LIB / "vis-network.css").read_text(encoding="utf-8"),
        "viewer_js": viewer.joinpath("viewer.js").read_text(encoding="utf-8"),
        "viewer_css": viewer.joinpath("viewer.css").read_text(encoding="utf-8"),
    }
    for name, text in assets.items():
        # either would end or unbalance the element the text is inlined into
        closing = "</style" if name.endswith("css") else "</script"
        if closing in text.lower() or "<!--" in text:
            raise RuntimeError(f"{name} cannot be inlined: it contains {closing!r} or '<!--'")
    return assets


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    source = resources.files("kg").joinpath(VIEWER, "page.html").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["count_of"] = count_of
    return env.from_string(source)


def count_of(n: int, noun: str) -> str:
    """A count with its noun in the right number.

    >>> count_of(1, "relation"), count_of(2000, "node")
    ('1 relation', '2,000 nodes')
    """
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _content_security_policy(assets: dict[str, str]) -> str:
    """Only the two inlined scripts may run, and nothing may be fetched from anywhere."""
    hashes = " ".join(f"'sha256-{_sha256(assets[name])}'" for name in ("vis_js", "viewer_js"))
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")

