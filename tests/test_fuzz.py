"""Fuzzing reading and building: hostile input never crashes a build or costs a good article.

Random bytes, empty and huge files, very long lines, mixed and wrong encodings, HTML with
scripts and broken markup, JSONL with garbage lines, deeply nested folders, symlink loops, and
file names with spaces, quotes, non-Latin letters and bytes that are not UTF-8. Reading never
raises and gives one ``Document`` or one ``Problem`` per file (per line of a JSONL file), every
string of which can be printed and written as UTF-8; ``kg build`` exits 0 without a traceback,
names each bad file in one line, and still writes the good article's relations.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.ingest import READERS, STREAM_READERS, normalise_newlines, read_documents, read_html_file, read_markdown_file, shown
from kg.model import Document, Notice, Problem
from kg.namespaces import KG, RDFS
from kg.nlp import parse
from kg.rdf import serialize, to_rdf
from kg.resolve import resolve

GOOD_ARTICLE = (
    "Iran's allies close ranks over Syria\n\n"
    "Iran backs Hezbollah, the Lebanese group that has sent fighters to Syria.\n"
    "Western diplomats said no date had been set for new talks on Idlib.\n"
)
GOOD_RELATION = ("Iran", "Hezbollah")
EXTENSIONS = sorted([*READERS, *STREAM_READERS])
DOC_ID = re.compile(r"[a-z0-9_-]+")

FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW = settings(max_examples=12, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def encodable(item: Document | Problem | Notice) -> None:
    """Every string of ``item`` can be written as UTF-8 (no lone surrogates)."""
    values = [item.path, item.reason] if isinstance(item, Problem) else [item.path, item.message] if isinstance(item, Notice) else [
        item.doc_id, item.text, item.path, item.title, item.date, item.url, item.source, item.feed_id]
    for value in values:
        if value is not None:
            value.encode("utf-8")


def check_items(items: list, files: list[Path]) -> None:
    """One or more items, each a Document or a Problem about one of ``files``, all writable."""
    for item in items:
        assert isinstance(item, (Document, Problem, Notice))
        encodable(item)
        if isinstance(item, Document):  # relative to the argument: the end of one of the files' paths
            assert any(shown(f) == item.path or shown(f).endswith("/" + item.path) for f in files), item.path
        else:  # problems and notices name the file as given
            assert item.path in {shown(f) for f in files}, item.path
        if isinstance(item, Document):
            assert item.text.strip() and DOC_ID.fullmatch(item.doc_id), item.doc_id
    ids = [i.doc_id for i in items if isinstance(i, Document)]
    assert len(ids) == len(set(ids))


def read_all(*paths) -> list[Document | Problem]:
    return list(read_documents(paths))


# --------------------------------------------------------------------------- reading one file


@FAST
@given(data=st.binary(max_size=3000), extension=st.sampled_from(EXTENSIONS))
def test_random_bytes_are_a_document_or_problems(tmp_path, data, extension):
    path = tmp_path / f"random{extension}"
    path.write_bytes(data)
    items = read_all(path)
    assert items
    check_items(items, [path])
    if extension not in (".jsonl", ".json"):
        assert len(items) == 1


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "shift_jis", "koi8-r", "gb18030"]


@FAST
@given(text=st.text(min_size=1, max_size=400), encoding=st.sampled_from(ENCODINGS), extension=st.sampled_from([".txt", ".md"]))
def test_text_in_any_encoding_is_read_or_reported(tmp_path, text, encoding, extension):
    try:
        data = text.encode(encoding)
    except (UnicodeEncodeError, UnicodeError):
        assume(False)
    path = tmp_path / f"enc{extension}"
    path.write_bytes(data)
    (item,) = read_all(path)
    check_items([item], [path])
    if isinstance(item, Problem):
        assert re.search(r"empty|binary|UTF-8|no text", item.reason), item.reason
    elif extension == ".txt":  # read as UTF-8 (an ASCII text is UTF-8 in most encodings), text kept
        assert item.text == normalise_newlines(data.decode("utf-8-sig")).strip()


def test_a_mixed_encoding_file_is_one_problem_naming_the_byte(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes("Erdoğan said ".encode() + "Ankara a parlé".encode("latin-1") + " again".encode())
    (item,) = read_all(path)
    assert isinstance(item, Problem) and "not valid UTF-8" in item.reason and "byte" in item.reason


# (No NUL in the text: a first line that holds one and is no JSON record makes the file "binary".
# A record with a NUL byte costs its own line.)
JSONL_GARBAGE = st.one_of(
    st.text(st.characters(exclude_characters="\x00\n\r\ufeff"), max_size=50),
    st.sampled_from([
        "{", '{"text": ', "[1, 2, 3]", "null", '"text"', "42", '{"title": "no text"}', '{"text": ""}',
        '{"text": 17}', '{"text": ["a"]}', '{"text": "   "}', "[" * 100_000, '{"a": ' * 5000,
        '{"text": "\\ud800 lone surrogate Iran backs Hezbollah."}', '{"text": "nul \\u0000 char"}',
        '{"text": "raw nul \x00 byte: Iran backs Hezbollah."}',
        '{"text": "ok", "date": "32/13/2020"}', '{"text": "ok", "date": 20200101, "title": {"x": 1}}',
        '\ufeff{"text": "BOM in the middle"}', '{"text": "dup", "text": "dup2"}',
    ]),
)
JSONL_GOOD = st.builds(lambda title, text: json.dumps({"title": title, "text": "Iran backs Hezbollah. " + text}),
                       st.text(max_size=20), st.text(max_size=40))


@FAST
@given(lines=st.lists(st.tuples(st.booleans(), JSONL_GARBAGE, JSONL_GOOD), min_size=1, max_size=12))
def test_jsonl_gives_one_item_per_line_with_its_number(tmp_path, lines):
    chosen = [good if is_good else garbage for is_good, garbage, good in lines]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8", errors="surrogatepass")
    items = read_all(path)
    check_items(items, [path])
    numbered = [n for n, line in enumerate(chosen, start=1) if line.strip()]
    if not numbered:  # nothing but blank lines
        assert [item.reason for item in items] == ["no text"]
        return
    per_line = [item for item in items if not (isinstance(item, Notice) and item.message.startswith("date "))]
    assert [item.line for item in per_line] == numbered
    for item, (is_good, _, _) in zip(per_line, [lines[n - 1] for n in numbered]):
        if is_good:  # a document, or the same article as an earlier line
            assert isinstance(item, Document) or item.message.startswith("same article as ")


HTML_PIECES = st.sampled_from([
    "<html>", "</html>", "<head>", "<body>", "</body>", "<div>", "</div>", "<p>", "</p>", "<table><tr><td>",
    "<script>document.write('Turkey backs NATO');</script>", "<script>var x = '</p><p>'; alert(1)",
    "<style>p { color: red }</style>", "<!--", "-->", "<![CDATA[", "]]>", "<?xml version='1.0'?>",
    "<p class='comment'>", "<iframe src='x'>", "<nav>Home | World</nav>", "&amp;", "&#0;", "&#xd800;", "&bogus;",
    "<a href='javascript:alert(1)'>", "<svg onload=alert(1)>", "<meta charset='latin-1'>", "<", ">", "\"", "'",
    "\x00", "<p>Iran backs Hezbollah, the Lebanese group that has sent fighters to Syria, officials said.</p>",
])


@FAST
@given(pieces=st.lists(st.one_of(HTML_PIECES, st.text(max_size=30)), max_size=40))
def test_broken_html_never_raises(pieces):
    items = list(read_html_file("".join(pieces), "page.html"))
    assert len(items) == 1
    encodable(items[0])


ARTICLE_PAGE = (
    "<!DOCTYPE html><html><head><title>Tehran and its allies</title>"
    "<script>var tracker = 'Turkey backs NATO'; document.write(tracker);</script></head><body>"
    "<nav>Home | World</nav><article><h1>Tehran and its allies</h1>"
    "<p>Iran backs Hezbollah, the Lebanese group that has sent fighters to Syria, officials said on Monday.</p>"
    "<script>document.write('Russia opposes Iran')</script>"
    "<p>Western diplomats said no date had yet been set for a new round of talks on Idlib in Geneva.</p>"
    "</article>"
)


@FAST
@given(junk=st.lists(st.one_of(HTML_PIECES, st.text(max_size=30)), max_size=30))
def test_scripts_never_become_text_whatever_broken_markup_follows(junk):
    items = list(read_html_file(ARTICLE_PAGE + "".join(junk), "page.html"))
    assert len(items) == 1
    encodable(items[0])
    if isinstance(items[0], Document):
        assert "tracker" not in items[0].text and "document.write" not in items[0].text
        assert "Russia opposes Iran" not in items[0].text


MARKDOWN_PIECES = st.sampled_from(["*", "**", "_", "__", "[", "]", "(", ")", "![", "](", "#", "# ", "`", " ", "a", "\n"])


@FAST
@given(pieces=st.lists(MARKDOWN_PIECES, max_size=200))
def test_markdown_never_raises(pieces):
    items = list(read_markdown_file("".join(pieces) + " Iran", "notes.md"))
    assert len(items) == 1
    encodable(items[0])


@pytest.mark.parametrize("unit", ["*a ", "_a ", "[a ", "![a ", "[a](", "](b(", "**a", "# " * 3])
def test_hostile_markdown_line_takes_linear_time(unit):
    line = unit * 100_000
    start = time.perf_counter()
    list(read_markdown_file(line, "hostile.md"))
    assert time.perf_counter() - start < 2.0


def test_very_long_lines_and_big_files_are_read(tmp_path):
    path = tmp_path / "long.txt"
    text = "Iran backs Hezbollah. " * 150_000  # one line of 3.3 MB
    path.write_text(text, encoding="utf-8")
    (item,) = read_all(path)
    assert isinstance(item, Document) and item.text == text.strip()


# --------------------------------------------------------------------------- names and folders

NAME_CHARS = st.sampled_from(list("abcXYZ019 -_.'\"()[]{}!&#%+,;=@~$`^") + ["é", "ß", "ğ", "ش", "ع", "ה", "ж", "中", "文", "🕊", "\u202e", "\u200f"])
names = st.text(NAME_CHARS, min_size=1, max_size=24).filter(
    lambda n: n not in (".", "..") and not n.startswith(".") and len(n.encode()) < 200)


@FAST
@given(files=st.lists(st.tuples(st.lists(names, max_size=3), names, st.sampled_from(EXTENSIONS), st.booleans()),
                      min_size=1, max_size=6, unique_by=lambda f: (tuple(n.lower() for n in f[0]), f[1].lower())))
def test_any_names_and_folders_give_one_item_per_file(tmp_path_factory, files):
    root = tmp_path_factory.mktemp("names")
    written = []
    for folders, name, extension, good in files:
        path = root.joinpath(*folders, name + extension)
        if any(p.exists() and p.is_file() for p in [root.joinpath(*folders[:i]) for i in range(1, len(folders) + 1)]):
            continue
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if extension == ".jsonl":
            path.write_text(json.dumps({"text": GOOD_ARTICLE}) if good else "{broken", encoding="utf-8")
        elif extension in (".html", ".htm"):
            path.write_text(f"<html><body><article><p>{GOOD_ARTICLE}</p></article></body></html>" if good else "<script>x", encoding="utf-8")
        else:
            path.write_bytes(GOOD_ARTICLE.encode() if good else b"\xff\xfe\x00\x01")
        written.append(path)
    items = read_all(root)
    check_items(items, written)
    full = [f"{shown(root)}/{i.path}" if isinstance(i, Document) else i.path for i in items]  # documents: relative
    assert sorted(full) == sorted(shown(p) for p in written)


def test_file_names_that_are_not_utf8_are_shown_and_written(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad_name = os.fsdecode(b"caf\xe9 \xff\xfe.txt")
    no_latin = os.fsdecode(b"\xd8\xb3\xff.txt")  # an Arabic letter and a stray byte: the id is a hash
    (folder / bad_name).write_text(GOOD_ARTICLE, encoding="utf-8")
    (folder / no_latin).write_text(GOOD_ARTICLE, encoding="utf-8")
    (folder / os.fsdecode(b"empty\xff.txt")).write_bytes(b"")
    items = read_all(folder)
    check_items(items, [folder / bad_name, folder / no_latin, folder / os.fsdecode(b"empty\xff.txt")])
    # the document's path is relative to the folder; the copy of it (a Notice) and the problem name the file in full
    assert {i.path for i in items} == {"caf\\xe9 \\xff\\xfe.txt", f"{folder}/\u0633\\xff.txt", f"{folder}/empty\\xff.txt"}


def test_deep_folders_and_symlink_loops_end(tmp_path):
    levels = [str(tmp_path / "deep")]
    for _ in range(1100):  # deeper than Python's recursion limit
        levels.append(levels[-1] + "/d")
    try:
        for level in levels:
            os.mkdir(level)
        Path(levels[-1], "bottom.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
        os.symlink(levels[0], Path(levels[-1], "up"), target_is_directory=True)  # a loop to the top
        os.symlink("self.txt", Path(levels[0], "self.txt"))  # a link to itself
        os.symlink(tmp_path / "nowhere", Path(levels[0], "dangling.md"))
        items = read_all(levels[0])
        documents = [i for i in items if isinstance(i, Document)]
        assert len(documents) == 1 and documents[0].path.endswith("/d/bottom.txt")
        problems = sorted(Path(i.path).name for i in items if isinstance(i, Problem))
        assert problems == ["dangling.md", "self.txt"]
        from kg.cli import _count_documents  # the progress bar's count walks the same way
        assert _count_documents([Path(levels[0])]) == 3
    finally:  # pytest removes its temporary folders recursively, which this depth would break
        for name in ("bottom.txt", "up"):
            with contextlib.suppress(OSError):
                os.unlink(Path(levels[-1], name))
        for level in reversed(levels):
            shutil.rmtree(level, ignore_errors=True)


def test_special_files_are_problems_not_hangs(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (item,) = read_all(fifo)
    assert isinstance(item, Problem) and "not a regular file" in item.reason
    (item,) = read_all(tmp_path / "missing.md")
    assert isinstance(item, Problem) and "no such file" in item.reason


# --------------------------------------------------------------------------- extraction on hostile text

WORDS = st.sampled_from([
    "Iran", "backs", "opposes", "Turkey", "Russia", "the", "Syrian", "government", "Hezbollah", "said", "met",
    "attended", "signed", "the Sochi Agreement", "summit", "talks", "Erdogan", "Putin", "Mr.", "regime", "forces",
    "\u201c", "\u201d", '"', "'s", ",", ".", ";", "!", "?", "(", ")", "-", "\u2014", "\n", "\n\n", "  ", "\t",
    "🕊️", "حزب الله", "Эрдоган", "x" * 300, "U.S.", "#1", "<script>", "{", "}", "\\", "\x00", "\u2028", "\ufffd",
])


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles=st.lists(st.lists(st.one_of(WORDS, st.text(max_size=8)), min_size=1, max_size=60).map(" ".join),
                         min_size=1, max_size=3))
def test_extraction_of_hostile_text_never_raises_and_offsets_index_the_text(nlp, extractor, articles):
    documents = [Document(f"d{n}", text, f"d{n}.txt") for n, text in enumerate(articles) if text.strip()]
    assume(documents)
    mentions, claims = [], []
    for document, doc in parse(nlp, documents):
        assert doc.text == document.text
        extraction = extractor(document, doc)
        mentions += extraction.mentions
        claims += extraction.claims
    texts = {d.doc_id: d.text for d in documents}
    for claim in claims:
        ev = claim.evidence
        assert 0 <= ev.start < ev.end <= len(texts[ev.doc_id])
        assert texts[ev.doc_id][ev.start:ev.end] == ev.sentence
    graph = resolve(documents, mentions, claims)
    rdf = to_rdf(graph)
    for fmt in ("turtle", "json-ld"):
        serialize(rdf, fmt).encode("utf-8")


# --------------------------------------------------------------------------- kg build on a hostile folder

BAD_FILES = {
    "empty.txt": b"",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "latin1.txt": "Le président a parlé à Damas.\n".encode("latin-1"),
    "utf16.md": "Iran backs Hezbollah.".encode("utf-16"),
    "script.html": b"<html><head><script>document.write('Turkey backs NATO')</script></head><body></body></html>",
}


def kg(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "80"})


def relations(out: Path) -> set[tuple[str, str]]:
    graph = Graph().parse(out / "graph.ttl")
    return {(str(graph.value(s, RDFS.label)), str(graph.value(o, RDFS.label))) for s, o in graph.subject_objects(KG.backs)}


@SLOW
@given(
    bad=st.lists(st.tuples(st.lists(names, max_size=2), names, st.sampled_from(sorted(BAD_FILES))), min_size=1, max_size=5,
                 unique_by=lambda b: (tuple(n.lower() for n in b[0]), b[1].lower())),
    noise=st.lists(st.tuples(names, st.sampled_from(EXTENSIONS), st.binary(max_size=300)), max_size=3,
                   unique_by=lambda n: n[0].lower()),
    garbage=st.lists(JSONL_GARBAGE.filter(lambda line: line.strip() and len(line) < 1000), min_size=1, max_size=3),
    loop=st.booleans(),
)
def test_kg_build_on_a_hostile_folder(tmp_path_factory, bad, noise, garbage, loop):
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "in put 'x' \"y\" ü"
    folder.mkdir()
    (folder / "good article.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    expected = []  # (path shown, line number or None) of every input that must be reported
    for folders, name, kind in bad:
        path = folder.joinpath("sub", *folders, f"{name} {kind}")
        if path.exists() or any(p.is_file() for p in path.parents):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(BAD_FILES[kind])
        expected.append((shown(path), None))
    for name, extension, data in noise:  # random bytes: a document or a problem, never a crash
        path = folder / "noise" / f"{name}{extension}"
        path.parent.mkdir(exist_ok=True)
        if not path.exists():
            path.write_bytes(data)
    feed = folder / "feed.jsonl"
    good_line = json.dumps({"text": "Russia backs the Syrian government, the Kremlin said."})
    feed.write_text("\n".join([good_line, *garbage]) + "\n", encoding="utf-8", errors="surrogatepass")
    bad_lines = [n for n, line in enumerate(garbage, start=2) if isinstance(read_all(feed)[n - 1], Problem)]
    expected += [(shown(feed), n) for n in bad_lines]
    if loop:
        os.symlink(folder, folder / "loop", target_is_directory=True)
    out = base / "out"

    result = kg("build", folder, "--out", out, "--no-cache")

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    output = result.output.splitlines()
    for where, line in expected:
        prefix = f"{where}:{line}:" if line else f"{where}:"
        named = [text for text in output if prefix in text]
        assert len(named) == 1, (prefix, result.output)
    assert GOOD_RELATION in relations(out)
    assert ("Russia", "Syria") in relations(out)


def test_the_issue_bar(tmp_path):
    """One good article, an empty file, a binary file, a JSONL with a broken line and an HTML page
    with a script: the messages name them, the graph has the good relations, two builds give the
    same Turtle, a failed build leaves the output as it was, pyoxigraph reads all of it."""
    import pyoxigraph

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(BAD_FILES["binary.txt"])
    (folder / "feed.jsonl").write_text('{"text": "Russia backs the Syrian government."}\n{"text": \n', encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><head><script>document.write('Turkey backs NATO')</script></head><body><article>"
        "<p>Turkey opposes the Syrian government in Idlib, Turkish officials said on Monday, as the "
        "offensive forced hundreds of thousands of civilians towards the border.</p></article></body></html>",
        encoding="utf-8")
    first, second = tmp_path / "first", tmp_path / "second"
    result = kg("build", folder, "--out", first, "--no-cache")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    for name in ("empty.txt", "binary.txt", "feed.jsonl:2"):
        assert len([line for line in result.output.splitlines() if f"{folder / name}:" in line]) == 1, name
    assert {GOOD_RELATION, ("Russia", "Syria")} <= relations(first)
    assert "NATO" not in (first / "graph.ttl").read_text(encoding="utf-8")
    assert kg("build", folder, "--out", second, "--no-cache").exit_code == 0
    for name in ("graph.ttl", "graph.jsonld"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    failed = kg("build", folder / "empty.txt", "--out", first, "--no-cache")
    assert failed.exit_code != 0 and "Traceback" not in failed.output
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    turtle = (first / "graph.ttl").read_bytes()
    assert len(list(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE))) == len(Graph().parse(data=turtle, format="turtle"))
