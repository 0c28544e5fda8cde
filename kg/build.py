"""``kg build``: the stages chained, from paths to written files.

ingest -> nlp -> extract -> resolve -> RDF (Turtle, JSON-LD) -> HTML.
Documents stream through ``nlp.pipe``; only the extracted mentions and claims are kept.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.extract import Extractor
from kg.ingest import read_documents
from kg.lexicon import load_lexicon
from kg.model import Claim, Document, KnowledgeGraph, Mention, Problem
from kg.nlp import DEFAULT_MODEL, load_pipeline, parse
from kg.atomic import write_atomic
from kg.rdf import serialize, to_rdf
from kg.render import html_page
from kg.resolve import resolve


@dataclass
class BuildResult:
    graph: KnowledgeGraph
    problems: list[Problem] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)


def _documents(items: Iterable[Document | Problem], problems: list[Problem],
               on_problem: Callable[[Problem], None], on_document: Callable[[Document], None]) -> Iterator[Document]:
    for item in items:
        if isinstance(item, Problem):
            problems.append(item)
            on_problem(item)
        else:
            on_document(item)
            yield item


def extract_graph(paths: Iterable[str | Path], model: str = DEFAULT_MODEL,
                  on_problem: Callable[[Problem], None] = lambda p: None,
                  on_document: Callable[[Document], None] = lambda d: None) -> tuple[KnowledgeGraph, list[Problem]]:
    """Read, parse, extract and resolve; nothing is written."""
    lexicon = load_lexicon()
    nlp = load_pipeline(model, lexicon)
    extractor = Extractor(nlp.vocab, lexicon)
    problems: list[Problem] = []
    documents: list[Document] = []
    mentions: list[Mention] = []
    claims: list[Claim] = []
    stream = _documents(read_documents(paths), problems, on_problem, on_document)
    for document, doc in parse(nlp, stream):
        extraction = extractor(document, doc)
        documents.append(document)
        mentions.extend(extraction.mentions)
        claims.extend(extraction.claims)
    graph = resolve(documents, mentions, claims, lexicon)
    return graph, problems


OUTPUTS = {"turtle": "graph.ttl", "json-ld": "graph.jsonld", "html": "graph.html"}


def write_outputs(graph: KnowledgeGraph, out_dir: str | Path) -> dict[str, Path]:
    """graph.ttl, graph.jsonld and graph.html in ``out_dir``.

    All three are rendered in memory before any is written, and each is written to a
    temporary file and renamed: a failure leaves the previous set whole.
    """
    rdf = to_rdf(graph)
    contents = {fmt: serialize(rdf, fmt) for fmt in ("turtle", "json-ld")}
    contents["html"] = html_page(graph)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for fmt, name in OUTPUTS.items():
        write_atomic(out / name, contents[fmt])
    return {fmt: out / name for fmt, name in OUTPUTS.items()}


def build(paths: Iterable[str | Path], out_dir: str | Path, model: str = DEFAULT_MODEL,
          on_problem: Callable[[Problem], None] = lambda p: None,
          on_document: Callable[[Document], None] = lambda d: None) -> BuildResult:
    """Everything ``kg build`` does, without the printing."""
    graph, problems = extract_graph(paths, model, on_problem, on_document)
    outputs = write_outputs(graph, out_dir)
    return BuildResult(graph, problems, outputs)
