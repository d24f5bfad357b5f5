"""The answers a server process gave recently, kept by their ETag, so that a query asked again
over data that has not changed is answered without running it again.

The ETag already names an answer exactly: the data's version, the query text, the protocol
dataset and the negotiated media types (:func:`bpograph.web.sparql._etag`). The key adds the
base IRI that the query's relative IRIs resolve against (the request's own URL). The time limit
is not part of it: it decides whether an answer arrives, not what it says.

Kept only where the data cannot change under its version: the embedded store served read-only.
With updates on there are no ETags; over a remote store the store may be written by others,
past bpograph's record of its version. Peers do the same: QLever keeps a cache of query
results, and the Wikidata Query Service keeps answers for five minutes in front of its servers
(``shared/reference/sparql-servers.md``).

Bounded by the bytes of the bodies it holds (least recently used first out); an answer larger
than an eighth of the bound is not kept, so that one large answer cannot empty the cache.
Thread-safe: a server process's request threads share one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from ..backends.base import Answer

#: What an entry costs beyond its body: the key, the answer object, the dictionary's slot.
ENTRY_OVERHEAD = 512


class AnswerCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.largest = max_bytes // 8
        self.size = 0
        self._entries: OrderedDict[tuple[str, str], tuple[Answer, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str, base_iri: str) -> Answer | None:
        key = (etag, base_iri)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, etag: str, base_iri: str, answer: Answer) -> None:
        """Keep a successful answer (any other is not kept)."""
        if answer.status != 200:
            return
        cost = len(answer.body) + len(etag) + len(base_iri) + ENTRY_OVERHEAD
        if cost > self.largest:
            return
        key = (etag, base_iri)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (answer, cost)
            self.size += cost
            while self.size > self.max_bytes:
                _, (_, freed) = self._entries.popitem(last=False)
                self.size -= freed

    def __len__(self) -> int:
        return len(self._entries)
