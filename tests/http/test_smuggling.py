"""Smuggling SERVICE, LOAD and FROM past a running `bpograph serve` (both barriers: the query guard
and the server processes' seccomp filter), with a canary HTTP server on loopback as the target.
Every request must get a 4xx (or a 200 that fetched nothing), over GET, form POST and direct
POST, and the canary must see no request at all."""

from __future__ import annotations

import random
import sys
import urllib.parse
from pathlib import Path

import pytest

from bpograph.safety import sandbox
from canary import canary_server
from http_client import fetch
from serving import UPDATE_AUTH, server_process, server_processes

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_guard_against_engine import compose  # noqa: E402 - the generator the guard is tested with
from test_query_guard import SMUGGLED  # noqa: E402

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


@pytest.fixture(scope="module")
def canary():
    with canary_server() as found:
        yield found


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("smuggling") / "serve.log"
    with server_process("--timeout", "5", log_path=log) as (base, supervisor):
        yield base, supervisor


def _send(endpoint: str, query: str, how: str):
    if how == "GET":
        return fetch("GET", endpoint, params={"query": query})
    if how == "form":
        return fetch("POST", endpoint, body=urllib.parse.urlencode({"query": query}), headers=FORM)
    return fetch("POST", endpoint, body=query.encode("utf-8"), headers=DIRECT)


def _retarget(query: str, canary_url: str) -> str:
    return query.replace("http://127.0.0.1:9999/", canary_url)


@pytest.mark.parametrize("how", ["GET", "form", "direct"])
def test_the_known_smuggling_queries_are_refused_without_a_fetch(server, canary, how):
    base, _ = server
    for name, query in SMUGGLED.items():
        reply = _send(base + "/sparql", _retarget(query, canary.url), how)
        assert reply.status == 400, (name, reply.status, reply.text)
        assert "SERVICE" in reply.text and "Traceback" not in reply.text
    assert canary.hits == []


def test_a_thousand_generated_attempts_reach_nothing(server, canary):
    base, _ = server
    chooser = random.Random(7)
    statuses: dict[int, int] = {}
    for number in range(1000):
        query = compose(chooser.choice, canary.url)
        reply = _send(base + "/sparql", query, ("GET", "form", "direct")[number % 3])
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
        assert reply.status < 500, (query, reply.text)
    assert canary.hits == [], canary.hits
    assert statuses.get(400, 0) > 900, statuses


def test_from_names_graphs_of_the_store_and_fetches_nothing(server, canary):
    base, _ = server
    for query in (f"SELECT * FROM <{canary.url}g> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <{canary.url}n> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        reply = fetch("GET", base + "/sparql", params={"query": query})
        assert reply.status == 200, reply.text
        assert reply.body.count(b'"value"') == 0  # neither graph is in the store
    reply = fetch("GET", base + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": canary.url + "d"})
    assert reply.status == 200
    assert canary.hits == []


@pytest.mark.skipif(not sandbox.available(), reason="seccomp filters need Linux on x86_64 or aarch64")
def test_every_server_process_runs_under_the_network_filter(server):
    _, supervisor = server
    processes = server_processes(supervisor.pid)
    assert len(processes) >= 2
    for pid in processes:
        status = Path(f"/proc/{pid}/status").read_text()
        assert "Seccomp:\t2" in status, status  # mode 2: a filter is installed
    # the supervisor itself keeps its network (it builds the store; it runs no query)
    assert "Seccomp:\t0" in Path(f"/proc/{supervisor.pid}/status").read_text()


def test_updates_load_nothing_either(tmp_path, canary):
    with server_process("--update", "--no-default-data", log_path=tmp_path / "serve.log") as (base, _):
        for update in (f"#x\rLOAD <{canary.url}x>", f"LOADSILENT<{canary.url}x>", f"load <{canary.url}x> INTO GRAPH <urn:g>",
                       f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"):
            reply = fetch("POST", base + "/sparql", body=urllib.parse.urlencode({"update": update}), headers={**FORM, **UPDATE_AUTH})
            assert reply.status == 400, (update, reply.text)
            assert "LOAD" in reply.text or "SERVICE" in reply.text
    assert canary.hits == []
