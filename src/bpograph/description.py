"""The SPARQL 1.1 Service Description of the endpoint and a VoID description of its dataset,
built as an rdflib graph (triple by triple, never as a string)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, XSD

from .config import Settings
from .formats import GRAPH, TABULAR
from .namespaces import SD, SPARQL_PREFIXES, VOID, bind_prefixes
from .backends.base import StoreInfo

FORMATS_NS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
    "application/trig": "TriG",
    "application/n-quads": "N-Quads",
}


def service_description(endpoint: str, store: StoreInfo, settings: Settings) -> Graph:
    """sd:Service for ``endpoint``, with its formats, features, limits and default dataset."""
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.update:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for media_type in dict.fromkeys(f.media_type for f in TABULAR + GRAPH):
        if media_type in _FORMAT_IRIS:
            graph.add((service, SD.resultFormat, URIRef(FORMATS_NS + _FORMAT_IRIS[media_type])))
    for prefix, namespace in SPARQL_PREFIXES.items():  # predeclared for every query (SHACL's vocabulary for it)
        declaration = BNode(f"prefix-{prefix}")
        graph.add((service, SH.declare, declaration))
        graph.add((declaration, SH.prefix, Literal(prefix)))
        graph.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    graph.add((service, RDFS.label, Literal("bpograph SPARQL endpoint", lang="en")))
    graph.add((service, RDFS.label, Literal("bpographi SPARQL-i päringupunkt", lang="et")))
    graph.add((service, RDFS.comment, Literal(
        ("SPARQL 1.1 query and update endpoint: updates need the operator's update key (Authorization: Bearer). "
         if settings.update else "Read-only SPARQL 1.1 query endpoint. ") +
        "Without default-graph-uri or named-graph-uri the default "
        f"graph is the union of all graphs. Each query may run at most {settings.timeout:g} s; the "
        "'timeout' request parameter (seconds, decimals allowed) can only lower that limit. At most "
        f"{settings.max_rows} rows or triples are returned; a cut result carries the response header "
        "X-Bpograph-Truncated: true. SERVICE is refused unless the operator allowlists the endpoint. "
        "The prefixes given with sh:declare are declared for every query; a query's own PREFIX wins.",
        lang="en",
    )))

    dataset = BNode("defaultDataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.modified, Literal(store.built.isoformat(), datatype=XSD.dateTime)))
    graph.add((dataset, DCTERMS.identifier, Literal(store.version)))
    graph.add((dataset, VOID.sparqlEndpoint, service))
    graph.add((dataset, VOID.triples, Literal(sum(store.graphs.values()))))
    graph.add((dataset, VOID.classes, Literal(store.classes)))
    graph.add((dataset, VOID.properties, Literal(store.properties)))
    for (predicate, namespace), links in sorted(store.linksets.items()):
        linkset = BNode()
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        graph.add((linkset, VOID.objectsTarget, URIRef(namespace)))
        graph.add((linkset, VOID.triples, Literal(links)))
    default_graph = BNode("defaultGraph")
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, Literal(sum(store.graphs.values()))))
    for name, triples in sorted(store.graphs.items()):
        if not name:
            continue
        named = BNode()
        described = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(triples)))
    return graph
