"""``create_app()`` for other WSGI servers (flask run, gunicorn): queries run in worker
processes, so the time limit still stops a runaway query there."""

import json

import pytest

from bpograph.config import Settings
from bpograph.web import create_app
from serving import HEAVY


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(timeout=2, workers=1))
    yield app.test_client()
    app.extensions["bpograph.shutdown"]()


def test_the_factory_app_answers_queries(client):
    reply = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+json"})
    assert reply.status_code == 200
    assert int(json.loads(reply.data)["results"]["bindings"][0]["n"]["value"]) > 5000


def test_the_factory_app_stops_a_runaway_query_and_goes_on(client):
    reply = client.get("/sparql", query_string={"query": HEAVY, "timeout": "1.5"})
    assert reply.status_code == 503 and b"time limit of 1.5 s" in reply.data
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_a_request_cannot_ask_for_less_than_the_floor(client):
    """timeout=0.000001 retired a process on every request; the least limit is 1 s."""
    reply = client.get("/sparql", query_string={"query": HEAVY, "timeout": "0.000001"})
    assert reply.status_code == 503 and b"time limit of 1 s" in reply.data
    assert client.get("/sparql", query_string={"query": "ASK {}", "timeout": "0.000001"}).status_code == 200
