"""Every query a researcher is shown runs exactly as written: each SPARQL block of the README and
each shipped competency question (src/bpograph/queries/*.rq, no PREFIX lines of their own), over
HTTP, through SPARQLWrapper, and through `bpograph query --file` in process and at the endpoint.
The endpoint predeclares bpograph's prefixes, as the Wikidata Query Service does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from http_client import fetch
from serving import on_both_backends

#: every test here holds on the embedded store and on Virtuoso
live_server, endpoint = on_both_backends()

ROOT = Path(__file__).parents[2]
README_QUERIES = re.findall(r"```sparql\n(.+?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
SHIPPED = sorted((ROOT / "src" / "bpograph" / "queries").glob("*.rq"))
DOCUMENTED = [(f"README block {n + 1}", text) for n, text in enumerate(README_QUERIES)] + [
    (path.stem, path.read_text(encoding="utf-8")) for path in SHIPPED]


def test_there_is_something_to_run():
    assert len(README_QUERIES) >= 4 and len(SHIPPED) >= 20
    assert any("PREFIX" not in text for _, text in DOCUMENTED)  # the case that failed


def _is_graph_query(text: str) -> bool:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("#", "PREFIX")))
    return bool(re.match(r"\s*(CONSTRUCT|DESCRIBE)\b", body, re.I))


@pytest.mark.parametrize(("name", "text"), DOCUMENTED, ids=[name for name, _ in DOCUMENTED])
def test_it_runs_over_http_and_through_sparqlwrapper(endpoint, name, text):
    reply = fetch("GET", endpoint, params={"query": text})
    assert reply.status == 200, (name, reply.text)
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod("POST")
    client.setReturnFormat(TURTLE if _is_graph_query(text) else JSON)
    answer = client.queryAndConvert()
    if name.startswith("CQ"):  # the competency questions have answers in the shipped graph
        assert answer["results"]["bindings"], name


@pytest.mark.parametrize(("name", "text"), DOCUMENTED, ids=[name for name, _ in DOCUMENTED])
def test_it_runs_through_bpograph_query_file(endpoint, tmp_path, name, text):
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    fmt = "turtle" if _is_graph_query(text) else "json"
    for where in ([], ["--endpoint", endpoint]):
        done = subprocess.run([sys.executable, "-m", "bpograph", "query", "--file", str(path), "--format", fmt, *where],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (name, where, done.stderr)
        if fmt == "json" and name.startswith("CQ"):
            assert json.loads(done.stdout)["results"]["bindings"]


def test_an_unknown_prefix_is_named_and_a_query_s_own_prefix_wins(endpoint):
    reply = fetch("GET", endpoint, params={"query": "SELECT * WHERE { foo:CallCentre ?p ?o }"})
    assert reply.status == 400
    assert "unknown prefix 'foo:' at line 1, column 18" in reply.text
    own = "PREFIX bpo: <https://example.org/not-bpograph/> ASK { bpo:CallCentre ?p ?o }"
    assert json.loads(fetch("GET", endpoint, params={"query": own}).body)["boolean"] is False
    assert json.loads(fetch("GET", endpoint, params={"query": "ASK { bpo:CallCentre ?p ?o }"}).body)["boolean"] is True


def test_the_predeclared_prefixes_are_listed(endpoint, live_server):
    from rdflib import Graph
    from rdflib.namespace import SH

    graph = Graph().parse(data=fetch("GET", endpoint, headers={"Accept": "text/turtle"}).body, format="turtle")
    declared = {str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace)) for d in graph.objects(None, SH.declare)}
    assert declared["bpo"] == "https://w3id.org/bpograph/def/" and declared["skos"] == "http://www.w3.org/2004/02/skos/core#"
    page = fetch("GET", live_server + "/query").text
    assert "https://w3id.org/bpograph/def/" in page and "bpo:" in page
