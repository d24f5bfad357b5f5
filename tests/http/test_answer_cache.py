"""A server process keeps its recent answers to ``GET /sparql`` (``web/answer_cache.py``): the
same request again gets the same bytes without running its query, an answer is never given to a
request it was not made for (another format, dataset or base IRI), and nothing is kept where the
data can change under its version (updates on, a remote store)."""

from __future__ import annotations

import json
import re

import pytest

from http_client import fetch
from serving import UPDATE_AUTH, running_server

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
LABELS = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(LANG(?label) = 'et') } ORDER BY ?s ?label LIMIT 7")


def _metric(base: str, name: str) -> float:
    text = fetch("GET", base + "/metrics").text
    return float(re.search(rf"^bpograph_{name} (\S+)$", text, re.M).group(1))


def _cached(base: str) -> float:
    return _metric(base, "answers_cached_total")


def _ask(base: str, query: str, accept: str = JSON, **params):
    reply = fetch("GET", base + "/sparql", params={"query": query, **params}, headers={"Accept": accept})
    assert reply.status == 200, reply.text
    return reply


@pytest.fixture(scope="module")
def one_process(tmp_path_factory) -> str:
    """One server process, so that a repeated request reaches the process that answered it."""
    log = tmp_path_factory.mktemp("answer-cache") / "serve.log"
    with running_server("--workers", "1", "--timeout", "5", log_path=log) as base:
        yield base


def test_a_repeated_query_gets_the_same_answer_without_running_again(one_process):
    before = _cached(one_process)
    first = _ask(one_process, LABELS)
    ran = _metric(one_process, "queries_total")
    second = _ask(one_process, LABELS)
    assert _cached(one_process) == before + 1
    assert _metric(one_process, "queries_total") == ran  # replayed: no query run, no query time
    assert second.body == first.body and len(json.loads(first.body)["results"]["bindings"]) == 7
    for header in ("ETag", "Content-Type", "X-Bpograph-Rows", "Cache-Control"):
        assert second.headers[header] == first.headers[header], header
    # a conditional request is still answered 304 first (no body at all)
    again = fetch("GET", one_process + "/sparql", params={"query": LABELS},
                  headers={"Accept": JSON, "If-None-Match": first.headers["ETag"]})
    assert again.status == 304 and again.body == b""


def test_another_format_or_dataset_is_not_answered_from_the_cache(one_process):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }"
    as_json = _ask(one_process, query)
    as_xml = _ask(one_process, query, accept=XML)
    assert as_xml.body.lstrip().startswith(b"<?xml") and as_xml.body != as_json.body
    before = _cached(one_process)
    empty = _ask(one_process, query, **{"default-graph-uri": "urn:bpograph:test:no-such-graph"})
    assert json.loads(empty.body)["results"]["bindings"][0]["n"]["value"] == "0"
    assert int(json.loads(as_json.body)["results"]["bindings"][0]["n"]["value"]) > 0
    assert _cached(one_process) == before


def test_relative_iris_resolve_against_each_request_url(one_process):
    """The same text under another host name is another question: its relative IRIs resolve
    against another base."""
    query = "SELECT ?here WHERE { BIND(<here> AS ?here) }"
    answers = {}
    for host in ("127.0.0.1", "localhost"):
        for _ in range(2):
            reply = fetch("GET", one_process.replace("127.0.0.1", host) + "/sparql", params={"query": query},
                          headers={"Accept": JSON})
            assert reply.status == 200, reply.text
            answers.setdefault(host, set()).add(json.loads(reply.body)["results"]["bindings"][0]["here"]["value"])
    assert answers["127.0.0.1"] == {one_process + "/here"}
    assert answers["localhost"] == {one_process.replace("127.0.0.1", "localhost") + "/here"}


def test_a_refused_query_is_refused_every_time(one_process):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(3):
        reply = fetch("GET", one_process + "/sparql", params={"query": query}, headers={"Accept": JSON})
        assert reply.status == 400 and "SERVICE" in reply.text


def test_a_graph_store_read_is_kept_too(one_process):
    graphs = fetch("GET", one_process + "/sparql",
                   params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g LIMIT 1"},
                   headers={"Accept": JSON})
    graph = json.loads(graphs.body)["results"]["bindings"][0]["g"]["value"]
    before = _cached(one_process)
    first = fetch("GET", one_process + "/sparql", params={"graph": graph}, headers={"Accept": "application/n-triples"})
    second = fetch("GET", one_process + "/sparql", params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert first.status == second.status == 200 and first.body == second.body and first.body
    assert _cached(one_process) == before + 1


def test_with_updates_on_every_query_runs(tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with running_server("--update", "--no-default-data", "--data", str(data), log_path=tmp_path / "serve.log") as base:
        counts = [json.loads(_ask(base, query).body)["results"]["bindings"][0]["n"]["value"]]
        reply = fetch("POST", base + "/sparql", body="INSERT DATA { <urn:d> <urn:e> <urn:f> }",
                      headers={**UPDATE_AUTH, "Content-Type": "application/sparql-update"})
        assert reply.status == 204, reply.text
        counts.append(json.loads(_ask(base, query).body)["results"]["bindings"][0]["n"]["value"])
        assert counts == ["1", "2"]
        assert _cached(base) == 0


def test_a_remote_store_is_asked_every_time(remote_server):
    for _ in range(3):
        _ask(remote_server, LABELS)
    assert _cached(remote_server) == 0


def test_turned_off_it_keeps_nothing(tmp_path):
    with running_server("--workers", "1", "--answer-cache", "0", log_path=tmp_path / "serve.log") as base:
        first, second = _ask(base, LABELS), _ask(base, LABELS)
        assert first.body == second.body
        assert _cached(base) == 0


QUERIES = [
    LABELS,
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }",
    "SELECT ?here WHERE { BIND(<here> AS ?here) }",
    "ASK { ?s a owl:Class }",
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a owl:Class ; rdfs:label ?l FILTER(LANG(?l) = 'et') }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT * WHERE { ?s ?p }",  # a syntax error: 400, never kept
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",  # refused: 400
]
ACCEPTS = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
           "text/turtle", "application/n-triples", "*/*", "text/html", "application/x-nonsense", ""]


def _normal(reply) -> tuple:
    """Status, media type and body of a reply, the body unzipped and, for line-based RDF, its
    lines sorted (two stores may list the triples of a graph in another order)."""
    import gzip

    body = reply.body
    if reply.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    kind = reply.headers.get("Content-Type", "")
    if reply.status == 200 and kind.startswith(("application/n-triples", "text/turtle")):
        body = b"\n".join(sorted(line for line in body.split(b"\n") if line.strip() and not line.startswith(b"@prefix")))
    return reply.status, kind, body


@pytest.fixture(scope="module")
def uncached(tmp_path_factory) -> str:
    log = tmp_path_factory.mktemp("answer-cache-off") / "serve.log"
    with running_server("--workers", "1", "--timeout", "5", "--answer-cache", "0", log_path=log) as base:
        yield base


def test_generated_requests_get_what_a_server_without_the_cache_gives(one_process, uncached):
    """Each generated request goes twice to the server with the cache (the second time it is
    replayed, if it was kept) and once to a server without it; the three replies must agree."""
    import random

    rng = random.Random(20261202)
    before = _cached(one_process)
    for number in range(150):
        params = {"query": rng.choice(QUERIES)}
        if rng.random() < 0.2:
            params["format"] = rng.choice(["json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "bogus"])
        if rng.random() < 0.2:
            params["default-graph-uri"] = rng.choice(["https://w3id.org/bpograph/graph/ontology", "urn:x:none"])
        if rng.random() < 0.1:
            params["timeout"] = rng.choice(["2", "0", "abc"])
        headers = {"Accept": rng.choice(ACCEPTS)}
        if rng.random() < 0.5:
            headers["Accept-Encoding"] = "gzip"
        host = rng.choice(["127.0.0.1", "localhost"])
        replies = []
        for base in (one_process, one_process, uncached):
            port = base.rsplit(":", 1)[1]
            reply = fetch("GET", f"{base}/sparql", params=params, headers={**headers, "Host": f"{host}:{port}"})
            assert reply.status < 500, reply.text
            replies.append(_normal(reply))
        # the base IRI names the server's own port: the same on both once the port is set aside
        own, again, other = replies
        assert own == again, (number, params, headers)
        port_a, port_b = one_process.rsplit(":", 1)[1].encode(), uncached.rsplit(":", 1)[1].encode()
        assert own[:2] == other[:2] and own[2].replace(port_a, b"PORT") == other[2].replace(port_b, b"PORT"), \
            (number, params, headers)
    assert _cached(one_process) > before + 30  # the comparison did reach replayed answers
