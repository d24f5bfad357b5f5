"""A fair share of query time for each client, as the Wikidata Query Service gives one: every
client (by its address) has a budget of query seconds that refills over a minute, and at most a
few queries at once; past either, it gets 429 with ``Retry-After`` until it is within them
again. The table lives in shared memory, so that it holds across every server process and
survives the processes a supervisor replaces.

Clients are told apart by their address, so behind a proxy every client shares the proxy's
budget: give such a deployment a budget to match.
"""

from __future__ import annotations

import math
import multiprocessing
import time
import zlib
from dataclasses import dataclass

BUCKETS = 4096
WINDOW = 60.0


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int


class FairShare:
    """:param budget: query seconds a client may use per :data:`WINDOW` seconds.
    :param concurrency: queries a client may have running at once."""

    def __init__(self, budget: float, concurrency: int, context=None) -> None:
        context = context or multiprocessing.get_context("spawn")
        self.budget = budget
        self.concurrency = concurrency
        self._tokens = context.RawArray("d", [budget] * BUCKETS)
        self._stamps = context.RawArray("d", BUCKETS)
        self._active = context.RawArray("i", BUCKETS)
        self._lock = context.Lock()

    @property
    def _rate(self) -> float:
        return self.budget / WINDOW

    @staticmethod
    def _bucket(client: str) -> int:
        return zlib.crc32(client.encode("utf-8", "replace")) % BUCKETS

    def _refill(self, bucket: int, now: float) -> None:
        stamp = self._stamps[bucket]
        if stamp:
            self._tokens[bucket] = min(self.budget, self._tokens[bucket] + (now - stamp) * self._rate)
        self._stamps[bucket] = now

    def admit(self, client: str) -> Refusal | None:
        """Count a query of ``client`` as running, or say why it may not run now."""
        bucket = self._bucket(client)
        now = time.monotonic()
        with self._lock:
            self._refill(bucket, now)
            if self._active[bucket] >= self.concurrency:
                return Refusal(f"too many queries at once from your address (at most {self.concurrency}); "
                               "wait for one to finish", 1)
            if self._tokens[bucket] <= 0:
                wait = max(1, math.ceil(-self._tokens[bucket] / self._rate))
                return Refusal(f"your address has used its share of query time ({self.budget:g} s a minute); "
                               f"try again in {wait} s", wait)
            self._active[bucket] += 1
        return None

    def release(self, client: str, seconds: float) -> None:
        """The query of ``client`` is done after ``seconds`` (charged to its budget)."""
        bucket = self._bucket(client)
        with self._lock:
            self._active[bucket] = max(0, self._active[bucket] - 1)
            self._tokens[bucket] -= seconds
