"""The knowledge graph as an interactive HTML page (pyvis / vis-network).

>>> render_html(kg, "output/graph.html")

Every piece of text that comes from the data (labels, hover texts, the heading)
goes through ``_plain``: it is HTML-escaped and never contains "href". pyvis 0.3.2
switches to a template that puts hover texts into the page with ``innerHTML`` when
a node's title contains "href"; without it, vis-network shows string titles as
plain text, with newlines as line breaks. The libraries are inlined
(``cdn_resources="in_line"``), and the only markup added to pyvis' output is a
static legend built from the style tables below.
"""
from __future__ import annotations

import html
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network

from kg.atomic import write_atomic
from kg.graph import importance, to_networkx
from kg.model import Document, EntityKind, KnowledgeGraph, RelationType

# How each kind of node looks. ``symbol`` stands for the shape in the legend.
NODE_STYLES: dict[EntityKind, dict[str, str]] = {
    EntityKind.PERSON: {"color": "#4e79a7", "shape": "dot", "symbol": "\u25cf"},
    EntityKind.COUNTRY: {"color": "#f28e2b", "shape": "square", "symbol": "\u25a0"},
    EntityKind.ORGANIZATION: {"color": "#59a14f", "shape": "triangle", "symbol": "\u25b2"},
    EntityKind.ARMED_GROUP: {"color": "#9c755f", "shape": "diamond", "symbol": "\u25c6"},
    EntityKind.AGREEMENT: {"color": "#edc948", "shape": "star", "symbol": "\u2605"},
    EntityKind.EVENT: {"color": "#76b7b2", "shape": "hexagon", "symbol": "\u2b22"},
}

# How each relation looks. Each relation curves by its own amount, so that two
# relations between the same pair of nodes do not draw over each other.
EDGE_STYLES: dict[RelationType, dict[str, Any]] = {
    RelationType.BACKS: {"color": "#2ca02c", "roundness": 0.10},
    RelationType.OPPOSES: {"color": "#d62728", "roundness": 0.25},
    RelationType.ATTENDED: {"color": "#1f77b4", "roundness": 0.40},
    RelationType.AGREED: {"color": "#9467bd", "roundness": 0.55},
}

# vis-network options. Physics lays the graph out before it is first drawn
# (stabilization), then comes to rest once nodes move slower than minVelocity.
# pyvis' set_options strips every space from this JSON, so no value may contain one.
VIS_OPTIONS: dict[str, Any] = {
    "physics": {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -60,
            "centralGravity": 0.01,
            "springLength": 120,
            "springConstant": 0.08,
            "avoidOverlap": 0.4,
        },
        "minVelocity": 0.75,
        "stabilization": {"enabled": True, "iterations": 1000, "updateInterval": 50, "fit": True},
    },
    "nodes": {"font": {"size": 14}, "borderWidth": 1},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.15},
        "font": {"size": 10, "align": "middle"},
    },
    "interaction": {"hover": True, "tooltipDelay": 150},
}

NODE_SIZE = (12.0, 28.0)  # size of a node with importance 0, and what importance 1 adds
TOOLTIP_WIDTH = 80  # characters per line in hover texts (vis-network does not wrap them)
TOOLTIP_ITEMS = 10  # documents or evidence sentences listed in one hover text

_HREF = re.compile("href", re.IGNORECASE)


def render_html(kg: KnowledgeGraph, path: str | Path, max_nodes: int = 500) -> None:
    """Write :func:`html_page` to ``path``, atomically.

    >>> render_html(kg, "output/graph.html", max_nodes=200)
    """
    write_atomic(path, html_page(kg, max_nodes))


def html_page(kg: KnowledgeGraph, max_nodes: int = 500) -> str:
    """``kg`` as an interactive HTML page.

    Nodes are coloured and shaped by kind and sized by importance; edges are
    coloured and labelled by relation. Hovering shows names and documents for a
    node, and the evidence for an edge. With more than ``max_nodes`` nodes, only
    the most important are drawn, and the heading says so.

    >>> page = html_page(kg, max_nodes=200)
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    g = to_networkx(kg)
    scores = importance(g)
    documents = {doc.doc_id: doc for doc in kg.documents}

    heading = ""
    if g.number_of_nodes() > max_nodes:
        ranked = sorted(g, key=lambda n: (-scores[n], g.nodes[n]["label"], n))
        g = g.subgraph(ranked[:max_nodes]).copy()
        heading = (
            f"Showing the {max_nodes} most connected of {len(scores)} nodes "
            f"(and {g.number_of_edges()} of their relations)"
        )

    net = Network(
        height="800px",
        width="100%",
        directed=True,
        cdn_resources="in_line",
        heading=_plain(heading),
    )
    for node, data in g.nodes(data=True):
        style = NODE_STYLES[EntityKind(data["kind"])]
        net.add_node(
            node,
            label=_plain(data["label"]),
            title=_node_title(data, documents),
            color=style["color"],
            shape=style["shape"],
            size=NODE_SIZE[0] + NODE_SIZE[1] * scores[node],
        )
    for source, target, data in g.edges(data=True):
        relation = RelationType(data["relation"])
        style = EDGE_STYLES[relation]
        net.add_edge(
            source,
            target,
            label=relation.value,
            title=_edge_title(g, source, target, data),
            color=style["color"],
            arrows="to",
            width=1 + min(len(data["evidence"]), 5) * 0.5,
            smooth={"enabled": True, "type": "curvedCW", "roundness": style["roundness"]},
        )
    net.set_options(json.dumps(VIS_OPTIONS))

    return _add_legend(net.generate_html())


def _plain(text: str) -> str:
    """``text`` HTML-escaped, with any "href" broken by a zero-width space."""
    escaped = html.escape(text, quote=False)
    return _HREF.sub(lambda m: m.group(0)[:3] + "\u200b" + m.group(0)[3:], escaped)


def _node_title(data: dict[str, Any], documents: dict[str, Document]) -> str:
    lines = [data["kind"], data["label"]]
    if data["alt_labels"]:
        lines.extend(_wrap("Also: " + ", ".join(data["alt_labels"])))
    doc_ids = data["documents"]
    if doc_ids:
        lines.append(f"Documents ({len(doc_ids)}):")
        for doc_id in doc_ids[:TOOLTIP_ITEMS]:
            lines.extend(_wrap("- " + _document_text(doc_id, documents), indent="  "))
        if len(doc_ids) > TOOLTIP_ITEMS:
            lines.append(f"... and {len(doc_ids) - TOOLTIP_ITEMS} more")
    return _plain("\n".join(lines))


def _edge_title(g: nx.MultiDiGraph, source: str, target: str, data: dict[str, Any]) -> str:
    evidence = data["evidence"]
    lines = [
        f"{g.nodes[source]['label']} {data['relation']} {g.nodes[target]['label']}",
        f"Evidence ({len(evidence)}):",
    ]
    for item in evidence[:TOOLTIP_ITEMS]:
        lines.append("")
        lines.extend(_wrap(f"\u201c{item['sentence']}\u201d"))
        source_line = f"- {item['title'] or item['doc_id']}"
        if item["date"]:
            source_line += f", {item['date']}"
        source_line += f" [{item['mode']}"
        if item["speaker"]:
            source_line += f", according to {item['speaker']}"
        source_line += "]"
        lines.extend(_wrap(source_line, indent="  "))
    if len(evidence) > TOOLTIP_ITEMS:
        lines.append("")
        lines.append(f"... and {len(evidence) - TOOLTIP_ITEMS} more")
    return _plain("\n".join(lines))


def _document_text(doc_id: str, documents: dict[str, Document]) -> str:
    doc = documents.get(doc_id)
    if doc is None:
        return doc_id
    text = doc.title or doc_id
    return f"{text}, {doc.date}" if doc.date else text


def _wrap(text: str, indent: str = "") -> list[str]:
    text = " ".join(text.split())
    return textwrap.wrap(text, TOOLTIP_WIDTH, subsequent_indent=indent, break_on_hyphens=False) or [""]


def _legend_css() -> str:
    rules = [
        "#kg-legend{position:fixed;top:10px;right:10px;z-index:10;background:rgba(255,255,255,0.92);"
        "border:1px solid #ccc;border-radius:4px;padding:6px 10px;font:12px/1.5 sans-serif;color:#222}",
        "#kg-legend ul{list-style:none;margin:0 0 4px 0;padding:0}",
        "#kg-legend .kg-mark{display:inline-block;width:1.4em;text-align:center}",
    ]
    for kind, style in NODE_STYLES.items():
        rules.append(f"#kg-legend .kg-kind-{kind.value}{{color:{style['color']}}}")
    for relation, style in EDGE_STYLES.items():
        rules.append(f"#kg-legend .kg-rel-{relation.value}{{color:{style['color']}}}")
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def _legend_div() -> str:
    items = ['<div id="kg-legend">', "<ul>"]
    for kind, style in NODE_STYLES.items():
        items.append(
            f'<li><span class="kg-mark kg-kind-{kind.value}">{style["symbol"]}</span>'
            f"{html.escape(kind.value)} ({html.escape(style['shape'])})</li>"
        )
    items.append("</ul><ul>")
    for relation in EDGE_STYLES:
        items.append(
            f'<li><span class="kg-mark kg-rel-{relation.value}">\u2192</span>'
            f"{html.escape(relation.value)}</li>"
        )
    items.extend(["</ul>", "</div>"])
    return "\n".join(items)


def _add_legend(page: str) -> str:
    """Put the legend's style at the end of <head> and its box right after <body>."""
    for marker in ("</head>", "<body>"):
        if page.count(marker) != 1:
            raise RuntimeError(f"unexpected pyvis output: {marker} found {page.count(marker)} times")
    page = page.replace("</head>", _legend_css() + "\n</head>", 1)
    return page.replace("<body>", "<body>\n" + _legend_div(), 1)
