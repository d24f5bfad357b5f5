"""A persistent store starts without redoing what it did before (issue 11): its figures (triples
per graph, VoID) and the copy its server processes load are kept in its folder for its version;
an import makes new ones. A store above ``memory_limit`` is served from disk, where NOT EXISTS
runs as MINUS; every answer stays the one the engine gives for the query as written."""

from __future__ import annotations

import json
import subprocess
import sys

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
    return {p.name: p.stat().st_mtime_ns for p in store.iterdir()
            if p.name.startswith(("bpograph-store-copy-", "bpograph-store-statistics"))}


def test_a_second_start_reuses_the_figures_and_the_copy(tmp_path):
    store = tmp_path / "store"
    with running_server("--store", str(store), log_path=tmp_path / "first.log") as base:
        first = count(base)
        assert first == count(base, COUNTED)
    version = json.loads((store / "bpograph-store.json").read_text())["version"]
    files = kept(store)
    assert set(files) == {"bpograph-store-statistics.json", f"bpograph-store-copy-{version}.nq"}
    with running_server("--store", str(store), log_path=tmp_path / "second.log") as base:
        assert count(base) == first == count(base, COUNTED)
    assert kept(store) == files  # neither was written again


def test_an_import_makes_new_figures_and_a_new_copy(tmp_path):
    store = tmp_path / "store"
    with running_server("--store", str(store), log_path=tmp_path / "first.log") as base:
        first = count(base)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:a> <urn:p> 1, 2, 3 .\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bpograph", "import", str(extra), "--graph", "https://example.org/x",
                           "--store", str(store)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    version = json.loads((store / "bpograph-store.json").read_text())["version"]
    with running_server("--store", str(store), log_path=tmp_path / "second.log") as base:
        assert count(base) == first + 3 == count(base, COUNTED)
    assert [name for name in kept(store) if name.startswith("bpograph-store-copy-")] == [f"bpograph-store-copy-{version}.nq"]


def test_above_the_memory_limit_the_store_is_served_from_disk_with_the_same_answers(tmp_path):
    store = tmp_path / "store"
    with running_server("--store", str(store), log_path=tmp_path / "disk.log", env={"BPOGRAPH_MEMORY_LIMIT": "1000"}) as base:
        on_disk = rows(base, NOT_EXISTS)
        assert on_disk == rows(base, NOT_EXISTS_AS_WRITTEN) and len(on_disk) > 3
        total = count(base)
        assert total == count(base, COUNTED)
    assert not [name for name in kept(store) if name.startswith("bpograph-store-copy-")]  # no copy was made
    with running_server("--store", str(store), log_path=tmp_path / "memory.log") as base:
        assert rows(base, NOT_EXISTS) == on_disk == rows(base, NOT_EXISTS_AS_WRITTEN)
        assert count(base) == total
    assert [name for name in kept(store) if name.startswith("bpograph-store-copy-")]
