"""pyshacl-turbo serves as bpograph's SHACL engine only because it gives pySHACL's results: on
the shipped graph, on every shape fixture (each makes one shape fail), on the example data and on
a researcher's file, both engines report the same results, with the same messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph

from bpograph.validate import engine_name, validate_files, validate_shipped

ROOT = Path(__file__).parents[2]
FIXTURES = sorted((ROOT / "tests" / "data" / "shapes").glob("*.ttl"))


def comparable(report) -> set[tuple]:
    def name(node):  # blank nodes get new labels on every parse
        return "_:blank" if isinstance(node, BNode) else str(node)

    return {(name(r.focus), str(r.severity), r.message, name(r.path), name(r.value), name(r.node_shape)) for r in report.results}


def has_blank_nodes(path: Path) -> bool:
    return any(isinstance(node, BNode) for triple in Graph().parse(path) for node in triple)


def alone(path: Path) -> bool:
    return "# mode: alone" in path.read_text(encoding="utf-8")


def test_turbo_is_the_engine_here():
    assert engine_name("auto") == "turbo"


def test_the_shipped_graph():
    turbo, reference = validate_shipped("turbo"), validate_shipped("pyshacl")
    assert comparable(turbo) == comparable(reference) and len(turbo.results) == len(reference.results) > 0


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if not has_blank_nodes(f) and not alone(f)], ids=lambda p: p.stem)
def test_each_shape_fixture(fixture):
    turbo, reference = validate_files([fixture], engine="turbo"), validate_files([fixture], engine="pyshacl")
    assert comparable(turbo) == comparable(reference) != set()


def test_the_fixtures_with_blank_nodes_together():
    files = [f for f in FIXTURES if has_blank_nodes(f) and not alone(f)]
    assert files
    turbo, reference = validate_files(files, engine="turbo"), validate_files(files, engine="pyshacl")
    assert comparable(turbo) == comparable(reference) != set()


@pytest.mark.parametrize("path", [ROOT / "data" / "example.ttl", ROOT / "tests" / "data" / "vocab" / "researcher-data.ttl"],
                         ids=lambda p: p.name)
def test_data_files(path):
    assert comparable(validate_files([path], engine="turbo")) == comparable(validate_files([path], engine="pyshacl"))
