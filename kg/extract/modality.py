"""How a sentence states a relation: as fact, as someone's words, as intention; or not at all.

Works on the dependency path from the trigger word up to the sentence root,
with cue words from ``ontology/lexicon/modality.json``.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.lexicon import Lexicon
from kg.model import Mode


@dataclass(frozen=True)
class Modality:
    asserted: bool  # False when negated, denied, hypothetical or only wished
    mode: Mode
    speaker: Token | None = None


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
    >>> modality(doc[6], lexicon)  # "backing", under "no sign"
    Modality(asserted=False, mode=<Mode.FACT: 'Fact'>, speaker=None)
    >>> modality(nlp("Russia backs Syria, Turkey said.")[1], lexicon)
    Modality(asserted=True, mode=<Mode.REPORTED: 'ReportedSpeech'>, speaker=Turkey)
    """
    cues = lexicon.modality
    mode, speaker = Mode.FACT, None
    previous = None
    for depth, node in enumerate(_path_up(trigger)):
        lemma = node.lemma_.lower()
        forms = _forms(node)
        if local and depth > 0:
            pass
        elif _negated(node, cues):
            return Modality(False, mode)
        # "denied supporting", "refused to back": the trigger sits under a negating verb.
        if depth > 0 and not local and forms & set(cues["negating_verbs"]) and node.pos_ in ("VERB", "AUX"):
            return Modality(False, mode)
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
            subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None:
                return Modality(True, Mode.REPORTED, subject)
            return Modality(True, Mode.REPORTED, None)
        previous = node
    according = _according_to(trigger)
    if according is not None:
        return Modality(True, Mode.REPORTED, according)
    # Quoted speech whose speaker verb follows: '"...," Erdogan said.'
    root = trigger.sent.root
    if _forms(root) & set(cues["speech_verbs"]) and trigger.i != root.i and trigger.i < root.i:
        subject = next((c for c in root.children if c.dep_ in ("nsubj",)), None)
        if subject is not None and subject.i > trigger.i:
            return Modality(True, Mode.REPORTED, subject)
    return Modality(True, mode)


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
