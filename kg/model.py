"""Typed records passed between the stages of the pipeline.

ingest -> ``Document`` (or ``Problem`` for unreadable input, ``Notice`` for a remark on read input)
nlp + extract -> ``Mention`` and ``Claim`` (relations between mentions, with ``Evidence``), per document an ``Extraction``
resolve -> ``Entity`` and ``Assertion`` (relations between entities), gathered in a ``KnowledgeGraph``
graph/RDF, render, query -> read a ``KnowledgeGraph`` or the RDF written from it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The vocabulary the records carry, imported from here by the stages; what each name means
# (its class, its label, the kinds a relation joins) is said in kg.schema.
from kg.schema import MODES, EntityKind, Mode, RelationType


@dataclass(frozen=True)
class Document:
    """One article, as read from a file, a JSONL line or an item of a JSON list."""

    doc_id: str  # stable: a slug of the title and a hash of the article's url (else its text)
    text: str
    path: str  # the file it came from, relative to the folder given (a file given: its name)
    title: str | None = None
    date: str | None = None  # ISO 8601 at date_precision ("2024-05-02", "2024-05", "2024"), else as written
    url: str | None = None
    source: str | None = None  # publisher or outlet
    line: int | None = None  # line number of a JSONL record, index (from 0) of a JSON list item
    date_precision: str | None = None  # "day", "month" or "year"; None when there is no date or it was not understood
    feed_id: str | None = None  # the feed's own id of the article (``id``/``guid``)


def _located(path: str, line: int | None, text: str) -> str:
    """``"feed.jsonl:3: invalid JSON"``: where, then what."""
    return f"{path}:{line}: {text}" if line is not None else f"{path}: {text}"


@dataclass(frozen=True)
class Problem:
    """Input that could not be read; the build reports it, counts it as skipped and goes on."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        return _located(self.path, self.line, self.reason)


@dataclass(frozen=True)
class Notice:
    """Something worth telling about input that was read (or rightly left out): a date kept as
    written, the same article met again. The build shows it and does not count it as skipped."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return _located(self.path, self.line, self.message)


@dataclass(frozen=True)
class Mention:
    """A span of a document that names or refers to a node.

    ``key`` is what resolution groups on: for a proper name, its normalised form;
    for a reference to a state ("Turkish soldiers", "Ankara"), ``country:<code>``;
    for a role ("the Turkish President"), ``role:<code>:<role>``; for a state's
    government named after its leader ("Assad regime"), ``government-of:<name>``.
    """

    doc_id: str
    start: int  # character offsets into Document.text
    end: int
    text: str  # surface form as written
    kind: EntityKind
    key: str
    name: str | None = None  # display name when the mention is a name (not a pronoun or role)
    role: str | None = None  # "TUR:president" when the text gives the person a title


@dataclass(frozen=True)
class Evidence:
    """Where and how a relation is stated."""

    doc_id: str
    sentence: str
    start: int  # character offsets of the sentence in the document
    end: int
    mode: Mode = Mode.FACT
    speaker: Mention | None = None  # with Mode.REPORTED (or a denial), when the speaker is known
    date: str | None = None  # ISO 8601 at date_precision: the date the sentence gives, else the article's
    date_precision: str | None = None  # "day", "month" or "year"


@dataclass(frozen=True)
class Claim:
    """A relation between two mentions, as one sentence states it."""

    subject: Mention
    relation: RelationType
    object: Mention
    evidence: Evidence


@dataclass
class Extraction:
    """What the extract stage found in one document: the unit a build caches and a worker sends back."""

    document: Document
    mentions: list[Mention]
    claims: list[Claim]


@dataclass
class Entity:
    """One real-world thing, across all documents."""

    entity_id: str  # stable slug, unique in the graph; IRIs are minted from it
    kind: EntityKind
    label: str
    alt_labels: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)  # doc_ids where it is mentioned
    identifier: str | None = None  # a state's ISO 3166-1 alpha-3 code (from the lexicon)


@dataclass(frozen=True)
class Assertion:
    """A relation between two entities with the evidence for it."""

    subject_id: str
    relation: RelationType
    object_id: str
    evidence: Evidence
    speaker_id: str | None = None
    contested: bool = False  # the pair is also said to be the other way, or the claim is denied elsewhere


@dataclass(frozen=True)
class Camp:
    """Actors that stand together in the signed graph (backs and agreeing pull together, opposes apart)."""

    camp_id: str  # stable slug, unique in the graph
    label: str  # named after its most central members
    members: tuple[str, ...]  # entity ids, most central first
    frustration: int  # relations that contradict the partition: opposes inside it, backs to another camp


@dataclass
class KnowledgeGraph:
    """What a build produces, before it is written as RDF."""

    documents: list[Document] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    assertions: list[Assertion] = field(default_factory=list)
    camps: list[Camp] = field(default_factory=list)

    def relations(self) -> set[tuple[str, RelationType, str]]:
        """The distinct (subject_id, relation, object_id) triples the text says hold: those of the
        assertions in every mode but a denial (``MODES[mode].holds``), which is kept as an assertion only."""
        return {(a.subject_id, a.relation, a.object_id) for a in self.assertions if MODES[a.evidence.mode].holds}
