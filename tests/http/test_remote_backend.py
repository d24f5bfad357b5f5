"""bpograph over a real Virtuoso 7: what only a remote store can do wrong. A store function that
fetches URLs, a store that stalls or goes away, two front-ends over one store, imports and drops
through the CLI, a file that does not load."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from http_client import fetch
from serving import running_server

STAGING = 'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "urn:bpograph:staging")) }'


class Listener:
    """A loopback TCP listener that counts the connections it gets (and answers none)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


def post_query(base: str, query: str):
    return fetch("POST", base + "/sparql", body=urllib.parse.urlencode({"query": query}),
                 headers={"Content-Type": "application/x-www-form-urlencoded"})


def store_select(virtuoso, query: str) -> list[dict]:
    """Ask the Virtuoso endpoint itself, past bpograph."""
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(virtuoso.sparql, data=data, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["results"]["bindings"]


# ---------------------------------------------------------------- no fetch through the store


FETCHES = [
    'SELECT (<bif:http_get>("http://127.0.0.1:{port}/") AS ?x) {{}}',
    'PREFIX b: <bif:> SELECT (b:http_get("http://127.0.0.1:{port}/") AS ?x) {{}}',
    'SELECT (<bif:http\\u005Fget>("http://127.0.0.1:{port}/") AS ?x) {{}}',
    'SELECT ?x {{ VALUES ?u {{ "http://127.0.0.1:{port}/" }} BIND(<bif:http_get>(?u) AS ?x) }}',
    'PREFIX xsd: <bif:> SELECT (xsd:http_get("http://127.0.0.1:{port}/") AS ?x) {{}}',
    'SELECT ?s {{ ?s ?p ?o }} ORDER BY ?s <bif:http_get>("http://127.0.0.1:{port}/") LIMIT 1',
    'ASK {{ FILTER(STRLEN(<bif:http_get>("http://127.0.0.1:{port}/")) > 0) }}',
]


def test_virtuoso_itself_fetches_what_bif_http_get_names(virtuoso):
    """The control: asked directly, the store opens the connection (so the refusals below are
    what keeps it from doing so through bpograph)."""
    listener = Listener()
    try:
        try:
            store_select(virtuoso, FETCHES[0].format(port=listener.port))
        except OSError:
            pass  # it answers badly, as the listener closes at once; the connection is what counts
        deadline = time.monotonic() + 10
        while listener.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.connections >= 1
    finally:
        listener.close()


@pytest.mark.parametrize("template", FETCHES)
def test_a_store_function_is_refused_before_the_store_sees_it(remote_server, template):
    listener = Listener()
    try:
        reply = post_query(remote_server, template.format(port=listener.port))
        assert reply.status == 400, reply.text
        assert "is not a standard function" in reply.text and "bif:" in reply.text
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


@pytest.mark.parametrize("query", [
    "ASK { ?c owl:unionOf (?a ?b) }",
    "ASK { ?s <http://example.org/p> (1 2) ; <http://example.org/q> ?o . [ <http://example.org/r> (?x) ] }",
    "SELECT (STRLEN(\"abc\") AS ?n) (xsd:integer(\"5\") AS ?i) (<http://www.w3.org/2005/xpath-functions#concat>(\"a\", \"b\") AS ?c) {}",
])
def test_standard_functions_and_lists_after_known_predicates_pass(remote_server, query):
    assert post_query(remote_server, query).status == 200


def test_a_store_pragma_is_refused_as_not_sparql(remote_server):
    reply = post_query(remote_server, 'define input:default-graph-uri <urn:x> SELECT * {}')
    assert reply.status == 400 and "syntax error" in reply.text and "Virtuoso" not in reply.text


# ---------------------------------------------------------------- a slow store, a store that is gone


class Proxy:
    """A loopback TCP proxy to the store that can pass bytes, stall them, or refuse connections."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.mode = "pass"
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(64)
        self.open_connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if self.mode == "refuse":
                client.close()
                continue
            if self.mode == "stall":
                self.open_connections.append(client)  # held open, never answered
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if self.mode != "pass":
                    break
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.close()
            except OSError:
                pass

    def close(self) -> None:
        self.sock.close()


@contextmanager
def front_end_through_proxy(virtuoso, remote_server, tmp_path):
    """A front-end over the store through a proxy the test controls (the store was loaded by
    ``remote_server`` already, so this one only reads the state as it starts)."""
    proxy = Proxy(virtuoso.http)
    environment = {k: v.replace(f":{virtuoso.http}/", f":{proxy.port}/") for k, v in virtuoso.environment.items()}
    try:
        with running_server("--timeout", "3", "--backend", f"http://127.0.0.1:{proxy.port}/sparql",
                            log_path=tmp_path / "serve.log", env=environment) as base:
            yield base, proxy
    finally:
        proxy.close()


def test_a_store_that_goes_away_gives_503_and_healthz_says_so(virtuoso, remote_server, tmp_path):
    with front_end_through_proxy(virtuoso, remote_server, tmp_path) as (base, proxy):
        assert fetch("GET", base + "/healthz").status == 200
        proxy.mode = "refuse"
        for path in ("/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201", "/def/CallCentre"):
            reply = fetch("GET", base + path)
            assert reply.status == 503, (path, reply.status, reply.text[:300])
            assert "cannot be reached" in reply.text
        health = fetch("GET", base + "/healthz")
        assert health.status == 503 and json.loads(health.body)["status"] == "unavailable"
        proxy.mode = "pass"
        assert fetch("GET", base + "/healthz").status == 200


def test_a_store_that_stalls_gives_503_at_the_time_limit_not_a_hung_worker(virtuoso, remote_server, tmp_path):
    with front_end_through_proxy(virtuoso, remote_server, tmp_path) as (base, proxy):
        proxy.mode = "stall"
        started = time.monotonic()
        reply = fetch("GET", base + "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 1"}, timeout=30)
        elapsed = time.monotonic() - started
        assert reply.status == 503 and "time limit" in reply.text
        assert elapsed < 3 + 2 + 2  # the limit, the grace for the answer to travel, and slack
        proxy.mode = "pass"
        assert fetch("GET", base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}).status == 200


def test_a_heavy_query_is_stopped_by_the_store_with_503(remote_server):
    started = time.monotonic()
    reply = fetch("GET", remote_server + "/sparql",
                  params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}, timeout=30)
    assert reply.status == 503, reply.text
    assert time.monotonic() - started < 3 + 2 + 2
    assert "Virtuoso" not in reply.text or "the store says" in reply.text


# ---------------------------------------------------------------- stateless front-ends, imports


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "bpograph", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


QUERIES = [
    "SELECT ?c ?l WHERE { ?c a owl:Class ; skos:prefLabel ?l } ORDER BY ?c ?l",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "ASK { bpo:CallCentre rdfs:subClassOf* bpo:Organisation }",
]


def test_two_front_ends_over_one_store_serve_alike_and_follow_its_changes(virtuoso, remote_server, tmp_path):
    graph = "http://example.org/test/two-front-ends"
    data = tmp_path / "extra.ttl"
    data.write_text('@prefix ex: <http://example.org/test/> .\nex:a ex:p ex:b .\nex:b ex:p "zwei"@de .\n_:x ex:p ex:a .\n')
    with running_server("--timeout", "3", "--backend", virtuoso.sparql, log_path=tmp_path / "second.log",
                        env=virtuoso.environment) as second:
        for query in QUERIES:
            one = fetch("GET", remote_server + "/sparql", params={"query": query})
            two = fetch("GET", second + "/sparql", params={"query": query})
            assert one.status == two.status == 200 and one.body == two.body
            assert one.headers["ETag"] == two.headers["ETag"]
        before = json.loads(fetch("GET", second + "/healthz").body)
        done = cli("import", str(data), "--graph", graph, "--backend", virtuoso.sparql, env=virtuoso.environment)
        assert done.returncode == 0, done.stderr
        assert f"added 3 triples to <{graph}>" in done.stdout
        time.sleep(1.5)  # the state is read again at most once a second
        ask = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        for base in (remote_server, second):
            health = json.loads(fetch("GET", base + "/healthz").body)
            assert health["version"] != before["version"] and health["triples"] == before["triples"] + 3
            rows = json.loads(fetch("GET", base + "/sparql", params={"query": ask}).body)["results"]["bindings"]
            assert rows[0]["n"]["value"] == "3"
        gone = cli("drop", graph, "--backend", virtuoso.sparql, env=virtuoso.environment)
        assert gone.returncode == 0 and "(3 triples)" in gone.stdout, gone.stderr
        time.sleep(1.5)
        for base in (remote_server, second):
            assert json.loads(fetch("GET", base + "/healthz").body)["triples"] == before["triples"]


@pytest.mark.parametrize("suffix, text", [
    (".ttl", '@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\nex:b ex:p "open\n'),
    (".nt", '<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n<http://example.org/a> <http://example.org/p> "x\n'),
    (".rdf", '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:9/">]>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>\n'),
])
def test_a_file_that_does_not_load_changes_nothing(virtuoso, remote_server, tmp_path, suffix, text):
    graph = "http://example.org/test/broken"
    bad = tmp_path / f"broken{suffix}"
    bad.write_text(text)
    before = json.loads(fetch("GET", remote_server + "/healthz").body)
    done = cli("import", str(bad), "--graph", graph, "--backend", virtuoso.sparql, env=virtuoso.environment)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("bpograph import: cannot import")
    assert "Traceback" not in done.stderr
    time.sleep(1.2)
    assert json.loads(fetch("GET", remote_server + "/healthz").body) == before
    assert store_select(virtuoso, STAGING) == []
    assert store_select(virtuoso, f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") == []


def test_a_url_with_credentials_is_refused(virtuoso, tmp_path):
    done = cli("serve", "--backend", f"http://dba:dba@127.0.0.1:{virtuoso.http}/sparql", env={})
    assert done.returncode == 2
    assert "BPOGRAPH_BACKEND_USER" in done.stderr and "dba:dba" not in done.stderr


@pytest.mark.parametrize(("path", "most"), [("/def/CallCentre", 12), ("/claim/C05", 14), ("/def/Organisation", 12)])
def test_an_entity_page_costs_few_round_trips_to_the_remote_store(virtuoso, remote_server, monkeypatch, path, most):
    """Counted where the HTTP calls leave: every request of the remote backend's connection. The
    same budget as the embedded store's pages (tests/unit/test_page_calls.py), plus one: the read
    of the store's state, at most once a second, that keeps front-ends stateless."""
    from bpograph.backends.remote.connection import Connection
    from bpograph.config import Settings
    from bpograph.web import create_app

    for name, value in virtuoso.environment.items():
        monkeypatch.setenv(name, value)
    app = create_app(Settings.from_env(backend=virtuoso.sparql))
    calls = []
    original_post, original_query = Connection.post, Connection.query

    def post(self, url, timeout, **kwargs):
        calls.append(url)
        return original_post(self, url, timeout, **kwargs)

    def query(self, data, accept, timeout):
        calls.append(data["query"])
        return original_query(self, data, accept, timeout)

    monkeypatch.setattr(Connection, "post", post)
    monkeypatch.setattr(Connection, "query", query)
    try:
        client = app.test_client()
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200  # warm: indexes built once
        calls.clear()
        reply = client.get(path, headers={"Accept": "text/html"})
        assert reply.status_code == 200
        assert 0 < len(calls) <= most + 1, f"{len(calls)} round trips for {path}"
    finally:
        app.extensions["bpograph.shutdown"]()


# ---------------------------------------------------------------- the CLI over the remote store


@pytest.mark.parametrize("query", [
    "SELECT ?c ?l WHERE { ?c a owl:Class ; skos:prefLabel ?l FILTER(lang(?l) = 'et') } ORDER BY ?c",
    "ASK { bpo:InboundCallCentre skos:broader+ ?x }",
])
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_query_backend_answers_as_the_embedded_store_does(virtuoso, remote_server, query, fmt):
    embedded = cli("query", query, "--format", fmt, env={})
    remote = cli("query", query, "--format", fmt, "--backend", virtuoso.sparql, env={})
    assert embedded.returncode == remote.returncode, remote.stderr
    assert remote.stderr == embedded.stderr  # (an ASK has no CSV form on either: exit 1, one line)
    if fmt == "json":
        assert json.loads(remote.stdout) == json.loads(embedded.stdout)
    else:
        assert remote.stdout == embedded.stdout


def test_query_backend_refuses_what_the_front_end_refuses(virtuoso, remote_server):
    done = cli("query", 'SELECT (<bif:sprintf>("%d", 1) AS ?x) {}', "--backend", virtuoso.sparql, env={})
    assert done.returncode == 1 and "is not a standard function" in done.stderr and done.stderr.count("\n") == 1


def test_export_backend_holds_the_shipped_graphs_as_shipped(virtuoso, remote_server):
    from rdflib import Dataset
    from rdflib.compare import isomorphic

    from bpograph.dataset import load_shipped

    done = subprocess.run([sys.executable, "-m", "bpograph", "export", "--format", "nquads", "--backend", virtuoso.sparql],
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    exported = Dataset()
    exported.parse(data=done.stdout, format="nquads")
    shipped = load_shipped()
    names = {str(g.identifier) for g in shipped.graphs() if len(g)}
    assert names <= {str(g.identifier) for g in exported.graphs()}
    for name in names:
        assert isomorphic(exported.graph(name), shipped.graph(name)), name


def test_export_backend_in_a_triple_syntax_is_the_union_of_the_served_graphs(virtuoso, remote_server):
    from rdflib import Graph, Literal
    from rdflib.namespace import SKOS

    from bpograph.namespaces import BPO

    done = subprocess.run([sys.executable, "-m", "bpograph", "export", "--format", "turtle", "--backend", virtuoso.sparql],
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    union = Graph().parse(data=done.stdout, format="turtle")
    assert (BPO.CallCentre, SKOS.prefLabel, Literal("kõnekeskus", lang="et")) in union
    assert len(union) >= 6901


def test_mappings_backend_are_the_shipped_mappings(virtuoso, remote_server):
    embedded = cli("mappings", env={})
    remote = cli("mappings", "--backend", virtuoso.sparql, env={})
    assert embedded.returncode == remote.returncode == 0, remote.stderr
    assert remote.stdout == embedded.stdout and remote.stdout.count("\n") > 50


def test_a_store_without_bpograph_data_is_named_as_such(tmp_path):
    done = cli("query", "ASK {}", "--backend", "http://127.0.0.1:9/sparql", env={})
    assert done.returncode == 2 and "cannot be reached" in done.stderr and done.stderr.count("\n") == 1


def test_the_default_graph_is_the_served_union_unless_the_store_s_own_is_asked_for(virtuoso, remote_server, tmp_path):
    """Served: the store's system graph stays out of queries; 'store': the store's default graph,
    system graph and all, with no dataset sent (the faster setting, measured in benchmarks/remote.py)."""
    # (GRAPH <…virtrdf#> names a graph outside the dataset: test_a_graph_outside_the_dataset_has_no_solution)
    ask = 'ASK { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "http://www.openlinksw.com/")) }'
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def answer(base, query):
        return json.loads(fetch("GET", base + "/sparql", params={"query": query}).body)

    served = answer(remote_server, count)["results"]["bindings"][0]["n"]["value"]
    assert answer(remote_server, ask)["boolean"] is False
    with running_server("--backend", virtuoso.sparql, log_path=tmp_path / "store-union.log",
                        env={**virtuoso.environment, "BPOGRAPH_BACKEND_UNION": "store"}) as base:
        assert answer(base, ask)["boolean"] is True
        assert int(answer(base, count)["results"]["bindings"][0]["n"]["value"]) > int(served)
    done = cli("serve", "--backend", virtuoso.sparql, env={**virtuoso.environment, "BPOGRAPH_BACKEND_UNION": "all"})
    assert done.returncode == 2 and "neither 'served' nor 'store'" in done.stderr


@pytest.mark.parametrize("query, params", [
    ("SELECT DISTINCT ?g FROM <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    ("SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {"default-graph-uri": "{graph}"}),
    ("SELECT (COUNT(*) AS ?n) FROM NAMED <{graph}> WHERE {{ ?s ?p ?o }}", {}),
    ("SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}", {"named-graph-uri": "{graph}"}),
])
def test_a_dataset_with_no_named_graphs_or_no_default_graph_has_none(any_server, query, params):
    """SPARQL 1.1 (13.2): FROM alone gives no named graphs, FROM NAMED alone an empty default
    graph, and so do the protocol's parameters; a store that fills the missing part with all of
    its graphs (Virtuoso does, for named graphs) must not show them through bpograph."""
    graph = json.loads(fetch("GET", any_server + "/sparql", params={
        "query": "SELECT ?g WHERE { GRAPH ?g { ?s a owl:Ontology } } LIMIT 1"}).body)["results"]["bindings"][0]["g"]["value"]
    reply = fetch("GET", any_server + "/sparql", params={"query": query.format(graph=graph),
                                                         **{k: v.format(graph=graph) for k, v in params.items()}})
    assert reply.status == 200, reply.text
    rows = json.loads(reply.body)["results"]["bindings"]
    assert [{k: v["value"] for k, v in row.items()} for row in rows] in ([], [{"n": "0"}]), rows


def test_import_backend_shows_a_progress_bar_on_a_terminal(virtuoso, remote_server, tmp_path):
    """On a terminal (a pseudo-terminal here) the streamed import draws click's progress bar; in a
    pipe (every other test) it writes nothing but its one result line."""
    from serving import on_terminal

    data = tmp_path / "progress.nt"
    data.write_text("".join(f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(30000)))
    graph = "http://example.org/test/progress"
    status, text = on_terminal("import", str(data), "--graph", graph, "--backend", virtuoso.sparql,
                               env=virtuoso.environment)
    assert status == 0, text
    assert "bpograph import" in text and "100%" in text and f"added 30000 triples to <{graph}>" in text
    assert cli("drop", graph, "--backend", virtuoso.sparql, env=virtuoso.environment).returncode == 0


def test_a_file_larger_than_one_upload_piece_loads_whole(virtuoso, remote_server, tmp_path):
    """Over 16 MB, an N-Triples file goes to the store in pieces cut at line ends (Virtuoso
    dropped or stalled on large single uploads): every triple arrives, once."""
    data = tmp_path / "large.nt"
    with open(data, "w") as stream:
        for i in range(200_000):
            stream.write(f"<http://example.org/large/s{i}> <http://example.org/large/p> \"value number {i} of the large file\" .\n")
    from bpograph.backends.remote.loading import UPLOAD_LIMIT

    assert data.stat().st_size > UPLOAD_LIMIT
    graph = "http://example.org/test/large"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bpograph", "import", str(data), "--graph", graph, "--backend",
                           virtuoso.sparql], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, **virtuoso.environment})
    assert done.returncode == 0, done.stderr
    assert "added 200000 triples" in done.stdout and time.monotonic() - started < 120
    assert cli("drop", graph, "--backend", virtuoso.sparql, env=virtuoso.environment).returncode == 0


def test_a_fresh_store_takes_the_embedded_store_s_version(live_server, tmp_path):
    """The README: a fresh store loaded with the shipped graph has the embedded store's version
    string for the same files (so caches keyed on it agree). A Virtuoso of its own: the session's
    has changed by imports."""
    from virtuoso import running_virtuoso

    with running_virtuoso(tmp_path / "fresh") as fresh, \
            running_server("--backend", fresh.sparql, log_path=tmp_path / "fresh.log", env=fresh.environment) as base:
        remote = json.loads(fetch("GET", base + "/healthz").body)
    embedded = json.loads(fetch("GET", live_server + "/healthz").body)
    assert remote["version"] == embedded["version"]
    assert remote["triples"] == embedded["triples"]


@pytest.mark.parametrize("query, params, expected", [
    ("ASK {{ GRAPH <{absent}> {{ ?s ?p ?o }} }}", {}, False),
    ("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{absent}> {{ ?s ?p ?o }} }}", {}, "0"),
    ("ASK {{ GRAPH <{absent}> {{ ?s ?p ?o }} }}", {"default-graph-uri": "{graph}", "named-graph-uri": "{graph}"}, False),
    ("ASK FROM <{graph}> FROM NAMED <{graph}> {{ GRAPH <{absent}> {{ ?s ?p ?o }} }}", {}, False),
    ("ASK FROM <{graph}> {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", {}, False),  # FROM alone: no named graphs
    ("ASK {{ GRAPH <http://www.openlinksw.com/schemas/virtrdf#> {{ ?s ?p ?o }} }}", {}, False),  # not served
    ("ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", {}, True),
    ("PREFIX g: <{graph}> ASK {{ GRAPH g: {{ ?s ?p ?o }} }}", {}, True),
])
def test_a_graph_outside_the_dataset_has_no_solution(any_server, query, params, expected):
    """SPARQL 1.1 (13.3): GRAPH <g> matches nothing if g is not a named graph of the dataset.
    Virtuoso reads the graph anyway (its system graph, through bpograph, before), and when it is
    absent answers ASK with true and COUNT(*) with 1."""
    graph = json.loads(fetch("GET", any_server + "/sparql", params={
        "query": "SELECT ?g WHERE { GRAPH ?g { ?s a owl:Ontology } } LIMIT 1"}).body)["results"]["bindings"][0]["g"]["value"]
    absent = "http://example.org/no-such-graph"
    reply = fetch("GET", any_server + "/sparql", params={"query": query.format(graph=graph, absent=absent),
                                                         **{k: v.format(graph=graph) for k, v in params.items()}})
    assert reply.status == 200, reply.text
    body = json.loads(reply.body)
    answer = body["boolean"] if "boolean" in body else body["results"]["bindings"][0]["n"]["value"]
    assert answer == expected
