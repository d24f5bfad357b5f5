"""A canary HTTP server on loopback: it answers every request with one SPARQL JSON row and
records the path. Any hit means something fetched what it must not."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Canary:
    def __init__(self, server: http.server.ThreadingHTTPServer) -> None:
        self.server = server
        self.hits: list[str] = []
        self.url = f"http://127.0.0.1:{server.server_address[1]}/"


@contextmanager
def canary_server() -> Iterator[Canary]:
    body = b'{"head":{"vars":["z"]},"results":{"bindings":[{"z":{"type":"literal","value":"1"}}]}}'
    state: list[Canary] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            state[0].hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.append(Canary(server))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state[0]
    finally:
        server.shutdown()
        server.server_close()
