"""Stopping `bpograph serve` stops its server processes too, even one busy with a runaway query."""

import signal
import subprocess
import sys
import time

from http_client import fetch
from serving import alive, children_of, free_port

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_sigterm_stops_the_server_and_every_worker(tmp_path):
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "bpograph", "serve", "--port", str(port), "--timeout", "60"],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while fetch_ok(port) is False:
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.2)
        workers = children_of(server.pid)
        assert len(workers) >= 2
        busy = subprocess.Popen([sys.executable, "-c", f"import urllib.request, urllib.parse; urllib.request.urlopen('http://127.0.0.1:{port}/sparql?' + urllib.parse.urlencode({{'query': {HEAVY!r}}}), timeout=30)"],
                                stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # a worker is now deep in the runaway query
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
        time.sleep(0.5)
        assert [pid for pid in workers if alive(pid)] == []
        busy.kill()
    finally:
        if server.poll() is None:
            server.kill()
        log.close()


def fetch_ok(port: int) -> bool:
    try:
        return fetch("GET", f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
    except OSError:
        return False
