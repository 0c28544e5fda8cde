"""The extract stage: a parsed article in, mentions and claimed relations out.

>>> from kg.nlp import parse_text
>>> extractor = Extractor(nlp.vocab)  # nlp: kg.nlp.load_pipeline()
>>> doc_record = Document("d1", "Russia and Iran back the Syrian government.", "d1.txt")
>>> result = extractor(doc_record, parse_text(nlp, doc_record.text))
>>> sorted((c.subject.text, c.relation.value, c.object.text) for c in result.claims)
[('Iran', 'backs', 'Syrian government'), ('Russia', 'backs', 'Syrian government')]
"""
from __future__ import annotations

from spacy.tokens import Doc

from itertools import chain

from kg.extract.arguments import actors_of
from kg.extract.dates import sentence_date
from kg.extract.descriptions import DescribedRelations, describe
from kg.extract.mentions import Found, MentionIndex, find_mentions, link_acronyms
from kg.extract.modality import modality
from kg.extract.reciprocal import ReciprocalRelations
from kg.extract.relations import RelationFinder
from kg.lexicon import Lexicon, load_lexicon
from kg.model import Claim, Document, Evidence, Extraction, Mention
from kg.schema import MODES


# What settles a mention from the others, in order (kg.extract.mentions.find_mentions): unnamed
# agreements and events are described, and "the deal" linked to the one it stands for, by ``describe``.
LINKERS = [link_acronyms, describe]


class Extractor:
    """Callable that turns (Document, spaCy Doc) into an ``Extraction``."""

    def __init__(self, vocab, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or load_lexicon()
        self.relations = RelationFinder(vocab, self.lexicon)
        # each: (doc, index) -> Candidates
        self.families = [self.relations, DescribedRelations(self.lexicon), ReciprocalRelations(vocab, self.lexicon)]

    def __call__(self, document: Document, doc: Doc, offset: int = 0) -> Extraction:
        """``doc`` is ``document``'s text from character ``offset`` on (all of it, or one
        section of a long document: ``kg.nlp.parse_sections``); offsets index ``document.text``."""
        index = find_mentions(doc, self.lexicon, LINKERS, document.date if document.date_precision else None)
        converted: dict[int, Mention] = {}

        def as_mention(found: Found) -> Mention:
            if id(found) not in converted:
                converted[id(found)] = _to_mention(document, index, found, offset)
            return converted[id(found)]

        claims, seen = [], set()
        for candidate in chain.from_iterable(family(doc, index) for family in self.families):
            if candidate.subject.bare or candidate.object.bare:
                continue  # "the meeting" with no named meeting before or after it
            if _own_event(candidate):
                continue  # "the G20 attended the G20 summit"
            judged = modality(candidate.trigger, self.lexicon, candidate.local)
            if not judged.asserted:
                continue
            sentence = candidate.trigger.sent
            text = sentence.text.rstrip()
            speaker = None
            if judged.speaker is not None:
                speakers = actors_of(judged.speaker, index)
                speaker = as_mention(speakers[0]) if speakers else None
            date, precision = sentence_date(candidate.trigger, document, judged.future)
            start = offset + sentence.start_char
            evidence = Evidence(document.doc_id, text, start, start + len(text),
                                judged.mode, speaker, date, precision)
            claim = Claim(as_mention(candidate.subject), candidate.relation, as_mention(candidate.object), evidence)
            # a sentence may state a relation and deny it ("X, which backs Y, denies arming it"): both kept
            identity = (claim.subject.key, claim.relation, claim.object.key, sentence.start_char, MODES[judged.mode].holds)
            if identity not in seen:
                seen.add(identity)
                claims.append(claim)
        mentions = [as_mention(found) for found in index.mentions if not found.bare]
        return Extraction(document, mentions, claims)


def _own_event(candidate) -> bool:
    """An organisation named in an event's or agreement's own name is its host, not a participant."""
    if candidate.subject.kind.value != "Organization" or not candidate.subject.name or candidate.object.key.described:
        return False  # a description's words are its parties
    return candidate.subject.name.lower() in candidate.object.key.words


def _to_mention(document: Document, index: MentionIndex, found: Found, offset: int) -> Mention:
    """``text`` and the offsets are the phrase as written; ``name`` is what the phrase calls the thing
    (None for an anaphor such as "the meeting", which is evidence of the thing, not one of its names)."""
    start, end = found.text_span or (found.start, found.end)
    span = index.doc[start:end]
    return Mention(
        doc_id=document.doc_id,
        start=offset + span.start_char,
        end=offset + span.end_char,
        text=span.text,
        kind=found.kind,
        key=str(found.key),
        name=None if found.anaphor else (found.name or span.text),
        role=found.role,
    )
