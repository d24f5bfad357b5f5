"""Queries that overflowed the engine's stack and killed a server process (SIGSEGV): deep nesting
is refused with a 400 before the engine sees it, long chains within the limits are answered on
the query threads' large stacks, and no server process dies, so the requests in flight with
them are all answered."""

from __future__ import annotations

import threading

import pytest

from http_client import fetch
from serving import server_process, server_processes

CRASHERS = {
    "3,000 nested groups": "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "an unclosed group": "SELECT * WHERE " + "{" * 3000,
    "10,000 brackets": "SELECT * WHERE { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
    "10,000 negations": "SELECT * WHERE { FILTER(" + "!" * 10000 + "true) }",
    "nested OPTIONAL": "SELECT * WHERE { " + "OPTIONAL { " * 3000 + "}" * 3000 + " }",
    "nested blank nodes": "SELECT * WHERE { ?s ?p " + "[ <urn:p> " * 3000 + "<urn:o>" + " ]" * 3000 + " }",
    "nested signs": "ASK { FILTER(" + "-(" * 5000 + "1" + ")" * 5000 + ") }",
}
#: Within the guard's limits, and fatal on the default 8 MB thread stack (seen: SIGSEGV at 10,000).
LONG_CHAINS = {
    "10,000 additions": "ASK { FILTER(1" + "+1" * 10000 + " > 0) }",
    "6,000 unions": "SELECT (COUNT(*) AS ?n) WHERE { {}" + " UNION {}" * 6000 + " }",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with server_process("--timeout", "20", log_path=tmp_path_factory.mktemp("crash") / "serve.log") as (base, supervisor):
        yield base + "/sparql", supervisor.pid


def test_crash_queries_get_a_400_and_no_process_dies(server):
    endpoint, supervisor = server
    before = server_processes(supervisor)
    assert len(before) == 2
    replies: dict[str, object] = {}
    normal: list[int] = []

    def send(name, query):
        replies[name] = fetch("POST", endpoint, body=query, headers={"Content-Type": "application/sparql-query"})

    def keep_asking():
        for _ in range(40):
            normal.append(fetch("GET", endpoint, params={"query": "ASK { ?s ?p ?o }"}).status)

    threads = [threading.Thread(target=send, args=item) for item in CRASHERS.items()] + [threading.Thread(target=keep_asking)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for name in CRASHERS:
        reply = replies[name]
        assert reply.status == 400, (name, reply.status, reply.text[:200])
        assert "nests deeper than 128 levels at line 1, column" in reply.text, reply.text
    assert normal == [200] * 40
    assert server_processes(supervisor) == before


@pytest.mark.parametrize("name", LONG_CHAINS)
def test_long_chains_within_the_limits_are_answered(server, name):
    endpoint, supervisor = server
    before = server_processes(supervisor)
    reply = fetch("POST", endpoint, body=LONG_CHAINS[name], headers={"Content-Type": "application/sparql-query"}, timeout=60)
    assert reply.status == 200, reply.text[:300]
    assert server_processes(supervisor) == before


def test_a_chain_past_the_limit_is_refused_with_a_message(server):
    endpoint, _ = server
    reply = fetch("POST", endpoint, body="ASK { FILTER(1" + "+1" * 40000 + " > 0) }",
                  headers={"Content-Type": "application/sparql-query"})
    assert reply.status == 400 and "too long: more than 30000 terms" in reply.text
