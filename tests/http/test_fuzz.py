"""Generated requests against a running `bpograph serve` (loopback only, a few thousand, bounded in
time): hostile paths, parameters, headers and bodies across the endpoint, the pages and search.
No answer may be a 5xx or a dropped connection, every 4xx says something, and the same server
processes serve before and after."""

from __future__ import annotations

import http.client
import random
import time
import urllib.parse

import pytest

from serving import server_process, server_processes

SEED = 20261201
REQUESTS = 3000

PATHS = ["/", "/sparql", "/query", "/search", "/healthz", "/void", "/docs", "/comparison", "/examples", "/examples/CQ01",
         "/index/et", "/index/en", "/def/CallCentre", "/def/CallCentre.ttl", "/def/KindsScheme", "/claim/C10", "/ontology",
         "/ontology/core", "/graph/ontology/core", "/graph/data/example.ttl", "/mappings/bpograph.sssom.tsv",
         "/download/bpograph.ttl", "/static/bpograph.css", "/def/", "/source/x", "/agent/x", "/shapes/x",
         "/ontology.ttl", "/ontology/0.1.0", "/ontology/core/0.1.0.rdf", "/ontology/core/x/y", "/favicon.ico"]
HOSTILE_SEGMENTS = ["a%20b", "X.ttl%00", "%3E", "%7B", "%5C", "%22", "%C0%AE", "%E2%80%AE", "%F0%9F%98%80", "..", "%2e%2e",
                    "%ff%fe", "x" * 3000, "%25", "a?b", "%0d%0aSet-Cookie:x", "\u00e9", "CallCentre.rdf", "CallCentre.html",
                    "%00", "%23frag", ";x", "%2F%2F", "%u202E"]
QUERIES = ["ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 3", "SELECT * WHERE { ?s ?p ", "CONSTRUCT WHERE { ?s a ?o } LIMIT 2",
           "DESCRIBE <https://w3id.org/bpograph/def/CallCentre>", "SELECT * WHERE { ?s ?p ?o } LIMIT 10^26", "",
           "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> {} }", "INSERT DATA { <a> <b> <c> }", "\x00", "{" * 500,
           "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "PREFIX x: <y> SELECT * {}", "SELECT * WHERE { bad:x ?p ?o }",
           "SELECT ?x WHERE { BIND(1/0 AS ?x) }", "SELECT * WHERE { ?s ?p ?o FILTER(?o > \"\\uD800\") }", "\ufeffASK {}",
           "SELECT * WHERE { VALUES ?x { <javascript:alert(1)> } }", "ASK { <\u202e> ?p ?o }"]
GRAPH_URIS = ["", "not an iri", "http://a b", "<x>", "\x00", "https://w3id.org/bpograph/graph/data/example", "urn:x",
              "http://[::1", "%ZZ", "\u202e", "file:///etc/passwd", "x" * 2000]
VALUES = ["", "0", "-1", "1e309", "nan", "inf", "\u00b2", "9" * 4300, "%C2%B2", "json", "xml", "csv", "tsv", "turtle", "png",
          "0.000001", "3", "et", "en", "fr", "\x00", "<script>", "kõnekeskus", "konekeskus", "call"]
ACCEPTS = [None, "*/*", "text/html", "application/json", "text/turtle", "application/sparql-results+json;q=0",
           "image/png", "text/*;q=abc", ";;;", "application/ld+json, */*;q=0.1", "\u00e9/\u00e9", "a" * 500]
CONTENT_TYPES = [None, "application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update",
                 "text/plain", "multipart/form-data; boundary=x", "application/sparql-query; charset=latin-1", ";", "x/y; a=\"b"]
BODIES = [b"", b"query=ASK%20%7B%7D", b"ASK {}", b"update=CLEAR%20ALL", b"\xff\xfe\x00", b"query=%ZZ", b"query=" + b"a" * 5000,
          b"query=ASK+%7B%7D&query=ASK+%7B%7D", b"--x\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\nASK {}\r\n--x--"]
METHODS = ["GET"] * 6 + ["POST"] * 3 + ["HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]


def _request(chooser: random.Random) -> tuple[str, str, dict, bytes | None]:
    path = chooser.choice(PATHS)
    if chooser.random() < 0.35:
        prefix = chooser.choice(["/def/", "/claim/", "/ontology/", "/graph/", "/examples/", "/index/", "/source/", "/"])
        path = prefix + chooser.choice(HOSTILE_SEGMENTS)
    params: list[tuple[str, str]] = []
    if chooser.random() < 0.3:  # the endpoint gets a larger share, with a query every time
        path = "/sparql"
        params.append(("query", chooser.choice(QUERIES)))
    for _ in range(chooser.randint(0, 4)):
        name = chooser.choice(["query", "format", "timeout", "default-graph-uri", "named-graph-uri", "q", "limit", "lang",
                               "output", "update", "using-graph-uri", "graph", "default", "offset", "x"])
        value = chooser.choice(QUERIES if name in ("query", "update") else GRAPH_URIS if "graph" in name else VALUES)
        params.append((name, value))
    target = urllib.parse.quote(path, safe="/%?;=&:@") if not path.isascii() else path
    if params:
        target += "?" + urllib.parse.urlencode(params)
    headers = {}
    accept = chooser.choice(ACCEPTS)
    if accept is not None:
        headers["Accept"] = accept
    for name, options in (("Accept-Encoding", ["gzip", "br", "gzip;q=0", "x"]), ("If-None-Match", ['"x"', "*", "W/\"a\""]),
                          ("Accept-Language", ["et", "en;q=0.1, et", "xx", "*"]), ("Cookie", ["bpograph_lang=et", "bpograph_lang=\x7f"]),
                          ("Origin", ["http://evil.example"]), ("Authorization", ["Bearer x", "Basic y"])):
        if chooser.random() < 0.15:
            headers[name] = chooser.choice(options)
    method = chooser.choice(METHODS)
    body = None
    if method in ("POST", "PUT", "PATCH"):
        body = chooser.choice(BODIES)
        content_type = chooser.choice(CONTENT_TYPES)
        if content_type is not None:
            headers["Content-Type"] = content_type
    return method, target, headers, body


def _encode_headers(headers: dict) -> dict:
    # http.client sends header values as latin-1; what it cannot encode is sent as UTF-8 bytes
    return {name: value.encode("utf-8") if not value.isascii() else value for name, value in headers.items()}


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def server(request, tmp_path_factory):
    """The same generated requests on each backend (over Virtuoso, the front-end's checks and
    the store's own errors meet the same hostile input)."""
    args, env = ("--timeout", "3"), None
    if request.param == "virtuoso":
        virtuoso = request.getfixturevalue("virtuoso")
        request.getfixturevalue("remote_server")  # the store holds the shipped graph
        args, env = (*args, "--backend", virtuoso.sparql), virtuoso.environment
    with server_process(*args, log_path=tmp_path_factory.mktemp("fuzz") / "serve.log", env=env) as (base, supervisor):
        yield base, supervisor.pid


def test_generated_requests_never_get_a_5xx_or_a_dropped_connection(server):
    base, supervisor = server
    before = server_processes(supervisor)
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    chooser = random.Random(SEED)
    failures: list[str] = []
    statuses: dict[int, int] = {}
    started = time.monotonic()
    for _ in range(REQUESTS):
        method, target, headers, body = _request(chooser)
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.putrequest(method, target, skip_accept_encoding=True)
            for name, value in _encode_headers(headers).items():
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            text = response.read()
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"{method} {target[:200]} {headers}: {type(exc).__name__} {exc}")
            continue
        finally:
            connection.close()
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.status >= 500:
            failures.append(f"{method} {target[:200]} {headers} {body[:80] if body else b''}: {response.status} {text[:200]!r}")
        elif response.status >= 400 and method != "HEAD" and not text.strip():
            failures.append(f"{method} {target[:200]}: {response.status} with an empty body")
    assert not failures, f"{len(failures)} of {REQUESTS}:\n" + "\n".join(failures[:25])
    assert time.monotonic() - started < 240
    assert sum(statuses.values()) == REQUESTS and len(statuses) > 5, statuses
    assert server_processes(supervisor) == before
