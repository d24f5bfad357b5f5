"""The view-model of the ontology documentation page (what pyLODE or Widoco would generate):
module metadata, classes, properties and individuals, each with its labels and definitions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .namespaces import BASE, sparql_prologue, with_base

MODULES = sparql_prologue() + """
SELECT ?module ?p ?value WHERE {
  ?module a owl:Ontology ; ?p ?value .
  FILTER(STRSTARTS(STR(?module), "https://w3id.org/bpograph/ontology"))
  FILTER(?p IN (dcterms:title, dcterms:description, owl:versionInfo, owl:versionIRI, dcterms:license, dcterms:creator,
                dcterms:modified, dcterms:bibliographicCitation, owl:imports, vann:preferredNamespaceUri, vann:preferredNamespacePrefix))
}"""

TERMS = sparql_prologue() + """
SELECT ?term ?kind ?labelEn ?labelEt ?definitionEn ?definitionEt ?domain ?range ?parent WHERE {
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
  ?term a ?kind ; rdfs:isDefinedBy ?module ; skos:prefLabel ?labelEn , ?labelEt .
  FILTER(LANG(?labelEn) = "en" && LANG(?labelEt) = "et")
  OPTIONAL { ?term skos:definition ?definitionEn FILTER(LANG(?definitionEn) = "en") }
  OPTIONAL { ?term skos:definition ?definitionEt FILTER(LANG(?definitionEt) = "et") }
  OPTIONAL { ?term rdfs:domain ?domain FILTER(isIRI(?domain)) }
  OPTIONAL { ?term rdfs:range ?range FILTER(isIRI(?range)) }
  OPTIONAL { ?term rdfs:subClassOf|rdfs:subPropertyOf ?parent FILTER(isIRI(?parent)) }
}"""

INDIVIDUALS = sparql_prologue() + """
SELECT ?type ?labelEn ?labelEt (COUNT(DISTINCT ?individual) AS ?n) WHERE {
  ?individual a ?type ; rdfs:isDefinedBy ?module .
  ?type a owl:Class ; skos:prefLabel ?labelEn , ?labelEt . FILTER(LANG(?labelEn) = "en" && LANG(?labelEt) = "et")
  FILTER NOT EXISTS { ?individual a owl:Class }
} GROUP BY ?type ?labelEn ?labelEt ORDER BY ?labelEn"""

KINDS = {
    "http://www.w3.org/2002/07/owl#Class": "classes",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "object properties",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "datatype properties",
    "http://www.w3.org/2002/07/owl#AnnotationProperty": "annotation properties",
}


@dataclass
class Term:
    iri: str
    label_en: str
    label_et: str
    definition: str = ""
    definition_et: str = ""
    domains: set[str] = field(default_factory=set)
    ranges: set[str] = field(default_factory=set)
    parents: set[str] = field(default_factory=set)


@dataclass
class Documentation:
    modules: dict[str, dict[str, list[str]]]
    """module IRI -> property local name -> values (literals with their language as 'text@lang')."""
    terms: dict[str, list[Term]]
    """'classes', 'object properties', ... -> terms sorted by English label."""
    individuals: list[tuple[str, dict[str, str], int]]
    """(class IRI, its labels by language, number of individuals)."""


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def document(select: Callable[[str, dict], list[dict]], base: str = BASE) -> Documentation:
    modules: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in select(with_base(MODULES, base), {}):
        value = row["value"]
        text = value["value"] + (f"@{value['xml:lang']}" if "xml:lang" in value else "")
        modules[row["module"]["value"]][_local(row["p"]["value"])].append(text)
    terms: dict[str, dict[str, Term]] = defaultdict(dict)
    for row in select(TERMS, {}):
        group = KINDS[row["kind"]["value"]]
        term = terms[group].setdefault(row["term"]["value"], Term(row["term"]["value"], row["labelEn"]["value"], row["labelEt"]["value"],
                                                                  row.get("definitionEn", {}).get("value", ""),
                                                                  row.get("definitionEt", {}).get("value", "")))
        for name, target in (("domain", term.domains), ("range", term.ranges), ("parent", term.parents)):
            if name in row:
                target.add(row[name]["value"])
    individuals = [(r["type"]["value"], {"en": r["labelEn"]["value"], "et": r["labelEt"]["value"]}, int(r["n"]["value"]))
                   for r in select(INDIVIDUALS, {})]
    return Documentation(
        modules={m: {p: sorted(values) for p, values in v.items()} for m, v in sorted(modules.items())},
        # in KINDS order, and sorted within: the page must not follow the store's row order
        terms={k: sorted(terms[k].values(), key=lambda t: (t.label_en.lower(), t.iri)) for k in KINDS.values() if k in terms},
        individuals=sorted(individuals, key=lambda i: (i[1]['en'].lower(), i[0])),
    )
