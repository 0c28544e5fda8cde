"""The names the ``>>>`` examples of kg's docstrings use without making them.

Every example may use ``nlp``, the spaCy pipeline of :func:`kg.nlp.load_pipeline`, and ``kg``,
the :class:`~kg.model.KnowledgeGraph` of :data:`ARTICLE` (doc_id ``news-1``), made as ``kg build``
makes it. Both are made once per test session. Examples run in an empty temporary folder, so
one that writes ``output/graph.html`` writes it there.
"""
from __future__ import annotations

import pytest

from kg.camps import find_camps
from kg.extract import Extractor
from kg.model import Document, KnowledgeGraph
from kg.nlp import load_pipeline, parse_text
from kg.resolve import resolve

ARTICLE = "Turkey opposes HTS in Idlib, Erdogan said. Turkey and Russia signed the Sochi agreement."


@pytest.fixture(scope="session")
def example_nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def example_kg(example_nlp) -> KnowledgeGraph:
    article = Document("news-1", ARTICLE, "news-1.txt")
    extraction = Extractor(example_nlp.vocab)(article, parse_text(example_nlp, ARTICLE))
    graph = resolve([article], extraction.mentions, extraction.claims)
    graph.camps = find_camps(graph)
    return graph


@pytest.fixture(autouse=True)
def example_names(doctest_namespace, example_nlp, example_kg, tmp_path, monkeypatch):
    doctest_namespace["nlp"] = example_nlp
    doctest_namespace["kg"] = example_kg
    monkeypatch.chdir(tmp_path)
