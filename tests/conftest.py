"""Shared fixtures: the spaCy pipeline, loaded once per test session, and small graphs made by hand."""
from __future__ import annotations

import pytest

from kg.extract import Extractor
from kg.model import Assertion, Camp, Document, Entity, EntityKind, Evidence, KnowledgeGraph, Mention, Mode, RelationType
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
    """``relations_in(text, ...)`` -> set of (subject label, relation, object label) after resolution:
    the relations the text says hold (``KnowledgeGraph.relations()``; denials: ``denials_in``)."""

    def run(*texts: str) -> set[tuple[str, str, str]]:
        graph = graph_of(*texts)
        return {(graph.entities[s].label, relation.value, graph.entities[o].label) for s, relation, o in graph.relations()}

    return run


@pytest.fixture(scope="session")
def denials_in(graph_of):
    """``denials_in(text, ...)`` -> set of (subject label, relation, object label, denier's label or
    None) of the relations the text denies or negates (``Mode.DENIED``)."""

    def run(*texts: str) -> set[tuple[str, str, str, str | None]]:
        graph = graph_of(*texts)
        label = lambda entity_id: graph.entities[entity_id].label if entity_id else None  # noqa: E731
        return {(label(a.subject_id), a.relation.value, label(a.object_id), label(a.speaker_id))
                for a in graph.assertions if a.evidence.mode is Mode.DENIED}

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


@pytest.fixture
def camps_kg() -> KnowledgeGraph:
    """A graph made by hand with what the viewer shows besides relations, new for each test.

    Two camps (one named with markup): turkey with the opposition, syria with russia and iran;
    the un and the talks are in none. Statements dated in the text to a month (russia backs
    syria in 2018-09), a year, a day, or by their article, and one undated (d4 has no date).
    turkey backs hts (d1, reported) and turkey opposes hts (d3) are both contested. Modes:
    fact, reported speech, future. Outlets: Wire One (d1, d2), Daily Two (d3), none (d4).
    """
    documents = [
        Document("d1", "...", "in/1.txt", title="Idlib talks", date="2020-01-15", url="https://example.org/1",
                 source="Wire One", date_precision="day"),
        Document("d2", "...", "in/2.txt", title="Damascus offensive", date="2020-02-10", url="https://example.org/2",
                 source="Wire One", date_precision="day"),
        Document("d3", "...", "in/3.txt", title="Ankara answers", date="2020-02-12", url="https://example.org/3",
                 source="Daily Two", date_precision="day"),
        Document("d4", "...", "in/4.txt", title="Undated wire"),
    ]
    entities = {
        e.entity_id: e
        for e in [
            Entity("turkey", EntityKind.COUNTRY, "Turkey", {"Ankara"}, {"d1", "d2", "d3"}),
            Entity("opposition", EntityKind.ARMED_GROUP, "Syrian opposition", set(), {"d2"}),
            Entity("syria", EntityKind.COUNTRY, "Syria", {"Damascus"}, {"d1", "d2"}),
            Entity("russia", EntityKind.COUNTRY, "Russia", set(), {"d1", "d4"}),
            Entity("iran", EntityKind.COUNTRY, "Iran", set(), {"d1"}),
            Entity("hts", EntityKind.ARMED_GROUP, "HTS", set(), {"d1", "d3"}),
            Entity("un", EntityKind.ORGANIZATION, "United Nations", set(), {"d4"}),
            Entity("erdogan", EntityKind.PERSON, "Erdogan", set(), {"d1"}),
            Entity("talks", EntityKind.EVENT, "Idlib talks", set(), {"d1"}),
        ]
    }
    erdogan = Mention("d1", 0, 7, "Erdogan", EntityKind.PERSON, "erdogan", name="Erdogan")

    def said(doc_id, sentence, mode=Mode.FACT, date=None, precision=None, speaker=None):
        return Evidence(doc_id, sentence, 0, len(sentence), mode, speaker, date, precision)

    assertions = [
        Assertion("russia", RelationType.BACKS, "syria",
                  said("d1", "Russia has backed Syria since September 2018.", date="2018-09", precision="month")),
        Assertion("iran", RelationType.BACKS, "syria", said("d1", "Iran backs Syria.", date="2020-01-15", precision="day")),
        Assertion("turkey", RelationType.BACKS, "opposition",
                  said("d2", "Turkey backs the Syrian opposition.", date="2020-02-10", precision="day")),
        Assertion("turkey", RelationType.OPPOSES, "syria",
                  said("d2", "Turkey will strike Syria.", Mode.FUTURE, date="2020-02-10", precision="day")),
        Assertion("turkey", RelationType.BACKS, "hts",
                  said("d1", "Turkey arms HTS, Erdogan said.", Mode.REPORTED, "2020-01-15", "day", erdogan),
                  speaker_id="erdogan", contested=True),
        Assertion("turkey", RelationType.OPPOSES, "hts",
                  said("d3", "Turkey has fought HTS all year.", date="2020", precision="year"), contested=True),
        Assertion("russia", RelationType.OPPOSES, "un", said("d4", "Russia opposes the United Nations.")),
        Assertion("erdogan", RelationType.ATTENDED, "talks",
                  said("d1", "Erdogan attended the talks.", date="2020-01-15", precision="day")),
    ]
    camps = [
        Camp("camp-syria", "Syria, Russia <i>&</i> Iran", ("syria", "russia", "iran"), 0),
        Camp("camp-turkey", "Turkey", ("turkey", "opposition"), 1),
    ]
    return KnowledgeGraph(documents=documents, entities=entities, assertions=assertions, camps=camps)
