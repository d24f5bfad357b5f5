"""The ontology opens from its IRI as Linked Data tools expect: the ontology IRI, every module IRI
and every version IRI return the whole ontology document, and a real OWL tool (owlready2) loads
it from the served IRI, following imports, with everything ``bpograph export`` holds."""

from __future__ import annotations

import subprocess
import sys
import urllib.request

import owlready2
import pytest
from rdflib import OWL, RDF, Dataset, Graph, URIRef

from bpograph.namespaces import BPO

from http_client import fetch

BASE = "https://w3id.org/bpograph/"
MODULES = ["alignments", "article", "core", "enrichment", "source", "vocabulary"]
PARSERS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld", "application/n-triples": "nt"}
SUFFIX = {"text/turtle": ".ttl", "application/rdf+xml": ".rdf", "application/ld+json": ".jsonld", "application/n-triples": ".nt"}
BUILTIN = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Dataset:
    """What ``bpograph export`` writes, one named graph per shipped file."""
    out = tmp_path_factory.mktemp("export") / "bpograph.trig"
    subprocess.run([sys.executable, "-m", "bpograph", "export", "--format", "trig", "-o", str(out)], check=True, timeout=120)
    dataset = Dataset()
    dataset.parse(out, format="trig")
    return dataset


def module_graph(dataset: Dataset, name: str) -> Graph:
    return dataset.graph(URIRef(BASE + "graph/ontology/" + name))


def ontology_union(dataset: Dataset) -> Graph:
    union = Graph()
    for name in MODULES + ["bpograph"]:
        union += module_graph(dataset, name)
    return union


def entities(graph: Graph) -> dict[str, set[str]]:
    """The bpograph classes, properties and individuals a graph declares or types."""
    def ours(iris):
        return {str(i) for i in iris if isinstance(i, URIRef) and str(i).startswith(BASE)}

    classes = ours(graph.subjects(RDF.type, OWL.Class))
    properties = ours(s for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty) for s in graph.subjects(RDF.type, t))
    individuals = ours(s for s, o in graph.subject_objects(RDF.type) if not str(o).startswith(BUILTIN)) - classes - properties
    return {"classes": classes, "properties": properties, "individuals": individuals}


@pytest.mark.parametrize("media_type", list(PARSERS))
def test_the_ontology_iri_returns_the_whole_ontology(live_server, exported, media_type):
    expected = entities(ontology_union(exported))
    for path in ("/ontology", "/ontology/0.1.0"):
        reply = fetch("GET", live_server + path, headers={"Accept": media_type})
        assert reply.status == 200 and reply.headers.get_content_type() == media_type
        served = Graph().parse(data=reply.body, format=PARSERS[media_type])
        assert entities(served) == expected
        # one ontology header, its own, with its imports
        assert set(served.subjects(RDF.type, OWL.Ontology)) == {URIRef(BASE + "ontology")}
        assert len(set(served.objects(URIRef(BASE + "ontology"), OWL.imports))) == 6
    suffixed = fetch("GET", live_server + "/ontology" + SUFFIX[media_type])
    assert suffixed.status == 200 and suffixed.headers.get_content_type() == media_type
    assert entities(Graph().parse(data=suffixed.body, format=PARSERS[media_type])) == expected


@pytest.mark.parametrize("name", MODULES)
def test_every_module_iri_and_version_iri_returns_the_module_with_its_imports(live_server, exported, name):
    module = module_graph(exported, name)
    iri = URIRef(BASE + "ontology/" + name)
    closure, todo = set(), [iri]
    while todo:  # the module and what it imports
        current = todo.pop()
        if current not in closure:
            closure.add(current)
            todo.extend(module_graph(exported, str(current).rsplit("/", 1)[1]).objects(current, OWL.imports))
    expected = Graph()
    for member in closure:
        expected += module_graph(exported, str(member).rsplit("/", 1)[1])
    for path in (f"/ontology/{name}", f"/ontology/{name}/0.1.0", f"/ontology/{name}.ttl"):
        reply = fetch("GET", live_server + path, headers={"Accept": "text/turtle"})
        assert reply.status == 200, path
        served = Graph().parse(data=reply.body, format="turtle")
        assert entities(served) == entities(expected), path
        assert len(served) >= len(module), path
        assert set(served.subjects(RDF.type, OWL.Ontology)) == {iri}, path


def test_a_version_iri_in_a_browser_shows_the_ontology_page(live_server):
    reply = fetch("GET", live_server + "/ontology/core/0.1.0", headers={"Accept": "text/html"})
    assert reply.status == 200 and reply.headers.get_content_type() == "text/html"
    assert "https://w3id.org/bpograph/ontology/core" in reply.text


def test_a_client_that_does_not_negotiate_gets_rdf_xml(live_server):
    reply = fetch("GET", live_server + "/ontology")
    assert reply.status == 200 and reply.headers.get_content_type() == "application/rdf+xml"
    # an entity page still answers a browser-less client with its page (nothing changed there)
    assert fetch("GET", live_server + "/def/CallCentre").headers.get_content_type() == "text/html"


class W3idRedirect(urllib.request.BaseHandler):
    """What https://w3id.org/bpograph/ does in production (a redirect to the server), done in
    process: this machine does not reach w3id.org."""

    handler_order = 100

    def __init__(self, server: str) -> None:
        self.server = server

    def http_request(self, request):
        if request.full_url.startswith(BASE):
            request.full_url = self.server + "/" + request.full_url[len(BASE):]
        return request

    https_request = http_request


def test_owlready2_loads_the_ontology_from_its_served_iri_following_imports(live_server, exported):
    fetched: list[str] = []

    class Recording(W3idRedirect):
        def http_request(self, request):
            request = super().http_request(request)
            fetched.append(request.full_url)
            return request

        https_request = http_request

    previous = urllib.request._opener
    urllib.request.install_opener(urllib.request.build_opener(Recording(live_server)))
    try:
        world = owlready2.World()
        ontology = world.get_ontology(live_server + "/ontology").load()
    finally:
        urllib.request.install_opener(previous)
    assert ontology.base_iri.rstrip("/#") == BASE + "ontology"
    assert {o.base_iri.rstrip("/#") for o in ontology.imported_ontologies} == {BASE + "ontology/" + m for m in MODULES}
    assert all(url.startswith(live_server) for url in fetched) and len(fetched) >= 7  # imports were followed
    expected = entities(ontology_union(exported))
    assert {e.iri for e in world.classes()} >= expected["classes"]
    assert {p.iri for p in world.properties()} >= expected["properties"]
    for iri in expected["individuals"]:
        assert isinstance(world[iri], owlready2.Thing), iri
    assert world[str(BPO.InboundCallCentre)] in world[str(BPO.CallCentre)].descendants()
    print(f"owlready2: {len(expected['classes'])} classes, {len(expected['properties'])} properties, "
          f"{len(expected['individuals'])} individuals")
