"""Runs queries inside a server process, on threads of its own, within a time limit.

Oxigraph cannot be interrupted once a query runs, but it releases the GIL while it evaluates. So
each query runs on a query thread while the request thread waits for it, and three things keep
one client's long query from slowing everyone else's:

- a query that has run for :data:`LONG_QUERY` seconds has its thread's priority lowered (nice
  :data:`LONG_NICE`), so that short queries get the CPU first, and a fresh thread joins the
  ``size`` that run queries at normal priority, so that short queries never queue behind long ones;
- a query that outlives its time limit is abandoned: its request gets its 503 at once, its thread
  is put on the idle scheduling class (it runs only on CPU nobody else wants) and a fresh thread
  takes its place, so the queries behind it run; ``on_overrun`` is then called, and the caller's
  job is to end the whole process soon (:mod:`bpograph.serving.server` starts a successor and retires
  this process once the successor serves), which is what finally stops the runaway work;
- a query whose request gave up while it waited for a thread is never started.

A thread whose priority was lowered ends after its query (a process may not raise it again). Use this only where a supervisor can replace the process.
:class:`~bpograph.backends.oxigraph.workers.QueryPool` is the backend for any other server: it keeps every query in
a separate process.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable

from ..base import Answer, Request
from .engine import execute
from .plans import Facts

log = logging.getLogger(__name__)

#: Stack of every thread that runs a query. The engine parses and evaluates recursively: on the
#: default 8 MB stack a chain of 10,000 ``+`` or UNIONs overflows it and kills the process; on
#: 256 MB it takes over 100,000, well past what the query guard lets through. The memory is only
#: reserved: a thread uses the pages it touches.
QUERY_STACK_BYTES = 256 * 1024 * 1024
#: Seconds after which a running query's thread gets a lower priority.
LONG_QUERY = 0.25
LONG_NICE = 10
#: How often the watchdog looks at the running queries.
WATCH_INTERVAL = 0.05


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


def _lower_priority(thread_id: int, idle: bool) -> None:
    """Nice the thread, or put it on the idle class (Linux; elsewhere nothing happens)."""
    try:
        if idle and hasattr(os, "SCHED_IDLE"):
            os.sched_setscheduler(thread_id, os.SCHED_IDLE, os.sched_param(0))
        else:
            os.setpriority(os.PRIO_PROCESS, thread_id, LONG_NICE)
    except (OSError, AttributeError):
        pass


class _Job:
    """One request and, once ``done`` is released, its answer. A bare lock is the cheapest
    one-shot signal between two threads (an Event is a lock, a condition and a flag)."""

    __slots__ = ("request", "done", "answer", "started", "thread_id", "demoted", "abandoned", "lock", "long")

    def __init__(self, request: Request) -> None:
        self.request = request
        self.done = threading.Lock()
        self.done.acquire()
        self.answer: Answer | None = None
        self.started = 0.0
        self.thread_id = 0
        self.demoted = False
        self.abandoned = False
        self.long = False
        """Counted as long (its request thread is held for long), until its request returns."""
        self.lock = threading.Lock()
        """Taken to start the job or to abandon it, so that exactly one of the two happens."""


class ThreadRunner:
    """``size`` query threads over one Oxigraph store; thread-safe.

    :param on_overrun: called from the request thread whenever a query outlives its time limit
        (the process must then be retired; a second call must do no harm).
    :param on_long: called with +1 when a query becomes long and with -1 when its request is done
        (the server gives each long query's request a request thread of its own meanwhile).
    """

    def __init__(self, store, size: int, on_overrun: Callable[[], None],
                 on_long: Callable[[int], None] | None = None, facts: Facts | None = None) -> None:
        self._store = store
        self._facts = facts
        self.in_memory = False
        """Whether queries run on an in-memory copy (see :meth:`use`)."""
        self.after_start: Callable[[], object] | None = None
        """What the server process calls once it serves (the in-memory copy's start)."""
        self._on_long = on_long or (lambda delta: None)
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._on_overrun = on_overrun
        self._running: set[_Job] = set()
        self._lock = threading.Lock()
        self._numbers = iter(range(1_000_000_000))
        self.size = size
        self.stopped = 0
        """Queries abandoned at their time limit, in this process."""
        for _ in range(size):
            self._start_thread()
        threading.Thread(target=self._watch, name="bpograph-query-watch", daemon=True).start()

    def _start_thread(self) -> None:
        start_query_thread(self._work, f"bpograph-query-{next(self._numbers)}")

    @property
    def store(self):
        """The store queries run on now."""
        return self._store

    def use(self, store, facts: Facts | None) -> None:
        """Run the queries that start from now on on ``store`` (the same data: an in-memory copy of
        the current one), with the plans ``facts`` allow there; queries running finish where they
        started."""
        self._store, self._facts = store, facts
        self.in_memory = True

    def _work(self) -> None:
        jobs = self._jobs
        thread_id = threading.get_native_id()
        while True:
            job = jobs.get()
            with job.lock:
                if job.abandoned:  # its request gave up while it waited
                    continue
                job.started, job.thread_id = time.monotonic(), thread_id
                with self._lock:
                    self._running.add(job)
            try:
                job.answer = execute(self._store, job.request, self._facts)
            except Exception:  # an engine failure must still answer its request
                log.exception("query failed")
                job.answer = Answer(500, message="the query engine failed on this query")
            with self._lock:
                self._running.discard(job)
            job.done.release()
            if job.demoted:  # its priority cannot be raised again; a fresh thread took over already
                return

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            now = time.monotonic()
            with self._lock:
                long_running = [job for job in self._running if not job.demoted and now - job.started > LONG_QUERY]
            for job in long_running:
                job.demoted = True
                _lower_priority(job.thread_id, idle=False)
                self._start_thread()  # a short query must not wait behind a long one
                with job.lock:
                    if not job.long and job.answer is None and not job.abandoned:
                        job.long = True
                        self._on_long(1)

    def run(self, request: Request, timeout: float) -> Answer:
        """Answer ``request`` within ``timeout`` seconds (waiting for a free thread included)."""
        job = _Job(request)
        self._jobs.put(job)
        try:
            return self._wait(job, timeout)
        finally:
            with job.lock:
                job.abandoned = job.abandoned or job.answer is None
                counted, job.long = job.long, False
            if counted:
                self._on_long(-1)

    def _wait(self, job: _Job, timeout: float) -> Answer:
        if job.done.acquire(timeout=timeout):
            return job.answer
        with job.lock:
            job.abandoned = True
            started = job.thread_id != 0
        if started and job.done.acquire(blocking=False):  # it finished just now
            return job.answer
        if not started:
            return Answer(503, message=f"the server was too busy to start the query within its time limit of {timeout:g} s; "
                                       "try again in a moment")
        self.stopped += 1
        if not job.demoted:  # (the watchdog demotes long queries, and starts their replacement)
            job.demoted = True
            self._start_thread()
        _lower_priority(job.thread_id, idle=True)
        self._on_overrun()
        return Answer(503, message=f"the query ran longer than its time limit of {timeout:g} s and was stopped")

    @property
    def busy(self) -> int:
        """Queries running now (abandoned ones excluded)."""
        with self._lock:
            return sum(1 for job in self._running if not job.abandoned)

    def close(self) -> None:
        """Nothing to release: the query threads end with the process."""
