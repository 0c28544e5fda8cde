"""The canonical order every RDF format is written in: the triples grouped by subject, subjects
sorted (IRIs, then blank nodes), ``rdf:type`` first, then predicates by IRI, objects sorted.

A ``KnowledgeGraph`` is put in this order without building an rdflib ``Graph``: its subjects
are sorted first, and each subject's triples are made when it is reached.

>>> from rdflib import Graph, Literal
>>> from kg.namespaces import KGR, RDFS
>>> g = Graph(); _ = g.add((KGR["b"], RDFS.label, Literal("B"))); _ = g.add((KGR["a"], RDFS.label, Literal("A")))
>>> [str(subject).rsplit("/", 1)[1] for subject, _ in canonical_groups(g)]
['a', 'b']
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import groupby
from operator import itemgetter

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.formats.rdf_writers.base import RDF_TYPE, Group, Run
from kg.model import KnowledgeGraph, RelationType
from kg.rdf.iris import camp_iri, document_iri, entity_iri
from kg.rdf.triples import (Triple, assertion_triples, camp_triples, chosen_assertions, document_triples, entity_node,
                            entity_triples, relation_triple, start_date_triples, start_dates)

__all__ = ["Run", "Group", "canonical_groups"]



def _node_key(node: Node) -> tuple[object, ...]:
    """A total order on terms that depends on their RDF value only: IRIs, blank nodes, literals."""
    if type(node) is URIRef:  # the common case, without isinstance's ABC machinery
        return (0, str(node))
    if isinstance(node, Literal):
        return (2, str(node), str(node.datatype or ""), node.language or "")
    return (1 if isinstance(node, BNode) else 0, str(node))


def _runs(pairs: Iterable[tuple[Node, Node]]) -> list[Run]:
    """(predicate, object) pairs of one subject as sorted runs, duplicates dropped.

    Keyed by plain strings: rdflib's ``__eq__`` on terms is Python code, slow in dict lookups.
    """
    by_predicate: dict[str, tuple[Node, dict[tuple[object, ...], Node]]] = {}
    for predicate, obj in pairs:
        key = str(predicate)
        run = by_predicate.get(key)
        if run is None:
            run = by_predicate[key] = (predicate, {})
        run[1][_node_key(obj)] = obj
    runs = []
    for key in sorted(by_predicate, key=lambda k: (k != RDF_TYPE, k)):
        predicate, objects = by_predicate[key]
        runs.append((predicate, [objects[k] for k in sorted(objects)]))
    return runs


def _graph_groups(graph: Graph) -> Iterator[Group]:
    for subject in sorted(set(graph.subjects()), key=_node_key):
        yield subject, _runs(graph.predicate_objects(subject))


def _entity_and_relations(kg: KnowledgeGraph, entity_id: str, outgoing: Iterable[tuple[RelationType, str]],
                          starts: dict[str, str]) -> Iterator[Triple]:
    yield from entity_triples(kg.entities[entity_id])
    yield from start_date_triples(kg, entity_id, starts)
    for relation, object_id in outgoing:
        yield relation_triple(kg, entity_id, relation, object_id)


def _kg_groups(kg: KnowledgeGraph) -> Iterator[Group]:
    """The groups of ``to_rdf(kg)`` without building that graph: the subjects are sorted first,
    and each subject's triples are made (by the same functions) only when it is reached."""
    for assertion in kg.assertions:  # an unknown entity fails before anything is written
        for entity_id in (assertion.subject_id, assertion.object_id):
            if entity_id not in kg.entities:
                entity_node(kg, entity_id)
    outgoing: dict[str, list[tuple[RelationType, str]]] = defaultdict(list)
    for subject_id, relation, object_id in kg.relations():
        outgoing[subject_id].append((relation, object_id))
    starts = start_dates(kg)
    makers: list[tuple[str, Callable[[], Iterable[Triple]]]] = []
    for doc in kg.documents:
        makers.append((str(document_iri(doc.doc_id)), partial(document_triples, doc)))
    for entity_id, entity in kg.entities.items():
        makers.append((str(entity_iri(entity)), partial(_entity_and_relations, kg, entity_id, outgoing.get(entity_id, ()), starts)))
    for key, (iri, assertion) in chosen_assertions(kg.assertions).items():
        makers.append((key, partial(assertion_triples, kg, assertion, iri)))
    for camp in kg.camps:
        makers.append((str(camp_iri(camp.camp_id)), partial(camp_triples, kg, camp)))
    del outgoing
    makers.sort(key=itemgetter(0))
    for _iri, same in groupby(makers, key=itemgetter(0)):
        triples = [triple for _, make in same for triple in make()]
        yield triples[0][0], _runs((p, o) for _, p, o in triples)


def canonical_groups(source: Graph | KnowledgeGraph) -> Iterator[Group]:
    """The triples of ``source`` (an rdflib graph, or a knowledge graph as :func:`to_rdf` makes
    it) grouped by subject, in the order every format is written in: subjects sorted (IRIs,
    then blank nodes), ``rdf:type`` first, then predicates by IRI, objects sorted.

    The same triples give the same groups, however they were inserted.
    """
    if isinstance(source, KnowledgeGraph):
        return _kg_groups(source)
    return _graph_groups(source)

