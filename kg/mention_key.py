"""What a mention stands for, as resolution groups on it: one typed key, written once, read by field.

A ``MentionKey`` is built by the extractor from one of the constructors below and read by field
(``key.namespace``, ``key.code``, ``key.words``...). Its text, ``str(key)``, is what a ``Mention``
carries (``Mention.key``), what the extraction cache stores and what the ids of entities are
digested from; ``MentionKey.parse`` reads it back. The grammar of that text::

    key     := body ["@" document]            the key counts only within that article
    body    := "country:" code                a state (ISO 3166-1 alpha-3, from the lexicon)
             | "role:" code ":" role          whoever holds a title ("the Turkish President")
             | "person:" name                 a person, by the folded name
             | "org:" name                    an organisation the lexicon knows, by its name there
             | "group:" name                  an armed group the lexicon knows, by its name there
             | "group:" family ":" code       a state's armed groups by a common noun ("Sudanese rebels")
             | "named-org:" name              an organisation the lexicon does not know, folded
             | "government-of:" body          a state called after its leader ("Assad regime")
             | ["local-"] thing ":" family ":" words [":" date]
    thing   := "agreement" | "event"          ``local-``: a description that names it in one article only
    words   := [word *("+" word)]             its distinguishing words, sorted (country codes as codes)
    date    := ISO 8601 year or year-month    a description's date: it merges across articles only
                                              with one of the same family, words and date

A name is everything after the namespace up to an ``@``; codes, roles, families, words and dates hold
no ``:``, ``+`` or ``@`` (they come from the lexicon and from folded words).

>>> str(MentionKey.holder_of("TUR", "president"))
'role:TUR:president'
>>> key = MentionKey.parse("local-agreement:ceasefire:idlib+TUR@d1")
>>> key.namespace.value, key.family, key.words, key.local, key.document
('agreement', 'ceasefire', ('idlib', 'TUR'), True, 'd1')
>>> dated = MentionKey.parse("agreement:ceasefire:CHL+PER:2024-05")
>>> dated.words, dated.date, dated.described
(('CHL', 'PER'), '2024-05', True)
>>> MentionKey.parse("government-of:person:bashar al-assad").leader.name
'bashar al-assad'
>>> MentionKey.parse("group:rebels:SDN") == MentionKey.armed_group_of("rebels", "SDN")
True
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from kg.model import EntityKind


class Namespace(str, Enum):
    """What a key names; values are the key's first field."""

    COUNTRY = "country"
    ROLE = "role"
    PERSON = "person"
    ORG = "org"
    GROUP = "group"
    NAMED_ORG = "named-org"
    GOVERNMENT_OF = "government-of"
    AGREEMENT = "agreement"
    EVENT = "event"


_NAMESPACES = {namespace.value: namespace for namespace in Namespace}
WORD_KEYED = frozenset({Namespace.AGREEMENT, Namespace.EVENT})  # a family and distinguishing words
_OF_KIND = {EntityKind.AGREEMENT: Namespace.AGREEMENT, EntityKind.EVENT: Namespace.EVENT}
LOCAL = "local-"
SEPARATOR, WORD_SEPARATOR, DOCUMENT_SEPARATOR = ":", "+", "@"
_RESERVED = (SEPARATOR, WORD_SEPARATOR, DOCUMENT_SEPARATOR)
_DATE = re.compile(r"\d{4}(-\d{2})?")  # a description's date: a year, or a year and month


@dataclass(frozen=True)
class MentionKey:
    """One key of the grammar above; only the fields of its form are set."""

    namespace: Namespace
    name: str = ""  # person, org, named-org, and group by the lexicon's name
    code: str = ""  # country, role, and group by a common noun
    role: str = ""  # role: the lexicon's role id ("president")
    family: str = ""  # agreement and event ("ceasefire", "summit"), group by a common noun ("rebels")
    words: tuple[str, ...] = ()  # agreement and event
    local: bool = False  # agreement and event described, not named: one article's own
    date: str = ""  # agreement and event described, not named, and dated ("2024-05"): merged on equal keys only
    leader: MentionKey | None = None  # government-of: the person (or title) the state is called after
    document: str | None = None  # the article a key counts in alone

    def __post_init__(self):
        if not isinstance(self.namespace, Namespace):  # given as text: "person"
            try:
                object.__setattr__(self, "namespace", Namespace(self.namespace))
            except ValueError:
                raise ValueError(f"not a mention key namespace: {self.namespace!r}") from None
        if (self.local or self.date) and self.namespace not in WORD_KEYED:
            raise ValueError(f"only agreements and events are local or dated, not {self.namespace.value!r}")

    # --- one constructor per form -------------------------------------------------------

    @classmethod
    def country(cls, code: str) -> MentionKey:
        return cls(Namespace.COUNTRY, code=code)

    @classmethod
    def holder_of(cls, code: str, role: str) -> MentionKey:
        """Whoever holds the role ``role`` in the state ``code``."""
        return cls(Namespace.ROLE, code=code, role=role)

    @classmethod
    def from_title(cls, title: str) -> MentionKey:
        """The role key of a title as mentions carry it (``Mention.role``): ``"TUR:president"``."""
        code, sep, role = title.partition(SEPARATOR)
        return cls.holder_of(*_parts(title, code, role if sep else "", of="title (code:role)"))

    @classmethod
    def person(cls, name: str) -> MentionKey:
        return cls(Namespace.PERSON, name=name)

    @classmethod
    def organization(cls, name: str) -> MentionKey:
        return cls(Namespace.ORG, name=name)

    @classmethod
    def armed_group(cls, name: str) -> MentionKey:
        return cls(Namespace.GROUP, name=name)

    @classmethod
    def armed_group_of(cls, family: str, code: str) -> MentionKey:
        """A state's armed groups named by a common noun: ``armed_group_of("rebels", "SDN")``."""
        return cls(Namespace.GROUP, family=family, code=code)

    @classmethod
    def named_org(cls, name: str) -> MentionKey:
        return cls(Namespace.NAMED_ORG, name=name)

    @classmethod
    def government_of(cls, leader: MentionKey) -> MentionKey:
        return cls(Namespace.GOVERNMENT_OF, leader=leader)

    @classmethod
    def named_by(cls, kind: EntityKind, family: str, words: Iterable[str], *, local: bool = False,
                 date: str = "") -> MentionKey:
        """An agreement or event (``kind``) by its family and distinguishing words; a description
        (not a name) is ``local`` to its article or carries its ``date``."""
        return cls(_OF_KIND[kind], family=family, words=tuple(words), local=local, date=date)

    @classmethod
    def agreement(cls, family: str, words: Iterable[str], *, local: bool = False, date: str = "") -> MentionKey:
        return cls.named_by(EntityKind.AGREEMENT, family, words, local=local, date=date)

    @classmethod
    def event(cls, family: str, words: Iterable[str], *, local: bool = False, date: str = "") -> MentionKey:
        return cls.named_by(EntityKind.EVENT, family, words, local=local, date=date)

    def in_document(self, doc_id: str) -> MentionKey:
        """The same key counted within one article only."""
        # Positional, not dataclasses.replace: resolution scopes thousands of keys, replace is 3x slower.
        return MentionKey(self.namespace, self.name, self.code, self.role, self.family, self.words, self.local,
                          self.date, self.leader, doc_id)

    # --- reading ------------------------------------------------------------------------

    @property
    def described(self) -> bool:
        """An agreement or event known by a description ("a ceasefire between A and B"), not a name:
        it joins only keys equal to it, never one whose words hold its own."""
        return self.local or bool(self.date)

    @property
    def title(self) -> str:
        """A role key's title as mentions carry it: ``"TUR:president"``."""
        return f"{self.code}{SEPARATOR}{self.role}"

    @property
    def last_field(self) -> str:
        """What the key ends with: a person's or body's name, a state's code, a role, the words of
        an agreement; a government's, its leader's."""
        if self.leader is not None:
            return self.leader.last_field
        if self.namespace in WORD_KEYED:
            return WORD_SEPARATOR.join(self.words)
        return self.role or self.code or self.name

    def __str__(self) -> str:
        if self.namespace == Namespace.GOVERNMENT_OF:
            body = str(self.leader)
        elif self.namespace == Namespace.ROLE:
            body = self.title
        elif self.namespace in WORD_KEYED:
            body = f"{self.family}{SEPARATOR}{WORD_SEPARATOR.join(self.words)}"
            body += f"{SEPARATOR}{self.date}" if self.date else ""
        elif self.family:
            body = f"{self.family}{SEPARATOR}{self.code}"
        else:
            body = self.code or self.name
        text = f"{LOCAL if self.local else ''}{self.namespace.value}{SEPARATOR}{body}"
        return text if self.document is None else f"{text}{DOCUMENT_SEPARATOR}{self.document}"

    @classmethod
    def parse(cls, text: str) -> MentionKey:
        """The key ``text`` writes; ``ValueError`` when it is not one.

        >>> key = MentionKey.parse("person:akar@d1")
        >>> key == MentionKey.person("akar").in_document("d1"), str(key)
        (True, 'person:akar@d1')
        >>> MentionKey.parse("country")
        Traceback (most recent call last):
        ...
        ValueError: not a mention key: 'country'
        """
        body, at, document = text.partition(DOCUMENT_SEPARATOR)
        key = cls._parse_body(body, text)
        return key.in_document(document) if at else key

    @classmethod
    def _parse_body(cls, body: str, text: str) -> MentionKey:
        prefixed, sep, rest = body.partition(SEPARATOR)
        written = prefixed.removeprefix(LOCAL)
        local, namespace = written != prefixed, _NAMESPACES.get(written)
        if not sep or namespace is None or (local and namespace not in WORD_KEYED):
            raise ValueError(f"not a mention key: {text!r}")
        if namespace in (Namespace.PERSON, Namespace.ORG, Namespace.NAMED_ORG):
            return cls(namespace, name=rest)
        if namespace == Namespace.GOVERNMENT_OF:
            return cls.government_of(cls._parse_body(rest, text))
        head, sep, tail = rest.partition(SEPARATOR)
        if namespace == Namespace.GROUP:
            return cls.armed_group_of(*_parts(text, head, tail)) if sep else cls.armed_group(rest)
        if namespace == Namespace.COUNTRY:
            return cls.country(*_parts(text, rest))
        if not sep:
            raise ValueError(f"not a mention key: {text!r}")
        if namespace == Namespace.ROLE:
            return cls.holder_of(*_parts(text, head, tail))
        tail, dated, date = tail.partition(SEPARATOR)
        words = tuple(tail.split(WORD_SEPARATOR)) if tail else ()
        _parts(text, head, *words)
        if dated and not _DATE.fullmatch(date):
            raise ValueError(f"not a mention key: {text!r}")
        return cls(namespace, family=head, words=words, local=local, date=date)


def _parts(text: str, *parts: str, of: str = "mention key") -> tuple[str, ...]:
    """``parts`` of ``text`` (a mention key, else what ``of`` says), each checked to be a field:
    not empty, no separator in it."""
    if any(not part or any(c in part for c in _RESERVED) for part in parts):
        raise ValueError(f"not a {of}: {text!r}")
    return parts
