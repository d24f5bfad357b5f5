"""Counters for ``/metrics``, in the Prometheus text format (as Fuseki and QLever offer): requests
by status, query time, stopped queries, processes replaced. They live in shared memory, one row
per server process slot and one for the supervisor, so that they add up across processes and
outlive the processes that are replaced; each row has one writer process."""

from __future__ import annotations

import multiprocessing
import threading

from .shared_rows import ProcessRows

STATUSES = (200, 204, 304, 400, 401, 403, 404, 405, 406, 413, 415, 429, 500, 502, 503)
_OTHER = len(STATUSES)
QUERIES, QUERY_SECONDS, STOPPED, REPLACED, CACHED = range(_OTHER + 1, _OTHER + 6)
_FIELDS = _OTHER + 6
_INDEX = {status: index for index, status in enumerate(STATUSES)}


class Metrics(ProcessRows):
    def __init__(self, rows: int, context=None) -> None:
        context = context or multiprocessing.get_context("spawn")
        self.rows = rows
        self._cells = context.RawArray("d", rows * _FIELDS)
        self._row = rows - 1
        self._lock = threading.Lock()

    def add(self, field: int, amount: float = 1.0) -> None:
        with self._lock:
            self._cells[self._row * _FIELDS + field] += amount

    def add_query(self, seconds: float) -> None:
        """One query (or update) answered after ``seconds``."""
        base = self._row * _FIELDS
        with self._lock:
            self._cells[base + QUERIES] += 1
            self._cells[base + QUERY_SECONDS] += seconds

    def count_status(self, status: int) -> None:
        self.add(_INDEX.get(status, _OTHER))

    def total(self, field: int) -> float:
        return sum(self._cells[row * _FIELDS + field] for row in range(self.rows))

    def exposition(self, serving: int) -> str:
        """The counters as Prometheus text."""
        lines = ["# HELP bpograph_http_responses_total HTTP responses by status.",
                 "# TYPE bpograph_http_responses_total counter"]
        for status, index in _INDEX.items():
            lines.append(f'bpograph_http_responses_total{{status="{status}"}} {self.total(index):g}')
        lines.append(f'bpograph_http_responses_total{{status="other"}} {self.total(_OTHER):g}')
        for name, field, text in (("queries_total", QUERIES, "SPARQL queries and updates run."),
                                  ("query_seconds_total", QUERY_SECONDS, "Seconds spent answering them."),
                                  ("queries_stopped_total", STOPPED, "Queries stopped at their time limit."),
                                  ("processes_replaced_total", REPLACED, "Server processes started to replace others."),
                                  ("answers_cached_total", CACHED, "GET /sparql requests answered from the answer cache, without running their query.")):
            lines += [f"# HELP bpograph_{name} {text}", f"# TYPE bpograph_{name} counter",
                      f"bpograph_{name} {self.total(field):g}"]
        lines += ["# HELP bpograph_server_processes Server processes serving now.", "# TYPE bpograph_server_processes gauge",
                  f"bpograph_server_processes {serving}"]
        return "\n".join(lines) + "\n"
