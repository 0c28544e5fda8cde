"""Incremental builds (kg.cache): new articles are the only ones parsed, and the graph is the one a
full build gives; a changed article replaces its old relations; a removed one leaves the graph.
Also the Extraction <-> JSON round trip the cache rests on, and ``--workers``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg.build
import kg.worker
from kg.build import build, extract_graph
from kg.cache import ExtractionCache, cache_dir_for, document_key, extraction_from_json, extraction_to_json, extractor_version
from kg.extract import Extraction
from kg.model import Document
from kg.nlp import DEFAULT_MODEL, parse_text

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "input"
SAMPLES = sorted(INPUT.glob("*.txt"))

NEW_ARTICLE = (
    "Ankara sends more troops to Idlib\n\n"
    "Turkey opposes the Syrian government, Turkish officials said on Tuesday.\n"
    "Iran backs Hezbollah.\n"
)
CHANGED_ARTICLE = (
    "Moscow and Tehran meet in Geneva\n\n"
    "Russia opposes the Islamic State, the Kremlin said.\n"
    "Qatar backs the Syrian opposition.\n"
)


def _copy(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copy(file, folder / file.name)
    return folder


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.jsonld")}


@pytest.fixture
def count_parsed(monkeypatch):
    """How many documents went through the spaCy pipeline in this process."""
    parsed: list[str] = []
    real_parse = kg.worker.parse_sections

    def counting_parse(nlp, documents, *args, **kwargs):
        def spy():
            for document in documents:
                parsed.append(Path(document.path).stem)  # the file's name: ids come from the articles
                yield document
        return real_parse(nlp, spy(), *args, **kwargs)

    monkeypatch.setattr(kg.worker, "parse_sections", counting_parse)
    return parsed


def test_a_build_with_new_articles_parses_only_those_and_equals_a_full_build(tmp_path, count_parsed):
    corpus = _copy(SAMPLES[:3], tmp_path / "corpus")
    out = tmp_path / "out"
    first = build([corpus], out)
    assert first.stats.extracted == 3 and first.stats.reused == 0
    assert sorted(count_parsed) == sorted(p.stem for p in SAMPLES[:3])

    _copy(SAMPLES[3:], corpus)
    (corpus / "zz_ankara.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    count_parsed.clear()
    second = build([corpus], out)
    assert sorted(count_parsed) == sorted([p.stem for p in SAMPLES[3:]] + ["zz_ankara"])
    assert (second.stats.extracted, second.stats.reused) == (len(SAMPLES) - 3 + 1, 3)

    full_out = tmp_path / "full"
    build([corpus], full_out, cache=False)
    assert _outputs(out) == _outputs(full_out)  # byte-identical Turtle and JSON-LD
    assert second.graph.relations() == build([corpus], tmp_path / "again", cache=False).graph.relations()


def test_an_unchanged_corpus_needs_no_spacy_at_all(tmp_path, count_parsed, monkeypatch):
    corpus = _copy(SAMPLES[:2], tmp_path / "corpus")
    out = tmp_path / "out"
    build([corpus], out)
    before = _outputs(out)
    monkeypatch.setattr(kg.build, "worker_pipeline", lambda *a, **k: pytest.fail("spaCy loaded"))
    count_parsed.clear()
    again = build([corpus], out)
    assert count_parsed == [] and again.stats.reused == 2
    assert _outputs(out) == before


def test_a_changed_article_replaces_its_old_relations(tmp_path):
    corpus = _copy(SAMPLES[:2], tmp_path / "corpus")
    article = corpus / "zz_news.txt"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    old = build([corpus], out)
    news_ids = lambda graph: {d.doc_id for d in graph.documents if d.path == "zz_news.txt"}  # noqa: E731
    labels = lambda graph: {(graph.entities[a.subject_id].label, a.relation.value, graph.entities[a.object_id].label)  # noqa: E731
                            for a in graph.assertions if a.evidence.doc_id in news_ids(graph)}
    assert ("Iran", "backs", "Hezbollah") in labels(old.graph)

    article.write_text(CHANGED_ARTICLE, encoding="utf-8")
    new = build([corpus], out)
    assert (new.stats.extracted, new.stats.reused, new.stats.dropped) == (1, 2, 1)
    assert ("Iran", "backs", "Hezbollah") not in labels(new.graph)
    assert ("Qatar", "backs", "Syrian opposition") in labels(new.graph)
    assert _outputs(out) == _outputs(build([corpus], tmp_path / "full", cache=False).outputs["turtle"].parent)


def test_a_removed_article_leaves_the_graph_and_the_cache(tmp_path):
    corpus = _copy(SAMPLES[:3], tmp_path / "corpus")
    out = tmp_path / "out"
    build([corpus], out)
    (corpus / SAMPLES[2].name).unlink()
    result = build([corpus], out)
    assert result.stats.dropped == 1 and result.stats.extracted == 0
    assert [Path(d.path).stem for d in result.graph.documents] == [p.stem for p in SAMPLES[:2]]
    kept = {d.doc_id for d in result.graph.documents}
    assert all(a.evidence.doc_id in kept for a in result.graph.assertions)
    with ExtractionCache(cache_dir_for(out)) as cache:
        assert len(list(cache.keys())) == 2
    assert _outputs(out) == _outputs(build([corpus], tmp_path / "full", cache=False).outputs["turtle"].parent)


def test_the_cache_lives_beside_the_output_not_in_it(tmp_path):
    out = tmp_path / "out"
    build([SAMPLES[0]], out)
    assert sorted(p.name for p in out.iterdir()) == ["graph.html", "graph.jsonld", "graph.ttl"]
    assert (tmp_path / ".kg-cache" / "out" / "extractions.sqlite").is_file()


def test_the_key_changes_with_text_metadata_and_extractor():
    version = extractor_version(DEFAULT_MODEL)
    document = Document("d", "Iran backs Hezbollah.", "d.txt", title="T")
    key = document_key(document, version)
    assert key == document_key(Document("d", "Iran backs Hezbollah.", "d.txt", title="T"), version)
    assert key != document_key(Document("d", "Iran backs Hamas.", "d.txt", title="T"), version)
    assert key != document_key(Document("d", "Iran backs Hezbollah.", "d.txt", title="U"), version)
    assert key != document_key(document, version + "x")
    assert len(version) == 64 and version == extractor_version(DEFAULT_MODEL)


def test_extractions_round_trip_through_json(nlp, extractor):
    texts = [p.read_text(encoding="utf-8").strip() for p in SAMPLES]
    for i, text in enumerate(texts):
        document = Document(f"doc{i}", text, f"doc{i}.txt")
        extraction = extractor(document, parse_text(nlp, text))
        assert extraction.claims  # the sample articles all state relations
        back = extraction_from_json(extraction_to_json(extraction), document)
        assert isinstance(back, Extraction) and back.document is document
        assert back.mentions == extraction.mentions
        assert back.claims == extraction.claims


def test_cached_json_with_another_format_is_refused():
    with pytest.raises(ValueError):
        extraction_from_json('{"format": 0, "mentions": [], "claims": []}', Document("d", "x", "d.txt"))


def test_workers_give_the_same_graph_as_one_process(tmp_path):
    corpus = _copy(SAMPLES, tmp_path / "corpus")
    (corpus / "zz_ankara.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    one = build([corpus], tmp_path / "one", cache=False)
    two = build([corpus], tmp_path / "two", workers=2, cache=False)
    assert two.stats.workers == 2 and two.stats.extracted == one.stats.extracted == len(SAMPLES) + 1
    assert two.stats.tokens == one.stats.tokens and two.stats.seconds["nlp"] > 0
    assert [d.doc_id for d in two.graph.documents] == [d.doc_id for d in one.graph.documents]
    assert two.graph.assertions == one.graph.assertions
    assert two.graph.entities == one.graph.entities
    assert _outputs(tmp_path / "two") == _outputs(tmp_path / "one")


def test_workers_fill_and_use_the_cache(tmp_path):
    corpus = _copy(SAMPLES[:2], tmp_path / "corpus")
    out = tmp_path / "out"
    build([corpus], out, workers=2)
    _copy(SAMPLES[2:4], corpus)
    again = build([corpus], out, workers=2)
    assert (again.stats.extracted, again.stats.reused) == (2, 2)
    assert _outputs(out) == _outputs(build([corpus], tmp_path / "full", cache=False).outputs["turtle"].parent)


def test_the_graph_keeps_document_metadata_not_texts(tmp_path):
    graph, _ = extract_graph([SAMPLES[0]])
    assert [d.text for d in graph.documents] == [""]
    assert graph.documents[0].path == SAMPLES[0].name
