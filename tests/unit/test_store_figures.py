"""The figures a store keeps (triples per graph, distinct classes and properties, the union
count) are what the engine's own queries count, however the triples are spread over graphs."""

from __future__ import annotations

import pyoxigraph as ox

from bpograph.backends.oxigraph.store import _statistics

EX = "http://example.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def spread_store() -> ox.Store:
    store = ox.Store()
    graphs = [ox.DefaultGraph(), ox.NamedNode(EX + "g1"), ox.NamedNode(EX + "g2")]
    for i in range(60):
        graph = graphs[i % 3]
        subject = ox.NamedNode(f"{EX}s{i % 7}")
        store.add(ox.Quad(subject, ox.NamedNode(f"{EX}p{i % 5}"), ox.Literal(str(i % 11)), graph))
        store.add(ox.Quad(subject, RDF_TYPE, ox.NamedNode(f"{EX}C{i % 4}"), graph))
    store.add_graph(ox.NamedNode(EX + "empty"))
    return store


def one(store: ox.Store, query: str, **arguments) -> int:
    return int(next(iter(store.query(query, **arguments)))["n"].value)


def test_the_figures_are_what_the_engine_counts():
    store = spread_store()
    union = {"use_default_graph_as_union": True}
    figures = _statistics(store, "https://w3id.org/bpograph/")
    assert figures["properties"] == one(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }", **union) == 6
    assert figures["classes"] == one(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }", **union) == 4
    assert figures["union_triples"] == one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **union)
    for graph in ("g1", "g2"):
        assert figures["graphs"][EX + graph] == one(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EX}{graph}> {{ ?s ?p ?o }} }}")
    assert figures["graphs"][""] == one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert EX + "empty" not in figures["graphs"]  # a graph without triples has no count to state
