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

#: Stack of every thread that runs a query. The engine parses and evaluates recursively: on the
#: default 8 MB stack a chain of 20,000 ``+`` or UNIONs overflows it and kills the process; on
#: 256 MB it takes over 100,000, well past what the query guard lets through. The memory is only
#: reserved: a thread uses the pages it touches.
QUERY_STACK_BYTES = 256 * 1024 * 1024


def start_query_thread(target: Callable[[], None], name: str) -> threading.Thread:
    """Start a daemon thread with :data:`QUERY_STACK_BYTES` of stack."""
    previous = threading.stack_size(QUERY_STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    return thread


def on_query_stack(function, *args):
    """``function(*args)`` run on a thread with a query's stack, from a thread that has less."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append((True, function(*args)))
        except BaseException as exc:  # handed back to the caller
            outcome.append((False, exc))

    start_query_thread(run, "bpograph-query").join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


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
            start_query_thread(self._work, f"bpograph-query-{number}")

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
