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


def _count(client, query: str) -> int:
    reply = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert reply.status_code == 200, reply.data
    return int(json.loads(reply.data)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("update", [False, True], ids=["read-only", "with updates"])
def test_the_factory_app_answers_whole_graph_counts_from_the_figures_only_while_the_store_cannot_change(update):
    """The worker processes use the plans too (backends/oxigraph/plans.py). A figure off by 1,000
    shows which path answered: read-only, the figure; with updates, the engine's own count."""
    from dataclasses import replace

    from bpograph.backends.oxigraph.store import build_store

    settings = Settings(workers=1, update=update, update_key="k" * 16 if update else None)
    store = build_store(settings)
    app = None
    try:
        app = create_app(settings, store=replace(store, union_triples=store.union_triples + 1000))
        client = app.test_client()
        counted = _count(client, "SELECT (COUNT(?s) AS ?n) WHERE { ?s ?p ?o }")  # no plan for this one
        assert counted == store.union_triples
        assert _count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == (counted if update else counted + 1000)
    finally:
        if app is not None:
            app.extensions["bpograph.shutdown"]()
        store.close()
