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
