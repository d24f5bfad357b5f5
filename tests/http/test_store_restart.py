"""A server answers at once (issue 11): its processes serve the on-disk store from the start and
put an in-memory copy in its place once made; a store above ``memory_limit`` stays on disk,
where NOT EXISTS runs as MINUS. A persistent store keeps its figures (triples per graph, VoID)
for its version, counted by the import that made it, so a start counts nothing. Every answer
stays the one the engine gives for the query as written."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from http_client import fetch
from serving import running_server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: The same count, in a form the whole-graph figure does not answer.
COUNTED = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(true) }"
NOT_EXISTS = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?c WHERE { ?c a owl:Class FILTER(isIRI(?c)) FILTER NOT EXISTS { ?c rdfs:subClassOf ?super } } ORDER BY ?c"""
#: The same, in a form the rewrite leaves alone (a filter inside the pattern).
NOT_EXISTS_AS_WRITTEN = NOT_EXISTS.replace("?c rdfs:subClassOf ?super }", "?c rdfs:subClassOf ?super FILTER(true) }")


def rows(base: str, query: str) -> list:
    reply = fetch("GET", base + "/sparql", params={"query": query})
    assert reply.status == 200, reply.body[:300]
    return json.loads(reply.body)["results"]["bindings"]


def count(base: str, query: str = COUNT) -> int:
    return int(rows(base, query)[0]["n"]["value"])


def kept(store):
    return {p.name: p.stat().st_mtime_ns for p in store.iterdir() if p.name.startswith("bpograph-store-statistics")}


def serving(base: str) -> str:
    return json.loads(fetch("GET", base + "/healthz").body)["serving"]


def until_copied(base: str, seconds: float = 60) -> None:
    """Wait until both server processes answer from their in-memory copies."""
    deadline, seen = time.monotonic() + seconds, 0
    while seen < 6:
        assert time.monotonic() < deadline, "the in-memory copies did not take over"
        seen = seen + 1 if serving(base) == "in-memory copy" else 0
        time.sleep(0.05)


def test_a_second_start_reuses_the_figures(tmp_path):
    store = tmp_path / "store"
    with running_server("--store", str(store), log_path=tmp_path / "first.log") as base:
        first = count(base)
        assert first == count(base, COUNTED)
    files = kept(store)
    version = json.loads((store / "bpograph-store.json").read_text())["version"]
    assert json.loads((store / "bpograph-store-statistics.json").read_text())["version"] == version
    with running_server("--store", str(store), log_path=tmp_path / "second.log") as base:
        assert count(base) == first == count(base, COUNTED)
    assert kept(store) == files  # not counted again


def test_an_import_counts_the_figures_for_the_next_start(tmp_path):
    store = tmp_path / "store"
    with running_server("--store", str(store), log_path=tmp_path / "first.log") as base:
        first = count(base)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:a> <urn:p> 1, 2, 3 .\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bpograph", "import", str(extra), "--graph", "https://example.org/x",
                           "--store", str(store)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    version = json.loads((store / "bpograph-store.json").read_text())["version"]
    assert json.loads((store / "bpograph-store-statistics.json").read_text())["version"] == version
    files = kept(store)
    with running_server("--store", str(store), log_path=tmp_path / "second.log") as base:
        assert count(base) == first + 3 == count(base, COUNTED)
    assert kept(store) == files


def test_a_server_answers_from_disk_at_once_and_from_memory_once_copied(tmp_path):
    data = tmp_path / "data.nt"
    with open(data, "w", encoding="utf-8") as stream:
        for i in range(500_000):
            stream.write(f"<http://example.org/s{i % 5000}> <http://example.org/p{i % 7}> \"{i}\" .\n")
    with running_server("--data", str(data), log_path=tmp_path / "serve.log") as base:
        early = serving(base)
        answers = (rows(base, NOT_EXISTS), count(base), count(base, COUNTED))
        until_copied(base)
        assert early == "on-disk store"  # it answered before its copy was made
        assert (rows(base, NOT_EXISTS), count(base), count(base, COUNTED)) == answers
        assert answers[1] == answers[2] > 500_000


def test_above_the_memory_limit_the_store_stays_on_disk_with_the_same_answers(tmp_path):
    store = tmp_path / "store"
    with running_server("--store", str(store), log_path=tmp_path / "disk.log", env={"BPOGRAPH_MEMORY_LIMIT": "1000"}) as base:
        on_disk = rows(base, NOT_EXISTS)
        assert on_disk == rows(base, NOT_EXISTS_AS_WRITTEN) and len(on_disk) > 3
        total = count(base)
        assert total == count(base, COUNTED)
        time.sleep(1)
        assert {serving(base) for _ in range(10)} == {"on-disk store"}
    with running_server("--store", str(store), log_path=tmp_path / "memory.log") as base:
        until_copied(base)
        assert rows(base, NOT_EXISTS) == on_disk == rows(base, NOT_EXISTS_AS_WRITTEN)
        assert count(base) == total
