"""The part of a graph an analyst is looking at: the neighbourhood of an actor, a time span, one
source; what ``kg export GRAPH --around NAME --hops N --since DATE --until DATE --source NAME``
writes, in any export format.

A :class:`Selection` is applied to an Oxigraph store of a kg graph (:func:`select`) and gives a
store of the triples kept:

- the sentences (``kg:Assertion`` nodes) kept are those of the articles of ``source`` (matched by
  its publisher, title, document id or url) dated in the range ``since``-``until`` (their
  ``kg:date``, a day, a month or a year, overlapping it: :func:`kg.periods.overlaps`); with any
  of these three, a relation is kept only with a sentence of its own that says it holds;
- ``around``: the nodes within ``hops`` relations or denials (either direction) of the node named
  so, as ``kg query --name`` finds it (its label, another name or its ISO code as written; else a
  label equal to it ignoring case, or ending with it as a word); else every node of a kept
  relation or sentence;
- every triple of a kept node is kept but those pointing at nodes left out; a denied relation
  (no direct triple) is kept when both its ends are, the speakers of kept sentences and the
  articles they come from are kept too, and so is a camp of which two members at least are
  kept, with its links to kept members only.

>>> import pyoxigraph as ox
>>> from kg.rdf import serialize
>>> store = ox.Store(); store.load(serialize(kg, "nt").encode(), format=ox.RdfFormat.N_TRIPLES)
>>> def nodes(part): return sorted({q.subject.value.rsplit("/", 1)[1] for q in part if "/assertion/" not in q.subject.value})
>>> nodes(select(store, Selection(around="Turkey", hops=1)))  # Erdogan: who says Turkey opposes HTS
['erdogan', 'hay-at-tahrir-al-sham', 'news-1', 'sochi-agreement', 'turkey']
>>> nodes(select(store, Selection(around="Turkey", hops=2)))  # Russia agreed to Sochi too
['erdogan', 'hay-at-tahrir-al-sham', 'news-1', 'russia', 'sochi-agreement', 'turkey']
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.namespaces import KG, KGR, RDF, RDFS, SDO, SKOS
from kg.periods import is_period, overlaps
from kg.schema import MODES, NODE_KINDS, RELATIONS

__all__ = ["Selection", "select", "named_nodes"]

NAME_PROPERTIES = (RDFS.label, SKOS.altLabel, SDO.identifier)  # what --name matches as written
LABEL_PROPERTIES = (RDFS.label, SKOS.altLabel)  # what it matches ignoring case
SOURCE_PROPERTIES = (SDO.publisher, SDO.headline, KG.documentId, SDO.url)  # what --source matches
_RESOURCE = str(KGR)


@dataclass(frozen=True)
class Selection:
    """What part of the graph to keep (see the module's docstring); every field None: all of it."""

    around: str | None = None  # the name of the node at the centre
    hops: int = 1  # how many relations away from it
    since: str | None = None  # ISO year, month or day: the range of the sentences' dates
    until: str | None = None
    source: str | None = None  # an outlet, an article's title, document id or url

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not is_period(value):
                raise ValueError(f"--{name} {value!r} is not a date: give a year, a month or a day (2019, 2019-05, 2019-05-02)")
        if self.hops < 0:
            raise ValueError(f"--hops must not be negative, got {self.hops}")

    @property
    def filters_sentences(self) -> bool:
        """Whether sentences are chosen (by date or source), and relations with them."""
        return self.since is not None or self.until is not None or self.source is not None

    def __bool__(self) -> bool:
        return self.around is not None or self.filters_sentences


def _values(store: ox.Store, predicate) -> Iterable[tuple[str, object]]:
    """(subject IRI, object term) of every triple with ``predicate``."""
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None):
        yield quad.subject.value, quad.object


def named_nodes(store: ox.Store, name: str, among: set[str]) -> set[str]:
    """The nodes of ``among`` named ``name``, as ``kg query --name`` finds them: a label, another
    name or an ISO code as written; when none is, a label equal to it ignoring case or ending with
    it as a word ("smith" finds "Jane Smith")."""
    exact: set[str] = set()
    loose: set[str] = set()
    folded = name.casefold()
    for predicate in NAME_PROPERTIES:
        for subject, value in _values(store, predicate):
            if subject not in among:
                continue
            if value.value == name:
                exact.add(subject)
            elif predicate in LABEL_PROPERTIES:
                label = value.value.casefold()
                if label == folded or label.endswith(" " + folded):
                    loose.add(subject)
    return exact or loose


@dataclass
class _Sentence:
    subject: str = ""
    relation: str = ""
    object: str = ""
    document: str = ""
    date: str | None = None
    holds: bool = True
    speaker: str | None = None


def _sentences(store: ox.Store) -> dict[str, _Sentence]:
    """The kg:Assertion nodes of the store, by IRI."""
    found: dict[str, _Sentence] = defaultdict(_Sentence)
    fields = {KG.subject: "subject", KG.object: "object", KG.source: "document", KG.speaker: "speaker"}
    for predicate, field in fields.items():
        for subject, value in _values(store, predicate):
            setattr(found[subject], field, value.value)
    for subject, value in _values(store, KG.relation):
        found[subject].relation = value.value
    for subject, value in _values(store, KG.date):
        found[subject].date = value.value
    modes = {str(mode.iri): mode.holds for mode in MODES.values()}
    for subject, value in _values(store, KG.mode):
        found[subject].holds = modes.get(value.value, True)
    return found


def _within(edges: dict[str, set[str]], start: set[str], hops: int) -> set[str]:
    """The nodes at most ``hops`` edges from ``start`` (breadth first)."""
    reached, frontier = set(start), set(start)
    for _ in range(hops):
        frontier = {other for node in frontier for other in edges.get(node, ())} - reached
        if not frontier:
            break
        reached |= frontier
    return reached


def select(store: ox.Store, selection: Selection) -> ox.Store:
    """A new store with the part of ``store`` that ``selection`` keeps (see the module's
    docstring). ValueError when ``around`` or ``source`` names nothing in the graph."""
    kinds = {str(node.iri) for node in NODE_KINDS.values()}
    entities, all_documents = set(), set()
    for subject, value in _values(store, RDF.type):
        if value.value in kinds:
            entities.add(subject)
        elif value.value == str(KG.Document):
            all_documents.add(subject)
    documents = all_documents
    if selection.source is not None:
        wanted = selection.source.casefold()
        documents = {subject for predicate in SOURCE_PROPERTIES for subject, value in _values(store, predicate)
                     if subject in all_documents and value.value.casefold() == wanted}
        if not documents:
            raise ValueError(f"no article of the graph has the source, title, id or url {selection.source!r}")

    all_sentences = _sentences(store)
    dated = selection.since is not None or selection.until is not None
    sentences = {iri: s for iri, s in all_sentences.items()
                 if s.document in documents
                 and (not dated or (s.date is not None and overlaps(s.date, selection.since, selection.until)))}
    relation_iris = {str(relation.iri) for relation in RELATIONS.values()}
    if selection.filters_sentences:
        relations = {(s.subject, s.relation, s.object) for s in sentences.values() if s.holds}
    else:
        relations = {(quad.subject.value, quad.predicate.value, quad.object.value)
                     for quad in store if quad.predicate.value in relation_iris}
    edges: dict[str, set[str]] = defaultdict(set)  # a denial links its two ends too
    for subject, obj in {(s, o) for s, _, o in relations} | {(s.subject, s.object) for s in sentences.values()}:
        edges[subject].add(obj)
        edges[obj].add(subject)

    if selection.around is not None:
        centre = named_nodes(store, selection.around, entities)
        if not centre:
            raise ValueError(f"no node of the graph is named {selection.around!r}")
        nodes = _within(edges, centre, selection.hops)
    else:
        nodes = set(edges)
    sentences = {iri: s for iri, s in sentences.items() if s.subject in nodes and s.object in nodes}
    relations = {(s, p, o) for s, p, o in relations if s in nodes and o in nodes}
    nodes |= {s.speaker for s in sentences.values() if s.speaker}
    kept = nodes | set(sentences) | {s.document for s in sentences.values()}
    known = entities | all_documents | set(all_sentences)
    members: dict[str, int] = defaultdict(int)  # a camp -> how many of its members are kept
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(KG.member)), None):
        if quad.subject.value not in known and quad.object.value in nodes:
            members[quad.subject.value] += 1
    kept |= {camp for camp, count in members.items() if count >= 2}  # a camp is two actors at least

    def keeps(quad: ox.Quad) -> bool:
        if quad.subject.value not in kept:
            return False
        if quad.predicate.value in relation_iris:
            return (quad.subject.value, quad.predicate.value, quad.object.value) in relations
        obj = quad.object
        return not isinstance(obj, ox.NamedNode) or not obj.value.startswith(_RESOURCE) or obj.value in kept

    result = ox.Store()
    result.extend(quad for quad in store if keeps(quad))
    return result

