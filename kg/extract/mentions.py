"""Find the spans of a parsed article that name or refer to nodes.

Each finder is one small function registered in ``FINDERS``; they run in order
and a later finder never overwrites tokens an earlier one claimed. A mention
carries a resolution ``key`` (a ``kg.mention_key.MentionKey``); references that only the
document's context can settle ("the regime", "the ceasefire") are settled here,
references that need the whole corpus ("the Turkish President") in ``kg.resolve``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from kg.lexicon import Lexicon
from kg.mention_key import MentionKey, Namespace
from kg.model import EntityKind
from kg.nlp import ARMED_GROUP, COUNTRY, DEMONYM, ORGANIZATION

ACTOR_NER = {"PERSON", "ORG", "NORP", "GPE"}
PLACE_NER = {"GPE", "LOC", "FAC", COUNTRY}
POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}


@dataclass
class Found:
    """A mention while the document is being read (token offsets)."""

    start: int
    end: int  # exclusive token index
    kind: EntityKind
    key: MentionKey
    name: str | None = None
    role: str | None = None  # "TUR:president" for a titled person (a role key's title)
    bare: bool = False  # an agreement/event named only by its head noun ("the meeting")
    parties: tuple[int, ...] = ()  # token indices of parties in "Turkish-Russian agreement"
    head: int = -1  # the head noun's token index, for agreements and events
    anaphor: bool = False  # "the meeting" standing for a meeting named elsewhere: not a name of it
    party_named: bool = False  # an agreement known only by its parties: "the Israel-Hamas ceasefire"
    text_span: tuple[int, int] | None = None  # the tokens of the phrase as written, when wider than start..end


@dataclass
class MentionIndex:
    """Mentions of one document with a token lookup."""

    doc: Doc
    mentions: list[Found] = field(default_factory=list)
    by_token: dict[int, Found] = field(default_factory=dict)
    regime_key: MentionKey | None = None  # what "the regime" means in this document
    date: str | None = None  # the article's date (ISO 8601), which dates what it describes

    def add(self, found: Found) -> bool:
        if any(i in self.by_token for i in range(found.start, found.end)):
            return False
        self.mentions.append(found)
        for i in range(found.start, found.end):
            self.by_token[i] = found
        return True

    def remove(self, found: Found) -> None:
        self.mentions.remove(found)
        for i in range(found.start, found.end):
            if self.by_token.get(i) is found:
                del self.by_token[i]

    def at(self, token: Token) -> Found | None:
        return self.by_token.get(token.i)

    def span(self, found: Found) -> Span:
        return self.doc[found.start:found.end]


def fold(text: str) -> str:
    """Lowercase ASCII form of a name for keys: diacritics, quotes and possessives gone."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"'s\b", "", text)
    return " ".join(re.sub(r"[^a-z0-9\- ]+", " ", text).split())


def _trim(span: Span) -> tuple[int, int]:
    start, end = span.start, span.end
    doc = span.doc
    if end - start > 2 and doc[start].lower_ in ("pro", "anti") and doc[start + 1].text == "-":
        start += 2  # "pro-Assad": the name is Assad; the stance is read by the relation finder
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct
                           or (doc[start].is_title and doc.vocab[doc[start].lower_].is_stop and end - start > 1)):
        start += 1  # "Near Rawah": the model's span swallowed a preposition
    while end > start and (doc[end - 1].text in POSSESSIVE or doc[end - 1].is_punct):
        end -= 1
    return start, end


# --- finders -----------------------------------------------------------------------------


def find_lexicon_names(index: MentionIndex, lexicon: Lexicon) -> None:
    """Names the EntityRuler recognised: countries, demonyms, organisations, armed groups."""
    kinds = {COUNTRY: EntityKind.COUNTRY, DEMONYM: EntityKind.COUNTRY,
             ORGANIZATION: EntityKind.ORGANIZATION, ARMED_GROUP: EntityKind.ARMED_GROUP}
    for ent in index.doc.ents:
        if ent.label_ in kinds and ent.ent_id_:
            start, end = _trim(ent)
            if start >= end:
                continue
            key = MentionKey.parse(ent.ent_id_)
            name = key.name if ent.label_ != COUNTRY and ent.label_ != DEMONYM else None
            index.add(Found(start, end, kinds[ent.label_], key, name=name))


def _person_surnames(index: MentionIndex) -> dict[str, Span]:
    surnames = {}
    for ent in index.doc.ents:
        if ent.label_ == "PERSON":
            start, end = _trim(ent)
            if end > start:
                surnames.setdefault(fold(index.doc[end - 1].text), index.doc[start:end])
    return surnames


def find_people(index: MentionIndex, lexicon: Lexicon) -> None:
    """PERSON entities, and one-word names the model mistyped as ORG/GPE that match a surname here."""
    surnames = _person_surnames(index)
    for ent in index.doc.ents:
        start, end = _trim(ent)
        if start >= end:
            continue
        span = index.doc[start:end]
        is_person = ent.label_ == "PERSON" or (
            ent.label_ in ACTOR_NER and end - start == 1 and fold(span.text) in surnames)
        if not is_person or lexicon.country_of(span.text):
            continue
        end = _extend_over_lexicon_word(index, end)
        # Role words the model pulled into the name ("President Assad") are not part of it.
        while end - start > 1 and lexicon.role_of(index.doc[start].text):
            start += 1
        span = index.doc[start:end]
        if not any(t.is_alpha and t.text[:1].isupper() for t in span):
            continue
        index.add(Found(start, end, EntityKind.PERSON, MentionKey.person(fold(span.text)), name=span.text))


def _extend_over_lexicon_word(index: MentionIndex, end: int) -> int:
    """ "Therese Kayikwamba Wagner": a capitalised word the lexicon knows as a group, right after a person's
    name with no punctuation, is the person's surname."""
    doc = index.doc
    if end < len(doc) and doc[end].pos_ == "PROPN" and not doc[end - 1].whitespace_ == "" and doc[end].is_title:
        mention = index.at(doc[end])
        if mention is not None and mention.end - mention.start == 1 and mention.kind in (
                EntityKind.ARMED_GROUP, EntityKind.ORGANIZATION) and not (end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN"):
            index.remove(mention)
            return end + 1
    return end


def _event_or_agreement_head(token: Token, lexicon: Lexicon) -> tuple[EntityKind, str] | None:
    word = token.lower_
    heads = lexicon.heads
    if token.pos_ not in ("NOUN", "PROPN"):
        return None
    if word in heads["agreement_heads"] or token.lemma_.lower() in heads["agreement_heads"]:
        family = heads["agreement_heads"].get(word) or heads["agreement_heads"][token.lemma_.lower()]
        return EntityKind.AGREEMENT, family
    if word in heads["event_heads"]:
        return EntityKind.EVENT, heads["event_heads"][word]
    if token.text in heads["proper_agreement_heads"] and token.pos_ == "PROPN":
        return EntityKind.AGREEMENT, "agreement"  # "Joint Comprehensive Plan of Action", "Rome Statute"
    return None


LEFT_NAME_DEPS = ("compound", "amod", "nmod", "poss", "npadvmod")
RIGHT_NAME_PREPS = ("on", "of", "in", "for")


def _name_tokens(head: Token, index: MentionIndex, lexicon: Lexicon) -> tuple[list[Token], list[Token], list[int]]:
    """Tokens that distinguish an agreement/event from others of its kind, the span's tokens, parties."""
    skip = set(lexicon.heads["skip_modifiers"])
    left = sorted((t for c in head.children if c.dep_ in LEFT_NAME_DEPS and c.i < head.i for t in c.subtree),
                  key=lambda t: t.i)
    span_tokens = [t for t in left if t.lower_ not in ("his", "her", "its", "their", "our")]
    names, parties = [], []
    for t in span_tokens:
        mention = index.at(t)
        if _is_year(t):
            names.append(t)  # "the 2026 summit" is not the 2025 one
            continue
        if t.is_punct or t.lower_ in skip or t.like_num or t.ent_type_ in ("DATE", "CARDINAL", "ORDINAL", "TIME"):
            continue
        if t.text in POSSESSIVE or t.dep_ == "case":
            continue
        # "Turkish-Russian agreement": demonym pairs name the parties, not the thing.
        if mention and mention.kind.is_actor and _hyphen_linked(t) and not _stance_marked(t):
            parties.append(t.i)
            continue
        if t.tag_ in ("VBN", "VBD") or t.lemma_.lower() in lexicon.triggers["agreement_reach_verbs"]:
            continue  # "Russian-brokered ceasefire", a headline's "sign declaration"
        if mention and mention.kind == EntityKind.PERSON:
            continue
        if _event_or_agreement_head(t, lexicon):
            continue
        names.append(t)
    # Right side, when it follows the head directly: "Conference on Libya", "meeting of NATO defence
    # ministers", "ceasefire in Idlib", "talks in Moscow".
    right: list[Token] = []
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in RIGHT_NAME_PREPS or prep.i != head.i + 1:
            continue
        for pobj in prep.children:
            if pobj.dep_ != "pobj":
                continue
            sub = [t for t in pobj.subtree if not t.is_punct and t.dep_ not in ("det", "case") and t.text not in POSSESSIVE
                   and t.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL")]
            parenthesis = next((t.i for t in pobj.subtree if t.text == "("), None)
            if parenthesis is not None:
                sub = [t for t in sub if t.i < parenthesis]  # "Plan of Action (JCPOA)": the acronym is another name
            if prep.lower_ == "in":  # a place: its proper nouns only, the most specific last ("Syria's Idlib region")
                sub = [t for t in sub if t.ent_type_ in PLACE_NER or (t.pos_ == "PROPN" and t.text[:1].isupper())][-1:]
            elif not any(t.pos_ == "PROPN" or t.ent_type_ in PLACE_NER or index.at(t) for t in sub):
                continue
            right.extend(sub)
            names.extend(t for t in sub if t.lower_ not in skip and not (index.at(t) and index.at(t).kind == EntityKind.PERSON))
    if len(parties) == 1:
        parties = []  # "a US-brokered truce": one hyphenated actor is a broker, not a party
    return names, span_tokens + [head] + right, parties


def _between_parties(head: Token, index: MentionIndex) -> list[Token]:
    """The actor tokens of "between A and B" on an agreement."""
    tokens = []
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("between", "among"):
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    tokens += [t for t in [pobj, *pobj.conjuncts] if index.at(t) and index.at(t).kind != EntityKind.AGREEMENT]
    return sorted(tokens, key=lambda t: t.i)


def _place_of_verb(verb: Token) -> list[Token]:
    """The place of "in X" on the verb: "a ceasefire will be implemented in Syria's Idlib region"."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "in":
            places = [t for t in prep.subtree if t.ent_type_ in PLACE_NER and t.pos_ == "PROPN"]
            return places[-1:]
    return []


def _stance_marked(token: Token) -> bool:
    """ "pro-Russian", "anti-government": a stance towards the named actor, not membership."""
    doc = token.doc
    return token.i >= 2 and doc[token.i - 1].text == "-" and not doc[token.i - 1].whitespace_ \
        and doc[token.i - 2].lower_ in ("pro", "anti")


def _is_year(token: Token) -> bool:
    return token.shape_ == "dddd" and 1900 <= int(token.text) <= 2100


def _hyphen_linked(token: Token) -> bool:
    doc = token.doc
    # A hyphen inside a word ("Turkish-Russian"), not a dash between words ("Nov 6 - Sudan's army").
    before = token.i > 1 and doc[token.i - 1].text == "-" and not doc[token.i - 1].whitespace_ \
        and not doc[token.i - 2].whitespace_
    after = token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_ \
        and not doc[token.i + 1].whitespace_
    return before or after


def _key_words(tokens: list[Token], lexicon: Lexicon) -> list[str]:
    words = []
    for t in tokens:
        word = fold(t.text).strip("-")
        if not word or word in ("of", "on", "in", "the", "for", "and"):
            continue
        word = lexicon.respell(word)
        if word.endswith("s") and t.pos_ == "NOUN" and t.lemma_:
            word = lexicon.respell(fold(t.lemma_))
        mention_country = lexicon.country_of(t.text)
        words.append(mention_country or word)
    return sorted(set(words))


def find_agreements_and_events(index: MentionIndex, lexicon: Lexicon) -> None:
    """Agreements and events by their head noun ("Sochi agreement", "talks in Moscow", "the meeting")."""
    doc = index.doc
    for token in doc:
        found = _event_or_agreement_head(token, lexicon)
        if not found or index.at(token):
            continue
        kind, family = found
        if any(c.lower_ in lexicon.heads["non_event_modifiers"] for c in token.children if c.dep_ in ("compound", "amod")):
            continue  # "a news conference" is a place to speak, not a meeting of parties
        # A head noun inside a larger head ("ceasefire agreement"): the outer one names it.
        if token.dep_ == "compound" and _event_or_agreement_head(token.head, lexicon):
            continue
        for child in token.children:
            if child.dep_ == "compound":
                inner = _event_or_agreement_head(child, lexicon)
                if inner and inner[0] == kind and family == "agreement":
                    family = inner[1]  # "ceasefire agreement" is a ceasefire
        names, tokens, parties = _name_tokens(token, index, lexicon)
        start = min(t.i for t in tokens)
        end = max(t.i for t in tokens) + 1
        while start < token.i and (doc[start].dep_ in ("det",) or doc[start].is_punct or doc[start].text in POSSESSIVE
                                   or doc[start].lower_ in ("his", "her", "its", "their", "our")):
            start += 1
        place = []
        if not names and kind == EntityKind.AGREEMENT and token.dep_ in ("nsubj", "nsubjpass", "dobj"):
            place = _place_of_verb(token.head)
        if not any(t.pos_ == "PROPN" for t in names) and kind == EntityKind.AGREEMENT:
            for clause in token.children:
                if clause.dep_ in ("relcl", "acl") and clause.lemma_.lower() in lexicon.triggers["agreement_reach_verbs"]:
                    place = place or _place_of_verb(clause)  # "the accord that was signed in Washington"
        names = names + place
        between = _between_parties(token, index)
        party_named = not names and bool(parties or between)
        if party_named:
            # Named by who made it: "the ceasefire between Israel and Hamas", "a Turkish-Russian agreement".
            names = [index.doc[i] for i in parties] + between
            if between and not any(t.i < token.i for t in tokens if not t.is_punct and t.dep_ != "det"):
                end = max(end, max(t.i for t in between) + 1)  # "the ceasefire between Israel and Hamas"
        words = _key_words(names, lexicon)
        label = doc[start:end].text
        if place and all(p.i >= end or p.i < start for p in place):
            label = f"{' '.join(p.text for p in place)} {label}"  # "Washington peace agreement"
        if kind == EntityKind.EVENT and family == "election":
            kind = EntityKind.EVENT
        # "peace deal", "de-escalation agreements": described, not named, so only this article's
        local = bool(words) and not any(t.pos_ == "PROPN" or t.text[:1].isupper() or index.at(t) for t in names)
        key = MentionKey.named_by(kind, family, words, local=local)
        found = Found(start, end, kind, key, name=label, bare=not words, parties=tuple(parties), head=token.i,
                      party_named=party_named)
        # Tokens already claimed (a country inside "talks in Moscow") stay with their mention:
        # register the head token only, so the name still covers the whole phrase.
        if not index.add(found):
            found.text_span = (found.start, found.end)
            found.start, found.end = token.i, token.i + 1
            found.name = label
            index.add(found)


def find_state_references(index: MentionIndex, lexicon: Lexicon) -> None:
    """A state's forces and institutions ("Turkish soldiers", "Russia's defence ministry", "regime forces")."""
    doc = index.doc
    last_owner: dict[str, MentionKey] = {}  # body noun -> key of the last state named with it
    for token in doc:
        if index.at(token) or token.pos_ not in ("NOUN", "PROPN"):
            continue
        phrase_end = token.i + 1
        meaning = _state_body(doc, token, lexicon)
        if not meaning:
            continue
        country = None
        modifiers = [c for c in token.children if c.dep_ in ("amod", "compound", "poss", "nmod")]
        for child in sorted(modifiers, key=lambda c: c.i):
            for t in child.subtree:
                mention = index.at(t)
                if _hyphen_linked(t) and not (mention and mention.kind == EntityKind.PERSON and _stance_marked(t)
                                              and index.doc[t.i - 2].lower_ == "pro"):
                    continue  # "Russia-regime offensive" is two actors; "pro-Assad forces" are his
                if mention and mention.kind == EntityKind.COUNTRY:
                    country = mention
                elif mention and mention.kind == EntityKind.PERSON and (
                        token.lower_ in ("regime", "government", "administration") or _stance_marked(t)):
                    country = Found(0, 0, EntityKind.COUNTRY, MentionKey.government_of(mention.key))
        if country is None:
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ == "of" and prep.i == token.i + 1:
                    for pobj in prep.children:
                        mention = index.at(pobj)
                        if pobj.dep_ == "pobj" and mention and mention.kind == EntityKind.COUNTRY:
                            country = mention  # "the government of Iraq", "the armed forces of Ukraine"
                            phrase_end = pobj.i + 1
        if country is None and token.lower_ == "regime" or (country is None and _regime_modified(token)):
            if index.regime_key:
                country = Found(0, 0, EntityKind.COUNTRY, index.regime_key)
        if country is None and _definite(token) and token.lemma_.lower() in last_owner and not modifiers:
            # "the army" after "Sudan's army": the same state's army
            country = Found(0, 0, EntityKind.COUNTRY, last_owner[token.lemma_.lower()])
        if country is None:
            continue
        last_owner[token.lemma_.lower()] = country.key
        # The name as a reader would give it: the state's own word and the body's compounds
        # ("Syrian regime forces"), not adjectives or other actors ("intensifying", "Russia-regime").
        named = [t for c in modifiers for t in c.subtree
                 if (index.at(t) is not None and index.at(t).kind in (EntityKind.COUNTRY, EntityKind.PERSON)
                     and not _hyphen_linked(t))
                 or (t.dep_ == "compound" and t.pos_ == "NOUN" and not index.at(t)) or t.lower_ == "regime"]
        start = min([token.i] + [t.i for t in named])
        if any(doc[i].text in "()" for i in range(start, phrase_end)):
            start = token.i
        name = doc[start:phrase_end].text
        if start == token.i and phrase_end == token.i + 1 and country.end == 0:
            name = None  # "the regime", "the army" standing for a state named elsewhere: not one of its names
        # The country token keeps its own mention; the phrase is recorded on the head.
        index.add(Found(token.i, phrase_end, EntityKind.COUNTRY, country.key, name=name, anaphor=name is None,
                        text_span=(start, phrase_end)))


def _regime_modified(token: Token) -> bool:
    return any(c.lower_ == "regime" and c.dep_ in ("compound", "amod", "poss") for c in token.children)


def _state_body(doc: Doc, token: Token, lexicon: Lexicon) -> str | None:
    bodies = lexicon.state_bodies
    two = f"{token.head.lower_} {token.lower_}" if token.head.i == token.i + 1 else None
    for phrase in (f"{doc[token.i - 1].lower_} {token.lower_}" if token.i else None, token.lower_, token.lemma_.lower()):
        if phrase and phrase in bodies:
            return bodies[phrase]
    return bodies.get(two) if two else None


def find_regime(index: MentionIndex, lexicon: Lexicon) -> None:
    """Decide what a bare "regime" means in this document: the state most often called one."""
    counts: dict[MentionKey, int] = {}
    for token in index.doc:
        if token.lower_ not in ("regime", "government") and not (token.lower_ == "forces" and token.text[0].isupper()):
            continue
        for child in token.subtree:
            mention = index.at(child)
            if child.i >= token.i or mention is None:
                continue
            if _hyphen_linked(child):
                continue  # "Russia-regime offensive": two actors, not a qualifier
            if mention.kind == EntityKind.COUNTRY and token.lower_ == "regime":
                counts[mention.key] = counts.get(mention.key, 0) + 2
            elif mention.kind == EntityKind.PERSON:
                government = MentionKey.government_of(mention.key)
                counts[government] = counts.get(government, 0) + 1
    if counts:
        index.regime_key = max(sorted(counts, key=str), key=counts.get)  # ties: the first key as written


def find_roles(index: MentionIndex, lexicon: Lexicon) -> None:
    """Titles: "Turkish President Recep Tayyip Erdogan" gives the person a role; "the Turkish President" alone
    is a mention of whoever holds it."""
    doc = index.doc
    for role, i, end in _titles(doc, lexicon):
        country = _country_before(index, i)
        person = _person_after(index, end)
        if person is not None:
            if country:
                person.role = MentionKey.holder_of(country, role).title
        elif country and not any(index.at(doc[j]) for j in range(i, end)):
            start = i
            while start > 0 and (index.at(doc[start - 1]) and index.at(doc[start - 1]).kind == EntityKind.COUNTRY
                                 or doc[start - 1].text in POSSESSIVE):
                start -= 1
            key = MentionKey.holder_of(country, role)
            index.add(Found(i, end, EntityKind.PERSON, key, name=doc[start:end].text, role=key.title))


_TITLE_MATCHERS: dict[tuple[int, int], PhraseMatcher] = {}


def _titles(doc: Doc, lexicon: Lexicon) -> list[tuple[str, int, int]]:
    """(role, start, end) of every capitalised title, longest first where titles overlap."""
    key = (id(doc.vocab), id(lexicon))
    if key not in _TITLE_MATCHERS:
        matcher = PhraseMatcher(doc.vocab, attr="LOWER")
        tokenizer = spacy.blank("en", vocab=doc.vocab).tokenizer  # titles split as the text is split
        for title, role in lexicon.roles.items():
            matcher.add(role, [tokenizer(title)])
        _TITLE_MATCHERS[key] = matcher
    matches = [(doc.vocab.strings[m], s, e) for m, s, e in _TITLE_MATCHERS[key](doc) if doc[s].text[:1].isupper()]
    chosen, taken = [], set()
    for role, start, end in sorted(matches, key=lambda m: (m[1], -(m[2] - m[1]))):
        if start not in taken:
            chosen.append((role, start, end))
            taken.update(range(start, end))
    return chosen


def _country_before(index: MentionIndex, i: int) -> str | None:
    doc = index.doc
    j = i - 1
    while j >= 0 and doc[j].text in POSSESSIVE:
        j -= 1
    mention = index.at(doc[j]) if j >= 0 else None
    if mention and mention.kind == EntityKind.COUNTRY and mention.key.namespace == Namespace.COUNTRY:
        return mention.key.code
    return None


def _person_after(index: MentionIndex, end: int) -> Found | None:
    """The person a title stands before: "President X", "President, X", "Envoy to Libya X"."""
    doc = index.doc
    j = end
    if j < len(doc) and doc[j].text == ",":
        j += 1
    elif j < len(doc) and doc[j].lower_ in ("to", "for", "of", "in"):
        k = j + 1
        while k < min(len(doc), j + 5) and (doc[k].pos_ == "PROPN" or doc[k].lower_ == "the") and not (
                index.at(doc[k]) and index.at(doc[k]).kind == EntityKind.PERSON):
            k += 1
        j = k
    mention = index.at(doc[j]) if j < len(doc) else None
    named = mention and mention.kind == EntityKind.PERSON and mention.key.namespace == Namespace.PERSON
    return mention if named else None


def find_groups(index: MentionIndex, lexicon: Lexicon) -> None:
    """Armed groups named by a common noun ("Syrian rebels", "Iranian-backed militias", "opposition factions")."""
    nouns = lexicon.heads["generic_group_nouns"]
    same = lexicon.heads["group_families_same"]
    for token in index.doc:
        word = token.lower_
        if token.i > 0 and f"{index.doc[token.i - 1].lower_} {word}" in nouns:
            word = f"{index.doc[token.i - 1].lower_} {word}"  # "armed groups"
        if index.at(token) or word not in nouns or token.pos_ not in ("NOUN", "ADJ", "PROPN"):
            continue
        named = [c for c in (*token.children, *token.head.children) if c.dep_ in ("compound", "nmod", "amod")
                 and index.at(c) is not None and index.at(c).kind in (EntityKind.ARMED_GROUP, EntityKind.ORGANIZATION)]
        if named:
            continue  # "the M23 rebel group" is M23
        head = token
        if token.dep_ in ("compound", "amod") and token.head.lower_ in lexicon.heads["group_modifiers"]:
            head = token.head  # "rebel groups", "opposition factions"
        elif token.pos_ == "ADJ":
            continue
        family = same.get(nouns[word], nouns[word])
        country = _group_country(index, head, lexicon)
        if country is None:
            continue
        if word == "opposition" and head is token and not _has_country_modifier(index, token):
            continue  # "opposition" alone is as often a stance as a group; "the Syrian opposition" is one
        start = min([t.i for c in head.children if c.i < head.i and c.pos_ != "VERB"
                     and c.dep_ in ("amod", "compound", "nmod", "poss") for t in c.subtree] + [head.i])
        start = min(start, token.i - word.count(" "))
        while start < token.i and index.doc[start].dep_ in ("det", "nummod"):
            start += 1
        if any(index.at(index.doc[i]) for i in range(token.i, head.i + 1)):
            continue
        index.add(Found(token.i, head.i + 1, EntityKind.ARMED_GROUP, MentionKey.armed_group_of(family, country),
                        name=index.doc[start:head.i + 1].text))


def _has_country_modifier(index: MentionIndex, token: Token) -> bool:
    return any(index.at(c) is not None and index.at(c).kind == EntityKind.COUNTRY
               for c in token.children if c.dep_ in ("amod", "compound", "nmod", "poss"))


def _group_country(index: MentionIndex, head: Token, lexicon: Lexicon) -> str | None:
    """Whose group: a demonym on it, a backer in "X-backed", or the state its own clause is against."""
    for child in head.children:
        if child.i > head.i or child.dep_ not in ("amod", "compound", "nmod", "poss", "npadvmod"):
            continue
        if child.pos_ == "VERB" and not _hyphen_linked(child):
            continue  # "Turkey has upheld rebels" mis-parsed as a modifier; "Iranian-backed militias" is one
        for t in child.subtree:
            mention = index.at(t)
            if mention and mention.kind == EntityKind.COUNTRY and mention.key.namespace == Namespace.COUNTRY \
                    and not _stance_marked(t):
                return mention.key.code
    # "separatists in eastern Ukraine", "rebels from Darfur"
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "from") and prep.i > head.i:
            for t in prep.subtree:
                mention = index.at(t)
                if mention and mention.kind == EntityKind.COUNTRY and mention.key.namespace == Namespace.COUNTRY:
                    return mention.key.code
    # "rebels seeking to expel Syrian President Bashar al-Assad": the leader they fight is their country's.
    for t in head.subtree:
        mention = index.at(t)
        if t.i > head.i and mention and mention.kind == EntityKind.PERSON and mention.role:
            return MentionKey.from_title(mention.role).code
    return None


def _dateline(span: Span) -> bool:
    doc = span.doc
    line_start = span.start == 0 or "\n" in doc[span.start - 1].text or "\n" in doc[span.start - 1].whitespace_
    return line_start and span.text.isupper() and span.end < len(doc) and doc[span.end].text == ","


def find_other_organizations(index: MentionIndex, lexicon: Lexicon) -> None:
    """Organisations the model tags and the lexicon does not know ("Syrian Human Rights Network", "TASS")."""
    for ent in index.doc.ents:
        if ent.label_ != "ORG":
            continue
        start, end = _trim(ent)
        if start >= end or any(index.at(index.doc[i]) for i in range(start, end)):
            continue
        span = index.doc[start:end]
        if lexicon.role_of(span.text) or span.root.lower_ in lexicon.state_bodies:
            continue  # "Defense", "Intelligence": a title the model cut from a name
        if not any(t.text[:1].isupper() for t in span) or span[0].pos_ in ("ADP", "DET", "ADV", "VERB") or span[0].is_stop:
            continue  # "Near Rawah": the model's span swallowed a preposition, so it is not a name
        if len(span) == 1 and not (span.text.isupper() and len(span.text) >= 3):
            continue  # one capitalised word the model calls ORG is as often a town as an organisation
        if "/" in span.text or (len(span) > 1 and span.text.isupper()) or _dateline(span):
            continue  # "JEDDAH/PORT SUDAN, Nov 6 -", "CARACAS, May 26 -": a dateline
        index.add(Found(start, end, EntityKind.ORGANIZATION, MentionKey.named_org(fold(span.text)), name=span.text))


FINDERS = [find_lexicon_names, find_people, find_roles, find_regime, find_state_references,
           find_agreements_and_events, find_groups, find_other_organizations]


def find_mentions(doc: Doc, lexicon: Lexicon, linkers: list | None = None, date: str | None = None) -> MentionIndex:
    """Run every finder over a parsed document, then every linker (default ``LINKERS``), which
    settles what a mention refers to from the others; ``date``: the article's."""
    index = MentionIndex(doc, date=date)
    for finder in FINDERS:
        finder(index, lexicon)
    for linker in LINKERS if linkers is None else linkers:
        linker(index, lexicon)
    return index


def link_acronyms(index: MentionIndex, lexicon: Lexicon | None = None) -> None:
    """ "the Joint Comprehensive Plan of Action (JCPOA)": the acronym, there and later, is the same thing."""
    doc = index.doc
    acronyms: dict[str, Found] = {}
    for found in list(index.mentions):
        end = found.end if found.head < 0 else max(found.end, found.head + 1)
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" \
                and doc[end + 1].is_upper and len(doc[end + 1].text) >= 2:
            acronyms.setdefault(doc[end + 1].text, found)
    for token in doc:
        named = acronyms.get(token.text)
        if named is None:
            continue
        current = index.at(token)
        if current is named or (current is not None and current.key.namespace != Namespace.NAMED_ORG):
            continue
        if current is not None:
            index.remove(current)
        index.add(Found(token.i, token.i + 1, named.kind, named.key, name=token.text, head=token.i))


def link_reached_agreements(index: MentionIndex, lexicon: Lexicon) -> None:
    """ "the ceasefire in Idlib, reached by a Turkish-Russian agreement": the unnamed agreement is the
    ceasefire's own making, one thing with it."""
    reach = set(lexicon.triggers["agreement_reach_verbs"])
    for found in index.mentions:
        if found.kind != EntityKind.AGREEMENT or not (found.bare or found.party_named) or found.head < 0:
            continue
        token = index.doc[found.head]
        if token.dep_ != "pobj" or token.head.dep_ != "agent" or token.head.head.lemma_.lower() not in reach:
            continue
        earlier = [m for m in index.mentions if m.kind == EntityKind.AGREEMENT and not m.bare and m is not found
                   and token.sent.start <= m.start < token.i]
        if earlier:
            antecedent = max(earlier, key=lambda m: m.start)
            found.key, found.bare, found.anaphor = antecedent.key, False, True


GENERIC_FAMILY = "agreement"  # the family of "the deal", "the agreement": said of an agreement of any family


def resolve_bare_references(index: MentionIndex, lexicon: Lexicon | None = None) -> None:
    """"The meeting", "the ceasefire": the most recent named one of the same kind in the document;
    "the deal" the most recent agreement of any family ("a truce ... the deal")."""
    last: dict[tuple[EntityKind, str], Found] = {}
    last_of_kind: dict[EntityKind, Found] = {}
    pending = []
    for found in sorted(index.mentions, key=lambda f: f.start):
        if found.kind not in (EntityKind.AGREEMENT, EntityKind.EVENT):
            continue
        family = found.key.family
        if not found.bare:
            last[(found.kind, family)] = found
            last_of_kind[found.kind] = found
            continue
        if not _definite(index.doc[found.head]):
            pending.append(found)  # "a meeting with X": a new one, unless the article names only one
            continue
        generic = found.kind == EntityKind.EVENT or family == GENERIC_FAMILY
        antecedent = last.get((found.kind, family)) or (last_of_kind.get(found.kind) if generic else None)
        if antecedent:
            found.key, found.bare, found.anaphor = antecedent.key, False, True
        else:
            pending.append(found)
    # No earlier name: "signed a joint declaration ... The Washington Joint Declaration was signed" names it
    # in the next sentences; failing that, an article that names one of the family is talking about it.
    for found in pending:
        family = found.key.family
        named = [f for f in index.mentions if f.kind == found.kind and not f.bare and not f.anaphor
                 and f.key.family == family]
        soon = [f for f in named if f.start > found.start and f.start < _sentence_end(index.doc, found.head, 3)]
        keys = {f.key for f in named}
        if soon or len(keys) == 1:
            found.key = min(soon, key=lambda f: f.start).key if soon else keys.pop()
            found.bare, found.anaphor = False, True


def _sentence_end(doc: Doc, i: int, sentences: int) -> int:
    """The token index where the ``sentences``-th sentence from token ``i`` ends."""
    sent = doc[i].sent
    for _ in range(sentences - 1):
        if sent.end >= len(doc):
            break
        sent = doc[sent.end].sent
    return sent.end


def _definite(head: Token) -> bool:
    """ "the meeting", "this deal", "their talks" refer back; "a meeting" introduces one."""
    for child in head.children:
        if child.dep_ in ("det", "poss"):
            return child.lower_ not in ("a", "an", "another", "any", "some", "no")
    return False


LINKERS = [link_reached_agreements, link_acronyms, resolve_bare_references]
