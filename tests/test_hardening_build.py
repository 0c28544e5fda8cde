"""``kg build`` under attack: each test repeats an attack on real files, with a real build.

- Never outside its input: symlinks leading out of the paths given are not read nor walked.
- The cache is checked, never trusted: damage of the file or of one entry is set aside and the
  build succeeds with the graph a build without the cache gives.
- One build per output at a time: a second build into the same ``--out`` stops at once; full and
  read-only disks give one clean line, with or without the cache.
- Nothing left behind: temporaries of killed builds are removed, workers die with their build.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from kg import ingest
from kg.build import OutputBusy, build, output_lock
from kg.cache import DB_NAME, cache_dir_for, mismatch, row_digest
from kg.extract import Extraction
from kg.model import Claim, Document, EntityKind, Evidence, Mention, Notice, RelationType

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "input").glob("*.txt"))
OUTPUT_FILES = ("graph.html", "graph.jsonld", "graph.ttl")
SECRET = "Zorblax Quentavian backs the Vortigen Front"  # the "system file"'s first line
OUTSIDE = "symlink to a path outside the input (use --follow-symlinks)"
ENV = {**os.environ, "COLUMNS": "200"}


def kg(*args, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """``kg ARGS`` in a subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          env=ENV, timeout=600, check=False, **kwargs)


def corpus_of(folder: Path, copies: int = 1) -> Path:
    """The sample articles in ``folder``; with ``copies`` > 1, that many distinct variants of each."""
    folder.mkdir(parents=True, exist_ok=True)
    for sample in SAMPLES:
        text = sample.read_text(encoding="utf-8")
        for i in range(copies):
            name = sample.name if copies == 1 else f"{sample.stem}_{i:03d}.txt"
            (folder / name).write_text(text if copies == 1 else f"Report {i} of the wire\n\n{text}", encoding="utf-8")
    return folder


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def published(out: Path) -> str:
    return "".join(data.decode("utf-8") for data in outputs(out).values())


@pytest.fixture
def system(tmp_path) -> Path:
    """A folder outside the corpus standing for a system folder: an account file and an article."""
    folder = tmp_path / "system"
    folder.mkdir()
    (folder / "accounts").write_text(f"{SECRET}\nroot:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (folder / "private.txt").write_text(f"{SECRET}, officials said.\n", encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- 8. never outside its input


def test_a_symlink_to_a_system_file_or_folder_is_neither_read_nor_walked(tmp_path, system):
    corpus = corpus_of(tmp_path / "corpus")
    (corpus / "passwd.txt").symlink_to(system / "accounts")
    (corpus / "etc").symlink_to(system, target_is_directory=True)
    if Path("/etc/passwd").is_file():
        (corpus / "real-passwd.txt").symlink_to("/etc/passwd")
    out = tmp_path / "out"

    done = kg("build", corpus, "--out", out)

    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert f"skipped {corpus / 'passwd.txt'}: {OUTSIDE}" in lines
    assert f"skipped {corpus / 'etc'}: {OUTSIDE}" in lines
    assert not any("private.txt" in line or "accounts" in line for line in lines)  # the folder was not walked
    assert f"Read {len(SAMPLES)} documents" in done.stdout
    text = published(out)
    assert "Zorblax" not in text and "root:x:0:0" not in text and "passwd" not in text


def test_follow_symlinks_reads_what_they_lead_to(tmp_path, system):
    corpus = corpus_of(tmp_path / "corpus")
    (corpus / "etc").symlink_to(system, target_is_directory=True)
    problems = []

    result = build([corpus], tmp_path / "out", cache=False, follow_symlinks=True, on_problem=problems.append)

    assert [p.path for p in problems] == [str(corpus / "etc" / "accounts")]  # no extension: not an article
    assert result.stats.documents == len(SAMPLES) + 1
    assert "Zorblax" in published(tmp_path / "out")


def test_a_symlink_inside_the_input_is_followed(tmp_path):
    corpus = corpus_of(tmp_path / "corpus" / "2024").parent
    other = tmp_path / "other"  # a second path given: inside the input too
    other.mkdir()
    (other / "fresh.txt").write_text("Qatar backs the Syrian opposition, officials in Doha said.\n", encoding="utf-8")
    (corpus / "extra.txt").symlink_to(other / "fresh.txt")
    (corpus / "mirror").symlink_to(other, target_is_directory=True)
    outside = tmp_path / "moved.txt"
    outside.write_text(f"{SECRET}, the ministry said.\n", encoding="utf-8")
    (other / "moved.txt").symlink_to(outside)  # out of both paths given

    items = list(ingest.read_documents([corpus, other]))

    documents = [i.path for i in items if isinstance(i, Document)]
    assert documents == [*(f"2024/{p.name}" for p in SAMPLES), "extra.txt"]  # read through the link
    copies = [i.path for i in items if isinstance(i, Notice)]  # the same article, met again through a folder link
    assert copies == [str(corpus / "mirror" / "fresh.txt"), str(other / "fresh.txt")]
    assert [i for i in items if isinstance(i, ingest.Problem)] == [
        ingest.Problem(str(corpus / "mirror" / "moved.txt"), OUTSIDE),
        ingest.Problem(str(other / "moved.txt"), OUTSIDE)]
    assert ingest.count_documents([corpus, other]) == len(items)  # the progress bar counts the same
    followed = [i for i in ingest.read_documents([corpus, other], follow_symlinks=True) if isinstance(i, Document)]
    assert followed[-1].path == "mirror/moved.txt" and SECRET in followed[-1].text


def test_a_shell_glob_of_a_folder_does_not_let_its_symlinks_out(tmp_path, system):
    """``kg build corpus/*`` names every entry: a link among them leads only inside its own folder."""
    corpus = corpus_of(tmp_path / "corpus")
    (corpus / "passwd.txt").symlink_to(system / "accounts")
    (corpus / "etc").symlink_to(system, target_is_directory=True)
    (corpus / "again.txt").symlink_to(corpus / SAMPLES[0].name)
    (tmp_path / "latest").symlink_to(corpus, target_is_directory=True)  # a link named by hand, beside its target

    items = list(ingest.read_documents(sorted(corpus.iterdir())))
    problems = {i.path: i.reason for i in items if isinstance(i, ingest.Problem)}
    assert problems == {str(corpus / "passwd.txt"): OUTSIDE, str(corpus / "etc"): OUTSIDE}
    assert not any(isinstance(i, Document) and SECRET in i.text for i in items)

    items = list(ingest.read_documents([tmp_path / "latest"]))
    assert sorted(i.path for i in items if isinstance(i, Document)) == sorted(p.name for p in SAMPLES)


# --------------------------------------------------------------------------- 9. the cache is checked


def _cached_sentence(out: Path) -> tuple[str, str, int]:
    """(key, JSON, tokens) of a cache entry that holds a claim."""
    with sqlite3.connect(cache_dir_for(out) / DB_NAME) as db:
        return db.execute("SELECT key, json, tokens FROM extraction WHERE json LIKE '%\"sentence\"%' "
                          "ORDER BY key LIMIT 1").fetchone()


def _one_byte_changed(text: str) -> str:
    """The JSON with one letter of its first claim's sentence changed."""
    at = text.index('"sentence":"') + len('"sentence":"') + 4
    return text[:at] + ("q" if text[at] != "q" else "z") + text[at + 1:]


@pytest.mark.parametrize("digest", ["stale", "recomputed"])
def test_one_changed_byte_in_a_cached_sentence_is_not_published(tmp_path, digest):
    """The digest kept with each entry catches the change; an attacker who recomputes it is
    still caught, by the sentence no longer being the article's text at its offsets. The entry
    is dropped (each of the others is checked on its own) and its article extracted again."""
    corpus = corpus_of(tmp_path / "corpus")
    out = tmp_path / "out"
    build([corpus], tmp_path / "clean", cache=False)
    build([corpus], out)
    key, text, tokens = _cached_sentence(out)
    changed = _one_byte_changed(text)
    with sqlite3.connect(cache_dir_for(out) / DB_NAME) as db:
        new_digest = row_digest(key, tokens, changed) if digest == "recomputed" else None
        db.execute("UPDATE extraction SET json = ?, digest = COALESCE(?, digest) WHERE key = ?",
                   (changed, new_digest, key))

    done = kg("build", corpus, "--out", out)

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    (note,) = [line for line in done.stderr.splitlines() if line.startswith("note:")]
    reason = "does not match its digest" if digest == "stale" else "does not fit the article"
    assert note.startswith(f"note: {cache_dir_for(out) / DB_NAME}: the entry of ")
    assert reason in note and note.endswith(": dropped, the article is extracted again")
    assert f"Reused the extraction of {len(SAMPLES) - 1} unchanged documents, extracted 1." in done.stdout
    assert outputs(out) == outputs(tmp_path / "clean")  # the evidence is the article's, byte for byte
    again = build([corpus], out)  # the entry was written again, whole
    assert (again.stats.reused, again.stats.extracted) == (len(SAMPLES), 0)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "overwritten page"])
def test_a_damaged_cache_file_is_set_aside_and_the_build_succeeds(tmp_path, damage):
    corpus = corpus_of(tmp_path / "corpus")
    out = tmp_path / "out"
    assert build([corpus], out, cache=False).stats.extracted == len(SAMPLES)
    clean = outputs(out)
    build([corpus], out)
    path = cache_dir_for(out) / DB_NAME
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(data[:4096] + os.urandom(4096) + data[8192:])  # the page after the header
    path_bytes = path.read_bytes()
    notes = []

    result = build([corpus], out, on_notice=notes.append)

    assert result.stats.extracted == len(SAMPLES) and result.stats.reused == 0
    assert outputs(out) == clean
    assert [n.path for n in notes] == [str(path)] and "set aside as extractions.sqlite.damaged" in notes[0].message
    assert (cache_dir_for(out) / f"{DB_NAME}.damaged").read_bytes() == path_bytes  # what was found, kept for a look
    assert build([corpus], out).stats.reused == len(SAMPLES)


def test_an_entry_that_does_not_fit_its_article_is_named():
    document = Document("d", "Iran backs Hezbollah. Qatar backs Hamas.", "d.txt")
    iran = Mention("d", 0, 4, "Iran", EntityKind.COUNTRY, "country:IRN", "Iran")
    hezbollah = Mention("d", 11, 20, "Hezbollah", EntityKind.ARMED_GROUP, "hezbollah", "Hezbollah")
    claim = Claim(iran, RelationType.BACKS, hezbollah, Evidence("d", "Iran backs Hezbollah.", 0, 21))
    assert mismatch(Extraction(document, [iran, hezbollah], [claim])) is None
    moved = Claim(iran, RelationType.BACKS, hezbollah, Evidence("d", "Iran backs Hezbollah.", 1, 22))
    assert mismatch(Extraction(document, [iran], [moved])) == "'Iran backs Hezbollah.' is not the text at 1-22"
    elsewhere = Mention("e", 0, 4, "Iran", EntityKind.COUNTRY, "country:IRN", "Iran")
    assert "another document" in mismatch(Extraction(document, [elsewhere], []))


# --------------------------------------------------------------------------- 10. one build per output

# Runs kg build with the HTML rendering paused: it touches READY, then waits for GO to exist. By
# then the build holds its output folder and has its temporary files open in it.
PAUSED = r"""
import sys, time
from pathlib import Path
import kg.build
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
real = kg.build.html_page
def paused(*args, **kwargs):
    ready.touch()
    while not go.exists():
        time.sleep(0.05)
    return real(*args, **kwargs)
kg.build.html_page = paused
from kg.cli import app
app(sys.argv[3:], prog_name="kg")
"""


def start_paused(tmp_path: Path, *args) -> tuple[subprocess.Popen, Path, Path]:
    ready, go = tmp_path / "ready", tmp_path / "go"
    process = subprocess.Popen([sys.executable, "-c", PAUSED, str(ready), str(go), "build", *map(str, args)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.monotonic() + 300
    while not ready.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the first build never reached its output"
        time.sleep(0.05)
    return process, ready, go


def test_a_second_build_into_the_same_output_stops_at_once(tmp_path):
    corpus = corpus_of(tmp_path / "corpus")
    out = tmp_path / "out"
    first, _, go = start_paused(tmp_path, corpus, "--out", out)
    temporaries = sorted(p.name for p in out.iterdir())
    assert temporaries and all(name.startswith(".graph.") for name in temporaries)

    second = kg("build", corpus, "--out", out)  # would hang here if it waited for the first

    assert second.returncode == 1
    assert second.stderr.splitlines() == [f"kg build: another kg build is writing into {out}; "
                                          "try again when it has finished"]
    assert "Read" not in second.stdout  # it stopped before reading anything
    assert sorted(p.name for p in out.iterdir()) == temporaries  # the first build's files untouched
    go.touch()
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)


def test_a_killed_build_leaves_no_lock_and_its_temporaries_are_removed(tmp_path):
    corpus = corpus_of(tmp_path / "corpus")
    out = tmp_path / "out"
    first, _, _ = start_paused(tmp_path, corpus, "--out", out)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=60)
    left = [p.name for p in out.iterdir()]
    assert left and all(name.startswith(".graph.") and name.endswith(".tmp") for name in left)
    (out / ".graph.ttl.notes").write_text("mine", encoding="utf-8")  # not a temporary of the build: kept
    (out / "draft.tmp").write_text("mine", encoding="utf-8")

    done = kg("build", corpus, "--out", out)

    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUT_FILES, ".graph.ttl.notes", "draft.tmp"])


def test_the_build_function_holds_its_output_too(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(OutputBusy, match="another kg build is writing into"):
            build([SAMPLES[0]], out, cache=False)
    assert build([SAMPLES[0]], out, cache=False).stats.documents == 1  # released on leaving the block


def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True, check=False)
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs root and unshare to mount a file system")


def kg_on_mount(mount: str, folder: Path, *args) -> subprocess.CompletedProcess:
    """``kg ARGS`` in a private mount namespace where the shell command ``mount`` ran first on ``$1`` = ``folder``."""
    script = f'{mount} && shift && exec "$@"'
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", str(folder),
                           sys.executable, "-m", "kg", *map(str, args)],
                          capture_output=True, text=True, env=ENV, timeout=600, check=False)


def kg_without_write_permission(folders: list[Path], *args) -> subprocess.CompletedProcess:
    for folder in folders:
        folder.chmod(0o555)
    try:
        return kg(*args)
    finally:
        for folder in folders:
            folder.chmod(0o755)


@pytest.mark.parametrize("cache", ["--cache", "--no-cache"])
@pytest.mark.parametrize("how", [
    pytest.param("permissions", marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")),
    pytest.param("file system", marks=needs_mount),  # bind-mounted read-only: a real EROFS
])
def test_a_read_only_output_gives_one_line_at_once(tmp_path, how, cache):
    corpus = corpus_of(tmp_path / "corpus")
    out = tmp_path / "disk" / "out"
    build([corpus], out, cache=False)
    before = outputs(out)
    args = ("build", corpus, "--out", out, cache)

    if how == "permissions":  # the cache's folder too
        done, reason = kg_without_write_permission([out, out.parent], *args), "Permission denied"
    else:
        mount = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"'
        done, reason = kg_on_mount(mount, out.parent, *args), "Read-only file system"

    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [f"kg build: cannot write {out}: {reason}"]
    assert "Read" not in done.stdout  # at once, before reading
    assert outputs(out) == before


@needs_mount
@pytest.mark.parametrize("cache", ["--cache", "--no-cache"])
def test_a_full_file_system_gives_the_same_line_with_or_without_the_cache(tmp_path, cache):
    """A 48 KiB tmpfs holds neither the outputs nor (with the cache) the cache: a real ENOSPC."""
    corpus = corpus_of(tmp_path / "corpus")
    disk = tmp_path / "disk"
    disk.mkdir()

    done = kg_on_mount('mount -t tmpfs -o size=48k tmpfs "$1"', disk, "build", corpus, "--out", disk / "out", cache)

    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1] == f"kg build: cannot write {disk / 'out'}: No space left on device"
    if cache == "--cache":
        assert lines[:-1] == [f"note: {cache_dir_for(disk / 'out') / DB_NAME}: cannot use the cache "
                              "(database or disk is full); this build goes on without it"]
    else:
        assert lines == lines[-1:]


# Runs kg build with every file limited to LIMIT bytes (RLIMIT_FSIZE): writes past it fail as on
# a full disk (EFBIG, which Python reports as an OSError; SIGXFSZ is ignored by Python), without
# root, and with the old outputs in place.
FULL_DISK = r"""
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from kg.cli import app
app(sys.argv[2:], prog_name="kg")
"""


@pytest.mark.parametrize("cache", ["--cache", "--no-cache"])
def test_a_disk_refusing_writes_mid_build_leaves_the_outputs_and_gives_one_line(tmp_path, cache):
    corpus = corpus_of(tmp_path / "corpus")
    out = tmp_path / "out"
    build([SAMPLES[0]], out, cache=False)
    before = outputs(out)

    done = subprocess.run([sys.executable, "-c", FULL_DISK, "16384", "build", str(corpus), "--out", str(out), cache],
                          capture_output=True, text=True, env=ENV, timeout=600, check=False)

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1] == f"kg build: cannot write {out}: File too large"
    if cache == "--cache":  # the cache could not be written either: said once, and the build went on
        (note,) = lines[:-1]
        assert note.startswith(f"note: {cache_dir_for(out) / DB_NAME}: cannot use the cache (")
        assert note.endswith("); this build goes on without it")
    else:
        assert lines == lines[-1:]
    assert outputs(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)


# --------------------------------------------------------------------------- 11. nothing left behind


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_workers_die_with_a_killed_build(tmp_path):
    corpus = corpus_of(tmp_path / "corpus", copies=60)
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out),
                                "--workers", "2", "--no-cache"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=ENV)
    deadline = time.monotonic() + 300
    workers: list[int] = []
    while len(workers) < 2:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the workers never started"
        workers = [child.pid for child in psutil.Process(process.pid).children()]
        time.sleep(0.05)

    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)

    try:
        deadline = time.monotonic() + 60
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if _alive(pid)], "workers outlived their build"
    finally:  # a failure leaves no orphan behind
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    done = kg("build", SAMPLES[0], "--out", out, "--no-cache")  # and they held no lock
    assert done.returncode == 0, done.stderr
