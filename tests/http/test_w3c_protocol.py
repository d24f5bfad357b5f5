"""The W3C SPARQL 1.1 Protocol tests (shared/w3c-rdf-tests/.../protocol/manifest.ttl) over HTTP.

The server under test is a `bpograph serve --update` with the suite's data, loaded under the
graph names the manifest gives (ut:graphData), on each backend: the embedded store (with only
the suite's data) and Virtuoso (where bpograph loads its shipped graph too). The tests run in
the manifest's order, as later ones read what earlier updates wrote. Each ht:Request is sent
as written, with the path prefix /sparql/ mapped to /sparql, and its status, result format and
boolean are checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from xml.dom import minidom

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS

from serving import UPDATE_AUTH, W3C, running_server
from http_client import fetch

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
MANIFEST = W3C / "protocol" / "manifest.ttl"


TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
BOOLEAN = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json", "application/trig", "application/n-quads"}


def load_manifest():
    if not MANIFEST.is_file():
        return Graph(), []
    graph = Graph().parse(MANIFEST, format="turtle")
    [manifest] = graph.subjects(MF.entries, None)
    return graph, list(Collection(graph, graph.value(manifest, MF.entries)))


GRAPH, ENTRIES = load_manifest()


def local_name(test: URIRef) -> str:
    return str(test).rsplit("#", 1)[-1]


def suite_data(w3c_dir) -> list[tuple[str, str]]:
    """(graph name, file) of the data the manifest loads (ut:graphData), once each."""
    found: dict[str, str] = {}
    for data in GRAPH.objects(None, UT.graphData):
        name, file = str(GRAPH.value(data, RDFS.label)), GRAPH.value(data, UT.graph)
        found.setdefault(name, str(w3c_dir / "protocol" / str(file).rsplit("/", 1)[-1]))
    return list(found.items())


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def protocol_server(request, w3c_dir, tmp_path_factory):
    """`bpograph serve --update` with the suite's data: on the embedded store, or over a Virtuoso
    of its own (the suite clears every graph, which a shared store's other tests would miss)."""
    log = tmp_path_factory.mktemp("w3c-protocol") / "serve.log"
    if request.param == "embedded":
        # updates are off by default; the suite's update tests need them, on a scratch store
        args = ["--no-default-data", "--update"]
        for name, file in suite_data(w3c_dir):
            args += ["--graph", name, file]
        with running_server(*args, log_path=log) as base:
            yield base
        return
    from virtuoso import running_virtuoso

    with running_virtuoso(tmp_path_factory.mktemp("w3c-protocol-virtuoso")) as store:
        for name, file in suite_data(w3c_dir):
            done = subprocess.run([sys.executable, "-m", "bpograph", "import", file, "--graph", name,
                                   "--backend", store.sparql], env={**os.environ, **store.environment},
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
        with running_server("--backend", store.sparql, "--update", log_path=log, env=store.environment) as base:
            yield base


def requests_of(test: URIRef) -> list:
    action = GRAPH.value(test, MF.action)
    return list(Collection(GRAPH, GRAPH.value(action, HT.requests)))


def send(base: str, request):
    method = str(GRAPH.value(request, HT.methodName))
    path = str(GRAPH.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    headers = {}
    header_list = GRAPH.value(request, HT.headers)
    for header in Collection(GRAPH, header_list) if header_list else []:
        headers[str(GRAPH.value(header, HT.fieldName))] = str(GRAPH.value(header, HT.fieldValue))
    body = None
    content = GRAPH.value(request, HT.body)
    if content is not None:
        encoding = str(GRAPH.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(GRAPH.value(content, CNT.chars)).encode(encoding.lower())
    # the suite's requests as a client configured with the server's update key sends them
    return fetch(method, base + path, body=body, headers={**headers, **UPDATE_AUTH})


def check(reply, response) -> None:
    statuses = {str(s).rsplit("#", 1)[-1] for s in GRAPH.objects(response, MF.expectedStatus)}
    status_class = f"StatusCode{reply.status // 100}xx"
    assert status_class in statuses or str(reply.status) in statuses, f"status {reply.status}: {reply.body[:300]!r}"
    fmt = GRAPH.value(response, MF.expectedFormat)
    media = reply.headers.get_content_type()
    if fmt is not None:
        allowed = {"boolean": BOOLEAN, "tabular": TABULAR, "RDF": RDF_TYPES}[str(fmt)]
        assert media in allowed, f"{media} is not a {fmt} format"
        if str(fmt) == "RDF":
            Graph().parse(data=reply.body, format={"text/turtle": "turtle", "application/n-triples": "nt"}.get(media, "turtle"))
    expected = GRAPH.value(response, MF.expectedBoolean)
    if expected is not None:
        if media == "application/sparql-results+json":
            answer = json.loads(reply.body)["boolean"]
        else:
            answer = minidom.parseString(reply.body).getElementsByTagName("boolean")[0].firstChild.data == "true"
        assert answer == expected.toPython()


def test_the_suite_has_34_tests(w3c_dir):
    assert len(ENTRIES) == 34


@pytest.mark.parametrize("test", ENTRIES, ids=local_name)
def test_w3c_protocol(protocol_server, test):
    for request in requests_of(test):
        reply = send(protocol_server, request)
        check(reply, GRAPH.value(request, HT.resp))


def test_with_updates_on_answers_carry_no_validators(protocol_server):
    """Data may change after start-up, so no ETag or Last-Modified may promise otherwise."""
    reply = fetch("GET", protocol_server + "/sparql", params={"query": "ASK {}"})
    assert reply.status == 200
    assert "ETag" not in reply.headers and "Last-Modified" not in reply.headers
    assert "no-store" in reply.headers["Cache-Control"]
