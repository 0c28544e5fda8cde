"""Knowledge about the world and about the language, read from ``ontology/lexicon/``.

Everything the extractor knows by name (countries, their demonyms and capitals,
organisations, armed groups, role titles, trigger words) is data in that folder;
code only says how to use it. The trigger words of ``triggers.json`` are kg's own; the
event coders' verbs of ``cameo_verbs.tsv`` and ``cameo_objects.tsv`` (derived from PETRARCH2's
CAMEO dictionary by ``tools/derive_cameo.py``) extend them.

>>> lexicon = load_lexicon()
>>> lexicon.country_of("Turkish")
'TUR'
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.namespaces import ontology_dir


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    metonyms: tuple[str, ...]


@dataclass(frozen=True)
class NamedBody:
    """An organisation or armed group known by name."""

    name: str
    aliases: tuple[str, ...]
    country: str | None


@dataclass(frozen=True)
class EventVerb:
    """A verb of the event coders' dictionary and how kg reads it (a row of ``cameo_verbs.tsv``).

    ``relation`` is "none" for a verb kept out, with the reason in ``note``; ``family`` says how
    its arguments are read: "verb", "stance", "prep", "giving", or "particle" (a particle that
    turns the verb into another event: "back down").
    """

    lemma: str
    particle: str
    preposition: str
    cameo: str
    block: str  # CAMEO's synonym block ("REFUSE")
    relation: str
    family: str
    note: str = ""


@dataclass(frozen=True)
class EventObject:
    """A verb's object that makes an event (a row of ``cameo_objects.tsv``): "recall" + "ambassador";
    ``verb`` "*" for a noun any verb of the family takes ("proposal" for the stance verbs)."""

    verb: str
    particle: str
    noun: str
    cameo: str
    block: str
    relation: str
    family: str


@dataclass
class Lexicon:
    countries: dict[str, Country] = field(default_factory=dict)  # by code
    organizations: list[NamedBody] = field(default_factory=list)
    armed_groups: list[NamedBody] = field(default_factory=list)
    state_organs: list[NamedBody] = field(default_factory=list)  # named forces and agencies: the state itself
    state_bodies: dict[str, str] = field(default_factory=dict)  # lowercase phrase -> meaning
    roles: dict[str, str] = field(default_factory=dict)  # lowercase title -> role id
    spelling: dict[str, str] = field(default_factory=dict)  # lowercase variant -> canonical
    triggers: dict = field(default_factory=dict)
    modality: dict = field(default_factory=dict)
    heads: dict = field(default_factory=dict)
    event_verbs: tuple[EventVerb, ...] = ()
    event_objects: tuple[EventObject, ...] = ()
    _country_index: dict[str, str] = field(default_factory=dict)  # any surface -> code

    def country_of(self, text: str) -> str | None:
        """The country code a name, demonym, capital or seat of power stands for."""
        return self._country_index.get(_fold(text))

    def role_of(self, title: str) -> str | None:
        return self.roles.get(_fold(title))

    def respell(self, word: str) -> str:
        return self.spelling.get(word.lower(), word.lower())

    def names_by_key(self) -> dict[str, tuple[str, ...]]:
        """Every name the lexicon knows for a thing, by the mention key the extractor gives it.

        >>> load_lexicon().names_by_key()["group:Islamic State"][:3]
        ('Islamic State', 'ISIS', 'ISIL')
        """
        names = {f"country:{c.code}": (c.name, *c.aliases) for c in self.countries.values()}
        for prefix, bodies in (("org", self.organizations), ("group", self.armed_groups)):
            for body in bodies:
                names[f"{prefix}:{body.name}"] = (body.name, *body.aliases)
        return names


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).lower()


def _split(cell: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in cell.split("|") if v.strip())


def _rows(path: Path):
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row and not row[0].startswith("#") and any(c.strip() for c in row):
                yield row + [""] * 8


def _read_countries(folder: Path) -> dict[str, Country]:
    countries = {}
    for row in _rows(folder / "countries.tsv"):
        code = row[0].strip()
        countries[code] = Country(code, row[1].strip(), _split(row[2]), _split(row[3]), _split(row[4]), _split(row[5]))
    return countries


def _read_bodies(path: Path, country_column: int) -> list[NamedBody]:
    return [NamedBody(row[0].strip(), _split(row[1]), row[country_column].strip() or None) for row in _rows(path)]


def _read_multimap(path: Path, *, key_column: int, values_column: int) -> dict[str, str]:
    """Each value of the ``|``-separated cell maps to the key cell."""
    mapping = {}
    for row in _rows(path):
        for value in _split(row[values_column]):
            mapping[_fold(value)] = row[key_column].strip()
    return mapping


def _read_event_verbs(path: Path) -> tuple[EventVerb, ...]:
    return tuple(EventVerb(*(cell.strip() for cell in row[:8])) for row in _rows(path))


def _read_event_objects(path: Path) -> tuple[EventObject, ...]:
    return tuple(EventObject(*(cell.strip() for cell in row[:7])) for row in _rows(path))


def _country_index(countries: dict[str, Country]) -> dict[str, str]:
    index = {}
    for country in countries.values():
        for surface in (country.name, *country.aliases, *country.demonyms, *country.capitals, *country.metonyms):
            index.setdefault(_fold(surface), country.code)
    return index


@lru_cache(maxsize=4)
def load_lexicon(folder: str | None = None) -> Lexicon:
    """Read every lexicon file of ``folder`` (default ``ontology/lexicon``)."""
    base = Path(folder) if folder else ontology_dir() / "lexicon"
    countries = _read_countries(base)
    lexicon = Lexicon(
        countries=countries,
        organizations=_read_bodies(base / "organizations.tsv", 2),
        armed_groups=_read_bodies(base / "armed_groups.tsv", 2),
        state_organs=_read_bodies(base / "state_organs.tsv", 2),
        state_bodies=_read_multimap(base / "state_bodies.tsv", key_column=1, values_column=0),
        roles=_read_multimap(base / "roles.tsv", key_column=0, values_column=1),
        spelling={_fold(r[0]): r[1].strip().lower() for r in _rows(base / "spelling.tsv")},
        triggers=json.loads((base / "triggers.json").read_text(encoding="utf-8")),
        modality=json.loads((base / "modality.json").read_text(encoding="utf-8")),
        heads=json.loads((base / "mention_heads.json").read_text(encoding="utf-8")),
        event_verbs=_read_event_verbs(base / "cameo_verbs.tsv"),
        event_objects=_read_event_objects(base / "cameo_objects.tsv"),
    )
    lexicon._country_index = _country_index(countries)
    return lexicon
