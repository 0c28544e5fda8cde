"""The knowledge graph as a networkx graph, and simple measures over it.

In the examples, ``kg`` is the graph of one article: "Turkey opposes HTS in Idlib, Erdogan
said. Turkey and Russia signed the Sochi agreement." (``kg/conftest.py`` makes it).

>>> g = to_networkx(kg)
>>> g.nodes["turkey"]["kind"]
'Country'
>>> sorted(g.edges(keys=True))
[('russia', 'sochi-agreement', 'agreed'), ('turkey', 'hay-at-tahrir-al-sham', 'opposes'),
 ('turkey', 'sochi-agreement', 'agreed')]
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Hashable

import networkx as nx

from kg.model import Assertion, Document, Entity, EntityKind, KnowledgeGraph, RelationType


def to_networkx(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Return a directed multigraph with a node per entity and an edge per distinct triple.

    Nodes are keyed by ``entity_id`` with attributes ``kind`` (the kind's value),
    ``label``, ``alt_labels`` and ``documents`` (sorted lists). There is one edge per
    distinct (subject, relation, object), keyed by the relation's value, with
    attributes ``relation``, ``evidence`` (a list of dicts with ``sentence``,
    ``doc_id``, ``title``, ``date``, ``url``, ``mode`` and ``speaker``, gathered from
    every assertion of the triple, in document order) and ``documents`` (sorted
    doc_ids). Raises ``ValueError`` if an assertion names an unknown entity.

    >>> g = to_networkx(kg)
    >>> g.nodes["turkey"]["label"]
    'Turkey'
    >>> evidence = g.edges["turkey", "hay-at-tahrir-al-sham", "opposes"]["evidence"]
    >>> [(e["doc_id"], e["sentence"], e["mode"], e["speaker"]) for e in evidence]
    [('news-1', 'Turkey opposes HTS in Idlib, Erdogan said.', 'ReportedSpeech', 'Erdogan')]
    """
    g = nx.MultiDiGraph()
    for entity_id in sorted(kg.entities):
        entity = kg.entities[entity_id]
        g.add_node(
            entity_id,
            kind=entity.kind.value,
            label=entity.label,
            alt_labels=sorted(entity.alt_labels),
            documents=sorted(entity.documents),
            **({"identifier": entity.identifier} if entity.identifier else {}),  # a state's ISO code
        )

    documents = {doc.doc_id: doc for doc in kg.documents}
    grouped: dict[tuple[str, RelationType, str], list[Assertion]] = {}
    for assertion in kg.assertions:
        for entity_id in (assertion.subject_id, assertion.object_id):
            if entity_id not in kg.entities:
                raise ValueError(f"assertion {_triple_text(assertion)} names unknown entity {entity_id!r}")
        triple = (assertion.subject_id, assertion.relation, assertion.object_id)
        grouped.setdefault(triple, []).append(assertion)

    for subject_id, relation, object_id in sorted(grouped, key=lambda t: (t[0], t[1].value, t[2])):
        assertions = grouped[(subject_id, relation, object_id)]
        evidence = _merge_evidence(assertions, documents, kg)
        g.add_edge(
            subject_id,
            object_id,
            key=relation.value,
            relation=relation.value,
            evidence=evidence,
            documents=sorted({a.evidence.doc_id for a in assertions}),
        )
    return g


def importance(g: nx.Graph) -> dict[Hashable, float]:
    """Return the degree centrality of each node in the undirected simple view of ``g``.

    Direction, parallel edges and self-loops are ignored, so a node's score is the
    share of the other nodes it is related to at all. Nodes are returned sorted.

    >>> importance(nx.MultiDiGraph([("a", "b"), ("b", "a"), ("a", "c")]))
    {'a': 1.0, 'b': 0.5, 'c': 0.5}
    """
    simple = nx.Graph()
    simple.add_nodes_from(g)
    simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
    centrality = nx.degree_centrality(simple)
    return {node: centrality[node] for node in sorted(centrality, key=_sort_key)}


def most_important(
    g: nx.MultiDiGraph,
    max_nodes: int,
    max_edges: int | None = None,
    scores: dict[Hashable, float] | None = None,
) -> nx.MultiDiGraph:
    """The subgraph induced by the most important nodes of ``g``, within both limits.

    Nodes are taken by decreasing ``scores`` (default: :func:`importance`), ties by
    label and then id, for as long as neither the number of nodes nor the number of
    edges among them goes past ``max_nodes`` and ``max_edges`` (``None``: no limit
    on edges). The result is a copy; ``g`` is returned as a copy when it fits.

    >>> sorted(most_important(nx.MultiDiGraph([("a", "b"), ("a", "c")]), 2))
    ['a', 'b']
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    if max_edges is not None and max_edges < 0:
        raise ValueError(f"max_edges must not be negative, got {max_edges}")
    if g.number_of_nodes() <= max_nodes and (max_edges is None or g.number_of_edges() <= max_edges):
        return g.copy()
    scores = importance(g) if scores is None else scores
    ranked = sorted(g, key=lambda n: (-scores.get(n, 0.0), str(g.nodes[n].get("label", "")), _sort_key(n)))
    kept: set[Hashable] = set()
    edges = 0
    for node in ranked[:max_nodes]:
        # edges between ``node`` and the nodes already kept, itself included (self-loops)
        added = sum(1 for _, v in g.out_edges(node) if v in kept or v == node)
        added += sum(1 for u, _ in g.in_edges(node) if u in kept)
        if max_edges is not None and edges + added > max_edges:
            break
        kept.add(node)
        edges += added
    # Built in ``g``'s order: a subgraph view of a set would follow the set's hash order,
    # which changes from run to run.
    result = g.__class__()
    result.graph.update(g.graph)
    result.add_nodes_from((n, dict(data)) for n, data in g.nodes(data=True) if n in kept)
    result.add_edges_from((u, v, key, dict(data)) for u, v, key, data in g.edges(keys=True, data=True)
                          if u in kept and v in kept)
    return result


def summary(kg: KnowledgeGraph) -> dict[str, Any]:
    """Return counts: nodes by kind, distinct relations by type, and assertions.

    Every kind and relation type is listed, with 0 when absent.

    >>> summary(kg)
    {'nodes': {'Person': 1, 'Country': 2, ...}, 'relations': {'backs': 0, 'opposes': 1, ...}, 'assertions': 3}
    """
    nodes = {kind.value: 0 for kind in EntityKind}
    for entity in kg.entities.values():
        nodes[entity.kind.value] += 1
    relations = {relation.value: 0 for relation in RelationType}
    for _, relation, _ in kg.relations():
        relations[relation.value] += 1
    return {"nodes": nodes, "relations": relations, "assertions": len(kg.assertions)}


def top_actors(kg: KnowledgeGraph, n: int = 10) -> list[tuple[Entity, int]]:
    """The ``n`` actors in the most distinct relations (either end), with that number; ties by label.

    >>> [(entity.label, count) for entity, count in top_actors(kg, 2)]
    [('Turkey', 2), ("Hay'at Tahrir al-Sham", 1)]
    """
    counts: Counter[str] = Counter()
    for subject_id, _, object_id in kg.relations():
        counts[subject_id] += 1
        counts[object_id] += 1
    actors = [(kg.entities[i], c) for i, c in counts.items() if i in kg.entities and kg.entities[i].kind.is_actor]
    return sorted(actors, key=lambda pair: (-pair[1], pair[0].label, pair[0].entity_id))[:n]


def _merge_evidence(
    assertions: list[Assertion], documents: dict[str, Document], kg: KnowledgeGraph
) -> list[dict[str, Any]]:
    """The evidence of one triple's assertions as dicts, without exact duplicates, in document order."""
    rows: dict[tuple, dict[str, Any]] = {}
    for assertion in assertions:
        ev = assertion.evidence
        doc = documents.get(ev.doc_id)
        row = {
            "sentence": ev.sentence,
            "doc_id": ev.doc_id,
            "title": doc.title if doc else None,
            "date": doc.date if doc else None,
            "url": doc.url if doc else None,
            "mode": ev.mode.value,
            "speaker": speaker_label(assertion, kg),
        }
        key = (ev.doc_id, ev.start, ev.end, ev.sentence, row["mode"], row["speaker"] or "")
        rows.setdefault(key, row)
    return [rows[key] for key in sorted(rows)]


def speaker_label(assertion: Assertion, kg: KnowledgeGraph) -> str | None:
    """Who says it: the speaker's node, else the words that name the speaker; None when no one is named.

    >>> sorted({speaker_label(a, kg) for a in kg.assertions}, key=str)
    ['Erdogan', None]
    """
    if assertion.speaker_id is not None and assertion.speaker_id in kg.entities:
        return kg.entities[assertion.speaker_id].label
    speaker = assertion.evidence.speaker
    if speaker is not None:
        return speaker.name or speaker.text
    return None


def _triple_text(assertion: Assertion) -> str:
    return f"({assertion.subject_id!r}, {assertion.relation.value}, {assertion.object_id!r})"


def _sort_key(node: Hashable) -> tuple[str, str]:
    """Sort mixed node types deterministically."""
    return (type(node).__name__, str(node))
