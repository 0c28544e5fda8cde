r"""Text from articles shown on a terminal: control characters made visible, never obeyed.

An article (or a file name, or a store's answer) may hold escape sequences: shown raw, ``ESC ]0;``
retitles the terminal window, ``ESC [2J`` clears it, ``ESC [31m`` recolours what follows, a
carriage return writes over the line. Every C0 control character but tab and line feed, DEL and
every C1 control character (``\x80``-``\x9f``; ``\x9b`` alone starts a command on some terminals)
is written as its ``\xNN`` escape instead, as :func:`kg.ingest.shown` writes the bytes of a
file name that are not UTF-8.

Data written to a file or a pipe is not changed (a CSV export keeps the article's text as it
is); on a terminal it goes through :func:`visible_controls`.

>>> visible_controls("Assad\x1b]0;owned\x07 met\x1b[2J Putin\r\n\tin Sochi")
'Assad\\x1b]0;owned\\x07 met\\x1b[2J Putin\\x0d\n\tin Sochi'
"""
from __future__ import annotations

import re
import sys
from typing import TextIO

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible_controls(text: str) -> str:
    """``text`` with its control characters (but tab and line feed) written as ``\\xNN`` escapes."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def write_output(text: str, stream: TextIO | None = None) -> None:
    """Write ``text`` to ``stream`` (standard output): as it is into a file or a pipe, with its
    control characters made visible on a terminal."""
    stream = stream or sys.stdout
    stream.write(visible_controls(text) if stream.isatty() else text)
