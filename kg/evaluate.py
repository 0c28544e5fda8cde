"""Score a graph against gold relations: precision, recall and F1 per relation.

The gold format and the matching rules are those of ``shared/gold/README.md``; the figures agree
exactly with the referee script ``shared/tools/score_graph.py``:

- gold ``seeds.tsv``: ``subject relation object need doc evidence``; need ``R`` counts toward
  recall, ``O`` (optional) is neither missed nor false when extracted;
- aliases ``seeds.aliases.tsv``: ``canonical types aliases`` (types ``/``-separated, aliases
  ``|``-separated), names compared after :func:`norm`;
- a predicted relation is any triple whose property's local name is backs, opposes, attended or
  agreed (object not a literal); each node is named by its labels (rdfs:label, skos:prefLabel,
  schema:name, foaf:name first, then skos:altLabel, schema:alternateName) and mapped to the gold
  entity its names match best; unmapped nodes count as ``?<name>``.

>>> norm("The Assad regime's")
'assad regime'
"""
from __future__ import annotations

import collections
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import FOAF, RDF, RDFS, SKOS

from kg.schema import RelationType

__all__ = ["RELATIONS", "Gold", "RelationScore", "Score", "norm", "load_gold", "score", "format_score"]

RELATIONS = tuple(relation.value for relation in RelationType)  # the local names scored

_SDO = rdflib.Namespace("https://schema.org/")
_SDO_HTTP = rdflib.Namespace("http://schema.org/")
PRIMARY_NAMES = (RDFS.label, SKOS.prefLabel, _SDO.name, _SDO_HTTP.name, FOAF.name)
SECONDARY_NAMES = (SKOS.altLabel, _SDO.alternateName, _SDO_HTTP.alternateName)

GoldTriple = tuple[str, str, str]


# --------------------------------------------------------------------------- names


def norm(text: str) -> str:
    """The form names are compared in: no case, diacritics, punctuation, leading "the", trailing "'s".

    >>> norm("Türkiye's")
    'turkiye'
    >>> norm("U.S.")
    'u s'
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def local_name(iri: object) -> str:
    """The last ``#``, ``/`` or ``:``-separated part of an IRI.

    >>> local_name("https://w3id.org/kg/ontology#backs")
    'backs'
    """
    return re.split(r"[#/:]", str(iri).rstrip("/#"))[-1]


# --------------------------------------------------------------------------- gold


@dataclass(frozen=True)
class Gold:
    """Gold relations and entities.

    ``aliases``: canonical name -> normalised names (the canonical one included);
    ``types``: canonical name -> accepted class local names, lower-cased;
    ``required`` and ``optional``: (subject, relation, object) triples of canonical names.
    """

    aliases: dict[str, frozenset[str]]
    types: dict[str, frozenset[str]]
    required: frozenset[GoldTriple]
    optional: frozenset[GoldTriple]

    def index(self) -> dict[str, list[str]]:
        """Normalised name -> the canonical names that go by it (in alias-file order)."""
        index: dict[str, list[str]] = collections.defaultdict(list)
        for canonical, names in self.aliases.items():
            for name in names:
                index[name].append(canonical)
        return index


def _rows(path: str | Path) -> Iterator[list[str]]:
    """The tab-separated fields of each line that is neither blank nor a ``#`` comment."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield line.split("\t")


def load_aliases(aliases_path: str | Path) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """``(aliases, types)`` from an aliases TSV: ``canonical  types  aliases``."""
    aliases: dict[str, frozenset[str]] = {}
    types: dict[str, frozenset[str]] = {}
    for row in _rows(aliases_path):
        if len(row) < 3:
            raise ValueError(f"{aliases_path}: expected 3 tab-separated fields, got {row!r}")
        canonical = row[0]
        types[canonical] = frozenset(t.lower() for t in row[1].split("/"))
        aliases[canonical] = frozenset(n for n in (norm(a) for a in [canonical, *row[2].split("|")]) if n)
    return aliases, types


def load_gold(gold_path: str | Path, aliases_path: str | Path) -> Gold:
    """Read the gold relations and their entities.

    A triple marked both ``R`` and ``O`` is required. ValueError when a gold line names an entity
    without a line in the aliases file, or has fewer than four fields.
    """
    aliases, types = load_aliases(aliases_path)
    required: set[GoldTriple] = set()
    optional: set[GoldTriple] = set()
    for row in _rows(gold_path):
        if len(row) < 4:
            raise ValueError(f"{gold_path}: expected at least 4 tab-separated fields, got {row!r}")
        subject, relation, obj, need = row[:4]
        for name in (subject, obj):
            if name not in aliases:
                raise ValueError(f"gold entity {name!r} has no line in {aliases_path}")
        (required if need == "R" else optional).add((subject, relation, obj))
    return Gold(aliases, types, frozenset(required), frozenset(optional - required))


# --------------------------------------------------------------------------- mapping nodes


def node_names(graph: rdflib.Graph, node: rdflib.term.Node) -> tuple[list[str], list[str]]:
    """Normalised (primary, secondary) names of a node; an IRI without labels is named by its local name."""
    primary = [norm(v) for p in PRIMARY_NAMES for v in graph.objects(node, p)]
    secondary = [norm(v) for p in SECONDARY_NAMES for v in graph.objects(node, p)]
    if not primary and isinstance(node, rdflib.URIRef):
        primary = [norm(local_name(node).replace("_", " "))]
    return [n for n in primary if n], [n for n in secondary if n]


def map_node(graph: rdflib.Graph, node: rdflib.term.Node, index: dict[str, list[str]]) -> str | None:
    """The gold entity a node stands for, or None.

    A primary name that names exactly one gold entity decides; otherwise all names vote, and a
    tie goes to the alphabetically first entity.
    """
    primary, secondary = node_names(graph, node)
    for name in primary:
        hits = index.get(name, [])
        if len(hits) == 1:
            return hits[0]
    votes = collections.Counter(e for name in primary + secondary for e in index.get(name, []))
    if not votes:
        return None
    best = votes.most_common()
    if len(best) > 1 and best[0][1] == best[1][1]:
        return sorted(e for e, n in best if n == best[0][1])[0]
    return best[0][0]


def _display_name(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """How an unmapped node is shown: ``?`` and its first primary name (else its IRI)."""
    return "?" + (node_names(graph, node)[0] or [str(node)])[0]


# --------------------------------------------------------------------------- scoring


def ratio(a: float, b: float) -> float:
    """``a / b``, or 0.0 when ``b`` is 0."""
    return a / b if b else 0.0


def f1_of(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0.0 when both are 0)."""
    return ratio(2 * precision * recall, precision + recall)


class Rates:
    """Precision, recall and F1 of anything with ``tp``, ``fp`` and ``fn`` counts."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return f1_of(self.precision, self.recall)


@dataclass(frozen=True)
class RelationScore(Rates):
    """True positives, false positives and misses of one relation."""

    tp: int
    fp: int
    fn: int



@dataclass(frozen=True)
class Score(Rates):
    """How a graph compares with the gold.

    ``true_positives``, ``false_positives`` and ``misses`` are sorted triples of gold names
    (unmapped nodes as ``?<name>``); ``per_relation`` covers the four relations;
    ``typed_as_gold`` of ``mapped_nodes`` nodes carry a type the gold accepts;
    ``duplicate_nodes`` counts nodes beyond the first mapped to one gold entity.
    """

    true_positives: list[GoldTriple]
    false_positives: list[GoldTriple]
    misses: list[GoldTriple]
    per_relation: dict[str, RelationScore]
    typed_as_gold: int
    mapped_nodes: int
    duplicate_nodes: int
    mapping: dict[str, str | None] = field(default_factory=dict, repr=False)

    @property
    def tp(self) -> int:
        return len(self.true_positives)

    @property
    def fp(self) -> int:
        return len(self.false_positives)

    @property
    def fn(self) -> int:
        return len(self.misses)



def predicted_relations(graph: rdflib.Graph, gold: Gold) -> tuple[set[GoldTriple], dict]:
    """The relations of ``graph`` in gold names, and the node -> gold entity mapping used."""
    index = gold.index()
    mapping: dict[rdflib.term.Node, str | None] = {}
    predicted: set[GoldTriple] = set()
    for s, p, o in graph:
        relation = local_name(p)
        if relation not in RELATIONS or isinstance(o, rdflib.Literal):
            continue
        for node in (s, o):
            if node not in mapping:
                mapping[node] = map_node(graph, node, index)
        subject = mapping[s] or _display_name(graph, s)
        obj = mapping[o] or _display_name(graph, o)
        predicted.add((subject, relation, obj))
    return predicted, mapping


def _typing(graph: rdflib.Graph, mapping: dict, gold: Gold) -> tuple[int, int]:
    """(nodes whose rdf:type local name is accepted for their gold entity, mapped nodes)."""
    mapped = [(node, entity) for node, entity in mapping.items() if entity]
    typed_ok = sum(
        1
        for node, entity in mapped
        if {local_name(t).lower() for t in graph.objects(node, RDF.type)} & gold.types[entity]
    )
    return typed_ok, len(mapped)


def score(graph: rdflib.Graph, gold: Gold) -> Score:
    """Compare the relations of ``graph`` with ``gold`` (see the module docstring for the rules)."""
    predicted, mapping = predicted_relations(graph, gold)
    tp = predicted & gold.required
    fp = predicted - gold.required - gold.optional
    fn = gold.required - predicted
    per_relation = {
        relation: RelationScore(
            tp=sum(1 for x in tp if x[1] == relation),
            fp=sum(1 for x in fp if x[1] == relation),
            fn=sum(1 for x in fn if x[1] == relation),
        )
        for relation in RELATIONS
    }
    typed_ok, mapped = _typing(graph, mapping, gold)
    per_entity = collections.Counter(e for e in mapping.values() if e)
    return Score(
        true_positives=sorted(tp),
        false_positives=sorted(fp),
        misses=sorted(fn),
        per_relation=per_relation,
        typed_as_gold=typed_ok,
        mapped_nodes=mapped,
        duplicate_nodes=sum(n - 1 for n in per_entity.values()),
        mapping={str(node): entity for node, entity in mapping.items()},
    )


def format_score(score: Score, show: bool = False) -> str:
    """The report, line for line as the referee prints it; ``show`` lists misses and false positives.

    The last line reads ``F1=0.667 P=0.500 R=1.000 tp=1 fp=1 fn=0``.
    """
    lines = [
        f"{relation:9} P={r.precision:.2f} R={r.recall:.2f} tp={r.tp} fp={r.fp} fn={r.fn}"
        for relation, r in score.per_relation.items()
    ]
    lines.append(
        f"entities: {score.typed_as_gold}/{score.mapped_nodes} mapped nodes typed as gold; "
        f"{score.duplicate_nodes} duplicate nodes"
    )
    if show:
        lines += ["MISS   " + " | ".join(x) for x in score.misses]
        lines += ["FALSE  " + " | ".join(x) for x in score.false_positives]
    lines.append(
        f"F1={score.f1:.3f} P={score.precision:.3f} R={score.recall:.3f} "
        f"tp={score.tp} fp={score.fp} fn={score.fn}"
    )
    return "\n".join(lines) + "\n"
