"""Hardening of input and output (issue 13, items 12-14), each test repeating the attack.

- One bad record costs one record: a NUL byte in a JSONL record loses that line, not the feed.
- One huge article costs its size: a long document is parsed and read a section at a time, in
  batches of bounded size, so no Doc of the whole text is held (the figures against the same text
  as ordinary articles are in ``bench/memory_long_doc.py``).
- Text is never a terminal command: article text shown by ``kg query`` and ``kg export`` on a
  terminal has its control characters escaped (in a file it is kept); problem lines are printed
  without markup or emoji codes, so ``feed.jsonl:100:`` keeps its line number.
- A redirect is an error and credentials stay with their host: ``kg push`` follows no redirect,
  and its password comes from ``KG_PUSH_PASSWORD`` or a prompt, never the command line.
"""
from __future__ import annotations

import base64
import fcntl
import gzip
import json
import os
import pty
import select
import subprocess
import sys
import termios
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg.nlp as kg_nlp
from kg.build import parse_and_extract
from kg.cli import PASSWORD_VARIABLE, app
from kg.ingest import read_documents
from kg.model import Document, Problem
from kg.nlp import parse_sections, parse_text
from kg.push import PushError, push
from kg.terminal import visible_controls

ROOT = Path(__file__).resolve().parents[1]
RECORD = {"title": "Talks", "text": "Iran backs Hezbollah, the Lebanese group, officials said on Monday."}
ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x1b[31m\x9b1m"  # retitle, clear, recolour (ESC and C1 CSI)


def kg(*args: object, **kwargs):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **kwargs.pop("env", {})}, **kwargs)


# --------------------------------------------------------------------------- 12: one bad record


def test_a_nul_byte_in_a_feed_record_costs_that_line_only(tmp_path):
    good = json.dumps(RECORD)
    lines = [good.replace("Monday", f"day {n}") for n in range(5)]
    lines[0] = '{"text": "a record cut short by a NUL \x00 byte"}'  # the first line: not the whole feed
    lines[2] = lines[2].replace("Lebanese", "Leb\x00anese")
    path = tmp_path / "feed.jsonl"
    path.write_bytes("\n".join(lines).encode() + b"\n")
    assert path.stat().st_size < 8192  # the NUL bytes sit in the first 8 KB, where the whole feed was once judged
    items = list(read_documents([path]))
    assert [(type(i).__name__, i.line) for i in items] == [
        ("Problem", 1), ("Document", 2), ("Problem", 3), ("Document", 4), ("Document", 5)]
    assert items[0].reason == f"binary data, not text: a NUL byte at byte {lines[0].index(chr(0))}"
    assert "NUL byte" in items[2].reason


@pytest.mark.parametrize("content", [
    gzip.compress((json.dumps(RECORD) + "\n").encode() * 50, mtime=0),
    (json.dumps(RECORD) + "\n").encode("utf-16-le"),  # no byte order mark: "{\0" starts it
    (json.dumps(RECORD) + "\n").encode("utf-16-be"),
])
def test_a_binary_file_named_jsonl_is_still_one_problem(tmp_path, content):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(content)
    assert list(read_documents([path])) == [Problem(str(path), "binary file, not text")]


def test_kg_build_reads_the_rest_of_a_feed_and_keeps_the_line_number(tmp_path):
    lines = [json.dumps({**RECORD, "url": f"https://news.example/{n}"}) for n in range(1, 101)]
    lines[99] = lines[99].replace("Lebanese", "Leb\x00anese")  # line 100: ":100:" is an emoji code
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl").write_bytes("\n".join(lines).encode() + b"\n")
    result = kg("build", tmp_path / "in", "--out", tmp_path / "out", "--no-cache")
    assert result.exit_code == 0, result.output
    assert "Read 99 documents, skipped 1." in result.stdout
    assert f"skipped {tmp_path / 'in' / 'feed.jsonl'}:100: binary data, not text" in result.output
    assert "\N{HUNDRED POINTS SYMBOL}" not in result.output


# --------------------------------------------------------------------------- 12: one huge article

PARAGRAPH = ("Iran backs Hezbollah, the Lebanese group, officials said on Monday. "
             "Turkey opposes the Syrian government, Ankara said. "
             "The weather in the region was mild for most of the week. "
             "Russia and Turkey signed the Sochi agreement in October. ")


@pytest.fixture
def small_sections(monkeypatch):
    """Sections of 3,000 characters and batches of 4,000: a 15,000-character line is a long document."""
    monkeypatch.setattr(kg_nlp, "SECTION_CHARS", 3_000)
    monkeypatch.setattr(kg_nlp, "BATCH_CHARS", 4_000)
    return PARAGRAPH * 60  # one line, 15,600 characters


def test_a_long_document_is_parsed_a_section_at_a_time_in_bounded_batches(nlp, small_sections, monkeypatch):
    text = small_sections
    batches: list[int] = []
    real_pipe = nlp.pipe

    def counting_pipe(texts, **kwargs):
        if kwargs.get("as_tuples"):  # kg's call (spaCy's pipe then calls itself with the Docs)
            texts = list(texts)
            batches.append(sum(len(text) for text, _ in texts))
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", counting_pipe)
    document = Document("long", text, "long.txt")
    found = list(parse_sections(nlp, [document, Document("short", PARAGRAPH, "short.txt")]))
    long_sections = [s for s in found if s.document is document]
    assert len(long_sections) >= 5 and [s.last for s in long_sections] == [False] * (len(long_sections) - 1) + [True]
    assert all(len(s.doc.text) <= 3_000 for s in long_sections)
    assert "".join(s.doc.text for s in long_sections) == text
    assert all(text[s.start:s.start + len(s.doc.text)] == s.doc.text for s in long_sections)
    assert found[-1].document.doc_id == "short" and found[-1].start == 0 and found[-1].last
    assert batches and max(batches) <= 4_000


def test_a_long_document_gives_the_claims_of_its_text_with_offsets_into_it(nlp, extractor, small_sections):
    text = small_sections
    document = Document("long", text, "long.txt")
    seconds = {"nlp": 0.0, "extract": 0.0}
    (read, mentions, claims, tokens), = parse_and_extract(nlp, extractor, [document], seconds)
    assert read is document and tokens > 2_000 and seconds["nlp"] > 0 and seconds["extract"] > 0
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.text
    for claim in claims:
        assert text[claim.evidence.start:claim.evidence.end] == claim.evidence.sentence
    # What the sentences say is what one paragraph says, at each of its 60 places.
    alone = extractor(Document("one", PARAGRAPH, "one.txt"), parse_text(nlp, PARAGRAPH)).claims
    said = {(c.subject.text, c.relation, c.object.text, c.evidence.start) for c in alone}
    expected = {(s, r, o, start + n * len(PARAGRAPH)) for s, r, o, start in said for n in range(60)}
    assert {(c.subject.text, c.relation, c.object.text, c.evidence.start) for c in claims} == expected


# --------------------------------------------------------------------------- 13: text is never a command


def test_control_characters_are_made_visible_but_tab_and_newline_kept():
    assert visible_controls("a\x1b[2Jb\x9b1m\x7f\x00\r\tc\nd") == "a\\x1b[2Jb\\x9b1m\\x7f\\x00\\x0d\tc\nd"
    assert visible_controls("Erdoğan, حزب الله, ™ \u2028") == "Erdoğan, حزب الله, ™ \u2028"


@pytest.fixture(scope="module")
def hostile_graph(tmp_path_factory) -> Path:
    """A graph built from an article whose title and relation sentence carry escape sequences."""
    base = tmp_path_factory.mktemp("hostile")
    record = {"title": f"Talks{ESCAPES} in Beirut", "url": "https://news.example/hostile",
              "text": f"Iran backs Hezbollah, the Lebanese group, officials said {ESCAPES} on Monday."}
    (base / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = kg("build", base / "feed.jsonl", "--out", base / "out", "--no-cache")
    assert result.exit_code == 0, result.output
    return base / "out" / "graph.ttl"


def _read_until_closed(master: int) -> bytes:
    """What a pseudo-terminal's other side writes until every process there has closed it."""
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            return received
        if not chunk:
            return received
        received += chunk


def _run_on_a_terminal(*args: str) -> bytes:
    """``kg ARGS`` with its standard output on a pseudo-terminal; what the terminal was sent."""
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "kg", *args], stdout=slave, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        os.close(slave)
        received = _read_until_closed(master)
        assert process.wait(timeout=120) == 0, process.stderr.read().decode()
        process.stderr.close()
        return received
    finally:
        os.close(master)


@pytest.mark.parametrize("args", [["query", "{graph}", "evidence", "--name", "Iran"],
                                  ["query", "{graph}", "evidence", "--name", "Iran", "--format", "csv"],
                                  ["export", "{graph}", "--format", "csv"]])
def test_article_text_on_a_terminal_cannot_command_it(hostile_graph, args):
    shown = _run_on_a_terminal(*[a.format(graph=hostile_graph) for a in args])
    assert b"PWNED" in shown and b"Hezbollah" in shown
    assert b"\x1b" not in shown and b"\x07" not in shown and "\x9b".encode() not in shown
    assert b"\\x1b]0;PWNED\\x07" in shown


def test_article_text_written_to_a_file_is_kept(hostile_graph, tmp_path):
    out = tmp_path / "edges.csv"
    with out.open("wb") as fh:
        subprocess.run([sys.executable, "-m", "kg", "export", str(hostile_graph), "--format", "csv"], stdout=fh,
                       check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert ESCAPES in out.read_text(encoding="utf-8")
    result = kg("export", hostile_graph, "--format", "csv", "--out", tmp_path / "to-file.csv")
    assert result.exit_code == 0 and ESCAPES in (tmp_path / "to-file.csv").read_text(encoding="utf-8")


def test_a_file_name_with_escapes_is_shown_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(RECORD["text"], encoding="utf-8")
    (folder / "\x1b]0;PWNED\x07[bold]x.pdf").write_bytes(b"%PDF-1.4")
    result = kg("build", folder, "--out", tmp_path / "out", "--no-cache")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\\x1b]0;PWNED\\x07[bold]x.pdf: not an article type" in result.output


# --------------------------------------------------------------------------- 14: redirects and credentials


class _Recorder(BaseHTTPRequestHandler):
    """Records each request (method, path, Authorization) on its server; answers ``server.answer``."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.requests.append((self.command, self.path, self.headers.get("Authorization")))
        status, headers = self.server.answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_server():
    """``http_server(status, headers)`` -> a real HTTP server on 127.0.0.1 in a thread, recording requests."""
    servers = []

    def start(status: int = 204, headers: dict | None = None) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        server.requests, server.answer = [], (status, headers or {})
        server.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("push") / "graph.ttl"
    path.write_text("<https://w3id.org/kg/resource/country/iran> <https://w3id.org/kg/ontology#backs> "
                    "<https://w3id.org/kg/resource/armedgroup/hezbollah> .\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirecting_store_makes_kg_push_fail_without_sending_credentials(http_server, graph_file, status):
    login = http_server(200)  # the redirect's target: a login page that would answer 200 to a GET
    store = http_server(status, {"Location": f"{login.url}/login?next=/store"})
    result = kg("push", graph_file, "--endpoint", f"{store.url}/store", "--append", "--user", "alice",
                env={PASSWORD_VARIABLE: "s3cret"})
    assert result.exit_code == 1, result.output
    assert f"HTTP {status}" in result.output and "redirect" in result.output and "HTTP 200" not in result.output
    assert login.requests == []  # nothing, and no Authorization, reached the other host
    expected = "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert store.requests == [("POST", "/store?default", expected)]  # the store itself did get them
    with pytest.raises(PushError, match=f"HTTP {status}"):
        push(graph_file, f"{store.url}/store", append=True)
    assert login.requests == []


@pytest.mark.parametrize("status", [202, 204])
def test_a_2xx_answer_is_success_and_the_password_comes_from_the_environment(http_server, graph_file, status):
    store = http_server(status)
    result = kg("push", graph_file, "--endpoint", f"{store.url}/store", "--user", "alice",
                env={PASSWORD_VARIABLE: "s3cret"})
    assert result.exit_code == 0, result.output
    assert f"HTTP {status}" in result.output
    assert store.requests == [("PUT", "/store?default", "Basic " + base64.b64encode(b"alice:s3cret").decode())]


def test_a_password_on_the_command_line_is_refused_before_anything_is_sent(http_server, graph_file):
    store = http_server(204)
    result = kg("push", graph_file, "--endpoint", f"{store.url}/store", "--user", "alice:s3cret")
    assert result.exit_code == 2
    assert "process list" in result.output and PASSWORD_VARIABLE in result.output
    assert store.requests == []


def test_without_a_terminal_or_the_variable_there_is_no_password_to_send(http_server, graph_file):
    store = http_server(204)
    result = kg("push", graph_file, "--endpoint", f"{store.url}/store", "--user", "alice",
                env={PASSWORD_VARIABLE: None})
    assert result.exit_code == 2 and PASSWORD_VARIABLE in result.output
    assert store.requests == []


def test_the_password_is_asked_for_on_the_terminal_without_echo(http_server, graph_file):
    store = http_server(204)
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_VARIABLE}
    master, slave = pty.openpty()
    # The pseudo-terminal is the child's controlling terminal, where getpass asks (on /dev/tty).
    process = subprocess.Popen([sys.executable, "-m", "kg", "push", str(graph_file), "--endpoint", f"{store.url}/store",
                                "--user", "alice"], stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                               env={**env, "PYTHONPATH": str(ROOT)}, start_new_session=True,
                               preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    seen = b""
    try:
        deadline = time.monotonic() + 120
        # Typed once the prompt is shown and echo is off (getpass flushes what came before).
        while b"Password for alice" not in seen or termios.tcgetattr(slave)[3] & termios.ECHO:
            assert time.monotonic() < deadline and process.poll() is None, seen
            if select.select([master], [], [], 0.05)[0]:
                seen += os.read(master, 1024)
        os.write(master, b"s3cret\n")
        os.close(slave)
        slave = None
        seen += _read_until_closed(master)
        assert process.wait(timeout=120) == 0, seen
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
        if slave is not None:
            os.close(slave)
    assert b"s3cret" not in seen  # not echoed
    assert store.requests == [("PUT", "/store?default", "Basic " + base64.b64encode(b"alice:s3cret").decode())]
