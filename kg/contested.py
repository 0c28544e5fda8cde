"""Contested claims: the assertions another assertion of the graph contradicts.

Two contradictions are told, both between assertions of the same subject and object (a stance
has a direction: A backing B and B opposing A contradict nothing):

- a claim and its denial: the same (subject, relation, object) stated in one assertion and
  denied in another (``Mode.DENIED``), whoever says either;
- a split stance: a subject said both to back and to oppose one object (denials aside).

Every assertion involved, on both sides, is marked ``contested``. A stance that flips over time
(backs, later opposes) is contested too; the dates of its assertions tell the order.

>>> from kg.model import Assertion, Evidence, Mode, RelationType
>>> said = Assertion("russia", RelationType.BACKS, "rebels", Evidence("d1", "Russia arms the rebels.", 0, 23))
>>> denied = Assertion("russia", RelationType.BACKS, "rebels",
...                    Evidence("d1", "Moscow denied arming the rebels.", 24, 56, Mode.DENIED), speaker_id="russia")
>>> [a.contested for a in mark_contested([said, denied])]
[True, True]
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from kg.model import Assertion, KnowledgeGraph, RelationType
from kg.schema import MODES

__all__ = ["OPPOSITE_STANCES", "contested_keys", "mark_contested", "with_contested"]

OPPOSITE_STANCES: frozenset[RelationType] = frozenset({RelationType.BACKS, RelationType.OPPOSES})
"""Relations that cannot both hold of one subject towards one object."""


def _holds(assertion: Assertion) -> bool:
    return MODES[assertion.evidence.mode].holds


Key = tuple[str, RelationType, str]  # (subject_id, relation, object_id)


def _contradictions(assertions: Iterable[Assertion]) -> tuple[set[Key], set[Key]]:
    """The triples both stated and denied, and the stated triples of split stances."""
    holds: dict[Key, set[bool]] = defaultdict(set)
    for assertion in assertions:
        holds[(assertion.subject_id, assertion.relation, assertion.object_id)].add(_holds(assertion))
    denied = {key for key, seen in holds.items() if seen == {True, False}}
    stances: dict[tuple[str, str], set[RelationType]] = defaultdict(set)
    for (subject, relation, obj), seen in holds.items():
        if relation in OPPOSITE_STANCES and True in seen:
            stances[(subject, obj)].add(relation)
    split = {(subject, relation, obj) for (subject, obj), relations in stances.items()
             if relations >= OPPOSITE_STANCES for relation in OPPOSITE_STANCES}
    return denied, split


def contested_keys(assertions: Iterable[Assertion]) -> set[Key]:
    """The (subject_id, relation, object_id) triples whose assertions are contested.

    >>> from kg.model import Evidence
    >>> ev = Evidence("d", "...", 0, 3)
    >>> sorted(r.value for _, r, _ in contested_keys([Assertion("a", RelationType.BACKS, "b", ev),
    ...                                               Assertion("a", RelationType.OPPOSES, "b", ev)]))
    ['backs', 'opposes']
    """
    denied, split = _contradictions(assertions)
    return denied | split


def mark_contested(assertions: Iterable[Assertion]) -> list[Assertion]:
    """The assertions, in their order, with ``contested`` set on those :func:`contested_keys`
    names (of a split stance, only the stated ones: a denial does not split it) and cleared on
    the others."""
    assertions = list(assertions)
    denied, split = _contradictions(assertions)
    marked = []
    for assertion in assertions:
        key = (assertion.subject_id, assertion.relation, assertion.object_id)
        contested = key in denied or (key in split and _holds(assertion))
        marked.append(assertion if assertion.contested is contested else replace(assertion, contested=contested))
    return marked


def with_contested(graph: KnowledgeGraph) -> KnowledgeGraph:
    """``graph`` with its assertions marked by :func:`mark_contested` (the same object, changed)."""
    graph.assertions = mark_contested(graph.assertions)
    return graph
