"""SPARQL updates through `bpograph serve --backend --update`, against the embedded store as the
reference: the same updates go to an embedded server and to a front-end over a Virtuoso of its
own, and after each one both must hold the same triples, graph by graph and in the union. Then
what only a remote store can get wrong: its system graphs, bpograph's record, a graph named by
a variable, an update that fails half-way, a second front-end that must see the change."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request

import pytest

from http_client import fetch
from serving import UPDATE_AUTH, running_server
from update_fuzz import ORDER_DEPENDENT, R, STORE_ESTIMATE, random_update

T = "http://example.org/t/"
#: A graph of Virtuoso's own (its RDF views' metadata): no update through bpograph may touch it.
SYSTEM_GRAPH = "http://www.openlinksw.com/schemas/virtrdf#"

#: Each step: an update (with its protocol parameters), applied on both backends in turn.
STEPS = [
    (f"INSERT DATA {{ <{T}a> <{T}p> \"1\" . GRAPH <{T}g1> {{ <{T}b> <{T}p> \"2\" . <{T}b> <{T}p> <{T}a> }} }}", {}),
    # WHERE reads the default graph only: <a>, not <b> of g1
    (f"INSERT {{ GRAPH <{T}g2> {{ ?s <{T}q> ?o }} }} WHERE {{ ?s <{T}p> ?o }}", {}),
    # a template without GRAPH writes the default graph; GRAPH ?g reads the named graphs
    (f"INSERT {{ ?s <{T}r> ?g }} WHERE {{ GRAPH ?g {{ ?s <{T}p> ?o }} }}", {}),
    (f"DELETE WHERE {{ <{T}a> <{T}p> ?o }}", {}),
    (f"WITH <{T}g1> DELETE {{ ?s <{T}p> ?o }} INSERT {{ ?s <{T}p2> ?o }} WHERE {{ ?s <{T}p> ?o FILTER(isLiteral(?o)) }}", {}),
    (f"COPY <{T}g1> TO <{T}g3> ; MOVE <{T}g2> TO DEFAULT ; ADD DEFAULT TO <{T}g4>", {}),
    (f"DELETE DATA {{ GRAPH <{T}g3> {{ <{T}b> <{T}p2> \"2\" }} }}", {}),
    (f"PREFIX t: <{T}> INSERT DATA {{ t:c t:p 3 . GRAPH t:g5 {{ t:c t:p 4 }} }}", {}),
    (f"INSERT {{ GRAPH <{T}g6> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}", {"using-graph-uri": f"{T}g5"}),
    (f"INSERT {{ GRAPH <{T}g7> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {"using-named-graph-uri": f"{T}g3"}),
    (f"INSERT DATA {{ _:x <{T}bp> \"blank\" . _:y <{T}bp> _:x }}", {}),
    ("CLEAR DEFAULT", {}),
    (f"DROP GRAPH <{T}g4> ; CREATE GRAPH <{T}g8>", {}),
    (f"INSERT DATA {{ GRAPH <{T}g8> {{ <{T}d> <{T}p> <test> }} }}", {}),  # a relative IRI: the endpoint's base
    # declarations in any order: a BASE after a PREFIX, a prefix relative to the base
    (f"PREFIX x: <http://example.org/x/> BASE <{T}> PREFIX r: <rel/> "
     f"INSERT DATA {{ GRAPH <g11> {{ <h> r:p x:o }} . <i> r:p 8 }}", {}),
    ("CLEAR NAMED", {}),
    (f"INSERT DATA {{ <{T}e> <{T}p> 5 . GRAPH <{T}g9> {{ <{T}e> <{T}p> 6 }} }}", {}),
    ("DROP ALL", {}),
    (f"INSERT DATA {{ GRAPH <{T}g10> {{ <{T}f> <{T}p> 7 }} }}", {}),
]

#: What is compared after each step: the named graphs' triples, and the union's.
NAMED = f'SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{T}")) }}'
UNION = f'SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{T}") || STRSTARTS(STR(?p), "{T}")) }}'
BLANK = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{T}bp> ?o }}"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A Virtuoso of this module's own: the steps clear every graph bpograph serves."""
    from virtuoso import running_virtuoso

    with running_virtuoso(tmp_path_factory.mktemp("updates-virtuoso")) as virtuoso:
        yield virtuoso


@pytest.fixture(scope="module")
def servers(store, tmp_path_factory):
    """(embedded, remote): `bpograph serve --update` on each backend, with the shipped data."""
    embedded_log = tmp_path_factory.mktemp("updates-embedded") / "serve.log"
    remote_log = tmp_path_factory.mktemp("updates-remote") / "serve.log"
    with running_server("--update", log_path=embedded_log) as embedded, \
            running_server("--update", "--backend", store.sparql, log_path=remote_log, env=store.environment) as remote:
        yield embedded, remote


def update(base: str, text: str, params: dict | None = None, auth: bool = True):
    return fetch("POST", base + "/sparql", params=params or {}, body=text.encode(),
                 headers={"Content-Type": "application/sparql-update", **(UPDATE_AUTH if auth else {})})


def rows(base: str, query: str) -> list[dict]:
    reply = fetch("POST", base + "/sparql", body=query.encode(),
                  headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.text
    return json.loads(reply.body)["results"]["bindings"]


def contents(base: str) -> tuple[set, set, int]:
    def key(row):
        return tuple(sorted((name, term["type"].replace("typed-literal", "literal"),
                             "_" if term["type"] == "bnode" else  # labels differ by store
                             term["value"].replace(base + "/", "{server}/"),  # a relative IRI: the server's own

                             term.get("datatype", "")) for name, term in row.items()))

    named = {key(r) for r in rows(base, NAMED)}
    union = {key(r) for r in rows(base, UNION)}
    return named, union, int(rows(base, BLANK)[0]["n"]["value"])


def direct(store, query: str) -> list[dict]:
    """Ask Virtuoso itself, past bpograph (its whole store)."""
    url = store.sparql + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["results"]["bindings"]


def system_triples(store) -> int:
    return int(direct(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ ?s ?p ?o }} }}")[0]["n"]["value"])


def test_each_update_leaves_both_backends_holding_the_same_triples(servers, store):
    embedded, remote = servers
    system = system_triples(store)
    assert system > 0  # the graph the scoping must spare
    for number, (text, params) in enumerate(STEPS, 1):
        for base in servers:
            reply = update(base, text, params)
            assert reply.status == 204, f"step {number} on {base}: {reply.status} {reply.text}"
        expected = contents(embedded)
        assert contents(remote) == expected, f"after step {number}: {text}"
        if number == 1:
            assert expected[0] and expected[1]  # the comparison compares something
    # DROP ALL dropped bpograph's graphs, none of the store's own
    assert system_triples(store) == system
    assert rows(remote, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"] == "1"


def test_an_update_that_fails_changes_nothing_on_either_backend(servers, store):
    failing = f"INSERT DATA {{ GRAPH <{T}half> {{ <{T}h> <{T}p> 1 }} }} ; DROP GRAPH <{T}never-made>"
    half = f"SELECT * WHERE {{ GRAPH <{T}half> {{ ?s ?p ?o }} }}"
    for base in servers:
        reply = update(base, failing)
        assert reply.status == 400, reply.text
        assert f"<{T}never-made>" in reply.text and "does not exist" in reply.text
    assert rows(servers[0], half) == []
    assert direct(store, half) == []  # the store itself (the front-end serves no graph it did not record)


def test_a_syntax_error_says_where_on_both_backends(servers):
    for base in servers:
        reply = update(base, f"PREFIX t: <{T}>\nINSERT DATA {{ t:a t:p }}")
        assert reply.status == 400
        assert reply.text.startswith("400 SPARQL update syntax error at line 2"), reply.text


def test_no_update_without_the_key(servers):
    for base in servers:
        reply = update(base, f"INSERT DATA {{ <{T}k> <{T}p> 1 }}", auth=False)
        assert reply.status == 401, reply.text
        assert rows(base, f"SELECT * WHERE {{ <{T}k> ?p ?o }}") == []


@pytest.mark.parametrize("text, expected", [
    (f"INSERT DATA {{ GRAPH <{SYSTEM_GRAPH}> {{ <{T}x> <{T}p> 1 }} }}", "does not serve"),
    (f"CLEAR GRAPH <{SYSTEM_GRAPH}>", "does not serve"),
    (f"DROP SILENT GRAPH <{SYSTEM_GRAPH}>", "does not serve"),
    (f"COPY <{SYSTEM_GRAPH}> TO <{T}copy>", "does not serve"),
    (f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} USING NAMED <{SYSTEM_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "does not serve"),
    ("INSERT DATA { GRAPH <urn:bpograph:store> { <urn:x> <urn:y> 1 } }", "bpograph's own record"),
    ("DROP GRAPH <urn:bpograph:store>", "bpograph's own record"),
    (f"INSERT {{ GRAPH ?g {{ <{T}x> <{T}p> 1 }} }} WHERE {{ BIND(IRI(\"{SYSTEM_GRAPH}\") AS ?g) }}", "must name its graphs"),
    # the same graph, spelled otherwise
    (f"INSERT DATA {{ GRAPH <http://www.openlinksw.com/schemas/virtrdf\\u0023> {{ <{T}x> <{T}p> 1 }} }}", "does not serve"),
    (f"BASE <http://www.openlinksw.com/schemas/> INSERT DATA {{ GRAPH <virtrdf#> {{ <{T}x> <{T}p> 1 }} }}", "does not serve"),
    (f"PREFIX v: <http://www.openlinksw.com/schemas/> INSERT DATA {{ GRAPH v:virtrdf\\# {{ <{T}x> <{T}p> 1 }} }}", "does not serve"),
    (f"PREFIX v: <{SYSTEM_GRAPH}> INSERT DATA {{ GRAPH v: {{ <{T}x> <{T}p> 1 }} }}", "does not serve"),
    (f"insert data {{ graph <{SYSTEM_GRAPH}> {{ <{T}x> <{T}p> 1 }} }}", "does not serve"),
    (f"INSERT DATA {{ # a comment ended by a carriage return\r GRAPH <{SYSTEM_GRAPH}> {{ <{T}x> <{T}p> 1 }} }}", "does not serve"),
    (f"INSERT DATA {{ <{T}y> <{T}p> 1 }} ; INSERT DATA {{ GRAPH <{SYSTEM_GRAPH}> {{ <{T}x> <{T}p> 1 }} }}", "does not serve"),
    # every other way to write to it
    (f"WITH <{SYSTEM_GRAPH}> INSERT {{ <{T}x> <{T}p> 1 }} WHERE {{ }}", "does not serve"),
    (f"INSERT {{ GRAPH <{SYSTEM_GRAPH}> {{ ?s <{T}p> 1 }} }} WHERE {{ BIND(<{T}x> AS ?s) }}", "does not serve"),
    (f"DELETE DATA {{ GRAPH <{SYSTEM_GRAPH}> {{ <{T}x> <{T}p> 1 }} }}", "does not serve"),
    (f"DELETE WHERE {{ GRAPH <{SYSTEM_GRAPH}> {{ ?s ?p ?o }} }}", "does not serve"),
    (f"ADD DEFAULT TO <{SYSTEM_GRAPH}>", "does not serve"),
    (f"COPY DEFAULT TO GRAPH <{SYSTEM_GRAPH}>", "does not serve"),
    (f"MOVE <{SYSTEM_GRAPH}> TO <{T}moved>", "does not serve"),
    (f"CREATE GRAPH <{SYSTEM_GRAPH}>", "does not serve"),
    (f"CLEAR SILENT GRAPH <{SYSTEM_GRAPH}>", "does not serve"),
    ("INSERT DATA { GRAPH <urn:bpograph:stor\\u0065> { <urn:x> <urn:y> 1 } }", "bpograph's own record"),
    (f"INSERT {{ GRAPH ?g {{ <{T}x> <{T}p> 1 }} }} WHERE {{ VALUES ?g {{ <{SYSTEM_GRAPH}> }} }}", "must name its graphs"),
])
def test_the_store_s_own_graphs_are_out_of_an_update_s_reach(servers, store, text, expected):
    _, remote = servers
    system = system_triples(store)
    reply = update(remote, text)
    assert 400 <= reply.status < 500 and expected in reply.text, f"{reply.status} {reply.text}"
    assert system_triples(store) == system
    assert direct(store, f"SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), '{T}x') || "
                         f"STRSTARTS(STR(?s), '{T}y')) }}") == []


def test_a_delete_with_a_graph_variable_reaches_the_served_graphs_only(servers, store):
    """``GRAPH ?g`` in a DELETE template is allowed: ?g comes from the WHERE, which reads the
    served graphs only. Everything bpograph serves goes; the store's own graph stays."""
    _, remote = servers
    system = system_triples(store)
    assert update(remote, f"INSERT DATA {{ GRAPH <{T}doomed> {{ <{T}w> <{T}p> 1 }} }}").status == 204
    reply = update(remote, "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert reply.status == 204, reply.text
    assert rows(remote, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1") == []
    assert system_triples(store) == system


def test_a_second_front_end_serves_what_an_update_wrote(servers, store, tmp_path):
    _, remote = servers
    assert update(remote, f"INSERT DATA {{ GRAPH <{T}shared> {{ <{T}s> <{T}p> \"seen\" }} }}").status == 204
    with running_server("--backend", store.sparql, log_path=tmp_path / "serve.log", env=store.environment) as other:
        deadline = time.monotonic() + 5
        found = []
        while time.monotonic() < deadline and not found:
            found = rows(other, f"SELECT ?o WHERE {{ GRAPH <{T}shared> {{ <{T}s> <{T}p> ?o }} }}")
            time.sleep(0.2)
        assert [r["o"]["value"] for r in found] == ["seen"]
        assert fetch("GET", other + "/healthz").status == 200


def test_updates_need_credentials_for_the_store(servers, store, tmp_path):
    """A front-end whose store refuses its writes says so, with a 502, and changes nothing."""
    environment = {k: v for k, v in store.environment.items() if k != "BPOGRAPH_BACKEND_PASSWORD"}
    environment["BPOGRAPH_BACKEND_PASSWORD"] = "wrong-password"
    # the shipped graph is in the store already (the servers fixture loaded it), so serving needs no write
    with running_server("--update", "--backend", store.sparql, log_path=tmp_path / "serve.log",
                        env=environment) as base:
        reply = update(base, f"INSERT DATA {{ GRAPH <{T}denied> {{ <{T}z> <{T}p> 1 }} }}")
        assert reply.status == 502 and "credentials" in reply.text, reply.text
        assert direct(store, f"SELECT * WHERE {{ GRAPH ?g {{ <{T}z> ?p ?o }} }}") == []


def test_an_update_past_its_time_limit_is_applied_whole_and_served(servers, store, tmp_path):
    """The request gets 503 at the limit, but the store is neither stopped nor left: asked for
    its own limit, Virtuoso stops an update part-way and keeps what it wrote (313,556 of
    1,000,000 triples, tried by hand), and so it does when its client goes away (160,000 of
    600,000). The graph is never seen in part, ends whole, and is served once written."""
    values = " ".join(str(i) for i in range(1, 101))
    sixty = " ".join(str(i) for i in range(1, 61))
    heavy = (f"INSERT {{ GRAPH <{T}heavy> {{ ?s <{T}p> ?z }} }} WHERE {{ VALUES ?x {{ {sixty} }} "
             f"VALUES ?y {{ {values} }} VALUES ?z {{ {values} }} "
             f"BIND(IRI(CONCAT(\"{T}s/\", STR(?x), \"/\", STR(?y))) AS ?s) }}")  # 600,000 triples, about 6 s
    with running_server("--update", "--timeout", "1", "--backend", store.sparql, log_path=tmp_path / "serve.log",
                        env=store.environment) as base:
        started = time.monotonic()
        reply = update(base, heavy)
        assert reply.status == 503 and "longer than its time limit of 1 s" in reply.text, reply.text
        assert time.monotonic() - started < 10
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{T}heavy> {{ ?s ?p ?o }} }}"
        seen, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline and (not seen or seen[-1] != 600_000):
            seen.append(int(direct(store, count)[0]["n"]["value"]))
            time.sleep(0.5)
        assert set(seen) <= {0, 600_000} and seen[-1] == 600_000, seen  # never a part, and in the end whole
        deadline = time.monotonic() + 10  # and then served, through the front-end
        while time.monotonic() < deadline and rows(base, count)[0]["n"]["value"] != "600000":
            time.sleep(0.5)
        assert rows(base, count)[0]["n"]["value"] == "600000"
        # meanwhile, and after, the front-end answers queries and takes the next update
        assert update(base, f"INSERT DATA {{ GRAPH <{T}heavy> {{ <{T}after> <{T}p> 1 }} }}").status == 204


# ---------------------------------------------------------------- random updates, both backends

RANDOM_NAMED = f'SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?p), "{R}")) }}'
RANDOM_UNION = f'SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), "{R}")) }}'


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_updates_leave_both_backends_alike(servers, seed):
    """80 generated updates per seed (:mod:`update_fuzz`) to both backends: each must succeed on
    both or fail on both, and leave the same triples in every graph and in the union. An update
    the remote backend refuses as order-dependent (README) goes to neither."""
    import random

    def key(row):
        return tuple(sorted((name, term["type"].replace("typed-literal", "literal"), term["value"],
                             term.get("datatype", ""), term.get("xml:lang", "")) for name, term in row.items()))

    def state(base):
        return {key(r) for r in rows(base, RANDOM_NAMED)}, {key(r) for r in rows(base, RANDOM_UNION)}

    rng = random.Random(seed)
    embedded, remote = servers
    changed = refused = 0
    for number in range(80):
        text = random_update(rng, clear_all=False)  # (see update_fuzz.random_update)
        before = state(remote)
        on_remote = update(remote, text)
        if on_remote.status == 400 and ORDER_DEPENDENT in on_remote.text or \
                on_remote.status == 503 and STORE_ESTIMATE in on_remote.text:
            assert state(remote) == before  # refused whole: nothing of it applied
            refused += 1
            continue
        on_embedded = update(embedded, text)
        assert [on_embedded.status // 100, on_remote.status // 100] in ([2, 2], [4, 4]), \
            f"seed {seed}, update {number}: {text}\n{[(r.status, r.text) for r in (on_embedded, on_remote)]}"
        expected = state(embedded)
        assert state(remote) == expected, f"seed {seed}, after update {number}: {text}"
        changed += bool(expected[1])
    assert changed > 20  # the updates did write something most of the time
    assert refused <= 8


def test_an_update_the_store_fails_part_way_leaves_what_it_wrote_served(servers, store):
    """Virtuoso applies an update's operations one by one: when it refuses the second (here a
    negated inverse path, which its compiler cannot read), the first stays applied, and bpograph
    records it, so that what the store holds is served."""
    _, remote = servers
    unreadable = f"INSERT {{ GRAPH <{T}never> {{ ?s <{T}p> ?o }} }} WHERE {{ ?s !^<{T}q> ?o }}"
    reply = update(remote, f"INSERT DATA {{ GRAPH <{T}partial> {{ <{T}first> <{T}p> 1 }} }} ;\n{unreadable}")
    assert reply.status == 400 and "the store refused the update" in reply.text, reply.text
    assert direct(store, f"SELECT ?o WHERE {{ GRAPH <{T}partial> {{ <{T}first> <{T}p> ?o }} }}")  # in the store
    assert [r["o"]["value"] for r in rows(remote, f"SELECT ?o WHERE {{ GRAPH <{T}partial> {{ <{T}first> <{T}p> ?o }} }}")] \
        == ["1"]  # and served


def test_mangled_updates_get_a_clear_answer_and_leave_the_store_s_graphs_alone(servers, store):
    """150 generated updates, each cut short, with a character changed, or followed by a write to
    the store's own graph: every answer is a status bpograph means (never 500), on one line,
    without a traceback, and the store's own graph is as it was."""
    import random

    rng = random.Random(5)
    _, remote = servers
    system = system_triples(store)
    statuses = set()
    for number in range(150):
        text = random_update(rng)
        at = rng.randrange(len(text))
        choice = rng.random()
        if choice < 0.3:
            text = text[:at]
        elif choice < 0.6:
            text = text[:at] + rng.choice('{}<>"\';.#\\\r?:') + text[at + 1:]
        else:  # a valid update, with a write to the store's own graph after it
            text += f" ;\nINSERT DATA {{ GRAPH <{SYSTEM_GRAPH}> {{ <{T}x> <{T}p> 1 }} }}"
        reply = update(remote, text)
        statuses.add(reply.status)
        assert reply.status in (204, 400, 403, 502, 503), f"{number}: {reply.status} {reply.text!r}\n{text}"
        assert reply.status == 204 or reply.text.count("\n") == 1 and "Traceback" not in reply.text, reply.text
    assert 400 in statuses and 204 in statuses  # the mangling both broke and spared updates
    assert system_triples(store) == system
    assert fetch("GET", remote + "/healthz").status == 200
