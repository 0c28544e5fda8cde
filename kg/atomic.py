"""Write files atomically: readers see either the old content or the new, never half a file."""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

# The process umask, read once at import (os.umask can only be read by setting it).
_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` (str is encoded as UTF-8) to ``path`` atomically.

    The data goes to a temporary file in the target's directory, which is flushed,
    fsynced and then moved over the target with ``os.replace``. On any error the
    temporary file is removed and the target is left as it was. Parent
    directories are created. The new file keeps the target's permissions, or gets
    the usual ones for a new file (0o666 minus the umask).
    """
    write_atomic_all({path: data})


def write_atomic_all(files: Mapping[str | Path, str | bytes]) -> None:
    """Write several files, each atomically, none replaced before all are written.

    Every file is first written in full to its temporary file (flushed and fsynced); only
    then are the temporaries renamed over their targets, one right after the other. An
    error while writing (a full disk, an encoding error, a crash) leaves every target as
    it was and removes the temporaries; a process killed between two renames (a window of
    microseconds) leaves each target complete, old or new.
    """
    contents = {Path(path): data for path, data in files.items()}  # one path given twice: the last wins
    with AtomicFiles(contents) as temps:
        for path, data in contents.items():
            temps[path].write(data.encode("utf-8") if isinstance(data, str) else data)


class AtomicFiles:
    """Temporary files beside several targets, written by the caller, then renamed over them together.

    ``write_atomic_all`` for content too large to hold in memory: the caller streams into
    ``files[path]`` (a binary file), and :meth:`commit` (or leaving the ``with`` block
    without an error) flushes and fsyncs every temporary file, then renames each over its
    target. An error before the renames, or :meth:`discard`, removes the temporaries and
    leaves every target as it was::

        with AtomicFiles([out / "a.ttl", out / "b.jsonld"]) as files:
            files[out / "a.ttl"].write(b"...")
            files[out / "b.jsonld"].write(b"...")
    """

    def __init__(self, paths: Iterable[str | Path]):
        self._temps: dict[Path, IO[bytes]] = {}
        self._modes: dict[Path, int] = {}
        try:
            for path in paths:
                target = Path(path)
                if target not in self._temps:
                    self._modes[target] = _file_mode(target)
                    self._temps[target] = _open_temp(target)
        except BaseException:
            self.discard()
            raise

    def __getitem__(self, path: str | Path) -> IO[bytes]:
        return self._temps[Path(path)]

    def __enter__(self) -> AtomicFiles:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()

    def commit(self) -> None:
        """Flush, fsync and rename every temporary file over its target (once)."""
        pending = list(self._temps.items())
        try:
            for target, tmp in pending:
                with tmp:
                    tmp.flush()
                    os.fsync(tmp.fileno())
                os.chmod(tmp.name, self._modes[target])
            while pending:
                target, tmp = pending[0]
                os.replace(tmp.name, target)
                pending.pop(0)
                del self._temps[target]
        except BaseException:
            self.discard()
            raise
        for directory in dict.fromkeys(target.parent for target in self._modes):
            _fsync_dir(directory)
        self._modes.clear()

    def discard(self) -> None:
        """Close and remove the temporary files not yet renamed; their targets stay as they were."""
        for tmp in self._temps.values():
            with contextlib.suppress(OSError):
                tmp.close()
            with contextlib.suppress(OSError):
                os.unlink(tmp.name)
        self._temps.clear()
        self._modes.clear()


def remove_stale_temporaries(targets: Iterable[str | Path]) -> list[Path]:
    """Remove the temporary files that writers of ``targets`` killed before renaming them left
    behind (``.<name>.<random>.tmp`` beside each target: :func:`_open_temp`); returns them.

    Only for a caller that knows no other writer of these targets is at work (``kg build``
    holds the output folder's lock). Nothing else is touched, and a file that cannot be
    removed is left.
    """
    removed = []
    for target in map(Path, targets):
        own = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]+\.tmp")
        try:
            with os.scandir(target.parent) as entries:
                stale = [entry.path for entry in entries
                         if own.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)]
        except OSError:
            continue
        for path in stale:
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed.append(Path(path))
    return removed


def _open_temp(target: Path) -> IO[bytes]:
    """A temporary file beside ``target``, open for binary writing (named ``.<name>.*.tmp``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False)


def _file_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable where the platform allows opening a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
