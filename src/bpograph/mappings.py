"""bpograph's links to other vocabularies as a mapping set: SSSOM TSV (with its YAML metadata
block) or RDF. The single source of truth is the alignments module; nothing here adds a link."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from .namespaces import BPO, MAPPING_PREDICATES, bind_prefixes

MAPPING_SET_ID = "https://w3id.org/bpograph/mappings/bpograph.sssom.tsv"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
#: Prefixes of the SSSOM curie_map: bpograph's and every external namespace the mappings use.
CURIE_MAP = {
    "bpo": str(BPO._NS),
    "dbr": "http://dbpedia.org/resource/",
    "wd": "http://www.wikidata.org/entity/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "gist": "https://w3id.org/semanticarts/ns/ontology/gist/",
    "cmns-org": "https://www.omg.org/spec/Commons/Organizations/",
    "cmns-sfc": "https://www.omg.org/spec/Commons/SitesAndFacilities/",
    "fibo-fnd-pas-pas": "https://spec.edmcouncil.org/fibo/ontology/FND/ProductsAndServices/ProductsAndServices/",
}
BUILT_IN = {"skos": str(SKOS), "owl": str(OWL), "rdfs": str(RDFS)}
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification", "mapping_date", "comment")


@dataclass(frozen=True)
class Mapping:
    subject: URIRef
    predicate: URIRef
    target: URIRef
    subject_label: str


def _curie(iri: str) -> str:
    for prefix, namespace in {**CURIE_MAP, **BUILT_IN}.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    raise ValueError(f"no prefix in the curie_map for <{iri}>")


def mappings(graph: Graph) -> list[Mapping]:
    """Every link from a bpograph term to a term outside bpograph, sorted."""
    found = []
    for predicate in MAPPING_PREDICATES:
        for subject, target in graph.subject_objects(predicate):
            if str(subject).startswith(str(BPO._NS)) and isinstance(target, URIRef) and not str(target).startswith(str(BPO._NS)):
                labels = {o.language: str(o) for o in graph.objects(subject, SKOS.prefLabel)}
                found.append(Mapping(subject, predicate, target, labels.get("en", "")))
    return sorted(found, key=lambda m: (str(m.subject), str(m.predicate), str(m.target)))


def as_sssom(graph: Graph, evidence: dict[str, str], date: str) -> str:
    """The mapping set as SSSOM TSV: a '#'-prefixed YAML metadata block, then one row per mapping."""
    metadata = {
        "curie_map": CURIE_MAP,
        "mapping_set_id": MAPPING_SET_ID,
        "mapping_set_title": "bpograph mappings to other business vocabularies",
        "license": LICENCE,
        "mapping_date": date,
        "creator_label": ["bpograph contributors"],
    }
    header = "".join(f"#{line}\n" for line in yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True).splitlines())
    table = io.StringIO()
    writer = csv.writer(table, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for m in mappings(graph):
        checked = evidence.get(str(m.target))
        comment = f"target checked: {checked}" if checked else "target is a term of a W3C standard vocabulary"
        writer.writerow([_curie(str(m.subject)), m.subject_label, _curie(str(m.predicate)), _curie(str(m.target)),
                         "semapv:ManualMappingCuration", date, comment])
    return header + table.getvalue()


def as_rdf(graph: Graph, fmt: str) -> bytes:
    """The mapping triples themselves, in an RDF format ('turtle' or 'json-ld')."""
    out = Graph()
    bind_prefixes(out)
    for m in mappings(graph):
        out.add((m.subject, m.predicate, m.target))
    return out.serialize(format=fmt, encoding="utf-8")


def evidence() -> dict[str, str]:
    """External IRI -> where it was checked, from ontology/external-iris.tsv."""
    from .dataset import resource_root

    lines = (resource_root() / "ontology" / "external-iris.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t", 1) for line in lines if line and not line.startswith("#")][1:]
    return dict(rows)


def mapping_date(graph: Graph) -> str:
    """The date of the mappings: when the alignments module was last modified."""
    from rdflib.namespace import DCTERMS

    from .namespaces import MODULE

    return str(graph.value(MODULE.alignments, DCTERMS.modified))
