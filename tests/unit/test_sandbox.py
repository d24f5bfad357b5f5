"""The second barrier on its own: after forbid_network(), a process (every thread of it, and its
children) can open no network socket, so even a SERVICE or LOAD that reached the engine fetches
nothing; Unix sockets still work
(that server processes still accept on their inherited socket, every HTTP test shows)."""

import http.server
import subprocess
import sys
import textwrap
import threading

import pytest

from bpograph.safety import sandbox

pytestmark = pytest.mark.skipif(not sandbox.available(), reason="seccomp filters need Linux on x86_64 or aarch64")

CHILD = textwrap.dedent("""
    import socket, sys, threading
    import pyoxigraph as ox
    from bpograph.safety.sandbox import forbid_network

    canary = sys.argv[1]
    forbid_network()
    results = {}
    for name, family in (("inet", socket.AF_INET), ("inet6", socket.AF_INET6)):
        try:
            socket.socket(family)
            results[name] = "opened"
        except PermissionError:
            results[name] = "refused"
    thread_result = []
    def in_thread():
        try:
            socket.socket()
            thread_result.append("opened")
        except PermissionError:
            thread_result.append("refused")
    t = threading.Thread(target=in_thread); t.start(); t.join()
    results["thread"] = thread_result[0]
    a, b = socket.socketpair(); a.sendall(b"x"); results["unix"] = b.recv(1).decode()
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{canary}> {{ ?s ?p ?o }} }}"))
        results["service"] = "answered"
    except Exception as exc:
        results["service"] = "failed"
    try:
        ox.Store().update(f"LOAD <{canary}data.ttl>")
        results["load"] = "loaded"
    except Exception:
        results["load"] = "failed"
    import subprocess
    child = subprocess.run([sys.executable, "-c", "import socket; socket.socket()"], capture_output=True)
    results["child"] = "refused" if b"PermissionError" in child.stderr else "opened"
    print(results)
""")


def test_a_sandboxed_process_opens_no_network_socket_and_the_engine_fetches_nothing():
    hits = []

    class Canary(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        # the canary works: an unsandboxed process reaches it
        subprocess.run([sys.executable, "-c", f"import urllib.request; urllib.request.urlopen('{url}')"], check=True)
        assert len(hits) == 1
        done = subprocess.run([sys.executable, "-c", CHILD, url], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        results = eval(done.stdout)  # noqa: S307 - the child's own dict literal
        assert results == {"inet": "refused", "inet6": "refused", "thread": "refused", "unix": "x",
                           "service": "failed", "load": "failed", "child": "refused"}
        assert len(hits) == 1, hits
    finally:
        server.shutdown()
        server.server_close()
