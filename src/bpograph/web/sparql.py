"""Blueprint for the SPARQL 1.1 Protocol at /sparql (GET, POST form, POST direct), the service
description, the plain query page and /healthz."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import time

from flask import Blueprint, Response, current_app, g, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.http import http_date

from ..description import service_description
from ..backends.base import Answer
from ..formats import GRAPH, SYNTAX_BY_NAME, negotiate, not_acceptable_message
from ..iri import is_iri
from ..metrics import STOPPED
from ..namespaces import SPARQL_PREFIXES
from ..query import QueryError, QueryService
from ..shared_state import SharedState
from .answer_cache import keep

bp = Blueprint("sparql", __name__)

DEFAULT_QUERY = """PREFIX bpo: <https://w3id.org/bpograph/def/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind ?label WHERE {
  ?kind skos:inScheme bpo:KindsScheme ; skos:prefLabel ?label .
  FILTER(LANG(?label) = "en")
}"""
FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
GZIP_MIN_BYTES = 1024


def _service() -> QueryService:
    return current_app.extensions["bpograph"]


def _shared() -> SharedState:
    return current_app.extensions["bpograph.shared"]


def _admit(shared: SharedState) -> str:
    """Count one query of this client as running, within its fair share; returns the client.

    :raise QueryError: 429 (with Retry-After) when the client is past its share.
    """
    client = request.remote_addr or "unknown"
    refusal = shared.fairshare.admit(client)
    if refusal is not None:
        raise QueryError(refusal.message, 429, {"Retry-After": str(refusal.retry_after)})
    return client


def _release(shared: SharedState, client: str, started: float) -> None:
    seconds = time.monotonic() - started
    shared.fairshare.release(client, seconds)
    shared.metrics.add_query(seconds)


@bp.after_app_request
def common_headers(response: Response) -> Response:
    """CORS and Vary on every response; gzip where the client takes it and it pays.

    Written against the raw header values: this runs on every request, and werkzeug's parsed
    header objects cost more than the query of a point lookup.
    """
    _shared().metrics.count_status(response.status_code)
    headers = response.headers
    if cross_origin_allowed():
        headers["Access-Control-Allow-Origin"] = "*"
    else:
        headers.pop("Access-Control-Allow-Origin", None)
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Accept, Accept-Encoding"
    else:
        present = {token.strip().lower() for token in vary.split(",")}
        missing = [token for token in ("Accept", "Accept-Encoding") if token.lower() not in present]
        if missing:
            headers["Vary"] = ", ".join([vary, *missing])
    if (  # the raw substring test first: it spares most requests the parsed one (which heeds q=0)
        "gzip" in request.headers.get("Accept-Encoding", "")
        and response.status_code == 200
        and not response.direct_passthrough
        and "Content-Encoding" not in headers
        and request.method != "HEAD"
        and "gzip" in request.accept_encodings
    ):
        body = response.get_data()
        if len(body) >= GZIP_MIN_BYTES:
            response.set_data(gzip.compress(body, compresslevel=5))
            headers["Content-Encoding"] = "gzip"
    return response


def cross_origin_allowed() -> bool:
    """Whether a web page of another origin may read this response: never for an update request
    (whatever its outcome), so that no page in a user's browser learns anything from one."""
    return not g.get("bpograph_update", False)


def _authorise_update() -> None:
    """An update must carry the server's update key as ``Authorization: Bearer KEY``, compared in
    constant time. A form that another site's page posts cannot set that header, and a script
    that tries gets no CORS preflight approval.

    :raise QueryError: 401 without the header, 403 with a wrong key.
    """
    key = _service().settings.update_key
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise QueryError("updates need the server's update key: send 'Authorization: Bearer KEY'", 401)
    if key is None or not hmac.compare_digest(token.strip().encode("utf-8"), key.encode("utf-8")):
        raise QueryError("the update key is wrong", 403)


#: Seconds a remote store has to answer /healthz.
HEALTH_TIMEOUT = 3.0


@bp.route("/healthz")
def healthz() -> Response:
    """ok with the data's version (and, on the embedded store, whether this process serves its
    in-memory copy yet); over a remote store, 503 with the reason while the store does not answer
    a trivial query within a few seconds."""
    service = _service()
    if service.settings.backend:
        from ..backends.base import QueryRequest

        probe = service.pool.run(QueryRequest("ASK {}", tabular="application/sparql-results+json", graph=None,
                                              query_has_dataset=True), HEALTH_TIMEOUT)
        if probe.status != 200:
            body = json.dumps({"status": "unavailable", "reason": probe.message})
            return Response(body + "\n", status=503, mimetype="application/json")
    where = getattr(service.pool, "in_memory", None)  # the embedded store: this process's copy, or the disk
    serving = "" if where is None else f', "serving": "{"in-memory copy" if where else "on-disk store"}"'
    return Response(
        f'{{"status": "ok", "version": "{service.store.version}", "triples": {sum(service.store.graphs.values())}'
        f'{serving}}}\n',
        mimetype="application/json",
    )


@bp.route("/metrics")
def metrics() -> Response:
    """Prometheus text: responses by status, query time, stopped queries, processes replaced."""
    shared = _shared()
    return Response(shared.metrics.exposition(shared.serving()), content_type="text/plain; version=0.0.4; charset=utf-8")


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """SPARQL 1.1 Protocol query operation.

    :raise 400: malformed request (repeated or missing query, bad syntax, update, bad timeout)
    :raise 406: no acceptable result format
    :raise 415: POST with a content type the protocol does not define, or not UTF-8
    """
    if request.method == "POST" and (request.mimetype == DIRECT_UPDATE or (request.mimetype == FORM and "update" in request.form)):
        g.bpograph_update = True
    params, query, update = _read_request()
    if update is not None:
        if _service().settings.update:
            _authorise_update()
        shared = _shared()
        client, started = _admit(shared), time.monotonic()
        try:
            answer = _service().apply_update(
                update,
                tuple(params.getlist("using-graph-uri")),
                tuple(params.getlist("using-named-graph-uri")),
                timeout=_first(params, "timeout"),
                base_iri=_base_iri(),
            )
        finally:
            _release(shared, client, started)
        if answer.status >= 400:
            raise QueryError(answer.message, answer.status)
        return Response(status=204)
    if query is None and request.method in ("GET", "HEAD") and ("graph" in params or "default" in params):
        return _graph_store(params)
    if query is None:
        return _describe()
    try:
        preferences = negotiate(request.headers.get("Accept"), _first(params, "format") or _first(params, "output"))
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    default_graphs = tuple(params.getlist("default-graph-uri"))
    named_graphs = tuple(params.getlist("named-graph-uri"))

    service = _service()
    # With updates on, the data can change under a version computed at start-up: no validators.
    etag = None if service.settings.update else _etag(service, query, default_graphs, named_graphs, preferences)
    if etag is not None and etag in request.if_none_match:
        return _not_modified(etag)
    has_dataset = service.check(query)  # a refused query costs no share of query time
    shared = _shared()
    client, started = _admit(shared), time.monotonic()
    try:
        answer = service.answer(
            query, preferences, default_graphs, named_graphs,
            timeout=_first(params, "timeout"), base_iri=_base_iri(), has_dataset=has_dataset,
        )
    finally:
        _release(shared, client, started)
    if answer.status == 503:
        shared.metrics.add(STOPPED)
    _keep(etag, answer)
    return _respond(answer, etag)


def _keep(etag: str | None, answer: Answer) -> None:
    """Let the answer cache keep this answer, where it keeps answers (:mod:`.answer_cache`)."""
    if etag is not None and answer.status == 200 and current_app.extensions.get("bpograph.answers") is not None:
        keep(request.environ)


def _graph_store(params: MultiDict) -> Response:
    """The read side of the SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification):
    ``?graph=IRI`` returns that named graph, ``?default`` the default graph as queries see it
    (the union of all graphs), in the RDF format that Accept (or ``format``) asks for.

    :raise 400: both or neither of graph and default, or a graph name that is not an IRI
    :raise 404: the store has no such graph
    :raise 406: Accept allows no RDF format
    """
    graphs = params.getlist("graph")
    if ("default" in params) == bool(graphs) or len(graphs) > 1:
        raise QueryError("name one graph: either ?graph=IRI or ?default (SPARQL 1.1 Graph Store Protocol, 4.2)")
    try:
        preferences = negotiate(request.headers.get("Accept"), _first(params, "format"))
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    if preferences.graph is None:
        raise QueryError(not_acceptable_message("graph"), 406)
    service = _service()
    if graphs:
        name = graphs[0]
        if not is_iri(name):
            raise QueryError(f"graph must be an absolute IRI; got '{name[:200]}'")
        exists = name in service.store.graphs if not service.settings.update else \
            bool(service.select("SELECT ?g WHERE { GRAPH ?g { } } LIMIT 1", {"g": name}))
        if not exists:
            raise QueryError(f"there is no graph <{name}> in this store", 404)
        query, bindings = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": name}
    else:
        query, bindings = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {}
    etag = None if service.settings.update else _etag(service, query, tuple(graphs), (), preferences)
    if etag is not None and etag in request.if_none_match:
        return _not_modified(etag)
    shared = _shared()
    client, started = _admit(shared), time.monotonic()
    try:
        answer = service.construct(query, preferences.graph.media_type, bindings)
    finally:
        _release(shared, client, started)
    _keep(etag, answer)
    response = _respond(answer, etag)
    response.vary.add("Accept")
    return response


def _read_request() -> tuple[MultiDict, str | None, str | None]:
    """The protocol parameters, the query text and the update text, after the protocol's checks."""
    if request.method in ("GET", "HEAD"):
        params = request.args
        if "update" in params:
            raise QueryError("updates are not accepted over GET (SPARQL 1.1 Protocol, 2.2)")
        return params, _single(params.getlist("query")), None
    content_type = request.mimetype
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if not content_type:
        raise QueryError("POST needs a Content-Type: application/x-www-form-urlencoded or application/sparql-query")
    if charset not in ("utf-8", "utf8"):
        raise QueryError(f"the request body must be UTF-8, not {charset}", 415)
    if content_type == FORM:
        form = request.form
        params = MultiDict(list(request.args.items(multi=True)) + list(form.items(multi=True)))
        if "update" in form:
            if "query" in form:
                raise QueryError("a request carries either a query or an update, not both")
            return params, None, _single(form.getlist("update"), "update")
        query = _single(form.getlist("query"))
        if query is None:
            raise QueryError("the form has no 'query' field")
        return params, query, None
    if content_type in (DIRECT_QUERY, DIRECT_UPDATE):
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QueryError(f"the request body is not valid UTF-8 (byte {exc.start})") from None
        if "query" in request.args or "update" in request.args:
            raise QueryError("a direct POST carries the operation in the body, not also in the URL")
        return (request.args, text, None) if content_type == DIRECT_QUERY else (request.args, None, text)
    raise QueryError(
        f"unsupported Content-Type '{content_type}': use application/x-www-form-urlencoded or application/sparql-query",
        415,
    )


def _first(params: MultiDict, name: str) -> str | None:
    # MultiDict.get raises and catches an HTTPException for every absent name: slow on a hot path
    values = params.getlist(name)
    return values[0] if values else None


def _base_iri() -> str:
    """The endpoint's own URL: the base IRI of a query's relative IRIs."""
    return f"{request.scheme}://{request.host}{request.script_root}{request.path}"


def _single(values: list[str], name: str = "query") -> str | None:
    if len(values) > 1:
        raise QueryError(f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0] if values else None


def _etag(service: QueryService, query: str, default_graphs, named_graphs, preferences) -> str:
    key = "\0".join([
        query, *default_graphs, "|", *named_graphs,
        preferences.tabular.media_type if preferences.tabular else "",
        preferences.graph.media_type if preferences.graph else "",
    ])
    return f"{service.store.version}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"


def _cache_headers(etag: str) -> list[tuple[str, str]]:
    return [("ETag", f'"{etag}"'), ("Last-Modified", _last_modified()), ("Cache-Control", "public, max-age=60")]


def _last_modified() -> str:
    service = _service()
    stamp = current_app.extensions.get("bpograph.last_modified")
    if stamp is None:
        stamp = current_app.extensions["bpograph.last_modified"] = http_date(service.store.built)
    return stamp


def _not_modified(etag: str) -> Response:
    return Response(status=304, headers=_cache_headers(etag))


def _respond(answer: Answer, etag: str | None) -> Response:
    if answer.status == 406:
        raise QueryError(not_acceptable_message(answer.kind), 406)
    if answer.status != 200:
        raise QueryError(answer.message, answer.status)
    media_type = answer.media_type
    if media_type.startswith("text/") or media_type.endswith(("+json", "+xml", "/json", "/trig")):
        media_type += "; charset=utf-8"
    headers = [("Cache-Control", "no-store")] if etag is None else _cache_headers(etag)
    headers.append(("X-Bpograph-Rows", str(answer.rows)))
    if answer.truncated:
        headers.append(("X-Bpograph-Truncated", "true"))
        headers.append(("X-Bpograph-Row-Limit", str(_service().settings.max_rows)))
    return Response(answer.body, status=200, headers=headers, content_type=media_type)


@bp.route("/query")
def editor() -> Response:
    """The query editor (YASGUI, served from this server): ``/query?query=...`` opens a query in
    it, which makes the URL a permalink for that query."""
    endpoint = request.host_url.rstrip("/") + "/sparql"
    response = Response(
        render_template("query.html", endpoint=endpoint, query=request.args.get("query") or DEFAULT_QUERY,
                        prefixes=sorted(SPARQL_PREFIXES.items())),
        mimetype="text/html",
    )
    # the editor's own script files only; it injects styles, and it talks to this endpoint alone
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
        "img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return response


@bp.route("/void")
def void() -> Response:
    """The service description with its VoID dataset description, for people and programs alike
    (Turtle unless Accept asks for another RDF format)."""
    return _description(request.accept_mimetypes.best_match([f.media_type for f in GRAPH], default="text/turtle"))


def _description(media_type: str) -> Response:
    fmt = next((f for f in GRAPH if f.media_type == media_type), GRAPH[0])
    service = _service()
    graph = service_description(request.host_url.rstrip("/") + "/sparql", service.store, service.settings)
    syntax = SYNTAX_BY_NAME[fmt.name]
    if syntax.quads:  # rdflib writes TriG and N-Quads from a dataset: the description is its default graph
        from rdflib import Dataset

        dataset = Dataset()
        for prefix, namespace in graph.namespaces():
            dataset.bind(prefix, namespace)
        for triple in graph:
            dataset.add(triple)
        graph = dataset
    response = Response(graph.serialize(format=syntax.rdflib, encoding="utf-8"), content_type=fmt.media_type)
    response.vary.add("Accept")
    return response


def _describe() -> Response:
    """GET without a query: the query page for browsers, the service description for programs."""
    accept = request.accept_mimetypes
    rdf_types = [f.media_type for f in GRAPH]
    best = accept.best_match(["text/html", *rdf_types], default="text/turtle")
    if best == "text/html" and accept["text/html"] > accept["text/turtle"]:
        return editor()
    return _description(best)
