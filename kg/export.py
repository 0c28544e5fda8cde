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
gexf       GEXF for Gephi: the same graph, its edges dated for Gephi's timeline
csv        an edge list with evidence: one row per sentence stating (or denying) a relation
events     a GDELT-style event list: one row per sentence (``kg:Assertion``), dated
=========  =====================================================================================

GraphML and GEXF nodes carry ``label`` (the canonical name), ``kind`` (``Person``,
``Country``, ``Organization``, ``ArmedGroup``, ``Agreement``, ``Event``), ``alt_labels`` (every
other name, ``"; "``-joined), ``iri`` and ``camp`` (the label of the actor's ``kg:Camp``, ``""``
for none); edges carry ``relation`` (``backs``, ``opposes``,
``attended``, ``agreed``, also as the edge ``label``), ``weight`` (the number of sentences
stating it), ``modes``, ``documents`` (how many articles) and ``contested`` (a sentence of it
is contested: the claim is also denied, or the pair is also said the other way). A GEXF edge
also has ``start`` and ``end``, the first day of its earliest dated sentence and the last day of
its latest (``kg:date`` is a day, a month or a year), which Gephi's timeline filters on; an edge
without a dated sentence has neither. Documents and ``kg:Assertion`` nodes are provenance, not
nodes of this view; the CSV keeps them. A denial is no edge: it has no direct triple.

The CSV columns: ``source, source_label, relation, target, target_label, mode, speaker,
speaker_label, relation_date, contested, sentence, start_offset, end_offset, document,
document_id, title, date, url, assertion, source_camp, target_camp`` (Gephi reads ``source``/``target``
as an edge list). ``relation_date`` is the sentence's ``kg:date`` (when the relation is said to hold),
``date`` the article's; ``mode`` is ``Denied`` for a denial, whose ``speaker`` is the denier; the last
two are the labels of the camps of each side, ``""`` for none. A relation without an assertion node
still gets one row, with the evidence columns empty.

The events columns (after GDELT's, one row per ``kg:Assertion``, by date, undated last):
``date, actor1, actor1_label, actor1_type, actor1_country, relation, actor2, actor2_label,
actor2_type, actor2_country, mode, speaker, speaker_label, contested, source_title, source_url,
published, document_id, sentence, start_offset, end_offset, assertion``; a ``*_country`` is the
ISO 3166-1 alpha-3 code of a state (its ``schema:identifier``), empty for other actors.

Every format can hold a part of the graph (``export(..., selection=Selection(around=NAME,
hops=N, since=DATE, until=DATE, source=NAME))``, ``kg export --around``): see :mod:`kg.subgraph`.

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
from functools import cached_property, partial
from pathlib import Path

import networkx as nx
from rdflib import Graph

from kg.formats.xml_text import xml_chars
from kg.namespaces import KG, KGR, RDF, RDFS, SDO, SKOS, bind_prefixes
from kg.periods import period
from kg.schema import MODES, NODE_KINDS, RELATIONS, Mode
from kg.subgraph import Selection

__all__ = ["EXPORTERS", "EXPORT_FORMATS", "DEFAULT_GRAPH_IRI", "CSV_COLUMNS", "EVENT_COLUMNS", "GraphView",
           "ExportSource", "read_view", "export", "export_text"]

DEFAULT_GRAPH_IRI = str(KGR["graph"])

CSV_COLUMNS = ["source", "source_label", "relation", "target", "target_label", "mode", "speaker", "speaker_label",
               "relation_date", "contested", "sentence", "start_offset", "end_offset", "document", "document_id",
               "title", "date", "url", "assertion", "source_camp", "target_camp"]

EVENT_COLUMNS = ["date", "actor1", "actor1_label", "actor1_type", "actor1_country", "relation", "actor2",
                 "actor2_label", "actor2_type", "actor2_country", "mode", "speaker", "speaker_label", "contested",
                 "source_title", "source_url", "published", "document_id", "sentence", "start_offset", "end_offset",
                 "assertion"]


@dataclass
class GraphView:
    """The node-and-edge view of a kg graph: entities, relations and the evidence for each."""

    kinds: dict[str, str] = field(default_factory=dict)  # entity IRI -> kind
    labels: dict[str, str] = field(default_factory=dict)  # any IRI -> rdfs:label
    alt_labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    relations: set[tuple[str, str, str]] = field(default_factory=set)  # (subject, relation, object)
    assertions: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    documents: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    identifiers: dict[str, str] = field(default_factory=dict)  # a state's IRI -> its ISO 3166-1 alpha-3 code
    camps: dict[str, str] = field(default_factory=dict)  # actor IRI -> the IRI of its kg:Camp

    def camp_label(self, iri: str) -> str:
        """The label of the camp of the actor ``iri``; ``""`` when it is in none."""
        camp = self.camps.get(iri)
        return self.labels.get(camp, camp) if camp else ""

    def evidence(self) -> dict[tuple[str, str, str], list[dict[str, str]]]:
        """(subject, relation, object) -> its assertions (denials too), each with its document's fields."""
        found: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
        for iri, a in self.assertions.items():
            if {"subject", "relation", "object"} <= a.keys():
                found[(a["subject"], a["relation"], a["object"])].append({"assertion": iri, **a})
        return found


_HOLDS = {mode.value: MODES[mode].holds for mode in Mode}


def _holds(assertion: dict[str, str]) -> bool:
    """Whether an assertion says its relation holds (not a denial); a mode kg does not know does."""
    return _HOLDS.get(assertion.get("mode", ""), True)


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
    for subject, obj in pairs(KG.date):
        view.assertions[subject]["date"] = obj.value
    for subject, obj in pairs(KG.contested):
        view.assertions[subject]["contested"] = obj.value
    for subject, obj in pairs(SDO.identifier):
        if subject in view.kinds:  # a document's schema:identifier is its feed id
            view.identifiers[subject] = obj.value
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
        found = evidence.get((subject, relation, obj), [])
        stated = [a for a in found if _holds(a)]
        graph.add_edge(subject, obj, key=relation, id=f"{subject} {relation} {obj}", relation=relation,
                       label=relation, weight=float(max(len(stated), 1)),
                       modes=", ".join(sorted({a.get("mode", "") for a in stated} - {""})),
                       documents=len({a.get("document") for a in stated} - {None}),
                       contested=any(a.get("contested") == "true" for a in found))
    return graph


def _edge_spans(view: GraphView) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(subject, relation, object) -> the first day of its earliest dated sentence and the last
    day of its latest, as ISO days (denials aside)."""
    spans: dict[tuple[str, str, str], tuple[str, str]] = {}
    for triple, found in view.evidence().items():
        days = []
        for a in found:
            if _holds(a) and a.get("date"):
                try:
                    days.append(period(a["date"]))
                except ValueError:  # a date kg did not write: no place on the timeline
                    continue
        if days:
            spans[triple] = (min(first for first, _ in days).isoformat(), max(last for _, last in days).isoformat())
    return spans


def _xml_safe(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``graph`` with every text attribute as XML 1.0 can hold it (a NUL from a feed's title
    would otherwise stop GraphML's writer and make GEXF that does not parse)."""
    for _, data in graph.nodes(data=True):
        data.update({key: xml_chars(value) for key, value in data.items() if isinstance(value, str)})
    for *_, data in graph.edges(keys=True, data=True):
        data.update({key: xml_chars(value) for key, value in data.items() if isinstance(value, str)})
    return graph


def _graphml(view: GraphView) -> str:
    out = io.BytesIO()
    nx.write_graphml(_xml_safe(to_networkx(view)), out, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return out.getvalue().decode("utf-8")


def _gexf(view: GraphView) -> str:
    graph = _xml_safe(to_networkx(view))
    for (subject, relation, obj), (start, end) in _edge_spans(view).items():
        if graph.has_edge(subject, obj, relation):
            graph.edges[subject, obj, relation].update(start=start, end=end)  # Gephi's timeline
    out = io.BytesIO()
    nx.write_gexf(graph, out, encoding="utf-8", prettyprint=True)
    # Without the day it was written: the same graph always gives the same bytes.
    return re.sub(r' lastmodifieddate="[^"]*"', "", out.getvalue().decode("utf-8"), count=1)


def _csv(view: GraphView) -> str:
    evidence = view.evidence()
    rows = []
    for subject, relation, obj in view.relations | set(evidence):  # a denial has no direct triple
        for a in evidence.get((subject, relation, obj)) or [{}]:
            doc = view.documents.get(a.get("document", ""), {})
            speaker = a.get("speaker", "")
            rows.append({
                "source": subject, "source_label": view.labels.get(subject, ""), "relation": relation,
                "target": obj, "target_label": view.labels.get(obj, ""), "mode": a.get("mode", ""),
                "speaker": speaker, "speaker_label": view.labels.get(speaker, "") if speaker else "",
                "relation_date": a.get("date", ""), "contested": a.get("contested", "false") if a else "",
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

    return _csv_text(CSV_COLUMNS, sorted(rows, key=order))


def _csv_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _events(view: GraphView) -> str:
    """One row per ``kg:Assertion``, as GDELT lists events: when, who, what, to whom, how, and
    where it is said."""
    rows = []

    def actor(iri: str) -> tuple[str, str, str, str]:
        return iri, view.labels.get(iri, ""), view.kinds.get(iri, ""), view.identifiers.get(iri, "")

    for iri, a in view.assertions.items():
        if not {"subject", "relation", "object"} <= a.keys():
            continue
        doc = view.documents.get(a.get("document", ""), {})
        speaker = a.get("speaker", "")
        row = {"date": a.get("date", ""), "relation": a["relation"], "mode": a.get("mode", ""),
               "speaker": speaker, "speaker_label": view.labels.get(speaker, "") if speaker else "",
               "contested": a.get("contested", "false"), "source_title": doc.get("title", ""),
               "source_url": doc.get("url", ""), "published": doc.get("date", ""),
               "document_id": doc.get("document_id", ""), "sentence": a.get("sentence", ""),
               "start_offset": a.get("start_offset", ""), "end_offset": a.get("end_offset", ""), "assertion": iri}
        for prefix, node in (("actor1", a["subject"]), ("actor2", a["object"])):
            row.update(zip((prefix, f"{prefix}_label", f"{prefix}_type", f"{prefix}_country"), actor(node)))
        rows.append(row)

    def order(row):
        start = row["start_offset"]
        return (row["date"] == "", row["date"], row["document_id"], int(start) if start.isdigit() else -1,
                row["actor1_label"], row["relation"], row["actor2_label"], row["mode"], row["assertion"])

    return _csv_text(EVENT_COLUMNS, sorted(rows, key=order))


# --------------------------------------------------------------------------- the graph exported


class ExportSource:
    """The graph to export: a graph file, or the part of it a :class:`~kg.subgraph.Selection`
    keeps. Read once, as each writer needs it: an Oxigraph store, or an rdflib graph."""

    def __init__(self, graph_path: str | Path, selection: Selection | None = None):
        self.path = Path(graph_path)
        self.selection = selection if selection else None

    @cached_property
    def store(self):
        """The triples in an Oxigraph store (``pyoxigraph.Store``)."""
        from kg.query import load_store
        from kg.subgraph import select

        store = load_store(self.path)
        return select(store, self.selection) if self.selection is not None else store

    @cached_property
    def graph(self):
        """The triples in an rdflib ``Graph``: the file parsed by rdflib (any format it reads), or
        the selection's triples."""
        from kg.query import load_graph
        from kg.query.terms import TermConverter

        if self.selection is None:
            return load_graph(self.path)
        terms = TermConverter()
        graph = bind_prefixes(Graph())
        for quad in self.store:
            graph.add((terms.to_rdflib(quad.subject), terms.to_rdflib(quad.predicate), terms.to_rdflib(quad.object)))
        return graph


# --------------------------------------------------------------------------- RDF formats


def _by_kg(fmt: str, source: ExportSource, graph_iri: str) -> str:
    """The graph as kg's own writer of ``fmt`` writes it: what ``kg build`` writes."""
    from kg.rdf import serialize

    return serialize(source.graph, fmt)


def _sorted_statements(fmt: str, source: ExportSource, graph_iri: str) -> str:
    """N-Triples, or N-Quads with every triple in the named graph ``graph_iri`` (ValueError for a
    malformed IRI): one statement a line, sorted."""
    import pyoxigraph as ox

    from kg.formats.rdf_formats import RDF_FORMATS

    store = source.store
    rdf = RDF_FORMATS[fmt]
    if rdf.quads:
        graph = ox.NamedNode(graph_iri)
        data = ox.serialize([ox.Quad(q.subject, q.predicate, q.object, graph) for q in store], format=rdf.ox_format)
    else:
        data = ox.serialize([quad.triple for quad in store], format=rdf.ox_format)
    lines = data.decode("utf-8").splitlines()
    return "".join(line + "\n" for line in sorted(lines) if line.strip())


def _by_view(write: Callable[[GraphView], str], source: ExportSource, graph_iri: str) -> str:
    """The node-and-edge view of the graph, written by ``write``."""
    return write(read_view(source.store))


EXPORTERS: dict[str, Callable[[ExportSource, str], str]] = {
    "ttl": partial(_by_kg, "turtle"),
    "nt": partial(_sorted_statements, "nt"),
    "nq": partial(_sorted_statements, "nquads"),
    "jsonld": partial(_by_kg, "json-ld"),
    "graphml": partial(_by_view, _graphml),
    "gexf": partial(_by_view, _gexf),
    "csv": partial(_by_view, _csv),
    "events": partial(_by_view, _events),
}
"""Export format -> its writer: (the graph, named graph IRI of N-Quads) -> text. The RDF ones are
named in :data:`kg.formats.rdf_formats.RDF_FORMATS`."""

EXPORT_FORMATS = tuple(EXPORTERS)


def export_text(graph_path: str | Path, fmt: str, graph_iri: str = DEFAULT_GRAPH_IRI,
                selection: Selection | None = None) -> str:
    """The graph in ``graph_path`` (the part ``selection`` keeps, when given) as text in format
    ``fmt`` (one of :data:`EXPORT_FORMATS`).

    Raises FileNotFoundError / ValueError (from loading), ValueError for an unknown format and
    for a selection that names nothing in the graph.
    """
    write = EXPORTERS.get(fmt.lower())
    if write is None:
        raise ValueError(f"unknown export format {fmt.lower()!r}; use one of {', '.join(EXPORT_FORMATS)}")
    return write(ExportSource(graph_path, selection), graph_iri)


def export(graph_path: str | Path, fmt: str, out: str | Path | None = None,
           graph_iri: str = DEFAULT_GRAPH_IRI, selection: Selection | None = None) -> str | Path:
    """Export to ``out`` (written atomically; returns the path) or return the text when ``out`` is None."""
    text = export_text(graph_path, fmt, graph_iri, selection)
    if out is None:
        return text
    from kg.atomic import write_atomic

    write_atomic(out, text)
    return Path(out)
