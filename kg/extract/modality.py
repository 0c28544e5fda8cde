"""How a sentence states a relation: as fact, as someone's words, as intention, as denied; or not at all.

A denial ("Moscow denied arming the rebels") or a negation ("Hungary did not back the sanctions")
is kept, in ``Mode.DENIED``: an analyst wants to see who denies what. Its speaker is the subject
of a denial verb ("Moscow" denied), else the speaker of the speech verb above it ("..., Turkey
said"), else none. What is only hypothetical or wished, and an accusation (read elsewhere as the
accuser opposing the accused), is not stated at all.

Works on the dependency path from the trigger word up to the sentence root,
with cue words from ``ontology/lexicon/modality.json``.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.model import Mode

VERB_TAGS = ("VERB", "AUX")
NEGATED_VERB_DEPS = ("xcomp", "ccomp", "pcomp")  # "denied arming", "denied that ... armed", "refrained from backing"


@dataclass(frozen=True)
class Modality:
    asserted: bool  # False when hypothetical, only wished, an accusation, or a denial that is itself negated
    mode: Mode  # Mode.DENIED for what the sentence denies or negates
    speaker: Token | None = None  # who says it (Mode.REPORTED) or denies it (Mode.DENIED), when named
    future: bool = False  # what is stated is to come ("will attend"), whoever says it: dates read forward


def _forms(token: Token) -> set[str]:
    """The lemma and the word itself: the small model's lemmatizer slips ("hopes" -> "hop")."""
    word = token.lower_
    forms = {token.lemma_.lower(), word}
    for suffix in ("s", "es", "ed", "d"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.add(word[: -len(suffix)])
    return forms


def _path_up(token: Token):
    """The trigger and its ancestors, stopping at the sentence root."""
    current = token
    while True:
        yield current
        if current.head.i == current.i:
            return
        current = current.head


def _negated(token: Token, cues: dict) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    if any(c.lower_ in cues["negating_determiners"] and c.dep_ in ("det", "neg", "advmod") for c in token.children):
        return True
    return False


def modality(trigger: Token, lexicon: Lexicon, local: bool = False) -> Modality:
    """Judge the trigger in its sentence; ``local``: only the trigger's own negation counts.

    >>> from kg.lexicon import load_lexicon
    >>> lexicon = load_lexicon()
    >>> doc = nlp("Russia has shown no sign of backing away from the offensive.")
    >>> modality(doc[6], lexicon)  # "backing", under "no sign": not said, nor denied
    Modality(asserted=False, mode=<Mode.FACT: 'Fact'>, speaker=None, future=False)
    >>> modality(nlp("Hungary did not back the sanctions.")[3], lexicon)
    Modality(asserted=True, mode=<Mode.DENIED: 'Denied'>, speaker=None, future=False)
    >>> modality(nlp("Russia backs Syria, Turkey said.")[1], lexicon)
    Modality(asserted=True, mode=<Mode.REPORTED: 'ReportedSpeech'>, speaker=Turkey, future=False)
    >>> modality(nlp("Moscow denied arming the rebels.")[2], lexicon)
    Modality(asserted=True, mode=<Mode.DENIED: 'Denied'>, speaker=Moscow, future=False)
    """
    cues = lexicon.modality
    mode, speaker = Mode.FACT, None
    denied = False
    previous = None
    below: list[Token] = []  # the path from the trigger up to the node
    for depth, node in enumerate(_path_up(trigger)):
        forms = _forms(node)
        if not (local and depth > 0) and _negated(node, cues):
            # "has not backed" denies the relation; "did not deny backing", "will not allow them
            # to attack", "has not joined ... and held talks" neither state nor deny it.
            if depth > 0 or denied:
                return Modality(False, mode)
            denied = True
        # "denied supporting", "refused to back": the trigger sits under a negating verb.
        if depth > 0 and not local and forms & set(cues["negating_verbs"]) and node.pos_ in VERB_TAGS:
            if denied or not _negated_clause(below):
                return Modality(False, mode)
            denied = True
            if forms & set(cues["denial_verbs"]):  # "Moscow denied arming ...": Moscow says it does not
                return Modality(True, Mode.DENIED, _denier(node), mode is Mode.FUTURE)
        # "if we could do this with their support": inside the condition, not the consequence.
        if any(c.dep_ == "mark" and c.lower_ in cues["conditional_marks"] for c in node.children) and node.dep_ == "advcl":
            return Modality(False, mode)
        if depth > 0 and not local and forms & set(cues["wish_verbs"] + cues["wish_adjectives"]) and previous is not None \
                and previous.dep_ in ("xcomp", "ccomp", "advcl", "acomp", "prep", "pcomp"):
            return Modality(False, mode)
        if mode == Mode.FACT and _future(node, cues, depth):
            mode = Mode.FUTURE
        if depth > 0 and forms & set(cues["attribution_verbs"]) and previous is not None \
                and previous.dep_ in ("prep", "pcomp"):
            # "Sudan accused the UAE of arming the RSF": one side's charge, which the other side
            # usually denies; the accusation itself is read as the accuser opposing the accused.
            return Modality(False, Mode.REPORTED)
        if depth > 0 and speaker is None and forms & set(cues["speech_verbs"]) and previous is not None \
                and previous.dep_ in ("ccomp", "xcomp", "parataxis", "conj", "advcl") :
            return Modality(True, Mode.DENIED if denied else Mode.REPORTED, _subject(node), mode is Mode.FUTURE)
        previous = node
        below.append(node)
    reported = Mode.DENIED if denied else Mode.REPORTED
    according = _according_to(trigger)
    if according is not None:
        return Modality(True, reported, according, mode is Mode.FUTURE)
    # Quoted speech whose speaker verb follows: '"...," Erdogan said.'
    root = trigger.sent.root
    if _forms(root) & set(cues["speech_verbs"]) and trigger.i != root.i and trigger.i < root.i:
        subject = next((c for c in root.children if c.dep_ in ("nsubj",)), None)
        if subject is not None and subject.i > trigger.i:
            return Modality(True, reported, subject, mode is Mode.FUTURE)
    return Modality(True, Mode.DENIED if denied else mode, None, mode is Mode.FUTURE)


def _negated_clause(below: list[Token]) -> bool:
    """Whether a negating verb above ``below`` (the path up to it from the trigger) negates the
    trigger's clause: through a verb it governs ("denied arming", "refused to back", "refrained
    from backing", "denied that Russia armed"), a claim whose content clause holds the trigger
    ("rejected claims that it backs"), or the trigger itself ("rejected the agreement"); not
    through a coordination ("denies X and accuses Y": the accusation stands) nor any other object
    ("rejected the demand to sever ties")."""
    if any(token.dep_ == "conj" for token in below):
        return False
    content = [token for token in below if token.dep_ != "prep"]
    if not content:
        return False
    top = content[-1]
    if top.pos_ in VERB_TAGS:
        return top.dep_ in NEGATED_VERB_DEPS
    if top.dep_ != "dobj":
        return False
    return len(content) == 1 or (content[-2].dep_ == "acl" and any(c.dep_ == "mark" for c in content[-2].children))


def _subject(verb: Token) -> Token | None:
    """The subject of a verb of saying or denying: who speaks."""
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _denier(verb: Token) -> Token | None:
    """Who denies: the subject of the denial verb, or of the verb it is coordinated with ("X
    backs Y and denied arming Z")."""
    subject = _subject(verb)
    while subject is None and verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
        subject = _subject(verb)
    return subject


def _future(node: Token, cues: dict, depth: int) -> bool:
    if any(c.dep_ in ("aux",) and c.lower_ in cues["future_aux"] for c in node.children):
        return True
    if depth > 0 and (_forms(node) & set(cues["intent_verbs"]) or node.lower_ in cues["intent_adjectives"]):
        return True
    return any(c.dep_ == "acomp" and c.lower_ in cues["intent_adjectives"] for c in node.children) and depth > 0


def _according_to(trigger: Token) -> Token | None:
    """The X of "according to X" in the trigger's sentence."""
    for token in trigger.sent:
        if token.lower_ != "according":
            continue
        preps = [c for c in token.children if c.dep_ == "prep"]
        if token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to":
            preps.append(token.doc[token.i + 1])
        for prep in preps:
            for pobj in prep.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None
