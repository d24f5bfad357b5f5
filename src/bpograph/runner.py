"""Runs queries inside a server process, on threads of its own, within a time limit.

Oxigraph cannot be interrupted once a query runs, but it releases the GIL while it evaluates. So
each query runs on a query thread while the request thread waits for it; a query that outlives
its time limit is abandoned, the request gets its 503 at once, and ``on_overrun`` is called: the
caller's job is then to end the whole process soon (:mod:`bpograph.server` retires the process
and starts a fresh one), which is what stops the runaway work and frees its CPU.

Use this only where a supervisor can replace the process. :class:`~bpograph.workers.QueryPool`
is the backend for any other server: it keeps every query in a separate process.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

import pyoxigraph as ox

from .engine import Answer, DumpRequest, QueryRequest, UpdateRequest, execute

log = logging.getLogger(__name__)

Request = QueryRequest | UpdateRequest | DumpRequest


class _Job:
    """One request and, once ``done`` is released, its answer. A bare lock is the cheapest
    one-shot signal between two threads (an Event is a lock, a condition and a flag)."""

    __slots__ = ("request", "done", "answer")

    def __init__(self, request: Request) -> None:
        self.request = request
        self.done = threading.Lock()
        self.done.acquire()
        self.answer: Answer | None = None


class ThreadRunner:
    """``size`` query threads over one Oxigraph store; thread-safe.

    :param on_overrun: called from the request thread whenever a query outlives its time limit
        (the process must then be retired; a second call must do no harm).
    """

    def __init__(self, store: ox.Store, size: int, on_overrun: Callable[[], None]) -> None:
        self._store = store
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._on_overrun = on_overrun
        self.size = size
        for number in range(size):
            threading.Thread(target=self._work, name=f"bpograph-query-{number}", daemon=True).start()

    def _work(self) -> None:
        store, jobs = self._store, self._jobs
        while True:
            job = jobs.get()
            try:
                job.answer = execute(store, job.request)
            except Exception:  # an engine failure must still answer its request
                log.exception("query failed")
                job.answer = Answer(500, message="the query engine failed on this query")
            job.done.release()

    def run(self, request: Request, timeout: float) -> Answer:
        """Answer ``request`` within ``timeout`` seconds (waiting for a free thread included)."""
        job = _Job(request)
        self._jobs.put(job)
        if job.done.acquire(timeout=timeout):
            return job.answer
        self._on_overrun()
        return Answer(503, message=f"the query ran longer than its time limit of {timeout:g} s and was stopped")

    def close(self) -> None:
        """Nothing to release: the query threads end with the process."""
