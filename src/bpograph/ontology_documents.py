"""Ontology documents: what an ontology IRI (or its version IRI) returns to an OWL tool.

An OWL tool that opens an ontology from its IRI (Protégé's "open from URL", owlready2, any tool
that follows ``owl:imports``) expects the ontology document: every triple of the module, not a
description of the IRI. bpograph serves the module's named graph together with the graphs of
every module it imports, directly or not, so that one fetch gives the whole ontology. The
document keeps its own header (with its ``owl:imports``: a tool that follows them finds the same
triples again) and leaves out the headers of the modules it merged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Select = Callable[..., list[dict[str, dict]]]

MODULES = """
SELECT ?ontology ?graph ?version ?imports WHERE {
  GRAPH ?graph { ?ontology a <http://www.w3.org/2002/07/owl#Ontology> .
    OPTIONAL { ?ontology <http://www.w3.org/2002/07/owl#versionIRI> ?version }
    OPTIONAL { ?ontology <http://www.w3.org/2002/07/owl#imports> ?imports } }
  FILTER(isIRI(?ontology))
}"""


@dataclass
class Module:
    iri: str
    graphs: set[str] = field(default_factory=set)
    versions: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class OntologyIndex:
    """The ontologies the store declares, by ontology IRI and by version IRI."""

    modules: dict[str, Module]
    by_version: dict[str, str]

    @classmethod
    def build(cls, select: Select) -> OntologyIndex:
        modules: dict[str, Module] = {}
        for row in select(MODULES):
            module = modules.setdefault(row["ontology"]["value"], Module(row["ontology"]["value"]))
            module.graphs.add(row["graph"]["value"])
            if "version" in row and row["version"]["type"] == "uri":
                module.versions.add(row["version"]["value"])
            if "imports" in row and row["imports"]["type"] == "uri":
                module.imports.add(row["imports"]["value"])
        by_version = {version: m.iri for m in modules.values() for version in m.versions}
        return cls(modules, by_version)

    def ontology_of(self, iri: str) -> str | None:
        """The ontology IRI that ``iri`` names: itself, or the ontology it is a version of."""
        if iri in self.modules:
            return iri
        return self.by_version.get(iri)

    def closure(self, iri: str) -> list[str]:
        """``iri`` and every module it imports, directly or not, that the store holds (imports of
        other ontologies are left for the tool to fetch)."""
        seen: list[str] = []
        stack = [iri]
        while stack:
            current = stack.pop()
            if current in seen or current not in self.modules:
                continue
            seen.append(current)
            stack.extend(sorted(self.modules[current].imports))
        return seen

    def graphs(self, modules: list[str]) -> list[str]:
        return sorted({graph for module in modules for graph in self.modules[module].graphs})


def document_query(ontology: str, graphs: list[str], others: list[str]) -> str:
    """A CONSTRUCT of every triple in ``graphs`` except the headers of the ``other`` ontologies
    (an OWL parser takes a document with several ontology headers for several ontologies, and
    owlready2 names the whole document after one of them). IRIs that came from the store hold
    no character an IRIREF forbids."""
    values = " ".join(f"<{graph}>" for graph in graphs)
    headers = ", ".join(f"<{other}>" for other in others if other != ontology)
    keep = f"FILTER(?s NOT IN ({headers}))" if headers else ""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} {keep} }}"
