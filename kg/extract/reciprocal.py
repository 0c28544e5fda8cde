"""Relations that hold both ways: wars and clashes, alliances.

"war/fighting/clashes between A and B", "the Iran-Iraq war", "A's war with B", "fighting broke out
between A and B", "A and B are at war", "a conflict pitting A against B": A opposes B and B opposes
A; "a conflict between A and C on one side and D on the other": each side opposes the other, not
its own. "an alliance between A and B", "A and B formed an alliance", "A's alliance with B": each
backs the other. (A truce between A and B, which both agreed, is an agreement: see
``kg.extract.descriptions`` and the agreement family of ``kg.extract.relations``.)

A verb says it only when it is reciprocal itself with the two as its plural subject and nothing
else to fight ("A and B clashed", "A and B exchanged fire"), or the text says they fought each other
("A and B fought each other", "fought a war"): "A and B fought" may be on one side, fighting C, and
a wrong side in a war is worse than a gap. A conflict that is feared, risked or avoided, or that
only would be, is none. Words are data in ``ontology/lexicon/reciprocal.json``; patterns are spaCy
``DependencyMatcher`` patterns over the labels below.

>>> from kg.extract.mentions import find_mentions
>>> from kg.lexicon import load_lexicon
>>> from kg.nlp import parse_text
>>> doc = parse_text(nlp, "Fighting broke out between Armenia and Azerbaijan. Russia and Iran fought in Syria.")
>>> found = ReciprocalRelations(nlp.vocab, load_lexicon())(doc, find_mentions(doc, load_lexicon()))
>>> sorted((str(c.subject.key), c.relation.value, str(c.object.key)) for c in found)
[('country:ARM', 'opposes', 'country:AZE'), ('country:AZE', 'opposes', 'country:ARM')]
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from itertools import permutations

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token

from kg.extract.arguments import actors_of, conjuncts
from kg.extract.descriptions import hyphen_pair
from kg.extract.mentions import Found, MentionIndex
from kg.extract.relations import Candidate, Context, verb_subjects
from kg.lexicon import Lexicon
from kg.model import RelationType
from kg.namespaces import ontology_dir
from kg.schema import ACTOR_KINDS, joins

# Dependency labels (ClearNLP, as spaCy's English pipelines write them).
NSUBJ, NSUBJPASS, DOBJ, ATTR, POSS, PREP, POBJ = "nsubj", "nsubjpass", "dobj", "attr", "poss", "prep", "pobj"
COMPOUND, AMOD, NMOD, AUX, ADVMOD, NPADVMOD = "compound", "amod", "nmod", "aux", "advmod", "npadvmod"
PAIR_MODIFIERS = (COMPOUND, AMOD, NMOD)  # "Iran-Iraq war", "Armenian-Azerbaijani clashes"
PLURAL = 2  # a reciprocal verb or an unmarked "between" relates exactly two: "A, B and C clashed" may be any pairs
FORMER = {"former", "defunct", "old", "past", "previous", "erstwhile"}


@lru_cache(maxsize=1)
def reciprocal_words() -> dict:
    """``ontology/lexicon/reciprocal.json``: the words of reciprocal and symmetric relations."""
    return json.loads((ontology_dir() / "lexicon" / "reciprocal.json").read_text(encoding="utf-8"))


def _forms(words) -> list[str]:
    return sorted(set(words))


def _mutual_nouns(lexicon: Lexicon) -> dict[str, RelationType]:
    """The relationship nouns that are mutual ("allies", "rivals"), not one-sided ("backer", "proxy")."""
    nouns = lexicon.triggers["relationship_nouns"]
    return {n: RelationType(nouns[n]) for n in reciprocal_words()["mutual_nouns"] if n in nouns}


def _patterns(lexicon: Lexicon) -> dict[str, list[list[dict]]]:
    """Name -> DependencyMatcher patterns; each names the tokens its handler reads."""
    words = reciprocal_words()
    nouns = _forms(words["conflict_nouns"] + words["alliance_nouns"])
    noun = [{"RIGHT_ID": "noun", "RIGHT_ATTRS": {attr: {"IN": nouns}}} for attr in ("LEMMA",)]
    between = {"DEP": PREP, "LOWER": {"IN": ["between", "among"]}}
    verbs = _forms(lexicon.triggers["reciprocal_verbs"] + words["self_reciprocal_verbs"] + words["exchange_verbs"])
    return {
        # "war between A and B", "an alliance among A, B and C"
        "between": [[n, {"LEFT_ID": "noun", "REL_OP": ">", "RIGHT_ID": "prep", "RIGHT_ATTRS": between}] for n in noun],
        # "fighting broke out between A and B"
        "between_verb": [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"POS": {"IN": ["VERB", "AUX"]}}},
                          {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "noun",
                           "RIGHT_ATTRS": {"DEP": {"IN": [NSUBJ, NSUBJPASS]}, **n["RIGHT_ATTRS"]}},
                          {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "prep", "RIGHT_ATTRS": between}]
                         for n in noun],
        # "the Iran-Iraq war", "the Russia-Iran alliance"
        "paired": [[n, {"LEFT_ID": "noun", "REL_OP": ">", "RIGHT_ID": "modifier",
                        "RIGHT_ATTRS": {"DEP": {"IN": list(PAIR_MODIFIERS)}}}] for n in noun],
        # "Russia's war with Ukraine", "Iran's alliance with Syria"
        "possessed": [[n, {"LEFT_ID": "noun", "REL_OP": ">", "RIGHT_ID": "owner", "RIGHT_ATTRS": {"DEP": POSS}},
                       {"LEFT_ID": "noun", "REL_OP": ">", "RIGHT_ID": "prep",
                        "RIGHT_ATTRS": {"DEP": PREP, "LOWER": {"IN": ["with", "against"]}}}] for n in noun],
        # "A and B clashed", "A and B fought each other", "A and B exchanged fire"
        "plural": [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": verbs}, "POS": "VERB"}}]],
        # "A and B went to war", "A is at war with B"
        "at_war": [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"POS": {"IN": ["VERB", "AUX"]}}},
                    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "prep",
                     "RIGHT_ATTRS": {"DEP": PREP, "LOWER": {"IN": words["conflict_preps"]}}},
                    {"LEFT_ID": "prep", "REL_OP": ">", "RIGHT_ID": "noun",
                     "RIGHT_ATTRS": {"DEP": POBJ, "LOWER": {"IN": _forms(words["conflict_nouns"])}}}]],
        # "a conflict pitting A against B"
        "pitting": [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": words["pitting_verbs"]}}},
                     {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "one", "RIGHT_ATTRS": {"DEP": DOBJ}},
                     {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "prep",
                      "RIGHT_ATTRS": {"DEP": PREP, "LOWER": "against"}}]],
        # "A and B are allies", "A and B became bitter rivals"
        "mutual": [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": words["copulas"]}}},
                    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "noun",
                     "RIGHT_ATTRS": {"DEP": ATTR, "LEMMA": {"IN": _forms(_mutual_nouns(lexicon))}}}]],
        # "A and B formed an alliance", "A forged an alliance with B"
        "formed": [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": words["alliance_verbs"]}}},
                    {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "noun",
                     "RIGHT_ATTRS": {"DEP": DOBJ, "LEMMA": {"IN": words["alliance_nouns"]}}}]],
    }


class ReciprocalRelations:
    """Finds the relations that hold both ways in a document: ``(doc, index) -> Candidates``."""

    def __init__(self, vocab, lexicon: Lexicon):
        self.lexicon = lexicon
        self.words = words = reciprocal_words()
        self.conflicts = set(words["conflict_nouns"])
        self.alliances = set(words["alliance_nouns"])
        self.self_reciprocal = set(words["self_reciprocal_verbs"])
        self.exchanges = set(words["exchange_verbs"])
        self.mutual = _mutual_nouns(lexicon)
        self.matcher = DependencyMatcher(vocab)
        self.handlers = {}
        for name, patterns in _patterns(lexicon).items():
            self.matcher.add(name, patterns)
            self.handlers[name] = getattr(self, f"_{name}")
        self.sides = Matcher(vocab)
        for side, phrases in words["side_markers"].items():
            self.sides.add(side, [[{"LOWER": w} for w in phrase] for phrase in phrases])
        # Every pattern holds one of these words (lemma or word): sentences without any are not matched.
        self.anchors = frozenset(vocab.strings.add(w) for w in (
            words["conflict_nouns"] + words["alliance_nouns"] + list(self.mutual) + lexicon.triggers["reciprocal_verbs"]
            + words["self_reciprocal_verbs"] + words["exchange_verbs"] + words["pitting_verbs"]))

    def __call__(self, doc: Doc, index: MentionIndex) -> Iterator[Candidate]:
        ctx = Context(index, self.lexicon, [])
        markers = [(doc.vocab.strings[m], s, e) for m, s, e in self.sides(doc)] if "side" in doc.text else []
        seen = set()
        for sentence in doc.sents:
            if not any(t.lemma in self.anchors or t.lower in self.anchors for t in sentence):
                continue
            for match_id, tokens in sorted(self.matcher(sentence), key=lambda m: m[1]):
                name, at = doc.vocab.strings[match_id], tuple(sentence.start + i for i in tokens)
                if (name, at) in seen:
                    continue  # matched on the lemma and on the word
                seen.add((name, at))
                yield from self.handlers[name](*(doc[i] for i in at), ctx=ctx, markers=markers)

    # --- nouns ------------------------------------------------------------------------------

    def _relation(self, noun: Token) -> RelationType | None:
        """What ``noun`` relates, unless the text says it is not so ("to avoid a war", "their former
        alliance", "ended the alliance")."""
        forms = {noun.lemma_.lower(), noun.lower_}
        if self._averted(noun):
            return None
        if forms & self.conflicts:
            return RelationType.OPPOSES
        if forms & self.alliances:
            former = any(c.dep_ == AMOD and c.lower_ in FORMER for c in noun.children)
            ended = noun.head.lemma_.lower() in self.words["ending_verbs"] and noun.dep_ in (DOBJ, NSUBJ, NSUBJPASS, POBJ)
            return None if former or ended else RelationType.BACKS
        return None

    def _averted(self, token: Token) -> bool:
        """ "to avoid a war between A and B", "the risk of war", "a war would be a catastrophe"."""
        averting = set(self.words["averting_words"])
        node = token
        for _ in range(4):  # up to the clause that says it
            if node.lemma_.lower() in averting or node.lower_ in averting:
                return True
            if any(c.dep_ == AUX and c.lower_ in self.words["modal_words"] for c in node.children):
                return True
            if node.head.i == node.i or node.pos_ in ("VERB", "AUX") and node is not token:
                break
            node = node.head
        return False

    def _between(self, noun: Token, prep: Token, ctx: Context, markers) -> Iterator[Candidate]:
        relation = self._relation(noun)
        if relation is not None:
            yield from self._among(prep, relation, noun, ctx, markers)

    def _between_verb(self, verb: Token, noun: Token, prep: Token, ctx: Context, markers) -> Iterator[Candidate]:
        relation = self._relation(noun)
        if relation is not None:
            yield from self._among(prep, relation, noun, ctx, markers)

    def _among(self, prep: Token, relation: RelationType, trigger: Token, ctx: Context, markers) -> Iterator[Candidate]:
        """The parties of "between A and B": two of them, or two sides ("A and C on one side and D on
        the other"), or, for an alliance, all of them."""
        sides = self._sides(prep, ctx.index, markers)
        if sides:
            yield from _across(*sides, relation, trigger)
            return
        parties = _distinct(m for p in prep.children if p.dep_ == POBJ for m in _coordinated(p, ctx.index))
        if len(parties) == PLURAL or (relation == RelationType.BACKS and len(parties) > PLURAL):
            yield from _each_other(parties, relation, trigger)

    def _sides(self, prep: Token, index: MentionIndex, markers) -> tuple[list[Found], list[Found]] | None:
        """The two sides of "between A and C on one side and D on the other (side)"."""
        end = prep.sent.end
        first = next(((s, e) for name, s, e in markers if name == "first" and prep.i < s < end), None)
        if first is None:
            return None
        second = next((s for name, s, e in markers if name == "second" and first[1] <= s < end), end)
        one = _actors_in(prep.doc[prep.i + 1:first[0]], index)
        other = _actors_in(prep.doc[first[1]:second], index)
        return (one, other) if one and other else None

    def _paired(self, noun: Token, modifier: Token, ctx: Context, markers) -> Iterator[Candidate]:
        """ "the Iran-Iraq war": two actors joined by a hyphen in the noun's modifiers."""
        if modifier.i != min(c.i for c in noun.children if c.dep_ in PAIR_MODIFIERS):
            return  # once per noun
        relation = self._relation(noun)
        paired = [t for c in noun.children if c.dep_ in PAIR_MODIFIERS and c.i < noun.i for t in c.subtree
                  if hyphen_pair(t) and not _stance(t)]
        parties = _distinct(m for t in paired for m in [ctx.index.at(t)] if m is not None and m.kind in ACTOR_KINDS)
        if relation is not None and len(parties) == PLURAL:
            yield from _each_other(parties, relation, noun)

    def _possessed(self, noun: Token, owner: Token, prep: Token, ctx: Context, markers) -> Iterator[Candidate]:
        """ "Russia's war with Ukraine", "Iran's alliance with Syria": the two, both ways."""
        relation = self._relation(noun)
        if relation is None or (relation == RelationType.BACKS and prep.lower_ != "with"):
            return
        if owner.pos_ == "PRON":
            return  # "X backs the Y government in its fight against Z": whose, the parse does not say
        owners = _distinct(m for m in _coordinated(owner, ctx.index) if m.kind in ACTOR_KINDS)
        others = _distinct(m for p in prep.children if p.dep_ == POBJ for m in _coordinated(p, ctx.index)
                           if m.kind in ACTOR_KINDS)
        yield from _across(owners, others, relation, noun)

    # --- verbs ------------------------------------------------------------------------------

    def _plural(self, verb: Token, ctx: Context, markers) -> Iterator[Candidate]:
        """ "A and B clashed", "A and B exchanged fire", "A and B fought each other": the two, both ways."""
        if self._same_side(verb) or self._averted(verb) \
                or any(c.dep_ == PREP and c.lower_ in ("with", "against") for c in verb.children):
            return  # "A and B fought alongside C", "A and B clashed with C", "A and B could clash"
        lemma = verb.lemma_.lower()
        objects = [c for c in verb.children if c.dep_ == DOBJ]
        if lemma in self.exchanges:
            said = any(o.lemma_.lower() in self.words["hostile_objects"] or o.lower_ in self.words["hostile_objects"]
                       for o in objects)
        elif lemma in self.self_reciprocal:
            said = not objects or self._marked(verb)
        else:  # "fight", "battle": only when the text says with whom
            said = self._marked(verb) or any(o.lemma_.lower() in self.conflicts and not _against(o) for o in objects)
        if not said:
            return
        parties = self._plural_subject(verb, ctx)
        if len(parties) == PLURAL:
            yield from _each_other(parties, RelationType.OPPOSES, verb)

    @staticmethod
    def _plural_subject(verb: Token, ctx: Context) -> list[Found]:
        """ "A and B", "A and B continued to", and "Armenian and Azerbaijani forces" (one noun, two owners)."""
        owners = [ctx.index.at(t) for s in verb.children if s.dep_ == NSUBJ
                  for c in s.children if c.dep_ in PAIR_MODIFIERS and c.i < s.i for t in conjuncts(c)]
        found = [*verb_subjects(verb, ctx), *(m for m in owners if m is not None)]
        return _distinct(m for m in found if m.kind in ACTOR_KINDS)

    def _mutual(self, verb: Token, noun: Token, ctx: Context, markers) -> Iterator[Candidate]:
        """ "A and B are allies", "A and B became bitter rivals": each to the other; "A is an ally of B"
        and "A and B are allies of C" are read by the relationship-noun family."""
        if any(c.dep_ == POSS or (c.dep_ == PREP and c.lower_ in ("of", "to")) for c in noun.children) \
                or self._averted(verb) or noun.tag_ not in ("NNS", "NNPS"):
            return
        parties = self._plural_subject(verb, ctx)
        if len(parties) == PLURAL:
            yield from _each_other(parties, self.mutual[noun.lemma_.lower()], noun)

    def _marked(self, verb: Token) -> bool:
        """ "each other", "one another", "among themselves" on the verb."""
        text = " ".join(t.lower_ for c in verb.children if c.dep_ in (DOBJ, NPADVMOD, ADVMOD, PREP) for t in c.subtree)
        return any(marker in text for marker in self.words["reciprocal_markers"])

    def _same_side(self, verb: Token) -> bool:
        same = set(self.words["same_side_words"])
        return any(c.lower_ in same for c in verb.children if c.dep_ in (PREP, ADVMOD)) or \
            any(c.lower_ == "side" and any(g.lower_ == "by" for g in c.children) for c in verb.children)

    def _at_war(self, verb: Token, prep: Token, noun: Token, ctx: Context, markers) -> Iterator[Candidate]:
        """ "A and B went to war", "A is at war with B"."""
        if self._averted(verb) or self._same_side(verb):
            return
        subjects = _distinct(m for m in verb_subjects(verb, ctx) if m.kind in ACTOR_KINDS)
        partners = [p for c in (*verb.children, *noun.children) if c.dep_ == PREP and c.lower_ in ("with", "against")
                    for p in c.children if p.dep_ == POBJ]
        others = _distinct(m for p in partners for m in _coordinated(p, ctx.index) if m.kind in ACTOR_KINDS)
        if others:
            yield from _across(subjects, others, RelationType.OPPOSES, noun)
        elif len(subjects) == PLURAL:
            yield from _each_other(subjects, RelationType.OPPOSES, noun)

    def _pitting(self, verb: Token, one: Token, prep: Token, ctx: Context, markers) -> Iterator[Candidate]:
        """ "a conflict pitting A against B": A's side and B's, both ways."""
        if self._averted(verb):
            return
        ones = _distinct(m for m in _coordinated(one, ctx.index) if m.kind in ACTOR_KINDS)
        others = _distinct(m for p in prep.children if p.dep_ == POBJ for m in _coordinated(p, ctx.index)
                           if m.kind in ACTOR_KINDS)
        yield from _across(ones, others, RelationType.OPPOSES, verb)

    def _formed(self, verb: Token, noun: Token, ctx: Context, markers) -> Iterator[Candidate]:
        """ "A and B formed an alliance", "A forged an alliance with B" (against C: both oppose C)."""
        if self._relation(noun) != RelationType.BACKS:
            return
        partners = [p for c in (*verb.children, *noun.children) if c.dep_ == PREP and c.lower_ == "with"
                    for p in c.children if p.dep_ == POBJ]
        members = _distinct([*verb_subjects(verb, ctx), *(m for p in partners for m in _coordinated(p, ctx.index))])
        members = [m for m in members if m.kind in ACTOR_KINDS]
        if len(members) >= PLURAL:
            yield from _each_other(members, RelationType.BACKS, noun)
        foes = _distinct(m for c in noun.children if c.dep_ == PREP and c.lower_ == "against"
                         for p in c.children if p.dep_ == POBJ for m in _coordinated(p, ctx.index) if m.kind in ACTOR_KINDS)
        for member in members:
            yield from _pairs([member], RelationType.OPPOSES, foes, noun)


# --- helpers -------------------------------------------------------------------------------------


def _coordinated(token: Token, index: MentionIndex) -> list[Found]:
    """The actors ``token`` and the words coordinated with it stand for: "A and B", not an apposition
    ("... against Ansar Dine, Wei Haikara said")."""
    return [m for t in (token, *token.conjuncts) for m in actors_of(t, index, coordinated=False)]


def _distinct(mentions) -> list[Found]:
    """Mentions of different things, in order."""
    found: list[Found] = []
    for mention in mentions:
        if all(mention.key != other.key for other in found):
            found.append(mention)
    return found


def _actors_in(span: Span, index: MentionIndex) -> list[Found]:
    return _distinct(m for t in span for m in [index.at(t)] if m is not None and m.kind in ACTOR_KINDS)


def _pairs(subjects: list[Found], relation: RelationType, objects: list[Found], trigger: Token) -> Iterator[Candidate]:
    for subject in subjects:
        for obj in objects:
            if subject.key != obj.key and joins(relation, subject.kind, obj.kind):
                yield Candidate(subject, relation, obj, trigger)


def _each_other(parties: list[Found], relation: RelationType, trigger: Token) -> Iterator[Candidate]:
    for one, other in permutations(parties, 2):
        yield from _pairs([one], relation, [other], trigger)


def _across(ones: list[Found], others: list[Found], relation: RelationType, trigger: Token) -> Iterator[Candidate]:
    """Each of one side with each of the other, both ways; never within a side."""
    others = [o for o in others if all(o.key != one.key for one in ones)]
    yield from _pairs(ones, relation, others, trigger)
    yield from _pairs(others, relation, ones, trigger)


def _against(token: Token) -> bool:
    """ "fought a war against C": the war is with C, not between the subjects."""
    return any(c.dep_ == PREP and c.lower_ in ("against", "on", "with") for c in token.children)


def _stance(token: Token) -> bool:
    """ "pro-Russian", "anti-government": a stance, not a party."""
    doc = token.doc
    return token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ in ("pro", "anti")

