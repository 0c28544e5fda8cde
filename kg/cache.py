"""Incremental builds: each document's ``Extraction`` kept as JSON, keyed by a content hash.

The unit of work of a build is "one ``Document`` -> its ``Extraction`` (mentions + claims)".
It depends only on the document and on the extractor (code, lexicon, spaCy pipeline), so it
can be stored and reused: the key of a document is the sha256 of its text and metadata and of
:func:`extractor_version`. A rebuild re-extracts only documents whose key is not in the cache
(new or changed articles), takes the others from it, drops what no longer belongs to the
corpus, and resolves everything again (resolution is global), which gives the same graph as a
full build.

The cache is one SQLite file (``extractions.sqlite``) in a folder beside the output folder,
``<parent of OUT>/.kg-cache/<name of OUT>/``, so the output folder holds only the graph files.

It is checked, never trusted: the database's integrity when it is opened, and each entry when
it is read, against the digest kept with it and against its article (:func:`mismatch`). A
damaged entry is dropped and its article extracted again; a damaged file is set aside
(``extractions.sqlite.damaged``) and a new one started; a cache that cannot be written (a full
or read-only disk) is left alone and the build goes on without it. Each is said in one line
(``on_notice``); none stops the build.

>>> from kg.model import EntityKind
>>> doc = Document("d", "Iran backs Hezbollah.", "d.txt")
>>> iran = Mention("d", 0, 4, "Iran", EntityKind.COUNTRY, "country:IRN", "Iran")
>>> back = extraction_from_json(extraction_to_json(Extraction(doc, [iran], [])), doc)
>>> back.mentions == [iran] and back.document is doc
True
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path

from kg.model import Claim, Document, EntityKind, Evidence, Extraction, Mention, Mode, RelationType

FORMAT = 2  # bump when the JSON layout below changes (2: the date of the evidence)
CACHE_DIR = ".kg-cache"
DB_NAME = "extractions.sqlite"


# --------------------------------------------------------------------------- (de)serialisation


def mention_to_json(mention: Mention) -> dict:
    data = asdict(mention)
    data["kind"] = mention.kind.value
    return data


def mention_from_json(data: dict) -> Mention:
    return Mention(**{**data, "kind": EntityKind(data["kind"])})


def claim_to_json(claim: Claim) -> dict:
    ev = claim.evidence
    return {
        "subject": mention_to_json(claim.subject),
        "relation": claim.relation.value,
        "object": mention_to_json(claim.object),
        "evidence": {
            "doc_id": ev.doc_id, "sentence": ev.sentence, "start": ev.start, "end": ev.end,
            "mode": ev.mode.value, "speaker": mention_to_json(ev.speaker) if ev.speaker else None,
            "date": ev.date, "date_precision": ev.date_precision,
        },
    }


def claim_from_json(data: dict) -> Claim:
    ev = data["evidence"]
    evidence = Evidence(ev["doc_id"], ev["sentence"], ev["start"], ev["end"], Mode(ev["mode"]),
                        mention_from_json(ev["speaker"]) if ev["speaker"] else None, ev["date"], ev["date_precision"])
    return Claim(mention_from_json(data["subject"]), RelationType(data["relation"]),
                 mention_from_json(data["object"]), evidence)


def extraction_to_json(extraction: Extraction) -> str:
    """The mentions and claims of an extraction as compact JSON (the document is not included:
    it is keyed by :func:`document_key` and read again from the input)."""
    return json.dumps({"format": FORMAT,
                       "mentions": [mention_to_json(m) for m in extraction.mentions],
                       "claims": [claim_to_json(c) for c in extraction.claims]},
                      ensure_ascii=False, separators=(",", ":"))


def extraction_from_json(text: str, document: Document) -> Extraction:
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError(f"cached extraction has format {data.get('format')!r}, expected {FORMAT}")
    return Extraction(document, [mention_from_json(m) for m in data["mentions"]],
                      [claim_from_json(c) for c in data["claims"]])


def document_to_json(document: Document) -> dict:
    return asdict(document)


def document_from_json(data: dict) -> Document:
    return Document(**data)


# --------------------------------------------------------------------------- keys


PACKAGE = Path(__file__).resolve().parent  # the installed kg


def source_files(package: Path, lexicon: Path) -> list[tuple[str, Path]]:
    """(name, path) of every file an extraction may depend on: each ``*.py`` of ``package``, named
    ``kg/<path in package>``, and each file of ``lexicon``, named ``lexicon/<path in it>``; sorted
    by name. No list of modules to keep up to date: a new, moved or renamed module is in it.

    >>> [name for name, _ in source_files(PACKAGE, PACKAGE.parent / "ontology" / "lexicon")][:2]
    ['kg/__init__.py', 'kg/__main__.py']
    """
    files = [(f"kg/{path.relative_to(package).as_posix()}", path) for path in package.rglob("*.py")]
    files += [(f"lexicon/{path.relative_to(lexicon).as_posix()}", path) for path in lexicon.rglob("*")
              if path.is_file()]
    return sorted(files)


def sources_digest(package: Path, lexicon: Path) -> str:
    """sha256 of the name and the sha256 of each of :func:`source_files`: a file edited, added,
    removed, moved or renamed changes it; the same files anywhere else on disk give the same one."""
    digest = hashlib.sha256()
    for name, path in source_files(package, lexicon):
        digest.update(f"{name}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=8)
def extractor_version(model: str, package: Path = PACKAGE, lexicon: Path | None = None) -> str:
    """A hash of everything an extraction depends on besides the document: the extractor's code
    (every module of ``package``), the lexicon (default ``ontology/lexicon``), the model's name
    and version, spaCy's version and the cache format."""
    import spacy

    from kg.namespaces import ontology_dir

    digest = hashlib.sha256(f"format={FORMAT}\nspacy={spacy.__version__}\nmodel={model}\n".encode())
    try:
        meta = spacy.info(model)  # name, version of an installed pipeline package
        digest.update(f"{meta.get('name')}={meta.get('version')}\n".encode())
    except (Exception, SystemExit):  # noqa: BLE001 - spacy.info exits when it finds no meta.json
        pass  # a model path or an unknown package: the name is all we have (loading it says why it fails)
    digest.update(sources_digest(package, lexicon or ontology_dir() / "lexicon").encode())
    return digest.hexdigest()


def document_key(document: Document, version: str) -> str:
    """sha256 of the document (text and every metadata field) and the extractor version."""
    digest = hashlib.sha256(version.encode())
    for f in fields(Document):
        value = getattr(document, f.name)
        digest.update(f"\0{f.name}={'' if value is None else value}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def cache_dir_for(out_dir: str | Path) -> Path:
    """Where the cache of the build writing into ``out_dir`` lives: beside it, not in it."""
    out = Path(out_dir).resolve()
    return out.parent / CACHE_DIR / out.name


# --------------------------------------------------------------------------- the store


class ExtractionCache:
    """Extractions keyed by :func:`document_key`, in one SQLite file.

    ``get`` and ``put`` during a build; ``finish`` records the keys the build used as the
    current corpus and deletes every other entry (removed and changed articles).
    ``on_notice(message)`` hears of each damaged entry dropped, of a damaged file set aside,
    and of a cache that could not be used (the build goes on without it).
    """

    def __init__(self, directory: str | Path, on_notice: Callable[[str], None] = lambda message: None):
        self.directory = Path(directory)
        self.path = self.directory / DB_NAME
        self.on_notice = on_notice
        self.used: list[tuple[str, str]] = []  # (key, doc_id) in build order
        self.hits = 0
        self.misses = 0
        self._pending = 0
        self._set_aside_once = False
        self.db: sqlite3.Connection | None = None  # None: the cache is off for the rest of the build
        with self._guarded():
            self.directory.mkdir(parents=True, exist_ok=True)
            self.db = open_checked(self.path)

    def get(self, key: str, document: Document) -> tuple[Extraction, int] | None:
        """The extraction kept for ``key``, once checked against ``document``; None when there is
        none, or it is damaged (then it is dropped, or the whole file set aside)."""
        self.used.append((key, document.doc_id))
        found = None
        if self.db is not None:
            with self._guarded():
                try:
                    found = self._checked_row(key, document)
                except DamagedEntry as exc:  # the others are checked one by one: only this one goes
                    self.db.execute("DELETE FROM extraction WHERE key = ?", (key,))
                    self.on_notice(f"{exc}: dropped, the article is extracted again")
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def _checked_row(self, key: str, document: Document) -> tuple[Extraction, int] | None:
        row = self.db.execute("SELECT json, tokens, digest FROM extraction WHERE key = ?", (key,)).fetchone()
        if row is None or row[2] is None:  # none, or kept by a kg that wrote no digest: extracted again
            return None
        text, tokens, digest = row
        if digest != row_digest(key, tokens, text):
            raise DamagedEntry(f"the entry of {document.path} does not match its digest")
        try:
            extraction = extraction_from_json(text, document)
            reason = mismatch(extraction)
        except (ValueError, KeyError, TypeError) as exc:
            raise DamagedEntry(f"the entry of {document.path} cannot be read: {exc}") from None
        if reason is not None:
            raise DamagedEntry(f"the entry of {document.path} does not fit the article: {reason}")
        return extraction, tokens

    def put(self, key: str, extraction: Extraction, tokens: int) -> None:
        if self.db is None:
            return
        text = extraction_to_json(extraction)
        with self._guarded():
            self.db.execute("INSERT OR REPLACE INTO extraction (key, tokens, json, digest) VALUES (?, ?, ?, ?)",
                            (key, tokens, text, row_digest(key, tokens, text)))
            self._pending += 1
            if self._pending >= 500:
                self.db.commit()
                self._pending = 0

    def finish(self) -> int:
        """Keep only the entries of this build; returns how many were dropped."""
        dropped = 0
        if self.db is not None:
            with self._guarded():
                self.db.execute("DELETE FROM corpus")
                self.db.executemany("INSERT INTO corpus VALUES (?, ?, ?)",
                                    ((i, key, doc_id) for i, (key, doc_id) in enumerate(self.used)))
                dropped = self.db.execute("DELETE FROM extraction WHERE key NOT IN (SELECT key FROM corpus)").rowcount
                self.db.commit()
        return dropped

    def corpus(self) -> list[tuple[str, str]]:
        """(key, doc_id) of the last finished build, in order."""
        return [] if self.db is None else list(self.db.execute("SELECT key, doc_id FROM corpus ORDER BY position"))

    def keys(self) -> Iterator[str]:
        return iter(()) if self.db is None else (row[0] for row in self.db.execute("SELECT key FROM extraction"))

    def close(self) -> None:
        if self.db is not None:
            with self._guarded():
                self.db.commit()
            _close_quietly(self.db)
            self.db = None

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _guarded(self) -> Iterator[None]:
        """Where the cache may fail: damage sets the file aside and opens a new one (once a
        build; damage again turns the cache off), any other failure turns the cache off."""
        try:
            yield
        except (CacheDamage, sqlite3.Error, OSError) as exc:
            if is_damage(exc) and not self._set_aside_once:
                self._set_aside_once = True
                self._set_aside(exc)
            else:
                self._turn_off(exc)

    def _set_aside(self, exc: BaseException) -> None:
        if self.db is not None:
            _close_quietly(self.db)
            self.db = None
        aside = self.path.with_name(self.path.name + ".damaged")
        try:
            for suffix in ("", "-wal", "-shm"):  # a WAL left beside a new file would be replayed into it
                with contextlib.suppress(FileNotFoundError):
                    os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
            self.db = open_checked(self.path)
        except (sqlite3.Error, OSError) as again:
            self._turn_off(again)
            return
        self.on_notice(f"damaged ({_reason(exc)}): set aside as {aside.name}, a new cache is started")

    def _turn_off(self, exc: BaseException) -> None:
        if self.db is not None:
            _close_quietly(self.db)
            self.db = None
        self.on_notice(f"cannot use the cache ({_reason(exc)}); this build goes on without it")


class CacheDamage(Exception):
    """The cache file is damaged: SQLite's own check fails."""


class DamagedEntry(Exception):
    """One entry is not what the cache wrote (its digest), or does not fit its article (:func:`mismatch`)."""


# SQLite's primary result codes for a file that is not (or no longer) a sound database.
_DAMAGE_CODES = {11: "SQLITE_CORRUPT", 26: "SQLITE_NOTADB"}


def is_damage(exc: BaseException) -> bool:
    """True for damage (set the file aside), False for a failure of the disk or of access (go on without)."""
    if isinstance(exc, CacheDamage):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _DAMAGE_CODES


def open_checked(path: Path) -> sqlite3.Connection:
    """The cache database at ``path`` (created when missing), its tables made, its integrity checked:
    raises :class:`CacheDamage` when SQLite finds it damaged."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise CacheDamage(f"SQLite's check says {problems[0]}")
        db.execute("CREATE TABLE IF NOT EXISTS extraction "
                   "(key TEXT PRIMARY KEY, tokens INTEGER, json TEXT, digest TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS corpus (position INTEGER PRIMARY KEY, key TEXT, doc_id TEXT)")
        if "digest" not in {row[1] for row in db.execute("PRAGMA table_info(extraction)")}:  # a cache of an older kg
            db.execute("ALTER TABLE extraction ADD COLUMN digest TEXT")
        db.commit()
    except BaseException:
        _close_quietly(db)
        raise
    return db


def row_digest(key: str, tokens: int, text: str) -> str:
    """The sha256 kept with each entry: of its key, its token count and its JSON.

    >>> row_digest("k", 3, "{}") == row_digest("k", 3, "{}") != row_digest("k", 4, "{}")
    True
    """
    return hashlib.sha256(f"{key}\0{tokens}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def mismatch(extraction: Extraction) -> str | None:
    """Why ``extraction`` cannot be one of its document, or None: each mention and each claim's
    sentence must be the document's text at its offsets, and name the document.

    >>> from kg.model import EntityKind
    >>> doc = Document("d", "Iran backs Hezbollah.", "d.txt")
    >>> mismatch(Extraction(doc, [Mention("d", 0, 4, "Iran", EntityKind.COUNTRY, "country:IRN")], []))
    >>> mismatch(Extraction(doc, [Mention("d", 0, 4, "Iraq", EntityKind.COUNTRY, "country:IRQ")], []))
    "'Iraq' is not the text at 0-4"
    """
    document = extraction.document
    spans = [(m.doc_id, m.start, m.end, m.text) for m in extraction.mentions]
    for claim in extraction.claims:
        ev = claim.evidence
        spans.append((ev.doc_id, ev.start, ev.end, ev.sentence))
        spans += [(m.doc_id, m.start, m.end, m.text) for m in (claim.subject, claim.object, ev.speaker) if m]
    for doc_id, start, end, text in spans:
        if doc_id != document.doc_id:
            return f"{text[:40]!r} is of another document ({doc_id!r})"
        if not 0 <= start <= end <= len(document.text) or document.text[start:end] != text:
            return f"{text[:40]!r} is not the text at {start}-{end}"
    return None


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or type(exc).__name__


def _close_quietly(db: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        db.close()
