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

>>> from kg.model import EntityKind
>>> doc = Document("d", "Iran backs Hezbollah.", "d.txt")
>>> iran = Mention("d", 0, 4, "Iran", EntityKind.COUNTRY, "country:IRN", "Iran")
>>> back = extraction_from_json(extraction_to_json(Extraction(doc, [iran], [])), doc)
>>> back.mentions == [iran] and back.document is doc
True
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
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
    """

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.directory / DB_NAME)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS extraction (key TEXT PRIMARY KEY, tokens INTEGER, json TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS corpus (position INTEGER PRIMARY KEY, key TEXT, doc_id TEXT)")
        self.used: list[tuple[str, str]] = []  # (key, doc_id) in build order
        self.hits = 0
        self.misses = 0
        self._pending = 0

    def get(self, key: str, document: Document) -> tuple[Extraction, int] | None:
        row = self.db.execute("SELECT json, tokens FROM extraction WHERE key = ?", (key,)).fetchone()
        self.used.append((key, document.doc_id))
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return extraction_from_json(row[0], document), row[1]

    def put(self, key: str, extraction: Extraction, tokens: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO extraction VALUES (?, ?, ?)",
                        (key, tokens, extraction_to_json(extraction)))
        self._pending += 1
        if self._pending >= 500:
            self.db.commit()
            self._pending = 0

    def finish(self) -> int:
        """Keep only the entries of this build; returns how many were dropped."""
        self.db.execute("DELETE FROM corpus")
        self.db.executemany("INSERT INTO corpus VALUES (?, ?, ?)",
                            ((i, key, doc_id) for i, (key, doc_id) in enumerate(self.used)))
        dropped = self.db.execute("DELETE FROM extraction WHERE key NOT IN (SELECT key FROM corpus)").rowcount
        self.db.commit()
        return dropped

    def corpus(self) -> list[tuple[str, str]]:
        """(key, doc_id) of the last finished build, in order."""
        return list(self.db.execute("SELECT key, doc_id FROM corpus ORDER BY position"))

    def keys(self) -> Iterator[str]:
        return (row[0] for row in self.db.execute("SELECT key FROM extraction"))

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

