"""The knowledge graph passes a reasoner: HermiT (through owlready2, as Protégé users run it)
finds the exported ontology and example data consistent, with no unsatisfiable class and no
subclass beyond those asserted; and the RDFS closure (owlrl) makes no class an instance of itself
(kind-level statements must not turn into axioms about members)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import owlready2
import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, Dataset, Graph, URIRef

from bpograph.namespaces import BASE

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java (Debian: openjdk-17-jre-headless)")


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory) -> Graph:
    """The ontology modules and the example data as ``bpograph export`` writes them, in one graph,
    without owl:imports (the modules are all here; a reasoner would otherwise fetch them)."""
    folder = tmp_path_factory.mktemp("export")
    subprocess.run([sys.executable, "-m", "bpograph", "export", "--format", "trig", "-o", str(folder / "all.trig")],
                   check=True, timeout=120)
    dataset = Dataset()
    dataset.parse(folder / "all.trig", format="trig")
    union = Graph()
    for graph in dataset.graphs():
        if str(graph.identifier).startswith((BASE + "graph/ontology/", BASE + "graph/data/")):
            union += graph
    union.remove((None, OWL.imports, None))
    return union


@pytest.fixture(scope="module")
def reasoned(knowledge, tmp_path_factory):
    path = tmp_path_factory.mktemp("owl") / "bpograph.owl"
    knowledge.serialize(path, format="xml")
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load()

    def ancestors():
        return {c.iri: {a.iri for a in c.ancestors() if isinstance(a, owlready2.ThingClass) and a.iri.startswith(BASE)}
                for c in world.classes() if c.iri.startswith(BASE)}

    asserted = ancestors()
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)  # raises if inconsistent
    return world, asserted, ancestors()


def test_hermit_accepts_the_ontology_and_finds_it_consistent(reasoned):
    world, asserted, _ = reasoned
    assert len(asserted) > 40


def test_no_class_is_unsatisfiable(reasoned):
    world, _, _ = reasoned
    assert list(world.inconsistent_classes()) == []


def test_the_inferred_class_hierarchy_is_the_asserted_one(reasoned):
    _, asserted, inferred = reasoned
    gained = {c: sorted(inferred[c] - asserted[c]) for c in asserted if inferred.get(c, set()) != asserted[c]}
    assert gained == {}


def test_the_rdfs_closure_makes_no_class_an_instance_of_itself(knowledge):
    closure = Graph()
    closure += knowledge
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(closure)
    classes = set(knowledge.subjects(RDF.type, OWL.Class)) | set(knowledge.subjects(RDF.type, RDFS.Class))
    selves = sorted(str(c) for c in classes if isinstance(c, URIRef) and (c, RDF.type, c) in closure)
    assert selves == []
