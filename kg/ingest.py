r"""INGEST: read article files into ``Document`` records, reporting bad input as ``Problem``
and remarks on what was read as ``Notice``.

Supported inputs: ``.txt``, ``.md``, ``.html``/``.htm`` (main text extracted with
trafilatura), ``.jsonl`` (one article object per line) and ``.json`` (one article object or
a list of them). Directories are walked depth first in sorted order (iteratively, so any
depth is fine, and each real directory once, so symlink loops end), skipping hidden entries
and the folder's own documentation (``README``, ``LICENSE``, ...: :data:`FOLDER_DOC_NAMES`);
every other file is read or reported. Nothing here raises for bad input: each unreadable
file (or JSONL line, or JSON list item) becomes one ``Problem``. Paths are shown as text even
when a file name is not valid UTF-8 (its stray bytes as ``\xff`` escapes), and text never
holds lone surrogates (a ``"\ud800"`` escape in JSON becomes U+FFFD), so every item can be
printed and written as UTF-8.

A document's id comes from the article itself, not from where it was found: a slug of its
title and a hash of its URL (else of its text), so renaming or moving a file keeps its IRI,
and the same article met twice is one document (the later copies are a ``Notice``). Its
``path`` is relative to the argument it was found under, so no local directory is published.

Nothing is read from outside the input: a symlink is followed only when it leads inside it
(:func:`input_roots`), so a link to ``/etc/passwd`` or to ``/etc`` is a Problem, not an article.
"""
from __future__ import annotations

import codecs
import datetime as _dt
import hashlib
import json
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kg.model import Document, Notice, Problem

Item = Document | Problem | Notice  # what read_documents yields
Read = Document | Problem  # what a reader yields: documents as read (provisional id, date as written)
Reader = Callable[[str, str], Iterator[Read]]  # (text, path shown in messages) -> documents, problems

DEFAULT_MAX_BYTES = 20_000_000  # larger files are skipped with a Problem (``kg build --max-bytes``)
SNIFF_BYTES = 8192  # NUL bytes in this many leading bytes (of a feed: of its first line) mean "binary"
MAX_TITLE_CHARS = 150  # a longer line is a paragraph, not a headline
TITLE_LINES = 3  # a .txt headline is one of this many first lines
DATELINE_LINES = 3  # a dateline starts one of this many first lines
MAX_DATE_CHARS = 100  # a longer "date" is not kept
SLUG_CHARS = 40  # the title part of a document id
HASH_CHARS = 12  # the hash part of a document id

# trafilatura logs "discarding data" warnings; we report those files as Problems instead.
logging.getLogger("trafilatura").addHandler(logging.NullHandler())


# --------------------------------------------------------------------------- knowledge (data)

# A folder's own documentation, not articles: skipped without a word when walking a folder (read
# when named on the command line). A name matches when it is one of these words, alone or followed
# by ".", "-" or "_" and anything ("README.md", "LICENSE-MIT", "COPYING.LESSER"), in any case.
FOLDER_DOC_NAMES: tuple[str, ...] = (
    "readme", "license", "licence", "copying", "attribution", "notice", "authors", "changelog",
)

# The fields of a feed record (JSONL line, JSON object) and the names they go by; first match wins.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "article"),
    "title": ("title", "headline"),
    "date": ("date", "published", "published_at", "publishedAt", "pubDate", "datePublished"),
    "url": ("url", "link"),
    "source": ("source", "publisher", "site"),
    "feed_id": ("id", "guid"),
}

# Lines that caption a photo or credit it, never a headline (compared in lower case).
CAPTION_CUES: dict[str, tuple[str, ...]] = {
    "starts": ("photo:", "photo by", "photos:", "photograph:", "file photo", "file picture", "picture:",
               "image:", "caption:", "credit:", "pictured:"),
    "ends": ("(reuters)", "(ap)", "(afp)", "(ap photo)", "(file photo)", "(getty images)"),
    "contains": ("getty images", "afp via getty", "(photo:", "(photo by", "(photo credit", "ap photo/",
                 "reuters/", "photo credit", "©"),
}

# Month names and abbreviations as datelines write them.
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

# dateparser's period of a parsed date -> the precision kept (other periods are not understood).
DATE_PRECISIONS: dict[str, str] = {"day": "day", "month": "month", "year": "year"}


# --------------------------------------------------------------------------- entry point


@dataclass(frozen=True)
class _Found:
    """A document as a reader gave it (``path``: where it was read, for messages) and its
    path relative to the argument it was found under (what is published)."""

    doc: Document
    rel: str


def read_documents(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES, follow_symlinks: bool = False
) -> Iterator[Item]:
    """Yield one ``Document`` per article, one ``Problem`` per unreadable input and a ``Notice``
    for each remark (a date kept as written, an article read before).

    Each path may be a file or a directory. An article met again (the same URL, or without
    one the same text) is not a second document: the first in reading order is kept (give the
    paths sorted, as ``kg build`` does, for a result that does not depend on their order).
    Files over ``max_bytes`` bytes are skipped with a Problem. A symlink leading outside the
    input (:func:`input_roots`) is a Problem too, unless ``follow_symlinks``.
    """
    paths = [Path(arg) for arg in paths]
    roots = None if follow_symlinks else input_roots(paths)
    seen: dict[int, str] = {}  # identity hash -> where the article was first read
    for arg in paths:
        for item in _read_argument(arg, max_bytes, roots):
            if isinstance(item, _Found):
                yield from _deliver(item, seen)
            else:
                yield item


def count_files(paths: Iterable[str | Path], follow_symlinks: bool = False) -> int:
    """How many files :func:`read_documents` will open or report for ``paths`` (for a progress bar)."""
    return sum(1 for _ in _files_to_read(paths, follow_symlinks))


def count_documents(paths: Iterable[str | Path], follow_symlinks: bool = False) -> int:
    """About how many documents and problems :func:`read_documents` will yield for ``paths``
    (for a progress bar): one per file, but one per line of a JSONL feed (blank lines too)."""
    return sum(_count_lines(found) if isinstance(found, Path) and _extension(found) == ".jsonl" else 1
               for found in _files_to_read(paths, follow_symlinks))


def _files_to_read(paths: Iterable[str | Path], follow_symlinks: bool) -> Iterator[Path | Problem]:
    """Each file argument, and the files found under each folder argument, as ``read_documents``
    walks them; a folder or symlink it will report instead is that Problem."""
    paths = [Path(arg) for arg in paths]
    roots = None if follow_symlinks else input_roots(paths)
    for path in paths:
        if _leads_outside(path, roots):
            yield Problem(shown(path), OUTSIDE_INPUT)
            continue
        try:
            is_dir = stat.S_ISDIR(path.stat().st_mode)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, roots)
        else:
            yield path


def _count_lines(path: Path) -> int:
    """The lines of the file at ``path`` (a last one without a newline too); at least 1."""
    lines, last = 0, b"\n"
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 1
    return max(1, lines + (last != b"\n"))


def _read_argument(path: Path, max_bytes: int, roots: tuple[str, ...] | None) -> Iterator[Problem | _Found]:
    if _leads_outside(path, roots):
        yield Problem(shown(path), OUTSIDE_INPUT)
        return
    try:
        is_dir = stat.S_ISDIR(path.stat().st_mode)
    except FileNotFoundError:
        yield Problem(shown(path), "no such file or directory")
        return
    except OSError as exc:
        yield Problem(shown(path), _cannot_read(exc))
        return
    if is_dir:
        for found in _walk(path, roots):
            if isinstance(found, Problem):
                yield found
            else:
                yield from _read_file(found, shown(found.relative_to(path).as_posix()), max_bytes)
    else:
        yield from _read_file(path, shown(path.name), max_bytes)


def _read_file(path: Path, rel: str, max_bytes: int) -> Iterator[Problem | _Found]:
    """The documents of the file at ``path`` (published as ``rel``) and its problems."""
    if _extension(path) not in READERS and _extension(path) not in STREAM_READERS:
        yield Problem(shown(path), _unsupported(path))
        return
    for item in _read_items(path, max_bytes):
        yield _Found(item, rel) if isinstance(item, Document) else item


def _read_items(path: Path, max_bytes: int) -> Iterator[Read]:
    stream = STREAM_READERS.get(_extension(path))
    if stream is not None:
        yield from stream(path, max_bytes)
        return
    loaded = _load_text(path, max_bytes)
    if isinstance(loaded, Problem):
        yield loaded
        return
    reader = READERS[_extension(path)]
    try:
        # Listed before yielding: a reader that fails half-way (a missing module, a library
        # bug on odd input) costs this file one Problem, never the build.
        items = list(reader(loaded, shown(path)))
    except Exception as exc:  # noqa: BLE001 - any failure of a reader is this file's problem
        yield Problem(shown(path), reader_failure(exc))
        return
    yield from items


def reader_failure(exc: BaseException) -> str:
    """One line saying why a reader failed: ``"cannot read: ImportError: no module named x"``."""
    detail = str(exc).strip().splitlines()
    return f"cannot read: {type(exc).__name__}" + (f": {detail[0][:200]}" if detail else "")


def _deliver(found: _Found, seen: dict[int, str]) -> Iterator[Document | Notice]:
    """The finished document (id, path, date), or a Notice when its article was read before."""
    doc = _without_surrogates(found.doc)
    digest = identity_hash(doc)
    key = int(digest, 16)
    where = _where(doc.path, doc.line)
    first = seen.get(key)
    if first is not None:
        yield Notice(doc.path, f"same article as {first}, not read again", doc.line)
        return
    seen[key] = where
    doc, notices = _dated(doc)
    yield replace(doc, doc_id=make_doc_id(doc.title, digest), path=found.rel)
    yield from notices


def _where(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else path


# --------------------------------------------------------------------------- walking


def _walk(root: Path, roots: tuple[str, ...] | None = None) -> Iterator[Path | Problem]:
    """The files under ``root`` that are not hidden nor the folder's own documentation, depth
    first in sorted order; a symlink leading outside ``roots`` (:func:`input_roots`; None:
    follow every symlink) is a Problem, neither read nor walked.

    Iterative (a stack of directory listings), so nesting deeper than Python's recursion
    limit is fine; each real directory is listed once, so symlink loops end.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[Iterator[os.DirEntry]] = []
    listing = _list_dir(root, seen)
    if isinstance(listing, Problem):
        yield listing
        return
    stack.append(listing)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        is_dir = _is_dir(entry)
        if entry.name.startswith(".") or (not is_dir and is_folder_doc(entry.name)):
            continue
        path = Path(entry.path)
        if _is_link(entry) and _leads_outside(path, roots):
            yield Problem(shown(path), OUTSIDE_INPUT)
        elif not is_dir:
            yield path
        else:
            listing = _list_dir(path, seen)
            if isinstance(listing, Problem):
                yield listing
            else:
                stack.append(listing)


# --------------------------------------------------------------------------- symlinks

OUTSIDE_INPUT = "symlink to a path outside the input (use --follow-symlinks)"


def input_roots(paths: Iterable[str | Path]) -> tuple[str, ...]:
    """The real paths a symlink may lead into: those of the paths given, except a path given
    that is itself a symlink leading out of the folder that holds it (``corpus/*`` may expand
    to ``corpus/passwd.txt -> /etc/passwd``: the shell named it, not the user).

    >>> input_roots(["/"])
    ('/',)
    """
    roots = []
    for path in map(Path, paths):
        real = os.path.realpath(path)
        if not path.is_symlink() or _within(real, (os.path.realpath(path.parent),)):
            roots.append(real)
    return tuple(roots)


def _leads_outside(path: Path, roots: tuple[str, ...] | None) -> bool:
    """True when ``path`` resolves (symlinks followed) outside every root; never when ``roots`` is None."""
    return roots is not None and not _within(os.path.realpath(path), roots)


def _within(real: str, roots: Iterable[str]) -> bool:
    """True when the real path ``real`` is one of ``roots`` or under one of them."""
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _is_link(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


_FOLDER_DOC = re.compile(rf"(?:{'|'.join(FOLDER_DOC_NAMES)})(?:[._-].*)?", re.IGNORECASE | re.DOTALL)


def is_folder_doc(name: str) -> bool:
    """True for a folder's own documentation file (:data:`FOLDER_DOC_NAMES`).

    >>> is_folder_doc("README.md"), is_folder_doc("License-MIT"), is_folder_doc("notices-of-war.txt")
    (True, True, False)
    """
    return _FOLDER_DOC.fullmatch(name) is not None


def _list_dir(directory: Path, seen: set[tuple[int, int]]) -> Iterator[os.DirEntry] | Problem:
    """The entries of ``directory`` sorted by name; none when it was listed before (a loop)."""
    try:
        info = os.stat(directory)  # follows symlinks: the directory itself, by device and inode
        if (info.st_dev, info.st_ino) in seen:  # a symlink back to a directory already walked
            return iter(())
        seen.add((info.st_dev, info.st_ino))
        with os.scandir(directory) as it:
            return iter(sorted(it, key=lambda entry: os.fsencode(entry.name)))
    except OSError as exc:
        return Problem(shown(directory), _cannot_read(exc))


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


# --------------------------------------------------------------------------- loading bytes


def _load_text(path: Path, max_bytes: int) -> str | Problem:
    """The file's text, decoded and with newlines normalised, or why it cannot be had."""
    where = shown(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return Problem(where, "not a regular file")
        if info.st_size > max_bytes:
            return Problem(where, _too_large(info.st_size, max_bytes))
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        return Problem(where, "no such file or directory")
    except OSError as exc:
        return Problem(where, _cannot_read(exc))
    if len(data) > max_bytes:  # grew since stat
        return Problem(where, _too_large(len(data), max_bytes))
    return _decode(data, where)


def _decode(data: bytes, where: str) -> str | Problem:
    if not data:
        return Problem(where, "empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(where, "not valid UTF-8 text: starts with a UTF-16 byte order mark")
    if b"\0" in data[:SNIFF_BYTES]:
        return Problem(where, "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(where, f"not valid UTF-8 text: {exc.reason} at byte {exc.start}")
    text = normalise_newlines(text)
    if not text.strip():
        return Problem(where, "no text")
    return text


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- readers
#
# A reader gets the decoded text of a file and the path to name in messages, and yields each
# article as a Document with that path, an empty id (``doc_id``: read_documents gives the
# final one) and its date as written (read_documents reads it), or Problems.


def read_text_file(text: str, path: str) -> Iterator[Read]:
    """Plain text: the whole file is the text; the title is the first of its first lines that
    reads as a headline (:func:`reads_as_headline`), if any."""
    body = text.strip()
    yield Document(doc_id="", text=body, path=path, title=text_title(body))


def text_title(body: str) -> str | None:
    """The first of the first :data:`TITLE_LINES` lines of ``body`` that reads as a headline and
    has text after it; None when there is none."""
    lines = first_lines(body, TITLE_LINES + 1)
    for line in lines[: min(TITLE_LINES, len(lines) - 1)]:
        if reads_as_headline(line):
            return line
    return None


def first_lines(text: str, count: int) -> list[str]:
    """The first ``count`` non-blank lines of ``text``, stripped (the rest is not split)."""
    lines: list[str] = []
    start = 0
    while len(lines) < count and start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if line := text[start:end].strip():
            lines.append(line)
        start = end + 1
    return lines


_SENTENCE_END = re.compile(r"[.,;:][\"'”’)\]]*$")


def reads_as_headline(line: str) -> bool:
    """Short, not ending like a sentence, and neither a photo caption or credit nor a dateline."""
    return (len(line) <= MAX_TITLE_CHARS and not _SENTENCE_END.search(line)
            and not is_caption(line) and _DATELINE.match(line) is None)


def is_caption(line: str) -> bool:
    """True when ``line`` captions or credits a photo (:data:`CAPTION_CUES`).

    >>> is_caption("Civilians displaced in Idlib, December 2019 (Photo: Getty)")
    True
    """
    low = " ".join(line.lower().split())
    return (low.startswith(CAPTION_CUES["starts"]) or low.endswith(CAPTION_CUES["ends"])
            or any(cue in low for cue in CAPTION_CUES["contains"]))


# Every pattern stops at the next delimiter of its kind (link text has no brackets, a URL
# at most one level of parentheses, emphasis no star or underscore), so each scan ends
# where the next one starts and a hostile line ("*a *a *a ...") costs linear time.
_MD_URL = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]" + _MD_URL)
_MD_LINK = re.compile(r"\[([^\[\]\n]*)\]" + _MD_URL)
_MD_STARS = re.compile(r"(\*{1,3})(?=[^\s*])([^*\n]+?)(?<=[^\s*])\1")
_MD_UNDERSCORES = re.compile(r"(?<!\w)(_{1,3})(?=[^\s_])([^_\n]+?)(?<=[^\s_])\1(?!\w)")
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def read_markdown_file(text: str, path: str) -> Iterator[Read]:
    """Markdown: inline markup and heading markers removed; the first ``# `` heading is the title."""
    plain = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", text))
    plain = _MD_UNDERSCORES.sub(r"\2", _MD_STARS.sub(r"\2", plain))
    title = next((m.group(2).strip() for m in _MD_HEADING.finditer(plain) if m.group(1) == "#"), None)
    body = _MD_HEADING.sub(r"\2", plain).strip()
    if not body:
        yield Problem(path, "no text")
        return
    yield Document(doc_id="", text=body, path=path, title=title or None)


# Boilerplate that trafilatura's own heuristics may keep: blocks whose class or id
# has one of these tokens (small blocks only, never the one holding the headline),
# and forms, embedded players and site navigation.
_BOILERPLATE_TOKENS = ("bio", "video", "player", "comment", "comments", "share", "social")


def _token_test(attr: str, token: str) -> str:
    return f"contains(concat(' ', translate({attr}, '-_', '  '), ' '), ' {token} ')"


_HTML_PRUNE = [
    "//*[self::div or self::section or self::aside or self::span or self::figure or self::p]"
    f"[{' or '.join(_token_test(a, t) for t in _BOILERPLATE_TOKENS for a in ('@class', '@id'))}]"
    "[not(.//h1)][count(.//p) < 3]",
    "//form",
    "//iframe",
    "//video",
    "//nav",
]


def read_html_file(text: str, path: str) -> Iterator[Read]:
    """HTML: the article's main text and its metadata, extracted with trafilatura."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            prune_xpath=_HTML_PRUNE,
        )
    except Exception as exc:  # noqa: BLE001 - lxml/trafilatura failures on odd markup
        yield Problem(path, f"cannot parse HTML: {type(exc).__name__}")
        return
    body = normalise_newlines(result.text or "").strip() if result is not None else ""
    if not body:
        yield Problem(path, "no article text found in HTML")
        return
    yield Document(
        doc_id="",
        text=body,
        path=path,
        title=_clean_field(result.title),
        date=_clean_field(result.date),
        url=_clean_field(result.url),
        source=_clean_field(result.sitename),
    )


def stream_jsonl_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Read]:
    """JSON Lines read a line at a time, so a feed may be any size; ``max_bytes`` bounds each line.

    Each line is judged alone: one that is too long, holds a NUL byte, is not UTF-8 or is not an
    article object is a Problem with its number, and the lines after it are still read. The
    whole file is one Problem when it is empty or UTF-16, or when its first line is binary
    (:func:`is_binary_feed_head`): then it is not a feed at all.
    """
    where = shown(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            yield Problem(where, "not a regular file")
            return
        fh = open(path, "rb")
    except FileNotFoundError:
        yield Problem(where, "no such file or directory")
        return
    except OSError as exc:
        yield Problem(where, _cannot_read(exc))
        return
    with fh:
        head = fh.read(SNIFF_BYTES)
        if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            yield _decode(head, where)  # "empty file", "starts with a UTF-16 byte order mark"
            return
        fh.seek(0)
        number, first, found = 0, True, False
        while raw := fh.readline(max_bytes + 1):
            number += 1
            if first and raw.strip():  # the first line that is not blank says whether this is a feed
                first = False
                if is_binary_feed_head(raw[:SNIFF_BYTES]):
                    yield Problem(where, "binary file, not text")
                    return
            if len(raw) > max_bytes:
                while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                    raw = fh.readline(1 << 20)
                found = True
                yield Problem(where, f"line too large (> limit {max_bytes} bytes)", line=number)
                continue
            if (nul := raw.find(b"\0")) >= 0:  # a record with a NUL byte is not text: it costs its line
                found = True
                yield Problem(where, f"binary data, not text: a NUL byte at byte {nul}", line=number)
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                found = True
                yield Problem(where, f"not valid UTF-8 text: {exc.reason} at byte {exc.start}", line=number)
                continue
            if line.strip():
                found = True
                yield _jsonl_record(line, number, where)
        if not found:
            yield Problem(where, "no text")


def is_binary_feed_head(head: bytes) -> bool:
    r"""True when the first line of a ``.jsonl`` file (its first bytes) says the file is binary:
    it does not begin like a JSON record in UTF-8 (``{``) and it holds a NUL byte or bytes that
    are not UTF-8. A record with a NUL byte costs its line only.

    >>> is_binary_feed_head(b"\x1f\x8b\x08\x00"), is_binary_feed_head(b'{"text": "a\x00b"}\n')
    (True, False)
    """
    if (start := head.removeprefix(b"\xef\xbb\xbf").lstrip()).startswith(b"{") and start[1:2] != b"\0":
        return False  # "{\0" is UTF-16
    if b"\0" in head:
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)  # a character cut at the end is no error
    except UnicodeDecodeError:
        return True
    return False


def _jsonl_record(line: str, number: int, path: str) -> Read:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return Problem(path, f"invalid JSON: {getattr(exc, 'msg', None) or exc}", line=number)
    return record_document(record, path, number)


def read_json_file(text: str, path: str) -> Iterator[Read]:
    """JSON: one article object, or a list of them (each item one document; a bad item is a
    Problem whose ``line`` is its index in the list, from 0)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        yield Problem(path, f"invalid JSON: {getattr(exc, 'msg', None) or exc}{where}")
        return
    if isinstance(data, dict):
        yield record_document(data, path, None)
    elif not isinstance(data, list):
        yield Problem(path, "expected an article object or a list of article objects")
    elif not data:
        yield Problem(path, "no articles: an empty list")
    else:
        for index, record in enumerate(data):
            yield record_document(record, path, index)


def record_document(record: object, path: str, line: int | None) -> Read:
    """The Document of one feed record (fields found by :data:`FIELD_ALIASES`), or why it is none."""
    if not isinstance(record, dict):
        return Problem(path, "expected a JSON object", line=line)
    fields = {name: _first_field(record, aliases) for name, aliases in FIELD_ALIASES.items()}
    text = fields["text"]
    if text is None:
        names = ", ".join(f"'{name}'" for name in FIELD_ALIASES["text"])
        return Problem(path, f"missing the article text (one of {names})", line=line)
    if not isinstance(text, str) or not text.strip():
        name = next(name for name in FIELD_ALIASES["text"] if record.get(name) is not None)
        return Problem(path, f"'{name}' must be a non-empty string", line=line)
    return Document(
        doc_id="",
        text=normalise_newlines(text).strip(),
        path=path,
        title=_clean_field(fields["title"]),
        date=_clean_field(fields["date"]),
        url=_clean_field(fields["url"]),
        source=_clean_field(fields["source"]),
        line=line,
        feed_id=_clean_field(fields["feed_id"], numbers=True),
    )


def _first_field(record: dict[str, Any], aliases: tuple[str, ...]) -> object:
    """The value of the first of ``aliases`` that ``record`` has (not null), else None."""
    return next((record[name] for name in aliases if record.get(name) is not None), None)


READERS: dict[str, Reader] = {
    ".txt": read_text_file,
    ".md": read_markdown_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".json": read_json_file,
}
# Read from the file a line at a time, never as one text, so that a feed may be of any size.
STREAM_READERS: dict[str, Callable[[Path, int], Iterator[Read]]] = {".jsonl": stream_jsonl_file}


# --------------------------------------------------------------------------- fields


def _clean_field(value: object, numbers: bool = False) -> str | None:
    """A non-empty string with its whitespace runs collapsed, or None for anything else. An
    object with a ``name`` (``{"name": "Reuters"}``) gives its name; with ``numbers``, an
    integer gives its digits (a feed's numeric ids)."""
    if isinstance(value, dict):
        value = value.get("name")
    elif numbers and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


# --------------------------------------------------------------------------- dates

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?!\d)")  # also the start of a date-time
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_ISO_YEAR = re.compile(r"\d{4}")
_DATEPARSER_SETTINGS = {
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],  # no relative dates
    "REQUIRE_PARTS": ["year"],  # never invent a year; a missing day or month is a coarser precision
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def read_date(value: str | None) -> tuple[str, str] | None:
    """``(ISO date at its precision, precision)`` for a written date, or None when it cannot be
    read exactly (no year, relative, an impossible day, not a date).

    >>> read_date("2 June 2024"), read_date("May 2024"), read_date("2024"), read_date("June 2")
    (('2024-06-02', 'day'), ('2024-05', 'month'), ('2024', 'year'), None)
    """
    if not value or not value.strip() or len(value) > MAX_DATE_CHARS:
        return None
    value = value.strip()
    if match := _ISO_DAY.match(value):
        return _iso(int(match[1]), int(match[2]), int(match[3]))
    if match := _ISO_MONTH.fullmatch(value):
        return _iso(int(match[1]), int(match[2]))
    if _ISO_YEAR.fullmatch(value) and int(value) >= _dt.MINYEAR:
        return value, "year"
    return _parse_date(value)


def _iso(year: int, month: int, day: int | None = None) -> tuple[str, str] | None:
    """The ISO text and precision of a day (or, without ``day``, a month); None if there is no such date."""
    try:
        date = _dt.date(year, month, day or 1)
    except ValueError:
        return None
    return (date.isoformat(), "day") if day is not None else (date.isoformat()[:7], "month")


@lru_cache(maxsize=1)
def _date_parser() -> Any:
    import dateparser.date  # slow to import; only needed for dates that are not ISO

    return dateparser.date.DateDataParser(settings=_DATEPARSER_SETTINGS)


def _parse_date(value: str) -> tuple[str, str] | None:
    try:
        data = _date_parser().get_date_data(value)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input
        return None
    precision = DATE_PRECISIONS.get(data.period or "")
    if data.date_obj is None or precision is None:
        return None
    iso = data.date_obj.date().isoformat()
    return iso[: {"day": 10, "month": 7, "year": 4}[precision]], precision


_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_PLACE_WORD = r"[A-ZÀ-ÖØ-Þİ][\w'’.-]*"
_DASH = r"(?:—|–|-{1,2})"
_DATELINE = re.compile(
    rf"(?:{_PLACE_WORD}(?: {_PLACE_WORD}){{0,3}}(?:, {_PLACE_WORD}(?: {_PLACE_WORD}){{0,2}})?\s*(?:,|{_DASH})\s*)?"
    rf"(?:(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH_NAMES})\.?)"
    rf"(?:,?\s+(?P<year>\d{{4}}))?"
    rf"\s*(?:\([^()\n]{{1,40}}\)\s*)?{_DASH}",
    re.IGNORECASE,
)


def find_dateline(text: str) -> tuple[int | None, int, int] | None:
    """``(year or None, month, day)`` of a dateline starting one of the first lines of ``text``
    ("ISTANBUL, June 2 (Reuters) -", "KYIV, Ukraine — March 3, 2024 —", "June 2, 2024 -").

    >>> find_dateline("Talks resume\\nISTANBUL, June 2 (Reuters) - Turkey said ...")
    (None, 6, 2)
    """
    for line in first_lines(text, DATELINE_LINES):
        if match := _DATELINE.match(line):
            month = MONTHS[(match["month"] or match["month2"]).lower()]
            year = int(match["year"]) if match["year"] else None
            return year, month, int(match["day"] or match["day2"])
    return None


def dateline_date(text: str, known: str | None = None, precision: str | None = None) -> str | None:
    """The ISO day a dateline of ``text`` gives, or None. A dateline without a year takes the
    year of ``known`` (a date at month or year ``precision``), never an invented one; a dateline
    that contradicts ``known`` gives nothing."""
    found = find_dateline(text)
    if found is None:
        return None
    year, month, day = found
    if known is not None and precision in ("month", "year"):
        known_year = int(known[:4])
        if (year is not None and year != known_year) or (precision == "month" and month != int(known[5:7])):
            return None
        year = known_year
    if year is None:
        return None
    read = _iso(year, month, day)
    return read[0] if read else None


def _dated(doc: Document) -> tuple[Document, list[Notice]]:
    """``doc`` with its date read (an unreadable one kept as written, with a Notice) and, when
    it has no exact day, the day of its dateline if that can be known."""
    notices: list[Notice] = []
    date, precision = doc.date, None
    if date is not None:
        read = read_date(date)
        if read is not None:
            date, precision = read
        elif len(date) <= MAX_DATE_CHARS:
            notices.append(Notice(doc.path, f"date not understood, kept as written: {date!r}", doc.line))
        else:
            notices.append(Notice(doc.path, f"date not understood and too long to keep ({len(date)} characters)", doc.line))
            date = None
    if precision != "day" and (date is None or precision is not None):
        day = dateline_date(doc.text, date, precision)
        if day is not None:
            date, precision = day, "day"
    return replace(doc, date=date, date_precision=precision), notices


# --------------------------------------------------------------------------- ids

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def normalise_url(url: str) -> str:
    """``url`` with its scheme and host lower-cased and its fragment dropped.

    >>> normalise_url("HTTPS://News.Example/World/Idlib?id=3#comments")
    'https://news.example/World/Idlib?id=3'
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def identity_hash(doc: Document) -> str:
    """The sha256 (hex) of what makes an article itself: its normalised URL, else its text."""
    identity = normalise_url(doc.url) if doc.url else doc.text
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]


def title_slug(title: str | None) -> str:
    """``title`` in lower-case ASCII letters and digits joined by ``-``, cut at a word end
    within :data:`SLUG_CHARS` characters; empty when nothing of it is Latin.

    >>> title_slug("Erdoğan sets February deadline for Syrian withdrawal from Idlib")
    'erdogan-sets-february-deadline-for'
    """
    if not title:
        return ""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_JUNK.sub("-", ascii_title.lower()).strip("-")
    if len(slug) > SLUG_CHARS:
        cut = slug.rfind("-", 0, SLUG_CHARS + 1)
        slug = slug[:cut] if cut > SLUG_CHARS // 2 else slug[:SLUG_CHARS]
    return slug.strip("-")


def make_doc_id(title: str | None, digest: str) -> str:
    """``<slug of the title>-<digest>``, or the digest alone when the title gives no slug."""
    slug = title_slug(title)
    return f"{slug}-{digest}" if slug else digest


def _without_surrogates(doc: Document) -> Document:
    """``doc`` with no lone surrogate in any text field."""
    changes: dict[str, str] = {}
    for name in ("text", "title", "date", "url", "source", "feed_id"):
        value = getattr(doc, name)
        if value and _SURROGATE.search(value):
            changes[name] = _SURROGATE.sub("\ufffd", value)  # one character for one: offsets hold
    return replace(doc, **changes) if changes else doc


# --------------------------------------------------------------------------- text that can be written


_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(path: str | PurePath) -> str:
    r"""A path as printable, UTF-8-encodable text: bytes of a file name that are not UTF-8
    appear as ``\xNN`` escapes instead of lone surrogates.

    >>> shown(os.fsdecode(b"in/caf\xe9.txt"))
    'in/caf\\xe9.txt'
    """
    text = os.fspath(path)
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-8", "surrogateescape" if _only_escapes(text) else "surrogatepass").decode(
        "utf-8", "backslashreplace"
    )


def _only_escapes(text: str) -> bool:
    """True when every surrogate in ``text`` is one ``surrogateescape`` made (U+DC80..U+DCFF)."""
    return all("\udc80" <= c <= "\udcff" for c in _SURROGATE.findall(text))


# --------------------------------------------------------------------------- messages


def _extension(path: PurePath) -> str:
    return path.suffix.lower()


def _unsupported(path: PurePath) -> str:
    kind = f"'{shown(path.suffix)}'" if path.suffix else "(no extension)"
    return f"not an article type: {kind} (kg reads {', '.join([*READERS, *STREAM_READERS])})"


def _too_large(size: int, limit: int) -> str:
    return f"file too large ({size} bytes > limit {limit})"


def _cannot_read(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or exc}"
