"""Loading files into a Dataset: one graph per file, and errors that name the file and line."""

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from bpograph.dataset import load_graph, load_shipped, parse_into, shipped_files, shipped_graph_name
from bpograph.errors import InputError
from bpograph.namespaces import GRAPH

BAD = Path(__file__).parents[1] / "data" / "bad"


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("unbound-prefix.ttl", 3, 'Prefix "bpo2:" not bound'),
        ("missing-object.nt", 2, "not a valid N-Triples statement"),
        ("mismatched-tag.rdf", 3, "mismatched tag"),
        ("missing-value.jsonld", 3, "Expecting value"),
        ("unclosed-graph.trig", 3, "EOF found after object (at the end of the file)"),  # the last line; the file has 3
        ("unterminated-literal.nq", 2, "not a valid N-Quads statement"),
        ("latin1.ttl", None, ""),
    ],
)
def test_a_broken_file_is_reported_with_its_line(name, line, words):
    with pytest.raises(InputError) as caught:
        load_graph([BAD / name])
    error = caught.value
    assert error.path.endswith(name)
    assert error.line == line
    assert words in error.reason
    assert str(error).startswith(str(BAD / name))


def test_an_unknown_file_type_is_refused_by_name():
    with pytest.raises(InputError, match=r"unknown RDF file type '\.csv'"):
        load_graph([BAD / "table.csv"])


def test_a_missing_file_is_reported_without_a_traceback_type():
    with pytest.raises(InputError, match="No such file"):
        load_graph([BAD / "does-not-exist.ttl"])


def test_a_failed_parse_adds_nothing_to_the_target():
    target = Graph()
    target.add((URIRef("http://example.org/kept"), URIRef("http://example.org/p"), Literal(1)))
    with pytest.raises(InputError):
        # the first two lines of this file are valid: they must not leak into the target
        parse_into(target, BAD / "unbound-prefix.ttl")
    assert len(target) == 1


def test_each_shipped_file_becomes_its_own_named_graph(shipped):
    names = {g.identifier for g in shipped.graphs()}
    for folder in ("ontology", "data", "shapes"):
        for path in shipped_files(folder):
            name = shipped_graph_name(path)
            assert name == GRAPH[f"{folder}/{path.stem}"]
            assert name in names
            assert len(shipped.graph(name)) > 0


def test_the_default_graph_is_the_union_of_the_named_graphs():
    dataset = load_shipped(include_shapes=False)
    total = sum(len(g) for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier)
    union = set(dataset.triples((None, None, None)))
    assert 0 < len(union) <= total
    assert (URIRef(GRAPH["ontology/core"]) in {g.identifier for g in dataset.graphs()})
