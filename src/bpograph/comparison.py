"""The view-model of the comparison pages: the source's table and its main differences, read from
the graph (rows, their order, each cell's Estonian text, English reading and claim)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .namespaces import sparql_prologue

ROWS = sparql_prologue() + """
SELECT ?this ?row ?order ?rowEn ?rowEt ?kind ?kindEn ?kindEt ?textEn ?textEt ?claim ?notation WHERE {
  ?this bpo:hasRow ?row .
  ?row bpo:order ?order ; bpo:hasEntry ?entry ; skos:prefLabel ?rowEn , ?rowEt .
  FILTER(LANG(?rowEn) = "en" && LANG(?rowEt) = "et")
  ?entry bpo:entryFor ?kind ; bpo:entryText ?textEn , ?textEt ; dcterms:source ?claim .
  FILTER(LANG(?textEn) = "en" && LANG(?textEt) = "et")
  ?kind skos:prefLabel ?kindEn , ?kindEt .
  FILTER(LANG(?kindEn) = "en" && LANG(?kindEt) = "et")
  ?claim skos:notation ?notation .
} ORDER BY ?order ?kindEn"""


@dataclass
class Cell:
    text_et: str
    text_en: str
    claim: str
    notation: str


@dataclass
class Row:
    iri: str
    order: int
    label_en: str
    label_et: str
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Comparison:
    iri: str
    kinds: list[tuple[str, str, str]]
    """(IRI, English label, Estonian label) of each compared kind: the columns."""
    rows: list[Row]


def read_comparison(select: Callable[[str, dict], list[dict]], iri: str) -> Comparison:
    """The comparison ``iri`` (e.g. bpo:ComparisonTable) as rows of cells, in the source's order."""
    kinds: dict[str, tuple[str, str, str]] = {}
    rows: dict[str, Row] = {}
    for r in select(ROWS, {"this": iri}):
        kind = r["kind"]["value"]
        kinds[kind] = (kind, r["kindEn"]["value"], r["kindEt"]["value"])
        row = rows.setdefault(r["row"]["value"], Row(r["row"]["value"], int(r["order"]["value"]), r["rowEn"]["value"], r["rowEt"]["value"]))
        row.cells[kind] = Cell(r["textEt"]["value"], r["textEn"]["value"], r["claim"]["value"], r["notation"]["value"])
    return Comparison(iri, sorted(kinds.values(), key=lambda k: k[1]), sorted(rows.values(), key=lambda row: row.order))
