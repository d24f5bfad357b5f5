"""Starting real bpograph processes for tests: `bpograph serve` on a free port, waited for, its
log shown on failure; a command on a pseudo-terminal; and where the W3C suites' files are."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

W3C = Path(__file__).parents[2] / "shared" / "w3c-rdf-tests" / "sparql" / "sparql11"
#: A query that runs far past any time limit the tests set (a three-way cross product).
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: The update key of the test servers started with --update (through BPOGRAPH_UPDATE_KEY).
UPDATE_KEY = "test-update-key-4f1c9a7e2b"
UPDATE_AUTH = {"Authorization": f"Bearer {UPDATE_KEY}"}


def w3c_path(iri) -> str:
    """The local path of a W3C suite file named by its ``file:`` IRI."""
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(str(iri)).path)


def on_terminal(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``python -m bpograph ARGS`` on a pseudo-terminal (standard error a tty, as a user's
    shell has it): its exit status and everything it wrote."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command on the terminal
        os.environ.update(env or {})
        os.execv(sys.executable, [sys.executable, "-m", "bpograph", *args])
    output = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server_process(*args: str, log_path: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `python -m bpograph serve ARGS`; yield its base URL and its process (the
    supervisor) once /healthz answers, and stop it afterwards. With ``--update`` among the
    arguments the server gets :data:`UPDATE_KEY` (unless ``env`` says otherwise).

    If the server dies or does not answer, the failure shows its log.
    """
    port = free_port()
    environment = dict(os.environ)
    if "--update" in args:
        environment["BPOGRAPH_UPDATE_KEY"] = UPDATE_KEY
    environment.update(env or {})
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bpograph", "serve", "--port", str(port), *args],
            stdout=log, stderr=subprocess.STDOUT, env=environment,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"bpograph serve exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"bpograph serve did not answer within 60 s:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_server(*args: str, log_path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """:func:`server_process`, for tests that need only the base URL."""
    with server_process(*args, log_path=log_path, env=env) as (base, _):
        yield base


# ---------------------------------------------------------------- processes, from /proc


def children_of(pid: int) -> set[int]:
    """The process ids whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def cpu_seconds(pid: int) -> float:
    """CPU time ``pid`` has used, user and system."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_processes(supervisor: int) -> set[int]:
    """The server processes a supervisor spawned (not multiprocessing's resource tracker)."""
    found = set()
    for pid in children_of(supervisor):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.add(pid)
        except OSError:
            continue
    return found


def on_both_backends():
    """Fixtures for a test module whose tests must hold on both backends: its ``live_server`` and
    ``endpoint`` become the embedded store's and the remote (Virtuoso) store's in turn. Use as
    ``live_server, endpoint = on_both_backends()`` at module level."""

    @pytest.fixture(scope="module")
    def live_server(any_server):
        return any_server

    @pytest.fixture(scope="module")
    def endpoint(live_server):
        return live_server + "/sparql"

    return live_server, endpoint
