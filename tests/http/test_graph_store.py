"""The read side of the SPARQL 1.1 Graph Store HTTP Protocol: GET /sparql?graph=IRI and
?default, with content negotiation, as Fuseki, Oxigraph, Virtuoso and QLever offer it."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph

from http_client import fetch

CORE = "https://w3id.org/bpograph/graph/ontology/core"
PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
           "application/trig": "trig", "application/n-quads": "nquads"}


def size(endpoint: str, graph: str | None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    reply = fetch("GET", endpoint, params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"})
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("media_type", list(PARSERS))
def test_a_named_graph_in_every_rdf_format(endpoint, media_type):
    reply = fetch("GET", endpoint, params={"graph": CORE}, headers={"Accept": media_type})
    assert reply.status == 200 and reply.headers.get_content_type() == media_type
    assert "Accept" in reply.headers["Vary"]
    parsed = (Dataset() if PARSERS[media_type] in ("trig", "nquads") else Graph()).parse(data=reply.body, format=PARSERS[media_type])
    assert len(parsed) == size(endpoint, CORE)


def test_the_default_graph_is_what_queries_see_and_turtle_by_default(endpoint):
    reply = fetch("GET", endpoint + "?default")
    assert reply.status == 200 and reply.headers.get_content_type() == "text/turtle"
    parsed = Graph().parse(data=reply.body, format="turtle")
    assert len(parsed) == size(endpoint, None) > 5000


def test_a_graph_revalidates_with_its_etag(endpoint):
    first = fetch("GET", endpoint, params={"graph": CORE}, headers={"Accept": "text/turtle"})
    again = fetch("GET", endpoint, params={"graph": CORE}, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert again.status == 304


@pytest.mark.parametrize(("params", "headers", "status", "says"), [
    ({"graph": "https://example.org/absent"}, {}, 404, "there is no graph <https://example.org/absent>"),
    ({"graph": "not an iri"}, {}, 400, "graph must be an absolute IRI"),
    ([("graph", CORE), ("default", "")], {}, 400, "either ?graph=IRI or ?default"),
    ([("graph", CORE), ("graph", CORE)], {}, 400, "either ?graph=IRI or ?default"),
    ({"graph": CORE}, {"Accept": "text/csv"}, 406, "CONSTRUCT or DESCRIBE result"),
    ({"graph": CORE, "format": "nonsense"}, {}, 400, "unknown format 'nonsense'"),
])
def test_bad_graph_requests_get_a_4xx_that_says_why(endpoint, params, headers, status, says):
    reply = fetch("GET", endpoint, params=params, headers=headers)
    assert reply.status == status and says in reply.text, reply.text
