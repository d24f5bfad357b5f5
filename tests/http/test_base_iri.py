"""A deployment's own base IRI (the base_iri setting) reaches every page: search, the A-Z index,
the class tree, entity pages and the VoID linksets read it, not bpograph's w3id.org base."""

from __future__ import annotations

import json

import pytest

from http_client import fetch
from serving import running_server

DATA = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/kg/def/Widget> a owl:Class ; rdfs:label "widget"@en , "vidin"@et ;
    skos:prefLabel "widget"@en , "vidin"@et ; skos:definition "A thing of the example deployment."@en ;
    skos:exactMatch <http://www.wikidata.org/entity/Q1> .
<https://example.org/kg/def/BlueWidget> a owl:Class ; rdfs:subClassOf <https://example.org/kg/def/Widget> ;
    skos:prefLabel "blue widget"@en , "sinine vidin"@et .
"""


@pytest.fixture(scope="module")
def own_base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("own-base")
    data = folder / "kg.ttl"
    data.write_text(DATA, encoding="utf-8")
    with running_server("--no-default-data", "--data", str(data), log_path=folder / "serve.log",
                        env={"BPOGRAPH_BASE_IRI": "https://example.org/kg/"}) as base:
        yield base


def test_search_and_the_index_find_the_deployments_own_terms(own_base):
    hits = json.loads(fetch("GET", own_base + "/search", params={"q": "widget"}, headers={"Accept": "application/json"}).body)
    assert {h["href"] for h in hits["results"]} == {"/def/Widget", "/def/BlueWidget"}
    assert "vidin" in fetch("GET", own_base + "/index/et", headers={"Accept": "text/html"}).text


def test_the_class_tree_and_entity_pages_use_the_own_base(own_base):
    home = fetch("GET", own_base + "/", headers={"Accept": "text/html"}).text
    assert 'href="/def/BlueWidget"' in home
    page = fetch("GET", own_base + "/def/Widget", headers={"Accept": "text/html"})
    assert page.status == 200 and "blue widget" in page.text


def test_void_counts_links_out_of_the_own_base(own_base):
    from rdflib import Graph
    from rdflib.namespace import VOID

    void = Graph().parse(data=fetch("GET", own_base + "/void", headers={"Accept": "application/n-triples"}).body, format="nt")
    targets = {str(o) for o in void.objects(None, VOID.objectsTarget)}
    assert targets == {"http://www.wikidata.org/entity/"}  # the subclass link inside the own base is no linkset
