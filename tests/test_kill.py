"""SIGKILL at any moment of ``kg build`` leaves every output complete: the old version or the new.

``python -m kg build input --out DIR`` runs in a subprocess over a DIR that holds the outputs of
an earlier build of other articles, and is killed with SIGKILL: after several delays spanning the
run, as soon as it starts writing, and at fixed points of the write phase (a wrapper replaces
``os.replace``/``os.fsync`` with versions that kill the process there). Each time every output
file must be byte-identical to the old or to the new version and parse, and nothing else may
have taken its place. Then a build in the same DIR (whose extraction cache may have been killed
mid-write too) must succeed and give the new outputs.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

from kg.build import build

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]
INPUT = ROOT / "input"
OUTPUT_FILES = ("graph.html", "graph.jsonld", "graph.ttl")
TEMP_FILE = re.compile(r"\.graph\.(ttl|jsonld|html)\..+\.tmp")
OLD_ARTICLE = "Iran backs Hezbollah, the Lebanese group said on Monday.\n"

# Runs kg build with os.replace / os.fsync wrapped so that the process kills itself at a point:
# "fsync:N" right after the N-th fsync of an output temp file, "before:NAME" just before the
# temp file of NAME is renamed over it, "after:NAME" just after.
KILLER = r"""
import os, signal, sys
point = sys.argv[1]
real_replace, real_fsync = os.replace, os.fsync
fsyncs = 0

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def replace(src, dst, *args, **kwargs):
    name = os.path.basename(dst)
    if point == "before:" + name:
        die()
    real_replace(src, dst, *args, **kwargs)
    if point == "after:" + name:
        die()

def fsync(fd):
    global fsyncs
    real_fsync(fd)
    if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".graph."):
        fsyncs += 1
        if point == f"fsync:{fsyncs}":
            die()

os.replace, os.fsync = replace, fsync
from kg.cli import app
app(sys.argv[2:], prog_name="kg")
"""


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(old, new): the outputs of a build of one other article, and of ``input/``."""
    base = tmp_path_factory.mktemp("kill-versions")
    (base / "other").mkdir()
    (base / "other" / "tehran.txt").write_text(OLD_ARTICLE, encoding="utf-8")
    build([base / "other"], base / "old", cache=False)
    build([INPUT], base / "new", cache=False)
    old = {name: (base / "old" / name).read_bytes() for name in OUTPUT_FILES}
    new = {name: (base / "new" / name).read_bytes() for name in OUTPUT_FILES}
    assert all(old[name] != new[name] for name in OUTPUT_FILES)
    return old, new


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    """One output folder for all the killed builds, so the extraction cache beside it lives on."""
    return tmp_path_factory.mktemp("kill-runs") / "out"


def put_old(out: Path, old: dict[str, bytes]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path in out.iterdir():
        path.unlink()
    for name, data in old.items():
        (out / name).write_bytes(data)


def check_outputs(out: Path, old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, str]:
    """Every output is the old or the new version, whole and parseable; returns name -> "old"/"new"."""
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted(OUTPUT_FILES)
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert all(TEMP_FILE.fullmatch(name) for name in leftovers), leftovers
    which = {}
    for name in OUTPUT_FILES:
        data = (out / name).read_bytes()
        assert data in (old[name], new[name]), f"{name} is neither the old nor the new version"
        which[name] = "old" if data == old[name] else "new"
    turtle, jsonld = (out / "graph.ttl").read_bytes(), (out / "graph.jsonld").read_bytes()
    assert len(Graph().parse(data=turtle, format="turtle")) > 0
    assert len(list(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE))) > 0
    assert len(Graph().parse(data=jsonld, format="json-ld")) > 0
    assert (out / "graph.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    return which


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "COLUMNS": "80"})


def kg_build(out: Path) -> list[str]:
    return [sys.executable, "-m", "kg", "build", str(INPUT), "--out", str(out)]


@pytest.mark.parametrize("delay", [0.5, 1.0, 2.0, 3.0])
def test_kill_after_a_delay_leaves_whole_outputs(versions, out_dir, delay):
    old, new = versions
    put_old(out_dir, old)
    process = start(kg_build(out_dir), out_dir.parent)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    check_outputs(out_dir, old, new)


def test_kill_as_soon_as_the_build_starts_writing(versions, out_dir):
    old, new = versions
    put_old(out_dir, old)
    process = start(kg_build(out_dir), out_dir.parent)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if any(TEMP_FILE.fullmatch(name) for name in os.listdir(out_dir)):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.0005)
    process.wait(timeout=60)
    check_outputs(out_dir, old, new)


@pytest.mark.parametrize(("point", "expected"), [
    ("fsync:2", {"graph.ttl": "old", "graph.jsonld": "old", "graph.html": "old"}),  # two temp files written
    ("before:graph.ttl", {"graph.ttl": "old", "graph.jsonld": "old", "graph.html": "old"}),  # all written
    ("after:graph.ttl", {"graph.ttl": "new", "graph.jsonld": "old", "graph.html": "old"}),  # between renames
    ("after:graph.html", {"graph.ttl": "new", "graph.jsonld": "new", "graph.html": "new"}),  # all renamed
])
def test_kill_at_a_point_of_the_write_phase(versions, out_dir, point, expected):
    old, new = versions
    put_old(out_dir, old)
    process = start([sys.executable, "-c", KILLER, point, "build", str(INPUT), "--out", str(out_dir)], out_dir.parent)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == -signal.SIGKILL, stderr.decode(errors="replace")
    assert check_outputs(out_dir, old, new) == expected


def test_a_build_after_the_kills_succeeds_and_writes_the_new_outputs(versions, out_dir):
    """Runs last in this file: the cache beside ``out_dir`` went through every kill above."""
    old, new = versions
    put_old(out_dir, old)
    done = subprocess.run(kg_build(out_dir), cwd=out_dir.parent, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"}, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert check_outputs(out_dir, old, new) == dict.fromkeys(OUTPUT_FILES, "new")


@pytest.mark.parametrize("failing", [1, 2, 3])
def test_a_write_error_on_any_output_leaves_every_output_as_it_was(versions, tmp_path, monkeypatch, failing):
    """A full disk (ENOSPC) while writing the N-th temporary file: no output is replaced (not even
    the ones written before it), no temporary file is left, and the error is the disk's."""
    import kg.atomic

    old, _ = versions
    out = tmp_path / "out"
    put_old(out, old)
    real_fsync, calls = os.fsync, []

    def full_disk(fd):
        calls.append(fd)
        if len(calls) == failing:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(kg.atomic.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        build([INPUT], out, cache=False)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} == old


def test_a_build_that_cannot_write_says_so_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(INPUT / "000_c5db12b33ba060a6.txt"), "--out", str(blocker), "--no-cache"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert [line for line in result.output.splitlines() if line.startswith("kg build:")] == [
        f"kg build: cannot write {blocker}: File exists"]
    assert blocker.read_text(encoding="utf-8") == "a file where the output folder should be\n"
