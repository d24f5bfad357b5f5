"""Helpers for the processes bpograph starts (query workers, server processes)."""

from __future__ import annotations


def die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies, however the parent dies (a worker
    busy in a query cannot notice by itself, and would otherwise run on as an orphan)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's shutdown still stops its workers
        pass
