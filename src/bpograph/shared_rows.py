"""The common part of the tables the server processes share in memory (the fair share, the
``/metrics`` counters): one row per process slot, written only by the process in that slot under a
thread lock of its own, which is not pickled to the processes the table is handed to."""

from __future__ import annotations

import threading
from typing import Self


class ProcessRows:
    """A table of one row per process slot; :meth:`use_row` picks the row this process writes."""

    _row: int
    _lock: threading.Lock

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def use_row(self, row: int) -> Self:
        """Write to ``row`` from now on (a server process takes the row of its slot)."""
        self._row = row
        return self
