"""The SPARQL endpoint over real HTTP: real clients, formats, headers, errors, limits, safety."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, N3, TSV, TURTLE, XML, JSONLD, POST, SPARQLWrapper

from bpograph.namespaces import BPO, SD, VOID

from http_client import fetch
from serving import HEAVY, on_both_backends

#: every test here holds on the embedded store and on Virtuoso
live_server, endpoint = on_both_backends()

PREFIXES = """PREFIX bpo: <https://w3id.org/bpograph/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
KINDS = PREFIXES + """SELECT ?kind ?label WHERE {
  ?kind skos:inScheme bpo:KindsScheme ; skos:prefLabel ?label . FILTER(LANG(?label) = "et") } ORDER BY ?kind"""


def wrapper(endpoint: str, query: str, fmt=JSON, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(endpoint, method):
    result = wrapper(endpoint, KINDS, JSON, method).queryAndConvert()
    labels = {b["label"]["value"] for b in result["results"]["bindings"]}
    assert {"kõnekeskus", "äriprotsesside allhange", "sissetulev kõnekeskus"} <= labels
    assert all(b["label"]["xml:lang"] == "et" for b in result["results"]["bindings"])


def test_sparqlwrapper_select_xml(endpoint):
    document = wrapper(endpoint, KINDS, XML).queryAndConvert()
    literals = [n.firstChild.data for n in document.getElementsByTagName("literal")]
    assert "kõnekeskus" in literals


@pytest.mark.parametrize(("fmt", "separator"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_csv_and_tsv(endpoint, fmt, separator):
    text = wrapper(endpoint, KINDS, fmt).queryAndConvert().decode("utf-8")
    lines = text.splitlines()
    assert lines[0].split(separator) in (["kind", "label"], ["?kind", "?label"])
    assert any("kõnekeskus" in line for line in lines[1:])


def test_sparqlwrapper_ask(endpoint):
    query = PREFIXES + "ASK { bpo:InboundCallCentre skos:broader bpo:CallCentre }"
    assert wrapper(endpoint, query, JSON).queryAndConvert()["boolean"] is True
    assert wrapper(endpoint, query.replace("Inbound", "Outbound").replace("bpo:CallCentre }", "bpo:Outsourcing }"), JSON).queryAndConvert()["boolean"] is False


@pytest.mark.parametrize("fmt", [TURTLE, XML, JSONLD, N3])
def test_sparqlwrapper_construct(endpoint, fmt):
    query = PREFIXES + "CONSTRUCT { ?c skos:broader bpo:CallCentre } WHERE { ?c skos:broader bpo:CallCentre }"
    graph = wrapper(endpoint, query, fmt).queryAndConvert()
    if not isinstance(graph, Graph):
        graph = Graph().parse(data=graph, format="json-ld" if fmt == JSONLD else "turtle")
    assert set(graph.subjects()) == {BPO.InboundCallCentre, BPO.OutboundCallCentre}


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint):
    store = SPARQLStore(endpoint, returnFormat="json")
    graph = Graph(store=store)
    labels = set(graph.objects(BPO.CallCentre, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert Literal("kõnekeskus", lang="et") in labels
    assert (BPO.CallCentre, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in graph


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/*;q=0.9, application/json;q=0.1", "text/csv"),
        ("application/sparql-results+json;q=0.2, text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_content_negotiation_honours_q_values_and_wildcards(endpoint, accept, expected):
    reply = fetch("GET", endpoint, params={"query": "SELECT (1 AS ?x) {}"}, headers={"Accept": accept} if accept else {})
    assert reply.status == 200
    assert reply.headers.get_content_type() == expected


@pytest.mark.parametrize(("fmt", "media"), [("json", "application/sparql-results+json"), ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml")])
def test_format_parameter_overrides_accept(endpoint, fmt, media):
    reply = fetch("GET", endpoint, params={"query": "SELECT (1 AS ?x) {}", "format": fmt}, headers={"Accept": "text/csv"})
    assert reply.headers.get_content_type() == media


def test_construct_negotiates_graph_formats(endpoint):
    query = "CONSTRUCT { <urn:s> <urn:p> 1 } WHERE {}"
    for media in ("application/n-triples", "application/trig", "application/n-quads", "application/ld+json", "application/rdf+xml"):
        reply = fetch("GET", endpoint, params={"query": query}, headers={"Accept": media})
        assert reply.status == 200 and reply.headers.get_content_type() == media
        parsed = Graph().parse(data=reply.body, format={"application/n-triples": "nt", "application/trig": "trig",
                                                        "application/n-quads": "nquads", "application/ld+json": "json-ld",
                                                        "application/rdf+xml": "xml"}[media])
        assert len(parsed) == 1


def test_406_lists_what_is_offered(endpoint):
    reply = fetch("GET", endpoint, params={"query": "SELECT (1 AS ?x) {}"}, headers={"Accept": "image/png"})
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.text and "text/csv" in reply.text


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "words"),
    [
        ("GET", {"params": {"query": "SELECT * WHERE { ?s ?p "}}, 400, "line 1, column"),
        ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "2 'query' parameters"),
        ("PUT", {"body": "ASK {}", "headers": {"Content-Type": "application/sparql-query"}}, 405, ""),
        ("POST", {"body": "ASK {}", "headers": {"Content-Type": "text/plain"}}, 415, "unsupported Content-Type 'text/plain'"),
        ("POST", {"body": "ASK {}", "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"}}, 415, "UTF-8"),
        ("POST", {"body": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}}, 400, "not valid UTF-8"),
        ("POST", {"body": "update=CLEAR%20ALL", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 403, "read-only"),
        ("POST", {"body": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}}, 403, "read-only"),
        ("GET", {"params": {"update": "CLEAR ALL"}}, 400, "not accepted over GET"),
        ("POST", {"body": "query=ASK%20%7B%7D&update=CLEAR%20ALL", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 400, "not both"),
        ("GET", {"params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 400, "read-only"),
        ("GET", {"params": {"query": "ASK {}", "timeout": "soon"}}, 400, "timeout must be a number"),
        ("GET", {"params": {"query": "ASK {}", "format": "png"}}, 400, "unknown format 'png'"),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_message(endpoint, method, kwargs, status, words):
    reply = fetch(method, endpoint, **kwargs)
    assert reply.status == status, reply.text
    assert words in reply.text
    assert "Traceback" not in reply.text
    assert reply.headers.get_content_type() == "text/plain"


def test_a_too_large_request_gets_413(endpoint):
    query = "ASK { FILTER(\"" + "x" * 1_100_000 + "\" != \"\") }"
    reply = fetch("POST", endpoint, body=query, headers={"Content-Type": "application/sparql-query"})
    assert reply.status == 413
    assert "too large" in reply.text


def test_cors_cache_and_conditional_requests(endpoint):
    params = {"query": KINDS}
    first = fetch("GET", endpoint, params=params)
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=60" in first.headers["Cache-Control"]
    assert first.headers["Last-Modified"]
    assert "Accept" in first.headers["Vary"]
    etag = first.headers["ETag"]
    again = fetch("GET", endpoint, params=params, headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    other = fetch("GET", endpoint, params={"query": KINDS + " LIMIT 1"}, headers={"If-None-Match": etag})
    assert other.status == 200


def test_gzip_when_accepted(endpoint):
    plain = fetch("GET", endpoint, params={"query": KINDS})
    zipped = fetch("GET", endpoint, params={"query": KINDS}, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == plain.body
    assert "Content-Encoding" not in plain.headers


def test_options_and_head(endpoint):
    options = fetch("OPTIONS", endpoint)
    assert options.status == 200
    assert {"GET", "POST"} <= set(options.headers["Allow"].replace(" ", "").split(","))
    head = fetch("HEAD", endpoint, params={"query": "ASK {}"})
    assert head.status == 200 and head.body == b""
    assert head.headers.get_content_type() == "application/sparql-results+json"


def test_results_over_the_row_cap_are_cut_and_say_so(endpoint):
    reply = fetch("GET", endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert reply.status == 200
    assert reply.headers["X-Bpograph-Truncated"] == "true"
    assert reply.headers["X-Bpograph-Row-Limit"] == "1000"
    assert len(json.loads(reply.body)["results"]["bindings"]) == 1000
    small = fetch("GET", endpoint, params={"query": KINDS})
    assert "X-Bpograph-Truncated" not in small.headers


def test_a_runaway_query_is_stopped_and_others_are_served_meanwhile(endpoint):
    outcome = {}

    def heavy():
        started = time.monotonic()
        outcome["reply"] = fetch("GET", endpoint, params={"query": HEAVY, "timeout": "1.5"})
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.3)
    quick_started = time.monotonic()
    quick = fetch("GET", endpoint, params={"query": "ASK {}"})
    quick_seconds = time.monotonic() - quick_started
    thread.join(30)
    assert quick.status == 200 and quick_seconds < 1.0
    assert outcome["reply"].status == 503
    assert "time limit of 1.5 s" in outcome["reply"].text
    assert outcome["seconds"] < 3.0
    # the stopped worker was replaced: the endpoint still answers
    assert fetch("GET", endpoint, params={"query": "ASK {}"}).status == 200


def test_the_server_time_limit_caps_the_request_timeout(endpoint):
    started = time.monotonic()
    reply = fetch("GET", endpoint, params={"query": HEAVY, "timeout": "600"})
    assert reply.status == 503 and "time limit of 3 s" in reply.text
    assert time.monotonic() - started < 6


def test_service_is_refused_without_touching_the_network(endpoint):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(1.0)
        target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        reply = fetch("GET", endpoint, params={"query": f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"})
        assert reply.status == 400
        assert f"SERVICE <{target}> is not allowed" in reply.text
        with pytest.raises(socket.timeout):
            listener.accept()


def test_protocol_dataset_selects_graphs(endpoint):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    example = "https://w3id.org/bpograph/graph/data/example"
    only_example = json.loads(fetch("GET", endpoint, params={"query": count, "default-graph-uri": example}).body)
    everything = json.loads(fetch("GET", endpoint, params={"query": count}).body)
    n_example = int(only_example["results"]["bindings"][0]["n"]["value"])
    n_all = int(everything["results"]["bindings"][0]["n"]["value"])
    assert 100 < n_example < n_all


def test_service_description_by_accept(endpoint):
    reply = fetch("GET", endpoint, headers={"Accept": "text/turtle"})
    assert reply.status == 200
    graph = Graph().parse(data=reply.body, format="turtle")
    service = URIRef(endpoint)
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_TSV")) in graph
    assert any("timeout" in str(c) for c in graph.objects(service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    names = set(graph.objects(None, SD.name))
    assert URIRef("https://w3id.org/bpograph/graph/ontology/article") in names
    dataset = graph.value(service, SD.defaultDataset)
    assert int(graph.value(dataset, VOID.triples)) > 5000
    assert int(graph.value(dataset, VOID.classes)) > 30
    linked = {str(t) for t in graph.objects(None, VOID.objectsTarget)}
    assert {"http://www.wikidata.org/entity/", "http://dbpedia.org/resource/", "http://www.w3.org/ns/org#"} <= linked


def test_a_browser_gets_the_query_page(endpoint):
    reply = fetch("GET", endpoint, headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert reply.status == 200 and reply.headers.get_content_type() == "text/html"
    from bs4 import BeautifulSoup

    page = BeautifulSoup(reply.text, "html.parser")
    assert page.find("form", action=endpoint) is not None  # the query form (the site search form comes first)
    assert page.find("textarea", attrs={"name": "query"}) is not None


def test_healthz(live_server):
    reply = fetch("GET", live_server + "/healthz")
    status = json.loads(reply.body)
    assert status["status"] == "ok" and status["triples"] > 5000


@pytest.mark.parametrize("syntax", __import__("bpograph.formats", fromlist=["RDF_SYNTAXES"]).RDF_SYNTAXES, ids=lambda s: s.name)
def test_every_registered_rdf_syntax_is_served_everywhere(live_server, syntax):
    """One registry feeds the endpoint, the service description and the pages: every syntax in it
    answers at /void and for a query (adding one to the registry cannot make /void fail)."""
    void = fetch("GET", live_server + "/void", headers={"Accept": syntax.media_type})
    assert void.status == 200 and void.headers.get_content_type() == syntax.media_type
    parsed = Dataset() if syntax.quads else Graph()
    parsed.parse(data=void.body, format=syntax.rdflib)
    assert len(parsed) > 0
    answer = fetch("GET", live_server + "/sparql", params={"query": "CONSTRUCT { <urn:s> <urn:p> 1 } WHERE {}", "format": syntax.name})
    assert answer.status == 200 and answer.headers.get_content_type() == syntax.media_type
    if syntax.page_suffix:
        page = fetch("GET", live_server + "/def/CallCentre" + syntax.page_suffix)
        assert page.status == 200 and page.headers.get_content_type() == syntax.media_type
