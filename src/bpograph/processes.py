"""Helpers for the processes bpograph starts (query workers, server processes)."""

from __future__ import annotations

import os


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


def cpu_groups(count: int) -> list[frozenset[int]]:
    """The CPUs this process may use, dealt round-robin into ``count`` groups (fewer when there
    are fewer CPUs): one group per server process. Empty where Linux's affinity calls are missing.
    """
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return []
    count = max(1, min(count, len(allowed)))
    return [frozenset(allowed[i::count]) for i in range(count)]


def pin(cpus: frozenset[int] | None) -> None:
    """Keep this process, and every thread it starts from now on, on ``cpus``.

    A server process hands each query to a query thread and back (for the time limit). A thread
    woken on the CPU where the other just went to sleep takes about 15 µs to run on this 2-core
    VM; woken on another CPU, about 55 µs. With one CPU per process, 22% more lookups are answered
    at concurrency 1 and 15% more at 8 (docs/benchmarks.md, "CPU per server process").
    """
    if not cpus:
        return
    try:
        os.sched_setaffinity(0, cpus)
    except (AttributeError, OSError):  # not Linux, or the CPUs were taken away meanwhile
        pass


def restore_priority(pid: int) -> None:
    """Put every thread of process ``pid`` back on the normal scheduling class, at nice 0 where
    the limits allow (Linux; elsewhere nothing happens). A runaway query's thread runs on the idle
    class; killed so, it may need seconds of a busy CPU to die (measured: 0.4-1.3 s with both
    CPUs busy, 1 ms at normal priority). Call this just before killing the process.
    """
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for name in threads:
        try:
            os.sched_setscheduler(int(name), os.SCHED_OTHER, os.sched_param(0))
            os.setpriority(os.PRIO_PROCESS, int(name), 0)
        except (AttributeError, OSError, ValueError):  # not Linux, gone already, or not allowed
            continue
