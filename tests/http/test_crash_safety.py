"""Processes killed mid-work, full disks and concurrent writers lose nothing and mislead no cache:
an import killed with SIGKILL at its most delicate moment leaves a store whose version moved on
(no client gets 304 for changed data), or, cut off in the bulk loader, the store as it was; an
import under a server is refused; a full disk gives one line and exit status 2 and leaves the
store as it was; the temporary store of a killed supervisor is swept by the next server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from http_client import fetch
from serving import server_process

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/g> { ?s ?p ?o } }"
# runs `bpograph import`, and SIGKILLs it at the chosen step of writing the store's marker
KILLED_IMPORT = """
import os, signal, sys
import bpograph.backends.oxigraph.store as store
moment = sys.argv[1]
write = store._write_marker
def killing(path, version, pending=None, **more):
    if pending is None and moment == "after-commit":
        os.kill(os.getpid(), signal.SIGKILL)       # the data is in; the final marker is not
    write(path, version, pending, **more)
    if pending is not None and moment == "before-commit":
        os.kill(os.getpid(), signal.SIGKILL)       # the marker says pending; the data is not in
store._write_marker = killing
from bpograph.cli import main
sys.argv = ["bpograph", "import", *sys.argv[2:]]
main()
"""


def _bpograph(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bpograph", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def _etag_and_count(store: Path, log: Path) -> tuple[str, int]:
    with server_process("--store", str(store), log_path=log) as (base, _):
        reply = fetch("GET", base + "/sparql", params={"query": COUNT})
        return reply.headers["ETag"], int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture()
def data(tmp_path) -> Path:
    path = tmp_path / "data.ttl"
    path.write_text("".join(f"<urn:s{n}> <urn:p> {n} .\n" for n in range(50)), encoding="utf-8")
    return path


@pytest.mark.parametrize("moment", ["after-commit", "before-commit"])
def test_an_import_killed_mid_write_leaves_no_stale_version(tmp_path, data, moment):
    """Into a graph that holds triples (one transaction): all of the file or none of it, and a
    version of its own either way."""
    store = tmp_path / "store"
    assert _bpograph("import", str(data), "--graph", "https://example.org/g", "--store", str(store)).returncode == 0
    more = tmp_path / "more.ttl"
    more.write_text("".join(f"<urn:t{n}> <urn:p> {n} .\n" for n in range(50)), encoding="utf-8")
    etag_before, count_before = _etag_and_count(store, tmp_path / "one.log")
    killed = subprocess.run([sys.executable, "-c", KILLED_IMPORT, moment, str(more), "--graph", "https://example.org/g",
                             "--store", str(store)], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    etag_after, count_after = _etag_and_count(store, tmp_path / "two.log")
    assert count_after == (100 if moment == "after-commit" else 50)  # all of the file or none of it
    assert etag_after != etag_before  # a client holding the old ETag gets the data, not 304
    with server_process("--store", str(store), log_path=tmp_path / "three.log") as (base, _):
        reply = fetch("GET", base + "/sparql", params={"query": COUNT}, headers={"If-None-Match": etag_before})
        assert reply.status == 200
        assert fetch("GET", base + "/sparql", params={"query": COUNT}).headers["ETag"] == etag_after  # and it stays put


@pytest.mark.parametrize("moment", ["after-commit", "before-commit"])
def test_a_bulk_import_killed_mid_write_is_undone_with_its_version(tmp_path, data, moment):
    """Into a new graph (the bulk loader, outside a transaction): undone when the store is next
    opened, so the store is as it was, old version and all (its ETags still hold)."""
    store = tmp_path / "store"
    assert _bpograph("import", str(data), "--graph", "https://example.org/other", "--store", str(store)).returncode == 0
    etag_before, count_before = _etag_and_count(store, tmp_path / "one.log")
    killed = subprocess.run([sys.executable, "-c", KILLED_IMPORT, moment, str(data), "--graph", "https://example.org/g",
                             "--store", str(store)], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    etag_after, count_after = _etag_and_count(store, tmp_path / "two.log")
    assert count_after == count_before == 0 and etag_after == etag_before
    with server_process("--store", str(store), log_path=tmp_path / "three.log") as (base, _):
        reply = fetch("GET", base + "/sparql", params={"query": COUNT}, headers={"If-None-Match": etag_before})
        assert reply.status == 304


def test_an_import_is_refused_while_a_server_serves_the_store(tmp_path, data):
    store = tmp_path / "store"
    assert _bpograph("import", str(data), "--graph", "https://example.org/other", "--store", str(store)).returncode == 0
    with server_process("--store", str(store), "--on-disk", log_path=tmp_path / "serve.log"):
        refused = _bpograph("import", str(data), "--graph", "https://example.org/g", "--store", str(store))
        assert refused.returncode == 2
        assert "the store is in use: a server is serving it" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    assert _bpograph("import", str(data), "--graph", "https://example.org/g", "--store", str(store)).returncode == 0


@pytest.fixture()
def small_disk(tmp_path):
    """A 6 MB file system of its own (tmpfs; needs root, which the test command has)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_gives_one_line_and_changes_nothing(tmp_path, small_disk):
    store = small_disk / "store"
    big = tmp_path / "big.nt"
    big.write_text("".join(f"<urn:subject-with-a-long-name-{n}> <urn:p> \"{'x' * 120} {n}\" .\n" for n in range(60000)),
                   encoding="utf-8")
    small = tmp_path / "small.ttl"
    small.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    first = _bpograph("import", str(small), "--graph", "https://example.org/small", "--store", str(store))
    assert first.returncode == 0, first.stderr
    failed = _bpograph("import", str(big), "--graph", "https://example.org/g", "--store", str(store))
    assert failed.returncode == 2, failed.stderr
    assert "no space left on the device" in failed.stderr and "Traceback" not in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
    with server_process("--store", str(store), "--on-disk", log_path=tmp_path / "serve.log") as (base, _):
        reply = fetch("GET", base + "/sparql", params={"query": COUNT})
        assert int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]) == 0


def test_a_full_temporary_folder_stops_serve_with_one_line(tmp_path, small_disk):
    big = tmp_path / "big.nt"
    big.write_text("".join(f"<urn:s{n}> <urn:p> \"{'y' * 200}\" .\n" for n in range(40000)), encoding="utf-8")
    done = _bpograph("serve", "--port", "0", "--data", str(big), env={"TMPDIR": str(small_disk)})
    assert done.returncode == 2, done.stderr
    assert "no space left on the device" in done.stderr and "Traceback" not in done.stderr
    assert not [p for p in small_disk.iterdir() if p.name.startswith("bpograph-")]


def test_a_killed_supervisor_leaves_nothing_behind_the_next_server(tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {"TMPDIR": str(temporary)}
    with server_process(log_path=tmp_path / "one.log", env=env) as (_, supervisor):
        assert len(list(temporary.glob("bpograph-*"))) == 1  # the store (the processes copy it from there)
        os.kill(supervisor.pid, signal.SIGKILL)
        supervisor.wait(10)
    time.sleep(0.5)  # its server processes die with it
    left = sorted(p.name for p in temporary.glob("bpograph-*"))
    assert len(left) == 1, left
    with server_process(log_path=tmp_path / "two.log", env=env) as (_, supervisor):
        now = sorted(p.name for p in temporary.glob("bpograph-*"))
        assert len(now) == 1 and not set(now) & set(left), (left, now)
        assert all(str(supervisor.pid) in name for name in now)
