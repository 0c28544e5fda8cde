"""INGEST: files and directories in, Documents (and Problems for bad input, Notices for remarks) out."""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from kg import ingest
from kg.ingest import identity_hash, make_doc_id, read_date, read_documents
from kg.model import Document, Notice, Problem

ARTICLE = (
    "Turkish President Recep Tayyip Erdogan repeated an end-of-February deadline "
    "for Syrian government forces to withdraw from Idlib Province.\n\n"
    "Russia, which backs the government in Damascus, said the Sochi Agreement "
    "remained the basis for talks with Ankara."
)


def read_all(*paths, **kwargs) -> list[Document | Problem | Notice]:
    return list(read_documents(paths, **kwargs))


def documents(*paths, **kwargs) -> list[Document]:
    return [item for item in read_all(*paths, **kwargs) if isinstance(item, Document)]


def only_document(*paths) -> Document:
    (item,) = read_all(*paths)
    assert isinstance(item, Document), item
    return item


def digest(text: str) -> str:
    """The hash part of a document id: the first 12 hex digits of the sha256 of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def only_problem(*paths, **kwargs) -> Problem:
    (item,) = read_all(*paths, **kwargs)
    assert isinstance(item, Problem), item
    return item


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


# --------------------------------------------------------------------------- .txt


def test_txt_short_first_line_without_period_is_the_title(tmp_path):
    title = "Erdogan sets February deadline for Syrian withdrawal from Idlib"
    path = write(tmp_path / "idlib.txt", f"{title}\n\n{ARTICLE}\n")

    doc = only_document(path)

    assert doc.title == title
    assert doc.text == f"{title}\n\n{ARTICLE}"  # the title line stays in the text
    assert doc.doc_id == f"erdogan-sets-february-deadline-for-{digest(doc.text)}"
    assert doc.path == "idlib.txt"  # a file given: its name, never the directories above it
    assert doc.line is None


def test_txt_first_line_ending_with_period_is_not_a_title(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE)
    assert only_document(path).title is None


def test_txt_single_line_is_not_a_title(tmp_path):
    path = write(tmp_path / "a.txt", "Russian delegation lands in Ankara for talks on Idlib")
    doc = only_document(path)
    assert doc.title is None
    assert doc.text == "Russian delegation lands in Ankara for talks on Idlib"


def test_txt_long_first_line_is_not_a_title(tmp_path):
    long_line = "Turkish officials said " + "talks continued in Ankara and Moscow " * 6
    assert len(long_line) > ingest.MAX_TITLE_CHARS
    path = write(tmp_path / "a.txt", f"{long_line}\n{ARTICLE}")
    assert only_document(path).title is None


def test_txt_newlines_are_normalised_and_text_kept_verbatim(tmp_path):
    path = write(tmp_path / "a.txt", b"\xef\xbb\xbf  Talks in Ankara\r\n\r\nHulusi Akar said  the  talks went well.\rMore later.\r\n\n")

    doc = only_document(path)

    # the BOM and outer whitespace go; inner spacing is kept so offsets stay meaningful
    assert doc.text == "Talks in Ankara\n\nHulusi Akar said  the  talks went well.\nMore later."
    assert doc.title == "Talks in Ankara"


# --------------------------------------------------------------------------- .md


def test_markdown_markup_is_removed_and_heading_is_the_title(tmp_path):
    path = write(
        tmp_path / "briefing.md",
        "# Turkey and *Russia* agree on Idlib patrols\n"
        "\n"
        "![Turkish armoured vehicles near Saraqib](https://example.org/saraqib.jpg)\n"
        "\n"
        "## Background\n"
        "\n"
        "The **Sochi Agreement** was signed by [Vladimir Putin](https://en.wikipedia.org/wiki/Vladimir_Putin)"
        " and _Recep Tayyip Erdogan_ in 2018.\n"
        "The file name snake_case_name keeps its underscores.\n",
    )

    doc = only_document(path)

    assert doc.title == "Turkey and Russia agree on Idlib patrols"
    assert doc.text == (
        "Turkey and Russia agree on Idlib patrols\n"
        "\n"
        "\n"
        "\n"
        "Background\n"
        "\n"
        "The Sochi Agreement was signed by Vladimir Putin and Recep Tayyip Erdogan in 2018.\n"
        "The file name snake_case_name keeps its underscores."
    )
    assert "http" not in doc.text and "#" not in doc.text and "*" not in doc.text


def test_markdown_without_level_one_heading_has_no_title(tmp_path):
    path = write(tmp_path / "notes.md", "## Update\n\nAnkara sent more troops to Idlib on Sunday.\n")
    doc = only_document(path)
    assert doc.title is None
    assert doc.text == "Update\n\nAnkara sent more troops to Idlib on Sunday."


# --------------------------------------------------------------------------- .html

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Turkey sets February deadline for Syrian withdrawal from Idlib | Levant Daily</title>
  <meta property="og:title" content="Turkey sets February deadline for Syrian withdrawal from Idlib">
  <meta property="og:site_name" content="Levant Daily">
  <meta property="og:url" content="https://levantdaily.example/2020/02/05/turkey-idlib-deadline">
  <meta property="article:published_time" content="2020-02-05T09:30:00+00:00">
</head>
<body>
  <header>
    <nav class="main-menu">
      <ul>
        <li><a href="/">Home</a></li>
        <li><a href="/world">World News</a></li>
        <li><a href="/economy">Economy and Markets</a></li>
        <li><a href="/subscribe">Subscribe Today</a></li>
      </ul>
    </nav>
  </header>
  <main>
    <article>
      <h1>Turkey sets February deadline for Syrian withdrawal from Idlib</h1>
      <div class="share-buttons">
        <a href="https://twitter.com/share">Share on Twitter</a>
        <a href="https://facebook.com/share">Share on Facebook</a>
      </div>
      <p>Fakhruddin Altun, head of the communications department in the Turkish presidency,
      announced that his country is determined to push Syrian government forces back beyond
      the Turkish observation posts in Idlib by the end of February.</p>
      <p>Altun said in a statement that the Assad regime is targeting civilians and committing
      violations in the region, and he criticised the silence of the international community.</p>
      <div class="story-video" data-video-id="x7kq9zz">
        <iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>
        <p>Video ID: dQw4w9WgXcQ - watch the full report from the Turkish border</p>
      </div>
      <p>Russia, which backs the government in Damascus, signed the Sochi Agreement with Turkey
      in 2018 to create a demilitarised zone around Idlib, but fighting has intensified since December.</p>
      <div class="writer-bio">
        <p>Amina Haddad is a senior correspondent covering Turkish foreign policy.</p>
      </div>
    </article>
    <section id="comments">
      <h3>Leave a comment</h3>
      <form class="comment-form" action="/comment" method="post">
        <label>Your name</label><input type="text" name="name">
        <textarea name="comment">Write your comment here</textarea>
        <button type="submit">Post comment</button>
      </form>
      <div class="comment"><p>Great reporting, thanks for keeping us informed.</p></div>
    </section>
  </main>
  <footer><p>Copyright 2020 Levant Daily. All rights reserved.</p></footer>
</body>
</html>
"""


def test_html_keeps_the_article_body_and_drops_boilerplate(tmp_path):
    path = write(tmp_path / "levant" / "idlib-deadline.html", NEWS_PAGE)

    doc = only_document(path)

    assert "Fakhruddin Altun, head of the communications department" in doc.text
    assert "Russia, which backs the government in Damascus, signed the Sochi Agreement" in doc.text
    for boilerplate in (
        "World News",  # menu
        "Subscribe Today",
        "Share on Twitter",  # share widget
        "dQw4w9WgXcQ",  # video embed id
        "Amina Haddad",  # author bio
        "Leave a comment",  # comment form and comments
        "Write your comment here",
        "Great reporting",
        "All rights reserved",  # footer
    ):
        assert boilerplate not in doc.text
    assert doc.title == "Turkey sets February deadline for Syrian withdrawal from Idlib"
    assert doc.date == "2020-02-05"
    assert doc.url == "https://levantdaily.example/2020/02/05/turkey-idlib-deadline"
    assert doc.source == "Levant Daily"
    url_hash = digest("https://levantdaily.example/2020/02/05/turkey-idlib-deadline")
    assert doc.doc_id == f"turkey-sets-february-deadline-for-syrian-{url_hash}"  # from the article, not the file
    assert doc.path == "idlib-deadline.html"


def test_htm_extension_is_read_as_html(tmp_path):
    path = write(tmp_path / "page.HTM", NEWS_PAGE)
    assert "Sochi Agreement" in only_document(path).text


def test_html_without_article_text_is_a_problem(tmp_path):
    menu_only = '<html><body><nav><ul><li><a href="/">Home</a></li></ul></nav></body></html>'
    path = write(tmp_path / "menu.html", menu_only)
    assert only_problem(path).reason == "no article text found in HTML"


# --------------------------------------------------------------------------- .jsonl


def test_jsonl_one_document_per_line_and_problems_for_bad_lines(tmp_path):
    lines = [
        json.dumps({
            "text": "Hulusi Akar said Turkey and Russia agreed on joint patrols.",
            "title": "Akar announces agreement",
            "date": "5 February 2020",
            "url": "https://news.example/akar",
            "source": "Anadolu",
        }),
        "",  # blank lines are skipped but still counted
        '{"title": "Broken record", "text": ',
        json.dumps({"title": "No body here"}),
        json.dumps({"text": "The Syrian army entered Saraqib on Thursday.\r\nClashes continued."}),
    ]
    path = write(tmp_path / "Feed.jsonl", "\n".join(lines) + "\n")

    items = read_all(path)

    assert [type(i).__name__ for i in items] == ["Document", "Problem", "Problem", "Document"]
    first, broken, missing, last = items
    assert first == Document(
        doc_id=f"akar-announces-agreement-{digest('https://news.example/akar')}",
        text="Hulusi Akar said Turkey and Russia agreed on joint patrols.",
        path="Feed.jsonl",
        title="Akar announces agreement",
        date="2020-02-05",
        url="https://news.example/akar",
        source="Anadolu",
        line=1,
        date_precision="day",
    )
    assert broken == Problem(str(path), "invalid JSON: Expecting value", line=3)
    missing_text = "missing the article text (one of 'text', 'content', 'body', 'article')"
    assert missing == Problem(str(path), missing_text, line=4)
    assert str(missing) == f"{path}:4: {missing_text}"  # problems, shown on the terminal, keep the full path
    assert last.doc_id == digest(last.text)  # no title: the hash alone
    assert last.line == 5
    assert last.text == "The Syrian army entered Saraqib on Thursday.\nClashes continued."
    assert last.title is None and last.date is None


def test_jsonl_text_must_be_a_non_empty_string(tmp_path):
    path = write(tmp_path / "feed.jsonl", '{"text": "   "}\n{"text": 42}\n["not", "an", "object"]\n')
    reasons = [(p.line, p.reason) for p in read_all(path)]
    assert reasons == [
        (1, "'text' must be a non-empty string"),
        (2, "'text' must be a non-empty string"),
        (3, "expected a JSON object"),
    ]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2020-02-05", ("2020-02-05", "day")),
        ("2020-02-05T09:30:00+03:00", ("2020-02-05", "day")),
        ("February 5, 2020", ("2020-02-05", "day")),
        ("Wed, 05 Feb 2020 09:30:00 GMT", ("2020-02-05", "day")),
        ("2020/02/05", ("2020-02-05", "day")),
        ("2024-05", ("2024-05", "month")),
        ("May 2024", ("2024-05", "month")),  # no day: a month, not the 1st of May
        ("February 2020", ("2020-02", "month")),
        ("2024", ("2024", "year")),
        ("yesterday", None),  # no relative dates
        ("June 2", None),  # no year: never this year's
        ("sometime last spring", None),
        ("2020-02-31", None),
        ("2024-13", None),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_read_with_their_precision(given, expected):
    assert read_date(given) == expected


def feed_with(tmp_path, **record) -> Path:
    return write(tmp_path / "feed.jsonl", json.dumps({"text": ARTICLE, **record}) + "\n")


@pytest.mark.parametrize(
    ("written", "date", "precision"),
    [("5 February 2020", "2020-02-05", "day"), ("May 2024", "2024-05", "month"), ("2024", "2024", "year")],
)
def test_a_document_keeps_its_date_at_the_precision_written(tmp_path, written, date, precision):
    doc = only_document(feed_with(tmp_path, date=written))
    assert (doc.date, doc.date_precision) == (date, precision)


def test_a_date_that_cannot_be_read_is_kept_as_written_with_a_notice_not_a_problem(tmp_path):
    path = feed_with(tmp_path, date="sometime last spring")

    doc, notice = read_all(path)

    assert isinstance(doc, Document)  # read, not skipped
    assert (doc.date, doc.date_precision) == ("sometime last spring", None)
    assert notice == Notice(str(path), "date not understood, kept as written: 'sometime last spring'", line=1)
    assert str(notice) == f"{path}:1: date not understood, kept as written: 'sometime last spring'"


def test_a_date_too_long_to_be_one_is_left_out_with_a_notice(tmp_path):
    doc, notice = read_all(feed_with(tmp_path, date="x" * 500))
    assert doc.date is None and doc.date_precision is None
    assert isinstance(notice, Notice) and "too long" in notice.message


def rdf_date(doc: Document):
    from kg.namespaces import SDO
    from kg.rdf import document_triples

    (value,) = [o for _, p, o in document_triples(doc) if p == SDO.datePublished]
    return value


def test_dates_are_written_with_the_xsd_type_of_their_precision(tmp_path):
    from rdflib import Literal

    from kg.namespaces import XSD

    as_read = {written: documents(feed_with(tmp_path, date=written))[0] for written in
               ("2024-05-02", "May 2024", "2024", "sometime last spring")}
    assert rdf_date(as_read["2024-05-02"]) == Literal("2024-05-02", datatype=XSD.date)
    assert rdf_date(as_read["May 2024"]) == Literal("2024-05", datatype=XSD.gYearMonth)
    assert rdf_date(as_read["2024"]) == Literal("2024", datatype=XSD.gYear)
    unread = rdf_date(as_read["sometime last spring"])
    assert unread == Literal("sometime last spring") and unread.datatype is None  # a plain string, as written


def test_documents_with_every_kind_of_date_conform_to_the_shapes(tmp_path):
    from kg.model import KnowledgeGraph
    from kg.rdf import to_rdf, validate

    records = [{"text": f"Article {n}. {ARTICLE}", "date": date, "guid": f"g{n}"}
               for n, date in enumerate(["2024-05-02", "May 2024", "2024", "sometime last spring"])]
    path = write(tmp_path / "feed.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    conforms, report = validate(to_rdf(KnowledgeGraph(documents=documents(path))))
    assert conforms, report


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\t\r\n  ", "no text"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text"),
        ("latin1.txt", "Erdoğan in Ankara".encode("iso-8859-9"), "not valid UTF-8 text: invalid continuation byte at byte 4"),
        ("utf16.txt", "Erdogan in Ankara".encode("utf-16"), "not valid UTF-8 text: starts with a UTF-16 byte order mark"),
        ("blank.md", b"\n\n", "no text"),
        ("empty.jsonl", b"", "empty file"),
    ],
)
def test_bad_files_become_problems(tmp_path, name, content, reason):
    path = write(tmp_path / name, content)
    assert only_problem(path) == Problem(str(path), reason)


def test_too_large_file_is_a_problem(tmp_path):
    path = write(tmp_path / "long.txt", "Talks in Ankara continued. " * 10)
    assert only_problem(path, max_bytes=100).reason == "file too large (270 bytes > limit 100)"


def test_missing_path_is_a_problem(tmp_path):
    missing = tmp_path / "nowhere" / "article.txt"
    assert only_problem(missing) == Problem(str(missing), "no such file or directory")


def test_explicit_file_with_unsupported_extension_is_a_problem(tmp_path):
    path = write(tmp_path / "report.pdf", b"%PDF-1.4")
    assert only_problem(path).reason == (
        "not an article type: '.pdf' (kg reads .txt, .md, .html, .htm, .json, .jsonl)"
    )


def test_unreadable_file_is_a_problem(tmp_path, monkeypatch):
    path = write(tmp_path / "secret.txt", ARTICLE)

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ingest, "open", deny, raising=False)
    assert only_problem(path).reason == "cannot read: Permission denied"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read anything")
def test_unreadable_directory_is_a_problem(tmp_path):
    locked = tmp_path / "locked"
    write(locked / "a.txt", ARTICLE)
    locked.chmod(0)
    try:
        assert only_problem(tmp_path).reason == "cannot read: Permission denied"
    finally:
        locked.chmod(0o755)


def test_bad_input_does_not_stop_the_rest(tmp_path):
    good = write(tmp_path / "good.txt", ARTICLE)
    bad = write(tmp_path / "bad.txt", b"")
    items = read_all(bad, tmp_path / "missing.txt", good)
    assert [type(i).__name__ for i in items] == ["Problem", "Problem", "Document"]


# --------------------------------------------------------------------------- directories


def test_directory_is_walked_recursively_in_sorted_order(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "b.txt", "Second article. " + ARTICLE)
    write(corpus / "a" / "z.md", "# Ankara talks\n\nTurkey hosted the Russian delegation.")
    write(corpus / "a-b.txt", "First article. " + ARTICLE)
    write(corpus / "c" / "feed.jsonl", '{"text": "Russia backs the Syrian government."}\n')
    write(corpus / ".hidden.txt", ARTICLE)  # hidden file: skipped
    write(corpus / ".git" / "x.txt", ARTICLE)  # hidden directory: skipped

    items = read_all(corpus)

    assert all(isinstance(i, Document) for i in items)
    # the path below the folder given: nothing of where the folder is on this machine
    assert [d.path for d in items] == ["a/z.md", "a-b.txt", "b.txt", "c/feed.jsonl"]
    assert all(str(tmp_path) not in d.path for d in items)


@pytest.mark.parametrize("name", ["notes.pdf", "report.docx", "Makefile", "feed.csv", "scan.PNG"])
def test_files_of_other_types_in_a_folder_are_reported_not_dropped(tmp_path, name):
    write(tmp_path / "article.txt", ARTICLE)
    other = write(tmp_path / name, b"%PDF-1.4 or anything")

    items = read_all(tmp_path)

    problems = [i for i in items if isinstance(i, Problem)]
    assert len(problems) == 1 and problems[0].path == str(other)
    assert problems[0].reason.startswith("not an article type: ")
    assert [d.path for d in items if isinstance(d, Document)] == ["article.txt"]


@pytest.mark.parametrize("name", ["README", "README.md", "readme.txt", "LICENSE", "License-MIT.txt", "LICENCE.md",
                                  "COPYING.LESSER", "ATTRIBUTION.txt", "NOTICE", "AUTHORS.md", "ChangeLog.md"])
def test_a_folders_own_documentation_is_skipped_silently(tmp_path, name):
    write(tmp_path / "article.txt", ARTICLE)
    write(tmp_path / name, "This folder holds the articles of the Levant corpus, see LICENSE.\n\nMore here.")

    items = read_all(tmp_path)

    assert [type(i) for i in items] == [Document]  # the README is no document, and no problem either
    assert items[0].path == "article.txt"
    assert ingest.count_files([tmp_path]) == 1


def test_a_documentation_file_named_on_the_command_line_is_read(tmp_path):
    path = write(tmp_path / "README.txt", ARTICLE)
    assert only_document(path).path == "README.txt"


def test_only_whole_documentation_names_are_skipped(tmp_path):
    write(tmp_path / "notices-of-war.txt", ARTICLE)  # starts with "notice", but is an article
    write(tmp_path / "authorship.txt", "Second article. " + ARTICLE)
    assert [d.path for d in documents(tmp_path)] == ["authorship.txt", "notices-of-war.txt"]


def test_directory_walk_reports_bad_files_and_goes_on(tmp_path):
    write(tmp_path / "1.txt", b"")
    write(tmp_path / "2.txt", ARTICLE)
    items = read_all(tmp_path)
    assert items[0] == Problem(str(tmp_path / "1.txt"), "empty file")
    assert isinstance(items[1], Document)


def test_symlink_loop_does_not_hang(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "sub" / "article.txt", ARTICLE)
    (corpus / "sub" / "back").symlink_to(corpus, target_is_directory=True)
    (corpus / "self").symlink_to(corpus / "self")  # a link to itself

    items = read_all(corpus)

    assert [d.path for d in items if isinstance(d, Document)] == ["sub/article.txt"]


# --------------------------------------------------------------------------- document identity


def test_doc_id_is_a_slug_of_the_title_and_a_hash_of_the_url(tmp_path):
    url = "https://news.example/2020/02/akar"
    doc = only_document(feed_with(tmp_path, title="Akar: Turkey and Russia agree on joint patrols in Idlib", url=url))
    assert doc.doc_id == f"akar-turkey-and-russia-agree-on-joint-{digest(url)}"
    assert len(doc.doc_id.rsplit("-", 1)[0]) <= 40  # the title part at most 40 characters, cut at a word end


def test_doc_id_without_url_hashes_the_text_and_without_title_is_the_hash_alone(tmp_path):
    doc = only_document(write(tmp_path / "a.txt", ARTICLE))
    assert doc.title is None and doc.doc_id == digest(ARTICLE)


@pytest.mark.parametrize("title", ["إدلب", "   ", "!!!"])
def test_a_title_with_nothing_latin_gives_the_hash_alone(title):
    assert make_doc_id(title, "0123456789ab") == "0123456789ab"


def test_accents_are_kept_as_their_letters_in_the_slug():
    assert make_doc_id("Erdoğan in Paris", "0123456789ab") == "erdogan-in-paris-0123456789ab"


def test_doc_id_does_not_depend_on_the_file_name_or_folder(tmp_path):
    first = only_document(write(tmp_path / "one" / "idlib.txt", ARTICLE))
    renamed = only_document(write(tmp_path / "two" / "renamed-2020.txt", ARTICLE))
    assert first.doc_id == renamed.doc_id


def test_url_identity_ignores_scheme_and_host_case_and_the_fragment():
    same = [Document("", "one text", "a", url="https://news.example/World/a?id=1"),
            Document("", "another text", "b", url="HTTPS://News.EXAMPLE/World/a?id=1#comments")]
    other = [Document("", "one text", "c", url="https://news.example/world/a?id=1"),  # the path keeps its case
             Document("", "one text", "d", url="https://news.example/World/a?id=2")]  # and its query
    assert identity_hash(same[0]) == identity_hash(same[1])
    assert len({identity_hash(d) for d in [same[0], *other]}) == 3


def test_two_feeds_with_the_same_name_do_not_merge(tmp_path):
    write(tmp_path / "reuters" / "feed.jsonl", json.dumps({"text": "Russia backs the Syrian government."}) + "\n")
    write(tmp_path / "afp" / "feed.jsonl", json.dumps({"text": "Turkey opposes the Syrian government."}) + "\n")

    docs = documents(tmp_path)

    assert len(docs) == 2 and len({d.doc_id for d in docs}) == 2
    assert [d.path for d in docs] == ["afp/feed.jsonl", "reuters/feed.jsonl"]


def test_the_same_article_in_two_files_is_one_document_and_a_notice(tmp_path):
    first = write(tmp_path / "a" / "idlib.txt", ARTICLE)
    second = write(tmp_path / "b" / "copy.txt", ARTICLE)

    items = read_all(tmp_path)

    assert [type(i) for i in items] == [Document, Notice]  # not a second document
    assert items[0].path == "a/idlib.txt"  # the first in reading order is kept
    assert items[1] == Notice(str(second), f"same article as {first}, not read again")


def test_the_same_url_is_the_same_article_whatever_its_text(tmp_path):
    lines = [json.dumps({"text": "Akar spoke on Monday.", "url": "https://news.example/akar#top"}),
             json.dumps({"text": "Akar spoke on Monday (updated).", "link": "https://NEWS.example/akar"})]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")

    items = read_all(path)

    assert [type(i) for i in items] == [Document, Notice]
    assert items[0].text == "Akar spoke on Monday."
    assert items[1] == Notice(str(path), f"same article as {path}:1, not read again", line=2)


def test_the_feed_id_is_kept_and_written_as_schema_identifier(tmp_path):
    from rdflib import Literal

    from kg.namespaces import SDO
    from kg.rdf import document_triples

    doc = only_document(feed_with(tmp_path, guid="urn:news:1234"))
    assert doc.feed_id == "urn:news:1234"
    assert (doc.doc_id != "urn:news:1234") and doc.doc_id == digest(ARTICLE)  # the id stays the article's own
    assert [o for _, p, o in document_triples(doc) if p == SDO.identifier] == [Literal("urn:news:1234")]
    assert only_document(feed_with(tmp_path, id=42)).feed_id == "42"


def test_the_published_path_is_relative_to_the_argument(tmp_path):
    from kg.namespaces import KG
    from kg.rdf import document_triples

    write(tmp_path / "corpus" / "sub" / "a.txt", ARTICLE)
    (doc,) = documents(tmp_path / "corpus")
    assert doc.path == "sub/a.txt"
    (path,) = [str(o) for _, p, o in document_triples(doc) if p == KG.path]
    assert path == "sub/a.txt" and str(tmp_path) not in path
    assert only_document(tmp_path / "corpus" / "sub" / "a.txt").path == "a.txt"


def test_a_jsonl_feed_larger_than_max_bytes_is_read_a_line_at_a_time(tmp_path):
    lines = [json.dumps({"text": f"Talks in Ankara went on, day {n}."}) for n in range(20)]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    items = list(read_documents([path], max_bytes=100))
    assert [type(i) for i in items] == [Document] * 20 and path.stat().st_size > 100
    assert [i.line for i in items] == list(range(1, 21))


def test_a_jsonl_line_over_max_bytes_is_a_problem_and_the_next_lines_are_read(tmp_path):
    short = json.dumps({"text": "Talks in Ankara continued."})
    long = json.dumps({"text": "Talks in Ankara continued. " * 20})
    later = json.dumps({"text": "Talks in Ankara ended."})
    path = write(tmp_path / "feed.jsonl", "\n".join([short, long, later]) + "\n")
    items = list(read_documents([path], max_bytes=100))
    assert isinstance(items[1], Problem) and items[1].line == 2 and "line too large" in items[1].reason
    assert [i.line for i in items if isinstance(i, Document)] == [1, 3]


# --------------------------------------------------------------------------- .json and field names


def test_json_with_one_article_object_is_one_document(tmp_path):
    path = write(tmp_path / "story.json", json.dumps({"text": ARTICLE, "title": "Idlib deadline", "date": "2020-02-05"}))
    doc = only_document(path)
    assert (doc.text, doc.title, doc.date, doc.path, doc.line) == (ARTICLE, "Idlib deadline", "2020-02-05", "story.json", None)


def test_json_list_is_one_document_per_item_and_bad_items_are_problems_with_their_index(tmp_path):
    items_in = [{"text": "Russia backs the Syrian government."}, {"title": "no text"}, "not an object",
                {"text": "Turkey opposes the Syrian government."}]
    path = write(tmp_path / "feed.json", json.dumps(items_in))

    items = read_all(path)

    assert [type(i) for i in items] == [Document, Problem, Problem, Document]
    assert [i.line for i in items] == [0, 1, 2, 3]  # the index of the item in the list
    assert items[2] == Problem(str(path), "expected a JSON object", line=2)
    assert items[3].text == "Turkey opposes the Syrian government."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"text": ', "invalid JSON: Expecting value at line 1 column 10"),
        ("[]", "no articles: an empty list"),
        ('"just a string"', "expected an article object or a list of article objects"),
    ],
)
def test_bad_json_files_are_problems(tmp_path, content, reason):
    path = write(tmp_path / "feed.json", content)
    assert only_problem(path) == Problem(str(path), reason)


RSS_LIKE = {
    "guid": "urn:uuid:7d1f", "headline": "Akar announces agreement", "body": "Hulusi Akar said Turkey and Russia agreed.",
    "pubDate": "Wed, 05 Feb 2020 09:30:00 GMT", "link": "https://news.example/akar", "publisher": {"name": "Anadolu"},
}


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_feed_records_accept_the_common_field_names(tmp_path, suffix):
    path = write(tmp_path / f"feed{suffix}", json.dumps(RSS_LIKE) + "\n")

    doc = only_document(path)

    assert doc.text == "Hulusi Akar said Turkey and Russia agreed."
    assert (doc.title, doc.date, doc.url, doc.source, doc.feed_id) == (
        "Akar announces agreement", "2020-02-05", "https://news.example/akar", "Anadolu", "urn:uuid:7d1f")


@pytest.mark.parametrize(
    ("field", "names"),
    [(field, names) for field, names in ingest.FIELD_ALIASES.items()],
)
def test_every_alias_of_a_field_is_read_and_the_first_one_wins(tmp_path, field, names):
    values = {"text": "Article text {}.", "title": "Title {}", "date": "202{}-01-02", "url": "https://x.example/{}",
              "source": "Outlet {}", "feed_id": "id-{}"}[field]
    base = {} if field == "text" else {"text": ARTICLE}
    for n, name in enumerate(names):  # each alias alone
        record = {**base, name: values.format(n)}
        assert getattr(only_document(write(tmp_path / f"{n}.json", json.dumps(record))), field) == values.format(n)
    both = {**base, **{name: values.format(n) for n, name in reversed(list(enumerate(names)))}}
    assert getattr(only_document(write(tmp_path / "all.json", json.dumps(both))), field) == values.format(0)


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    "caption",
    [
        "Civilians displaced by the offensive in Idlib Province, December 2019 (Photo: Getty)",
        "Turkish troops patrol near Saraqib (Reuters)",
        "Photo: Turkish armoured vehicles near Saraqib",
        "File photo of Turkish soldiers at an observation post",
        "A Turkish soldier near Idlib. Getty Images",
        "Displaced Syrians near the Turkish border AFP via Getty Images",
    ],
)
def test_a_photo_caption_is_not_the_title_but_the_headline_after_it_is(tmp_path, caption):
    headline = "Erdogan repeats February deadline for Idlib withdrawal"
    doc = only_document(write(tmp_path / "a.txt", f"{caption}\n\n{headline}\n\n{ARTICLE}"))
    assert doc.title == headline
    assert doc.text.startswith(caption)  # the caption stays in the text


def test_a_caption_followed_by_the_body_gives_no_title(tmp_path):
    caption = "Civilians displaced in Idlib, December 2019 (Photo: Getty)"
    assert only_document(write(tmp_path / "a.txt", f"{caption}\n\n{ARTICLE}")).title is None


def test_a_dateline_is_not_a_title(tmp_path):
    doc = only_document(write(tmp_path / "a.txt", f"KYIV, Ukraine — March 3, 2024 —\n{ARTICLE}"))
    assert doc.title is None


def test_the_title_is_looked_for_only_in_the_first_lines(tmp_path):
    body = "\n".join(f"Paragraph {n} of the article ends here." for n in range(ingest.TITLE_LINES)) + "\nA late line without period\nEnd."
    assert only_document(write(tmp_path / "a.txt", body)).title is None


# --------------------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("start", "date"),
    [
        ("KYIV, Ukraine — March 3, 2024 — Ukrainian officials said", "2024-03-03"),
        ("June 2, 2024 - Turkish officials said", "2024-06-02"),
        ("ISTANBUL, June 2, 2024 (Reuters) - Turkey said", "2024-06-02"),
        ("ANKARA, 5 February 2020 (AA) – Turkey said", "2020-02-05"),
        ("WASHINGTON, Sept. 9, 2019 -- The State Department said", "2019-09-09"),
    ],
)
def test_a_dateline_with_a_full_date_dates_a_document_without_one(tmp_path, start, date):
    doc = only_document(write(tmp_path / "a.txt", f"Talks on Idlib resume\n\n{start} the talks would go on.\n\n{ARTICLE}"))
    assert (doc.date, doc.date_precision) == (date, "day")


def test_a_dateline_without_a_year_gives_no_date(tmp_path):
    doc = only_document(write(tmp_path / "a.txt", f"ISTANBUL, June 2 (Reuters) - Turkey said the talks would go on.\n{ARTICLE}"))
    assert (doc.date, doc.date_precision) == (None, None)  # no year is invented


@pytest.mark.parametrize(("known", "date"), [("2024", "2024-06-02"), ("June 2024", "2024-06-02"), ("May 2024", "2024-05")])
def test_a_dateline_without_a_year_takes_the_year_of_the_metadata(tmp_path, known, date):
    text = f"ISTANBUL, June 2 (Reuters) - Turkey said the talks would go on.\n{ARTICLE}"
    doc = only_document(write(tmp_path / "feed.jsonl", json.dumps({"text": text, "date": known}) + "\n"))
    assert doc.date == date  # May 2024 and June 2 disagree: the metadata's month is kept


def test_a_dateline_does_not_override_an_exact_date_from_the_metadata(tmp_path):
    text = f"ISTANBUL, June 2, 2024 (Reuters) - Turkey said the talks would go on.\n{ARTICLE}"
    doc = only_document(write(tmp_path / "feed.jsonl", json.dumps({"text": text, "date": "2024-06-03"}) + "\n"))
    assert (doc.date, doc.date_precision) == ("2024-06-03", "day")


def test_a_date_in_the_middle_of_a_sentence_is_not_a_dateline(tmp_path):
    text = f"Turkish officials met on June 2, 2024 - a Sunday - in Ankara.\n{ARTICLE}"
    assert only_document(write(tmp_path / "a.txt", text)).date is None


# --------------------------------------------------------------------------- the build shows notices


def test_the_build_passes_notices_on_and_does_not_count_them_as_skipped():
    from kg.build import _documents

    doc = Document("d", ARTICLE, "a.txt")
    notice = Notice("/in/b.txt", "same article as /in/a.txt, not read again")
    problem = Problem("/in/c.pdf", "not an article type: '.pdf'")
    problems, notices, shown_docs = [], [], []

    read = list(_documents([doc, notice, problem], problems, lambda p: None, shown_docs.append, on_notice=notices.append))

    assert read == [doc] == shown_docs
    assert notices == [notice] and problems == [problem]


def test_count_documents_counts_feed_lines_and_the_files_reported(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "feed.jsonl", '{"text": "a"}\n{"text": "b"}\n{"text": "c"}')
    write(tmp_path / "notes.pdf", b"%PDF")  # a Problem: counted
    write(tmp_path / "README.md", "about")  # silently skipped: not counted
    assert ingest.count_documents([tmp_path]) == 5
    assert ingest.count_files([tmp_path]) == 3


def test_kg_build_prints_each_notice_as_one_note_line_and_skips_none_for_it(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    article = "Iran backs Hezbollah, the Lebanese group that has sent fighters to Syria.\n"
    write(tmp_path / "in" / "a.txt", article)
    write(tmp_path / "in" / "copy.txt", article)
    write(tmp_path / "in" / "feed.jsonl", json.dumps({"text": "Russia backs the Syrian government.", "date": "last spring"}) + "\n")

    result = CliRunner().invoke(app, ["build", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-cache"],
                                env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("note: ")]
    assert notes == [f"note: {tmp_path / 'in' / 'copy.txt'}: same article as {tmp_path / 'in' / 'a.txt'}, not read again",
                     f"note: {tmp_path / 'in' / 'feed.jsonl'}:1: date not understood, kept as written: 'last spring'"]
    assert re.search(r"Read 2 document.*skipped 0\b", result.output), result.output  # notices are not skipped files
