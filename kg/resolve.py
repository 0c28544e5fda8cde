"""The resolve stage: mentions from all documents become entities, claims become assertions.

Rules, in order:
- people: full names group by their transliteration skeleton ("Khulusi Akar" = "Hulusi Akar",
  "Erdoğan" = "Erdogan"); a surname alone joins the full name it matches in the same
  article, else the only one it matches in the corpus; a title alone ("the Turkish
  President") joins whoever the corpus names with that title most often;
- states: every reference to a state (name, capital, demonym + forces/ministry, "X regime")
  carries ``country:<code>`` and resolves to one node; "Assad regime" resolves to the state
  of the person's title, the person himself staying a separate node;
- agreements and events: keys of their distinguishing words; a key that is a subset of
  exactly one other key of the same family joins it ("Berlin Conference" and
  "International Berlin Conference on Libya"). A description, not a name ("a ceasefire between
  Chile and Peru"), joins only an equal key: the same family, words (its parties) and date
  (``MentionKey.described``); one with fewer than two parties or no date stays in its article.

>>> from kg.model import Mention, EntityKind
>>> people = [Mention("a", 0, 12, "Hulusi Akar", EntityKind.PERSON, "person:hulusi akar", "Hulusi Akar"),
...           Mention("a", 20, 24, "Acar", EntityKind.PERSON, "person:acar", "Acar")]
>>> resolver = Resolver()
>>> resolver.add_mentions(people)
>>> resolver.entity_of(people[1]).label
'Hulusi Akar'
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz

from kg.lexicon import Lexicon, load_lexicon
from kg.mention_key import WORD_KEYED, MentionKey, Namespace
from kg.model import Assertion, Claim, Document, Entity, EntityKind, KnowledgeGraph, Mention
from kg.schema import joins

SKELETON_RULES = [("kh", "h"), ("ph", "f"), ("q", "k"), ("c", "k"), ("w", "v"), ("j", "y"), ("dh", "d"), ("th", "t")]


def ascii_fold(text: str) -> str:
    """Lower case without accents: ``ascii_fold("Erdoğan") == "erdogan"``."""
    if text.isascii():  # NFKD leaves ASCII as it is; most names are
        return text.lower()
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def skeleton(word: str) -> str:
    """A transliteration-tolerant key: first letter, then consonants ("Khulusi" -> "hls", "Acar" -> "akr").

    >>> skeleton("Erdoğan") == skeleton("Erdogan")
    True
    """
    word = re.sub(r"[^a-z]", "", ascii_fold(word))
    for old, new in SKELETON_RULES:
        word = word.replace(old, new)
    if not word:
        return ""
    rest = re.sub(r"[aeiouy]", "", word[1:])
    first = "a" if word[0] in "aeiouy" else word[0]
    return re.sub(r"(.)\1+", r"\1", first + rest)


# Resolution asks for the skeleton and fold of the same few thousand names millions of times,
# and reads the fields of the same keys (``Mention.key`` and group ids are their text) as often.
_skeleton = lru_cache(maxsize=1 << 16)(skeleton)
_fold = lru_cache(maxsize=1 << 16)(ascii_fold)
_key = lru_cache(maxsize=1 << 16)(MentionKey.parse)


def slugify(text: str) -> str:
    """A readable id from a label: ``"Recep Tayyip Erdoğan" -> "recep-tayyip-erdogan"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_fold(text)).strip("-")
    # Names in other scripts ("حزب الله", "习近平") keep a stable id of their own.
    return slug or "n" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _digest(key: str) -> str:
    """Six hex digits of a key: ``_digest("person:ali")`` is the same in every build."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]


MAX_ID_CHARS = 64


def _bounded(slug: str, key: str) -> str:
    """``slug`` cut to ``MAX_ID_CHARS`` at a word, with the key's digest when it was cut."""
    if len(slug) <= MAX_ID_CHARS:
        return slug
    return f"{slug[:MAX_ID_CHARS - 7].rsplit('-', 1)[0]}-{_digest(key)}"


def _name_words(name: str, particles: frozenset[str] = frozenset()) -> list[str]:
    """The words of a person's name that identify them: "Bashar al-Assad" -> ["Bashar", "Assad"].

    Particles (al-, bin, von, ...) come from ``ontology/lexicon/mention_heads.json``.
    """
    words = []
    for word in re.split(r"\s+", name.strip()):
        head, _, rest = word.partition("-")
        if rest and ascii_fold(head) in particles:
            word = rest
        if word and word[0].isalpha() and ascii_fold(word) not in particles:
            words.append(word)
    return words


def _same_person(a: list[str], b: list[str]) -> bool:
    """Two full names of one person: same surname skeleton and compatible given names."""
    if not a or not b or _skeleton(a[-1]) != _skeleton(b[-1]):
        return False
    first_a = {_skeleton(w) for w in a[:-1]}
    first_b = {_skeleton(w) for w in b[:-1]}
    if not first_a or not first_b or first_a & first_b:
        return True
    return fuzz.ratio(" ".join(a[:-1]).lower(), " ".join(b[:-1]).lower()) >= 70


def _surname_matches(word: str, full: list[str]) -> bool:
    """A lone surname that may stand for a full name: same skeleton, or close in spelling."""
    if not full:
        return False
    surname = full[-1]
    if _skeleton(word) == _skeleton(surname):
        return True
    return _spelled_alike(_fold(word), _fold(surname))


def _spelled_alike(a: str, b: str) -> bool:
    return fuzz.ratio(a, b) >= 80


# Folded surnames up to this many letters are indexed by their deletions (at most a third of
# them: 4 for 14 letters, ~1,500 variants); longer ones, rare, are compared one by one.
_MAX_INDEXED = 14


def _deletions(word: str, most: int) -> set[str]:
    """``word`` with up to ``most`` characters left out: ``_deletions("abc", 1) == {"abc", "bc", "ac", "ab"}``."""
    found, level = {word}, {word}
    for _ in range(most):
        level = {w[:i] + w[i + 1:] for w in level for i in range(len(w))}
        found |= level
    return found


class _SurnameIndex:
    """The full names a lone surname may stand for (``_surname_matches``), without trying them all.

    A surname matches by skeleton (a dict lookup) or by spelling, ``fuzz.ratio >= 80``: two
    strings whose longest common subsequence has at least 0.4 of their summed lengths, so
    neither lost more than a third of its characters to it. Each folded surname is indexed
    under its variants with up to a third of its characters deleted; a word's own variants
    then meet every surname it may match, and only those are scored.

    >>> index = _SurnameIndex({"person:anika dorvalt": ["Anika", "Dorvalt"], "person:tomas vrel": ["Tomas", "Vrel"]})
    >>> index.owners("Vral"), index.owners("Dorvalti"), index.owners("Dorwald")  # skeleton, spelling, neither
    (('person:tomas vrel',), ('person:anika dorvalt',), ())
    """

    def __init__(self, full: dict[str, list[str]]):
        self._by_skeleton: dict[str, set[str]] = defaultdict(set)  # skeleton of the surname -> group ids
        self._by_fold: dict[str, set[str]] = defaultdict(set)  # folded surname -> group ids
        for gid, words in full.items():
            if words:
                self._by_skeleton[_skeleton(words[-1])].add(gid)
                self._by_fold[_fold(words[-1])].add(gid)
        self._by_variant: dict[str, list[str]] = defaultdict(list)  # deletion variant -> folded surnames
        self._long: list[str] = []
        for fold in self._by_fold:
            if len(fold) > _MAX_INDEXED:
                self._long.append(fold)
            else:
                for variant in _deletions(fold, len(fold) // 3):
                    self._by_variant[variant].append(fold)
        self._owners: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}

    def owners(self, word: str) -> tuple[str, ...]:
        """The group ids whose surname ``word`` matches, sorted."""
        return self._lookup(word)[0]

    def owner_set(self, word: str) -> frozenset[str]:
        return self._lookup(word)[1]

    def _lookup(self, word: str) -> tuple[tuple[str, ...], frozenset[str]]:
        found = self._owners.get(word)
        if found is None:
            gids = set(self._by_skeleton.get(_skeleton(word), ()))
            fold = _fold(word)
            if len(fold) > _MAX_INDEXED:
                candidates = set(self._by_fold)
            else:
                candidates = {f for v in _deletions(fold, len(fold) // 3) for f in self._by_variant.get(v, ())}
                candidates.update(self._long)
            for candidate in candidates:
                if _spelled_alike(fold, candidate):
                    gids |= self._by_fold[candidate]
            found = self._owners[word] = (tuple(sorted(gids)), frozenset(gids))
        return found


class Resolver:
    """Collects mentions from many documents and assigns each to one entity."""

    def __init__(self, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or load_lexicon()
        self.particles = frozenset(self.lexicon.heads.get("name_particles", ()))
        self.mentions: list[Mention] = []
        self._entity_of_key: dict[str, str] | None = None
        self._entities: dict[str, Entity] = {}
        self._name_words: dict[str, list[str]] = {}
        self._lexicon_names = self.lexicon.names_by_key()  # "org:United Nations" -> its names and aliases

    def _key_words_in(self, surface: str) -> set[str]:
        """The words of a surface as agreement/event keys spell them ("Libya" -> "LBY", "defence" -> "defense")."""
        words = set()
        for word in re.findall(r"[\w'-]+", surface):
            folded = ascii_fold(word)
            words.add(self.lexicon.country_of(word) or self.lexicon.respell(folded))
            words.add(self.lexicon.respell(folded.rstrip("s")))
        return words

    def _words(self, name: str) -> list[str]:
        words = self._name_words.get(name)
        if words is None:
            words = self._name_words[name] = _name_words(name, self.particles)
        return words

    def add_mentions(self, mentions: Iterable[Mention]) -> None:
        self.mentions.extend(mentions)
        self._entity_of_key = None

    # --- grouping ----------------------------------------------------------------------

    def _resolve(self) -> None:
        groups: dict[str, str] = {}  # mention key (with doc for surnames) -> group id
        labels: dict[str, Counter] = defaultdict(Counter)
        kinds: dict[str, EntityKind] = {}
        surnames = self._group_people(groups)
        self._group_roles(groups, surnames)
        keys = [self._group_key(mention) for mention in self.mentions]
        for key in keys:
            groups.setdefault(key, key)
        self._merge_subset_keys(groups)
        for mention, key in zip(self.mentions, keys):
            gid = groups[key]
            kinds.setdefault(gid, self._kind_of_group(gid, mention))
            # Titles ("the French President") are other names of a person, never the label.
            title = _key(mention.key).namespace == Namespace.ROLE
            labels[gid][mention.name] += 0 if mention.name is None or title else 1
            if mention.name and mention.text != mention.name and " " in mention.text \
                    and _key(mention.key).namespace in WORD_KEYED:
                labels[gid][mention.text] += 0  # a description's label is built; the phrase as written is another name
        self._build_entities(groups, labels, kinds, keys)

    @staticmethod
    def _group_key(mention: Mention) -> str:
        key = _key(mention.key)
        # One-word person names are resolved per document: "Akar" may be two people in two articles.
        if mention.kind == EntityKind.PERSON and key.namespace == Namespace.PERSON and " " not in key.name:
            return str(key.in_document(mention.doc_id))
        # Descriptions with no proper name ("a peace deal") only name something within their article.
        if key.local:
            return str(key.in_document(mention.doc_id))
        return mention.key

    def _group_people(self, groups: dict[str, str]) -> _SurnameIndex:
        """Full names cluster; surnames join a full name. Returns the full names, indexed by surname.

        A full name joins the first known one it is ``_same_person`` with, in the order they
        were first seen; only names of the same surname skeleton can be, so only those are tried.
        """
        full: dict[str, list[str]] = {}  # group id -> name words
        seen: dict[str, int] = {}  # group id -> when first seen: the order of ``full``
        by_surname: dict[str, list[str]] = defaultdict(list)  # surname skeleton -> group ids, as in ``full``

        def put(gid: str, words: list[str]) -> None:
            old = full.get(gid)
            full[gid] = words
            if old is not None and _skeleton(old[-1]) == _skeleton(words[-1]):
                return
            if old is None:
                seen[gid] = len(seen)
            else:  # a new name whose id an older, other-surnamed group already has (ids are folded)
                by_surname[_skeleton(old[-1])].remove(gid)
            bucket = by_surname[_skeleton(words[-1])]
            bucket.append(gid)
            if len(bucket) > 1 and seen[bucket[-2]] > seen[gid]:
                bucket.sort(key=seen.__getitem__)

        by_doc: dict[str, set[str]] = defaultdict(set)
        for mention in self.mentions:
            if mention.kind != EntityKind.PERSON or _key(mention.key).namespace != Namespace.PERSON:
                continue
            words = self._words(mention.name or mention.text)
            if len(words) < 2:
                continue
            gid = next((g for g in by_surname.get(_skeleton(words[-1]), ()) if _same_person(full[g], words)), None)
            if gid is None:
                gid = str(MentionKey.person(" ".join(_fold(w) for w in words)))
                put(gid, words)
            elif len(words) > len(full[gid]):
                put(gid, words)
            groups[mention.key] = gid
            by_doc[mention.doc_id].add(gid)
        surnames = _SurnameIndex(full)
        for mention in self.mentions:
            if mention.kind != EntityKind.PERSON or _key(mention.key).namespace != Namespace.PERSON \
                    or mention.key in groups:
                continue
            words = self._words(mention.name or mention.text)
            if len(words) != 1:
                continue
            owners = surnames.owner_set(words[0])
            local = sorted(owners & by_doc[mention.doc_id])  # owners are few; a long article names many people
            anywhere = surnames.owners(words[0]) if len(local) != 1 else ()
            choice = local[0] if len(local) == 1 else (anywhere[0] if len(anywhere) == 1 else None)
            groups[self._group_key(mention)] = choice or str(MentionKey.person(_fold(words[0])))
        return surnames

    def _group_roles(self, groups: dict[str, str], surnames: _SurnameIndex) -> None:
        """ "the Turkish President" -> the person most often titled so; "Assad regime" -> his state."""
        holders: dict[str, Counter] = defaultdict(Counter)
        countries: dict[str, Counter] = defaultdict(Counter)
        for mention in self.mentions:
            if mention.role and _key(mention.key).namespace == Namespace.PERSON:
                gid = groups.get(self._group_key(mention))
                if gid:
                    holders[mention.role][gid] += 1
                    countries[gid][MentionKey.from_title(mention.role).code] += 1
        self._person_country = {gid: c.most_common(1)[0][0] for gid, c in countries.items()}
        # The most frequent holder, ties to the first id (min of (-count, id)).
        holder = {role: min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] for role, counts in holders.items()}
        for mention in self.mentions:
            key = _key(mention.key)
            if key.namespace == Namespace.ROLE:
                if key.title in holder:
                    groups[mention.key] = holder[key.title]
            elif key.namespace == Namespace.GOVERNMENT_OF:
                leader = key.leader
                gid = groups.get(str(leader)) or groups.get(str(leader.in_document(mention.doc_id)))
                if gid is None:
                    # A leader by name may be known by the surname alone; one by title ("the
                    # Syrian President's government") has no surname to look up.
                    words = leader.name.split()
                    matches = surnames.owners(words[-1]) if words else ()
                    gid = matches[0] if len(matches) == 1 else None
                code = self._person_country.get(gid) if gid else None
                groups[mention.key] = str(MentionKey.country(code) if code else
                                          MentionKey.government_of(_key(gid) if gid else leader))


    def _merge_subset_keys(self, groups: dict[str, str]) -> None:
        """An agreement/event name's key whose words are a subset of exactly one other name's key joins it;
        descriptions neither join nor are joined: "a ceasefire between A and B" in May is not "the
        ceasefire between A, B and C" in May, nor the "A-B ceasefire" some article names."""
        named = {g: _key(g) for g in groups.values()}
        keys = sorted(g for g, key in named.items() if key.namespace in WORD_KEYED and not key.described)
        parsed = {k: (named[k].namespace, named[k].family, set(named[k].words)) for k in keys}
        having: dict[tuple[str, str, str], list[str]] = defaultdict(list)  # (kind, family, word) -> keys
        for key, (kind, family, words) in parsed.items():
            for word in words:
                having[kind, family, word].append(key)
        target = {}
        for key, (kind, family, words) in parsed.items():
            if not words:
                continue
            # A superset has every word, so the keys with the rarest one hold them all.
            rarest = min((having[kind, family, word] for word in words), key=len)
            supersets = [o for o in rarest if o != key and words < parsed[o][2]]
            if len(supersets) == 1:
                target[key] = supersets[0]
        for mention_key, gid in list(groups.items()):
            while gid in target:
                gid = target[gid]
            groups[mention_key] = gid

    def _kind_of_group(self, gid: str, mention: Mention) -> EntityKind:
        namespace = _key(gid).namespace
        if namespace in (Namespace.COUNTRY, Namespace.GOVERNMENT_OF):
            return EntityKind.COUNTRY
        if namespace == Namespace.PERSON:
            return EntityKind.PERSON
        return mention.kind

    # --- entities ------------------------------------------------------------------------

    def _label(self, gid: str, surfaces: Counter, kind: EntityKind) -> str:
        key = _key(gid)
        if key.namespace == Namespace.COUNTRY:
            country = self.lexicon.countries.get(key.code)
            if country:
                return country.name
        if key.namespace == Namespace.GROUP and key.family:  # a group known by a common noun: "group:rebels:SDN"
            country = self.lexicon.countries.get(key.code)
            if country and country.demonyms:
                return f"{country.demonyms[0]} {key.family}"
        if key.namespace in (Namespace.ORG, Namespace.GROUP) and not key.family:  # a name from the lexicon
            return key.name
        surfaces = Counter({s: n for s, n in surfaces.items() if s and n}) or Counter({s: 1 for s in surfaces if s})
        if not surfaces:
            return key.last_field
        if kind == EntityKind.PERSON and key.namespace == Namespace.PERSON:
            named = [s for s in surfaces if len(self._words(s)) >= 2]
            if named:
                return max(named, key=lambda s: (len(self._words(s)), surfaces[s], s.isascii(), s))
        if kind in (EntityKind.AGREEMENT, EntityKind.EVENT):
            # A proper name over a description, no dates in it, the one that says most of what
            # identifies it, then the most used, then the shortest.
            key_words = set(key.words)
            return max(surfaces, key=lambda s: (any(c.isupper() for c in s), not any(c.isdigit() for c in s),
                                                len(self._key_words_in(s) & key_words), surfaces[s], -len(s), s))
        return max(surfaces, key=lambda s: (surfaces[s], any(c.isupper() for c in s), len(s), s))

    def _entity_ids(self, labels: dict[str, str]) -> dict[str, str]:
        """A stable id for each group, a function of the group's own key alone.

        Never of the order of groups nor of how often a surface was seen, so adding articles to a
        corpus never moves an id to another thing: lexicon things (states, organisations, armed
        groups) by their lexicon name, people by their name key, agreements and events by their
        distinguishing words and family ("gaza-ceasefire"), descriptions of one article
        ("local-" keys) with a digest of the key, which holds the document. Ids that would be
        shared by different keys all take a digest of their key.
        """
        wanted = {gid: _bounded(self._readable_id(gid, labels[gid]), gid) for gid in labels}
        holders = Counter(wanted.values())
        return {gid: slug if holders[slug] == 1 else f"{slug}-{_digest(gid)}" for gid, slug in wanted.items()}

    def _readable_id(self, gid: str, label: str) -> str:
        key = _key(gid)
        if key.namespace in (Namespace.COUNTRY, Namespace.ORG, Namespace.GROUP):
            return slugify(label)  # the lexicon's name, or "Sudanese rebels" for group:rebels:SDN
        if key.namespace in WORD_KEYED:
            # Country codes among the words read as the country: "armenia-azerbaijan-declaration".
            names = [self.lexicon.countries[w].name if w in self.lexicon.countries else w for w in key.words]
            slug = slugify(" ".join(filter(None, names + [key.family, key.date])))
            return f"{slug}-{_digest(gid)}" if key.local else slug
        if key.namespace == Namespace.GOVERNMENT_OF:
            return "government-of-" + slugify(key.leader.last_field)
        if key.namespace == Namespace.ROLE:  # a title no one in the corpus is named with
            return slugify(key.title)
        return slugify(key.name or label)

    def _build_entities(self, groups: dict[str, str], labels: dict[str, Counter], kinds: dict[str, EntityKind],
                        keys: list[str]) -> None:
        self._entities, self._entity_of_key = {}, {}
        chosen = {gid: self._label(gid, labels[gid], kinds[gid]) for gid in sorted(labels)}
        ids = self._entity_ids(chosen)
        for gid, label in chosen.items():
            known = self._lexicon_names.get(gid, ())
            alt = {s for s in (*labels[gid], *known) if s and s != label}
            gid_key = _key(gid)
            code = gid_key.code if gid_key.namespace == Namespace.COUNTRY else None
            identifier = code if code in self.lexicon.countries else None
            self._entities[gid] = Entity(ids[gid], kinds[gid], label, alt, identifier=identifier)
        for key, gid in groups.items():
            if gid in self._entities:
                self._entity_of_key[key] = gid
        for mention, key in zip(self.mentions, keys):
            self._entities[groups[key]].documents.add(mention.doc_id)
        self._groups = groups

    def entity_of(self, mention: Mention) -> Entity:
        if self._entity_of_key is None:
            self._resolve()
        return self._entities[self._groups[self._group_key(mention)]]


def resolve(documents: list[Document], mentions: Iterable[Mention], claims: Iterable[Claim],
            lexicon: Lexicon | None = None) -> KnowledgeGraph:
    """Entities for all mentions, assertions for all claims; only entities that take part
    in a relation (or speak one) become nodes."""
    claims = list(claims)
    resolver = Resolver(lexicon)
    resolver.add_mentions(mentions)
    resolver.add_mentions(m for c in claims for m in (c.subject, c.object, c.evidence.speaker) if m is not None)
    assertions, used = [], {}
    for claim in claims:
        subject, obj = resolver.entity_of(claim.subject), resolver.entity_of(claim.object)
        # A node can take another kind than its mention's (a key that names a state is a Country):
        # keep only what the relation's domain and range allow.
        if subject.entity_id == obj.entity_id or not joins(claim.relation, subject.kind, obj.kind):
            continue
        speaker = resolver.entity_of(claim.evidence.speaker) if claim.evidence.speaker else None
        if speaker is not None and not speaker.kind.is_actor:
            speaker = None
        assertions.append(Assertion(subject.entity_id, claim.relation, obj.entity_id, claim.evidence,
                                    speaker.entity_id if speaker else None))
        for entity in (subject, obj, speaker):
            if entity is not None:
                used[entity.entity_id] = entity
    assertions.sort(key=lambda a: (a.evidence.doc_id, a.evidence.start, a.subject_id, a.relation.value, a.object_id))
    return KnowledgeGraph(documents=list(documents), entities=dict(sorted(used.items())), assertions=assertions)
