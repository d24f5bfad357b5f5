"""Which shapes target which nodes, worked out by Oxigraph's SPARQL engine.

Validating a researcher's small file means validating it together with the whole shipped graph,
and pySHACL would then find the targets of every shape over all of it with rdflib's SPARQL
engine: seconds, nearly all spent finding shipped terms whose results are thrown away. Here the
targets of every shape are found in an Oxigraph copy of the same graph (milliseconds), kept only
where they are nodes of the user's files, and pySHACL then checks just those nodes against just
the shapes that target them (:func:`bpograph.validate.validate_files`). A test compares the
outcome with pySHACL's own full run on every test file.

Covered: ``sh:targetClass`` (with ``rdfs:subClassOf*``), implicit class targets, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and SPARQL-based targets (``sh:SPARQLTarget``).
Anything else (a custom target type, a blank-node shape with targets) raises
:class:`Unsupported`, and the caller validates in full; so does a file with blank nodes, whose
labels an Oxigraph copy does not keep.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


class Unsupported(Exception):
    """The shapes use a kind of target this module does not evaluate."""


def oxigraph_copy(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node | None:
    """The rdflib term of a target found; only IRIs can be the nodes of a user's file asked about
    (the caller validates files with blank nodes in full, and no shape here targets literals)."""
    return URIRef(node.value) if isinstance(node, ox.NamedNode) else None


def _iri(node: Node) -> str:
    if not isinstance(node, URIRef):
        raise Unsupported(f"a target given by a {type(node).__name__}")
    return f"<{node}>"


def _prefixes(shapes: Graph, target: Node) -> str:
    lines = []
    for holder in shapes.objects(target, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines) + "\n"


def targeted(shapes: Graph, store: ox.Store, among: set[URIRef]) -> dict[URIRef, set[URIRef]]:
    """For each shape that targets any IRI of ``among``: those IRIs.

    :raise Unsupported: a shape has a target this module does not evaluate.
    """
    def select(query: str) -> set[Node]:
        return {_term(row["this"]) for row in store.query(query) if row["this"] is not None} & among

    found: dict[URIRef, set[Node]] = {}
    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    shape_nodes |= {s for predicate in TARGETS for s in shapes.subjects(predicate, None)}
    for shape in shape_nodes:
        nodes: set[Node] = set()
        classes = list(shapes.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
            classes.append(shape)  # an implicit class target
        for cls in classes:
            nodes |= select(f"SELECT DISTINCT ?this WHERE {{ ?this a/<{RDFS.subClassOf}>* {_iri(cls)} }}")
        nodes |= set(shapes.objects(shape, SH.targetNode)) & among
        for predicate in shapes.objects(shape, SH.targetSubjectsOf):
            nodes |= select(f"SELECT DISTINCT ?this WHERE {{ ?this {_iri(predicate)} ?o }}")
        for predicate in shapes.objects(shape, SH.targetObjectsOf):
            nodes |= select(f"SELECT DISTINCT ?this WHERE {{ ?s {_iri(predicate)} ?this }}")
        for target in shapes.objects(shape, SH.target):
            text = shapes.value(target, SH.select)
            if (target, RDF.type, SH.SPARQLTarget) not in shapes or text is None:
                raise Unsupported(f"the target of {shape} is not a SPARQL-based target")
            try:
                nodes |= select(_prefixes(shapes, target) + str(text))
            except SyntaxError as exc:  # Oxigraph reads it otherwise than rdflib would: let pySHACL decide
                raise Unsupported(f"the target of {shape} does not parse in Oxigraph: {exc}") from None
        if not nodes:
            continue
        if shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        if not isinstance(shape, URIRef):
            raise Unsupported("a blank-node shape has targets")
        found[shape] = nodes
    return found
