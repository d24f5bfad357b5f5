"""A fair share of query time for each client, as the Wikidata Query Service gives one: every
client (by its address) may use about ``budget`` seconds of query time a minute and have at most
``concurrency`` queries running at once; past either, it gets 429 with ``Retry-After`` until it
is within them again.

The table lives in shared memory, so that it holds across every server process and survives the
processes a supervisor replaces. Each process slot has a row of its own that only the process in
that slot writes (under a thread lock), and a client's standing is the sum over the rows: no lock
is shared between processes, which under load cost a sixth of the throughput (requests in two
processes queued on one semaphore). A row holds, per client, the query seconds used, decaying
exponentially with a time constant of one minute; a client is refused while the sum exceeds its
budget, so a sustained rate of ``budget`` seconds a minute is what it can keep up.

Clients are told apart by their address, so behind a proxy every client shares the proxy's
budget: give such a deployment a budget to match.
"""

from __future__ import annotations

import math
import multiprocessing
import threading
import time
import zlib
from dataclasses import dataclass

from ..shared_rows import ProcessRows

BUCKETS = 4096
#: Time constant of the decay of used query time, in seconds.
WINDOW = 60.0


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_after: int


class FairShare(ProcessRows):
    """:param budget: query seconds a client may use per :data:`WINDOW` seconds.
    :param concurrency: queries a client may have running at once.
    :param rows: process slots that write to the table."""

    def __init__(self, budget: float, concurrency: int, rows: int = 1, context=None) -> None:
        context = context or multiprocessing.get_context("spawn")
        self.budget = budget
        self.concurrency = concurrency
        self.rows = rows
        self._used = context.RawArray("d", rows * BUCKETS)
        self._stamps = context.RawArray("d", rows * BUCKETS)
        self._active = context.RawArray("i", rows * BUCKETS)
        self._row = 0
        self._lock = threading.Lock()

    @staticmethod
    def _bucket(client: str) -> int:
        return zlib.crc32(client.encode("utf-8", "replace")) % BUCKETS

    def _standing(self, bucket: int, now: float) -> tuple[float, int]:
        used, active = 0.0, 0
        for row in range(self.rows):
            cell = row * BUCKETS + bucket
            value = self._used[cell]
            if value:
                used += value * math.exp(-(now - self._stamps[cell]) / WINDOW)
            active += self._active[cell]
        return used, active

    def admit(self, client: str) -> Refusal | None:
        """Count a query of ``client`` as running, or say why it may not run now."""
        bucket = self._bucket(client)
        with self._lock:
            used, active = self._standing(bucket, time.monotonic())
            if active >= self.concurrency:
                return Refusal(f"too many queries at once from your address (at most {self.concurrency}); "
                               "wait for one to finish", 1)
            if used > self.budget:
                wait = max(1, math.ceil(WINDOW * math.log(used / self.budget)))
                return Refusal(f"your address has used its share of query time ({self.budget:g} s a minute); "
                               f"try again in {wait} s", wait)
            self._active[self._row * BUCKETS + bucket] += 1
        return None

    def release(self, client: str, seconds: float) -> None:
        """The query of ``client`` is done after ``seconds`` (charged to its share)."""
        cell = self._row * BUCKETS + self._bucket(client)
        now = time.monotonic()
        with self._lock:
            self._active[cell] = max(0, self._active[cell] - 1)
            value = self._used[cell]
            decayed = value * math.exp(-(now - self._stamps[cell]) / WINDOW) if value else 0.0
            self._used[cell] = decayed + seconds
            self._stamps[cell] = now
