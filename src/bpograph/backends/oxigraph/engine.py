"""Runs one SPARQL query against an Oxigraph store and serialises the answer (no web, no processes).

The answer is plain data (status, bytes, media type) so that it can cross a process boundary.
"""

from __future__ import annotations

import pyoxigraph as ox

from ...formats import GRAPH_BY_TYPE, TABULAR_BY_TYPE
from ...namespaces import SPARQL_PREFIXES
from ...syntax_errors import describe
from ..base import Answer, DumpRequest, QueryRequest, UpdateRequest
from .formats import writer
from .plans import Facts, rewrite

MAX_MESSAGE = 400


def _dataset_arguments(request: QueryRequest) -> dict:
    """Protocol dataset (default-graph-uri / named-graph-uri) -> Oxigraph query arguments.

    With neither, the default graph is the union of all graphs (bpograph's documented default),
    and a query's own FROM / FROM NAMED still decide when present. With either, the dataset
    holds exactly the graphs named (SPARQL 1.1 Protocol, 2.1.4).
    """
    if not request.default_graphs and not request.named_graphs:
        return {} if request.query_has_dataset else {"use_default_graph_as_union": True}
    return {
        "default_graph": [ox.NamedNode(g) for g in request.default_graphs],
        "named_graphs": [ox.NamedNode(g) for g in request.named_graphs],
    }


def execute_update(store: ox.Store, request: UpdateRequest) -> Answer:
    """Apply ``request`` to ``store``: 204 on success, 400 with the reason otherwise."""
    try:
        store.update(request.update, base_iri=request.base_iri, prefixes=SPARQL_PREFIXES)
    except SyntaxError as exc:
        return Answer(400, message=describe(str(exc), request.update, "SPARQL update", SPARQL_PREFIXES))
    except (OSError, ValueError, RuntimeError) as exc:
        return Answer(400, message=f"the update could not be applied: {_first_line(exc)}")
    return Answer(204)


def dump(store: ox.Store, request: DumpRequest) -> Answer:
    fmt = GRAPH_BY_TYPE[request.media_type]
    if writer(fmt).supports_datasets:
        return Answer(200, body=store.dump(format=writer(fmt)), media_type=fmt.media_type)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)}
    return Answer(200, body=ox.serialize(triples, format=writer(fmt)), media_type=fmt.media_type)


def execute(store: ox.Store, request: QueryRequest | UpdateRequest | DumpRequest, facts: Facts | None = None) -> Answer:
    """Run ``request`` on ``store`` and return the serialised answer or a 4xx answer.

    :param facts: what the store knows about itself, for the equivalent faster plans of
        :mod:`~bpograph.backends.oxigraph.plans` (none without it).
    """
    if isinstance(request, UpdateRequest):
        return execute_update(store, request)
    if isinstance(request, DumpRequest):
        return dump(store, request)
    try:
        arguments = _dataset_arguments(request)
    except ValueError as exc:
        return Answer(400, message=f"default-graph-uri and named-graph-uri must be IRIs: {_first_line(exc)}")
    try:
        if request.bindings:
            arguments["substitutions"] = {ox.Variable(name): ox.NamedNode(iri) for name, iri in request.bindings}
    except ValueError as exc:
        return Answer(400, message=f"not an IRI: {_first_line(exc)}")
    try:
        result = _query(store, request, arguments, facts)
    except SyntaxError as exc:
        return Answer(400, message=describe(str(exc), request.query, declared=SPARQL_PREFIXES))
    except (OSError, ValueError, RuntimeError) as exc:
        return Answer(400, message=f"the query could not be evaluated: {_first_line(exc)}")
    try:
        if isinstance(result, ox.QueryBoolean):
            return _boolean(result, request)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, request)
        return _triples(result, request)
    except (OSError, ValueError, RuntimeError) as exc:
        # evaluation is lazy: errors may surface while iterating (a SERVICE answer that is not
        # SPARQL results, a type error the engine does not forgive)
        return Answer(400, message=f"the query could not be evaluated: {_first_line(exc)}")


def _query(store: ox.Store, request: QueryRequest, arguments: dict, facts: Facts | None):
    """The query's result, through an equivalent faster plan where one applies (a rewritten text
    the engine refuses falls back to the text as sent, whose error is the one to report)."""
    if facts is not None and not request.bindings:
        better = rewrite(request.query, facts, union_default="use_default_graph_as_union" in arguments)
        if better is not None:
            try:
                return store.query(better, base_iri=request.base_iri, prefixes=SPARQL_PREFIXES, **arguments)
            except SyntaxError:
                pass
    return store.query(request.query, base_iri=request.base_iri, prefixes=SPARQL_PREFIXES, **arguments)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


def _not_acceptable(kind: str) -> Answer:
    return Answer(406, kind=kind, message="no acceptable media type for this kind of result")


class _Enough(Exception):
    """Stops an Oxigraph writer once the row cap is passed."""


class _LineCap:
    """A binary write target for Oxigraph's line-based writers (TSV results, N-Triples) that keeps
    ``skip`` header lines and the first ``limit`` lines after them, and stops the writer as soon as
    it is known that there are more.

    Oxigraph writes in chunks of about 8 KB, so a result is capped in Rust without handing each
    row to Python (each row would release and retake the GIL: slow under concurrency).
    """

    def __init__(self, limit: int, skip: int = 0) -> None:
        self.keep = limit + skip
        self.chunks: list[bytes] = []
        self.lines = 0

    def write(self, data) -> int:
        data = bytes(data)
        self.chunks.append(data)
        self.lines += data.count(b"\n")
        if self.lines > self.keep:
            raise _Enough
        return len(data)

    def flush(self) -> None:
        pass

    def kept(self) -> tuple[bytes, bool]:
        """The text up to the cap, and whether lines were cut."""
        text = b"".join(self.chunks)
        if self.lines <= self.keep:
            return text, False
        end = -1
        for _ in range(self.keep):
            end = text.index(b"\n", end + 1)
        return text[: end + 1], True


def _capped(result, limit: int, skip: int, fmt) -> tuple[bytes, bool]:
    cap = _LineCap(limit, skip)
    try:
        result.serialize(cap, format=fmt)
    except _Enough:
        pass
    return cap.kept()


def _boolean(result: ox.QueryBoolean, request: QueryRequest) -> Answer:
    fmt = TABULAR_BY_TYPE.get(request.tabular) if request.tabular else None
    if fmt is None or fmt.name in ("csv", "tsv"):
        # CSV/TSV have no boolean form (SPARQL 1.1 CSV/TSV results, section 1)
        return _not_acceptable("boolean")
    return Answer(200, body=result.serialize(format=writer(fmt)), media_type=fmt.media_type, rows=1, kind="tabular")


def _solutions(result: ox.QuerySolutions, request: QueryRequest) -> Answer:
    fmt = TABULAR_BY_TYPE.get(request.tabular) if request.tabular else None
    if fmt is None:
        return _not_acceptable("tabular")
    # TSV is lossless (terms in Turtle syntax, one row per line): cap it, then let Oxigraph
    # rewrite it in the format asked for.
    tsv, truncated = _capped(result, request.max_rows, 1, ox.QueryResultsFormat.TSV)
    rows = tsv.count(b"\n") - 1
    body = tsv if writer(fmt) == ox.QueryResultsFormat.TSV else (
        ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=writer(fmt)))
    return Answer(200, body=body, media_type=fmt.media_type, truncated=truncated, rows=rows, kind="tabular")


def _triples(result: ox.QueryTriples, request: QueryRequest) -> Answer:
    fmt = GRAPH_BY_TYPE.get(request.graph) if request.graph else None
    if fmt is None:
        return _not_acceptable("graph")
    # N-Triples has one triple per line: cap it, then let Oxigraph rewrite it as asked.
    ntriples, truncated = _capped(result, request.max_rows, 0, ox.RdfFormat.N_TRIPLES)
    rows = ntriples.count(b"\n")
    if writer(fmt) == ox.RdfFormat.N_TRIPLES:
        body = ntriples
    elif rows:
        body = ox.serialize(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES), format=writer(fmt))
    else:
        body = _empty_graph(fmt)
    return Answer(200, body=body, media_type=fmt.media_type, truncated=truncated, rows=rows, kind="graph")


def _empty_graph(fmt) -> bytes:
    return ox.serialize([], format=writer(fmt)) or b""
