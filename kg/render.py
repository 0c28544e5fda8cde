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
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import textwrap
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
from kg.graph import importance, most_important, to_networkx
from kg.model import Document, EntityKind, KnowledgeGraph, RelationType
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
    net = _network(g, scores)
    nodes, edges, _, _, _, options = net.get_network_data()
    documents = {doc.doc_id: doc for doc in kg.documents}
    shown_docs = sorted(
        {d for _, data in g.nodes(data=True) for d in data["documents"]}
        | {d for _, _, data in g.edges(data=True) for d in data["documents"]}
    )
    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "documents": {doc_id: _document(doc_id, documents) for doc_id in shown_docs},
        "modes": MODE_TEXT,
        "kinds": {kind.value: name for kind, name in KIND_NAMES.items()},
        # in the schema's order; a stance (backs, opposes) is what the overview lists
        "relations": [{"name": r.name, "stance": r.is_stance} for r in RELATIONS.values()],
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


def _network(g: nx.MultiDiGraph, scores: dict) -> Network:
    """pyvis' Network for ``g``: styled nodes and edges, plain-text tooltips, vis options."""
    net = Network(directed=True, cdn_resources="in_line")
    top = max((scores[n] for n in g), default=0.0)
    for node, data in g.nodes(data=True):
        style = NODE_STYLES[EntityKind(data["kind"])]
        weight = math.sqrt(scores[node] / top) if top > 0 else 0.0  # 0..1, the most important is 1
        net.add_node(
            node,
            label=data["label"] or str(node),
            title=_node_tooltip(data),
            shape=style["shape"],
            color={
                "background": style["color"],
                "border": style["border"],
                "highlight": {"background": style["color"], "border": "#000000"},
                "hover": {"background": style["color"], "border": "#000000"},
            },
            size=round(NODE_SIZE[0] + NODE_SIZE[1] * weight, 2),
            font={"size": round(FONT_SIZE[0] + FONT_SIZE[1] * weight)},
            # what the viewer reads; vis-network ignores these
            kind=data["kind"],
            names=[name for name in data["alt_labels"] if name != data["label"]],
            code=data.get("identifier") or "",
            documents=data["documents"],
            importance=round(scores[node], 6),
        )
    for index, (source, target, data) in enumerate(g.edges(data=True)):
        relation = RelationType(data["relation"])
        style = EDGE_STYLES[relation]
        net.add_edge(
            source,
            target,
            id=f"e{index}",
            title=_edge_tooltip(g, source, target, data),
            color={"color": style["color"], "highlight": style["color"], "hover": style["color"]},
            arrows={"to": {"enabled": True, "type": style["arrow"]}},
            dashes=style["dashes"],
            width=round(style["width"] + min(len(data["evidence"]), 5) * 0.5, 2),
            length=style["length"],
            smooth={"enabled": True, "type": "curvedCW", "roundness": style["roundness"]},
            relation=relation.value,
            evidence=data["evidence"],
        )
    net.options = _vis_options(g.number_of_nodes(), g.number_of_edges())
    if g.number_of_nodes() > LARGE:
        for edge in net.edges:
            edge["smooth"] = False  # straight edges draw several times faster
    return net


def _vis_options(n_nodes: int, n_edges: int) -> dict[str, Any]:
    """vis-network options: lay the graph out before the first drawing, then stop.

    The viewer turns physics off when stabilization ends, so nothing moves after
    the page is shown. Larger graphs get fewer iterations, so they open in seconds.
    """
    large = n_nodes > LARGE
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "physics": {
            "enabled": True,
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
                "enabled": True,
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


def _node_tooltip(data: dict[str, Any]) -> str:
    """Plain text: vis-network shows it with ``innerText``."""
    lines = [f"{data['label']} ({data['kind']})"]
    names = [name for name in data["alt_labels"] if name != data["label"]]
    if names:
        lines.extend(_wrap("Also: " + ", ".join(names)))
    count = len(data["documents"])
    lines.append(f"In {count} document{'s' if count != 1 else ''}. Click for the profile.")
    return "\n".join(lines)


def _edge_tooltip(g: nx.MultiDiGraph, source: str, target: str, data: dict[str, Any]) -> str:
    """Plain text: the relation and its first pieces of evidence."""
    evidence = data["evidence"]
    lines = [f"{g.nodes[source]['label']} {data['relation']} {g.nodes[target]['label']}"]
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
        "svg": Markup(_edge_svg(style["color"], style["arrow"], style["dashes"])),
        "count": sum(1 for _, _, r in g.edges(data="relation") if r == relation.value),
    }


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


def _edge_svg(color: str, arrow: str, dashes: bool) -> str:
    dash = ' stroke-dasharray="4 3"' if dashes else ""
    tip = (
        f'<line x1="29" y1="4" x2="29" y2="14" stroke="{color}" stroke-width="2.5"/>'
        if arrow == "bar"
        else f'<polygon points="22,4 31,9 22,14" fill="{color}"/>'
    )
    return (
        f'<svg class="kg-swatch kg-swatch-edge" viewBox="0 0 32 18" width="32" height="18" aria-hidden="true">'
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

