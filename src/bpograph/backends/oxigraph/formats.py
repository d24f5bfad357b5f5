"""The format registry's rows as Oxigraph's readers and writers."""

from __future__ import annotations

import pyoxigraph as ox

from ...formats import ResultFormat

_RDF = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def rdf_format(name: str) -> ox.RdfFormat:
    """Oxigraph's format for the registry's RDF syntax ``name``.

    :raise KeyError: the registry has a syntax that this table lacks (a test walks the registry).
    """
    return _RDF[name]


def writer(fmt: ResultFormat) -> ox.RdfFormat | ox.QueryResultsFormat:
    """Oxigraph's writer for one of the registry's result formats."""
    return _RESULTS[fmt.name] if fmt.kind == "tabular" else _RDF[fmt.name]
