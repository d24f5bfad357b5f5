"""`bpograph serve` runs pre-forked server processes under a supervisor: a query past its time
limit gets its 503 and its process is replaced, which stops the runaway work; a process that dies
is replaced too; the supervisor keeps the endpoint answering throughout."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time
import urllib.parse

import pytest

from http_client import fetch
from serving import HEAVY, alive, cpu_seconds, running_server, server_process, server_processes


@pytest.fixture()
def server(tmp_path):
    log = tmp_path / "serve.log"
    with server_process("--timeout", "1", "--workers", "2", log_path=log) as (base, supervisor):
        # /healthz answers once the first process serves; the supervisor says when all do
        assert wait_for(lambda: "SPARQL endpoint at" in log.read_text(), 60), log.read_text()
        yield base, supervisor.pid, log


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_runaway_query_is_answered_503_and_its_process_ends_freeing_the_cpu(server):
    base, supervisor, log = server
    before = server_processes(supervisor)
    assert len(before) == 2
    reply = fetch("GET", base + "/sparql", params={"query": HEAVY})
    assert reply.status == 503 and "time limit of 1 s" in reply.text
    # the process that ran it retires: gone within the grace period, and a fresh one serves
    assert wait_for(lambda: not all(alive(pid) for pid in before), 8), "no server process ended"
    assert wait_for(lambda: len(server_processes(supervisor)) == 2, 30)
    now = server_processes(supervisor)
    assert now != before
    assert fetch("GET", base + "/sparql", params={"query": "ASK {}"}).status == 200
    # and nothing runs on: once the replacement has loaded its copy, the processes are idle
    for pid in now - before:
        assert wait_for(lambda: f"server process {pid} serves" in log.read_text(), 30), log.read_text()
    used = {pid: cpu_seconds(pid) for pid in now}
    time.sleep(1.0)
    busy = sum(cpu_seconds(pid) - seconds for pid, seconds in used.items() if alive(pid))
    assert busy < 0.3, f"server processes used {busy:.2f} s of CPU in 1 s while idle"
    assert "retires after a runaway query" in log.read_text()


def test_other_requests_are_answered_while_a_process_retires(server):
    base, _, _ = server
    results = []

    def quick_loop(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                results.append(fetch("GET", base + "/sparql", params={"query": "ASK {}"}).status)
            except OSError as exc:  # a connection closed unanswered counts against the server
                results.append(repr(exc))

    stop = threading.Event()
    clients = [threading.Thread(target=quick_loop, args=(stop,)) for _ in range(3)]
    for client in clients:
        client.start()
    try:
        heavy = fetch("GET", base + "/sparql", params={"query": HEAVY})
        time.sleep(2.0)  # the retiring process drains and exits meanwhile
    finally:
        stop.set()
        for client in clients:
            client.join(30)
    assert heavy.status == 503
    assert len(results) > 20 and set(results) == {200}


def test_a_server_process_that_dies_is_replaced(server):
    base, supervisor, log = server
    victim = min(server_processes(supervisor))
    os.kill(victim, signal.SIGKILL)
    assert wait_for(lambda: victim not in server_processes(supervisor) and len(server_processes(supervisor)) == 2, 30)
    for _ in range(10):
        assert fetch("GET", base + "/sparql", params={"query": "ASK {}"}).status == 200
    assert "starting another" in log.read_text()


@pytest.mark.parametrize("mode", [(), ("--on-disk",)], ids=["in-memory", "on-disk"])
def test_in_memory_and_on_disk_serve_the_same_dataset(tmp_path, mode):
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    graphs = "SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with running_server("--named", str(empty), *mode, log_path=tmp_path / "serve.log") as base:
        listed = json.loads(fetch("GET", base + "/sparql", params={"query": graphs}).body)
        total = json.loads(fetch("GET", base + "/sparql", params={"query": count}).body)
        healthz = json.loads(fetch("GET", base + "/healthz").body)
    names = [row["g"]["value"] for row in listed["results"]["bindings"]]
    assert empty.resolve().as_uri() in names  # the empty graph exists in either mode
    assert len(names) == 13
    assert int(total["results"]["bindings"][0]["n"]["value"]) == healthz["triples"]


def test_a_named_file_reached_through_a_link_is_named_by_the_path_given(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "g.nt").write_text("<urn:a> <urn:b> <urn:c> .\n")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    given = tmp_path / "link" / "sub" / ".." / "g.nt"
    (real / "sub").mkdir()
    with running_server("--no-default-data", "--named", str(given), log_path=tmp_path / "serve.log") as base:
        listed = json.loads(fetch("GET", base + "/sparql", params={"query": "SELECT ?g WHERE { GRAPH ?g { } }"}).body)
    names = [row["g"]["value"] for row in listed["results"]["bindings"]]
    assert names == [(tmp_path / "link" / "g.nt").as_uri()]


@pytest.fixture()
def one_process(tmp_path):
    """One server process, so that every connection below is accepted by the one that retires."""
    with running_server("--timeout", "1", "--workers", "1", log_path=tmp_path / "serve.log") as base:
        yield int(base.rsplit(":", 1)[1])


def test_a_connection_opened_before_a_retirement_is_still_answered(one_process):
    # the client connected, but its request comes only after the process began to retire
    waiting = http.client.HTTPConnection("127.0.0.1", one_process, timeout=30)
    waiting.connect()
    time.sleep(0.3)  # accepted by the server process by now
    heavy = fetch("GET", f"http://127.0.0.1:{one_process}/sparql", params={"query": HEAVY})
    assert heavy.status == 503
    assert heavy.headers["Connection"] == "close"  # a retiring process keeps no connection alive
    waiting.request("GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
    reply = waiting.getresponse()
    assert reply.status == 200 and json.loads(reply.read())["boolean"] is True
    assert reply.getheader("Connection") == "close"
    waiting.close()


def test_an_http_1_0_keep_alive_request_to_a_retiring_process_is_told_close_once(one_process):
    waiting = socket.create_connection(("127.0.0.1", one_process), timeout=10)
    time.sleep(0.3)
    assert fetch("GET", f"http://127.0.0.1:{one_process}/sparql", params={"query": HEAVY}).status == 503
    waiting.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    received = b""
    while chunk := waiting.recv(65536):  # the process closes the connection after its answer
        received += chunk
    waiting.close()
    head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    assert head[0].startswith("HTTP/1.0 200")
    assert [line for line in head if line.lower().startswith("connection:")] == ["Connection: close"]


def test_a_keep_alive_connection_in_the_middle_of_a_request_is_answered_before_it_is_closed(one_process):
    kept = http.client.HTTPConnection("127.0.0.1", one_process, timeout=30)
    kept.request("GET", "/healthz")
    first = kept.getresponse()
    first.read()
    assert first.status == 200 and first.getheader("Connection") is None  # kept alive
    # the next request is half sent when the process begins to retire
    body = b"ASK { ?s ?p ?o }"
    kept.putrequest("POST", "/sparql")
    kept.putheader("Content-Type", "application/sparql-query")
    kept.putheader("Content-Length", str(len(body)))
    kept.endheaders(body[:5])
    time.sleep(0.3)
    heavy = fetch("GET", f"http://127.0.0.1:{one_process}/sparql", params={"query": HEAVY})
    assert heavy.status == 503
    kept.send(body[5:])
    reply = kept.getresponse()
    assert reply.status == 200 and json.loads(reply.read())["boolean"] is True
    assert reply.getheader("Connection") == "close"
    kept.close()


def _cpus(pid: int) -> frozenset[int]:
    return frozenset(os.sched_getaffinity(pid))


def test_each_server_process_runs_on_its_own_cpus_and_a_replacement_takes_the_dead_ones(server):
    base, supervisor, _ = server
    pids = sorted(server_processes(supervisor))
    shares = [_cpus(pid) for pid in pids]
    allowed = frozenset(os.sched_getaffinity(0))
    assert shares[0] | shares[1] == allowed
    assert shares[0].isdisjoint(shares[1]) if len(allowed) > 1 else shares[0] == shares[1] == allowed
    os.kill(pids[0], signal.SIGKILL)
    assert wait_for(lambda: pids[0] not in server_processes(supervisor) and len(server_processes(supervisor)) == 2, 30)
    (replacement,) = server_processes(supervisor) - {pids[1]}
    # (it pins itself as it starts, so its first moments may still show every CPU)
    assert wait_for(lambda: _cpus(replacement) == shares[0], 30), _cpus(replacement)
    assert _cpus(pids[1]) == shares[1]
    assert fetch("GET", base + "/sparql", params={"query": "ASK {}"}).status == 200


def test_without_pinning_every_server_process_may_run_on_every_cpu(tmp_path):
    log = tmp_path / "serve.log"
    with server_process("--workers", "2", "--no-pin-cpus", log_path=log) as (_, supervisor):
        assert wait_for(lambda: len(server_processes(supervisor.pid)) == 2, 60)
        assert {_cpus(pid) for pid in server_processes(supervisor.pid)} == {frozenset(os.sched_getaffinity(0))}
