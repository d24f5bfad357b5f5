"""The shapes pass on the shipped graph and each one fails on its own broken fixture."""

from pathlib import Path

import pytest
from pyshacl.entrypoints import meta_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from bpograph.dataset import load_graph
from bpograph.namespaces import BPO
from bpograph.validate import validate_files, validate_graph, validate_shipped

FIXTURES = Path(__file__).parents[1] / "data" / "shapes"
SHAPES_NS = "https://w3id.org/bpograph/shapes/"

# Object properties deliberately have no declared inverse (OOPS! P13, Minor): an inverse per
# property doubles the vocabulary and SPARQL's ^path already reads every link backwards.
DOCUMENTED_INFOS = {
    ("P13", BPO[name])
    for name in (
        "callDirection", "client", "deliveryModel", "governedBy", "hasEntry", "hasRow", "hasSite",
        "followsStandard", "industryClassification", "involvesClaim", "offersChannel", "operatedBy", "operatingModel",
        "outsourcedActivity", "provider", "tracksMetric",
    )
}


@pytest.fixture(scope="module")
def shipped_report():
    return validate_shipped()


def node_shapes(shapes: Graph) -> list[URIRef]:
    return sorted(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def test_the_shipped_graph_has_no_violations_and_no_warnings(shipped_report):
    bad = [r for r in shipped_report.results if r.severity in (SH.Violation, SH.Warning)]
    assert bad == [], "\n".join(f"{r.focus} {r.message}" for r in bad)
    assert shipped_report.conforms


def test_every_info_on_the_shipped_graph_is_a_documented_decision(shipped_report):
    infos = {
        (str(r.node_shape).removeprefix(SHAPES_NS), r.focus)
        for r in shipped_report.results
        if r.severity == SH.Info
    }
    assert infos == DOCUMENTED_INFOS


def test_every_node_shape_has_a_fixture(shapes):
    names = {str(s).removeprefix(SHAPES_NS) for s in node_shapes(shapes)}
    fixtures = {p.stem for p in FIXTURES.glob("*.ttl")}
    assert names == fixtures, f"shapes without fixture: {sorted(names - fixtures)}; stray fixtures: {sorted(fixtures - names)}"


def _fixture_header(path: Path) -> dict[str, str]:
    header = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(":")
        header[key.strip()] = value.strip()
    return header


@pytest.fixture(scope="module")
def fixtures_report():
    """One validation of every fixture together with the shipped graph.

    Each fixture names its own nodes (the fixture's name is part of every IRI it mints), so
    they cannot mask each other; validating them together keeps the suite fast. Fixtures marked
    '# mode: alone' test the graph as a whole (no ontology, no disjointness) and run by themselves.
    """
    together = [p for p in sorted(FIXTURES.glob("*.ttl")) if _fixture_header(p).get("mode") != "alone"]
    return validate_files(together)


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_each_shape_fails_on_its_fixture_with_its_message(fixture, shapes, fixtures_report):
    shape = URIRef(SHAPES_NS + fixture.stem)
    header = _fixture_header(fixture)
    assert "expect" in header, f"{fixture.name} needs an '# expect: <message>' line"
    fixture_graph = load_graph([fixture])
    if header.get("mode") == "alone":
        results = validate_graph(fixture_graph, shapes).results
    else:
        mentioned = {node for triple in fixture_graph for node in triple}
        results = [r for r in fixtures_report.results if r.focus in mentioned]
    produced = [r for r in results if r.node_shape == shape]
    assert produced, f"{fixture.name} did not trigger {shape}; results: {[r.message for r in results]}"
    assert any(header["expect"] in r.message for r in produced), [r.message for r in produced]
    expected_severity = shapes.value(shape, SH.severity) or SH.Violation
    assert {r.severity for r in produced} == {expected_severity}


def test_the_shapes_graph_is_valid_shacl(shapes):
    """Meta-SHACL: the shapes themselves conform to the SHACL-SHACL shapes, so they cannot rot."""
    conforms, _graph, text = meta_validate(shapes)
    assert conforms, text


def test_user_data_results_only_concern_the_users_nodes():
    report = validate_files([FIXTURES / "OrganisationShape.ttl"])
    assert {str(r.focus) for r in report.results} == {"http://example.org/OrganisationShape-nameless"}
