"""Write files atomically: readers see either the old content or the new, never half a file."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

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
    pending: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            target = Path(path)
            pending.append((_write_temp(target, data), target))
        while pending:
            tmp, target = pending[0]
            os.replace(tmp, target)
            pending.pop(0)
    except BaseException:
        for tmp, _target in pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    for directory in dict.fromkeys(Path(path).parent for path in files):
        _fsync_dir(directory)


def _write_temp(target: Path, data: str | bytes) -> str:
    """A temporary file beside ``target`` holding ``data``, flushed and fsynced, with the target's mode."""
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _file_mode(target)
    tmp = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with tmp:
            tmp.write(data.encode("utf-8") if isinstance(data, str) else data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp.name, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp.name)
        raise
    return tmp.name


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
