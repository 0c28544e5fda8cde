"""Derive kg's event-verb lexicon from the CAMEO verb dictionary of PETRARCH2.

Run by hand when the source or a table below changes; never at build time:

    python tools/derive_cameo.py /path/to/CAMEO.2.0.txt [ontology/lexicon]

The source is ``petrarch2/data/dictionaries/CAMEO.2.0.txt`` of openeventdata/petrarch2 (commit
676801c, 2019), MIT licence, copyright (c) 2014 Open Event Data (its header: 2015 Open Event Data
Alliance); the notice is copied to ``ontology/lexicon/PETRARCH2-LICENSE`` and into the header of
every file written here. It holds the event coders' verb synonym blocks::

    ---  SUPPORT   [050]  ---        a block: its name and the code of its isolated verbs
    BACK                             a verb (regular forms are generated)
    ENDORSE [051]                    a verb with a code of its own
    +RULE_OUT                        a verb with a particle ('+' marks the verb word)
    - * &PROPOSAL   [120]  # REJECT  a pattern: the block's verbs with that object (synonym set &PROPOSAL)

and writes two tab-separated files into the lexicon folder:

``cameo_verbs.tsv``: ``lemma  particle  preposition  cameo  block  relation  family  note``.
    One row per verb (or verb + particle, or verb + preposition) whose CAMEO code maps to one of
    kg's relations, and one ``none`` row, with the reason in ``note``, for each such verb dropped
    as too ambiguous or read elsewhere. Families: ``verb`` (the other party is the object: "X
    attacked Y"), ``stance`` (also the owner of what the object names: "X rejected Y's proposal"),
    ``prep`` (the other party comes with the preposition: "X cooperated with Y"), ``giving`` (a
    verb that hands over aid: "X sent weapons to Y"), and ``particle``
    rows with relation ``none``: a particle that turns the verb into something else ("back down").
``cameo_objects.tsv``: ``verb  particle  object  cameo  block  relation  family``.
    ``severance`` rows: a verb that is no relation alone but is one with that object ("recall" +
    "ambassador", "cut" + "ties", "suspend" + "aid": CAMEO 16-17, reduce relations, coerce);
    ``warning`` rows: a warning of that threat ("warn" + "consequences": CAMEO 13); ``stance`` rows
    (verb ``*``): nouns naming what an actor proposes, demands or decides, whose owner a stance verb
    targets; ``giving`` rows (verb ``*``): nouns naming aid handed over.

How a CAMEO code becomes a relation is the table ``CODES`` (longest prefix wins); which verbs are
dropped, and why, are the tables ``DROPPED_BLOCKS`` and ``DROPPED``. kg's hand-curated
``triggers.json`` stays first: ``kg.extract.relations.trigger_words`` adds these rows only where it
says nothing.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SOURCE = "openeventdata/petrarch2 @ 676801c, petrarch2/data/dictionaries/CAMEO.2.0.txt"
NOTICE = [
    f"Derived by tools/derive_cameo.py from {SOURCE}.",
    "The MIT License (MIT). Copyright (c) 2014 Open Event Data; CAMEO.2.0.txt: Copyright (c) 2015 Open Event",
    "Data Alliance. Permission notice and disclaimer: ontology/lexicon/PETRARCH2-LICENSE.",
]

# --- CAMEO code -> kg relation -------------------------------------------------------------------
# (code prefix, relation or None, family, why). CAMEO's two-digit cue categories: 01-02 statements
# and appeals, 03 intent, 04 consult, 05 diplomatic cooperation, 06 material cooperation, 07 aid,
# 08 yield, 09 investigate, 10 demand, 11 disapprove, 12 reject, 13 threaten, 14 protest, 15 force
# posture, 16 reduce relations, 17 coerce, 18 assault, 19 fight, 20 mass violence.
CODES: list[tuple[str, str | None, str, str]] = [
    ("01", None, "", "a public statement says something, it takes no side"),
    ("02", None, "", "an appeal: the appeal family reads 'X urged Y to withdraw'"),
    ("03", None, "", "an intention: modality.json's intent verbs make what follows Future"),
    ("04", None, "", "a consultation: meeting is attending an event, which needs the event as a node"),
    ("050", "backs", "stance", "diplomatic cooperation: support, endorse, side with"),
    ("051", "backs", "stance", "praise or endorse"),
    ("052", "backs", "stance", "defend verbally"),
    ("053", "backs", "stance", "rally support"),
    ("054", "backs", "stance", "grant diplomatic recognition"),
    ("055", None, "", "an apology concedes, it does not back"),
    ("056", None, "", "forgiving concedes, it does not back"),
    ("057", "agreed", "verb", "sign an agreement"),
    ("06", "backs", "verb", "material cooperation: fund, arm, equip"),
    ("07", "backs", "verb", "aid: help, assist, protect"),
    ("08", None, "", "yielding (release, withdraw, surrender) concedes, it does not back"),
    ("09", None, "", "an investigation takes no side"),
    ("10", None, "", "a demand: the appeal family reads 'X demanded that Y withdraw'"),
    ("11", "opposes", "stance", "disapprove: criticise, denounce, accuse"),
    ("12", "opposes", "stance", "reject: refuse, veto, rebuff"),
    ("13", "opposes", "verb", "threaten"),
    ("14", "opposes", "verb", "protest against, harass"),
    ("15", None, "", "force posture (mobilise, patrol, rally) names no adversary as its object"),
    ("16", "opposes", "verb", "reduce relations: boycott, sever, expel"),
    ("17", "opposes", "verb", "coerce: arrest, ban, sanction"),
    ("18", "opposes", "verb", "assault: abduct, torture, wound"),
    ("19", "opposes", "verb", "fight: attack, kill, occupy"),
    ("20", "opposes", "verb", "mass violence"),
]

# Blocks CAMEO codes only through their patterns, whose verbs alone still say what the patterns say.
BLOCK_CODES = {"REFUSE": "120"}
# Verbs whose own code misfiles them for our purpose.
LEMMA_CODES = {"veto": "120"}  # filed with 'ban' (172); vetoing a resolution rejects its authors' proposal
# Intransitive cooperation: the partner is the with-phrase ("X cooperated with Y").
PARTNER_PREPOSITIONS = {"COLLABORATE": "with", "COORDINATE": "with"}
# Verbs handing something over: with an aid noun, the receiver is backed ("X sent weapons to Y").
GIVING_BLOCKS = {"GRANT", "SEND", "BRING", "SELL", "SHARE"}  # "shared intelligence with Y": 064

# --- what is dropped, and why ----------------------------------------------------------------------
FEELING = "a feeling or attitude, not an act toward the object"
SPEECH = "a verb of saying: the speech family reads it"
EVERYDAY = "its everyday senses (objects, quantities, places) outnumber the political one"
NO_OBJECT = "intransitive: names no other party as its object"
ELSEWHERE = "read by another family of triggers.json"
SIDE = "says nothing about which side the doer is on"
REVERSED = "the subject is what causes the feeling; the object reacts"

DROPPED_BLOCKS = {
    "ALLEGE": SPEECH, "CURSE": FEELING, "DESPAIR": FEELING, "DISMAY": REVERSED, "DISTRUST": FEELING,
    "LAMENT": FEELING, "REGRET": FEELING, "OFFEND": REVERSED, "DISCLOSE": SPEECH, "INFLUENCE": SIDE,
    "REJOICE": FEELING, "BARGAIN": SIDE, "ALLOCATE": EVERYDAY, "BOOST": EVERYDAY, "ENACT": EVERYDAY,
    "ENLIST": EVERYDAY, "FACILITATE": EVERYDAY, "LINK": EVERYDAY, "MERGE": EVERYDAY,
    "OVERSEE_MANAGE": "control, command, lead: ruling over the object is not backing it",
    "TRADE": EVERYDAY, "IMPORT": EVERYDAY, "PURCHASE": EVERYDAY,
    "EXTRADITE": "the object is the person handed over, not the state backed",
    "CONFIRM": SPEECH, "AGREE": "agreeing: triggers.json reads it as agreed", "FORMALIZE": EVERYDAY,
    "EVACUATE": "the evacuated are people in danger, not a side", "FLY": EVERYDAY,
    "INTERVENE": "intervening in a war does not say on whose side", "STABILISE": EVERYDAY,
    "MARCH": NO_OBJECT, "RIOT": NO_OBJECT, "RAMPAGE": NO_OBJECT, "SCUFFLE": NO_OBJECT,
    "DIE": NO_OBJECT, "NATIONALIZE": EVERYDAY, "STEAL": EVERYDAY, "EXTRACT": EVERYDAY, "RIP": EVERYDAY,
    "WHIP": "'lash out at': the prepositional family; 'whip' names a punishment of people",
}
DROPPED = {
    # 05: support, praise
    "advertise": EVERYDAY, "advertize": EVERYDAY, "promote": EVERYDAY, "associate": EVERYDAY,
    "concert": EVERYDAY, "conform": EVERYDAY, "correlate": EVERYDAY, "harmonise": EVERYDAY,
    "harmonize": EVERYDAY, "integrate": EVERYDAY, "orchestrate": EVERYDAY, "organise": EVERYDAY,
    "organize": EVERYDAY, "synchronise": EVERYDAY, "synchronize": EVERYDAY, "unionise": EVERYDAY,
    "unionize": EVERYDAY, "admire": FEELING, "appreciate": FEELING, "celebrate": EVERYDAY,
    "clap": EVERYDAY, "commemorate": EVERYDAY, "compliment": EVERYDAY, "felicitate": EVERYDAY,
    "greet": "greeting a visitor is receiving him, not backing him",
    "welcome": "'X welcomed Y' is as often receiving a visitor as approving",
    "honor": EVERYDAY, "honour": EVERYDAY, "recognise": EVERYDAY, "recognize": EVERYDAY,
    "respect": EVERYDAY, "esteem": FEELING, "prize": EVERYDAY, "value": EVERYDAY, "reward": EVERYDAY,
    "toast": EVERYDAY, "bless": EVERYDAY, "sanctify": EVERYDAY, "thank": "thanking is courtesy",
    "congratulate": "congratulating a winner is courtesy, whoever won",
    "cheer": EVERYDAY, "embolden": REVERSED, "enliven": EVERYDAY, "galvanize": REVERSED,
    "inspire": REVERSED, "invigorate": EVERYDAY, "reassure": SPEECH, "revitalize": EVERYDAY,
    "rouse": EVERYDAY, "spur": EVERYDAY, "encourage": "an appeal ('encouraged Y to talk'), read there",
    "favor": EVERYDAY, "favour": EVERYDAY, "prefer": FEELING, "exalt": EVERYDAY, "glorify": EVERYDAY,
    "reassert": SPEECH, "extol": EVERYDAY,
    # 06-07: aid
    "benefit": REVERSED, "serve": EVERYDAY, "invest": EVERYDAY, "pay": EVERYDAY,
    "attire": EVERYDAY, "gear": EVERYDAY, "outfit": EVERYDAY, "render": EVERYDAY, "stock": EVERYDAY,
    "tender": EVERYDAY, "furnish": EVERYDAY, "tend": EVERYDAY, "ward": EVERYDAY,
    "guard": "guarding a place or person says little of sides", "shelter": EVERYDAY,
    "rescue": "the rescued are people in danger, not a side", "accord": EVERYDAY, "add": EVERYDAY,
    "issue": EVERYDAY, "endow": EVERYDAY, "entrust": EVERYDAY, "bequeath": EVERYDAY, "shuttle": EVERYDAY,
    "reassign": EVERYDAY, "redeploy": EVERYDAY, "carry": "a light verb: 'carried out attacks'",
    "deploy": "deploying forces to a place backs no one there", "loan": EVERYDAY,
    # 11: disapprove
    "argue": SPEECH, "bemoan": FEELING, "compete": "competing is taking part (an election, a race)",
    "complain": SPEECH, "contend": SPEECH, "contrast": EVERYDAY, "contravene": EVERYDAY,
    "counterbalance": EVERYDAY, "debate": SPEECH, "differ": NO_OBJECT, "disagree": NO_OBJECT,
    "dissent": NO_OBJECT, "object": NO_OBJECT, "protest": "'protest against': the prepositional family",
    "refute": SPEECH, "wrangle": NO_OBJECT, "debase": EVERYDAY, "defile": EVERYDAY, "degrade": ELSEWHERE,
    "humble": EVERYDAY, "lecture": EVERYDAY, "cane": EVERYDAY, "flog": EVERYDAY, "chasten": EVERYDAY,
    "remonstrate": NO_OBJECT, "reprobate": EVERYDAY, "scorn": FEELING, "abhor": FEELING,
    "jeer": EVERYDAY, "scoff": NO_OBJECT, "savage": EVERYDAY,
    "charge": "'charged Y with' is a prosecution, but 'charged a fee', 'charged ahead' are common",
    "fault": EVERYDAY, "implicate": EVERYDAY,
    "express": SPEECH, "mock": EVERYDAY, "grill": SPEECH, "brand": EVERYDAY,
    "contest": "'contest an election' is taking part: triggers.json reads it as attended",
    "contradict": SPEECH, "renounce": EVERYDAY, "slight": EVERYDAY,
    # 12: reject
    "deny": "'denied Y's involvement' defends Y: a negating verb in modality.json, not a trigger",
    "withstand": EVERYDAY, "defect": "defecting to Y backs Y", "fail": "a negating verb in modality.json",
    "defer": EVERYDAY, "delay": EVERYDAY, "forestall": EVERYDAY, "postpone": EVERYDAY,
    "procrastinate": NO_OBJECT, "remit": EVERYDAY, "retard": EVERYDAY, "shelve": EVERYDAY,
    "stall": EVERYDAY, "table": EVERYDAY, "inhibit": EVERYDAY, "override": EVERYDAY, "overrule": EVERYDAY,
    "hamper": EVERYDAY, "impede": EVERYDAY, "hinder": EVERYDAY,
    # 13: threaten
    "warn": "an appeal verb: 'warned Y against' is read by the appeal and prepositional families",
    "caution": "an appeal verb, as 'warn'", "risk": EVERYDAY,
    # 14: protest
    "agitate": EVERYDAY, "agonise": FEELING, "agonize": FEELING, "annoy": REVERSED, "bother": REVERSED,
    "discomfit": REVERSED, "disconcert": REVERSED, "disquiet": REVERSED, "distress": REVERSED,
    "disturb": REVERSED, "frustrate": REVERSED, "irk": REVERSED, "irritate": REVERSED,
    "plague": REVERSED, "rag": EVERYDAY, "upset": REVERSED, "vex": REVERSED, "arouse": EVERYDAY,
    "enkindle": EVERYDAY, "demonstrate": EVERYDAY,
    # 16: reduce relations
    "disarray": EVERYDAY, "disorder": EVERYDAY, "spy": "'spy on': the prepositional family",
    "secede": "'secede from': the prepositional family", "disassociate": "'disassociate from'",
    "disband": "disbanding one's own unit is common", "rescind": EVERYDAY, "abort": EVERYDAY,
    "breach": EVERYDAY,
    # 17: coerce
    "cage": EVERYDAY, "confine": EVERYDAY, "contain": EVERYDAY, "enclose": EVERYDAY,
    "restrict": EVERYDAY, "withhold": "with an object only: 'withheld aid from Y' (cameo_objects.tsv)",
    "bar": EVERYDAY, "block": EVERYDAY, "segregate": EVERYDAY, "exclude": EVERYDAY,
    "enforce": EVERYDAY, "reinforce": ELSEWHERE, "impel": EVERYDAY, "force": EVERYDAY,
    "bill": EVERYDAY, "inflict": EVERYDAY, "levy": EVERYDAY, "impose": ELSEWHERE, "reimpose": ELSEWHERE,
    "constrain": EVERYDAY, "moderate": EVERYDAY, "crackdown": EVERYDAY, "curb": EVERYDAY,
    "restrain": EVERYDAY, "catch": EVERYDAY, "grab": EVERYDAY, "take": EVERYDAY, "snatch": EVERYDAY,
    "commandeer": EVERYDAY, "hijack": EVERYDAY, "overturn": EVERYDAY, "pirate": EVERYDAY,
    "revolutionise": EVERYDAY, "revolutionize": EVERYDAY, "appropriate": EVERYDAY, "tax": EVERYDAY,
    "fine": EVERYDAY, "censor": EVERYDAY, "disallow": EVERYDAY, "interdict": EVERYDAY,
    "remove": EVERYDAY,
    # 18: assault
    "bruise": EVERYDAY, "contaminate": EVERYDAY, "corrupt": EVERYDAY, "crack": EVERYDAY,
    "damage": EVERYDAY, "impair": EVERYDAY, "mar": EVERYDAY, "spoil": EVERYDAY, "tarnish": EVERYDAY,
    "tear": EVERYDAY, "rip": EVERYDAY, "vitiate": EVERYDAY, "dishonor": EVERYDAY, "dishonour": EVERYDAY,
    "slap": "a light verb: 'slapped sanctions on Y' is read by the noun family",
    "kick": EVERYDAY, "strangle": EVERYDAY, "wrestle": EVERYDAY, "bludgeon": EVERYDAY,
    # 19: fight
    "beat": EVERYDAY, "best": EVERYDAY, "break": EVERYDAY, "bust": EVERYDAY, "desolate": EVERYDAY,
    "dominate": EVERYDAY, "master": EVERYDAY, "overcome": EVERYDAY, "overshadow": EVERYDAY,
    "overtake": EVERYDAY, "ravish": EVERYDAY, "ruin": EVERYDAY, "shatter": EVERYDAY,
    "surmount": EVERYDAY, "circle": EVERYDAY, "ring": EVERYDAY,
    "engage": "'engage in talks', 'engage Y diplomatically'", "blast": EVERYDAY, "blow": EVERYDAY,
    "detonate": EVERYDAY, "explode": EVERYDAY, "fire": "'fired a minister': 'fire at' is prepositional",
    "dynamite": EVERYDAY, "hang": EVERYDAY, "altercate": NO_OBJECT, "conflict": NO_OBJECT,
    "duel": NO_OBJECT, "grapple": EVERYDAY, "match": EVERYDAY, "pit": EVERYDAY, "quarrel": NO_OBJECT,
    "clash": "reciprocal: 'A and B clashed' (reciprocal family)", "skirmish": "reciprocal",
    "struggle": NO_OBJECT, "siege": EVERYDAY, "stone": EVERYDAY, "ram": EVERYDAY, "thump": EVERYDAY,
    "despoil": EVERYDAY, "foray": NO_OBJECT, "reave": EVERYDAY, "aim": EVERYDAY, "infest": EVERYDAY,
    "inhabit": "living somewhere is no attack", "reside": "living somewhere is no attack",
    "hammer": EVERYDAY, "pound": EVERYDAY, "clobber": EVERYDAY, "pummel": EVERYDAY, "smash": EVERYDAY,
    "pelt": EVERYDAY, "torch": EVERYDAY, "flatten": EVERYDAY, "raze": EVERYDAY, "surround": EVERYDAY,
    "demolish": EVERYDAY, "disarm": "a withdrawal verb: 'urged Y to disarm' (appeal family)",
    "blitz": EVERYDAY, "devastate": EVERYDAY, "ravage": EVERYDAY,
}
# Particle verbs of a kept block, dropped: the particle makes them something else.
DROPPED_PARTICLES = {("kill", "or"): EVERYDAY, ("kill", "and"): EVERYDAY, ("arrest", "and"): EVERYDAY,
                     ("take", "over"): EVERYDAY, ("cordon", "off"): EVERYDAY, ("fight", "down"): EVERYDAY,
                     ("string", "up"): EVERYDAY, ("square", "off"): NO_OBJECT, ("wage", "war"): ELSEWHERE,
                     ("look", "after"): EVERYDAY, ("step", "up"): EVERYDAY, ("beef", "up"): EVERYDAY,
                     ("pay", "for"): EVERYDAY, ("step", "in"): EVERYDAY, ("lash", "out"): NO_OBJECT,
                     ("dress", "down"): EVERYDAY, ("bridle", "at"): FEELING, ("foray", "into"): NO_OBJECT,
                     ("intrude", "on"): EVERYDAY, ("vote", "down"): EVERYDAY}

# --- patterns --------------------------------------------------------------------------------------
# Reduce relations (16) and coercion (17) by cutting a tie: in CANCEL every verb ends something (stop, suspend, halt, close, call off...),
# so its patterns count for all of them; in the other blocks, whose verbs are looser synonyms (cut,
# divide, dissect...), a pattern counts for the verbs its comment names ("- * TIES [160] # CUT").
SEVERANCE_BLOCKS = {"CANCEL"}
SEVERANCE_BLOCKS_BY_COMMENT = {"FREEZE", "RECALL", "REDUCE", "REVOKE_", "SCRAP", "SEPARATE", "SHUT", "SLASH",
                               "STRAIN", "RETREAT", "CONFINE", "EXCLUDE", "SUPPRESS", "EXTRACT", "DESTROY",
                               "REFUSE", "DEPORT", "PROHIBIT"}
SEVERANCE_VERBS_DROPPED = {"hold": "'held up talks' delays them; triggers.json reads 'held talks' as attended"}
# Of their objects, those that name a tie with another party: who is on the other end of the tie is
# the one opposed. (Staff, parties, bases, passports, peacekeepers, projects... are left out: cutting
# them says nothing about whom.)
SEVERANCE_NOUNS = {"relations", "ties", "links", "link", "cooperation", "aid", "assistance", "support",
                   "talks", "talk", "negotiation", "negotiations", "dialogue", "discussion", "meeting",
                   "summit", "visit", "trip", "tour", "embassy", "embassies", "consulate", "ambassador",
                   "diplomat", "diplomats", "envoy", "delegation", "flights", "trade", "sales", "sale",
                   "shipment", "loan", "grants", "donation", "supplies", "package", "recognition", "border",
                   "crossing", "airspace", "consul"}
# Warnings that are threats (13): "X warned Y of consequences", "... of a military response".
WARNING_BLOCKS = {"WARN"}
WARNING_NOUNS_DROPPED = {"occupy": "a verb left in a noun's place"}
# CAMEO's patterns name one member of a class ("- * DIPLOMAT [161] # EXPEL"); the pattern holds for all.
SEVERANCE_CLASSES = [{"ambassador", "diplomat", "envoy", "consul"}, {"embassy", "embassies", "consulate"},
                     {"relations", "ties", "links", "link"}, {"aid", "assistance", "support"},
                     {"talks", "talk", "negotiation", "negotiations", "dialogue", "discussion"},
                     {"visit", "trip", "tour"}]
# Nouns in the patterns of stance verbs that name what an actor proposes, does or decides: a stance
# verb on them is a stance on their owner ("rejected Y's proposal"). Dropped, by kind:
STANCE_NOUNS_DROPPED = {
    # done to the owner, not by him ("condemned Y's arrest" does not oppose Y)
    "killing", "arrest", "capture", "execution", "death", "detention", "extradition", "kidnapping",
    "abduction", "assassination", "defeat", "demise", "ousting", "surrender", "departure", "withdrawal",
    "release", "conviction", "expulsion", "dissolution", "fall", "torture", "murder", "shooting", "trial",
    "innocence", "hostage", "captive", "prisoner", "jail", "prison", "penitentiary", "custody",
    "detainment", "confinement", "bail",
    # between parties, so their owner is not one side ("the Iran deal")
    "agreement", "agreements", "accord", "pact", "treaty", "deal", "contract", "truce", "ceasefire",
    "cease-fire", "armistice", "talks", "talk", "meeting", "negotiation", "dialogue", "discussion", "visit",
    "relations", "cooperation", "coalition", "convention", "resumption", "join",
    # actors or their members: read as actors, not as their owner's things
    "adversary", "challenger", "contender", "enemy", "foe", "opponent", "rival", "opposition", "resistance",
    "army", "battalions", "brigades", "infantrymen", "marines", "military", "navy", "paratroopers",
    "reserves", "servicemembers", "servicemen", "soldiers", "troops", "delegation",
    # people, or what the owner has or is rather than proposes or does
    "governor", "minister", "official", "seat", "contact", "permission", "permit", "possibility", "motive",
    "credentials", "validity", "development", "coexistence", "case",
    # not nouns of a stance ("strongly", "each", misspellings, parsing leftovers)
    "in", "about", "each", "for", "of", "strongly", "strenghtening", "assurences", "schema", "outline", "answer",
    "result", "solution", "closure", "condition", "increase", "halt", "strike", "delivery", "disarmament",
}
# Things handed over that back the receiver. Dropped: what is sent to a war (troops, warplanes,
# rockets: sent to fight the receiver as often as to help him), and humanitarian goods and services,
# which take no side.
GIVING_NOUNS_DROPPED = {
    "advisors", "army", "battalions", "brigades", "infantrymen", "marines", "members", "navy", "paratroopers",
    "reserves", "servicemembers", "servicemen", "soldiers", "troops", "liaison", "presence", "peace-keeper",
    "peace-keeping", "peacekeeper", "aircraft", "airliner", "airplane", "airship", "b-52", "bomber", "chopper",
    "dirigible", "drone", "f-14", "f-16", "f-22", "f-33", "f-7mg", "f/a-18", "glider", "helicopter", "jet",
    "jetfighter", "jetliner", "jumbojet", "mi-24vm/hind", "mig", "mig-21pfm", "mirage-2000", "plane", "rpv",
    "skyhook", "su-24", "su-30mk", "turbojet", "warplane", "bomb", "missile", "missiles", "rocket", "ied",
    "vbied", "knife", "knives", "machete", "dagger", "sword", "swords", "spear", "sabers", "slingshot",
    "switchblade", "bayonet", "fighters", "frigate", "reinforcement",
    "aliment", "commissariat", "foodstuff", "grocery", "nourishment", "nutrient", "nutriment", "nutrition",
    "provisions", "sustenance", "vaccine", "vaccines", "tonnes", "auto", "automobile", "lorry", "motorcar",
    "sedan", "truck", "van", "vehicle", "fact", "info", "details", "news", "update", "photographs",
    "precaution", "safeguard", "secureness", "security", "salary", "reform", "financial",
    # not taking a side: status, papers and permissions, services, goods of daily life
    "access", "authorization", "base", "car", "detail", "documents", "extension", "food", "gift", "hand",
    "information", "medical", "military", "observers", "peacekeepers", "peacekeeping", "products", "relief",
    "status", "team", "vehicles", "visa", "volunteer", "warships", "water", "workers", "fighter-bomber",
    "ground",  # "gave ground to Y" is yielding to Y
}
GIVING_CODES = ("06", "07", "033")  # material cooperation, aid, and offers of aid (033)
STANCE_CODES = ("05", "11", "12")
SEVERANCE_CODES = ("16", "17")  # reduce relations; coerce ("- * BORDER [172] # CLOSE")
PARTICLES = {"up", "down", "out", "off", "back", "away", "over"}
PREPOSITIONS = {"with", "to", "on", "into", "against", "for", "at", "by", "from", "in", "upon", "after",
                "through", "of", "about", "between"}


@dataclass(frozen=True)
class Verb:
    block: str
    lemma: str
    particle: str  # "" if none
    preposition: str  # "" if none
    code: str  # "" if CAMEO gives the isolated verb no code
    own_code: bool = False  # a code of its own, not its block's: the block's patterns are not its


@dataclass(frozen=True)
class Pattern:
    block: str
    particle: str
    objects: tuple[str, ...]  # the object's head noun, or each member of its synonym set
    preposition: str  # of the first prepositional phrase, "" if none
    prepositional_objects: tuple[str, ...]  # its noun, or each member of its synonym set; "(AGAINST)" alone: ()
    code: str
    named: tuple[str, ...] = ()  # the verbs the coders found it with (its comment), as written: "CALLED_OFF"

    def names(self, verb: Verb) -> bool:
        """Whether the comment names ``verb`` in any of its forms ("CALLED_OFF" names call + off)."""
        for word in self.named:
            first, _, rest = word.partition("_")
            if rest and rest != verb.particle:
                continue
            lemma = verb.lemma
            if first in (lemma, lemma + "s", lemma + "ed", lemma + "d", lemma + "ing", lemma[:-1] + "ied",
                         lemma + lemma[-1] + "ed"):
                return True
        return False


def _lower(word: str) -> str:
    return word.strip("_").replace("_", " ").lower()


def _code(text: str) -> str:
    """ "[0356]" -> "0356"; "[042:043]" -> "042" (the source's code); "[:110]", "[---]" -> "". """
    return re.sub(r"[^0-9]", "", text.split(":")[0])


def read_cameo(text: str) -> tuple[list[Verb], list[Pattern], dict[str, list[str]]]:
    """The verbs, patterns and synonym sets of a CAMEO verb dictionary.

    >>> verbs, patterns, sets = read_cameo(EXAMPLE)
    >>> [(v.lemma, v.particle, v.code) for v in verbs]
    [('rule', 'out', '120'), ('reject', '', '120'), ('spurn', '', '110')]
    >>> [(p.objects, p.code) for p in patterns]
    [(('proposal', 'suggestion'), '120')]
    """
    section, block, block_code, current = "", "", "", None
    verbs: list[Verb] = []
    patterns: list[Pattern] = []
    sets: dict[str, list[str]] = {}
    for raw in text.splitlines():
        if raw.startswith("####"):
            section = raw
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if "SYNONYM" in section:
            if line.startswith("&"):
                current = sets.setdefault(line.strip(), [])
            elif line.startswith("+") and current is not None:
                current.append(_lower(line[1:]))
            continue
        if "VERB PATTERNS" not in section:
            continue
        header = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]", line)
        if header:
            block = header.group(1)
            block_code = _code(header.group(2)) or BLOCK_CODES.get(block, "")
        elif line.startswith("-"):
            pattern = _read_pattern(block, line, raw.split("#", 1)[1] if "#" in raw else "", sets)
            if pattern is not None:
                patterns.append(pattern)
        else:
            verb = _read_verb(block, block_code, line)
            if verb is not None:
                verbs.append(verb)
    return verbs, patterns, sets


def _read_verb(block: str, block_code: str, line: str) -> Verb | None:
    entry = re.match(r"^\s*([^\s\[{]+)", line)
    if entry is None:
        return None
    word = entry.group(1)
    own = re.search(r"\[([^\]]*)\]", re.sub(r"\{[^}]*\}", " ", line))
    code = _code(own.group(1)) if own else block_code
    mine = own is not None
    if word.startswith("+"):  # "+RULE_OUT": the verb first, then a particle or a preposition
        parts = word[1:].lower().split("_")
        if len(parts) != 2:
            return None
        lemma, second = parts
        if second in PARTICLES:
            return Verb(block, lemma, second, "", code, mine)
        if second in PREPOSITIONS:
            return Verb(block, lemma, "", second, code, mine)
        return None  # "+KILLED_AND", "+WAGE_WAR": leftovers of TABARI's phrases
    if "+" in word or "_" in word:
        return None  # "WIRE_+TAP": the verb comes after its noun; spaCy parses these as compounds
    return Verb(block, word.lower(), "", "", code, mine)


def _read_pattern(block: str, line: str, comment: str, sets: dict[str, list[str]]) -> Pattern | None:
    match = re.match(r"^-\s*(.*?)\s*\[([^\]]*)\]", line)
    if match is None or not match.group(1).startswith("*"):
        return None  # a noun before the verb: PETRARCH's subject constraints, not ours
    body, code = match.group(1)[1:].strip(), _code(match.group(2))
    if any(mark in body for mark in "+$%^") or not code:
        return None
    phrases = re.findall(r"\(([^)]*)\)", body)
    head = re.sub(r"\([^)]*\)", " ", body)
    words = re.findall(r"\{[^}]*\}|\S+", head)
    particle = ""
    if words and words[0].lower() in PARTICLES:
        particle = words.pop(0).lower()
    objects: tuple[str, ...] = ()
    if words:
        objects = _members(words[0].strip("{}").split()[-1], sets)
    preposition, prepositional_objects = "", ()
    if phrases:
        inner = phrases[0].split(None, 1)
        preposition = inner[0].lower()
        if len(inner) > 1:
            prepositional_objects = _members(inner[1].strip("{} ").split()[-1], sets)
    named = tuple(w.lower() for w in re.findall(r"[A-Za-z_]+", comment))
    return Pattern(block, particle, objects, preposition, prepositional_objects, code, named)


def _members(word: str, sets: dict[str, list[str]]) -> tuple[str, ...]:
    """ "&TREATY" -> its one-word members; "AMBASSADOR" -> ("ambassador",)."""
    members = sets.get(word, []) if word.startswith("&") else [_lower(word)]
    return tuple(m for m in members if " " not in m)  # spaCy makes "air strike" two tokens


def relation_of(code: str) -> tuple[str | None, str, str]:
    """(relation, family, why) for a CAMEO code, by the longest prefix of ``CODES``.

    >>> relation_of("1212")[:2]
    ('opposes', 'stance')
    >>> relation_of("0874")[0] is None
    True
    """
    best = max((row for row in CODES if code.startswith(row[0])), key=lambda row: len(row[0]), default=None)
    if best is None:
        return None, "", "no CAMEO code"
    return best[1], best[2], best[3]


def verb_rows(verbs: list[Verb], patterns: list[Pattern]) -> Iterator[tuple[str, ...]]:
    """cameo_verbs.tsv rows: lemma, particle, preposition, cameo, block, relation, family, note."""
    seen: set[tuple[str, str, str]] = set()
    kept_blocks = set()
    for verb in verbs:
        code = LEMMA_CODES.get(verb.lemma, verb.code)
        relation, family, _ = relation_of(code) if code else (None, "", "")
        key = (verb.lemma, verb.particle, verb.preposition)
        if verb.block in GIVING_BLOCKS and not verb.particle and not verb.preposition and key not in seen:
            seen.add(key)
            if verb.lemma in DROPPED:
                yield verb.lemma, "", "", code, verb.block, "none", "giving", DROPPED[verb.lemma]
            else:
                yield verb.lemma, "", "", code, verb.block, "backs", "giving", ""
            continue
        if relation is None or key in seen:
            continue
        seen.add(key)
        reason = DROPPED_BLOCKS.get(verb.block) or DROPPED_PARTICLES.get((verb.lemma, verb.particle or verb.preposition))
        if not verb.particle and not verb.preposition:
            reason = reason or DROPPED.get(verb.lemma)
        if reason:
            yield verb.lemma, verb.particle, verb.preposition, code, verb.block, "none", family, reason
            continue
        kept_blocks.add(verb.block)
        if verb.preposition:
            family = "prep"
        yield verb.lemma, verb.particle, verb.preposition, code, verb.block, relation, family, ""
    by_block: dict[str, list[Verb]] = {}
    for verb in verbs:
        by_block.setdefault(verb.block, []).append(verb)
    for block, preposition in PARTNER_PREPOSITIONS.items():
        for verb in by_block.get(block, []):
            key = (verb.lemma, "", preposition)
            relation, _, _ = relation_of(verb.code)
            if relation and not verb.particle and verb.lemma not in DROPPED and key not in seen:
                seen.add(key)
                yield verb.lemma, "", preposition, verb.code, block, relation, "prep", ""
    for pattern in patterns:
        if pattern.block not in kept_blocks:
            continue
        relation, _, _ = relation_of(pattern.code)
        for verb in by_block[pattern.block]:
            own, _, _ = relation_of(LEMMA_CODES.get(verb.lemma, verb.code))
            if verb.particle or verb.preposition or verb.lemma in DROPPED or own is None or verb.own_code:
                continue
            if pattern.preposition and not pattern.prepositional_objects and not pattern.objects \
                    and not pattern.particle and relation and relation != own:
                # "- * (AGAINST) [110]" in a cooperation block: "cooperate against Y" opposes Y
                key = (verb.lemma, "", pattern.preposition)
                if key not in seen:
                    seen.add(key)
                    yield verb.lemma, "", pattern.preposition, pattern.code, pattern.block, relation, "prep", ""
            elif pattern.particle and not pattern.objects and relation != own and pattern.names(verb):
                # "- * DOWN [080] # BACK": "back down" is yielding, not backing
                key = (verb.lemma, pattern.particle, "")
                if key not in seen:
                    seen.add(key)
                    yield (verb.lemma, pattern.particle, "", pattern.code, pattern.block, "none", "particle",
                           "the particle makes it another event")


def object_rows(verbs: list[Verb], patterns: list[Pattern], stance_blocks: set[str]) -> Iterator[tuple[str, ...]]:
    """cameo_objects.tsv rows: verb, particle, object, cameo, block, relation, family."""
    by_block: dict[str, list[Verb]] = {}
    for verb in verbs:
        by_block.setdefault(verb.block, []).append(verb)
    seen: set[tuple[str, str, str, str]] = set()
    for pattern in patterns:
        relation, _, _ = relation_of(pattern.code)
        nouns = pattern.objects
        if pattern.block in WARNING_BLOCKS and pattern.preposition in ("of", "about", "against") and not nouns:
            nouns += pattern.prepositional_objects  # "- * (OF {COLLECTIVE ACTION}) [130] # WARN"
        for noun in nouns:
            rows: list[tuple[str, str, str, str]] = []
            if pattern.code.startswith(SEVERANCE_CODES) and noun in SEVERANCE_NOUNS:
                nouns = next((sorted(c) for c in SEVERANCE_CLASSES if noun in c), [noun])
                cutters = [v for v in by_block[pattern.block] if not v.preposition
                           and v.lemma not in SEVERANCE_VERBS_DROPPED
                           and (pattern.block in SEVERANCE_BLOCKS
                                or (pattern.block in SEVERANCE_BLOCKS_BY_COMMENT and pattern.names(v)))]
                rows = [(v.lemma, v.particle or pattern.particle, n, "severance") for v in cutters for n in nouns
                        if not (v.particle and pattern.particle)]
            elif pattern.code.startswith("13") and pattern.block in WARNING_BLOCKS and noun not in WARNING_NOUNS_DROPPED:
                rows = [(v.lemma, "", noun, "warning") for v in by_block[pattern.block] if pattern.names(v)]
            elif pattern.code.startswith(STANCE_CODES) and pattern.block in stance_blocks \
                    and noun not in STANCE_NOUNS_DROPPED and not pattern.particle:
                rows = [("*", "", noun, "stance")]
            elif pattern.code.startswith(GIVING_CODES) and pattern.block in GIVING_BLOCKS | {"OFFER", "EXTEND"} \
                    and noun not in GIVING_NOUNS_DROPPED:
                rows = [("*", "", noun, "giving")]
            for lemma, particle, obj, family in rows:
                key = (lemma, particle, obj, family)
                if key not in seen:
                    seen.add(key)
                    yield lemma, particle, obj, pattern.code, pattern.block, relation or "", family


def derive(text: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Both tables from the dictionary's text."""
    verbs, patterns, _ = read_cameo(text)
    verb_table = list(verb_rows(verbs, patterns))
    stance_blocks = {row[4] for row in verb_table if row[6] == "stance" and row[5] != "none"}
    return verb_table, list(object_rows(verbs, patterns, stance_blocks))


def write(path: Path, header: str, rows: list[tuple[str, ...]]) -> None:
    lines = [f"# {line}" for line in NOTICE] + [f"# {header}"]
    lines += ["\t".join(row) for row in sorted(rows)]
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temporary.replace(path)


EXAMPLE = """\
####### SYNONYM SETS #######
&PROPOSAL
+PROPOSAL
+SUGGESTION
####### VERB PATTERNS #######
---  REFUSE   [---]  ---
+RULE_OUT
REJECT
SPURN [110]
- * &PROPOSAL                                         [120]         # REJECT
"""


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    source = Path(argv[1])
    folder = Path(argv[2]) if len(argv) > 2 else Path(__file__).resolve().parents[1] / "ontology" / "lexicon"
    try:
        text = source.read_text(encoding="latin-1")
    except OSError as error:
        print(f"{source}: cannot read ({error.strerror})", file=sys.stderr)
        return 1
    verb_table, object_table = derive(text)
    write(folder / "cameo_verbs.tsv", "lemma\tparticle\tpreposition\tcameo\tblock\trelation\tfamily\tnote", verb_table)
    write(folder / "cameo_objects.tsv", "verb\tparticle\tobject\tcameo\tblock\trelation\tfamily", object_table)
    kept = sum(1 for row in verb_table if row[5] != "none")
    print(f"{folder}: {kept} verbs kept, {len(verb_table) - kept} dropped, {len(object_table)} object rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
