"""Serialises the whole shipped dataset in a named RDF format, through rdflib's serializers."""

from __future__ import annotations

from rdflib import Dataset, Graph

from .formats import RDF_SYNTAXES
from .namespaces import bind_prefixes

#: Export format name -> (rdflib serializer, keeps named graphs), from the formats registry.
EXPORT_FORMATS: dict[str, tuple[str, bool]] = {s.name: (s.rdflib, s.keeps_graphs) for s in RDF_SYNTAXES}


def serialize_dataset(dataset: Dataset, fmt: str) -> bytes:
    """The dataset in ``fmt``. Quad formats keep one graph per file; triple formats get the union.

    :raise KeyError: ``fmt`` is not in :data:`EXPORT_FORMATS`.
    """
    serializer, quads = EXPORT_FORMATS[fmt]
    if quads:
        return dataset.serialize(format=serializer, encoding="utf-8")
    union = Graph()
    bind_prefixes(union)
    union += dataset.triples((None, None, None))
    return union.serialize(format=serializer, encoding="utf-8")
