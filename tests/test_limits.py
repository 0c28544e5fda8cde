"""Limits: files over a size are skipped with a message; long lines are cut at sentence ends.

spaCy refuses a text longer than ``nlp.max_length`` (1,000,000 characters), and the memory of
``nlp.pipe`` grows with the longest piece of a batch. ``kg.nlp.parse`` parses a document line by
line, and ``kg.nlp.lines`` cuts a line longer than ``MAX_LINE_CHARS`` (2,000; or
``nlp.max_length``, when smaller) after a sentence end, so that no sentence is cut in two, a
relation in a sentence across a cut point (a fixed one, or the 100,000th character) is still
found, and offsets still index the document's text. Memory figures for a 3 MB article are in
``bench/memory_long_doc.py``.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.ingest import DEFAULT_MAX_BYTES, read_documents
from kg.model import Document, Problem, RelationType
from kg.namespaces import KG, RDFS
from kg.nlp import MAX_LINE_CHARS, lines, parse

GOOD_ARTICLE = "Russia backs the Syrian government, the Kremlin said on Monday.\n"
FILLER = "The weather in the region was mild for most of the week. "  # no relation, 58 characters
RELATION = "Russia backs the Syrian government in its offensive, the Kremlin said. "


def kg(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


# --------------------------------------------------------------------------- file size


def test_files_over_max_bytes_are_skipped_with_a_message(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    (folder / "huge.txt").write_text(FILLER * 40, encoding="utf-8")  # 2,320 bytes
    result = kg("build", folder, "--out", tmp_path / "out", "--max-bytes", 1000, "--no-cache")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    skipped = [line for line in result.output.splitlines() if "huge.txt" in line]
    assert len(skipped) == 1 and "too large" in skipped[0] and "1000" in skipped[0], result.output
    assert "Read 1 document, skipped 1." in result.stdout
    graph = Graph().parse(tmp_path / "out" / "graph.ttl")
    assert {str(graph.value(s, RDFS.label)) for s, _ in graph.subject_objects(KG.backs)} == {"Russia"}


def test_the_default_limit_is_20_mb(tmp_path):
    assert DEFAULT_MAX_BYTES == 20_000_000
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:  # sparse: nothing is written, and nothing is read
        fh.truncate(DEFAULT_MAX_BYTES + 1)
    (item,) = read_documents([big])
    assert isinstance(item, Problem) and "too large" in item.reason
    assert "--max-bytes" in kg("build", "--help").stdout


# --------------------------------------------------------------------------- cutting long lines


def long_line(relation_at: int, length: int) -> tuple[str, int]:
    """One line of filler sentences with RELATION starting a little before ``relation_at``, so the
    sentence runs across it; returns the line and where RELATION starts."""
    before = FILLER * ((relation_at - 100) // len(FILLER))
    before += "It rained in Wad" + "i" * (relation_at - 30 - len(before) - 23) + " today. "  # to the character
    text = before + RELATION
    text += FILLER * ((length - len(text)) // len(FILLER) + 1)
    return text.rstrip(), len(before)


def test_lines_cuts_a_long_line_at_sentence_ends_only():
    for limit in (MAX_LINE_CHARS, 100_000):
        text, start = long_line(limit, 3 * limit)
        pieces = lines(text, limit)
        assert "".join(pieces) == text
        assert all(len(piece) <= limit for piece in pieces)
        assert len(pieces) >= 3
        for piece in pieces[:-1]:
            assert piece.endswith(". "), piece[-40:]
        assert any(RELATION in piece for piece in pieces)  # not cut at the limit, where it runs across


def test_lines_without_sentence_ends_cuts_at_spaces_then_anywhere():
    words = "alpha beta gamma " * 20_000  # 340,000 characters, no sentence end
    pieces = lines(words)
    assert "".join(pieces) == words and all(len(p) <= MAX_LINE_CHARS for p in pieces)
    assert all(p.endswith(" ") for p in pieces[:-1])
    blob = "x" * 250_001
    assert [len(p) for p in lines(blob, 100_000)] == [100_000, 100_000, 50_001]
    assert "".join(lines(blob)) == blob and {len(p) for p in lines(blob)[:-1]} == {MAX_LINE_CHARS}


def test_abbreviations_are_not_sentence_ends():
    text = ("Mr. Putin met Gen. Smith of the U.S. Army in Ankara. " * 3000).strip()
    for piece in lines(text, limit=1000)[:-1]:
        assert piece.endswith("Ankara. "), piece[-30:]


sentences = st.lists(
    st.tuples(st.sampled_from(["Russia", "The talks", "Mr. Erdogan", "Iran", "\u201cWe", "(Ankara"]),
              st.text(st.sampled_from("abcdefgh ,;'.\u00e9\u0627"), max_size=60),
              st.sampled_from([".", "!", "?", ".\u201d", ".)", ""])),
    max_size=40,
)


@settings(max_examples=300, deadline=None, database=None)
@given(sentences, st.sampled_from(["", "\n", "\n\n", " "]), st.integers(20, 400))
def test_lines_gives_the_text_back_in_pieces_within_the_limit(parts, separator, limit):
    text = separator.join(a + " " + b + c for a, b, c in parts)
    pieces = lines(text, limit)
    assert "".join(pieces) == text
    assert all(piece and len(piece) <= limit for piece in pieces)
    for piece in pieces[:-1]:  # cut after a line break, a sentence end or a space; anywhere only when full
        assert piece[-1].isspace() or len(piece) == limit, (piece, limit)


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=600), st.integers(1, 120))
def test_lines_of_any_text_join_back_and_respect_the_limit(text, limit):
    pieces = lines(text, limit)
    assert "".join(pieces) == text
    assert all(piece and len(piece) <= limit for piece in pieces)


@pytest.mark.parametrize("cut_point", [MAX_LINE_CHARS, 100_000])
def test_a_relation_across_a_cut_point_is_found_with_its_offsets(nlp, extractor, cut_point):
    text, start = long_line(cut_point, cut_point + 3_000)
    assert start < cut_point < start + len(RELATION) and "\n" not in text
    document = Document("long", text, "long.txt")
    (parsed_document, doc), = parse(nlp, [document])
    assert doc.text == text
    claims = extractor(parsed_document, doc).claims
    found = [c for c in claims if c.relation is RelationType.BACKS and c.subject.text == "Russia"]
    assert found, [(c.subject.text, c.relation, c.object.text) for c in claims]
    evidence = found[0].evidence
    assert evidence.start <= start < cut_point < evidence.end
    assert text[evidence.start:evidence.end].strip() == evidence.sentence.strip()
    assert evidence.sentence.strip() == RELATION.strip()
    # The mentions sit where they sit when the sentence is a document of its own, shifted.
    (alone_document, alone_doc), = parse(nlp, [Document("alone", RELATION.strip(), "alone.txt")])
    alone = [c for c in extractor(alone_document, alone_doc).claims if c.relation is RelationType.BACKS][0]
    for long_mention, short_mention in ((found[0].subject, alone.subject), (found[0].object, alone.object)):
        assert long_mention.text == short_mention.text
        assert (long_mention.start - evidence.start, long_mention.end - evidence.start) == (short_mention.start, short_mention.end)
        assert text[long_mention.start:long_mention.end] == RELATION[short_mention.start:short_mention.end]


def test_a_line_longer_than_spacys_limit_is_parsed(nlp, extractor, monkeypatch):
    """With ``nlp.max_length`` made small, a line ten times that long still parses: the pieces
    handed to spaCy stay within its limit (the real limit, 1,000,000, works the same way)."""
    monkeypatch.setattr(nlp, "max_length", 500)
    text = (FILLER * 150 + RELATION + FILLER * 200).strip()
    assert len(text) > 10 * nlp.max_length
    (document, doc), = parse(nlp, [Document("long", text, "long.txt")])
    assert doc.text == text
    claims = extractor(document, doc).claims
    assert any(c.relation is RelationType.BACKS and c.subject.text == "Russia" for c in claims)
