"""A real Virtuoso 7 (Debian's virtuoso-opensource) for tests: a scratch database in a temporary
folder, its SQL and HTTP ports on loopback only, started and stopped by the tests themselves.
The test command installs it (README, "Tests"); without it these tests fail, they do not skip.
The benchmarks (benchmarks/remote.py) start theirs with the same code."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path



def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

BINARY = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
VAD = "/usr/share/virtuoso-opensource-7/vad/"
SERVER_ROOT = "/var/lib/virtuoso-opensource-7/vsp"
#: The scratch database's administrator (a fresh Virtuoso database has dba/dba).
USER, PASSWORD = "dba", "dba"

INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = ., {dir}{allowed}
VADInstallDir = {vad}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {root}
ServerThreads = 20
MaxClientConnections = 20
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


@dataclass(frozen=True)
class Virtuoso:
    http: int
    folder: Path

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http}/sparql"

    sql: int = 0

    @property
    def environment(self) -> dict[str, str]:
        """What a bpograph front-end needs to write to this store."""
        return {"BPOGRAPH_BACKEND_UPDATE": f"http://127.0.0.1:{self.http}/sparql-auth",
                "BPOGRAPH_BACKEND_GRAPH_STORE": f"http://127.0.0.1:{self.http}/sparql-graph-crud-auth",
                "BPOGRAPH_BACKEND_USER": USER, "BPOGRAPH_BACKEND_PASSWORD": PASSWORD}

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


@contextmanager
def running_virtuoso(folder: Path, buffers: int = 20000, allowed: tuple[str, ...] = ()) -> Iterator[Virtuoso]:
    """Start Virtuoso on a scratch database in ``folder``; stop it afterwards. ``buffers`` is its
    page cache in 8 KB pages (Virtuoso's guide: about 2/3 of the memory it may use); ``allowed``
    are folders its bulk loader may read.

    :raise RuntimeError: it is not installed, exits, or does not answer within 120 s.
    """
    if not os.path.exists(BINARY):
        raise RuntimeError(f"{BINARY} is absent: install Debian's virtuoso-opensource (the README's test command does)")
    folder.mkdir(parents=True, exist_ok=True)
    http, sql = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(dir=folder, sql=sql, http=http, vad=VAD, root=SERVER_ROOT,
                                                    buffers=buffers, dirty=buffers * 3 // 4,
                                                    allowed="".join(f", {a}" for a in allowed)))
    process = subprocess.Popen([BINARY, "-c", str(folder / "virtuoso.ini"), "-f"], cwd=folder,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    store = Virtuoso(http, folder, sql)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Virtuoso exited with {process.returncode}:\n{store.log()}")
            try:
                with urllib.request.urlopen(store.sparql + "?query=ASK%7B%7D", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Virtuoso did not answer within 120 s:\n{store.log()}")
            time.sleep(0.2)
        yield store
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
