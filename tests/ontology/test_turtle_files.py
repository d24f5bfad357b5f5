"""The Turtle sources: one owl:Ontology module per file, a comment header, terms defined where they live."""

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from bpograph.dataset import shipped_files
from bpograph.namespaces import BASE, MODULE, ONTOLOGY

ONTOLOGY_FILES = shipped_files("ontology")
ALL_FILES = ONTOLOGY_FILES + shipped_files("data") + shipped_files("shapes")


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file_opens_with_a_comment_block_saying_what_it_holds(path):
    head = path.read_text(encoding="utf-8").splitlines()[:6]
    assert all(line.startswith("#") for line in head[:3]), f"{path.name} must start with a # comment block"
    assert any("Holds:" in line or "Checks:" in line for line in path.read_text(encoding="utf-8").splitlines()[:15]) or path.name == "bpograph.ttl"


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_every_ontology_file_is_one_module_and_defines_only_its_own_terms(path):
    graph = Graph().parse(path)
    modules = set(graph.subjects(RDF.type, OWL.Ontology))
    expected = ONTOLOGY if path.stem == "bpograph" else MODULE[path.stem]
    assert modules == {expected}
    defined_by = {module for _, module in graph.subject_objects(RDFS.isDefinedBy)}
    assert defined_by <= {expected}, f"{path.name} defines terms of {defined_by - {expected}}"
    assert graph.value(expected, OWL.versionIRI) == URIRef(f"{expected}/0.1.0")


def test_the_whole_ontology_imports_every_module():
    graph = Graph().parse(next(p for p in ONTOLOGY_FILES if p.stem == "bpograph"))
    imported = set(graph.objects(ONTOLOGY, OWL.imports))
    assert imported == {MODULE[p.stem] for p in ONTOLOGY_FILES if p.stem != "bpograph"}


def test_every_own_term_is_defined_by_a_module(knowledge):
    modules = set(knowledge.subjects(RDF.type, OWL.Ontology))
    terms = {
        s for s in knowledge.subjects(unique=True)
        if isinstance(s, URIRef) and str(s).startswith(BASE + "def/")
    }
    undefined = {t for t in terms if knowledge.value(t, RDFS.isDefinedBy) not in modules}
    assert undefined == set()
