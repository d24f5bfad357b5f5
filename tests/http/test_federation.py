"""SERVICE works only for allowlisted endpoints: a second local bpograph as the remote, also when
it is slow (the local time limit stops the query) or down (a clear error)."""

import json
import time

import pytest

from http_client import fetch
from serving import free_port, running_server

LABEL = """SELECT ?label WHERE {
  SERVICE <%s> { <https://w3id.org/bpograph/def/CallCentre> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }
} ORDER BY ?label"""
SLOW = """SELECT * WHERE { SERVICE <%s> { SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } } }"""


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    with running_server("--timeout", "20", log_path=tmp_path_factory.mktemp("remote") / "serve.log") as base:
        yield base + "/sparql"


@pytest.fixture(scope="module")
def local(remote, tmp_path_factory):
    down = f"http://127.0.0.1:{free_port()}/"
    with running_server("--no-default-data", "--timeout", "2", "--allow-service", remote, "--allow-service", down,
                        log_path=tmp_path_factory.mktemp("local") / "serve.log") as base:
        yield base + "/sparql", down


def test_an_allowlisted_service_is_called(local, remote):
    endpoint, _ = local
    reply = fetch("GET", endpoint, params={"query": LABEL % remote})
    assert reply.status == 200, reply.text
    labels = [b["label"]["value"] for b in json.loads(reply.body)["results"]["bindings"]]
    assert labels == ["call centre", "kõnekeskus"]


def test_a_service_not_on_the_list_is_refused(local, remote):
    endpoint, _ = local
    other = remote.replace("/sparql", "/other")
    reply = fetch("GET", endpoint, params={"query": LABEL % other})
    assert reply.status == 400 and "is not allowed" in reply.text


def test_a_slow_remote_is_stopped_by_the_local_time_limit(local, remote):
    endpoint, _ = local
    started = time.monotonic()
    reply = fetch("GET", endpoint, params={"query": SLOW % remote})
    assert reply.status == 503 and "time limit of 2 s" in reply.text
    assert time.monotonic() - started < 6


def test_a_remote_that_is_down_gives_a_clear_error(local):
    endpoint, down = local
    reply = fetch("GET", endpoint, params={"query": LABEL % (down + "sparql")})
    assert reply.status == 400
    assert "could not be evaluated" in reply.text and "Traceback" not in reply.text


def test_a_service_that_answers_no_sparql_results_gets_a_4xx(tmp_path):
    import http.server
    import threading

    class Garbage(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html><body>not results</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    garbage = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=garbage.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{garbage.server_address[1]}/sparql"
    try:
        with running_server("--no-default-data", "--allow-service", url, log_path=tmp_path / "serve.log") as base:
            reply = fetch("GET", base + "/sparql", params={"query": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"})
        assert 400 <= reply.status < 500, reply.text
        assert "could not be evaluated" in reply.text and "Traceback" not in reply.text
    finally:
        garbage.shutdown()
        garbage.server_close()
