"""write_atomic: the target holds either the old content or the new one, never a mix."""
from __future__ import annotations

import os

import pytest

from kg import atomic
from kg.atomic import write_atomic


def test_writes_text_as_utf8_and_creates_parent_directories(tmp_path):
    target = tmp_path / "output" / "graph" / "idlib.ttl"

    write_atomic(target, 'kg:Turkey kg:opposes kg:SyrianGovernment ; rdfs:label "Türkiye" .\n')

    assert target.read_bytes() == 'kg:Turkey kg:opposes kg:SyrianGovernment ; rdfs:label "Türkiye" .\n'.encode()
    assert os.listdir(target.parent) == ["idlib.ttl"]


def test_replaces_an_existing_file_and_accepts_bytes(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("Russia backs the Syrian government.\n")

    write_atomic(str(target), b"Turkey and Russia agreed on joint patrols.\n")

    assert target.read_text() == "Turkey and Russia agreed on joint patrols.\n"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old")
    target.chmod(0o640)

    write_atomic(target, "new")

    assert target.stat().st_mode & 0o777 == 0o640


def test_new_file_gets_ordinary_permissions(tmp_path):
    target = tmp_path / "graph.ttl"
    write_atomic(target, "new")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_failed_encoding_leaves_old_file_and_no_temp_file(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("kg:Russia kg:backs kg:SyrianGovernment .\n")

    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "kg:Turkey kg:opposes \ud800 .\n")  # a lone surrogate cannot be encoded

    assert target.read_text() == "kg:Russia kg:backs kg:SyrianGovernment .\n"
    assert os.listdir(tmp_path) == ["graph.ttl"]


def test_failed_replace_leaves_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "graph.ttl"
    target.write_text("kg:Russia kg:backs kg:SyrianGovernment .\n")

    def broken_replace(src, dst):
        assert os.path.exists(src)  # the new content was fully written first
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)

    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "kg:Turkey kg:opposes kg:SyrianGovernment .\n")

    assert target.read_text() == "kg:Russia kg:backs kg:SyrianGovernment .\n"
    assert os.listdir(tmp_path) == ["graph.ttl"]


def test_atomic_files_are_streamed_and_renamed_together(tmp_path):
    ttl, jsonld = tmp_path / "graph.ttl", tmp_path / "graph.jsonld"
    ttl.write_text("old turtle")
    with atomic.AtomicFiles([ttl, jsonld]) as files:
        for n in range(3):
            files[ttl].write(f"part {n}\n".encode())
        files[str(jsonld)].write(b"{}\n")
        assert ttl.read_text() == "old turtle" and not jsonld.exists()  # nothing renamed yet
        assert len(list(tmp_path.glob(".graph.*.tmp"))) == 2
    assert ttl.read_text() == "part 0\npart 1\npart 2\n"
    assert jsonld.read_text() == "{}\n"
    assert sorted(os.listdir(tmp_path)) == ["graph.jsonld", "graph.ttl"]


def test_an_error_while_streaming_leaves_every_target_and_no_temp_file(tmp_path):
    ttl, jsonld = tmp_path / "graph.ttl", tmp_path / "graph.jsonld"
    ttl.write_text("old turtle")
    with pytest.raises(RuntimeError, match="extractor crashed"):
        with atomic.AtomicFiles([ttl, jsonld]) as files:
            files[ttl].write(b"half a graph")
            raise RuntimeError("extractor crashed")
    assert ttl.read_text() == "old turtle"
    assert os.listdir(tmp_path) == ["graph.ttl"]


def test_commit_inside_the_block_renames_once(tmp_path):
    target = tmp_path / "graph.html"
    with atomic.AtomicFiles([target]) as files:
        files[target].write(b"<html>")
        files.commit()
        assert target.read_bytes() == b"<html>"
    assert os.listdir(tmp_path) == ["graph.html"]
