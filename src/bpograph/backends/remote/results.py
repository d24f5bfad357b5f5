"""The remote store's answers, capped and rewritten in the format the client negotiated.

The store is always asked for the two formats that every SPARQL 1.1 store writes and that can be
capped without a full parse: SPARQL JSON results for SELECT and ASK, N-Triples for CONSTRUCT and
DESCRIBE. The row cap is applied here (a store's own cap, such as Virtuoso's ResultSetMaxRows,
cuts silently), and the answer is rewritten with rdflib's serializers when another format is asked
for. Stores that write the SPARQL 1.0 JSON form (``typed-literal``, as Virtuoso does) or answer
ASK as a one-cell table (Virtuoso's ``__ASK_RETVAL``) are read as the standard says.
"""

from __future__ import annotations

import io
import json

from ...formats import GRAPH_BY_TYPE, SYNTAX_BY_NAME, TABULAR_BY_TYPE
from ..base import Answer

JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


class BadAnswer(Exception):
    """The store's answer is not what it was asked for."""


def _not_acceptable(kind: str) -> Answer:
    return Answer(406, kind=kind, message="no acceptable media type for this kind of result")


def tabular(body: bytes, ask: bool, media_type: str | None, max_rows: int) -> Answer:
    """A SELECT or ASK answer from the store's SPARQL JSON.

    :raise BadAnswer: the body is not SPARQL JSON results.
    """
    try:
        document = json.loads(body)
        boolean = document.get("boolean")
        if ask and boolean is None:
            boolean = _ask_table(document)
        variables = [] if boolean is not None else list(document["head"].get("vars", []))
        rows = [] if boolean is not None else document["results"]["bindings"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadAnswer(f"the store's answer is not SPARQL JSON results ({exc})") from None
    fmt = TABULAR_BY_TYPE.get(media_type) if media_type else None
    if boolean is not None:
        if fmt is None or fmt.name in ("csv", "tsv"):
            return _not_acceptable("boolean")
        return Answer(200, body=_boolean(bool(boolean), fmt.name), media_type=fmt.media_type, rows=1, kind="tabular")
    if fmt is None:
        return _not_acceptable("tabular")
    truncated = len(rows) > max_rows
    rows = [_standard(row) for row in rows[:max_rows]]
    if fmt.name == "json":
        body = json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}, ensure_ascii=False).encode()
    else:
        body = _rewrite(variables, rows, fmt.name)
    return Answer(200, body=body, media_type=fmt.media_type, truncated=truncated, rows=len(rows), kind="tabular")


def _ask_table(document: dict) -> bool | None:
    """A store that answers ASK as a table of one cell (Virtuoso): that cell, as a boolean."""
    rows = document.get("results", {}).get("bindings")
    if isinstance(rows, list) and len(rows) == 1 and len(rows[0]) == 1:
        value = next(iter(rows[0].values())).get("value")
        return value in ("1", "true")
    if isinstance(rows, list) and not rows:
        return False
    return None


def _standard(row: dict) -> dict:
    """A binding row in SPARQL 1.1 JSON (``typed-literal`` is the 2008 note's form)."""
    for term in row.values():
        if term.get("type") == "typed-literal":
            term["type"] = "literal"
        if term.get("datatype") == "http://www.w3.org/2001/XMLSchema#string":
            del term["datatype"]  # RDF 1.1: a plain literal is an xsd:string
    return row


def _boolean(value: bool, name: str) -> bytes:
    from rdflib.query import Result

    result = Result("ASK")
    result.askAnswer = value
    return _serialize(result, name)


def _rewrite(variables: list[str], rows: list[dict], name: str) -> bytes:
    from rdflib.query import Result

    result = Result.parse(io.BytesIO(json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()),
                          format="json")
    return _serialize(result, name)


def _serialize(result, name: str) -> bytes:
    if name == "tsv":
        return _tsv(result)
    out = io.BytesIO()
    result.serialize(out, format=name, encoding="utf-8")
    return out.getvalue()


def _tsv(result) -> bytes:
    """SPARQL 1.1 TSV: rdflib reads it but has no writer. Each term in N-Triples syntax, which is
    what rdflib's ``n3()`` writes for IRIs, literals and blank nodes."""
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    for row in result:
        lines.append("\t".join("" if term is None else term.n3() for term in row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def graph(body: bytes, media_type: str | None, max_rows: int) -> Answer:
    """A CONSTRUCT or DESCRIBE answer from the store's N-Triples (one triple per line)."""
    fmt = GRAPH_BY_TYPE.get(media_type) if media_type else None
    if fmt is None:
        return _not_acceptable("graph")
    lines = [line for line in body.split(b"\n") if line.strip() and not line.lstrip().startswith(b"#")]
    truncated = len(lines) > max_rows
    kept = b"\n".join(lines[:max_rows]) + (b"\n" if lines else b"")
    if fmt.name == "ntriples":
        return Answer(200, body=kept, media_type=fmt.media_type, truncated=truncated, rows=min(len(lines), max_rows),
                      kind="graph")
    from rdflib import Dataset, Graph

    syntax = SYNTAX_BY_NAME[fmt.name]
    # a dataset syntax (TriG, N-Quads) writes the triples in its default graph
    parsed = Dataset() if syntax.quads else Graph()
    try:
        parsed.parse(data=kept, format="nt")
    except Exception as exc:  # rdflib's parsers raise many kinds
        raise BadAnswer(f"the store's answer is not N-Triples ({str(exc).splitlines()[0][:200]})") from None
    body = parsed.serialize(format=syntax.rdflib, encoding="utf-8")
    return Answer(200, body=body, media_type=fmt.media_type, truncated=truncated, rows=len(parsed), kind="graph")
