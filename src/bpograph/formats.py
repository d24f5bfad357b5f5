"""The one registry of formats (RDF syntaxes and query result formats: media type, ``format=``
names, suffixes), and content negotiation through werkzeug's Accept parsing. Each backend maps
these rows onto its own writers (:mod:`bpograph.backends.oxigraph.formats`); nothing here knows
a store."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class RdfSyntax:
    """One RDF syntax, everything bpograph needs to know of it in one row."""

    name: str
    """The ``format=`` name and the export name."""
    media_type: str
    rdflib: str
    """rdflib's parser and serializer name."""
    suffixes: tuple[str, ...]
    """File suffixes read as this syntax (the first is the one written)."""
    quads: bool
    """A dataset syntax (TriG, N-Quads): a file carries its own named graphs."""
    keeps_graphs: bool
    """An export in it keeps the named graphs (JSON-LD can, as well as the dataset syntaxes)."""
    page_suffix: str | None
    """The suffix of an entity page's data in it (``/def/CallCentre.ttl``), if pages offer it."""


#: The one registry of RDF syntaxes: the endpoint's graph formats, entity pages' representations,
#: the service description, files read by every command, the store loader and the exports read it.
RDF_SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", "text/turtle", "turtle", (".ttl", ".turtle"), False, False, ".ttl"),
    RdfSyntax("ntriples", "application/n-triples", "nt", (".nt", ".ntriples"), False, False, ".nt"),
    RdfSyntax("rdfxml", "application/rdf+xml", "xml", (".rdf", ".owl", ".xml"), False, False, ".rdf"),
    RdfSyntax("jsonld", "application/ld+json", "json-ld", (".jsonld", ".json"), False, True, ".jsonld"),
    RdfSyntax("trig", "application/trig", "trig", (".trig",), True, True, None),
    RdfSyntax("nquads", "application/n-quads", "nquads", (".nq",), True, True, None),
)
SYNTAX_BY_NAME = {s.name: s for s in RDF_SYNTAXES}
SYNTAX_BY_TYPE = {s.media_type: s for s in RDF_SYNTAXES}


@dataclass(frozen=True)
class ResultFormat:
    media_type: str
    name: str
    """The ``format=`` name: a result format's (json, xml, csv, tsv) or an RDF syntax's."""
    kind: str
    """'tabular' (SELECT and ASK results) or 'graph' (an RDF syntax)."""


# Order is the server's preference: the first is what "*/*" or no Accept header gets.
TABULAR = (
    ResultFormat("application/sparql-results+json", "json", "tabular"),
    ResultFormat("application/sparql-results+xml", "xml", "tabular"),
    ResultFormat("text/csv", "csv", "tabular"),
    ResultFormat("text/tab-separated-values", "tsv", "tabular"),
    ResultFormat("application/json", "json", "tabular"),
    ResultFormat("application/xml", "xml", "tabular"),
)
GRAPH = tuple(ResultFormat(s.media_type, s.name, "graph") for s in RDF_SYNTAXES) + (
    ResultFormat("text/plain", "ntriples", "graph"),  # what the W3C tests ask N-Triples as
)

#: ``bpograph query --format`` names -> the media type asked of the engine for a tabular answer
#: (None: the answer must be a graph) and for a graph answer. ``table`` is drawn from JSON results.
QUERY_OUTPUTS: dict[str, tuple[str | None, str]] = {
    "table": (TABULAR[0].media_type, SYNTAX_BY_NAME["turtle"].media_type),
    **{f.name: (f.media_type, SYNTAX_BY_NAME["turtle"].media_type) for f in TABULAR[:4]},
    "turtle": (None, SYNTAX_BY_NAME["turtle"].media_type),
}

#: Values of the ``format`` (or ``output``) request parameter -> (tabular, graph) media types.
FORMAT_ALIASES: dict[str, tuple[str | None, str | None]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "ntriples": (None, "application/n-triples"),
    "nt": (None, "application/n-triples"),
    "rdfxml": (None, "application/rdf+xml"),
    "rdf": (None, "application/rdf+xml"),
    "rdf+xml": (None, "application/rdf+xml"),  # SPARQLWrapper's RDFXML constant
    "jsonld": (None, "application/ld+json"),
    "json-ld": (None, "application/ld+json"),
    # N3 is a superset of Turtle: clients that ask for N3 (SPARQLWrapper does) read Turtle
    "n3": (None, "text/turtle"),
    "text/n3": (None, "text/turtle"),
    "trig": (None, "application/trig"),
    "nquads": (None, "application/n-quads"),
    "nq": (None, "application/n-quads"),
}
for _fmt in TABULAR + GRAPH:
    FORMAT_ALIASES.setdefault(_fmt.media_type, (_fmt.media_type, None) if _fmt in TABULAR else (None, _fmt.media_type))


def _by_type(formats: tuple[ResultFormat, ...]) -> dict[str, ResultFormat]:
    return {f.media_type: f for f in formats}


TABULAR_BY_TYPE = _by_type(TABULAR)
GRAPH_BY_TYPE = _by_type(GRAPH)


@dataclass(frozen=True)
class Preferences:
    """The negotiated answer for each kind of result; None means nothing acceptable was offered."""

    tabular: ResultFormat | None
    graph: ResultFormat | None


@lru_cache(maxsize=512)
def negotiate(accept_header: str | None, format_param: str | None = None) -> Preferences:
    """Pick a result format for tabular (SELECT/ASK) and graph (CONSTRUCT/DESCRIBE) answers.

    ``format_param`` overrides the Accept header. An absent or empty Accept header means "anything".
    Cached: clients send the same few Accept headers again and again, and parsing one costs
    more than a small query.

    :raise ValueError: ``format_param`` names no known format.
    """
    if format_param:
        key = format_param.strip().lower()
        if key not in FORMAT_ALIASES:
            raise ValueError(f"unknown format '{format_param}'; use one of {', '.join(sorted(FORMAT_ALIASES))}")
        tabular, graph = FORMAT_ALIASES[key]
        return Preferences(
            TABULAR_BY_TYPE.get(tabular) if tabular else None,
            GRAPH_BY_TYPE.get(graph) if graph else None,
        )
    if not accept_header or not accept_header.strip():
        return Preferences(TABULAR[0], GRAPH[0])
    accept = parse_accept_header(accept_header, MIMEAccept)
    tabular = accept.best_match([f.media_type for f in TABULAR])
    graph = accept.best_match([f.media_type for f in GRAPH])
    return Preferences(TABULAR_BY_TYPE.get(tabular), GRAPH_BY_TYPE.get(graph))


#: What each kind of result can be written as. A boolean (ASK) has no CSV or TSV form: the
#: SPARQL 1.1 CSV/TSV results format defines only solution sequences (section 1).
_OFFERED = {
    "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"),
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "graph": tuple(f.media_type for f in GRAPH if f.media_type != "text/plain"),
}
_FORM = {"tabular": "SELECT", "boolean": "ASK", "graph": "CONSTRUCT or DESCRIBE"}


def offered(kind: str) -> list[str]:
    """The media types offered for ``kind`` ('tabular', 'boolean' or 'graph')."""
    return list(_OFFERED[kind])


def not_acceptable_message(kind: str) -> str:
    """What a 406 says: which formats this kind of result has, by media type and format= name."""
    names = {f.media_type: f.name for f in TABULAR + GRAPH}
    listed = ", ".join(f"{t} (format={names[t]})" for t in _OFFERED[kind])
    return f"no format asked for can carry a {_FORM[kind]} result; it can be written as {listed}"
