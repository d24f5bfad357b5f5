"""Settings of the server and query engine: one table of (name, default, help), read from the
environment (``BPOGRAPH_<NAME>``) and overridden by CLI options or ``create_app(settings)``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Any


def _setting(default: Any, help: str, secret: bool = False) -> Any:  # noqa: A002 - "help" is the natural word here
    return field(default=default, metadata={"help": help, "secret": secret}, repr=not secret)


@dataclass(frozen=True)
class Settings:
    """Every knob of bpograph's server. ``--help``, the docs and the service description read this."""

    host: str = _setting("127.0.0.1", "Address to listen on.")
    port: int = _setting(8000, "Port to listen on.")
    data: tuple[str, ...] = _setting((), "Extra RDF files for the default graph, or whole datasets (TriG, N-Quads).")
    named: tuple[str, ...] = _setting((), "RDF files loaded as named graphs named by their file: IRI.")
    graphs: tuple[tuple[str, str], ...] = _setting((), "(graph IRI, file) pairs: files loaded as named graphs with the IRI given.")
    default_data: bool = _setting(True, "Serve the shipped knowledge graph.")
    store_dir: str | None = _setting(None, "Folder for the on-disk store (default: a temporary folder).")
    timeout: float = _setting(30.0, "Longest a query may run, in seconds; a request's 'timeout' can only lower it.")
    min_timeout: float = _setting(1.0, "Least time limit a request's 'timeout' can ask for, in seconds (a lower one is raised to it).")
    client_budget: float = _setting(60.0, "Seconds of query time each client address may use per minute; past it, 429 with Retry-After.")
    client_concurrency: int = _setting(4, "Queries each client address may have running at once; more get 429.")
    max_rows: int = _setting(10_000, "Most result rows (or triples) returned; larger results are cut and say so.")
    max_request_bytes: int = _setting(1_048_576, "Largest request body accepted; larger ones get 413.")
    workers: int = _setting(2, "Server processes of bpograph serve, each with its own copy (or read-only view) of the data; under another WSGI server, query worker processes.")
    threads: int = _setting(4, "Request and query threads per server process (a query running longer than 0.25 s drops to a lower priority and gets a request thread and a query thread of its own until it ends).")
    pin_cpus: bool = _setting(True, "Each server process of bpograph serve runs on its own share of the CPUs (one CPU each when there are as many CPUs as processes): a query's hand-over between its request thread and its query thread then stays on one CPU (on 2 cores, 22% more lookups per second at concurrency 1 and 15% more at 8). Off: every process may run on every CPU.")
    memory: bool = _setting(True, "Each server process of bpograph serve copies the data into memory in the background and then queries its copy (several times faster on analytic queries; about 0.47 GiB per million triples per process), up to memory_limit triples. Off: the processes share the on-disk store read-only. Always off with updates.")
    memory_limit: int = _setting(2_000_000, "Largest store, in triples, that the server processes copy into memory; a larger one they share on disk, read-only.")
    answer_cache: int = _setting(16, "MiB of recent answers to GET /sparql that each server process keeps, to give the same request the same answer again without running its query (only on the embedded store served read-only, whose data cannot change under its version); 0: off.")
    update: bool = _setting(False, "Accept SPARQL updates (off by default: the endpoint is read-only). Each update must carry the update key as 'Authorization: Bearer KEY'.")
    update_key_file: str | None = _setting(None, "File whose content is the update key (at least 16 characters); or set BPOGRAPH_UPDATE_KEY.")
    update_key: str | None = _setting(None, "The update key itself: from the environment only (BPOGRAPH_UPDATE_KEY), never from the command line.", secret=True)
    allow_service: tuple[str, ...] = _setting((), "Endpoints that SERVICE may call: http(s) URLs, each allowing its scheme, host, port and path prefix (default: none; without one, server processes can open no network socket).")
    base_iri: str = _setting("https://w3id.org/bpograph/", "Base of the IRIs served as pages.")
    backend: str | None = _setting(None, "SPARQL endpoint of a remote triple store to serve instead of the embedded one (e.g. http://127.0.0.1:8890/sparql for Virtuoso); the shipped graph is loaded into it on first use.")
    backend_update: str | None = _setting(None, "SPARQL Update endpoint of the remote store (default: the backend URL; Virtuoso: .../sparql-auth).")
    backend_graph_store: str | None = _setting(None, "Graph Store HTTP Protocol endpoint of the remote store, for streamed imports (Virtuoso: .../sparql-graph-crud-auth).")
    backend_user: str | None = _setting(None, "User name for the remote store's updates: from the environment only (BPOGRAPH_BACKEND_USER).", secret=True)
    backend_password: str | None = _setting(None, "Password for the remote store's updates: from the environment only (BPOGRAPH_BACKEND_PASSWORD), never from the command line.", secret=True)
    backend_union: str = _setting("served", "The default graph of a query to the remote store that names no dataset: 'served', the union of the graphs bpograph serves (passed as the protocol's dataset), or 'store', the store's own default graph (faster; on Virtuoso it also holds the store's system graph).")
    backend_limit_parameter: str = _setting("timeout={ms}", "How a query's time limit is passed to the remote store: a query parameter, its value in {ms} or {s} (Virtuoso: timeout={ms}); empty for none. Updates get none (Virtuoso keeps part of an update it stops).")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``BPOGRAPH_*`` variables, then ``overrides`` (None values are ignored)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"BPOGRAPH_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _convert(f.name, f.default, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)

    def with_update_key(self) -> Settings:
        """These settings with the update key read (from ``update_key_file`` unless the environment
        gave it); unchanged when updates are off.

        :raise ValueError: updates are on and no usable key is given (the message says how to give one).
        """
        if not self.update:
            return self
        key = self.update_key or None  # an empty BPOGRAPH_UPDATE_KEY gives none
        if key is None and self.update_key_file:
            try:
                key = open(self.update_key_file, encoding="utf-8").read().strip()
            except OSError as exc:
                raise ValueError(f"cannot read the update key file {self.update_key_file}: {exc.strerror}") from None
        if key is None:
            raise ValueError("--update needs a key that update requests must present: write one (at least 16 characters) "
                             "to a file and give --update-key-file FILE, or set BPOGRAPH_UPDATE_KEY")
        if len(key) < MIN_KEY_LENGTH:
            raise ValueError(f"the update key must have at least {MIN_KEY_LENGTH} characters")
        return replace(self, update_key=key)

    @classmethod
    def table(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) for every setting."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(cls)]


MIN_KEY_LENGTH = 16


def _convert(name: str, default: Any, raw: str) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, tuple):
        parts = tuple(part for part in raw.split(",") if part)
        if name == "graphs":  # BPOGRAPH_GRAPHS=iri=file,iri=file
            return tuple(tuple(part.split("=", 1)) for part in parts)
        return parts
    return raw
