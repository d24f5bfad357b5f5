"""A few lines over http.client for tests that look at raw status codes, headers and bodies.

http.client sends exactly the headers given (urllib would add a form Content-Type to every
POST, which the protocol tests must be able to leave out).
"""

from __future__ import annotations

import http.client
import urllib.parse
from dataclasses import dataclass
from email.message import Message


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(method: str, url: str, *, params: dict | list | None = None, body: bytes | str | None = None,
          headers: dict | None = None, timeout: float = 30) -> Reply:
    if params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params, doseq=True)
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    data = body.encode("utf-8") if isinstance(body, str) else body
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, target, body=data, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.msg, response.read())
    finally:
        connection.close()
