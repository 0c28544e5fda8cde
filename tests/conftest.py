"""Shared fixtures: the spaCy pipeline is loaded once per test session."""
from __future__ import annotations

import pytest

from kg.extract import Extractor
from kg.model import Document
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
    """``graph_of(text, ...)`` -> the resolved KnowledgeGraph; several texts are several articles."""

    def run(*texts: str):
        documents = [Document(f"doc{i}", text, f"doc{i}.txt") for i, text in enumerate(texts)]
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
