"""What bpograph records in a remote store: one triple in one graph of its own
(:data:`STATE_GRAPH`), whose object is a JSON document with the data's version, when it changed,
the graphs bpograph serves with their sizes, and the VoID figures. Every front-end reads it, so
front-ends keep no state of their own: two of them over one store give the same answers and the
same ETags, and a graph imported through one is served by all within :data:`REFRESH` seconds.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import datetime, timezone

from ..base import StoreInfo
from .connection import Connection, StoreUnavailable

STATE_GRAPH = "urn:bpograph:store"
STATE_PREDICATE = "urn:bpograph:state"
#: Longest a front-end serves a state it read before.
REFRESH = 1.0


class StoreError(Exception):
    """A call to the store failed; the message says how."""


def select(connection: Connection, query: str, dataset: dict | None = None, timeout: float = 10.0,
           doing: str = "read bpograph's record") -> list[dict]:
    """The rows of one of bpograph's own SELECT queries to the store, as SPARQL-JSON bindings.

    :raise StoreUnavailable: the store does not answer.
    :raise StoreError: it answers with an error, or not with SPARQL JSON (``doing`` says what for).
    """
    from .backend import _first_line

    status, _, body = connection.query({"query": query, **(dataset or {})}, "application/sparql-results+json", timeout)
    if status != 200:
        raise StoreError(f"the store failed to {doing} (HTTP {status}): {_first_line(body.decode('utf-8', 'replace'))}")
    try:
        return json.loads(body)["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"the store's answer to {doing} is not SPARQL JSON ({exc})") from None


def read_state(connection: Connection, timeout: float = 10.0) -> dict | None:
    """The recorded state, or None if bpograph never wrote to this store.

    :raise StoreUnavailable: the store does not answer.
    :raise StoreError: it answers with an error.
    """
    query = f"SELECT ?state WHERE {{ GRAPH <{STATE_GRAPH}> {{ <{STATE_GRAPH}> <{STATE_PREDICATE}> ?state }} }}"
    rows = select(connection, query, timeout=timeout)
    try:
        return json.loads(rows[0]["state"]["value"]) if rows else None
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"the store's record of bpograph's data cannot be read ({exc})") from None


def next_version(state: dict | None, change: str) -> str:
    old = state["version"] if state else ""
    return hashlib.sha256(f"{old}:{change}".encode()).hexdigest()[:20]


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def state_update(state: dict) -> str:
    """The update that records ``state`` in place of the old one."""
    literal = json.dumps(json.dumps(state, sort_keys=True))  # a JSON string is a valid SPARQL string
    return (f"DELETE WHERE {{ GRAPH <{STATE_GRAPH}> {{ <{STATE_GRAPH}> <{STATE_PREDICATE}> ?old }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{STATE_GRAPH}> {{ <{STATE_GRAPH}> <{STATE_PREDICATE}> {literal} }} }}")


def info_of(state: dict) -> StoreInfo:
    return StoreInfo(
        path=None,
        version=state["version"],
        built=datetime.fromisoformat(state["built"]),
        graphs=dict(state["graphs"]),
        classes=state.get("classes", 0),
        properties=state.get("properties", 0),
        linksets={(p, ns): n for p, ns, n in state.get("linksets", [])},
        temporary=False,
    )


class LiveInfo:
    """A :class:`~bpograph.backends.base.StoreInfo` that follows the store: each attribute read
    returns the state read at most :data:`REFRESH` seconds ago. While the store is down, the last
    state read stays in use (``/healthz`` asks the store itself)."""

    path = None
    temporary = False

    def __init__(self, connection: Connection, state: dict) -> None:
        self._connection = connection
        self._info = info_of(state)
        self._read = time.monotonic()
        self._lock = threading.Lock()

    def _current(self) -> StoreInfo:
        if time.monotonic() - self._read > REFRESH and self._lock.acquire(blocking=False):
            try:
                state = read_state(self._connection, timeout=REFRESH * 5)
                if state is not None and state["version"] != self._info.version:
                    self._info = info_of(state)
            except (StoreUnavailable, StoreError):
                pass
            finally:
                self._read = time.monotonic()
                self._lock.release()
        return self._info

    def refresh(self) -> None:
        """Read the state now (after this front-end changed it); if the store does not answer,
        the next read within :data:`REFRESH` seconds tries again."""
        with self._lock:
            try:
                state = read_state(self._connection, timeout=REFRESH * 5)
            except (StoreUnavailable, StoreError):
                self._read = 0.0
                return
            if state is not None:
                self._info = info_of(state)
            self._read = time.monotonic()

    def snapshot(self) -> StoreInfo:
        """The state as read now, as a plain (picklable) StoreInfo."""
        return self._current()

    def __getattr__(self, name: str):
        return getattr(self._current(), name)

    def close(self) -> None:
        pass
