"""Relations between mentions, found from trigger words and the dependency parse.

Trigger words come from ``ontology/lexicon/triggers.json``, extended by the event coders' verbs
of ``cameo_verbs.tsv`` and ``cameo_objects.tsv`` (``TriggerWords``), and are matched with spaCy's
``PhraseMatcher``s, one per token attribute; each family (``build_triggers``) names its handler.
A handler returns ``Candidate``s; ``kg.extract.extract`` then applies modality
(negation, denial, wishes, speech, future) and type constraints to every one of them alike.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from kg.extract.arguments import actors_of, conjuncts
from kg.extract.mentions import Found, MentionIndex
from kg.lexicon import EventObject, EventVerb, Lexicon
from kg.mention_key import MentionKey
from kg.model import EntityKind, RelationType
from kg.schema import ACTOR_KINDS as ACTORS
from kg.schema import joins

SUBJECTS = ("nsubj",)
SIDELINES = {"sidelines", "sideline", "margins", "margin", "fringes"}


@dataclass(frozen=True)
class Candidate:
    subject: Found
    relation: RelationType
    object: Found
    trigger: Token  # the word whose modality decides whether the relation is asserted
    local: bool = False  # a noun with its own doer ("the EU's sanctions"): a negation above it is not its own


@dataclass(frozen=True)
class TriggerWords:
    """The verbs that state a relation: ``triggers.json`` first, then the event coders' rows of
    ``cameo_verbs.tsv`` and ``cameo_objects.tsv`` wherever ``triggers.json`` says nothing.

    >>> from kg.lexicon import load_lexicon
    >>> words = trigger_words(load_lexicon())
    >>> words.verbs["reject"], words.verbs["back"], "turn" in words.stance_verbs
    ('opposes', 'backs', True)
    >>> words.severance[("recall", "ambassador")]
    ('opposes', '')
    """

    verbs: dict[str, str]  # lemma -> relation ("verb" family)
    particles_required: dict[str, frozenset[str]]  # the verb is a trigger only with one of these
    particles_excluded: dict[str, frozenset[str]]  # ... and never with one of these ("back down")
    prep_verbs: dict[str, dict[str, str]]  # lemma -> preposition -> relation
    stance_verbs: frozenset[str]  # the owner of what they reject or praise is the other party
    stance_nouns: frozenset[str]  # ... when the object is one of these ("Y's proposal")
    giving_verbs: frozenset[str]  # "X sent weapons to Y": Y is backed ...
    giving_nouns: frozenset[str]  # ... when what is sent is one of these
    severance: dict[tuple[str, str], tuple[str, str]]  # (verb, object) -> (relation, particle): "cut ties"
    warnings: frozenset[tuple[str, str]]  # (verb, threat): "warned Y of consequences"


def trigger_words(lexicon: Lexicon) -> TriggerWords:
    """Merge the hand-curated trigger words with the event coders' (see ``TriggerWords``)."""
    t = lexicon.triggers
    verbs = dict(t["verbs"])
    required = {lemma: set(words) for lemma, words in t["verb_particles_required"].items()}
    excluded = {lemma: set(words) for lemma, words in t["verb_particles_excluded"].items()}
    preps = {lemma: dict(by_prep) for lemma, by_prep in t["prep_verbs"].items()}
    kept = [row for row in lexicon.event_verbs if row.relation != "none"]
    for row in kept:
        if row.family in ("verb", "stance") and not row.particle and not row.preposition:
            verbs.setdefault(row.lemma, row.relation)
    for row in kept:
        if row.family in ("verb", "stance") and row.particle:
            _add_particle_verb(row, verbs, required)
        if row.family == "prep":
            preps.setdefault(row.lemma, {}).setdefault(row.preposition, row.relation)
    for row in lexicon.event_verbs:
        if row.family == "particle" and row.lemma in verbs and row.lemma not in required:
            excluded.setdefault(row.lemma, set()).add(row.particle)
    objects = lexicon.event_objects
    return TriggerWords(
        verbs=verbs,
        particles_required={lemma: frozenset(words) for lemma, words in required.items()},
        particles_excluded={lemma: frozenset(words) for lemma, words in excluded.items()},
        prep_verbs=preps,
        stance_verbs=frozenset(t["stance_verbs"]) | {r.lemma for r in kept if r.family == "stance"},
        stance_nouns=frozenset(t["stance_nouns"]) | _nouns(objects, "stance"),
        giving_verbs=frozenset(r.lemma for r in kept if r.family == "giving"),
        giving_nouns=frozenset(t["giving_nouns"]) | _nouns(objects, "giving"),
        severance={(r.verb, r.noun): (r.relation, r.particle) for r in objects if r.family == "severance"},
        warnings=frozenset((r.verb, r.noun) for r in objects if r.family == "warning"),
    )


def _add_particle_verb(row: EventVerb, verbs: dict[str, str], required: dict[str, set[str]]) -> None:
    """ "rule out": "rule" becomes a trigger that needs "out"; a verb that is a trigger alone needs nothing."""
    if row.lemma not in verbs:
        verbs[row.lemma] = row.relation
        required[row.lemma] = {row.particle}
    elif row.lemma in required and verbs[row.lemma] == row.relation:
        required[row.lemma].add(row.particle)


def _nouns(objects: tuple[EventObject, ...], family: str) -> frozenset[str]:
    return frozenset(row.noun for row in objects if row.family == family and row.verb == "*")


@dataclass
class Context:
    """What a handler may consult: the document's mentions, the lexicon and its trigger words, and
    what came before."""

    index: MentionIndex
    lexicon: Lexicon
    encounters: list[tuple[int, list[Found]]]  # (sentence start, participants) of meetings seen so far
    words: TriggerWords | None = None  # the trigger families' words; other families read arguments only


def _pairs(subjects: list[Found], relation: RelationType, objects: list[Found], trigger: Token,
           local: bool = False) -> Iterator[Candidate]:
    for s in subjects:
        for o in objects:
            if joins(relation, s.kind, o.kind) and o.key != s.key:
                yield Candidate(s, relation, o, trigger, local)


# --- arguments of a verb -----------------------------------------------------------------


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _agents(verb: Token) -> list[Token]:
    return [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]


def verb_subjects(verb: Token, ctx: Context) -> list[Found]:
    """Who does what ``verb`` says, following control ("determined to stop"), coordination and
    relative clauses; an appeal ("called on NATO to stop X") keeps the caller as subject."""
    node, steps = verb, 0
    while steps < 6:
        steps += 1
        if _is_passive(node):
            tokens = _agents(node)
            if not tokens and steps > 1:
                # "Turkey is determined to stop X": the passive subject controls the infinitive.
                tokens = [c for c in node.children if c.dep_ == "nsubjpass" and c.pos_ in ("PROPN", "NOUN", "PRON")]
        else:
            tokens = [c for c in node.children if c.dep_ in SUBJECTS]
        # "Turkey was determined": the parser sometimes hangs the subject on the auxiliary.
        tokens += [g for c in node.children if c.dep_ in ("aux", "auxpass") for g in c.children if g.dep_ in SUBJECTS]
        if tokens:
            found = [m for t in tokens for m in actors_of(t, ctx.index)]
            return found
        if node.dep_ == "xcomp" and node.head.lemma_.lower() in ctx.lexicon.triggers["object_control_verbs"]:
            controllers = [c for c in node.head.children if c.dep_ == "dobj"]
            if controllers:  # "the coalition is assisting the Iraqi government to destroy ISIL"
                return [m for t in controllers for m in actors_of(t, ctx.index)]
        if node.dep_ == "acl" and node.head.pos_ == "NOUN" and any(c.dep_ == "poss" for c in node.head.children):
            # "the U.S. reaffirms its commitment to support X", "Russia's decision to back Y"
            return [m for c in node.head.children if c.dep_ == "poss" for m in actors_of(c, ctx.index)]
        if node.dep_ in ("acl", "relcl") and node.tag_ == "VBG":
            return actors_of(node.head, ctx.index)  # "rebels seeking to expel X"
        if node.dep_ == "relcl":
            return actors_of(node.head, ctx.index)
        if node.dep_ in ("xcomp", "conj", "advcl", "ccomp") and node.head.pos_ in ("VERB", "AUX", "ADJ"):
            if node.dep_ == "advcl" and node.tag_ == "VBN":
                return []  # a passive participle: "Supported by X, Y ..." has no subject of its own
            node = node.head
            continue
        if node.dep_ == "acl" and node.head.lower_ == "order" and node.head.head.dep_ == "prep":
            node = node.head.head.head  # "in order to stop": the purpose of the verb before
            continue
        if node.dep_ == "pcomp" and node.head.head.lemma_.lower() in ctx.lexicon.modality["attribution_verbs"]:
            accused = [c for c in node.head.head.children if c.dep_ == "dobj"]
            if accused:
                return [m for t in accused for m in actors_of(t, ctx.index)]
        if node.dep_ == "pcomp" or (node.dep_ == "pobj" and node.head.dep_ == "prep"):
            node = node.head.head if node.dep_ == "pobj" else node.head.head
            continue
        if node.dep_ in ("acomp",) and node.head.pos_ in ("VERB", "AUX"):
            node = node.head
            continue
        return []
    return []


def verb_objects(verb: Token, ctx: Context, preps: dict[str, str] | None = None) -> list[Found]:
    """What ``verb`` acts on: its object, a passive subject, the noun a participle modifies."""
    tokens: list[Token] = []
    if _is_passive(verb):
        tokens += [c for c in verb.children if c.dep_ == "nsubjpass"]
    tokens += [c for c in verb.children if c.dep_ in ("dobj", "attr", "dative")]
    for child in verb.children:
        if child.dep_ == "prep" and preps and child.lower_ in preps:
            tokens += [p for p in child.children if p.dep_ == "pobj"]
        if child.dep_ == "dobj" and preps:  # "severed diplomatic ties with Ukraine"
            tokens += [p for c in child.children if c.dep_ == "prep" and c.lower_ in preps
                       for p in c.children if p.dep_ == "pobj"]
        if child.dep_ == "prt":
            tokens += [p for p in child.children if p.dep_ == "pobj"]
    if verb.dep_ in ("acl", "amod") and verb.tag_ == "VBN":
        tokens.append(verb.head)  # "forces backed by Russia", "rebels upheld by Turkey"
    if not tokens and verb.dep_ == "advcl" and verb.tag_ == "VBN":
        tokens += [c for c in verb.head.children if c.dep_ in SUBJECTS]  # "Supported by X, Y forces ..."
    return [m for t in tokens for m in actors_of(t, ctx.index)]


def _participle_subjects(verb: Token, ctx: Context) -> list[Found]:
    """The doer for participles: "forces backed by Russia" -> Russia; "Turkey has upheld rebels" mis-parsed as amod."""
    if verb.dep_ in ("acl", "amod", "advcl") and verb.tag_ == "VBN":
        own = [c for c in verb.children if c.dep_ == "nsubj"]
        if own:
            return [m for t in own for m in actors_of(t, ctx.index)]
        return [m for t in _agents(verb) for m in actors_of(t, ctx.index)]
    return verb_subjects(verb, ctx)


# --- handlers ------------------------------------------------------------------------------


def handle_verb(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "X backs Y", "Y, backed by X", "X and Z back Y", "X called on Y to withdraw"; for a stance
    verb, also the owner of what it is about: "X rejected Y's proposal", "X praised the Y plan". """
    words = ctx.words
    lemma = token.lemma_.lower()
    if token.pos_ != "VERB" and not any(c.dep_ in ("nsubj", "dobj") for c in token.children):
        return  # "back" as an adverb, "support" as a noun: only when the parser still made it a predicate
    particles = {c.lower_ for c in token.children if c.dep_ in ("prt", "advmod")}
    if particles & words.particles_excluded.get(lemma, frozenset()):
        return
    required = words.particles_required.get(lemma)
    if required and not particles & required:
        return
    relation = RelationType(words.verbs[lemma])
    if lemma in ctx.lexicon.triggers["agreement_reach_verbs"] and _has_agreement_object(token, ctx):
        relation = RelationType.AGREED  # "struck a deal" is not a strike
    if relation in (RelationType.AGREED, RelationType.ATTENDED):
        yield from _handle_agreeing_or_attending(token, relation, ctx)
        return
    preps = words.prep_verbs.get(lemma, {})
    subjects = _participle_subjects(token, ctx)
    objects = verb_objects(token, ctx, {p: r for p, r in preps.items() if r == relation.value})
    if lemma in ctx.lexicon.triggers["appeal_verbs"]:
        return
    if not objects and lemma in words.stance_verbs:
        objects = [m for noun in _object_heads(token) for item in conjuncts(noun)
                   if item.lemma_.lower() in words.stance_nouns or item.lower_ in words.stance_nouns
                   for m in owners_of(item, ctx)]
    yield from _pairs(subjects, relation, objects, token)


def _object_heads(verb: Token) -> list[Token]:
    """The nouns ``verb`` acts on: its object, its passive subject, the noun a participle modifies."""
    heads = [c for c in verb.children if c.dep_ in (("nsubjpass",) if _is_passive(verb) else ("dobj",))]
    if verb.dep_ in ("acl", "amod") and verb.tag_ == "VBN":
        heads.append(verb.head)  # "a proposal rejected by X"
    return heads


def owners_of(noun: Token, ctx: Context) -> list[Found]:
    """The actors whose ``noun`` is: "Y's proposal", "the Senegalese plan", "a U.S. offer", "calls by Y",
    "demands from Y". Not "the killing of Y": an of-phrase as often names who undergoes the thing."""
    found: list[Found] = []
    for child in noun.children:
        if child.dep_ == "poss" or (child.dep_ in ("amod", "compound", "nmod") and ctx.index.at(child)):
            found += actors_of(child, ctx.index, coordinated=False)
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            found += [m for p in child.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
    return [m for m in found if m.kind in ACTORS]


def _has_agreement_object(verb: Token, ctx: Context) -> bool:
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            mention = ctx.index.at(child)
            if mention is not None and mention.kind == EntityKind.AGREEMENT:
                return True
    return False


def handle_prep_verb(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "X sided with Y", "X clashed with Y", "X took part in E"; "X is allied with Y", "X is opposed to
    Y's plan": a passive with no doer states where its subject stands. """
    lemma = token.lemma_.lower()
    preps = ctx.words.prep_verbs[lemma]
    attached = list(token.children) + [c for d in token.children if d.dep_ == "dobj" for c in d.children]
    for child in attached:  # "cut ties with X" hangs "with" on the object
        if child.dep_ != "prep" or child.lower_ not in preps:
            continue
        relation = RelationType(preps[child.lower_])
        objects = [m for p in child.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
        if relation == RelationType.ATTENDED:
            objects += [m for p in child.children if p.dep_ == "pobj" for m in _events_in(p, ctx)]
        if not objects and lemma in ctx.words.stance_verbs:
            objects = [m for p in child.children if p.dep_ == "pobj" for item in conjuncts(p)
                       if item.lemma_.lower() in ctx.words.stance_nouns for m in owners_of(item, ctx)]
        subjects = verb_subjects(token, ctx)
        if not subjects and _is_passive(token) and not _agents(token):
            subjects = [m for c in token.children if c.dep_ == "nsubjpass" for m in actors_of(c, ctx.index)]
        yield from _pairs(subjects, relation, objects, token)


def _events_in(token: Token, ctx: Context) -> list[Found]:
    mention = ctx.index.at(token)
    if mention and mention.kind == EntityKind.EVENT:
        return [mention]
    # "participation in the meeting of ...", "the final round of talks": look one step down.
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "of", "at"):
            for pobj in child.children:
                inner = ctx.index.at(pobj)
                if pobj.dep_ == "pobj" and inner and inner.kind == EntityKind.EVENT:
                    return [inner]
    return []


def _agreements_under(token: Token, ctx: Context) -> list[Found]:
    found = []
    for t in token.subtree:
        mention = ctx.index.at(t)
        if mention and mention.kind == EntityKind.AGREEMENT and not mention.bare and mention not in found:
            found.append(mention)
    return found


def _handle_agreeing_or_attending(token: Token, relation: RelationType, ctx: Context) -> Iterator[Candidate]:
    """ "X signed Y", "Y was signed by X", "X agreed with Z that a ceasefire ...", "X attended E",
    "E was attended by A, B and C". """
    subjects = _participle_subjects(token, ctx)
    partners = [m for c in token.children if c.dep_ == "prep" and c.lower_ == "with"
                for p in c.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
    things: list[Found] = []
    if _is_passive(token):
        heads = [c for c in token.children if c.dep_ == "nsubjpass"]
    else:
        heads = [c for c in token.children if c.dep_ in ("dobj", "attr")]
    if token.dep_ in ("acl", "amod") and token.tag_ == "VBN":
        heads.append(token.head)
    if token.dep_ == "relcl" and not heads:
        heads.append(token.head)  # "the framework he signed with Grossi"
    for head in heads:
        if head.lower_ in ("that", "which") and token.dep_ == "relcl":
            head = token.head  # "the agreement that was signed by A and B"
        for item in conjuncts(head):
            mention = ctx.index.at(item)
            if mention and mention.kind in (EntityKind.AGREEMENT, EntityKind.EVENT):
                things.append(mention)
            elif relation == RelationType.ATTENDED:
                things += _events_in(item, ctx)
    if relation == RelationType.AGREED and not things:
        for child in token.children:
            if child.dep_ in ("ccomp", "xcomp") or (child.dep_ == "prep" and child.lower_ in ("on", "to")):
                things += _agreements_under(child, ctx)
    if _is_passive(token) or token.tag_ == "VBN":
        # "attended by A, Defense Minister B and a Ukrainian team led by C": titles and participles
        # break the parser's coordination, so take every actor named from "by" to the clause's end.
        for agent in (c for c in token.children if c.dep_ == "agent"):
            subjects += [m for m in _listed_actors(agent, ctx) if m not in subjects]
        for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("between", "among")):
            subjects += [m for p in prep.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
    if relation == RelationType.AGREED and partners and not subjects:
        return
    # The object decides: "joined the talks" is attending, "joined the accord" is agreeing.
    for thing in things:
        kind_relation = RelationType.ATTENDED if thing.kind == EntityKind.EVENT else RelationType.AGREED
        yield from _pairs(subjects + partners, kind_relation, [thing], token)


def _listed_actors(agent: Token, ctx: Context) -> list[Found]:
    """Actors named in a list that starts at ``agent`` ("by"), up to a new clause."""
    found: list[Found] = []
    for t in agent.doc[agent.i + 1:agent.sent.end]:
        if t.text in (";", ":") or t.lower_ in ("who", "which", "while", "whereas") \
                or (t.pos_ in ("VERB", "AUX") and t.tag_ not in ("VBN", "VBG")) \
                or (t.dep_ == "prep" and t.lower_ in ("in", "at", "on", "during", "after", "before", "since")):
            break
        mention = ctx.index.at(t)
        if mention is None or mention.kind not in ACTORS or mention in found:
            continue
        if mention.kind == EntityKind.COUNTRY and _qualifies_a_person(t, ctx):
            continue
        if mention.kind == EntityKind.PERSON and _patron_in_title(t, ctx):
            continue  # "Steve Witkoff, the envoy of Donald Trump": Trump is not on the list
        found.append(mention)
    return found


def _patron_in_title(token: Token, ctx: Context) -> bool:
    """ "envoy of Donald Trump", "adviser to Ali Khamenei" name whom the listed person serves; but in
    "Envoy to Libya Emrullah Isler" the parser hangs the listed person himself on "to"."""
    person = ctx.index.at(token)
    head = person and token.doc[person.start].head
    node = token if token.dep_ == "pobj" else head
    if node is None or node.dep_ != "pobj" or node.head.lower_ not in ("of", "to"):
        return False
    between = token.doc[node.head.i + 1:person.start]
    return not any(ctx.index.at(t) is not None and ctx.index.at(t).kind == EntityKind.COUNTRY for t in between)


def _qualifies_a_person(token: Token, ctx: Context) -> bool:
    """ "Egypt's intelligence chief Hassan Rashad", "Turkish Envoy to Libya Emrullah Isler": the country is part of
    the person's title, up to the next comma or "and"."""
    for t in token.doc[token.i + 1:token.sent.end]:
        if t.text == "," or t.dep_ == "cc":
            return False
        mention = ctx.index.at(t)
        if mention is not None and mention.kind == EntityKind.PERSON:
            return True
    return False


def handle_hyphen_participle(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "Russia-backed forces", "Iranian-backed militias", "Russia-led Syrian forces". """
    doc = token.doc
    if token.i < 2 or doc[token.i - 1].text != "-" or doc[token.i - 1].whitespace_ or doc[token.i - 2].whitespace_:
        return
    backer = ctx.index.at(doc[token.i - 2])
    if backer is None:
        return
    relation = RelationType(ctx.lexicon.triggers["hyphen_participles"][token.lower_])
    target = token.head if token.head.i > token.i else None
    if target is None:
        nxt = [t for t in doc[token.i + 1:token.i + 5] if t.pos_ in ("NOUN", "PROPN")]
        target = nxt[0] if nxt else None
    if target is None:
        return
    objects = actors_of(target, ctx.index, coordinated=False)
    yield from _pairs([backer], relation, objects, token)


def handle_noun(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "Russia's support for the regime", "attacks by X on Y", "X's offensive against Y". """
    triggers = ctx.lexicon.triggers
    relation = RelationType(triggers["nouns"][token.lemma_.lower()])
    object_preps = set(triggers["noun_object_preps"].get(relation.value, []))
    subjects, objects = [], []
    if token.dep_ == "pobj" and token.head.lower_ in ("in", "of") and token.head.head.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
        # "in support of X", "in defence of X": the clause's subject for X
        of_objects = [m for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                      for p in c.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
        if of_objects and not any(c.dep_ == "poss" for c in token.children):
            anchor = token.head.head
            while anchor.pos_ == "NOUN" and anchor.dep_ in ("dobj", "pobj", "nsubj") and anchor.head.i != anchor.i:
                anchor = anchor.head if anchor.dep_ != "pobj" else anchor.head.head
            yield from _pairs(verb_subjects(anchor, ctx), relation, of_objects, token)
            return
    for child in token.children:
        if child.dep_ == "poss" or (child.dep_ in ("amod", "compound") and ctx.index.at(child)):
            subjects += actors_of(child, ctx.index)
        if child.dep_ == "prep" and child.lower_ in ("by", "from", "of"):
            subjects += [m for p in child.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
        if child.dep_ == "prep" and child.lower_ in object_preps:
            objects += [m for p in child.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
    local = bool(subjects)
    owned = any(c.dep_ == "poss" for c in token.children)  # "our support": someone's, if not whose we know
    if objects and not subjects and not owned and token.dep_ == "dobj" \
            and token.head.lemma_.lower() in triggers["light_verbs"]:
        subjects = verb_subjects(token.head, ctx)  # "Israel launched airstrikes against Hamas"
    if objects and not subjects and not owned and token.dep_ == "pobj" and token.head.head.pos_ == "VERB" \
            and token.head.lower_ in ("in", "with"):
        subjects = verb_subjects(token.head.head, ctx)  # "joined the coalition in its war against X"
    yield from _pairs(subjects, relation, objects, token, local)


def handle_stance(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "pro-Russian separatists" back Russia; "anti-government protesters" oppose the government."""
    doc = token.doc
    target_actor = ctx.index.at(token)
    if target_actor is None or token.i < 2:
        return
    relation = RelationType(ctx.lexicon.triggers["stance_prefixes"][doc[token.i - 2].lower_])
    holder = token.head if token.head.i > token.i and token.head.pos_ in ("NOUN", "PROPN") else None
    if holder is None:
        return
    # "pro-Assad forces" are Assad's own state: that they back him says nothing new.
    holders = [m for m in actors_of(holder, ctx.index, coordinated=False)
               if m is not target_actor and m.key != MentionKey.government_of(target_actor.key)]
    yield from _pairs(holders, relation, [target_actor], token)


def handle_appeal(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "X called on Y to withdraw", "X urged Y to halt": X opposes Y. """
    withdrawal = set(ctx.lexicon.triggers["withdrawal_verbs"])
    for xcomp in (c for c in token.children if c.dep_ in ("xcomp", "ccomp", "advcl")):
        if xcomp.lemma_.lower() not in withdrawal:
            continue
        if any(c.dep_ == "dobj" for c in xcomp.children):
            continue  # "called on NATO to stop X's attacks": X, not NATO, is opposed (see handle_verb)
        addressees = [p for c in token.children if c.dep_ == "prep" and c.lower_ == "on" for p in c.children if p.dep_ == "pobj"]
        addressees += [c for c in token.children if c.dep_ == "dobj"]
        objects = [m for a in addressees for m in actors_of(a, ctx.index)]
        subjects = verb_subjects(token, ctx)
        yield from _pairs(subjects, RelationType.OPPOSES, objects, token)


def handle_accusation(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ 'X said "the regime is targeting civilians"': who reports another's violence opposes them."""
    speech = set(ctx.lexicon.modality["speech_verbs"])
    if token.lemma_.lower() not in speech:
        return
    speakers = [m for c in token.children if c.dep_ == "nsubj" for m in actors_of(c, ctx.index)]
    if not speakers:
        return
    hostile = set(ctx.lexicon.triggers["accusation_verbs"])
    for clause in (c for c in token.children if c.dep_ == "ccomp"):
        for verb in conjuncts(clause):
            if verb.lemma_.lower() not in hostile:
                continue
            accused = [m for c in verb.children if c.dep_ == "nsubj" for m in actors_of(c, ctx.index)]
            yield from _pairs(speakers, RelationType.OPPOSES, accused, verb)


def handle_relationship_noun(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "Turkey, Azerbaijan's closest ally", "Russia, a close ally of Caracas", "X is a sworn enemy of Y". """
    relation = RelationType(ctx.lexicon.triggers["relationship_nouns"][token.lemma_.lower()])
    if relation == RelationType.AGREED:
        yield from _party_to(token, ctx)
        return
    holders = _described(token, ctx)
    others = [m for c in token.children if c.dep_ == "poss" for m in actors_of(c, ctx.index)]
    others += [m for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
               for p in c.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
    yield from _pairs(holders, relation, others, token, local=True)


def _described(token: Token, ctx: Context) -> list[Found]:
    """Who a noun describes: "Turkey, Azerbaijan's ally" (apposition) or "X is an ally" (predicate)."""
    if token.dep_ == "appos":
        return actors_of(token.head, ctx.index, coordinated=False)
    if token.dep_ == "attr" and token.head.lemma_.lower() == "be":
        return verb_subjects(token.head, ctx)
    return []


def _party_to(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "Iran, a signatory to the NPT", "X is a party to the accord": X agreed it."""
    holders = _described(token, ctx)
    agreements = [m for c in token.children if c.dep_ == "prep" and c.lower_ in ("to", "of")
                  for p in c.children if p.dep_ == "pobj" for m in [ctx.index.at(p)]
                  if m is not None and m.kind == EntityKind.AGREEMENT]
    yield from _pairs(holders, RelationType.AGREED, agreements, token, local=True)


def handle_sidelines(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "A met B on the sidelines of E", "The meeting came on the sidelines of E": A and B attended E. """
    events = [m for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
              for p in c.children if p.dep_ == "pobj" for m in _events_in(p, ctx)]
    if not events or token.head.dep_ != "prep":
        return
    anchor = token.head.head  # the verb or noun that "on the sidelines" modifies
    participants = _participants(anchor, ctx)
    yield from _pairs(participants, RelationType.ATTENDED, events, token)


def _participants(anchor: Token, ctx: Context) -> list[Found]:
    """Who took part in the meeting that ``anchor`` names or describes."""
    found: list[Found] = []
    nodes = [anchor]
    if anchor.pos_ in ("NOUN", "PROPN") and anchor.dep_ in ("pobj",):
        nodes.append(anchor.head.head)  # "told reporters after a meeting with X"
    for node in nodes:
        for child in node.children:
            if child.dep_ == "prep" and child.lower_ == "with":
                found += [m for p in child.children if p.dep_ == "pobj" for m in _person_or_actor(p, ctx)]
            if child.dep_ in ("nsubj",) and not _is_event_noun(child, ctx):
                found += actors_of(child, ctx.index)
            if child.dep_ == "dobj" and node.lemma_.lower() in ctx.lexicon.triggers["encounter_verbs"]:
                found += _person_or_actor(child, ctx)
            if child.dep_ == "nsubj" and _is_event_noun(child, ctx):
                found += _meeting_participants(child, ctx)
    if not found and ctx.encounters:
        found = list(ctx.encounters[-1][1])
    return [f for f in found if f.kind in ACTORS]


def _person_or_actor(token: Token, ctx: Context) -> list[Found]:
    """ "his German counterpart Heiko Maas": the person in apposition, else the actor."""
    following = ctx.index.at(token.doc[token.i + 1]) if token.i + 1 < len(token.doc) else None
    if following and following.kind == EntityKind.PERSON and token.pos_ == "NOUN":
        return [following]
    for child in token.children:
        if child.dep_ == "appos":
            people = actors_of(child, ctx.index)
            if people:
                return people
    return actors_of(token, ctx.index)


def _is_event_noun(token: Token, ctx: Context) -> bool:
    mention = ctx.index.at(token)
    return mention is not None and mention.kind == EntityKind.EVENT


def _meeting_participants(noun: Token, ctx: Context) -> list[Found]:
    found = [m for c in noun.children if c.dep_ == "prep" and c.lower_ in ("with", "between")
             for p in c.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
    found += [m for c in noun.children if c.dep_ == "poss" for m in actors_of(c, ctx.index)]
    found = [m for m in found if m.kind in ACTORS]
    if not found and ctx.encounters:
        found = list(ctx.encounters[-1][1])
    return found


def handle_at_event(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "A met B at E", "A signed X at E", "A said at E", "A, speaking during E": who acts at an event attended it."""
    if token.head.pos_ not in ("VERB", "AUX"):
        return
    verb = token.head
    events = [m for p in token.children if p.dep_ == "pobj" for m in _events_in(p, ctx)]
    if not events:
        return
    people = verb_subjects(verb, ctx)
    if verb.lemma_.lower() in ctx.lexicon.triggers["encounter_verbs"]:
        people += [m for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"
                   for p in c.children if p.dep_ == "pobj" for m in _person_or_actor(p, ctx)]
        people += [m for c in verb.children if c.dep_ == "dobj" for m in _person_or_actor(c, ctx)]
    yield from _pairs(people, RelationType.ATTENDED, events, token)


def handle_encounter(token: Token, ctx: Context) -> Iterator[Candidate]:
    """Remember who met whom ("A discussed with B", "A met B") for a later "the meeting"."""
    people = verb_subjects(token, ctx)
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "with":
            people += [m for p in child.children if p.dep_ == "pobj" for m in _person_or_actor(p, ctx)]
        if child.dep_ == "dobj" and token.lemma_.lower() in ("meet", "receive", "host"):
            people += _person_or_actor(child, ctx)
    people = [p for p in people if p.kind in ACTORS]
    if len(people) >= 2:
        ctx.encounters.append((token.sent.start, people))
    return
    yield  # a generator that only remembers


def handle_agreement_parties(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "the Sochi agreement between A and B", "its agreements with B and C", "a Turkish-Russian agreement";
    for events, "talks between A and B", "Israel-Hamas talks": A and B attended. """
    agreement = ctx.index.at(token)
    if agreement is None or agreement.kind not in (EntityKind.AGREEMENT, EntityKind.EVENT) or agreement.head != token.i:
        return
    relation = RelationType.AGREED if agreement.kind == EntityKind.AGREEMENT else RelationType.ATTENDED
    target = agreement
    if target.bare:
        return
    parties: list[Found] = [ctx.index.at(token.doc[i]) for i in agreement.parties if ctx.index.at(token.doc[i])]
    with_partners = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in ("between", "among"):
            parties += [m for p in child.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
        if child.dep_ == "prep" and child.lower_ == "with":
            with_partners += [m for p in child.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
        if child.dep_ == "poss" and with_partners is not None:
            parties += actors_of(child, ctx.index)
    if with_partners:
        parties += with_partners
        parties += [m for c in token.children if c.dep_ == "poss" for m in actors_of(c, ctx.index)]
    elif not any(c.dep_ == "prep" and c.lower_ in ("between", "among") for c in token.children) and not agreement.parties:
        return  # a possessor alone ("Turkey's agreement") is too weak a sign of being a party
    unique = []
    for party in parties:
        if party not in unique:
            unique.append(party)
    yield from _pairs(unique, relation, [target], token)


def handle_severance(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "X recalled its ambassador from Y", "X cut ties with Y", "X suspended aid to Y", "X expelled Y's
    diplomats": a verb with one of its objects in ``cameo_objects.tsv`` cuts a tie, and whoever is on
    the tie's other end (the object's owner, or the one the tie is with, to or from) is opposed."""
    lemma = token.lemma_.lower()
    particles = {c.lower_ for c in token.children if c.dep_ == "prt"}
    preps = set(ctx.lexicon.triggers["severance_prepositions"])
    posts = set(ctx.lexicon.triggers["posts_abroad"])
    subjects = _participle_subjects(token, ctx)
    for noun in (item for head in _object_heads(token) for item in conjuncts(head)):
        found = ctx.words.severance.get((lemma, noun.lemma_.lower())) or ctx.words.severance.get((lemma, noun.lower_))
        if found is None or (found[1] and found[1] not in particles):
            continue
        relation = RelationType(found[0])
        allowed = preps | ({"in"} if noun.lemma_.lower() in posts else set())
        others = owners_of(noun, ctx)
        for prep in [c for c in noun.children if c.dep_ == "prep"] + [c for c in token.children if c.dep_ == "prep"]:
            if prep.lower_ in allowed:
                others += [m for p in prep.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
        yield from _pairs(subjects, relation, others, token)


def handle_warning(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "X warned Y of serious consequences", "X warned Y against any provocation", "X warned of reprisals
    against Y": a warning of what ``cameo_objects.tsv`` calls a threat (CAMEO 13) threatens the one warned."""
    lemma = token.lemma_.lower()
    threats = [t for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "about", "against")
               for p in c.children if p.dep_ == "pobj" for t in conjuncts(p)]
    threats = [t for t in threats if (lemma, t.lemma_.lower()) in ctx.words.warnings
               or (lemma, t.lower_) in ctx.words.warnings]
    if not threats:
        return
    warned = [m for c in token.children if c.dep_ == "dobj" for m in actors_of(c, ctx.index)]
    warned += [m for t in threats for c in t.children if c.dep_ == "prep" and c.lower_ in ("for", "against", "on")
               for p in c.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
    yield from _pairs(verb_subjects(token, ctx), RelationType.OPPOSES, warned, token)


def handle_giving(token: Token, ctx: Context) -> Iterator[Candidate]:
    """ "X sent weapons to Y", "X gave Y $5 million of aid", "X supplied Y with arms", "X shared intelligence
    with Y": whoever hands over what ``cameo_objects.tsv`` calls aid backs the one who gets it. "X sent
    troops to Y" is not aid: it says nothing about whether the troops help or attack Y."""
    nouns = ctx.words.giving_nouns
    objects = [item for head in _object_heads(token) for item in conjuncts(head)]
    given = objects + [p for item in objects for c in item.children if c.dep_ == "prep" and c.lower_ in ("of", "in")
                       for p in c.children if p.dep_ == "pobj"]  # "$5 million of aid", "$1 billion in assistance"
    aid = [t for t in given if t.lemma_.lower() in nouns or t.lower_ in nouns]
    supplied = [item for c in token.children if c.dep_ == "prep" and c.lower_ == "with"
                for p in c.children if p.dep_ == "pobj" for item in conjuncts(p)
                if item.lemma_.lower() in nouns or item.lower_ in nouns]
    if not aid and not supplied:
        return
    receivers = [m for c in token.children if c.dep_ == "dative" for m in _received_by(c, ctx)]
    if supplied:  # "X supplied Y with weapons": the object is who gets them
        receivers += [m for item in objects for m in actors_of(item, ctx.index, coordinated=False)]
    for holder in [token] + aid:
        receivers += [m for c in holder.children if c.dep_ == "prep" and c.lower_ in ("to", "for", "with")
                      for p in c.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
    if _is_passive(token):
        receivers += [m for c in token.children if c.dep_ == "nsubjpass" and c not in aid
                      for m in actors_of(c, ctx.index)]  # "Y was given aid by X"
    yield from _pairs(_participle_subjects(token, ctx), RelationType.BACKS, receivers, token)


def _received_by(dative: Token, ctx: Context) -> list[Found]:
    """ "gave Y aid" (Y is the dative) or "sent aid to Y" (the parser marks "to" as the dative)."""
    if dative.pos_ == "ADP":
        return [m for p in dative.children if p.dep_ == "pobj" for m in actors_of(p, ctx.index)]
    return actors_of(dative, ctx.index)


@dataclass(frozen=True)
class Trigger:
    """A trigger family: what fires it and the handler it calls.

    ``words`` by token attribute ("LEMMA", "LOWER") are matched by a ``PhraseMatcher`` on that
    attribute: a hash lookup per token, where a ``Matcher`` pattern costs a check per token and
    pattern. A word of several tokens is written with spaces between them ("- backed"). ``pick``
    chooses the token the handler gets from a match (its first by default); the trigger fires
    when that token's part of speech is in ``pos`` and its dependency in ``dep`` (empty: any).
    """

    name: str
    handler: Callable[[Token, Context], Iterator[Candidate]]
    words: dict[str, list[str]] = field(default_factory=dict)
    pos: frozenset[str] = frozenset()
    dep: frozenset[str] = frozenset()
    pick: Callable[[Doc, int, int], Token | None] = lambda doc, start, end: doc[start]

    def fires_on(self, token: Token | None) -> bool:
        return token is not None and (not self.pos or token.pos_ in self.pos) and (not self.dep or token.dep_ in self.dep)


def _last(doc: Doc, start: int, end: int) -> Token:
    return doc[end - 1]


def _next_word(doc: Doc, start: int, end: int) -> Token | None:
    """The word right after the match: "Assad" in "pro-Assad"."""
    return doc[end] if end < len(doc) and doc[end].is_alpha else None


def build_triggers(lexicon: Lexicon, words: TriggerWords | None = None) -> list[Trigger]:
    """The trigger families, one per handler, from the trigger lexicon."""
    t = lexicon.triggers
    words = words or trigger_words(lexicon)
    heads = sorted(set(lexicon.heads["agreement_heads"]) | set(lexicon.heads["event_heads"]))
    verb, noun = frozenset({"VERB"}), frozenset({"NOUN"})
    return [
        Trigger("verb", handle_verb, {"LEMMA": list(words.verbs)}, frozenset({"VERB", "ADV", "NOUN", "ADJ"})),
        Trigger("prep_verb", handle_prep_verb, {"LEMMA": list(words.prep_verbs)}, verb),
        Trigger("severance", handle_severance, {"LEMMA": sorted({v for v, _ in words.severance})}, verb),
        Trigger("giving", handle_giving, {"LEMMA": sorted(words.giving_verbs)}, verb),
        Trigger("warning", handle_warning, {"LEMMA": sorted({v for v, _ in words.warnings})}, verb),
        Trigger("noun", handle_noun, {"LEMMA": t["nouns"]}, noun),
        Trigger("hyphen", handle_hyphen_participle, {"LOWER": [f"- {w}" for w in t["hyphen_participles"]]}, pick=_last),
        Trigger("stance", handle_stance, {"LOWER": [f"{w} -" for w in t["stance_prefixes"]]}, pick=_next_word),
        Trigger("appeal", handle_appeal, {"LEMMA": t["appeal_verbs"]}, verb),
        Trigger("accusation", handle_accusation, {"LEMMA": lexicon.modality["speech_verbs"]}, verb),
        Trigger("encounter", handle_encounter, {"LEMMA": t["encounter_verbs"]}, verb),
        Trigger("at_event", handle_at_event, {"LOWER": ["at", "during"]}, dep=frozenset({"prep"})),
        Trigger("relationship_noun", handle_relationship_noun, {"LEMMA": t["relationship_nouns"]}, noun),
        Trigger("sidelines", handle_sidelines, {"LOWER": sorted(SIDELINES)}),
        Trigger("agreement", handle_agreement_parties, {"LOWER": heads, "LEMMA": heads}),
    ]


class RelationFinder:
    """Runs every trigger family over a document, in document order.

    >>> from kg.nlp import parse_text
    >>> from kg.extract.mentions import find_mentions
    >>> from kg.lexicon import load_lexicon
    >>> lexicon = load_lexicon()
    >>> doc = parse_text(nlp, "Russia backs Syria.")  # nlp: kg.nlp.load_pipeline()
    >>> [(str(c.subject.key), c.relation.value, str(c.object.key))
    ...  for c in RelationFinder(nlp.vocab, lexicon)(doc, find_mentions(doc, lexicon))]
    [('country:RUS', 'backs', 'country:SYR')]
    """

    def __init__(self, vocab, lexicon: Lexicon):
        self.lexicon = lexicon
        self.words = trigger_words(lexicon)
        self.triggers = build_triggers(lexicon, self.words)
        self.order = {trigger.name: rank for rank, trigger in enumerate(self.triggers)}
        self.by_name = {trigger.name: trigger for trigger in self.triggers}
        self.phrase_matchers: dict[str, PhraseMatcher] = {}
        for trigger in self.triggers:
            for attr, words in trigger.words.items():
                if attr not in self.phrase_matchers:
                    self.phrase_matchers[attr] = PhraseMatcher(vocab, attr=attr)
                # Pattern docs that carry the words in the attribute matched on.
                docs = [Doc(vocab, words=w.split(), lemmas=w.split()) if attr == "LEMMA" else Doc(vocab, words=w.split())
                        for w in sorted(set(words))]
                self.phrase_matchers[attr].add(trigger.name, docs)

    def matches(self, doc: Doc) -> list[tuple[Trigger, Token]]:
        """(trigger, token) for every trigger word of ``doc``, in document order; one per family and token."""
        found = []
        for matcher in self.phrase_matchers.values():
            found += matcher(doc)
        strings, chosen, seen = doc.vocab.strings, [], set()
        for match_id, start, end in sorted(found, key=lambda m: (m[1], m[2], self.order[strings[m[0]]])):
            trigger = self.by_name[strings[match_id]]
            token = trigger.pick(doc, start, end)
            if not trigger.fires_on(token) or (trigger.name, token.i) in seen:
                continue
            seen.add((trigger.name, token.i))
            chosen.append((trigger, token))
        return chosen

    def __call__(self, doc: Doc, index: MentionIndex) -> Iterator[Candidate]:
        ctx = Context(index, self.lexicon, [], self.words)
        for trigger, token in self.matches(doc):
            yield from trigger.handler(token, ctx)
