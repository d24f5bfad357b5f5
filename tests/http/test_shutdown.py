"""Stopping `bpograph serve` stops its server processes too, even one busy with a runaway query."""

import signal
import subprocess
import sys
import time

from serving import HEAVY, alive, children_of, server_process, server_processes


def test_sigterm_stops_the_server_and_every_worker(tmp_path):
    with server_process("--timeout", "60", log_path=tmp_path / "serve.log") as (base, server):
        assert len(server_processes(server.pid)) == 2  # the default --workers, not counting the resource tracker
        workers = children_of(server.pid)  # and every other child, the resource tracker too
        busy = subprocess.Popen([sys.executable, "-c", f"import urllib.request, urllib.parse; urllib.request.urlopen('{base}/sparql?' + urllib.parse.urlencode({{'query': {HEAVY!r}}}), timeout=30)"],
                                stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.0)  # a worker is now deep in the runaway query
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=15)
            time.sleep(0.5)
            assert [pid for pid in workers if alive(pid)] == []
        finally:
            busy.kill()


def test_sigterm_stops_the_server_at_once_while_a_runaway_query_runs_on_the_idle_class_of_busy_cpus(tmp_path):
    """A query past its time limit goes on, on the idle scheduling class, until its process is
    gone. Killed so on busy CPUs, a process took 0.4-1.3 s or more to die; the supervisor now
    puts its threads back on the normal class first."""
    import os

    from http_client import fetch

    with server_process("--timeout", "1", log_path=tmp_path / "serve.log") as (base, server):
        workers = server_processes(server.pid)
        assert fetch("GET", base + "/sparql", params={"query": HEAVY}, timeout=30).status == 503
        idle = [int(t) for pid in workers for t in os.listdir(f"/proc/{pid}/task")
                if os.sched_getscheduler(int(t)) == os.SCHED_IDLE]
        assert idle  # the runaway query's thread, still running
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
        try:
            time.sleep(0.5)
            started = time.monotonic()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            took = time.monotonic() - started
            gone = time.monotonic() + 2
            while time.monotonic() < gone and any(alive(pid) for pid in workers):
                time.sleep(0.05)
            assert [pid for pid in workers if alive(pid)] == []
            assert took < 1.0, f"the server took {took:.2f} s to stop"
        finally:
            for burner in burners:
                burner.kill()
                burner.wait()
