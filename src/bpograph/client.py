"""Runs a SPARQL query for the command line: against the embedded store or any SPARQL endpoint
(through SPARQLWrapper), and returns the answer as a text table, CSV, TSV, JSON or Turtle."""

from __future__ import annotations

import json
import shutil
import urllib.error

from .errors import BpographError
from .formats import QUERY_OUTPUTS
from .namespaces import compact

#: ``bpograph query --format`` names, from the formats registry.
QUERY_FORMATS = tuple(QUERY_OUTPUTS)


class ClientError(BpographError):
    """The query could not be answered; ``bad_query`` says whether the query itself was at fault."""

    def __init__(self, message: str, bad_query: bool) -> None:
        super().__init__(message)
        self.bad_query = bad_query


def run_embedded(query: str, fmt: str) -> bytes:
    """Answer ``query`` from the shipped graph, in process (default graph: union of all graphs).

    :raise ClientError: the query is not valid SPARQL or cannot be evaluated.
    """
    from .backends.oxigraph.store import build_store
    from .backends.oxigraph.workers import QueryPool
    from .config import Settings

    request = _request(query, fmt)
    settings = Settings()
    info = build_store(settings)
    try:
        # one query worker process: it can open no network socket, and the time limit stops it
        pool = QueryPool(info.path, 1)
        try:
            answer = pool.run(request, settings.timeout)
        finally:
            pool.close()
    finally:
        info.close()
    return _body(answer, fmt, store_fails=False)


def run_backend(url: str, query: str, fmt: str) -> bytes:
    """Answer ``query`` from the remote store at ``url`` through bpograph's remote backend: the
    same checks, dataset and prefixes as ``bpograph serve --backend``.

    :raise ClientError: the query is refused or not valid SPARQL (bad_query), or the store
        cannot be used.
    """
    from .backends import open_remote
    from .config import Settings
    from .errors import InputError

    request = _request(query, fmt)
    try:
        _, backend = open_remote(url)
    except InputError as exc:
        raise ClientError(f"cannot use {exc}", bad_query=False) from None
    try:
        answer = backend.run(request, Settings().timeout)
    finally:
        backend.close()
    return _body(answer, fmt, store_fails=True)


def _request(query: str, fmt: str):
    """The request for ``query`` in ``fmt``, once the query guard let it through.

    :raise ClientError: the guard refused it.
    """
    from .backends.base import QueryRequest
    from .safety.query_guard import Refused, check_query

    try:
        checked = check_query(query)
    except Refused as exc:
        raise ClientError(exc.message, bad_query=True) from None
    tabular, graph = QUERY_OUTPUTS[fmt]
    return QueryRequest(query, tabular=tabular, graph=graph, max_rows=1_000_000, query_has_dataset=checked.has_from)


def _body(answer, fmt: str, store_fails: bool) -> bytes:
    """The answer rendered in ``fmt``.

    :param store_fails: a 5xx is the store's failure, not the query's (a remote store).
    :raise ClientError: the answer is an error.
    """
    if answer.status == 406:
        raise ClientError(f"this query's result cannot be written as {fmt}", bad_query=True)
    if answer.status != 200:
        raise ClientError(answer.message, bad_query=not store_fails or 400 <= answer.status < 500)
    return _render(answer.body, fmt)


def run_remote(endpoint: str, query: str, fmt: str, timeout: float = 60) -> bytes:
    """Answer ``query`` at ``endpoint`` with SPARQLWrapper.

    :raise ClientError: the endpoint refused the query (bad_query) or could not be reached.
    """
    from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery(query)
    client.setTimeout(int(timeout))
    client.setReturnFormat({"table": JSON, "json": JSON, "xml": XML, "csv": CSV, "tsv": TSV, "turtle": TURTLE}[fmt])
    try:
        body = client.query().response.read()
    except SPARQLWrapperException as exc:
        raise ClientError(f"{endpoint} refused the query: {_reason(exc)}", bad_query=True) from None
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()
        raise ClientError(f"{endpoint} answered {exc.code}: {detail or exc.reason}", bad_query=400 <= exc.code < 500) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ClientError(f"cannot reach {endpoint}: {reason}", bad_query=False) from None
    return _render(body, fmt)


def _reason(exc: Exception) -> str:
    text = str(exc)
    marker = "Response:\n"
    return " ".join(text.split(marker, 1)[1].strip().strip("b'\"").split()) if marker in text else text.splitlines()[0]


def _render(body: bytes, fmt: str) -> bytes:
    if fmt != "table":
        return body
    document = json.loads(body)
    if "boolean" in document:
        return (("true" if document["boolean"] else "false") + "\n").encode()
    columns = document["head"]["vars"]
    rows = [[_cell(binding.get(c)) for c in columns] for binding in document["results"]["bindings"]]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    room = shutil.get_terminal_size((120, 20)).columns - 3 * (len(columns) - 1)
    while sum(widths) > room and max(widths) > 12:  # narrow the widest column, one character at a time
        widest = widths.index(max(widths))
        widths[widest] -= 1

    def fit(value: str, width: int) -> str:  # a cut cell ends with "…", so no cut goes unseen
        return value.ljust(width) if len(value) <= width else value[: width - 1] + "…"

    def line(values):
        return " | ".join(fit(v, w) for v, w in zip(values, widths)).rstrip()

    out = [line(columns), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return ("\n".join(out) + "\n").encode("utf-8")


def _cell(term: dict | None) -> str:
    if term is None:
        return ""
    if term["type"] == "literal" and "xml:lang" in term:
        return f'{term["value"]}@{term["xml:lang"]}'
    if term["type"] == "uri":
        return compact(term["value"])
    return term["value"]
