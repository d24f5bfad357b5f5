"""The W3C SPARQL 1.1 Protocol tests (shared/w3c-rdf-tests/.../protocol/manifest.ttl) over HTTP.

The server under test is a `bpograph serve --update` with only the suite's data, loaded under
the graph names the manifest gives (ut:graphData); the tests run in the manifest's order, as
later ones read what earlier updates wrote. Each ht:Request is sent as written, with the path
prefix /sparql/ mapped to /sparql, and its status, result format and boolean are checked.
"""

from __future__ import annotations

import json
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


@pytest.fixture(scope="module")
def protocol_server(w3c_dir, tmp_path_factory):
    # updates are off by default; the suite's update tests need them, on a scratch store
    args = ["--no-default-data", "--update"]
    seen = set()
    for data in GRAPH.objects(None, UT.graphData):
        name, file = str(GRAPH.value(data, RDFS.label)), GRAPH.value(data, UT.graph)
        if name not in seen:
            seen.add(name)
            args += ["--graph", name, str(w3c_dir / "protocol" / str(file).rsplit("/", 1)[-1])]
    log = tmp_path_factory.mktemp("w3c-protocol") / "serve.log"
    with running_server(*args, log_path=log) as base:
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
