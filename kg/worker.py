"""The task a worker runs: a chunk of ``Document`` in, their mentions and claims out.

The same task runs in this process, in the processes of ``kg build --workers N`` (``kg.build``)
and on the workers of a Dask cluster (``kg.distributed``). Each process loads the spaCy
pipeline once, on its first task, and keeps it in a module global.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from kg.cache import extractor_version
from kg.extract import Extractor
from kg.lexicon import load_lexicon
from kg.model import Claim, Document, Mention
from kg.nlp import DEFAULT_MODEL, load_pipeline, parse

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
    items, t_nlp, t_extract = [], 0.0, 0.0
    with _PIPELINE_LOCK:  # one pipeline per process: threads of one process take turns
        stream = parse(nlp, documents)
        while True:
            start = time.perf_counter()
            try:
                document, doc = next(stream)
            except StopIteration:
                t_nlp += time.perf_counter() - start
                break
            middle = time.perf_counter()
            extraction = extractor(document, doc)
            items.append((extraction.mentions, extraction.claims, len(doc)))
            t_nlp += middle - start
            t_extract += time.perf_counter() - middle
    return ChunkResult(items, t_nlp, t_extract, extractor_version(model))
