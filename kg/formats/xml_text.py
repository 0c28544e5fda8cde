"""Text as XML 1.0 can hold it, for the writers of XML formats (SPARQL results XML, RDF/XML).

XML 1.0 has no way to write most C0 control characters (U+0000 to U+001F but tab, line feed and
carriage return), nor U+FFFE, U+FFFF or a lone surrogate: not raw, not as ``&#...;``. A literal
read from a feed may hold one (a NUL in a title); written as it is, the document does not parse.
Each becomes U+FFFD, the replacement character. A carriage return is written ``&#13;``: a parser
reads a raw one as a line feed.

>>> xml_chars("a\\x00b\\x1bc\\td")
'a\\ufffdb\\ufffdc\\td'
>>> xml_text("<a & b>\\r\\n\\x00")
'&lt;a &amp; b&gt;&#13;\\n\\ufffd'
"""
from __future__ import annotations

import re

__all__ = ["NOT_XML", "xml_chars", "xml_text"]

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""The characters XML 1.0 cannot hold (its ``Char`` production leaves them out)."""

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def xml_chars(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD."""
    return NOT_XML.sub("\ufffd", text) if NOT_XML.search(text) else text


def xml_text(text: str) -> str:
    """``text`` as XML character data: ``&``, ``<``, ``>`` and carriage returns escaped, and
    what XML cannot hold replaced (:func:`xml_chars`)."""
    return xml_chars(text).translate(_ESCAPES)
