"""The answers a server process gave recently to ``GET /sparql``, replayed when the same request
comes again over data that has not changed, without Flask and without running the query.

This is what an HTTP cache in front of the server would do (the answers say ``Cache-Control:
public`` and carry an ETag), inside the process: the key is everything of the request that an
answer depends on, as it arrived (the query string with the query, its dataset and format; the
Accept and Accept-Encoding headers; the host, scheme and path, which make the base IRI of the
query's relative IRIs). The time limit (``timeout=``) is part of the query string, so it is
part of the key too. A request with a condition (If-None-Match, If-Modified-Since) or a range
goes to the application, which answers 304 where it can.

Only answers the application marked as kept (:func:`keep`) are stored: 200s of queries and
graph reads with an ETag, and none that sets a cookie. Never refusals, errors or answers stopped at the time limit; never
with updates on (no ETags: the data can change under its version) nor over a remote store
(others may write to it past bpograph's record of its version). Peers do the same: QLever
keeps a cache of query results, and the Wikidata Query Service keeps answers for five minutes
in front of its servers (``shared/reference/sparql-servers.md``).

Bounded by the bytes it holds (least recently used first out); an answer larger than an eighth
of the bound is not kept, so that one large answer cannot empty the cache. Thread-safe: a
server process's request threads share one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

#: What an entry costs beyond its body: the key, the headers, the dictionary's slot.
ENTRY_OVERHEAD = 1024
#: The environ key by which the application marks a response as one to keep.
KEEP = "bpograph.keep_answer"
#: Request headers that make a request one for the application: it answers them conditionally.
CONDITIONS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
              "HTTP_IF_RANGE", "HTTP_RANGE")

Entry = tuple[str, list[tuple[str, str]], bytes]


def keep(environ: dict) -> None:
    """Mark the response the application is about to give as one the cache may keep."""
    environ[KEEP] = True


class AnswerCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.largest = max_bytes // 8
        self.size = 0
        self._entries: OrderedDict[tuple, tuple[Entry, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: tuple, entry: Entry) -> None:
        cost = len(entry[2]) + sum(len(part) for part in key if isinstance(part, str)) + ENTRY_OVERHEAD
        if cost > self.largest:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (entry, cost)
            self.size += cost
            while self.size > self.max_bytes:
                _, (_, freed) = self._entries.popitem(last=False)
                self.size -= freed

    def __len__(self) -> int:
        return len(self._entries)


def _personal(headers: list[tuple[str, str]]) -> bool:
    """Whether a response speaks to its one client (sets a cookie): never replayed to another."""
    return any(name.lower() == "set-cookie" for name, _ in headers)


def request_key(environ: dict) -> tuple | None:
    """The cache key of a request, or None for a request the cache must leave to the application."""
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != "/sparql":
        return None
    if any(name in environ for name in CONDITIONS):
        return None
    return (environ.get("SCRIPT_NAME", ""), environ.get("QUERY_STRING", ""), environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}",
            environ.get("HTTP_ACCEPT", ""), environ.get("HTTP_ACCEPT_ENCODING", ""))


class CachingMiddleware:
    """WSGI middleware: replays a kept answer, or runs the application and keeps what it marked.

    :param on_hit: called for every answer replayed (the counters of ``/metrics``).
    """

    def __init__(self, app: Callable, cache: AnswerCache, on_hit: Callable[[], None]) -> None:
        self.app = app
        self.cache = cache
        self.on_hit = on_hit

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = request_key(environ)
        if key is None:
            return self.app(environ, start_response)
        entry = self.cache.get(key)
        if entry is not None:
            self.on_hit()
            start_response(entry[0], list(entry[1]))
            return [entry[2]]
        seen: list = []

        def capture(status, headers, exc_info=None):
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.app(environ, capture)
        if not environ.get(KEEP) or not seen or not seen[0].startswith("200") or _personal(seen[1]):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.cache.put(key, (seen[0], list(seen[1]), data))
        return [data]
