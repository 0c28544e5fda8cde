"""``kg export``: a built graph in the formats other tools load.

=========  =====================================================================================
format     what
=========  =====================================================================================
ttl        Turtle, as ``kg build`` writes it (rdflib, sorted)
jsonld     JSON-LD with the project prefixes as context, as ``kg build`` writes it
nt         N-Triples, one triple a line, sorted (for triple stores' bulk loaders)
nq         N-Quads: the same triples in one named graph (``--graph``, default
           ``https://w3id.org/kg/resource/graph``), for loading beside other graphs
graphml    GraphML for Gephi, yEd, networkx: a node per actor, agreement and event, an edge
           per relation
gexf       GEXF for Gephi: the same graph
csv        an edge list with evidence: one row per sentence stating a relation
=========  =====================================================================================

GraphML and GEXF nodes carry ``label`` (the canonical name), ``kind`` (``Person``,
``Country``, ``Organization``, ``ArmedGroup``, ``Agreement``, ``Event``), ``alt_labels`` (every
other name, ``"; "``-joined), ``iri`` and ``camp`` (the label of the actor's ``kg:Camp``, ``""``
for none); edges carry ``relation`` (``backs``, ``opposes``,
``attended``, ``agreed``, also as the edge ``label``), ``weight`` (the number of sentences
stating it), ``modes`` and ``documents`` (how many articles). Documents and ``kg:Assertion``
nodes are provenance, not nodes of this view; the CSV keeps them.

The CSV columns: ``source, source_label, relation, target, target_label, mode, speaker,
speaker_label, sentence, start_offset, end_offset, document, document_id, title, date, url,
assertion, source_camp, target_camp`` (Gephi reads ``source``/``target`` as an edge list; the
last two are the labels of the camps of each side, ``""`` for none). A relation without an
assertion node still gets one row, with the evidence columns empty.

The graph is read with Oxigraph and assembled in Python with dictionaries (no SPARQL joins), so
a graph of a million triples exports in seconds.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import networkx as nx

from kg.namespaces import KG, KGR, RDF, RDFS, SDO, SKOS
from kg.schema import NODE_KINDS, RELATIONS

__all__ = ["EXPORTERS", "EXPORT_FORMATS", "DEFAULT_GRAPH_IRI", "GraphView", "read_view", "export", "export_text"]

DEFAULT_GRAPH_IRI = str(KGR["graph"])

CSV_COLUMNS = ["source", "source_label", "relation", "target", "target_label", "mode", "speaker", "speaker_label",
               "sentence", "start_offset", "end_offset", "document", "document_id", "title", "date", "url",
               "assertion"]
CSV_COLUMNS += ["source_camp", "target_camp"]  # the camp of each side (kg.camps)


@dataclass
class GraphView:
    """The node-and-edge view of a kg graph: entities, relations and the evidence for each."""

    kinds: dict[str, str] = field(default_factory=dict)  # entity IRI -> kind
    labels: dict[str, str] = field(default_factory=dict)  # any IRI -> rdfs:label
    alt_labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    relations: set[tuple[str, str, str]] = field(default_factory=set)  # (subject, relation, object)
    assertions: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    documents: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    camps: dict[str, str] = field(default_factory=dict)  # actor IRI -> the IRI of its kg:Camp

    def camp_label(self, iri: str) -> str:
        """The label of the camp of the actor ``iri``; ``""`` when it is in none."""
        camp = self.camps.get(iri)
        return self.labels.get(camp, camp) if camp else ""

    def evidence(self) -> dict[tuple[str, str, str], list[dict[str, str]]]:
        """(subject, relation, object) -> its assertions, each with its document's fields."""
        found: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
        for iri, a in self.assertions.items():
            if {"subject", "relation", "object"} <= a.keys():
                found[(a["subject"], a["relation"], a["object"])].append({"assertion": iri, **a})
        return found


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def read_view(store) -> GraphView:
    """The :class:`GraphView` of an Oxigraph store holding a kg graph."""
    import pyoxigraph as ox

    view = GraphView()

    def pairs(predicate):
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None):
            yield quad.subject.value, quad.object

    kinds = {str(node.iri): kind.value for kind, node in NODE_KINDS.items()}
    for subject, obj in pairs(RDF.type):
        if isinstance(obj, ox.NamedNode) and obj.value in kinds:
            view.kinds[subject] = kinds[obj.value]
    for subject, obj in pairs(RDFS.label):
        view.labels.setdefault(subject, obj.value)
    for subject, obj in pairs(SKOS.altLabel):
        view.alt_labels[subject].append(obj.value)
    for camp, member in pairs(KG.member):
        view.camps[member.value] = camp
    for relation in RELATIONS.values():
        for subject, obj in pairs(relation.iri):
            view.relations.add((subject, relation.name, obj.value))
    fields = {KG.subject: "subject", KG.object: "object", KG.speaker: "speaker", KG.source: "document",
              KG.sentence: "sentence", KG.startOffset: "start_offset", KG.endOffset: "end_offset"}
    for predicate, name in fields.items():
        for subject, obj in pairs(predicate):
            view.assertions[subject][name] = obj.value
    for subject, obj in pairs(KG.relation):
        view.assertions[subject]["relation"] = _local(obj.value)
    for subject, obj in pairs(KG.mode):
        view.assertions[subject]["mode"] = _local(obj.value)
    doc_fields = {KG.documentId: "document_id", SDO.headline: "title", SDO.datePublished: "date", SDO.url: "url"}
    for predicate, name in doc_fields.items():
        for subject, obj in pairs(predicate):
            view.documents[subject][name] = obj.value
    return view


# --------------------------------------------------------------------------- node-link formats


def to_networkx(view: GraphView) -> nx.MultiDiGraph:
    """A directed multigraph: a node per entity, an edge per distinct relation (keyed by it)."""
    graph = nx.MultiDiGraph()
    evidence = view.evidence()
    nodes = set(view.kinds) | {s for s, _, _ in view.relations} | {o for _, _, o in view.relations}
    for iri in sorted(nodes):
        graph.add_node(iri, label=view.labels.get(iri, iri), kind=view.kinds.get(iri, ""),
                       alt_labels="; ".join(sorted(set(view.alt_labels.get(iri, [])))), iri=iri,
                       camp=view.camp_label(iri))
    for subject, relation, obj in sorted(view.relations):
        stated = evidence.get((subject, relation, obj), [])
        graph.add_edge(subject, obj, key=relation, id=f"{subject} {relation} {obj}", relation=relation,
                       label=relation, weight=float(max(len(stated), 1)),
                       modes=", ".join(sorted({a.get("mode", "") for a in stated} - {""})),
                       documents=len({a.get("document") for a in stated} - {None}))
    return graph


def _graphml(view: GraphView) -> str:
    out = io.BytesIO()
    nx.write_graphml(to_networkx(view), out, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return out.getvalue().decode("utf-8")


def _gexf(view: GraphView) -> str:
    out = io.BytesIO()
    nx.write_gexf(to_networkx(view), out, encoding="utf-8", prettyprint=True)
    # Without the day it was written: the same graph always gives the same bytes.
    return re.sub(r' lastmodifieddate="[^"]*"', "", out.getvalue().decode("utf-8"), count=1)


def _csv(view: GraphView) -> str:
    evidence = view.evidence()
    rows = []
    for subject, relation, obj in view.relations:
        for a in evidence.get((subject, relation, obj)) or [{}]:
            doc = view.documents.get(a.get("document", ""), {})
            speaker = a.get("speaker", "")
            rows.append({
                "source": subject, "source_label": view.labels.get(subject, ""), "relation": relation,
                "target": obj, "target_label": view.labels.get(obj, ""), "mode": a.get("mode", ""),
                "speaker": speaker, "speaker_label": view.labels.get(speaker, "") if speaker else "",
                "sentence": a.get("sentence", ""), "start_offset": a.get("start_offset", ""),
                "end_offset": a.get("end_offset", ""), "document": a.get("document", ""),
                "document_id": doc.get("document_id", ""), "title": doc.get("title", ""),
                "date": doc.get("date", ""), "url": doc.get("url", ""), "assertion": a.get("assertion", ""),
            })

    for row in rows:
        row["source_camp"], row["target_camp"] = view.camp_label(row["source"]), view.camp_label(row["target"])

    def order(row):
        start = row["start_offset"]
        return (row["document_id"], int(start) if start.isdigit() else -1, row["source_label"], row["relation"],
                row["target_label"], row["mode"], row["source"], row["target"], row["assertion"])

    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=order))
    return out.getvalue()


# --------------------------------------------------------------------------- RDF formats


def _by_kg(fmt: str, graph_path: str | Path, graph_iri: str) -> str:
    """The graph as kg's own writer of ``fmt`` writes it: what ``kg build`` writes."""
    from kg.query import load_graph
    from kg.rdf import serialize

    return serialize(load_graph(graph_path), fmt)


def _sorted_statements(fmt: str, graph_path: str | Path, graph_iri: str) -> str:
    """N-Triples, or N-Quads with every triple in the named graph ``graph_iri`` (ValueError for a
    malformed IRI): one statement a line, sorted."""
    import pyoxigraph as ox

    from kg.formats.rdf_formats import RDF_FORMATS
    from kg.query import load_store

    store = load_store(graph_path)
    rdf = RDF_FORMATS[fmt]
    if rdf.quads:
        graph = ox.NamedNode(graph_iri)
        data = ox.serialize([ox.Quad(q.subject, q.predicate, q.object, graph) for q in store], format=rdf.ox_format)
    else:
        data = ox.serialize([quad.triple for quad in store], format=rdf.ox_format)
    lines = data.decode("utf-8").splitlines()
    return "".join(line + "\n" for line in sorted(lines) if line.strip())


def _by_view(write: Callable[[GraphView], str], graph_path: str | Path, graph_iri: str) -> str:
    """The node-and-edge view of the graph, written by ``write``."""
    from kg.query import load_store

    return write(read_view(load_store(graph_path)))


EXPORTERS: dict[str, Callable[[str | Path, str], str]] = {
    "ttl": partial(_by_kg, "turtle"),
    "nt": partial(_sorted_statements, "nt"),
    "nq": partial(_sorted_statements, "nquads"),
    "jsonld": partial(_by_kg, "json-ld"),
    "graphml": partial(_by_view, _graphml),
    "gexf": partial(_by_view, _gexf),
    "csv": partial(_by_view, _csv),
}
"""Export format -> its writer: (graph file, named graph IRI of N-Quads) -> text. The RDF ones are
named in :data:`kg.formats.rdf_formats.RDF_FORMATS`."""

EXPORT_FORMATS = tuple(EXPORTERS)


def export_text(graph_path: str | Path, fmt: str, graph_iri: str = DEFAULT_GRAPH_IRI) -> str:
    """The graph in ``graph_path`` as text in format ``fmt`` (one of :data:`EXPORT_FORMATS`).

    Raises FileNotFoundError / ValueError (from loading) and ValueError for an unknown format.
    """
    write = EXPORTERS.get(fmt.lower())
    if write is None:
        raise ValueError(f"unknown export format {fmt.lower()!r}; use one of {', '.join(EXPORT_FORMATS)}")
    return write(graph_path, graph_iri)


def export(graph_path: str | Path, fmt: str, out: str | Path | None = None,
           graph_iri: str = DEFAULT_GRAPH_IRI) -> str | Path:
    """Export to ``out`` (written atomically; returns the path) or return the text when ``out`` is None."""
    text = export_text(graph_path, fmt, graph_iri)
    if out is None:
        return text
    from kg.atomic import write_atomic

    write_atomic(out, text)
    return Path(out)
