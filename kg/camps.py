"""Camps: the actors split into sides, from the signed graph of their relations.

Structural balance (Heider 1946; Cartwright & Harary 1956) reads a conflict as a signed graph:
the friends of a friend are friends, the enemies of a friend are enemies, and a balanced graph
splits into camps with every positive tie inside a camp and every negative tie between two. A
real graph is never quite balanced; its *frustration* is how many ties contradict a partition.
Finding the partition of least frustration, with any number of camps, is correlation clustering
(Bansal, Blum & Chawla 2004). It is NP-hard; :func:`balance_partition` uses the levels of
Louvain (Blondel et al. 2008) on its objective, then the greedy additive edge contraction of
Keuper et al. (2015) and moves of one actor at a time (the relocation heuristic of Doreian &
Mrvar 1996) until neither improves, with exact arithmetic and ties broken by node, so the same
graph always gives the same camps.

In the examples, ``kg`` is the graph of one article: "Turkey opposes HTS in Idlib, Erdogan
said. Turkey and Russia signed the Sochi agreement." (``kg/conftest.py`` makes it).

>>> [(camp.label, camp.members, camp.frustration) for camp in find_camps(kg)]
[('Turkey and Russia', ('turkey', 'russia'), 0)]
"""
from __future__ import annotations

import heapq
import itertools
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from fractions import Fraction

import networkx as nx

from kg.model import Camp, KnowledgeGraph, Mode, RelationType

__all__ = ["STANCE_SIGNS", "STATING_MODES", "AGREED_WEIGHT", "LABEL_MEMBERS", "signed_graph", "balance_partition",
           "frustration", "central_members", "camp_label", "find_camps"]

STANCE_SIGNS: dict[RelationType, int] = {RelationType.BACKS: 1, RelationType.OPPOSES: -1}
"""The relations that are a stance of one actor towards another, and which way each pulls."""

STATING_MODES: frozenset[Mode] = frozenset({Mode.FACT, Mode.REPORTED, Mode.FUTURE})
"""The modes in which a sentence says a relation holds (or will): only those count. A sentence
that says it does not hold (a denial) pulls no two actors together and pushes none apart."""

AGREED_WEIGHT = 0.5
"""What being parties to one agreement weighs, against one sentence of backing: half, because an
agreement is also what opponents sign (a ceasefire, a truce). Attending one event weighs
nothing: enemies meet too."""

LABEL_MEMBERS = 3
"""A camp is named after this many of its most central members."""


def _key(node: Hashable) -> tuple[str, str]:
    """A total order on node ids of any type."""
    return (type(node).__name__, str(node))


def signed_graph(kg: KnowledgeGraph, agreed_weight: float = AGREED_WEIGHT) -> nx.Graph:
    """The undirected signed graph of the actors of ``kg`` that have a tie to another actor.

    Each edge has ``backs`` and ``opposes``: the sentences stating a backs or opposes between the
    two (either way); ``agreements``: how many agreements both are parties to; ``weight``: ``backs
    + agreed_weight * agreements - opposes``; and ``stances``: the distinct (subject, relation,
    object) backs and opposes between the two, sorted. Nodes carry the entity's ``label``. Only
    assertions in :data:`STATING_MODES` count; attending an event is no tie. Nodes and edges are
    added in sorted order, so the same relations in any order give the same graph.

    >>> g = signed_graph(kg)
    >>> sorted(g.edges(data="weight"))
    [('hay-at-tahrir-al-sham', 'turkey', -1.0), ('russia', 'turkey', 0.5)]
    >>> g.edges["turkey", "hay-at-tahrir-al-sham"]["stances"]
    (('turkey', 'opposes', 'hay-at-tahrir-al-sham'),)
    """
    sentences: dict[tuple[str, str], dict[RelationType, set[tuple]]] = defaultdict(lambda: defaultdict(set))
    stances: dict[tuple[str, str], set[tuple[str, str, str]]] = defaultdict(set)
    parties: dict[str, set[str]] = defaultdict(set)  # agreement id -> its parties
    for assertion in kg.assertions:
        ev = assertion.evidence
        subject, obj = assertion.subject_id, assertion.object_id
        if ev.mode not in STATING_MODES or subject == obj:
            continue
        if assertion.relation in STANCE_SIGNS:
            pair = (subject, obj) if _key(subject) <= _key(obj) else (obj, subject)
            sentences[pair][assertion.relation].add((ev.doc_id, ev.start, ev.end, subject, obj))
            stances[pair].add((subject, assertion.relation.value, obj))
        elif assertion.relation is RelationType.AGREED:
            parties[obj].add(subject)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for agreement in parties.values():
        for pair in itertools.combinations(sorted(agreement, key=_key), 2):
            shared[pair] += 1

    g = nx.Graph()
    pairs = sorted(set(sentences) | set(shared), key=lambda p: (_key(p[0]), _key(p[1])))
    ends = sorted({node for pair in pairs for node in pair}, key=_key)
    g.add_nodes_from((node, {"label": kg.entities[node].label if node in kg.entities else str(node)}) for node in ends)
    for pair in pairs:
        counts = {relation: len(sentences[pair][relation]) if pair in sentences else 0 for relation in STANCE_SIGNS}
        agreements = shared.get(pair, 0)
        weight = sum(STANCE_SIGNS[relation] * count for relation, count in counts.items()) + agreed_weight * agreements
        g.add_edge(*pair, weight=float(weight), **{relation.value: count for relation, count in counts.items()},
                   agreements=agreements, stances=tuple(sorted(stances.get(pair, ()))))
    return g


def balance_partition(g: nx.Graph, weight: str = "weight") -> list[set]:
    """The nodes of ``g`` split so that as little ``weight`` as possible contradicts the split
    (negative inside a part, positive between two): correlation clustering, any number of parts.

    Louvain's scheme (Blondel et al. 2008) on the weight inside parts: move single nodes, in
    order, to the part that gains the most, until none gains; make each part one node and move
    those; repeat while a level moves anything. Then, until nothing changes: merge the two parts
    with the largest positive weight between them while any two have some (greedy additive edge
    contraction), and move single nodes again, to another part or to a part of their own.
    Weights are summed exactly (as integers over one denominator); ties go to the part met first
    in node order. Parts are returned largest first, then by their first node.

    >>> g = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": -1}),
    ...               ("c", "d", {"weight": 2}), ("a", "d", {"weight": -1}), ("d", "e", {"weight": -3})])
    >>> [sorted(part) for part in balance_partition(g)]
    [['a', 'b'], ['c', 'd'], ['e']]
    """
    nodes = sorted(g, key=_key)
    index = {node: i for i, node in enumerate(nodes)}
    exact = [(index[u], index[v], Fraction(w)) for u, v, w in g.edges(data=weight, default=0) if w and u != v]
    # Fractions with a common denominator, then integers: exact sums, at the speed of integers.
    scale = math.lcm(*(w.denominator for _, _, w in exact)) if exact else 1
    ties: list[dict[int, int]] = [{} for _ in nodes]
    for i, j, w in exact:
        ties[i][j] = ties[j][i] = ties[i].get(j, 0) + int(w * scale)
    part = _multilevel(ties)  # the part of each node, by number
    while True:
        part = _contract(ties, part)
        if not _relocate(ties, part):
            break
    groups: dict[int, set] = {}
    for i, p in enumerate(part):
        groups.setdefault(p, set()).add(nodes[i])
    return sorted(groups.values(), key=lambda group: (-len(group), min(index[node] for node in group)))


def _multilevel(ties: list[dict[int, int]]) -> list[int]:
    """Louvain's levels: move nodes among parts, make each part one node, move those, and so on
    while a level moves anything. The part of each node, numbered from 0."""
    members = [[i] for i in range(len(ties))]  # the nodes of each node of this level
    level = ties
    while True:
        part = list(range(len(level)))
        if not _relocate(level, part):
            break
        number = {p: k for k, p in enumerate(sorted(set(part)))}
        grouped: list[list[int]] = [[] for _ in number]
        for node, p in enumerate(part):
            grouped[number[p]].extend(members[node])
        merged: list[dict[int, int]] = [{} for _ in number]
        for node, row in enumerate(level):
            a = number[part[node]]
            for other, w in row.items():
                b = number[part[other]]
                if a != b:
                    merged[a][b] = merged[a].get(b, 0) + w
        members, level = grouped, merged
    found = [0] * len(ties)
    for k, nodes in enumerate(members):
        for node in nodes:
            found[node] = k
    return found


def _contract(ties: list[dict[int, int]], part: list[int]) -> list[int]:
    """Merge the two parts with the largest positive weight between them until no two have any;
    a merged part keeps the smaller number."""
    between: dict[int, dict[int, int]] = defaultdict(dict)
    for i, row in enumerate(ties):
        for j, w in row.items():
            a, b = part[i], part[j]
            if a != b:
                between[a][b] = between[a].get(b, 0) + w
    heap = [(-w, a, b) for a, row in between.items() for b, w in row.items() if a < b and w > 0]
    heapq.heapify(heap)
    merged_into: dict[int, int] = {}
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a in merged_into or b in merged_into or between[a].get(b) != -negative:
            continue  # an entry made stale by an earlier merge
        merged_into[b] = a
        del between[a][b]
        for c, w in between.pop(b).items():
            if c == a:
                continue
            del between[c][b]
            total = between[a][c] = between[c][a] = between[a].get(c, 0) + w
            if total > 0:
                heapq.heappush(heap, (-total, min(a, c), max(a, c)))

    def root(p: int) -> int:
        while p in merged_into:
            p = merged_into[p]
        return p

    return [root(p) for p in part]


def _relocate(ties: list[dict[int, int]], part: list[int]) -> bool:
    """Move nodes one at a time, in order, to the part that gains the most, or to a part of their
    own, while any move gains; ``part`` is changed in place. Whether anything moved."""
    sizes: dict[int, int] = defaultdict(int)
    for p in part:
        sizes[p] += 1
    fresh = itertools.count(max(part, default=-1) + 1)  # numbers for parts of one node
    moved = False
    changed = True
    while changed:  # each move raises the weight inside parts: this ends
        changed = False
        for i, row in enumerate(ties):
            pull: dict[int, int] = defaultdict(int)
            for j, w in row.items():
                pull[part[j]] += w
            own = part[i]
            stay = pull.pop(own, 0)
            target, gain = None, 0
            for p in sorted(pull):
                if pull[p] - stay > gain:
                    target, gain = p, pull[p] - stay
            if sizes[own] > 1 and -stay > gain:
                target = next(fresh)
            if target is not None:
                sizes[own] -= 1
                sizes[target] += 1
                part[i] = target
                moved = changed = True
    return moved


def frustration(g: nx.Graph, members: Iterable[Hashable]) -> int:
    """How many stances of ``g`` contradict a camp of ``members``: each opposes between two of
    them, and each backs between one of them and an actor outside (counted once for each camp
    it touches).

    >>> g = nx.Graph([("a", "b", {"stances": (("a", "opposes", "b"),)}),
    ...               ("a", "c", {"stances": (("a", "backs", "c"), ("c", "backs", "a"))})])
    >>> frustration(g, {"a", "b"}), frustration(g, {"c"})
    (3, 2)
    """
    inside = set(members)
    count = 0
    seen = set()
    for node in inside:
        for other in g[node]:
            edge = frozenset((node, other))
            if edge in seen:
                continue
            seen.add(edge)
            both = other in inside
            for _, relation, _ in g.edges[node, other].get("stances", ()):
                if (STANCE_SIGNS[RelationType(relation)] < 0) == both:  # pushes apart inside, pulls across
                    count += 1
    return count


def central_members(g: nx.Graph, members: Iterable[Hashable], weight: str = "weight") -> list:
    """``members`` most central first: by the positive weight of their ties to the others, then
    by the weight of all their ties (either sign), then by label and id.

    >>> g = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 2}), ("c", "x", {"weight": -4})])
    >>> central_members(g, {"a", "b", "c"})
    ['b', 'c', 'a']
    """
    inside = set(members)

    def rank(node: Hashable) -> tuple:
        ties = g[node]
        within = sum(max(ties[other].get(weight, 0), 0) for other in ties if other in inside and other != node)
        overall = sum(abs(ties[other].get(weight, 0)) for other in ties if other != node)
        return (-within, -overall, str(g.nodes[node].get("label", "")), _key(node))

    return sorted(inside, key=rank)


def camp_label(names: list[str], size: int | None = None) -> str:
    """The name of a camp: its first :data:`LABEL_MEMBERS` members' names, and how many more.

    >>> camp_label(["Syria", "Russia"]), camp_label(["Syria", "Russia", "Iran", "Hezbollah", "Iraq"])
    ('Syria and Russia', 'Syria, Russia, Iran and 2 more')
    """
    size = len(names) if size is None else size
    shown = names[:LABEL_MEMBERS]
    if size > len(shown):
        return f"{', '.join(shown)} and {size - len(shown)} more"
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def find_camps(kg: KnowledgeGraph, agreed_weight: float = AGREED_WEIGHT) -> list[Camp]:
    """The camps of ``kg``: the parts of :func:`balance_partition` on :func:`signed_graph` with
    at least two actors (an actor that stands with no one is in no camp, nor is one with no
    stance at all), largest first. A camp's id is its most central member's id (no two camps
    share a member), its label names its most central members (:func:`camp_label`), and its
    ``frustration`` counts the stances that contradict it (:func:`frustration`).

    >>> camp, = find_camps(kg)
    >>> camp.camp_id, camp.frustration
    ('turkey', 0)
    """
    g = signed_graph(kg, agreed_weight)
    camps = []
    for part in balance_partition(g):
        if len(part) < 2:
            continue
        members = central_members(g, part)
        label = camp_label([g.nodes[m]["label"] for m in members[:LABEL_MEMBERS]], len(members))
        camps.append(Camp(str(members[0]), label, tuple(members), frustration(g, part)))
    return camps
