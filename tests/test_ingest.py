"""INGEST: files and directories in, Documents (and Problems for bad input) out."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg import ingest
from kg.ingest import make_doc_id, normalise_date, read_documents
from kg.model import Document, Problem

ARTICLE = (
    "Turkish President Recep Tayyip Erdogan repeated an end-of-February deadline "
    "for Syrian government forces to withdraw from Idlib Province.\n\n"
    "Russia, which backs the government in Damascus, said the Sochi Agreement "
    "remained the basis for talks with Ankara."
)


def read_all(*paths, **kwargs) -> list[Document | Problem]:
    return list(read_documents(paths, **kwargs))


def only_document(*paths) -> Document:
    (item,) = read_all(*paths)
    assert isinstance(item, Document), item
    return item


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
    assert doc.doc_id == "idlib"
    assert doc.path == str(path)
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
    assert len(long_line) > 200
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
    assert doc.doc_id == "idlib-deadline"


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
        doc_id="feed-l1",
        text="Hulusi Akar said Turkey and Russia agreed on joint patrols.",
        path=str(path),
        title="Akar announces agreement",
        date="2020-02-05",
        url="https://news.example/akar",
        source="Anadolu",
        line=1,
    )
    assert broken == Problem(str(path), "invalid JSON: Expecting value", line=3)
    assert missing == Problem(str(path), "missing 'text'", line=4)
    assert str(missing) == f"{path}:4: missing 'text'"
    assert last.doc_id == "feed-l5"
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
        ("2020-02-05", "2020-02-05"),
        ("2020-02-05T09:30:00+03:00", "2020-02-05"),
        ("February 5, 2020", "2020-02-05"),
        ("Wed, 05 Feb 2020 09:30:00 GMT", "2020-02-05"),
        ("2020/02/05", "2020-02-05"),
        ("yesterday", None),  # no relative dates
        ("February 2020", None),  # no day: do not invent one
        ("2020-02-31", None),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_normalised_to_iso(given, expected):
    assert normalise_date(given) == expected


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
        "unsupported file type '.pdf' (expected .txt, .md, .html, .htm, .jsonl)"
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
    write(corpus / "b.txt", ARTICLE)
    write(corpus / "a" / "z.md", "# Ankara talks\n\nTurkey hosted the Russian delegation.")
    write(corpus / "a-b.txt", ARTICLE)
    write(corpus / "c" / "feed.jsonl", '{"text": "Russia backs the Syrian government."}\n')
    write(corpus / "notes.pdf", b"%PDF-1.4")  # unsupported: skipped silently
    write(corpus / "README", "not an article")  # no extension: skipped silently
    write(corpus / ".hidden.txt", ARTICLE)  # hidden file: skipped
    write(corpus / ".git" / "x.txt", ARTICLE)  # hidden directory: skipped

    items = read_all(corpus)

    assert all(isinstance(i, Document) for i in items)
    assert [d.doc_id for d in items] == ["a-z", "a-b", "b", "c-feed-l1"]
    assert [d.path for d in items] == [
        str(corpus / "a" / "z.md"),
        str(corpus / "a-b.txt"),
        str(corpus / "b.txt"),
        str(corpus / "c" / "feed.jsonl"),
    ]


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

    assert [d.doc_id for d in items if isinstance(d, Document)] == ["sub-article"]


# --------------------------------------------------------------------------- doc ids


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("idlib.txt", "idlib"),
        ("2020/Feb/Erdogan Speech (Full).TXT", "2020-feb-erdogan-speech-full"),
        ("snake_case-name.md", "snake_case-name"),
        ("Über Idlib.txt", "ber-idlib"),
    ],
)
def test_doc_id_is_a_slug_of_the_relative_path(relative, expected):
    assert make_doc_id(relative) == expected


def test_doc_id_for_non_latin_name_is_a_short_hash():
    doc_id = make_doc_id("سوريا/إدلب.txt")
    assert len(doc_id) == 10 and all(c in "0123456789abcdef" for c in doc_id)
    assert doc_id != make_doc_id("سوريا/حلب.txt")


def test_file_argument_uses_its_name_and_directory_argument_the_relative_path(tmp_path):
    path = write(tmp_path / "world" / "Idlib.txt", ARTICLE)
    assert only_document(path).doc_id == "idlib"
    assert only_document(tmp_path).doc_id == "world-idlib"


def test_colliding_doc_ids_get_numbered_in_path_order(tmp_path):
    write(tmp_path / "Idlib.txt", ARTICLE)
    write(tmp_path / "idlib.md", "# Idlib\n\nTurkey sent more troops.")
    write(tmp_path / "idlib-2.txt", ARTICLE)  # would clash with the first suffix

    ids = [d.doc_id for d in read_all(tmp_path, tmp_path / "Idlib.txt")]

    assert ids == ["idlib", "idlib-2", "idlib-3", "idlib-4"]
    assert len(set(ids)) == len(ids)


def test_a_jsonl_feed_larger_than_max_bytes_is_read_a_line_at_a_time(tmp_path):
    line = json.dumps({"text": "Talks in Ankara continued on Monday."})
    path = write(tmp_path / "feed.jsonl", "\n".join([line] * 20) + "\n")
    items = list(read_documents([path], max_bytes=100))
    assert [type(i) for i in items] == [Document] * 20 and path.stat().st_size > 100
    assert [i.line for i in items] == list(range(1, 21))


def test_a_jsonl_line_over_max_bytes_is_a_problem_and_the_next_lines_are_read(tmp_path):
    short = json.dumps({"text": "Talks in Ankara continued."})
    long = json.dumps({"text": "Talks in Ankara continued. " * 20})
    path = write(tmp_path / "feed.jsonl", "\n".join([short, long, short]) + "\n")
    items = list(read_documents([path], max_bytes=100))
    assert isinstance(items[1], Problem) and items[1].line == 2 and "line too large" in items[1].reason
    assert [i.line for i in items if isinstance(i, Document)] == [1, 3]
