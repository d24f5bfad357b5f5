"""The remote backend answers a store's authentication challenge in the scheme the store names:
Digest (Virtuoso, tested against it in tests/http/test_remote_backend.py) or Basic (Fuseki,
GraphDB), here against a real HTTP server on loopback that asks for Basic."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bpograph.backends.remote.connection import Connection, Endpoints


class BasicOnly(BaseHTTPRequestHandler):
    seen: list[str | None] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        given = self.headers.get("Authorization")
        BasicOnly.seen.append(given)
        expected = "Basic " + base64.b64encode(b"alice:s3cret-pass").decode()
        self.send_response(204 if given == expected else 401)
        if given != expected:
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def store():
    server = ThreadingHTTPServer(("127.0.0.1", 0), BasicOnly)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    BasicOnly.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}/update"
    server.shutdown()
    server.server_close()


def test_a_basic_challenge_is_answered_in_basic(store):
    connection = Connection(Endpoints(query=store, update=store, user="alice", password="s3cret-pass"))
    try:
        response = connection.post(store, 5, data={"update": "INSERT DATA {}"}, auth=True)
    finally:
        connection.close()
    assert response.status_code == 204
    assert BasicOnly.seen[0] is None and BasicOnly.seen[-1].startswith("Basic ")


def test_wrong_credentials_stay_refused(store):
    connection = Connection(Endpoints(query=store, update=store, user="alice", password="wrong"))
    try:
        assert connection.post(store, 5, data={"update": "INSERT DATA {}"}, auth=True).status_code == 401
    finally:
        connection.close()
