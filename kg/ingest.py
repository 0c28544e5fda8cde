r"""INGEST: read article files into ``Document`` records, reporting bad input as ``Problem``.

Supported inputs: ``.txt``, ``.md``, ``.html``/``.htm`` (main text extracted with
trafilatura) and ``.jsonl`` (one article per line). Directories are walked depth first
in sorted order (iteratively, so any depth is fine, and each real directory once, so
symlink loops end), skipping hidden entries. Nothing here raises for bad input: each
unreadable file (or JSONL line) becomes one ``Problem``. Paths are shown as text even
when a file name is not valid UTF-8 (its stray bytes as ``\xff`` escapes), and text
never holds lone surrogates (a ``"\ud800"`` escape in JSON becomes U+FFFD), so every
``Document`` and ``Problem`` can be printed and written as UTF-8.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePath

from kg.model import Document, Problem

Item = Document | Problem
Reader = Callable[[str, str, str], Iterator[Item]]  # (text, path, base doc_id) -> items

DEFAULT_MAX_BYTES = 20_000_000  # larger files are skipped with a Problem (``kg build --max-bytes``)
SNIFF_BYTES = 8192  # NUL bytes in this many leading bytes mean "binary"
MAX_TITLE_CHARS = 200
MAX_DATE_CHARS = 100

# trafilatura logs "discarding data" warnings; we report those files as Problems instead.
logging.getLogger("trafilatura").addHandler(logging.NullHandler())


# --------------------------------------------------------------------------- entry point


def read_documents(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | Problem]:
    """Yield one ``Document`` per article and one ``Problem`` per unreadable input.

    Each path may be a file or a directory. Document ids are unique over the whole
    call: a repeated id gets ``-2``, ``-3``, ... in the order documents are read (give
    the paths sorted for ids that do not depend on the order they were listed in, as
    ``kg build`` does). Files over ``max_bytes`` bytes are skipped with a Problem.
    """
    ids = _UniqueIds()
    for arg in paths:
        for item in _read_argument(Path(arg), max_bytes):
            if isinstance(item, Document):
                item = _finish(item, ids.claim(item.doc_id))
            yield item


def count_files(paths: Iterable[str | Path]) -> int:
    """How many files :func:`read_documents` will open for ``paths`` (for a progress bar)."""
    total = 0
    for arg in paths:
        path = Path(arg)
        try:
            is_dir = stat.S_ISDIR(path.stat().st_mode)
        except OSError:
            is_dir = False
        total += sum(1 for found in _walk(path) if not isinstance(found, Problem)) if is_dir else 1
    return total


def _read_argument(path: Path, max_bytes: int) -> Iterator[Item]:
    try:
        is_dir = stat.S_ISDIR(path.stat().st_mode)
    except FileNotFoundError:
        yield Problem(shown(path), "no such file or directory")
        return
    except OSError as exc:
        yield Problem(shown(path), _cannot_read(exc))
        return
    if is_dir:
        for found in _walk(path):
            if isinstance(found, Problem):
                yield found
            else:
                yield from _read_file(found, found.relative_to(path), max_bytes)
    elif _extension(path) not in READERS:
        yield Problem(shown(path), _unsupported(path))
    else:
        yield from _read_file(path, PurePath(path.name), max_bytes)


def _read_file(path: Path, rel: PurePath, max_bytes: int) -> Iterator[Item]:
    if _extension(path) == ".jsonl":  # a feed of any length, read a line at a time
        yield from stream_jsonl_file(path, make_doc_id(rel), max_bytes)
        return
    loaded = _load_text(path, max_bytes)
    if isinstance(loaded, Problem):
        yield loaded
        return
    reader = READERS[_extension(path)]
    try:
        # Listed before yielding: a reader that fails half-way (a missing module, a library
        # bug on odd input) costs this file one Problem, never the build.
        items = list(reader(loaded, shown(path), make_doc_id(rel)))
    except Exception as exc:  # noqa: BLE001 - any failure of a reader is this file's problem
        yield Problem(shown(path), reader_failure(exc))
        return
    yield from items


def reader_failure(exc: BaseException) -> str:
    """One line saying why a reader failed: ``"cannot read: ImportError: no module named x"``."""
    detail = str(exc).strip().splitlines()
    return f"cannot read: {type(exc).__name__}" + (f": {detail[0][:200]}" if detail else "")


# --------------------------------------------------------------------------- walking


def _walk(root: Path) -> Iterator[Path | Problem]:
    """Files with a supported extension under ``root``, depth first in sorted order.

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
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if _is_dir(entry):
            listing = _list_dir(path, seen)
            if isinstance(listing, Problem):
                yield listing
            else:
                stack.append(listing)
        elif _extension(path) in READERS:
            yield path


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


def read_text_file(text: str, path: str, doc_id: str) -> Iterator[Item]:
    """Plain text: the whole file is the text; a short first line without a final period is the title."""
    body = text.strip()
    yield Document(doc_id=doc_id, text=body, path=path, title=_text_title(body))


def _text_title(body: str) -> str | None:
    first, _, rest = body.partition("\n")
    first = first.strip()
    if rest.strip() and len(first) <= MAX_TITLE_CHARS and not first.endswith("."):
        return first
    return None


# Every pattern stops at the next delimiter of its kind (link text has no brackets, a URL
# at most one level of parentheses, emphasis no star or underscore), so each scan ends
# where the next one starts and a hostile line ("*a *a *a ...") costs linear time.
_MD_URL = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]" + _MD_URL)
_MD_LINK = re.compile(r"\[([^\[\]\n]*)\]" + _MD_URL)
_MD_STARS = re.compile(r"(\*{1,3})(?=[^\s*])([^*\n]+?)(?<=[^\s*])\1")
_MD_UNDERSCORES = re.compile(r"(?<!\w)(_{1,3})(?=[^\s_])([^_\n]+?)(?<=[^\s_])\1(?!\w)")
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def read_markdown_file(text: str, path: str, doc_id: str) -> Iterator[Item]:
    """Markdown: inline markup and heading markers removed; the first ``# `` heading is the title."""
    plain = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", text))
    plain = _MD_UNDERSCORES.sub(r"\2", _MD_STARS.sub(r"\2", plain))
    title = next((m.group(2).strip() for m in _MD_HEADING.finditer(plain) if m.group(1) == "#"), None)
    body = _MD_HEADING.sub(r"\2", plain).strip()
    if not body:
        yield Problem(path, "no text")
        return
    yield Document(doc_id=doc_id, text=body, path=path, title=title or None)


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


def read_html_file(text: str, path: str, doc_id: str) -> Iterator[Item]:
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
        doc_id=doc_id,
        text=body,
        path=path,
        title=_clean_field(result.title),
        date=normalise_date(result.date),
        url=_clean_field(result.url),
        source=_clean_field(result.sitename),
    )


def stream_jsonl_file(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """JSON Lines read a line at a time, so a feed may be any size; ``max_bytes`` bounds each line.

    A file that is empty, binary or UTF-16 is one Problem; a line that is too long, not UTF-8 or
    not an article object is a Problem with its number, and the lines after it are still read.
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
        sniffed = _decode(head, where) if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" in head else None
        if isinstance(sniffed, Problem):
            yield sniffed
            return
        fh.seek(0)
        number, found = 0, False
        while raw := fh.readline(max_bytes + 1):
            number += 1
            if len(raw) > max_bytes:
                while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                    raw = fh.readline(1 << 20)
                found = True
                yield Problem(where, f"line too large (> limit {max_bytes} bytes)", line=number)
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                found = True
                yield Problem(where, f"not valid UTF-8 text: {exc.reason} at byte {exc.start}", line=number)
                continue
            if line.strip():
                found = True
                yield _jsonl_record(line, number, where, doc_id)
        if not found:
            yield Problem(where, "no text")


def read_jsonl_file(text: str, path: str, doc_id: str) -> Iterator[Item]:
    """JSON Lines: one article object per line; blank lines are skipped."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield _jsonl_record(line, number, path, doc_id)


def _jsonl_record(line: str, number: int, path: str, doc_id: str) -> Item:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return Problem(path, f"invalid JSON: {getattr(exc, 'msg', None) or exc}", line=number)
    if not isinstance(record, dict):
        return Problem(path, "expected a JSON object", line=number)
    text = record.get("text")
    if text is None:
        return Problem(path, "missing 'text'", line=number)
    if not isinstance(text, str) or not text.strip():
        return Problem(path, "'text' must be a non-empty string", line=number)
    return Document(
        doc_id=f"{doc_id}-l{number}",
        text=normalise_newlines(text).strip(),
        path=path,
        title=_clean_field(record.get("title")),
        date=normalise_date(_clean_field(record.get("date"))),
        url=_clean_field(record.get("url")),
        source=_clean_field(record.get("source")),
        line=number,
    )


READERS: dict[str, Reader] = {
    ".txt": read_text_file,
    ".md": read_markdown_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_jsonl_file,
}


# --------------------------------------------------------------------------- fields


def _clean_field(value: object) -> str | None:
    """A non-empty string with its whitespace runs collapsed, or None for anything else."""
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?![\d])")
_DATEPARSER_SETTINGS = {
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],  # no relative dates
    "REQUIRE_PARTS": ["day", "month", "year"],  # never invent a day or a year
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def normalise_date(value: str | None) -> str | None:
    """An ISO ``YYYY-MM-DD`` date for ``value``, or None when it cannot be parsed."""
    if not value or not value.strip() or len(value) > MAX_DATE_CHARS:
        return None
    value = value.strip()
    match = _ISO_DATE.match(value)
    if match:
        try:
            return _dt.date(*map(int, match.groups())).isoformat()
        except ValueError:
            return None
    return _parse_date(value)


def _parse_date(value: str) -> str | None:
    import dateparser  # slow to import; only needed for non-ISO dates

    try:
        parsed = dateparser.parse(value, settings=_DATEPARSER_SETTINGS)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input
        return None
    return parsed.date().isoformat() if parsed else None


# --------------------------------------------------------------------------- ids


_ID_JUNK = re.compile(r"[^a-z0-9_-]+")
_HAS_ALNUM = re.compile(r"[a-z0-9]")


def make_doc_id(rel: str | PurePath) -> str:
    """The id for a file at ``rel`` (relative to the directory it was found in).

    Lowercased path without extension, every run of characters outside
    ``[a-z0-9_-]`` replaced by ``-`` (leading/trailing ``-`` dropped). Names
    with no Latin letter or digit get a short sha1 of the relative path instead.
    """
    rel = PurePath(rel)
    stem = rel.with_suffix("").as_posix() if rel.suffix else rel.as_posix()
    slug = _ID_JUNK.sub("-", stem.lower()).strip("-")
    if not _HAS_ALNUM.search(slug):
        slug = hashlib.sha1(rel.as_posix().encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return slug


class _UniqueIds:
    """Hands out ids, suffixing ``-2``, ``-3``, ... to ones already taken."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self._taken:
            n += 1
            candidate = f"{base}-{n}"
        self._taken.add(candidate)
        return candidate


def _finish(doc: Document, doc_id: str) -> Document:
    """``doc`` with its unique id and no lone surrogate in any text field."""
    changes: dict[str, str] = {"doc_id": doc_id} if doc.doc_id != doc_id else {}
    for name in ("text", "title", "url", "source"):
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
    expected = ", ".join(READERS)
    shown = f"'{path.suffix}'" if path.suffix else "(no extension)"
    return f"unsupported file type {shown} (expected {expected})"


def _too_large(size: int, limit: int) -> str:
    return f"file too large ({size} bytes > limit {limit})"


def _cannot_read(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or exc}"
