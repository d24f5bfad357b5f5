"""One client cannot take the endpoint down: each client address has a fair share of query time
and of queries at once (then 429 with Retry-After), a query stopped at its limit no longer holds
up the queries behind it, every accepted request is answered, and other clients keep getting
quick answers while seven clients send runaway and crash queries as fast as they are answered.
/metrics counts it all. Clients are told apart by address: each test client binds its own
loopback address (127.0.0.x)."""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
import urllib.parse
import urllib.request

import pytest

from serving import HEAVY, server_process, server_processes

CRASH = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
CHEAP = ("ASK { <https://w3id.org/bpograph/def/CallCentre> ?p ?o }",
         "SELECT ?label WHERE { <https://w3id.org/bpograph/def/CallCentre> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }")


class Client:
    """Sequential requests from one loopback address, over one keep-alive connection at a time."""

    def __init__(self, base: str, address: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.address = parts.hostname, parts.port, address

    def get(self, query: str, timeout: float = 60) -> tuple[int, dict, bytes, float]:
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout, source_address=(self.address, 0))
        try:
            connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
            response = connection.getresponse()
            body = response.read()
            return response.status, dict(response.getheaders()), body, time.monotonic() - started
        finally:
            connection.close()


@pytest.fixture()
def server(tmp_path):
    with server_process("--timeout", "2", "--client-budget", "6", log_path=tmp_path / "serve.log") as (base, supervisor):
        yield base, supervisor.pid


def test_a_client_past_its_share_gets_429_with_retry_after_while_others_are_served(server):
    base, _ = server
    greedy, other = Client(base, "127.0.0.2"), Client(base, "127.0.0.3")
    statuses = []
    for _ in range(6):
        status, headers, body, _ = greedy.get(HEAVY)
        statuses.append(status)
        if status == 429:
            assert int(headers["Retry-After"]) >= 1
            assert b"share of query time" in body
    assert statuses[:3] == [503, 503, 503] and statuses[-1] == 429, statuses
    status, _, _, seconds = other.get(CHEAP[0])
    assert status == 200 and seconds < 1


def test_a_client_may_have_only_a_few_queries_at_once(server):
    base, _ = server
    client = Client(base, "127.0.0.4")
    replies: list[tuple] = []
    threads = [threading.Thread(target=lambda: replies.append(client.get(HEAVY))) for _ in range(7)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(30)
    statuses = sorted(reply[0] for reply in replies)
    assert statuses.count(429) == 3 and statuses.count(503) == 4, statuses
    assert all(reply[3] < 1 for reply in replies if reply[0] == 429)  # refused at once, not queued


def test_a_timeout_below_the_floor_does_not_cost_a_process(server):
    base, supervisor = server
    before = server_processes(supervisor)
    connection = http.client.HTTPConnection(*urllib.parse.urlsplit(base).netloc.split(":"), timeout=10)
    for _ in range(50):
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK {}", "timeout": "0.000001"}))
        response = connection.getresponse()
        response.read()
        assert response.status == 200
    connection.close()
    assert server_processes(supervisor) == before


def test_seven_attackers_do_not_slow_down_everyone_else(server):
    base, supervisor = server
    stop = threading.Event()
    attack_statuses: list = []

    def attack(address: str) -> None:
        client = Client(base, address)
        turn = 0
        while not stop.is_set():
            try:
                attack_statuses.append(client.get(HEAVY if turn % 2 == 0 else CRASH)[0])
            except OSError as exc:  # an accepted request left unanswered counts against the server
                attack_statuses.append(repr(exc))
            turn += 1

    attackers = [threading.Thread(target=attack, args=(f"127.0.0.{10 + n}",)) for n in range(7)]
    for thread in attackers:
        thread.start()
    victim = Client(base, "127.0.0.1")
    latencies, statuses = [], []
    time.sleep(0.5)  # the first runaway queries are running now
    deadline = time.monotonic() + 20
    turn = 0
    while time.monotonic() < deadline:
        status, _, _, seconds = victim.get(CHEAP[turn % 2], timeout=30)
        statuses.append(status)
        latencies.append(seconds)
        turn += 1
        time.sleep(0.02)
    stop.set()
    for thread in attackers:
        thread.join(60)
    assert set(statuses) == {200}, statuses
    p99 = statistics.quantiles(latencies, n=100)[98]
    assert p99 < 0.25, f"p99 {p99 * 1000:.0f} ms over {len(latencies)} requests (median {statistics.median(latencies) * 1000:.1f} ms)"
    assert all(isinstance(s, int) for s in attack_statuses), [s for s in attack_statuses if not isinstance(s, int)][:5]
    assert set(attack_statuses) <= {400, 429, 503} and {400, 429, 503} <= set(attack_statuses), set(attack_statuses)
    time.sleep(3)
    assert len(server_processes(supervisor)) == 2

    metrics = urllib.request.urlopen(base + "/metrics").read().decode()
    counted = dict(re.findall(r'^bpograph_http_responses_total\{status="(\d+)"\} (\S+)$', metrics, re.M))
    assert float(counted["429"]) == attack_statuses.count(429)
    assert float(counted["400"]) >= attack_statuses.count(400)
    stopped = float(re.search(r"^bpograph_queries_stopped_total (\S+)$", metrics, re.M).group(1))
    assert stopped >= attack_statuses.count(503)
    assert float(re.search(r"^bpograph_processes_replaced_total (\S+)$", metrics, re.M).group(1)) >= 1
    assert re.search(r"^bpograph_server_processes 2$", metrics, re.M)

