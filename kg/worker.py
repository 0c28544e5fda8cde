"""The task a worker runs: a chunk of ``Document`` in, their mentions and claims out.

The same task runs in this process, in the processes of ``kg build --workers N`` (``kg.build``)
and on the workers of a Dask cluster (``kg.distributed``). Each process loads the spaCy
pipeline once, on its first task, and keeps it in a module global.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kg.cache import extractor_version
from kg.extract import Extractor
from kg.lexicon import load_lexicon
from kg.model import Claim, Document, Mention
from kg.nlp import DEFAULT_MODEL, load_pipeline, parse_sections

# One pipeline per process and model, loaded on first use (worker processes, Dask workers).
_PIPELINES: dict[str, tuple[Any, Extractor]] = {}
_PIPELINE_LOCK = threading.Lock()


def worker_pipeline(model: str = DEFAULT_MODEL) -> tuple[Any, Extractor]:
    """The spaCy pipeline and extractor of this process for ``model``, loaded once."""
    with _PIPELINE_LOCK:
        if model not in _PIPELINES:
            lexicon = load_lexicon()
            nlp = load_pipeline(model, lexicon)
            _PIPELINES[model] = (nlp, Extractor(nlp.vocab, lexicon))
        return _PIPELINES[model]


@dataclass
class ChunkResult:
    """What a worker sends back for a list of documents: per document (mentions, claims,
    tokens), in the order given, and the seconds it spent parsing and extracting."""

    items: list[tuple[list[Mention], list[Claim], int]]
    nlp: float
    extract: float
    version: str


def extract_chunk(documents: list[Document], model: str = DEFAULT_MODEL) -> ChunkResult:
    """Parse and extract ``documents`` with this process's pipeline (the task of a worker)."""
    nlp, extractor = worker_pipeline(model)
    seconds = {"nlp": 0.0, "extract": 0.0}
    with _PIPELINE_LOCK:  # one pipeline per process: threads of one process take turns
        items = [(mentions, claims, tokens) for _, mentions, claims, tokens
                 in parse_and_extract(nlp, extractor, documents, seconds)]
    return ChunkResult(items, seconds["nlp"], seconds["extract"], extractor_version(model))


def parse_and_extract(nlp: Any, extractor: Extractor, documents: Iterable[Document], seconds: dict[str, float],
                      ) -> Iterator[tuple[Document, list[Mention], list[Claim], int]]:
    """Each document with its mentions, claims and spaCy tokens, parsed and extracted a section
    at a time (``kg.nlp.parse_sections``), so a long document costs what its text costs as
    articles. Adds the seconds spent to ``seconds["nlp"]`` and ``seconds["extract"]``; time
    that ``documents`` itself spends in ``seconds["read"]`` or ``["cache"]`` is not parsing.
    """
    stream = parse_sections(nlp, documents)
    mentions: list[Mention] = []
    claims: list[Claim] = []
    tokens = 0
    while True:
        elsewhere = seconds.get("read", 0.0) + seconds.get("cache", 0.0)
        start = time.perf_counter()
        section = next(stream, None)
        middle = time.perf_counter()
        seconds["nlp"] += middle - start - (seconds.get("read", 0.0) + seconds.get("cache", 0.0) - elsewhere)
        if section is None:
            return
        extraction = extractor(section.document, section.doc, section.start)
        seconds["extract"] += time.perf_counter() - middle
        mentions += extraction.mentions
        claims += extraction.claims
        tokens += len(section.doc)
        if section.last:
            yield section.document, mentions, claims, tokens
            mentions, claims, tokens = [], [], 0
