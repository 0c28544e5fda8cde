"""Write files atomically: readers see either the old content or the new, never half a file."""
from __future__ import annotations

import contextlib
import os
import tempfile
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
    target = Path(path)
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
        os.replace(tmp.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp.name)
        raise
    _fsync_dir(target.parent)


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
