"""Whether a text is an IRI bpograph can use, and how to put one in an HTTP header.

The check is the strict one the store's IRI parser applies to what matters here (no spaces,
controls, quotes, angle or curly brackets, backslashes, bidirectional controls, broken percent
escapes); it keeps a request for a path that no IRI can have from reaching the store.
"""

from __future__ import annotations

import re
import urllib.parse

_FORBIDDEN = re.compile('[\x00-\x20<>"{}|\\\\^`\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff0-\uffff]')
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def is_iri(text: str) -> bool:
    """An absolute IRI with none of the characters an IRI may not hold."""
    return bool(_SCHEME.match(text)) and not _FORBIDDEN.search(text) and not _BAD_PERCENT.search(text) \
        and text.count("#") <= 1 and len(text) <= 4096


def is_path_segment(text: str) -> bool:
    """A path that may follow a bpograph base IRI: IRI characters, and no query or fragment."""
    return not _FORBIDDEN.search(text) and not _BAD_PERCENT.search(text) and not re.search(r"[?#\[\]]", text) \
        and len(text) <= 2048


def for_header(iri: str) -> str:
    """``iri`` as a URI that an HTTP header can carry (non-ASCII characters percent-encoded)."""
    return urllib.parse.quote(iri, safe=":/?#[]@!$&'()*+,;=-._~%")
