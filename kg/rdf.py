"""A ``KnowledgeGraph`` as RDF: IRIs, triples, deterministic serialization, SHACL validation.

Every node is an IRI (no blank nodes): entities ``kgr:<kind>/<id>``, documents
``kgr:document/<id>``, provenance nodes ``kgr:assertion/<hash>``. Each relation is written
twice: as the direct triple ``subject kg:backs object`` and, once per sentence stating it, as a
``kg:Assertion`` node (see ``ontology/README.md``).

Writing streams: :func:`canonical_groups` puts the subjects in order, then makes each subject's
triples, sorted, when it is reached; :func:`write_rdf` writes every format from that one pass. A
``KnowledgeGraph`` is written without an rdflib ``Graph`` (:func:`to_rdf` is for querying and
validating) and no file's whole text is held in memory.

>>> from kg.model import Entity, EntityKind
>>> str(entity_iri(Entity("turkey", EntityKind.COUNTRY, "Turkey")))
'https://w3id.org/kg/resource/country/turkey'
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import IO
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.atomic import AtomicFiles
from kg.model import Assertion, Document, Entity, EntityKind, KnowledgeGraph, Mode, RelationType
from kg.namespaces import KG, KGR, PREFIXES, RDF, RDFS, SDO, SKOS, XSD, bind_prefixes, ontology_dir

__all__ = [
    "entity_iri",
    "document_iri",
    "assertion_iri",
    "to_rdf",
    "canonical_groups",
    "serialize",
    "write_rdf",
    "write_graph",
    "validate",
    "FORMATS",
    "GRAPH_FILES",
]

Triple = tuple[Node, Node, Node]


# --------------------------------------------------------------------------- IRIs


def _segment(identifier: str) -> str:
    """Percent-encode ``identifier`` as one IRI path segment (ASCII only, never ``.``/``..``).

    >>> _segment("al-Assad's \\"regime\\"/forces #1")
    'al-Assad%27s%20%22regime%22%2Fforces%20%231'
    >>> _segment("..")
    '%2E%2E'
    """
    if not identifier:
        raise ValueError("cannot mint an IRI from an empty identifier")
    encoded = quote(identifier, safe="")
    if set(encoded) == {"."}:
        encoded = encoded.replace(".", "%2E")
    return encoded


def kind_iri_segment(kind: EntityKind) -> str:
    """The path segment of a kind: ``EntityKind.ARMED_GROUP`` -> ``'armedgroup'``."""
    return kind.value.lower()


def entity_iri(entity: Entity) -> URIRef:
    """The IRI of an entity: ``kgr:<kind>/<percent-encoded id>``.

    >>> from kg.model import Entity, EntityKind
    >>> str(entity_iri(Entity("Hay'at Tahrir al-Sham", EntityKind.ARMED_GROUP, "HTS")))
    'https://w3id.org/kg/resource/armedgroup/Hay%27at%20Tahrir%20al-Sham'
    """
    return _entity_iri(entity.kind, entity.entity_id)


# IRIs recur in every assertion and relation: made (percent-encoded, then checked by rdflib) once.
@lru_cache(maxsize=1 << 16)
def _entity_iri(kind: EntityKind, entity_id: str) -> URIRef:
    return KGR[f"{kind_iri_segment(kind)}/{_segment(entity_id)}"]


@lru_cache(maxsize=1 << 16)
def document_iri(doc_id: str) -> URIRef:
    """The IRI of a document: ``kgr:document/<percent-encoded doc_id>``.

    >>> str(document_iri("000_c5db"))
    'https://w3id.org/kg/resource/document/000_c5db'
    """
    return KGR["document/" + _segment(doc_id)]


def assertion_key(assertion: Assertion) -> tuple[str, ...]:
    """What identifies an assertion node: where it is stated, what it states, and how."""
    ev = assertion.evidence
    return (
        ev.doc_id,
        str(ev.start),
        str(ev.end),
        assertion.subject_id,
        assertion.relation.value,
        assertion.object_id,
        ev.mode.value,
    )


def assertion_iri(assertion: Assertion) -> URIRef:
    """``kgr:assertion/<16 hex digits>``: a SHA-1 of :func:`assertion_key`, so rebuilding gives the same IRI."""
    digest = hashlib.sha1("\x1f".join(assertion_key(assertion)).encode("utf-8")).hexdigest()
    return KGR["assertion/" + digest[:16]]


# --------------------------------------------------------------------------- literals


# The shapes of an ISO date at each precision and their XML Schema datatypes, finest first.
_DATE_SHAPES: tuple[tuple[re.Pattern[str], str, Callable[[str], object]], ...] = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "date", dt.date.fromisoformat),
    (re.compile(r"\d{4}-\d{2}"), "gYearMonth", lambda v: dt.date.fromisoformat(v + "-01")),
    (re.compile(r"\d{4}"), "gYear", lambda v: dt.date(int(v), 1, 1)),
)


def date_literal(value: str) -> Literal:
    """``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` for a valid ISO day, month or year (as
    ingest writes a date at its precision), else a plain string (a date kept as written).

    >>> [str(date_literal(v).datatype).split("#")[-1] for v in ("2020-02-17", "2020-02", "2020")]
    ['date', 'gYearMonth', 'gYear']
    >>> date_literal("2020-02-30").datatype is None, date_literal("sometime last spring").datatype is None
    (True, True)
    """
    for shape, datatype, check in _DATE_SHAPES:
        if shape.fullmatch(value):
            try:
                check(value)
            except ValueError:
                return Literal(value)
            # rdflib would turn a gYear/gYearMonth into a Python date and back: keep the lexical form
            return Literal(value, datatype=_XSD[datatype], normalize=False)
    return Literal(value)


# --------------------------------------------------------------------------- triples


class _Terms:
    """A namespace whose terms are made once: rdflib makes and checks a new URIRef on every
    ``KG.x``, and a graph has a dozen terms in every node."""

    def __init__(self, namespace: object):
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:  # only on first use: then an instance attribute
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._namespace[name]
        return term


_KG, _RDF, _RDFS, _SKOS, _SDO, _XSD = (_Terms(ns) for ns in (KG, RDF, RDFS, SKOS, SDO, XSD))


@lru_cache(maxsize=1 << 12)
def _integer(value: int) -> Literal:
    """An ``xsd:integer`` literal; offsets repeat, and rdflib's Literal() is slow."""
    return Literal(value, datatype=_XSD.integer)


def document_triples(doc: Document) -> Iterator[Triple]:
    """The triples of one ``kg:Document`` node; optional fields only when known."""
    node = document_iri(doc.doc_id)
    yield node, _RDF.type, _KG.Document
    yield node, _KG.documentId, Literal(doc.doc_id)
    yield node, _KG.path, Literal(doc.path)
    optional: list[tuple[URIRef, str | None, Callable[[str], Literal]]] = [
        (_SDO.headline, doc.title, Literal),
        (_SDO.datePublished, doc.date, date_literal),
        (_SDO.url, doc.url, lambda v: Literal(v, datatype=_XSD.anyURI)),
        (_SDO.publisher, doc.source, Literal),
        (_SDO.identifier, doc.feed_id, Literal),  # the feed's own id of the article
    ]
    for prop, value, make in optional:
        if value:
            yield node, prop, make(value)


def entity_triples(entity: Entity) -> Iterator[Triple]:
    """Type, label, alternative labels (other than the label), a state's ISO 3166-1 alpha-3 code
    (``schema:identifier``) and documents of an entity."""
    node = entity_iri(entity)
    yield node, _RDF.type, _KG[entity.kind.value]
    yield node, _RDFS.label, Literal(entity.label)
    for alt in sorted(entity.alt_labels - {entity.label}):
        if alt:
            yield node, _SKOS.altLabel, Literal(alt)
    if entity.identifier:
        yield node, _SDO.identifier, Literal(entity.identifier)
    for doc_id in sorted(entity.documents):
        yield node, _KG.mentionedIn, document_iri(doc_id)


class UnknownEntityError(ValueError):
    """An assertion refers to an entity id that is not in ``KnowledgeGraph.entities``."""


def _entity_node(kg: KnowledgeGraph, entity_id: str) -> URIRef:
    """The IRI of the entity with this id; :class:`UnknownEntityError` when there is none."""
    entity = kg.entities.get(entity_id)
    if entity is None:
        raise UnknownEntityError(f"assertion refers to unknown entity id {entity_id!r}")
    return entity_iri(entity)


def assertion_triples(kg: KnowledgeGraph, assertion: Assertion) -> Iterator[Triple]:
    """The ``kg:Assertion`` node of one assertion.

    ``kg:speaker`` is written only with ``Mode.REPORTED`` and a known speaker.
    """
    return _assertion_triples(kg, assertion, assertion_iri(assertion))


def _assertion_triples(kg: KnowledgeGraph, assertion: Assertion, node: URIRef) -> Iterator[Triple]:
    ev = assertion.evidence
    yield node, _RDF.type, _KG.Assertion
    yield node, _KG.subject, _entity_node(kg, assertion.subject_id)
    yield node, _KG.relation, _KG[assertion.relation.value]
    yield node, _KG.object, _entity_node(kg, assertion.object_id)
    yield node, _KG.source, document_iri(ev.doc_id)
    yield node, _KG.sentence, Literal(ev.sentence)
    yield node, _KG.startOffset, _integer(ev.start)
    yield node, _KG.endOffset, _integer(ev.end)
    yield node, _KG.mode, _KG[ev.mode.value]
    if ev.mode is Mode.REPORTED and assertion.speaker_id:
        yield node, _KG.speaker, _entity_node(kg, assertion.speaker_id)


def _relation_triple(kg: KnowledgeGraph, subject_id: str, relation: RelationType | str, object_id: str) -> Triple:
    return _entity_node(kg, subject_id), _KG[RelationType(relation).value], _entity_node(kg, object_id)


def relation_triples(kg: KnowledgeGraph) -> Iterator[Triple]:
    """The direct triple ``subject kg:<relation> object`` of every distinct relation."""
    for subject_id, relation, object_id in sorted(kg.relations()):
        yield _relation_triple(kg, subject_id, relation, object_id)


def _chosen_assertions(assertions: Iterable[Assertion]) -> dict[str, tuple[URIRef, Assertion]]:
    """One assertion per IRI (same sentence, triple and mode), preferring one with a speaker:
    IRI as a string -> (IRI, assertion). The IRI (a SHA-1) is made once per assertion."""
    chosen: dict[str, tuple[URIRef, Assertion]] = {}
    for assertion in sorted(assertions, key=lambda a: (assertion_key(a), a.speaker_id or "")):
        iri = assertion_iri(assertion)
        held = chosen.get(str(iri))
        if held is None or (held[1].speaker_id is None and assertion.speaker_id):
            chosen[str(iri)] = (iri, assertion)
    return chosen


def _unique_assertions(assertions: Iterable[Assertion]) -> list[Assertion]:
    """One assertion per IRI, in IRI order (see :func:`_chosen_assertions`)."""
    chosen = _chosen_assertions(assertions)
    return [chosen[key][1] for key in sorted(chosen)]


def kg_triples(kg: KnowledgeGraph) -> Iterator[Triple]:
    """Every triple of the RDF form of ``kg``, in a deterministic order."""
    for doc in sorted(kg.documents, key=lambda d: d.doc_id):
        yield from document_triples(doc)
    for entity_id in sorted(kg.entities):
        yield from entity_triples(kg.entities[entity_id])
    yield from relation_triples(kg)
    for assertion in _unique_assertions(kg.assertions):
        yield from assertion_triples(kg, assertion)


def to_rdf(kg: KnowledgeGraph) -> Graph:
    """The RDF graph of a knowledge graph, with the project prefixes bound.

    Raises :class:`UnknownEntityError` when an assertion names an entity id not in ``kg.entities``.

    >>> from kg.model import Entity, EntityKind, KnowledgeGraph
    >>> kg = KnowledgeGraph(entities={"iran": Entity("iran", EntityKind.COUNTRY, "Iran")})
    >>> len(to_rdf(kg))
    2
    """
    graph = bind_prefixes(Graph())
    for triple in kg_triples(kg):
        graph.add(triple)
    return graph


# --------------------------------------------------------------------------- canonical order

Run = tuple[Node, list[Node]]
"""A predicate and its objects."""

Group = tuple[Node, list[Run]]
"""A subject and its runs: ``rdf:type`` first, then predicates in IRI order, each with its
distinct objects sorted."""

_RDF_TYPE = str(RDF.type)


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
    for key in sorted(by_predicate, key=lambda k: (k != _RDF_TYPE, k)):
        predicate, objects = by_predicate[key]
        runs.append((predicate, [objects[k] for k in sorted(objects)]))
    return runs


def _graph_groups(graph: Graph) -> Iterator[Group]:
    for subject in sorted(set(graph.subjects()), key=_node_key):
        yield subject, _runs(graph.predicate_objects(subject))


def _entity_and_relations(kg: KnowledgeGraph, entity_id: str,
                          outgoing: Iterable[tuple[RelationType, str]]) -> Iterator[Triple]:
    yield from entity_triples(kg.entities[entity_id])
    for relation, object_id in outgoing:
        yield _relation_triple(kg, entity_id, relation, object_id)


def _kg_groups(kg: KnowledgeGraph) -> Iterator[Group]:
    """The groups of ``to_rdf(kg)`` without building that graph: the subjects are sorted first,
    and each subject's triples are made (by the same functions) only when it is reached."""
    for assertion in kg.assertions:  # an unknown entity fails before anything is written
        for entity_id in (assertion.subject_id, assertion.object_id):
            if entity_id not in kg.entities:
                _entity_node(kg, entity_id)
    outgoing: dict[str, list[tuple[RelationType, str]]] = defaultdict(list)
    for subject_id, relation, object_id in kg.relations():
        outgoing[subject_id].append((relation, object_id))
    makers: list[tuple[str, Callable[[], Iterable[Triple]]]] = []
    for doc in kg.documents:
        makers.append((str(document_iri(doc.doc_id)), partial(document_triples, doc)))
    for entity_id, entity in kg.entities.items():
        makers.append((str(entity_iri(entity)), partial(_entity_and_relations, kg, entity_id, outgoing.get(entity_id, ()))))
    for key, (iri, assertion) in _chosen_assertions(kg.assertions).items():
        makers.append((key, partial(_assertion_triples, kg, assertion, iri)))
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


# --------------------------------------------------------------------------- writers

_XSD_INTEGER, _XSD_BOOLEAN = str(XSD.integer), str(XSD.boolean)

# Only canonical integers are written as bare numbers: a parser gives back the same lexical form.
_CANONICAL_INTEGER = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")

# Escapes inside quoted strings (Turtle, N-Triples). Control characters become \u escapes
# (valid raw, but a NUL or a form feed makes the file look binary to grep, diff and editors).
_STRING_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
_STRING_ESCAPES.update({c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F) if c not in _STRING_ESCAPES})

# Characters an IRIREF cannot hold raw (kg's IRIs are percent-encoded and never have them).
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')

# A safe subset of Turtle's local names (no dots, colons or escapes): others are written in full.
_PN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")

_NAMESPACES = {str(namespace): prefix for prefix, namespace in PREFIXES.items()}


def _quoted(text: str) -> str:
    return '"' + text.translate(_STRING_ESCAPES) + '"'


def _iriref(iri: str) -> str:
    return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04X}", iri) + ">"


def _split_iri(iri: str) -> tuple[str, str]:
    """(namespace, local name), cut after the last ``#``, else ``/``, else ``:`` (as rdflib's JSON-LD does)."""
    for delimiter in "#/:":
        at = iri.rfind(delimiter)
        if at > -1:
            return iri[: at + 1], iri[at + 1:]
    return iri, ""


class _Writer:
    """Text of one RDF format, written a group at a time: ``begin``, ``group`` per subject, ``end``.

    Caches are keyed by plain strings (``str(term)``): rdflib's ``__eq__`` is Python code.
    """

    def begin(self) -> str:
        return ""

    def group(self, subject: Node, runs: list[Run]) -> str:
        raise NotImplementedError

    def end(self) -> str:
        return ""


class _NTriplesWriter(_Writer):
    """N-Triples: one triple a line, every IRI in full."""

    def __init__(self) -> None:
        self._iris: dict[str, str] = {}  # IRIs recur (predicates, documents, entities): written once

    def iri(self, iri: Node) -> str:
        key = str(iri)
        text = self._iris.get(key)
        if text is None:
            text = self._iris[key] = self._name(key)
        return text

    def _name(self, iri: str) -> str:
        return _iriref(iri)

    def node(self, node: Node) -> str:
        if type(node) is URIRef or isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, BNode):
            return f"_:{node}"
        return self.literal(node)

    def subject(self, node: Node) -> str:
        """A subject is written once: not cached (an assertion IRI never recurs)."""
        if type(node) is URIRef or isinstance(node, URIRef):
            return self._name(str(node))
        return self.node(node)

    def literal(self, literal: Literal) -> str:
        text = _quoted(str(literal))
        if literal.language:
            return f"{text}@{literal.language}"
        if literal.datatype is None:
            return text
        return f"{text}^^{self.iri(literal.datatype)}"

    def group(self, subject: Node, runs: list[Run]) -> str:
        s = self.subject(subject)
        lines = []
        for predicate, objects in runs:
            sp = f"{s} {self.iri(predicate)} "
            lines.extend(f"{sp}{self.node(o)} .\n" for o in objects)
        return "".join(lines)


class _TurtleWriter(_NTriplesWriter):
    """Turtle: the project prefixes, one block per subject (``a`` first, then predicates in IRI
    order, objects sorted), canonical integers bare."""

    def _name(self, iri: str) -> str:
        namespace, local = _split_iri(iri)
        prefix = _NAMESPACES.get(namespace)
        if prefix and _PN_LOCAL.match(local):
            return f"{prefix}:{local}"
        return _iriref(iri)

    def literal(self, literal: Literal) -> str:
        datatype = literal.datatype
        if datatype is not None and str(datatype) == _XSD_INTEGER:
            lexical = str(literal)
            if _CANONICAL_INTEGER.match(lexical):
                return lexical
        return super().literal(literal)

    def begin(self) -> str:
        return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in sorted(PREFIXES.items()))

    def group(self, subject: Node, runs: list[Run]) -> str:
        lines = []
        for predicate, objects in runs:
            verb = "a" if str(predicate) == _RDF_TYPE else self.iri(predicate)
            lines.append(verb + " " + ",\n        ".join([self.node(o) for o in objects]))
        return "\n" + self.subject(subject) + " " + " ;\n    ".join(lines) + " .\n"


_encode_string = json.encoder.encode_basestring  # C; what json.dumps(ensure_ascii=False) uses


# A JSON-LD value: its JSON text when a scalar, else the (key, JSON text) members of its object.
_JsonValue = tuple[str, tuple[tuple[str, str], ...] | None]


def _json_sort_key(value: _JsonValue) -> str:
    """The compact JSON text of a value (``json.dumps(value, sort_keys=True)``): what arrays are sorted by."""
    text, members = value
    if members is None:
        return text
    return "{" + ", ".join(f"{key}: {member}" for key, member in members) + "}"


def _json_value_text(value: _JsonValue, pad: str) -> str:
    text, members = value
    if members is None:
        return text
    inner = pad + "  "
    return "{\n" + ",\n".join(f"{inner}{key}: {member}" for key, member in members) + "\n" + pad + "}"


_PAD_KEY, _PAD_ITEM = " " * 6, " " * 8  # a node's keys, and the items of its arrays, in "@graph"


class _JsonLdWriter(_Writer):
    """Compact JSON-LD: the project prefixes as context and one node object per subject in
    ``@graph``, sorted by ``@id``; keys sorted, value arrays sorted by their JSON text, a single
    value not in an array; canonical integers and booleans as JSON numbers and booleans. The
    text is what ``json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)`` writes."""

    def __init__(self) -> None:
        self._names: dict[str, tuple[str, str]] = {}  # IRI -> its compact form, and that as JSON text
        self._nodes = 0

    def name(self, iri: Node) -> tuple[str, str]:
        """``prefix:local`` when the IRI's namespace (rdflib's cut) is a project prefix, else the
        IRI; and its JSON text."""
        key = str(iri)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = self._compact(key)
        return name

    @staticmethod
    def _compact(iri: str) -> tuple[str, str]:
        namespace, local = _split_iri(iri)
        prefix = _NAMESPACES.get(namespace)
        # "prefix://..." would be read as an absolute IRI, not as a compact one
        compact = f"{prefix}:{local}" if prefix and not local.startswith("//") else iri
        return compact, _encode_string(compact)

    def ref(self, node: Node) -> str:
        """The JSON text of a node reference: its compact IRI or ``_:label``."""
        return _encode_string(f"_:{node}") if isinstance(node, BNode) else self.name(node)[1]

    def value(self, node: Node) -> _JsonValue:
        if type(node) is URIRef or not isinstance(node, Literal):
            return "", (('"@id"', self.ref(node)),)
        lexical = str(node)
        if node.language:
            return "", (('"@language"', _encode_string(node.language)), ('"@value"', _encode_string(lexical)))
        if node.datatype is None:
            return _encode_string(lexical), None
        datatype = str(node.datatype)
        # JSON-LD reads a number back in canonical form, and a parser may hold it as a double:
        # only canonical integers of up to 15 digits become numbers
        if datatype == _XSD_INTEGER and len(lexical) <= 15 and _CANONICAL_INTEGER.match(lexical):
            return lexical, None
        if datatype == _XSD_BOOLEAN and lexical in ("true", "false"):
            return lexical, None
        return "", (('"@type"', self.name(datatype)[1]), ('"@value"', _encode_string(lexical)))

    def begin(self) -> str:
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        head = json.dumps({"@context": context, "@graph": []}, indent=2, sort_keys=True, ensure_ascii=False)
        return head[: -len("]\n}")]  # open "@graph": nodes follow

    def group(self, subject: Node, runs: list[Run]) -> str:
        # (key, its JSON text, values); sorted by key as json.dumps(sort_keys=True) does
        # a subject is written once: its name is not cached (an assertion IRI never recurs)
        subject_ref = self.ref(subject) if isinstance(subject, BNode) else self._compact(str(subject))[1]
        members: list[tuple[str, str, list[_JsonValue]]] = [("@id", '"@id"', [(subject_ref, None)])]
        for predicate, objects in runs:
            if str(predicate) == _RDF_TYPE:
                types = [(self.ref(o), None) for o in objects if not isinstance(o, Literal)]
                if types:
                    members.append(("@type", '"@type"', types))
                objects = [o for o in objects if isinstance(o, Literal)]  # not a type: a value
                if not objects:
                    continue
            members.append((*self.name(predicate), [self.value(o) for o in objects]))
        members.sort(key=itemgetter(0))
        lines = []
        for _, key, values in members:
            if len(values) == 1:
                lines.append(f"{_PAD_KEY}{key}: {_json_value_text(values[0], _PAD_KEY)}")
            else:
                values.sort(key=_json_sort_key)
                items = ",\n".join(_PAD_ITEM + _json_value_text(value, _PAD_ITEM) for value in values)
                lines.append(f"{_PAD_KEY}{key}: [\n{items}\n{_PAD_KEY}]")
        self._nodes += 1
        return ("\n    {\n" if self._nodes == 1 else ",\n    {\n") + ",\n".join(lines) + "\n    }"

    def end(self) -> str:
        return ("\n  ]" if self._nodes else "]") + "\n}\n"


# --------------------------------------------------------------------------- serialization


@dataclass(frozen=True)
class RdfFormat:
    """An output format: its canonical name, the file extension and its writer."""

    name: str
    extension: str
    writer: Callable[[], _Writer]

    def render(self, source: Graph | KnowledgeGraph) -> str:
        return serialize(source, self.name)


_TURTLE = RdfFormat("turtle", ".ttl", _TurtleWriter)
_JSONLD = RdfFormat("json-ld", ".jsonld", _JsonLdWriter)
_NT = RdfFormat("nt", ".nt", _NTriplesWriter)

FORMATS: dict[str, RdfFormat] = {
    "turtle": _TURTLE,
    "ttl": _TURTLE,
    "json-ld": _JSONLD,
    "jsonld": _JSONLD,
    "nt": _NT,
    "ntriples": _NT,
}
"""Format names accepted by :func:`serialize` and :func:`write_rdf`."""


def rdf_format(fmt: str) -> RdfFormat:
    """The registered format called ``fmt`` (case-insensitive); ValueError listing the known ones."""
    try:
        return FORMATS[fmt.lower()]
    except KeyError:
        raise ValueError(f"unknown RDF format {fmt!r}; use one of {', '.join(sorted(FORMATS))}") from None


def serialize(source: Graph | KnowledgeGraph, fmt: str = "turtle") -> str:
    """``source`` as text in format ``fmt``; the same triples always give the same text.

    ``source`` is an rdflib graph, or a knowledge graph: ``serialize(kg)`` is
    ``serialize(to_rdf(kg))`` without building the rdflib graph.

    >>> serialize(Graph(), "nt")
    ''
    """
    writer = rdf_format(fmt).writer()
    parts = [writer.begin()]
    parts.extend(writer.group(subject, runs) for subject, runs in canonical_groups(source))
    parts.append(writer.end())
    return "".join(parts)


class _Sink:
    """Text to a binary file, encoded as UTF-8 about a MiB at a time."""

    def __init__(self, file: IO[bytes], size: int = 1 << 20):
        self.file, self.size = file, size
        self.parts: list[str] = []
        self.length = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if self.length >= self.size:
            self.flush()

    def flush(self) -> None:
        self.file.write("".join(self.parts).encode("utf-8"))
        self.parts.clear()
        self.length = 0


def write_rdf(source: Graph | KnowledgeGraph, outputs: Mapping[str, IO[bytes]]) -> None:
    """Write ``source`` in every format of ``outputs`` (format name -> binary file) in one pass:
    each subject's triples are made and sorted once, written in each format, then dropped.

    The text is what :func:`serialize` gives, as UTF-8.
    """
    streams = [(rdf_format(fmt).writer(), _Sink(file)) for fmt, file in outputs.items()]
    for writer, sink in streams:
        sink.write(writer.begin())
    for subject, runs in canonical_groups(source):
        for writer, sink in streams:
            sink.write(writer.group(subject, runs))
    for writer, sink in streams:
        sink.write(writer.end())
        sink.flush()


GRAPH_FILES: dict[str, str] = {"turtle": "graph.ttl", "json-ld": "graph.jsonld"}
"""What :func:`write_graph` writes: format name -> file name."""


def write_graph(source: Graph | KnowledgeGraph, out_dir: str | Path) -> dict[str, Path]:
    """Write ``graph.ttl`` and ``graph.jsonld`` into ``out_dir`` (created if needed), atomically:
    both files are replaced only once both are written in full.

    Returns format name -> path, e.g. ``{"turtle": out/graph.ttl, "json-ld": out/graph.jsonld}``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {fmt: out / name for fmt, name in GRAPH_FILES.items()}
    with AtomicFiles(written.values()) as files:
        write_rdf(source, {fmt: files[path] for fmt, path in written.items()})
    return written


# --------------------------------------------------------------------------- validation


@lru_cache(maxsize=4)
def _load_turtle(path: str) -> Graph:
    """Parse a Turtle file once per process."""
    return Graph().parse(path, format="turtle")


def shapes_graph() -> Graph:
    """The SHACL shapes, ``ontology/shapes.ttl``."""
    return _load_turtle(str(ontology_dir() / "shapes.ttl"))


def ontology_graph() -> Graph:
    """The ontology, ``ontology/kg.ttl``."""
    return _load_turtle(str(ontology_dir() / "kg.ttl"))


def validate(graph: Graph) -> tuple[bool, str]:
    """Check ``graph`` against the SHACL shapes, with the ontology and RDFS inference.

    Returns ``(conforms, report)``; the report is pyshacl's text report. ``graph`` is not modified.
    """
    from pyshacl import validate as shacl_validate

    conforms, _results, report = shacl_validate(
        data_graph=graph,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
        advanced=False,
        inplace=False,
    )
    return bool(conforms), str(report)
