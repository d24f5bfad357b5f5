"""A pool of query worker processes. Each query runs in a worker; a query that outlives its time
limit is stopped by ending that worker's process, which frees the CPU at once, and a fresh
worker takes its place. Workers open the on-disk store read-only, so starting one is cheap."""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ...processes import die_with_parent
from ..base import Answer, Request
from .plans import Facts

log = logging.getLogger(__name__)


def _serve(store_path: str, conn: Connection, writable: bool = False, network: bool = False,
           facts: Facts | None = None) -> None:
    """Worker process: answer requests from ``conn`` until the parent closes it, with the plans
    ``facts`` allow (:mod:`.plans`). Without ``network`` (no SERVICE allowlist) the process can
    open no network socket."""
    die_with_parent()
    import pyoxigraph as ox

    from .engine import execute
    from .runner import on_query_stack
    from ...safety import sandbox

    if not network and sandbox.available():
        sandbox.forbid_network()
    store = ox.Store(store_path) if writable else ox.Store.read_only(store_path)
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(on_query_stack(execute, store, request, facts))


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryPool:
    """``size`` worker processes over the store at ``store_path``; thread-safe.

    With ``writable`` there is one worker, which opens the store read-write and also applies
    updates (a store has one writer; readers may not open it beside a writer). ``facts`` are the
    plans the workers may use: the whole-graph count only where the store cannot change.
    """

    def __init__(self, store_path: Path, size: int, writable: bool = False, network: bool = False,
                 facts: Facts | None = None) -> None:
        self._path = str(store_path)
        self._writable = writable
        self._network = network
        self._facts = facts
        size = 1 if writable else size
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.size = size
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(self._path, child, self._writable, self._network, self._facts), daemon=True, name="bpograph-query")
        process.start()
        child.close()
        if not parent.poll(60) or parent.recv() != "ready":
            process.kill()
            raise RuntimeError("a query worker did not start")
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()

    def run(self, request: Request, timeout: float) -> Answer:
        """Answer ``request`` within ``timeout`` seconds (waiting for a free worker included)."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return Answer(503, message=f"all {self.size} query workers stayed busy for {timeout:g} s; try again later")
        try:
            worker.conn.send(request)
            if worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError):
            log.exception("query worker failed")
            self._replace(worker)
            return Answer(503, message="the query worker failed; try again")
        self._replace(worker)
        return Answer(503, message=f"the query ran longer than its time limit of {timeout:g} s and was stopped")

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        self._idle.put(self._spawn())

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
