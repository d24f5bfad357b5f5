"""HTTP to the remote store: one pooled session per process, credentials from the settings
(HTTP Digest or Basic, whichever the store asks for), and every call bounded in time.

Queries, which need no credentials, go over one kept-alive ``http.client`` connection per thread:
a lookup costs no TCP handshake, and 0.7 ms less than through requests (measured on loopback,
1.1 ms against 1.8 ms a call). Writes go through requests, for its Digest authentication
(Virtuoso's authenticated endpoints ask for Digest; Fuseki and GraphDB for Basic).
"""

from __future__ import annotations

import functools
import http.client
import socket
import threading
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

#: Seconds to wait for the store to accept a connection.
CONNECT_TIMEOUT = 5.0
#: Seconds beyond a request's time limit that an answer may take to arrive (the store stops the
#: query at the limit; its answer then still has to travel).
GRACE = 2.0


class StoreUnavailable(Exception):
    """The store did not answer: refused, unreachable or silent past the time limit."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.timed_out = timed_out


class _Either(AuthBase):
    """Answer the store's challenge in the scheme it names: Digest or Basic."""

    def __init__(self, user: str, password: str) -> None:
        self.digest = HTTPDigestAuth(user, password)
        self.basic = HTTPBasicAuth(user, password)

    def __call__(self, request):
        self.digest(request)  # registers a hook that answers a Digest challenge
        request.register_hook("response", self._basic_if_asked)
        return request

    def _basic_if_asked(self, response, **kwargs):
        challenge = response.headers.get("www-authenticate", "")
        if response.status_code != 401 or not challenge.lower().startswith("basic"):
            return response
        response.content  # noqa: B018 - read it, so that the connection can be reused
        response.close()
        retry = response.request.copy()
        self.basic(retry)
        again = response.connection.send(retry, **kwargs)
        again.history.append(response)
        return again


@dataclass(frozen=True)
class Endpoints:
    """Where the store takes queries, updates and graph uploads."""

    query: str
    update: str
    graph_store: str | None = None
    user: str | None = None
    password: str | None = None

    @property
    def name(self) -> str:
        """The store's address for messages: scheme, host and port, never credentials."""
        parts = urlsplit(self.query)
        return f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}"


class Connection:
    """Thread-safe: each thread gets its own session (requests' sessions are not safe to share)."""

    def __init__(self, endpoints: Endpoints) -> None:
        self.endpoints = endpoints
        self._local = threading.local()
        self._auth = _Either(endpoints.user, endpoints.password or "") if endpoints.user else None

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False  # no proxy from the environment between bpograph and its store
        return session

    def post(self, url: str, timeout: float, *, data=None, headers: dict[str, str] | None = None,
             params: dict | None = None, auth: bool = False, method: str = "POST") -> requests.Response:
        """One call to the store, answered within ``timeout`` seconds (plus :data:`GRACE`).

        :raise StoreUnavailable: the store refused the connection, or did not answer in time.
        """
        try:
            return self._session().request(method, url, data=data, headers=headers, params=params,
                                           auth=self._auth if auth else None,
                                           timeout=(CONNECT_TIMEOUT, timeout + GRACE), allow_redirects=False)
        except requests.Timeout:
            raise StoreUnavailable(f"the triple store at {self.endpoints.name} did not answer within "
                                   f"{timeout + GRACE:g} s", timed_out=True) from None
        except requests.RequestException as exc:
            reason = type(exc).__name__ if not str(exc) else _short(exc)
            raise StoreUnavailable(f"the triple store at {self.endpoints.name} cannot be reached ({reason})") from None

    def query(self, data: dict, accept: str, timeout: float) -> tuple[int, http.client.HTTPMessage, bytes]:
        """POST a query form to the query endpoint (no credentials); (status, headers, body).

        :raise StoreUnavailable: the store refused the connection, or did not answer in time.
        """
        body = form(data)
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        parts = urlsplit(self.endpoints.query)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            connection, reused = self._http(parts)
            try:
                connection.request("POST", target, body=body, headers=headers)  # connects within CONNECT_TIMEOUT
                connection.sock.settimeout(timeout + GRACE)  # then each read waits at most this long
                response = connection.getresponse()
                payload = response.read()
                if response.will_close:
                    self._drop()
                return response.status, response.msg, payload
            except (socket.timeout, TimeoutError):
                self._drop()
                raise StoreUnavailable(f"the triple store at {self.endpoints.name} did not answer within "
                                       f"{timeout + GRACE:g} s", timed_out=True) from None
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._drop()
                if reused and attempt == 1:
                    continue  # the store closed a kept-alive connection: once more on a fresh one
                raise StoreUnavailable(f"the triple store at {self.endpoints.name} cannot be reached (it closed the "
                                       f"connection: {type(exc).__name__})") from None
            except OSError as exc:
                self._drop()
                reason = "connection refused" if isinstance(exc, ConnectionRefusedError) else (exc.strerror or str(exc))
                raise StoreUnavailable(f"the triple store at {self.endpoints.name} cannot be reached ({reason})") from None
        raise AssertionError("unreachable")

    def _http(self, parts) -> tuple[http.client.HTTPConnection, bool]:
        connection = getattr(self._local, "http", None)
        if connection is not None:
            return connection, True
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = self._local.http = kind(parts.hostname, parts.port, timeout=CONNECT_TIMEOUT)
        return connection, False

    def _drop(self) -> None:
        connection = getattr(self._local, "http", None)
        self._local.http = None
        if connection is not None:
            connection.close()

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
        self._drop()


def form(data: dict) -> str:
    """``urlencode(data, doseq=True)``, with each list of values (the graphs of a dataset, which
    change only when the served graphs do) encoded once: with 21 served graphs, 8 µs a query
    against urlencode's 139 µs, which quotes every IRI character by character."""
    parts = []
    for name, value in data.items():
        if isinstance(value, (list, tuple)):
            if value:
                parts.append(_encoded(name, tuple(value)))
        else:
            parts.append(urlencode({name: value}))
    return "&".join(parts)


@functools.lru_cache(maxsize=64)
def _encoded(name: str, values: tuple[str, ...]) -> str:
    return urlencode([(name, value) for value in values])


def _short(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host"
    return text.splitlines()[0][:200]
