"""What every backend speaks: the requests the layers above send (a query with its dataset and
bindings, an update, a dump), the answer they get back as plain data (status, bytes, media
type, so that it can cross a process boundary), what a server knows of the store it serves
(:class:`StoreInfo`), and the :class:`Backend` interface itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class QueryRequest:
    """One query with its protocol dataset and the negotiated result media types."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    tabular: str | None = "application/sparql-results+json"
    graph: str | None = "text/turtle"
    max_rows: int = 10_000
    base_iri: str | None = None
    query_has_dataset: bool = False
    """The query has its own FROM / FROM NAMED, which then decides the dataset."""
    bindings: tuple[tuple[str, str], ...] = ()
    """(variable, IRI) pairs bound before evaluation (SEP-0007 substitutions): how bpograph's own
    queries take parameters, never by pasting text into SPARQL."""


@dataclass(frozen=True)
class UpdateRequest:
    """One SPARQL update (only on a server started with updates allowed)."""

    update: str
    base_iri: str | None = None


@dataclass(frozen=True)
class DumpRequest:
    """The whole store in one RDF format: named graphs kept in dataset formats (TriG, N-Quads,
    JSON-LD), the union of all graphs in triple formats (Turtle). No row cap applies."""

    media_type: str


Request = QueryRequest | UpdateRequest | DumpRequest


@dataclass
class Answer:
    """The outcome: a body to send, or an error ``status`` with a ``message`` for the user."""

    status: int
    body: bytes = b""
    media_type: str = "text/plain; charset=utf-8"
    truncated: bool = False
    rows: int = 0
    kind: str = ""
    """'tabular' or 'graph': which kind of result the query produced."""
    message: str = ""


@dataclass
class StoreInfo:
    """What the server needs to know about the store it serves."""

    path: Path | None
    """The embedded store's folder (None for a remote store)."""
    version: str
    """Changes exactly when the served data does (ETags)."""
    built: datetime
    graphs: dict[str, int] = field(default_factory=dict)
    """Triples per named graph IRI (the default graph under the key '')."""
    classes: int = 0
    properties: int = 0
    linksets: dict[tuple[str, str], int] = field(default_factory=dict)
    """(link predicate, target namespace) -> number of links from the data to that namespace."""
    temporary: bool = True
    union_triples: int | None = None
    """Triples in the union of all graphs (what ``COUNT(*)`` over ``{ ?s ?p ?o }`` answers)."""

    def close(self) -> None:
        """Remove the store folder if bpograph created it."""
        if self.temporary and self.path is not None:
            import shutil

            shutil.rmtree(self.path, ignore_errors=True)


class Backend(Protocol):
    """What the layers above need from a store: answer one request within a time limit.

    Implemented by :class:`~bpograph.backends.oxigraph.workers.QueryPool` and
    :class:`~bpograph.backends.oxigraph.runner.ThreadRunner` over the embedded Oxigraph store,
    and by :class:`~bpograph.backends.remote.backend.RemoteBackend` over any SPARQL 1.1 endpoint.
    A backend never raises for a bad request: the answer's status and message say what was wrong
    (4xx), that the store is slow or down (503, 502), or that the time limit stopped it (503).
    """

    def run(self, request: Request, timeout: float) -> Answer: ...

    def close(self) -> None: ...
