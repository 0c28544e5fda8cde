"""Shared fixtures: the spaCy pipeline, loaded once per test session, and a small graph made by hand."""
from __future__ import annotations

import pytest

from kg.extract import Extractor
from kg.model import Assertion, Document, Entity, EntityKind, Evidence, KnowledgeGraph, Mention, Mode, RelationType
from kg.nlp import load_pipeline, parse_text
from kg.resolve import resolve


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def extractor(nlp):
    return Extractor(nlp.vocab)


@pytest.fixture(scope="session")
def graph_of(nlp, extractor):
    """``graph_of(text, ...)`` -> the resolved KnowledgeGraph; several texts are several articles,
    dated by ``dates`` (ISO days) when given."""

    def run(*texts: str, dates: tuple[str | None, ...] = ()):
        documents = [Document(f"doc{i}", text, f"doc{i}.txt", date=date, date_precision="day" if date else None)
                     for i, (text, date) in enumerate(zip(texts, dates or (None,) * len(texts)))]
        mentions, claims = [], []
        for document in documents:
            extraction = extractor(document, parse_text(nlp, document.text))
            mentions += extraction.mentions
            claims += extraction.claims
        return resolve(documents, mentions, claims)

    return run


@pytest.fixture(scope="session")
def relations_in(graph_of):
    """``relations_in(text, ...)`` -> set of (subject label, relation, object label) after resolution."""

    def run(*texts: str) -> set[tuple[str, str, str]]:
        graph = graph_of(*texts)
        return {(graph.entities[a.subject_id].label, a.relation.value, graph.entities[a.object_id].label)
                for a in graph.assertions}

    return run


@pytest.fixture(scope="session")
def claims_in(nlp, extractor):
    """``claims_in(text)`` -> the Claims of one article, before resolution."""

    def run(text: str):
        document = Document("doc", text, "doc.txt")
        return extractor(document, parse_text(nlp, text)).claims

    return run


@pytest.fixture
def small_kg() -> KnowledgeGraph:
    """A graph made by hand, new for each test: one node of each kind, five relations, two articles.

    Names, titles, sentences and URLs carry markup, quotes and script URLs, which every output
    must keep as text. turkey opposes hts in both articles (in d2 first, and twice from the same
    sentence of d1); turkey agreed to sochi by smith's reported words; smith will back turkey.
    """
    documents = [
        Document("d1", "...", "in/a.txt", title="Talks in Sochi", date="2020-02-10",
                 url="https://example.org/a?x=1&y=2", source="Example News"),
        Document("d2", "...", "in/b.txt", title="Idlib <b>offensive</b> &amp; (HREF)", date="2020-02-11",
                 url="javascript:alert(1)"),
    ]
    name = "<script>alert(1)</script> Smith"
    entities = {
        e.entity_id: e
        for e in [
            Entity("smith", EntityKind.PERSON, name, {'"Smitty"', "href", "J. Smith", name}, {"d2", "d1"}),
            Entity("turkey", EntityKind.COUNTRY, 'Turkey "quotes"', {"Ankara"}, {"d1", "d2"}),
            Entity("hts", EntityKind.ARMED_GROUP, "HTS", set(), {"d1", "d2"}),
            Entity("ypg", EntityKind.ORGANIZATION, "People's <Protection> & Units", set(), {"d1"}),
            Entity("sochi", EntityKind.AGREEMENT, "Sochi Agreement", set(), {"d1"}),
            Entity("talks", EntityKind.EVENT, "Sochi talks", set(), {"d1"}),
        ]
    }
    speaker = Mention("d1", 0, 5, "Smith", EntityKind.PERSON, "smith", name="Smith")
    hostile = 'Turkey <img src=x onerror=alert(1)> opposes HTS, see the "href" note & more </script><!--.'
    assertions = [
        Assertion("turkey", RelationType.OPPOSES, "hts", Evidence("d2", hostile, 10, 80, Mode.FUTURE)),
        Assertion("turkey", RelationType.OPPOSES, "hts", Evidence("d1", "Ankara opposes HTS.", 0, 19)),
        Assertion("turkey", RelationType.OPPOSES, "hts", Evidence("d1", "Ankara opposes HTS.", 0, 19)),
        Assertion("turkey", RelationType.AGREED, "sochi",
                  Evidence("d1", "Turkey signed it, Smith said.", 20, 49, Mode.REPORTED, speaker), speaker_id="smith"),
        Assertion("smith", RelationType.ATTENDED, "talks", Evidence("d1", "Smith attended the talks.", 50, 75)),
        Assertion("smith", RelationType.BACKS, "turkey", Evidence("d2", "Smith will back Turkey.", 0, 23, Mode.FUTURE)),
        Assertion("ypg", RelationType.OPPOSES, "smith", Evidence("d1", "The units oppose Smith.", 76, 99)),
    ]
    return KnowledgeGraph(documents=documents, entities=entities, assertions=assertions)
