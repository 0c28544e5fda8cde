"""From a syntactic argument (a token) to the mentions it stands for.

"Russia and Iran" gives two; "Syrian attacks" gives Syria (the doer of the
attacks); "Bashar al-Assad's forces" gives Assad's state; "he" gives the last
person named; "its agreements" gives the clause's subject.
"""
from __future__ import annotations

from spacy.tokens import Token

from kg.extract.mentions import POSSESSIVE, Found, MentionIndex
from kg.mention_key import Namespace
from kg.model import EntityKind

PERSONAL = {"he", "she", "him", "her", "his"}
COLLECTIVE = {"its", "their", "it", "they", "them"}
SPEAKERS = {"he", "she", "they", "we"}  # in someone's reported words, these are the speaker(s)
GROUP_ANAPHORS = {"group", "movement", "militia", "organisation", "organization", "rebels", "militants", "bloc"}
OWNERSHIP = {"held", "controlled", "run", "occupied", "owned", "administered", "seized", "led", "dominated"}
# Nouns whose modifier names who owns or does them: "Syrian attacks", "regime targets", "Assad's advances".
AGENTIVE = {"attack", "attacks", "offensive", "strike", "strikes", "airstrike", "airstrikes", "advance", "advances",
            "campaign", "operation", "operations", "target", "targets", "position", "positions", "post", "posts",
            "base", "bases", "plane", "planes", "jet", "jets", "drone", "drones", "convoy", "shelling",
            "bombardment", "assault", "support", "backing", "aggression", "brutality", "massacres", "massacre",
            "violations", "fighters", "units", "forces", "troops", "soldiers", "army", "militia", "aircraft",
            "missiles", "missile", "rockets", "artillery", "warplanes", "government", "regime", "administration",
            "delegation", "leadership", "side", "camp", "allies", "facilities", "facility", "infrastructure",
            "territory", "embassy", "interests", "installations", "airbase",
            "airbases", "outposts", "outpost", "headquarters", "fleet", "tanks", "lines", "strongholds", "stronghold",
            "sites", "site", "assets", "officers", "commanders", "personnel", "warships",
            # members and spokespeople speak and act for their group: "Hamas officials", "the ELN rebels"
            "rebels", "militants", "militia", "militias", "insurgents", "jihadists", "separatists", "guerrillas",
            "members", "leaders", "officials", "spokesman", "spokeswoman", "spokesperson", "negotiators",
            "envoys", "diplomats", "representatives", "delegates",
            # what an actor does or holds: "condemned North Korea's missile launch", "backed Kenya's bid"
            "launch", "launches", "test", "tests", "program", "programme", "actions", "action", "policies",
            "policy", "decision", "annexation", "occupation", "invasion", "crackdown", "role", "presence",
            "involvement", "interference", "meddling", "behaviour", "behavior", "conduct", "moves", "move",
            "provocations", "provocation", "threats", "rhetoric", "bid", "proposal", "plan", "candidacy",
            "membership", "efforts", "effort", "position", "stance", "claims", "demands", "war", "aggression",
            "operatives", "operative", "cells", "cell", "cadres", "network", "hideouts", "hideout", "camps", "camp",
            "vehicles", "vehicle", "control", "defenses", "defences", "troop", "army", "navy",
            "cities", "towns", "ports", "airports", "airfields", "refineries", "team", "group", "movement",
            "faction", "negotiators", "government", "forces"}


PLACES_OWNED = {"airbases", "airbase", "bases", "base", "cities", "towns", "ports", "airports", "airfields",
                "refineries", "facilities", "infrastructure", "positions", "targets", "territory"}


def conjuncts(token: Token) -> list[Token]:
    """The token and everything coordinated with it ("A, B and C"); the parser sometimes reads
    "A, B and C" as A with B in apposition, so a proper-noun apposition counts too."""
    seen, out = {token.i}, [token]
    queue = [token]
    while queue:
        current = queue.pop()
        linked = list(current.conjuncts) + [c for c in current.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
        for other in linked:
            if other.i not in seen:
                seen.add(other.i)
                out.append(other)
                queue.append(other)
    return sorted(out, key=lambda t: t.i)


def actors_of(token: Token, index: MentionIndex, kinds: set[EntityKind] | None = None,
              coordinated: bool = True) -> list[Found]:
    """Every mention the argument ``token`` stands for, through coordination unless told not to."""
    found: list[Found] = []
    for item in conjuncts(token) if coordinated else [token]:
        for mention in _actor_of_one(item, index):
            if (kinds is None or mention.kind in kinds) and mention not in found:
                found.append(mention)
    return found


def _actor_of_one(token: Token, index: MentionIndex) -> list[Found]:
    mention = index.at(token)
    if mention is not None:
        if mention.kind == EntityKind.COUNTRY and mention.name is None and _counted_people(token):
            return []  # "killed more than 46,000 Palestinians": people, not their state
        return [mention]
    lower = token.lower_
    if lower in SPEAKERS and token.dep_ in ("nsubj", "nsubjpass"):
        speakers = _speakers_of(token, index)
        if speakers:
            return speakers  # "Starmer, Macron and Merz said they continued to support Ukraine"
    if lower in PERSONAL:
        person = last_person(index, token)
        return [person] if person else []
    if lower == "they" and token.dep_ in ("nsubj", "nsubjpass"):
        return last_plural_subject(index, token)  # "Starmer, Macron and Merz met. They said ..."
    if lower in GROUP_ANAPHORS and token.pos_ == "NOUN" and _bare_definite(token):
        group = last_of_kinds(index, token, (EntityKind.ARMED_GROUP,))
        return [group] if group else []  # "the group has also launched missiles at Israel"
    if lower in COLLECTIVE and token.dep_ == "poss":
        subject = clause_subject(token, index)
        if subject is None or subject.kind == EntityKind.PERSON:
            subject = last_collective(index, token) or subject  # "Guterres urged Israel to halt its offensive"
        return [subject] if subject else []
    if lower in ("who", "which", "that") and token.head.dep_ == "relcl":
        return actors_of(token.head.head, index)  # "Russia and China, which have sided with Tehran"
    # "Houthi-held ports", "Hamas-led militants", "Russian-occupied territory": the holder's.
    for child in token.children:
        if child.lower_ in OWNERSHIP and child.i >= 2 and token.doc[child.i - 1].text == "-":
            holder = index.at(token.doc[child.i - 2])
            if holder is not None and holder.kind.is_actor and not _names_itself(token, index):
                return [holder]
    if token.pos_ in ("NOUN", "PROPN") and (token.lower_ in AGENTIVE or token.lemma_.lower() in AGENTIVE):
        owners = []
        for child in token.children:
            if child.dep_ in ("poss", "amod", "compound", "nmod"):
                owners.extend(m for m in _actor_of_one(child, index) if m.kind != EntityKind.AGREEMENT and m.kind != EntityKind.EVENT)
            if child.dep_ == "prep" and child.lower_ in ("of", "by", "from"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        owners.extend(actors_of(pobj, index))
        if not owners:  # "four airbases deep inside Russia": a state's assets on its own soil
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ in ("in", "inside") and token.lower_ in PLACES_OWNED:
                    owners.extend(m for p in child.children if p.dep_ == "pobj" for m in _actor_of_one(p, index)
                                  if m.kind == EntityKind.COUNTRY)
        if owners:
            return owners
    # "our ally Turkey", "its neighbour Rwanda", "El Fasher, the army's last stronghold": the apposition.
    if token.pos_ in ("NOUN", "PROPN"):
        for child in token.children:
            if child.dep_ == "appos":
                named = _actor_of_one(child, index)
                if named:
                    return named
        following = index.at(token.doc[token.i + 1]) if token.i + 1 < len(token.doc) else None
        if following is not None and following.kind.is_actor and token.doc[token.i + 1].head.i in (token.i, token.i + 1):
            return [following]
    # "the Syrian regime's planes": a possessive chain.
    if token.dep_ == "case" or token.text in POSSESSIVE:
        return _actor_of_one(token.head, index)
    return []


def _counted_people(token: Token) -> bool:
    """ "46,000 Palestinians", "thousands of Sudanese": a demonym counted is a number of people."""
    if token.tag_ not in ("NNS", "NNPS"):
        return False
    if any(c.dep_ in ("nummod", "quantmod") or c.like_num for c in token.children):
        return True
    return token.dep_ == "pobj" and token.head.lower_ == "of" and (token.head.head.like_num or
                                                                   token.head.head.lower_ in ("thousands", "hundreds", "millions", "dozens"))


def _names_itself(token: Token, index: MentionIndex) -> bool:
    return any(index.at(c) is not None for c in token.children if c.dep_ in ("compound", "amod") and c.lower_ not in OWNERSHIP)


def _bare_definite(token: Token) -> bool:
    children = [c for c in token.children if c.i < token.i]
    return bool(children) and all(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in children)


def _speakers_of(token: Token, index: MentionIndex) -> list[Found]:
    """The subject of the speech verb whose reported clause ``token`` is in."""
    node, previous = token.head, token
    while node.i != node.head.i and previous.dep_ not in ("ccomp",):
        previous, node = node, node.head
    if previous.dep_ != "ccomp" and not (node.i == node.head.i and previous is not token):
        return []
    if previous.dep_ != "ccomp":
        return []
    while not any(c.dep_ == "nsubj" for c in node.children) and node.dep_ == "conj":
        node = node.head  # "Starmer, Macron and Merz met and said they ..."
    subjects = [c for c in node.children if c.dep_ == "nsubj" and c.lower_ not in SPEAKERS]
    return [m for s in subjects for m in actors_of(s, index)]


def last_plural_subject(index: MentionIndex, before: Token) -> list[Found]:
    """The last coordinated subject ("A, B and C ...") in this sentence or the one before."""
    doc = before.doc
    sentence = before.sent
    previous = doc[sentence.start - 1].sent if sentence.start > 0 else None
    for span in (doc[sentence.start:before.i], previous):
        if span is None:
            continue
        for token in reversed(list(span)):
            if token.dep_ in ("nsubj", "nsubjpass") and len(conjuncts(token)) > 1:
                found = actors_of(token, index)
                if len(found) >= 2:
                    return found
    return []


def last_of_kinds(index: MentionIndex, before: Token, kinds: tuple[EntityKind, ...]) -> Found | None:
    best = None
    for mention in index.mentions:
        if mention.kind in kinds and mention.end <= before.i and (best is None or mention.start > best.start):
            best = mention
    return best


def last_person(index: MentionIndex, before: Token) -> Found | None:
    """The most recent person named before ``before`` (pronoun resolution by recency)."""
    best = None
    for mention in index.mentions:
        if mention.kind == EntityKind.PERSON and mention.end <= before.i and mention.key.namespace != Namespace.ROLE \
                and (best is None or mention.start > best.start):
            best = mention
    return best


def last_collective(index: MentionIndex, before: Token) -> Found | None:
    """The nearest state, organisation or group named earlier in the same sentence."""
    best = None
    for mention in index.mentions:
        if mention.kind in (EntityKind.COUNTRY, EntityKind.ORGANIZATION, EntityKind.ARMED_GROUP) \
                and before.sent.start <= mention.start and mention.end <= before.i \
                and (best is None or mention.start > best.start):
            best = mention
    return best


def clause_subject(token: Token, index: MentionIndex) -> Found | None:
    """The actor that is the subject of the clause ``token`` sits in ("Turkey ... its agreements")."""
    node = token
    while True:
        for child in node.children:
            # The subject that contains the pronoun cannot be what it refers to ("its forces attacked").
            if child.dep_ in ("nsubj", "nsubjpass") and not (child.left_edge.i <= token.i <= child.right_edge.i):
                subjects = _actor_of_one(child, index)
                if subjects:
                    return subjects[0]
        if node.head.i == node.i:
            return None
        node = node.head
