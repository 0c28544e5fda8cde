"""Agreements and events known by a description, not a name.

"Chile and Peru agreed to a ceasefire", "the truce between Chile and Peru", "the two countries'
peace deal", "A met B in Lisbon": an agreement or event with no proper name is still one thing,
known by its kind, its parties, its place and its date as the text gives them. Its label is the
phrase as written with what tells it apart: an agreement its parties ("ceasefire between Chile and
Peru"), an event its place ("meeting in Lisbon"), failing those its date.

Its parties come from "between A and B" and "among A, B and C", a hyphenated pair ("Israel-Hamas
truce"), a possessor and a "with" partner ("Turkey's agreement with Russia"), "talks involving A,
B and C"; failing two of those, from the verb that makes it ("A and B signed a truce", "A held
talks with B": ``party_verbs`` in ``ontology/lexicon/descriptions.json``), not from one that only
speaks of it ("Egypt brokered a truce"). "A met B" and "A and B agreed to ..." with no noun for it
are a meeting and an agreement of their own.

Within an article, the mentions of one thing are one node: its name and a description of it
("The Lusaka Protocol, also known as the Lusaka deal, is a peace accord between A and B";
"called", "dubbed"), and a later "the deal", "the truce", "the summit" (``resolve_bare_references``:
the most recent of its kind), whose own clauses add to the description ("the deal, signed in
Lima"), and descriptions that agree (the same kind, a place, date or party in common, nothing that
differs: "the ceasefire in Idlib, reached by Turkey and Russia" and "a ceasefire in Idlib"). Across articles, a description joins another only with the same kind, parties and date
(``MentionKey.described``): its key carries the family, its parties and qualifiers ("peace",
"trade") as words, and its date (the text's, else the article's month); with fewer than two
parties or no date it stays in its article.

``describe`` is a linker of ``kg.extract.mentions.find_mentions``; ``DescribedRelations`` gives
the relations of the things only a verb made (who met, who agreed) and of "talks involving A and B".

>>> from kg.extract.mentions import find_mentions
>>> from kg.lexicon import load_lexicon
>>> from kg.nlp import parse_text
>>> doc = parse_text(nlp, "Chile and Peru agreed to a ceasefire. The truce held.")
>>> things = [m for m in find_mentions(doc, load_lexicon(), [describe]).mentions if m.head >= 0]
>>> [(doc[m.head].text, m.anaphor, str(m.key)) for m in things]
[('ceasefire', False, 'local-agreement:ceasefire:CHL+PER'), ('truce', True, 'local-agreement:ceasefire:CHL+PER')]
>>> things[0].name
'ceasefire between Chile and Peru'
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token

from kg.extract.arguments import actors_of, conjuncts
from kg.extract.mentions import (GENERIC_FAMILY, PLACE_NER, POSSESSIVE, Found, MentionIndex, fold,
                                 link_reached_agreements, resolve_bare_references)
from kg.extract.relations import Candidate, Context, verb_subjects
from kg.ingest import read_date
from kg.lexicon import Lexicon
from kg.mention_key import MentionKey, Namespace
from kg.model import EntityKind, RelationType
from kg.namespaces import ontology_dir
from kg.schema import ACTOR_KINDS, joins

# Dependency labels (ClearNLP, as spaCy's English pipelines write them).
NSUBJ, NSUBJPASS, DOBJ, ATTR, OPRD, APPOS = "nsubj", "nsubjpass", "dobj", "attr", "oprd", "appos"
PREP, POBJ, AGENT, POSS, CASE, DET = "prep", "pobj", "agent", "poss", "case", "det"
COMPOUND, AMOD, NMOD, NPADVMOD, NUMMOD = "compound", "amod", "nmod", "npadvmod", "nummod"
ACL, RELCL, ADVCL, XCOMP, CONJ, AUX, AUXPASS, MARK = "acl", "relcl", "advcl", "xcomp", "conj", "aux", "auxpass", "mark"
LEFT_MODIFIERS = (COMPOUND, AMOD, NMOD, POSS, NPADVMOD, NUMMOD)
OBJECTS = (DOBJ, NSUBJPASS, ATTR)
CLAUSES = (ACL, RELCL)  # "the deal signed in Lima", "the truce that was agreed between A and B"

THINGS = (EntityKind.AGREEMENT, EntityKind.EVENT)
PRONOUNS = {"his", "her", "its", "their", "our", "my", "your"}
DATES = {"DATE", "TIME"}
NUMBERS = {"CARDINAL", "ORDINAL", "QUANTITY"}
RELATION_OF = {EntityKind.AGREEMENT: RelationType.AGREED, EntityKind.EVENT: RelationType.ATTENDED}
MAX_WORDS_OF = 6  # "treaty of friendship and cooperation": a longer "of ..." is left out of a label
PROVISIONAL = "~"  # the word of a description's key until its article is read to the end


@lru_cache(maxsize=1)
def description_words() -> dict:
    """``ontology/lexicon/descriptions.json``: the verbs that make, name and situate descriptions."""
    return json.loads((ontology_dir() / "lexicon" / "descriptions.json").read_text(encoding="utf-8"))


@dataclass
class Description:
    """What the text says of one mention of an unnamed agreement or event."""

    found: Found
    phrase: str  # the description as written: "peace accord", "talks in Doha", "truce between A and B"
    qualifiers: list[str] = field(default_factory=list)  # its kind's own words, folded: ["peace"]
    parties: list[Found] = field(default_factory=list)  # in the order of the text
    parties_in_phrase: bool = False  # "Israel-Hamas truce": the phrase already names them
    place: str | None = None  # "Lisbon"
    date: str | None = None  # ISO year or year-month the text gives
    date_text: str | None = None  # as written: "November 2020"
    start: int = -1  # the first token of the phrase as written, with its date ("2018 deal"); -1: the mention's


# --- the parts of a description ----------------------------------------------------------------


def _actors(tokens, index: MentionIndex) -> list[Found]:
    found: list[Found] = []
    for token in tokens:
        found += [m for m in actors_of(token, index) if m.kind in ACTOR_KINDS and m not in found]
    return found


def _objects_of(token: Token, deps: tuple[str, ...] = (POBJ,)) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _preps(token: Token, words) -> list[Token]:
    """The objects of ``token``'s prepositions among ``words``: "between A and B" -> [A]."""
    return [p for c in token.children if c.dep_ == PREP and c.lower_ in words for p in _objects_of(c)]


def hyphen_pair(token: Token) -> bool:
    """A word of "Israel-Hamas", "Turkish-Russian": a hyphen with no space on either side."""
    doc = token.doc
    before = token.i > 1 and doc[token.i - 1].text == "-" and not doc[token.i - 2].whitespace_ \
        and not doc[token.i - 1].whitespace_
    after = token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_ \
        and not doc[token.i + 1].whitespace_ and doc[token.i + 2].tag_ not in ("VBN", "VBD")
    return before or after


def _left_tokens(head: Token) -> list[Token]:
    return sorted((t for c in head.children if c.dep_ in LEFT_MODIFIERS and c.i < head.i for t in c.subtree),
                  key=lambda t: t.i)


def _in_possessor(token: Token, head: Token) -> bool:
    """``token`` is in the possessor of ``head`` ("Chile and Peru's agreement")."""
    node = token
    while node.i != head.i:
        if node.dep_ == POSS and node.head.i == head.i:
            return True
        node = node.head
    return False


def _governor(head: Token, lexicon_words: dict, kind: EntityKind) -> Token | None:
    """The verb that makes the thing ``head`` names, when it is one of its kind's party verbs:
    "signed a truce", "a truce was signed", "agreed on a truce", "held talks"."""
    node = head
    while node.dep_ == CONJ:
        node = node.head  # "signed a truce and a trade deal"
    verb = None
    if node.dep_ in OBJECTS:
        verb = node.head
    elif node.dep_ == POBJ and node.head.dep_ == PREP and node.head.lower_ in ("on", "to", "into"):
        verb = node.head.head  # "agreed on a truce", "agreed to a ceasefire", "entered into talks"
    if verb is not None and verb.pos_ in ("VERB", "AUX") and verb.lemma_.lower() in lexicon_words["party_verbs"][kind.value]:
        return verb
    return None


def _makers(verb: Token, ctx: Context) -> list[Found]:
    """Who makes what ``verb`` says: its subjects; in the passive, its agents only ("an agreement had
    been reached with Russia", announced by Akar, was not reached by Akar alone)."""
    if any(c.dep_ in (NSUBJPASS, AUXPASS) for c in verb.children):
        return _actors([p for c in verb.children if c.dep_ == AGENT for p in _objects_of(c)], ctx.index)
    return verb_subjects(verb, ctx)


def _place(token: Token, index: MentionIndex) -> str | None:
    """The place of "in Lisbon", "at the White House" on ``token``: the last place named there."""
    for pobj in _preps(token, description_words()["place_preps"]):
        runs: list[list[Token]] = []
        own = [pobj] + [t for c in pobj.children if c.dep_ != PREP and c.i < pobj.i for t in c.subtree]
        for t in sorted(own, key=lambda t: t.i):  # "in Syria's Idlib region", not "in accordance with Russia"
            mention = index.at(t)
            is_place = t.ent_type_ in PLACE_NER or (mention is not None and mention.kind == EntityKind.COUNTRY
                                                     and t.pos_ == "PROPN")
            if is_place and t.pos_ in ("PROPN", "NOUN"):
                if runs and runs[-1][-1].i == t.i - 1:
                    runs[-1].append(t)
                else:
                    runs.append([t])
        if runs:
            return " ".join(t.text for t in runs[-1])
    return None


def _date(tokens: list[Token]) -> tuple[str, str] | None:
    """(ISO year or year-month, as written) of the first date with a year among ``tokens``' entities."""
    for token in tokens:
        if token.ent_type_ not in DATES:
            continue
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if ent is not None and ent[0].lower_ == "the":
            ent = ent[1:]  # "the December 25, 2011 agreement": the date is "December 25, 2011"
        read = read_date(ent.text) if ent is not None else None
        if read is not None:
            iso, precision = read
            return (iso if precision == "year" else iso[:7]), ent.text
    return None


def _date_tokens(node: Token) -> list[Token]:
    """Tokens that may date what ``node`` says: its modifiers and the objects of its prepositions."""
    tokens = []
    for child in node.children:
        if child.dep_ in (NPADVMOD, COMPOUND, AMOD, NUMMOD, NMOD) or (child.dep_ == PREP and child.lower_ in ("in", "on", "of")):
            tokens += list(child.subtree)
    return tokens


# --- one description ------------------------------------------------------------------------


def describe_one(found: Found, index: MentionIndex, lexicon: Lexicon, ctx: Context) -> Description | None:
    """What the text says of the thing ``found`` names, or None when it is a proper name ("Sochi
    agreement", "NATO summit", "Conference on Libya") rather than a description."""
    doc = index.doc
    head = doc[found.head]
    if head.pos_ == "PROPN" and head.text[:1].isupper():
        return None  # "the Lusaka Protocol", "the Rome Statute"
    skip = set(lexicon.heads["skip_modifiers"])
    parties: list[Found] = []
    qualifiers: list[str] = []
    in_phrase = False
    left = _left_tokens(head)
    for possessor in (c for c in head.children if c.dep_ == POSS):  # "Turkey's deal", "its agreements"
        parties += [m for m in _actors([possessor], index) if m not in parties]
    for t in left:
        mention = index.at(t)
        mention = None if mention is found else mention  # the thing itself, over "Gaza ceasefire"
        if t.dep_ in (DET, CASE) or t.is_punct or t.text in POSSESSIVE or t.lower_ in PRONOUNS:
            continue
        if t.ent_type_ in DATES or t.ent_type_ in NUMBERS or t.like_num or _kind_word(t, lexicon):
            continue  # "truce agreement": its own word of kind
        if _in_possessor(t, head) and (mention is None or mention.kind in ACTOR_KINDS):
            continue  # a party, or whose it is ("the board's meeting"), not what kind
        if mention is not None and mention.kind in ACTOR_KINDS and hyphen_pair(t):
            if mention not in parties:
                parties.append(mention)
                in_phrase = True
            continue
        if t.tag_ in ("VBN", "VBD") or (t.i + 2 < len(doc) and doc[t.i + 1].text == "-" and doc[t.i + 2].tag_ == "VBN"):
            continue  # "Russian-brokered": a broker, not a party
        if mention is not None or t.pos_ == "PROPN" or (t.text[:1].isupper() and t.i != t.sent.start):
            return None  # "Gaza ceasefire", "Astana talks": a name
        if t.lower_ not in skip and t.is_alpha or "-" in t.text:
            qualifiers.append(fold(t.lemma_ if t.pos_ == "NOUN" else t.text))
    for prep in head.children:
        if prep.dep_ == PREP and prep.lower_ in ("of", "on", "for") and prep.i == head.i + 1:
            if any(t.pos_ == "PROPN" or index.at(t) is not None for t in prep.subtree):
                return None  # "Conference on Libya", "meeting of NATO defence ministers"
    words = description_words()
    parties += [m for m in _actors(_preps(head, ("between", "among")), index) if m not in parties]
    partners = _actors(_preps(head, ("with",)), index)  # "a truce with Hamas": the other side of someone's
    clauses = [c for c in head.children if c.dep_ in CLAUSES]
    makers = words["party_verbs"][found.kind.value]
    for clause in clauses:  # "talks involving A, B and C", "a truce agreed between A and B", "the deal signed by A and B"
        objects = _objects_of(clause, (DOBJ,)) if clause.lemma_.lower() in words["participant_verbs"] else []
        objects += _preps(clause, ("between", "among"))
        if clause.lemma_.lower() in makers:  # not "brokered by Egypt"; "the framework he signed with Grossi"
            objects += [p for c in clause.children if c.dep_ == AGENT for p in _objects_of(c)]
            objects += [c for c in clause.children if c.dep_ == NSUBJ and c.lower_ not in ("that", "which", "who")]
            objects += _preps(clause, ("with",))
        parties += [m for m in _actors(objects, index) if m not in parties]
    verb = _governor(head, words, found.kind)
    if verb is not None and (not parties or len(parties) + len(partners) < 2):
        made_by = _makers(verb, ctx) + _actors(_preps(verb, ("with", "between", "among")), index)
        parties += [m for m in made_by if m.kind in ACTOR_KINDS and m not in parties]
    if parties:  # "deals with Russia and Iran" alone are no deals between Russia and Iran
        parties += [m for m in partners if m not in parties]
    parties.sort(key=lambda m: m.start)
    place = _place(head, index)
    # "a ceasefire will be implemented in Idlib": an agreement is where what it is the subject or object of happens
    situating = verb if verb is not None or found.kind != EntityKind.AGREEMENT or head.dep_ not in (NSUBJ, *OBJECTS) \
        else head.head
    for node in [*clauses, *([situating] if situating is not None else [])]:
        place = place or _place(node, index)
    dated = _date(left) or _date(_date_tokens(head))
    for node in [*clauses, *([situating] if situating is not None else [])]:
        dated = dated or _date(_date_tokens(node))
    written = [t.i for t in left if not (t.dep_ in (DET, CASE) or t.text in POSSESSIVE or t.lower_ in PRONOUNS
                                         or _in_possessor(t, head))]
    phrase = found.name or head.text
    of = next((c for c in head.children if c.dep_ == PREP and c.lower_ in ("of", "on", "for") and c.i == head.i + 1), None)
    if of is not None and of.right_edge.i - head.i <= MAX_WORDS_OF and phrase.endswith(head.text):
        phrase += " " + doc[head.i + 1:of.right_edge.i + 1].text  # "treaty of friendship and cooperation"
    return Description(found, phrase, qualifiers, parties, in_phrase, place,
                       *(dated or (None, None)), min([found.start, *written]))


def _kind_word(token: Token, lexicon: Lexicon) -> bool:
    heads = lexicon.heads
    return any(form in heads["agreement_heads"] or form in heads["event_heads"]
               for form in (token.lower_, token.lemma_.lower()))


# --- things only a verb makes -----------------------------------------------------------------


def _at_named_event(verb: Token, index: MentionIndex) -> bool:
    """ "met on the sidelines of the summit", "met B at the summit": a meeting within one named already
    (wherever the parser hangs the "at")."""
    for prep in (t for t in verb.subtree if t.dep_ == PREP and t.lower_ in ("at", "during", "on")):
        for pobj in _objects_of(prep):
            inner = [pobj] + [p for c in pobj.children if c.dep_ == PREP for p in _objects_of(c)]
            if any(index.at(t) is not None and index.at(t).kind == EntityKind.EVENT for t in inner):
                return True
    return False


def _agreements_in(token: Token, index: MentionIndex) -> bool:
    return any(index.at(t) is not None and index.at(t).kind == EntityKind.AGREEMENT for t in token.subtree)


def _named_actors(tokens: list[Token], index: MentionIndex) -> list[Found]:
    """The actors ``tokens`` and their conjuncts name themselves: "received Putin and Erdogan", not
    "received Iran's proposal" (whose owner ``actors_of`` would give)."""
    found = [index.at(t) for token in tokens for t in conjuncts(token)]
    return [m for m in found if m is not None and m.kind in ACTOR_KINDS]


def verb_made(index: MentionIndex, ctx: Context) -> list[Description]:
    """ "A met B in Lisbon", "A and B met", "A received B": a meeting both attended; "A visited B": a
    visit to B both attended; "A and B agreed to open the border", "A agreed with B on a prisoner
    exchange": an agreement between them."""
    words = description_words()
    making = set(words["meeting_verbs"]) | set(words["agreeing_verbs"])
    conditions = set(ctx.lexicon.modality["conditional_marks"])
    made = []
    for verb in index.doc:
        lemma = verb.lemma_.lower()
        if lemma not in making or verb.pos_ != "VERB" or any(c.dep_ in (NSUBJPASS, AUXPASS) for c in verb.children):
            continue  # "the demands were met"
        if any(c.dep_ == ADVCL and any(m.dep_ == MARK and m.lower_ in conditions for m in c.children) for c in verb.children):
            continue  # "they would meet him if he gave them a veto": a condition, not an event
        phrase = None
        if lemma in words["meeting_verbs"]:
            if _at_named_event(verb, index):
                continue
            guests = _objects_of(verb, (DOBJ,))
            partners = _actors(guests + _preps(verb, ("with",)), index)
            kind, family = EntityKind.EVENT, words["meeting_verbs"][lemma]
            if lemma in words["guest_verbs"]:  # people visit, and are received or hosted
                visit = family == words["visit_family"]
                partners = [m for m in _named_actors(guests, index) if index.doc[m.end - 1].pos_ == "PROPN"]
                people = [m for m in (_makers(verb, ctx) if visit else partners) if m.kind == EntityKind.PERSON]
                if not people:
                    continue  # "a delegation will visit Moscow to hold talks": the talks are the event
                if visit and partners:  # "a visit to Russia", as the text names its host
                    phrase = f"{family} to {' and '.join(index.doc[m.start:m.end].text for m in partners)}"
        elif lemma in words["agreeing_verbs"]:
            complements = [c for c in verb.children if c.dep_ == XCOMP or (c.dep_ == PREP and c.lower_ in ("on", "to"))]
            if not complements or any(_agreements_in(c, index) for c in complements):
                continue  # "agreed that ...", "agreed with her": an opinion; "agreed to a truce": the truce
            partners = _actors(_preps(verb, ("with",)), index)
            kind, family = EntityKind.AGREEMENT, words["agreement_family"]
        else:
            continue
        parties = []
        for m in _makers(verb, ctx) + partners:
            if m.kind in ACTOR_KINDS and all(m.key != p.key for p in parties):
                parties.append(m)
        if len(parties) < 2:
            continue
        found = Found(verb.i, verb.i + 1, kind, MentionKey.named_by(kind, family, [f"{PROVISIONAL}{verb.i}"], local=True),
                      head=verb.i, parties=tuple(p.start for p in parties))
        dated = _date(_date_tokens(verb))
        made.append(Description(found, phrase or family, [], sorted(parties, key=lambda m: m.start), phrase is not None,
                                _place(verb, index), *(dated or (None, None))))
    return made


# --- names and descriptions of one thing ------------------------------------------------------

_NAMING_MATCHERS: dict[int, DependencyMatcher] = {}


def _naming_matcher(vocab) -> DependencyMatcher:
    """Patterns that say two phrases are one thing: "X is a Y", "X, a Y", "X, also known as Y",
    "a Y dubbed X"."""
    if id(vocab) not in _NAMING_MATCHERS:
        naming = description_words()["naming_verbs"]
        thing = {"POS": {"IN": ["NOUN", "PROPN"]}}
        matcher = DependencyMatcher(vocab)
        matcher.add("copula", [[
            {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "be"}},
            {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "one", "RIGHT_ATTRS": {"DEP": NSUBJ, **thing}},
            {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "other", "RIGHT_ATTRS": {"DEP": ATTR, **thing}}]])
        matcher.add("apposition", [[
            {"RIGHT_ID": "one", "RIGHT_ATTRS": thing},
            {"LEFT_ID": "one", "REL_OP": ">", "RIGHT_ID": "other", "RIGHT_ATTRS": {"DEP": APPOS, **thing}}]])
        named = {"LEMMA": {"IN": naming}, "DEP": {"IN": [ACL, RELCL, ADVCL]}}
        matcher.add("named", [[
            {"RIGHT_ID": "one", "RIGHT_ATTRS": thing},
            {"LEFT_ID": "one", "REL_OP": ">", "RIGHT_ID": "verb", "RIGHT_ATTRS": named},
            {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "other", "RIGHT_ATTRS": {"DEP": {"IN": [OPRD, ATTR, DOBJ]}, **thing}}],
            [{"RIGHT_ID": "one", "RIGHT_ATTRS": thing},
             {"LEFT_ID": "one", "REL_OP": ">", "RIGHT_ID": "verb", "RIGHT_ATTRS": named},
             {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "as", "RIGHT_ATTRS": {"DEP": PREP, "LOWER": "as"}},
             {"LEFT_ID": "as", "REL_OP": ">", "RIGHT_ID": "other", "RIGHT_ATTRS": {"DEP": POBJ, **thing}}]])
        # "the press dubbed the truce the Moscow truce", "the truce was dubbed ...", and the parser's
        # reading of "A truce, dubbed the Moscow truce, took effect" with "dubbed" as its verb
        matcher.add("naming", [[
            {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": naming}}},
            {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "one", "RIGHT_ATTRS": {"DEP": {"IN": [NSUBJ, NSUBJPASS, DOBJ]}, **thing}},
            {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "other", "RIGHT_ATTRS": {"DEP": {"IN": [OPRD, ATTR]}, **thing}}]])
        _NAMING_MATCHERS[id(vocab)] = matcher
    return _NAMING_MATCHERS[id(vocab)]


def _link_back(found: Found, index: MentionIndex) -> None:
    """A definite description ("the talks at the Ciragan Palace") is the latest thing of its kind
    said before it ("direct talks in Istanbul"), when there is one, with all that stands for it; its
    own words name the kind ("the 2026 summit" is no meeting), save "the agreement", any agreement."""
    generic = found.key.family == GENERIC_FAMILY and found.kind == EntityKind.AGREEMENT
    earlier = [m for m in index.mentions if m.kind == found.kind and not m.bare and m.start < found.start
               and m.key != found.key and (generic or m.key.family == found.key.family)]
    if earlier:
        own, theirs = found.key, max(earlier, key=lambda m: m.start).key
        for mention in index.mentions:
            if mention.key == own:
                mention.key = theirs
        found.anaphor = True


def _definite(head: Token) -> bool:
    """ "the talks", "their deal" may stand for one said before; "a deal" is a new one."""
    return any(c.dep_ in (DET, POSS) and c.lower_ not in ("a", "an", "another", "any", "some", "no")
               for c in head.children)


def _thing_at(token: Token, index: MentionIndex) -> Found | None:
    found = index.at(token)
    if found is None:  # a thing registered on its head only ("talks in Moscow")
        found = next((m for m in index.mentions if m.kind in THINGS and m.head == token.i), None)
    return found if found is not None and found.kind in THINGS else None


def link_names(index: MentionIndex, provisional: set[MentionKey]) -> None:
    """One key for a name and a description of one thing: the name's, else the first description's."""
    doc = index.doc
    matcher = _naming_matcher(doc.vocab)

    def rank(found: Found) -> tuple[int, int]:  # a name, then a description, then a bare head noun
        return (2 if found.bare else 1 if found.key in provisional else 0), found.start

    # Only a sentence that mentions two things may say one is the other.
    counted = Counter(doc[m.start].sent for m in index.mentions if m.kind in THINGS)
    sentences = sorted((sent for sent, count in counted.items() if count > 1), key=lambda sent: sent.start)
    matches = [(match_id, [sent.start + i for i in tokens]) for sent in sentences for match_id, tokens in matcher(sent)]
    for match_id, tokens in sorted(matches, key=lambda m: m[1]):
        one_at = 1 if doc.vocab.strings[match_id] in ("copula", "naming") else 0  # after the verb
        pair = [_thing_at(doc[tokens[one_at]], index), _thing_at(doc[tokens[-1]], index)]
        if None in pair or pair[0] is pair[1] or pair[0].kind != pair[1].kind or pair[0].key == pair[1].key:
            continue
        keeper, other = sorted(pair, key=rank)
        if keeper.bare:
            continue
        old = other.key
        for found in index.mentions:
            if found is other or (found.key == old and not found.bare and not other.bare):
                found.key = keeper.key
        other.anaphor, other.bare = other.anaphor or other.bare, False


# --- the linker ----------------------------------------------------------------------------------


def describe(index: MentionIndex, lexicon: Lexicon) -> None:
    """Give every unnamed agreement and event of the article its key and label (see the module)."""
    ctx = Context(index, lexicon, [])
    described: dict[int, Description] = {}
    provisional: set[MentionKey] = set()

    def promote(found: Found) -> None:
        found.key, found.bare = MentionKey.named_by(found.kind, found.key.family, [f"{PROVISIONAL}{found.head}"],
                                                    local=True), False
        provisional.add(found.key)

    later = []  # "the talks at the Ciragan Palace": first the talks said before, if any
    for found in list(index.mentions):
        if found.kind in THINGS and found.head >= 0 and not found.anaphor:
            description = describe_one(found, index, lexicon, ctx)
            if description is None:
                continue
            described[id(found)] = description
            # "a ceasefire in Idlib", "a peace deal", "talks between A and B"; not "a meeting with Maas"
            if len(description.parties) >= 2 or not found.bare or _situates(description):
                promote(found)
                if _definite(index.doc[found.head]) and not description.parties and not description.qualifiers:
                    later.append(found)  # "the agreement, signed in Sochi": the one said before, if any
    for description in verb_made(index, ctx):
        index.mentions.append(description.found)  # no token of its own: the verb is not its name
        described[id(description.found)] = description
        provisional.add(description.found.key)
    link_reached_agreements(index, lexicon)
    link_names(index, provisional)
    resolve_bare_references(index)
    for found in later:
        _link_back(found, index)
    for thing in _things(index, described, provisional):
        thing.name = thing.name or _named_soon_after(thing, index, provisional)
        thing.finish(index, lexicon)


def _things(index: MentionIndex, described: dict[int, Description], provisional: set[MentionKey]) -> list[Thing]:
    """Each thing with what its mentions say of it: the unnamed ones, and the named ones that a
    description stands for ("the Sochi deal ... the 2018 deal"), which "agreed in 2018" may join;
    things that agree are one."""
    chains: dict[MentionKey, list[Found]] = {}
    for found in sorted(index.mentions, key=lambda m: m.start):
        if found.key in provisional or (found.kind in THINGS and not found.bare and _says(described.get(id(found)))):
            chains.setdefault(found.key, []).append(found)
    things: list[Thing] = []
    for key, members in chains.items():
        for found in index.mentions if key not in provisional else ():
            if found.key == key and found not in members:
                members.append(found)
        thing = Thing(members, [described[id(m)] for m in members if id(m) in described],
                      None if key in provisional else key)
        same = next((t for t in reversed(things) if t.agrees_with(thing)), None)  # the latest one
        if same is None:
            things.append(thing)
        else:
            same.absorb(thing)
    return things


NAMING_SENTENCES = 3  # "A and B signed a joint declaration. The Washington Declaration ...": within this many


def _named_soon_after(thing: Thing, index: MentionIndex, provisional: set[MentionKey]) -> MentionKey | None:
    """The name of its kind that the next sentences give to a thing just introduced ("a joint
    declaration"), when they give one; not to one said to be known ("the framework he signed") or
    of a kind of its own ("de-escalation agreements")."""
    doc = index.doc
    first = min(thing.members, key=lambda m: m.start)
    if thing.qualifiers or (first.head >= 0 and _definite(doc[first.head])):
        return None
    sentence = doc[first.start].sent
    for _ in range(NAMING_SENTENCES - 1):
        sentence = doc[sentence.end].sent if sentence.end < len(doc) else sentence
    kind, family = thing.kind
    named = [f for f in index.mentions if f.kind == kind and f.key.family == family and not f.bare and not f.anaphor
             and f.key not in provisional and not f.key.described and first.start < f.start < sentence.end]
    return min(named, key=lambda f: f.start).key if named else None


def _situates(description: Description) -> bool:
    return description.place is not None or description.date is not None


def _says(description: Description | None) -> bool:
    return description is not None and bool(description.parties or description.place or description.date)


@dataclass
class Thing:
    """One unnamed agreement or event of an article: its mentions and all that they say of it."""

    members: list[Found]
    descriptions: list[Description]
    name: MentionKey | None = None  # the key of its proper name, when the article names it

    @property
    def first(self) -> Description:
        return next((d for d in self.descriptions if not d.found.anaphor), self.descriptions[0])

    @property
    def kind(self) -> tuple[EntityKind, str]:
        if self.name is not None:
            return self.members[0].kind, self.name.family
        return self.first.found.kind, self.first.found.key.family

    @property
    def parties(self) -> list[Found]:
        parties: list[Found] = []
        for description in self.descriptions:
            parties += [p for p in description.parties if all(p.key != q.key for q in parties)]
        return parties

    @property
    def place(self) -> str | None:
        return next((d.place for d in self.descriptions if d.place), None)

    @property
    def dated(self) -> tuple[str | None, str | None]:
        return next(((d.date, d.date_text) for d in self.descriptions if d.date), (None, None))

    @property
    def qualifiers(self) -> set[str]:
        return {q for d in self.descriptions if not d.found.anaphor for q in d.qualifiers}

    def agrees_with(self, other: Thing) -> bool:
        """Two descriptions in one article of one thing: the same kind, a place, date or party in
        common, and nothing that differs ("the ceasefire in Idlib, reached by Turkey and Russia" and
        "a ceasefire in Idlib"; "Turkey and Russia agreed in 2018 ..." and "the 2018 deal")."""
        if self.kind != other.kind or (self.name and other.name) or not self.descriptions or not other.descriptions:
            return False
        mine, theirs = {str(p.key) for p in self.parties}, {str(p.key) for p in other.parties}
        places = {fold(t.place) for t in (self, other) if t.place}
        dates = {t.dated[0] for t in (self, other) if t.dated[0]}
        qualifiers = [t.qualifiers for t in (self, other) if t.qualifiers]
        if len(places) > 1 or len(dates) > 1 or (len(qualifiers) == 2 and not qualifiers[0] & qualifiers[1]):
            return False
        if (len(mine) > 1 and len(theirs) > 1 and mine != theirs) or (mine and theirs and not (mine <= theirs or theirs <= mine)):
            return False  # "A and B" are not "A, B and C"; "the agreement with B" may be A's with B
        return bool(self.place and other.place) or bool(self.dated[0] and other.dated[0]) or bool(mine & theirs)

    def absorb(self, other: Thing) -> None:
        self.members += other.members
        self.descriptions += other.descriptions
        self.name = self.name or other.name

    def finish(self, index: MentionIndex, lexicon: Lexicon) -> None:
        """The key and label of the thing from all that its article says of it."""
        first, parties, place = self.first, self.parties, self.place
        date, date_text = self.dated
        date = date or _month(index.date)
        party_words = sorted({_party_word(p, lexicon) for p in parties})
        words = sorted(set(party_words) | self.qualifiers)
        kind, family = self.kind
        place_word = (lexicon.country_of(place) or fold(place).replace(" ", "-")) if place else None
        said = set(words) | ({place_word} if place_word else set())
        # "a declaration of principles in Qatar" in the article of "the Doha declaration": the one name its
        # place and qualifiers fit (names seldom hold parties)
        what = self.qualifiers | ({place_word} if place_word else set())
        names = sorted({f.key for f in index.mentions if f.kind == kind and f.key.family == family and not f.bare
                        and not f.key.described and what and what <= set(f.key.words)}, key=lambda k: (len(k.words), str(k)))
        if names and any(not set(names[0].words) <= set(k.words) for k in names):
            names = []  # names of different things ("Doha declaration", "Doha talks on Gaza" nest; others do not)
        named = self.name is not None or bool(names)
        if named:
            key = self.name or names[0]
        elif len(party_words) >= 2 and date:
            key = MentionKey.named_by(kind, family, words, date=date)
        else:
            key = MentionKey.named_by(kind, family, sorted(said) or [fold(first.phrase).replace(" ", "-")], local=True)
        # A thing of its own is labelled by what the article says of it; a named one by its names.
        label = None if named else _label(first, parties, place, date_text, index, lexicon)
        starts = {id(d.found): d.start for d in self.descriptions}
        saying = {id(d.found) for d in self.descriptions if d.parties or d.place or d.date}
        for found in self.members:
            found.key, found.bare = key, False
            found.anaphor = found.anaphor and id(found) not in saying  # "the 2018 deal" describes it too
            if found.anaphor or id(found) not in starts:
                continue  # a name keeps its own
            if found.text_span is None:  # the phrase as written: another name of it ("the 2018 deal")
                written = starts[id(found)]
                found.text_span = (min(found.start, written) if written >= 0 else found.start, found.end)
            start, end = found.text_span
            found.name = label or index.doc[start:end].text


def _month(date: str | None) -> str | None:
    """An article's date as descriptions are dated: its year and month."""
    return date[:7] if date else None


def _party_word(party: Found, lexicon: Lexicon) -> str:
    """A party as a description's key spells it: a state by its code, a person by the surname."""
    key = party.key
    if key.namespace == Namespace.COUNTRY:
        return key.code
    if key.namespace == Namespace.ROLE:
        return f"{key.code}-{fold(key.role).replace(' ', '-')}"
    if key.namespace == Namespace.PERSON:
        return fold(key.name).split(" ")[-1] if key.name else "person"
    return fold(key.last_field).replace(" ", "-") or "party"


def _party_name(party: Found, index: MentionIndex, lexicon: Lexicon, written: bool = False) -> str:
    """A party as a label names it: a state by its name, anything else (or everything, ``written``)
    as the text writes it."""
    if not written and party.key.namespace == Namespace.COUNTRY and party.key.code in lexicon.countries:
        return lexicon.countries[party.key.code].name
    start, end = party.text_span or (party.start, party.end)
    return index.doc[start:end].text


def _label(first: Description, parties: list[Found], place: str | None, date_text: str | None,
           index: MentionIndex, lexicon: Lexicon) -> str:
    """The phrase as written, and what tells the thing apart when the phrase does not: an event by
    its place ("meeting in Lisbon"), an agreement by its parties ("ceasefire between Chile and
    Peru"), then by the other, then by its date ("deal (2018)")."""
    label = first.phrase
    if first.parties_in_phrase or any(_party_name(p, index, lexicon, written=True) in label for p in parties) \
            or (place and place in label):
        return label  # "Israel-Hamas truce", "talks in Doha", "Washington peace agreement"
    states = [p for p in parties if p.kind != EntityKind.PERSON]
    states = states if len(states) > 1 else parties  # signatories stand for their states
    names = list(dict.fromkeys(_party_name(p, index, lexicon) for p in states))
    between = f" between {', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else ""
    at = f" in {place}" if place else ""
    for part in ((at, between) if first.found.kind == EntityKind.EVENT else (between, at)):
        if part:  # before a place the phrase gives: "ceasefire between A and B in the north"
            cut = label.find(" in ") if " in " in label else len(label)
            return label[:cut] + part + label[cut:]
    return f"{label} ({date_text})" if date_text and date_text not in label else label


# --- relations ---------------------------------------------------------------------------------


class DescribedRelations:
    """Who met, who agreed, when only a verb says so ("A met B", "A and B agreed to ..."), who made an
    unnamed one with a verb the trigger words do not hold ("A and B initialed a treaty"), and who
    takes part in "talks involving A, B and C": each party attended the event or agreed the agreement."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.words = description_words()
        self.participant_verbs = set(self.words["participant_verbs"])

    def __call__(self, doc: Doc, index: MentionIndex) -> Iterator[Candidate]:
        ctx = Context(index, self.lexicon, [])
        for found in index.mentions:
            if found.kind not in THINGS or found.head < 0 or found.bare:
                continue
            head = doc[found.head]
            relation = RELATION_OF[found.kind]
            if found.parties and head.pos_ == "VERB" and found.start == head.i:
                parties = [index.at(doc[i]) for i in found.parties]
                yield from self._pairs([p for p in parties if p is not None], relation, found, head)
                continue
            verb = _governor(head, self.words, found.kind) if found.key.described and not found.anaphor else None
            if verb is not None and found.kind == EntityKind.EVENT and any(c.dep_ == AUX and c.lower_ == "to"
                                                                         for c in verb.children):
                verb = None  # "agreed to hold talks": talks to come, not attended
            if verb is not None:
                makers = _makers(verb, ctx) + _actors(_preps(verb, ("with", "between", "among")), index)
                yield from self._pairs(makers, relation, found, verb)
            for clause in (c for c in head.children if c.dep_ == ACL and c.lemma_.lower() in self.participant_verbs):
                yield from self._pairs(_actors(_objects_of(clause, (DOBJ,)), index), relation, found, clause)

    @staticmethod
    def _pairs(parties: list[Found], relation: RelationType, thing: Found, trigger: Token) -> Iterator[Candidate]:
        for party in parties:
            if joins(relation, party.kind, thing.kind):
                yield Candidate(party, relation, thing, trigger)
