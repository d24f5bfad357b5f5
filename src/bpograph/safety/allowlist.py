"""The endpoints that SERVICE may call, matched as parsed URLs: scheme, host, port and a path
prefix that ends at a segment boundary. A target with user information, a fragment, dot segments
or escaped dots and slashes in its path is never allowed (``http://allowed.example@127.0.0.1/``
names the host 127.0.0.1)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_URL = re.compile(
    r"(?P<scheme>https?)://(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?P<port>[0-9]{1,5}))?(?P<path>/[^?#\s]*)?(?P<query>\?[^#\s]*)?",
    re.ASCII,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|$)|%2e|%2f|%5c", re.IGNORECASE)


@dataclass(frozen=True)
class Endpoint:
    scheme: str
    host: str
    port: int
    path: str

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}{self.path or '/'}"


def parse(url: str) -> Endpoint:
    """``url`` as an endpoint.

    :raise ValueError: it is not a plain http(s) URL (user information, fragments, dot segments
        and hosts that are not names or addresses are refused).
    """
    match = _URL.fullmatch(url)
    if not match:
        raise ValueError(f"'{url}' is not a plain http or https URL (scheme://host[:port]/path, no user or fragment)")
    path = match["path"] or ""
    if _DOT_SEGMENT.search(path):
        raise ValueError(f"'{url}' has dot segments or escaped dots or slashes in its path")
    port = int(match["port"]) if match["port"] else _DEFAULT_PORTS[match["scheme"]]
    if not 0 < port < 65536:
        raise ValueError(f"'{url}' has no valid port")
    return Endpoint(match["scheme"], match["host"].lower(), port, path)


@dataclass(frozen=True)
class Allowlist:
    entries: tuple[Endpoint, ...] = ()

    @classmethod
    def of(cls, urls: tuple[str, ...] | list[str]) -> Allowlist:
        """:raise ValueError: an entry is not a plain http(s) URL."""
        return cls(tuple(parse(url) for url in urls))

    def __bool__(self) -> bool:
        return bool(self.entries)

    def allows(self, url: str) -> bool:
        try:
            target = parse(url)
        except ValueError:
            return False
        return any(_within(target, entry) for entry in self.entries)


def _within(target: Endpoint, entry: Endpoint) -> bool:
    if (target.scheme, target.host, target.port) != (entry.scheme, entry.host, entry.port):
        return False
    prefix = entry.path.rstrip("/")
    return not prefix or target.path == prefix or target.path.startswith(prefix + "/")
