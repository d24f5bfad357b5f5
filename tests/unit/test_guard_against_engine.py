"""The query guard checked against the engine itself: generated queries and updates that try to
smuggle SERVICE or LOAD past it (comments and line ends, case, glued words, escapes, prefixed
names, nesting, subqueries) run in Oxigraph, in this process, with a canary HTTP server on
loopback as every endpoint. Whatever the guard lets through must never reach the canary.

This tests the guard alone: the test process has no seccomp filter (the server's second barrier
is tested in tests/http/test_smuggling.py)."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpograph.safety.query_guard import Refused, check_query, check_update

from canary import canary_server


@pytest.fixture(scope="module")
def canary_instance():
    with canary_server() as canary:
        yield canary


@pytest.fixture(scope="module")
def canary(canary_instance):
    return canary_instance.url


def _store() -> ox.Store:
    store = ox.Store()
    e = "http://e/"
    store.add(ox.Quad(ox.NamedNode(e + "s"), ox.NamedNode(e + "p"), ox.NamedNode(e + "x")))
    store.add(ox.Quad(ox.NamedNode(e + "s"), ox.NamedNode(e + "p"), ox.Literal("1", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))))
    return store


# what the grammar takes as space, several times over so that most attempts parse; then what it does not
SEPARATORS = [""] * 6 + ["", " ", "\t", "\n", "\r", "\r\n", "#c\r", "#c\n", "#c\r\n", " #\r "] * 4 + [
    "\f", "\v", "\u2028", "\x85", "#c\u2028 ", "#c\f", "\x00"]
# what comes right before the keyword: patterns that end in a way the keyword may be glued to
GLUE = ["", " ", "", " "] * 3 + [
    "?s ?p true", "?s ?p false", "?s ?p TRUE", "?s ?p 1", "?s ?p 1.5", "?s ?p ?o .", "?s ?p ?o.", "[ ?p e:x]",
    "?s ?p e:x", "?s ?p e:x.", '?s ?p "x"', "?s ?p 'x'", '?s ?p "x"@en', "?s ?p <http://e/x>", "?s ?p _:b.",
    "{}", "BIND(1 AS ?q)", "?s ?p e:x\\#", "?s ?p e:x\\%", "?s e:p? true", "?s e:p ?o", "?s e:p?o", "?s ?p e:"]
# what comes before that: harmless in itself, but able to fool a lexer that reads the text one way
NOISE = ["", "", " # \" ' \n", ' BIND("a\\u0022" AS ?z) ', ' BIND("x\\"" AS ?y) ', " ?s <http://e/#x> ?o . ",
         " FILTER(?o<?s) ", " FILTER(?o < ?s) ", " VALUES ?v { 1 } ", " ?s ?p '''x'''. ", ' """ ',
         " FILTER(?o<?s#>) ", ' BIND("\\uD800" AS ?w) ']
KEYWORD_CASES = ["SERVICE", "service", "Service", "sErViCe"] * 3 + ["SERVIC\\u0045", "SERV\\u0049CE"]


def compose(pick, canary_url: str) -> str:
    """One smuggling attempt; ``pick(options)`` chooses each part (hypothesis, or a seeded random)."""
    keyword = pick(KEYWORD_CASES)
    silent = pick(["", "SILENT", "silent", "SILENT "])
    endpoint_kind = pick(["iri", "escaped", "pname", "empty-pname", "relative", "glued-prefix"])
    prologue = "PREFIX e: <http://e/> "
    if endpoint_kind == "iri":
        endpoint = f"<{canary_url}>"
    elif endpoint_kind == "escaped":
        endpoint = "<" + canary_url.replace("1", "\\u0031", 1) + "x>"
    elif endpoint_kind == "pname":
        prologue += f"PREFIX s: <{canary_url}> "
        endpoint = "s:x"
    elif endpoint_kind == "empty-pname":
        prologue += f"PREFIX : <{canary_url}> "
        endpoint = ":x"
    elif endpoint_kind == "relative":
        prologue = f"BASE <{canary_url}> " + prologue
        endpoint = "<rel>"
    else:  # the endpoint's prefix glued to the keyword: SERVICEX:y
        prologue += f"PREFIX X: <{canary_url}> "
        endpoint = "X:y"
    seps = [pick(SEPARATORS) for _ in range(4)]
    glue = pick(GLUE)
    clause = (f"{glue}{seps[0]}{keyword}{seps[1]}{silent}{seps[2]}{endpoint}{seps[3]}{{ ?a ?b ?c }}")
    noise = pick(NOISE)
    wrapper = pick([
        "SELECT * WHERE {{ ?s ?p ?o {noise} {clause} }}",
        "SELECT * WHERE {{ {clause} {noise} }}",
        "SELECT * WHERE {{ {{ SELECT * WHERE {{ ?s ?p ?o {clause} }} }} }}",
        "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ {clause} }} {noise} }}",
        "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ {clause} }} }}",
        "ASK {{ {noise} {clause} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o {clause} }}",
        "SELECT * FROM <{canary}g> WHERE {{ ?s ?p ?o {clause} }}",
    ])
    return prologue + wrapper.format(noise=noise, clause=clause, canary=canary_url)


def _run(store: ox.Store, query: str) -> None:
    try:
        result = store.query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, ValueError, RuntimeError):
        pass


def test_the_generator_really_reaches_the_canary_without_the_guard(canary, canary_instance):
    """Without the guard a good share of the generated queries do call the endpoint: the property
    below is not vacuous."""
    store = _store()
    reached = 0
    chooser = random.Random(20261201)
    for _ in range(300):
        query = compose(chooser.choice, canary)
        before = len(canary_instance.hits)
        _run(store, query)
        reached += len(canary_instance.hits) > before
    assert reached >= 30, reached


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_nothing_the_guard_lets_through_reaches_the_network(canary, canary_instance, data):
    query = compose(lambda options: data.draw(st.sampled_from(options)), canary)
    try:
        check_query(query)
    except Refused:
        return
    before = len(canary_instance.hits)
    _run(_store(), query)
    assert len(canary_instance.hits) == before, f"the guard let through a query that called {canary}: {query!r}"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keyword=st.sampled_from(["LOAD", "load", "LoAd", "LOA\\u0044"]), silent=st.sampled_from(["", "SILENT", "silent"]),
       seps=st.lists(st.sampled_from(SEPARATORS), min_size=3, max_size=3),
       before=st.sampled_from(["", "CLEAR DEFAULT ;", "INSERT DATA { <http://e/a> <http://e/b> 1 } ;", "#x\r", "PREFIX l: <http://e/>"]),
       into=st.sampled_from(["", " INTO GRAPH <http://e/g>"]))
def test_no_update_the_guard_lets_through_loads_anything(canary, canary_instance, keyword, silent, seps, before, into):
    update = f"{before}{seps[0]}{keyword}{seps[1]}{silent}{seps[2]}<{canary}data.ttl>{into}"
    try:
        check_update(update)
    except Refused:
        return
    hits = len(canary_instance.hits)
    try:
        ox.Store().update(update)
    except (SyntaxError, OSError, ValueError, RuntimeError):
        pass
    assert len(canary_instance.hits) == hits, f"the guard let through an update that fetched from {canary}: {update!r}"
